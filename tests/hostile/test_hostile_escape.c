/* SPDX-License-Identifier: MIT */
/*
 * The one escaping function (libxl_cpuid/util/escape.h), exactly: what
 * text mode shows for control bytes, C1 controls, bidirectional
 * overrides and bytes that are not UTF-8; what a JSON string holds for
 * them; what a report keeps (line breaks, tabs); where xlc_quote cuts;
 * and that every message xlc_fail and xlc_error_prefix record is escaped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "libxl_cpuid/util/error.h"
#include "libxl_cpuid/util/escape.h"

static void text_is(const char *in, size_t len, const char *also,
                    const char *want)
{
    struct xlc_buf b = XLC_BUF_INIT;

    xlc_buf_escape(&b, in, len, XLC_ESCAPE_TEXT, also);
    assert_string_equal(b.s ? b.s : "", want);
    xlc_buf_free(&b);
}

static void json_is(const char *in, const char *want)
{
    struct xlc_buf b = XLC_BUF_INIT;

    xlc_buf_json_str(&b, in);
    assert_string_equal(b.s, want);
    xlc_buf_free(&b);
}

static void text_mode(void **state)
{
    (void)state;
    text_is("plain text, caf\xc3\xa9 \xe2\x82\xac", 21, NULL,
            "plain text, caf\xc3\xa9 \xe2\x82\xac");
    text_is("a\x1b[31mb\x07\tc\nd\x7f", 13, NULL,
            "a\\x1b[31mb\\x07\\x09c\\x0ad\\x7f");
    text_is("nul\0here", 8, NULL, "nul\\x00here");
    /* C1 controls, separators, bidi overrides: valid, yet escaped. */
    text_is("\xc2\x9b" "2J \xe2\x80\xae" "x \xe2\x80\xa8", 13, NULL,
            "\\u009b2J \\u202ex \\u2028");
    /* Not UTF-8: stray continuation, overlong, surrogate, truncated. */
    text_is("\x80\xc0\xaf\xed\xa0\x80\xe2\x82", 8, NULL,
            "\\x80\\xc0\\xaf\\xed\\xa0\\x80\\xe2\\x82");
    text_is("it's", 4, "'", "it\\x27s");
    /* A backslash stays: escaping twice changes nothing. */
    text_is("a\\x1bb", 6, NULL, "a\\x1bb");
}

static void report_mode(void **state)
{
    struct xlc_buf b = XLC_BUF_INIT;

    (void)state;
    xlc_buf_escape(&b, "a\tb\nc\x1b\xff\r", 8, XLC_ESCAPE_REPORT, NULL);
    assert_string_equal(b.s, "a\tb\nc\\x1b\\xff\\x0d");
    xlc_buf_free(&b);
    /* A character split between two writes is held back whole. */
    assert_int_equal(xlc_utf8_incomplete_tail("ab\xe2\x82", 4), 2);
    assert_int_equal(xlc_utf8_incomplete_tail("ab\xe2", 3), 1);
    assert_int_equal(xlc_utf8_incomplete_tail("ab\xe2\x82\xac", 5), 0);
    assert_int_equal(xlc_utf8_incomplete_tail("ab\xf0\x9f\x98", 5), 3);
    assert_int_equal(xlc_utf8_incomplete_tail("ab\x82", 3), 0);
    assert_int_equal(xlc_utf8_incomplete_tail("ab\xff", 3), 0);
}

/* Plain text is read 16 and 8 bytes at a time: in every mode, every
 * byte value at every offset of a long run gives what it gives alone
 * (bytes below 0x80, and 0xff, which no UTF-8 sequence holds), and
 * xlc_escape_plain_len never passes a byte that needs an escape. */
static void runs_in(enum xlc_escape_mode mode)
{
    char in[53], want[512];

    for (unsigned int c = 0; c < 0x81; c++) {
        unsigned char byte = c == 0x80 ? 0xff : (unsigned char)c;
        struct xlc_buf one = XLC_BUF_INIT;

        xlc_buf_escape(&one, (const char *)&byte, 1, mode, NULL);
        for (size_t at = 0; at < sizeof(in); at++) {
            struct xlc_buf b = XLC_BUF_INIT;
            bool plain = one.len == 1 && one.s[0] == (char)byte;
            size_t n;

            memset(in, 'x', sizeof(in));
            in[at] = (char)byte;
            snprintf(want, sizeof(want), "%.*s%s%.*s", (int)at, in, one.s,
                     (int)(sizeof(in) - at - 1), in + at + 1);
            xlc_buf_escape(&b, in, sizeof(in), mode, NULL);
            assert_string_equal(b.s, want);
            /* Never past a byte that needs an escape; it may stop at one
             * written as it is (JSON's DEL). */
            n = xlc_escape_plain_len(in, sizeof(in), mode);
            assert_true(n == at || (plain && n == sizeof(in)));
            xlc_buf_free(&b);
        }
        xlc_buf_free(&one);
    }
}

static void runs(void **state)
{
    (void)state;
    runs_in(XLC_ESCAPE_REPORT);
    runs_in(XLC_ESCAPE_TEXT);
    runs_in(XLC_ESCAPE_JSON);
}

static void json_mode(void **state)
{
    (void)state;
    json_is("a\"b\\c", "\"a\\\"b\\\\c\"");
    json_is("\x1b\n\x01", "\"\\u001b\\u000a\\u0001\"");
    /* Valid UTF-8 as it is; bytes that are not, as the text \xNN. */
    json_is("caf\xc3\xa9 \xc2\x9b", "\"caf\xc3\xa9 \xc2\x9b\"");
    json_is("out\xff\xfe.s", "\"out\\\\xff\\\\xfe.s\"");
}

static void quote(void **state)
{
    char buf[64];
    const char *s = "\xc3\xa9\xc3\xa9\xc3\xa9";

    (void)state;
    assert_string_equal(xlc_quote(buf, sizeof(buf), "abcdef", 6, 4, NULL),
                        "abcd...");
    assert_string_equal(xlc_quote(buf, sizeof(buf), "abcd", 4, 4, NULL),
                        "abcd");
    /* Cut between characters, never inside one. */
    assert_string_equal(xlc_quote(buf, sizeof(buf), s, 6, 3, NULL),
                        "\xc3\xa9...");
    /* A small buffer holds whole escapes only. */
    assert_string_equal(xlc_quote(buf, 10, "\x1b\x1b\x1b", 3, 3, NULL),
                        "\\x1b...");
}

static void messages(void **state)
{
    xlc_error err;

    (void)state;
    assert_int_equal(xlc_fail(&err, 22, "file '%s': bad", "a\x1b]0;t\x07"),
                     -22);
    assert_string_equal(err.msg, "file 'a\\x1b]0;t\\x07': bad");
    xlc_error_prefix(&err, "%s:%d", "n\xff", 3);
    assert_string_equal(err.msg, "n\\xff:3: file 'a\\x1b]0;t\\x07': bad");
    assert_true(xlc_escape_clean("plain", 5));
    assert_false(xlc_escape_clean("\x1b", 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(text_mode),
        cmocka_unit_test(report_mode),
        cmocka_unit_test(runs),
        cmocka_unit_test(json_mode),
        cmocka_unit_test(quote),
        cmocka_unit_test(messages),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
