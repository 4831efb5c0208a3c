/* SPDX-License-Identifier: MIT */
/*
 * `xen-cpuid level`: the level as an xl cpuid= string, one string for
 * every host of the pool.  Each host applies it to its own default
 * featureset, which the pool does not know; Xen builds a default as the
 * guest's max featureset through the type's static default mask (plus a
 * few synthesised bits, xen/arch/guest-featuresets.c), so every host's
 * default lies between
 *     lo = level & default mask          (the level is on every host)
 *     hi = (any host's bits | synthesised bits) & default mask
 * and xlc_xl_cpuid_reverse_range names what turns any of them into the
 * level.  Weakness bits (XCF_INVERTED, levelled by union) are left out:
 * a host whose max featureset lacks one refuses it set, so each host
 * keeps its own (the verdicts already say which hosts would not tell a
 * guest of theirs).
 */
#include <stdlib.h>
#include <string.h>

#include "../xen/arch/featuresets.h"
#include "../libxl_cpuid/xl-cpuid.h"
#include "level-tool.h"

void level_xl_output(struct level_run *r)
{
    const uint32_t *dmask = xfs_static_masks[r->type == XLC_GUEST_PV
                                                 ? XFS_MASK_PV_DEF
                                                 : XFS_MASK_HVM_HAP_DEF];
    const uint32_t *inv = xfs_static_masks[XFS_MASK_INVERTED];
    uint32_t lo[XFS_NR_WORDS], hi[XFS_NR_WORDS], want[XFS_NR_WORDS];
    xlc_error err = { 0 };

    xfs_and(lo, XFS_NR_WORDS, r->level.sets.level, XFS_NR_WORDS, dmask,
            XFS_NR_WORDS);
    xfs_or(hi, XFS_NR_WORDS, r->level.any, XFS_NR_WORDS,
           xfs_guest_synth_mask, XFS_NR_WORDS);
    xfs_and(hi, XFS_NR_WORDS, hi, XFS_NR_WORDS, dmask, XFS_NR_WORDS);
    /* weakness bits: wanted = lo = hi, whatever each host has */
    for (unsigned int w = 0; w < XFS_NR_WORDS; w++) {
        want[w] = r->level.sets.level[w] & ~inv[w];
        lo[w] &= ~inv[w];
        hi[w] &= ~inv[w];
    }
    if (xlc_xl_cpuid_reverse_range(want, lo, hi, &r->xl_cpuid, &err))
        r->xl_why_not = strdup(err.msg);
}
