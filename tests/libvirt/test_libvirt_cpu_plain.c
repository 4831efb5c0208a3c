/* SPDX-License-Identifier: MIT */
/*
 * The plain reader of host files (libvirt-cpu-plain.c) against the SAX
 * path it stands in for: on the bench's three shapes and on hand-made
 * files inside the plain form it must take the file and give exactly
 * what the SAX path gives (every field of every host, its source and
 * lines, the count, the line the range ends on, the error and its
 * message); outside the form it must decline, and the reader as a whole
 * must still give the SAX path's answer.  Texts and files (whole, and a
 * part of one starting at a later line) are both read.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "libxl_cpuid/libvirt/libvirt-cpu-batch.h"
#include "libxl_cpuid/util/strbuf.h"
#include "../helpers/shared-data.h"

/* The callback: records each host; a feature "nosuch" is refused, as a
 * translation refuses a name cpu_map lacks. */
static int record(void *ctx, const struct xlc_lv_cpu *cpu, xlc_error *err)
{
    xlc_lv_cpu_describe(ctx, cpu);
    for (size_t i = 0; i < cpu->nr_features; i++)
        if (!strcmp(cpu->features[i].name, "nosuch"))
            return xlc_fail(err, EINVAL, "%s:%ld: unknown feature '%s'",
                            cpu->source, cpu->features[i].line, "nosuch");
    return 0;
}

/* The caller that keeps its hosts until the reading returns, and lets
 * the plain reader read in one pass: it forgets them when told. */
static void drop(void *ctx)
{
    struct xlc_buf *b = ctx;

    b->len = 0;
    if (b->s)
        b->s[0] = '\0';
}

struct outcome {
    int rc;
    size_t count;
    unsigned long end_line;
    struct xlc_buf hosts;
    char msg[XLC_ERROR_MSG_MAX];
};

/* text read by one path: from memory (fd < 0) or from [start, len) of
 * the file fd holds, lines from first_line; once: with drop(). */
static struct outcome run(enum xlc_lv_each_path via, bool once,
                          const char *text, size_t len, int fd, size_t start,
                          unsigned long first_line)
{
    struct outcome o = { 0 };
    xlc_error err = { 0 };

    o.end_line = 12345;
    if (fd < 0)
        o.rc = xlc_lv_cpu_each_via(via, "f.xml", text, len, first_line,
                                   record, once ? drop : NULL, &o.hosts,
                                   &o.count, &o.end_line, &err);
    else
        o.rc = xlc_lv_cpu_each_fd_via(via, "f.xml", fd, start, len,
                                      first_line, record, once ? drop : NULL,
                                      &o.hosts, &o.count, &o.end_line, &err);
    if (o.rc && o.rc != XLC_LV_NOT_PLAIN)
        snprintf(o.msg, sizeof(o.msg), "%s", err.msg);
    return o;
}

static void same(const char *what, const struct outcome *a,
                 const struct outcome *b, bool end_line)
{
    if (a->rc != b->rc || strcmp(a->msg, b->msg))
        fail_msg("%s: rc %d '%s' against %d '%s'", what, a->rc, a->msg,
                 b->rc, b->msg);
    assert_int_equal(a->count, b->count);
    if (end_line)
        assert_int_equal(a->end_line, b->end_line);
    assert_int_equal(a->hosts.len, b->hosts.len);
    if (a->hosts.len)
        assert_string_equal(a->hosts.s, b->hosts.s);
}

/* One way of reading: plain only, SAX only, the API's choice; the plain
 * reader in two passes and, for a caller that can drop what it was
 * given, in one.  plain: 1 the plain reader must take it, 0 decline it,
 * -1 either. */
