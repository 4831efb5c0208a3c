/* SPDX-License-Identifier: MIT */
/*
 * Serialised policy entries: ownership helpers and the validation every
 * reader (stream, policy file) and the stream writer apply.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../xen/lib/cpu-policy.h"
#include "../migration/stream-check.h"
#include "../migration/stream.h"

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
