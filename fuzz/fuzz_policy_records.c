/* SPDX-License-Identifier: MIT */
/*
 * Fuzz policy deserialisation (the X86_CPUID_POLICY / X86_MSR_POLICY
 * record payloads).  Input: one byte giving the number of MSR entries
 * (mod 4), that many 16-byte xen_msr_entry_t, then 24-byte
 * xen_cpuid_leaf_t entries to the end (a partial tail is ignored).
 *
 * Any input is either refused, naming an entry that exists and leaving the
 * policy untouched, or accepted; then serialising the result lists every
 * given leaf with the given registers, and reads back to the same policy.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libxl_cpuid/policy/cpu-policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_refusal(const struct xfs_policy_error *e, uint32_t nr,
                          uint32_t nr_msrs)
{
    struct xlc_buf b = XLC_BUF_INIT;

    switch (e->kind) {
    case XFS_PERR_OK:
    case XFS_PERR_NOBUFS:
        abort();
    case XFS_PERR_TOO_MANY:
    case XFS_PERR_MSR_TOO_MANY:
        if (e->nr <= e->max)
            abort();
        break;
    case XFS_PERR_MSR_UNKNOWN:
    case XFS_PERR_MSR_FLAGS:
    case XFS_PERR_MSR_DUPLICATE:
    case XFS_PERR_MSR_VALUE:
        if (e->index >= nr_msrs)
            abort();
        break;
    default:
        if (e->index >= nr)
            abort();
        break;
    }
    xlc_policy_error_text(e, &b);
    if (!b.oom && (!b.s || !*b.s))
        abort();
    xlc_buf_free(&b);
}

static void check_accepted(const struct xfs_cpu_policy *p,
                           const struct xfs_cpuid_leaf *leaves, uint32_t nr)
{
    struct xlc_policy_entries r;
    struct xfs_cpu_policy back;

    if (xlc_policy_serialise(p, &r, NULL))
        abort();
    for (uint32_t i = 0; i < nr; i++) {
        size_t j = 0;

        while (j < r.nr_leaves && (r.leaves[j].leaf != leaves[i].leaf ||
                                   r.leaves[j].subleaf != leaves[i].subleaf))
            j++;
        if (j == r.nr_leaves)
            abort();    /* accepted, then silently lost */
        /* The hypervisor limits keep only eax (the rest must be zero). */
        if (memcmp(&r.leaves[j], &leaves[i], sizeof(leaves[i])))
            abort();
    }
    xfs_policy_zero(&back);
    if (xlc_policy_deserialise(&back, &r, NULL) ||
        !xfs_policy_equal(&back, p))
        abort();
    xlc_policy_entries_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xfs_msr_entry msrs[3];
    struct xfs_cpuid_leaf *leaves;
    struct xfs_cpu_policy p, before;
    struct xfs_policy_error e;
    uint32_t nr_msrs, nr;

    if (size < 1)
        return 0;
    nr_msrs = data[0] % 4;
    data++, size--;
    if (size < nr_msrs * sizeof(msrs[0]))
        return 0;
    memcpy(msrs, data, nr_msrs * sizeof(msrs[0]));
    data += nr_msrs * sizeof(msrs[0]);
    size -= nr_msrs * sizeof(msrs[0]);
    nr = (uint32_t)(size / sizeof(*leaves));
    leaves = malloc((nr ? nr : 1) * sizeof(*leaves));
    if (!leaves)
        return 0;
    memcpy(leaves, data, nr * sizeof(*leaves));

    xfs_policy_zero(&p);
    xfs_policy_copy(&before, &p);
    if (xfs_policy_deserialise(&p, leaves, nr, msrs, nr_msrs, &e)) {
        check_refusal(&e, nr, nr_msrs);
        if (!xfs_policy_equal(&p, &before))
            abort();
    } else {
        check_accepted(&p, leaves, nr);
    }
    free(leaves);
    return 0;
}
