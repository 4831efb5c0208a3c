/* SPDX-License-Identifier: MIT */
/*
 * The xen-sim launcher: its options reach the simulated hypervisor (as
 * Xen's own tools then see it), bad input is refused before the command
 * runs, with the documented exit status, and the command's environment
 * is kept.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "libxl_cpuid/policy/applied-policy.h"
#include "libxl_cpuid/policy/policy-json.h"
#include "tests/helpers/shared-data.h"
#include "tests/helpers/tool-run.h"
#include "tests/helpers/xen-sim-run.h"

#define DUMP "GenuineIntel0050654_SkylakeXeon"

static int run(const char *args, const char *cmd, char **out, char **err)
{
    char full[4096];

    snprintf(full, sizeof(full), "--cpuid '%s' %s", shared_dump(DUMP), args);
    return xen_sim_run(full, cmd, out, err);
}

static void expect_refusal(const char *args, int status, const char *msg)
{
    char *out = NULL, *err = NULL;

    assert_int_equal(run(args, "echo ran", &out, &err), status);
    assert_string_equal(out, "");
    if (!strstr(err, msg))
        fail_msg("xen-sim %s: expected '%s' in: %s", args, msg, err);
    free(out);
    free(err);
}

static void bad_input_is_refused(void **state)
{
    char *out = NULL, *err = NULL;

    (void)state;
    assert_int_equal(xen_sim_run("--cpuid /nonexistent", "true", &out, &err),
                     2);
    assert_non_null(strstr(err, "/nonexistent"));
    free(out);
    free(err);
    expect_refusal("--boot-cpuid no-bogus", 2, "'no-bogus'");
    expect_refusal("--domain 1:kvm", 2, "type 'kvm'");
    expect_refusal("--domain 99999:pv", 2, "ID below");
    expect_refusal("--domain 1:pv --domain 1:hvm", 2, "declared twice");
    expect_refusal("--domain 1:pv:cpuid=host,bogus=0", 2, "bogus");
    expect_refusal("--domain 1:hvm:cpuid=host,avx=0,avx2=1", 4, "avx2");
    expect_refusal("--bogus", 1, "unknown option '--bogus'");
    expect_refusal("--policy-dir /nonexistent", 2, "/nonexistent");
    assert_int_equal(xen_sim_run("", "", &out, &err), 1);
    assert_non_null(strstr(err, "no COMMAND"));
    free(out);
    free(err);
}

static void command_runs_with_its_environment(void **state)
{
    char *out = NULL, *err = NULL;

    (void)state;
    setenv("LD_PRELOAD", "", 1);
    assert_int_equal(run("", "sh -c 'echo \"$LD_PRELOAD\"; exit 7'", &out,
                         &err), 7);
    assert_non_null(strstr(out, "libxen-sim.so"));
    free(out);
    free(err);
    assert_int_equal(run("", "/nonexistent-command", &out, &err), 127);
    free(out);
    free(err);
    unsetenv("LD_PRELOAD");
}

/* The hex words xl info prints for a key, or NULL. */
static char *xl_info_value(const char *out, const char *key)
{
    const char *l = strstr(out, key), *colon, *eol;

    if (!l)
        return NULL;
    colon = strchr(l, ':');
    eol = strchr(l, '\n');
    return strndup(colon + 2, (size_t)(eol - colon - 2));
}

static void host_options_reach_the_tools(void **state)
{
    char *out = NULL, *err = NULL, *caps, *line;

    (void)state;
    assert_int_equal(run("--no-hap --boot-cpuid no-avx", XEN_XL " info",
                         &out, &err), 0);
    caps = xl_info_value(out, "virt_caps");
    assert_non_null(caps);
    assert_non_null(strstr(caps, "hvm"));
    assert_null(strstr(caps, "hap"));
    free(caps);
    line = xl_info_value(out, "xen_commandline");
    assert_string_equal(line, "cpuid=no-avx");
    free(line);
    free(out);
    free(err);
    /* The host featureset Xen's tool reads lacks AVX (1c bit 28). */
    assert_int_equal(run("--boot-cpuid no-avx", XEN_XEN_CPUID, &out, &err),
                     0);
    line = strstr(out, "\nHost ");
    assert_non_null(line);
    line = strchr(line + 1, ':') + 1;
    assert_int_equal(strtoul(line, NULL, 16) & (1u << 28), 0);
    free(out);
    free(err);
}

