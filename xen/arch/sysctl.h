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
#define XFS_EOPNOTSUPP 95
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
    /*
     * Which indexes this build serves.  Xen leaves the pv/hvm entries of
     * its table empty when PV/HVM is compiled out, and answers an empty
     * entry with -EOPNOTSUPP (its tool then prints "... not supported by
     * Xen").  HVM built in but unusable on this hardware is still served:
     * its sets are all zero.
     */
    bool served[XFS_SYSCTL_cpu_featureset_nr];
};

/*
 * Boot: derive the sets and get ready to serve them.  Everything in *hv is
 * (re)initialised: nr_words = XFS_NR_WORDS, the plain copy hook.  Tests may
 * then lower nr_words (an older hypervisor) or install a copy hook.
 */
void xfs_hypervisor_boot(struct xfs_hypervisor *hv,
                         const struct xfs_cpuid_reader *rd,
                         const struct xfs_hv_options *opts);

/*
 * XEN_SYSCTL_get_cpu_featureset, in Xen's order of checks:
 *  1. features NULL: nr_features = words known; return 0 (index unchecked).
 *  2. nr = min(nr_features, known); bad index: -EINVAL; an index this
 *     build does not serve: -EOPNOTSUPP.
 *  3. copy nr words; a fault is -EFAULT.
 *  4. nr_features = nr; -ENOBUFS if nr < known, else 0.
 * On -EINVAL/-EOPNOTSUPP/-EFAULT nr_features is left as the caller set
 * it (Xen copies the sysctl struct back only on success, or the one field
 * before -ENOBUFS).
 */
int xfs_sysctl_get_cpu_featureset(const struct xfs_hypervisor *hv,
                                  struct xfs_sysctl_cpu_featureset *op);

#endif /* XEN_ARCH_SYSCTL_H */
