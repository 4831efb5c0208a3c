/* SPDX-License-Identifier: MIT */
/*
 * Leaf-level shaping of a policy: limits, clearing, and what Xen hides.
 */
#include "policy-derive.h"

#define EMPTY ((struct xfs_cpuid_regs){ 0, 0, 0, 0 })

static uint32_t min_u32(uint32_t a, uint32_t b)
{
    return a < b ? a : b;
}

/* ---- limits ---- */

void xfs_policy_clamp_max_leaves(struct xfs_cpu_policy *p)
{
    uint32_t extd = p->extd[0].a;
    uint32_t last = 0;

    p->basic[0].a = min_u32(p->basic[0].a, XFS_POLICY_NR_BASIC - 1);
    p->feat[0].a = min_u32(p->feat[0].a, XFS_POLICY_NR_FEAT - 1);
    /* Anything but 0x8000xxxx means "no extended leaves" (raw junk). */
    if ((extd & 0xffff0000u) == XFS_POLICY_EXTD_BASE)
        last = min_u32(extd & 0xffffu, XFS_POLICY_NR_EXTD - 1);
    p->extd[0].a = XFS_POLICY_EXTD_BASE | last;
}

/*
 * A feature bit in a leaf the policy does not list would be in the
 * featureset yet invisible to the guest.  Words are whole registers of
 * leaves a policy can hold, so raising a limit always suffices.
 */
static void cover_word(struct xfs_cpu_policy *p, const struct xfs_word_info *w)
{
    if (w->leaf >= XFS_POLICY_EXTD_BASE) {
        uint32_t i = w->leaf - XFS_POLICY_EXTD_BASE;

        if (i > xfs_policy_last_extd(p))
            p->extd[0].a = w->leaf;
        return;
    }
    if (w->leaf > p->basic[0].a)
        p->basic[0].a = w->leaf;
    if (w->leaf == 0x7 && w->subleaf > p->feat[0].a)
        p->feat[0].a = w->subleaf;
}

void xfs_policy_cover_featureset(struct xfs_cpu_policy *p,
                                 const uint32_t fs[XFS_NR_WORDS])
{
    for (unsigned int w = 0; w < XFS_NR_WORDS; w++)
        if (fs[w] && xfs_words[w].src == XFS_SRC_CPUID)
            cover_word(p, &xfs_words[w]);
}

/* ---- clearing what is not listed ---- */

static void zero_from(struct xfs_cpuid_regs *arr, unsigned int first,
                      unsigned int n)
{
    for (unsigned int i = first; i < n; i++)
        arr[i] = EMPTY;
}

static unsigned int first_null(const struct xfs_cpuid_regs *arr,
                               unsigned int n,
                               bool (*is_null)(const struct xfs_cpuid_regs *))
{
    unsigned int s = 0;

    while (s < n && !is_null(&arr[s]))
        s++;
    return s;
}

static void clear_xstate(struct xfs_cpu_policy *p)
{
    uint64_t comps = xfs_policy_xcr0(p) | xfs_policy_xss(p);

    if (p->basic[0].a < 0xd || !comps) {
        zero_from(p->xstate, 0, XFS_POLICY_NR_XSTATE);
        return;
    }
    /* A component that is not enabled has no size, offset or flags. */
    for (unsigned int i = 2; i < XFS_POLICY_NR_XSTATE; i++)
        if (!((comps >> i) & 1))
            p->xstate[i] = EMPTY;
}

void xfs_policy_clear_unlisted(struct xfs_cpu_policy *p)
{
    uint32_t max = min_u32(p->basic[0].a, XFS_POLICY_NR_BASIC - 1);

    zero_from(p->basic, max + 1, XFS_POLICY_NR_BASIC);
    /* The basic slots of leaves with subleaves are never used. */
    p->basic[0x4] = p->basic[0x7] = p->basic[0xb] = p->basic[0xd] = EMPTY;
    zero_from(p->cache,
              max < 0x4 ? 0
                        : first_null(p->cache, XFS_POLICY_NR_CACHE,
                                     xfs_cache_subleaf_null),
              XFS_POLICY_NR_CACHE);
    zero_from(p->feat, max < 0x7 ? 0 : min_u32(p->feat[0].a, 0xff) + 1,
              XFS_POLICY_NR_FEAT);
    zero_from(p->topo,
              max < 0xb ? 0
                        : first_null(p->topo, XFS_POLICY_NR_TOPO,
                                     xfs_topo_subleaf_null),
              XFS_POLICY_NR_TOPO);
    clear_xstate(p);
    zero_from(p->extd, xfs_policy_last_extd(p) + 1, XFS_POLICY_NR_EXTD);
}

