/* SPDX-License-Identifier: MIT */
/*
 * The serialised policy (cpu-policy.h): the one form of a policy as
 * leaves and MSRs, for every reader and writer (stream, policy file,
 * libxenguest, the xl cpuid= and level code).  Here: its ownership, the
 * conversions to and from a policy (the freestanding core does the work
 * and names the offending entry; this turns that into a message), and the
 * validation every reader and the stream writer apply.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu-policy.h"
#include "../migration/stream-check.h"

/* ---- ownership ---- */

int xlc_policy_entries_alloc(struct xlc_policy_entries *e, size_t nr_leaves,
                             size_t nr_msrs, xlc_error *err)
{
    memset(e, 0, sizeof(*e));
    e->leaves = calloc(nr_leaves ? nr_leaves : 1, sizeof(*e->leaves));
    e->msrs = calloc(nr_msrs ? nr_msrs : 1, sizeof(*e->msrs));
    if (!e->leaves || !e->msrs) {
        xlc_policy_entries_free(e);
        return xlc_fail(err, ENOMEM, "out of memory for policy entries");
    }
    e->nr_leaves = nr_leaves;
    e->nr_msrs = nr_msrs;
    return 0;
}

void xlc_policy_entries_free(struct xlc_policy_entries *e)
{
    if (!e)
        return;
    free(e->leaves);
    free(e->msrs);
    memset(e, 0, sizeof(*e));
}

static void *dup_array(const void *src, size_t n, size_t size)
{
    void *p;

    if (!n)
        return NULL;
    p = malloc(n * size);
    if (p)
        memcpy(p, src, n * size);
    return p;
}

int xlc_policy_entries_copy(struct xlc_policy_entries *dst,
                            const struct xlc_policy_entries *src,
                            xlc_error *err)
{
    struct xlc_policy_entries c = { 0 };

    c.leaves = dup_array(src->leaves, src->nr_leaves, sizeof(*c.leaves));
    c.msrs = dup_array(src->msrs, src->nr_msrs, sizeof(*c.msrs));
    if ((src->nr_leaves && !c.leaves) || (src->nr_msrs && !c.msrs)) {
        xlc_policy_entries_free(&c);
        return xlc_fail(err, ENOMEM, "out of memory copying a policy");
    }
    c.nr_leaves = src->nr_leaves;
    c.nr_msrs = src->nr_msrs;
    *dst = c;
    return 0;
}

/* ---- to and from a policy ---- */

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

int xlc_policy_serialise(const struct xfs_cpu_policy *p,
                         struct xlc_policy_entries *out, xlc_error *err)
{
    uint32_t nr_leaves = XFS_POLICY_MAX_LEAVES, nr_msrs = XFS_POLICY_MAX_MSRS;
    struct xfs_policy_error e;
    int rc = xlc_policy_entries_alloc(out, nr_leaves, nr_msrs, err);

    if (rc)
        return rc;
    if (xfs_policy_serialise_leaves(p, out->leaves, &nr_leaves, &e) ||
        xfs_policy_serialise_msrs(p, out->msrs, &nr_msrs, &e)) {
        xlc_policy_entries_free(out);
        return fail_with(&e, err);
    }
    out->nr_leaves = nr_leaves;
    out->nr_msrs = nr_msrs;
    return 0;
}

/* A count for the core, which takes 32 bits: past what a policy holds
 * either way, so the core refuses it all the same. */
