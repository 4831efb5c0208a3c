/* SPDX-License-Identifier: MIT */
/*
 * Leaf 0xd from the XSAVE features of a policy.  Only the component layout
 * (sizes, offsets, alignment/supervisor flags) comes from the hardware;
 * which components exist, and so every size that depends on them, follows
 * from the features the policy offers.  Only 0xd:1 eax (the Da1 feature
 * word) survives as it was.
 */
#include "policy-derive.h"

/*
 * The XSAVE components Xen 4.17 manages for guests, and the feature each
 * one needs.  x87 and SSE (components 0 and 1) come with XSAVE itself.
 * None is a supervisor (XSS) component.
 */
static const struct {
    unsigned int feature;
    uint64_t components;
} component_features[] = {
    { XFS_AVX, 1ull << 2 },                              /* YMM_Hi128 */
    { XFS_MPX, (1ull << 3) | (1ull << 4) },              /* BNDREGS/CSR */
    { XFS_AVX512F, (1ull << 5) | (1ull << 6) | (1ull << 7) }, /* opmask,
                                                    ZMM_Hi256, Hi16_ZMM */
    { XFS_PKU, 1ull << 9 },                              /* PKRU */
};
#define SUPERVISOR_COMPONENTS 0ull
#define X87_SSE 3ull

static bool has(const uint32_t fs[XFS_NR_WORDS], unsigned int feature)
{
    return xfs_test(fs, XFS_NR_WORDS, feature);
}

static uint64_t enabled_components(const uint32_t fs[XFS_NR_WORDS])
{
    uint64_t comps = X87_SSE;

    for (unsigned int i = 0;
         i < sizeof(component_features) / sizeof(component_features[0]); i++)
        if (has(fs, component_features[i].feature))
            comps |= component_features[i].components;
    return comps;
}

static void zero_xstate(struct xfs_cpu_policy *p)
{
    for (unsigned int i = 0; i < XFS_POLICY_NR_XSTATE; i++)
        p->xstate[i] = (struct xfs_cpuid_regs){ 0, 0, 0, 0 };
}

void xfs_policy_recalc_xstate(struct xfs_cpu_policy *p,
                              const struct xfs_cpu_policy *raw)
{
    uint32_t fs[XFS_NR_WORDS];
    uint32_t da1 = p->xstate[1].a, ecx_mask = 0;
    uint64_t comps, xcr0, xss;

    xfs_policy_to_featureset(p, fs, XFS_NR_WORDS);
    zero_xstate(p);
    p->xstate_assumed = 0;
    if (!has(fs, XFS_XSAVE))
        return;
    comps = enabled_components(fs);
    xcr0 = comps & ~SUPERVISOR_COMPONENTS;
    xss = comps & SUPERVISOR_COMPONENTS;

    /* Subleaf 0: user components and the area they need (ebx, the size
     * for the XCR0 in force, is computed when the guest asks). */
    p->xstate[0].a = (uint32_t)xcr0;
    p->xstate[0].d = (uint32_t)(xcr0 >> 32);
    p->xstate[0].c = xfs_xstate_uncompressed_size(raw, xcr0);

    /* Subleaf 1: the features, and supervisor components with XSAVES.
     * Compacted formats honour the alignment flag (XSAVEC), XSAVES the
     * supervisor flag: a flag is only shown with the instruction using it. */
    p->xstate[1].a = da1;
    if (has(fs, XFS_XSAVEC))
        ecx_mask |= XFS_XSTATE_ECX_ALIGN64;
    if (has(fs, XFS_XSAVES)) {
        ecx_mask |= XFS_XSTATE_ECX_XSS;
        p->xstate[1].c = (uint32_t)xss;
        p->xstate[1].d = (uint32_t)(xss >> 32);
    }

    /* Subleaves 2+: the hardware's layout for each enabled component
     * (with where it came from: read, or the vendor's documented one). */
    for (unsigned int i = 2; i < XFS_POLICY_NR_XSTATE; i++) {
        if (!((comps >> i) & 1))
            continue;
        p->xstate[i].a = raw->xstate[i].a;
        p->xstate[i].b = raw->xstate[i].b;
        p->xstate[i].c = raw->xstate[i].c & ecx_mask;
    }
    p->xstate_assumed = raw->xstate_assumed & comps;
}
