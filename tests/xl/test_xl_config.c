/* SPDX-License-Identifier: MIT */
/*
 * Whole xl configs against the installed libxlutil 4.17
 * (tests/helpers/xlcfg-oracle.h): the file reader (xl-cfg-value.h)
 * accepts exactly the texts libxlutil accepts and gives every setting the
 * value xl's getters give it, on hand-written configs and thousands of
 * random ones; and the config reader (xl-config.h) reads type=, builder=,
 * nestedhvm= and cpuid= as xl 4.17's parse_config does.
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

#include "libxl_cpuid/xl/xl-config.h"
#include "tests/helpers/xlcfg-oracle.h"

/* The names the comparisons look at. */
static const char *const names[] = {
    "a", "b", "type", "builder", "cpuid", "nestedhvm", "x.y", "v_2",
};

static void show(char *buf, size_t n, const char *text)
{
    size_t k = 0;

    for (const char *p = text; *p && k + 5 < n; p++)
        k += (size_t)snprintf(buf + k, n - k, *p == '\n' ? "\\n" : "%c", *p);
}

/* One setting, ours against libxlutil's getters. */
static void same_setting(const struct xlc_cfg_file *f,
                         const struct xco_config *c, const char *name,
                         const char *shown)
{
    const struct xlc_cfg_setting *s = xlc_cfg_file_get(f, name);
    const char *v = NULL;
    int rs = xco_get_string(c, name, &v), n = 0;

    if (!s) {
        if (rs != ESRCH)
            fail_msg("%s: %s: libxlutil has it, we do not", shown, name);
        return;
    }
    if (s->value.kind == XLC_CFG_STRING) {
        if (rs || strcmp(v, s->value.string))
            fail_msg("%s: %s: ours '%s', libxlutil %d '%s'", shown, name,
                     s->value.string, rs, rs ? "" : v);
        return;
    }
    if (rs != EINVAL || xco_get_list(c, name, &n) ||
        (size_t)n != s->value.nr_items)
        fail_msg("%s: %s: our list of %zu, libxlutil %d (%d items)", shown,
                 name, s->value.nr_items, rs, n);
    for (int i = 0; i < n; i++) {
        const struct xlc_cfg_value *it = &s->value.items[i];
        const char *item = xco_list_item(c, name, i);

        if (it->kind == XLC_CFG_LIST ? item != NULL
                                     : !item || strcmp(item, it->string))
            fail_msg("%s: %s item %d differs", shown, name, i + 1);
    }
}

static void same_file(const char *text)
{
    struct xlc_cfg_file f;
    struct xco_config *c = xco_read(text, strlen(text));
    xlc_error err = { 0 };
    int rc = xlc_cfg_file_parse("t.cfg", text, strlen(text), &f, &err);
    char shown[2048];

    show(shown, sizeof(shown), text);
    if (!rc != !!c)
        fail_msg("'%s': ours %s (%s), libxlutil %s", shown,
                 rc ? "refuses" : "accepts", err.msg,
                 c ? "accepts" : "refuses");
    if (rc && strncmp(err.msg, "t.cfg:", 6))
        fail_msg("'%s': message without the file: %s", shown, err.msg);
    for (size_t i = 0; !rc && i < sizeof(names) / sizeof(*names); i++)
        same_setting(&f, c, names[i], shown);
    if (!rc)
        xlc_cfg_file_free(&f);
    xco_free(c);
}

static int need_libxlutil(void **state)
{
    (void)state;
    return xco_available() ? 0 : -1;
}

