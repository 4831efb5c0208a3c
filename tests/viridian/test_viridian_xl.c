/* SPDX-License-Identifier: MIT */
/*
 * Our reading of xl's viridian= against the installed Xen 4.17 libraries
 * (libxlutil's config parser, libxenlight's group names and JSON; see
 * helpers/viridian-oracle.h): same accept or refuse, same item blamed,
 * and the same viridian / viridian_enable / viridian_disable JSON byte
 * for byte, for every group name libxl has (in several spellings), the
 * quirks we know of, and generated settings (fixed seed).
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

#include "../helpers/viridian-gen.h"
#include "../helpers/viridian-oracle.h"
#include "libxl_cpuid/viridian/viridian.h"
#include "libxl_cpuid/xl/xl-cfg-value.h"

static unsigned long compared, accepted;


static const char *verdict_name(enum vo_verdict v)
{
    static const char *const n[] = { "ok", "syntax", "unknown item",
                                     "nested item" };
    return n[v];
}

/* Our verdict in the oracle's terms. */
static enum vo_verdict ours(const char *s, size_t *item, char **json)
{
    struct xlc_viridian_xl x;
    struct xlc_cfg_value v = { 0 };
    struct xlc_buf b = XLC_BUF_INIT;
    enum vo_verdict r = VO_OK;
    int rc = xlc_viridian_xl_parse(s, &x, item, NULL);

    *json = NULL;
    if (rc && !*item) {
        r = VO_SYNTAX;
    } else if (rc) {
        assert_int_equal(xlc_cfg_value_parse(s, &v, NULL), 0);
        r = v.items[*item - 1].kind == XLC_CFG_LIST ? VO_NESTED_ITEM
                                                    : VO_UNKNOWN_ITEM;
        xlc_cfg_value_free(&v);
    } else {
        xlc_viridian_xl_json(&b, &x);
        *json = xlc_buf_take(&b);
    }
    xlc_viridian_xl_free(&x);
    return r;
}

static void same(const char *s)
{
    struct vo_result want;
    size_t item = 0;
    char *json;
    enum vo_verdict got = ours(s, &item, &json);

    vo_run(s, &want);
    compared++;
    accepted += want.verdict == VO_OK;
    if (want.verdict != got ||
        (got != VO_OK && got != VO_SYNTAX && want.item != item) ||
        (got == VO_OK && (!want.json || !json || strcmp(want.json, json)))) {
        print_error("viridian=%s\n libxl: %s item %zu %s\n ours:  %s item "
                    "%zu %s\n", s, verdict_name(want.verdict), want.item,
                    want.json ? want.json : "-", verdict_name(got), item,
                    json ? json : "-");
        fail();
    }
    vo_result_free(&want);
    free(json);
}

static int setup(void **state)
{
    (void)state;
    return vo_available() ? 0 : -1;
}

/* ---- names ---- */

static void test_every_group_name(void **state)
{
    unsigned int n = 0;

    (void)state;
    for (int e = 0; vo_to_string(e); e++, n++) {
        const char *name = vo_to_string(e);
        unsigned int g;
        char buf[64], set[160];

        assert_string_equal(xlc_viridian_group_name((unsigned int)e), name);
        for (unsigned int pattern = 0; pattern < 4; pattern++) {
            int want;

            snprintf(buf, sizeof(buf), "%s", name);
            vg_flip_case(buf, pattern == 3 ? 0xffff : pattern * 0x5555);
            assert_true(xlc_viridian_group_lookup(buf, &g));
            assert_int_equal(vo_from_string(buf, &want), 0);
            assert_int_equal(g, (unsigned int)want);
            snprintf(set, sizeof(set), "[\"base\",\"%s\"]", buf);
            same(set);
            snprintf(set, sizeof(set), "['!%s', \"base\"]", buf);
            same(set);
            snprintf(set, sizeof(set), "[\"all\",\"!%s\"]", buf);
            same(set);
        }
    }
    /* libxl 4.17 has exactly our 13 groups. */
    assert_int_equal(n, XLC_VIRIDIAN_NR_GROUPS);
    assert_null(xlc_viridian_group_name(n));
}

/* ---- known quirks, one by one ---- */

