/* SPDX-License-Identifier: MIT */
/*
 * Policy <-> Xen's serialised form: arrays of xen_cpuid_leaf_t and
 * xen_msr_entry_t, as carried by the domctl/sysctl policy calls and the
 * X86_CPUID_POLICY / X86_MSR_POLICY migration records.
 */
#include "cpu-policy.h"

#define NR_OF(a) (sizeof(a) / sizeof((a)[0]))

static int visit_terminated(const struct xfs_cpuid_regs *arr, unsigned int n,
                            uint32_t leaf,
                            bool (*is_null)(const struct xfs_cpuid_regs *),
                            xfs_leaf_visit_fn fn, void *ctx)
{
    for (unsigned int s = 0; s < n; s++) {
        int rc = fn(ctx, leaf, s, &arr[s]);

        if (rc || is_null(&arr[s]))
            return rc;
    }
    return 0;
}

static int visit_feat(const struct xfs_cpu_policy *p, xfs_leaf_visit_fn fn,
                      void *ctx)
{
    uint32_t last = xfs_policy_max_feat_subleaf(p);

    if (last > NR_OF(p->feat) - 1)
        last = NR_OF(p->feat) - 1;
    for (uint32_t s = 0; s <= last; s++) {
        int rc = fn(ctx, 0x7, s, &p->feat[s]);

        if (rc)
            return rc;
    }
    return 0;
}

/* Subleaves 0 and 1 always; then every one up to the highest component. */
static int visit_xstate(const struct xfs_cpu_policy *p, xfs_leaf_visit_fn fn,
                        void *ctx)
{
    uint64_t rest = (xfs_policy_xcr0(p) | xfs_policy_xss(p)) >> 2;
    int rc = fn(ctx, 0xd, 0, &p->xstate[0]);

    if (!rc)
        rc = fn(ctx, 0xd, 1, &p->xstate[1]);
    for (uint32_t s = 2; !rc && rest && s < NR_OF(p->xstate); s++, rest >>= 1)
        rc = fn(ctx, 0xd, s, &p->xstate[s]);
    return rc;
}

static int visit_basic(const struct xfs_cpu_policy *p, uint32_t leaf,
                       xfs_leaf_visit_fn fn, void *ctx)
{
    switch (leaf) {
    case 0x4:
        return visit_terminated(p->cache, NR_OF(p->cache), leaf,
                                xfs_cache_subleaf_null, fn, ctx);
    case 0x7:
        return visit_feat(p, fn, ctx);
    case 0xb:
        return visit_terminated(p->topo, NR_OF(p->topo), leaf,
                                xfs_topo_subleaf_null, fn, ctx);
    case 0xd:
        return visit_xstate(p, fn, ctx);
    default:
        return fn(ctx, leaf, XFS_CPUID_NO_SUBLEAF, &p->basic[leaf]);
    }
}

int xfs_policy_for_each_leaf(const struct xfs_cpu_policy *p,
                             xfs_leaf_visit_fn fn, void *ctx)
{
    uint32_t last = xfs_policy_max_leaf(p);
    struct xfs_cpuid_regs hv = { p->hv_limit, 0, 0, 0 };
    struct xfs_cpuid_regs hv2 = { p->hv2_limit, 0, 0, 0 };
    int rc = 0;

    if (last > NR_OF(p->basic) - 1)
        last = NR_OF(p->basic) - 1;
    for (uint32_t leaf = 0; !rc && leaf <= last; leaf++)
        rc = visit_basic(p, leaf, fn, ctx);
    if (!rc)
        rc = fn(ctx, XFS_HV_LIMIT_LEAF, XFS_CPUID_NO_SUBLEAF, &hv);
    if (!rc)
        rc = fn(ctx, XFS_HV2_LIMIT_LEAF, XFS_CPUID_NO_SUBLEAF, &hv2);
    for (unsigned int i = 0; !rc && i <= xfs_policy_last_extd(p); i++)
        rc = fn(ctx, XFS_POLICY_EXTD_BASE + i, XFS_CPUID_NO_SUBLEAF,
                &p->extd[i]);
    return rc;
}

struct find_ctx {
    uint32_t leaf, subleaf;
};

static int find_visit(void *ctx, uint32_t leaf, uint32_t subleaf,
                      const struct xfs_cpuid_regs *r)
{
    const struct find_ctx *f = ctx;

    (void)r;
    return leaf == f->leaf && subleaf == f->subleaf;
}

bool xfs_policy_leaf_is_listed(const struct xfs_cpu_policy *p, uint32_t leaf,
                               uint32_t subleaf)
{
    struct find_ctx f = { leaf, subleaf };

    return xfs_policy_for_each_leaf(p, find_visit, &f) != 0;
}

/* ---- serialising ---- */

void xfs_policy_error_init(struct xfs_policy_error *err,
                           enum xfs_policy_err k)
{
    if (!err)
        return;
    err->kind = k;
    err->index = err->first_index = err->nr = err->max = 0;
    err->limit_kind = XFS_LIMIT_MAX_LEAF;
    err->limit = 0;
    err->leaf = (struct xfs_cpuid_leaf){ 0, 0, 0, 0, 0, 0 };
    err->msr = (struct xfs_msr_entry){ 0, 0, 0 };
}

struct out_ctx {
    struct xfs_cpuid_leaf *leaves;
    uint32_t room, count;
};

static int out_visit(void *ctx, uint32_t leaf, uint32_t subleaf,
                     const struct xfs_cpuid_regs *r)
{
    struct out_ctx *o = ctx;

    if (o->count < o->room)
        o->leaves[o->count] =
            (struct xfs_cpuid_leaf){ leaf, subleaf, r->a, r->b, r->c, r->d };
    o->count++;
    return 0;
}

static int nobufs(struct xfs_policy_error *err, uint32_t needed,
                  uint32_t room)
{
    xfs_policy_error_init(err, XFS_PERR_NOBUFS);
    if (err) {
        err->nr = needed;
        err->max = room;
    }
    return XFS_PERR_NOBUFS;
}

int xfs_policy_serialise_leaves(const struct xfs_cpu_policy *p,
                                struct xfs_cpuid_leaf *leaves, uint32_t *nr,
                                struct xfs_policy_error *err)
{
    struct out_ctx o = { leaves, *nr, 0 };

    xfs_policy_for_each_leaf(p, out_visit, &o);
    *nr = o.count;
    if (o.count > o.room)
        return nobufs(err, o.count, o.room);
    xfs_policy_error_init(err, XFS_PERR_OK);
    return 0;
}

int xfs_policy_serialise_msrs(const struct xfs_cpu_policy *p,
                              struct xfs_msr_entry *msrs, uint32_t *nr,
                              struct xfs_policy_error *err)
{
    uint32_t room = *nr;

    *nr = XFS_POLICY_MAX_MSRS;
    if (room < XFS_POLICY_MAX_MSRS)
        return nobufs(err, XFS_POLICY_MAX_MSRS, room);
    msrs[0] = (struct xfs_msr_entry){ XFS_MSR_INTEL_PLATFORM_INFO, 0,
                                      p->platform_info };
    msrs[1] = (struct xfs_msr_entry){ XFS_MSR_ARCH_CAPABILITIES_IDX, 0,
                                      p->arch_caps };
    xfs_policy_error_init(err, XFS_PERR_OK);
    return 0;
}
