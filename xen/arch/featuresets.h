/* SPDX-License-Identifier: MIT */
/*
 * xen/arch/featuresets.h -- deriving the six system featuresets.
 *
 * Freestanding (no malloc, no stdio): this is the code a hypervisor runs at
 * boot.  Input is a raw CPUID reader; output is what the
 * get_cpu_featureset sysctl serves.
 *
 * The pipeline, one file per step:
 *   raw-featureset.c    raw   = what CPUID (and MSR_ARCH_CAPS) report
 *   host-featureset.c   host  = raw & known, minus what Xen hides or the
 *                               admin removed, closed under deep deps
 *   guest-featuresets.c pv/hvm max and default, from host and the static
 *                       masks, plus the few bits Xen emulates or synthesises
 *   derive.c            all six at once
 *
 * Invariants (for every input):
 *   host ⊆ raw
 *   X_def ⊆ X_max                      (X = pv, hvm)
 *   X_max \ xfs_guest_synth_mask ⊆ host
 *   every set but raw is closed under deep dependencies
 */
#ifndef XEN_ARCH_FEATURESETS_H
#define XEN_ARCH_FEATURESETS_H

#include <stdbool.h>
#include <stdint.h>

#include "../../public/sysctl-featureset.h"
#include "../lib/cpuid-leaves.h"
#include "../lib/featureset.h"

/* Hypervisor build/boot options that change the derived sets. */
struct xfs_hv_options {
    bool hap;          /* hardware-assisted paging available (default true) */
    bool pv;           /* PV guest support built in (default true) */
    bool hvm;          /* HVM guest support built in (default true) */
    /* Features the admin removed with cpuid=no-NAME,... (may be all zero). */
    uint32_t boot_clear[XFS_NR_WORDS];
};

/* enum xfs_vendor (the CPU vendor) is in ../lib/cpuid-leaves.h. */

/* Facts read together with the raw featureset that later steps need. */
struct xfs_raw_info {
    enum xfs_vendor vendor;
    uint32_t max_basic;    /* CPUID.0.eax */
    uint32_t max_ext;      /* CPUID.0x80000000.eax, 0 if not a valid range */
    uint32_t max_subleaf7; /* CPUID.7.0.eax, 0 if leaf 7 is absent */
    bool arch_caps_read;   /* MSR_ARCH_CAPABILITIES was read successfully */
};

/* Indexed by XFS_SYSCTL_cpu_featureset_{raw,host,pv,hvm,pv_max,hvm_max}. */
struct xfs_system_featuresets {
    uint32_t fs[XFS_SYSCTL_cpu_featureset_nr][XFS_NR_WORDS];
    struct xfs_raw_info info; /* what the raw read found */
    bool hvm_usable;          /* HVM built in and VMX or SVM in host */
};

/*
 * Bits a pv/hvm max or default set may hold although the host set does not:
 * features Xen emulates or synthesises for guests (see guest-featuresets.c
 * for the reason behind each).  Everything else in a guest set is in host.
 */
extern const uint32_t xfs_guest_synth_mask[XFS_NR_WORDS];

/* hap = pv = hvm = true, nothing cleared. */
void xfs_hv_options_default(struct xfs_hv_options *opts);

/*
 * Parse Xen's boot option value "no-NAME[,no-NAME...]" (names as Xen
 * spells them, any case, '-' and '_' alike; "NAME=0|no|false|off|disable"
 * is accepted too) and add the features to opts->boot_clear.  An empty
 * string clears nothing.  Returns 0, or -1 with *bad_pos (when not NULL)
 * set to the offset of the offending token in `arg`; on error opts is left
 * untouched.  Enabling a feature ("NAME", "NAME=1") is refused: boot
 * options cannot add hardware.
 */
int xfs_parse_boot_cpuid(const char *arg, struct xfs_hv_options *opts,
                         unsigned int *bad_pos);

/* Read the raw featureset out of CPUID (and MSR_ARCH_CAPS when readable). */
void xfs_raw_featureset(const struct xfs_cpuid_reader *rd,
                        uint32_t raw[XFS_NR_WORDS]);
/* The same, also reporting vendor and leaf limits (info may not be NULL). */
void xfs_raw_read(const struct xfs_cpuid_reader *rd,
                  uint32_t raw[XFS_NR_WORDS], struct xfs_raw_info *info);

/* The host featureset from raw (see host-featureset.c for each rule). */
void xfs_host_featureset(const uint32_t raw[XFS_NR_WORDS],
                         const struct xfs_raw_info *info,
                         const struct xfs_hv_options *opts,
                         uint32_t host[XFS_NR_WORDS]);

/* HVM guests can run: built in, and the host has VMX or SVM. */
bool xfs_hvm_usable(const uint32_t host[XFS_NR_WORDS],
                    const struct xfs_hv_options *opts);

/* PV max and default (all zero when PV is not built in). */
void xfs_pv_featuresets(const uint32_t host[XFS_NR_WORDS],
                        const struct xfs_hv_options *opts,
                        uint32_t max[XFS_NR_WORDS],
                        uint32_t def[XFS_NR_WORDS]);

/* HVM max and default (all zero when HVM is not usable). */
void xfs_hvm_featuresets(const uint32_t raw[XFS_NR_WORDS],
                         const uint32_t host[XFS_NR_WORDS],
                         const struct xfs_raw_info *info,
                         const struct xfs_hv_options *opts,
                         uint32_t max[XFS_NR_WORDS],
                         uint32_t def[XFS_NR_WORDS]);

/* Derive all six sets. */
void xfs_derive_featuresets(const struct xfs_cpuid_reader *rd,
                            const struct xfs_hv_options *opts,
                            struct xfs_system_featuresets *out);

#endif /* XEN_ARCH_FEATURESETS_H */
