/* SPDX-License-Identifier: MIT */
/*
 * The libxl form of cpuid=: "host,NAME=VALUE,...".
 *
 * Each item behaves as libxl_cpuid_parse_config() in libxenlight 4.17,
 * quirks included (each one observed against the installed library and
 * covered by tests/xl/test_xl_diff.c):
 *
 *  Q1  The value is read with strtoul(base 0) first: leading blanks, a
 *      sign, "0x" and octal are accepted and anything after the number is
 *      ignored ("1abc" is 1, "0x" is 0, " 1" is 1, "-1" is all ones).
 *  Q2  A number is written as its low WIDTH bits, so for a 1-bit feature
 *      "2" means 0 and "3" means 1.
 *  Q3  Not a number: only the first character counts, and it must be
 *      x, k or s ("xyz" is x).  An empty value is error 3.
 *  Q4  The entry for the leaf is created before the value is checked, so
 *      a rejected item still leaves an (empty) entry in the list; for an
 *      MSR name, an all-'x' MSR entry.
 *  Q5  "family" with a value below 16 (x, k and s count as 0) writes the
 *      base family and zeroes the 8-bit extended family; from 16 on, the
 *      base family is 1111 and the extended family is value-15 in its low
 *      7 bits, bit 7 staying bit 7 of the original value.
 *  Q6  "model" writes its high nibble to the extended model (bits 19:16)
 *      and its low nibble to bits 7:4.
 *  Q7  MSR bits take exactly one character, 0 1 x k or s, and 's' is
 *      stored as 'k' (CPUID masks keep 's').
 *  Q8  An item touching a register already in the list edits that mask in
 *      place: items merge, later ones win bit by bit.
 *  Q9  Names are exact (strcmp): "SSE3" and "lahf_lm" are unknown.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../names/feature-names.h"
#include "xl-cpuid-int.h"
#include "../util/escape.h"

static const char ALL_X[] = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";

/* Q1-Q3: the value as WIDTH mask characters (bit WIDTH-1 first); *end
 * is where the number ends (val itself when there is none). */
static int value_chars(const char *val, unsigned int width, char *out,
                       unsigned long *num, char **end)
{
    *num = strtoul(val, end, 0);
    if (*end != val) {
        for (unsigned int i = 0; i < width; i++)
            out[width - 1 - i] = "01"[(*num >> i) & 1];
    } else if (val[0] == 'x' || val[0] == 'k' || val[0] == 's') {
        memset(out, val[0], width);
    } else {
        return -1;
    }
    out[width] = '\0';
    return 0;
}

/* Q5, Q6 and the plain case: write the value into the 32-char mask. */
static void place(char *mask, const struct xlc_xl_name *f, char *flags,
                  unsigned long num)
{
    if (f->name && strcmp(f->name, "family") == 0) {
        if (num < 16) {
            memcpy(mask + 28 - f->bit, flags + 4, 4);
            memcpy(mask + 4, "00000000", 8);
        } else {
            num -= 15;
            memcpy(mask + 28 - f->bit, "1111", 4);
            for (int i = 0; i < 7; i++, num >>= 1)
                flags[7 - i] = "01"[num & 1];
            memcpy(mask + 4, flags, 8);
        }
    } else if (f->name && strcmp(f->name, "model") == 0) {
        memcpy(mask + 12, flags, 4);
        memcpy(mask + 28 - f->bit, flags + 4, 4);
    } else {
        memcpy(mask + XLC_XL_REG_CHARS - f->width - f->bit, flags, f->width);
    }
}

static int bad_value(int *rc, xlc_error *err, size_t klen, const char *item,
                     const char *val, const char *want)
{
    char shown[64 * 6 + 4];

    *rc = XLC_XL_BAD_VALUE;
    return xlc_fail(err, EINVAL, "'%.*s': bad value '%s' (%s)", (int)klen,
                    item, xlc_quote(shown, sizeof(shown), val, strlen(val),
                                    64, "'"),
                    want);
}

int xlc_xl_cpuid_check_len(const char *s, xlc_error *err)
{
    if (strnlen(s, XLC_XL_CPUID_MAX_BYTES + 1) <= XLC_XL_CPUID_MAX_BYTES)
        return 0;
    return xlc_fail(err, E2BIG, "cpuid= string longer than %u KiB, the "
                    "limit (an xl.cfg line)", XLC_XL_CPUID_MAX_BYTES >> 10);
}

