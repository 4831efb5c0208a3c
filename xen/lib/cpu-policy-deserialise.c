/* SPDX-License-Identifier: MIT */
/*
 * Serialised leaves/MSRs -> policy, refusing anything the policy could not
 * hold or would silently lose.  Stricter than Xen's own
 * x86_cpuid_copy_from_buffer, which accepts duplicates (last one wins) and
 * leaves past the max leaf (kept, but never serialised or seen again).
 */
#include "cpu-policy.h"

static int fail_leaf(struct xfs_policy_error *err, enum xfs_policy_err kind,
                     uint32_t index, const struct xfs_cpuid_leaf *l)
{
    xfs_policy_error_init(err, kind);
    if (err) {
        err->index = index;
        err->leaf = *l;
    }
    return kind;
}

static int fail_msr(struct xfs_policy_error *err, enum xfs_policy_err kind,
                    uint32_t index, const struct xfs_msr_entry *m)
{
    xfs_policy_error_init(err, kind);
    if (err) {
        err->index = index;
        err->msr = *m;
    }
    return kind;
}

static int too_many(struct xfs_policy_error *err, enum xfs_policy_err kind,
                    uint32_t nr, uint32_t max)
{
    xfs_policy_error_init(err, kind);
    if (err) {
        err->nr = nr;
        err->max = max;
    }
    return kind;
}

static bool is_hv_limit_leaf(uint32_t leaf)
{
    return leaf == XFS_HV_LIMIT_LEAF || leaf == XFS_HV2_LIMIT_LEAF;
}

/* Xen keeps only an 8-bit max leaf for its own leaves, nothing else. */
static int apply_hv_leaf(struct xfs_cpu_policy *p, uint32_t i,
                         const struct xfs_cpuid_leaf *l,
                         struct xfs_policy_error *err)
{
    if (l->subleaf != XFS_CPUID_NO_SUBLEAF)
        return fail_leaf(err, XFS_PERR_SUBLEAF_RANGE, i, l);
    if (l->a > 0xff || l->b || l->c || l->d)
        return fail_leaf(err, XFS_PERR_HV_VALUE, i, l);
    if (l->leaf == XFS_HV_LIMIT_LEAF)
        p->hv_limit = (uint8_t)l->a;
    else
        p->hv2_limit = (uint8_t)l->a;
    return 0;
}

static int apply_leaf(struct xfs_cpu_policy *p, uint32_t i,
                      const struct xfs_cpuid_leaf *l,
                      struct xfs_policy_error *err)
{
    enum xfs_slot_status why;
    struct xfs_cpuid_regs *r;

    if (is_hv_limit_leaf(l->leaf))
        return apply_hv_leaf(p, i, l, err);
    r = xfs_policy_slot(p, l->leaf, l->subleaf, &why);
    if (!r)
        return fail_leaf(err,
                         why == XFS_SLOT_BAD_LEAF ? XFS_PERR_LEAF_RANGE
                                                  : XFS_PERR_SUBLEAF_RANGE,
                         i, l);
    *r = (struct xfs_cpuid_regs){ l->a, l->b, l->c, l->d };
    return 0;
}

static int check_duplicate_leaf(const struct xfs_cpuid_leaf *leaves,
                                uint32_t i, struct xfs_policy_error *err)
{
    for (uint32_t j = 0; j < i; j++)
        if (leaves[j].leaf == leaves[i].leaf &&
            leaves[j].subleaf == leaves[i].subleaf) {
            fail_leaf(err, XFS_PERR_DUPLICATE, i, &leaves[i]);
            if (err)
                err->first_index = j;
            return XFS_PERR_DUPLICATE;
        }
    return 0;
}

static int apply_msr(struct xfs_cpu_policy *p, uint32_t i,
                     const struct xfs_msr_entry *m,
                     struct xfs_policy_error *err)
{
    if (m->flags)
        return fail_msr(err, XFS_PERR_MSR_FLAGS, i, m);
    switch (m->idx) {
    case XFS_MSR_INTEL_PLATFORM_INFO:
        if (m->val > 0xffffffffull)
            return fail_msr(err, XFS_PERR_MSR_VALUE, i, m);
        p->platform_info = (uint32_t)m->val;
        return 0;
    case XFS_MSR_ARCH_CAPABILITIES_IDX:
        p->arch_caps = m->val;
        return 0;
    default:
        return fail_msr(err, XFS_PERR_MSR_UNKNOWN, i, m);
    }
}

