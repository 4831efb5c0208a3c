/* SPDX-License-Identifier: MIT */
/*
 * public/arch-x86/cpufeatureset.h -- the one annotated list of x86 features.
 *
 * THE FEATURESET CONTRACT
 *
 * A featureset is an array of 32-bit words.  Word W, bit B is feature
 * number W*32+B; every word mirrors one CPUID leaf/subleaf register (or one
 * half of an MSR), as listed in featureset-words.h.  The numbering is
 * Xen's public ABI and never changes: words are only ever appended.
 *
 * Featuresets are variable length.  A producer may know more or fewer words
 * than a consumer.  Any operation on two featuresets of different lengths
 * behaves as if the shorter one were extended with zero words; a consumer
 * that receives more words than it knows must treat the extra words as
 * features it does not understand (they are never silently "supported").
 *
 * THE LIST
 *
 * XEN_CPUFEATURE_LIST(X, c) expands X once per feature as
 *
 *     X(c, NAME, WORD, BIT, GUEST, FLAGS, "description")
 *
 * with `c` passed through untouched so that callers can thread context
 * (a word number, a mask kind) into constant expressions.
 *
 * GUEST says which guests may see the feature, and whether by default:
 *     A / a   every guest type (PV and HVM)
 *     S / s   HVM guests only (shadow or HAP paging)
 *     H / h   HVM guests using hardware-assisted paging only
 *     _       no guest ever sees it
 *   An upper-case letter puts the feature in the default policy; lower case
 *   makes it opt-in (in the max policy only).
 *
 * FLAGS:
 *   XCF_SPECIAL   the bit is not a plain "this capability exists" flag; Xen
 *                 computes it itself and may override what the toolstack
 *                 asked for.
 *   XCF_INVERTED  the bit being set means LESS capability for software
 *                 (a behaviour was removed or a weakness exists).  When
 *                 levelling several hosts the safe answer is the union of
 *                 such bits, not the intersection.
 *
 * LEVELLING, BIT BY BIT
 *
 * A pool level is what a guest may see on every host of the pool.  An
 * ordinary bit promises something, so it survives only if every host has
 * it.  An XCF_INVERTED bit warns of something, so it is set on the level as
 * soon as one host has it: a guest that may run there must be told.  The
 * bits that carry XCF_INVERTED, and why:
 *   FDP_EXCP_ONLY  x87 FDP/FDS are written only when an unmasked exception
 *                  is pending; software reading them at other times gets
 *                  stale values.  A removed behaviour.
 *   NO_FPU_SEL     x87 FCS/FDS are deprecated and read back as zero.  A
 *                  removed behaviour.
 *   RSBA           on RSB underflow RET may take its target from the
 *                  indirect predictor.  A weakness that decides which
 *                  mitigation (RSB stuffing, retpoline) the guest needs.
 *   RRSBA          the same weakness while eIBRS is in force.  It depends
 *                  on EIBRS: a level that loses EIBRS cannot carry RRSBA,
 *                  so the level states the weakness as RSBA instead (the
 *                  hardware behaves that way without eIBRS) rather than
 *                  dropping it.
 * Bits considered and kept ordinary:
 *   *_NO bits (RDCL_NO, MDS_NO, GDS_NO, SRSO_NO, ...) promise the ABSENCE of
 *     a weakness; a promise holds on the pool only if every host makes it.
 *   NO_LMSL reads as a removal, but Xen does not let guests set
 *     EFER.LMSLE on any host, so no guest depends on the bit being unioned.
 *   RTM_ALWAYS_ABORT and TSX_FORCE_ABORT are never shown to guests; their
 *     effect reaches the guest as RTM being absent, which intersects.
 * Deep dependencies are applied to the level after this (an inverted bit
 * whose prerequisite is levelled away is reported, not silently lost).
 *
 * Nothing else in the project lists features: names, masks and the
 * dependency table are all derived from this macro.
 */
#ifndef PUBLIC_ARCH_X86_CPUFEATURESET_H
#define PUBLIC_ARCH_X86_CPUFEATURESET_H

