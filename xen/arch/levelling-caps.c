/* SPDX-License-Identifier: MIT */
/*
 * Xen 4.17's levelling capabilities, from CPUID and the MSRs the data
 * records (see levelling.h for the rules and where they come from).
 */
#include "../lib/cpu-policy.h"
#include "levelling.h"

#define HYPERVISOR_BIT   (1u << 31)   /* CPUID.1.ecx */
#define CPUID_USER_DIS   (1u << 17)   /* CPUID.0x80000021.eax */
#define FAULTING_BIT     (1ull << 31) /* MSR_PLATFORM_INFO */

struct probe_ctx {
    const struct xfs_cpuid_reader *rd;
    enum xfs_msr_failure failure;
};

static struct xfs_cpuid_regs leaf(const struct xfs_cpuid_reader *rd,
                                  uint32_t l, uint32_t s)
{
    struct xfs_cpuid_regs r = { 0, 0, 0, 0 };

    rd->cpuid(rd->ctx, l, s, &r);
    return r;
}

/* What the data says about one MSR. */
static enum xfs_tristate read_msr(const struct probe_ctx *c, uint32_t msr,
                                  uint64_t *val)
{
    *val = 0;
    if (c->rd->rdmsr && !c->rd->rdmsr(c->rd->ctx, msr, val))
        return XFS_YES;
    return c->failure == XFS_MSR_FAIL_ABSENT ? XFS_NO : XFS_UNKNOWN;
}

/* Family and model as Xen's get_cpu_family() computes them. */
static void family_model(uint32_t eax, unsigned int *fam, unsigned int *model)
{
    *fam = (eax >> 8) & 0xf;
    if (*fam == 0xf)
        *fam += (eax >> 20) & 0xff;
    *model = (eax >> 4) & 0xf;
    if (*fam >= 6)
        *model += ((eax >> 16) & 0xf) << 4;
}

static void fault_result(struct xfs_levelling *l, enum xfs_tristate t,
                         enum xfs_faulting_why why, uint32_t msr)
{
    l->faulting = t;
    l->faulting_why = why;
    l->faulting_msr = msr;
}

/* Xen's probe_cpuid_faulting(). */
static void probe_faulting(const struct probe_ctx *c, struct xfs_levelling *l)
{
    bool amd = l->vendor == XFS_VENDOR_AMD || l->vendor == XFS_VENDOR_HYGON;
    enum xfs_tristate t;
    uint64_t v;

    if (amd && !l->virtualised)
        return fault_result(l, XFS_NO, XFS_FAULT_NOT_PROBED_AMD, 0);
    if (l->vendor == XFS_VENDOR_INTEL && l->family == 0xf && !l->virtualised)
        return fault_result(l, XFS_NO, XFS_FAULT_NOT_PROBED_P4, 0);
    t = read_msr(c, XFS_MSR_PLATFORM_INFO, &v);
    if (t == XFS_NO)
        return fault_result(l, XFS_NO, XFS_FAULT_NO_PLATFORM_INFO,
                            XFS_MSR_PLATFORM_INFO);
    if (t == XFS_UNKNOWN)
        return fault_result(l, XFS_UNKNOWN, XFS_FAULT_UNKNOWN_MSR,
                            XFS_MSR_PLATFORM_INFO);
    if (!(v & FAULTING_BIT))
        return fault_result(l, XFS_NO, XFS_FAULT_BIT_CLEAR,
                            XFS_MSR_PLATFORM_INFO);
    t = read_msr(c, XFS_MSR_MISC_FEATURES_ENABLES, &v);
    if (t == XFS_NO)
        return fault_result(l, XFS_NO, XFS_FAULT_NO_MISC_ENABLES,
                            XFS_MSR_MISC_FEATURES_ENABLES);
    if (t == XFS_UNKNOWN)
        return fault_result(l, XFS_UNKNOWN, XFS_FAULT_UNKNOWN_MSR,
                            XFS_MSR_MISC_FEATURES_ENABLES);
    fault_result(l, XFS_YES, XFS_FAULT_PRESENT, XFS_MSR_PLATFORM_INFO);
}

static void add_mask(const struct probe_ctx *c, struct xfs_levelling *l,
                     uint32_t msr, uint32_t caps)
{
    struct xfs_mask_probe *m = &l->masks[l->nr_masks++];
    uint64_t v;

    m->msr = msr;
    m->caps = caps;
    m->readable = read_msr(c, msr, &v);
}

/* Xen's intel.c probe_masking_msrs(): family 6 models only. */
static void intel_masks(const struct probe_ctx *c, struct xfs_levelling *l)
{
    if (l->family != 6)
        return;
    switch (l->model) {
    case 0x17: case 0x1d:
        add_mask(c, l, XFS_MSR_INTEL_MASK_V1_CPUID1, XFS_LCAP_1CD);
        break;
    case 0x1a: case 0x1e: case 0x1f: case 0x25: case 0x2c: case 0x2e:
    case 0x2f:
        add_mask(c, l, XFS_MSR_INTEL_MASK_V2_CPUID1, XFS_LCAP_1CD);
        add_mask(c, l, XFS_MSR_INTEL_MASK_V2_CPUIDE1, XFS_LCAP_E1CD);
        break;
    case 0x2a: case 0x2d:
        add_mask(c, l, XFS_MSR_INTEL_MASK_V3_CPUID1, XFS_LCAP_1CD);
        add_mask(c, l, XFS_MSR_INTEL_MASK_V3_CPUIDE1, XFS_LCAP_E1CD);
        add_mask(c, l, XFS_MSR_INTEL_MASK_V3_CPUIDD1, XFS_LCAP_DA1);
        break;
    default:
        break;
    }
}

