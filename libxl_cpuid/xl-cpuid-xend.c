/* SPDX-License-Identifier: MIT */
/*
 * One item of the xend form, "LEAF[,SUBLEAF]:REG=MASK[,REG=MASK...]", as
 * libxl_cpuid_parse_config_xend() (Xen 4.17) handles it.  Observed
 * behaviour reproduced here:
 *
 *  - LEAF and SUBLEAF are read with strtoul(s, &end, 0): leading white
 *    space, '+' and '-' are accepted, "0x" is hex and a leading 0 is
 *    OCTAL ("010" is leaf 8).  The value is cut to 32 bits
 *    ("0x100000001" is leaf 1, "-1" is 0xffffffff).  No number: 1 (leaf)
 *    or 2 (subleaf).  "0x:" reads 0 and stops at 'x', so the ':' is
 *    missing (3), as it is for "1 :eax=..." and "1".
 *  - Subleaf 0xffffffff is libxl's "no subleaf": "7,-1:" is "7:".
 *  - Leaf 0xffffffff is libxl's end-of-list marker: the entry is accepted
 *    and then invisible (see xl-cpuid-list.c).
 *  - The entry is created as soon as the ':' is found, so "1:" alone is
 *    accepted (an entry with no register), and an item refused later
 *    (4 or 5) still leaves its entry, with the registers parsed before the
 *    bad one.
 *  - A register is 'e', a letter a-d, 'x'; then libxl searches for the
 *    next '=' ANYWHERE further on, so "eaxjunk=MASK" sets eax and
 *    "eax,ebx=MASK" sets eax (not ebx).  Upper case, "efx", or no '='
 *    later: 4.
 *  - MASK runs to the next ',' (or the end) and must be exactly 32
 *    characters, else 5.  Its characters are NOT checked: "zzz..." is
 *    accepted and stored; libxc refuses it later, when the domain is
 *    built.  Notes (and xlc_xl_masks_from_list) report them.
 *  - After a ',' spaces and newlines are skipped; then the end of the
 *    item is fine (a trailing ',' is accepted) but an empty register
 *    (",,") is 4.
 *  - A register given twice keeps the last mask.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xl-cpuid-priv.h"

struct xend_ctx {
    struct xlc_xl_list *l;
    const char *item;
    int *rc;
    xlc_error *err;
    char q[XLC_XL_QUOTE_MAX]; /* the item, quoted for messages */
};

