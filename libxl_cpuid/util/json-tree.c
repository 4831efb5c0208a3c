/* SPDX-License-Identifier: MIT */
/*
 * yajl's tree parser with located errors and bounded nesting, and the
 * value checks the JSON readers share (json-tree.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "json-tree.h"

static void line_col(const char *text, size_t off, unsigned *line,
                     unsigned *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off; i++) {
        if (text[i] == '\n') {
            ++*line;
            *col = 1;
        } else {
            ++*col;
        }
    }
}

/* Where yajl's stream parser stops on the text, and why. */
static int syntax_error(const struct xlc_json_ctx *j, const char *text,
                        size_t len)
{
    yajl_handle h = yajl_alloc(NULL, NULL, NULL);
    unsigned char *msg = NULL;
    size_t off = len;
    unsigned line, col;
    char what[256] = "JSON syntax error";
    yajl_status st;

    if (!h)
        return xlc_fail(j->err, ENOMEM, "%s: out of memory", j->name);
    yajl_config(h, yajl_allow_comments, 1);
    st = yajl_parse(h, (const unsigned char *)text, len);
    if (st == yajl_status_ok)
        st = yajl_complete_parse(h);
    else
        off = yajl_get_bytes_consumed(h);
    if (st != yajl_status_ok)
        msg = yajl_get_error(h, 0, (const unsigned char *)text, len);
    if (msg) {
        snprintf(what, sizeof(what), "%s", (const char *)msg);
        what[strcspn(what, "\n")] = '\0';
        yajl_free_error(h, msg);
    }
    yajl_free(h);
    if (off > len)
        off = len;
    line_col(text, off, &line, &col);
    return xlc_fail(j->err, EINVAL, "%s:%u:%u: %s", j->name, line, col, what);
}

/* The offset where nesting first passes the limit, or len.  Strings and
 * comments (which yajl's tree parser allows) hold no brackets. */
static size_t too_deep_at(const char *t, size_t len, unsigned int max)
{
    unsigned int depth = 0;

    for (size_t i = 0; i < len; i++) {
        if (t[i] == '"') {
            for (i++; i < len && t[i] != '"'; i++)
                i += t[i] == '\\';
        } else if (t[i] == '/' && i + 1 < len && t[i + 1] == '/') {
            i += strcspn(t + i, "\n");
        } else if (t[i] == '/' && i + 1 < len && t[i + 1] == '*') {
            const char *end = strstr(t + i + 2, "*/");

            i = end ? (size_t)(end - t) + 1 : len;
        } else if (t[i] == '[' || t[i] == '{') {
            if (++depth > max)
                return i;
        } else if ((t[i] == ']' || t[i] == '}') && depth) {
            depth--;
        }
    }
    return len;
}

int xlc_json_parse(const struct xlc_json_ctx *j, const char *text, size_t len,
                   yajl_val *out)
{
    const char *nul = memchr(text, '\0', len);
    unsigned int max = j->max_depth ? j->max_depth : XLC_JSON_MAX_DEPTH;
    unsigned line, col;
    size_t deep;
    char *copy;
    int rc = 0;

    *out = NULL;
    if (nul)
        return xlc_fail(j->err, EINVAL, "%s: byte %zu: NUL byte in JSON text",
                        j->name, (size_t)(nul - text));
    copy = malloc(len + 1);
    if (!copy)
        return xlc_fail(j->err, ENOMEM, "%s: out of memory", j->name);
    memcpy(copy, text, len);
    copy[len] = '\0';
    deep = too_deep_at(copy, len, max);
    if (deep < len) {
        line_col(copy, deep, &line, &col);
        rc = xlc_fail(j->err, EINVAL, "%s:%u:%u: nested deeper than %u "
                      "levels, the limit for %s", j->name,
                      line, col, max, j->what ? j->what : "a JSON document");
    } else if (!(*out = yajl_tree_parse(copy, NULL, 0))) {
        rc = syntax_error(j, copy, len);
    }
    free(copy);
    return rc;
}

int xlc_json_bad(const struct xlc_json_ctx *j, const char *path,
                 const char *what)
{
    return xlc_fail(j->err, EINVAL, "%s: %s: %s", j->name, path, what);
}

static bool parse_hex(const char *s, unsigned max_digits, uint64_t *out)
{
    size_t n;

    if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
        return false;
    s += 2;
    n = strlen(s);
    if (!n || n > max_digits || strspn(s, "0123456789abcdefABCDEF") != n)
        return false;
    *out = strtoull(s, NULL, 16);
    return true;
}

static bool parse_dec(const char *s, uint64_t max, uint64_t *out)
{
    size_t n = strlen(s);
    uint64_t v = 0;

    if (!n || strspn(s, "0123456789") != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned d = (unsigned)(s[i] - '0');

        if (v > (max - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

int xlc_json_uint(const struct xlc_json_ctx *j, yajl_val v, const char *path,
                  unsigned int bits, uint64_t *out)
{
    uint64_t max = bits == 64 ? UINT64_MAX : (1ull << bits) - 1;
    char what[96];

    if (YAJL_IS_STRING(v) && parse_hex(v->u.string, bits / 4, out))
        return 0;
    if (YAJL_IS_NUMBER(v) && parse_dec(v->u.number.r, max, out))
        return 0;
    snprintf(what, sizeof(what),
             "expected a %u-bit value: a \"0x\" string of 1 to %u hex digits "
             "or a non-negative integer",
             bits, bits / 4);
    return xlc_json_bad(j, path, what);
}

int xlc_json_check_keys(const struct xlc_json_ctx *j, yajl_val obj,
                        const char *path, const char *const *allowed,
                        size_t nr_required)
{
    char at[128];

    if (!YAJL_IS_OBJECT(obj))
        return xlc_json_bad(j, path, "expected an object");
    for (size_t i = 0; i < obj->u.object.len; i++) {
        const char *k = obj->u.object.keys[i];
        size_t a = 0;

        while (allowed[a] && strcmp(allowed[a], k))
            a++;
        snprintf(at, sizeof(at), "%s.%s", path, k);
        if (!allowed[a])
            return xlc_json_bad(j, at, "unknown key");
        for (size_t p = 0; p < i; p++)
            if (!strcmp(obj->u.object.keys[p], k))
                return xlc_json_bad(j, at, "key given twice");
    }
    for (size_t r = 0; r < nr_required; r++) {
        bool found = false;

        for (size_t i = 0; i < obj->u.object.len; i++)
            found |= !strcmp(obj->u.object.keys[i], allowed[r]);
        if (!found) {
            snprintf(at, sizeof(at), "%s.%s", path, allowed[r]);
            return xlc_json_bad(j, at, "missing");
        }
    }
    return 0;
}

yajl_val xlc_json_member(yajl_val obj, const char *key)
{
    if (!YAJL_IS_OBJECT(obj))
        return NULL;
    for (size_t i = 0; i < obj->u.object.len; i++)
        if (!strcmp(obj->u.object.keys[i], key))
            return obj->u.object.values[i];
    return NULL;
}
