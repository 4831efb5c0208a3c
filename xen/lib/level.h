/* SPDX-License-Identifier: MIT */
/*
 * xen/lib/level.h -- the bitmap arithmetic of pool levelling.
 *
 * Freestanding: no allocation, no I/O.  The toolstack's pool object
 * (libxl_cpuid/level/level.h) keeps hosts, names and attribution on top of this.
 *
 * A level is computed from two sets: the bits EVERY host has and the bits
 * ANY host has.  Ordinary bits take the first, XCF_INVERTED bits the second
 * (see "LEVELLING, BIT BY BIT" in public/arch-x86/cpufeatureset.h).  Both
 * sets come from per-bit host counts kept bit-sliced: plane p holds bit p of
 * every feature's count, so adding or removing one host is a ripple-carry
 * add over a few planes of XFS_NR_WORDS words, and "every" / "any" are
 * count == n / count != 0, whatever n is.
 */
#ifndef XEN_LIB_LEVEL_H
#define XEN_LIB_LEVEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "featureset.h"

#define XFS_COUNT_PLANES 32 /* counts up to 2^32 - 1 hosts */
/* Planes are padded to a multiple of four words so loops over them vectorise. */
#define XFS_COUNT_WORDS ((XFS_NR_WORDS + 3) & ~3)

struct xfs_counts {
    uint32_t nr_hosts;
    _Alignas(16) uint32_t plane[XFS_COUNT_PLANES][XFS_COUNT_WORDS];
};

void xfs_counts_init(struct xfs_counts *c);

/*
 * Count one host's featureset (fs has nr words; words past XFS_NR_WORDS
 * are not counted: the caller reports them).  Returns 0, or -1 when the
 * counters are full.
 */
int xfs_counts_add(struct xfs_counts *c, const uint32_t *fs, size_t nr);

/*
 * Count `count` featuresets stored back to back, `stride` words apart,
 * each `nr` words long.  Same result as that many xfs_counts_add() calls,
 * faster: full-length featuresets go sixteen at a time through running
 * carry-save adders (Harley-Seal), others are summed eight at a time.
 * Returns 0, or -1 (nothing counted) when the counters would overflow.
 */
int xfs_counts_add_many(struct xfs_counts *c, const uint32_t *fs, size_t nr,
                        size_t stride, size_t count);

/*
 * The fast path for stored hosts: `count` rows of XFS_COUNT_WORDS words,
 * the words past XFS_NR_WORDS zero, the array 16-byte aligned (malloc's
 * alignment; anything else takes the general path).  Returns as above.
 */
int xfs_counts_add_rows(struct xfs_counts *c,
                        const uint32_t (*rows)[XFS_COUNT_WORDS], size_t count);

/*
 * Add another set of counts (hosts counted apart, e.g. on another
 * thread): the same as counting its hosts here.  0, or -1 (nothing
 * changed) when the counters would overflow.
 */
int xfs_counts_merge(struct xfs_counts *c, const struct xfs_counts *more);

/*
 * Uncount a featureset previously added.  Returns 0, or -1 (nothing
 * changed) when some bit of fs has a count of zero or no host is counted.
 */
int xfs_counts_remove(struct xfs_counts *c, const uint32_t *fs, size_t nr);

/* How many counted hosts have the bit. */
uint32_t xfs_counts_get(const struct xfs_counts *c, unsigned int bit);

/* Bits every counted host has (vacuously all ones when none is counted). */
void xfs_counts_every(const struct xfs_counts *c, uint32_t out[XFS_NR_WORDS]);
/* Bits at least one counted host has. */
void xfs_counts_any(const struct xfs_counts *c, uint32_t out[XFS_NR_WORDS]);

/* ---- from (every, any) to a level ---- */

struct xfs_level_sets {
    uint32_t level[XFS_NR_WORDS];       /* what a guest may see on every host */
    uint32_t dep_lost[XFS_NR_WORDS];    /* on every host, dropped by deep deps */
    /* Inverted bits deep deps dropped, stated on the level through another
     * bit instead (see xfs_level_restated_as). */
    uint32_t restated[XFS_NR_WORDS];
    /* Inverted bits some host has that the level cannot carry at all. */
    uint32_t unexpressed[XFS_NR_WORDS];
};

/*
 * The level of a pool whose hosts have `every` / `any` in common, seen
 * through `mask` (a guest type's max mask: which ordinary bits a guest of
 * that type may be offered at all; inverted bits pass regardless, they
 * describe the hardware under the guest).  Steps:
 *   1. ordinary bits: every & mask;  inverted bits: any & XFS_MASK_INVERTED
 *   2. deep dependencies re-applied
 *   3. an inverted bit dropped by step 2 is restated through a bit that can
 *      still be carried (RRSBA without EIBRS -> RSBA), or else recorded in
 *      `unexpressed` so that callers report it.
 */
void xfs_level_compute(const uint32_t every[XFS_NR_WORDS],
                       const uint32_t any[XFS_NR_WORDS],
                       const uint32_t mask[XFS_NR_WORDS],
                       struct xfs_level_sets *out);

/* The bit an inverted bit is restated as, or -1 when it has none. */
int xfs_level_restated_as(unsigned int bit);

/*
 * Fold one more featureset into (every, any): every &= fs, any |= fs.
 * Start with xfs_level_fold_init() (every = all ones, any = zero) -- the
 * recompute-from-scratch path the counts are checked against.
 */
void xfs_level_fold_init(uint32_t every[XFS_NR_WORDS],
                         uint32_t any[XFS_NR_WORDS]);
void xfs_level_fold(uint32_t every[XFS_NR_WORDS], uint32_t any[XFS_NR_WORDS],
                    const uint32_t *fs, size_t nr);

/*
 * A single host's guest view through `mask`: what the level of a pool of
 * that host alone would be (ordinary bits masked and dependency-closed,
 * inverted bits kept).  Levels are always contained in it, bar inverted
 * bits that other hosts contributed.
 */
void xfs_level_view(const uint32_t *fs, size_t nr,
                    const uint32_t mask[XFS_NR_WORDS],
                    uint32_t out[XFS_NR_WORDS]);

#endif /* XEN_LIB_LEVEL_H */
