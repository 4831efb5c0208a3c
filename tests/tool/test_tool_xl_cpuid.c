/* SPDX-License-Identifier: MIT */
/*
 * The built xen-cpuid's xl-cpuid subcommand ($XFS_TOOL) on the shared
 * dumps: the list's JSON equals what the installed libxenlight makes of
 * the same strings, the featureset equals the library's own application
 * of the list to the simulated host, names of the difference, the
 * default guest type, and the documented exit codes.
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

#include "../helpers/xl-oracle.h"
#include "libxl_cpuid/policy/cpu-policy.h"
#include "libxl_cpuid/names/featureset-text.h"
#include "libxl_cpuid/xl/xl-cpuid.h"
#include "../helpers/tool-run.h"
#include "../helpers/shared-data.h"

/* The value of a one-line JSON field `"key": VALUE` (a copy). */
static char *json_field(const char *out, const char *key)
{
    char pat[64];
    const char *p, *end;
    char *v;

    snprintf(pat, sizeof(pat), "\"%s\": ", key);
    p = strstr(out, pat);
    if (!p)
        fail_msg("no field %s in %s", key, out);
    p += strlen(pat);
    end = strchr(p, '\n');
    if (end > p && end[-1] == ',')
        end--;
    v = strndup(p, (size_t)(end - p));
    assert_non_null(v);
    return v;
}

/* What the library itself makes of the string on that dump. */
static void library_apply(const char *dump, enum xlc_guest_type type,
                          const char *str, struct xlc_xl_applied *ap)
{
    struct xlc_sim_opts o = { dump, false, NULL };
    struct xlc_system_policies *sys;
    struct xlc_xl_cpuid l = { 0 };
    xlc_error err = { 0 };

    assert_int_equal(xlc_system_policies_load(&o, &sys, &err), 0);
    assert_int_equal(xlc_xl_cpuid_parse_any(&l, str, &err), 0);
    assert_int_equal(xlc_xl_cpuid_apply(sys, type, &l, ap, &err), 0);
    xlc_xl_cpuid_free(&l);
    xlc_system_policies_free(sys);
}

static void expect_fs(const char *out, const char *key, const uint32_t *fs)
{
    char *text = xlc_featureset_format(fs, XFS_NR_WORDS), want[1024];
    char *got = json_field(out, key);

    snprintf(want, sizeof(want), "\"%s\"", text);
    assert_string_equal(got, want);
    free(got);
    free(text);
}

/* The man page's example, libxl form, on a Skylake server. */
static void libxl_form_json(void **state)
{
    const char *dump = shared_dump("GenuineIntel0050654_SkylakeXeon");
    const char *str = "host,tm=0,sse3=0,avx=0";
    struct xo_result libxl;
    struct xlc_xl_applied *ap = malloc(sizeof(*ap));
    char args[4200], *out, *err, *json;

    (void)state;
    assert_non_null(ap);
    snprintf(args, sizeof(args), "xl-cpuid --json --cpuid %s '%s'", dump,
             str);
    assert_int_equal(tool_run(args, &out, &err), 0);
    xo_libxl_form(str, &libxl);
    assert_int_equal(libxl.rc, 0);
    json = json_field(out, "libxl_json");
    assert_string_equal(json, libxl.json);
    library_apply(dump, XLC_GUEST_HVM, str, ap);
    expect_fs(out, "featureset", ap->fs);
    expect_fs(out, "default", ap->def);
    assert_non_null(strstr(out, "\"type\": \"hvm\""));
    assert_non_null(strstr(out, "\"removed\": [\"SSE3\", \"AVX\"]"));
    /* AVX takes FMA and AVX2 (and the rest) with it */
    assert_non_null(strstr(out, "\"dependents_cleared\": [\"SSSE3\", "
                                "\"FMA\", \"SSE4_1\""));
    assert_non_null(strstr(out, "\"AVX2\", \"AVX512F\""));
    assert_non_null(strstr(out, "\"added\": []"));
    free(json);
    free(libxl.json);
    free(out);
    free(err);
    free(ap);
}

