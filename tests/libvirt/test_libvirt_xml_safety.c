/* SPDX-License-Identifier: MIT */
/*
 * Hostile XML against the libvirt readers: external entities, entity
 * expansion bombs, external DTDs, deep nesting, huge and numerous
 * attributes, oversize documents, other encodings.  Each must be refused
 * with a clear message saying where, at the first offending token (the
 * messages show how far the parser got), and nothing may be printed.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../helpers/lv-oracle.h"
#include "libxl_cpuid/libvirt/libvirt-cpu.h"
#include "libxl_cpuid/cpumap/libvirt-cpumap.h"

/* Whatever libxml2 might print goes to a file that must stay empty. */
static int begin_capture(char *path)
{
    int fd = mkstemp(path), saved;

    assert_true(fd >= 0);
    fflush(stderr);
    saved = dup(2);
    dup2(fd, 2);
    close(fd);
    return saved;
}

static void end_capture(int saved, const char *path)
{
    struct stat st;

    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    assert_int_equal(stat(path, &st), 0);
    unlink(path);
    if (st.st_size)
        fail_msg("the library printed %lld bytes", (long long)st.st_size);
}

static void refused(const char *text, size_t len, const char *want1,
                    const char *want2)
{
    struct xlc_lv_cpu *cpu = NULL;
    xlc_error err = { 0 };
    char path[] = "/tmp/xfs-stderr-XXXXXX";
    int saved = begin_capture(path);
    int rc = xlc_lv_cpu_parse("evil.xml", text, len, &cpu, &err);

    end_capture(saved, path);
    assert_true(rc < 0);
    assert_null(cpu);
    if (!strstr(err.msg, want1) || (want2 && !strstr(err.msg, want2)))
        fail_msg("error '%s' lacks '%s' / '%s'", err.msg, want1,
                 want2 ? want2 : "");
}

static void refused_str(const char *text, const char *want1,
                        const char *want2)
{
    refused(text, strlen(text), want1, want2);
}

static void external_entities(void **state)
{
    (void)state;
    refused_str("<?xml version='1.0'?>\n"
                "<!DOCTYPE cpu [<!ENTITY xxe SYSTEM 'file:///etc/passwd'>]>\n"
                "<cpu><model>&xxe;</model></cpu>\n",
                "evil.xml:2:", "DOCTYPE declarations are not accepted");
    refused_str("<!DOCTYPE cpu SYSTEM 'http://192.0.2.1/evil.dtd'>\n<cpu/>",
                "evil.xml:1:", "DOCTYPE");
    refused_str("<!DOCTYPE cpu [\n<!ENTITY % p SYSTEM 'file:///etc/shadow'>\n"
                "%p;]>\n<cpu/>",
                "evil.xml:1:", "DOCTYPE");
    /* No DTD means no entity: a reference is simply malformed. */
    refused_str("<cpu>\n<model>&undefined;</model></cpu>", "evil.xml:2:",
                "malformed XML");
    /* XInclude is never processed: it is just an unknown element. */
    refused_str("<cpu xmlns:xi='http://www.w3.org/2001/XInclude'>\n"
                "<xi:include href='/etc/passwd' parse='text'/></cpu>",
                "evil.xml:2:", "unknown element <include>");
}

static void billion_laughs(void **state)
{
    char doc[4096];
    size_t n = 0;

    (void)state;
    n += (size_t)snprintf(doc + n, sizeof(doc) - n,
                          "<?xml version='1.0'?>\n<!DOCTYPE cpu [\n"
                          " <!ENTITY lol0 'lol'>\n");
    for (int i = 1; i < 10; i++) {
        n += (size_t)snprintf(doc + n, sizeof(doc) - n, " <!ENTITY lol%d '",
                              i);
        for (int k = 0; k < 10; k++)
            n += (size_t)snprintf(doc + n, sizeof(doc) - n, "&lol%d;", i - 1);
        n += (size_t)snprintf(doc + n, sizeof(doc) - n, "'>\n");
    }
    snprintf(doc + n, sizeof(doc) - n, "]>\n<cpu><model>&lol9;</model></cpu>\n");
    /* Stopped on line 2, before the first entity declaration is read. */
    refused_str(doc, "evil.xml:2:", "DOCTYPE declarations are not accepted");
}

static char *repeat(const char *head, const char *unit, size_t times,
                    const char *tail, size_t *len)
{
    size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
    char *s = malloc(hl + ul * times + tl + 1), *p = s;

    memcpy(p, head, hl);
    p += hl;
    for (size_t i = 0; i < times; i++, p += ul)
        memcpy(p, unit, ul);
    memcpy(p, tail, tl + 1);
    *len = hl + ul * times + tl;
    return s;
}

