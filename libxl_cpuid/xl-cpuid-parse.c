/* SPDX-License-Identifier: MIT */
/*
 * One NAME=VALUE item of the libxl form, as libxl_cpuid_parse_config()
 * (Xen 4.17) handles it.  Observed behaviour reproduced here:
 *
 *  - NAME is everything before the first '='; nothing is trimmed, so
 *    " avx2=1" and "avx2 =1" are unknown names (2).  "avx2==1" has the
 *    value "=1", a bad value (3).  "=1" is an unknown (empty) name (2).
 *  - CPUID names: VALUE is read with strtoul(VALUE, &end, 0) first.  If
 *    any number was read, its low `width` bits are written and whatever
 *    follows the number is ignored: "avx2=2" clears avx2 (bit 0 of 2 is
 *    0), "avx2=3" sets it, "avx2=1abc" sets it, "avx2=-1" sets it,
 *    "avx2= 1" sets it (strtoul skips white space), "avx2=0x1" and
 *    "avx2=01" are 1, "proccount=300" writes 44.  Otherwise the first
 *    character must be x, k or s and fills the field; the rest of VALUE
 *    is ignored ("avx2=xyz" is 'x').  Anything else, "avx2=" or "avx2=X"
 *    included, is a bad value (3).
 *  - MSR names (the MSR_ARCH_CAPS bits, words 16 and 17): VALUE must be
 *    exactly one character of 0, 1, x, k, s, else 3 ("rdcl-no=2" and
 *    "rdcl-no=0x1" are refused although "avx2=2" is not).  's' is stored
 *    as 'k'.
 *  - libxl creates the list entry before it looks at VALUE, so a refused
 *    value still leaves an entry behind: "avx2=q" leaves an empty leaf 7
 *    entry, "rdcl-no=q" an all-'x' MSR 0x10a entry.  Those show in the
 *    JSON (and are harmless when applied).
 *  - family: below 16 the base family eax[11:8] gets the value and the
 *    extended family eax[27:20] is zeroed.  From 16 up the base family is
 *    15 and the extended family gets value-15, except that bit 7 of the
 *    extended family is bit 7 of the value itself: family=130 encodes
 *    extended family 243, which reads back as family 258.
 *    family=x/k/s puts x/k/s in the base family and zeroes the extended
 *    family too.  model: low nibble to eax[7:4], high nibble to
 *    eax[19:16].
 * Notes are recorded for the accepted-but-surprising cases.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feature-names.h"
#include "xl-cpuid-priv.h"

/* A "did you mean" for a name libxl does not know, or "". */
static void hint(const char *name, size_t len, char *out, size_t n)
{
    char buf[XLC_FEATURE_NAME_MAX * 2], libxl[XLC_XL_NAME_MAX];
    struct xlc_xl_name known;
    unsigned int value;
    size_t start = 0, whole = len;

    out[0] = '\0';
    /* White space is part of the name to libxl ("host, avx=0"). */
    while (start < len && name[start] == ' ')
        start++;
    while (len > start && name[len - 1] == ' ')
        len--;
    if (start || len < whole) {
        if (len > start &&
            !xlc_xl_name_lookup(name + start, len - start, &known)) {
            snprintf(out, n, "; white space counts: did you mean '%s'?",
                     known.name);
            return;
        }
    }
    name += start;
    len -= start;
    if (!len || len >= sizeof(buf))
        return;
    memcpy(buf, name, len);
    buf[len] = '\0';
    if (xlc_feature_lookup(buf, &value, NULL))
        return;
    if (xlc_xl_name_for_feature(value, libxl))
        snprintf(out, n, "; did you mean '%s'?", libxl);
}

static int refuse(int *rc, int code, xlc_error *err, const char *item,
                  const char *why)
{
    char q[XLC_XL_QUOTE_MAX];

    *rc = code;
    return xlc_fail(err, EINVAL, "'%s': %s",
                    xlc_xl_quote(q, sizeof(q), item, strlen(item)), why);
}

