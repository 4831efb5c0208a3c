/* SPDX-License-Identifier: MIT */
/*
 * The plain-form <cpudata> reader (cpuid-dump-xml-plain.c) against the
 * libxml2 tree reader: on every shared dump, with and without MSRs, and on
 * variants of one, the plain reader either gives exactly the dump the tree
 * gives or declines; and the dump reader as a whole answers each input as
 * the tree alone does, dump or message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "libxl_cpuid/libvirt/libvirt-xml.h"
#include "libxl_cpuid/sources/cpuid-dump-priv.h"
#include "../helpers/shared-data.h"

static void same_dump(const struct xlc_cpuid_dump *a,
                      const struct xlc_cpuid_dump *b)
{
    assert_string_equal(a->source, b->source);
    assert_int_equal(a->nr_leaves, b->nr_leaves);
    assert_int_equal(a->nr_msrs, b->nr_msrs);
    assert_memory_equal(a->leaves, b->leaves,
                        a->nr_leaves * sizeof(*a->leaves));
    if (a->nr_msrs)
        assert_memory_equal(a->msrs, b->msrs, a->nr_msrs * sizeof(*a->msrs));
}

/*
 * `text` read three ways: the plain reader must take it when `plain` says
 * so (and then give the tree's dump) and decline it otherwise; the reader
 * as a whole must give the tree's answer.  Returns the tree's rc.
 */
static int check_text(const char *what, const char *text, bool plain)
{
    struct xlc_cpuid_dump *p = NULL, *t = NULL, *w = NULL;
    xlc_error terr = { 0 }, werr = { 0 };
    size_t len = strlen(text);
    int took = dump_parse_xml_plain("dump.xml", text, len, &p);
    int trc = dump_parse_xml_tree("dump.xml", text, len, &t, &terr);
    int wrc = xlc_dump_parse("dump.xml", text, len, &w, &werr);

    if (took != plain)
        fail_msg("%s: the plain reader %s it", what,
                 took ? "took" : "declined");
    assert_int_equal(wrc, trc);
    if (trc) {
        assert_null(p);
        assert_null(w);
        assert_string_equal(werr.msg, terr.msg);
        return trc;
    }
    same_dump(w, t);
    if (took)
        same_dump(p, t);
    else
        assert_null(p);
    xlc_dump_free(p);
    xlc_dump_free(t);
    xlc_dump_free(w);
    return 0;
}

static void check_file(void *ctx, const char *path, const char *file)
{
    char *text = shared_read(path);

    (void)ctx;
    /* Every shared dump is in the plain form; it must read as the tree. */
    assert_int_equal(check_text(file, text, true), 0);
    free(text);
}

static void shared_dumps_same(void **state)
{
    (void)state;
    assert_int_equal(shared_each_dump(check_file, NULL), 40);
}

static void with_msrs_same(void **state)
{
    char *text = shared_read(shared_dump_with_msrs(
        "GenuineIntel0050654_SkylakeXeon",
        "  <msr index='0xce' edx='0x00000000' eax='0x80000000'/>\n"
        "  <msr eax=\"0x1\" index = '0x140'\tedx='0X00000000' />\n"));

    (void)state;
    assert_int_equal(check_text("with MSRs", text, true), 0);
    free(text);
}

#define HEAD "<!-- a dump -->\n<cpudata arch='x86'>\n"
#define L0 "  <cpuid eax_in='0x00000000' ecx_in='0x00' eax='0x0000000d' " \
           "ebx='0x756e6547' ecx='0x6c65746e' edx='0x49656e69'/>\n"
#define L1 "  <cpuid eax_in='0x00000001' ecx_in='0x00' eax='0x000306f2' " \
           "ebx='0x00200800' ecx='0x7ffefbff' edx='0xbfebfbff'/>\n"
#define TAIL "</cpudata>\n"

/* Inputs the plain form covers, read as the tree reads them. */
static void plain_variants(void **state)
{
    static const char *const ok[] = {
        HEAD L0 L1 TAIL,
        /* CR LF line ends, tabs, blanks around '=' and before "/>" */
        "<cpudata arch='x86'>\r\n\t<cpuid eax_in = '0x0' eax='0xd' "
        "ebx='0x756e6547' ecx='0x6c65746e' edx='0x49656e69' />\r\n"
        "</cpudata >\r\n",
        /* double quotes, any attribute order, no 0x, upper case */
        "<cpudata arch=\"x86\"><cpuid edx=\"49656E69\" ecx=\"0X6c65746e\" "
        "ebx='0x756e6547' eax='0xd' eax_in='0'/></cpudata>",
        /* comments everywhere, a repeat with the same values */
        "<!---->\n<!-- - -> -->" HEAD "<!-- x -->" L0 L1 L0
        "<!--y-->" TAIL "<!-- end -->\n\n",
        /* leading blanks, no newline at the end */
        "\n  \n" HEAD L1 L0 "</cpudata>",
    };

    (void)state;
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        char what[32];

        snprintf(what, sizeof(what), "plain variant %zu", i);
        assert_int_equal(check_text(what, ok[i], true), 0);
    }
}

