/* SPDX-License-Identifier: MIT */
/*
 * A synthetic CPU for the hypervisor-side tests: a table of CPUID leaves
 * and an optional MSR_ARCH_CAPABILITIES, served through an
 * xfs_cpuid_reader that also counts queries past the limits the CPU
 * advertises (which the raw reader must never make).
 */
#ifndef TESTS_HELPERS_XEN_FAKE_CPU_H
#define TESTS_HELPERS_XEN_FAKE_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include "public/arch-x86/cpu-policy-abi.h"
#include "xen/lib/cpuid-leaves.h"

#define XT_FAKE_MAX_LEAVES 128

struct xt_fake_cpu {
    /* Leaves without subleaves are stored with subleaf 0. */
    struct xfs_cpuid_leaf leaf[XT_FAKE_MAX_LEAVES];
    unsigned int nr;
    bool msr_readable;     /* rdmsr succeeds (when the reader has one) */
    uint64_t arch_caps;    /* MSR_ARCH_CAPABILITIES */
    /* What the code under test did. */
    unsigned int queries, out_of_range, msr_reads;
    uint32_t bad_leaf, bad_subleaf;
};

/* Leaf 0 (max 0, the 12-character vendor) and a valid, empty 0x80000000. */
void xt_fake_init(struct xt_fake_cpu *c, const char *vendor);

/* Replace the vendor signature of leaf 0. */
void xt_fake_set_vendor(struct xt_fake_cpu *c, const char *vendor);

/* The registers of (leaf, subleaf), created zeroed if absent; creating a
 * leaf raises the matching limit (leaf 0, 0x80000000 or 7.0 eax). */
struct xfs_cpuid_regs *xt_fake_regs(struct xt_fake_cpu *c, uint32_t leaf,
                                    uint32_t subleaf);

/* Set one feature bit where the word table says it lives (MSR features
 * set the bit in arch_caps and make the MSR readable). */
void xt_fake_feature(struct xt_fake_cpu *c, unsigned int feature);

/* Lookup as a reader does: exact subleaf only for leaves that have them. */
const struct xfs_cpuid_leaf *xt_leaf_find(const struct xfs_cpuid_leaf *l,
                                          unsigned int nr, uint32_t leaf,
                                          uint32_t subleaf);

/* Whether a query of (leaf, subleaf) is within the limits the table's
 * leaf 0, 0x80000000 and 7.0 advertise. */
bool xt_leaf_in_range(const struct xfs_cpuid_leaf *l, unsigned int nr,
                      uint32_t leaf, uint32_t sub);

/* Wraps another reader, counting queries past the limits of table l. */
struct xt_guard {
    struct xfs_cpuid_reader inner;
    const struct xfs_cpuid_leaf *l;
    unsigned int nr;
    unsigned int out_of_range;
    uint32_t bad_leaf, bad_subleaf;
};
void xt_guard_reader(struct xt_guard *g, struct xfs_cpuid_reader *rd);

/* A reader over the fake CPU; with_rdmsr = false gives rdmsr == NULL. */
void xt_fake_reader(struct xt_fake_cpu *c, struct xfs_cpuid_reader *rd,
                    bool with_rdmsr);

/* Vendor strings. */
#define XT_INTEL "GenuineIntel"
#define XT_AMD "AuthenticAMD"
#define XT_HYGON "HygonGenuine"
#define XT_CENTAUR "CentaurHauls"
#define XT_SHANGHAI "  Shanghai  "

/* Ready-made CPUs (fill a freshly declared struct). */
void xt_fake_intel_server(struct xt_fake_cpu *c); /* Skylake-SP like */
void xt_fake_amd_server(struct xt_fake_cpu *c);   /* Zen 2 like */

#endif
