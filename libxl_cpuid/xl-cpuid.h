/* SPDX-License-Identifier: MIT */
/*
 * xl's cpuid= option, parsed exactly as Xen 4.17's libxenlight does.
 *
 * Two syntaxes reach libxl (see xl.cfg(5), "cpuid"):
 *
 *   libxl form   cpuid="host,NAME=VALUE,..."       xl splits the string on
 *                ',' and hands each NAME=VALUE to libxl_cpuid_parse_config
 *   xend form    cpuid=["LEAF[,SUBLEAF]:REG=MASK,...", ...]   each list item
 *                goes to libxl_cpuid_parse_config_xend
 *
 * Both fill one list: per (leaf, subleaf) four register masks of 32
 * characters (eax, ebx, ecx, edx), plus per MSR a 64-character mask.  A
 * mask character is '1' (force 1), '0' (force 0), 'x' (the default
 * policy's value), 'k' (the host's value) or 's' (old spelling of 'k').
 * Character 0 of a mask is the most significant bit.
 *
 * The parsers here reproduce libxl's accept/reject decisions, its error
 * numbers and the list it builds, quirks included (each is described where
 * it is implemented, and in the notes a parse records).  On top of that
 * every refusal carries a message saying what was wrong and where, and
 * the quirks that libxl accepts without a word (a value silently
 * truncated, an octal leaf, characters ignored) are recorded as notes on
 * the list so that a caller can show them.
 */
#ifndef LIBXL_CPUID_XL_CPUID_H
#define LIBXL_CPUID_XL_CPUID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../public/arch-x86/featureset-words.h"
#include "error.h"

/* libxl's "no subleaf" (XEN_CPUID_INPUT_UNUSED); equals XFS_NO_SUBLEAF. */
#define XLC_XL_NO_SUBLEAF 0xffffffffu
#define XLC_XL_REG_CHARS 32
#define XLC_XL_MSR_CHARS 64
/* Longest name in the libxl name table, terminator included. */
#define XLC_XL_NAME_MAX 32

/* One (leaf, subleaf) entry.  reg[r][0] == '\0' is libxl's NULL mask. */
struct xlc_xl_leaf {
    uint32_t leaf, subleaf;
    char reg[4][XLC_XL_REG_CHARS + 1]; /* indexed by XFS_EAX..XFS_EDX */
};

/* One MSR entry; libxl creates it with every character 'x'. */
struct xlc_xl_msr {
    uint32_t index;
    char policy[XLC_XL_MSR_CHARS + 1];
};

/*
 * What libxl keeps in a libxl_cpuid_policy_list, in libxl's order (first
 * touch), plus the notes our parsers recorded.  Zero-initialise it (or use
 * XLC_XL_LIST_INIT) and release it with xlc_xl_list_free().
 */
struct xlc_xl_list {
    struct xlc_xl_leaf *leaves;
    size_t nr_leaves, cap_leaves;
    struct xlc_xl_msr *msrs;
    size_t nr_msrs, cap_msrs;
    char **notes;
    size_t nr_notes;
};
#define XLC_XL_LIST_INIT { NULL, 0, 0, NULL, 0, 0, NULL, 0 }

void xlc_xl_list_free(struct xlc_xl_list *l);
/* Deep copy (notes included).  Returns 0 or -ENOMEM (dst left empty). */
int xlc_xl_list_copy(struct xlc_xl_list *dst, const struct xlc_xl_list *src,
                     xlc_error *err);
/* The entry for (leaf, subleaf), or NULL. */
const struct xlc_xl_leaf *xlc_xl_list_find(const struct xlc_xl_list *l,
                                           uint32_t leaf, uint32_t subleaf);
const struct xlc_xl_msr *xlc_xl_list_find_msr(const struct xlc_xl_list *l,
                                              uint32_t index);

/* "eax".."edx" for XFS_EAX..XFS_EDX. */
const char *xlc_xl_reg_name(enum xfs_reg reg);

/* ---- the libxl name table (xl-cpuid-names.c) ---- */

enum xlc_xl_name_kind { XLC_XL_NAME_CPUID, XLC_XL_NAME_MSR };

/* How a value is written into the mask (libxl special-cases two fields). */
enum xlc_xl_layout {
    XLC_XL_PLAIN,  /* width bits from bit, most significant first */
    XLC_XL_FAMILY, /* leaf 1 eax: base family 11:8, extended family 27:20 */
    XLC_XL_MODEL,  /* leaf 1 eax: model 7:4, extended model 19:16 */
};

