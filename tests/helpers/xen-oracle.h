/* SPDX-License-Identifier: MIT */
/*
 * libxenguest (Xen 4.17) as an oracle for raw featuresets: its own CPUID
 * policy code reads the native CPU, or takes a list of leaves, and turns
 * the policy into a featureset.  These functions are exported by
 * libxenguest but not declared in any installed header.
 */
#ifndef TESTS_HELPERS_XEN_ORACLE_H
#define TESTS_HELPERS_XEN_ORACLE_H

#include <stdint.h>

#include "public/arch-x86/cpu-policy-abi.h"
#include "xen/lib/featureset.h"

/* The native CPU's featureset as libxenguest reads it (no MSRs). */
void xt_oracle_native(uint32_t fs[XFS_NR_WORDS]);

/*
 * The featureset of a leaf table as libxenguest sees it after loading the
 * leaves into a policy and clearing leaves past the advertised limits.
 * Leaves libxenguest's policy has no room for are left out (they hold no
 * featureset word).  Returns the number of entries left out, or -1.
 */
int xt_oracle_from_leaves(const struct xfs_cpuid_leaf *l, unsigned int nr,
                          uint32_t fs[XFS_NR_WORDS]);

/* libxenguest's vendor lookup, mapped onto enum xfs_vendor. */
int xt_oracle_vendor(uint32_t ebx, uint32_t ecx, uint32_t edx);

#endif
