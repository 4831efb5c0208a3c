/* SPDX-License-Identifier: MIT */
/*
 * Hostile input to the structured readers, at and past each limit: XML
 * (libvirt <cpu>, <cpudata> dumps; the raw-text scan that holds them to
 * libvirt-xml.h's limits before libxml2 reads them), policy files (JSON,
 * nesting bounded before yajl builds a tree) and migration streams.
 * Within a limit is read; past it is exit 2 with one line naming the
 * input, the line and the limit, and nothing from libxml2.  Generated
 * inputs, no timing.
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

#include "../helpers/hostile-run.h"
#include "../helpers/stream-helpers.h"
#include "libxl_cpuid/libvirt/libvirt-xml.h"
#include "libxl_cpuid/migration/stream.h"
#include "libxl_cpuid/policy/policy-json.h"
#include "libxl_cpuid/util/strbuf.h"

static int parse(const struct xlc_buf *b, xlc_error *err)
{
    xmlDocPtr doc;
    int rc = xlc_xml_parse("t.xml", b->s, b->len, &doc, err);

    if (!rc)
        xlc_xml_free(doc);
    return rc;
}

/* The tool on the text as a file: `model FILE` or `--cpuid FILE`. */
static void tool_on(struct hr_result *r, const char *cmd, const char *name,
                    const struct xlc_buf *b)
{
    char *path = hr_write(name, b->s, b->len);

    if (!strcmp(cmd, "model"))
        hr_run(r, NULL, (const char *const[]){ "model", path, NULL });
    else
        hr_run(r, NULL, (const char *const[]){ "--cpuid", path, "policy",
                                               NULL });
    free(path);
}

static void cpu_with_attrs(struct xlc_buf *b, unsigned int n)
{
    xlc_buf_free(b);
    xlc_buf_puts(b, "<cpu");
    for (unsigned int i = 0; i < n; i++)
        xlc_buf_printf(b, " a%u='x'", i);
    xlc_buf_puts(b, "/>");
}

/*
 * 32 attributes reach libxml2; the 33rd is refused before it does, so
 * 400,000 (50 s in libxml2 2.9, which compares each with every earlier
 * one) are refused at the same point.  A <cpudata> dump alike.
 */
static void xml_attributes(void **state)
{
    struct xlc_buf b = XLC_BUF_INIT;
    struct hr_result r;
    xlc_error err;

    (void)state;
    cpu_with_attrs(&b, XLC_XML_MAX_ATTRS);
    assert_int_equal(parse(&b, &err), 0);
    cpu_with_attrs(&b, XLC_XML_MAX_ATTRS + 1);
    assert_int_equal(parse(&b, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "t.xml:1: <cpu> has more than 32 "
                                    "attributes"));
    xlc_buf_free(&b);
    xlc_buf_puts(&b, "<cpu");
    for (unsigned int i = 0; i < 400000; i++)
        xlc_buf_printf(&b, " a%x=''", i);
    xlc_buf_puts(&b, "/>");
    assert_true(b.len < XLC_XML_MAX_BYTES);
    tool_on(&r, "model", "many.xml", &b);
    hr_refused(&r, 2, "many.xml:1: <cpu> has more than 32 attributes",
               NULL);
    hr_free(&r);
    xlc_buf_free(&b);
    xlc_buf_puts(&b, "<cpudata arch='x86'>\n<cpuid");
    for (unsigned int i = 0; i < 100000; i++)
        xlc_buf_printf(&b, " a%u='1'", i);
    xlc_buf_puts(&b, "/>\n</cpudata>\n");
    tool_on(&r, "dump", "dump.xml", &b);
    hr_refused(&r, 2, "dump.xml:2: <cpuid> has more than 32 attributes",
               NULL);
    hr_free(&r);
    xlc_buf_free(&b);
}

