/* SPDX-License-Identifier: MIT */
#include "cpu-policy-limits.h"

#include "../../public/arch-x86/cpu-policy-abi.h"

/* Subleaf count of a basic leaf that has subleaves, 0 for the others. */
static uint32_t basic_subleaves(uint32_t leaf)
{
    switch (leaf) {
    case 0x4: return XFS_CPUID_NR_CACHE;
    case 0x7: return XFS_CPUID_NR_FEAT;
    case 0xb: return XFS_CPUID_NR_TOPO;
    case 0xd: return XFS_CPUID_NR_XSTATE;
    default: return 0;
    }
}

bool xfs_policy_leaf_in_range(uint32_t leaf, uint32_t subleaf)
{
    if (leaf < XFS_CPUID_NR_BASIC) {
        uint32_t n = basic_subleaves(leaf);

        return n ? subleaf < n : subleaf == XFS_CPUID_NO_SUBLEAF;
    }
    if (leaf == XFS_CPUID_HV_LEAF || leaf == XFS_CPUID_HV2_LEAF ||
        (leaf >= XFS_CPUID_EXTD_BASE &&
         leaf - XFS_CPUID_EXTD_BASE < XFS_CPUID_NR_EXTD))
        return subleaf == XFS_CPUID_NO_SUBLEAF;
    return false;
}

bool xfs_policy_msr_known(uint32_t idx)
{
    return idx == XFS_MSR_INTEL_PLATFORM_INFO ||
           idx == XFS_MSR_ARCH_CAPABILITIES_IDX;
}
