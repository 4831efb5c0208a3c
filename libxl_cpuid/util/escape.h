/* SPDX-License-Identifier: MIT */
/*
 * Showing input safely: the one escaping function every message that
 * quotes input goes through (xlc_fail escapes each message it records,
 * the tool each line it prints), and the JSON string writer's.  Input is
 * read as UTF-8; what could move a terminal's cursor, change its colours
 * or break a line, and any byte that is not UTF-8, is written as an
 * escape instead:
 *
 *   text  C0 controls, DEL and bytes that are not UTF-8 as \xNN (lower
 *         case hex); C1 controls, line and paragraph separators and the
 *         bidirectional overrides as \uNNNN.  A backslash stays as it is,
 *         so escaping twice changes nothing.
 *   report  as text, but line breaks and tabs stay: what a command
 *         prints, which may quote its input.
 *   JSON  (inside a string literal) '"' and '\' escaped, C0 controls as
 *         \u00NN; a byte that is not UTF-8 as the six characters \\xNN,
 *         so that the output is always valid UTF-8.
 */
#ifndef LIBXL_CPUID_ESCAPE_H
#define LIBXL_CPUID_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

/* Internal: not exported from libxl_cpuid.so. */
#pragma GCC visibility push(hidden)

enum xlc_escape_mode {
    XLC_ESCAPE_TEXT,
    XLC_ESCAPE_JSON,
    XLC_ESCAPE_REPORT,   /* text, its line breaks and tabs kept */
};

/*
 * Append s[0..len) to b, escaped for mode.  `also` (text mode, may be
 * NULL) lists ASCII characters to escape as \xNN too, such as the quote
 * that surrounds the text in a message.
 */
void xlc_buf_escape(struct xlc_buf *b, const char *s, size_t len,
                    enum xlc_escape_mode mode, const char *also);

/* How many bytes from s on xlc_buf_escape() (also NULL) would append as
 * they are: a writer can pass those on without a copy. */
size_t xlc_escape_plain_len(const char *s, size_t len,
                            enum xlc_escape_mode mode);

/*
 * How many of the last bytes of s[0..len) (at most 3) start a UTF-8
 * sequence that more bytes could complete: what a writer escaping in
 * pieces holds back until it has the rest.
 */
size_t xlc_utf8_incomplete_tail(const char *s, size_t len);

/*
 * At most `show` bytes of s[0..len) escaped as text (`also` as above),
 * with "..." when cut, into buf (always NUL-terminated, cut at a whole
 * escape when it does not fit).  Returns buf.
 */
const char *xlc_quote(char *buf, size_t size, const char *s, size_t len,
                      size_t show, const char *also);

/* True when s[0..len) would be written as it is in text mode. */
bool xlc_escape_clean(const char *s, size_t len);

/*
 * Escape the NUL-terminated text in buf (of `size` bytes) in place, in
 * text mode; what does not fit is cut at a whole character or escape.
 */
void xlc_escape_in_place(char *buf, size_t size);

#pragma GCC visibility pop

#endif /* LIBXL_CPUID_ESCAPE_H */