static int add_cpuid(struct xlc_xl_cpuid *l, const struct xlc_xl_name *f,
                     const char *item, size_t klen, const char *val,
                     struct xlc_xl_token *number, int *rc, xlc_error *err)
{
    struct xlc_xl_cpuid_entry *e =
        xlc_xl_cpuid_entry_get(l, f->leaf, f->subleaf);
    char flags[XLC_XL_REG_CHARS + 1], *end;
    unsigned long num;
    int r;

    if (!e)
        return xlc_fail(err, ENOMEM, "out of memory");
    r = value_chars(val, f->width, flags, &num, &end);
    *number = (struct xlc_xl_token){ (size_t)(val - item),
                                     (size_t)(end - val), num };
    if (r < 0)                                          /* Q4: e stays */
        return bad_value(rc, err, klen, item, val,
                         f->width == 1 ? "want 0, 1, x, k or s"
                                       : "want a number, x, k or s");
    char **mask = &e->policy[f->reg];
    if (!*mask && !(*mask = strdup(ALL_X)))
        return xlc_fail(err, ENOMEM, "out of memory");
    place(*mask, f, flags, num);
    return 0;
}

static int add_msr(struct xlc_xl_cpuid *l, const struct xlc_xl_field *fd,
                   const char *item, size_t klen, const char *val, int *rc,
                   xlc_error *err)
{
    struct xlc_xl_msr_entry *e = xlc_xl_msr_entry_get(l, fd->msr_index);

    if (!e)
        return xlc_fail(err, ENOMEM, "out of memory");
    if (strlen(val) != 1 || !strchr("01xks", val[0]))   /* Q7, Q4 */
        return bad_value(rc, err, klen, item, val,
                         "an MSR bit takes exactly one of 0, 1, x, k, s");
    e->policy[63 - fd->f.bit] = val[0] == 's' ? 'k' : val[0];
    return 0;
}

/*
 * "; did you mean 'avx512f'?": the closest of libxl's own spellings (its
 * table, then every feature as libxl spells it), by the did-you-mean rule
 * of feature lookups (names/feature-names.h).
 */
static void xl_hint(const char *key, char *hint, size_t n)
{
    char (*spelled)[48] = malloc(XFS_NR_FEATURE_BITS * sizeof(*spelled));
    struct xlc_suggestions s;
    size_t used = 0;

    hint[0] = '\0';
    if (!spelled)
        return;     /* no hint rather than no error */
    xlc_suggestions_start(&s, key);
    for (size_t i = 0; i < xlc_xl_nr_names; i++)
        xlc_suggestions_consider(&s, xlc_xl_names[i].name,
                                 XFS_NR_FEATURE_BITS + (unsigned int)i);
    for (unsigned int i = 0; i < xfs_nr_features; i++) {
        unsigned int v = xfs_features[i].value;

        if (v < XFS_NR_FEATURE_BITS &&
            xlc_xl_feature_name(v, spelled[v], sizeof(spelled[v])))
            xlc_suggestions_consider(&s, spelled[v], v);
    }
    for (unsigned int i = 0; i < s.nr && used + 1 < n; i++)
        used += (size_t)snprintf(hint + used, n - used, "%s'%s'",
                                 !i ? "; did you mean "
                                    : i + 1 == s.nr ? " or " : ", ",
                                 s.spelling[i]);
    if (s.nr && used + 1 < n)
        snprintf(hint + used, n - used, "?");
    free(spelled);
}

static int unknown_name(const char *item, size_t klen, int *rc,
                        xlc_error *err)
{
    char key[64], buf[48], hint[200];
    unsigned int v;

    *rc = XLC_XL_UNKNOWN_NAME;
    if (klen >= sizeof(key))
        return xlc_fail(err, EINVAL, "unknown name '%.*s...'", 60, item);
    memcpy(key, item, klen);
    key[klen] = '\0';
    if (xlc_feature_lookup(key, &v, NULL) == 0 &&
        xlc_xl_feature_name(v, buf, sizeof(buf)))
        return xlc_fail(err, EINVAL, "unknown name '%s' (libxl spells %s "
                        "'%s')", key, xlc_feature_name(v), buf);
    xl_hint(key, hint, sizeof(hint));
    return xlc_fail(err, EINVAL, "unknown name '%s'%s", key, hint);
}

