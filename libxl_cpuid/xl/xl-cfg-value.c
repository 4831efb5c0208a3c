/* SPDX-License-Identifier: MIT */
/*
 * One xl.cfg right-hand side, tokenised and parsed the way libxlutil 4.17
 * does it (see xl-cfg-value.h).  Positions in messages are 1-based
 * columns (byte offset + 1) of the text given.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xl-cfg-value.h"
#include "../util/strbuf.h"

enum tok {
    T_END, T_NEWLINE, T_SEMI, T_COMMA, T_LBRACKET, T_RBRACKET, T_EQUALS,
    T_ADD, T_IDENT, T_NUMBER, T_STRING,
};

struct lexer {
    const char *s;
    size_t len, pos;
    bool eol_given;            /* the line's own newline was returned */
    enum tok tok;              /* the current token */
    size_t start, end;         /* its span */
    size_t nr_values;
    xlc_error *err;
};

static int fail(struct lexer *lx, size_t at, const char *fmt, const char *what)
{
    char msg[256];

    snprintf(msg, sizeof(msg), fmt, what);
    return xlc_fail(lx->err, EINVAL, "column %zu: %s", at + 1, msg);
}

/* A short, printable rendering of the text at `at` for messages. */
static const char *near(const struct lexer *lx, size_t at, char *buf,
                        size_t n)
{
    size_t k = 0;

    for (size_t i = at; i < lx->len && k + 5 < n && k < 16; i++) {
        unsigned char c = (unsigned char)lx->s[i];

        if (c >= 0x20 && c < 0x7f)
            buf[k++] = (char)c;
        else
            k += (size_t)snprintf(buf + k, n - k, "\\x%02x", c);
    }
    buf[k] = '\0';
    return k ? buf : "end of text";
}

static bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static size_t span(const struct lexer *lx, size_t i, bool (*ok)(char))
{
    while (i < lx->len && ok(lx->s[i]))
        i++;
    return i;
}

static bool ident_char(char c)
{
    return is_lower(c) || is_digit(c) || c == '.' || c == '_';
}

static bool number_char(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || c == 'x';
}

/* End of a quoted string starting at i (the quote), or 0 if unclosed. */
static size_t string_end(const struct lexer *lx, size_t i)
{
    char q = lx->s[i];

    for (i++; i < lx->len; i++) {
        char c = lx->s[i];

        if (c == q)
            return i + 1;
        if (c == '\n')
            return 0;
        if (c == '\\') {
            if (i + 1 >= lx->len || lx->s[i + 1] == '\n')
                return 0;
            i++;
        }
    }
    return 0;
}

static const struct { char c; enum tok t; } singles[] = {
    { '\n', T_NEWLINE }, { ';', T_SEMI }, { ',', T_COMMA },
    { '[', T_LBRACKET }, { ']', T_RBRACKET }, { '=', T_EQUALS },
};

static int lex_error(struct lexer *lx, size_t i)
{
    char buf[80];

    return fail(lx, i, "lexical error near '%s' (not valid xl.cfg syntax "
                "outside quotes)", near(lx, i, buf, sizeof(buf)));
}

/* The token at i: its kind and end.  The text ends with a virtual '\n'. */
static int lex_at(struct lexer *lx, size_t i, enum tok *t, size_t *end)
{
    char c = lx->s[i];

    for (size_t k = 0; k < sizeof(singles) / sizeof(singles[0]); k++)
        if (c == singles[k].c) {
            *t = singles[k].t;
            *end = i + 1;
            return 0;
        }
    if (c == '#') {                   /* a comment: up to the newline */
        const char *nl = memchr(lx->s + i, '\n', lx->len - i);

        *t = T_NEWLINE;
        *end = nl ? (size_t)(nl - lx->s) + 1 : lx->len;
        return 0;
    }
    if (is_lower(c) || is_digit(c)) {
        *t = is_digit(c) ? T_NUMBER : T_IDENT;
        *end = span(lx, i + 1, is_digit(c) ? number_char : ident_char);
        return 0;
    }
    if (c == '+' && i + 1 < lx->len && lx->s[i + 1] == '=') {
        *t = T_ADD;
        *end = i + 2;
        return 0;
    }
    if ((c == '"' || c == '\'') && (*end = string_end(lx, i))) {
        *t = T_STRING;
        return 0;
    }
    return lex_error(lx, i);
}

