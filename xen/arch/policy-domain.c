/* SPDX-License-Identifier: MIT */
/*
 * The per-domain recalculation: what Xen 4.17 makes of a domain's policy
 * each time one is set (domain creation, XEN_DOMCTL_set_cpu_policy from
 * the toolstack or from a restore).  Its own audit (leaf limits and
 * PLATFORM_INFO against the max policy) comes first and is not repeated
 * here; this is what follows once the policy was let in.
 *
 * Modelled, in Xen's order, each for the reason given at the step:
 *   leaf limits, the featureset clamped to the domain's max, XSAVE needing
 *   leaf 0xd, deep dependencies, the two x87 bits from the host, the
 *   CLFLUSH line size, MAXPHYSADDR, MAXLINADDR, leaf 0xd rebuilt, the host
 *   details hidden, leaf 0x4 reserved bits, vPMU, SVM and 1 GiB-TLB leaves.
 * Not modelled, because nothing in a policy object says it:
 *   - 32-bit PV domains (no LM, no SYSCALL off AMD): a policy does not say
 *     the guest is 32-bit; we model 64-bit PV domains only;
 *   - the paging code's own address-width cap (paging_max_paddr_bits):
 *     with HAP it is the host's width, which the max policy already
 *     carries; shadow-paged HVM domains are capped below that by Xen's
 *     build (BIGMEM), which is not a policy fact;
 *   - the vPMU of the hardware domain: vPMU is off in this model.
 */
#include "policy-derive.h"

#define EMPTY ((struct xfs_cpuid_regs){ 0, 0, 0, 0 })

/* Xen 4.17's guest extended-leaf bounds: Intel-like vendors stop at
 * 0x80000008, AMD and Hygon go up to 0x80000021. */
#define EXTD_LAST_INTEL 0x8u
#define EXTD_LAST_AMD 0x21u

#define LINADDR_LM 48u
#define LINADDR_32 32u
#define PHYSADDR_PAE 36u
#define PHYSADDR_32 32u

static uint32_t min_u32(uint32_t a, uint32_t b)
{
    return a < b ? a : b;
}

static bool has(const uint32_t fs[XFS_NR_WORDS], unsigned int feature)
{
    return xfs_test(fs, XFS_NR_WORDS, feature);
}

static bool amd_like(enum xfs_vendor v)
{
    return v == XFS_VENDOR_AMD || v == XFS_VENDOR_HYGON;
}

void xfs_domain_max_featureset(const struct xfs_cpu_policy *max,
                               const struct xfs_domain_opts *o,
                               uint32_t fs[XFS_NR_WORDS])
{
    uint32_t max_fs[XFS_NR_WORDS];

    xfs_policy_to_featureset(max, max_fs, XFS_NR_WORDS);
    xfs_domain_allowed_features(max_fs, o, fs);
}

void xfs_domain_allowed_features(const uint32_t max_fs[XFS_NR_WORDS],
                                 const struct xfs_domain_opts *o,
                                 uint32_t fs[XFS_NR_WORDS])
{
    xfs_copy(fs, XFS_NR_WORDS, max_fs, XFS_NR_WORDS);
    if (o->hvm && !o->hap)
        /* Shadow paging cannot offer what needs hardware paging help. */
        xfs_and(fs, XFS_NR_WORDS, fs, XFS_NR_WORDS,
                xfs_static_masks[XFS_MASK_HVM_SHADOW_MAX], XFS_NR_WORDS);
    if (o->hvm && !o->nested_virt) {
        /* Nested virtualisation only for domains configured with it. */
        xfs_clear(fs, XFS_NR_WORDS, XFS_VMX);
        xfs_clear(fs, XFS_NR_WORDS, XFS_SVM);
    }
    /* These say how to read the topology leaves, which the toolstack
     * chooses per domain: Xen lets it set them whatever the host has. */
    xfs_set(fs, XFS_NR_WORDS, XFS_HTT);
    xfs_set(fs, XFS_NR_WORDS, XFS_X2APIC);
    xfs_set(fs, XFS_NR_WORDS, XFS_CMP_LEGACY);
}

/* A domain never lists more leaves than its max policy (Xen's audit has
 * already refused more; this is the clamp it applies all the same), and
 * the extended range follows the guest's vendor. */
static void clamp_limits(struct xfs_cpu_policy *p,
                         const struct xfs_cpu_policy *max)
{
    uint32_t last = amd_like(p->vendor) ? EXTD_LAST_AMD : EXTD_LAST_INTEL;

    p->basic[0].a = min_u32(p->basic[0].a, max->basic[0].a);
    p->feat[0].a = min_u32(p->feat[0].a, max->feat[0].a);
    p->extd[0].a = XFS_POLICY_EXTD_BASE |
                   min_u32(p->extd[0].a & 0xffffu, last);
}

/*
 * The features the domain keeps: what it asked for within its max, XSAVE
 * only when leaf 0xd is listed, closed under dependencies, and the two
 * inverted x87 bits as the host has them (they describe what the FPU
 * really does; a guest cannot be promised otherwise).
 */