static int check_duplicate_msr(const struct xfs_msr_entry *msrs, uint32_t i,
                               struct xfs_policy_error *err)
{
    for (uint32_t j = 0; j < i; j++)
        if (msrs[j].idx == msrs[i].idx) {
            fail_msr(err, XFS_PERR_MSR_DUPLICATE, i, &msrs[i]);
            if (err)
                err->first_index = j;
            return XFS_PERR_MSR_DUPLICATE;
        }
    return 0;
}

/* Index of the null subleaf ending leaf 0x4 or 0xb, or the array size. */
static uint32_t null_subleaf(const struct xfs_cpu_policy *p, uint32_t leaf)
{
    const struct xfs_cpuid_regs *arr = leaf == 0x4 ? p->cache : p->topo;
    uint32_t n = leaf == 0x4 ? XFS_POLICY_NR_CACHE : XFS_POLICY_NR_TOPO;

    for (uint32_t s = 0; s < n; s++)
        if (leaf == 0x4 ? xfs_cache_subleaf_null(&arr[s])
                        : xfs_topo_subleaf_null(&arr[s]))
            return s;
    return n;
}

/* Say which of the policy's limits an unlisted leaf is past. */
static void describe_limit(const struct xfs_cpu_policy *p, uint32_t leaf,
                           struct xfs_policy_error *err)
{
    if (leaf >= XFS_POLICY_EXTD_BASE) {
        err->limit_kind = XFS_LIMIT_MAX_EXTD;
        err->limit = xfs_policy_max_extd_leaf(p);
    } else if (leaf > xfs_policy_max_leaf(p)) {
        err->limit_kind = XFS_LIMIT_MAX_LEAF;
        err->limit = xfs_policy_max_leaf(p);
    } else if (leaf == 0x7) {
        err->limit_kind = XFS_LIMIT_MAX_SUBLEAF;
        err->limit = xfs_policy_max_feat_subleaf(p);
    } else if (leaf == 0xd) {
        err->limit_kind = XFS_LIMIT_XSTATE;
        err->limit = xfs_policy_xcr0(p) | xfs_policy_xss(p);
    } else {
        err->limit_kind = XFS_LIMIT_NULL_SUBLEAF;
        err->limit = null_subleaf(p, leaf);
    }
}

static int check_listed(const struct xfs_cpu_policy *p,
                        const struct xfs_cpuid_leaf *leaves, uint32_t nr,
                        struct xfs_policy_error *err)
{
    for (uint32_t i = 0; i < nr; i++) {
        if (xfs_policy_leaf_is_listed(p, leaves[i].leaf, leaves[i].subleaf))
            continue;
        fail_leaf(err, XFS_PERR_BEYOND_MAX, i, &leaves[i]);
        if (err)
            describe_limit(p, leaves[i].leaf, err);
        return XFS_PERR_BEYOND_MAX;
    }
    return 0;
}

static int apply_all(struct xfs_cpu_policy *p,
                     const struct xfs_cpuid_leaf *leaves, uint32_t nr_leaves,
                     const struct xfs_msr_entry *msrs, uint32_t nr_msrs,
                     struct xfs_policy_error *err)
{
    int rc;

    if (nr_leaves > XFS_POLICY_MAX_LEAVES)
        return too_many(err, XFS_PERR_TOO_MANY, nr_leaves,
                        XFS_POLICY_MAX_LEAVES);
    if (nr_msrs > XFS_POLICY_MAX_MSRS)
        return too_many(err, XFS_PERR_MSR_TOO_MANY, nr_msrs,
                        XFS_POLICY_MAX_MSRS);
    for (uint32_t i = 0; i < nr_leaves; i++)
        if ((rc = apply_leaf(p, i, &leaves[i], err)) ||
            (rc = check_duplicate_leaf(leaves, i, err)))
            return rc;
    for (uint32_t i = 0; i < nr_msrs; i++)
        if ((rc = apply_msr(p, i, &msrs[i], err)) ||
            (rc = check_duplicate_msr(msrs, i, err)))
            return rc;
    xfs_policy_recalc(p);
    /* Only now are the max leaves and xstate components known. */
    return check_listed(p, leaves, nr_leaves, err);
}

int xfs_policy_deserialise(struct xfs_cpu_policy *p,
                           const struct xfs_cpuid_leaf *leaves,
                           uint32_t nr_leaves,
                           const struct xfs_msr_entry *msrs, uint32_t nr_msrs,
                           struct xfs_policy_error *err)
{
    struct xfs_cpu_policy scratch;
    int rc;

    xfs_policy_copy(&scratch, p);
    rc = apply_all(&scratch, leaves, nr_leaves, msrs, nr_msrs, err);
    if (rc)
        return rc;
    xfs_policy_copy(p, &scratch);
    xfs_policy_error_init(err, XFS_PERR_OK);
    return 0;
}
