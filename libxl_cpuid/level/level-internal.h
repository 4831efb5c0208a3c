/* SPDX-License-Identifier: MIT */
/*
 * The pool's storage, shared by the level-*.c files only.
 *
 * Hosts live in parallel arrays indexed by id.  A host's XFS_NR_WORDS-word
 * featureset is in a chunk the pool owns (zero-padded rows of
 * XFS_COUNT_WORDS words, so counting can take the fast row path), fs[id]
 * pointing at it, or, for xlc_pool_attach_many(), in the caller's memory:
 * one segment per call, nothing stored per host (a million attached hosts
 * cost the pool no memory of its own).  xlc_pool_row() finds either.  A
 * removed host keeps its id (ids stay stable) and is skipped: `present` is
 * only allocated at the first removal.  Names live in one arena, found
 * through a small open-addressing hash table; the name and props arrays
 * are only allocated once some host has a name / props.
 */
#ifndef LIBXL_CPUID_LEVEL_INTERNAL_H
#define LIBXL_CPUID_LEVEL_INTERNAL_H

#include "level.h"

/* Internal: not exported from libxl_cpuid.so. */
#pragma GCC visibility push(hidden)

#define XLC_NO_NAME UINT32_MAX

typedef uint32_t xlc_row[XFS_COUNT_WORDS];

/* Attached hosts first .. first + count - 1: base + (id - first) * stride. */
struct xlc_pool_seg {
    size_t first, count, stride;
    const uint32_t *base;
};

struct xlc_pool {
    enum xlc_guest_type type;
    struct xfs_counts counts;
    size_t nr_ids, cap, nr_present;
    const uint32_t **fs;           /* owned rows; not set for attached ids */
    struct xlc_pool_seg *segs;     /* attached hosts, by first id */
    size_t nr_segs, cap_segs;
    uint8_t *present;              /* NULL: every id below nr_ids is */
    uint32_t *name_off;            /* NULL: nobody named yet */
    struct xlc_host_props **props; /* NULL: nobody brought props yet */
    /* The props themselves, in blocks the pool owns; a host whose props
     * equal those of the host added before it shares them. */
    struct xlc_host_props **props_blocks;
    size_t nr_props_blocks, props_used; /* used in the last block */
    const struct xlc_host_props *last_props;
    /*
     * Defaults given with a host (xlc_pool_add_host), counted apart: a
     * host without one has its max through the type's default mask, which
     * the level takes from the max counts at no cost (bulk hosts).
     */
    const uint32_t **def;          /* NULL: no default given yet */
    struct xfs_counts dcounts;
    size_t nr_def;                 /* present hosts with a given default */
    /*
     * Hosts added one at a time are counted XLC_POOL_PEND at a time: a
     * sum of eight rows costs the counts about what one row's carries do.
     * The last nr_pend ids wait; readers fold them in (xlc_pool_counts,
     * xlc_pool_count), and every other change counts them first.
     */
    size_t nr_pend;
    xlc_row **chunks;              /* owned featureset storage */
    size_t nr_chunks;
    size_t chunk_used, chunk_cap;  /* rows used / held in the last chunk */
    char *names;
    size_t names_len, names_cap;
    size_t *hash;                  /* id + 1 per slot, 0 = empty */
    size_t hash_cap, hash_used;    /* hash_cap: power of two or 0 */
    /*
     * Vendor/limits summary of the present hosts, folded in as hosts join.
     * A minimum cannot be un-folded, so removing a host that brought CPUID
     * properties rescans the others (featureset-only hosts just count).
     */
    struct xlc_props_level props_sum;
};

#define XLC_POOL_PEND 8

/* The counts of the max sets and of the given defaults, with the hosts
 * still waiting to be counted folded in. */
void xlc_pool_counts(const xlc_pool *p, struct xfs_counts *c,
                     struct xfs_counts *dc);

/* Count full-length featuresets into c, on every CPU when many. */
void xlc_pool_count_many(struct xfs_counts *c, const uint32_t *fs,
                         size_t stride, size_t count);

/* Host id's max set (id below nr_ids). */
static inline const uint32_t *xlc_pool_row(const xlc_pool *p, size_t id)
{
    size_t lo = 0, hi = p->nr_segs;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct xlc_pool_seg *s = &p->segs[mid];

        if (id < s->first)
            hi = mid;
        else if (id >= s->first + s->count)
            lo = mid + 1;
        else
            return s->base + (id - s->first) * s->stride;
    }
    return p->fs[id];
}

/* Host id is in the pool (not removed, id below nr_ids). */
static inline bool xlc_pool_present(const xlc_pool *p, size_t id)
{
    return id < p->nr_ids && (!p->present || p->present[id]);
}

/*
 * Refuse (-EINVAL, listing them) bits in words past XFS_NR_WORDS: a level
 * can neither contain nor account for features this build does not know.
 */
int xlc_level_check_words(const char *what, const uint32_t *fs, size_t nr,
                          xlc_error *err);

/*
 * The level of explicit (every, any) sets plus props over the given ids;
 * every_def: the bits every host's default has (before the mask).
 */
void xlc_level_from_sets(const xlc_pool *p, const uint32_t *every,
                         const uint32_t *any, const uint32_t *every_def,
                         size_t nr_hosts, struct xlc_level *out);
/*
 * Bits every host's default has, from the default counts (hosts given
 * one: `dc`, nr_def of them) and, when some of the nr_hosts hosts had
 * none, from the max set every host has through the default mask.
 */
void xlc_pool_every_default(const xlc_pool *p, const struct xfs_counts *dc,
                            size_t nr_def, size_t nr_hosts,
                            const uint32_t *every, uint32_t *out);

/* Fold one host's props into a running summary (level-props.c). */
void xlc_props_level_init(struct xlc_props_level *pl);
void xlc_props_level_fold(struct xlc_props_level *pl,
                          const struct xlc_host_props *hp, size_t id);
void xlc_props_level_finish(struct xlc_props_level *pl);
/* Summary over the present hosts, optionally skipping one (level-pool.c). */
void xlc_props_level_of_pool(const xlc_pool *p, size_t skip,
                             struct xlc_props_level *pl);

#pragma GCC visibility pop

#endif /* LIBXL_CPUID_LEVEL_INTERNAL_H */
