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
#include "../util/escape.h"
#include "../util/read-file.h"
#include "../util/strbuf.h"

enum tok {
    T_END, T_NEWLINE, T_SEMI, T_COMMA, T_LBRACKET, T_RBRACKET, T_EQUALS,
    T_ADD, T_IDENT, T_NUMBER, T_STRING,
};

struct lexer {
    const char *s;
    size_t len, pos;
    const char *source;        /* a whole file: its name (else NULL) */
    bool eol_given;            /* the line's own newline was returned */
    enum tok tok;              /* the current token */
    size_t start, end;         /* its span */
    size_t nr_values;
    xlc_error *err;
};

/* 1-based line of byte offset at. */
static unsigned int line_of(const struct lexer *lx, size_t at)
{
    unsigned int line = 1;

    for (size_t i = 0; i < at && i < lx->len; i++)
        line += lx->s[i] == '\n';
    return line;
}

/* Where offset at is, for messages: "column 5" in one value given alone,
 * "FILE:3:5" in a file. */
static const char *where(const struct lexer *lx, size_t at, char *buf,
                         size_t n)
{
    size_t bol = at;

    if (!lx->source) {
        snprintf(buf, n, "column %zu", at + 1);
        return buf;
    }
    while (bol > 0 && lx->s[bol - 1] != '\n')
        bol--;
    snprintf(buf, n, "%s:%u:%zu", lx->source, line_of(lx, at),
             at - bol + 1);
    return buf;
}

static int fail_code(struct lexer *lx, int code, size_t at, const char *msg)
{
    char pos[300];

    return xlc_fail(lx->err, code, "%s: %s",
                    where(lx, at, pos, sizeof(pos)), msg);
}

static int fail(struct lexer *lx, size_t at, const char *fmt, const char *what)
{
    char msg[256];

    snprintf(msg, sizeof(msg), fmt, what);
    return fail_code(lx, EINVAL, at, msg);
}

