/* SPDX-License-Identifier: MIT */
/*
 * Facts about CPUID leaves shared by every reader of CPUID data.
 */
#ifndef XEN_LIB_CPUID_LEAVES_H
#define XEN_LIB_CPUID_LEAVES_H

#include <stdbool.h>
#include <stdint.h>

#include "../../public/arch-x86/featureset-words.h"

/* The CPU vendor, from the leaf 0 signature. */
enum xfs_vendor {
    XFS_VENDOR_UNKNOWN,
    XFS_VENDOR_INTEL,    /* "GenuineIntel" */
    XFS_VENDOR_AMD,      /* "AuthenticAMD" */
    XFS_VENDOR_HYGON,    /* "HygonGenuine" */
    XFS_VENDOR_CENTAUR,  /* "CentaurHauls" */
    XFS_VENDOR_SHANGHAI, /* "  Shanghai  " (Zhaoxin) */
};

struct xfs_cpuid_regs {
    uint32_t a, b, c, d;
};

/*
 * Where raw CPUID (and MSR) data comes from: the cpuid instruction, a dump
 * file, a test.  cpuid() must fill *out (zeros for a leaf that does not
 * exist).  rdmsr may be NULL; otherwise it returns 0 and fills *val, or
 * non-zero when the MSR cannot be read.
 */
struct xfs_cpuid_reader {
    void (*cpuid)(void *ctx, uint32_t leaf, uint32_t subleaf,
                  struct xfs_cpuid_regs *out);
    int (*rdmsr)(void *ctx, uint32_t index, uint64_t *val);
    void *ctx;
};

/*
 * True for leaves whose output depends on the subleaf (ECX input), as far
 * as this build knows the architecture.  For every other leaf the
 * processor ignores ECX.  Readers of CPUID data never need this to keep
 * what they read (a dump stores every (leaf, subleaf) it is given); it is
 * for those who ask a leaf and must know whether ECX matters.
 */
bool xfs_leaf_has_subleaves(uint32_t leaf);

/* One register of a regs block by enum xfs_reg (CPUID registers only). */
uint32_t xfs_regs_get(const struct xfs_cpuid_regs *r, enum xfs_reg reg);
void xfs_regs_put(struct xfs_cpuid_regs *r, enum xfs_reg reg, uint32_t v);

#endif /* XEN_LIB_CPUID_LEAVES_H */
