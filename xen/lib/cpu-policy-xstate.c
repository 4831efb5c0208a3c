/* SPDX-License-Identifier: MIT */
/*
 * XSAVE area arithmetic from leaf 0xd: each component i >= 2 reports its
 * size (eax) and, for user components, its offset in the non-compacted
 * format (ebx).  Components 0 and 1 (x87, SSE) live in the 512-byte legacy
 * region, which the 64-byte XSAVE header follows.
 *
 * Many CPUID dumps carry leaf 0xd subleaf 0 (which components exist, and
 * the area they need) but not the per-component subleaves.  For those the
 * layout the vendor documents is used instead of an unknown (zero) one,
 * so that comparisons between hosts refuse only real differences.
 */
#include "cpu-policy.h"

uint32_t xfs_xstate_uncompressed_size(const struct xfs_cpu_policy *layout,
                                      uint64_t components)
{
    uint32_t size = XFS_XSTATE_LEGACY_SIZE;

    for (unsigned int i = 2; i < XFS_POLICY_NR_XSTATE; i++) {
        const struct xfs_cpuid_regs *c = &layout->xstate[i];
        uint32_t end;

        if (!((components >> i) & 1))
            continue;
        end = c->b + c->a;
        if (end > size)
            size = end;
    }
    return size;
}

/*
 * User components in the standard (non-compacted) format: size, offset and
 * the subleaf's ecx flags, as each vendor lays them out.  Sizes follow from
 * the state each component holds; offsets are the vendor's choice.
 *
 * Intel (SDM vol. 1, "XSAVE-Supported Features and State-Component
 * Bitmaps"; every Intel CPU with the component uses these, and Zhaoxin's
 * follow them): every component at a fixed place, MPX's included.
 *
 * AMD (APM vol. 2, "XSAVE/XRSTOR"; Zen 3 and later): no MPX, so AVX-512
 * follows AVX directly and PKRU follows AVX-512; LWP (Bulldozer family)
 * shares its place with the AVX-512 opmask.  Zen 2 reports PKRU as 64
 * bytes at 832: the check against 0xd:0 ecx in
 * xfs_xstate_fill_architectural keeps such a CPU's PKRU layout unknown.
 */
struct arch_component {
    uint8_t comp;
    uint32_t size, offset, ecx;
};

static const struct arch_component intel_layout[] = {
    { 2, 256, 576, 0 },                          /* AVX: YMM_Hi128 */
    { 3, 64, 960, 0 },                           /* MPX: BNDREGS */
    { 4, 64, 1024, 0 },                          /* MPX: BNDCSR */
    { 5, 64, 1088, 0 },                          /* AVX-512: opmask */
    { 6, 512, 1152, 0 },                         /* AVX-512: ZMM_Hi256 */
    { 7, 1024, 1664, 0 },                        /* AVX-512: Hi16_ZMM */
    { 9, 8, 2688, 0 },                           /* PKRU */
    { 17, 64, 2752, XFS_XSTATE_ECX_ALIGN64 },    /* AMX: XTILECFG */
    { 18, 8192, 2816, XFS_XSTATE_ECX_ALIGN64 },  /* AMX: XTILEDATA */
};

static const struct arch_component amd_layout[] = {
    { 2, 256, 576, 0 },                          /* AVX: YMM_Hi128 */
    { 5, 64, 832, 0 },                           /* AVX-512: opmask */
    { 6, 512, 896, 0 },                          /* AVX-512: ZMM_Hi256 */
    { 7, 1024, 1408, 0 },                        /* AVX-512: Hi16_ZMM */
    { 9, 8, 2432, 0 },                           /* PKRU */
    { 62, 128, 832, 0 },                         /* LWP */
};

#define NR_OF(a) (sizeof(a) / sizeof((a)[0]))

bool xfs_xstate_arch_layout(enum xfs_vendor vendor, unsigned int component,
                            struct xfs_cpuid_regs *out)
{
    const struct arch_component *t;
    unsigned int n;

    switch (vendor) {
    case XFS_VENDOR_INTEL:
    case XFS_VENDOR_CENTAUR:
    case XFS_VENDOR_SHANGHAI:
        t = intel_layout;
        n = NR_OF(intel_layout);
        break;
    case XFS_VENDOR_AMD:
    case XFS_VENDOR_HYGON:
        t = amd_layout;
        n = NR_OF(amd_layout);
        break;
    default:
        return false;
    }
    for (unsigned int i = 0; i < n; i++)
        if (t[i].comp == component) {
            *out = (struct xfs_cpuid_regs){ t[i].size, t[i].offset,
                                            t[i].ecx, 0 };
            return true;
        }
    return false;
}

/* A user component's area, when its subleaf states one. */
static bool known(const struct xfs_cpu_policy *p, unsigned int i)
{
    return p->xstate[i].a != 0;
}

static bool overlaps(const struct xfs_cpuid_regs *x,
                     const struct xfs_cpuid_regs *y)
{
    return x->b < y->b + y->a && y->b < x->b + x->a;
}

/*
 * Do the filled components fit what the CPU itself says?  None may start
 * inside the legacy area and header or overlap another component, and the
 * area they make up with the stated ones must be the size 0xd:0 ecx gives
 * for all of XCR0 (no larger, while some component is still unknown).
 */
static bool consistent(const struct xfs_cpu_policy *p, uint64_t xcr0,
                       uint64_t filled)
{
    uint32_t total = p->xstate[0].c, size;
    bool all_known = true;

    for (unsigned int i = 2; i < XFS_POLICY_NR_XSTATE; i++) {
        if (!((xcr0 >> i) & 1))
            continue;
        if (!known(p, i)) {
            all_known = false;
            continue;
        }
        if (!((filled >> i) & 1))
            continue;
        if (p->xstate[i].b < XFS_XSTATE_LEGACY_SIZE)
            return false;
        for (unsigned int j = 2; j < XFS_POLICY_NR_XSTATE; j++)
            if (j != i && ((xcr0 >> j) & 1) && known(p, j) &&
                overlaps(&p->xstate[i], &p->xstate[j]))
                return false;
    }
    if (!total)
        return true;
    size = xfs_xstate_uncompressed_size(p, xcr0);
    return all_known ? size == total : size <= total;
}

uint64_t xfs_xstate_fill_architectural(struct xfs_cpu_policy *p)
{
    uint64_t xcr0 = xfs_policy_xcr0(p), filled = 0;

    /*
     * One component at a time, lowest first, each kept only if the whole
     * still agrees with the CPU: a layout the vendor changed later (Zen 2's
     * PKRU) stays unknown without taking the others with it.
     */
    for (unsigned int i = 2; i < XFS_POLICY_NR_XSTATE; i++) {
        struct xfs_cpuid_regs *r = &p->xstate[i];

        if (!((xcr0 >> i) & 1) || (r->a | r->b | r->c | r->d) ||
            !xfs_xstate_arch_layout(p->vendor, i, r))
            continue;
        if (consistent(p, xcr0, filled | 1ull << i))
            filled |= 1ull << i;
        else
            *r = (struct xfs_cpuid_regs){ 0, 0, 0, 0 };
    }
    p->xstate_assumed = filled;
    return filled;
}
