/* SPDX-License-Identifier: MIT */
/*
 * Feature names as people type them.
 *
 * Lookups are lenient: case does not matter, and '-', '_', '.' and ' ' are
 * all the same separator, so "sse4_1", "SSE4.1" and "sse4-1" all find
 * SSE4_1.  Separators are not dropped: "avx512vpopcntdq" is not
 * AVX512_VPOPCNTDQ (it gets a did-you-mean instead), because silently
 * gluing words together would let typos through; "sse41" finds SSE4_1
 * only because Xen's xen-cpuid spells it so (below).
 *
 * On top of Xen's own names there is a table of aliases for the spellings
 * of Linux (/proc/cpuinfo and its X86_FEATURE_* macros), libvirt's cpu_map
 * and QEMU that still differ after that normalisation ("pni" for SSE3,
 * "pdpe1gb" for PAGE1GB, "spec-ctrl" for IBRSB, ...).  Xen's names always
 * win: an alias never shadows one of them (see feature-names.c for the one
 * spelling where that matters, "ssb-no").
 *
 * Xen 4.17's own xen-cpuid tool prints a third set of spellings ("sse41",
 * "sysenter", "tsc-dl", "pg1g", ...), and names some bits that are no
 * featureset feature at all ("psn", "ia64", AMD's copies of leaf 1 EDX in
 * 0x80000001 EDX, ...).  Lookups accept those too: a name may therefore
 * stand for a bit xlc_feature_name() has no name for ("psn" is 0*32+18),
 * and one spelling, "ppin", stands for two features (see
 * xlc_feature_lookup_bits()).
 */
#ifndef LIBXL_CPUID_FEATURE_NAMES_H
#define LIBXL_CPUID_FEATURE_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#include "../util/error.h"

/* Room for any Xen feature name plus its terminator (checked at build). */
#define XLC_FEATURE_NAME_MAX 32

/* Where an alias comes from (bits: one spelling may have several). */
enum xlc_alias_source {
    XLC_ALIAS_LINUX = 1u << 0,   /* /proc/cpuinfo or X86_FEATURE_* name */
    XLC_ALIAS_LIBVIRT = 1u << 1, /* a libvirt cpu_map feature name */
    XLC_ALIAS_QEMU = 1u << 2,    /* a QEMU -cpu flag name */
    XLC_ALIAS_MANUAL = 1u << 3,  /* the vendor manuals' instruction name */
};

struct xlc_feature_alias {
    const char *alias;
    unsigned int value;   /* XFS_<NAME>: word * 32 + bit */
    unsigned int sources; /* XLC_ALIAS_* bits */
};

extern const struct xlc_feature_alias xlc_feature_aliases[];
extern const size_t xlc_nr_feature_aliases;

/*
 * How Xen 4.17's xen-cpuid spells the bits it names, where that is not
 * Xen's feature name in lower case with '-' for '_' (the rule for every
 * other feature): "sse41" for SSE4_1, and every named bit that has no
 * featureset feature.  Such a bit either says what it is (`what`) or is
 * one of AMD's copies of a leaf 1 EDX feature in 0x80000001 EDX
 * (`amd_copy`: the original is value - 2 * 32, and a guest's copy follows
 * it).
 */
struct xlc_xen_tool_spelling {
    unsigned int value;   /* word * 32 + bit */
    const char *spelling; /* exactly as Xen's xen-cpuid prints it */
    const char *what;     /* a bit without a feature: what it is; or NULL */
    bool amd_copy;        /* a bit without a feature: AMD's copy */
};

extern const struct xlc_xen_tool_spelling xlc_xen_tool_spellings[];
extern const size_t xlc_nr_xen_tool_spellings;

/*
 * Xen 4.17's xen-cpuid spelling of a bit ("sse41", "psn", "avx512-ifma"),
 * possibly written to buf; NULL when that tool prints the bit as "<N>".
 */
const char *xlc_xen_tool_name(unsigned int value,
                              char buf[XLC_FEATURE_NAME_MAX]);

/* The table entry of a bit that has no featureset feature, or NULL. */
const struct xlc_xen_tool_spelling *xlc_xen_tool_other_bit(
    unsigned int value);

/*
 * Find a bit by name: Xen's feature name, an alias or a spelling of Xen's
 * xen-cpuid, leniently compared.  Returns 0 and sets *value (which may be
 * a bit without a featureset feature, such as "psn"), or -ENOENT with a
 * message such as
 *   unknown feature 'sse14'; did you mean 'SSE4_1' or 'sse41' (SSE4_1)?
 * -EINVAL for a NULL or empty name, and for a name that stands for
 * several features ("ppin": AMD_PPIN and INTEL_PPIN), naming them.
 */
