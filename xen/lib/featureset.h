/* SPDX-License-Identifier: MIT */
/*
 * xen/lib/featureset.h -- the freestanding featureset core.
 *
 * Shared by the hypervisor side (xen/) and the toolstack (libxl_cpuid/).
 * Nothing here allocates or does I/O; every table is derived from
 * public/arch-x86/cpufeatureset.h.
 *
 * Featuresets passed to these functions are (pointer, length-in-words)
 * pairs of any length; words past the end of a shorter operand read as
 * zero, as the featureset contract requires.
 */
#ifndef XEN_LIB_FEATURESET_H
#define XEN_LIB_FEATURESET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../public/arch-x86/cpufeatureset.h"
#include "../../public/arch-x86/featureset-words.h"

#define XFS_NR_FEATURE_BITS (XFS_NR_WORDS * 32)

/* The static masks, in the order of libxenguest's xc_static_cpu_featuremask. */
enum xfs_mask_kind {
    XFS_MASK_KNOWN,
    XFS_MASK_SPECIAL,
    XFS_MASK_PV_MAX,
    XFS_MASK_PV_DEF,
    XFS_MASK_HVM_SHADOW_MAX,
    XFS_MASK_HVM_SHADOW_DEF,
    XFS_MASK_HVM_HAP_MAX,
    XFS_MASK_HVM_HAP_DEF,
    XFS_MASK_INVERTED, /* ours: bits levelled by union (XCF_INVERTED) */
    XFS_MASK_PLATFORM, /* ours: the virtual platform's bits (XCF_PLATFORM) */
    XFS_MASK_NR
};

/* One row per feature of the annotated list, in list order. */
struct xfs_feature_info {
    const char *name;        /* Xen's spelling, e.g. "SSE4_1" */
    uint16_t value;          /* word * 32 + bit */
    char guest;              /* 'A','a','S','s','H','h' or '\0' for none */
    uint8_t flags;           /* XCF_SPECIAL, XCF_INVERTED, XCF_NOMIGRATE,
                                XCF_PLATFORM */
    uint16_t masks;          /* bit k set => feature is in static mask k */
    const char *description;
};

struct xfs_word_info {
    const char *key;          /* "1d", "7b0", "m10Al", ... */
    enum xfs_word_source src;
    uint32_t leaf;            /* CPUID leaf, or MSR index */
    uint32_t subleaf;         /* XFS_NO_SUBLEAF when the leaf has none */
    enum xfs_reg reg;
};

extern const struct xfs_feature_info xfs_features[];
extern const unsigned int xfs_nr_features;
extern const struct xfs_word_info xfs_words[XFS_NR_WORDS];
extern const uint32_t xfs_static_masks[XFS_MASK_NR][XFS_NR_WORDS];
extern const char *const xfs_mask_names[XFS_MASK_NR];

/* Feature info by value, or NULL if the value names no known feature. */
const struct xfs_feature_info *xfs_feature_by_value(unsigned int value);

/* ---- bit operations (return false / do nothing beyond nr words) ---- */
bool xfs_test(const uint32_t *fs, size_t nr, unsigned int feature);
/* Returns 0, or -1 if the feature lies beyond the nr words given. */
int xfs_set(uint32_t *fs, size_t nr, unsigned int feature);
void xfs_clear(uint32_t *fs, size_t nr, unsigned int feature);

/* ---- whole-set operations with zero-extension ----
 * dst has nd words and may alias a or b; every dst word is written. */
void xfs_and(uint32_t *dst, size_t nd, const uint32_t *a, size_t na,
             const uint32_t *b, size_t nb);
void xfs_or(uint32_t *dst, size_t nd, const uint32_t *a, size_t na,
            const uint32_t *b, size_t nb);
void xfs_andnot(uint32_t *dst, size_t nd, const uint32_t *a, size_t na,
                const uint32_t *b, size_t nb);
/* Copy src into dst, zero-extending or truncating to nd words. */
void xfs_copy(uint32_t *dst, size_t nd, const uint32_t *src, size_t ns);
/* True when every bit of a is also set in b. */
bool xfs_subset(const uint32_t *a, size_t na, const uint32_t *b, size_t nb);
bool xfs_equal(const uint32_t *a, size_t na, const uint32_t *b, size_t nb);
bool xfs_empty(const uint32_t *a, size_t na);
unsigned int xfs_popcount(const uint32_t *a, size_t na);

/* ---- deep dependencies ---- */

/*
 * Every feature that (transitively) needs `feature`, as an XFS_NR_WORDS
 * bitmap, or NULL when nothing depends on it.  Same contract as
 * libxenguest's x86_cpu_policy_lookup_deep_deps().
 */
const uint32_t *xfs_lookup_deep_deps(unsigned int feature);

/* Clear a feature and everything that depends on it. */
void xfs_clear_with_dependents(uint32_t *fs, size_t nr, unsigned int feature);

/*
 * Clear every feature whose prerequisite is absent, so that the set is
 * closed under the dependency relation.  Returns the number of bits cleared.
 */
unsigned int xfs_apply_deep_deps(uint32_t *fs, size_t nr);

/* True when no feature in fs is missing a prerequisite. */
bool xfs_deps_closed(const uint32_t *fs, size_t nr);

/*
 * The absent feature of fs that `feature` most directly needs (of those it
 * depends on, the one with the fewest dependents), or -1 when none is
 * absent.
 */
int xfs_missing_prereq(const uint32_t *fs, size_t nr, unsigned int feature);

#endif /* XEN_LIB_FEATURESET_H */
