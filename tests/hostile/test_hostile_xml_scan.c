/* SPDX-License-Identifier: MIT */
/*
 * The raw-text XML scan (xlc_xml_scan) fed in chunks: it takes character
 * data, names and quoted values in runs, so the tests here aim at the
 * edges of those runs.  Generated documents -- valid ones and ones past
 * each limit, with NUL bytes, long lines and values, comments, CDATA,
 * PIs and '<!' declarations -- must get the same answer and the same
 * message fed whole, a byte at a time and in random chunks; hand-built
 * ones, where a limit falls exactly at the end of a run or two limits
 * fall on the same byte, must get exactly the message written here.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "libxl_cpuid/libvirt/libvirt-xml.h"
#include "libxl_cpuid/util/strbuf.h"

/* Small limits, so that short documents reach each one. */
static const struct xlc_xml_limits small = {
    .max_bytes = 600, .max_line = 40, .max_depth = 4, .max_elements = 12,
    .max_attrs = 3, .max_attr_len = 8, .per_record = false,
};

/* A fixed-seed generator: the same documents on every run. */
static uint32_t rng = 2463534242u;

static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

/* The whole text in chunks of `step` bytes (0: random sizes, 1 to 17). */
static int scan(const char *p, size_t n, size_t step,
                const struct xlc_xml_limits *lim, xlc_error *err)
{
    struct xlc_xml_scan s;
    int rc = 0;

    memset(err, 0, sizeof(*err));
    xlc_xml_scan_init(&s, "s", lim);
    for (size_t at = 0; !rc && at < n;) {
        size_t k = step ? step : 1 + next() % 17;

        k = k < n - at ? k : n - at;
        rc = xlc_xml_scan(&s, p + at, k, err);
        at += k;
    }
    return rc ? rc : xlc_xml_scan_end(&s, err);
}

/* The answer fed whole; every chunking must give it word for word. */
static int same_in_chunks(const struct xlc_buf *b,
                          const struct xlc_xml_limits *lim, xlc_error *err)
{
    static const size_t steps[] = { 1, 2, 3, 7, 0, 0, 0 };
    int rc = scan(b->s, b->len, b->len ? b->len : 1, lim, err);

    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        xlc_error e;
        int r = scan(b->s, b->len, steps[i], lim, &e);

        if (r != rc || strcmp(e.msg, err->msg))
            fail_msg("step %zu: %d '%s' / %d '%s' on '%.*s'", steps[i], rc,
                     err->msg, r, e.msg, (int)b->len, b->s);
    }
    return rc;
}

/* n bytes of c, n at random up to max. */
static void some(struct xlc_buf *b, char c, unsigned int max)
{
    for (unsigned int n = next() % (max + 1); n; n--)
        xlc_buf_putc(b, c);
}

static void gen_start_tag(struct xlc_buf *b)
{
    static const char *const names[] = { "a", "cpu", "feature", "x:y" };

    xlc_buf_printf(b, "<%s", names[next() % 4]);
    for (unsigned int n = next() % 5; n; n--) {
        char q = next() % 2 ? '\'' : '"';

        xlc_buf_printf(b, "%s%c%s=%c", next() % 4 ? " " : "\n\t",
                       'a' + (char)(next() % 26), next() % 3 ? "" : "bc",
                       q);
        some(b, next() % 5 ? 'v' : '\n', 10);
        xlc_buf_putc(b, q);
    }
    xlc_buf_puts(b, next() % 2 ? "/>" : ">");
}

/* One piece of a document: markup of every kind, text, blanks. */
static void gen_piece(struct xlc_buf *b)
{
    static const char *const fixed[] = {
        "</a>", "</cpu>\n", "<!-- c > -- -->", "<![CDATA[ <x y='1'> ]] ]]>",
        "<?pi a='1' ? ?>", "\n  ", "text", "<!DOCTYPE a>", "<!ENTITY e>",
        "<!-x>", "<![CD", "&amp;", "'\"=/>", "\r\n",
    };
    unsigned int k = next() % 20;

    if (k < 6)
        gen_start_tag(b);
    else if (k < 6 + sizeof(fixed) / sizeof(fixed[0]))
        xlc_buf_puts(b, fixed[k - 6]);
    else
        some(b, ' ', 50);
}

