/* SPDX-License-Identifier: MIT */
/*
 * The featureset text form, as xen-cpuid prints it:
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

#include <stddef.h>
#include <stdint.h>

#include "../util/error.h"
#include "../util/strbuf.h"

/*
 * Parse text into a malloc'd array of *nr words (free() it).  Returns 0,
 * -EINVAL for malformed text (nothing allocated) or -ENOMEM.
 */
int xlc_featureset_parse(const char *text, uint32_t **words, size_t *nr,
                         xlc_error *err);

/*
 * The text form of nr words, malloc'd (free() it), lower-case hex; NULL
 * when out of memory.  nr == 0 gives "", which does not parse back: a
 * featureset has at least one word.
 */
char *xlc_featureset_format(const uint32_t *words, size_t nr);

/*
 * Append to b the names of the bits set in featureset word `index`:
 * lower-case Xen names ("sse4_1") in bit order, separated by one space.
 * A set bit that no feature of this build names is never dropped: it is
 * written as "[W*32+B]" (e.g. "[17*32+5]"), or "[W*32+B name]" when Xen's
 * xen-cpuid has a name for it although it is no featureset feature
 * ("[0*32+18 psn]", "[2*32+0 fpu]").
 */
void xlc_featureset_word_names(struct xlc_buf *b, size_t index,
                               uint32_t bits);

#endif /* LIBXL_CPUID_FEATURESET_TEXT_H */
