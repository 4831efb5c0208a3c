/* SPDX-License-Identifier: MIT */
/*
 * Compatibility of a guest policy with a host's max policy: identical
 * policies pass, each kind of incompatibility is reported (alone when it
 * is the only one, all together when several apply), and libxenguest's
 * own check (xc_cpu_policy_is_compatible, which looks at fewer things)
 * never refuses a pair we accept.
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

#include "../helpers/policy-oracle.h"

#define HVM_DEF XFS_SYSCTL_cpu_featureset_hvm
#define HVM_MAX XFS_SYSCTL_cpu_featureset_hvm_max
#define PV_DEF XFS_SYSCTL_cpu_featureset_pv
#define PV_MAX XFS_SYSCTL_cpu_featureset_pv_max

static char *path_of(const char *name)
{
    static char path[4096];
    const char *s = getenv("XFS_DATA");

    snprintf(path, sizeof(path), "%s/cpuid/instlatx64/%s.xml",
             s && *s ? s : "tests/data", name);
    return path;
}

struct fixture {
    struct xlc_system_policies *skx;    /* Intel Skylake-SP */
    struct xlc_system_policies *zen;    /* AMD EPYC 7551P */
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));

    assert_non_null(f);
    f->skx = xt_system_from_file(path_of("GenuineIntel0050654_SkylakeXeon"));
    f->zen = xt_system_from_file(path_of("AuthenticAMD0800F12_K17_Zen"));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    xlc_system_policies_free(f->skx);
    xlc_system_policies_free(f->zen);
    free(f);
    return 0;
}

/* The reasons as text, one per line, for failure messages. */
static char *reasons_text(const struct xfs_cpu_policy *h,
                          const struct xfs_cpu_policy *g)
{
    struct xlc_compat_report rep;
    struct xlc_buf b = XLC_BUF_INIT;

    assert_int_equal(xlc_policy_compat_report(h, g, &rep, NULL), 0);
    for (size_t i = 0; i < rep.nr; i++)
        xlc_buf_printf(&b, "  %s\n", rep.reasons[i]);
    xlc_compat_report_free(&rep);
    xlc_buf_puts(&b, "");
    return xlc_buf_take(&b);
}

/* Exactly one reason, of this kind, whose text contains `want`. */
static void expect_one(const struct xfs_cpu_policy *h,
                       const struct xfs_cpu_policy *g,
                       enum xfs_compat_kind kind, const char *want)
{
    struct xfs_compat_reason r[8];
    unsigned int n = xfs_policy_check_compat(h, g, r, 8);
    struct xlc_buf b = XLC_BUF_INIT;

    if (n != 1 || r[0].kind != kind) {
        char *all = reasons_text(h, g);

        fail_msg("want one reason of kind %d, got %u:\n%s", kind, n, all);
    }
    xlc_compat_reason_text(&r[0], &b);
    if (!strstr(b.s, want))
        fail_msg("reason \"%s\" does not say \"%s\"", b.s, want);
    xlc_buf_free(&b);
}

static void identical_policies_pass(void **state)
{
    size_t nr;
    char **paths = xt_dump_paths(&nr);

    (void)state;
    for (size_t i = 0; i < nr; i++) {
        struct xlc_system_policies *s = xt_system_from_file(paths[i]);
        const struct xfs_cpu_policy *p = s->pol.p;

        for (unsigned int k = 0; k < XFS_SYSCTL_cpu_featureset_nr; k++)
            if (s->pol.present[k] &&
                xfs_policy_check_compat(&p[k], &p[k], NULL, 0))
                fail_msg("%s %s vs itself:\n%s", xt_basename(paths[i]),
                         xlc_policy_name(k), reasons_text(&p[k], &p[k]));
        /* A default guest fits its own host's max. */
        if (xfs_policy_check_compat(&p[PV_MAX], &p[PV_DEF], NULL, 0))
            fail_msg("%s: PV default vs PV max:\n%s", xt_basename(paths[i]),
                     reasons_text(&p[PV_MAX], &p[PV_DEF]));
        if (s->pol.present[HVM_MAX] &&
            xfs_policy_check_compat(&p[HVM_MAX], &p[HVM_DEF], NULL, 0))
            fail_msg("%s: HVM default vs HVM max:\n%s",
                     xt_basename(paths[i]),
                     reasons_text(&p[HVM_MAX], &p[HVM_DEF]));
        assert_int_equal(xlc_policy_check_compatible(&p[PV_MAX], &p[PV_DEF],
                                                     NULL), 0);
        xlc_system_policies_free(s);
    }
    xt_free_paths(paths, nr);
}

