/* SPDX-License-Identifier: MIT */
/*
 * `xen-cpuid policy` end to end: the built tool (found next to this test's
 * directory) on shared dumps, its exit codes, and its output against the
 * library's own layouts.
 */
#include <errno.h>
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

#include "../helpers/policy-oracle.h"
#include "../helpers/tool-run.h"
#include "../helpers/shared-data.h"

struct run {
    int status;
    char *out, *err;
};

/* Run the tool with up to 8 arguments; stdout and stderr kept apart. */
static void run(struct run *r, const char *const *args)
{
    r->status = tool_run_argv(args, &r->out, &r->err);
}

static void run_free(struct run *r)
{
    free(r->out);
    free(r->err);
}

/*
 * The text is Xen's `xen-cpuid -p`: its header line, then the library's
 * layout of each policy, in Xen's order; `policy` prints the same.
 */
static void text_layout(void **state)
{
    const char *path = shared_dump("GenuineIntel0050654_SkylakeXeon");
    struct xlc_system_policies *s = xt_system_from_file(path);
    struct xlc_buf want = XLC_BUF_INIT;
    struct run r, alias;

    (void)state;
    run(&r, (const char *[]){ "policy", "--cpuid", path, NULL });
    run(&alias, (const char *[]){ "-p", "--cpuid", path, NULL });
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    assert_string_equal(r.out, alias.out);
    xlc_buf_puts(&want, "Xen reports there are maximum 120 leaves and 2 "
                        "MSRs\n");
    for (unsigned int k = 0; k < XFS_SYSCTL_cpu_featureset_nr; k++)
        xlc_policy_format_text(&want, xlc_policy_name(xlc_policy_order[k]),
                               &s->pol.p[xlc_policy_order[k]]);
    assert_string_equal(r.out, want.s);
    /* Spot checks of Xen's layout. */
    assert_non_null(strstr(r.out, "Raw policy: 39 leaves, 2 MSRs\n CPUID:\n"
                                  "  leaf     subleaf  -> eax      ebx      "
                                  "ecx      edx     \n"
                                  "  00000000:ffffffff -> 00000016:756e6547:"
                                  "6c65746e:49656e69\n"));
    assert_non_null(strstr(r.out, " MSRs:\n  index    -> value           \n"
                                  "  000000ce -> 0000000000000000\n"));
    assert_non_null(strstr(r.out, "\nPV Max policy: "));
    assert_non_null(strstr(r.out, "\nHVM Default policy: "));
    xlc_buf_free(&want);
    xlc_system_policies_free(s);
    run_free(&r);
    run_free(&alias);
}

static void json_output(void **state)
{
    const char *path = shared_dump("AuthenticAMD0A10F11_K19_Genoa_01");
    struct run r;
    int depth = 0;

    (void)state;
    run(&r, (const char *[]){ "policy", "--json", "--cpuid", path, NULL });
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "{\"backend\":\"sim\",\"source\":\""));
    assert_non_null(strstr(r.out, "\"max_leaves\":120,\"max_msrs\":2,"
                                  "\"policies\":[{\"name\":\"Raw\","
                                  "\"vendor\":\"AMD\","));
    assert_non_null(strstr(r.out, "{\"leaf\":\"0x00000000\",\"subleaf\":null,"
                                  "\"eax\":\"0x00000010\""));
    assert_non_null(strstr(r.out, "{\"leaf\":\"0x00000007\",\"subleaf\":1,"));
    assert_non_null(strstr(r.out, "{\"index\":\"0x0000010a\",\"value\":"
                                  "\"0x"));
    assert_non_null(strstr(r.out, "{\"name\":\"HVM Default\""));
    for (const char *c = r.out; *c; c++) {
        depth += (*c == '{' || *c == '[') - (*c == '}' || *c == ']');
        assert_true(depth >= 0);
    }
    assert_int_equal(depth, 0);
    run_free(&r);
}

