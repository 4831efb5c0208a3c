/* SPDX-License-Identifier: MIT */
/*
 * public/arch-x86/cpu-policy-abi.h -- serialised CPU policy entries.
 *
 * The layouts Xen uses in its domctl/sysctl policy calls and in the
 * X86_CPUID_POLICY / X86_MSR_POLICY records of a migration stream.
 */
#ifndef PUBLIC_ARCH_X86_CPU_POLICY_ABI_H
#define PUBLIC_ARCH_X86_CPU_POLICY_ABI_H

#include <stdint.h>

/* Subleaf value for a leaf that takes no subleaf. */
#define XFS_CPUID_NO_SUBLEAF 0xffffffffu

/* Same layout as Xen's xen_cpuid_leaf_t: 24 bytes. */
struct xfs_cpuid_leaf {
    uint32_t leaf, subleaf;
    uint32_t a, b, c, d;
};

/* Same layout as Xen's xen_msr_entry_t: 16 bytes. */
struct xfs_msr_entry {
    uint32_t idx;
    uint32_t flags; /* reserved, must be zero */
    uint64_t val;
};

#define XFS_MSR_INTEL_PLATFORM_INFO   0x000000ceu
#define XFS_MSR_ARCH_CAPABILITIES_IDX 0x0000010au

#endif /* PUBLIC_ARCH_X86_CPU_POLICY_ABI_H */
