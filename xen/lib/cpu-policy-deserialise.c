/* SPDX-License-Identifier: MIT */
/*
 * Serialised leaves/MSRs -> policy, two ways.
 *
 * Strict (xfs_policy_deserialise): refuse anything the policy could not
 * hold or would silently lose.  For what this project writes and reads
 * back (policy files, its own records).
 *
 * As Xen 4.17 does (xfs_policy_deserialise_as_xen): what
 * x86_cpuid_copy_from_buffer / x86_msr_copy_from_buffer and the
 * set_cpu_policy domctl do with a restored stream.  Refused, as Xen
 * refuses: too many entries (E2BIG), a leaf or subleaf the policy has no
 * slot for (ERANGE), MSR flags (EINVAL), an unknown MSR (ERANGE), an MSR
 * value wider than Xen keeps (EOVERFLOW).  Accepted and changed, each
 * reported through the note callback: a repeated entry (the last one
 * wins), a hypervisor max leaf with more than an 8-bit eax (Xen keeps
 * eax's low 8 bits and ignores ebx, ecx and edx), and a leaf past the
 * policy's own limits (Xen clears it).
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

/* How to take what Xen would take but change. */
struct mode {
    bool as_xen;
    xfs_policy_note_fn note;
    void *ctx;
};

/* In Xen's mode: report a change Xen makes; strict: refuse it. */
static int changed(const struct mode *m, struct xfs_policy_error *e,
                   struct xfs_policy_error *err)
{
    if (!m->as_xen) {
        if (err)
            *err = *e;
        return e->kind;
    }
    if (m->note)
        m->note(m->ctx, e);
    return 0;
}

/* Xen keeps only an 8-bit max leaf for its own leaves, nothing else. */
static int apply_hv_leaf(struct xfs_cpu_policy *p, uint32_t i,
                         const struct xfs_cpuid_leaf *l,
                         const struct mode *m, struct xfs_policy_error *err)
{
    if (l->subleaf != XFS_CPUID_NO_SUBLEAF)
        return fail_leaf(err, XFS_PERR_SUBLEAF_RANGE, i, l);
    if (l->a > 0xff || l->b || l->c || l->d) {
        struct xfs_policy_error e;
        int rc;

        fail_leaf(&e, XFS_PERR_HV_VALUE, i, l);
        rc = changed(m, &e, err);
        if (rc)
            return rc;
    }
    if (l->leaf == XFS_HV_LIMIT_LEAF)
        p->hv_limit = (uint8_t)l->a;
    else
        p->hv2_limit = (uint8_t)l->a;
    return 0;
}

static int apply_leaf(struct xfs_cpu_policy *p, uint32_t i,
                      const struct xfs_cpuid_leaf *l, const struct mode *m,
                      struct xfs_policy_error *err)
{
    enum xfs_slot_status why;
    struct xfs_cpuid_regs *r;

    if (is_hv_limit_leaf(l->leaf))
        return apply_hv_leaf(p, i, l, m, err);
    r = xfs_policy_slot(p, l->leaf, l->subleaf, &why);
    if (!r)
        return fail_leaf(err,
                         why == XFS_SLOT_BAD_LEAF ? XFS_PERR_LEAF_RANGE
                                                  : XFS_PERR_SUBLEAF_RANGE,
                         i, l);
    *r = (struct xfs_cpuid_regs){ l->a, l->b, l->c, l->d };
    return 0;
}