struct xlc_xl_name {
    char name[XLC_XL_NAME_MAX];
    enum xlc_xl_name_kind kind;
    uint32_t leaf;          /* CPUID leaf, or the MSR index */
    uint32_t subleaf;       /* XLC_XL_NO_SUBLEAF when none (CPUID only) */
    enum xfs_reg reg;       /* CPUID register (MSR: XFS_MSR_LO/XFS_MSR_HI) */
    unsigned int bit;       /* lowest bit; for an MSR 0..63 of the MSR */
    unsigned int width;     /* 1 for feature flags */
    enum xlc_xl_layout layout;
    int feature;            /* XFS_* value the bit is, or -1 */
    bool legacy;            /* from libxl's own table, not cpufeatureset.h */
    const char *note;       /* legacy entries: what the field is */
};

/*
 * libxl's lookup: its own table of legacy names first (exact, case
 * sensitive), then Xen's feature names written in lower case with '-'
 * for '_' ("sse4-1", "lahf-lm").  `len` is the name's length (the name
 * need not be terminated).  Returns 0 or -ENOENT.
 */
int xlc_xl_name_lookup(const char *name, size_t len, struct xlc_xl_name *out);

/* Every name libxl accepts: legacy names first, then feature names. */
size_t xlc_xl_nr_names(void);
void xlc_xl_name_at(size_t i, struct xlc_xl_name *out);

/*
 * The name that makes libxl address featureset bit `value` (a feature of
 * the annotated list): its own name, unless a legacy name shadows it
 * ("clflush" is the leaf 1 EBX cache-line-size field in libxl, so the
 * CLFLUSH flag must be written "clfsh").  Returns buf, or NULL when no
 * name reaches that bit.
 */
const char *xlc_xl_name_for_feature(unsigned int value,
                                    char buf[XLC_XL_NAME_MAX]);

/*
 * The legacy names (family, model, arat, svm_npt, ...) whose bits in that
 * register overlap `bits`, for naming bits that are not featureset bits.
 * Stores up to max pointers to static strings; returns how many match.
 */
size_t xlc_xl_fields_in(uint32_t leaf, uint32_t subleaf, enum xfs_reg reg,
                        uint32_t bits, const char **names, size_t max);

/* ---- parsing (xl-cpuid-parse.c, xl-cpuid-xend.c) ---- */

/*
 * libxl's return values.  libxl_cpuid_parse_config: 0 ok, 1 no '=',
 * 2 unknown name, 3 bad value.  libxl_cpuid_parse_config_xend: 0 ok,
 * 1 bad leaf, 2 bad subleaf, 3 no ':', 4 bad register, 5 mask not 32
 * characters long.
 */
enum {
    XLC_XL_RC_OK = 0,
    XLC_XL_RC_NO_EQUALS = 1,
    XLC_XL_RC_UNKNOWN_NAME = 2,
    XLC_XL_RC_BAD_VALUE = 3,
    XLC_XL_RC_XEND_LEAF = 1,
    XLC_XL_RC_XEND_SUBLEAF = 2,
    XLC_XL_RC_XEND_COLON = 3,
    XLC_XL_RC_XEND_REGISTER = 4,
    XLC_XL_RC_XEND_LENGTH = 5,
};

/*
 * One NAME=VALUE item, as libxl_cpuid_parse_config(): *libxl_rc (may be
 * NULL) gets libxl's number and the list changes exactly as libxl's would
 * (including the entry libxl creates before it rejects a bad value).
 * Returns 0 when libxl accepts the item, else -EINVAL with a message, or
 * -ENOMEM.
 */
int xlc_xl_parse_config(struct xlc_xl_list *l, const char *item,
                        int *libxl_rc, xlc_error *err);

/* One xend item, as libxl_cpuid_parse_config_xend(); same contract. */
int xlc_xl_parse_config_xend(struct xlc_xl_list *l, const char *item,
                             int *libxl_rc, xlc_error *err);

/*
 * The whole libxl-form string as xl treats cpuid="...": split on ',',
 * empty items skipped, the first item must be "host", every other item
 * parsed in order.  Where xl prints a complaint and carries on, this
 * carries on too (the list ends up as xl's) but returns -EINVAL naming
 * every refused item with its offset in the string.
 */
int xlc_xl_parse_string(struct xlc_xl_list *l, const char *s,
                        xlc_error *err);

/* The xend form: every item parsed in order; same contract. */
int xlc_xl_parse_xend_list(struct xlc_xl_list *l, const char *const *items,
                           size_t nr, xlc_error *err);

/*
 * True when s is meant as the libxl form: its first item is "host", or it
 * has no item at all ("" and ",," are an empty cpuid= string).
 */
bool xlc_xl_is_libxl_form(const char *s);

/* ---- JSON (xl-cpuid-json.c) ---- */

/*
 * The list as libxl_cpuid_policy_list_gen_json() writes it through a
 * default yajl generator, byte for byte:
 *   {"cpuid":[{"leaf":1,"ecx":"..."}],"msr":[{"index":266,"policy":"..."}]}
 * Malloc'd (free() it); NULL when out of memory.
 */
char *xlc_xl_list_json(const struct xlc_xl_list *l);

#endif /* LIBXL_CPUID_XL_CPUID_H */