static void check_way(const char *what, const char *text, size_t len,
                      int fd, size_t start, unsigned long first_line,
                      int plain)
{
    struct outcome s = run(XLC_LV_EACH_SAX, false, text, len, fd, start,
                           first_line);

    for (int once = 0; once < 2; once++) {
        struct outcome p = run(XLC_LV_EACH_PLAIN, once, text, len, fd, start,
                               first_line);
        struct outcome b = run(XLC_LV_EACH_BEST, once, text, len, fd, start,
                               first_line);

        if (plain >= 0 && (p.rc != XLC_LV_NOT_PLAIN) != plain)
            fail_msg("%s: the plain reader (%s) %s it", what,
                     once ? "one pass" : "two passes",
                     plain ? "declined" : "took");
        if (p.rc != XLC_LV_NOT_PLAIN) {
            same(what, &p, &s, true);
        } else {
            assert_int_equal(p.count, 0);
            assert_int_equal(p.hosts.len, 0);
        }
        /* A text's end line is not asked for by the API. */
        same(what, &b, &s, fd >= 0);
        xlc_buf_free(&p.hosts);
        xlc_buf_free(&b.hosts);
    }
    xlc_buf_free(&s.hosts);
}

/*
 * text as a text, as a whole file, and as the part of the file from its
 * second <cpu> line on (as the threads of `level` cut a file): the plain
 * reader takes each or declines each, as `plain` says (the part: when
 * the whole is plain).
 */
static void check_text_len(const char *what, const char *text, size_t len,
                           bool plain)
{
    char path[] = "/tmp/test_lv_plain_XXXXXX";
    int fd = mkstemp(path);
    const char *cut = strstr(text, "\n<cpu");
    unsigned long line = 2;

    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    check_way(what, text, len, -1, 0, 1, plain);
    check_way(what, text, len, fd, 0, 1, plain);
    for (const char *p = text; cut && p < cut; p++)
        line += *p == '\n';
    if (cut && (size_t)(cut - text) < len)
        check_way(what, text, len, fd, (size_t)(cut + 1 - text), line,
                  plain ? 1 : -1);
    close(fd);
    unlink(path);
}

static void check_text(const char *text, bool plain)
{
    check_text_len(text, text, strlen(text), plain);
}

#define CPU_HEAD "<cpu>\n  <arch>x86_64</arch>\n  <model>Haswell</model>\n"

/* The bench's generated file of a shape (python3 writes it). */
static void bench_shape(const char *shape)
{
    char *text = shared_bench_hosts(shape, 300);

    if (!text)
        skip();
    check_text(text, true);
    free(text);
}

static void plain_bench_caps(void **state)
{
    (void)state;
    bench_shape("caps");
}

static void plain_bench_sparse(void **state)
{
    (void)state;
    bench_shape("sparse");
}

static void plain_bench_486(void **state)
{
    (void)state;
    bench_shape("486");
}

