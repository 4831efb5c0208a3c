/* SPDX-License-Identifier: MIT */
/*
 * xen/lib/cpu-policy-limits.h -- how much a serialised CPU policy may hold.
 *
 * The one place these limits are defined.  They are the capacity of Xen
 * 4.17's policy object (Debian's 4.17.7, with leaf 7 subleaf 2 and leaf
 * 0x80000021 backported): the leaves and subleaves its deserialiser accepts,
 * and the entry counts beyond which it refuses a buffer outright (E2BIG).
 * tests/migration/test_stream_limits.c checks every one against the installed
 * libxenguest's x86_cpuid_copy_from_buffer / x86_msr_copy_from_buffer.
 */
#ifndef XEN_LIB_CPU_POLICY_LIMITS_H
#define XEN_LIB_CPU_POLICY_LIMITS_H

#include <stdbool.h>
#include <stdint.h>

/* Array sizes of the policy object. */
#define XFS_CPUID_NR_BASIC   14u /* leaves 0x0 .. 0xd */
#define XFS_CPUID_NR_CACHE    6u /* leaf 0x4 subleaves (5 levels + a null) */
#define XFS_CPUID_NR_FEAT     3u /* leaf 0x7 subleaves 0 .. 2 */
#define XFS_CPUID_NR_TOPO     2u /* leaf 0xb subleaves 0 .. 1 */
#define XFS_CPUID_NR_XSTATE  63u /* leaf 0xd subleaves 0 .. 62 */
#define XFS_CPUID_NR_EXTD    34u /* leaves 0x80000000 .. 0x80000021 */

/* The hypervisor leaves a policy carries: only their EAX (the limit). */
#define XFS_CPUID_HV_LEAF    0x40000000u
#define XFS_CPUID_HV2_LEAF   0x40000100u
#define XFS_CPUID_EXTD_BASE  0x80000000u

/*
 * Most entries a serialised CPUID policy may hold: every basic leaf once,
 * except that leaves 4, 7, 0xb and 0xd are replaced by all their
 * subleaves, plus the two hypervisor leaves and every extended leaf.
 */
#define XFS_CPUID_MAX_SERIALISED_LEAVES                                 \
    (XFS_CPUID_NR_BASIC - 4u + XFS_CPUID_NR_CACHE + XFS_CPUID_NR_FEAT + \
     XFS_CPUID_NR_TOPO + XFS_CPUID_NR_XSTATE + 2u + XFS_CPUID_NR_EXTD)

/* MSRs a policy carries: MSR_INTEL_PLATFORM_INFO and MSR_ARCH_CAPABILITIES. */
#define XFS_MSR_MAX_SERIALISED_ENTRIES 2u

/* True when Xen's policy object has a slot for this (leaf, subleaf); leaves
 * without subleaves must use XFS_CPUID_NO_SUBLEAF (0xffffffff). */
bool xfs_policy_leaf_in_range(uint32_t leaf, uint32_t subleaf);

/* True for the MSR indices a policy carries. */
bool xfs_policy_msr_known(uint32_t idx);

#endif /* XEN_LIB_CPU_POLICY_LIMITS_H */
