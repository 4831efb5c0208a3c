/* SPDX-License-Identifier: MIT */
/* Internals shared by the xl-cpuid-*.c files. */
#ifndef LIBXL_CPUID_XL_CPUID_PRIV_H
#define LIBXL_CPUID_XL_CPUID_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

#include "xl-cpuid.h"

/*
 * libxl's cpuid_find_match(): the entry for (leaf, subleaf), appended when
 * missing.  Leaf 0xffffffff gets `scratch` (libxl's invisible entry, see
 * xl-cpuid-list.c).  NULL when out of memory.
 */
struct xlc_xl_leaf *xlc_xl_leaf_for(struct xlc_xl_list *l, uint32_t leaf,
                                    uint32_t subleaf,
                                    struct xlc_xl_leaf *scratch);
/* libxl's msr_find_match(): appended with every character 'x'. */
struct xlc_xl_msr *xlc_xl_msr_for(struct xlc_xl_list *l, uint32_t index);

/*
 * The featureset word of a CPUID register (reg XFS_EAX..XFS_EDX) or of an
 * MSR half (leaf = MSR index, reg XFS_MSR_LO/HI, subleaf ignored), or -1.
 */
int xlc_xl_word_of(uint32_t leaf, uint32_t subleaf, enum xfs_reg reg);

/*
 * How messages name featureset bit `value`: its libxl name ("avx2"), or
 * "word W bit B" for a bit no feature of this build names.
 */
const char *xlc_xl_feature_label(unsigned int value, char *buf, size_t n);
/* Append the labels of the set bits of an XFS_NR_WORDS bitmap, ", "-joined. */
void xlc_xl_list_bits(struct xlc_buf *b, const uint32_t *bits);

/* Append a note to the list.  Returns 0 or -ENOMEM. */
int xlc_xl_note(struct xlc_xl_list *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * s[0..len) made safe to quote in a message: printable ASCII as is, other
 * bytes as \xNN, cut short with "..." when it does not fit.  Returns out.
 */
const char *xlc_xl_quote(char *out, size_t n, const char *s, size_t len);
#define XLC_XL_QUOTE_MAX 160

/* True for the five characters a mask may hold. */
static inline int xlc_xl_mask_char_ok(char c)
{
    return c == '0' || c == '1' || c == 'x' || c == 'k' || c == 's';
}

#endif /* LIBXL_CPUID_XL_CPUID_PRIV_H */
