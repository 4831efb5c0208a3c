/* SPDX-License-Identifier: MIT */
/* Xen's cpuid= boot option parser (xen/arch/boot-cpuid.c). */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../helpers/xen-fs-check.h"
#include "xen/arch/featuresets.h"

#define N XFS_NR_WORDS

/* Parse into fresh options; return the set of cleared bits. */
static int parse(const char *arg, uint32_t out[N], unsigned int *pos)
{
    struct xfs_hv_options o;
    int rc;

    xfs_hv_options_default(&o);
    rc = xfs_parse_boot_cpuid(arg, &o, pos);
    memcpy(out, o.boot_clear, sizeof(o.boot_clear));
    return rc;
}

static void expect_only(const char *arg, const unsigned int *f, size_t n)
{
    uint32_t got[N], want[N] = { 0 };
    unsigned int pos = 1234;

    for (size_t i = 0; i < n; i++)
        xfs_set(want, N, f[i]);
    if (parse(arg, got, &pos))
        fail_msg("\"%s\" refused at %u", arg, pos);
    xt_assert_fs_equal(got, want, arg);
}

#define EXPECT(arg, ...)                                                      \
    do {                                                                      \
        static const unsigned int f_[] = { __VA_ARGS__ };                     \
        expect_only(arg, f_, sizeof(f_) / sizeof(f_[0]));                     \
    } while (0)

static void accepted_forms(void **state)
{
    (void)state;
    EXPECT("no-avx", XFS_AVX);
    EXPECT("NO-AVX", XFS_AVX);
    EXPECT("no-avx512-vnni", XFS_AVX512_VNNI);
    EXPECT("no-AVX512_VNNI", XFS_AVX512_VNNI);
    EXPECT("no_avx512_vnni", XFS_AVX512_VNNI);
    EXPECT("no-sse4-1,no-3dnow", XFS_SSE4_1, XFS_3DNOW);
    EXPECT("no-no-lmsl", XFS_NO_LMSL);
    EXPECT("avx=0,sse3=no,rdrand=false,hle=off,rtm=Disable", XFS_AVX,
           XFS_SSE3, XFS_RDRAND, XFS_HLE, XFS_RTM);
    EXPECT("no-rdcl-no,no-its-no", XFS_RDCL_NO, XFS_ITS_NO);
    EXPECT("no-avx,no-avx", XFS_AVX);
}

static void empty_clears_nothing(void **state)
{
    uint32_t got[N];
    unsigned int pos = 99;

    (void)state;
    assert_int_equal(parse("", got, &pos), 0);
    assert_true(xfs_empty(got, N));
    assert_int_equal(pos, 99);
}

static void refused_at_the_bad_token(void **state)
{
    static const struct {
        const char *arg;
        unsigned int pos;
    } bad[] = {
        { "avx", 0 },              /* enabling is not a removal */
        { "avx=1", 0 },
        { "avx=on", 0 },
        { "avx=", 0 },
        { "no-", 0 },
        { "no-bogus", 0 },
        { "no-avx,bogus", 7 },
        { "no-avx,,no-sse", 7 },   /* empty token */
        { "no-avx,", 7 },          /* trailing comma */
        { ",no-avx", 0 },
        { "no-avx,no-sse,no-avx 2", 14 },
        { "no-avx ", 0 },
        { " no-avx", 0 },
        { "no-sse4.1", 0 },
        { "no-avx,no-sse2,=0", 15 },
        { "no-lmsl", 0 },          /* the name is NO_LMSL */
    };

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        uint32_t got[N];
        unsigned int pos = 999;

        if (parse(bad[i].arg, got, &pos) != -1)
            fail_msg("\"%s\" was accepted", bad[i].arg);
        if (pos != bad[i].pos)
            fail_msg("\"%s\": error at %u, expected %u", bad[i].arg, pos,
                     bad[i].pos);
        assert_true(xfs_empty(got, N));
    }
    /* bad_pos may be NULL. */
    {
        struct xfs_hv_options o;

        xfs_hv_options_default(&o);
        assert_int_equal(xfs_parse_boot_cpuid("nope", &o, NULL), -1);
    }
}

static void error_leaves_options_untouched_and_success_adds(void **state)
{
    struct xfs_hv_options o;
    unsigned int pos = 0;

    (void)state;
    xfs_hv_options_default(&o);
    assert_int_equal(xfs_parse_boot_cpuid("no-avx", &o, &pos), 0);
    assert_int_equal(xfs_parse_boot_cpuid("no-sse3,bogus", &o, &pos), -1);
    assert_int_equal(pos, 8);
    assert_true(xt_has(o.boot_clear, XFS_AVX));
    assert_false(xt_has(o.boot_clear, XFS_SSE3));
    assert_int_equal(xfs_popcount(o.boot_clear, N), 1);
    assert_int_equal(xfs_parse_boot_cpuid("no-sse3", &o, &pos), 0);
    assert_true(xt_has(o.boot_clear, XFS_AVX) && xt_has(o.boot_clear, XFS_SSE3));
    assert_true(o.hap && o.pv && o.hvm);
}

/* Every name of the list, as written and in Xen's command-line spelling. */
static void every_feature_name_parses(void **state)
{
    (void)state;
    for (unsigned int i = 0; i < xfs_nr_features; i++) {
        const struct xfs_feature_info *fi = &xfs_features[i];
        char arg[80], low[40];
        uint32_t got[N];
        unsigned int pos, j;

        for (j = 0; fi->name[j] && j < sizeof(low) - 1; j++)
            low[j] = fi->name[j] == '_' ? '-' : (char)tolower(fi->name[j]);
        low[j] = '\0';
        snprintf(arg, sizeof(arg), "no-%s", fi->name);
        assert_int_equal(parse(arg, got, &pos), 0);
        assert_int_equal(xfs_popcount(got, N), 1);
        assert_true(xt_has(got, fi->value));
        snprintf(arg, sizeof(arg), "%s=0", low);
        assert_int_equal(parse(arg, got, &pos), 0);
        assert_true(xt_has(got, fi->value));
        assert_int_equal(xfs_popcount(got, N), 1);
    }
}

static void options_default(void **state)
{
    struct xfs_hv_options o;

    (void)state;
    memset(&o, 0xff, sizeof(o));
    xfs_hv_options_default(&o);
    assert_true(o.hap && o.pv && o.hvm);
    assert_true(xfs_empty(o.boot_clear, N));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(accepted_forms),
        cmocka_unit_test(empty_clears_nothing),
        cmocka_unit_test(refused_at_the_bad_token),
        cmocka_unit_test(error_leaves_options_untouched_and_success_adds),
        cmocka_unit_test(every_feature_name_parses),
        cmocka_unit_test(options_default),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
