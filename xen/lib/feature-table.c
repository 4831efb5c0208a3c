/* SPDX-License-Identifier: MIT */
/*
 * The per-feature and per-word tables, expanded from the public lists.
 */
#include "featureset.h"
#include "static-mask-bits.h"

#define XFS_GUEST_CHAR__ '\0'
#define XFS_GUEST_CHAR_A 'A'
#define XFS_GUEST_CHAR_a 'a'
#define XFS_GUEST_CHAR_S 'S'
#define XFS_GUEST_CHAR_s 's'
#define XFS_GUEST_CHAR_H 'H'
#define XFS_GUEST_CHAR_h 'h'

#define FEATURE_ROW(c, n, w, b, g, f, d)                                      \
    { #n, (w) * 32 + (b), XFS_GUEST_CHAR_##g, (f), XFS_FEATURE_MASKS(g, f), d },

const struct xfs_feature_info xfs_features[] = {
    XEN_CPUFEATURE_LIST(FEATURE_ROW, 0)
};

const unsigned int xfs_nr_features =
    sizeof(xfs_features) / sizeof(xfs_features[0]);

#define WORD_ROW(i, k, s, l, sl, r) [i] = { k, s, l, sl, r },
const struct xfs_word_info xfs_words[XFS_NR_WORDS] = {
    XEN_FEATURESET_WORDS(WORD_ROW)
};

const char *const xfs_mask_names[XFS_MASK_NR] = {
    [XFS_MASK_KNOWN] = "Known",
    [XFS_MASK_SPECIAL] = "Special",
    [XFS_MASK_PV_MAX] = "PV Max",
    [XFS_MASK_PV_DEF] = "PV Default",
    [XFS_MASK_HVM_SHADOW_MAX] = "HVM Shadow Max",
    [XFS_MASK_HVM_SHADOW_DEF] = "HVM Shadow Default",
    [XFS_MASK_HVM_HAP_MAX] = "HVM Hap Max",
    [XFS_MASK_HVM_HAP_DEF] = "HVM Hap Default",
    [XFS_MASK_INVERTED] = "Inverted",
    [XFS_MASK_PLATFORM] = "Platform",
};

/* Feature value -> index into xfs_features, +1 (0 = no such feature). */
#define INDEX_ROW(c, n, w, b, g, f, d) [(w) * 32 + (b)] = 1 + XFS_IDX_##n,
enum {
#define IDX_ENUM(c, n, w, b, g, f, d) XFS_IDX_##n,
    XEN_CPUFEATURE_LIST(IDX_ENUM, 0)
#undef IDX_ENUM
};
static const uint16_t index_by_value[XFS_NR_FEATURE_BITS] = {
    XEN_CPUFEATURE_LIST(INDEX_ROW, 0)
};

const struct xfs_feature_info *xfs_feature_by_value(unsigned int value)
{
    if (value >= XFS_NR_FEATURE_BITS || !index_by_value[value])
        return NULL;
    return &xfs_features[index_by_value[value] - 1];
}
