/* SPDX-License-Identifier: MIT */
/*
 * A few end-to-end runs of xen-cpuid decode and explain: exit codes,
 * errors on stderr with nothing on stdout, and the key lines of the
 * output.  The tool is the one built next to this test program
 * ($(BUILD)/xen-cpuid, this file being $(BUILD)/tests/...); no shell.
 */
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

#include "helpers/cpudata-featureset.h"
#include "libxl_cpuid/featureset-text.h"
#include "helpers/tool-run.h"

struct run {
    int status;      /* exit code */
    char out[65536]; /* stdout */
    char err[8192];  /* stderr */
};

static int find_tool(void **state)
{
    (void)state;
    return access(tool_path(), X_OK);
}

/* Run the tool with argv (NULL-terminated, without argv[0]). */
static void run(struct run *r, const char *const *args)
{
    char *out, *err;

    r->status = tool_run_argv(args, &out, &err);
    snprintf(r->out, sizeof(r->out), "%s", out);
    snprintf(r->err, sizeof(r->err), "%s", err);
    free(out);
    free(err);
}

#define HAS(hay, needle)                                                      \
    do {                                                                      \
        if (!strstr(hay, needle))                                             \
            fail_msg("missing \"%s\" in:\n%s", needle, hay);                  \
    } while (0)

static struct run r;

static void decode_real_cpu(void **state)
{
    struct th_cpu *cpus;
    unsigned int nr = th_load_cpus(&cpus);
    char *text = NULL;

    (void)state;
    for (unsigned int i = 0; i < nr && !text; i++)
        if (strstr(cpus[i].name, "SapphireRapids"))
            text = xlc_featureset_format(cpus[i].fs, XFS_NR_WORDS);
    free(cpus);
    assert_non_null(text);
    run(&r, (const char *const[]){ "decode", text, NULL });
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    HAS(r.out, "featureset 1: 19 words\n");
    HAS(r.out, "  [00] 1d     bfebfbff fpu vme de pse tsc msr pae mce cx8 "
               "apic sep mtrr pge mca cmov pat pse36 clflush ds acpi mmx "
               "fxsr sse sse2 ss htt tm1 pbe\n");
    /* Leaf 1 ECX bit 11 (SDBG) has no Xen name: kept, not dropped. */
    HAS(r.out, "[1*32+11]");
    HAS(r.out, " avx512_fp16 ");

    run(&r, (const char *const[]){ "decode", "--json", text, "00000001",
                                   NULL });
    assert_int_equal(r.status, 0);
    HAS(r.out, "[{\"input\":\"bfebfbff:");
    HAS(r.out, "{\"index\":0,\"key\":\"1d\",\"value\":\"bfebfbff\","
               "\"features\":[\"fpu\",");
    HAS(r.out, "\"unknown_bits\":[\"1*32+11\"]");
    HAS(r.out, "},{\"input\":\"00000001\",\"nr_words\":1,");
    free(text);
}

static void decode_rejects_bad_input(void **state)
{
    (void)state;
    run(&r, (const char *const[]){ "decode", "0000000f",
                                   "00000001:00000002:zz00112g", NULL });
    assert_int_equal(r.status, 2);
    assert_string_equal(r.out, "");
    assert_string_equal(r.err, "xen-cpuid: decode: argument 2: featureset "
                               "word 3 'zz00112g': not 8 hex digits\n");
    run(&r, (const char *const[]){ "decode", NULL });
    assert_int_equal(r.status, 1);
    assert_string_equal(r.out, "");
}

static void explain_names(void **state)
{
    (void)state;
    run(&r, (const char *const[]){ "explain", "sse4.1", "Rsba", NULL });
    assert_int_equal(r.status, 0);
    HAS(r.out, "SSE4_1 (sse4_1): SSE4.1 instructions\n"
               "  word        1 (1c: CPUID 0x00000001 ECX)\n"
               "  bit         19\n"
               "  value       51 (1*32+19)\n"
               "  guest       A: PV and HVM guests, on by default\n");
    HAS(r.out, "  needs       FXSR SSE SSE2 SSE3 SSSE3\n"
               "  needed by   SSE4_2\n");
    HAS(r.out, "RSBA (rsba): ");
    HAS(r.out, "  inverted    yes");
    HAS(r.out, "  masks       Known, Special, Inverted\n");
    /* The platform flag, derived into its own mask. */
    run(&r, (const char *const[]){ "explain", "hypervisor", NULL });
    assert_int_equal(r.status, 0);
    HAS(r.out, "  platform    yes: the virtual platform's; a CPU model does "
               "not take it away\n");
    HAS(r.out, ", HVM Hap Default, Platform\n");

    run(&r, (const char *const[]){ "explain", "--json", "pni", "[17*32+5]",
                                   NULL });
    assert_int_equal(r.status, 0);
    HAS(r.out, "\"query\":\"pni\",\"value\":32,");
    HAS(r.out, "\"name\":\"SSE3\"");
    HAS(r.out, "\"aliases\":[\"pni\"]");
    HAS(r.out, "\"query\":\"[17*32+5]\",\"value\":549,\"word\":17,\"bit\":5,"
               "\"key\":\"m10Ah\"");
}

static void explain_unknown_names(void **state)
{
    (void)state;
    run(&r, (const char *const[]){ "explain", "sse41", "avx2", "xyzzy",
                                   NULL });
    assert_int_equal(r.status, 2);
    assert_string_equal(r.out, "");
    assert_string_equal(r.err,
                        "xen-cpuid: explain: unknown feature 'sse41'; did "
                        "you mean 'SSE4_1' or 'SSE4A'?\n"
                        "xen-cpuid: explain: unknown feature 'xyzzy'\n");
    run(&r, (const char *const[]){ "explain", NULL });
    assert_int_equal(r.status, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(decode_real_cpu),
        cmocka_unit_test(decode_rejects_bad_input),
        cmocka_unit_test(explain_names),
        cmocka_unit_test(explain_unknown_names),
    };
    return cmocka_run_group_tests(tests, find_tool, NULL);
}
