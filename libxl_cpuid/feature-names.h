/* SPDX-License-Identifier: MIT */
/*
 * Feature names as people type them.
 *
 * Lookups are lenient: case does not matter, and '-', '_', '.' and ' ' are
 * all the same separator, so "sse4_1", "SSE4.1" and "sse4-1" all find
 * SSE4_1.  Separators are not dropped: "sse41" is not SSE4_1 (it gets a
 * did-you-mean instead), because silently gluing words together would let
 * typos through.
 *
 * On top of Xen's own names there is a table of aliases for the spellings
 * of Linux (/proc/cpuinfo and its X86_FEATURE_* macros), libvirt's cpu_map
 * and QEMU that still differ after that normalisation ("pni" for SSE3,
 * "pdpe1gb" for PAGE1GB, "spec-ctrl" for IBRSB, ...).  Xen's names always
 * win: an alias never shadows one of them (see feature-names.c for the one
 * spelling where that matters, "ssb-no").
 */
#ifndef LIBXL_CPUID_FEATURE_NAMES_H
#define LIBXL_CPUID_FEATURE_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

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
 * Find a feature by name (Xen's name or an alias, leniently compared).
 * Returns 0 and sets *value, or -ENOENT with a message such as
 *   unknown feature 'sse41'; did you mean 'SSE4_1'?
 * (-EINVAL for a NULL or empty name).
 */
int xlc_feature_lookup(const char *name, unsigned int *value, xlc_error *err);

/* Xen's name of a feature value ("SSE4_1"), or NULL if it names none. */
const char *xlc_feature_name(unsigned int value);

/*
 * The lower-case form of Xen's name ("sse4_1"), as xen-cpuid prints
 * feature lists, written to buf.  Returns buf, or NULL (buf untouched)
 * when the value names no feature.
 */
const char *xlc_feature_name_lower(unsigned int value,
                                   char buf[XLC_FEATURE_NAME_MAX]);

/* True when two names are equal under the lenient comparison. */
bool xlc_feature_names_match(const char *a, const char *b);

/* "linux", "libvirt", "qemu" or "manual" for one XLC_ALIAS_* bit. */
const char *xlc_alias_source_name(enum xlc_alias_source source);

#endif /* LIBXL_CPUID_FEATURE_NAMES_H */