#define XCF_SPECIAL  (1u << 0)
#define XCF_INVERTED (1u << 1)

/* clang-format off */
#define XEN_CPUFEATURE_LIST(X, c) \
    /* word 0 */ \
    X(c, FPU,                  0,  0, A, 0,           "TODO") \
    X(c, VME,                  0,  1, S, 0,           "TODO") \
    X(c, DE,                   0,  2, A, 0,           "TODO") \
    X(c, PSE,                  0,  3, S, 0,           "TODO") \
    X(c, TSC,                  0,  4, A, 0,           "TODO") \
    X(c, MSR,                  0,  5, A, 0,           "TODO") \
    X(c, PAE,                  0,  6, A, 0,           "TODO") \
    X(c, MCE,                  0,  7, A, 0,           "TODO") \
    X(c, CX8,                  0,  8, A, 0,           "TODO") \
    X(c, APIC,                 0,  9, A, XCF_SPECIAL, "TODO") \
    X(c, SEP,                  0, 11, A, 0,           "TODO") \
    X(c, MTRR,                 0, 12, S, 0,           "TODO") \
    X(c, PGE,                  0, 13, S, 0,           "TODO") \
    X(c, MCA,                  0, 14, A, 0,           "TODO") \
    X(c, CMOV,                 0, 15, A, 0,           "TODO") \
    X(c, PAT,                  0, 16, A, 0,           "TODO") \
    X(c, PSE36,                0, 17, S, 0,           "TODO") \
    X(c, CLFLUSH,              0, 19, A, 0,           "TODO") \
    X(c, DS,                   0, 21, _, 0,           "TODO") \
    X(c, ACPI,                 0, 22, A, 0,           "TODO") \
    X(c, MMX,                  0, 23, A, 0,           "TODO") \
    X(c, FXSR,                 0, 24, A, 0,           "TODO") \
    X(c, SSE,                  0, 25, A, 0,           "TODO") \
    X(c, SSE2,                 0, 26, A, 0,           "TODO") \
    X(c, SS,                   0, 27, A, 0,           "TODO") \
    X(c, HTT,                  0, 28, A, XCF_SPECIAL, "TODO") \
    X(c, TM1,                  0, 29, _, 0,           "TODO") \
    X(c, PBE,                  0, 31, _, 0,           "TODO") \
    /* word 1 */ \
    X(c, SSE3,                 1,  0, A, 0,           "TODO") \
    X(c, PCLMULQDQ,            1,  1, A, 0,           "TODO") \
    X(c, DTES64,               1,  2, _, 0,           "TODO") \
    X(c, MONITOR,              1,  3, _, 0,           "TODO") \
    X(c, DSCPL,                1,  4, _, 0,           "TODO") \
    X(c, VMX,                  1,  5, h, 0,           "TODO") \
    X(c, SMX,                  1,  6, _, 0,           "TODO") \
    X(c, EIST,                 1,  7, _, 0,           "TODO") \
    X(c, TM2,                  1,  8, _, 0,           "TODO") \
    X(c, SSSE3,                1,  9, A, 0,           "TODO") \
    X(c, FMA,                  1, 12, A, 0,           "TODO") \
    X(c, CX16,                 1, 13, A, 0,           "TODO") \
    X(c, XTPR,                 1, 14, _, 0,           "TODO") \
    X(c, PDCM,                 1, 15, _, 0,           "TODO") \
    X(c, PCID,                 1, 17, H, 0,           "TODO") \
    X(c, DCA,                  1, 18, _, 0,           "TODO") \
    X(c, SSE4_1,               1, 19, A, 0,           "TODO") \
    X(c, SSE4_2,               1, 20, A, 0,           "TODO") \
    X(c, X2APIC,               1, 21, S, XCF_SPECIAL, "TODO") \
    X(c, MOVBE,                1, 22, A, 0,           "TODO") \
    X(c, POPCNT,               1, 23, A, 0,           "TODO") \
    X(c, TSC_DEADLINE,         1, 24, S, 0,           "TODO") \
    X(c, AESNI,                1, 25, A, 0,           "TODO") \
    X(c, XSAVE,                1, 26, A, 0,           "TODO") \
    X(c, OSXSAVE,              1, 27, _, XCF_SPECIAL, "TODO") \
    X(c, AVX,                  1, 28, A, 0,           "TODO") \
    X(c, F16C,                 1, 29, A, 0,           "TODO") \
    X(c, RDRAND,               1, 30, A, XCF_SPECIAL, "TODO") \
    X(c, HYPERVISOR,           1, 31, A, XCF_SPECIAL, "TODO") \
    /* word 2 */ \
    X(c, SYSCALL,              2, 11, A, 0,           "TODO") \
    X(c, NX,                   2, 20, A, 0,           "TODO") \
    X(c, MMXEXT,               2, 22, A, 0,           "TODO") \
    X(c, FFXSR,                2, 25, A, 0,           "TODO") \
    X(c, PAGE1GB,              2, 26, H, 0,           "TODO") \
    X(c, RDTSCP,               2, 27, A, 0,           "TODO") \
    X(c, LM,                   2, 29, A, 0,           "TODO") \
    X(c, 3DNOWEXT,             2, 30, A, 0,           "TODO") \
    X(c, 3DNOW,                2, 31, A, 0,           "TODO") \
    /* word 3 */ \
    X(c, LAHF_LM,              3,  0, A, 0,           "TODO") \
    X(c, CMP_LEGACY,           3,  1, A, XCF_SPECIAL, "TODO") \
    X(c, SVM,                  3,  2, h, 0,           "TODO") \
    X(c, EXTAPIC,              3,  3, _, 0,           "TODO") \
    X(c, CR8_LEGACY,           3,  4, S, 0,           "TODO") \
    X(c, ABM,                  3,  5, A, 0,           "TODO") \
    X(c, SSE4A,                3,  6, A, 0,           "TODO") \
    X(c, MISALIGNSSE,          3,  7, A, 0,           "TODO") \
    X(c, 3DNOWPREFETCH,        3,  8, A, 0,           "TODO") \
    X(c, OSVW,                 3,  9, _, 0,           "TODO") \
    X(c, IBS,                  3, 10, _, 0,           "TODO") \
    X(c, XOP,                  3, 11, A, 0,           "TODO") \
    X(c, SKINIT,               3, 12, _, 0,           "TODO") \
    X(c, WDT,                  3, 13, _, 0,           "TODO") \
    X(c, LWP,                  3, 15, _, 0,           "TODO") \
    X(c, FMA4,                 3, 16, A, 0,           "TODO") \
    X(c, NODEID_MSR,           3, 19, _, 0,           "TODO") \
    X(c, TBM,                  3, 21, A, 0,           "TODO") \
    X(c, TOPOEXT,              3, 22, _, 0,           "TODO") \
    X(c, DBEXT,                3, 26, A, 0,           "TODO") \
    X(c, MONITORX,             3, 29, _, 0,           "TODO") \
    /* word 4 */ \
    X(c, XSAVEOPT,             4,  0, A, 0,           "TODO") \
    X(c, XSAVEC,               4,  1, A, 0,           "TODO") \
    X(c, XGETBV1,              4,  2, A, 0,           "TODO") \
    X(c, XSAVES,               4,  3, S, 0,           "TODO") \
    /* word 5 */ \
    X(c, FSGSBASE,             5,  0, A, 0,           "TODO") \
    X(c, TSC_ADJUST,           5,  1, S, 0,           "TODO") \
    X(c, SGX,                  5,  2, _, 0,           "TODO") \
    X(c, BMI1,                 5,  3, A, 0,           "TODO") \
    X(c, HLE,                  5,  4, a, XCF_SPECIAL, "TODO") \
    X(c, AVX2,                 5,  5, A, 0,           "TODO") \
    X(c, FDP_EXCP_ONLY,        5,  6, _, XCF_SPECIAL | XCF_INVERTED, "TODO") \
    X(c, SMEP,                 5,  7, S, 0,           "TODO") \
    X(c, BMI2,                 5,  8, A, 0,           "TODO") \
    X(c, ERMS,                 5,  9, A, 0,           "TODO") \
    X(c, INVPCID,              5, 10, H, 0,           "TODO") \
    X(c, RTM,                  5, 11, A, XCF_SPECIAL, "TODO") \
    X(c, PQM,                  5, 12, _, 0,           "TODO") \
    X(c, NO_FPU_SEL,           5, 13, _, XCF_SPECIAL | XCF_INVERTED, "TODO") \
    X(c, MPX,                  5, 14, s, 0,           "TODO") \
    X(c, PQE,                  5, 15, _, 0,           "TODO") \
    X(c, AVX512F,              5, 16, A, 0,           "TODO") \
    X(c, AVX512DQ,             5, 17, A, 0,           "TODO") \
    X(c, RDSEED,               5, 18, A, 0,           "TODO") \
    X(c, ADX,                  5, 19, A, 0,           "TODO") \
    X(c, SMAP,                 5, 20, S, 0,           "TODO") \
    X(c, AVX512_IFMA,          5, 21, A, 0,           "TODO") \
    X(c, CLFLUSHOPT,           5, 23, A, 0,           "TODO") \
    X(c, CLWB,                 5, 24, A, XCF_SPECIAL, "TODO") \
    X(c, PROC_TRACE,           5, 25, _, 0,           "TODO") \
    X(c, AVX512PF,             5, 26, A, 0,           "TODO") \
    X(c, AVX512ER,             5, 27, A, 0,           "TODO") \
    X(c, AVX512CD,             5, 28, A, 0,           "TODO") \
    X(c, SHA,                  5, 29, A, 0,           "TODO") \
    X(c, AVX512BW,             5, 30, A, 0,           "TODO") \
    X(c, AVX512VL,             5, 31, A, 0,           "TODO") \
    /* word 6 */ \
    X(c, PREFETCHWT1,          6,  0, A, 0,           "TODO") \
    X(c, AVX512_VBMI,          6,  1, A, 0,           "TODO") \
    X(c, UMIP,                 6,  2, S, 0,           "TODO") \
    X(c, PKU,                  6,  3, H, 0,           "TODO") \
    X(c, OSPKE,                6,  4, _, XCF_SPECIAL, "TODO") \
    X(c, AVX512_VBMI2,         6,  6, A, 0,           "TODO") \
    X(c, CET_SS,               6,  7, _, 0,           "TODO") \
    X(c, GFNI,                 6,  8, A, 0,           "TODO") \
    X(c, VAES,                 6,  9, A, 0,           "TODO") \
    X(c, VPCLMULQDQ,           6, 10, A, 0,           "TODO") \
    X(c, AVX512_VNNI,          6, 11, A, 0,           "TODO") \
    X(c, AVX512_BITALG,        6, 12, A, 0,           "TODO") \
    X(c, AVX512_VPOPCNTDQ,     6, 14, A, 0,           "TODO") \
    X(c, RDPID,                6, 22, A, 0,           "TODO") \
    X(c, CLDEMOTE,             6, 25, A, 0,           "TODO") \
    X(c, MOVDIRI,              6, 27, a, 0,           "TODO") \
    X(c, MOVDIR64B,            6, 28, a, 0,           "TODO") \
    X(c, ENQCMD,               6, 29, _, 0,           "TODO") \
    /* word 7 */ \
    X(c, HW_PSTATE,            7,  7, _, 0,           "TODO") \
    X(c, ITSC,                 7,  8, a, 0,           "TODO") \
    X(c, CPB,                  7,  9, _, 0,           "TODO") \
    X(c, EFRO,                 7, 10, _, 0,           "TODO") \
    /* word 8 */ \
    X(c, CLZERO,               8,  0, A, 0,           "TODO") \
    X(c, RSTR_FP_ERR_PTRS,     8,  2, A, 0,           "TODO") \
    X(c, WBNOINVD,             8,  9, _, 0,           "TODO") \
    X(c, IBPB,                 8, 12, A, 0,           "TODO") \
    X(c, IBRS,                 8, 14, S, 0,           "TODO") \
    X(c, AMD_STIBP,            8, 15, S, 0,           "TODO") \
    X(c, IBRS_ALWAYS,          8, 16, S, 0,           "TODO") \
    X(c, STIBP_ALWAYS,         8, 17, S, 0,           "TODO") \
    X(c, IBRS_FAST,            8, 18, S, 0,           "TODO") \
    X(c, IBRS_SAME_MODE,       8, 19, S, 0,           "TODO") \
    X(c, NO_LMSL,              8, 20, S, 0,           "TODO") \
    X(c, AMD_PPIN,             8, 23, _, 0,           "TODO") \
    X(c, AMD_SSBD,             8, 24, S, 0,           "TODO") \
    X(c, VIRT_SSBD,            8, 25, _, XCF_SPECIAL, "TODO") \
    X(c, SSB_NO,               8, 26, A, 0,           "TODO") \
    X(c, PSFD,                 8, 28, S, 0,           "TODO") \
    X(c, BTC_NO,               8, 29, A, 0,           "TODO") \
    X(c, IBPB_RET,             8, 30, A, 0,           "TODO") \
    /* word 9 */ \
    X(c, AVX512_4VNNIW,        9,  2, A, 0,           "TODO") \
    X(c, AVX512_4FMAPS,        9,  3, A, 0,           "TODO") \
    X(c, FSRM,                 9,  4, A, 0,           "TODO") \
    X(c, AVX512_VP2INTERSECT,  9,  8, a, 0,           "TODO") \
    X(c, SRBDS_CTRL,           9,  9, _, 0,           "TODO") \
    X(c, MD_CLEAR,             9, 10, A, XCF_SPECIAL, "TODO") \
    X(c, RTM_ALWAYS_ABORT,     9, 11, _, XCF_SPECIAL, "TODO") \
    X(c, TSX_FORCE_ABORT,      9, 13, _, 0,           "TODO") \
    X(c, SERIALIZE,            9, 14, A, 0,           "TODO") \
    X(c, HYBRID,               9, 15, _, 0,           "TODO") \
    X(c, TSXLDTRK,             9, 16, a, 0,           "TODO") \
    X(c, CET_IBT,              9, 20, _, 0,           "TODO") \
    X(c, AVX512_FP16,          9, 23, _, 0,           "TODO") \
    X(c, IBRSB,                9, 26, A, 0,           "TODO") \
    X(c, STIBP,                9, 27, A, 0,           "TODO") \
    X(c, L1D_FLUSH,            9, 28, S, 0,           "TODO") \
    X(c, ARCH_CAPS,            9, 29, A, XCF_SPECIAL, "TODO") \
    X(c, CORE_CAPS,            9, 30, _, 0,           "TODO") \
    X(c, SSBD,                 9, 31, A, 0,           "TODO") \
    /* word 10 */ \
    X(c, AVX_VNNI,            10,  4, A, 0,           "TODO") \
    X(c, AVX512_BF16,         10,  5, A, 0,           "TODO") \
    X(c, FZRM,                10, 10, A, 0,           "TODO") \
    X(c, FSRS,                10, 11, A, 0,           "TODO") \
    X(c, FSRCS,               10, 12, A, 0,           "TODO") \
    /* word 11 */ \
    X(c, LFENCE_DISPATCH,     11,  2, A, 0,           "TODO") \
    X(c, VERW_CLEAR,          11,  5, A, XCF_SPECIAL, "TODO") \
    X(c, NSCB,                11,  6, A, 0,           "TODO") \
    X(c, AUTO_IBRS,           11,  8, _, 0,           "TODO") \
    X(c, SBPB,                11, 27, A, 0,           "TODO") \
    X(c, IBPB_BRTYPE,         11, 28, A, 0,           "TODO") \
    X(c, SRSO_NO,             11, 29, A, 0,           "TODO") \
    X(c, SRSO_US_NO,          11, 30, A, XCF_SPECIAL, "TODO") \
    X(c, SRSO_MSR_FIX,        11, 31, _, 0,           "TODO") \
    /* word 12 */ \
    X(c, INTEL_PPIN,          12,  0, _, 0,           "TODO") \
    /* word 13 */ \
    X(c, INTEL_PSFD,          13,  0, A, 0,           "TODO") \
    X(c, IPRED_CTRL,          13,  1, S, 0,           "TODO") \
    X(c, RRSBA_CTRL,          13,  2, S, 0,           "TODO") \
    X(c, BHI_CTRL,            13,  4, S, 0,           "TODO") \
    X(c, MCDT_NO,             13,  5, A, 0,           "TODO") \
    /* word 15 */ \
    X(c, CET_SSS,             15, 18, _, 0,           "TODO") \
    /* word 16 */ \
    X(c, RDCL_NO,             16,  0, A, 0,           "TODO") \
    X(c, EIBRS,               16,  1, A, 0,           "TODO") \
    X(c, RSBA,                16,  2, _, XCF_SPECIAL | XCF_INVERTED, "TODO") \
    X(c, SKIP_L1DFL,          16,  3, _, 0,           "TODO") \
    X(c, INTEL_SSB_NO,        16,  4, A, 0,           "TODO") \
    X(c, MDS_NO,              16,  5, A, 0,           "TODO") \
    X(c, IF_PSCHANGE_MC_NO,   16,  6, A, 0,           "TODO") \
    X(c, TSX_CTRL,            16,  7, _, 0,           "TODO") \
    X(c, TAA_NO,              16,  8, A, 0,           "TODO") \
    X(c, MCU_CTRL,            16,  9, _, 0,           "TODO") \
    X(c, MISC_PKG_CTRL,       16, 10, _, 0,           "TODO") \
    X(c, ENERGY_FILTERING,    16, 11, _, 0,           "TODO") \
    X(c, DOITM,               16, 12, _, 0,           "TODO") \
    X(c, SBDR_SSDP_NO,        16, 13, A, 0,           "TODO") \
    X(c, FBSDP_NO,            16, 14, A, 0,           "TODO") \
    X(c, PSDP_NO,             16, 15, A, 0,           "TODO") \
    X(c, FB_CLEAR,            16, 17, A, XCF_SPECIAL, "TODO") \
    X(c, FB_CLEAR_CTRL,       16, 18, _, 0,           "TODO") \
    X(c, RRSBA,               16, 19, _, XCF_SPECIAL | XCF_INVERTED, "TODO") \
    X(c, BHI_NO,              16, 20, A, 0,           "TODO") \
    X(c, XAPIC_STATUS,        16, 21, _, 0,           "TODO") \
    X(c, OVRCLK_STATUS,       16, 23, _, 0,           "TODO") \
    X(c, PBRSB_NO,            16, 24, A, 0,           "TODO") \
    X(c, GDS_CTRL,            16, 25, _, 0,           "TODO") \
    X(c, GDS_NO,              16, 26, A, 0,           "TODO") \
    X(c, RFDS_NO,             16, 27, A, 0,           "TODO") \
    X(c, RFDS_CLEAR,          16, 28, A, XCF_SPECIAL, "TODO") \
    /* word 17 */ \
    X(c, ITS_NO,              17, 30, A, XCF_SPECIAL, "TODO") \
    /* word 18 */ \
    X(c, TSA_SQ_NO,           18,  1, A, 0,           "TODO") \
    X(c, TSA_L1_NO,           18,  2, A, 0,           "TODO") \
    /* end of list */

/* clang-format on */

/* Feature numbers: XFS_<NAME> = word * 32 + bit. */
#define XCF_ENUM_ENTRY_(c, name, w, b, g, f, d) XFS_##name = (w) * 32 + (b),
enum xfs_feature {
    XEN_CPUFEATURE_LIST(XCF_ENUM_ENTRY_, 0)
};
#undef XCF_ENUM_ENTRY_

#endif /* PUBLIC_ARCH_X86_CPUFEATURESET_H */