static int msr_add(struct xlc_xl_list *l, const struct xlc_xl_name *n,
                   const char *item, const char *val, int *rc,
                   xlc_error *err)
{
    struct xlc_xl_msr *m = xlc_xl_msr_for(l, n->leaf);
    char *slot;

    if (!m)
        return xlc_fail(err, ENOMEM, "out of memory");
    slot = &m->policy[XLC_XL_MSR_CHARS - 1 - n->bit];
    if (strlen(val) == 1) {
        switch (val[0]) {
        case '0': case '1': case 'x': case 'k':
            *slot = val[0];
            return 0;
        case 's':
            /* libxc's MSR masks have no 's'; libxl stores 'k'. */
            *slot = 'k';
            return 0;
        }
    }
    return refuse(rc, XLC_XL_RC_BAD_VALUE, err, item,
                  "an MSR_ARCH_CAPS bit takes exactly one character: 0, 1, "
                  "x, k or s (libxl takes no numbers here)");
}

/* The bits libxl writes into eax for family=num (or x/k/s). */
static void put_family(char *res, const char *flags, unsigned long num,
                       unsigned int bit)
{
    char ext[8];

    if (num < 16) {
        memcpy(res + 28 - bit, flags + 4, 4);
        memcpy(res + 4, "00000000", 8);
        return;
    }
    /* libxl recomputes bits 6..0 only; bit 7 stays the value's own. */
    memcpy(ext, flags, 8);
    num -= 15;
    for (unsigned int i = 0; i < 7; i++) {
        ext[7 - i] = "01"[num & 1];
        num >>= 1;
    }
    memcpy(res + 28 - bit, "1111", 4);
    memcpy(res + 4, ext, 8);
}

static void put_field(char *res, const struct xlc_xl_name *n,
                      const char *flags, unsigned long num)
{
    switch (n->layout) {
    case XLC_XL_FAMILY:
        put_family(res, flags, num, n->bit);
        break;
    case XLC_XL_MODEL:
        memcpy(res + 12, flags, 4);
        memcpy(res + 28 - n->bit, flags + 4, 4);
        break;
    case XLC_XL_PLAIN:
        memcpy(res + XLC_XL_REG_CHARS - n->width - n->bit, flags, n->width);
        break;
    }
}

/* The family a reader decodes from what put_family wrote. */
static unsigned long family_read_back(unsigned long num)
{
    unsigned long ext;

    if (num < 16)
        return num;
    ext = ((num - 15) & 0x7f) | (num & 0x80);
    return 15 + ext;
}

static int note_number(struct xlc_xl_list *l, const struct xlc_xl_name *n,
                       const char *item, const char *end, unsigned long num)
{
    char q[XLC_XL_QUOTE_MAX];
    int r = 0;

    xlc_xl_quote(q, sizeof(q), item, strlen(item));
    if (*end)
        r = xlc_xl_note(l, "'%s': libxl reads the number %lu and ignores "
                           "the rest of the value",
                        q, num);
    if (!r && n->layout == XLC_XL_FAMILY && family_read_back(num) != num)
        r = xlc_xl_note(l, "'%s': libxl encodes this as family %lu", q,
                        family_read_back(num));
    else if (!r && n->layout != XLC_XL_FAMILY &&
             n->width < sizeof(num) * CHAR_BIT && (num >> n->width))
        r = xlc_xl_note(l, "'%s': %lu does not fit %s's %u bit%s; libxl "
                           "keeps the low bits (%lu)",
                        q, num, n->name, n->width, n->width == 1 ? "" : "s",
                        num & ((1ul << n->width) - 1));
    return r;
}

