/* SPDX-License-Identifier: MIT */
/*
 * The static masks, computed by the compiler from the annotated list.
 *
 * `c` carries (mask kind * 64 + word) into each expansion, so every mask
 * word is one constant expression: the OR of the bits of that word whose
 * feature belongs to that mask.
 */
#include "featureset.h"
#include "static-mask-bits.h"

#define MASK_BIT(c, n, w, b, g, f, d)                                         \
    | (((w) == (c) % 64 && (XFS_FEATURE_MASKS(g, f) & XFS_M((c) / 64)))      \
           ? (1u << (b))                                                      \
           : 0u)
#define W(k, w) (0u XEN_CPUFEATURE_LIST(MASK_BIT, (k) * 64 + (w)))
#define ROW(k)                                                                \
    [k] = { W(k, 0),  W(k, 1),  W(k, 2),  W(k, 3),  W(k, 4),  W(k, 5),       \
            W(k, 6),  W(k, 7),  W(k, 8),  W(k, 9),  W(k, 10), W(k, 11),      \
            W(k, 12), W(k, 13), W(k, 14), W(k, 15), W(k, 16), W(k, 17),      \
            W(k, 18) }

/* If words are appended, ROW() needs one more W() per word. */
_Static_assert(XFS_NR_WORDS == 19, "extend ROW() for the new words");

const uint32_t xfs_static_masks[XFS_MASK_NR][XFS_NR_WORDS] = {
    ROW(XFS_MASK_KNOWN),          ROW(XFS_MASK_SPECIAL),
    ROW(XFS_MASK_PV_MAX),         ROW(XFS_MASK_PV_DEF),
    ROW(XFS_MASK_HVM_SHADOW_MAX), ROW(XFS_MASK_HVM_SHADOW_DEF),
    ROW(XFS_MASK_HVM_HAP_MAX),    ROW(XFS_MASK_HVM_HAP_DEF),
    ROW(XFS_MASK_INVERTED),       ROW(XFS_MASK_PLATFORM),
};