/* Inside the plain form: taken, and read as the SAX path reads it. */
static void plain_taken(void **state)
{
    static const char *const texts[] = {
        CPU_HEAD "  <feature name=\"vmx\" policy=\"require\"/>\n</cpu>\n",
        CPU_HEAD "  <feature policy='disable' name='vmx'/>\n</cpu>\n",
        CPU_HEAD "  <feature name='vmx'></feature>\n  <vendor>Intel</vendor>"
                 "\n  <pages unit='KiB' size='4'>\n\n  </pages>\n</cpu>\n",
        "<cpu mode='host-model' match='exact' check='none'>"
        "<model fallback='forbid' vendor_id='GenuineIntel'>Haswell</model>"
        "<topology sockets='1' dies='1' clusters='1' cores='4' threads='2'/>"
        "<cache level='3' mode='emulate'/><numa></numa>"
        "<maxphysaddr mode='passthrough' limit='39'/>"
        "<microcode version='1'/><signature family='6'/>"
        "<counter name='tsc' frequency='1'/></cpu>",
        "\t\n<cpu/>\n<cpu >\n</cpu >\n  <cpu\tmode = 'custom' >"
        "<model>486</model></cpu>",
        "\xef\xbb\xbf<?xml version='1.0' encoding='UTF-8'?>\n\n" CPU_HEAD
        "</cpu>\n",
        "<?xml version='1.0'\n   standalone='yes'?>" CPU_HEAD "</cpu>",
        CPU_HEAD "  <feature name='x.y-z_1' policy='optional' />\n</cpu>",
        CPU_HEAD "  <vendor vendor='>'>a>b</vendor>\n</cpu>\n",
        /* Errors: the SAX path's own. */
        CPU_HEAD "  <feature name='vmx' policy='maybe'/>\n</cpu>\n",
        CPU_HEAD "  <feature name='vmx'/>\n  <feature name='vmx'/>\n</cpu>\n",
        CPU_HEAD "  <feature name='vmx' extra='1'/>\n</cpu>\n",
        CPU_HEAD "  <feature name='vmx' extra='1'>x</feature>\n</cpu>\n",
        CPU_HEAD "  <feature/>\n</cpu>\n",
        CPU_HEAD "  <feature name=''/>\n</cpu>\n",
        CPU_HEAD "  <widget/>\n</cpu>\n",
        CPU_HEAD "  <cpu/>\n</cpu>\n",
        CPU_HEAD "  <model>Other</model>\n</cpu>\n",
        CPU_HEAD "  <topology sockets='0'/>\n</cpu>\n",
        CPU_HEAD "  <arch></arch>\n</cpu>\n",
        "<cpu mode='custom' migratable='on'><model>a</model></cpu>",
        "<cpu mode='nonsense'/>",
        "<cpu><feature name='a'/></cpu>",
        CPU_HEAD "</cpu>\n" CPU_HEAD "  <feature name='nosuch'/>\n</cpu>\n"
        CPU_HEAD "</cpu>\n",
    };

    (void)state;
    for (size_t i = 0; i < sizeof(texts) / sizeof(*texts); i++)
        check_text(texts[i], true);
}

/* Outside it: declined, and the SAX path answers. */
static void plain_declined(void **state)
{
    static const char *const texts[] = {
        "",
        "\n \n",
        "<!-- hosts -->\n" CPU_HEAD "</cpu>\n",
        CPU_HEAD "  <!-- one -->\n</cpu>\n",
        CPU_HEAD "  <vendor><![CDATA[Intel]]></vendor>\n</cpu>\n",
        CPU_HEAD "  <vendor>Int&amp;el</vendor>\n</cpu>\n",
        CPU_HEAD "  <feature name='a&#x62;'/>\n</cpu>\n",
        CPU_HEAD "  <feature name='vmx'/>\r\n</cpu>\r\n",
        CPU_HEAD "  <vendor>Intél</vendor>\n</cpu>\n",
        CPU_HEAD "  <x:feature xmlns:x='urn:x' name='a'/>\n</cpu>\n",
        "<cpu xmlns='urn:x'>\n</cpu>\n",
        "<capabilities><host>" CPU_HEAD "</cpu></host></capabilities>",
        "<host>" CPU_HEAD "</cpu></host>",
        CPU_HEAD "</cpu>\nstray\n",
        /* Read in one pass, these hosts are handed over, then dropped: an
         * error is the SAX path's only when the whole range is plain. */
        CPU_HEAD "</cpu>\n" CPU_HEAD "</cpu>\n<!-- after -->\n",
        CPU_HEAD "  <feature name='nosuch'/>\n</cpu>\n" CPU_HEAD
        "</cpu>\n<!-- after -->\n",
        CPU_HEAD "  <widget/>\n</cpu>\n<!-- after -->\n",
        CPU_HEAD "</cpu>\n<?pi x?>\n",
        "<!DOCTYPE cpu>\n" CPU_HEAD "</cpu>\n",
        CPU_HEAD "  <feature\n name='vmx'/>\n</cpu>\n",
        CPU_HEAD "  <feature name='a\tb'/>\n</cpu>\n",
        CPU_HEAD "  <feature name='a' name='b'/>\n</cpu>\n",
        CPU_HEAD "  <feature name='a'policy='require'/>\n</cpu>\n",
        CPU_HEAD "  <feature name=a/>\n</cpu>\n",
        CPU_HEAD "  <vendor>Intel Corp</vendor>\n</cpu>\n",
        CPU_HEAD "  <vendor> Intel</vendor>\n</cpu>\n",
        CPU_HEAD "  <vendor>]]></vendor>\n</cpu>\n",
        CPU_HEAD "  <model><b/></model>\n</cpu>\n",
        CPU_HEAD "  <microcode>1</microcode>\n</cpu>\n",
        CPU_HEAD "  <cache><x/></cache>\n</cpu>\n",
        CPU_HEAD "  text\n</cpu>\n",
        CPU_HEAD "</cpu>\n<cpu>\n",
        CPU_HEAD "</cpux>\n",
        CPU_HEAD "  <feature name='a'/>",
        CPU_HEAD "  <feature name='vmx' xml:lang='en'/>\n</cpu>\n",
        "<?xml version='1.0'?><?xml version='1.0'?>" CPU_HEAD "</cpu>",
        "\n\xef\xbb\xbf" CPU_HEAD "</cpu>",
    };

    (void)state;
    for (size_t i = 0; i < sizeof(texts) / sizeof(*texts); i++)
        check_text(texts[i], false);
    check_text_len("NUL", CPU_HEAD "</cpu>\n\0", sizeof(CPU_HEAD) + 7, false);
}

