/* SPDX-License-Identifier: MIT */
/*
 * The one JSON reader (util/json-tree.h): syntax errors at line:column,
 * NUL bytes and nesting past the limit refused before yajl builds a tree
 * (brackets inside strings and comments not counted), key and number
 * checks naming the path.
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

#include "libxl_cpuid/util/json-tree.h"

static int parse(const char *text, size_t len, yajl_val *v, xlc_error *err)
{
    const struct xlc_json_ctx j = { "t.json", err, 0, NULL };

    return xlc_json_parse(&j, text, len, v);
}

static void refused(const char *text, size_t len, const char *want)
{
    xlc_error err = { 0 };
    yajl_val v;

    assert_int_equal(parse(text, len, &v, &err), -EINVAL);
    assert_null(v);
    if (!strstr(err.msg, want))
        fail_msg("'%s' lacks '%s'", err.msg, want);
}

static char *nested(size_t depth, const char *open, const char *close)
{
    char *s = malloc(depth * 2 + 1), *p = s;

    for (size_t i = 0; i < depth; i++)
        *p++ = *open;
    for (size_t i = 0; i < depth; i++)
        *p++ = *close;
    *p = '\0';
    return s;
}

static void depth(void **state)
{
    char *ok = nested(XLC_JSON_MAX_DEPTH, "[", "]"), *bad;
    xlc_error err = { 0 };
    yajl_val v;

    (void)state;
    assert_int_equal(parse(ok, strlen(ok), &v, &err), 0);
    yajl_tree_free(v);
    bad = nested(XLC_JSON_MAX_DEPTH + 1, "[", "]");
    refused(bad, strlen(bad), "t.json:1:65: nested deeper than 64 levels, "
                              "the limit for a JSON document");
    free(bad);
    /* A million brackets: refused at once, never built. */
    bad = nested(1000000, "[", "]");
    refused(bad, strlen(bad), "nested deeper than 64");
    free(bad);
    free(ok);
}

static void strings_and_comments(void **state)
{
    char text[4096] = "{\"a\": \"", *p;
    xlc_error err = { 0 };
    yajl_val v;

    (void)state;
    p = text + strlen(text);
    for (int i = 0; i < 200; i++)
        *p++ = '[';
    strcpy(p, "\\\"\", /* [[[[[ */ \"b\": 1 // [[[[\n}");
    assert_int_equal(parse(text, strlen(text), &v, &err), 0);
    assert_true(YAJL_IS_NUMBER(xlc_json_member(v, "b")));
    yajl_tree_free(v);
}

static void syntax_and_nul(void **state)
{
    (void)state;
    refused("{\n  \"a\": 1,\n  \"b\" 2\n}", 21, "t.json:3:");
    refused("{\"a\": 1}\0x", 10, "t.json: byte 8: NUL byte");
}

static void checks(void **state)
{
    static const char *const keys[] = { "need", "may", NULL };
    const char *text = "{\"need\": \"0x1f\", \"may\": 40, \"odd\": -1}";
    xlc_error err = { 0 };
    const struct xlc_json_ctx j = { "t.json", &err, 0, NULL };
    uint64_t x;
    yajl_val v;

    (void)state;
    assert_int_equal(parse(text, strlen(text), &v, &err), 0);
    assert_int_equal(xlc_json_check_keys(&j, v, "top", keys, 1), -EINVAL);
    assert_string_equal(err.msg, "t.json: top.odd: unknown key");
    assert_int_equal(xlc_json_uint(&j, xlc_json_member(v, "need"), "need", 8,
                                   &x), 0);
    assert_int_equal(x, 0x1f);
    assert_int_equal(xlc_json_uint(&j, xlc_json_member(v, "may"), "may", 32,
                                   &x), 0);
    assert_int_equal(x, 40);
    assert_int_equal(xlc_json_uint(&j, xlc_json_member(v, "odd"), "odd", 32,
                                   &x), -EINVAL);
    assert_non_null(strstr(err.msg, "t.json: odd: expected a 32-bit value"));
    assert_null(xlc_json_member(v, "none"));
    yajl_tree_free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(depth),
        cmocka_unit_test(strings_and_comments),
        cmocka_unit_test(syntax_and_nul),
        cmocka_unit_test(checks),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
