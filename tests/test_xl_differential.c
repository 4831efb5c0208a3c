/* SPDX-License-Identifier: MIT */
/*
 * Our cpuid= parsers against the installed libxenlight: same verdict,
 * same error number, same list (compared as the JSON libxl writes, byte
 * for byte) for
 *  - every name libxl accepts with each of the values 0, 1, x, k, s;
 *  - the examples of xl.cfg(5), section cpuid;
 *  - 12,000 generated cpuid= values, half libxl form, half xend lists,
 *    valid and broken, from a fixed seed (the same strings every run).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers/xl-oracle.h"
#include "libxl_cpuid/strbuf.h"
#include "libxl_cpuid/xl-cpuid.h"

/* libxl leaks masks it overwrites and entries it hides: its leaks. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libxenlight.so\n";
}

/* ---- one item ---- */

static void same_item(const char *item, bool xend)
{
    struct xlc_xl_list l = XLC_XL_LIST_INIT;
    xlc_error err = { 0 };
    xo_list *lx = xo_new();
    int rc, theirs = xo_add(lx, item, xend);
    int r = xend ? xlc_xl_parse_config_xend(&l, item, &rc, &err)
                 : xlc_xl_parse_config(&l, item, &rc, &err);
    char *a = xlc_xl_list_json(&l), *b = xo_json(lx);

    if (rc != theirs || (r != 0) != (theirs != 0) || strcmp(a, b))
        fail_msg("'%s': libxl %d %s; ours %d (%d) %s: %s", item, theirs, b, rc,
                 r, a, err.msg);
    if (r && !err.msg[0])
        fail_msg("'%s': refused without a message", item);
    free(a);
    free(b);
    xo_free(lx);
    xlc_xl_list_free(&l);
}

static void test_every_name_every_value(void **state)
{
    static const char *const values[] = { "0", "1", "x", "k", "s" };

    (void)state;
    for (size_t i = 0; i < xlc_xl_nr_names(); i++) {
        struct xlc_xl_name n;

        xlc_xl_name_at(i, &n);
        for (size_t v = 0; v < 5; v++) {
            char item[64];

            snprintf(item, sizeof(item), "%s=%s", n.name, values[v]);
            same_item(item, false);
        }
    }
}

/* ---- whole values ---- */

/* A libxl-form string through xl's loop, on both sides. */
static bool same_string(const char *s)
{
    struct xlc_xl_list l = XLC_XL_LIST_INIT, per = XLC_XL_LIST_INIT;
    int rcs[64];
    size_t n;
    xlc_error err = { 0 };
    xo_list *lx = xo_new();
    int bad = xo_xl_string(lx, s, rcs, 64, &n);
    int r = xlc_xl_parse_string(&l, s, &err);
    char *a = xlc_xl_list_json(&l), *b = xo_json(lx);

    if ((r != 0) != (bad != 0) || strcmp(a, b))
        fail_msg("'%s': xl+libxl %d bad, %s; ours %d %s: %s", s, bad, b, r, a,
                 err.msg);
    /* Item by item, the error numbers agree too. */
    if (bad >= 0) {
        char *copy = strdup(s), *save = NULL, *p = strtok_r(copy, ",", &save);
        size_t k = 0;

        while (p && (p = strtok_r(NULL, ",", &save)) && k < 64) {
            int rc;

            xlc_xl_parse_config(&per, p, &rc, NULL);
            if (rc != rcs[k])
                fail_msg("'%s' item '%s': libxl %d, ours %d", s, p, rcs[k], rc);
            k++;
        }
        assert_int_equal(k, n < 64 ? n : 64);
        free(copy);
    }
    free(a);
    free(b);
    xo_free(lx);
    xlc_xl_list_free(&l);
    xlc_xl_list_free(&per);
    return r == 0;
}

static bool same_xend(const char *const *items, size_t nr)
{
    struct xlc_xl_list l = XLC_XL_LIST_INIT, per = XLC_XL_LIST_INIT;
    xlc_error err = { 0 };
    xo_list *lx = xo_new();
    int bad = 0, r;
    char *a, *b;

    for (size_t i = 0; i < nr; i++) {
        int theirs = xo_add(lx, items[i], true), rc;

        xlc_xl_parse_config_xend(&per, items[i], &rc, NULL);
        if (rc != theirs)
            fail_msg("'%s': libxl %d, ours %d", items[i], theirs, rc);
        bad += theirs != 0;
    }
    r = xlc_xl_parse_xend_list(&l, items, nr, &err);
    a = xlc_xl_list_json(&l);
    b = xo_json(lx);
    if ((r != 0) != (bad != 0) || strcmp(a, b))
        fail_msg("'%s'...: libxl %d bad, %s; ours %d %s: %s", items[0], bad, b,
                 r, a, err.msg);
    free(a);
    free(b);
    xo_free(lx);
    xlc_xl_list_free(&l);
    xlc_xl_list_free(&per);
    return r == 0;
}

