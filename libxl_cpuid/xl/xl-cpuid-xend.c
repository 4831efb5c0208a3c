/* SPDX-License-Identifier: MIT */
/*
 * The xend form of cpuid=: one list element "LEAF[,SUBLEAF]:REG=MASK,...",
 * as libxl_cpuid_parse_config_xend() in libxenlight 4.17 reads it.
 *
 * Quirks reproduced (observed against the installed library, covered by
 * tests/xl/test_xl_diff.c):
 *
 *  X1  LEAF and SUBLEAF are strtoul(base 0) numbers cut to 32 bits:
 *      leading blanks, a sign, hex and octal are accepted, "-1" is
 *      0xffffffff and 0x100000001 is leaf 1.
 *  X2  Leaf 0xffffffff is libxl's end-of-list marker, so such an element
 *      is accepted and then lost: it adds nothing.  Subleaf 0xffffffff
 *      means "no subleaf" ("7,-1:" is the same entry as "7:").
 *  X3  A register is recognised by its first and third characters only
 *      ('e', 'a'..'d', 'x'); anything between it and the next '=' is
 *      ignored ("eaxyz=" is eax, "eax,ebx=" is eax).
 *  X4  The mask is whatever lies between '=' and the next ',' (or the end)
 *      and must be 32 characters long; the characters themselves are not
 *      checked ("zzzz..." is accepted).  Applying a mask checks them
 *      (xl-cpuid-apply.c), so a bad character is still refused there.
 *  X5  After a ',' spaces and newlines are skipped; a trailing ',' (with
 *      nothing after it) is accepted, and so is an element with no
 *      register at all ("1:"), which adds an empty entry.
 *  X6  The entry is created as soon as the ':' is seen, so a later error
 *      leaves it (and any register masks already read) in the list.
 *  X7  A register given twice, in one element or in two, is replaced
 *      whole by the later mask (no merging, unlike the libxl form).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xl-cpuid-int.h"
#include "../util/escape.h"

static int fail_at(int *rc, int code, xlc_error *err, const char *str,
                   const char *at, const char *what)
{
    char shown[80 * 6 + 4];

    *rc = code;
    return xlc_fail(err, EINVAL, "xend cpuid '%s': column %zu: %s",
                    xlc_quote(shown, sizeof(shown), str, strlen(str), 80,
                              "'"),
                    (size_t)(at - str) + 1, what);
}

/* X1: the leaf or subleaf number at *s (its token into *tok unless NULL);
 * false when there is none. */
static bool read_number(const char *str, const char **s, uint32_t *out,
                        struct xlc_xl_token *tok)
{
    char *end;
    unsigned long v = strtoul(*s, &end, 0);

    if (end == *s)
        return false;
    if (tok)
        *tok = (struct xlc_xl_token){ (size_t)(*s - str), (size_t)(end - *s),
                                      v };
    *out = (uint32_t)v;
    *s = end;
    return true;
}

/* Record register `reg` named from p to eq; false when out of memory. */
static bool add_reg_token(struct xlc_xend_tokens *t, const char *str,
                          const char *p, const char *eq, unsigned int reg)
{
    struct xlc_xl_token *v;

    if (!t)
        return true;
    v = realloc(t->regs, (t->nr_regs + 1) * sizeof(*v));
    if (!v)
        return false;
    t->regs = v;
    v[t->nr_regs++] = (struct xlc_xl_token){ (size_t)(p - str),
                                             (size_t)(eq - p), reg };
    return true;
}

