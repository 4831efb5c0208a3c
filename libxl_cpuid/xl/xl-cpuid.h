/* SPDX-License-Identifier: MIT */
/*
 * xl's cpuid= option, parsed as libxenlight 4.17 parses it.
 *
 * Two syntaxes (man xl.cfg):
 *   libxl form  cpuid="host,NAME=VALUE,..."      one string
 *   xend form   cpuid=["LEAF[,SUBLEAF]:REG=MASK,...", ...]  a list of strings
 *
 * The result has the shape of libxl_cpuid_policy_list: CPUID entries keyed
 * by (leaf, subleaf), each with four optional 32-character register masks
 * (character 0 is bit 31), plus MSR entries with a 64-character mask
 * (character 0 is bit 63).  Mask characters: '1' force set, '0' force
 * clear, 'x' the default policy's value, 'k'/'s' the host's value.
 *
 * Accept/reject and the error numbers are libxl's (checked against the
 * installed libxenlight by tests/xl/test_xl_diff.c), including its quirks,
 * each documented where it is reproduced.  On top of the number, the
 * xlc_error message says what was wrong and where.
 *
 * Like libxl, a failed item may leave the list partly changed (see the
 * quirks in xl-cpuid-parse.c and xl-cpuid-xend.c): callers that care start
 * from a fresh list and throw it away on error, as xl does.
 */
#ifndef LIBXL_CPUID_XL_CPUID_H
#define LIBXL_CPUID_XL_CPUID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../xen/lib/cpu-policy.h"
#include "../util/error.h"
#include "../names/guest-type.h"
#include "../util/strbuf.h"

#define XLC_XL_REG_CHARS 32
#define XLC_XL_MSR_CHARS 64
/* libxl's XEN_CPUID_INPUT_UNUSED: "no subleaf", and the list terminator. */
#define XLC_XL_NO_SUBLEAF 0xffffffffu

struct xlc_xl_cpuid_entry {
    uint32_t leaf, subleaf;            /* subleaf XLC_XL_NO_SUBLEAF: none */
    char *policy[4];                   /* eax..edx: 32 chars + NUL, or NULL */
};

struct xlc_xl_msr_entry {
    uint32_t index;
    char policy[XLC_XL_MSR_CHARS + 1];
};

/* A parsed cpuid= option (zero-initialise; free with xlc_xl_cpuid_free). */
struct xlc_xl_cpuid {
    struct xlc_xl_cpuid_entry *cpuid;
    size_t nr_cpuid;
    struct xlc_xl_msr_entry *msr;
    size_t nr_msr;
};

void xlc_xl_cpuid_free(struct xlc_xl_cpuid *l);

/* ---- libxl's error numbers ---- */

/* libxl_cpuid_parse_config() */
enum {
    XLC_XL_NO_EQUALS = 1,      /* no '=' in the item */
    XLC_XL_UNKNOWN_NAME = 2,   /* not a name libxl knows */
    XLC_XL_BAD_VALUE = 3,      /* value not a number nor one of x k s
                                  (MSR bits: not exactly one of 0 1 x k s) */
    /* Ours, for xl's own check (libxl never sees the first word). */
    XLC_XL_NOT_HOST = 100,     /* first word of the string is not "host" */
};
/* libxl_cpuid_parse_config_xend() */
enum {
    XLC_XEND_BAD_LEAF = 1,     /* no number where the leaf should be */
    XLC_XEND_BAD_SUBLEAF = 2,  /* ',' after the leaf but no number after it */
    XLC_XEND_NO_COLON = 3,     /* leaf[,subleaf] not followed by ':' */
    XLC_XEND_BAD_REG = 4,      /* register name not eax/ebx/ecx/edx, or no '=' */
    XLC_XEND_BAD_LENGTH = 5,   /* mask not exactly 32 characters */
};

/* ---- the libxl name table (xl-cpuid-names.c) ---- */

/* One name of the libxl form, as libxl's own table describes it. */
struct xlc_xl_name {
    const char *name;
    uint32_t leaf, subleaf;    /* subleaf XLC_XL_NO_SUBLEAF: none */
    enum xfs_reg reg;          /* XFS_EAX..XFS_EDX */
    uint8_t bit, width;        /* lowest bit and number of bits */
    /* For a 1-bit entry with no featureset bit: why (NULL otherwise). */
    const char *not_featureset;
};

