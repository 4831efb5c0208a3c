/* SPDX-License-Identifier: MIT */
/*
 * xen/arch/sysctl.h -- the get_cpu_featureset sysctl handler.
 */
#ifndef XEN_ARCH_SYSCTL_H
#define XEN_ARCH_SYSCTL_H

#include "featuresets.h"

/* Xen's errno values (the same numbers as Linux/x86). */
#define XFS_EFAULT 14
#define XFS_EINVAL 22
#define XFS_ENOBUFS 105

/*
 * Copy nr words to guest memory.  Returns 0, or non-zero on a fault.
 * The default hook (NULL) is a plain word-by-word copy.
 */
typedef int (*xfs_copy_to_guest_fn)(void *ctx, uint32_t *guest_dst,
                                    const uint32_t *src, unsigned int nr);

struct xfs_hypervisor {
    struct xfs_system_featuresets sets;
    unsigned int nr_words;           /* words this hypervisor knows */
    xfs_copy_to_guest_fn copy_to_guest;
    void *copy_ctx;
};

/* Boot: derive the sets and get ready to serve them. */
void xfs_hypervisor_boot(struct xfs_hypervisor *hv,
                         const struct xfs_cpuid_reader *rd,
                         const struct xfs_hv_options *opts);

/* XEN_SYSCTL_get_cpu_featureset.  Returns 0 or -XFS_E*. */
int xfs_sysctl_get_cpu_featureset(const struct xfs_hypervisor *hv,
                                  struct xfs_sysctl_cpu_featureset *op);

#endif /* XEN_ARCH_SYSCTL_H */
