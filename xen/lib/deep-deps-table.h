/* SPDX-License-Identifier: MIT */
/*
 * xen/lib/deep-deps-table.h -- the direct dependencies between features.
 *
 * Each row says "these features cannot be offered without that one".  Only
 * direct relations are listed: the transitive closure is computed when the
 * project is built (xen/tools/gen-deep-deps.c writes it as constant data,
 * and fails the build when the relation has a cycle), so xen/ keeps no
 * mutable state for it.  Included by the generator only.
 */
#ifndef XEN_LIB_DEEP_DEPS_TABLE_H
#define XEN_LIB_DEEP_DEPS_TABLE_H

#include <stdint.h>

#include "../../public/arch-x86/cpufeatureset.h"

/* A child at or above XFS_DEP_WHOLE_WORD names every bit of word
 * (child - XFS_DEP_WHOLE_WORD). */
#define XFS_DEP_WHOLE_WORD 0x8000u
#define XFS_DEP_MAX_CHILDREN 12

struct xfs_dep_row {
    uint16_t parent;
    /* Zero-terminated.  Feature 0 (FPU) depends on nothing, so 0 is free. */
    uint16_t child[XFS_DEP_MAX_CHILDREN + 1];
};

static const struct xfs_dep_row xfs_deps_direct[] = {
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
    { XFS_ARCH_CAPS, { XFS_DEP_WHOLE_WORD + 16, XFS_DEP_WHOLE_WORD + 17 } },
};

#endif /* XEN_LIB_DEEP_DEPS_TABLE_H */