static void each_kind_alone(void **state)
{
    struct fixture *f = *state;
    const struct xfs_cpu_policy *h = &f->skx->pol.p[HVM_MAX];
    struct xfs_cpu_policy g;

#define FRESH() xfs_policy_copy(&g, &f->skx->pol.p[HVM_DEF])
    FRESH();
    g.basic[0].b ^= 1;           /* "GenuineIntel" -> "FenuineIntel" */
    expect_one(h, &g, XFS_COMPAT_VENDOR,
               "vendor differs: guest Unknown, host Intel");

    FRESH();
    g.basic[0].a = 0x14;
    expect_one(h, &g, XFS_COMPAT_MAX_LEAF,
               "max basic leaf (leaf 0x0 eax) lower on host: guest 0x14, "
               "host 0xd");

    FRESH();
    g.feat[0].a = 3;
    expect_one(h, &g, XFS_COMPAT_MAX_FEAT_SUBLEAF,
               "leaf 0x7 max subleaf (leaf 0x7:0 eax) lower on host: "
               "guest 3, host 2");

    FRESH();
    g.extd[0].a = 0x80000022u;
    expect_one(h, &g, XFS_COMPAT_MAX_EXTD_LEAF,
               "guest 0x80000022, host 0x80000021");

    FRESH();
    g.feat[0].c |= 1u << (XFS_AVX512_VNNI % 32);
    expect_one(h, &g, XFS_COMPAT_FEATURE,
               "feature AVX512_VNNI (word 6 7c0 bit 11, leaf 0x00000007:0 "
               "ecx) missing on host");

    FRESH();
    g.arch_caps |= 1ull << (XFS_RSBA % 32);  /* inverted: never missing */
    assert_int_equal(xfs_policy_check_compat(h, &g, NULL, 0), 0);

    FRESH();
    g.extd[8].a += 1;
    expect_one(h, &g, XFS_COMPAT_MAXPHYSADDR,
               "MAXPHYSADDR (leaf 0x80000008 eax[7:0]) lower on host: "
               "guest 47 bits, host 46 bits");

    FRESH();
    g.extd[8].a += 0x100;
    expect_one(h, &g, XFS_COMPAT_MAXLINADDR,
               "MAXLINADDR (leaf 0x80000008 eax[15:8]) lower on host: "
               "guest 49 bits, host 48 bits");

    FRESH();
    g.xstate[0].a |= 1u << 17;   /* AMX TILECFG, which Xen never offers */
    g.xstate[17] = (struct xfs_cpuid_regs){ 64, 2752, 0, 0 };
    expect_one(h, &g, XFS_COMPAT_XSTATE_COMPONENT,
               "XSAVE component 17 (AMX TILECFG) missing on host "
               "(leaf 0xd:17)");

    FRESH();
    g.xstate[2].b += 64;
    expect_one(h, &g, XFS_COMPAT_XSTATE_LAYOUT,
               "XSAVE component 2 (AVX) layout differs (leaf 0xd:2): guest "
               "size 256 offset 640, host size 256 offset 576");

    FRESH();
    g.xstate[0].c = 832;
    expect_one(h, &g, XFS_COMPAT_XSAVE_SIZE,
               "XSAVE area (leaf 0xd:0 ecx) too small: guest 832 bytes, host "
               "needs 2696");

    FRESH();
    xfs_policy_copy(&g, &f->skx->pol.p[PV_DEF]);
    g.platform_info |= XFS_PLATFORM_INFO_CPUID_FAULTING;
    expect_one(&f->skx->pol.p[PV_MAX], &g, XFS_COMPAT_MSR_BITS,
               "MSR 0x000000ce bits 0x80000000 missing on host");
#undef FRESH
}

static bool has_kind(const struct xfs_compat_reason *r, unsigned int n,
                     enum xfs_compat_kind k)
{
    for (unsigned int i = 0; i < n; i++)
        if (r[i].kind == k)
            return true;
    return false;
}

static void several_at_once(void **state)
{
    struct fixture *f = *state;
    const struct xfs_cpu_policy *h = &f->skx->pol.p[HVM_MAX];
    struct xfs_compat_reason r[256];
    struct xfs_cpu_policy g;
    xlc_error err = { 0 };
    unsigned int n;

    /* Four independent problems in one guest: all four are reported. */
    xfs_policy_copy(&g, &f->skx->pol.p[HVM_DEF]);
    g.basic[0].a = 0x14;
    g.feat[0].c |= 1u << (XFS_AVX512_VNNI % 32);
    g.extd[8].a += 1;
    g.xstate[0].c = 832;
    n = xfs_policy_check_compat(h, &g, r, 256);
    assert_int_equal(n, 4);
    assert_true(has_kind(r, n, XFS_COMPAT_MAX_LEAF));
    assert_true(has_kind(r, n, XFS_COMPAT_FEATURE));
    assert_true(has_kind(r, n, XFS_COMPAT_MAXPHYSADDR));
    assert_true(has_kind(r, n, XFS_COMPAT_XSAVE_SIZE));
    assert_int_equal(xlc_policy_check_compatible(h, &g, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "guest policy does not fit the host (4 "
                                    "reasons): max basic leaf"));
    assert_non_null(strstr(err.msg, "; feature AVX512_VNNI"));
    assert_non_null(strstr(err.msg, "; MAXPHYSADDR"));
    assert_non_null(strstr(err.msg, "; XSAVE area"));

    /* A real Intel guest on a real AMD host: vendor, and the Intel-only
     * features by name; the storage limit does not truncate the count. */
    n = xfs_policy_check_compat(&f->zen->pol.p[HVM_MAX],
                                &f->skx->pol.p[HVM_DEF], r, 2);
    assert_true(n > 2);
    assert_int_equal(r[0].kind, XFS_COMPAT_VENDOR);
    assert_int_equal(xfs_policy_check_compat(&f->zen->pol.p[HVM_MAX],
                                             &f->skx->pol.p[HVM_DEF], r, 256),
                     n);
    assert_true(has_kind(r, n, XFS_COMPAT_FEATURE));
    assert_int_equal(xlc_policy_check_compatible(&f->zen->pol.p[HVM_MAX],
                                                 &f->skx->pol.p[HVM_DEF],
                                                 &err), -EINVAL);
    assert_non_null(strstr(err.msg, "vendor differs: guest Intel, host AMD"));
    assert_non_null(strstr(err.msg, "feature AVX512F ("));
}

