/* SPDX-License-Identifier: MIT */
/*
 * xen/arch/levelling.h -- how much control Xen 4.17 has over the CPUID
 * instruction of PV guests (its `levelling_caps`, served by
 * XEN_SYSCTL_get_cpu_levelling_caps).
 *
 * CPUID is unprivileged: in a PV guest it runs on the hardware unless Xen
 * can make it fault (CPUID faulting) or can program the feature mask /
 * override MSRs some families have.  Xen 4.17 finds out at boot:
 *
 *   CPUID faulting   probed on Intel (not family 0xf unless virtualised)
 *                    and, only when virtualised, on AMD and Hygon:
 *                    MSR_PLATFORM_INFO bit 31 set and
 *                    MSR_MISC_FEATURES_ENABLES readable.  (AMD's
 *                    CpuidUserDis, CPUID 0x80000021 eax bit 17, is used
 *                    from Xen 4.18 on, not by 4.17.)
 *   mask MSRs        only without faulting.  Intel family 6: Penryn
 *                    (1cd), Nehalem/Westmere (1cd, e1cd), SandyBridge
 *                    (1cd, e1cd, Da1).  AMD/Hygon, every family but 0x11:
 *                    1cd, e1cd, 7ab0 (basic max leaf >= 7), 6c (family
 *                    0x15 with leaf 6 ecx non-zero).  A mask counts when
 *                    the MSR can be read (and written back).
 *
 * Freestanding.  The data may not say: dumps rarely carry MSR values.  The
 * derivation is three-valued, and never guesses: a capability is present,
 * absent, or unknown (with the MSR whose value would decide it).
 */
#ifndef XEN_ARCH_LEVELLING_H
#define XEN_ARCH_LEVELLING_H

#include <stdbool.h>
#include <stdint.h>

#include "../lib/cpuid-leaves.h"

/* The bits of XEN_SYSCTL_get_cpu_levelling_caps (<xen/sysctl.h>). */
#define XFS_LCAP_FAULTING (1u << 0) /* CPUID faulting */
#define XFS_LCAP_1C       (1u << 1) /* 0x00000001.ecx */
#define XFS_LCAP_1D       (1u << 2) /* 0x00000001.edx */
#define XFS_LCAP_E1C      (1u << 3) /* 0x80000001.ecx */
#define XFS_LCAP_E1D      (1u << 4) /* 0x80000001.edx */
#define XFS_LCAP_DA1      (1u << 5) /* 0x0000000d:1.eax */
#define XFS_LCAP_6C       (1u << 6) /* 0x00000006.ecx */
#define XFS_LCAP_7A0      (1u << 7) /* 0x00000007:0.eax */
#define XFS_LCAP_7B0      (1u << 8) /* 0x00000007:0.ebx */
#define XFS_LCAP_NR       9
#define XFS_LCAP_ALL      ((1u << XFS_LCAP_NR) - 1)

/* Xen probes its masks in pairs (its LCAP_1cd, LCAP_e1cd, LCAP_7ab0). */
#define XFS_LCAP_1CD  (XFS_LCAP_1C | XFS_LCAP_1D)
#define XFS_LCAP_E1CD (XFS_LCAP_E1C | XFS_LCAP_E1D)
#define XFS_LCAP_7AB0 (XFS_LCAP_7A0 | XFS_LCAP_7B0)

/* The MSRs the probes read. */
#define XFS_MSR_PLATFORM_INFO          0x000000ceu
#define XFS_MSR_MISC_FEATURES_ENABLES  0x00000140u
#define XFS_MSR_INTEL_MASK_V1_CPUID1   0x00000478u
#define XFS_MSR_INTEL_MASK_V2_CPUID1   0x00000130u
#define XFS_MSR_INTEL_MASK_V2_CPUIDE1  0x00000131u
#define XFS_MSR_INTEL_MASK_V3_CPUID1   0x00000132u
#define XFS_MSR_INTEL_MASK_V3_CPUIDE1  0x00000133u
#define XFS_MSR_INTEL_MASK_V3_CPUIDD1  0x00000134u
#define XFS_MSR_AMD_L7S0_MASK          0xc0011002u
#define XFS_MSR_AMD_THRM_MASK          0xc0011003u
#define XFS_MSR_K8_FEATURE_MASK        0xc0011004u
#define XFS_MSR_K8_EXT_FEATURE_MASK    0xc0011005u

/* What an rdmsr that fails means for the data at hand. */
enum xfs_msr_failure {
    XFS_MSR_FAIL_UNKNOWN, /* the data does not record it (a dump) */
    XFS_MSR_FAIL_ABSENT,  /* the hardware refused it (#GP) */
};

enum xfs_tristate { XFS_NO, XFS_YES, XFS_UNKNOWN };

/* Why CPUID faulting is (not) there, or what would decide it. */
enum xfs_faulting_why {
    XFS_FAULT_PRESENT,          /* PLATFORM_INFO bit 31, MISC_FEATURES */
    XFS_FAULT_NOT_PROBED_AMD,   /* AMD/Hygon, not virtualised (4.17) */
    XFS_FAULT_NOT_PROBED_P4,    /* Intel family 0xf, not virtualised */
    XFS_FAULT_NOT_PROBED_VENDOR,/* Centaur, Shanghai, unknown vendor */
    XFS_FAULT_NO_PLATFORM_INFO, /* MSR_PLATFORM_INFO cannot be read */
    XFS_FAULT_BIT_CLEAR,        /* PLATFORM_INFO bit 31 clear */
    XFS_FAULT_NO_MISC_ENABLES,  /* MSR_MISC_FEATURES_ENABLES unreadable */
    XFS_FAULT_UNKNOWN_MSR,      /* `msr` is not in the data */
};

/* One mask MSR Xen 4.17 probes on this CPU. */
struct xfs_mask_probe {
    uint32_t msr;
    uint32_t caps;               /* XFS_LCAP_* it provides */
    enum xfs_tristate readable;  /* in the data / refused / not recorded */
};

#define XFS_MAX_MASK_PROBES 4

struct xfs_levelling {
    enum xfs_vendor vendor;
    unsigned int family, model;  /* as Xen computes them */
    bool virtualised;            /* CPUID.1.ecx bit 31 (hypervisor) */
    bool cpuid_user_dis;         /* CPUID 0x80000021 eax bit 17 */
    enum xfs_tristate faulting;
    enum xfs_faulting_why faulting_why;
    uint32_t faulting_msr;       /* the MSR that decided it / would */
    struct xfs_mask_probe masks[XFS_MAX_MASK_PROBES];
    unsigned int nr_masks;
    /*
     * The result.  present: caps the data proves; unknown: caps that
     * depend on an MSR the data lacks.  Every other cap is absent.  Xen
     * would serve `present | (whichever unknown ones exist)`.
     */
    uint32_t present;
    uint32_t unknown;
};

/* Derive the levelling capabilities of the CPU rd describes. */
void xfs_levelling_derive(const struct xfs_cpuid_reader *rd,
                          enum xfs_msr_failure failure,
                          struct xfs_levelling *out);

/* The mask capability that covers featureset word w (0 = none). */
uint32_t xfs_levelling_word_cap(unsigned int word);

/* present/absent/unknown for a capability bit (or pair: all bits). */
enum xfs_tristate xfs_levelling_has(const struct xfs_levelling *l,
                                    uint32_t caps);

#endif /* XEN_ARCH_LEVELLING_H */
