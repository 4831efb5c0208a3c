/* SPDX-License-Identifier: MIT */
/*
 * xen/arch/viridian-leaves.h -- the Hyper-V CPUID leaves Xen 4.17 shows an
 * HVM guest with viridian enlightenments (HVM_PARAM_VIRIDIAN, see
 * public/arch-x86/hvm-viridian.h), and where Xen's own leaves go.
 *
 * Freestanding: constant tables and code, the caller owns every output.
 *
 * Xen computes these leaves when the guest executes CPUID; they are not
 * part of the CPU policy the toolstack sets.  What they say is fixed by
 *   - the parameter (which groups are on),
 *   - facts of the host: the hardware (VT-x or SVM, some VT-x controls,
 *     whether the guest uses HAP) and two Xen boot options
 *     (viridian-version=, viridian-spinlock-retry-count=),
 *   - the guest's own state: leaf 0x40000002 stays zero until the guest
 *     has written HV_X64_MSR_GUEST_OS_ID, leaf 0x40000004 until it has
 *     written one whose OS type is 4 or more (Windows NT and later).
 * The bits that come from the host are flagged in host_mask: they can
 * differ between two hosts even for the same parameter.
 *
 * With viridian on (XFS_HVMPV_BASE_FREQ set) the Hyper-V leaves take
 * 0x40000000..0x40000006 and Xen's own leaves move up by 0x100 (their
 * hypercall-page MSR moves from 0x40000000 to 0x40000200).  Leaves
 * 0x40000007..0x400000ff then read as zero.
 */
#ifndef XEN_ARCH_VIRIDIAN_LEAVES_H
#define XEN_ARCH_VIRIDIAN_LEAVES_H

#include <stdbool.h>
#include <stdint.h>

#include "../../public/arch-x86/hvm-viridian.h"
#include "../lib/cpuid-leaves.h"

#define XFS_VIRIDIAN_LEAF_BASE   0x40000000u
#define XFS_VIRIDIAN_NR_LEAVES   7u            /* 0x40000000..0x40000006 */
#define XFS_XEN_LEAF_BASE        0x40000000u   /* Xen's leaves, viridian off */
#define XFS_XEN_LEAF_BASE_MOVED  0x40000100u   /* ... and with viridian on */
#define XFS_XEN_NR_STATIC_LEAVES 3u            /* base+0..base+2 computed here */
#define XFS_XEN_DEFAULT_LIMIT    5u            /* XEN_CPUID_MAX_NUM_LEAVES */

/*
 * A guest OS identity (HV_X64_MSR_GUEST_OS_ID): vendor in bits 63:48, OS
 * type in 47:40, then major, minor, service pack, build.  This one is
 * what Windows Server 2019 writes (Microsoft, NT, 10.0, build 17763).
 */
#define XFS_VIRIDIAN_OS_ID_WINDOWS 0x0001040a00004563ull
#define XFS_VIRIDIAN_OS_ID_OS_TYPE(id) ((unsigned int)(((id) >> 40) & 0xff))

/* What Xen 4.17 knows about the host when it answers. */
struct xfs_viridian_host {
    bool vmx;                      /* Intel VT-x; false: AMD SVM */
    bool apic_reg_virt;            /* VT-x APIC-register virtualisation */
    bool virtualize_apic_accesses; /* VT-x "virtualize APIC accesses" */
    bool msr_bitmap;               /* VT-x MSR bitmaps (SVM: always) */
    bool hap;                      /* the guest runs with HAP (EPT/NPT) */
    /* viridian-version=MAJOR,MINOR,BUILD (default 6,0,0x1772) */
    uint16_t version_major, version_minor;
    uint32_t version_build;
    /* viridian-spinlock-retry-count= (default 2047) */
    uint32_t spinlock_retries;
    /* Xen's own version, reported in its leaf base+1 */
    uint16_t xen_major, xen_minor;
    /* The policy's limit for Xen's leaves (hv_limit / hv2_limit); 0 is
     * Xen's default, others are clamped to 2..5 as Xen does. */
    uint8_t xen_limit;
};

