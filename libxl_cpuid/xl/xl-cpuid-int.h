/* SPDX-License-Identifier: MIT */
/*
 * Internal to xl/: how the parsers build a list, and the tokens they
 * read, for the code that says more about a string than the list does
 * (the notes, xl-cpuid-notes.c).  The grammar is tokenised in one place, the parsers
 * (xl-cpuid-parse.c, xl-cpuid-xend.c); what they read is recorded here,
 * so that nothing reads a cpuid= string a second way.
 */
#ifndef LIBXL_CPUID_XL_CPUID_INT_H
#define LIBXL_CPUID_XL_CPUID_INT_H

#include "xl-cpuid.h"

/* Internal: not exported from libxl_cpuid.so. */
#pragma GCC visibility push(hidden)

/* ---- the list, as the parsers build it (xl-cpuid-list.c) ---- */

/* The entry for (leaf, subleaf), appended if new; NULL on ENOMEM. */
struct xlc_xl_cpuid_entry *xlc_xl_cpuid_entry_get(struct xlc_xl_cpuid *l,
                                                  uint32_t leaf,
                                                  uint32_t subleaf);
/* The MSR entry, appended all 'x' if new; NULL on ENOMEM. */
struct xlc_xl_msr_entry *xlc_xl_msr_entry_get(struct xlc_xl_cpuid *l,
                                              uint32_t index);

/* ---- the tokens ---- */

/* Where a token is, and for a number what strtoul read (before any cut). */
struct xlc_xl_token {
    size_t off, len;
    unsigned long num;
};

/*
 * One word of the libxl form after "host": the word's place in the
 * string; its value and the number at the start of the value (len 0: none,
 * Q1/Q3) placed within the word.
 */
struct xlc_xl_item_tokens {
    struct xlc_xl_token word, value, number;
    bool accepted;                 /* libxl takes the item */
    struct xlc_xl_field field;     /* accepted: where NAME lands */
};

/* -E2BIG when s is longer than XLC_XL_CPUID_MAX_BYTES, else 0. */
int xlc_xl_cpuid_check_len(const char *s, xlc_error *err);

/*
 * Every word of a libxl-form string after "host", accepted or not, as
 * xlc_xl_cpuid_parse() reads it (none when the first word is not "host").
 * *items is malloc'd.  Returns 0 or -ENOMEM.
 */
int xlc_xl_cpuid_tokens(const char *str, struct xlc_xl_item_tokens **items,
                        size_t *nr, xlc_error *err);

/*
 * One xend-form string as xlc_xl_cpuid_parse_xend() reads it: the leaf and
 * subleaf numbers (subleaf.len 0: none given), and each register from its
 * first character to its '=' (num: the register, 0 for eax .. 3 for edx).
 */
struct xlc_xend_tokens {
    bool accepted;                 /* libxl takes the string */
    struct xlc_xl_token leaf, subleaf;
    struct xlc_xl_token *regs;
    size_t nr_regs;
};

/* Returns 0 or -ENOMEM; free with xlc_xend_tokens_free(). */
int xlc_xl_cpuid_xend_tokens(const char *str, struct xlc_xend_tokens *out,
                             xlc_error *err);
void xlc_xend_tokens_free(struct xlc_xend_tokens *t);

#pragma GCC visibility pop

#endif /* LIBXL_CPUID_XL_CPUID_INT_H */
