/* SPDX-License-Identifier: MIT */
/*
 * Serialised policies in the toolstack: the freestanding core does the
 * work and names the offending entry; this turns that into a message.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "cpu-policy.h"

static void put_leaf(struct xlc_buf *b, const struct xfs_cpuid_leaf *l)
{
    xlc_buf_printf(b, "CPUID leaf 0x%08" PRIx32, l->leaf);
    if (l->subleaf != XFS_CPUID_NO_SUBLEAF)
        xlc_buf_printf(b, " subleaf %" PRIu32, l->subleaf);
}

/* What a leaf's subleaves may be, for the range message. */
static void put_subleaf_rule(struct xlc_buf *b, uint32_t leaf)
{
    static const struct {
        uint32_t leaf, nr;
    } arrays[] = {
        { 0x4, XFS_POLICY_NR_CACHE },
        { 0x7, XFS_POLICY_NR_FEAT },
        { 0xb, XFS_POLICY_NR_TOPO },
        { 0xd, XFS_POLICY_NR_XSTATE },
    };

    for (size_t i = 0; i < sizeof(arrays) / sizeof(arrays[0]); i++)
        if (arrays[i].leaf == leaf) {
            xlc_buf_printf(b, "leaf 0x%" PRIx32 " takes subleaves 0-%" PRIu32,
                           leaf, arrays[i].nr - 1);
            return;
        }
    xlc_buf_printf(b, "leaf 0x%" PRIx32 " takes no subleaf (0x%08x)", leaf,
                   XFS_CPUID_NO_SUBLEAF);
}

void xlc_policy_limit_text(const struct xfs_policy_error *e,
                           struct xlc_buf *b)
{
    switch (e->limit_kind) {
    case XFS_LIMIT_MAX_LEAF:
        xlc_buf_printf(b, "past the policy's max basic leaf 0x%" PRIx64,
                       e->limit);
        break;
    case XFS_LIMIT_MAX_SUBLEAF:
        xlc_buf_printf(b, "past leaf 7's max subleaf %" PRIu64, e->limit);
        break;
    case XFS_LIMIT_NULL_SUBLEAF:
        xlc_buf_printf(b, "after subleaf %" PRIu64
                          ", the null subleaf that ends the leaf",
                       e->limit);
        break;
    case XFS_LIMIT_XSTATE:
        xlc_buf_printf(b, "past the highest XSAVE component in XCR0|XSS "
                          "0x%" PRIx64, e->limit);
        break;
    case XFS_LIMIT_MAX_EXTD:
        xlc_buf_printf(b, "past the policy's max extended leaf 0x%08" PRIx64,
                       e->limit);
        break;
    }
}

static void put_limit(struct xlc_buf *b, const struct xfs_policy_error *e)
{
    xlc_policy_limit_text(e, b);
    xlc_buf_puts(b, "; it would be silently lost");
}

static void put_leaf_error(struct xlc_buf *b, const struct xfs_policy_error *e)
{
    put_leaf(b, &e->leaf);
    xlc_buf_printf(b, " (entry %" PRIu32 "): ", e->index);
    switch (e->kind) {
    case XFS_PERR_LEAF_RANGE:
        xlc_buf_printf(b, "not a leaf a policy holds (0x0-0x%x, 0x%08x, "
                          "0x%08x, 0x%08x-0x%08x)",
                       XFS_POLICY_NR_BASIC - 1, XFS_HV_LIMIT_LEAF,
                       XFS_HV2_LIMIT_LEAF, XFS_POLICY_EXTD_BASE,
                       XFS_POLICY_EXTD_BASE + XFS_POLICY_NR_EXTD - 1);
        break;
    case XFS_PERR_SUBLEAF_RANGE:
        xlc_buf_printf(b, "subleaf 0x%08" PRIx32 " out of range: ",
                       e->leaf.subleaf);
        put_subleaf_rule(b, e->leaf.leaf);
        break;
    case XFS_PERR_DUPLICATE:
        xlc_buf_printf(b, "duplicate of entry %" PRIu32, e->first_index);
        break;
    case XFS_PERR_BEYOND_MAX:
        put_limit(b, e);
        break;
    case XFS_PERR_HV_VALUE:
        xlc_buf_printf(b, "hypervisor max leaf must be eax 0-0xff with "
                          "ebx/ecx/edx zero, got %08" PRIx32 ":%08" PRIx32
                          ":%08" PRIx32 ":%08" PRIx32,
                       e->leaf.a, e->leaf.b, e->leaf.c, e->leaf.d);
        break;
    default:
        break;
    }
}

