/* SPDX-License-Identifier: MIT */
/*
 * xen/arch/featuresets.h -- deriving the six system featuresets.
 *
 * Freestanding (no malloc, no stdio): this is the code a hypervisor runs at
 * boot.  Input is a raw CPUID reader; output is what the
 * get_cpu_featureset sysctl serves.
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

/* Indexed by XFS_SYSCTL_cpu_featureset_{raw,host,pv,hvm,pv_max,hvm_max}. */
struct xfs_system_featuresets {
    uint32_t fs[XFS_SYSCTL_cpu_featureset_nr][XFS_NR_WORDS];
};

/* hap = pv = hvm = true, nothing cleared. */
void xfs_hv_options_default(struct xfs_hv_options *opts);

/*
 * Parse Xen's boot option value "no-NAME[,no-NAME...]" (names as Xen
 * spells them, any case) into opts->boot_clear.  Returns 0, or -1 with
 * *bad_pos set to the offset of the offending token in `arg`.
 */
int xfs_parse_boot_cpuid(const char *arg, struct xfs_hv_options *opts,
                         unsigned int *bad_pos);

/* Read the raw featureset out of CPUID (and MSR_ARCH_CAPS when readable). */
void xfs_raw_featureset(const struct xfs_cpuid_reader *rd,
                        uint32_t raw[XFS_NR_WORDS]);

/* Derive all six sets. */
void xfs_derive_featuresets(const struct xfs_cpuid_reader *rd,
                            const struct xfs_hv_options *opts,
                            struct xfs_system_featuresets *out);

#endif /* XEN_ARCH_FEATURESETS_H */