/* Inputs outside the plain form: declined, and read (or refused, with
 * the same message) by the tree. */
static void other_variants(void **state)
{
    static const struct {
        const char *text;
        bool good;
    } cases[] = {
        { "<?xml version='1.0'?>\n" HEAD L0 TAIL, true },
        { "\xef\xbb\xbf" HEAD L0 TAIL, true },
        { "<!-- caf\xc3\xa9 -->\n" HEAD L0 TAIL, true },
        { HEAD "  <cpuid eax_in='0x0' eax='0x&#x64;' ebx='0x756e6547' "
          "ecx='0x6c65746e' edx='0x49656e69'/>\n" TAIL, true },
        { HEAD "  <cpuid eax_in='0x0' eax='0xd' ebx='0x756e6547' "
          "ecx='0x6c65746e' edx='0x49656e69'></cpuid>\n" TAIL, true },
        { HEAD L0 "<![CDATA[ ]]>" TAIL, true },
        { HEAD L0 "<?pi x?>" TAIL, true },
        { "<cpudata xmlns='urn:x' arch='x86'>" L0 TAIL, true },
        /* errors: each must carry the tree's message */
        { "<!-- a -- b -->\n" HEAD L0 TAIL, false },
        { "<!-- a --->\n" HEAD L0 TAIL, false },
        { HEAD "  <cpuid eax_in='0x0'eax='0xd' ebx='0x1' ecx='0x2' "
          "edx='0x3'/>\n" TAIL, false },
        { HEAD "  <cpuid eax_in='0x0' eax='0xd' eax='0xd' ebx='0x1' "
          "ecx='0x2' edx='0x3'/>\n" TAIL, false },
        { HEAD "  <cpuid eax_in='0x0' ebx='0x1' ecx='0x2' edx='0x3'/>\n"
          TAIL, false },
        { HEAD "  <cpuid eax_in='0x0' eax='0x1d' ebx='0x1' ecx='0x2' "
          "edx='0x3' foo='0x1'/>\n" TAIL, false },
        { HEAD "  <cpuid eax_in='0x0' eax='0x123456789' ebx='0x1' "
          "ecx='0x2' edx='0x3'/>\n" TAIL, false },
        { HEAD "  <cpuid eax_in='0x0' eax='0x' ebx='0x1' ecx='0x2' "
          "edx='0x3'/>\n" TAIL, false },
        { HEAD L0 "  <cpuid eax_in='0x00000000' ecx_in='0x00' "
          "eax='0x0000000e' ebx='0x756e6547' ecx='0x6c65746e' "
          "edx='0x49656e69'/>\n" TAIL, false },
        { HEAD L0 "  <msr index='0x10' edx='0x0'/>\n" TAIL, false },
        { HEAD L0 "  <leaf/>\n" TAIL, false },
        { HEAD L0 "  text\n" TAIL, false },
        { HEAD L0 TAIL "<cpudata/>", false },
        { HEAD L0, false },
        { HEAD TAIL, false },
        { "<cpudata arch='arm'>" L0 TAIL, false },
        { "<cpudata>" L0 TAIL, false },
        { "<cpudata arch='x86' arch='x86'>" L0 TAIL, false },
        { "<!DOCTYPE cpudata>" HEAD L0 TAIL, false },
        { HEAD L0 "</cpudatax>", false },
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char what[32];
        int rc;

        snprintf(what, sizeof(what), "other variant %zu", i);
        rc = check_text(what, cases[i].text, false);
        if (cases[i].good != !rc)
            fail_msg("%s: the tree %s it", what, rc ? "refused" : "took");
    }
}

/* At every limit of xlc_xml_doc_limits the plain reader declines, so the
 * tree's scan names the limit. */
static void limits_declined(void **state)
{
    size_t big = XLC_XML_MAX_ATTR_LEN + 1, line = XLC_XML_MAX_LINE + 1;
    char *value = malloc(big + 512), *text = malloc(line + 512);

    (void)state;
    assert_non_null(value);
    assert_non_null(text);
    /* An attribute value one byte past the limit (leading zeros). */
    memset(value, '0', big);
    value[big] = '\0';
    snprintf(text, line + 512, HEAD "  <cpuid eax_in='0x0' eax='%s' "
             "ebx='0x1' ecx='0x2' edx='0x3'/>\n" TAIL, value);
    assert_int_not_equal(check_text("long value", text, false), 0);
    /* A line one byte past the limit (a comment). */
    memcpy(text, "<!--", 4);
    memset(text + 4, ' ', line - 7);
    memcpy(text + line - 3, "-->\n", 5);
    strcat(text, HEAD L0 TAIL);
    assert_int_not_equal(check_text("long line", text, false), 0);
    /* The same line one byte shorter is in the plain form. */
    memmove(text + 4, text + 5, strlen(text + 5) + 1);
    assert_int_equal(check_text("line at the limit", text, true), 0);
    free(value);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shared_dumps_same),
        cmocka_unit_test(with_msrs_same),
        cmocka_unit_test(plain_variants),
        cmocka_unit_test(other_variants),
        cmocka_unit_test(limits_declined),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
