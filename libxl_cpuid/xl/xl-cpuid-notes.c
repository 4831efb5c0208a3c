/* SPDX-License-Identifier: MIT */
/*
 * Notes on cpuid= values libxl accepts silently (see xl-cpuid-notes.h):
 * each item is read again the way libxl reads it, and whatever libxl
 * drops, truncates or reinterprets is said in words.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xl-cpuid-notes.h"
#include "xl-cpuid.h"

static int note(struct xlc_xl_notes *n, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int note(struct xlc_xl_notes *n, const char *fmt, ...)
{
    char buf[512], **v;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    v = realloc(n->v, (n->nr + 1) * sizeof(*v));
    if (!v)
        return -ENOMEM;
    n->v = v;
    if (!(v[n->nr] = strdup(buf)))
        return -ENOMEM;
    n->nr++;
    return 0;
}

void xlc_xl_notes_free(struct xlc_xl_notes *n)
{
    for (size_t i = 0; i < n->nr; i++)
        free(n->v[i]);
    free(n->v);
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

/* Notes on NAME=VALUE once libxl has accepted it. */
static int value_notes(struct xlc_xl_notes *n, const char *item,
                       const struct xlc_xl_field *f, const char *val)
{
    unsigned int width = f->msr ? 1 : f->f.width;
    char *end;
    unsigned long num = strtoul(val, &end, 0);
    int r = 0;

    if (f->msr)
        return 0; /* exactly one character, or refused */
    if (end == val) {
        if (val[1])
            r = note(n, "'%s': only the first character of the value counts "
                        "('%c')", item, val[0]);
        if (!r && is_row(f, "family"))
            r = note(n, "'%s': libxl also sets the extended family "
                        "(eax[27:20]) to 0", item);
        return r;
    }
    if (*end)
        r = note(n, "'%s': libxl reads the number %lu and ignores '%s'",
                 item, num, end);
    if (!r && is_row(f, "family")) {
        if (family_read_back(num) != num)
            r = note(n, "'%s': libxl encodes this as family %lu", item,
                     family_read_back(num));
    } else if (!r && width < sizeof(num) * CHAR_BIT && (num >> width)) {
        r = note(n, "'%s': %lu does not fit %u bit%s; libxl keeps the low "
                    "bits (%lu)", item, num, width, width == 1 ? "" : "s",
                 num & ((1ul << width) - 1));
    }
    return r;
}

