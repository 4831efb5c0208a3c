/* SPDX-License-Identifier: MIT */
/*
 * The restore check's rule, restated here from the registers a stream
 * carries and checked over 100,000 seeded random (guest policy,
 * destination) pairs built from the shared dumps' policies; and the guest
 * policy it judges, which must be the one Xen's own merge makes (5,000
 * pairs against libxenguest).  Real destinations and the report forms are
 * in test_restore_dests.c.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <yajl/yajl_tree.h>

#include "../helpers/policy-oracle.h"
#include "../helpers/stream-helpers.h"
#include "libxl_cpuid/policy/applied-policy.h"
#include "libxl_cpuid/migration/restore-check.h"
#include "libxl_cpuid/migration/stream.h"
#include "../helpers/libxenguest-private.h"

#define PV XFS_STREAM_DOM_X86_PV
#define HVM XFS_STREAM_DOM_X86_HVM

/* Every shared dump's system policies, loaded once. */
static struct xt_pool pool;

static int setup(void **state)
{
    (void)state;
    return xt_pool_load(&pool);
}

static int teardown(void **state)
{
    (void)state;
    xt_pool_free(&pool);
    return 0;
}

/* ---- the rule, restated from the registers the stream carries ---- */

static const struct xfs_cpuid_leaf *entry(const struct xlc_policy_entries *e,
                                          uint32_t leaf, uint32_t subleaf)
{
    for (size_t i = 0; i < e->nr_leaves; i++)
        if (e->leaves[i].leaf == leaf && e->leaves[i].subleaf == subleaf)
            return &e->leaves[i];
    return NULL;
}

static uint64_t msr(const struct xlc_policy_entries *e, uint32_t idx)
{
    for (size_t i = 0; i < e->nr_msrs; i++)
        if (e->msrs[i].idx == idx)
            return e->msrs[i].val;
    return 0;
}

static uint32_t reg(const struct xfs_cpuid_leaf *l, enum xfs_reg r)
{
    if (!l)
        return 0;
    switch (r) {
    case XFS_EAX: return l->a;
    case XFS_EBX: return l->b;
    case XFS_ECX: return l->c;
    default: return l->d;
    }
}

/* XCR0|XSS of a serialised policy, 0 when it lists no leaf 0xd. */
static uint64_t xstates(const struct xlc_policy_entries *e, bool xss)
{
    const struct xfs_cpuid_leaf *l0 = entry(e, 0xd, 0), *l1 = entry(e, 0xd, 1);
    uint64_t x;

    if (!l0)
        return 0;
    x = (uint64_t)l0->d << 32 | l0->a;
    if (xss && l1)
        x |= (uint64_t)l1->d << 32 | l1->c;
    return x;
}

/*
 * A feature is visible when its leaf is among the serialised ones; Xen
 * drops all of leaf 0xd, subleaf 1 included, when no XSAVE state is
 * enabled (x86_cpu_policy_clear_out_of_range_leaves).
 */
static void visible_fs(const struct xlc_policy_entries *e,
                       uint32_t fs[XFS_NR_WORDS])
{
    for (unsigned int w = 0; w < XFS_NR_WORDS; w++) {
        const struct xfs_word_info *wi = &xfs_words[w];

        if (wi->src == XFS_SRC_MSR)
            fs[w] = (uint32_t)(msr(e, wi->leaf) >>
                               (wi->reg == XFS_MSR_HI ? 32 : 0));
        else if (wi->leaf == 0xd && !xstates(e, true))
            fs[w] = 0;
        else
            fs[w] = reg(entry(e, wi->leaf, wi->subleaf), wi->reg);
    }
}

struct expect {
    unsigned int nr;                       /* reasons in all */
    uint32_t blocking[XFS_NR_WORDS];       /* features that block */
    unsigned int kinds;                    /* bit per xfs_compat_kind */
};

static void want(struct expect *x, enum xfs_compat_kind k, bool cond)
{
    if (!cond)
        return;
    x->nr++;
    x->kinds |= 1u << k;
}

