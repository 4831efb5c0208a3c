/* SPDX-License-Identifier: MIT */
#include <errno.h>
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

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void xlc_buf_puts(struct xlc_buf *b, const char *s)
{
    size_t n = strlen(s);

    if (!reserve(b, n))
        return;
    memcpy(b->s + b->len, s, n + 1);
    b->len += n;
}

void xlc_buf_putc(struct xlc_buf *b, char c)
{
    if (!reserve(b, 1))
        return;
    b->s[b->len++] = c;
    b->s[b->len] = '\0';
}

void xlc_buf_json_str(struct xlc_buf *b, const char *s)
{
    xlc_buf_putc(b, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '"' || c == '\\')
            xlc_buf_printf(b, "\\%c", c);
        else if (c < 0x20)
            xlc_buf_printf(b, "\\u%04x", c);
        else
            xlc_buf_putc(b, (char)c);
    }
    xlc_buf_putc(b, '"');
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