static int next(struct lexer *lx)
{
    size_t i = lx->pos;

    while (i < lx->len && (lx->s[i] == ' ' || lx->s[i] == '\t'))
        i++;
    lx->start = i;
    if (i >= lx->len) {
        /* The line's own newline, then the end. */
        lx->tok = lx->eol_given ? T_END : T_NEWLINE;
        lx->eol_given = true;
        lx->end = lx->pos = lx->len;
        return 0;
    }
    if (lex_at(lx, i, &lx->tok, &lx->end))
        return -EINVAL;
    lx->pos = lx->end;
    return 0;
}

/* ---- quoted strings ---- */

static bool c_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
           c == '\r';
}

/*
 * How many of the (at most 3) characters at p strtoul(..., 10) consumes:
 * blanks, a sign, digits; 0 when it finds no digit.
 */
static size_t strtoul10_len(const char *p, size_t avail)
{
    size_t n = avail < 3 ? avail : 3, i = 0, digits;

    while (i < n && c_space(p[i]))
        i++;
    if (i < n && (p[i] == '+' || p[i] == '-'))
        i++;
    for (digits = 0; i < n && is_digit(p[i]); i++)
        digits++;
    return digits ? i : 0;
}

static const char simple_escapes[][2] = {
    { '"', '"' }, { '\'', '\'' }, { '\\', '\\' }, { 'a', '\a' },
    { 'b', '\b' }, { 'f', '\f' }, { 'n', '\n' }, { 'r', '\r' },
    { 't', '\t' }, { 'v', '\v' },
};

/* One escape at p (just past the backslash); *q receives its output. */
static int escape(struct lexer *lx, size_t *p, size_t close, char **q)
{
    char nc = lx->s[(*p)++];
    size_t used;

    for (size_t k = 0; k < sizeof(simple_escapes) / 2; k++)
        if (nc == simple_escapes[k][0]) {
            *(*q)++ = simple_escapes[k][1];
            return 0;
        }
    if (nc == 'x')
        return fail(lx, *p - 2, "%s", "a \\x escape in a quoted string "
                    "(libxlutil refuses every hex escape)");
    if (nc < '0' || nc > '7')
        return fail(lx, *p - 2, "%s", "invalid character after a "
                    "backslash in a quoted string");
    /* The token text runs to the closing quote inclusive. */
    used = strtoul10_len(lx->s + *p, close + 1 - *p);
    if (used < 2)
        return fail(lx, *p - 2, "%s", "an octal escape in a quoted string "
                    "not followed by two digits (libxlutil's rule)");
    *p += used;                 /* libxlutil drops the character */
    return 0;
}

static int dequote(struct lexer *lx, size_t open, size_t close, char **out)
{
    char *r = malloc(close - open), *q = r;
    size_t p = open + 1;

    if (!r)
        return xlc_fail(lx->err, ENOMEM, "out of memory");
    while (p < close) {
        if (lx->s[p] != '\\') {
            *q++ = lx->s[p++];
            continue;
        }
        p++;
        if (escape(lx, &p, close, &q)) {
            free(r);
            return -EINVAL;
        }
    }
    *q = '\0';
    *out = r;
    return 0;
}

/* ---- the grammar ---- */

static int syntax(struct lexer *lx, const char *expected)
{
    char buf[80], msg[200];

    snprintf(msg, sizeof(msg), "syntax error near '%s': expected %s",
             near(lx, lx->start, buf, sizeof(buf)), expected);
    return fail(lx, lx->start, "%s", msg);
}

static int skip_newlines(struct lexer *lx)
{
    while (lx->tok == T_NEWLINE)
        if (next(lx))
            return -EINVAL;
    return 0;
}

static int parse_value(struct lexer *lx, struct xlc_cfg_value *v,
                       unsigned int depth);

