/* SPDX-License-Identifier: MIT */
/*
 * The raw output of Debian's `cpuid -r` (all CPUs) and `cpuid -r -1` (one):
 *
 *   CPU 0:                                  ("CPU:" with -1)
 *      0x00000007 0x00: eax=0x... ebx=0x... ecx=0x... edx=0x...
 *
 * Only CPU 0 is kept (the lines of other CPUs are still checked, so that a
 * damaged file is reported wherever the damage is).  Every line is kept
 * with the subleaf it names, whatever the leaf: `cpuid` walks the
 * subleaves of leaves this project may not know, and for a leaf whose ECX
 * the processor ignores the lines simply agree.  The same leaf and
 * subleaf twice in CPU 0 with different values is an error naming both
 * lines; an exact repeat is accepted (cpuid-dump-priv.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cpuid-dump-priv.h"
#include "../util/escape.h"
#include "../util/read-file.h"

#define MAX_TOKENS 8
#define TOKEN_SHOW 40   /* longest token quoted in an error message */

struct text_line {
    const char *name;
    unsigned long no;
    const char *tok[MAX_TOKENS];
    size_t len[MAX_TOKENS];
    size_t nr;
    bool more;            /* tokens beyond MAX_TOKENS */
};

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

static void tokenize(struct text_line *l, const char *p, const char *end)
{
    l->nr = 0;
    l->more = false;
    for (;;) {
        while (p < end && is_space(*p))
            p++;
        if (p == end)
            return;
        if (l->nr == MAX_TOKENS) {
            l->more = true;
            return;
        }
        l->tok[l->nr] = p;
        while (p < end && !is_space(*p))
            p++;
        l->len[l->nr] = (size_t)(p - l->tok[l->nr]);
        l->nr++;
    }
}

/* "expected X, found 'tok'" with tok shown safely and briefly. */
static int bad_token(const struct text_line *l, size_t i, const char *what,
                     xlc_error *err)
{
    char shown[TOKEN_SHOW * 6 + 4];

    if (i >= l->nr)
        return xlc_fail(err, EINVAL, "%s:%lu: expected %s, found end of line",
                        l->name, l->no, what);
    return xlc_fail(err, EINVAL, "%s:%lu: expected %s, found '%s'", l->name,
                    l->no, what,
                    xlc_quote(shown, sizeof(shown), l->tok[i], l->len[i],
                              TOKEN_SHOW, "'"));
}

static bool token_is(const struct text_line *l, size_t i, const char *s)
{
    return i < l->nr && l->len[i] == strlen(s) && !memcmp(l->tok[i], s,
                                                          l->len[i]);
}

/* Token i as "<prefix>0xHEX<suffix>". */
static int hex_token(const struct text_line *l, size_t i, const char *prefix,
                     const char *suffix, uint32_t *v)
{
    size_t pl = strlen(prefix), sl = strlen(suffix);

    if (i >= l->nr || l->len[i] < pl + sl + 3 ||
        memcmp(l->tok[i], prefix, pl) ||
        memcmp(l->tok[i] + l->len[i] - sl, suffix, sl) ||
        memcmp(l->tok[i] + pl, "0x", 2))
        return -1;
    return dump_parse_hex32(l->tok[i] + pl, l->len[i] - pl - sl, v);
}

/*
 * "CPU:" or "CPU N:".  Returns 1 for a header (with *cpu set), 0 when the
 * line is not one, or a negative errno for a malformed header.
 */
static int header(const struct text_line *l, unsigned long *cpu,
                  xlc_error *err)
{
    char *endp;

    if (token_is(l, 0, "CPU:") && l->nr == 1) {
        *cpu = 0;
        return 1;
    }
    if (!token_is(l, 0, "CPU"))
        return 0;
    if (l->nr != 2 || l->len[1] < 2 || l->tok[1][l->len[1] - 1] != ':' ||
        l->tok[1][0] < '0' || l->tok[1][0] > '9')
        return bad_token(l, 1, "'N:' after 'CPU' (a CPU header line)", err);
    *cpu = strtoul(l->tok[1], &endp, 10);
    if (endp != l->tok[1] + l->len[1] - 1)
        return bad_token(l, 1, "'N:' after 'CPU' (a CPU header line)", err);
    return 1;
}

/* One "0xLEAF 0xSUB: eax=.. ebx=.. ecx=.. edx=.." line. */
static int leaf_line(const struct text_line *l, uint32_t *leaf,
                     uint32_t *sub, struct xfs_cpuid_regs *r, xlc_error *err)
{
    static const char *const regs[] = { "eax=", "ebx=", "ecx=", "edx=" };
    static const char *const want[] = {
        "'eax=0x...'", "'ebx=0x...'", "'ecx=0x...'", "'edx=0x...'",
    };
    uint32_t v[4];

    if (hex_token(l, 0, "", "", leaf))
        return bad_token(l, 0, "a leaf '0x........' or a 'CPU N:' header",
                         err);
    if (hex_token(l, 1, "", ":", sub))
        return bad_token(l, 1, "a subleaf '0x..:'", err);
    for (size_t i = 0; i < 4; i++)
        if (hex_token(l, 2 + i, regs[i], "", &v[i]))
            return bad_token(l, 2 + i, want[i], err);
    if (l->nr > 6 || l->more)
        return bad_token(l, 6, "end of line after edx", err);
    *r = (struct xfs_cpuid_regs){ v[0], v[1], v[2], v[3] };
    return 0;
}

struct text_state {
    struct dump_builder b;
    bool in_cpu0;          /* lines before any header count as CPU 0 */
    bool seen_cpu0;
};

static int one_line(struct text_state *st, const struct text_line *l,
                    xlc_error *err)
{
    struct xfs_cpuid_regs r;
    uint32_t leaf, sub;
    unsigned long cpu = 0;
    int rc;

    if (!l->nr)
        return 0;
    rc = header(l, &cpu, err);
    if (rc < 0)
        return rc;
    if (rc > 0) {
        if (cpu == 0 && st->seen_cpu0)
            return xlc_fail(err, EINVAL, "%s:%lu: a second CPU 0 section",
                            l->name, l->no);
        st->in_cpu0 = cpu == 0;
        st->seen_cpu0 |= cpu == 0;
        return 0;
    }
    rc = leaf_line(l, &leaf, &sub, &r, err);
    if (rc || !st->in_cpu0)
        return rc;
    return dump_builder_add_leaf(&st->b, l->no, leaf, sub, &r, err);
}

int dump_parse_cpuid_r(const char *name, const char *text, size_t len,
                       struct xlc_cpuid_dump **out, xlc_error *err)
{
    struct text_state st = { .in_cpu0 = true };
    struct text_line l = { .name = name };
    const char *p = text, *end = text + len;
    int rc;

    *out = NULL;
    rc = xlc_check_text(name, text, len, &xlc_dump_limits, err);
    if (rc)
        return rc;
    rc = dump_builder_init(&st.b, name, err);
    if (rc)
        return rc;
    /* Skip a UTF-8 byte order mark. */
    if (len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
        p += 3;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;

        l.no++;
        tokenize(&l, p, eol);
        rc = one_line(&st, &l, err);
        if (rc) {
            dump_builder_discard(&st.b);
            return rc;
        }
        p = nl ? nl + 1 : end;
    }
    return dump_builder_finish(&st.b, out, err);
}
