/* SPDX-License-Identifier: MIT */
/*
 * Functions libxenguest 4.17 exports but no installed header declares
 * (its x86 policy library).  The tests use them as oracles; one set of
 * declarations, matching the exported symbols.
 */
#ifndef TESTS_HELPERS_LIBXENGUEST_PRIVATE_H
#define TESTS_HELPERS_LIBXENGUEST_PRIVATE_H

#include <stdint.h>

#include "public/arch-x86/cpu-policy-abi.h"

/* Opaque here: only libxenguest looks inside. */
struct cpu_policy;

/* Far larger than libxenguest's struct cpu_policy, for callers' buffers. */
#define XEN_POLICY_BYTES (256 * 1024)

const uint32_t *x86_cpu_policy_lookup_deep_deps(uint32_t feature);
void x86_cpu_policy_fill_native(struct cpu_policy *p);
int x86_cpuid_copy_from_buffer(struct cpu_policy *p,
                               const struct xfs_cpuid_leaf *leaves,
                               uint32_t nr, uint32_t *err_leaf,
                               uint32_t *err_subleaf);
int x86_cpuid_copy_to_buffer(const struct cpu_policy *p,
                             struct xfs_cpuid_leaf *leaves, uint32_t *nr);
int x86_msr_copy_from_buffer(struct cpu_policy *p,
                             const struct xfs_msr_entry *msrs, uint32_t nr,
                             uint32_t *err_msr);
int x86_msr_copy_to_buffer(const struct cpu_policy *p,
                           struct xfs_msr_entry *msrs, uint32_t *nr);
void x86_cpu_policy_clear_out_of_range_leaves(struct cpu_policy *p);
void x86_cpu_policy_to_featureset(const struct cpu_policy *p, uint32_t *fs);
void x86_cpu_featureset_to_policy(const uint32_t *fs, struct cpu_policy *p);
unsigned int x86_cpuid_lookup_vendor(uint32_t ebx, uint32_t ecx, uint32_t edx);

#endif /* TESTS_HELPERS_LIBXENGUEST_PRIVATE_H */
