/* SPDX-License-Identifier: MIT */
/*
 * xlc_xl_to_libxl: our parsed list handed to the installed libxenlight
 * must come out as the very list libxl builds from the original text
 * (compared as libxl's own JSON): for every libxl name with each value,
 * every xend example, strings touching MSR bits (including the all-'x'
 * MSR entry), the reverse strings of every shared dump, and refusals that
 * leave the caller's list alone.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define HAVE_YAJL_YAJL_VERSION_H 1
#include <libxl.h>
#include <libxl_json.h>

#include "helpers/xl-oracle.h"
#include "libxl_cpuid/cpu-policy.h"
#include "libxl_cpuid/xen-libxl-list.h"
#include "libxl_cpuid/xl-cpuid.h"

const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libxenlight.so\n";
}

#define X32 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"

static char *json_of(libxl_cpuid_policy_list *l)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    const unsigned char *buf;
    size_t len;
    char *s;

    assert_non_null(g);
    assert_int_equal(libxl_cpuid_policy_list_gen_json(g, l), 0);
    yajl_gen_get_buf(g, &buf, &len);
    s = strndup((const char *)buf, len);
    yajl_gen_free(g);
    return s;
}

static unsigned int nr_checked;

/* The libxl form: direct libxl, ours, and ours handed to libxl agree. */
static void same_libxl(const char *s)
{
    libxl_cpuid_policy_list built = NULL;
    struct xo_result direct;
    struct xlc_xl_cpuid l = { 0 };
    struct xlc_buf b = XLC_BUF_INIT;
    xlc_error err = { 0 };
    char *via;

    xo_libxl_form(s, &direct);
    assert_int_equal(direct.rc, 0);
    assert_int_equal(xlc_xl_cpuid_parse(&l, s, NULL, NULL, &err), 0);
    if (xlc_xl_to_libxl(&l, &built, &err))
        fail_msg("'%s': %s", s, err.msg);
    via = json_of(&built);
    xlc_xl_cpuid_json(&b, &l);
    assert_string_equal(via, direct.json);
    assert_string_equal(b.s, direct.json);
    libxl_cpuid_dispose(&built);
    /* The one-call form gives the same. */
    assert_int_equal(xlc_xl_libxl_from_string(s, &built, &err), 0);
    free(via);
    via = json_of(&built);
    assert_string_equal(via, direct.json);
    libxl_cpuid_dispose(&built);
    free(via);
    free(direct.json);
    xlc_buf_free(&b);
    xlc_xl_cpuid_free(&l);
    nr_checked++;
}

static void same_xend(const char *const *items, size_t nr)
{
    libxl_cpuid_policy_list built = NULL;
    struct xo_result direct;
    xlc_error err = { 0 };
    char *via;

    xo_xend_form(items, nr, &direct);
    assert_int_equal(direct.rc, 0);
    if (xlc_xl_libxl_from_xend(items, nr, &built, &err))
        fail_msg("'%s': %s", items[0], err.msg);
    via = json_of(&built);
    assert_string_equal(via, direct.json);
    libxl_cpuid_dispose(&built);
    free(via);
    free(direct.json);
    nr_checked++;
}

static void test_every_name(void **state)
{
    static const char *const values[] = { "0", "1", "x", "k", "s" };
    char name[64], s[160];

    (void)state;
    for (size_t i = 0; i < xlc_xl_nr_names + xfs_nr_features; i++) {
        if (i < xlc_xl_nr_names)
            snprintf(name, sizeof(name), "%s", xlc_xl_names[i].name);
        else if (!xlc_xl_feature_name(xfs_features[i - xlc_xl_nr_names].value,
                                      name, sizeof(name)))
            fail_msg("feature %zu has no libxl name", i);
        for (int v = 0; v < 5; v++) {
            snprintf(s, sizeof(s), "host,%s=%s", name, values[v]);
            same_libxl(s);
        }
    }
    /* Several names, merged into shared masks, MSR bits among them. */
    same_libxl("host,tm=0,sse3=0,rdcl-no=0,its-no=s,avx2=1,family=0x17,"
               "model=0x5e,lahfsahf=k,eibrs=1,rdcl-no=x");
    /* An MSR entry that holds nothing but 'x'. */
    same_libxl("host,rdcl-no=x");
}

static void test_xend(void **state)
{
    static const char *const man[] = {
        "1:ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx0,"
        "edx=xx0xxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "0x80000001:ecx=" X32, "7,0:ebx=" X32 ", ecx=" X32,
    };
    static const char *const odd[] = {
        "1:", "0xd,1:eax=" X32, "010:eax=" X32, "7,-1:eax=" X32,
        "-1:eax=" X32, "1:eax=" X32 ",eax=00000000000000000000000000000000",
        "0x40000000:eax=kkkksssxxxxx0000111100001111xxxx",
    };

    (void)state;
    same_xend(man, 3);
    same_xend(odd, sizeof(odd) / sizeof(*odd));
}

/* The reverse of every dump's max, both types, round trips through libxl. */
static void test_dump_reverses(void **state)
{
    const char *shared = getenv("XFS_SHARED");
    static const char *const dumps[] = {
        "GenuineIntel0050654_SkylakeXeon.xml",
        "AuthenticAMD0A10F11_K19_Genoa_01.xml",
        "GenuineIntel00806F8_SapphireRapids_05.xml",
        "AuthenticAMD0700F01_K16_Kabini.xml",
    };
    unsigned int done = 0;

    (void)state;
    assert_non_null(shared);
    for (size_t i = 0; i < sizeof(dumps) / sizeof(*dumps); i++) {
        char path[1024];
        struct xlc_sim_opts o = { path, false, NULL };
        struct xlc_system_policies *sys = NULL;
        xlc_error err = { 0 };

        snprintf(path, sizeof(path), "%s/cpuid/instlatx64/%s", shared,
                 dumps[i]);
        if (xlc_system_policies_load(&o, &sys, &err))
            fail_msg("%s: %s", path, err.msg);
        for (int t = XFS_SYSCTL_cpu_featureset_pv;
             t <= XFS_SYSCTL_cpu_featureset_hvm; t++) {
            int mi = t + 2;
            char *s = NULL;

            if (xfs_empty(sys->fs.fs[mi], XFS_NR_WORDS) ||
                xlc_xl_cpuid_reverse(sys->fs.fs[mi], sys->fs.fs[t], &s, &err))
                continue;
            same_libxl(s);
            free(s);
            done++;
        }
        xlc_system_policies_free(sys);
    }
    assert_int_equal(done, 8);
}

static void test_refusals(void **state)
{
    libxl_cpuid_policy_list out = NULL;
    const char *bad[] = { "1:eax=short" };
    xlc_error err = { 0 };

    (void)state;
    assert_int_equal(xlc_xl_libxl_from_string("host,bogus=1", &out, &err),
                     -EINVAL);
    assert_non_null(strstr(err.msg, "unknown name 'bogus'"));
    assert_null(out);
    assert_int_equal(xlc_xl_libxl_from_string("avx2=0", &out, &err), -EINVAL);
    assert_null(out);
    assert_int_equal(xlc_xl_libxl_from_xend(bad, 1, &out, &err), -EINVAL);
    assert_null(out);
    print_message("%u lists built through libxenlight\n", nr_checked);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_name),
        cmocka_unit_test(test_xend),
        cmocka_unit_test(test_dump_reverses),
        cmocka_unit_test(test_refusals),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