/* A document, and now and then one thing done to it to break a limit. */
static void gen_doc(struct xlc_buf *b)
{
    unsigned int pieces = next() % 16;

    xlc_buf_free(b);
    if (next() % 8 == 0)
        xlc_buf_puts(b, next() % 2 ? "\xef\xbb\xbf" : " \n");
    xlc_buf_puts(b, "<cpu>");
    for (unsigned int i = 0; i < pieces; i++)
        gen_piece(b);
    switch (next() % 8) {
    case 0: some(b, 'x', 120); break;            /* a long line */
    case 1: xlc_buf_puts(b, "<a v='"); some(b, 'v', 20);
            xlc_buf_puts(b, "'/>"); break;       /* a long value */
    case 2: xlc_buf_putc(b, '\0'); break;
    case 3: some(b, '\n', 900); break;           /* a big document */
    case 4: xlc_buf_puts(b, "<a>\n<b><c><d"); break;   /* deep */
    case 5: for (unsigned int n = next() % 14; n; n--)   /* many */
                xlc_buf_puts(b, "<b/>\n");
            break;
    default: break;
    }
    xlc_buf_puts(b, "</cpu>\n");
}

/*
 * 20,000 generated documents, each fed 8 ways.  Every kind of answer
 * must come up, or the generator has stopped reaching the limits.
 */
static void generated_documents(void **state)
{
    static const char *const kinds[] = {
        "nested deeper", "more than 12 elements", "has more than 3",
        "longer than 8 bytes", "line longer than 40", "NUL byte",
        "DOCTYPE", "declarations ('<!')", "document is over 600",
    };
    unsigned int seen[sizeof(kinds) / sizeof(kinds[0])] = { 0 }, ok = 0;
    struct xlc_buf b = XLC_BUF_INIT;

    (void)state;
    for (unsigned int i = 0; i < 20000; i++) {
        xlc_error err;

        gen_doc(&b);
        if (!same_in_chunks(&b, &small, &err)) {
            ok++;
            continue;
        }
        for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
            seen[k] += strstr(err.msg, kinds[k]) != NULL;
    }
    assert_true(ok > 100);
    for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
        if (seen[k] < 20)
            fail_msg("'%s' came up %u times", kinds[k], seen[k]);
    xlc_buf_free(&b);
}

struct exact {
    size_t max_line, max_attr_len, max_bytes;
    const char *doc;
    size_t len;                  /* 0: strlen(doc) */
    int rc;
    const char *msg;             /* the whole message */
};

/*
 * Limits that fall at the end of a run, or two on the same byte: the
 * first one a byte-by-byte reading meets is the one named.
 */