static uint32_t count32(size_t n)
{
    return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

int xlc_policy_deserialise(struct xfs_cpu_policy *p,
                           const struct xlc_policy_entries *e,
                           xlc_error *err)
{
    struct xfs_policy_error pe;

    if (xfs_policy_deserialise(p, e->leaves, count32(e->nr_leaves), e->msrs,
                               count32(e->nr_msrs), &pe))
        return fail_with(&pe, err);
    return 0;
}

/* ---- what every reader checks ---- */

/* "entry 3" or "entry 3 at offset 96", for messages. */
static const char *where(char *buf, size_t size,
                         const struct xlc_entries_origin *o, size_t i,
                         size_t entry_size)
{
    if (o->has_offset)
        snprintf(buf, size, "entry %zu at offset %" PRIu64, i,
                 o->body + (uint64_t)i * entry_size);
    else
        snprintf(buf, size, "entry %zu", i);
    return buf;
}

int xlc_check_cpuid_entries(const struct xfs_cpuid_leaf *l, size_t n,
                            const struct xlc_entries_origin *o,
                            xlc_error *err)
{
    char at[64];

    if (n > XFS_CPUID_MAX_SERIALISED_LEAVES)
        return xlc_fail(err, E2BIG,
                        "%s holds %zu CPUID entries; Xen 4.17 accepts at "
                        "most %u",
                        o->what, n, XFS_CPUID_MAX_SERIALISED_LEAVES);
    for (size_t i = 0; i < n; i++) {
        if (!xfs_policy_leaf_in_range(l[i].leaf, l[i].subleaf))
            return xlc_fail(err, ERANGE,
                            "%s %s: leaf 0x%08x subleaf 0x%08x has no place "
                            "in Xen 4.17's CPU policy (its restore would "
                            "fail with ERANGE)",
                            o->what, where(at, sizeof(at), o, i, 24),
                            l[i].leaf, l[i].subleaf);
        for (size_t j = 0; !o->repeats_allowed && j < i; j++)
            if (l[j].leaf == l[i].leaf && l[j].subleaf == l[i].subleaf)
                return xlc_fail(err, EINVAL,
                                "%s %s: leaf 0x%08x subleaf 0x%08x repeats "
                                "entry %zu",
                                o->what, where(at, sizeof(at), o, i, 24),
                                l[i].leaf, l[i].subleaf, j);
    }
    return 0;
}

int xlc_check_msr_entries(const struct xfs_msr_entry *m, size_t n,
                          const struct xlc_entries_origin *o, xlc_error *err)
{
    char at[64];

    if (n > XFS_MSR_MAX_SERIALISED_ENTRIES)
        return xlc_fail(err, E2BIG,
                        "%s holds %zu MSR entries; Xen 4.17 accepts at most "
                        "%u",
                        o->what, n, XFS_MSR_MAX_SERIALISED_ENTRIES);
    for (size_t i = 0; i < n; i++) {
        if (m[i].flags)
            return xlc_fail(err, EINVAL,
                            "%s %s: MSR 0x%08x has flags 0x%08x; the field "
                            "is reserved and must be zero",
                            o->what, where(at, sizeof(at), o, i, 16),
                            m[i].idx, m[i].flags);
        if (!xfs_policy_msr_known(m[i].idx))
            return xlc_fail(err, ERANGE,
                            "%s %s: MSR 0x%08x is not part of Xen 4.17's CPU "
                            "policy (only 0x%08x and 0x%08x are)",
                            o->what, where(at, sizeof(at), o, i, 16),
                            m[i].idx, XFS_MSR_INTEL_PLATFORM_INFO,
                            XFS_MSR_ARCH_CAPABILITIES_IDX);
        for (size_t j = 0; !o->repeats_allowed && j < i; j++)
            if (m[j].idx == m[i].idx)
                return xlc_fail(err, EINVAL,
                                "%s %s: MSR 0x%08x repeats entry %zu", o->what,
                                where(at, sizeof(at), o, i, 16), m[i].idx, j);
        if (m[i].idx == XFS_MSR_INTEL_PLATFORM_INFO &&
            m[i].val > 0xffffffffull)
            return xlc_fail(err, EOVERFLOW,
                            "%s %s: MSR 0x%08x value 0x%" PRIx64 " does not "
                            "fit the 32 bits Xen 4.17 keeps (its restore "
                            "would fail with EOVERFLOW)",
                            o->what, where(at, sizeof(at), o, i, 16),
                            m[i].idx, m[i].val);
    }
    return 0;
}

int xlc_policy_entries_check(const struct xlc_policy_entries *e,
                             xlc_error *err)
{
    const struct xlc_entries_origin o = { "policy", false, 0, false };
    int rc = xlc_check_cpuid_entries(e->leaves, e->nr_leaves, &o, err);

    return rc ? rc : xlc_check_msr_entries(e->msrs, e->nr_msrs, &o, err);
}

void xlc_policy_featureset(const struct xlc_policy_entries *e,
                           uint32_t fs[XFS_NR_WORDS])
{
    struct xfs_cpu_policy p;

    xfs_policy_zero(&p);
    for (size_t i = 0; i < e->nr_leaves; i++) {
        const struct xfs_cpuid_leaf *l = &e->leaves[i];
        struct xfs_cpuid_regs *r = xfs_policy_slot(&p, l->leaf, l->subleaf,
                                                   NULL);

        if (r)
            *r = (struct xfs_cpuid_regs){ l->a, l->b, l->c, l->d };
    }
    for (size_t i = 0; i < e->nr_msrs; i++)
        if (e->msrs[i].idx == XFS_MSR_ARCH_CAPABILITIES_IDX)
            p.arch_caps = e->msrs[i].val;
    xfs_policy_to_featureset(&p, fs, XFS_NR_WORDS);
}
