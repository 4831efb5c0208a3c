/* SPDX-License-Identifier: MIT */
/*
 * public/sysctl-featureset.h -- the get_cpu_featureset sysctl interface.
 *
 * Byte-for-byte the layout of Xen's struct xen_sysctl_cpu_featureset:
 * two 32-bit words followed by a 64-bit guest handle (a pointer widened to
 * 64 bits so 32- and 64-bit toolstacks share one layout).  16 bytes total.
 *
 * Semantics (see xen/arch/sysctl-featureset.c):
 *  - features == NULL: nr_features is set to the number of words the
 *    hypervisor knows, and nothing else happens.
 *  - otherwise min(nr_features, known) words are copied out, nr_features is
 *    set to that count, and -ENOBUFS is returned if the caller's buffer was
 *    shorter than what the hypervisor knows (the copy still happened).
 *  - an unknown index is -EINVAL; a fault while copying is -EFAULT.
 */
#ifndef PUBLIC_SYSCTL_FEATURESET_H
#define PUBLIC_SYSCTL_FEATURESET_H

#include <stdint.h>

#define XFS_SYSCTL_cpu_featureset_raw     0
#define XFS_SYSCTL_cpu_featureset_host    1
#define XFS_SYSCTL_cpu_featureset_pv      2
#define XFS_SYSCTL_cpu_featureset_hvm     3
#define XFS_SYSCTL_cpu_featureset_pv_max  4
#define XFS_SYSCTL_cpu_featureset_hvm_max 5
#define XFS_SYSCTL_cpu_featureset_nr      6

/* A 64-bit wide guest pointer, as Xen's XEN_GUEST_HANDLE_64(uint32). */
typedef union {
    uint32_t *p;
    uint64_t q;
} __attribute__((aligned(8))) xfs_guest_handle_u32_t;

struct xfs_sysctl_cpu_featureset {
    uint32_t index;        /* IN: which featureset */
    uint32_t nr_features;  /* IN: words in buffer; OUT: words written/known */
    xfs_guest_handle_u32_t features; /* OUT: the words, or NULL to query */
};

#endif /* PUBLIC_SYSCTL_FEATURESET_H */
