/* SPDX-License-Identifier: MIT */
/*
 * What a parsed cpuid= list does to a guest, at featureset level, and the
 * way back: the cpuid= string that gives a wanted featureset.
 *
 * How libxenguest applies the list (xc_cpuid_apply_policy, Xen 4.17): the
 * guest starts from the default policy of its type; every mask character
 * sets its bit: '1' to 1, '0' to 0, 'x' to the default's bit, 'k' and 's'
 * to the host's bit; then Xen sanitises the result (dependents of a
 * missing feature go, the policy is limited to the type's max).  Any other
 * mask character makes libxenguest refuse the whole list.
 *
 * At featureset level, here:
 *   - 'x' keeps the default featureset's bit.
 *   - 'k'/'s' take the host featureset's bit, limited to the type's max
 *     (what Xen would do); a host feature the max lacks is reported in
 *     `kept_absent`, never silently lost.
 *   - '1' on a feature not in the type's max is an ERROR naming every
 *     such feature (Xen would silently drop it).  So is '1' on a feature
 *     whose prerequisite ends up absent (Xen would drop it too).
 *   - '0' clears the feature and everything that depends on it; the
 *     dependents cleared are reported (`dependents`).
 *   - Bits that are not featureset bits (family, leaf 6, ...) cannot be
 *     applied to a featureset: they are kept in the per-leaf masks with
 *     `word` = -1 ("not a featureset bit: applies to the policy") so a
 *     policy-level apply can use the same masks.
 */
#ifndef LIBXL_CPUID_XL_CPUID_APPLY_H
#define LIBXL_CPUID_XL_CPUID_APPLY_H

#include <stdbool.h>
#include <stdint.h>

#include "../xen/lib/featureset.h"
#include "guest-type.h"
#include "xl-cpuid.h"

/* One 32-bit register: bits forced to 1, to 0, and taken from the host. */
struct xlc_xl_regmask {
    bool present;         /* libxl had a mask for this register */
    int word;             /* featureset word it is, or -1 */
    uint32_t one, zero, keep;
};

struct xlc_xl_leafmask {
    uint32_t leaf, subleaf;
    struct xlc_xl_regmask r[4]; /* XFS_EAX..XFS_EDX */
};

/* An MSR: halves r[0] (bits 31:0) and r[1] (bits 63:32). */
struct xlc_xl_msrmask {
    uint32_t index;
    struct xlc_xl_regmask r[2];
};

struct xlc_xl_masks {
    struct xlc_xl_leafmask *leaves;
    size_t nr_leaves;
    struct xlc_xl_msrmask *msrs;
    size_t nr_msrs;
};

/*
 * The list as bit masks.  Fails with -EINVAL, naming the leaf, register,
 * character, its position and bit, when a mask holds anything but 0, 1,
 * x, k, s (libxenguest's refusal; 's' is not valid in an MSR mask).
 */
int xlc_xl_masks_from_list(const struct xlc_xl_list *l,
                           struct xlc_xl_masks *out, xlc_error *err);
void xlc_xl_masks_free(struct xlc_xl_masks *m);

/* The host's featuresets for one guest type (XFS_NR_WORDS each). */
struct xlc_xl_host {
    enum xlc_guest_type type;
    const uint32_t *def;   /* the type's default featureset */
    const uint32_t *max;   /* the type's max featureset */
    const uint32_t *host;  /* the host featureset ('k'/'s') */
};

struct xlc_xl_applied {
    uint32_t fs[XFS_NR_WORDS];          /* the guest featureset */
    uint32_t forced_on[XFS_NR_WORDS];   /* '1' */
    uint32_t forced_off[XFS_NR_WORDS];  /* '0' */
    uint32_t kept[XFS_NR_WORDS];        /* 'k'/'s' */
    uint32_t kept_absent[XFS_NR_WORDS]; /* 'k' on host bits the max lacks */
    uint32_t dependents[XFS_NR_WORDS];  /* cleared because a prerequisite
                                           was cleared */
    struct xlc_xl_masks masks;          /* every mask, word or not */
    size_t nr_policy_regs;              /* masks with word < 0 and a bit
                                           other than 'x' */
};

/*
 * Apply the list to the host's featuresets.  Returns 0, -EINVAL (bad mask
 * character; a featureset leaf given without its subleaf or with one it
 * does not have, which libxenguest refuses as a missing leaf), -ENOTSUP
 * (a feature forced on that the type's max lacks, or whose prerequisite
 * is absent: the message names every one) or -ENOMEM.  On success free
 * out with xlc_xl_applied_free().
 */
int xlc_xl_apply(const struct xlc_xl_list *l, const struct xlc_xl_host *h,
                 struct xlc_xl_applied *out, xlc_error *err);
void xlc_xl_applied_free(struct xlc_xl_applied *a);

/*
 * The shortest libxl-form string ("host" then NAME=0/1 items, in feature
 * order) that turns h->def into `want`: a '1' per feature added, a '0'
 * per removed feature that is not itself a dependent of another removed
 * one.  Fails with -ENOTSUP naming every feature of `want` outside the
 * max, -EINVAL naming every feature of `want` whose prerequisite it lacks
 * or every changed bit that has no libxl name.  *out is malloc'd.
 */
int xlc_xl_reverse(const uint32_t want[XFS_NR_WORDS],
                   const struct xlc_xl_host *h, char **out, xlc_error *err);

/*
 * The xend form of `want`: one item per CPUID leaf/subleaf of the word
 * table, every featureset register written out bit by bit as 0/1.  The
 * xend syntax has no MSRs: a `want` whose MSR words differ from the
 * default fails with -EINVAL naming those features.  *items is a malloc'd
 * array of *nr malloc'd strings (xlc_xl_free_items()).
 */
int xlc_xl_reverse_xend(const uint32_t want[XFS_NR_WORDS],
                        const struct xlc_xl_host *h, char ***items,
                        size_t *nr, xlc_error *err);
void xlc_xl_free_items(char **items, size_t nr);

#endif /* LIBXL_CPUID_XL_CPUID_APPLY_H */