/* head, then each (a format of one %d) for 0..n-1, then tail. */
static char *repeated(const char *head, const char *each, int n,
                      const char *tail)
{
    struct xlc_buf b = { 0 };

    xlc_buf_puts(&b, head);
    for (int i = 0; i < n; i++)
        xlc_buf_printf(&b, each, i);
    xlc_buf_puts(&b, tail);
    assert_false(b.oom);
    return b.s;
}

/* head/each/tail as above, read by both paths: plain or not. */
static void check_repeated(const char *head, const char *each, int n,
                           const char *tail, bool plain)
{
    char *s = repeated(head, each, n, tail);

    check_text(s, plain);
    free(s);
}

/* At or near a limit the plain reader declines: the SAX path refuses, or
 * takes what it may. */
static void plain_limits(void **state)
{
    static const char head[] = "<cpu><model>m</model>";
    char *s;

    (void)state;
    check_repeated("<cpu><model>m</model><topology", " a%d='1'", 33,
                   "/></cpu>\n", false);
    check_repeated("<cpu><model>m</model><feature name='", "a", 5000,
                   "'/></cpu>\n", false);
    s = repeated(head, "<feature name='f%d'/>\n", 100000, "</cpu>\n");
    check_text(s, false);
    /* The same on one line: the line limit. */
    for (char *nl = s; (nl = strchr(nl, '\n'));)
        *nl = ' ';
    check_text(s, false);
    free(s);
    /* A line past the limit, with few elements: 50,000 features on it,
     * or blanks between two hosts. */
    check_repeated(head, "<feature name='f%d'/> ", 50000, "</cpu>\n", false);
    check_repeated("<cpu/>", " ", 1 << 20, "<cpu/>\n", false);
    /* Far from every limit: many hosts across many chunks (a host holds
     * no '%': it repeats as a format of its own). */
    s = repeated(head, "<feature name='f%d'/>", 30, "</cpu>\n");
    check_repeated("", s, 3000, "", true);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_bench_caps),
        cmocka_unit_test(plain_bench_sparse),
        cmocka_unit_test(plain_bench_486),
        cmocka_unit_test(plain_taken),
        cmocka_unit_test(plain_declined),
        cmocka_unit_test(plain_limits),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