static void expect_limits(const struct xlc_policy_entries *g,
                          const struct xlc_policy_entries *h,
                          const uint32_t kept[XFS_NR_WORDS],
                          struct expect *x)
{
    uint32_t gmax = reg(entry(g, 0, XFS_CPUID_NO_SUBLEAF), XFS_EAX);
    uint32_t hmax = reg(entry(h, 0, XFS_CPUID_NO_SUBLEAF), XFS_EAX);
    const struct xfs_cpuid_leaf *ga = entry(g, 0x80000008,
                                            XFS_CPUID_NO_SUBLEAF);
    const struct xfs_cpuid_leaf *ha = entry(h, 0x80000008,
                                            XFS_CPUID_NO_SUBLEAF);

    want(x, XFS_COMPAT_MAX_LEAF, gmax > hmax);
    want(x, XFS_COMPAT_MAX_FEAT_SUBLEAF,
         gmax >= 7 && hmax >= 7 &&
             reg(entry(g, 7, 0), XFS_EAX) > reg(entry(h, 7, 0), XFS_EAX));
    want(x, XFS_COMPAT_MAX_EXTD_LEAF,
         reg(entry(g, 0x80000000, XFS_CPUID_NO_SUBLEAF), XFS_EAX) >
             reg(entry(h, 0x80000000, XFS_CPUID_NO_SUBLEAF), XFS_EAX));
    if (ga && ha) {
        /* Like with like: Xen gives a guest keeping PAE or PSE36 at least
         * 36 physical bits whatever the host has, so that much fits. */
        uint32_t floor = xfs_test(kept, XFS_NR_WORDS, XFS_PAE) ||
                                 xfs_test(kept, XFS_NR_WORDS, XFS_PSE36)
                             ? 36u : 32u;
        uint32_t hphys = ha->a & 0xff;

        want(x, XFS_COMPAT_MAXPHYSADDR,
             (ga->a & 0xff) > (hphys > floor ? hphys : floor));
        /* Xen gives a guest that keeps LM 48 linear bits, else 32,
         * whatever the stream recorded. */
        want(x, XFS_COMPAT_MAXLINADDR,
             (xfs_test(kept, XFS_NR_WORDS, XFS_LM) ? 48u : 32u) >
                 ((ha->a >> 8) & 0xff));
    }
}

/* Every component the guest uses, where the destination has it. */
static void expect_xsave(const struct xlc_policy_entries *g,
                         const struct xlc_policy_entries *h,
                         struct expect *x)
{
    uint64_t gx = xstates(g, true), hx = xstates(h, true);
    uint64_t gxcr0 = xstates(g, false);
    uint32_t need = 576;

    for (unsigned int i = 0; i < 64; i++) {
        const struct xfs_cpuid_leaf *gc = entry(g, 0xd, i),
                                    *hc = entry(h, 0xd, i);

        if (!((gx >> i) & 1))
            continue;
        want(x, XFS_COMPAT_XSTATE_COMPONENT, !((hx >> i) & 1));
        if (!((hx >> i) & 1) || i < 2 || i > 62)
            continue;
        want(x, XFS_COMPAT_XSTATE_LAYOUT,
             reg(gc, XFS_EAX) != reg(hc, XFS_EAX) ||
                 reg(gc, XFS_EBX) != reg(hc, XFS_EBX));
        if (((gxcr0 >> i) & 1) &&
            reg(hc, XFS_EAX) + reg(hc, XFS_EBX) > need)
            need = reg(hc, XFS_EAX) + reg(hc, XFS_EBX);
    }
    want(x, XFS_COMPAT_XSAVE_SIZE,
         gxcr0 && hx && reg(entry(g, 0xd, 0), XFS_ECX) < need);
}

/* Clear every feature whose prerequisite is absent, to a fixed point. */
static void close_deps(uint32_t fs[XFS_NR_WORDS])
{
    bool again = true;

    while (again) {
        again = false;
        for (unsigned int f = 0; f < XFS_NR_FEATURE_BITS; f++) {
            const uint32_t *deps = xfs_lookup_deep_deps(f);

            if (!deps || xfs_test(fs, XFS_NR_WORDS, f))
                continue;
            for (unsigned int w = 0; w < XFS_NR_WORDS; w++) {
                again |= (fs[w] & deps[w]) != 0;
                fs[w] &= ~deps[w];
            }
        }
    }
}

/* Zero the words of leaves past a limit. */
static void drop_words_past(uint32_t fs[XFS_NR_WORDS], uint32_t basic,
                            uint32_t extd)
{
    for (unsigned int w = 0; w < XFS_NR_WORDS; w++) {
        const struct xfs_word_info *wi = &xfs_words[w];

        if (wi->src != XFS_SRC_CPUID)
            continue;
        if (wi->leaf >= 0x80000000u ? wi->leaf > extd : wi->leaf > basic)
            fs[w] = 0;
    }
}