/* Xen's amd.c probe_masking_msrs(): every family but 0x11. */
static void amd_masks(const struct probe_ctx *c, struct xfs_levelling *l)
{
    const struct xfs_cpuid_reader *rd = c->rd;
    uint32_t max_basic = leaf(rd, 0, 0).a;

    if (l->family == 0x11)
        return;
    add_mask(c, l, XFS_MSR_K8_FEATURE_MASK, XFS_LCAP_1CD);
    add_mask(c, l, XFS_MSR_K8_EXT_FEATURE_MASK, XFS_LCAP_E1CD);
    if (max_basic >= 7)
        add_mask(c, l, XFS_MSR_AMD_L7S0_MASK, XFS_LCAP_7AB0);
    if (l->family == 0x15 && max_basic >= 6 && leaf(rd, 6, 0).c)
        add_mask(c, l, XFS_MSR_AMD_THRM_MASK, XFS_LCAP_6C);
}

/*
 * Masks count only when faulting is absent (Xen returns early otherwise),
 * and only when their MSR can be read.
 */
static void combine(struct xfs_levelling *l)
{
    l->present = l->unknown = 0;
    if (l->faulting == XFS_YES)
        l->present |= XFS_LCAP_FAULTING;
    else if (l->faulting == XFS_UNKNOWN)
        l->unknown |= XFS_LCAP_FAULTING;
    for (unsigned int i = 0; i < l->nr_masks; i++) {
        const struct xfs_mask_probe *m = &l->masks[i];

        if (m->readable == XFS_NO || l->faulting == XFS_YES)
            continue;
        if (m->readable == XFS_YES && l->faulting == XFS_NO)
            l->present |= m->caps;
        else
            l->unknown |= m->caps;
    }
}

/* Field by field: a struct assignment may become a memset call. */
static void clear(struct xfs_levelling *l)
{
    l->vendor = XFS_VENDOR_UNKNOWN;
    l->family = l->model = 0;
    l->virtualised = l->cpuid_user_dis = false;
    l->faulting = XFS_NO;
    l->faulting_why = XFS_FAULT_NOT_PROBED_VENDOR;
    l->faulting_msr = 0;
    for (unsigned int i = 0; i < XFS_MAX_MASK_PROBES; i++) {
        l->masks[i].msr = l->masks[i].caps = 0;
        l->masks[i].readable = XFS_NO;
    }
    l->nr_masks = 0;
    l->present = l->unknown = 0;
}

static void identify(const struct xfs_cpuid_reader *rd,
                     struct xfs_levelling *l)
{
    struct xfs_cpuid_regs r0 = leaf(rd, 0, 0), r1 = leaf(rd, 1, 0);
    uint32_t max_ext = leaf(rd, 0x80000000u, 0).a;

    l->vendor = xfs_vendor_from_leaf0(r0.b, r0.c, r0.d);
    family_model(r0.a >= 1 ? r1.a : 0, &l->family, &l->model);
    l->virtualised = r0.a >= 1 && (r1.c & HYPERVISOR_BIT);
    l->cpuid_user_dis = (max_ext & 0xffff0000u) == 0x80000000u &&
                        max_ext >= 0x80000021u &&
                        (leaf(rd, 0x80000021u, 0).a & CPUID_USER_DIS);
}

void xfs_levelling_derive(const struct xfs_cpuid_reader *rd,
                          enum xfs_msr_failure failure,
                          struct xfs_levelling *out)
{
    const struct probe_ctx c = { rd, failure };

    clear(out);
    identify(rd, out);
    switch (out->vendor) {
    case XFS_VENDOR_INTEL:
        probe_faulting(&c, out);
        if (out->faulting != XFS_YES)
            intel_masks(&c, out);
        break;
    case XFS_VENDOR_AMD:
    case XFS_VENDOR_HYGON:
        probe_faulting(&c, out);
        if (out->faulting != XFS_YES)
            amd_masks(&c, out);
        break;
    default:
        /* Centaur and Shanghai set up no levelling at all. */
        fault_result(out, XFS_NO, XFS_FAULT_NOT_PROBED_VENDOR, 0);
        break;
    }
    combine(out);
}

uint32_t xfs_levelling_word_cap(unsigned int word)
{
    switch (word) {
    case 0: return XFS_LCAP_1D;   /* 1d */
    case 1: return XFS_LCAP_1C;   /* 1c */
    case 2: return XFS_LCAP_E1D;  /* e1d */
    case 3: return XFS_LCAP_E1C;  /* e1c */
    case 4: return XFS_LCAP_DA1;  /* Da1 */
    case 5: return XFS_LCAP_7B0;  /* 7b0 */
    default: return 0;
    }
}

enum xfs_tristate xfs_levelling_has(const struct xfs_levelling *l,
                                    uint32_t caps)
{
    if (!caps)
        return XFS_NO;
    if ((l->present & caps) == caps)
        return XFS_YES;
    if (((l->present | l->unknown) & caps) == caps)
        return XFS_UNKNOWN;
    return XFS_NO;
}