static void options_and_errors(void **state)
{
    const char *path = shared_dump("GenuineIntel0050654_SkylakeXeon");
    struct run r;

    (void)state;
    run(&r, (const char *[]){ "policy", "--cpuid", "/nonexistent.xml", NULL });
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "xen-cpuid: policy: "));
    assert_non_null(strstr(r.err, "/nonexistent.xml"));
    run_free(&r);

    run(&r, (const char *[]){ "policy", "--cpuid", path, "--boot-cpuid",
                              "no-avx512f,no-bogus", NULL });
    assert_int_equal(r.status, 2);
    /* The handle's message: the same as info's (test_tool_info). */
    assert_non_null(strstr(r.err, "bad token 'no-bogus' at offset 11"));
    run_free(&r);

    /* A domain's policy needs a running Xen; the simulation has none. */
    run(&r, (const char *[]){ "policy", "7", "--cpuid", path, NULL });
    assert_int_equal(r.status, 3);
    assert_string_equal(r.err, "xen-cpuid: policy: domain 7: only a running "
                               "Xen has domains; the simulated hypervisor "
                               "has none\n");
    assert_string_equal(r.out, "");
    run_free(&r);

    run(&r, (const char *[]){ "policy", "7x", NULL });
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "'7x': not a domain id"));
    run_free(&r);

    run(&r, (const char *[]){ "policy", "7", "8", NULL });
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "unexpected argument '8'"));
    run_free(&r);

    run(&r, (const char *[]){ "policy", "--backend", "qemu", NULL });
    assert_int_equal(r.status, 1);
    run_free(&r);

    run(&r, (const char *[]){ "policy", "--backend", "xen", "--cpuid", path,
                              NULL });
    assert_int_equal(r.status, 1);
    run_free(&r);

    /* No Xen on the build machine: a clear backend error. */
    if (access("/dev/xen/privcmd", F_OK) != 0) {
        /* -p DOMID, Xen's and ours: exit 3 with libxenctrl's reason. */
        run(&r, (const char *[]){ "-p", "5", NULL });
        assert_int_equal(r.status, 3);
        assert_string_equal(r.out, "");
        /* The handle's reason, the same for -p DOMID as for any use of
         * --backend xen: Xen is not running here, and libxenctrl's words. */
        assert_int_equal(strncmp(r.err, "xen-cpuid: policy: backend xen: not "
                                        "running on Xen (", 50), 0);
        assert_non_null(strstr(r.err, "): cannot open the Xen control "
                                      "interface: "));
        assert_ptr_equal(strchr(r.err, '\n'), r.err + strlen(r.err) - 1);
        run_free(&r);
        run(&r, (const char *[]){ "policy", "5", NULL });
        assert_int_equal(r.status, 3);
        run_free(&r);

        run(&r, (const char *[]){ "policy", "--backend", "xen", NULL });
        assert_int_equal(r.status, 3);
        assert_non_null(strstr(r.err, "cannot open the Xen control interface"));
        /* One line, ours: libxenctrl's own logging stays quiet. */
        assert_int_equal(strncmp(r.err, "xen-cpuid: policy: ", 19), 0);
        assert_ptr_equal(strchr(r.err, '\n'), r.err + strlen(r.err) - 1);
        run_free(&r);
    }

    /* --no-hap: the HVM policies lose PKU, so PKRU leaves leaf 0xd. */
    run(&r, (const char *[]){ "policy", "--cpuid", path, "--no-hap", NULL });
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "HVM Max policy: "));
    assert_null(strstr(strstr(r.out, "HVM Max policy: "),
                       "  0000000d:00000000 -> 000002ff"));
    run_free(&r);
}

/* With no file and no Xen, the live CPU through the simulated Xen. */
static void live_cpu(void **state)
{
    struct run r;

    (void)state;
    if (access("/dev/xen/privcmd", F_OK) == 0)
        skip();
    run(&r, (const char *[]){ "policy", "--show-backend", NULL });
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "\nBackend: simulated Xen 4.17 over live "
                                  "CPU\n"));
    assert_non_null(strstr(r.out, "Host policy: "));
    run_free(&r);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(text_layout),
        cmocka_unit_test(json_output),
        cmocka_unit_test(options_and_errors),
        cmocka_unit_test(live_cpu),
    };

    (void)argc;
    (void)argv;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