/* Xen 4.17's defaults: VT-x with every control above, HAP, version 6.0
 * build 6002, 2047 spinlock retries, Xen 4.17. */
void xfs_viridian_host_default(struct xfs_viridian_host *h);

/* Xen 4.17's check when the toolstack sets the parameter: no bit outside
 * XFS_HVMPV_FEATURE_MASK, and XFS_HVMPV_BASE_FREQ set. */
bool xfs_viridian_param_valid(uint64_t param);

struct xfs_viridian_leaves {
    bool enabled;                  /* Hyper-V leaves present */
    struct xfs_cpuid_regs ms[XFS_VIRIDIAN_NR_LEAVES]; /* 0x40000000 + i */
    /* Bits of ms[] whose value comes from the host, per register a..d. */
    uint32_t host_mask[XFS_VIRIDIAN_NR_LEAVES][4];
    uint32_t xen_base;             /* where Xen's leaves start */
    struct xfs_cpuid_regs xen[XFS_XEN_NR_STATIC_LEAVES]; /* xen_base + i */
};

/*
 * The leaves a guest with HVM_PARAM_VIRIDIAN = param sees on host h, after
 * writing guest_os_id (0: it has not).  With XFS_HVMPV_BASE_FREQ clear the
 * Hyper-V leaves are absent (ms[] all zero) and Xen's stay in place.
 * Bits outside XFS_HVMPV_FEATURE_MASK are ignored, as Xen never holds
 * them (see xfs_viridian_param_valid).
 */
void xfs_viridian_leaves(uint64_t param, const struct xfs_viridian_host *h,
                         uint64_t guest_os_id,
                         struct xfs_viridian_leaves *out);

/* ---- bit numbers of the leaves (Hyper-V TLFS) that Xen 4.17 sets ---- */

/* 0x40000003 EAX: partition privileges (low half). */
#define XFS_HV_PRIV_VP_RUNTIME          0
#define XFS_HV_PRIV_PARTITION_REF_COUNT 1
#define XFS_HV_PRIV_SYNIC               2
#define XFS_HV_PRIV_SYNTHETIC_TIMERS    3
#define XFS_HV_PRIV_APIC_MSRS           4
#define XFS_HV_PRIV_HYPERCALL_MSRS      5
#define XFS_HV_PRIV_VP_INDEX            6
#define XFS_HV_PRIV_RESET               7
#define XFS_HV_PRIV_REFERENCE_TSC       9
#define XFS_HV_PRIV_FREQUENCY_MSRS      11
#define XFS_HV_PRIV_REENLIGHTENMENT     13
/* 0x40000003 EDX: features. */
#define XFS_HV_FEAT_CPU_DYNAMIC_PARTITIONING 3
#define XFS_HV_FEAT_XMM_HYPERCALL_INPUT 4
#define XFS_HV_FEAT_CRASH_MSRS          10
#define XFS_HV_FEAT_SINT_POLLING        17
#define XFS_HV_FEAT_DIRECT_STIMER       19
/* 0x40000004 EAX: recommendations. */
#define XFS_HV_REC_REMOTE_TLB_FLUSH     2
#define XFS_HV_REC_APIC_MSRS            3
#define XFS_HV_REC_RELAXED_TIMING       5
#define XFS_HV_REC_DEPRECATE_AUTO_EOI   9
#define XFS_HV_REC_CLUSTER_IPI          10
#define XFS_HV_REC_EX_PROCESSOR_MASKS   11
#define XFS_HV_REC_ENLIGHTENED_VMCS     14
/* 0x40000006 EAX: hardware features in use. */
#define XFS_HV_HW_APIC_OVERLAY          0
#define XFS_HV_HW_MSR_BITMAPS           1
#define XFS_HV_HW_SLAT                  3

#endif /* XEN_ARCH_VIRIDIAN_LEAVES_H */
