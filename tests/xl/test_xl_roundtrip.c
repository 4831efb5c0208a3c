/* SPDX-License-Identifier: MIT */
/*
 * cpuid= round trip on every shared CPU dump, both guest types: a wanted
 * featureset between the default and the max -> the shortest libxl-form
 * string (and the xend form) -> parse -> apply == the wanted featureset.
 * Plus apply's refusals.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "libxl_cpuid/policy/cpu-policy.h"
#include "libxl_cpuid/xl/xl-cpuid.h"

static uint64_t rng = 0x243f6a8885a308d3ull;
static uint32_t rnd(uint32_t n)
{
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(rng >> 33) % n;
}

static struct xlc_system_policies *load(const char *path)
{
    struct xlc_sim_opts o = { .cpuid_file = path };
    struct xlc_system_policies *s = NULL;
    xlc_error err;

    if (xlc_system_policies_load(&o, &s, &err))
        fail_msg("%s: %s", path, err.msg);
    return s;
}

/* A featureset between def and max, closed under the dependencies. */
static void pick(const uint32_t *def, const uint32_t *max, uint32_t *out)
{
    memcpy(out, def, XFS_NR_WORDS * 4);
    for (unsigned int v = 0; v < XFS_NR_FEATURE_BITS; v++) {
        if (!xfs_feature_by_value(v))
            continue;
        if (xfs_test(max, XFS_NR_WORDS, v) && !xfs_test(def, XFS_NR_WORDS, v)
            && rnd(3) == 0)
            xfs_set(out, XFS_NR_WORDS, v);
    }
    for (unsigned int v = 0; v < XFS_NR_FEATURE_BITS; v++)
        if (xfs_test(def, XFS_NR_WORDS, v) && rnd(12) == 0)
            xfs_clear_with_dependents(out, XFS_NR_WORDS, v);
    xfs_apply_deep_deps(out, XFS_NR_WORDS);
}

static void applies_to(struct xlc_system_policies *s, enum xlc_guest_type t,
                       struct xlc_xl_cpuid *l, const uint32_t *want,
                       const char *what)
{
    struct xlc_xl_applied a;
    xlc_error err;

    if (xlc_xl_cpuid_apply(s, t, l, &a, &err))
        fail_msg("%s: %s", what, err.msg);
    if (!xfs_equal(a.fs, XFS_NR_WORDS, want, XFS_NR_WORDS))
        fail_msg("%s: applied featureset differs", what);
    xlc_xl_cpuid_free(l);
}

static void one(struct xlc_system_policies *s, enum xlc_guest_type t,
                const uint32_t *want, const uint32_t *def)
{
    struct xlc_xl_cpuid l = { 0 };
    xlc_error err;
    char *str, **xend;

    if (xlc_xl_cpuid_reverse(want, def, &str, &err))
        fail_msg("reverse: %s", err.msg);
    if (xlc_xl_cpuid_parse(&l, str, NULL, NULL, &err))
        fail_msg("%s: %s", str, err.msg);
    applies_to(s, t, &l, want, str);
    free(str);

    int r = xlc_xl_cpuid_reverse_xend(want, def, &xend, &err);
    if (r) {   /* only a differing MSR word may stop the xend form */
        bool msr_differs = false;
        for (unsigned int w = 0; w < XFS_NR_WORDS; w++)
            if (xfs_words[w].src == XFS_SRC_MSR && want[w] != def[w])
                msr_differs = true;
        assert_true(msr_differs);
        assert_non_null(strstr(err.msg, "MSR"));
        return;
    }
    for (size_t i = 0; xend[i]; i++)
        if (xlc_xl_cpuid_parse_xend(&l, xend[i], NULL, &err))
            fail_msg("%s: %s", xend[i], err.msg);
    applies_to(s, t, &l, want, "xend form");
    xlc_xl_strv_free(xend);
}