static int shadow_note(struct xlc_xl_notes *n, const char *item,
                       const struct xlc_xl_field *f)
{
    if (!is_row(f, "clflush"))
        return 0;
    return note(n, "'%s': to libxl 'clflush' is the CLFLUSH line size field "
                   "(leaf 1 ebx[15:8]); the CLFLUSH feature flag is 'clfsh'",
                item);
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

struct seen {
    char *item;
    struct xlc_xl_field f;
};

static int item_notes(struct xlc_xl_notes *n, char *item, struct seen *seen,
                      size_t *nr_seen)
{
    const char *eq = strchr(item, '=');
    struct xlc_xl_field f;
    struct xlc_xl_cpuid probe = { 0 };
    int rc, r;

    /* Only items libxl accepts get notes. */
    r = xlc_xl_cpuid_parse_item(&probe, item, &rc, NULL);
    xlc_xl_cpuid_free(&probe);
    if (r == -ENOMEM)
        return r;
    if (r || !eq || !xlc_xl_name_lookup(item, (size_t)(eq - item), &f))
        return 0;
    r = value_notes(n, item, &f, eq + 1);
    if (!r)
        r = shadow_note(n, item, &f);
    for (size_t i = 0; !r && i < *nr_seen; i++)
        if (same_bits(&seen[i].f, &f)) {
            r = note(n, "'%s' overrides the earlier '%s'", item,
                     seen[i].item);
            break;
        }
    seen[*nr_seen].item = item;
    seen[(*nr_seen)++].f = f;
    return r;
}

int xlc_xl_notes_libxl(const char *str, struct xlc_xl_notes *out,
                       xlc_error *err)
{
    char *copy = strdup(str), *save = NULL, *p;
    struct seen *seen = calloc(strlen(str) / 2 + 2, sizeof(*seen));
    int r = 0;
    size_t nr_seen = 0;

    memset(out, 0, sizeof(*out));
    if (!copy || !seen) {
        r = -ENOMEM;
        goto out;
    }
    p = strtok_r(copy, ",", &save);
    if (!p || strcmp(p, "host"))
        goto out;
    while (!r && (p = strtok_r(NULL, ",", &save)))
        r = item_notes(out, p, seen, &nr_seen);
out:
    free(seen);
    free(copy);
    if (r) {
        xlc_xl_notes_free(out);
        return xlc_fail(err, ENOMEM, "out of memory");
    }
    return 0;
}

/* ---- xend items ---- */

/* A leaf or subleaf number as libxl reads it; notes on surprises. */
static int number_notes(struct xlc_xl_notes *n, const char *item,
                        const char *what, const char **s, uint32_t *out)
{
    const char *p = *s + strspn(*s, " \t\n\v\f\r");
    char *end;
    unsigned long v = strtoul(*s, &end, 0);
    int r = 0;

    *out = (uint32_t)v;
    if (*p == '+' || *p == '-')
        p++;
    if (p[0] == '0' && p[1] >= '0' && p[1] <= '7')
        r = note(n, "'%s': the %s '%.*s' is octal to libxl (%u)", item, what,
                 (int)(end - *s), *s, *out);
    else if (memchr(*s, '-', (size_t)(end - *s)) || v > 0xffffffffu)
        r = note(n, "'%s': the %s '%.*s' is cut to 32 bits by libxl "
                    "(0x%x)", item, what, (int)(end - *s), *s, *out);
    *s = end;
    return r;
}

static int register_notes(struct xlc_xl_notes *n, const char *item,
                          const char *s, bool seen[4])
{
    int r = 0;

    while (!r && *s) {
        const char *eq = strchr(s, '='), *comma;
        int reg = s[1] - 'a';

        if (!eq || reg < 0 || reg > 3)
            return 0;
        if (eq != s + 3)
            r = note(n, "'%s': libxl takes the register from '%.3s' and "
                        "ignores '%.*s'", item, s, (int)(eq - s - 3), s + 3);
        if (!r && seen[reg])
            r = note(n, "'%s': %.3s was given before; libxl keeps the last "
                        "mask", item, s);
        seen[reg] = true;
        comma = strchr(eq + 1, ',');
        if (!comma)
            break;
        for (s = comma + 1; *s == ' ' || *s == '\n'; s++)
            ;
    }
    return r;
}

struct leaf_seen {
    uint32_t leaf, subleaf;
    bool reg[4];
};

static int xend_item_notes(struct xlc_xl_notes *n, const char *item,
                           struct leaf_seen *ls, size_t *nr_ls)
{
    struct xlc_xl_cpuid probe = { 0 };
    uint32_t leaf, subleaf = XLC_XL_NO_SUBLEAF;
    const char *s = item;
    size_t i;
    int rc, r = xlc_xl_cpuid_parse_xend(&probe, item, &rc, NULL);

    xlc_xl_cpuid_free(&probe);
    if (r)
        return r == -ENOMEM ? r : 0;
    r = number_notes(n, item, "leaf", &s, &leaf);
    if (!r && *s == ',') {
        s++;
        r = number_notes(n, item, "subleaf", &s, &subleaf);
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
    return r ? r : register_notes(n, item, s + 1, ls[i].reg);
}

int xlc_xl_notes_xend(const char *const *items, size_t nr,
                      struct xlc_xl_notes *out, xlc_error *err)
{
    struct leaf_seen *ls = calloc(nr + 1, sizeof(*ls));
    size_t nr_ls = 0;
    int r = ls ? 0 : -ENOMEM;

    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < nr && !r; i++)
        r = xend_item_notes(out, items[i], ls, &nr_ls);
    free(ls);
    if (r) {
        xlc_xl_notes_free(out);
        return xlc_fail(err, ENOMEM, "out of memory");
    }
    return 0;
}
