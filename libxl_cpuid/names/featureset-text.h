/* SPDX-License-Identifier: MIT */
/*
 * The featureset text form, as xen-cpuid prints it, and the lists of the
 * bits a featureset word holds.  Everything that writes a featureset or
 * its words comes through here.  The text form:
 *
 *     0789fbff:f6fa3203:2e500800:040001f7:0000000f:...
 *
 * One word per CPUID register (see featureset-words.h), word 0 first, each
 * exactly 8 hexadecimal digits (either case), separated by ':'.  Any
 * number of words from one up: a featureset from a newer or older Xen
 * parses fine, and the caller applies the zero-extension rule.
 *
 * Leading and trailing white space (space, tab, CR, LF) is ignored, so a
 * line pasted from a file or from command output parses as is; white space
 * anywhere else is an error.
 *
 * Errors number words from 1 (the first word is "word 1") and quote the
 * word's text, e.g.
 *     featureset word 3 'zz00112g': not 8 hex digits
 */
#ifndef LIBXL_CPUID_FEATURESET_TEXT_H
#define LIBXL_CPUID_FEATURESET_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/error.h"
#include "../util/input-limits.h"
#include "feature-names.h"
#include "../util/strbuf.h"

/*
 * A featureset (a string, or a file holding one) is at most this long: 7,000
 * words; Xen 4.17 has 20.  A file holds it on one line, newline allowed.
 */
#define XLC_FEATURESET_MAX_BYTES (64u << 10)
extern const struct xlc_input_limits xlc_featureset_limits;

/*
 * Parse text into a malloc'd array of *nr words (free() it).  Returns 0,
 * -EINVAL for malformed text (nothing allocated), -E2BIG past
 * XLC_FEATURESET_MAX_BYTES, or -ENOMEM.
 */
int xlc_featureset_parse(const char *text, uint32_t **words, size_t *nr,
                         xlc_error *err);

/*
 * The text form of nr words, malloc'd (free() it), lower-case hex; NULL
 * when out of memory.  nr == 0 gives "", which does not parse back: a
 * featureset has at least one word.
 */
char *xlc_featureset_format(const uint32_t *words, size_t nr);
/* The same text form appended to b. */
void xlc_featureset_put(struct xlc_buf *b, const uint32_t *words, size_t nr);

/*
 * A list of feature bits: each as xlc_bit_text() writes it in `style`
 * (feature-names.h), as a JSON string when `json`, separated by `sep`.
 */
enum xlc_bits_which {
    XLC_BITS_ALL,
    XLC_BITS_NAMED,    /* the bits a featureset feature names */
    XLC_BITS_UNNAMED,  /* the others */
};
struct xlc_bits_list {
    enum xlc_bit_style style;
    enum xlc_bits_which which;
    const char *sep;
    bool json;
};

/*
 * Append the bits set in featureset word `index`, in bit order, as list
 * l; returns how many were written.  Xen's xen-cpuid shows no bit of a
 * word this build does not know, so XLC_BIT_XEN_TOOL writes none there.
 * Word 1 = 0x00090401 gives "sse3 [1*32+10 cntx-id] [1*32+16] sse4_1"
 * (XLC_BIT_OURS, sep " ") and "sse3 cntx-id <16> sse41" (XLC_BIT_XEN_TOOL).
 */
size_t xlc_featureset_word_bits(struct xlc_buf *b, size_t index,
                                uint32_t bits, const struct xlc_bits_list *l);
/* The same over the nr words of a featureset, word 0 first. */
size_t xlc_featureset_bits(struct xlc_buf *b, const uint32_t *fs, size_t nr,
                           const struct xlc_bits_list *l);

#endif /* LIBXL_CPUID_FEATURESET_TEXT_H */
