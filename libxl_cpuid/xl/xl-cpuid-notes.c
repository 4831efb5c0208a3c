/* SPDX-License-Identifier: MIT */
/*
 * Notes on cpuid= values libxl accepts silently (see xl-cpuid-notes.h):
 * from the tokens the parsers read (xl-cpuid-int.h), whatever libxl
 * drops, truncates or reinterprets is said in words.  Nothing here reads
 * the string itself.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "xl-cpuid-int.h"
#include "xl-cpuid-notes.h"

static int note(struct xlc_xl_notes *n, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int note(struct xlc_xl_notes *n, const char *fmt, ...)
{
    va_list ap;
    int r;

    va_start(ap, fmt);
    r = xlc_strv_vaddf(&n->v, &n->nr, fmt, ap);
    va_end(ap);
    return r;
}

void xlc_xl_notes_free(struct xlc_xl_notes *n)
{
    xlc_strv_free(n->v, n->nr);
    n->v = NULL;
    n->nr = 0;
}

/* The family a reader decodes from what libxl writes for family=num. */
static unsigned long family_read_back(unsigned long num)
{
    if (num < 16)
        return num;
    return 15 + (((num - 15) & 0x7f) | (num & 0x80));
}

static bool is_row(const struct xlc_xl_field *f, const char *name)
{
    return !f->is_feature && !f->msr && f->f.name && !strcmp(f->f.name, name);
}

/* One accepted item of a libxl-form string: its text and tokens. */
struct item {
    const char *text;          /* NAME=VALUE, len characters */
    int len;
    const struct xlc_xl_item_tokens *tok;
};

/* Notes on NAME=VALUE once libxl has accepted it. */
static int value_notes(struct xlc_xl_notes *n, const struct item *it)
{
    const struct xlc_xl_field *f = &it->tok->field;
    const struct xlc_xl_token *v = &it->tok->value, *num = &it->tok->number;
    const char *val = it->text + v->off, *rest = val + num->len;
    unsigned int width = f->f.width;
    int r = 0;

    if (f->msr)
        return 0; /* exactly one character, or refused */
    if (!num->len) {
        if (v->len > 1)
            r = note(n, "'%.*s': only the first character of the value "
                        "counts ('%c')", it->len, it->text, val[0]);
        if (!r && is_row(f, "family"))
            r = note(n, "'%.*s': libxl also sets the extended family "
                        "(eax[27:20]) to 0", it->len, it->text);
        return r;
    }
    if (num->len < v->len)
        r = note(n, "'%.*s': libxl reads the number %lu and ignores '%.*s'",
                 it->len, it->text, num->num, (int)(v->len - num->len),
                 rest);
    if (!r && is_row(f, "family")) {
        if (family_read_back(num->num) != num->num)
            r = note(n, "'%.*s': libxl encodes this as family %lu", it->len,
                     it->text, family_read_back(num->num));
    } else if (!r && width < sizeof(num->num) * CHAR_BIT &&
               (num->num >> width)) {
        r = note(n, "'%.*s': %lu does not fit %u bit%s; libxl keeps the low "
                    "bits (%lu)", it->len, it->text, num->num, width,
                 width == 1 ? "" : "s", num->num & ((1ul << width) - 1));
    }
    return r;
}

static int shadow_note(struct xlc_xl_notes *n, const struct item *it)
{
    if (!is_row(&it->tok->field, "clflush"))
        return 0;
    return note(n, "'%.*s': to libxl 'clflush' is the CLFLUSH line size "
                   "field (leaf 1 ebx[15:8]); the CLFLUSH feature flag is "
                   "'clfsh'", it->len, it->text);
}

/* The bits of its register (or MSR) a field writes. */
static uint64_t field_bits(const struct xlc_xl_field *f)
{
    if (f->msr)
        return (uint64_t)1 << f->f.bit;
    if (is_row(f, "family"))
        return 0x0ff00f00u; /* base 11:8, extended 27:20 */
    if (is_row(f, "model"))
        return 0x000f00f0u; /* 7:4 and extended 19:16 */
    return (((uint64_t)1 << f->f.width) - 1) << f->f.bit;
}

static bool same_bits(const struct xlc_xl_field *a,
                      const struct xlc_xl_field *b)
{
    if (a->msr != b->msr)
        return false;
    if (a->msr ? a->msr_index != b->msr_index
               : a->f.leaf != b->f.leaf || a->f.subleaf != b->f.subleaf ||
                     a->f.reg != b->f.reg)
        return false;
    return (field_bits(a) & field_bits(b)) != 0;
}

/* Notes on item i, the items before it already noted. */
static int item_notes(struct xlc_xl_notes *n, const struct item *items,
                      size_t i)
{
    const struct item *it = &items[i];
    int r = value_notes(n, it);

    if (!r)
        r = shadow_note(n, it);
    for (size_t j = 0; !r && j < i; j++)
        if (same_bits(&items[j].tok->field, &it->tok->field)) {
            r = note(n, "'%.*s' overrides the earlier '%.*s'", it->len,
                     it->text, items[j].len, items[j].text);
            break;
        }
    return r;
}

