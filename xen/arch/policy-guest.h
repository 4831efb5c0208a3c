/* SPDX-License-Identifier: MIT */
/*
 * xen/arch/policy-guest.h -- CPU policies crossing the guest boundary:
 * what Xen 4.17's get_cpu_policy sysctl/domctl copy out, and what its
 * set_cpu_policy domctl accepts, with Xen's error numbers.
 *
 * Freestanding.  Guest memory is reached only through the caller's
 * access hooks (a fault is any non-zero return), entry by entry, so that
 * a fault part-way leaves exactly what Xen would have written.
 */
#ifndef XEN_ARCH_POLICY_GUEST_H
#define XEN_ARCH_POLICY_GUEST_H

#include <stdint.h>

#include "policy-derive.h"
#include "sysctl.h"

/* Internal: not exported from libxl_cpuid.so. */
#pragma GCC visibility push(hidden)

/* More of Xen's errno values (Linux/x86 numbers). */
#define XFS_ESRCH      3
#define XFS_E2BIG      7
#define XFS_EACCES     13
#define XFS_EEXIST     17
#define XFS_ERANGE     34
#define XFS_ENOSYS     38
#define XFS_ENODATA    61
#define XFS_EOVERFLOW  75

struct xfs_guest_access {
    int (*to_guest)(void *ctx, uint64_t gaddr, const void *src,
                    uint32_t len);
    int (*from_guest)(void *ctx, void *dst, uint64_t gaddr, uint32_t len);
    void *ctx;
};

/*
 * x86_cpuid_copy_to_buffer / x86_msr_copy_to_buffer: the policy's leaves
 * (MSRs) written one by one to the array at gaddr, which holds *nr
 * entries.  -XFS_ENOBUFS when it runs out of room (the entries before
 * were written), -XFS_EFAULT on a fault; on success *nr = entries
 * written, else *nr is untouched.
 */
int xfs_guest_put_leaves(const struct xfs_cpu_policy *p,
                         const struct xfs_guest_access *g, uint64_t gaddr,
                         uint32_t *nr);
int xfs_guest_put_msrs(const struct xfs_cpu_policy *p,
                       const struct xfs_guest_access *g, uint64_t gaddr,
                       uint32_t *nr);

/* Xen's err_leaf/err_subleaf/err_msr: ~0 when not about an entry. */
struct xfs_set_policy_err {
    uint32_t leaf, subleaf, msr;
};

/*
 * XEN_DOMCTL_set_cpu_policy (update_domain_cpu_policy): the entries are
 * merged into a copy of *cur (x86_cpuid_copy_from_buffer and
 * x86_msr_copy_from_buffer: -E2BIG for too many, -EFAULT, -ERANGE for a
 * leaf/subleaf or MSR the policy has no room for, -EINVAL for MSR flags,
 * -EOVERFLOW for a value too wide; later duplicates win, leaves past the
 * max are accepted), stale leaves cleared, audited against the type's
 * max as 4.17 audits (max leaves, leaf 7 max subleaf, max extended leaf,
 * PLATFORM_INFO bits: -EINVAL naming the leaf or MSR), then recalculated
 * (xfs_policy_recalc_domain).  *cur changes only on success.
 */
int xfs_domain_set_policy(struct xfs_cpu_policy *cur,
                          const struct xfs_cpu_policy *max,
                          const struct xfs_cpu_policy *host,
                          const struct xfs_domain_opts *o,
                          const struct xfs_guest_access *g,
                          uint64_t leaves, uint32_t nr_leaves,
                          uint64_t msrs, uint32_t nr_msrs,
                          struct xfs_set_policy_err *err);

#pragma GCC visibility pop

#endif /* XEN_ARCH_POLICY_GUEST_H */
