/* SPDX-License-Identifier: MIT */
/*
 * Can a guest whose policy is G run on a host whose max policy is H?
 * Every reason is collected, so that a refusal can list all of them at
 * once rather than one per attempt.
 */
#include "cpu-policy.h"

struct sink {
    struct xfs_compat_reason *out;
    unsigned int max, n;
};

static void add(struct sink *s, enum xfs_compat_kind kind, uint32_t leaf,
                uint32_t subleaf, uint32_t item, uint64_t guest,
                uint64_t host)
{
    if (s->n < s->max)
        s->out[s->n] = (struct xfs_compat_reason){ kind, leaf, subleaf, item,
                                                   guest, host };
    s->n++;
}

static enum xfs_vendor vendor_of(const struct xfs_cpu_policy *p)
{
    return xfs_vendor_from_leaf0(p->basic[0].b, p->basic[0].c,
                                 p->basic[0].d);
}

static void check_vendor(const struct xfs_cpu_policy *h,
                         const struct xfs_cpu_policy *g, struct sink *s)
{
    enum xfs_vendor hv = vendor_of(h), gv = vendor_of(g);

    if (hv != gv)
        add(s, XFS_COMPAT_VENDOR, 0, XFS_CPUID_NO_SUBLEAF, 0, gv, hv);
}

static void check_max_leaves(const struct xfs_cpu_policy *h,
                             const struct xfs_cpu_policy *g, struct sink *s)
{
    uint32_t gmax = xfs_policy_max_leaf(g), hmax = xfs_policy_max_leaf(h);

    if (gmax > hmax)
        add(s, XFS_COMPAT_MAX_LEAF, 0, XFS_CPUID_NO_SUBLEAF, 0, gmax, hmax);
    /* Leaf 7's own limit only matters where both policies list leaf 7. */
    if (gmax >= 7 && hmax >= 7 &&
        xfs_policy_max_feat_subleaf(g) > xfs_policy_max_feat_subleaf(h))
        add(s, XFS_COMPAT_MAX_FEAT_SUBLEAF, 7, 0, 0,
            xfs_policy_max_feat_subleaf(g), xfs_policy_max_feat_subleaf(h));
    if (xfs_policy_max_extd_leaf(g) > xfs_policy_max_extd_leaf(h))
        add(s, XFS_COMPAT_MAX_EXTD_LEAF, XFS_POLICY_EXTD_BASE,
            XFS_CPUID_NO_SUBLEAF, 0, xfs_policy_max_extd_leaf(g),
            xfs_policy_max_extd_leaf(h));
}

/*
 * A policy's featureset, counting only words it actually lists: a word in
 * a leaf past the max leaf is invisible to the guest whatever it holds.
 */
static void visible_featureset(const struct xfs_cpu_policy *p,
                               uint32_t fs[XFS_NR_WORDS])
{
    xfs_policy_to_featureset(p, fs, XFS_NR_WORDS);
    for (unsigned int w = 0; w < XFS_NR_WORDS; w++)
        if (xfs_words[w].src == XFS_SRC_CPUID &&
            !xfs_policy_leaf_is_listed(p, xfs_words[w].leaf,
                                       xfs_words[w].subleaf))
            fs[w] = 0;
}

/*
 * Every feature the guest sees must be on the host, except XCF_INVERTED
 * ones: those announce a missing behaviour or a weakness, so a guest that
 * was told about one assumes less, not more, and runs fine without it.
 */
static void check_features(const struct xfs_cpu_policy *h,
                           const struct xfs_cpu_policy *g, struct sink *s)
{
    uint32_t hfs[XFS_NR_WORDS], gfs[XFS_NR_WORDS];

    visible_featureset(h, hfs);
    visible_featureset(g, gfs);
    for (unsigned int f = 0; f < XFS_NR_FEATURE_BITS; f++) {
        const struct xfs_feature_info *fi;
        const struct xfs_word_info *wi = &xfs_words[f / 32];

        if (!xfs_test(gfs, XFS_NR_WORDS, f) || xfs_test(hfs, XFS_NR_WORDS, f))
            continue;
        fi = xfs_feature_by_value(f);
        if (fi && (fi->flags & XCF_INVERTED))
            continue;
        add(s, XFS_COMPAT_FEATURE, wi->leaf, wi->subleaf, f, 1, 0);
    }
}