int xlc_xl_notes_libxl(const char *str, struct xlc_xl_notes *out,
                       xlc_error *err)
{
    struct xlc_xl_item_tokens *tok;
    struct item *items = NULL;
    size_t nr, nr_items = 0;
    int r;

    memset(out, 0, sizeof(*out));
    r = xlc_xl_cpuid_tokens(str, &tok, &nr, err);
    if (r)
        return r;
    items = calloc(nr + 1, sizeof(*items));
    r = items ? 0 : -ENOMEM;
    /* Only items libxl accepts get notes. */
    for (size_t i = 0; !r && i < nr; i++) {
        if (!tok[i].accepted)
            continue;
        items[nr_items] = (struct item){ str + tok[i].word.off,
                                         (int)tok[i].word.len, &tok[i] };
        r = item_notes(out, items, nr_items++);
    }
    free(items);
    free(tok);
    if (r) {
        xlc_xl_notes_free(out);
        return xlc_fail(err, ENOMEM, "out of memory");
    }
    return 0;
}

/* ---- xend items ---- */

/* A leaf or subleaf number as libxl read it (t); notes on surprises. */
static int number_notes(struct xlc_xl_notes *n, const char *item,
                        const char *what, const struct xlc_xl_token *t)
{
    const char *text = item + t->off;
    const char *p = text + strspn(text, " \t\n\v\f\r");
    uint32_t v = (uint32_t)t->num;

    if (*p == '+' || *p == '-')
        p++;
    if (p[0] == '0' && p[1] >= '0' && p[1] <= '7')
        return note(n, "'%s': the %s '%.*s' is octal to libxl (%u)", item,
                    what, (int)t->len, text, v);
    if (memchr(text, '-', t->len) || t->num > 0xffffffffu)
        return note(n, "'%s': the %s '%.*s' is cut to 32 bits by libxl "
                       "(0x%x)", item, what, (int)t->len, text, v);
    return 0;
}

/* Notes on the registers one string gives for a leaf. */
static int register_notes(struct xlc_xl_notes *n, const char *item,
                          const struct xlc_xend_tokens *t, bool seen[4])
{
    int r = 0;

    for (size_t i = 0; !r && i < t->nr_regs; i++) {
        const struct xlc_xl_token *reg = &t->regs[i];
        const char *s = item + reg->off;

        if (reg->len != 3)
            r = note(n, "'%s': libxl takes the register from '%.3s' and "
                        "ignores '%.*s'", item, s, (int)(reg->len - 3),
                     s + 3);
        if (!r && seen[reg->num])
            r = note(n, "'%s': %.3s was given before; libxl keeps the last "
                        "mask", item, s);
        seen[reg->num] = true;
    }
    return r;
}

struct leaf_seen {
    uint32_t leaf, subleaf;
    bool reg[4];
};

static int xend_item_notes(struct xlc_xl_notes *n, const char *item,
                           const struct xlc_xend_tokens *t,
                           struct leaf_seen *ls, size_t *nr_ls)
{
    uint32_t leaf = (uint32_t)t->leaf.num, subleaf = XLC_XL_NO_SUBLEAF;
    size_t i;
    int r = number_notes(n, item, "leaf", &t->leaf);

    if (!r && t->subleaf.len) {
        subleaf = (uint32_t)t->subleaf.num;
        r = number_notes(n, item, "subleaf", &t->subleaf);
        if (!r && subleaf == XLC_XL_NO_SUBLEAF)
            r = note(n, "'%s': subleaf 0xffffffff means 'no subleaf' to "
                        "libxl", item);
    }
    if (!r && leaf == XLC_XL_NO_SUBLEAF)
        return note(n, "'%s': leaf 0xffffffff is libxl's end-of-list marker; "
                       "libxl loses this entry", item);
    for (i = 0; i < *nr_ls; i++)
        if (ls[i].leaf == leaf && ls[i].subleaf == subleaf)
            break;
    if (i == *nr_ls) {
        memset(&ls[i], 0, sizeof(ls[i]));
        ls[i].leaf = leaf;
        ls[i].subleaf = subleaf;
        (*nr_ls)++;
    }
    return r ? r : register_notes(n, item, t, ls[i].reg);
}

int xlc_xl_notes_xend(const char *const *items, size_t nr,
                      struct xlc_xl_notes *out, xlc_error *err)
{
    struct leaf_seen *ls = calloc(nr + 1, sizeof(*ls));
    size_t nr_ls = 0;
    int r = ls ? 0 : -ENOMEM;

    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < nr && !r; i++) {
        struct xlc_xend_tokens t;

        r = xlc_xl_cpuid_xend_tokens(items[i], &t, NULL);
        /* Only strings libxl accepts get notes. */
        if (!r && t.accepted)
            r = xend_item_notes(out, items[i], &t, ls, &nr_ls);
        xlc_xend_tokens_free(&t);
    }
    free(ls);
    if (r) {
        xlc_xl_notes_free(out);
        return xlc_fail(err, ENOMEM, "out of memory");
    }
    return 0;
}