static const char *const quirks[] = {
    "1", "0", "2", "-1", "0x10", "010", "08", "0x", "00", "1e3",
    "99999999999999999999", "\"1\"", "\" 1\"", "\"1 \"", "\"+0\"",
    "\"\\t1\"", "'true'", "\"yes\"", "\"\"", "true", "True", "yes",
    "-", "+1", "1.0", "(1)", "[]", "[ ]", "[\n]", "[,]", "[\"base\",]",
    "[\"base\",,]", "[\"base\" \"freq\"]", "[\"base\"\n,\n\"freq\"\n]",
    "[ # comment\n \"base\" ]", "1 # comment", "1;", "1;;\n;", "[\"base\"];",
    "[\"all\"]", "[\"!all\"]", "[\"defaults\"]", "[\"!defaults\"]",
    "[\"ALL\"]", "[\"Defaults\"]", "[\"!stimer\",\"all\"]",
    "[\"all\",\"!stimer\"]", "[\"all\",\"!freq\",\"freq\"]",
    "[\"base\",\"!base\"]", "[\"!base\",\"base\"]", "[\"!\"]", "[\"\"]",
    "[\"!!base\"]", "[\" base\"]", "[\"base \"]", "[1]", "[base]",
    "[[\"base\"]]", "[\"base\",[]]", "[[]]", "\"\\x41\"", "\"\\q\"",
    "[\"ba\\se\"]", "[\"b\\141se\"]", "[\"b\\01se\"]", "[\"b\\0 1se\"]",
    "[\"b\\0+1se\"]", "[\"b\\0-9se\"]", "[\"ba\\\"se\"]",
    "[\"base\\\\\"]", "['base', \"freq\"]", "[\"base\",'!freq']",
    "\"1", "'1", "[\"base\"", "\"base\"]", "1 2", "[\"a\"]1",
    "\"\\r1\"", "\r1", "1\r", "[\"base\",\"\xc3\xa9\"]", "\xc3\xa9",
    "[\"BASE\",\"FREQ\",\"Time_Ref_Count\"]", "[\"hcall_ipi\",\"base\"]",
    "1 #", "[#\n\"base\"]", "\t1", "1\t", " [ \"base\" , \"freq\" ] ",
};

static void test_quirks(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(quirks) / sizeof(quirks[0]); i++)
        same(quirks[i]);
}

/* What the oracle says about a few of them, so that the quirks are pinned
 * down and not only equal. */
static void test_quirks_pinned(void **state)
{
    struct vo_result r;

    (void)state;
    vo_run("\"true\"", &r);       /* ignored without a word */
    assert_int_equal(r.verdict, VO_OK);
    assert_string_equal(r.json, "{}");
    vo_result_free(&r);
    vo_run("[\"!stimer\",\"all\"]", &r);  /* xl takes it; libxl will not */
    assert_int_equal(r.verdict, VO_OK);
    {
        char want[400] = "{\"viridian_enable\":[0";

        for (int i = 1; i < 64; i++)
            snprintf(want + strlen(want), sizeof(want) - strlen(want),
                     ",%d", i);
        vg_put(want, sizeof(want), "],\"viridian_disable\":[8]}");
        assert_string_equal(r.json, want);
    }
    vo_result_free(&r);
    vo_run("[\"b\\141se\"]", &r);  /* the octal escape gives nothing */
    assert_int_equal(r.verdict, VO_UNKNOWN_ITEM);
    vo_result_free(&r);
    vo_run("[\"b\\01se\"]", &r);   /* one digit is not enough */
    assert_int_equal(r.verdict, VO_SYNTAX);
    vo_result_free(&r);
}

/* The one deliberate difference: a second setting after the value. */
static void test_second_setting_refused(void **state)
{
    struct vo_result r;
    struct xlc_viridian_xl x;
    xlc_error err = { 0 };
    size_t item;

    (void)state;
    vo_run("1; hap=0", &r);
    assert_int_equal(r.verdict, VO_OK);
    vo_result_free(&r);
    assert_int_equal(xlc_viridian_xl_parse("1; hap=0", &x, &item, &err),
                     -EINVAL);
    assert_non_null(strstr(err.msg, "another setting"));
    xlc_viridian_xl_free(&x);
}

/* ---- generated settings ---- */

static void test_generated(void **state)
{
    struct vg_rng r = { VG_SEED };
    char buf[1024];

    (void)state;
    compared = accepted = 0;
    for (unsigned int i = 0; i < 6000; i++) {
        vg_setting(&r, buf, sizeof(buf), true);
        same(buf);
    }
    print_message("viridian=: %lu settings compared, %lu accepted by xl\n",
                  compared, accepted);
    /* Enough of both kinds for the comparison to mean something. */
    assert_true(accepted > compared / 3);
    assert_true(accepted < compared - compared / 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_group_name),
        cmocka_unit_test(test_quirks),
        cmocka_unit_test(test_quirks_pinned),
        cmocka_unit_test(test_second_setting_refused),
        cmocka_unit_test(test_generated),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
