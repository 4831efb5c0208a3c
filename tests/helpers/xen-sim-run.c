/* SPDX-License-Identifier: MIT */
#include <limits.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "shared-data.h"
#include "tool-run.h"
#include "xen-sim-run.h"

#define CHILD_MARK "XFS_TEST_UNDER_XEN_SIM"

const char *xen_sim_path(void)
{
    static char path[PATH_MAX];
    char *slash;

    if (path[0])
        return path;
    snprintf(path, sizeof(path), "%s", tool_path());
    slash = strrchr(path, '/');
    assert_non_null(slash);
    snprintf(slash, sizeof(path) - (size_t)(slash - path), "/xen-sim");
    return path;
}

void xen_sim_sanitizer_env(void)
{
    const char *san = getenv("XFS_SAN"), *old = getenv("ASAN_OPTIONS");
    char opts[1024];

    if (!san || !*san || (old && strstr(old, "verify_asan_link_order")))
        return;
    snprintf(opts, sizeof(opts), "%s%sverify_asan_link_order=0",
             old ? old : "", old && *old ? ":" : "");
    setenv("ASAN_OPTIONS", opts, 1);
}

int xen_sim_run(const char *sim_args, const char *command, char **out,
                char **err)
{
    char cmd[16384];

    xen_sim_sanitizer_env();
    snprintf(cmd, sizeof(cmd), "'%s' %s -- %s", xen_sim_path(), sim_args,
             command);
    return tool_run_shell(cmd, out, err);
}

void xen_sim_reexec(char **argv, const char *const *sim_argv)
{
    static char self[PATH_MAX];
    const char *args[64];
    size_t n = 0;
    ssize_t len;

    (void)argv;
    if (getenv(CHILD_MARK))
        return;
    /* Our own path now: under xen-sim, /proc/self/exe is xen-sim. */
    len = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (len <= 0) {
        perror("/proc/self/exe");
        exit(1);
    }
    self[len] = '\0';
    setenv(CHILD_MARK, "1", 1);
    xen_sim_sanitizer_env();
    args[n++] = xen_sim_path();
    while (*sim_argv && n < 60)
        args[n++] = *sim_argv++;
    args[n++] = "--";
    args[n++] = self;
    args[n] = NULL;
    execv(args[0], (char *const *)args);
    fprintf(stderr, "cannot run %s: ", args[0]);
    perror(NULL);
    exit(1);
}

void xen_sim_pin_one_cpu(void)
{
    cpu_set_t now, one;

    assert_int_equal(sched_getaffinity(0, sizeof(now), &now), 0);
    CPU_ZERO(&one);
    for (int c = 0; c < CPU_SETSIZE; c++)
        if (CPU_ISSET(c, &now)) {
            CPU_SET(c, &one);
            break;
        }
    assert_int_equal(sched_setaffinity(0, sizeof(one), &one), 0);
}

const char *xen_sim_live_dump(void)
{
    static char path[PATH_MAX];

    snprintf(path, sizeof(path), "%s/cpuid/live/this-machine-cpuid-r.txt",
             shared_dir());
    return path;
}