/* One "REG=MASK" at *s.  Returns 0 and moves *s past the mask. */
static int read_register(struct xlc_xl_cpuid_entry *e, const char *str,
                         const char **s, struct xlc_xend_tokens *t, int *rc,
                         xlc_error *err)
{
    const char *p = *s;
    const char *eq;
    size_t len;

    /* X3 (p[1] == NUL: libxl reads past the end; we stop) */
    if (p[0] != 'e' || p[1] == '\0' || p[2] != 'x' || p[1] < 'a' ||
        p[1] > 'd')
        return fail_at(rc, XLC_XEND_BAD_REG, err, str, p,
                       "bad register name (want eax, ebx, ecx or edx)");
    if (!(eq = strchr(p, '=')))
        return fail_at(rc, XLC_XEND_BAD_REG, err, str, p,
                       "register name without '=MASK'");
    len = strcspn(eq + 1, ",");
    if (len != XLC_XL_REG_CHARS) {          /* X4 */
        char what[96];
        snprintf(what, sizeof(what),
                 "mask is %zu characters long, not 32", len);
        return fail_at(rc, XLC_XEND_BAD_LENGTH, err, str, eq + 1, what);
    }
    char *m = strndup(eq + 1, XLC_XL_REG_CHARS);
    if (!m || !add_reg_token(t, str, p, eq, (unsigned int)(p[1] - 'a'))) {
        free(m);
        return xlc_fail(err, ENOMEM, "out of memory");
    }
    free(e->policy[p[1] - 'a']);            /* X7 */
    e->policy[p[1] - 'a'] = m;
    *s = eq + 1 + len;
    return 0;
}

static int read_registers(struct xlc_xl_cpuid_entry *e, const char *str,
                          const char *s, struct xlc_xend_tokens *t, int *rc,
                          xlc_error *err)
{
    while (*s) {
        int r = read_register(e, str, &s, t, rc, err);
        if (r < 0 || !*s)
            return r;
        for (s++; *s == ' ' || *s == '\n'; s++)     /* X5 */
            ;
    }
    return 0;
}

/* The string into l; its tokens into *t when t is not NULL. */
static int read_xend(struct xlc_xl_cpuid *l, const char *str,
                     struct xlc_xend_tokens *t, int *libxl_rc, xlc_error *err)
{
    uint32_t leaf, subleaf = XLC_XL_NO_SUBLEAF;
    const char *s = str;
    int r;

    *libxl_rc = 0;
    if (!read_number(str, &s, &leaf, t ? &t->leaf : NULL))
        return fail_at(libxl_rc, XLC_XEND_BAD_LEAF, err, str, s,
                       "expected a leaf number");
    if (*s == ',' &&
        (s++, !read_number(str, &s, &subleaf, t ? &t->subleaf : NULL)))
        return fail_at(libxl_rc, XLC_XEND_BAD_SUBLEAF, err, str, s,
                       "expected a subleaf number after ','");
    if (*s != ':')
        return fail_at(libxl_rc, XLC_XEND_NO_COLON, err, str, s,
                       "missing ':' after the leaf[,subleaf]");

    if (leaf == XLC_XL_NO_SUBLEAF) {        /* X2: parsed, then lost */
        struct xlc_xl_cpuid_entry lost = { leaf, subleaf, { 0 } };
        r = read_registers(&lost, str, s + 1, t, libxl_rc, err);
        for (int i = 0; i < 4; i++)
            free(lost.policy[i]);
        return r;
    }
    struct xlc_xl_cpuid_entry *e = xlc_xl_cpuid_entry_get(l, leaf, subleaf);
    if (!e)
        return xlc_fail(err, ENOMEM, "out of memory");
    return read_registers(e, str, s + 1, t, libxl_rc, err);  /* X6 */
}

int xlc_xl_cpuid_parse_xend(struct xlc_xl_cpuid *l, const char *str,
                            int *libxl_rc, xlc_error *err)
{
    int dummy;

    if (xlc_xl_cpuid_check_len(str, err))
        return -E2BIG;
    return read_xend(l, str, NULL, libxl_rc ? libxl_rc : &dummy, err);
}

int xlc_xl_cpuid_xend_tokens(const char *str, struct xlc_xend_tokens *out,
                             xlc_error *err)
{
    struct xlc_xl_cpuid probe = { 0 };
    int rc, r;

    memset(out, 0, sizeof(*out));
    if (xlc_xl_cpuid_check_len(str, NULL))
        return 0;
    r = read_xend(&probe, str, out, &rc, NULL);
    xlc_xl_cpuid_free(&probe);
    if (r == -ENOMEM) {
        xlc_xend_tokens_free(out);
        return xlc_fail(err, ENOMEM, "out of memory");
    }
    out->accepted = !r;
    return 0;
}

void xlc_xend_tokens_free(struct xlc_xend_tokens *t)
{
    free(t->regs);
    memset(t, 0, sizeof(*t));
}
