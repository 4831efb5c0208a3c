/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

static bool reserve(struct xlc_buf *b, size_t extra)
{
    size_t want = b->len + extra + 1;
    char *n;

    if (b->oom)
        return false;
    if (want <= b->cap)
        return true;
    if (want < 2 * b->cap)
        want = 2 * b->cap;
    if (want < 64)
        want = 64;
    n = realloc(b->s, want);
    if (!n) {
        b->oom = true;
        return false;
    }
    b->s = n;
    b->cap = want;
    return true;
}

void xlc_buf_printf(struct xlc_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    /* Formatted once into the room there is; again only when it did not
     * fit (the library's writers format many short pieces). */
    if (b->oom || !reserve(b, 63))
        return;
    va_start(ap, fmt);
    n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->s[b->len] = '\0';
        return;
    }
    if ((size_t)n >= b->cap - b->len) {
        if (!reserve(b, (size_t)n)) {
            b->s[b->len] = '\0';
            return;
        }
        va_start(ap, fmt);
        vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    b->len += (size_t)n;
}

void xlc_buf_put(struct xlc_buf *b, const char *s, size_t n)
{
    if (!reserve(b, n))
        return;
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void xlc_buf_puts(struct xlc_buf *b, const char *s)
{
    xlc_buf_put(b, s, strlen(s));
}

void xlc_buf_putc(struct xlc_buf *b, char c)
{
    if (!reserve(b, 1))
        return;
    b->s[b->len++] = c;
    b->s[b->len] = '\0';
}

void xlc_buf_xml_str(struct xlc_buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': xlc_buf_puts(b, "&lt;"); break;
        case '>': xlc_buf_puts(b, "&gt;"); break;
        case '&': xlc_buf_puts(b, "&amp;"); break;
        case '"': xlc_buf_puts(b, "&quot;"); break;
        case '\'': xlc_buf_puts(b, "&apos;"); break;
        default: xlc_buf_putc(b, *s);
        }
    }
}

char *xlc_buf_take(struct xlc_buf *b)
{
    char *s;

    if (b->oom) {
        xlc_buf_free(b);
        return NULL;
    }
    if (!b->s && !reserve(b, 0))
        return NULL;
    if (!b->len)
        b->s[0] = '\0';
    s = b->s;
    b->s = NULL;
    b->len = b->cap = 0;
    return s;
}

void xlc_buf_free(struct xlc_buf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
    b->oom = false;
}

/* ---- lists of formatted lines ---- */

char *xlc_vformat(const char *fmt, va_list ap)
{
    char *s = NULL;

    return vasprintf(&s, fmt, ap) < 0 ? NULL : s;
}

int xlc_strv_vaddf(char ***v, size_t *n, const char *fmt, va_list ap)
{
    char *s = xlc_vformat(fmt, ap), **nv;

    if (!s)
        return -ENOMEM;
    nv = realloc(*v, (*n + 1) * sizeof(*nv));
    if (!nv) {
        free(s);
        return -ENOMEM;
    }
    nv[(*n)++] = s;
    *v = nv;
    return 0;
}

int xlc_strv_addf(char ***v, size_t *n, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = xlc_strv_vaddf(v, n, fmt, ap);
    va_end(ap);
    return rc;
}

void xlc_strv_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* ---- growable arrays, string helpers ---- */

/* The array pointer is moved with memcpy: it may be any T *. */
int xlc_grow(void *arr, size_t *cap, size_t nr, size_t size)
{
    void *old, *n;
    size_t want;

    if (nr < *cap)
        return 0;
    want = *cap ? 2 * *cap : 8;
    memcpy(&old, arr, sizeof(old));
    n = realloc(old, want * size);
    if (!n)
        return -1;
    memcpy(arr, &n, sizeof(n));
    *cap = want;
    return 0;
}

size_t xlc_str_hash_len(const char *s, size_t max, size_t *len)
{
    uint64_t h = 1469598103934665603u;
    size_t n = 0;

    for (; s[n] && n <= max; n++)
        h = (h ^ (unsigned char)s[n]) * 1099511628211u;
    *len = n;
    return (size_t)h;
}

size_t xlc_str_hash(const char *s)
{
    size_t len;

    return xlc_str_hash_len(s, SIZE_MAX - 1, &len);
}

static char fold_case(char c)
{
    return (char)tolower((unsigned char)c);
}

unsigned int xlc_edit_distance(const char *a, const char *b, unsigned int cap,
                               char (*fold)(char))
{
    enum { MAXLEN = 64 };
    unsigned int rows[3][MAXLEN + 1];
    unsigned int *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
    size_t la = strlen(a), lb = strlen(b);

    if (!fold)
        fold = fold_case;
    if (la > MAXLEN || lb > MAXLEN)
        return cap;
    for (size_t j = 0; j <= lb; j++)
        prev[j] = (unsigned int)j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = (unsigned int)i;
        for (size_t j = 1; j <= lb; j++) {
            char ai = fold(a[i - 1]), bj = fold(b[j - 1]);
            unsigned int best = prev[j - 1] + (ai != bj);

            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            /* An adjacent pair swapped is one edit. */
            if (i > 1 && j > 1 && ai == fold(b[j - 2]) &&
                fold(a[i - 2]) == bj && prev2[j - 2] + 1 < best)
                best = prev2[j - 2] + 1;
            cur[j] = best;
        }
        unsigned int *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[lb] < cap ? prev[lb] : cap;
}