#define X32 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"

/* xl.cfg(5), "cpuid": the examples as printed, and filled in. */
static void test_man_page_examples(void **state)
{
    static const char *const ex1[] = {
        "1:ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx0,edx=xx0xxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "...",
    };
    static const char *const ex2[] = { "0x80000001:ecx=..." };
    static const char *const ex3[] = { "7,0:ebx=..." };
    static const char *const ex4[] = { "0x80000001:ecx=" X32 };
    static const char *const ex5[] = { "7,0:ebx=" X32 };
    static const char *const ex6[] = { ex1[0] };

    (void)state;
    assert_true(same_string("host,tm=0,sse3=0"));
    assert_true(same_string("host,lahf-lm=0"));
    assert_true(same_string("host,clfsh=0,clflush=8"));
    assert_false(same_xend(ex1, 2));
    assert_false(same_xend(ex2, 1));
    assert_false(same_xend(ex3, 1));
    assert_true(same_xend(ex4, 1));
    assert_true(same_xend(ex5, 1));
    assert_true(same_xend(ex6, 1));
}

/* ---- generated values ---- */

static uint64_t rng_state = 0x584c435055494431ull; /* fixed: reproducible */

static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static unsigned int below(unsigned int n)
{
    return (unsigned int)(rnd() % n);
}

#define PICK(a) ((a)[below(sizeof(a) / sizeof((a)[0]))])

static void random_bytes(struct xlc_buf *b, unsigned int n, bool commas)
{
    for (unsigned int i = 0; i < n; i++) {
        char c = (char)(1 + below(255));

        if (c == ',' && !commas)
            c = ';';
        xlc_buf_putc(b, c);
    }
}

static void gen_name(struct xlc_buf *b)
{
    struct xlc_xl_name n;
    unsigned int k = below(100);

    xlc_xl_name_at(below((unsigned int)xlc_xl_nr_names()), &n);
    if (k < 70) {
        xlc_buf_puts(b, n.name);
    } else if (k < 85) {
        /* One typo: case, a lost or an extra character, '-' vs '_'. */
        size_t len = strlen(n.name), at = below((unsigned int)len);
        char *s = n.name;

        switch (below(4)) {
        case 0: s[at] = (char)(s[at] ^ 0x20); break;
        case 1: memmove(s + at, s + at + 1, len - at); break;
        case 2: if (len + 1 < sizeof(n.name)) {
                    memmove(s + at + 1, s + at, len - at + 1);
                    s[at] = (char)(33 + below(90));
                }
                break;
        case 3: for (char *p = s; *p; p++)
                    *p = *p == '-' ? '_' : *p == '_' ? '-' : *p;
                break;
        }
        xlc_buf_puts(b, s);
    } else if (k < 92) {
        xlc_buf_printf(b, below(2) ? " %s" : "%s ", n.name);
    } else {
        random_bytes(b, below(8), false);
    }
}

static void gen_value(struct xlc_buf *b)
{
    static const char *const pool[] = {
        "0", "1", "x", "k", "s", "2", "3", "X", "", "-1", "0x1", "01",
        "1abc", "xyz", " 1", "255", "0x1ff", "300", "q", "=1", "00", "0x",
        "-0", "s1", "k2", "99999999999999999999999", "0x100000001", "K",
        "1 ", "\t0", "+1", "017", "08", "0x1f", "271", "130", "16", "15",
    };
    unsigned int k = below(100);

    if (k < 55)
        xlc_buf_puts(b, PICK(pool));
    else if (k < 75)
        xlc_buf_putc(b, "01xks"[below(5)]);
    else if (k < 90)
        xlc_buf_printf(b, below(2) ? "%u" : "0x%x", (unsigned int)rnd());
    else
        random_bytes(b, below(5), false);
}