/* Over real pairs: libxenguest never refuses what we accept, and every
 * pair it refuses we refuse with at least one reason. */
static void never_laxer_than_libxenguest(void **state)
{
    size_t nr;
    char **paths = xt_dump_paths(&nr);
    struct xlc_system_policies **s = calloc(nr, sizeof(*s));
    struct xlc_policy_entries rh = { 0 }, rg = { 0 };
    unsigned int pairs = 0, refused = 0, xen_refused = 0;

    (void)state;
    assert_non_null(s);
    for (size_t i = 0; i < nr; i++)
        s[i] = xt_system_from_file(paths[i]);
    /* Every guest against every fourth host keeps the fork count sane. */
    for (size_t hi = 0; hi < nr; hi += 4) {
        for (size_t gi = 0; gi < nr; gi++) {
            const struct xfs_cpu_policy *h = &s[hi]->pol.p[PV_MAX];
            const struct xfs_cpu_policy *g = &s[gi]->pol.p[PV_DEF];
            unsigned int n = xfs_policy_check_compat(h, g, NULL, 0);

            xt_serialise(h, &rh);
            xt_serialise(g, &rg);
            if (!xt_xen_compatible(&rh, &rg)) {
                if (!n)
                    fail_msg("libxenguest refuses %s on %s; we accept",
                             xt_basename(paths[gi]), xt_basename(paths[hi]));
                xen_refused++;
            }
            pairs++;
            refused += n != 0;
        }
    }
    /* Xen 4.17 only compares the three max leaves and PLATFORM_INFO, and
     * a max policy has every limit at its highest: it refuses none. */
    printf("    %u pairs: we refuse %u (with reasons), libxenguest %u\n",
           pairs, refused, xen_refused);
    for (size_t i = 0; i < nr; i++)
        xlc_system_policies_free(s[i]);
    free(s);
    xlc_policy_entries_free(&rh);
    xlc_policy_entries_free(&rg);
    xt_free_paths(paths, nr);
}

/*
 * Each thing libxenguest does check (the three max leaves, PLATFORM_INFO)
 * makes both of us refuse; the host is lowered rather than the guest
 * raised, so that both policies stay valid.
 */
static void libxenguest_refusals_are_ours(void **state)
{
    struct fixture *f = *state;
    struct xlc_policy_entries rh = { 0 }, rg = { 0 };
    struct xfs_cpu_policy h, g;

    for (unsigned int k = 0; k < 4; k++) {
        xfs_policy_copy(&g, &f->skx->pol.p[HVM_DEF]);
        xfs_policy_copy(&h, &f->skx->pol.p[k < 3 ? HVM_MAX : PV_MAX]);
        xt_serialise(&h, &rh);
        xt_serialise(&g, &rg);
        if (k < 3) {    /* unchanged, the pair is fine for both of us */
            assert_true(xt_xen_compatible(&rh, &rg));
            assert_int_equal(xfs_policy_check_compat(&h, &g, NULL, 0), 0);
        }
        switch (k) {
        case 0: h.basic[0].a = 0xb; break;
        case 1: h.feat[0].a = 0; g.feat[0].a = 1; break;
        case 2: h.extd[0].a = 0x80000007u; break;
        case 3: break;    /* an HVM guest (CPUID faulting) on a PV max */
        }
        xfs_policy_clear_unlisted(&h);
        xt_serialise(&h, &rh);
        xt_serialise(&g, &rg);
        assert_false(xt_xen_compatible(&rh, &rg));
        assert_true(xfs_policy_check_compat(&h, &g, NULL, 0) > 0);
    }
    xlc_policy_entries_free(&rh);
    xlc_policy_entries_free(&rg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(identical_policies_pass),
        cmocka_unit_test(each_kind_alone),
        cmocka_unit_test(several_at_once),
        cmocka_unit_test(never_laxer_than_libxenguest),
        cmocka_unit_test(libxenguest_refusals_are_ours),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