/*
 * The features Xen 4.17's recalculation leaves a domain with, restated
 * from the registers: the recorded ones within the max (plus HTT, X2APIC
 * and CMP_LEGACY, always allowed), within the clamped leaf limits (the
 * extended range ends at 0x80000008 but for AMD and Hygon), XSAVE only
 * with leaf 0xd listed, known features only, closed under dependencies.
 * (VMX/SVM need nested virtualisation, which a guest recorded with them
 * was configured with; HAP is assumed.)
 */
static void kept_features(const struct xlc_policy_entries *g,
                          const struct xlc_policy_entries *h,
                          uint32_t kept[XFS_NR_WORDS])
{
    const struct xfs_cpuid_leaf *g0 = entry(g, 0, XFS_CPUID_NO_SUBLEAF);
    uint32_t hfs[XFS_NR_WORDS];
    uint32_t gmax = g0->a;
    uint32_t hmax = reg(entry(h, 0, XFS_CPUID_NO_SUBLEAF), XFS_EAX);
    uint32_t basic = gmax < hmax ? gmax : hmax;
    enum xfs_vendor v = xfs_vendor_from_leaf0(g0->b, g0->c, g0->d);
    uint32_t last = v == XFS_VENDOR_AMD || v == XFS_VENDOR_HYGON ? 0x21 : 0x8;
    uint32_t gext = reg(entry(g, 0x80000000u, XFS_CPUID_NO_SUBLEAF), XFS_EAX);
    uint32_t ext = 0x80000000u | ((gext & 0xffff) < last ? gext & 0xffff
                                                          : last);

    visible_fs(g, kept);
    visible_fs(h, hfs);
    xfs_set(hfs, XFS_NR_WORDS, XFS_HTT);
    xfs_set(hfs, XFS_NR_WORDS, XFS_X2APIC);
    xfs_set(hfs, XFS_NR_WORDS, XFS_CMP_LEGACY);
    xfs_and(kept, XFS_NR_WORDS, kept, XFS_NR_WORDS, hfs, XFS_NR_WORDS);
    drop_words_past(kept, basic, ext);
    if (basic < 0xd)
        xfs_clear(kept, XFS_NR_WORDS, XFS_XSAVE);
    for (unsigned int f = 0; f < XFS_NR_FEATURE_BITS; f++)
        if (!xfs_feature_by_value(f))
            xfs_clear(kept, XFS_NR_WORDS, f);
    close_deps(kept);
}

/*
 * The documented rule: same vendor, every visible guest feature kept by
 * Xen's recalculation (XCF_INVERTED bits excepted), every numeric limit no
 * higher (MAXLINADDR as Xen sets it), every XSAVE component present with
 * the same layout and the area big enough, PLATFORM_INFO bits a subset.
 */
static void expect_reasons(const struct xlc_policy_entries *g,
                           const struct xlc_policy_entries *h,
                           struct expect *x)
{
    const struct xfs_cpuid_leaf *g0 = entry(g, 0, XFS_CPUID_NO_SUBLEAF);
    const struct xfs_cpuid_leaf *h0 = entry(h, 0, XFS_CPUID_NO_SUBLEAF);
    uint32_t gfs[XFS_NR_WORDS], kept[XFS_NR_WORDS];

    memset(x, 0, sizeof(*x));
    want(x, XFS_COMPAT_VENDOR,
         g0->b != h0->b || g0->c != h0->c || g0->d != h0->d);
    kept_features(g, h, kept);
    expect_limits(g, h, kept, x);
    visible_fs(g, gfs);
    for (unsigned int f = 0; f < XFS_NR_FEATURE_BITS; f++) {
        const struct xfs_feature_info *fi = xfs_feature_by_value(f);
        bool blocks = xfs_test(gfs, XFS_NR_WORDS, f) &&
                      !xfs_test(kept, XFS_NR_WORDS, f) &&
                      !(fi && (fi->flags & XCF_INVERTED));

        want(x, XFS_COMPAT_FEATURE, blocks);
        if (blocks)
            xfs_set(x->blocking, XFS_NR_WORDS, f);
    }
    expect_xsave(g, h, x);
    want(x, XFS_COMPAT_MSR_BITS,
         (msr(g, XFS_MSR_INTEL_PLATFORM_INFO) &
          ~msr(h, XFS_MSR_INTEL_PLATFORM_INFO)) != 0);
}