static const struct exact exact[] = {
    /* A value of exactly the limit, its closing quote the next byte. */
    { 40, 5, 600, "<a x='12345'/>", 0, 0, "" },
    { 40, 5, 600, "<a x='123456'/>", 0, -EINVAL,
      "s:1: attribute x of <a> is longer than 5 bytes (the limit)" },
    /* Newlines in a value count towards it; the line is the newline's. */
    { 40, 5, 600, "<a x='1\n2\n3'/>", 0, 0, "" },
    { 40, 5, 600, "<a x='1\n2\n34'/>", 0, -EINVAL,
      "s:3: attribute x of <a> is longer than 5 bytes (the limit)" },
    { 40, 5, 600, "<a x='12345\n'/>", 0, -EINVAL,
      "s:2: attribute x of <a> is longer than 5 bytes (the limit)" },
    /* Line and value limits on the same byte (the 12th): the line's. */
    { 11, 5, 600, "<a x='123456'/>", 0, -E2BIG,
      "s:1: line longer than 11 bytes (the limit)" },
    { 12, 5, 600, "<a x='123456'/>", 0, -EINVAL,
      "s:1: attribute x of <a> is longer than 5 bytes (the limit)" },
    /* The value within its limit, its quote past the line's. */
    { 11, 5, 600, "<a x='12345'/>", 0, -E2BIG,
      "s:1: line longer than 11 bytes (the limit)" },
    /* A NUL where the value's limit falls: the NUL first. */
    { 40, 5, 600, "<a x='12345\0'/>", 15, -EINVAL,
      "s:1: NUL byte at offset 11: only UTF-8 XML is read" },
    /* A line of exactly the limit in text, then one byte more. */
    { 10, 8, 600, "<a>\n123456789A\n</a>", 0, 0, "" },
    { 10, 8, 600, "<a>\n123456789AB</a>", 0, -E2BIG,
      "s:2: line longer than 10 bytes (the limit)" },
    /* A NUL where the line's limit falls; a newline there ends it. */
    { 10, 8, 600, "<a>\n1234567890\0", 15, -EINVAL,
      "s:2: NUL byte at offset 14: only UTF-8 XML is read" },
    { 10, 8, 600, "<a>\n<bbbbbbbb\n/></a>", 0, 0, "" },
    { 10, 8, 600, "<a>\n<bbbbbbbbb/></a>", 0, -E2BIG,
      "s:2: line longer than 10 bytes (the limit)" },
    /* An attribute name and an end tag reaching the line's limit. */
    { 10, 8, 600, "<a\nbbbbbbbbbb=''/>", 0, -E2BIG,
      "s:2: line longer than 10 bytes (the limit)" },
    { 10, 8, 600, "<a>\n</aaaaaaaa>", 0, -E2BIG,
      "s:2: line longer than 10 bytes (the limit)" },
    /* The size limit before any other at its byte. */
    { 10, 8, 20, "<a>\n123456789\n123456", 20, 0, "" },
    { 10, 8, 20, "<a>\n123456789\n1234567", 21, -EFBIG,
      "s: document is over 20 bytes (limit 20)" },
    { 10, 8, 20, "<a>\n123456789\n123456\0", 21, -EFBIG,
      "s: document is over 20 bytes (limit 20)" },
    { 5, 8, 20, "<a>\n12345\n12345\n1234567", 0, -EFBIG,
      "s: document is over 20 bytes (limit 20)" },
    /* Depth: the name ends at a newline, so the line is the next one. */
    { 40, 8, 600, "<a><b><c><d><e\n/>", 0, -EINVAL,
      "s:2: elements nested deeper than 4 (at <e>)" },
    { 40, 8, 600, "<a><b><c><d><e='1'>", 0, -EINVAL,
      "s:1: elements nested deeper than 4 (at <e>)" },
    /* An attribute past the limit, counted at its '='. */
    { 40, 8, 600, "<a b='' c='' d='' e=''/>", 0, -EINVAL,
      "s:1: <a> has more than 3 attributes (the limit)" },
    /* The name a message gives: 47 bytes whole, 48 cut to 44 and "...". */
    { 80, 8, 600, "<a><b><c><d>"
      "<nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn>",
      0, -EINVAL, "s:1: elements nested deeper than 4 (at "
      "<nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn>)" },
    { 80, 8, 600, "<a><b><c><d>"
      "<nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn>",
      0, -EINVAL, "s:1: elements nested deeper than 4 (at "
      "<nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn...>)" },
    { 80, 2, 600, "<a "
      "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk='123'/>",
      0, -EINVAL, "s:1: attribute kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"
      "kkkk... of <a> is longer than 2 bytes (the limit)" },
    /* Markup that is skipped, '<' and '>' and quotes in it or not. */
    { 80, 2, 600, "<a><!-- x='1234' > --><![CDATA[ <b c='1234'> ]]>"
      "<?p d='1234'?></a>", 0, 0, "" },
    { 40, 2, 600, "<a><!DOCTYPE a>", 0, -EINVAL,
      "s:1: DOCTYPE declarations are not accepted (no DTDs or entities)" },
    { 40, 2, 600, "<a><!-x>", 0, -EINVAL,
      "s:1: declarations ('<!') are not accepted (no DTDs or entities)" },
    /* Before the first '<'. */
    { 40, 2, 600, "\xef\xbb\xbf \n<a/>", 0, 0, "" },
    { 40, 2, 600, " \nx<a/>", 0, -EINVAL,
      "s:2: does not start with '<': only UTF-8 XML is read" },
    { 40, 2, 600, " \n\t", 0, -EINVAL, "s: empty document" },
};

static void exact_messages(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++) {
        const struct exact *x = &exact[i];
        struct xlc_xml_limits lim = small;
        struct xlc_buf b = XLC_BUF_INIT;
        xlc_error err;
        int rc;

        lim.max_line = x->max_line;
        lim.max_attr_len = x->max_attr_len;
        lim.max_bytes = x->max_bytes;
        for (size_t k = 0, n = x->len ? x->len : strlen(x->doc); k < n; k++)
            xlc_buf_putc(&b, x->doc[k]);
        rc = same_in_chunks(&b, &lim, &err);
        if (rc != x->rc || (rc && strcmp(err.msg, x->msg)))
            fail_msg("case %zu: %d '%s', not %d '%s'", i, rc, err.msg,
                     x->rc, x->msg);
        xlc_buf_free(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(generated_documents),
        cmocka_unit_test(exact_messages),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
