/* SPDX-License-Identifier: MIT */
/*
 * Checks shared by the hypervisor-side tests: the raw featureset computed
 * straight from a table of leaves, and the invariants every derivation
 * must satisfy.  Failures are reported through cmocka (fail_msg).
 */
#ifndef TESTS_HELPERS_XEN_FS_CHECK_H
#define TESTS_HELPERS_XEN_FS_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "public/arch-x86/cpu-policy-abi.h"
#include "xen/arch/featuresets.h"

/*
 * The raw featureset a table of leaves describes: each word's register if
 * its leaf is within the CPU's advertised limits, the MSR words when
 * 7.0.edx advertises ARCH_CAPS and the MSR value is available (msr != NULL).
 */
void xt_raw_from_leaves(const struct xfs_cpuid_leaf *l, unsigned int nr,
                        const uint64_t *arch_caps, uint32_t raw[XFS_NR_WORDS]);

/* Every invariant of featuresets.h for one derivation; `what` names the
 * input in failure messages. */
void xt_check_invariants(const struct xfs_system_featuresets *s,
                         const struct xfs_hv_options *o, const char *what);

/* Fail unless fs[w] == want[w] for every word, naming the differing bits. */
void xt_assert_fs_equal(const uint32_t *fs, const uint32_t *want,
                        const char *what);

/* Bit helpers over XFS_NR_WORDS sets. */
bool xt_has(const uint32_t *fs, unsigned int feature);
const char *xt_name(unsigned int feature);

#endif