static void hand_written(void **state)
{
    static const char *const texts[] = {
        "", "\n", ";", "a=1", "a=1\n", "a = 1 ; b = \"x\"\n",
        "# comment\na='s' # after\n\n", "a=1\na=2\n", "a=\"x\"\na+=\"y\"\n",
        "a=[\"x\"]\na+=[\"y\",\"z\"]\n", "a=[\"x\"]\na+=\"y\"\n",
        "a+=\"y\"\n", "a=[]\n", "a=[\n\"x\",\n\"y\",\n]\n",
        "a=[[\"x\"],\"y\"]\n", "a=[,]\n", "a=[\"x\",,]\n", "A=1\n",
        "a=B\n", "a=yes\n", "a=-1\n", "a=(1)\n", "a=1 b=2\n", "a=1;;b=2",
        "a=\n", "=1\n", "a 1\n", "a=\"x\ny\"\n", "a=\"x\\ty\"\n",
        "a=\"\\012\"\n", "a=\"\\x41\"\n", "a=\"\\q\"\n", "a='it''s'\n",
        "x.y=1\nv_2=\"w\"\n", "a=0x1f\n", "a=12ab\n", "a=1g\n",
        "type=\"hvm\"\nbuilder=\"hvm\"\n", "cpuid=\"host,avx=0\"\n",
        "cpuid=[\"0x1:ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx0\",\n"
        "       \"0x7,0:ebx=xxxxxxxxxxxxxxxxxxxxxxxxxx0xxxxx\"]\n",
        "a=1\n\n\n# end", "a=\"x\"\n b=2\n", "\ta=1\n", "a=1#c",
        "a=[\"x\" \"y\"]\n", "a=[\"x\"]]\n", "a=\"unterminated\n",
    };

    (void)state;
    for (size_t i = 0; i < sizeof(texts) / sizeof(*texts); i++)
        same_file(texts[i]);
}

/* A random config from a small grammar with some noise. */
static const char *const pieces_name[] = { "a", "b", "cpuid", "type",
                                           "x.y", "v_2", "A", "1a" };
static const char *const pieces_op[] = { "=", "=", "+=", " = ", "==", "" };
static const char *const pieces_value[] = {
    "1", "0x10", "077", "\"s\"", "'t'", "\"\"", "\"a\\\"b\"", "\"\\n\"",
    "[]", "[\"p\"]", "[ \"p\" , 'q' ]", "[\n\"p\",\n]", "[[\"n\"]]",
    "[\"p\",]", "word", "-1", "\"x", "[\"p\"", "[1,[2,[3]]]", "(x)",
};
static const char *const pieces_end[] = { "\n", ";", " ;\n", "\n\n",
                                          " # c\n", "", "\n", " # c" };

static uint32_t next_random(uint32_t *seed)
{
    *seed = *seed * 1103515245u + 12345u;
    return *seed >> 16;
}

#define PICK(t, seed) t[next_random(seed) % (sizeof(t) / sizeof(*t))]

static void random_configs(void **state)
{
    uint32_t seed = 0x5eed1234;
    char text[1024];

    (void)state;
    for (unsigned int n = 0; n < 4000; n++) {
        size_t k = 0;
        unsigned int stmts = 1 + next_random(&seed) % 5;

        for (unsigned int s = 0; s < stmts && k < sizeof(text) - 100; s++) {
            const char *name = PICK(pieces_name, &seed);
            const char *op = PICK(pieces_op, &seed);
            const char *value = PICK(pieces_value, &seed);
            const char *end = PICK(pieces_end, &seed);

            k += (size_t)snprintf(text + k, sizeof(text) - k, "%s%s%s%s",
                                  name, op, value, end);
        }
        same_file(text);
    }
}

/* ---- the CPUID settings, as xl reads them ---- */

