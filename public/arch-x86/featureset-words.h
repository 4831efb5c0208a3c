/* SPDX-License-Identifier: MIT */
/*
 * public/arch-x86/featureset-words.h -- where each featureset word comes from.
 *
 * XEN_FEATURESET_WORDS(X) expands X once per word, in word order:
 *
 *     X(INDEX, KEY, SOURCE, LEAF, SUBLEAF, REG)
 *
 * SOURCE is XFS_SRC_CPUID (LEAF/SUBLEAF/REG name a CPUID output register;
 * SUBLEAF is XFS_NO_SUBLEAF for leaves that take none) or XFS_SRC_MSR (LEAF
 * is the MSR index, REG says which 32-bit half).  KEY is the short label
 * Xen's tools print above each word.
 */
#ifndef PUBLIC_ARCH_X86_FEATURESET_WORDS_H
#define PUBLIC_ARCH_X86_FEATURESET_WORDS_H

#include <stdint.h>

#define XFS_NO_SUBLEAF 0xffffffffu

enum xfs_word_source { XFS_SRC_CPUID, XFS_SRC_MSR };

/* CPUID output registers, and the halves of a 64-bit MSR. */
enum xfs_reg { XFS_EAX, XFS_EBX, XFS_ECX, XFS_EDX, XFS_MSR_LO, XFS_MSR_HI };

#define XFS_MSR_ARCH_CAPABILITIES 0x0000010au

/* clang-format off */
#define XEN_FEATURESET_WORDS(X) \
    X( 0, "1d",    XFS_SRC_CPUID, 0x00000001u, XFS_NO_SUBLEAF, XFS_EDX) \
    X( 1, "1c",    XFS_SRC_CPUID, 0x00000001u, XFS_NO_SUBLEAF, XFS_ECX) \
    X( 2, "e1d",   XFS_SRC_CPUID, 0x80000001u, XFS_NO_SUBLEAF, XFS_EDX) \
    X( 3, "e1c",   XFS_SRC_CPUID, 0x80000001u, XFS_NO_SUBLEAF, XFS_ECX) \
    X( 4, "Da1",   XFS_SRC_CPUID, 0x0000000du, 1,              XFS_EAX) \
    X( 5, "7b0",   XFS_SRC_CPUID, 0x00000007u, 0,              XFS_EBX) \
    X( 6, "7c0",   XFS_SRC_CPUID, 0x00000007u, 0,              XFS_ECX) \
    X( 7, "e7d",   XFS_SRC_CPUID, 0x80000007u, XFS_NO_SUBLEAF, XFS_EDX) \
    X( 8, "e8b",   XFS_SRC_CPUID, 0x80000008u, XFS_NO_SUBLEAF, XFS_EBX) \
    X( 9, "7d0",   XFS_SRC_CPUID, 0x00000007u, 0,              XFS_EDX) \
    X(10, "7a1",   XFS_SRC_CPUID, 0x00000007u, 1,              XFS_EAX) \
    X(11, "e21a",  XFS_SRC_CPUID, 0x80000021u, XFS_NO_SUBLEAF, XFS_EAX) \
    X(12, "7b1",   XFS_SRC_CPUID, 0x00000007u, 1,              XFS_EBX) \
    X(13, "7d2",   XFS_SRC_CPUID, 0x00000007u, 2,              XFS_EDX) \
    X(14, "7c1",   XFS_SRC_CPUID, 0x00000007u, 1,              XFS_ECX) \
    X(15, "7d1",   XFS_SRC_CPUID, 0x00000007u, 1,              XFS_EDX) \
    X(16, "m10Al", XFS_SRC_MSR,   XFS_MSR_ARCH_CAPABILITIES, 0, XFS_MSR_LO) \
    X(17, "m10Ah", XFS_SRC_MSR,   XFS_MSR_ARCH_CAPABILITIES, 0, XFS_MSR_HI) \
    X(18, "e21c",  XFS_SRC_CPUID, 0x80000021u, XFS_NO_SUBLEAF, XFS_ECX)
/* clang-format on */

/* Number of words this build knows (Xen 4.17's FEATURESET_NR_ENTRIES). */
#define XFS_COUNT_WORD_(i, k, s, l, sl, r) +1
enum { XFS_NR_WORDS = 0 XEN_FEATURESET_WORDS(XFS_COUNT_WORD_) };
#undef XFS_COUNT_WORD_

#endif /* PUBLIC_ARCH_X86_FEATURESET_WORDS_H */
