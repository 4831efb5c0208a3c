/* SPDX-License-Identifier: MIT */
/*
 * xen/arch/policy-derive.h -- the six system CPU policies.
 *
 * Freestanding, like featuresets.h.  The feature bits of every policy are
 * the derived featuresets (xfs_derive_featuresets), written into the
 * registers that hold them; nothing here decides a feature.  What this
 * adds is everything else a guest sees in CPUID:
 *
 *   policy-raw.c      raw: the leaves the CPU reports, within the policy's
 *                     bounds (and the CPUID-faulting bit of PLATFORM_INFO)
 *   policy-leaves.c   max leaves clamped to what a policy can describe and
 *                     raised to cover every feature word; leaves past the
 *                     max cleared; leaves and fields Xen hides or keeps
 *                     dynamic (topology, APIC IDs, power management, ...)
 *   policy-xstate.c   leaf 0xd rebuilt from the XSAVE features: XCR0/XSS
 *                     components, area sizes, per-component subleaves
 *   policy-derive.c   host, pv/hvm max and default, step by step
 *
 * Invariant (tested): xfs_policy_to_featureset(policy[i]) == featureset[i]
 * for every present policy.
 */
#ifndef XEN_ARCH_POLICY_DERIVE_H
#define XEN_ARCH_POLICY_DERIVE_H

#include <stdbool.h>

#include "../lib/cpu-policy.h"
#include "featuresets.h"

/* Indexed like the featuresets: XFS_SYSCTL_cpu_featureset_{raw,...}. */
struct xfs_system_policies {
    struct xfs_cpu_policy p[XFS_SYSCTL_cpu_featureset_nr];
    /* false when that guest type is unavailable (PV not built in, or HVM
     * not built in / no VMX or SVM); the policy is then all zero. */
    bool present[XFS_SYSCTL_cpu_featureset_nr];
    /*
     * Whether Xen 4.17's get_cpu_policy sysctl answers for it: the guest
     * type is built in (its table entry is set), whether or not this host
     * can run it.  HVM built in on a CPU without VMX or SVM is served,
     * not present: the all-zero policy (4 leaves, 2 MSRs once
     * serialised).  Not served: -EOPNOTSUPP.
     */
    bool served[XFS_SYSCTL_cpu_featureset_nr];
};

/*
 * The raw policy: every leaf the CPU reports that a policy can hold, as
 * reported, except the two XSAVE sizes that depend on the XCR0/XSS in
 * force when CPUID ran (0xd:0 and 0xd:1 ebx, zeroed).
 */
void xfs_policy_fill_raw(const struct xfs_cpuid_reader *rd,
                         struct xfs_cpu_policy *raw);

/* Derive all six policies; fs must come from the same reader and opts. */
void xfs_derive_policies(const struct xfs_cpuid_reader *rd,
                         const struct xfs_hv_options *opts,
                         const struct xfs_system_featuresets *fs,
                         struct xfs_system_policies *out);

/*
 * Write a featureset into p and recompute everything that follows from it:
 * the max leaves raised so that every word with a bit set is listed, leaf
 * 0xd rebuilt from the XSAVE features (with raw's component layout), the
 * SVM leaf emptied without SVM, unlisted leaves cleared, the vendor.  What
 * every system policy goes through, and what Xen recomputes when a
 * guest's policy is given new features (a toolstack's applied policy).
 */
void xfs_policy_apply_featureset(struct xfs_cpu_policy *p,
                                 const uint32_t fs[XFS_NR_WORDS],
                                 const struct xfs_cpu_policy *raw);

/* ---- a domain's policy (policy-domain.c) ---- */

/* What the recalculation needs to know about the domain itself. */
struct xfs_domain_opts {
    bool hvm;            /* HVM domain (else 64-bit PV) */
    bool hap;            /* HVM: hardware-assisted paging (else shadow) */
    bool nested_virt;    /* HVM: nested virtualisation configured */
};

/*
 * The features a domain may hold: the max policy's, with Xen's
 * per-domain changes (shadow paging limits, VMX/SVM only with nested
 * virtualisation, HTT/X2APIC/CMP_LEGACY always allowed).
 */
void xfs_domain_max_featureset(const struct xfs_cpu_policy *max,
                               const struct xfs_domain_opts *o,
                               uint32_t fs[XFS_NR_WORDS]);
/* The same from the type's max featureset: the one rule for "Xen can give
 * a guest of this type that feature" (the guest verdict, libvirt and xl
 * cpuid= resolution all use it). */
void xfs_domain_allowed_features(const uint32_t max_fs[XFS_NR_WORDS],
                                 const struct xfs_domain_opts *o,
                                 uint32_t fs[XFS_NR_WORDS]);

/*
 * What Xen 4.17 makes of a domain's policy once it is set (its
 * recalculate_cpuid_policy): limits clamped to max (extended range by
 * vendor), features clamped to xfs_domain_max_featureset and closed under
 * dependencies, FDP_EXCP_ONLY/NO_FPU_SEL and the CLFLUSH size from the
 * host, MAXPHYSADDR within max (at least 36 with PAE/PSE36, else 32),
 * MAXLINADDR 48 with LM (else 32), leaf 0xd rebuilt with host's layout,
 * host details hidden, leaf 0x4 reserved bits cleared, leaves 0xa,
 * 0x8000000a (without SVM) and 0x80000019 (without PAGE1GB) emptied.
 * See policy-domain.c for each reason and what is not modelled.
 */
void xfs_policy_recalc_domain(struct xfs_cpu_policy *p,
                              const struct xfs_cpu_policy *max,
                              const struct xfs_cpu_policy *host,
                              const struct xfs_domain_opts *o);

/* ---- the steps, exposed for tests ---- */

/* Limit max basic leaf, leaf 7 max subleaf and max extended leaf to what
 * the policy can describe (an invalid extended range becomes none). */
void xfs_policy_clamp_max_leaves(struct xfs_cpu_policy *p);
/* Raise the max leaves so that every word of fs with a bit set is listed. */
void xfs_policy_cover_featureset(struct xfs_cpu_policy *p,
                                 const uint32_t fs[XFS_NR_WORDS]);
/* Zero every leaf/subleaf the policy does not list (past a max leaf or
 * subleaf, after a null subleaf, XSAVE components not in XCR0|XSS). */
void xfs_policy_clear_unlisted(struct xfs_cpu_policy *p);
/* Hide or zero what Xen never passes through (see policy-leaves.c). */
void xfs_policy_hide_host_details(struct xfs_cpu_policy *p);
/* Rebuild leaf 0xd from p's features and raw's component layout. */
void xfs_policy_recalc_xstate(struct xfs_cpu_policy *p,
                              const struct xfs_cpu_policy *raw);

#endif /* XEN_ARCH_POLICY_DERIVE_H */