/* Depth, element count, value length: each at its limit, then past it. */
static void xml_structure(void **state)
{
    struct xlc_buf b = XLC_BUF_INIT;
    xlc_error err;

    (void)state;
    for (unsigned int i = 0; i < XLC_XML_MAX_DEPTH; i++)
        xlc_buf_puts(&b, "<a>");
    for (unsigned int i = 0; i < XLC_XML_MAX_DEPTH; i++)
        xlc_buf_puts(&b, "</a>");
    assert_int_equal(parse(&b, &err), 0);
    xlc_buf_free(&b);
    for (unsigned int i = 0; i <= XLC_XML_MAX_DEPTH; i++)
        xlc_buf_puts(&b, "<a>\n");
    assert_int_equal(parse(&b, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "t.xml:33: elements nested deeper than "
                                    "32 (at <a>)"));
    xlc_buf_free(&b);
    xlc_buf_puts(&b, "<a>\n");
    for (unsigned int i = 1; i < XLC_XML_MAX_ELEMENTS; i++)
        xlc_buf_puts(&b, "<b/>\n");
    xlc_buf_puts(&b, "</a>\n");
    assert_int_equal(parse(&b, &err), 0);
    b.len -= 5;
    xlc_buf_puts(&b, "<b/>\n</a>\n");
    assert_int_equal(parse(&b, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "t.xml:100001: more than 100000 "
                                    "elements"));
    xlc_buf_free(&b);
    xlc_buf_puts(&b, "<cpu mode='");
    for (unsigned int i = 0; i < XLC_XML_MAX_ATTR_LEN; i++)
        xlc_buf_putc(&b, 'm');
    xlc_buf_puts(&b, "'/>");
    assert_int_equal(parse(&b, &err), 0);
    b.len -= 3;
    xlc_buf_puts(&b, "m'/>");
    assert_int_equal(parse(&b, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "t.xml:1: attribute mode of <cpu> is "
                                    "longer than 4096 bytes"));
    xlc_buf_free(&b);
}

/* A line of 1 MiB and a document of 4 MiB, and one byte more of each. */
static void xml_lines_and_size(void **state)
{
    struct xlc_buf b = XLC_BUF_INIT;
    struct hr_result r;
    xlc_error err;

    (void)state;
    /* Line 2 is a comment of exactly the limit, then one byte more. */
    for (size_t extra = 0; extra < 2; extra++) {
        xlc_buf_puts(&b, "<cpu>\n<!--");
        for (size_t i = 0; i < XLC_XML_MAX_LINE - 7 + extra; i++)
            xlc_buf_putc(&b, 'x');
        xlc_buf_puts(&b, "-->\n</cpu>");
        if (!extra) {
            assert_int_equal(parse(&b, &err), 0);
        } else {
            tool_on(&r, "model", "line.xml", &b);
            hr_refused(&r, 2, "line.xml:2: line longer than 1048576 bytes",
                       NULL);
            hr_free(&r);
        }
        xlc_buf_free(&b);
    }
    xlc_buf_puts(&b, "<cpu>\n");
    while (b.len < XLC_XML_MAX_BYTES - 7)
        xlc_buf_puts(&b, "        \n");
    b.len = XLC_XML_MAX_BYTES - 6;
    xlc_buf_puts(&b, "</cpu>");
    assert_int_equal(b.len, XLC_XML_MAX_BYTES);
    assert_int_equal(parse(&b, &err), 0);
    xlc_buf_putc(&b, '\n');
    tool_on(&r, "model", "size.xml", &b);
    hr_refused(&r, 2, "size.xml: document is over 4194304 bytes (limit "
               "4194304)", NULL);
    hr_free(&r);
    xlc_buf_free(&b);
}

/*
 * What libxml2 would print itself (encoding conversions, DOCTYPEs) comes
 * back as one line of ours, for a dump as for a libvirt document.
 */
static void xml_only_we_speak(void **state)
{
    static const char *const docs[][2] = {
        { "dump", "<?xml version='1.0' encoding='Shift_JIS'?>\n<cpudata "
          "arch='x86'><cpuid eax_in='0x0' eax='0x\x82\xff\xfe' ebx='0' "
          "ecx='0' edx='0'/></cpudata>\n" },
        { "dump", "<?xml version='1.0' encoding='ISO-2022-JP'?>\n<cpudata "
          "arch='x86'><cpuid eax_in='0x0' eax='\x1b$B\xff\xff' ebx='0' "
          "ecx='0' edx='0'/></cpudata>\n" },
        { "dump", "<!DOCTYPE cpudata [<!ENTITY a 'b'>]>\n<cpudata/>" },
        { "model", "<?xml version='1.0' encoding='EUC-JP'?>\n<cpu "
          "mode='\x8e\xff'/>" },
        { "model", "<cpu>\xff\xfe</cpu>" },
    };
    struct xlc_buf b = XLC_BUF_INIT;
    struct hr_result r;

    (void)state;
    for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
        xlc_buf_puts(&b, docs[i][1]);
        tool_on(&r, docs[i][0], "enc.xml", &b);
        hr_refused(&r, 2, "enc.xml:", NULL);
        hr_free(&r);
        xlc_buf_free(&b);
    }
    /* A declared encoding is ignored: UTF-8 is read, and nothing said. */
    xlc_buf_puts(&b, "<?xml version='1.0' encoding='UTF-16'?>\n"
                     "<cpu mode='host-passthrough'/>");
    tool_on(&r, "model", "enc.xml", &b);
    assert_string_equal(r.err, "");
    hr_free(&r);
    xlc_buf_free(&b);
}

