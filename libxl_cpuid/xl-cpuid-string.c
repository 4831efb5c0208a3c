/* SPDX-License-Identifier: MIT */
/*
 * Whole cpuid= values, the way xl (Xen 4.17, xl_parse.c) feeds them to
 * libxl:
 *
 *  - cpuid="host,..." is split with strtok_r on ','.  Empty items vanish
 *    (",,", a leading or trailing ','); white space is not trimmed, so
 *    "host, avx2=0" asks for the unknown name " avx2".  The first item
 *    must be exactly "host", else xl complains and ignores the whole
 *    option; an empty string (or only commas) is silently no option at
 *    all.  A refused item makes xl print a complaint and carry on: the
 *    guest is built without it.  Here the list is built the same way, but
 *    the call fails, naming every refused item.
 *  - A later item touching the same bits as an earlier one overrides it
 *    ("avx2=0,avx2=1" sets avx2; "sse4_1=0,sse4-1=1" too): noted.
 *  - cpuid=[...] hands every list item to the xend parser, in order,
 *    complaining about and skipping the refused ones.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "xl-cpuid-priv.h"

struct item {
    const char *text; /* not terminated: len bytes */
    size_t len, offset;
    bool ok;
    struct xlc_xl_name name;
};

/* The ','-separated non-empty items of s (strtok_r's view). */
static struct item *split(const char *s, size_t *nr)
{
    size_t n = 0, cap = 0, i = 0;
    struct item *v = NULL;

    while (s[i]) {
        size_t start, len;

        while (s[i] == ',')
            i++;
        if (!s[i])
            break;
        start = i;
        while (s[i] && s[i] != ',')
            i++;
        len = i - start;
        if (n == cap) {
            struct item *p = realloc(v, (cap = cap ? cap * 2 : 16) *
                                            sizeof(*v));
            if (!p) {
                free(v);
                return NULL;
            }
            v = p;
        }
        memset(&v[n], 0, sizeof(v[n]));
        v[n].text = s + start;
        v[n].len = len;
        v[n++].offset = start;
    }
    *nr = n;
    return v ? v : calloc(1, sizeof(*v));
}

bool xlc_xl_is_libxl_form(const char *s)
{
    size_t i = strspn(s, ",");

    /* Nothing but commas is an (empty) string too. */
    return !s[i] ||
           (!strncmp(s + i, "host", 4) && (s[i + 4] == ',' || !s[i + 4]));
}

static bool overlap(const struct xlc_xl_name *a, const struct xlc_xl_name *b)
{
    unsigned int alo = a->bit, ahi = a->bit + a->width;
    unsigned int blo = b->bit, bhi = b->bit + b->width;

    if (a->kind != b->kind || a->leaf != b->leaf)
        return false;
    if (a->kind == XLC_XL_NAME_CPUID &&
        (a->subleaf != b->subleaf || a->reg != b->reg))
        return false;
    /* family and model reach beyond bit+width: compare whole eax then. */
    if (a->layout != XLC_XL_PLAIN || b->layout != XLC_XL_PLAIN)
        return a->layout != XLC_XL_PLAIN && b->layout != XLC_XL_PLAIN;
    return alo < bhi && blo < ahi;
}

static int note_overrides(struct xlc_xl_list *l, struct item *v, size_t k)
{
    char qa[XLC_XL_QUOTE_MAX], qb[XLC_XL_QUOTE_MAX];

    for (size_t j = 0; j < k; j++) {
        if (!v[j].ok || !overlap(&v[j].name, &v[k].name))
            continue;
        return xlc_xl_note(l, "'%s' (offset %zu) overrides '%s' (offset %zu)",
                           xlc_xl_quote(qa, sizeof(qa), v[k].text, v[k].len),
                           v[k].offset,
                           xlc_xl_quote(qb, sizeof(qb), v[j].text, v[j].len),
                           v[j].offset);
    }
    return 0;
}

/* Parse item k; collect a refusal into `bad`.  Returns -ENOMEM or 0. */
static int one_item(struct xlc_xl_list *l, struct item *v, size_t k,
                    struct xlc_buf *bad, size_t *nr_bad)
{
    char *tok = strndup(v[k].text, v[k].len), *eq;
    xlc_error e = { 0 };
    int r;

    if (!tok)
        return -ENOMEM;
    r = xlc_xl_parse_config(l, tok, NULL, &e);
    if (r == -ENOMEM) {
        free(tok);
        return r;
    }
    v[k].ok = r == 0;
    if (r) {
        xlc_buf_printf(bad, "\n  item at offset %zu: %s", v[k].offset,
                       e.msg);
        (*nr_bad)++;
        r = 0;
    } else {
        eq = strchr(tok, '=');
        xlc_xl_name_lookup(tok, (size_t)(eq - tok), &v[k].name);
        r = note_overrides(l, v, k);
    }
    free(tok);
    return r;
}

static int finish(struct xlc_buf *bad, size_t nr_bad, xlc_error *err,
                  const char *what)
{
    char *msg;
    int r;

    if (bad->oom) {
        xlc_buf_free(bad);
        return xlc_fail(err, ENOMEM, "out of memory");
    }
    if (!nr_bad) {
        xlc_buf_free(bad);
        return 0;
    }
    msg = xlc_buf_take(bad);
    r = xlc_fail(err, EINVAL,
                 "%s: %zu item%s refused (xl would print a warning and "
                 "build the guest without %s):%s",
                 what, nr_bad, nr_bad == 1 ? "" : "s",
                 nr_bad == 1 ? "it" : "them", msg ? msg : "");
    free(msg);
    return r;
}

int xlc_xl_parse_string(struct xlc_xl_list *l, const char *s,
                        xlc_error *err)
{
    struct xlc_buf bad = XLC_BUF_INIT;
    size_t nr = 0, nr_bad = 0;
    struct item *v = split(s, &nr);
    char q[XLC_XL_QUOTE_MAX];
    int r = 0;

    if (!v)
        return xlc_fail(err, ENOMEM, "out of memory");
    if (nr && (v[0].len != 4 || strncmp(v[0].text, "host", 4))) {
        r = xlc_fail(err, EINVAL,
                     "cpuid string: the first item must be 'host', not "
                     "'%s' (xl ignores the whole option then); a list of "
                     "LEAF:REG=MASK items is the xend form",
                     xlc_xl_quote(q, sizeof(q), v[0].text, v[0].len));
        free(v);
        return r;
    }
    for (size_t k = 1; k < nr && !r; k++)
        r = one_item(l, v, k, &bad, &nr_bad);
    free(v);
    if (r) {
        xlc_buf_free(&bad);
        return xlc_fail(err, ENOMEM, "out of memory");
    }
    return finish(&bad, nr_bad, err, "cpuid string");
}

int xlc_xl_parse_xend_list(struct xlc_xl_list *l, const char *const *items,
                           size_t nr, xlc_error *err)
{
    struct xlc_buf bad = XLC_BUF_INIT;
    size_t nr_bad = 0;

    for (size_t i = 0; i < nr; i++) {
        xlc_error e = { 0 };
        int r = xlc_xl_parse_config_xend(l, items[i], NULL, &e);

        if (r == -ENOMEM) {
            xlc_buf_free(&bad);
            return xlc_fail(err, ENOMEM, "out of memory");
        }
        if (r) {
            xlc_buf_printf(&bad, "\n  item %zu: %s", i + 1, e.msg);
            nr_bad++;
        }
    }
    return finish(&bad, nr_bad, err, "cpuid list");
}