/* ---- what Xen never passes through ---- */

/*
 * Every vendor.  Family/model/stepping (leaf 1 eax) and the brand string
 * (0x80000002-4) are passed through unchanged, apart from the processor
 * type and reserved bits: guests and their microcode/erratum workarounds
 * key off the real FMS, and a made-up one would make them apply the wrong
 * workarounds or none.  Hiding the model is the toolstack's choice per
 * guest (a levelled pool may), not the system policy's.
 */
static void hide_common(struct xfs_cpu_policy *p)
{
    p->basic[1].a &= 0x0fff0fffu;   /* processor type, reserved bits */
    p->basic[1].b &= 0x00ffffffu;   /* initial APIC ID: per vCPU */
    p->basic[0x5] = EMPTY;          /* MONITOR/MWAIT: not offered */
    p->basic[0x6] = EMPTY;          /* thermal and power management */
    p->basic[0x8] = EMPTY;          /* reserved */
    p->basic[0xc] = EMPTY;          /* reserved */
    zero_from(p->topo, 0, XFS_POLICY_NR_TOPO);  /* topology: toolstack's */
    /* Power/RAS reporting, except the feature word in edx. */
    p->extd[7].a = p->extd[7].b = p->extd[7].c = 0;
    p->extd[8].d = 0;
}

static void hide_intel(struct xfs_cpu_policy *p)
{
    p->basic[2].a = (p->basic[2].a & ~0xffu) | 1; /* one leaf 2 query */
    p->basic[0x3] = EMPTY;          /* processor serial number */
    p->basic[0x9] = EMPTY;          /* direct cache access */
    /* Intel reserves the vendor, signature and brand ID of 0x8000000x. */
    p->extd[0].b = p->extd[0].c = p->extd[0].d = 0;
    p->extd[1].a = p->extd[1].b = 0;
    p->extd[5] = EMPTY;
    p->extd[6].a = p->extd[6].b = p->extd[6].d = 0;
    p->extd[8].a &= 0xffffu;        /* physical and linear address sizes */
    p->extd[8].c = 0;
}

static void hide_amd(struct xfs_cpu_policy *p)
{
    p->basic[0x2] = p->basic[0x3] = EMPTY;  /* Intel-only cache leaves */
    zero_from(p->cache, 0, XFS_POLICY_NR_CACHE);
    p->basic[0x9] = p->basic[0xa] = EMPTY;
    /* AMD repeats the vendor and the signature in the extended range. */
    p->extd[0].b = p->basic[0].b;
    p->extd[0].c = p->basic[0].c;
    p->extd[0].d = p->basic[0].d;
    p->extd[1].a = p->basic[1].a;
    p->extd[1].b &= 0xff00ffffu;
    p->extd[8].a &= 0xffffu;        /* GuestPhysAddrSize: hidden */
    p->extd[8].c &= 0x0003f0ffu;    /* core count, APIC ID size */
    p->extd[9] = EMPTY;
    zero_from(p->extd, 0xb, 0x19);  /* 0x8000000b-0x80000018 */
    zero_from(p->extd, 0x1b, 0x21); /* IBS, LWP, topology, SEV, PQoS */
    p->extd[0x21].b = p->extd[0x21].d = 0;
}

void xfs_policy_hide_host_details(struct xfs_cpu_policy *p)
{
    hide_common(p);
    switch (xfs_vendor_from_leaf0(p->basic[0].b, p->basic[0].c,
                                  p->basic[0].d)) {
    case XFS_VENDOR_INTEL:
        hide_intel(p);
        break;
    case XFS_VENDOR_AMD:
    case XFS_VENDOR_HYGON:
        hide_amd(p);
        break;
    default:
        break;
    }
}
