/* SPDX-License-Identifier: MIT */
/*
 * The featureset text form: round trips of real CPUs' featuresets and of
 * the static masks, and every kind of malformed string rejected with the
 * offending word named.
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

#include "../helpers/cpudata-featureset.h"
#include "libxl_cpuid/names/featureset-text.h"
#include "libxl_cpuid/util/strbuf.h"
#include "xen/lib/featureset.h"

static void round_trip(const uint32_t *words, size_t nr)
{
    xlc_error err = { 0 };
    uint32_t *back = NULL;
    size_t nback = 0;
    char *text = xlc_featureset_format(words, nr);

    assert_non_null(text);
    assert_int_equal(strlen(text), nr * 9 - 1);
    if (xlc_featureset_parse(text, &back, &nback, &err))
        fail_msg("'%s': %s", text, err.msg);
    assert_int_equal(nback, nr);
    assert_memory_equal(back, words, nr * sizeof(*words));
    free(back);
    free(text);
}

static void real_cpus_round_trip(void **state)
{
    struct th_cpu *cpus;
    unsigned int nr = th_load_cpus(&cpus);

    (void)state;
    assert_true(nr >= 40);
    for (unsigned int i = 0; i < nr; i++) {
        round_trip(cpus[i].fs, XFS_NR_WORDS);
        /* Shorter and longer forms survive too. */
        round_trip(cpus[i].fs, 1);
        round_trip(cpus[i].fs, 8);
    }
    free(cpus);
}

static void static_masks_round_trip(void **state)
{
    (void)state;
    for (unsigned int k = 0; k < XFS_MASK_NR; k++)
        round_trip(xfs_static_masks[k], XFS_NR_WORDS);
}

static void long_featuresets_round_trip(void **state)
{
    uint32_t words[64];
    uint32_t x = 0x12345678u;

    (void)state;
    for (size_t i = 0; i < 64; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5; /* xorshift32 */
        words[i] = x;
    }
    words[0] = 0;
    words[1] = 0xffffffffu;
    for (size_t n = 1; n <= 64; n++)
        round_trip(words, n);
}

static void format_is_lower_case_fixed_width(void **state)
{
    const uint32_t words[] = { 0, 0xABCDEF01u, 0x1u };
    char *text = xlc_featureset_format(words, 3);

    (void)state;
    assert_string_equal(text, "00000000:abcdef01:00000001");
    free(text);
    text = xlc_featureset_format(words, 0);
    assert_string_equal(text, "");
    free(text);
}

static void parse_ok(const char *in, const uint32_t *want, size_t nr)
{
    xlc_error err = { 0 };
    uint32_t *got = NULL;
    size_t ngot = 0;

    if (xlc_featureset_parse(in, &got, &ngot, &err))
        fail_msg("'%s': %s", in, err.msg);
    assert_int_equal(ngot, nr);
    assert_memory_equal(got, want, nr * sizeof(*want));
    free(got);
}

static void case_and_outer_space_accepted(void **state)
{
    const uint32_t one[] = { 0xabcdef01u };
    const uint32_t two[] = { 0xabcdef01u, 0x0000000fu };

    (void)state;
    parse_ok("ABCDEF01", one, 1);
    parse_ok("abcdef01", one, 1);
    parse_ok("AbCdEf01:0000000F", two, 2);
    parse_ok("  abcdef01:0000000f\n", two, 2);
    parse_ok("\tabcdef01\r\n", one, 1);
}

/* The parse must fail with -EINVAL and exactly this message. */
static void parse_bad(const char *in, const char *msg)
{
    xlc_error err = { 0 };
    uint32_t *got = (uint32_t *)&err; /* must stay untouched */
    size_t ngot = 777;

    assert_int_equal(xlc_featureset_parse(in, &got, &ngot, &err), -EINVAL);
    assert_int_equal(err.code, EINVAL);
    assert_ptr_equal(got, (uint32_t *)&err);
    assert_int_equal(ngot, 777);
    if (strcmp(err.msg, msg))
        fail_msg("'%s': got \"%s\", want \"%s\"", in, err.msg, msg);
}

static void bad_strings_name_the_word(void **state)
{
    (void)state;
    parse_bad("zz00112g", "featureset word 1 'zz00112g': not 8 hex digits");
    parse_bad("0000000f:0000000f:zz00112g",
              "featureset word 3 'zz00112g': not 8 hex digits");
    parse_bad("0000000f:123", "featureset word 2 '123': fewer than 8 hex "
                              "digits");
    parse_bad("123456789", "featureset word 1 '123456789': more than 8 hex "
                           "digits");
    parse_bad("0x000001", "featureset word 1 '0x000001': not 8 hex digits");
    parse_bad("+0000001", "featureset word 1 '+0000001': not 8 hex digits");
    parse_bad("-0000001", "featureset word 1 '-0000001': not 8 hex digits");
    parse_bad(":", "featureset word 1 '': empty (expected 8 hex digits)");
    parse_bad(":0000000f", "featureset word 1 '': empty (expected 8 hex "
                           "digits)");
    parse_bad("0000000f:", "featureset word 2 '': empty (expected 8 hex "
                           "digits)");
    parse_bad("0000000f::0000000f", "featureset word 2 '': empty (expected "
                                    "8 hex digits)");
    parse_bad("0000 000", "featureset word 1 '0000 000': white space inside "
                          "the featureset");
    parse_bad("0000000f :00000001", "featureset word 1 '0000000f ': white "
                                    "space inside the featureset");
    parse_bad("0000000f,00000001", "featureset word 1 '0000000f,00000001': "
                                   "more than 8 hex digits");
    parse_bad("0000000\xff", "featureset word 1 '0000000\\xff': not 8 hex "
                             "digits");
    parse_bad("'0000000", "featureset word 1 '\\x270000000': not 8 hex "
                          "digits");
    parse_bad("0000000f:00000000000000000000000000000000000000",
              "featureset word 2 '000000000000000000000000...': more than "
              "8 hex digits");
}