/* libxl's explicit table; consulted before the feature names. */
extern const struct xlc_xl_name xlc_xl_names[];
extern const size_t xlc_xl_nr_names;

/* Where a libxl-form name lands. */
struct xlc_xl_field {
    bool msr;                  /* an MSR bit (msr_index, bit 0..63) */
    uint32_t msr_index;
    unsigned int feature;      /* XFS_* value when from the feature list */
    bool is_feature;
    struct xlc_xl_name f;      /* CPUID: leaf/subleaf/reg/bit/width */
};

/*
 * Look a name up exactly as libxl does: first its explicit table, then
 * every feature of the annotated list, lower case with '_' as '-'
 * ("lahf-lm", "avx512-vnni").  Case and separators matter (libxl uses
 * strcmp).  len is the name's length (it need not be NUL terminated).
 * Returns true when found.
 */
bool xlc_xl_name_lookup(const char *name, size_t len,
                        struct xlc_xl_field *out);

/* libxl's spelling of a feature ("lahf-lm") into buf; NULL if none. */
const char *xlc_xl_feature_name(unsigned int feature, char *buf, size_t n);

/* ---- parsing (xl-cpuid-parse.c, xl-cpuid-xend.c) ---- */

/*
 * One "NAME=VALUE" item, as libxl_cpuid_parse_config().  Returns 0, or
 * -EINVAL with *libxl_rc set to libxl's number (XLC_XL_*), and err saying
 * what.  *libxl_rc is 0 on success.
 */
int xlc_xl_cpuid_parse_item(struct xlc_xl_cpuid *l, const char *item,
                            int *libxl_rc, xlc_error *err);

/*
 * A cpuid= string is at most XLC_XL_CPUID_MAX_BYTES long (an xl.cfg line
 * holds no more): longer is -E2BIG, before anything is read.
 */
#define XLC_XL_CPUID_MAX_BYTES (64u << 10)

/*
 * The whole libxl-form string as xl splits it: words separated by ','
 * (empty words skipped, as strtok does), the first must be "host", each
 * other one an item.  Stops at the first bad item: *item_no is its
 * 1-based word number ("host" is word 1), *libxl_rc its number.
 */
int xlc_xl_cpuid_parse(struct xlc_xl_cpuid *l, const char *str,
                       unsigned int *item_no, int *libxl_rc,
                       xlc_error *err);

/*
 * One xend-form string, as libxl_cpuid_parse_config_xend().  Returns 0
 * or -EINVAL with *libxl_rc set (XLC_XEND_*).
 */
int xlc_xl_cpuid_parse_xend(struct xlc_xl_cpuid *l, const char *str,
                            int *libxl_rc, xlc_error *err);

/*
 * Either form, told apart as xl's config syntax does (a list of strings
 * is xend, one string is libxl); for a lone string: xend when a ':' comes
 * before the first '=' ("0x1:ecx=..."), else libxl ("host,...").
 * (xl-cpuid-any.c)
 */
bool xlc_xl_cpuid_is_xend(const char *s);
int xlc_xl_cpuid_parse_any(struct xlc_xl_cpuid *l, const char *str,
                           xlc_error *err);

/* ---- output (xl-cpuid-json.c) ---- */

/*
 * The JSON libxl_cpuid_policy_list_gen_json() writes for the same list,
 * byte for byte (yajl's compact form):
 *   {"cpuid":[{"leaf":1,"subleaf":0,"ecx":"..."}],"msr":[{"index":266,
 *   "policy":"..."}]}
 */
void xlc_xl_cpuid_json(struct xlc_buf *b, const struct xlc_xl_cpuid *l);

/* Human-readable list: one line per register mask / MSR. */
void xlc_xl_cpuid_text(struct xlc_buf *b, const struct xlc_xl_cpuid *l);

/* ---- applying a list to a host (xl-cpuid-apply.c) ---- */

struct xlc_system_policies;

struct xlc_xl_applied {
    struct xfs_cpu_policy policy;        /* the guest's policy */
    uint32_t fs[XFS_NR_WORDS];           /* its featureset */
    uint32_t def[XFS_NR_WORDS];          /* the type's default featureset */
    /* Features cleared only because a prerequisite was cleared. */
    uint32_t deps_cleared[XFS_NR_WORDS];
};