static void every_dump_both_types(void **state)
{
    const char *shared = getenv("XFS_DATA");
    char dir[512], path[1024];
    unsigned int dumps = 0, trips = 0, hvm_skipped = 0;
    struct dirent *de;
    (void)state;

    assert_non_null(shared);
    snprintf(dir, sizeof(dir), "%s/cpuid/instlatx64", shared);
    DIR *d = opendir(dir);
    assert_non_null(d);
    while ((de = readdir(d))) {
        if (!strstr(de->d_name, ".xml"))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        struct xlc_system_policies *s = load(path);
        dumps++;
        for (int t = XLC_GUEST_PV; t <= XLC_GUEST_HVM; t++) {
            unsigned int di = t == XLC_GUEST_PV ? XFS_SYSCTL_cpu_featureset_pv
                                                : XFS_SYSCTL_cpu_featureset_hvm;
            unsigned int mi = t == XLC_GUEST_PV
                                  ? XFS_SYSCTL_cpu_featureset_pv_max
                                  : XFS_SYSCTL_cpu_featureset_hvm_max;
            if (!s->pol.present[di]) {
                assert_int_equal(t, XLC_GUEST_HVM);
                assert_true(xfs_empty(s->fs.fs[di], XFS_NR_WORDS));
                assert_true(xfs_empty(s->fs.fs[mi], XFS_NR_WORDS));
                hvm_skipped++;
                continue;
            }
            uint32_t want[XFS_NR_WORDS];
            for (int k = 0; k < 4; k++, trips++) {
                if (k == 0)
                    memcpy(want, s->fs.fs[mi], sizeof(want));
                else
                    pick(s->fs.fs[di], s->fs.fs[mi], want);
                if (k == 0)
                    xfs_apply_deep_deps(want, XFS_NR_WORDS);
                one(s, (enum xlc_guest_type)t, want, s->fs.fs[di]);
            }
        }
        xlc_system_policies_free(s);
    }
    closedir(d);
    print_message("%u dumps, %u round trips, %u hvm skipped (no HVM)\n",
                  dumps, trips, hvm_skipped);
    assert_true(dumps >= 40);
}

static void refusals(void **state)
{
    const char *shared = getenv("XFS_DATA");
    char path[1024], dir[512];
    struct dirent *de;
    (void)state;

    snprintf(dir, sizeof(dir), "%s/cpuid/instlatx64", shared);
    DIR *d = opendir(dir);
    assert_non_null(d);
    while ((de = readdir(d)) && !strstr(de->d_name, ".xml"))
        ;
    assert_non_null(de);
    snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
    closedir(d);
    struct xlc_system_policies *s = load(path);
    struct xlc_xl_cpuid l = { 0 };
    struct xlc_xl_applied a;
    xlc_error err;

    /* vmx/svm are never offered to PV guests: named, not dropped. */
    assert_int_equal(xlc_xl_cpuid_parse(&l, "host,vmx=1,svm=1", NULL, NULL,
                                        &err), 0);
    assert_int_equal(xlc_xl_cpuid_apply(s, XLC_GUEST_PV, &l, &a, &err),
                     -EINVAL);
    assert_non_null(strstr(err.msg, "vmx"));
    assert_non_null(strstr(err.msg, "svm"));
    xlc_xl_cpuid_free(&l);
    /* a bad mask character is refused with its position */
    assert_int_equal(xlc_xl_cpuid_parse_xend(
        &l, "1:ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxzx", NULL, &err), 0);
    assert_int_equal(xlc_xl_cpuid_apply(s, XLC_GUEST_PV, &l, &a, &err),
                     -EINVAL);
    assert_non_null(strstr(err.msg, "position 31"));
    xlc_xl_cpuid_free(&l);
    /* clearing xsave takes avx (and more) with it, reported */
    assert_int_equal(xlc_xl_cpuid_parse(&l, "host,xsave=0", NULL, NULL, &err),
                     0);
    assert_int_equal(xlc_xl_cpuid_apply(s, XLC_GUEST_PV, &l, &a, &err), 0);
    if (xfs_test(a.def, XFS_NR_WORDS, XFS_AVX))
        assert_true(xfs_test(a.deps_cleared, XFS_NR_WORDS, XFS_AVX));
    xlc_xl_cpuid_free(&l);
    /* ... and forcing avx on at the same time is refused */
    assert_int_equal(xlc_xl_cpuid_parse(&l, "host,xsave=0,avx=1", NULL, NULL,
                                        &err), 0);
    assert_int_equal(xlc_xl_cpuid_apply(s, XLC_GUEST_PV, &l, &a, &err),
                     -EINVAL);
    assert_non_null(strstr(err.msg, "prerequisite"));
    xlc_xl_cpuid_free(&l);
    xlc_system_policies_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_dump_both_types),
        cmocka_unit_test(refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