static void recalc_features(struct xfs_cpu_policy *p,
                            const struct xfs_cpu_policy *max,
                            const struct xfs_cpu_policy *host,
                            const struct xfs_domain_opts *o,
                            uint32_t fs[XFS_NR_WORDS])
{
    uint32_t max_fs[XFS_NR_WORDS], host_fs[XFS_NR_WORDS];

    xfs_policy_to_featureset(p, fs, XFS_NR_WORDS);
    xfs_domain_max_featureset(max, o, max_fs);
    xfs_and(fs, XFS_NR_WORDS, fs, XFS_NR_WORDS, max_fs, XFS_NR_WORDS);
    if (p->basic[0].a < 0xd)
        xfs_clear(fs, XFS_NR_WORDS, XFS_XSAVE);
    xfs_and(fs, XFS_NR_WORDS, fs, XFS_NR_WORDS,
            xfs_static_masks[XFS_MASK_KNOWN], XFS_NR_WORDS);
    xfs_apply_deep_deps(fs, XFS_NR_WORDS);

    xfs_policy_to_featureset(host, host_fs, XFS_NR_WORDS);
    xfs_clear(fs, XFS_NR_WORDS, XFS_FDP_EXCP_ONLY);
    xfs_clear(fs, XFS_NR_WORDS, XFS_NO_FPU_SEL);
    if (has(host_fs, XFS_FDP_EXCP_ONLY))
        xfs_set(fs, XFS_NR_WORDS, XFS_FDP_EXCP_ONLY);
    if (has(host_fs, XFS_NO_FPU_SEL))
        xfs_set(fs, XFS_NR_WORDS, XFS_NO_FPU_SEL);
    xfs_policy_from_featureset(p, fs, XFS_NR_WORDS);
}

/* Leaf 0x80000008 eax: physical width [7:0], linear width [15:8]. */
static void recalc_addr_sizes(struct xfs_cpu_policy *p,
                              const struct xfs_cpu_policy *max,
                              const uint32_t fs[XFS_NR_WORDS])
{
    uint32_t phys = min_u32(p->extd[8].a & 0xffu, max->extd[8].a & 0xffu);
    uint32_t floor = has(fs, XFS_PAE) || has(fs, XFS_PSE36) ? PHYSADDR_PAE
                                                            : PHYSADDR_32;
    /* Xen pages guests with 4 levels: a 64-bit guest gets 48 linear bits
     * whatever the host has (no LA57 for guests), else 32. */
    uint32_t lin = has(fs, XFS_LM) ? LINADDR_LM : LINADDR_32;

    if (phys < floor)
        phys = floor;   /* PAE/PSE36 address 36 bits whatever the host */
    p->extd[8].a = (p->extd[8].a & ~0xffffu) | lin << 8 | phys;
}

/* Leaf 0x4: reserved bits of real cache descriptions cleared; the list
 * ends at the first subleaf that is not a data, instruction or unified
 * cache. */
static void recalc_cache(struct xfs_cpu_policy *p)
{
    unsigned int i = 0;

    for (; i < XFS_POLICY_NR_CACHE; i++) {
        uint32_t type = p->cache[i].a & 0x1fu;

        if (type < 1 || type > 3)
            break;
        p->cache[i].a &= 0xffffc3ffu;
        p->cache[i].d &= 0x7u;
    }
    for (; i < XFS_POLICY_NR_CACHE; i++)
        p->cache[i] = EMPTY;
}

void xfs_policy_recalc_domain(struct xfs_cpu_policy *p,
                              const struct xfs_cpu_policy *max,
                              const struct xfs_cpu_policy *host,
                              const struct xfs_domain_opts *o)
{
    uint32_t fs[XFS_NR_WORDS];

    xfs_policy_recalc(p);   /* the vendor, from the guest's own leaf 0 */
    clamp_limits(p, max);
    recalc_features(p, max, host, o, fs);
    /* The CLFLUSH line size is the host's: guests flush real lines. */
    p->basic[1].b = (p->basic[1].b & ~0xff00u) | (max->basic[1].b & 0xff00u);
    recalc_addr_sizes(p, max, fs);
    /* Leaf 0xd follows the features; host gives the component layout. */
    xfs_policy_recalc_xstate(p, host);
    xfs_policy_hide_host_details(p);
    recalc_cache(p);
    p->basic[0xa] = EMPTY;              /* vPMU is off in this model */
    if (!has(fs, XFS_SVM))
        p->extd[0xa] = EMPTY;           /* the SVM leaf describes SVM */
    if (!has(fs, XFS_PAGE1GB))
        p->extd[0x19] = EMPTY;          /* the 1 GiB-page TLB leaf */
    /* What lies past the new limits is gone (Xen keeps it, unlisted). */
    xfs_policy_clear_unlisted(p);
    xfs_policy_recalc(p);
}