static void same_reading(const char *text)
{
    struct xco_config *c = xco_read(text, strlen(text));
    struct xlc_cfg_file f;
    struct xlc_xl_config ours;
    struct xco_xl xl;
    xlc_error err = { 0 };
    char shown[2048];
    int rc;

    show(shown, sizeof(shown), text);
    assert_non_null(c);
    assert_int_equal(xlc_cfg_file_parse("t.cfg", text, strlen(text), &f,
                                        &err), 0);
    xco_xl_read(c, &xl);
    rc = xlc_xl_config_read(&f, &ours, &err);
    if (xl.refused) {
        if (rc != -EINVAL)
            fail_msg("'%s': xl refuses it, we read it", shown);
    } else if (xl.cpuid == 2 && xl.nr_items < (int)xlc_cfg_file_get(
                   &f, "cpuid")->value.nr_items) {
        /* xl stops at a list item and drops the rest: ours refuses. */
        if (rc != -EINVAL || !strstr(err.msg, "is a list"))
            fail_msg("'%s': xl drops cpuid= items; ours: %d %s", shown, rc,
                     err.msg);
    } else {
        if (rc)
            fail_msg("'%s': xl reads it, ours: %s", shown, err.msg);
        if ((int)ours.domain_type != xl.type || ours.nested != xl.nested)
            fail_msg("'%s': ours %s nested %d, xl type %d nested %d", shown,
                     xlc_xl_domain_type_name(ours.domain_type), ours.nested,
                     xl.type, xl.nested);
        if (ours.guest_type != (xl.type ? XLC_GUEST_HVM : XLC_GUEST_PV))
            fail_msg("'%s': guest type", shown);
        if (ours.has_cpuid != (xl.cpuid != 0) ||
            (xl.cpuid && ours.cpuid_xend != (xl.cpuid == 2)) ||
            (xl.cpuid == 2 && ours.nr_strings != (size_t)xl.nr_items))
            fail_msg("'%s': cpuid= read differently", shown);
        xlc_xl_config_free(&ours);
    }
    xlc_cfg_file_free(&f);
    xco_free(c);
}

static void cpuid_settings(void **state)
{
    static const char *const types[] = {
        "", "type=\"hvm\"\n", "type=\"pv\"\n", "type=\"pvh\"\n",
        "type=\"\"\n", "type=\"h\"\n", "type=\"p\"\n", "type=\"pvhx\"\n",
        "type=\"HVM\"\n", "type=[\"hvm\"]\n", "type='hv'\n",
        "builder=\"hvm\"\n", "builder=\"generic\"\n", "builder=\"gen\"\n",
        "builder=\"linux\"\n", "type=\"pv\"\nbuilder=\"hvm\"\n",
        "type=\"hvm\"\nbuilder=\"h\"\n", "type=\"pvh\"\nbuilder=\"generic\"\n",
        "type=\"pv\"\ntype=\"hvm\"\n", "type=\"p\"\ntype+=\"vh\"\n",
    };
    static const char *const nested[] = {
        "", "nestedhvm=1\n", "nestedhvm=0\n", "nestedhvm=2\n",
        "nestedhvm=0x1\n", "nestedhvm=\"1\"\n", "nestedhvm=\"yes\"\n",
        "nestedhvm=[1]\n", "nestedhvm=1\nnestedhvm+=\"0\"\n",
        "nestedhvm=\" 1\"\n", "nestedhvm=\"1 \"\n",
        "nestedhvm=99999999999999999999\n", "nestedhvm=\"\"\n",
    };
    static const char *const cpuids[] = {
        "", "cpuid=\"host,avx=0\"\n", "cpuid=\"\"\n", "cpuid=\",,\"\n",
        "cpuid=[\"0x1:ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx0\"]\n",
        "cpuid=[]\n", "cpuid=[\"0x1:ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx0\", "
        "[\"x\"], \"0x7,0:ebx=xxxxxxxxxxxxxxxxxxxxxxxxxx0xxxxx\"]\n",
        "cpuid=\"host,avx=0\"\ncpuid+=\",sse4.2=0\"\n",
    };
    char text[512];

    (void)state;
    for (size_t t = 0; t < sizeof(types) / sizeof(*types); t++)
        for (size_t n = 0; n < sizeof(nested) / sizeof(*nested); n++)
            for (size_t c = 0; c < sizeof(cpuids) / sizeof(*cpuids); c++) {
                snprintf(text, sizeof(text), "name=\"g\"\n%s%s%s", types[t],
                         nested[n], cpuids[c]);
                same_reading(text);
            }
}

/* What xl only warns about is said, and leaves nested virtualisation off;
 * what it would silently drop is an error with the line. */