/*
 * Apply a parsed list to the guest type's default policy of the host, as
 * xc_cpuid_apply_policy() applies libxl's list: per mask character, '1'
 * sets, '0' clears, 'x' keeps the default, 'k' and 's' take the host
 * policy's bit (Xen reads the host at boot; the value then travels with
 * the guest).  Then every feature cleared takes its dependents with it
 * (reported in deps_cleared).  Refuses (-EINVAL), naming everything at
 * once: a feature set that Xen does not let the type hold (not in its max
 * featureset, xlc_xl_allowed), a feature forced to 1 whose prerequisite
 * was cleared, a mask character outside 0 1 x k s (position given), a
 * leaf or MSR the policy does not hold.  The guest verdict
 * (guest-verdict.h) judges the result further (limits, XSAVE, ...).
 */
int xlc_xl_cpuid_apply(const struct xlc_system_policies *sys,
                       enum xlc_guest_type type, const struct xlc_xl_cpuid *l,
                       struct xlc_xl_applied *out, xlc_error *err);

/* What a list may set for a guest of the type on this host: the type's max
 * featureset as Xen lets a domain hold it (xfs_domain_allowed_features). */
void xlc_xl_allowed(const struct xlc_system_policies *sys,
                    enum xlc_guest_type type, uint32_t allowed[XFS_NR_WORDS]);

/* The problems applying a list can find, one call each. */
enum xlc_xl_problem {
    XLC_XL_NOT_ALLOWED,   /* a feature set that `allowed` lacks */
    XLC_XL_LOST_PREREQ,   /* a feature set to 1, cleared with a prerequisite */
    XLC_XL_BAD_ENTRY,     /* a mask character, leaf or MSR not applicable */
};
/* feature: its number, or -1; text: the feature as libxl spells it, or
 * the whole problem for XLC_XL_BAD_ENTRY. */
typedef void xlc_xl_problem_fn(void *ctx, enum xlc_xl_problem kind,
                               int feature, const char *text);

/*
 * The application itself, on any default and host policy: *out is the
 * list applied to `def` ('k'/'s' read `host`), dependents cleared;
 * `allowed` (may be NULL: not checked) is what features may be set.
 * Every problem goes to fn, in order.
 */
void xlc_xl_cpuid_resolve(const struct xfs_cpu_policy *def,
                          const struct xfs_cpu_policy *host,
                          const uint32_t *allowed,
                          const struct xlc_xl_cpuid *l,
                          struct xlc_xl_applied *out, xlc_xl_problem_fn *fn,
                          void *ctx);

/* ---- from a featureset back to cpuid= (xl-cpuid-reverse.c) ---- */

/*
 * The shortest libxl-form string turning def into want ("host" alone when
 * equal): NAME=1 for each feature added, NAME=0 for each feature removed
 * that no other removed feature already takes with it.  want must be
 * closed under the dependencies.  Refuses, naming them, bits that have no
 * libxl name.  *out is malloc'd.
 */
int xlc_xl_cpuid_reverse(const uint32_t want[XFS_NR_WORDS],
                         const uint32_t def[XFS_NR_WORDS], char **out,
                         xlc_error *err);
/*
 * The same for a default known only within bounds (several hosts, each
 * with its own default D, lo <= D <= hi): one string turning every such D
 * into want: NAME=1 for want's features outside lo, NAME=0 for hi's
 * outside want (those not taken by another).  reverse(want, def) is
 * reverse_range(want, def, def).
 */
int xlc_xl_cpuid_reverse_range(const uint32_t want[XFS_NR_WORDS],
                               const uint32_t lo[XFS_NR_WORDS],
                               const uint32_t hi[XFS_NR_WORDS], char **out,
                               xlc_error *err);
/*
 * The xend form: one "LEAF[,SUBLEAF]:REG=MASK" string per CPUID word that
 * differs, every differing bit spelled out.  MSR words cannot be said in
 * the xend form: refused, naming the features.  *out: NULL-terminated
 * array of malloc'd strings (free with xlc_xl_strv_free).
 */
int xlc_xl_cpuid_reverse_xend(const uint32_t want[XFS_NR_WORDS],
                              const uint32_t def[XFS_NR_WORDS], char ***out,
                              xlc_error *err);
void xlc_xl_strv_free(char **v);

#endif /* LIBXL_CPUID_XL_CPUID_H */
