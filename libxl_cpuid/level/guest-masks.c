/* SPDX-License-Identifier: MIT */
/*
 * What a guest of each type may have, as the pool sees it: the type's
 * static max and default masks, and the default of a host known only by
 * its max set.  The pool, the inputs and the reports all take a level
 * through these; nothing here knows about pools.
 */
#include "level-internal.h"

const uint32_t *xlc_guest_mask(enum xlc_guest_type t)
{
    return xfs_static_masks[t == XLC_GUEST_PV ? XFS_MASK_PV_MAX
                                              : XFS_MASK_HVM_HAP_MAX];
}

const uint32_t *xlc_guest_default_mask(enum xlc_guest_type t)
{
    return xfs_static_masks[t == XLC_GUEST_PV ? XFS_MASK_PV_DEF
                                              : XFS_MASK_HVM_HAP_DEF];
}

void xlc_default_from_max(enum xlc_guest_type t,
                          const uint32_t max[XFS_NR_WORDS],
                          uint32_t def[XFS_NR_WORDS])
{
    const uint32_t *d = xlc_guest_default_mask(t);
    const uint32_t *inv = xfs_static_masks[XFS_MASK_INVERTED];

    for (unsigned int w = 0; w < XFS_NR_WORDS; w++)
        def[w] = max[w] & d[w] & ~inv[w];
    xfs_apply_deep_deps(def, XFS_NR_WORDS);
    for (unsigned int w = 0; w < XFS_NR_WORDS; w++)
        def[w] |= max[w] & inv[w];
}
