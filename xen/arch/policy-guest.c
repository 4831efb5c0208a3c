/* SPDX-License-Identifier: MIT */
/*
 * CPU policies to and from guest arrays, as Xen 4.17's policy sysctl and
 * domctls move them (policy-guest.h).
 */
#include "policy-guest.h"

#define NO_SUBLEAF XFS_CPUID_NO_SUBLEAF

struct put_ctx {
    const struct xfs_guest_access *g;
    uint64_t gaddr;
    uint32_t room, done;
};

/* One serialised leaf: out of room, or written (or faulted). */
static int put_leaf(void *ctx, uint32_t leaf, uint32_t subleaf,
                    const struct xfs_cpuid_regs *r)
{
    struct put_ctx *c = ctx;
    struct xfs_cpuid_leaf e = { leaf, subleaf, r->a, r->b, r->c, r->d };

    if (c->done == c->room)
        return -XFS_ENOBUFS;
    if (c->g->to_guest(c->g->ctx, c->gaddr + (uint64_t)c->done * sizeof(e),
                       &e, sizeof(e)))
        return -XFS_EFAULT;
    c->done++;
    return 0;
}

int xfs_guest_put_leaves(const struct xfs_cpu_policy *p,
                         const struct xfs_guest_access *g, uint64_t gaddr,
                         uint32_t *nr)
{
    struct put_ctx c = { g, gaddr, *nr, 0 };
    int rc = xfs_policy_for_each_leaf(p, put_leaf, &c);

    if (!rc)
        *nr = c.done;
    return rc;
}

int xfs_guest_put_msrs(const struct xfs_cpu_policy *p,
                       const struct xfs_guest_access *g, uint64_t gaddr,
                       uint32_t *nr)
{
    struct xfs_msr_entry all[XFS_POLICY_MAX_MSRS];
    uint32_t n = XFS_POLICY_MAX_MSRS;

    xfs_policy_serialise_msrs(p, all, &n, NULL);
    for (uint32_t i = 0; i < n; i++) {
        if (i == *nr)
            return -XFS_ENOBUFS;
        if (g->to_guest(g->ctx, gaddr + (uint64_t)i * sizeof(all[i]),
                        &all[i], sizeof(all[i])))
            return -XFS_EFAULT;
    }
    *nr = n;
    return 0;
}

/* Where Xen stores one entry; NULL when it has no room for it. */
static struct xfs_cpuid_regs *slot_of(struct xfs_cpu_policy *p,
                                      const struct xfs_cpuid_leaf *l)
{
    return xfs_policy_slot(p, l->leaf, l->subleaf, NULL);
}

static int merge_leaves(struct xfs_cpu_policy *p,
                        const struct xfs_guest_access *g, uint64_t gaddr,
                        uint32_t nr, struct xfs_set_policy_err *err)
{
    struct xfs_cpuid_leaf l;

    if (nr > XFS_POLICY_MAX_LEAVES)
        return -XFS_E2BIG;
    for (uint32_t i = 0; i < nr; i++) {
        struct xfs_cpuid_regs *r;

        if (g->from_guest(g->ctx, &l, gaddr + (uint64_t)i * sizeof(l),
                          sizeof(l)))
            return -XFS_EFAULT;
        if ((l.leaf == XFS_HV_LIMIT_LEAF || l.leaf == XFS_HV2_LIMIT_LEAF) &&
            l.subleaf == NO_SUBLEAF) {
            /* Xen keeps 8 bits of these and ignores the rest. */
            if (l.leaf == XFS_HV_LIMIT_LEAF)
                p->hv_limit = (uint8_t)l.a;
            else
                p->hv2_limit = (uint8_t)l.a;
            continue;
        }
        r = slot_of(p, &l);
        if (!r) {
            err->leaf = l.leaf;
            err->subleaf = l.subleaf;
            return -XFS_ERANGE;
        }
        r->a = l.a, r->b = l.b, r->c = l.c, r->d = l.d;
    }
    xfs_policy_recalc(p);
    return 0;
}

static int merge_msrs(struct xfs_cpu_policy *p,
                      const struct xfs_guest_access *g, uint64_t gaddr,
                      uint32_t nr, struct xfs_set_policy_err *err)
{
    struct xfs_msr_entry m;
    int rc;

    if (nr > XFS_POLICY_MAX_MSRS)
        return -XFS_E2BIG;
    for (uint32_t i = 0; i < nr; i++) {
        if (g->from_guest(g->ctx, &m, gaddr + (uint64_t)i * sizeof(m),
                          sizeof(m)))
            return -XFS_EFAULT;
        rc = 0;
        if (m.flags)
            rc = -XFS_EINVAL;
        else if (m.idx == XFS_MSR_INTEL_PLATFORM_INFO && m.val >> 32)
            rc = -XFS_EOVERFLOW;    /* Xen keeps 32 bits of it */
        else if (m.idx == XFS_MSR_INTEL_PLATFORM_INFO)
            p->platform_info = (uint32_t)m.val;
        else if (m.idx == XFS_MSR_ARCH_CAPABILITIES_IDX)
            p->arch_caps = m.val;
        else
            rc = -XFS_ERANGE;
        if (rc) {
            err->msr = m.idx;
            return rc;
        }
    }
    return 0;
}

/* x86_cpu_policies_are_compatible() as of 4.17: limits and PLATFORM_INFO. */
static int audit(const struct xfs_cpu_policy *max,
                 const struct xfs_cpu_policy *p,
                 struct xfs_set_policy_err *err)
{
    if (xfs_policy_max_leaf(p) > xfs_policy_max_leaf(max))
        err->leaf = 0, err->subleaf = NO_SUBLEAF;
    else if (xfs_policy_max_feat_subleaf(p) >
             xfs_policy_max_feat_subleaf(max))
        err->leaf = 7, err->subleaf = 0;
    else if (xfs_policy_max_extd_leaf(p) > xfs_policy_max_extd_leaf(max))
        err->leaf = 0x80000000u, err->subleaf = NO_SUBLEAF;
    else if (p->platform_info & ~max->platform_info)
        err->msr = XFS_MSR_INTEL_PLATFORM_INFO;
    else
        return 0;
    return -XFS_EINVAL;
}

int xfs_domain_set_policy(struct xfs_cpu_policy *cur,
                          const struct xfs_cpu_policy *max,
                          const struct xfs_cpu_policy *host,
                          const struct xfs_domain_opts *o,
                          const struct xfs_guest_access *g,
                          uint64_t leaves, uint32_t nr_leaves,
                          uint64_t msrs, uint32_t nr_msrs,
                          struct xfs_set_policy_err *err)
{
    struct xfs_cpu_policy next;
    int rc;

    err->leaf = err->subleaf = err->msr = ~0u;
    xfs_policy_copy(&next, cur);
    rc = merge_leaves(&next, g, leaves, nr_leaves, err);
    if (!rc)
        rc = merge_msrs(&next, g, msrs, nr_msrs, err);
    if (rc)
        return rc;
    xfs_policy_clear_unlisted(&next);
    rc = audit(max, &next, err);
    if (rc)
        return rc;
    xfs_policy_recalc_domain(&next, max, host, o);
    xfs_policy_copy(cur, &next);
    return 0;
}