static void put_msr_error(struct xlc_buf *b, const struct xfs_policy_error *e)
{
    xlc_buf_printf(b, "MSR 0x%08" PRIx32 " (entry %" PRIu32 "): ", e->msr.idx,
                   e->index);
    switch (e->kind) {
    case XFS_PERR_MSR_UNKNOWN:
        xlc_buf_printf(b, "not an MSR a policy holds (0x%08x, 0x%08x)",
                       XFS_MSR_INTEL_PLATFORM_INFO,
                       XFS_MSR_ARCH_CAPABILITIES_IDX);
        break;
    case XFS_PERR_MSR_FLAGS:
        xlc_buf_printf(b, "flags 0x%" PRIx32 " must be zero", e->msr.flags);
        break;
    case XFS_PERR_MSR_DUPLICATE:
        xlc_buf_printf(b, "duplicate of entry %" PRIu32, e->first_index);
        break;
    case XFS_PERR_MSR_VALUE:
        xlc_buf_printf(b, "value 0x%" PRIx64 " does not fit the 32 bits Xen "
                          "keeps", e->msr.val);
        break;
    default:
        break;
    }
}

void xlc_policy_error_text(const struct xfs_policy_error *e,
                           struct xlc_buf *b)
{
    switch (e->kind) {
    case XFS_PERR_OK:
        xlc_buf_puts(b, "no error");
        break;
    case XFS_PERR_NOBUFS:
        xlc_buf_printf(b, "policy needs %" PRIu32 " entries, room for %" PRIu32,
                       e->nr, e->max);
        break;
    case XFS_PERR_TOO_MANY:
        xlc_buf_printf(b, "%" PRIu32 " CPUID leaves given, a policy holds at "
                          "most %" PRIu32, e->nr, e->max);
        break;
    case XFS_PERR_MSR_TOO_MANY:
        xlc_buf_printf(b, "%" PRIu32 " MSRs given, a policy holds at most "
                          "%" PRIu32, e->nr, e->max);
        break;
    case XFS_PERR_MSR_UNKNOWN:
    case XFS_PERR_MSR_FLAGS:
    case XFS_PERR_MSR_DUPLICATE:
    case XFS_PERR_MSR_VALUE:
        put_msr_error(b, e);
        break;
    default:
        put_leaf_error(b, e);
        break;
    }
}

static int fail_with(const struct xfs_policy_error *e, xlc_error *err)
{
    struct xlc_buf b = XLC_BUF_INIT;
    int code = (e->kind == XFS_PERR_TOO_MANY ||
                e->kind == XFS_PERR_MSR_TOO_MANY) ? E2BIG
             : e->kind == XFS_PERR_NOBUFS ? ENOBUFS : EINVAL;
    int rc;

    xlc_policy_error_text(e, &b);
    if (b.oom)
        rc = xlc_fail(err, ENOMEM, "out of memory describing a policy error");
    else
        rc = xlc_fail(err, code, "%s", b.s);
    xlc_buf_free(&b);
    return rc;
}

int xlc_policy_deserialise(struct xfs_cpu_policy *p,
                           const struct xfs_cpuid_leaf *leaves,
                           uint32_t nr_leaves,
                           const struct xfs_msr_entry *msrs, uint32_t nr_msrs,
                           xlc_error *err)
{
    struct xfs_policy_error e;

    if (xfs_policy_deserialise(p, leaves, nr_leaves, msrs, nr_msrs, &e))
        return fail_with(&e, err);
    return 0;
}

int xlc_policy_serialise(const struct xfs_cpu_policy *p,
                         struct xlc_policy_records *out, xlc_error *err)
{
    struct xfs_policy_error e;

    out->nr_leaves = XFS_POLICY_MAX_LEAVES;
    out->nr_msrs = XFS_POLICY_MAX_MSRS;
    if (xfs_policy_serialise_leaves(p, out->leaves, &out->nr_leaves, &e) ||
        xfs_policy_serialise_msrs(p, out->msrs, &out->nr_msrs, &e))
        return fail_with(&e, err);
    return 0;
}