/* One item; what was read goes to *tok. */
static int read_item(struct xlc_xl_cpuid *l, const char *item,
                     struct xlc_xl_item_tokens *tok, int *libxl_rc,
                     xlc_error *err)
{
    const char *eq = strchr(item, '=');
    struct xlc_xl_field *fd = &tok->field;

    *libxl_rc = 0;
    if (!eq) {
        char shown[64 * 6 + 4];

        *libxl_rc = XLC_XL_NO_EQUALS;
        return xlc_fail(err, EINVAL, "'%s': missing '='",
                        xlc_quote(shown, sizeof(shown), item, strlen(item),
                                  64, "'"));
    }
    size_t klen = (size_t)(eq - item);
    tok->value = (struct xlc_xl_token){ klen + 1, strlen(eq + 1), 0 };
    if (!xlc_xl_name_lookup(item, klen, fd))
        return unknown_name(item, klen, libxl_rc, err);
    if (fd->msr)
        return add_msr(l, fd, item, klen, eq + 1, libxl_rc, err);
    return add_cpuid(l, &fd->f, item, klen, eq + 1, &tok->number, libxl_rc,
                     err);
}

int xlc_xl_cpuid_parse_item(struct xlc_xl_cpuid *l, const char *item,
                            int *libxl_rc, xlc_error *err)
{
    struct xlc_xl_item_tokens tok;
    int dummy;

    return read_item(l, item, &tok, libxl_rc ? libxl_rc : &dummy, err);
}

/* The next ','-separated word, skipping empty ones as strtok does. */
static const char *next_word(const char *s, size_t *len)
{
    while (*s == ',')
        s++;
    if (!*s)
        return NULL;
    *len = strcspn(s, ",");
    return s;
}

/* Word `no` of the string, at w: read into l, its tokens into *tok. */
static int parse_word(struct xlc_xl_cpuid *l, const char *str, const char *w,
                      size_t len, unsigned int no,
                      struct xlc_xl_item_tokens *tok, int *rc, xlc_error *err)
{
    char *item = strndup(w, len);
    int r;

    memset(tok, 0, sizeof(*tok));
    tok->word = (struct xlc_xl_token){ (size_t)(w - str), len, 0 };
    if (!item)
        return xlc_fail(err, ENOMEM, "out of memory");
    r = read_item(l, item, tok, rc, err);
    free(item);
    tok->accepted = !r;
    if (r < 0)
        xlc_error_prefix(err, "cpuid= item %u", no);
    return r;
}

/* The first word, which xl wants to be "host"; the rest at *w. */
static bool host_first(const char *str, const char **w, size_t *len)
{
    *w = next_word(str, len);
    return *w && *len == 4 && memcmp(*w, "host", 4) == 0;
}

int xlc_xl_cpuid_parse(struct xlc_xl_cpuid *l, const char *str,
                       unsigned int *item_no, int *libxl_rc, xlc_error *err)
{
    unsigned int dummy_no, no = 1;
    struct xlc_xl_item_tokens tok;
    int dummy_rc;
    size_t len;
    const char *w;

    if (!item_no)
        item_no = &dummy_no;
    if (!libxl_rc)
        libxl_rc = &dummy_rc;
    *item_no = 0;
    *libxl_rc = 0;
    if (xlc_xl_cpuid_check_len(str, err))
        return -E2BIG;
    if (!host_first(str, &w, &len)) {
        *item_no = 1;
        *libxl_rc = XLC_XL_NOT_HOST;
        return xlc_fail(err, EINVAL,
                        "cpuid= item 1 '%.*s': the first word must be 'host'",
                        w ? (int)len : 0, w ? w : "");
    }
    for (w = next_word(w + len, &len); w; w = next_word(w + len, &len)) {
        int r = parse_word(l, str, w, len, ++no, &tok, libxl_rc, err);
        if (r < 0) {
            *item_no = no;
            return r;
        }
    }
    return 0;
}

int xlc_xl_cpuid_tokens(const char *str, struct xlc_xl_item_tokens **items,
                        size_t *nr, xlc_error *err)
{
    unsigned int no = 1;
    size_t len;
    const char *w;
    int r = 0;

    *items = NULL;
    *nr = 0;
    if (xlc_xl_cpuid_check_len(str, NULL) || !host_first(str, &w, &len))
        return 0;
    /* A word is at least one character and a ',': this many at most. */
    *items = calloc(strlen(str) / 2 + 1, sizeof(**items));
    if (!*items)
        return xlc_fail(err, ENOMEM, "out of memory");
    for (w = next_word(w + len, &len); w && r != -ENOMEM;
         w = next_word(w + len, &len)) {
        struct xlc_xl_cpuid probe = { 0 };   /* each word on its own */
        int rc;

        r = parse_word(&probe, str, w, len, ++no, &(*items)[(*nr)++], &rc,
                       NULL);
        xlc_xl_cpuid_free(&probe);
    }
    if (r == -ENOMEM) {
        free(*items);
        *items = NULL;
        *nr = 0;
        return xlc_fail(err, ENOMEM, "out of memory");
    }
    return 0;
}