static void deep_nesting(void **state)
{
    size_t len;
    char *doc = repeat("<cpu>", "<a>", 200000, "", &len);

    (void)state;
    refused(doc, len, "evil.xml:1:", "nested deeper than 32 (at <a>)");
    free(doc);
}

static void huge_attributes(void **state)
{
    size_t len;
    char *doc = repeat("<cpu mode='", "A", 3u << 20, "'/>", &len);

    (void)state;
    /* Refused at its 4097th byte, before libxml2 reads the tag. */
    refused(doc, len, "evil.xml:1:",
            "attribute mode of <cpu> is longer than 4096 bytes");
    free(doc);
    {
        char many[8192];
        size_t n = (size_t)snprintf(many, sizeof(many), "<cpu");

        for (int i = 0; i < 100; i++)
            n += (size_t)snprintf(many + n, sizeof(many) - n, " a%d='x'", i);
        snprintf(many + n, sizeof(many) - n, "/>");
        /* Refused at the 33rd, before libxml2 reads the tag. */
        refused_str(many, "evil.xml:1:",
                    "<cpu> has more than 32 attributes");
    }
}

static void too_many_elements_or_bytes(void **state)
{
    size_t len;
    char *doc = repeat("<cpu>", "<b/>", 150000, "</cpu>", &len);

    (void)state;
    refused(doc, len, "evil.xml:1:", "more than 100000 elements");
    free(doc);
    doc = repeat("<cpu>", "                ", 300000, "</cpu>", &len);
    refused(doc, len, "evil.xml: document is", "(limit 4194304)");
    free(doc);
}

static void other_encodings(void **state)
{
    static const char utf16[] = "\xff\xfe<\0c\0p\0u\0/\0>\0";
    struct xlc_lv_cpu *cpu = NULL;
    xlc_error err = { 0 };
    const char *decl = "<?xml version='1.0' encoding='UTF-7'?>\n"
                       "<cpu mode='host-passthrough'/>";

    (void)state;
    /* The byte order mark is the first byte that is not XML... */
    refused(utf16, sizeof(utf16) - 1, "does not start with '<'",
            "only UTF-8");
    /* ...and without one, the first NUL byte. */
    refused(utf16 + 2, sizeof(utf16) - 3, "NUL byte at offset 1",
            "only UTF-8");
    refused_str("\x4c\x6f\xa7\x94", "does not start with '<'", NULL);
    refused_str("", "empty document", NULL);
    /* A declared encoding is ignored: the bytes are read as UTF-8. */
    assert_int_equal(xlc_lv_cpu_parse("ok.xml", decl, strlen(decl), &cpu,
                                      &err), 0);
    assert_int_equal(cpu->mode, XLC_LV_MODE_HOST_PASSTHROUGH);
    xlc_lv_cpu_free(cpu);
    refused_str("<cpu>\xff\xfe</cpu>", "evil.xml:1:", "malformed XML");
}

/* The cpu_map loader goes through the same guard. */
static void hostile_cpu_map(void **state)
{
    char *dir = lvo_tmpdir();
    struct xlc_cpu_map *m = NULL;
    char path[] = "/tmp/xfs-stderr-XXXXXX";
    xlc_error err = { 0 };
    int saved;

    (void)state;
    lvo_write(dir, "index.xml",
              "<cpus><arch name='x86'>\n"
              "<include filename='x86_features.xml'/></arch></cpus>");
    lvo_write(dir, "x86_features.xml",
              "<!DOCTYPE cpus [<!ENTITY e SYSTEM '/etc/passwd'>]>\n"
              "<cpus><feature name='&e;'/></cpus>");
    saved = begin_capture(path);
    assert_int_equal(xlc_cpu_map_load(dir, &m, &err), -EINVAL);
    end_capture(saved, path);
    assert_non_null(strstr(err.msg, "x86_features.xml:1: DOCTYPE"));
    assert_non_null(strstr(err.msg, "index.xml:2: included here"));
    lvo_rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(external_entities),
        cmocka_unit_test(billion_laughs),
        cmocka_unit_test(deep_nesting),
        cmocka_unit_test(huge_attributes),
        cmocka_unit_test(too_many_elements_or_bytes),
        cmocka_unit_test(other_encodings),
        cmocka_unit_test(hostile_cpu_map),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