/* A short, printable rendering of the text at `at` for messages. */
static const char *near(const struct lexer *lx, size_t at, char *buf,
                        size_t n)
{
    if (at >= lx->len)
        return "end of text";
    return xlc_quote(buf, n, lx->s + at, lx->len - at, 16, "'");
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
    char buf[112];

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

        /* In a file the newline is part of it: libxlutil's lexer refuses
         * a comment on a last line without one. */
        if (!nl && lx->source)
            return lex_error(lx, i);
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
    char buf[112], msg[240];

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
    if (depth >= XLC_CFG_MAX_DEPTH) {
        char msg[64];

        snprintf(msg, sizeof(msg), "lists nested more than %u deep",
                 XLC_CFG_MAX_DEPTH);
        return fail_code(lx, E2BIG, v->offset, msg);
    }
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
    if (++lx->nr_values > XLC_CFG_MAX_ITEMS) {
        char msg[64];

        snprintf(msg, sizeof(msg), "more than %u values", XLC_CFG_MAX_ITEMS);
        return fail_code(lx, E2BIG, lx->start, msg);
    }
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

/* ---- a whole file ---- */

static int value_copy(struct xlc_cfg_value *to, const struct xlc_cfg_value *v)
{
    *to = *v;
    to->string = NULL;
    to->items = NULL;
    to->nr_items = 0;
    if (v->string && !(to->string = strdup(v->string)))
        return -ENOMEM;
    if (v->nr_items && !(to->items = calloc(v->nr_items, sizeof(*to->items))))
        return -ENOMEM;
    for (size_t i = 0; i < v->nr_items; i++, to->nr_items++)
        if (value_copy(&to->items[i], &v->items[i]))
            return -ENOMEM;
    return 0;
}

/* "+=": the earlier value of the name, then this one (libxlutil's rule:
 * strings are joined, lists appended; a string to a list is an error). */
static int add_to(struct lexer *lx, const struct xlc_cfg_value *prev,
                  struct xlc_cfg_value *v)
{
    struct xlc_cfg_value *items;
    char *joined;

    if (prev->kind != v->kind)
        return fail(lx, v->offset, "%s", "'+=' adds a list to a list or a "
                    "string to a string, not one to the other");
    if (v->kind == XLC_CFG_STRING) {
        joined = malloc(strlen(prev->string) + strlen(v->string) + 1);
        if (!joined)
            return xlc_fail(lx->err, ENOMEM, "out of memory");
        strcpy(joined, prev->string);
        strcat(joined, v->string);
        free(v->string);
        v->string = joined;
        v->number = false;
        return 0;
    }
    items = calloc(prev->nr_items + v->nr_items + 1, sizeof(*items));
    if (!items)
        return xlc_fail(lx->err, ENOMEM, "out of memory");
    for (size_t i = 0; i < prev->nr_items; i++)
        if (value_copy(&items[i], &prev->items[i])) {
            for (size_t k = 0; k <= i; k++)
                xlc_cfg_value_free(&items[k]);
            free(items);
            return xlc_fail(lx->err, ENOMEM, "out of memory");
        }
    memcpy(items + prev->nr_items, v->items, v->nr_items * sizeof(*items));
    free(v->items);
    v->items = items;
    v->nr_items += prev->nr_items;
    return 0;
}

static int add_setting(struct lexer *lx, struct xlc_cfg_file *f, size_t *cap,
                       size_t name_at, size_t name_end, bool added)
{
    struct xlc_cfg_setting *st;
    const struct xlc_cfg_setting *prev;
    int rc;

    if (f->nr >= XLC_CFG_MAX_SETTINGS)
        return fail_code(lx, E2BIG, name_at, "too many settings");
    if (f->nr == *cap) {
        size_t n = *cap ? *cap * 2 : 16;

        st = realloc(f->settings, n * sizeof(*st));
        if (!st)
            return xlc_fail(lx->err, ENOMEM, "out of memory");
        f->settings = st;
        *cap = n;
    }
    st = &f->settings[f->nr];
    memset(st, 0, sizeof(*st));
    st->name = strndup(lx->s + name_at, name_end - name_at);
    if (!st->name)
        return xlc_fail(lx->err, ENOMEM, "out of memory");
    st->added = added;
    st->line = line_of(lx, lx->start);
    f->nr++;
    rc = parse_value(lx, &st->value, 0);
    prev = rc || !added ? NULL : xlc_cfg_file_get_before(f, st->name, f->nr - 1);
    return prev ? add_to(lx, &prev->value, &st->value) : rc;
}

/* NAME ("=" | "+=") value, then a newline or ';' (or the end). */
static int parse_setting(struct lexer *lx, struct xlc_cfg_file *f,
                         size_t *cap)
{
    size_t name_at = lx->start, name_end = lx->end;
    bool added;
    int rc;

    if (lx->tok != T_IDENT)
        return syntax(lx, "a setting (NAME=VALUE)");
    if (next(lx))
        return -EINVAL;
    if (lx->tok != T_EQUALS && lx->tok != T_ADD)
        return syntax(lx, "'=' or '+=' after the setting's name");
    added = lx->tok == T_ADD;
    if (next(lx))
        return -EINVAL;
    rc = add_setting(lx, f, cap, name_at, name_end, added);
    if (rc)
        return rc;
    if (lx->tok != T_NEWLINE && lx->tok != T_SEMI && lx->tok != T_END)
        return syntax(lx, "the end of the setting (newline or ';') after "
                      "the value");
    return 0;
}

int xlc_cfg_file_parse(const char *source, const char *text, size_t len,
                       struct xlc_cfg_file *out, xlc_error *err)
{
    struct lexer lx = { .s = text, .len = len, .source = source,
                        .err = err };
    const char *nul = memchr(text, '\0', len);
    size_t cap = 0;
    int rc;

    memset(out, 0, sizeof(*out));
    if (len > XLC_CFG_MAX_FILE)
        return xlc_fail(err, E2BIG, "%s: %zu bytes: the limit for an xl "
                        "config is %u", source, len, XLC_CFG_MAX_FILE);
    if (nul)
        return fail_code(&lx, EINVAL, (size_t)(nul - text), "a NUL byte");
    for (size_t at = 0, eol; at < len; at = eol + 1) {
        const char *nl = memchr(text + at, '\n', len - at);

        eol = nl ? (size_t)(nl - text) : len;
        if (eol - at > XLC_CFG_MAX_LEN) {
            char msg[64];

            snprintf(msg, sizeof(msg), "a line longer than %u bytes",
                     XLC_CFG_MAX_LEN);
            return fail_code(&lx, E2BIG, at, msg);
        }
    }
    out->source = strdup(source);
    if (!out->source)
        return xlc_fail(err, ENOMEM, "out of memory");
    rc = next(&lx);
    while (!rc && lx.tok != T_END) {
        if (lx.tok == T_NEWLINE || lx.tok == T_SEMI)
            rc = next(&lx);
        else
            rc = parse_setting(&lx, out, &cap);
    }
    if (rc)
        xlc_cfg_file_free(out);
    return rc;
}

const struct xlc_input_limits xlc_cfg_limits = {
    "an xl domain config", XLC_CFG_MAX_FILE, XLC_CFG_MAX_LEN,
};

int xlc_cfg_file_load(const char *path, struct xlc_cfg_file *out,
                      xlc_error *err)
{
    bool is_stdin = !strcmp(path, "-");
    const char *name = is_stdin ? "<stdin>" : path;
    char *text;
    size_t len;
    int rc;

    memset(out, 0, sizeof(*out));
    rc = is_stdin ? xlc_read_stream(stdin, name, &xlc_cfg_limits, &text,
                                    &len, err)
                  : xlc_read_input(path, &xlc_cfg_limits, &text, &len, err);
    if (rc)
        return rc;
    rc = xlc_cfg_file_parse(name, text, len, out, err);
    free(text);
    return rc;
}

const struct xlc_cfg_setting *xlc_cfg_file_get_before(
    const struct xlc_cfg_file *f, const char *name, size_t before)
{
    for (size_t i = before; i-- > 0;)
        if (!strcmp(f->settings[i].name, name))
            return &f->settings[i];
    return NULL;
}

const struct xlc_cfg_setting *xlc_cfg_file_get(const struct xlc_cfg_file *f,
                                               const char *name)
{
    return xlc_cfg_file_get_before(f, name, f->nr);
}

void xlc_cfg_file_free(struct xlc_cfg_file *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->nr; i++) {
        free(f->settings[i].name);
        xlc_cfg_value_free(&f->settings[i].value);
    }
    free(f->settings);
    free(f->source);
    memset(f, 0, sizeof(*f));
}