static char *gen_libxl_string(void)
{
    static const char *const heads[] = { "Host", "", "hosts", "host ",
                                         " host", "HOST", "avx2=0" };
    struct xlc_buf b = XLC_BUF_INIT;
    unsigned int items = below(9);

    if (below(8) == 0)
        xlc_buf_putc(&b, ',');
    xlc_buf_puts(&b, below(100) < 88 ? "host" : PICK(heads));
    for (unsigned int i = 0; i < items; i++) {
        unsigned int k = below(100);

        xlc_buf_putc(&b, ',');
        if (k < 80) {
            gen_name(&b);
            xlc_buf_putc(&b, '=');
            gen_value(&b);
        } else if (k < 88) {
            gen_name(&b);
        } else if (k < 95) {
            /* nothing: an empty item */
        } else {
            random_bytes(&b, below(12), true);
        }
    }
    if (below(8) == 0)
        xlc_buf_putc(&b, ',');
    return xlc_buf_take(&b);
}

static void gen_leaf(struct xlc_buf *b)
{
    static const char *const leaves[] = {
        "0", "1", "4", "6", "7", "0xd", "13", "0x80000001", "0x80000007",
        "0x80000008", "0x80000021", "0x40000000", "010", "-1", "0xffffffff",
        "0x100000001", "", "x1", " 1", "+7", "0x", "2147483649", "0X7",
        "-4294967295", "99999999999999999999",
    };
    static const char *const subs[] = { ",0", ",1", ",2", ",-1", ",", ",x",
                                        ",0x2", ", 0", ",010" };

    xlc_buf_puts(b, PICK(leaves));
    if (below(100) < 40)
        xlc_buf_puts(b, PICK(subs));
    if (below(100) < 92)
        xlc_buf_putc(b, ':');
    else
        xlc_buf_puts(b, PICK(((const char *const[]){ ";", " :", "", ",:" })));
}

static void gen_mask(struct xlc_buf *b)
{
    unsigned int len = below(100) < 85 ? 32 : below(41);

    for (unsigned int i = 0; i < len; i++) {
        if (below(100) < 96) {
            xlc_buf_putc(b, "01xks"[below(5)]);
        } else {
            char c = (char)(1 + below(255));

            xlc_buf_putc(b, c == ',' ? '"' : c);
        }
    }
}

static char *gen_xend_item(void)
{
    static const char *const regs[] = { "eax", "ebx", "ecx", "edx" };
    static const char *const odd[] = { "efx", "EAX", "e", "ex", "eaxjunk",
                                       "eax,ebx", "ea", "e`x", "exx" };
    static const char *const seps[] = { ",", ",", ",", ", ", ",\n", ",,",
                                        ", \n ", ",\t" };
    struct xlc_buf b = XLC_BUF_INIT;
    unsigned int nregs = below(5);

    gen_leaf(&b);
    for (unsigned int i = 0; i < nregs; i++) {
        if (i)
            xlc_buf_puts(&b, PICK(seps));
        xlc_buf_puts(&b, below(100) < 88 ? PICK(regs) : PICK(odd));
        if (below(100) < 96)
            xlc_buf_putc(&b, '=');
        gen_mask(&b);
    }
    if (nregs && below(10) == 0)
        xlc_buf_puts(&b, below(2) ? "," : ", ");
    return xlc_buf_take(&b);
}

static void test_generated(void **state)
{
    unsigned int ok_libxl = 0, ok_xend = 0;
    const unsigned int n = 6000;

    (void)state;
    for (unsigned int i = 0; i < n; i++) {
        char *s = gen_libxl_string();

        assert_non_null(s);
        ok_libxl += same_string(s);
        free(s);
    }
    for (unsigned int i = 0; i < n; i++) {
        char *items[4];
        size_t nr = 1 + below(4);

        for (size_t k = 0; k < nr; k++)
            assert_non_null(items[k] = gen_xend_item());
        ok_xend += same_xend((const char *const *)items, nr);
        for (size_t k = 0; k < nr; k++)
            free(items[k]);
    }
    /* Both valid and broken inputs were exercised in earnest. */
    print_message("generated: libxl form %u/%u accepted, xend %u/%u\n",
                  ok_libxl, n, ok_xend, n);
    assert_true(ok_libxl > n / 10 && ok_libxl < n - n / 10);
    assert_true(ok_xend > n / 10 && ok_xend < n - n / 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_name_every_value),
        cmocka_unit_test(test_man_page_examples),
        cmocka_unit_test(test_generated),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
