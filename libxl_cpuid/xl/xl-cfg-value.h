/* SPDX-License-Identifier: MIT */
/*
 * The right-hand side of one xl.cfg setting (what follows "NAME="), read
 * as Xen 4.17's libxlutil reads it (libxlu_cfg_l.l, libxlu_cfg_y.y,
 * libxlu_cfg.c; tests/viridian/test_viridian_xl.c compares with the installed
 * libxlutil).
 *
 * Syntax:
 *   value   = atom | "[" NL* [ value NL* { "," NL* value NL* } [ "," NL* ] ] "]"
 *   atom    = "..." | '...' | NUMBER          (an atom is always a string)
 *   NUMBER  = [0-9][0-9a-fx]*                 (unquoted, kept as written)
 *   NL      = newline, or "#" comment up to the newline
 * Blanks (space, tab) separate tokens anywhere.  After the value only
 * blanks, newlines, comments and ";" may follow.  The text is read as one
 * line of a file, i.e. followed by a newline.
 *
 * Quoted strings are taken apart as libxlutil does, quirks included:
 *   - no raw newline inside; a backslash escapes the next character;
 *   - \" \' \\ \a \b \f \n \r \t \v give that character;
 *   - \0 .. \7 must be followed by characters strtoul(...,10) reads as a
 *     number of at least two characters (at most three are looked at:
 *     "\012" is fine, "\01" is not); the whole escape then gives NOTHING
 *     (libxlutil computes the value and drops it);
 *   - \x is always refused (libxlutil's length check cannot pass);
 *   - any other escape is refused.
 * Anything else libxlutil refuses is refused here too: unquoted words
 * ("true", "yes"), a leading "-" or "+", ".", "(", ")", ":", upper-case
 * letters, control characters and bytes >= 0x80 outside quotes and
 * comments, an unterminated string, a newline before the value.
 *
 * Deliberate differences (documented, tested):
 *   - a second setting after the value ("1; hap=0") is refused: the text
 *     is one right-hand side, not a file;
 *   - limits: XLC_CFG_MAX_LEN bytes, lists nested XLC_CFG_MAX_DEPTH deep,
 *     XLC_CFG_MAX_ITEMS values in all (libxlutil has none short of memory).
 */
#ifndef LIBXL_CPUID_XL_CFG_VALUE_H
#define LIBXL_CPUID_XL_CFG_VALUE_H

#include <stdbool.h>
#include <stddef.h>

#include "../util/error.h"

#define XLC_CFG_MAX_LEN   65536u
#define XLC_CFG_MAX_DEPTH 64u
#define XLC_CFG_MAX_ITEMS 65536u

enum xlc_cfg_kind {
    XLC_CFG_STRING,
    XLC_CFG_LIST,
};

struct xlc_cfg_value {
    enum xlc_cfg_kind kind;
    size_t offset;               /* byte offset of the value in the text */
    bool number;                 /* STRING: an unquoted NUMBER token */
    char *string;                /* STRING: the dequoted text (malloc'd) */
    struct xlc_cfg_value *items; /* LIST: its values */
    size_t nr_items;
};

/*
 * Parse `text` into *out (zero-initialise it).  -EINVAL on text libxlutil
 * refuses, with the message naming the byte offset and what was there;
 * -E2BIG over a limit; -ENOMEM.  On failure *out is left empty.
 */
int xlc_cfg_value_parse(const char *text, struct xlc_cfg_value *out,
                        xlc_error *err);
void xlc_cfg_value_free(struct xlc_cfg_value *v);

#endif /* LIBXL_CPUID_XL_CFG_VALUE_H */
