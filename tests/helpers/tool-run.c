/* SPDX-License-Identifier: MIT */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "tool-run.h"

const char *tool_path(void)
{
    static char tool[PATH_MAX];
    const char *env = getenv("XFS_TOOL");
    char *slash;
    ssize_t n;

    if (env && *env)
        return env;
    if (tool[0])
        return tool;
    n = readlink("/proc/self/exe", tool, sizeof(tool) - sizeof("/xen-cpuid"));
    assert_true(n > 0);
    tool[n] = '\0';
    /* .../BUILD/tests/AREA/test_x -> .../BUILD/xen-cpuid */
    slash = strstr(tool, "/tests/");
    assert_non_null(slash);
    while (strstr(slash + 1, "/tests/"))
        slash = strstr(slash + 1, "/tests/");
    strcpy(slash, "/xen-cpuid");
    return tool;
}

char *tool_slurp(FILE *f)
{
    size_t cap = 4096, n = 0, got;
    char *buf = malloc(cap);

    assert_non_null(buf);
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n < 2) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    buf[n] = '\0';
    return buf;
}

/* Read the file at path whole, then remove it. */
static char *slurp_path(const char *path)
{
    FILE *f = fopen(path, "r");
    char *text;

    assert_non_null(f);
    text = tool_slurp(f);
    fclose(f);
    unlink(path);
    return text;
}

int tool_run_shell(const char *cmd, char **out, char **err)
{
    char errfile[] = "/tmp/xfs-tool-run.XXXXXX", full[16384];
    int fd, status;
    FILE *p;

    if (err) {
        fd = mkstemp(errfile);
        assert_true(fd >= 0);
        close(fd);
        assert_true((size_t)snprintf(full, sizeof(full), "%s 2>%s", cmd,
                                     errfile) < sizeof(full));
    } else {
        assert_true((size_t)snprintf(full, sizeof(full), "%s", cmd) <
                    sizeof(full));
    }
    p = popen(full, "r");
    assert_non_null(p);
    *out = tool_slurp(p);
    status = pclose(p);
    if (err)
        *err = slurp_path(errfile);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

int tool_run(const char *args, char **out, char **err)
{
    char cmd[12288];

    assert_true((size_t)snprintf(cmd, sizeof(cmd), "%s %s", tool_path(),
                                 args) < sizeof(cmd));
    return tool_run_shell(cmd, out, err);
}

int tool_run_argv(const char *const *args, char **out, char **err)
{
    const char *tool = tool_path(), *argv[64] = { tool };
    size_t i;

    for (i = 0; args[i]; i++) {
        assert_true(i + 2 < sizeof(argv) / sizeof(argv[0]));
        argv[i + 1] = args[i];
    }
    argv[i + 1] = NULL;
    return tool_exec(tool, argv, out, err);
}

int tool_exec(const char *tool, const char *const *argv, char **out,
              char **err)
{
    FILE *o = tmpfile(), *e = tmpfile();
    pid_t pid;
    int st;

    assert_non_null(o);
    assert_non_null(e);
    fflush(NULL);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fileno(o), STDOUT_FILENO);
        dup2(fileno(e), STDERR_FILENO);
        execv(tool, (char *const *)argv);
        _exit(127);
    }
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    rewind(o);
    rewind(e);
    *out = tool_slurp(o);
    *err = tool_slurp(e);
    fclose(o);
    fclose(e);
    return WEXITSTATUS(st);
}
