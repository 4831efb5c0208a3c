/* SPDX-License-Identifier: MIT */
/*
 * Which static masks a feature belongs to, as a constant expression of its
 * GUEST letter and FLAGS.  Internal to xen/lib.
 */
#ifndef XEN_LIB_STATIC_MASK_BITS_H
#define XEN_LIB_STATIC_MASK_BITS_H

#define XFS_M(k) (1u << (k))

/* Max sets: the opt-in letter and everything wider. */
#define XFS_MAX_ALL (XFS_M(XFS_MASK_PV_MAX) | XFS_MAX_HVM)
#define XFS_MAX_HVM (XFS_M(XFS_MASK_HVM_SHADOW_MAX) | XFS_MAX_HAP)
#define XFS_MAX_HAP XFS_M(XFS_MASK_HVM_HAP_MAX)
#define XFS_DEF_ALL (XFS_M(XFS_MASK_PV_DEF) | XFS_DEF_HVM)
#define XFS_DEF_HVM (XFS_M(XFS_MASK_HVM_SHADOW_DEF) | XFS_DEF_HAP)
#define XFS_DEF_HAP XFS_M(XFS_MASK_HVM_HAP_DEF)

/* A default feature is, of course, also in the matching max set. */
#define XFS_GUEST_MASKS__ 0u
#define XFS_GUEST_MASKS_a XFS_MAX_ALL
#define XFS_GUEST_MASKS_A (XFS_MAX_ALL | XFS_DEF_ALL)
#define XFS_GUEST_MASKS_s XFS_MAX_HVM
#define XFS_GUEST_MASKS_S (XFS_MAX_HVM | XFS_DEF_HVM)
#define XFS_GUEST_MASKS_h XFS_MAX_HAP
#define XFS_GUEST_MASKS_H (XFS_MAX_HAP | XFS_DEF_HAP)

#define XFS_FEATURE_MASKS(g, f)                                               \
    (XFS_M(XFS_MASK_KNOWN) | XFS_GUEST_MASKS_##g |                            \
     (((f) & XCF_SPECIAL) ? XFS_M(XFS_MASK_SPECIAL) : 0u) |                   \
     (((f) & XCF_INVERTED) ? XFS_M(XFS_MASK_INVERTED) : 0u) |                 \
     (((f) & XCF_PLATFORM) ? XFS_M(XFS_MASK_PLATFORM) : 0u))

#endif /* XEN_LIB_STATIC_MASK_BITS_H */
