/* SPDX-License-Identifier: MIT */
/*
 * Deep dependencies between features.
 *
 * The table below lists only *direct* relations: "these features cannot be
 * offered without that one".  Clearing a feature must also clear everything
 * that transitively needs it, so the closure is computed once, on first
 * use, into a static table (no allocation; a hypervisor would call this
 * during boot, before any concurrency).
 */
#include "featureset.h"

/* A child at or above WHOLE_WORD names every bit of word (child - WHOLE_WORD). */
#define WHOLE_WORD 0x8000u
#define MAX_CHILDREN 12

struct dep_row {
    uint16_t parent;
    /* Zero-terminated.  Feature 0 (FPU) depends on nothing, so 0 is free. */
    uint16_t child[MAX_CHILDREN + 1];
};

static const struct dep_row direct[] = {
    /* MMX state aliases the x87 registers; error-pointer saving needs x87. */
    { XFS_FPU, { XFS_MMX, XFS_RSTR_FP_ERR_PTRS } },
    { XFS_MMX, { XFS_MMXEXT, XFS_3DNOW } },
    { XFS_3DNOW, { XFS_3DNOWEXT } },
    /* PSE36 only widens PSE superpage addresses. */
    { XFS_PSE, { XFS_PSE36 } },
    /* Everything keyed to the TSC is meaningless without it. */
    { XFS_TSC, { XFS_TSC_DEADLINE, XFS_RDTSCP, XFS_TSC_ADJUST, XFS_ITSC } },
    /* x2APIC, the deadline timer and the extended APIC space need an APIC. */
    { XFS_APIC, { XFS_X2APIC, XFS_TSC_DEADLINE, XFS_EXTAPIC } },
    /* Long mode runs on PAE page tables, and NX lives in PAE entries. */
    { XFS_PAE, { XFS_LM, XFS_NX } },
    /* SMAP is only enforceable with the page-table formats that carry NX. */
    { XFS_NX, { XFS_SMAP } },
    /* Features that only exist, or only make sense, in 64-bit mode. */
    { XFS_LM,
      { XFS_CX16, XFS_PCID, XFS_PAGE1GB, XFS_LAHF_LM, XFS_PKU, XFS_NO_LMSL } },
    /* SSE state is saved by FXSAVE; each SSE generation builds on the last. */
    { XFS_FXSR, { XFS_FFXSR, XFS_SSE } },
    { XFS_SSE, { XFS_SSE2, XFS_MISALIGNSSE } },
    /* 64-bit mode requires SSE2 as its floating point baseline. */
    { XFS_SSE2,
      { XFS_SSE3, XFS_LM, XFS_AESNI, XFS_PCLMULQDQ, XFS_SHA, XFS_GFNI } },
    { XFS_SSE3, { XFS_SSSE3, XFS_SSE4A } },
    { XFS_SSSE3, { XFS_SSE4_1 } },
    { XFS_SSE4_1, { XFS_SSE4_2 } },
    /* Vector forms of scalar instructions need their scalar form... */
    { XFS_PCLMULQDQ, { XFS_VPCLMULQDQ } },
    { XFS_AESNI, { XFS_VAES } },
    /* ...and XSAVE manages all state beyond SSE. */
    { XFS_XSAVE,
      { XFS_XSAVEOPT, XFS_XSAVEC, XFS_XGETBV1, XFS_XSAVES, XFS_AVX, XFS_MPX,
        XFS_PKU, XFS_LWP } },
    { XFS_AVX, { XFS_FMA, XFS_FMA4, XFS_F16C, XFS_AVX2, XFS_XOP } },
    /* 256-bit integer vector extensions are built on AVX2. */
    { XFS_AVX2, { XFS_AVX512F, XFS_VAES, XFS_VPCLMULQDQ, XFS_AVX_VNNI } },
    /* AVX512F provides the 512-bit and mask registers for all AVX-512. */
    { XFS_AVX512F,
      { XFS_AVX512DQ, XFS_AVX512_IFMA, XFS_AVX512PF, XFS_AVX512ER,
        XFS_AVX512CD, XFS_AVX512BW, XFS_AVX512VL, XFS_AVX512_VNNI,
        XFS_AVX512_VPOPCNTDQ, XFS_AVX512_4VNNIW, XFS_AVX512_4FMAPS,
        XFS_AVX512_VP2INTERSECT } },
    /* Byte/word element extensions need 64-bit mask registers (BW). */
    { XFS_AVX512BW,
      { XFS_AVX512_VBMI, XFS_AVX512_VBMI2, XFS_AVX512_BITALG,
        XFS_AVX512_FP16, XFS_AVX512_BF16 } },
    { XFS_RTM, { XFS_TSXLDTRK } },
    /* MSR_SPEC_CTRL / MSR_PRED_CMD controls and the hints about them. */
    { XFS_IBPB, { XFS_IBPB_RET, XFS_SBPB, XFS_IBPB_BRTYPE } },
    { XFS_IBRS,
      { XFS_AMD_STIBP, XFS_IBRS_ALWAYS, XFS_IBRS_FAST, XFS_IBRS_SAME_MODE,
        XFS_AMD_SSBD, XFS_PSFD } },
    { XFS_AMD_STIBP, { XFS_STIBP_ALWAYS } },
    { XFS_IBRSB,
      { XFS_STIBP, XFS_SSBD, XFS_INTEL_PSFD, XFS_IPRED_CTRL, XFS_RRSBA_CTRL,
        XFS_BHI_CTRL, XFS_EIBRS } },
    /* RRSBA describes behaviour that only exists with eIBRS active. */
    { XFS_EIBRS, { XFS_RRSBA } },
    /* The whole of MSR_ARCH_CAPABILITIES hangs off its enumeration bit. */
    { XFS_ARCH_CAPS, { WHOLE_WORD + 16, WHOLE_WORD + 17 } },
};

