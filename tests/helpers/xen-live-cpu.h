/* SPDX-License-Identifier: MIT */
/* The CPU the tests run on, as an xfs_cpuid_reader (no MSR access). */
#ifndef TESTS_HELPERS_XEN_LIVE_CPU_H
#define TESTS_HELPERS_XEN_LIVE_CPU_H

#include "xen/lib/cpuid-leaves.h"

void xt_live_reader(struct xfs_cpuid_reader *rd);

#endif
