/* SPDX-License-Identifier: MIT */
/*
 * Deep dependencies between features: clearing a feature must also clear
 * everything that transitively needs it.  The direct relation is in
 * deep-deps-table.h; its closure is constant data generated at build time,
 * so these calls keep no state and are safe from any thread.
 */
#include "featureset.h"

/* The closure of xen/lib/deep-deps-table.h, computed when the project
 * is built (xen/tools/gen-deep-deps.c): deep_dep_parent, deep_dep_closure
 * (also as deep_dep_first/deep_dep_words) and deep_dep_row_of, all
 * constant. */
#include "deep-deps-closure.h"

/* Trailing zeros of a non-zero word (the compiler's builtin: no libc). */
static inline unsigned int ctz32(uint32_t x)
{
    return (unsigned int)__builtin_ctz(x);
}

const uint32_t *xfs_lookup_deep_deps(unsigned int feature)
{
    if (feature >= XFS_NR_FEATURE_BITS || !deep_dep_row_of[feature])
        return NULL;
    return deep_dep_closure[deep_dep_row_of[feature] - 1];
}

void xfs_clear_with_dependents(uint32_t *fs, size_t nr, unsigned int feature)
{
    const uint32_t *deps = xfs_lookup_deep_deps(feature);

    xfs_clear(fs, nr, feature);
    if (deps)
        xfs_andnot(fs, nr, fs, nr, deps, XFS_NR_WORDS);
}

/*
 * One pass suffices, and the rows may be taken in any order against the
 * set as given: each row is a closure, so a parent cleared by another
 * row's closure has its own closure inside that one already.  The
 * closures of the absent parents are gathered first and cleared at once.
 */
unsigned int xfs_apply_deep_deps(uint32_t *fs, size_t nr)
{
    uint32_t drop[XFS_NR_WORDS] = { 0 };
    size_t n = nr < XFS_NR_WORDS ? nr : XFS_NR_WORDS;
    unsigned int removed = 0;

    /* The absent parents, read a word at a time (a parent past the set's
     * words is absent), each one's closure gathered into drop. */
    for (unsigned int k = 0; k < XFS_DEEP_DEP_PARENT_WORDS; k++) {
        unsigned int w = deep_dep_parent_words[k].word;
        uint32_t absent = deep_dep_parent_words[k].bits & ~(w < n ? fs[w] : 0);

        while (absent) {
            unsigned int r = deep_dep_row_of[w * 32 + ctz32(absent)] - 1u;

            absent &= absent - 1;
            for (unsigned int i = deep_dep_first[r]; i < deep_dep_first[r + 1];
                 i++)
                drop[deep_dep_words[i].word] |= deep_dep_words[i].bits;
        }
    }
    /* Words past the table's have no dependents: left as they are. */
    for (size_t w = 0; w < n; w++) {
        uint32_t gone = fs[w] & drop[w];

        if (gone) {
            removed += xfs_popcount(&gone, 1);
            fs[w] &= ~gone;
        }
    }
    return removed;
}

bool xfs_deps_closed(const uint32_t *fs, size_t nr)
{
    for (unsigned int r = 0; r < XFS_DEEP_DEPS_ROWS; r++) {
        if (xfs_test(fs, nr, deep_dep_parent[r]))
            continue;
        for (size_t w = 0; w < nr && w < XFS_NR_WORDS; w++)
            if (fs[w] & deep_dep_closure[r][w])
                return false;
    }
    return true;
}

int xfs_missing_prereq(const uint32_t *fs, size_t nr, unsigned int feature)
{
    int best = -1;
    unsigned int best_n = ~0u;

    /* Of the absent features `feature` needs, the one fewest others need:
     * the nearest, not the root (AVX2 lacks AVX, not XSAVE). */
    for (unsigned int p = 0; p < XFS_NR_FEATURE_BITS; p++) {
        const uint32_t *deps = xfs_lookup_deep_deps(p);
        unsigned int n;

        if (!deps || xfs_test(fs, nr, p) ||
            !xfs_test(deps, XFS_NR_WORDS, feature))
            continue;
        n = xfs_popcount(deps, XFS_NR_WORDS);
        if (n < best_n)
            best = (int)p, best_n = n;
    }
    return best;
}
