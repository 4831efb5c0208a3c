/* SPDX-License-Identifier: MIT */
/*
 * From "bits every host has" and "bits any host has" to a level.
 */
#include "level.h"

/*
 * An inverted bit that deep dependencies drop, and the bit that states the
 * same weakness without the missing prerequisite.  RRSBA only describes
 * eIBRS mode; without eIBRS the same hardware lets RET fall back to the
 * indirect predictor, which is exactly what RSBA says.
 */
static const struct {
    uint16_t from, to;
} restatements[] = {
    { XFS_RRSBA, XFS_RSBA },
};

#define NR_RESTATEMENTS (sizeof(restatements) / sizeof(restatements[0]))

int xfs_level_restated_as(unsigned int bit)
{
    for (unsigned int i = 0; i < NR_RESTATEMENTS; i++)
        if (restatements[i].from == bit)
            return restatements[i].to;
    return -1;
}

/* True when setting `bit` in the level would survive deep dependencies. */
static bool can_carry(const uint32_t level[XFS_NR_WORDS], unsigned int bit)
{
    uint32_t trial[XFS_NR_WORDS];

    xfs_copy(trial, XFS_NR_WORDS, level, XFS_NR_WORDS);
    xfs_set(trial, XFS_NR_WORDS, bit);
    xfs_apply_deep_deps(trial, XFS_NR_WORDS);
    return xfs_test(trial, XFS_NR_WORDS, bit);
}

/* Restate what can be restated; whatever is left stays in *dropped. */
static void restate(uint32_t level[XFS_NR_WORDS],
                    uint32_t dropped[XFS_NR_WORDS],
                    uint32_t restated[XFS_NR_WORDS])
{
    for (unsigned int i = 0; i < NR_RESTATEMENTS; i++) {
        unsigned int from = restatements[i].from, to = restatements[i].to;

        if (!xfs_test(dropped, XFS_NR_WORDS, from) || !can_carry(level, to))
            continue;
        xfs_set(level, XFS_NR_WORDS, to);
        xfs_clear(dropped, XFS_NR_WORDS, from);
        xfs_set(restated, XFS_NR_WORDS, from);
    }
}

void xfs_level_compute(const uint32_t every[XFS_NR_WORDS],
                       const uint32_t any[XFS_NR_WORDS],
                       const uint32_t mask[XFS_NR_WORDS],
                       struct xfs_level_sets *out)
{
    const uint32_t *inv = xfs_static_masks[XFS_MASK_INVERTED];
    uint32_t base[XFS_NR_WORDS], dropped[XFS_NR_WORDS];

    for (unsigned int w = 0; w < XFS_NR_WORDS; w++) {
        base[w] = (every[w] & mask[w] & ~inv[w]) | (any[w] & inv[w]);
        out->level[w] = base[w];
        out->restated[w] = 0;
    }
    xfs_apply_deep_deps(out->level, XFS_NR_WORDS);
    for (unsigned int w = 0; w < XFS_NR_WORDS; w++) {
        uint32_t gone = base[w] & ~out->level[w];

        out->dep_lost[w] = gone & ~inv[w];
        dropped[w] = gone & inv[w];
    }
    restate(out->level, dropped, out->restated);
    xfs_copy(out->unexpressed, XFS_NR_WORDS, dropped, XFS_NR_WORDS);
}

void xfs_level_fold_init(uint32_t every[XFS_NR_WORDS],
                         uint32_t any[XFS_NR_WORDS])
{
    for (unsigned int w = 0; w < XFS_NR_WORDS; w++) {
        every[w] = ~0u;
        any[w] = 0;
    }
}

void xfs_level_fold(uint32_t every[XFS_NR_WORDS], uint32_t any[XFS_NR_WORDS],
                    const uint32_t *fs, size_t nr)
{
    xfs_and(every, XFS_NR_WORDS, every, XFS_NR_WORDS, fs, nr);
    xfs_or(any, XFS_NR_WORDS, any, XFS_NR_WORDS, fs, nr);
}

void xfs_level_view(const uint32_t *fs, size_t nr,
                    const uint32_t mask[XFS_NR_WORDS],
                    uint32_t out[XFS_NR_WORDS])
{
    uint32_t one[XFS_NR_WORDS];
    struct xfs_level_sets sets;

    xfs_copy(one, XFS_NR_WORDS, fs, nr);
    xfs_level_compute(one, one, mask, &sets);
    xfs_copy(out, XFS_NR_WORDS, sets.level, XFS_NR_WORDS);
}