/* A chunk-fed scan decides as a whole one does (a streaming reader's). */
static void xml_scan_in_chunks(void **state)
{
    static const char *const docs[] = {
        "<a x='1' y=\"2\"><!-- a='1' > --><b/><![CDATA[ <c d='1'> ]]>"
        "<?p a='1'?></a>",
        "<cpu a='1' b='2' c='3' d='4' e='5'/>",
        "\xef\xbb\xbf <a/>",
        "<a><!DOCTYPE a></a>",
        " x",
        "<a>\n<b>\0</b></a>",
    };
    static const struct xlc_xml_limits small = { 4000, 60, 4, 20, 4, 10,
                                                 false };

    (void)state;
    for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
        size_t len = strlen(docs[i]) + (i == 5 ? 9 : 0);

        for (size_t step = 1; step <= len; step++) {
            struct xlc_xml_scan whole, parts;
            xlc_error e1 = { 0 }, e2 = { 0 };
            int a, b = 0;

            xlc_xml_scan_init(&whole, "s", &small);
            xlc_xml_scan_init(&parts, "s", &small);
            a = xlc_xml_scan(&whole, docs[i], len, &e1);
            for (size_t at = 0; !b && at < len; at += step)
                b = xlc_xml_scan(&parts, docs[i] + at,
                                 len - at < step ? len - at : step, &e2);
            if (a != b || strcmp(e1.msg, e2.msg))
                fail_msg("doc %zu step %zu: '%s' / '%s'", i, step, e1.msg,
                         e2.msg);
        }
    }
}

static const char policy_head[] =
    "{\"format\": \"xen-cpu-policy\", \"version\": 1, \"type\": \"pv\",\n"
    " \"cpuid\": [{\"leaf\": \"0x00000000\", \"subleaf\": \"0xffffffff\",\n"
    "   \"eax\": \"0x0000000d\", \"ebx\": \"0x756e6547\",\n"
    "   \"ecx\": \"0x6c65746e\", \"edx\": \"0x49656e69\"}]";

static int parse_json(const struct xlc_buf *b, xlc_error *err)
{
    struct xlc_policy_entries e;
    int rc = xlc_policy_json_parse("f.json", b->s, b->len, &e, NULL, err);

    if (!rc)
        xlc_policy_entries_free(&e);
    return rc;
}

/* Nesting: bounded before yajl builds its tree (which recursed away). */
static void json_depth(void **state)
{
    struct xlc_buf b = XLC_BUF_INIT;
    struct hr_result r;
    xlc_error err;
    char *path;

    (void)state;
    /* "x" at depth 2 holds arrays to depth 8: syntax passes. */
    xlc_buf_printf(&b, "%s, \"x\": ", policy_head);
    for (unsigned int i = 1; i < XLC_POLICY_JSON_MAX_DEPTH; i++)
        xlc_buf_putc(&b, '[');
    for (unsigned int i = 1; i < XLC_POLICY_JSON_MAX_DEPTH; i++)
        xlc_buf_putc(&b, ']');
    xlc_buf_puts(&b, "}");
    assert_int_equal(parse_json(&b, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "f.json: top level.x: unknown key"));
    xlc_buf_free(&b);
    xlc_buf_printf(&b, "%s, \"x\":\n", policy_head);
    for (unsigned int i = 0; i < 300000; i++)
        xlc_buf_puts(&b, "[\n");
    path = hr_write("deep.json", b.s, b.len);
    hr_run(&r, NULL, (const char *const[]){ "record", "--type", "pv", "-o",
                                            hr_path("o.s"), path, NULL });
    hr_refused(&r, 2, "deep.json:12:1: nested deeper than 8 levels, the "
               "limit for a policy file", NULL);
    hr_free(&r);
    hr_run(&r, NULL, (const char *const[]){ "level", "--type", "pv", path,
                                            NULL });
    hr_refused(&r, 2, "deep.json:12:1: nested deeper than 8 levels", NULL);
    hr_free(&r);
    free(path);
    xlc_buf_free(&b);
}