static int refuse(struct xend_ctx *c, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int refuse(struct xend_ctx *c, int code, const char *fmt, ...)
{
    char why[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    *c->rc = code;
    return xlc_fail(c->err, EINVAL, "'%s': %s", c->q, why);
}

/* 1-based position of p in the item, as messages count. */
static size_t pos_of(const struct xend_ctx *c, const char *p)
{
    return (size_t)(p - c->item) + 1;
}

/* Notes on a leaf/subleaf number libxl reads differently than shown. */
static int note_number(struct xend_ctx *c, const char *what, const char *s,
                       const char *end, unsigned long v)
{
    const char *p = s + strspn(s, " \t\n\v\f\r");
    char q[XLC_XL_QUOTE_MAX];

    xlc_xl_quote(q, sizeof(q), p, (size_t)(end - p));
    if (*p == '+' || *p == '-')
        p++;
    if (p[0] == '0' && p[1] >= '0' && p[1] <= '7')
        return xlc_xl_note(c->l, "'%s': %s '%s' is octal to libxl: %lu",
                           c->q, what, q, v & 0xffffffffu);
    if (strchr(q, '-') || v > 0xffffffffu)
        return xlc_xl_note(c->l, "'%s': %s '%s' is cut to 32 bits by libxl: "
                           "0x%lx", c->q, what, q, v & 0xffffffffu);
    return 0;
}

/* SUBLEAF after a ','; returns the end of the number or NULL. */
static const char *read_subleaf(struct xend_ctx *c, const char *s,
                                uint32_t *subleaf, int *r)
{
    char *end;
    unsigned long v = strtoul(s, &end, 0);

    if (end == s) {
        *r = refuse(c, XLC_XL_RC_XEND_SUBLEAF, "no subleaf number after the "
                    "',' at position %zu", pos_of(c, s) - 1);
        return NULL;
    }
    *subleaf = (uint32_t)v;
    if ((*r = note_number(c, "subleaf", s, end, v)))
        return NULL;
    if (*subleaf == XLC_XL_NO_SUBLEAF &&
        (*r = xlc_xl_note(c->l, "'%s': subleaf 0xffffffff means 'no "
                          "subleaf' to libxl", c->q)))
        return NULL;
    return end;
}

/* LEAF[,SUBLEAF]: returns the text after ':' or NULL (refused, or oom). */
static const char *read_leaf(struct xend_ctx *c, uint32_t *leaf,
                             uint32_t *subleaf, int *r)
{
    const char *s = c->item;
    char *end;
    unsigned long v = strtoul(s, &end, 0);

    if (end == s) {
        *r = refuse(c, XLC_XL_RC_XEND_LEAF, "no leaf number at position 1 "
                    "(decimal, or hex with 0x)");
        return NULL;
    }
    *leaf = (uint32_t)v;
    if ((*r = note_number(c, "leaf", s, end, v)))
        return NULL;
    s = end;
    if (*s == ',' && !(s = read_subleaf(c, s + 1, subleaf, r)))
        return NULL;
    if (*s != ':') {
        if (*s)
            *r = refuse(c, XLC_XL_RC_XEND_COLON, "missing ':' after the leaf "
                        "number: found '%c' at position %zu", *s,
                        pos_of(c, s));
        else
            *r = refuse(c, XLC_XL_RC_XEND_COLON, "missing ':' after the leaf "
                        "number: the item ends at position %zu",
                        pos_of(c, s));
        return NULL;
    }
    return s + 1;
}

static int note_mask(struct xend_ctx *c, const struct xlc_xl_leaf *e,
                     const char *reg, const char *mask, bool again)
{
    char q[8];

    if (again &&
        xlc_xl_note(c->l, "'%s': %s of leaf 0x%x%s was given before; the "
                    "last mask wins", c->q, reg, e->leaf,
                    e->subleaf == XLC_XL_NO_SUBLEAF ? "" : " (this subleaf)"))
        return -ENOMEM;
    for (unsigned int i = 0; i < XLC_XL_REG_CHARS; i++)
        if (!xlc_xl_mask_char_ok(mask[i]))
            return xlc_xl_note(c->l, "'%s': %s mask character '%s' at "
                               "position %zu (bit %u) is not 0, 1, x, k or "
                               "s: libxl keeps it, libxc refuses it when "
                               "the domain is built", c->q, reg,
                               xlc_xl_quote(q, sizeof(q), mask + i, 1),
                               pos_of(c, mask + i), 31 - i);
    return 0;
}

/* REG followed (somewhere) by '=': the register index, or -1. */
static int read_reg_name(struct xend_ctx *c, const char *s, const char **eq)
{
    if (s[0] != 'e' || !s[1] || s[2] != 'x' || s[1] < 'a' || s[1] > 'd') {
        refuse(c, XLC_XL_RC_XEND_REGISTER, "bad register name at position "
               "%zu: expected eax, ebx, ecx or edx", pos_of(c, s));
        return -1;
    }
    *eq = strchr(s, '=');
    if (!*eq) {
        refuse(c, XLC_XL_RC_XEND_REGISTER, "no '=' after the register name "
               "at position %zu", pos_of(c, s));
        return -1;
    }
    return s[1] - 'a';
}

/* One REG=MASK at s; *next is where the next one starts, NULL at end. */
static int read_reg(struct xend_ctx *c, struct xlc_xl_leaf *e, const char *s,
                    const char **next)
{
    const char *eq, *comma;
    char reg[4];
    bool again;
    int r = read_reg_name(c, s, &eq);

    if (r < 0)
        return -EINVAL;
    memcpy(reg, s, 3);
    reg[3] = '\0';
    if (eq != s + 3 &&
        xlc_xl_note(c->l, "'%s': libxl takes the register from '%s' and "
                    "ignores the text up to the '=' at position %zu", c->q,
                    reg, pos_of(c, eq)))
        return -ENOMEM;
    s = eq + 1;
    comma = strchr(s, ',');
    if (!comma)
        comma = s + strlen(s);
    if (comma - s != XLC_XL_REG_CHARS)
        return refuse(c, XLC_XL_RC_XEND_LENGTH, "the %s mask starting at "
                      "position %zu is %zu characters long; it must be "
                      "exactly 32", reg, pos_of(c, s), (size_t)(comma - s));
    again = e->reg[r][0] != '\0';
    memcpy(e->reg[r], s, XLC_XL_REG_CHARS);
    e->reg[r][XLC_XL_REG_CHARS] = '\0';
    if (note_mask(c, e, reg, s, again))
        return -ENOMEM;
    *next = NULL;
    if (*comma) {
        /* libxl skips spaces and newlines after a ',', nothing else. */
        for (s = comma + 1; *s == ' ' || *s == '\n'; s++)
            ;
        *next = s;
    }
    return 0;
}

int xlc_xl_parse_config_xend(struct xlc_xl_list *l, const char *item,
                             int *libxl_rc, xlc_error *err)
{
    struct xlc_xl_leaf scratch, *e;
    uint32_t leaf = 0, subleaf = XLC_XL_NO_SUBLEAF;
    int dummy, r = 0;
    struct xend_ctx c = { l, item, libxl_rc ? libxl_rc : &dummy, err, "" };
    const char *s;

    *c.rc = XLC_XL_RC_OK;
    xlc_xl_quote(c.q, sizeof(c.q), item, strlen(item));
    s = read_leaf(&c, &leaf, &subleaf, &r);
    if (!s)
        return r == -ENOMEM ? xlc_fail(err, ENOMEM, "out of memory") : r;
    e = xlc_xl_leaf_for(l, leaf, subleaf, &scratch);
    if (!e)
        return xlc_fail(err, ENOMEM, "out of memory");
    if (leaf == XLC_XL_NO_SUBLEAF &&
        xlc_xl_note(l, "'%s': leaf 0xffffffff is libxl's end-of-list "
                    "marker; the entry is lost", c.q))
        return xlc_fail(err, ENOMEM, "out of memory");
    while (s && *s && !r)
        r = read_reg(&c, e, s, &s);
    return r == -ENOMEM ? xlc_fail(err, ENOMEM, "out of memory") : r;
}
