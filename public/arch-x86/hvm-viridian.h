/* SPDX-License-Identifier: MIT */
/*
 * public/arch-x86/hvm-viridian.h -- the HVM_PARAM_VIRIDIAN parameter: the
 * Hyper-V ("viridian") enlightenments Xen gives an HVM guest.
 *
 * Facts of Xen's public ABI (<xen/hvm/params.h>, the HVMPV_* bits, same
 * numbers in Xen 4.5 to 4.20; tests/viridian/test_viridian_leaves.c checks them
 * against the installed header).  The toolstack sets the parameter once,
 * before the guest runs; it travels in the migration stream's HVM_PARAMS
 * record.  Xen 4.17 refuses (-EINVAL) a value with a bit outside
 * XFS_HVMPV_FEATURE_MASK or without XFS_HVMPV_BASE_FREQ; 0 (never set)
 * means no enlightenments: Xen's own CPUID leaves stay at 0x40000000.
 *
 * Bit 0 is the base set together with the frequency MSRs; bit 1 takes the
 * frequency MSRs away again (the pre-4.4 base set).  Every other bit adds
 * one group of enlightenments.
 */
#ifndef PUBLIC_ARCH_X86_HVM_VIRIDIAN_H
#define PUBLIC_ARCH_X86_HVM_VIRIDIAN_H

#define XFS_HVM_PARAM_VIRIDIAN 9u
/* HVM_NR_PARAMS in Xen 4.17: Xen refuses (-EINVAL) to get or set an HVM
 * parameter with an index at or past it. */
#define XFS_HVM_NR_PARAMS      39u

#define XFS_HVMPV_BASE_FREQ              (1u << 0)
#define XFS_HVMPV_NO_FREQ                (1u << 1)
#define XFS_HVMPV_TIME_REF_COUNT         (1u << 2)
#define XFS_HVMPV_REFERENCE_TSC          (1u << 3)
#define XFS_HVMPV_HCALL_REMOTE_TLB_FLUSH (1u << 4)
#define XFS_HVMPV_APIC_ASSIST            (1u << 5)
#define XFS_HVMPV_CRASH_CTL              (1u << 6)
#define XFS_HVMPV_SYNIC                  (1u << 7)
#define XFS_HVMPV_STIMER                 (1u << 8)
#define XFS_HVMPV_HCALL_IPI              (1u << 9)
#define XFS_HVMPV_EX_PROCESSOR_MASKS     (1u << 10)
#define XFS_HVMPV_NO_VP_LIMIT            (1u << 11)
#define XFS_HVMPV_CPU_HOTPLUG            (1u << 12)

/* Number of defined bits, and the mask Xen 4.17 accepts. */
#define XFS_HVMPV_NR_BITS     13u
#define XFS_HVMPV_FEATURE_MASK ((1u << XFS_HVMPV_NR_BITS) - 1u)

#endif /* PUBLIC_ARCH_X86_HVM_VIRIDIAN_H */