/* A policy file made from our applied policy, then declared. */
static void policy_file_domain(void **state)
{
    struct xlc_sim_opts o = { .cpuid_file = shared_dump(DUMP) };
    struct xlc_guest_settings g = { .kind = XLC_SETTINGS_XL_CPUID,
                                    .xl_cpuid = "host,avx=0,rdrand=0" };
    struct xlc_system_policies *sys;
    struct xlc_applied_policy *a;
    char path[] = "/tmp/xen-sim-policy.XXXXXX", args[256], want[128];
    char *json, *out = NULL, *err = NULL, *at;
    int fd = mkstemp(path);

    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(xlc_system_policies_load(&o, &sys, NULL), 0);
    assert_int_equal(xlc_applied_policy(sys, XLC_GUEST_PV, &g, &a, NULL), 0);
    json = xlc_policy_json(&a->entries, XFS_STREAM_DOM_X86_PV);
    assert_int_equal(write(fd, json, strlen(json)), (ssize_t)strlen(json));
    close(fd);
    snprintf(args, sizeof(args), "--domain 4:pv:policy=%s", path);
    assert_int_equal(run(args, XEN_XEN_CPUID " -p 4", &out, &err), 0);
    /* The applied policy's entries are its serialisation. */
    at = out;
    for (size_t i = 0; i < a->entries.nr_leaves; i++) {
        const struct xfs_cpuid_leaf *l = &a->entries.leaves[i];

        if (!l->a && !l->b && !l->c && !l->d)
            continue;
        snprintf(want, sizeof(want), "  %08x:%08x -> %08x:%08x:%08x:%08x\n",
                 l->leaf, l->subleaf, l->a, l->b, l->c, l->d);
        at = strstr(at, want);
        if (!at)
            fail_msg("leaf %08x:%08x missing or out of order in %s",
                     l->leaf, l->subleaf, out);
    }
    free(out);
    free(err);
    /* The same file for an HVM domain: the file says PV. */
    snprintf(args, sizeof(args), "--domain 4:hvm:policy=%s", path);
    expect_refusal(args, 2, "PV");
    unlink(path);
    free(json);
    xlc_applied_policy_free(a);
    xlc_system_policies_free(sys);
}

#define LIBDIR "/usr/lib/x86_64-linux-gnu/"
/* libxenstore's helpers that touch no handle: not intercepted. */
#define XS_PURE "xs_daemon_rundir|xs_daemon_socket|xs_daemon_socket_ro|" \
                "xs_path_is_subpath|xs_strings_to_perms|xs_write_all"

static char *exports(const char *lib, const char *filter)
{
    char cmd[1024], *out = NULL;

    snprintf(cmd, sizeof(cmd), "nm -D --defined-only '%s' | awk '$2 == \"T\""
             " { sub(/@.*/, \"\", $3); print $3 }' | grep -v -x -E '%s' | "
             "sort", lib, filter);
    assert_int_equal(tool_run_shell(cmd, &out, NULL), 0);
    return out;
}

/*
 * The preload exports exactly the entry points it stands in for: all of
 * libxencall.so.1 and libxenforeignmemory.so.1, and libxenstore's handle
 * calls; unversioned ("Base"), which the dynamic linker binds to the
 * versioned references of libxenctrl & co (xencall_open@VERS_1.0).
 */
static void preload_exports(void **state)
{
    char lib[512], cmd[1024], *ours, *theirs, *all = NULL, *bad = NULL;
    char *a, *b, *c;

    (void)state;
    snprintf(lib, sizeof(lib), "%s", xen_sim_path());
    strcpy(strrchr(lib, '/'), "/libxen-sim.so");
    ours = exports(lib, "^$");
    a = exports(LIBDIR "libxencall.so.1", "^$");
    b = exports(LIBDIR "libxenforeignmemory.so.1", "^$");
    c = exports(LIBDIR "libxenstore.so.4", XS_PURE);
    assert_true(asprintf(&all, "%s%s%s", a, b, c) > 0);
    snprintf(cmd, sizeof(cmd), "printf '%%s' '%s' | sort", all);
    assert_int_equal(tool_run_shell(cmd, &theirs, NULL), 0);
    assert_string_equal(ours, theirs);
    snprintf(cmd, sizeof(cmd), "objdump -T '%s' | awk '$4 == \".text\" && "
             "$6 != \"Base\"'", lib);
    assert_int_equal(tool_run_shell(cmd, &bad, NULL), 0);
    assert_string_equal(bad, "");
    free(ours), free(theirs), free(all), free(bad), free(a), free(b), free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bad_input_is_refused),
        cmocka_unit_test(command_runs_with_its_environment),
        cmocka_unit_test(host_options_reach_the_tools),
        cmocka_unit_test(policy_file_domain),
        cmocka_unit_test(preload_exports),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