#define NR_ROWS (sizeof(direct) / sizeof(direct[0]))

static uint32_t closure[NR_ROWS][XFS_NR_WORDS];
static int8_t row_of[XFS_NR_FEATURE_BITS]; /* row index + 1, 0 = none */
static bool ready;

static void add_child(uint32_t *fs, unsigned int child)
{
    if (child >= WHOLE_WORD)
        fs[child - WHOLE_WORD] = ~0u;
    else
        xfs_set(fs, XFS_NR_WORDS, child);
}

/* Fixed point: keep folding each dependent's closure into its parent's. */
static void compute_closure(void)
{
    bool changed = true;

    for (unsigned int r = 0; r < NR_ROWS; r++) {
        row_of[direct[r].parent] = (int8_t)(r + 1);
        for (unsigned int i = 0; direct[r].child[i]; i++)
            add_child(closure[r], direct[r].child[i]);
    }
    while (changed) {
        changed = false;
        for (unsigned int r = 0; r < NR_ROWS; r++)
            for (unsigned int s = 0; s < NR_ROWS; s++) {
                if (!xfs_test(closure[r], XFS_NR_WORDS, direct[s].parent) ||
                    xfs_subset(closure[s], XFS_NR_WORDS, closure[r],
                               XFS_NR_WORDS))
                    continue;
                xfs_or(closure[r], XFS_NR_WORDS, closure[r], XFS_NR_WORDS,
                       closure[s], XFS_NR_WORDS);
                changed = true;
            }
    }
    ready = true;
}

const uint32_t *xfs_lookup_deep_deps(unsigned int feature)
{
    if (!ready)
        compute_closure();
    if (feature >= XFS_NR_FEATURE_BITS || !row_of[feature])
        return NULL;
    return closure[row_of[feature] - 1];
}

void xfs_clear_with_dependents(uint32_t *fs, size_t nr, unsigned int feature)
{
    const uint32_t *deps = xfs_lookup_deep_deps(feature);

    xfs_clear(fs, nr, feature);
    if (deps)
        xfs_andnot(fs, nr, fs, nr, deps, XFS_NR_WORDS);
}

unsigned int xfs_apply_deep_deps(uint32_t *fs, size_t nr)
{
    unsigned int before = xfs_popcount(fs, nr);

    (void)xfs_lookup_deep_deps(0);
    for (unsigned int r = 0; r < NR_ROWS; r++)
        if (!xfs_test(fs, nr, direct[r].parent))
            xfs_andnot(fs, nr, fs, nr, closure[r], XFS_NR_WORDS);
    return before - xfs_popcount(fs, nr);
}

bool xfs_deps_closed(const uint32_t *fs, size_t nr)
{
    (void)xfs_lookup_deep_deps(0);
    for (unsigned int r = 0; r < NR_ROWS; r++) {
        if (xfs_test(fs, nr, direct[r].parent))
            continue;
        for (size_t w = 0; w < nr && w < XFS_NR_WORDS; w++)
            if (fs[w] & closure[r][w])
                return false;
    }
    return true;
}

int xfs_missing_prereq(const uint32_t *fs, size_t nr, unsigned int feature)
{
    int best = -1;
    unsigned int best_n = ~0u;

    /* Of the absent features `feature` needs, the one fewest others need:
     * the nearest, not the root (AVX2 lacks AVX, not XSAVE). */
    for (unsigned int p = 0; p < XFS_NR_FEATURE_BITS; p++) {
        const uint32_t *deps = xfs_lookup_deep_deps(p);
        unsigned int n;

        if (!deps || xfs_test(fs, nr, p) ||
            !xfs_test(deps, XFS_NR_WORDS, feature))
            continue;
        n = xfs_popcount(deps, XFS_NR_WORDS);
        if (n < best_n)
            best = (int)p, best_n = n;
    }
    return best;
}
