/* SPDX-License-Identifier: MIT */
/*
 * A growable string for text the library builds (JSON, XML, cpuid= strings).
 * On allocation failure the buffer remembers it (oom) and further appends
 * are ignored, so callers check once at the end.  Also the library's list
 * of formatted lines (notes, reasons): a malloc()ed array of malloc()ed
 * strings and its count; its growable arrays; and the string helpers its
 * tables and did-you-mean messages share.
 */
#ifndef LIBXL_CPUID_STRBUF_H
#define LIBXL_CPUID_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct xlc_buf {
    char *s;
    size_t len, cap;
    bool oom;
};

#define XLC_BUF_INIT { NULL, 0, 0, false }

void xlc_buf_printf(struct xlc_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void xlc_buf_puts(struct xlc_buf *b, const char *s);
/* Append the n bytes at s (no printf: the writers' hot path). */
void xlc_buf_put(struct xlc_buf *b, const char *s, size_t n);
void xlc_buf_putc(struct xlc_buf *b, char c);
/*
 * Append s as a JSON string literal, quotes and escapes included; bytes
 * that are not UTF-8 are written as the text \xNN, so the output is
 * always valid UTF-8 (escape.h, where it lives).
 */
void xlc_buf_json_str(struct xlc_buf *b, const char *s);
/* Append the n strings as a JSON array, items joined by sep (", " or
 * ","): escape.c too. */
void xlc_buf_json_strv(struct xlc_buf *b, char *const *v, size_t n,
                       const char *sep);
/* Append s with XML's five special characters escaped. */
void xlc_buf_xml_str(struct xlc_buf *b, const char *s);
/* Hand the string to the caller (free() it); NULL after oom. */
char *xlc_buf_take(struct xlc_buf *b);
void xlc_buf_free(struct xlc_buf *b);

/* A printf-formatted string, malloc()ed; NULL when out of memory. */
char *xlc_vformat(const char *fmt, va_list ap);
/* Append a printf-formatted line to the list (*v, *n): 0 or -ENOMEM. */
int xlc_strv_addf(char ***v, size_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int xlc_strv_vaddf(char ***v, size_t *n, const char *fmt, va_list ap);
/* Free the n lines and the list. */
void xlc_strv_free(char **v, size_t n);

/*
 * Make room for one more element in a growable array: *arr (any T *) has
 * nr used and *cap allocated elements of `size` bytes.  Returns 0 or -1
 * (ENOMEM), leaving the array untouched on failure.
 */
int xlc_grow(void *arr, size_t *cap, size_t nr, size_t size);

/* A hash of a string (FNV-1a), for the library's hash tables. */
size_t xlc_str_hash(const char *s);
/* xlc_str_hash(s) and strlen(s) in one pass, when s is at most max bytes
 * long; else *len is max + 1 (and the hash is of those bytes only). */
size_t xlc_str_hash_len(const char *s, size_t max, size_t *len);

/*
 * Edit distance with adjacent transpositions (optimal string alignment)
 * between a and b, characters compared through fold (NULL: ASCII case
 * folded).  No answer exceeds cap; strings over 64 characters are cap.
 */
unsigned int xlc_edit_distance(const char *a, const char *b, unsigned int cap,
                               char (*fold)(char));

#endif /* LIBXL_CPUID_STRBUF_H */