/* What libxl accepts without a word is said, in text and JSON. */
static void notes(void **state)
{
    const char *dump = shared_dump("GenuineIntel0050654_SkylakeXeon");
    char args[4200], *out, *err;

    (void)state;
    snprintf(args, sizeof(args), "xl-cpuid --cpuid %s 'host,avx2=2,"
             "family=130' '010:eax=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'", dump);
    assert_int_equal(tool_run(args, &out, &err), 0);
    assert_non_null(strstr(out, "notes:              'avx2=2': 2 does not "
                                "fit 1 bit; libxl keeps the low bits (0)\n"));
    assert_non_null(strstr(out, "                    'family=130': libxl "
                                "encodes this as family 258\n"));
    assert_non_null(strstr(out, "'010:eax=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx': "
                                "the leaf '010' is octal to libxl (8)\n"));
    free(out);
    free(err);
    snprintf(args, sizeof(args), "xl-cpuid --json --cpuid %s 'host,avx2=0'",
             dump);
    assert_int_equal(tool_run(args, &out, &err), 0);
    assert_non_null(strstr(out, "\"notes\": []"));
    free(out);
    free(err);
}

/* xend form entries (two of them) and a libxl string together. */
static void xend_form_text(void **state)
{
    const char *dump = shared_dump("GenuineIntel00806C1_TigerLake_01");
    const char *x1 = "0x1:ecx=xxx0xxxxxxxxxxxxxxxxxxxxxxxxxxxx";
    const char *x2 = "7,0:ebx=xxxxxxxxxxxxxxxxxxxxxxxxxx0xxxxx";
    const char *const both[] = { x1, x2 };
    struct xo_result libxl;
    char args[4200], *out, *err, want[8192];

    (void)state;
    snprintf(args, sizeof(args), "xl-cpuid --type hvm --cpuid %s '%s' '%s'",
             dump, x1, x2);
    assert_int_equal(tool_run(args, &out, &err), 0);
    xo_xend_form(both, 2, &libxl);
    assert_int_equal(libxl.rc, 0);
    snprintf(want, sizeof(want), "libxl json:         %s\n", libxl.json);
    assert_non_null(strstr(out, want));
    assert_non_null(strstr(out, "string 1 (xend):    0x1:ecx="));
    assert_non_null(strstr(out, "guest type:         hvm (--type)"));
    /* ecx bit 28 is AVX, 7:0 ebx bit 5 is AVX2 (also AVX's dependent) */
    assert_non_null(strstr(out, "removed:            AVX AVX2\n"));
    assert_non_null(strstr(out, "dependents cleared: FMA F16C AVX512F"));
    assert_non_null(strstr(out, "leaf 0x00000007:0   ebx "
                                "xxxxxxxxxxxxxxxxxxxxxxxxxx0xxxxx\n"));
    free(libxl.json);
    free(out);
    free(err);
}

/* No SVM on a K8: the default type is pv, and the output says why. */
static void default_type_pv(void **state)
{
    char args[4200], *out, *err;

    (void)state;
    snprintf(args, sizeof(args), "xl-cpuid --cpuid %s host,3dnow=0",
             shared_dump("AuthenticAMD0000F4A_K8_Clawhammer"));
    assert_int_equal(tool_run(args, &out, &err), 0);
    assert_non_null(strstr(out, "guest type:         pv (default: this "
                                "host cannot run HVM guests)\n"));
    assert_non_null(strstr(out, "removed:            3DNOW\n"));
    assert_non_null(strstr(out, "dependents cleared: 3DNOWEXT\n"));
    free(out);
    free(err);
}