static void check_addr_sizes(const struct xfs_cpu_policy *h,
                             const struct xfs_cpu_policy *g, struct sink *s)
{
    const uint32_t leaf = XFS_POLICY_EXTD_BASE + 8;
    uint32_t ga = g->extd[8].a, ha = h->extd[8].a;

    if (!xfs_policy_leaf_is_listed(g, leaf, XFS_CPUID_NO_SUBLEAF) ||
        !xfs_policy_leaf_is_listed(h, leaf, XFS_CPUID_NO_SUBLEAF))
        return;     /* the max extended leaf check covers it */
    if ((ga & 0xff) > (ha & 0xff))
        add(s, XFS_COMPAT_MAXPHYSADDR, leaf, XFS_CPUID_NO_SUBLEAF, 0,
            ga & 0xff, ha & 0xff);
    if (((ga >> 8) & 0xff) > ((ha >> 8) & 0xff))
        add(s, XFS_COMPAT_MAXLINADDR, leaf, XFS_CPUID_NO_SUBLEAF, 0,
            (ga >> 8) & 0xff, (ha >> 8) & 0xff);
}

static uint64_t listed_xstates(const struct xfs_cpu_policy *p)
{
    if (!xfs_policy_leaf_is_listed(p, 0xd, 0))
        return 0;
    return xfs_policy_xcr0(p) | xfs_policy_xss(p);
}

static void check_xstate_components(const struct xfs_cpu_policy *h,
                                    const struct xfs_cpu_policy *g,
                                    struct sink *s)
{
    uint64_t gx = listed_xstates(g), hx = listed_xstates(h);
    uint64_t gxss = xfs_policy_xss(g);

    for (unsigned int i = 0; i < 64; i++) {
        const struct xfs_cpuid_regs *gc, *hc;

        if (!((gx >> i) & 1))
            continue;
        if (!((hx >> i) & 1)) {
            /* Components 0/1 and 63 have no subleaf of their own: name the
             * subleaf announcing them (0 for XCR0, 1 for XSS). */
            uint32_t where = i >= 2 && i < XFS_POLICY_NR_XSTATE
                                 ? i : (uint32_t)((gxss >> i) & 1);

            add(s, XFS_COMPAT_XSTATE_COMPONENT, 0xd, where, i, 1, 0);
            continue;
        }
        if (i < 2 || i >= XFS_POLICY_NR_XSTATE)
            continue;
        gc = &g->xstate[i];
        hc = &h->xstate[i];
        if (gc->a != hc->a || gc->b != hc->b)
            add(s, XFS_COMPAT_XSTATE_LAYOUT, 0xd, i, i,
                (uint64_t)gc->a << 32 | gc->b, (uint64_t)hc->a << 32 | hc->b);
    }
}

/* The guest sized its XSAVE buffers from 0xd:0 ecx; the host needs more? */
static void check_xsave_size(const struct xfs_cpu_policy *h,
                             const struct xfs_cpu_policy *g, struct sink *s)
{
    uint64_t gxcr0 = xfs_policy_xcr0(g) & listed_xstates(g);
    uint32_t need;

    if (!gxcr0 || !listed_xstates(h))
        return;
    need = xfs_xstate_uncompressed_size(h, gxcr0 & listed_xstates(h));
    if (g->xstate[0].c < need)
        add(s, XFS_COMPAT_XSAVE_SIZE, 0xd, 0, 0, g->xstate[0].c, need);
}

static void check_msrs(const struct xfs_cpu_policy *h,
                       const struct xfs_cpu_policy *g, struct sink *s)
{
    /* MSR_ARCH_CAPS is featureset words 16/17, checked as features. */
    if (g->platform_info & ~h->platform_info)
        add(s, XFS_COMPAT_MSR_BITS, XFS_MSR_INTEL_PLATFORM_INFO, 0,
            XFS_MSR_INTEL_PLATFORM_INFO, g->platform_info, h->platform_info);
}

unsigned int xfs_policy_check_compat(const struct xfs_cpu_policy *host,
                                     const struct xfs_cpu_policy *guest,
                                     struct xfs_compat_reason *out,
                                     unsigned int max)
{
    struct sink s = { out, out ? max : 0, 0 };

    check_vendor(host, guest, &s);
    check_max_leaves(host, guest, &s);
    check_features(host, guest, &s);
    check_addr_sizes(host, guest, &s);
    check_xstate_components(host, guest, &s);
    check_xsave_size(host, guest, &s);
    check_msrs(host, guest, &s);
    return s.n;
}
