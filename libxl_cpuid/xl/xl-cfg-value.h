/* SPDX-License-Identifier: MIT */
/*
 * An xl.cfg file, and the right-hand side of one setting (what follows
 * "NAME="), read as Xen 4.17's libxlutil reads them (libxlu_cfg_l.l, libxlu_cfg_y.y,
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
#include "../util/input-limits.h"

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

/* ---- a whole file ---- */

/*
 * A file is settings, each "NAME = value" or "NAME += value" ending at a
 * newline or ';' (the last may end at the end of the file); blank lines,
 * comments and lone ';' between them.  NAME is a lower-case letter, then
 * lower-case letters, digits, '.' and '_'.  "+=" joins the value to the
 * name's earlier one as libxlutil does: two strings are concatenated, two
 * lists appended; a list and a string are an error.  A name given twice:
 * the last one counts (xlc_cfg_file_get).  Errors name FILE:LINE:COLUMN.
 *
 * As with libxlutil, a comment on the last line needs its newline ("a=1
 * # end" at the end of the text is a lexical error).
 *
 * Deliberate differences: libxlutil reports every bad line and then
 * fails; here the first one is the error.  Limits: XLC_CFG_MAX_FILE
 * bytes, lines of XLC_CFG_MAX_LEN bytes, XLC_CFG_MAX_SETTINGS settings,
 * the depth and value-count limits above for the whole file, no NUL
 * byte.
 */
#define XLC_CFG_MAX_FILE     (1u << 20)
#define XLC_CFG_MAX_SETTINGS 4096u
/* The file limits as every reader states them (util/read-file.h). */
extern const struct xlc_input_limits xlc_cfg_limits;

struct xlc_cfg_setting {
    char *name;
    unsigned int line;           /* where the value starts, 1-based (the
                                    line libxlutil's warnings give) */
    bool added;                  /* "+=": value includes the earlier one */
    struct xlc_cfg_value value;  /* offsets are into the whole file */
};

struct xlc_cfg_file {
    char *source;                /* the file name, or "<stdin>" */
    struct xlc_cfg_setting *settings;   /* in file order */
    size_t nr;
};

/* Parse len bytes of text; source names it in messages. */
int xlc_cfg_file_parse(const char *source, const char *text, size_t len,
                       struct xlc_cfg_file *out, xlc_error *err);
/* Read and parse a file ("-": standard input): an empty one, a directory
 * or one past xlc_cfg_limits is refused with what it is. */
int xlc_cfg_file_load(const char *path, struct xlc_cfg_file *out,
                      xlc_error *err);
/* The setting xl reads for name (the last of that name), or NULL. */
const struct xlc_cfg_setting *xlc_cfg_file_get(const struct xlc_cfg_file *f,
                                               const char *name);
/* The same among the settings before index `before`. */
const struct xlc_cfg_setting *xlc_cfg_file_get_before(
    const struct xlc_cfg_file *f, const char *name, size_t before);
void xlc_cfg_file_free(struct xlc_cfg_file *f);

#endif /* LIBXL_CPUID_XL_CFG_VALUE_H */