static int add_item(struct lexer *lx, struct xlc_cfg_value *list,
                    size_t *cap, unsigned int depth)
{
    if (xlc_grow(&list->items, cap, list->nr_items, sizeof(*list->items)))
        return xlc_fail(lx->err, ENOMEM, "out of memory");
    memset(&list->items[list->nr_items], 0, sizeof(list->items[0]));
    return parse_value(lx, &list->items[list->nr_items++], depth + 1);
}

/* After '[': values separated by ',', an optional trailing ',', ']'. */
static int parse_list(struct lexer *lx, struct xlc_cfg_value *v,
                      unsigned int depth)
{
    size_t cap = 0;

    v->kind = XLC_CFG_LIST;
    if (depth >= XLC_CFG_MAX_DEPTH)
        return xlc_fail(lx->err, E2BIG, "column %zu: lists nested more "
                        "than %u deep", v->offset + 1, XLC_CFG_MAX_DEPTH);
    if (next(lx) || skip_newlines(lx))
        return -EINVAL;
    while (lx->tok != T_RBRACKET) {
        int rc = add_item(lx, v, &cap, depth);

        if (rc || skip_newlines(lx))
            return rc ? rc : -EINVAL;
        if (lx->tok == T_RBRACKET)
            break;
        if (lx->tok != T_COMMA)
            return syntax(lx, "',' or ']' after a list item");
        if (next(lx) || skip_newlines(lx))
            return -EINVAL;
    }
    return next(lx);
}

static int parse_value(struct lexer *lx, struct xlc_cfg_value *v,
                       unsigned int depth)
{
    v->offset = lx->start;
    if (++lx->nr_values > XLC_CFG_MAX_ITEMS)
        return xlc_fail(lx->err, E2BIG, "column %zu: more than %u values",
                        lx->start + 1, XLC_CFG_MAX_ITEMS);
    if (lx->tok == T_LBRACKET)
        return parse_list(lx, v, depth);
    v->kind = XLC_CFG_STRING;
    if (lx->tok == T_NUMBER) {
        v->number = true;
        v->string = strndup(lx->s + lx->start, lx->end - lx->start);
        if (!v->string)
            return xlc_fail(lx->err, ENOMEM, "out of memory");
    } else if (lx->tok == T_STRING) {
        if (dequote(lx, lx->start, lx->end - 1, &v->string))
            return -EINVAL;
    } else {
        return syntax(lx, lx->tok == T_IDENT
                              ? "a value (a word must be quoted)"
                              : "a value: a quoted string, a number or "
                                "a [list]");
    }
    return next(lx);
}

/* After the value: the end of the statement, nothing else. */
static int parse_rest(struct lexer *lx)
{
    while (lx->tok == T_NEWLINE || lx->tok == T_SEMI)
        if (next(lx))
            return -EINVAL;
    if (lx->tok == T_END)
        return 0;
    if (lx->tok == T_IDENT)
        return fail(lx, lx->start, "%s", "another setting after the value: "
                    "give only the right-hand side of one setting");
    return syntax(lx, "the end of the setting (newline or ';') after "
                  "the value");
}

int xlc_cfg_value_parse(const char *text, struct xlc_cfg_value *out,
                        xlc_error *err)
{
    struct lexer lx = { .s = text, .len = strlen(text), .err = err };
    int rc;

    memset(out, 0, sizeof(*out));
    if (lx.len > XLC_CFG_MAX_LEN)
        return xlc_fail(err, E2BIG, "setting of %zu bytes: the limit is %u",
                        lx.len, XLC_CFG_MAX_LEN);
    rc = next(&lx);
    if (!rc)
        rc = parse_value(&lx, out, 0);
    if (!rc)
        rc = parse_rest(&lx);
    if (rc)
        xlc_cfg_value_free(out);
    return rc;
}

void xlc_cfg_value_free(struct xlc_cfg_value *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->nr_items; i++)
        xlc_cfg_value_free(&v->items[i]);
    free(v->items);
    free(v->string);
    memset(v, 0, sizeof(*v));
}