static void bad_strings(void **state)
{
    const char *dump = shared_dump("GenuineIntel0050654_SkylakeXeon");
    char args[4200], *out, *err;

    (void)state;
    snprintf(args, sizeof(args), "xl-cpuid --cpuid %s host,avx=0,nosuch=1",
             dump);
    assert_int_equal(tool_run(args, &out, &err), 2);
    assert_non_null(strstr(err, "string 1 (libxl form): cpuid= item 3"));
    assert_non_null(strstr(err, "unknown name 'nosuch'"));
    free(out);
    free(err);
    snprintf(args, sizeof(args), "xl-cpuid --cpuid %s host,avx=0 "
             "'0x1:ecx=xx'", dump);
    assert_int_equal(tool_run(args, &out, &err), 2);
    assert_non_null(strstr(err, "string 2 (xend form)"));
    assert_non_null(strstr(err, "column 9"));
    free(out);
    free(err);
    snprintf(args, sizeof(args), "xl-cpuid --cpuid %s avx=0", dump);
    assert_int_equal(tool_run(args, &out, &err), 2);
    assert_non_null(strstr(err, "first word must be 'host'"));
    free(out);
    free(err);
    assert_int_equal(tool_run("xl-cpuid", &out, &err), 1);
    free(out);
    free(err);
}

/* Refusals name every feature: a prerequisite cleared, beyond max. */
static void refusals(void **state)
{
    char args[4200], *out, *err;

    (void)state;
    snprintf(args, sizeof(args), "xl-cpuid --cpuid %s "
             "host,avx=0,avx2=1,fma=1,serialize=1,avx512-fp16=1",
             shared_dump("GenuineIntel0050654_SkylakeXeon"));
    assert_int_equal(tool_run(args, &out, &err), 4);
    assert_string_equal(out, "");
    assert_non_null(strstr(err, "set to 1 but a prerequisite was cleared: "
                                "fma avx2 avx512-fp16; "));
    assert_non_null(strstr(err, "not in the hvm max policy: serialize"));
    free(out);
    free(err);
}

/*
 * `model` prints the cpuid= string for its translated featureset: fed to
 * xl-cpuid on the same host it gives that featureset.
 */
static void model_string_round_trip(void **state)
{
    const char *dump = shared_dump("GenuineIntel0050654_SkylakeXeon");
    char xml[] = "/tmp/test_tool_xl_cpuid.xml.XXXXXX";
    char args[4200], *out, *err, *out2, *err2, *str, *fs, *fs2;
    int fd = mkstemp(xml);

    (void)state;
    assert_true(fd >= 0);
    dprintf(fd, "<cpu mode='host-model'>\n"
                "  <feature policy='disable' name='avx512f'/>\n"
                "  <feature policy='require' name='invtsc'/>\n</cpu>\n");
    close(fd);
    snprintf(args, sizeof(args), "model --json --cpuid %s %s", dump, xml);
    assert_int_equal(tool_run(args, &out, &err), 0);
    unlink(xml);
    str = json_field(out, "xl_cpuid");     /* "host,...", "xl_cpuid_why... */
    assert_int_equal(str[0], '"');
    *strchr(str + 1, '"') = '\0';
    memmove(str, str + 1, strlen(str));
    assert_non_null(strstr(str, "avx512f=0"));
    assert_non_null(strstr(str, "itsc=1"));
    fs = json_field(out, "featureset");
    snprintf(args, sizeof(args), "xl-cpuid --json --cpuid %s %s", dump, str);
    assert_int_equal(tool_run(args, &out2, &err2), 0);
    fs2 = json_field(out2, "featureset");
    assert_string_equal(fs, fs2);
    free(fs);
    free(fs2);
    free(str);
    free(out);
    free(err);
    free(out2);
    free(err2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(libxl_form_json),
        cmocka_unit_test(xend_form_text),
        cmocka_unit_test(notes),
        cmocka_unit_test(default_type_pv),
        cmocka_unit_test(bad_strings),
        cmocka_unit_test(refusals),
        cmocka_unit_test(model_string_round_trip),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