static void notes_and_errors(void **state)
{
    static const struct {
        const char *text, *words;
        int rc;
    } cases[] = {
        { "type=\"hvm\"\nnestedhvm=\"yes\"\n", "not a number", 0 },
        { "type=\"hvm\"\nnestedhvm=[1]\n", "a list where xl wants", 0 },
        { "type=\"pv\"\nnestedhvm=1\n", "libxl ignores it for a PV", 0 },
        { "cpuid=\"\"\n", "no item: xl ignores it", 0 },
        { "type=\"hvm\"\nhap=0\npae=0\n", "hap=: line 2", 0 },
        { "type=\"kvm\"\n", "t.cfg:1: type=\"kvm\": not a domain type", -1 },
        { "type=\"pv\"\nbuilder=\"hvm\"\n", "t.cfg:2: builder=\"hvm\" "
          "contradicts type=\"pv\" (line 1)", -1 },
        { "\n\ncpuid=\"host,avx5l2f=0\"\n", "t.cfg:3: cpuid= item 2: unknown "
          "name 'avx5l2f'; did you mean 'avx512f'?", -1 },
        { "cpuid=\"cpu,avx=0\"\n", "t.cfg:1: ", -1 },
        { "cpuid=[\"0x1:ecx=xx\"]\n", "t.cfg:1: cpuid= item 1 (xend form)",
          -1 },
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct xlc_cfg_file f;
        struct xlc_xl_config c;
        xlc_error err = { 0 };
        const char *t = cases[i].text;
        bool found = false;
        int rc;

        assert_int_equal(xlc_cfg_file_parse("t.cfg", t, strlen(t), &f, &err),
                         0);
        rc = xlc_xl_config_read(&f, &c, &err);
        if (cases[i].rc) {
            if (rc != -EINVAL || !strstr(err.msg, cases[i].words))
                fail_msg("case %zu: %d '%s'", i, rc, err.msg);
        } else {
            assert_int_equal(rc, 0);
            assert_false(c.nested);
            for (size_t k = 0; k < c.notes.nr; k++)
                found |= strstr(c.notes.v[k], cases[i].words) != NULL;
            if (!found)
                fail_msg("case %zu: no note with '%s'", i, cases[i].words);
            xlc_xl_config_free(&c);
        }
        xlc_cfg_file_free(&f);
    }
}

/* Limits and positions: FILE:LINE:COLUMN, no NUL, the size and line
 * limits. */
static void limits_and_positions(void **state)
{
    struct xlc_cfg_file f;
    xlc_error err = { 0 };
    size_t big = XLC_CFG_MAX_FILE + 1;
    char *text = malloc(big + 1);

    (void)state;
    assert_int_equal(xlc_cfg_file_parse("g.cfg", "a=1\nb = B\n", 10, &f,
                                        &err), -EINVAL);
    assert_string_equal(err.msg, "g.cfg:2:5: lexical error near 'B\\x0a' "
                                 "(not valid xl.cfg syntax outside quotes)");
    assert_int_equal(xlc_cfg_file_parse("g.cfg", "a=1\n\0b=2\n", 9, &f,
                                        &err), -EINVAL);
    assert_string_equal(err.msg, "g.cfg:2:1: a NUL byte");
    assert_non_null(text);
    memset(text, '\n', big);
    text[big] = '\0';
    assert_int_equal(xlc_cfg_file_parse("g.cfg", text, big, &f, &err),
                     -E2BIG);
    /* A line over the limit, named by its number. */
    memcpy(text, "a=1\nb=\"", 7);
    memset(text + 7, 'x', XLC_CFG_MAX_LEN);
    memcpy(text + 7 + XLC_CFG_MAX_LEN, "\"\n", 2);
    assert_int_equal(xlc_cfg_file_parse("g.cfg", text, XLC_CFG_MAX_LEN + 10,
                                        &f, &err), -E2BIG);
    assert_string_equal(err.msg, "g.cfg:2:1: a line longer than 65536 "
                                 "bytes");
    free(text);
    assert_int_equal(xlc_cfg_file_load("/nonexistent/g.cfg", &f, &err),
                     -ENOENT);
    assert_non_null(strstr(err.msg, "/nonexistent/g.cfg: cannot open"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hand_written),
        cmocka_unit_test(random_configs),
        cmocka_unit_test(cpuid_settings),
        cmocka_unit_test(notes_and_errors),
        cmocka_unit_test(limits_and_positions),
    };

    return cmocka_run_group_tests(tests, need_libxlutil, NULL);
}
