/* SPDX-License-Identifier: MIT */
/*
 * Levelling full CPU policies (see level-policy.h for the rules).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../xen/arch/policy-derive.h"
#include "level-policy.h"

static uint32_t min_u32(uint32_t a, uint32_t b)
{
    return a < b ? a : b;
}

/*
 * Components whose size or offset is not the same on every host -- or
 * unknown on some (a dump without that subleaf of leaf 0xd).
 */
static uint64_t layout_mismatch(const struct xfs_cpu_policy *const *hosts,
                                size_t n, const struct xfs_cpu_policy *layout,
                                uint64_t components)
{
    uint64_t bad = 0;

    for (unsigned int i = 2; i < XFS_POLICY_NR_XSTATE && i < 64; i++) {
        if (!((components >> i) & 1))
            continue;
        for (size_t h = 0; h < n; h++)
            if (hosts[h]->xstate[i].a != layout->xstate[i].a ||
                hosts[h]->xstate[i].b != layout->xstate[i].b)
                bad |= 1ull << i;
    }
    return bad;
}

/* Each component's layout from the first host that states one. */
static void gather_layout(const struct xfs_cpu_policy *const *hosts, size_t n,
                          struct xfs_cpu_policy *layout)
{
    xfs_policy_copy(layout, hosts[0]);
    for (unsigned int i = 2; i < XFS_POLICY_NR_XSTATE; i++)
        for (size_t h = 0; h < n && !layout->xstate[i].a; h++)
            layout->xstate[i] = hosts[h]->xstate[i];
}

/* The smallest of each limit: leaves, leaf 7 subleaves, address widths. */
static void level_limits(const struct xfs_cpu_policy *const *hosts, size_t n,
                         struct xfs_cpu_policy *out)
{
    uint32_t basic = ~0u, feat = ~0u, extd = ~0u, phys = ~0u, lin = ~0u;

    for (size_t h = 0; h < n; h++) {
        const struct xfs_cpu_policy *p = hosts[h];
        uint32_t e8 = xfs_policy_max_extd_leaf(p) >= 0x80000008u
                          ? p->extd[8].a : 0;

        basic = min_u32(basic, xfs_policy_max_leaf(p));
        feat = min_u32(feat, xfs_policy_max_feat_subleaf(p));
        extd = min_u32(extd, xfs_policy_max_extd_leaf(p));
        phys = min_u32(phys, e8 & 0xff);
        lin = min_u32(lin, (e8 >> 8) & 0xff);
    }
    out->basic[0].a = basic;
    out->feat[0].a = feat;
    out->extd[0].a = extd;
    if (extd >= 0x80000008u)
        out->extd[8].a = (out->extd[8].a & ~0xffffu) | phys | lin << 8;
}

int xlc_level_policies(const struct xfs_cpu_policy *const *hosts, size_t n,
                       const uint32_t level[XFS_NR_WORDS],
                       struct xfs_cpu_policy *out, uint64_t *layout_differs,
                       xlc_error *err)
{
    struct xfs_cpu_policy *layout;

    if (!n)
        return xlc_fail(err, EINVAL, "policy level: no hosts");
    for (size_t h = 1; h < n; h++)
        if (hosts[h]->vendor != hosts[0]->vendor)
            return xlc_fail(err, EINVAL, "policy level: vendors differ (%s, "
                            "%s): a guest sees one",
                            xfs_vendor_name(hosts[0]->vendor),
                            xfs_vendor_name(hosts[h]->vendor));
    xfs_policy_copy(out, hosts[0]);
    if (xfs_policy_from_featureset(out, level, XFS_NR_WORDS))
        return xlc_fail(err, EINVAL, "policy level: the featureset has bits "
                        "a policy cannot hold");
    level_limits(hosts, n, out);
    /* Leaf 0xd from the levelled features, in the hosts' layout. */
    layout = malloc(sizeof(*layout));
    if (!layout)
        return xlc_fail(err, ENOMEM, "out of memory");
    gather_layout(hosts, n, layout);
    xfs_policy_recalc_xstate(out, layout);
    *layout_differs = layout_mismatch(
        hosts, n, layout, xfs_policy_xcr0(out) | xfs_policy_xss(out));
    free(layout);
    xfs_policy_clear_unlisted(out);
    xfs_policy_recalc(out);
    return 0;
}
