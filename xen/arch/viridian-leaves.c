/* SPDX-License-Identifier: MIT */
/*
 * The Hyper-V leaves as Xen 4.17 answers them (see viridian-leaves.h).
 */
#include "viridian-leaves.h"

/* Four ASCII bytes as CPUID returns them in a register. */
#define SIG(a, b, c, d) \
    ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | \
     (uint32_t)(d) << 24)

#define BIT(n) (1u << (n))

enum { A, B, C, D };

void xfs_viridian_host_default(struct xfs_viridian_host *h)
{
    h->vmx = true;
    h->apic_reg_virt = true;
    h->virtualize_apic_accesses = true;
    h->msr_bitmap = true;
    h->hap = true;
    h->version_major = 6;
    h->version_minor = 0;
    h->version_build = 0x1772;
    h->spinlock_retries = 2047;
    h->xen_major = 4;
    h->xen_minor = 17;
    h->xen_limit = 0;
}

bool xfs_viridian_param_valid(uint64_t param)
{
    return !(param & ~(uint64_t)XFS_HVMPV_FEATURE_MASK) &&
           (param & XFS_HVMPV_BASE_FREQ);
}

static void zero(struct xfs_cpuid_regs *r)
{
    r->a = r->b = r->c = r->d = 0;
}

static void leaf_signature(struct xfs_cpuid_regs *r)
{
    r->a = XFS_VIRIDIAN_LEAF_BASE + XFS_VIRIDIAN_NR_LEAVES - 1;
    r->b = SIG('M', 'i', 'c', 'r');
    r->c = SIG('o', 's', 'o', 'f');
    r->d = SIG('t', ' ', 'H', 'v');
}

/* Partition privileges and features, from the parameter alone. */
static void leaf_features(uint64_t p, struct xfs_cpuid_regs *r)
{
    r->a = BIT(XFS_HV_PRIV_APIC_MSRS) | BIT(XFS_HV_PRIV_HYPERCALL_MSRS) |
           BIT(XFS_HV_PRIV_VP_INDEX);
    if (!(p & XFS_HVMPV_NO_FREQ))
        r->a |= BIT(XFS_HV_PRIV_FREQUENCY_MSRS);
    if (p & XFS_HVMPV_TIME_REF_COUNT)
        r->a |= BIT(XFS_HV_PRIV_PARTITION_REF_COUNT);
    if (p & XFS_HVMPV_REFERENCE_TSC)
        r->a |= BIT(XFS_HV_PRIV_REFERENCE_TSC);
    if (p & XFS_HVMPV_SYNIC)
        r->a |= BIT(XFS_HV_PRIV_SYNIC);
    if (p & XFS_HVMPV_STIMER)
        r->a |= BIT(XFS_HV_PRIV_SYNTHETIC_TIMERS);
    /* No hypercall privileges (EBX), no power management (ECX). */
    if (p & XFS_HVMPV_CPU_HOTPLUG)
        r->d |= BIT(XFS_HV_FEAT_CPU_DYNAMIC_PARTITIONING);
    if (p & XFS_HVMPV_CRASH_CTL)
        r->d |= BIT(XFS_HV_FEAT_CRASH_MSRS);
    if (p & XFS_HVMPV_SYNIC)
        r->d |= BIT(XFS_HV_FEAT_SINT_POLLING);
}

/* Recommendations: given only to a guest that said it is Windows NT+. */
static void leaf_recommendations(uint64_t p, const struct xfs_viridian_host *h,
                                 struct xfs_cpuid_regs *r, uint32_t *mask)
{
    r->a = BIT(XFS_HV_REC_RELAXED_TIMING);
    if (p & XFS_HVMPV_HCALL_REMOTE_TLB_FLUSH)
        r->a |= BIT(XFS_HV_REC_REMOTE_TLB_FLUSH);
    /* Without APIC-register virtualisation APIC MSRs beat MMIO exits. */
    if (!(h->vmx && h->apic_reg_virt))
        r->a |= BIT(XFS_HV_REC_APIC_MSRS);
    if (p & XFS_HVMPV_HCALL_IPI)
        r->a |= BIT(XFS_HV_REC_CLUSTER_IPI);
    if (p & XFS_HVMPV_EX_PROCESSOR_MASKS)
        r->a |= BIT(XFS_HV_REC_EX_PROCESSOR_MASKS);
    r->b = h->spinlock_retries;
    mask[A] = BIT(XFS_HV_REC_APIC_MSRS);
    mask[B] = 0xffffffffu;
}