static int note_letter(struct xlc_xl_list *l, const struct xlc_xl_name *n,
                       const char *item, const char *val)
{
    char q[XLC_XL_QUOTE_MAX];
    int r = 0;

    xlc_xl_quote(q, sizeof(q), item, strlen(item));
    if (val[1])
        r = xlc_xl_note(l, "'%s': only the first character of the value "
                           "counts ('%c')",
                        q, val[0]);
    if (!r && n->layout == XLC_XL_FAMILY)
        r = xlc_xl_note(l, "'%s': libxl also sets the extended family "
                           "(eax[27:20]) to 0",
                        q);
    return r;
}

static int cpuid_add(struct xlc_xl_list *l, const struct xlc_xl_name *n,
                     const char *item, const char *val, int *rc,
                     xlc_error *err)
{
    struct xlc_xl_leaf scratch, *e;
    char flags[XLC_XL_REG_CHARS + 1], *res, *end;
    unsigned long num;

    e = xlc_xl_leaf_for(l, n->leaf, n->subleaf, &scratch);
    if (!e)
        return xlc_fail(err, ENOMEM, "out of memory");
    res = e->reg[n->reg];
    num = strtoul(val, &end, 0);
    if (end != val) {
        for (unsigned int i = 0; i < n->width; i++)
            flags[n->width - 1 - i] = "01"[(num >> i) & 1];
    } else if (val[0] == 'x' || val[0] == 'k' || val[0] == 's') {
        memset(flags, val[0], n->width);
    } else {
        return refuse(rc, XLC_XL_RC_BAD_VALUE, err, item,
                      n->width == 1 ? "bad value: expected 0, 1, x, k or s"
                                    : "bad value: expected a number, x, k "
                                      "or s");
    }
    if (!res[0]) {
        memset(res, 'x', XLC_XL_REG_CHARS);
        res[XLC_XL_REG_CHARS] = '\0';
    }
    put_field(res, n, flags, num);
    if ((end != val ? note_number(l, n, item, end, num)
                    : note_letter(l, n, item, val)))
        return xlc_fail(err, ENOMEM, "out of memory");
    return 0;
}

/* "clflush" is a legacy field that hides the CLFLUSH flag's name. */
static int note_shadow(struct xlc_xl_list *l, const struct xlc_xl_name *n,
                       const char *item)
{
    char q[XLC_XL_QUOTE_MAX], flag[XLC_XL_NAME_MAX];
    unsigned int value;

    if (!n->legacy || n->feature >= 0 ||
        xlc_feature_lookup(n->name, &value, NULL) ||
        !xlc_xl_name_for_feature(value, flag))
        return 0;
    return xlc_xl_note(l, "'%s': to libxl '%s' is %s; the %s feature flag "
                       "is '%s'", xlc_xl_quote(q, sizeof(q), item,
                                               strlen(item)),
                       n->name, n->note, xlc_feature_name(value), flag);
}

int xlc_xl_parse_config(struct xlc_xl_list *l, const char *item,
                        int *libxl_rc, xlc_error *err)
{
    const char *sep = strchr(item, '=');
    struct xlc_xl_name n;
    char why[256], h[96];
    int dummy;

    if (!libxl_rc)
        libxl_rc = &dummy;
    *libxl_rc = XLC_XL_RC_OK;
    if (!sep)
        return refuse(libxl_rc, XLC_XL_RC_NO_EQUALS, err, item,
                      "missing '=' (expected NAME=VALUE)");
    if (xlc_xl_name_lookup(item, (size_t)(sep - item), &n)) {
        hint(item, (size_t)(sep - item), h, sizeof(h));
        snprintf(why, sizeof(why),
                 "unknown name (libxl spells features in lower case with "
                 "'-', e.g. 'sse4-1', 'lahf-lm')%s",
                 h);
        return refuse(libxl_rc, XLC_XL_RC_UNKNOWN_NAME, err, item, why);
    }
    if (n.kind == XLC_XL_NAME_MSR)
        return msr_add(l, &n, item, sep + 1, libxl_rc, err);
    if (note_shadow(l, &n, item))
        return xlc_fail(err, ENOMEM, "out of memory");
    return cpuid_add(l, &n, item, sep + 1, libxl_rc, err);
}
