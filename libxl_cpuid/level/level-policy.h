/* SPDX-License-Identifier: MIT */
/*
 * Levelling full CPU policies: the one policy a guest may be given that
 * every host's max policy for the guest type accepts.
 *
 *   features         the featureset level (xlc_pool_level), written into
 *                    the registers that hold them
 *   vendor           must be the same on every host (else -EINVAL: a
 *                    guest sees one vendor)
 *   max leaves       basic, leaf 7 subleaves, extended: the minimum
 *   MAXPHYSADDR/     0x80000008 eax[7:0] and [15:8]: the minimum
 *   MAXLINADDR
 *   XSAVE            leaf 0xd rebuilt from the levelled features (the
 *                    components they enable) with the component layout
 *                    the hosts state; a component whose size or offset
 *                    differs between hosts, or that some host's data does
 *                    not describe, is reported in *layout_differs (bit i:
 *                    component i): those hosts will refuse the policy
 *   everything else  descriptive leaves (family/model/stepping, brand
 *                    string, cache and TLB descriptors) cannot be
 *                    levelled: they are the first host's, and the
 *                    featureset level reports where hosts differ
 * The result is checked by the caller with xlc_policy_compat_report()
 * against each host (the tests do it for every subset they try).
 */
#ifndef LIBXL_CPUID_LEVEL_POLICY_H
#define LIBXL_CPUID_LEVEL_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "../../xen/lib/cpu-policy.h"
#include "../util/error.h"

int xlc_level_policies(const struct xfs_cpu_policy *const *hosts, size_t n,
                       const uint32_t level[XFS_NR_WORDS],
                       struct xfs_cpu_policy *out, uint64_t *layout_differs,
                       xlc_error *err);

#endif /* LIBXL_CPUID_LEVEL_POLICY_H */