/* Hardware features Xen uses for the guest. */
static void leaf_hardware(const struct xfs_viridian_host *h,
                          struct xfs_cpuid_regs *r, uint32_t *mask)
{
    if (h->vmx && h->virtualize_apic_accesses)
        r->a |= BIT(XFS_HV_HW_APIC_OVERLAY);
    if (!h->vmx || h->msr_bitmap)
        r->a |= BIT(XFS_HV_HW_MSR_BITMAPS);
    if (h->hap)
        r->a |= BIT(XFS_HV_HW_SLAT);
    mask[A] = BIT(XFS_HV_HW_APIC_OVERLAY) | BIT(XFS_HV_HW_MSR_BITMAPS) |
              BIT(XFS_HV_HW_SLAT);
}

static void microsoft_leaves(uint64_t p, const struct xfs_viridian_host *h,
                             uint64_t os_id, struct xfs_viridian_leaves *o)
{
    leaf_signature(&o->ms[0]);
    o->ms[1].a = SIG('H', 'v', '#', '1');
    if (os_id) {
        o->ms[2].a = h->version_build;
        o->ms[2].b = (uint32_t)h->version_major << 16 | h->version_minor;
        o->host_mask[2][A] = o->host_mask[2][B] = 0xffffffffu;
    }
    leaf_features(p, &o->ms[3]);
    if (os_id && XFS_VIRIDIAN_OS_ID_OS_TYPE(os_id) >= 4)
        leaf_recommendations(p, h, &o->ms[4], o->host_mask[4]);
    if (p & XFS_HVMPV_NO_VP_LIMIT)
        o->ms[5].a = 0xffffffffu;
    leaf_hardware(h, &o->ms[6], o->host_mask[6]);
}

/* Xen's own first three leaves, wherever they are. */
static void xen_leaves(const struct xfs_viridian_host *h,
                       struct xfs_viridian_leaves *o)
{
    unsigned int limit = h->xen_limit;

    if (!limit)
        limit = XFS_XEN_DEFAULT_LIMIT;
    else if (limit < 2)
        limit = 2;
    else if (limit > XFS_XEN_DEFAULT_LIMIT)
        limit = XFS_XEN_DEFAULT_LIMIT;
    o->xen[0].a = o->xen_base + limit;
    o->xen[0].b = SIG('X', 'e', 'n', 'V');
    o->xen[0].c = SIG('M', 'M', 'X', 'e');
    o->xen[0].d = SIG('n', 'V', 'M', 'M');
    o->xen[1].a = (uint32_t)h->xen_major << 16 | h->xen_minor;
    o->xen[2].a = 1;                     /* one hypercall page */
    o->xen[2].b = o->xen_base + (o->enabled ? 0x100 : 0);
}

void xfs_viridian_leaves(uint64_t param, const struct xfs_viridian_host *h,
                         uint64_t guest_os_id,
                         struct xfs_viridian_leaves *out)
{
    uint64_t p = param & XFS_HVMPV_FEATURE_MASK;

    for (unsigned int i = 0; i < XFS_VIRIDIAN_NR_LEAVES; i++) {
        zero(&out->ms[i]);
        for (unsigned int r = 0; r < 4; r++)
            out->host_mask[i][r] = 0;
    }
    for (unsigned int i = 0; i < XFS_XEN_NR_STATIC_LEAVES; i++)
        zero(&out->xen[i]);
    out->enabled = (p & XFS_HVMPV_BASE_FREQ) != 0;
    out->xen_base = out->enabled ? XFS_XEN_LEAF_BASE_MOVED
                                 : XFS_XEN_LEAF_BASE;
    if (out->enabled)
        microsoft_leaves(p, h, guest_os_id, out);
    xen_leaves(h, out);
}
