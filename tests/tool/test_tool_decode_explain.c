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

#include "../helpers/cpudata-featureset.h"
#include "libxl_cpuid/names/featureset-text.h"
#include "../helpers/tool-run.h"

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
    /* Leaf 1 ECX bit 11 (SDBG) is no featureset feature: kept, with the
     * name Xen's xen-cpuid gives it. */
    HAS(r.out, " [1*32+11 sdgb] ");
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
    run(&r, (const char *const[]){ "explain", "sse14", "avx2", "xyzzy",
                                   NULL });
    assert_int_equal(r.status, 2);
    assert_string_equal(r.out, "");
    assert_string_equal(r.err,
                        "xen-cpuid: explain: unknown feature 'sse14'; did "
                        "you mean 'sse41' (SSE4_1)?\n"
                        "xen-cpuid: explain: unknown feature 'xyzzy'\n");
    run(&r, (const char *const[]){ "explain", NULL });
    assert_int_equal(r.status, 1);
}

/* Xen's xen-cpuid spellings: its name for a feature, its bits that are
 * no feature, and the one spelling that stands for two features. */
static void explain_xen_tool_names(void **state)
{
    (void)state;
    run(&r, (const char *const[]){ "explain", "tsc-dl", "PSN", "fcmov",
                                   NULL });
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    HAS(r.out, "TSC_DEADLINE (tsc_deadline): ");
    HAS(r.out, "  aliases     tsc_deadline_timer\n"
               "  xen-cpuid   tsc-dl\n"
               "  needs       TSC APIC\n");
    HAS(r.out, "\npsn [0*32+18]: processor serial number (leaf 3)\n"
               "  word        0 (1d: CPUID 0x00000001 EDX)\n"
               "  bit         18\n"
               "  value       18 (0*32+18)\n"
               "  featureset  no: Xen's xen-cpuid names this bit, but no "
               "guest is ever offered it\n"
               "  xen-cpuid   psn\n");
    HAS(r.out, "\nfcmov [2*32+16]: AMD's copy of PAT (0*32+16)\n"
               "  word        2 (e1d: CPUID 0x80000001 EDX)\n");
    HAS(r.out, "  featureset  no: AMD and Hygon CPUs repeat PAT here; a "
               "guest of theirs sees this bit exactly when its policy has "
               "PAT\n"
               "  xen-cpuid   fcmov\n");

    /* "fpu" is FPU, and says where else the tool prints it. */
    run(&r, (const char *const[]){ "explain", "fpu", NULL });
    assert_int_equal(r.status, 0);
    HAS(r.out, "  xen-cpuid   fpu (also printed for 2*32+0, AMD's copy)\n");

    /* "ppin": both features, one after the other. */
    run(&r, (const char *const[]){ "explain", "ppin", NULL });
    assert_int_equal(r.status, 0);
    HAS(r.out, "AMD_PPIN (amd_ppin): ");
    HAS(r.out, "  xen-cpuid   ppin (also printed for 12*32+0, INTEL_PPIN)\n");
    HAS(r.out, "\n\nINTEL_PPIN (intel_ppin): ");

    run(&r, (const char *const[]){ "explain", "--json", "sdgb", "sse41",
                                   NULL });
    assert_int_equal(r.status, 0);
    HAS(r.out, "[{\"query\":\"sdgb\",\"value\":43,\"word\":1,\"bit\":11,"
               "\"key\":\"1c\",\"source\":\"CPUID 0x00000001 ECX\","
               "\"xen_cpuid\":\"sdgb\",\"xen_cpuid_same_spelling\":[],"
               "\"featureset\":false,\"what\":\"silicon debug "
               "(IA32_DEBUG_INTERFACE MSR)\",\"amd_copy_of\":null,"
               "\"name\":null}");
    HAS(r.out, "\"query\":\"sse41\",\"value\":51,");
    HAS(r.out, "\"xen_cpuid\":\"sse41\",\"xen_cpuid_same_spelling\":[],"
               "\"featureset\":true,\"name\":\"SSE4_1\"");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(decode_real_cpu),
        cmocka_unit_test(decode_rejects_bad_input),
        cmocka_unit_test(explain_names),
        cmocka_unit_test(explain_unknown_names),
        cmocka_unit_test(explain_xen_tool_names),
    };
    return cmocka_run_group_tests(tests, find_tool, NULL);
}