/* Size and line limits, and a policy without leaves. */
static void json_limits(void **state)
{
    struct xlc_buf b = XLC_BUF_INIT;
    struct hr_result r;
    xlc_error err;
    char *path;

    (void)state;
    xlc_buf_printf(&b, "%s,\n\"msr\": []", policy_head);
    while (b.len < XLC_POLICY_JSON_MAX_BYTES - 2)
        xlc_buf_puts(&b, "\n                              ");
    b.len = XLC_POLICY_JSON_MAX_BYTES - 2;
    xlc_buf_puts(&b, "}\n");
    assert_int_equal(parse_json(&b, &err), 0);
    b.len--;
    xlc_buf_puts(&b, " \n");
    path = hr_write("big.json", b.s, b.len);
    hr_run(&r, NULL, (const char *const[]){ "record", "--type", "pv", "-o",
                                            hr_path("o.s"), path, NULL });
    hr_refused(&r, 2, "big.json: larger than 1 MiB, the limit for a policy "
               "file", NULL);
    hr_free(&r);
    free(path);
    xlc_buf_free(&b);
    xlc_buf_printf(&b, "%s}", policy_head);
    while (b.len < XLC_POLICY_JSON_MAX_LINE + 200)
        xlc_buf_putc(&b, ' ');
    assert_int_equal(parse_json(&b, &err), -E2BIG);
    assert_non_null(strstr(err.msg, "f.json:4: line longer than 65536 "
                                    "bytes, the limit for a policy file"));
    xlc_buf_free(&b);
    /* No leaves: never a policy; record and level say so. */
    {
        static const char none[] = "{\"format\": \"xen-cpu-policy\", "
                                   "\"version\": 1, \"cpuid\": []}\n";

        path = hr_write("none.json", none, sizeof(none) - 1);
    }
    hr_run(&r, NULL, (const char *const[]){ "record", "--type", "pv", "-o",
                                            hr_path("o.s"), path, NULL });
    hr_refused(&r, 2, "none.json: no CPUID leaves (\"cpuid\" is empty)",
               NULL);
    hr_free(&r);
    hr_run(&r, NULL, (const char *const[]){ "level", "--type", "pv", path,
                                            NULL });
    hr_refused(&r, 2, "none.json: no CPUID leaves", NULL);
    hr_free(&r);
    free(path);
    xlc_buf_free(&b);
}

/* A policy record repeated 10,000 times: 64 notes, then one saying so. */
static void stream_notes(void **state)
{
    struct sbuild s = { 0 };
    struct xlc_stream_info info;
    struct xlc_policy_entries e;
    struct hr_result r;
    xlc_error err;
    char *path;

    (void)state;
    sample_policy(&e);
    sb_head(&s);
    for (unsigned int i = 0; i < 10000; i++)
        sb_cpuid_rec(&s, e.leaves, e.nr_leaves);
    sb_tail(&s);
    assert_int_equal(xlc_stream_parse(s.b, s.len, &info, &err), 0);
    assert_int_equal(info.notes.n, 65);
    assert_non_null(strstr(info.notes.v[63].text, "replaces the one at"));
    assert_string_equal(info.notes.v[64].text,
                        "more than 64 changes: the rest are not listed");
    xlc_stream_info_free(&info);
    path = hr_write("many.stream", s.b, s.len);
    hr_run(&r, NULL, (const char *const[]){ "restore-check", path, NULL });
    assert_true(r.status == 0 || r.status == 4);
    assert_non_null(strstr(r.out, "more than 64 changes: the rest are not "
                                  "listed"));
    hr_free(&r);
    free(path);
    sb_free(&s);
    xlc_policy_entries_free(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(xml_attributes),
        cmocka_unit_test(xml_structure),
        cmocka_unit_test(xml_lines_and_size),
        cmocka_unit_test(xml_only_we_speak),
        cmocka_unit_test(xml_scan_in_chunks),
        cmocka_unit_test(json_depth),
        cmocka_unit_test(json_limits),
        cmocka_unit_test(stream_notes),
    };

    return cmocka_run_group_tests(tests, hr_group_setup, hr_group_teardown);
}