int xlc_feature_lookup(const char *name, unsigned int *value, xlc_error *err);

/*
 * Every bit a name stands for, for callers that can show several: stores
 * up to max values in bit order and returns how many there are (at least
 * one), or a negative errno as xlc_feature_lookup() does for unknown and
 * empty names.  AMD's copy of a leaf 1 EDX feature spelled like it ("fpu"
 * for 2*32+0) is not listed beside the feature.
 */
int xlc_feature_lookup_bits(const char *name, unsigned int *values,
                            unsigned int max, xlc_error *err);

/* Xen's name of a feature value ("SSE4_1"), or NULL if it names none. */
const char *xlc_feature_name(unsigned int value);

/*
 * The lower-case form of Xen's name ("sse4_1"), as xen-cpuid prints
 * feature lists, written to buf.  Returns buf, or NULL (buf untouched)
 * when the value names no feature.
 */
const char *xlc_feature_name_lower(unsigned int value,
                                   char buf[XLC_FEATURE_NAME_MAX]);

/*
 * How a feature bit is written.  Every place that shows a bit, in the
 * library and the tool, writes it in one of these styles through
 * xlc_bit_text() (or a list of them, featureset-text.h):
 *   XLC_BIT_OURS      ours, in text and JSON: Xen's name in lower case
 *                     ("sse4_1"); a bit no featureset feature names is
 *                     never dropped but written "[W*32+B name]" when Xen's
 *                     xen-cpuid has a name for it ("[0*32+18 psn]",
 *                     "[2*32+0 fpu]"), else "[W*32+B]" ("[17*32+5]");
 *   XLC_BIT_XEN       messages and explanations: Xen's name as the
 *                     annotated list has it ("SSE4_1"), an unnamed bit as
 *                     XLC_BIT_OURS writes it;
 *   XLC_BIT_XEN_TOOL  Xen 4.17's xen-cpuid (info, detail, its featureset
 *                     decoding): that tool's spelling ("sse41", "psn"),
 *                     else "<B>", the bit's number within its word;
 *   XLC_BIT_PLACE     the place alone, "W*32+B" ("1*32+19"): beside a
 *                     name already given, and in lists of unnamed bits.
 */
enum xlc_bit_style {
    XLC_BIT_OURS,
    XLC_BIT_XEN,
    XLC_BIT_XEN_TOOL,
    XLC_BIT_PLACE,
};

/* Room for any bit in any style, terminator included. */
#define XLC_BIT_TEXT_MAX (XLC_FEATURE_NAME_MAX + 32)

/* Write feature bit `value` (word * 32 + bit) in `style` to buf; buf. */
const char *xlc_bit_text(unsigned int value, enum xlc_bit_style style,
                         char buf[XLC_BIT_TEXT_MAX]);

/* True when two names are equal under the lenient comparison. */
bool xlc_feature_names_match(const char *a, const char *b);

/* "linux", "libvirt", "qemu" or "manual" for one XLC_ALIAS_* bit. */
const char *xlc_alias_source_name(enum xlc_alias_source source);

/*
 * Did-you-mean, for any table of spellings (the lookups here, xl's names
 * in xl-cpuid-parse.c): start with the name typed, consider every
 * candidate spelling with the bit it stands for; the closest (edit
 * distance with transpositions, case and separators ignored, closer than
 * a third of the name and at most 2 for short ones) are kept, up to
 * XLC_MAX_SUGGESTIONS, the first spelling considered for a bit winning.
 * Names longer than XLC_SUGGEST_MAX_LEN get none.
 */
#define XLC_SUGGEST_MAX_LEN 48
#define XLC_MAX_SUGGESTIONS 3

struct xlc_suggestions {
    const char *name;          /* the name typed (NULL: none possible) */
    unsigned int limit;        /* farther than this is no suggestion */
    unsigned int best;
    unsigned int nr;
    const char *spelling[XLC_MAX_SUGGESTIONS];  /* as the candidate is
                                                   written */
    unsigned int value[XLC_MAX_SUGGESTIONS];
};

void xlc_suggestions_start(struct xlc_suggestions *s, const char *name);
void xlc_suggestions_consider(struct xlc_suggestions *s,
                              const char *candidate, unsigned int value);

#endif /* LIBXL_CPUID_FEATURE_NAMES_H */