/* ---- random pairs ---- */

static uint64_t rng_state;

static uint32_t rnd(void)
{
    /* xorshift64*: seeded, so every run checks the same pairs. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

/* A random destination: a dump's type max policy, often with features
 * taken away (as boot options would) or narrower addresses. */
static void random_dest(struct xlc_restore_dest *d, size_t *dump)
{
    uint32_t type;

    do {
        *dump = rnd() % pool.n;
        type = (rnd() & 1) ? HVM : PV;
        xlc_restore_dest_from_system(pool.sys[*dump], type, d);
    } while (!d->usable);
    if (rnd() % 2) {
        uint32_t fs[XFS_NR_WORDS];

        xfs_policy_to_featureset(&d->max, fs, XFS_NR_WORDS);
        for (unsigned int w = 0; w < XFS_NR_WORDS; w++)
            fs[w] &= rnd() | rnd() | rnd();
        xfs_policy_from_featureset(&d->max, fs, XFS_NR_WORDS);
    }
    if (rnd() % 8 == 0)
        d->max.extd[8].a -= rnd() % 6;
    /* Now and then, a destination that cannot run the type at all. */
    d->usable = rnd() % 50 != 0;
}

/* A guest: mostly the destination CPU's own default or max policy, else
 * any CPU's; then features, limits, addresses or MSRs disturbed. */
static void random_guest(const struct xlc_restore_dest *d, size_t dump,
                         struct xfs_cpu_policy *g)
{
    const struct xlc_system_policies *s =
        rnd() % 10 < 6 ? pool.sys[dump] : pool.sys[rnd() % pool.n];
    bool pv = rnd() % 10 < 6 ? d->domain_type == PV : rnd() & 1;
    unsigned int def = xlc_policy_index_default(pv ? XLC_GUEST_PV
                                                   : XLC_GUEST_HVM);
    unsigned int max = xlc_policy_index_max(pv ? XLC_GUEST_PV
                                               : XLC_GUEST_HVM);
    uint32_t fs[XFS_NR_WORDS], mfs[XFS_NR_WORDS];

    if (!s->pol.present[def]) {
        def = XFS_SYSCTL_cpu_featureset_pv;
        max = XFS_SYSCTL_cpu_featureset_pv_max;
    }
    xfs_policy_copy(g, &s->pol.p[rnd() % 3 ? def : max]);
    xfs_policy_to_featureset(g, fs, XFS_NR_WORDS);
    xfs_policy_to_featureset(&d->max, mfs, XFS_NR_WORDS);
    switch (rnd() % 8) {
    case 0: case 1: case 2:
        for (unsigned int w = 0; w < XFS_NR_WORDS; w++)
            fs[w] &= mfs[w] | (rnd() & rnd() & rnd());
        break;
    case 3:
        xfs_set(fs, XFS_NR_WORDS, rnd() % XFS_NR_FEATURE_BITS);
        break;
    case 4:
        fs[rnd() % XFS_NR_WORDS] |= rnd();
        break;
    default:
        break;
    }
    xfs_policy_from_featureset(g, fs, XFS_NR_WORDS);
    if (rnd() % 8 == 0)
        g->basic[0].a = rnd() % 0x12;
    if (rnd() % 8 == 0)
        g->feat[0].a = rnd() % 4;
    if (rnd() % 8 == 0)
        g->extd[0].a = XFS_CPUID_EXTD_BASE + rnd() % 0x26;
    if (rnd() % 8 == 0)
        g->extd[8].a = (g->extd[8].a & ~0xffffu) | (0x30 + rnd() % 10) << 8 |
                       (0x24 + rnd() % 0x12);
    if (rnd() % 16 == 0)
        g->platform_info ^= XFS_PLATFORM_INFO_CPUID_FAULTING;
}

/* Ask libxenguest too (a weaker check: it must accept what we accept). */
static void xen_agrees(const struct xlc_restore_dest *d,
                       const struct xfs_cpu_policy *guest)
{
    struct xlc_policy_entries h = { 0 }, g = { 0 };

    xt_serialise(&d->max, &h);
    xt_serialise(guest, &g);
    assert_true(xt_xen_compatible(&h, &g));
    xlc_policy_entries_free(&h);
    xlc_policy_entries_free(&g);
}

static bool check_pair(const struct xlc_restore_dest *d,
                       const struct xfs_cpu_policy *g, unsigned int iter,
                       unsigned int *kinds)
{
    bool accept;
    struct xlc_policy_entries he = { 0 };
    struct xlc_stream_info info;
    struct xlc_restore_verdict v;
    struct expect x;
    xlc_error err = { 0 };
    size_t r = 0;

    xt_stream_of(d->domain_type, g, &info);
    assert_int_equal(xlc_restore_check(&info, d, &v, &err), 0);
    assert_int_equal(xlc_policy_serialise(&d->max, &he, &err), 0);
    expect_reasons(&info.policy, &he, &x);
    if (!d->usable) {
        x.nr = 1;
        x.kinds = 0;
        memset(x.blocking, 0, sizeof(x.blocking));
    }
    if (v.accept != (x.nr == 0) || v.nr_reasons != x.nr)
        fail_msg("pair %u: verdict %d with %zu reasons, expected %u "
                 "(kinds 0x%x; first: %s)", iter, v.accept, v.nr_reasons,
                 x.nr, x.kinds, v.nr_reasons ? v.reasons[0].text : "none");
    /* Every blocking feature is named, in order. */
    for (unsigned int f = 0; f < XFS_NR_FEATURE_BITS; f++) {
        if (!xfs_test(x.blocking, XFS_NR_WORDS, f))
            continue;
        while (r < v.nr_reasons && v.reasons[r].why.kind != XFS_COMPAT_FEATURE)
            r++;
        assert_true(r < v.nr_reasons);
        assert_int_equal(v.reasons[r].why.item, f);
        r++;
    }
    assert_false(v.compat_policy);
    *kinds |= x.kinds;
    if (v.accept && iter % 64 == 0)
        xen_agrees(d, &v.guest);
    accept = v.accept;
    xlc_restore_verdict_free(&v);
    xlc_stream_info_free(&info);
    xlc_policy_entries_free(&he);
    return accept;
}

/*
 * restore-check accepts exactly when the rule above holds, over 100,000
 * pairs: never an unsafe pair, never a needless refusal, and the count of
 * reasons is the count of everything that does not fit.
 */
static void property_random_pairs(void **state)
{
    struct xlc_restore_dest *d = malloc(sizeof(*d));
    struct xfs_cpu_policy *g = malloc(sizeof(*g));
    unsigned int accepted = 0, kinds = 0;

    (void)state;
    assert_non_null(d);
    assert_non_null(g);
    rng_state = 0x5eedf00dcafe1234ull;
    for (unsigned int i = 0; i < 100000; i++) {
        size_t dump;

        random_dest(d, &dump);
        random_guest(d, dump, g);
        accepted += check_pair(d, g, i, &kinds);
    }
    /* Both outcomes are well represented, and every kind of reason. */
    print_message("accepted %u of 100000 pairs\n", accepted);
    assert_true(accepted > 10000);
    assert_true(accepted < 90000);
    /* ... but MAXLINADDR: Xen sets it to 48 for a guest keeping LM (32
     * without), which every destination with LM has, so no recorded
     * width can be refused any more. */
    assert_false(kinds & (1u << XFS_COMPAT_MAXLINADDR));
    for (unsigned int k = XFS_COMPAT_VENDOR; k <= XFS_COMPAT_MSR_BITS; k++)
        if (k != XFS_COMPAT_MAXLINADDR && !(kinds & (1u << k)))
            fail_msg("no pair was refused for reason kind %s",
                     xlc_compat_kind_name((enum xfs_compat_kind)k));
    free(d);
    free(g);
}

/* ---- the guest policy is Xen's merge ---- */

/* What XEN_DOMCTL_set_cpu_policy makes of the records on top of the
 * domain's (default) policy, serialised by libxenguest. */
static void xen_merge(const struct xfs_cpu_policy *def,
                      const struct xlc_policy_entries *e,
                      struct xlc_policy_entries *out)
{
    struct cpu_policy *x = calloc(1, XEN_POLICY_BYTES);
    struct xlc_policy_entries r;
    uint32_t el, es, em, nl = XFS_POLICY_MAX_LEAVES, nm = XFS_POLICY_MAX_MSRS;

    assert_non_null(x);
    assert_int_equal(xlc_policy_serialise(def, &r, NULL), 0);
    assert_int_equal(x86_cpuid_copy_from_buffer(x, r.leaves,
                                                (uint32_t)r.nr_leaves, &el,
                                                &es), 0);
    assert_int_equal(x86_msr_copy_from_buffer(x, r.msrs, (uint32_t)r.nr_msrs,
                                              &em), 0);
    assert_int_equal(x86_cpuid_copy_from_buffer(x, e->leaves,
                                                (uint32_t)e->nr_leaves, &el,
                                                &es), 0);
    assert_int_equal(x86_msr_copy_from_buffer(x, e->msrs,
                                              (uint32_t)e->nr_msrs, &em), 0);
    x86_cpu_policy_clear_out_of_range_leaves(x);
    xlc_policy_entries_free(out);
    assert_int_equal(xlc_policy_entries_alloc(out, nl, nm, NULL), 0);
    assert_int_equal(x86_cpuid_copy_to_buffer(x, out->leaves, &nl), 0);
    assert_int_equal(x86_msr_copy_to_buffer(x, out->msrs, &nm), 0);
    out->nr_leaves = nl;
    out->nr_msrs = nm;
    xlc_policy_entries_free(&r);
    free(x);
}

static const char *first_difference(const struct xlc_policy_entries *a,
                                    const struct xlc_policy_entries *b)
{
    static char text[256];

    for (size_t i = 0; i < a->nr_leaves && i < b->nr_leaves; i++) {
        const struct xfs_cpuid_leaf *x = &a->leaves[i], *y = &b->leaves[i];

        if (!memcmp(x, y, sizeof(*x)))
            continue;
        snprintf(text, sizeof(text), "entry %zu: ours %08x:%08x -> %08x:%08x:"
                 "%08x:%08x, Xen's %08x:%08x -> %08x:%08x:%08x:%08x", i,
                 x->leaf, x->subleaf, x->a, x->b, x->c, x->d, y->leaf,
                 y->subleaf, y->a, y->b, y->c, y->d);
        return text;
    }
    snprintf(text, sizeof(text), "%zu leaves and %zu MSRs, Xen's %zu and %zu",
             a->nr_leaves, a->nr_msrs, b->nr_leaves, b->nr_msrs);
    return text;
}

/*
 * The merged policy restore-check judges is the one Xen audits: the
 * recorded leaves and MSRs over the destination's default policy, leaves
 * out of range dropped (libxenguest's own x86_cpuid_copy_from_buffer and
 * x86_cpu_policy_clear_out_of_range_leaves), on 5,000 random pairs.
 */
static void guest_policy_is_xens_merge(void **state)
{
    struct xlc_restore_dest *d = malloc(sizeof(*d));
    struct xfs_cpu_policy *g = malloc(sizeof(*g)), *ours = malloc(sizeof(*g));
    struct xlc_policy_entries mine = { 0 }, xen = { 0 };

    (void)state;
    assert_true(d && g && ours);
    rng_state = 0x0ddba11c0ffee123ull;
    for (unsigned int i = 0; i < 5000; i++) {
        struct xlc_stream_info info;
        xlc_error err = { 0 };
        size_t dump;

        random_dest(d, &dump);
        d->usable = true;
        random_guest(d, dump, g);
        xt_stream_of(d->domain_type, g, &info);
        if (xlc_restore_merged_policy(&info, d, ours, &err))
            fail_msg("pair %u: %s", i, err.msg);
        xt_serialise(ours, &mine);
        xen_merge(&d->def, &info.policy, &xen);
        if (mine.nr_leaves != xen.nr_leaves ||
            memcmp(mine.leaves, xen.leaves,
                   mine.nr_leaves * sizeof(mine.leaves[0])) ||
            mine.nr_msrs != xen.nr_msrs ||
            memcmp(mine.msrs, xen.msrs, mine.nr_msrs * sizeof(mine.msrs[0])))
            fail_msg("pair %u: our guest policy is not Xen's: %s", i,
                     first_difference(&mine, &xen));
        xlc_stream_info_free(&info);
    }
    free(d);
    free(g);
    free(ours);
    xlc_policy_entries_free(&mine);
    xlc_policy_entries_free(&xen);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(property_random_pairs),
        cmocka_unit_test(guest_policy_is_xens_merge),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