static void empty_input_rejected(void **state)
{
    (void)state;
    parse_bad("", "empty featureset: expected words of 8 hex digits "
                  "separated by ':'");
    parse_bad(" \n", "empty featureset: expected words of 8 hex digits "
                     "separated by ':'");
    parse_bad(NULL, "no featureset given");
}

static const struct xlc_bits_list ours = { XLC_BIT_OURS, XLC_BITS_ALL, " ",
                                           false };

static void word_names_keep_unnamed_bits(void **state)
{
    struct xlc_buf b = XLC_BUF_INIT;
    char *s;

    (void)state;
    /* Word 1: SSE3 (bit 0), bit 10 (only Xen's xen-cpuid names it),
     * bit 16 (unnamed), SSE4_1 (bit 19). */
    xlc_featureset_word_bits(&b, 1, 1u | 1u << 10 | 1u << 16 | 1u << 19,
                             &ours);
    xlc_buf_puts(&b, "|");
    xlc_featureset_word_bits(&b, 17, 1u << 5 | 1u << 30, &ours);
    xlc_buf_puts(&b, "|");
    xlc_featureset_word_bits(&b, 40, 1u << 31, &ours);
    xlc_buf_puts(&b, "|");
    assert_int_equal(xlc_featureset_word_bits(&b, 0, 0, &ours), 0);
    s = xlc_buf_take(&b);
    assert_string_equal(s, "sse3 [1*32+10 cntx-id] [1*32+16] sse4_1|"
                           "[17*32+5] its_no|"
                           "[40*32+31]|");
    free(s);
}

/* One bit in each style: named, named only by Xen's tool, unnamed. */
static void bit_styles(void **state)
{
    static const struct {
        unsigned int v;
        const char *ours, *xen, *xen_tool, *place;
    } cases[] = {
        { 1 * 32 + 19, "sse4_1", "SSE4_1", "sse41", "1*32+19" },
        { 1 * 32 + 10, "[1*32+10 cntx-id]", "[1*32+10 cntx-id]", "cntx-id",
          "1*32+10" },
        { 0 * 32 + 18, "[0*32+18 psn]", "[0*32+18 psn]", "psn", "0*32+18" },
        { 1 * 32 + 16, "[1*32+16]", "[1*32+16]", "<16>", "1*32+16" },
        { 40 * 32 + 31, "[40*32+31]", "[40*32+31]", "<31>", "40*32+31" },
    };
    char buf[XLC_BIT_TEXT_MAX];

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_string_equal(xlc_bit_text(cases[i].v, XLC_BIT_OURS, buf),
                            cases[i].ours);
        assert_string_equal(xlc_bit_text(cases[i].v, XLC_BIT_XEN, buf),
                            cases[i].xen);
        assert_string_equal(xlc_bit_text(cases[i].v, XLC_BIT_XEN_TOOL, buf),
                            cases[i].xen_tool);
        assert_string_equal(xlc_bit_text(cases[i].v, XLC_BIT_PLACE, buf),
                            cases[i].place);
    }
    /* The longest place fits. */
    assert_true(strlen(xlc_bit_text(~0u, XLC_BIT_OURS, buf)) <
                XLC_BIT_TEXT_MAX);
}

/* Lists: filters, JSON, Xen's tool's silence past the known words, and
 * one separator across the words of a featureset. */
static void bit_lists(void **state)
{
    static const struct xlc_bits_list named = { XLC_BIT_OURS, XLC_BITS_NAMED,
                                                ",", true };
    static const struct xlc_bits_list unnamed = { XLC_BIT_PLACE,
                                                  XLC_BITS_UNNAMED, ",",
                                                  true };
    static const struct xlc_bits_list tool = { XLC_BIT_XEN_TOOL,
                                               XLC_BITS_ALL, " ", false };
    const uint32_t fs[3] = { 1u << 18, 0, 1u | 1u << 11 };
    struct xlc_buf b = XLC_BUF_INIT;
    char *s;

    (void)state;
    assert_int_equal(xlc_featureset_word_bits(&b, 1, 0x00090401, &named), 2);
    xlc_buf_puts(&b, "|");
    assert_int_equal(xlc_featureset_word_bits(&b, 1, 0x00090401, &unnamed),
                     2);
    xlc_buf_puts(&b, "|");
    assert_int_equal(xlc_featureset_word_bits(&b, 1, 0x00090401, &tool), 4);
    xlc_buf_puts(&b, "|");
    assert_int_equal(xlc_featureset_word_bits(&b, 40, 1u, &tool), 0);
    xlc_buf_puts(&b, "|");
    assert_int_equal(xlc_featureset_bits(&b, fs, 3, &ours), 3);
    s = xlc_buf_take(&b);
    assert_string_equal(s, "\"sse3\",\"sse4_1\"|"
                           "\"1*32+10\",\"1*32+16\"|"
                           "sse3 cntx-id <16> sse41|"
                           "|"
                           "[0*32+18 psn] [2*32+0 fpu] syscall");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(real_cpus_round_trip),
        cmocka_unit_test(static_masks_round_trip),
        cmocka_unit_test(long_featuresets_round_trip),
        cmocka_unit_test(format_is_lower_case_fixed_width),
        cmocka_unit_test(case_and_outer_space_accepted),
        cmocka_unit_test(bad_strings_name_the_word),
        cmocka_unit_test(empty_input_rejected),
        cmocka_unit_test(word_names_keep_unnamed_bits),
        cmocka_unit_test(bit_styles),
        cmocka_unit_test(bit_lists),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