/* The latest earlier entry with the same key: the one a repeat replaces. */
static int check_duplicate_leaf(const struct xfs_cpuid_leaf *leaves,
                                uint32_t i, const struct mode *m,
                                struct xfs_policy_error *err)
{
    for (uint32_t j = i; j-- > 0;)
        if (leaves[j].leaf == leaves[i].leaf &&
            leaves[j].subleaf == leaves[i].subleaf) {
            struct xfs_policy_error e;

            fail_leaf(&e, XFS_PERR_DUPLICATE, i, &leaves[i]);
            e.first_index = j;
            return changed(m, &e, err);
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
                               const struct mode *m,
                               struct xfs_policy_error *err)
{
    for (uint32_t j = i; j-- > 0;)
        if (msrs[j].idx == msrs[i].idx) {
            struct xfs_policy_error e;

            fail_msr(&e, XFS_PERR_MSR_DUPLICATE, i, &msrs[i]);
            e.first_index = j;
            return changed(m, &e, err);
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

/* Is entry i the last one for its (leaf, subleaf)?  (The one that counts.) */
static bool last_of_its_key(const struct xfs_cpuid_leaf *leaves, uint32_t nr,
                            uint32_t i)
{
    for (uint32_t j = i + 1; j < nr; j++)
        if (leaves[j].leaf == leaves[i].leaf &&
            leaves[j].subleaf == leaves[i].subleaf)
            return false;
    return true;
}

/* Strict: an entry past the policy's own limits would be lost. */
static int check_listed(const struct xfs_cpu_policy *p,
                        const struct xfs_cpuid_leaf *leaves, uint32_t nr,
                        const struct mode *m, struct xfs_policy_error *err)
{
    for (uint32_t i = 0; i < nr; i++) {
        struct xfs_policy_error e;

        if (is_hv_limit_leaf(leaves[i].leaf) ||
            xfs_policy_leaf_is_listed(p, leaves[i].leaf, leaves[i].subleaf))
            continue;
        fail_leaf(&e, XFS_PERR_BEYOND_MAX, i, &leaves[i]);
        describe_limit(p, leaves[i].leaf, &e);
        return changed(m, &e, err);
    }
    return 0;
}

/* ---- Xen's clearing of what lies past the limits ---- */

static void zero_from(struct xfs_cpuid_regs *arr, uint32_t first, uint32_t n)
{
    for (uint32_t i = first; i < n; i++)
        arr[i] = (struct xfs_cpuid_regs){ 0, 0, 0, 0 };
}

/* Leaf 0x4 / 0xb: from the first subleaf whose type field is zero. */
static uint32_t first_typeless(const struct xfs_cpuid_regs *arr, uint32_t n,
                               bool (*is_null)(const struct xfs_cpuid_regs *))
{
    uint32_t i = 0;

    while (i < n && !is_null(&arr[i]))
        i++;
    return i;
}

static int highest_bit(uint64_t v)
{
    int b = -1;

    while (v) {
        b++;
        v >>= 1;
    }
    return b;
}

/*
 * What Xen 4.17's set_cpu_policy domctl clears after taking a toolstack's
 * leaves (x86_cpu_policy_clear_out_of_range_leaves), exactly: leaves past
 * the max leaf, leaf 0x4/0xb from their first typeless subleaf, leaf 7
 * past its max subleaf (a max of 0xffffffff wraps to clear them all, as in
 * Xen), leaf 0xd past its highest XCR0|XSS component (components below it
 * are kept, enabled or not), extended leaves past the max.
 */
static void clear_out_of_range_as_xen(struct xfs_cpu_policy *p)
{
    uint32_t max = p->basic[0].a, first;
    uint64_t xstates = xfs_policy_xcr0(p) | xfs_policy_xss(p);

    zero_from(p->basic, max < XFS_POLICY_NR_BASIC ? max + 1
                                                  : XFS_POLICY_NR_BASIC,
              XFS_POLICY_NR_BASIC);
    first = max < 0x4 ? 0 : first_typeless(p->cache, XFS_POLICY_NR_CACHE,
                                           xfs_cache_subleaf_null);
    zero_from(p->cache, first, XFS_POLICY_NR_CACHE);
    zero_from(p->feat, max < 0x7 ? 0 : p->feat[0].a + 1u, XFS_POLICY_NR_FEAT);
    first = max < 0xb ? 0 : first_typeless(p->topo, XFS_POLICY_NR_TOPO,
                                           xfs_topo_subleaf_null);
    zero_from(p->topo, first, XFS_POLICY_NR_TOPO);
    if (max < 0xd || !xstates) {
        zero_from(p->xstate, 0, XFS_POLICY_NR_XSTATE);
    } else {
        first = (uint32_t)highest_bit(xstates) + 1;
        zero_from(p->xstate, first < 2 ? 2 : first, XFS_POLICY_NR_XSTATE);
    }
    zero_from(p->extd, (p->extd[0].a & 0xffff) + 1, XFS_POLICY_NR_EXTD);
}

/*
 * Xen's way: clear as the domctl does, then report every entry whose
 * value did not survive (once per (leaf, subleaf), at its last entry).
 */
static void report_cleared(struct xfs_cpu_policy *p,
                           const struct xfs_cpuid_leaf *leaves, uint32_t nr,
                           const struct mode *m)
{
    clear_out_of_range_as_xen(p);
    for (uint32_t i = 0; i < nr; i++) {
        const struct xfs_cpuid_leaf *l = &leaves[i];
        const struct xfs_cpuid_regs *r;
        struct xfs_policy_error e;

        if (is_hv_limit_leaf(l->leaf) || !last_of_its_key(leaves, nr, i))
            continue;
        r = xfs_policy_slot_c(p, l->leaf, l->subleaf);
        if (r && r->a == l->a && r->b == l->b && r->c == l->c &&
            r->d == l->d)
            continue;
        fail_leaf(&e, XFS_PERR_BEYOND_MAX, i, l);
        describe_limit(p, l->leaf, &e);
        changed(m, &e, NULL);
    }
}

static int apply_all(struct xfs_cpu_policy *p,
                     const struct xfs_cpuid_leaf *leaves, uint32_t nr_leaves,
                     const struct xfs_msr_entry *msrs, uint32_t nr_msrs,
                     const struct mode *m, struct xfs_policy_error *err)
{
    int rc;

    /* In Xen's order: all the leaves, then all the MSRs. */
    if (nr_leaves > XFS_POLICY_MAX_LEAVES)
        return too_many(err, XFS_PERR_TOO_MANY, nr_leaves,
                        XFS_POLICY_MAX_LEAVES);
    for (uint32_t i = 0; i < nr_leaves; i++)
        if ((rc = apply_leaf(p, i, &leaves[i], m, err)) ||
            (rc = check_duplicate_leaf(leaves, i, m, err)))
            return rc;
    if (nr_msrs > XFS_POLICY_MAX_MSRS)
        return too_many(err, XFS_PERR_MSR_TOO_MANY, nr_msrs,
                        XFS_POLICY_MAX_MSRS);
    for (uint32_t i = 0; i < nr_msrs; i++)
        if ((rc = apply_msr(p, i, &msrs[i], err)) ||
            (rc = check_duplicate_msr(msrs, i, m, err)))
            return rc;
    xfs_policy_recalc(p);
    /* Only now are the max leaves and xstate components known. */
    if (m->as_xen) {
        report_cleared(p, leaves, nr_leaves, m);
        return 0;
    }
    return check_listed(p, leaves, nr_leaves, m, err);
}

static int deserialise(struct xfs_cpu_policy *p,
                       const struct xfs_cpuid_leaf *leaves,
                       uint32_t nr_leaves, const struct xfs_msr_entry *msrs,
                       uint32_t nr_msrs, const struct mode *m,
                       struct xfs_policy_error *err)
{
    struct xfs_cpu_policy scratch;
    int rc;

    xfs_policy_copy(&scratch, p);
    rc = apply_all(&scratch, leaves, nr_leaves, msrs, nr_msrs, m, err);
    if (rc)
        return rc;
    xfs_policy_copy(p, &scratch);
    xfs_policy_error_init(err, XFS_PERR_OK);
    return 0;
}

int xfs_policy_deserialise(struct xfs_cpu_policy *p,
                           const struct xfs_cpuid_leaf *leaves,
                           uint32_t nr_leaves,
                           const struct xfs_msr_entry *msrs, uint32_t nr_msrs,
                           struct xfs_policy_error *err)
{
    const struct mode strict = { false, NULL, NULL };

    return deserialise(p, leaves, nr_leaves, msrs, nr_msrs, &strict, err);
}

int xfs_policy_deserialise_as_xen(struct xfs_cpu_policy *p,
                                  const struct xfs_cpuid_leaf *leaves,
                                  uint32_t nr_leaves,
                                  const struct xfs_msr_entry *msrs,
                                  uint32_t nr_msrs, xfs_policy_note_fn note,
                                  void *ctx, struct xfs_policy_error *err)
{
    const struct mode xen = { true, note, ctx };

    return deserialise(p, leaves, nr_leaves, msrs, nr_msrs, &xen, err);
}
