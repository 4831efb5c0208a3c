/* SPDX-License-Identifier: MIT */
/*
 * A guest policy as Xen holds it once set for a domain, and what must be
 * checked so that the guest loses nothing by it (applied-policy.h).
 */
#include "applied-policy.h"

void xlc_domain_opts_for(const struct xfs_cpu_policy *asked, bool hvm,
                         struct xfs_domain_opts *o)
{
    uint32_t fs[XFS_NR_WORDS];

    xfs_policy_to_featureset(asked, fs, XFS_NR_WORDS);
    o->hvm = hvm;
    /* A max policy derived for shadow paging already lacks what shadow
     * cannot offer, so assuming HAP here never widens it. */
    o->hap = true;
    /* A policy with VMX or SVM is one for a domain configured with nested
     * virtualisation: no other domain can have been shown them. */
    o->nested_virt = hvm && (xfs_test(fs, XFS_NR_WORDS, XFS_VMX) ||
                             xfs_test(fs, XFS_NR_WORDS, XFS_SVM));
}

void xlc_domain_policy(const struct xfs_cpu_policy *asked,
                       const struct xfs_cpu_policy *max,
                       const struct xfs_cpu_policy *host, bool hvm,
                       struct xfs_cpu_policy *out)
{
    struct xfs_domain_opts o;

    xlc_domain_opts_for(asked, hvm, &o);
    xfs_policy_copy(out, asked);
    xfs_policy_recalc_domain(out, max, host, &o);
}

void xlc_domain_judged(const struct xfs_cpu_policy *asked,
                       const struct xfs_cpu_policy *kept,
                       const struct xfs_cpu_policy *max, bool hvm,
                       struct xfs_cpu_policy *seen,
                       struct xfs_cpu_policy *limit)
{
    uint32_t afs[XFS_NR_WORDS], kfs[XFS_NR_WORDS], lfs[XFS_NR_WORDS];
    struct xfs_domain_opts o;

    /* Xen sets MAXLINADDR from LM alone: whatever was asked or recorded,
     * the guest runs with the recalculated width. */
    xfs_policy_copy(seen, asked);
    seen->extd[8].a = (seen->extd[8].a & ~0xff00u) | (kept->extd[8].a & 0xff00u);

    /* The features the domain may hold, minus those the recalculation
     * took from this guest all the same (XSAVE without leaf 0xd, a
     * dependency gone, leaves past the vendor's range). */
    xlc_domain_opts_for(asked, hvm, &o);
    xfs_domain_max_featureset(max, &o, lfs);
    xfs_policy_to_featureset(asked, afs, XFS_NR_WORDS);
    xfs_policy_to_featureset(kept, kfs, XFS_NR_WORDS);
    xfs_andnot(afs, XFS_NR_WORDS, afs, XFS_NR_WORDS, kfs, XFS_NR_WORDS);
    xfs_andnot(lfs, XFS_NR_WORDS, lfs, XFS_NR_WORDS, afs, XFS_NR_WORDS);
    xfs_policy_copy(limit, max);
    xfs_policy_from_featureset(limit, lfs, XFS_NR_WORDS);

    /* Like with like: the recalculation raises MAXPHYSADDR to 36 for a
     * guest with PAE or PSE36 even on a host with fewer bits, so a guest
     * recorded with that raise (on this host or another) may hold as much
     * as this domain would be given, not only the max policy's width.
     * `kept` is at most the higher of the two, and exactly it for a guest
     * that asks for more. */
    if ((kept->extd[8].a & 0xffu) > (limit->extd[8].a & 0xffu))
        limit->extd[8].a = (limit->extd[8].a & ~0xffu) |
                           (kept->extd[8].a & 0xffu);
}
