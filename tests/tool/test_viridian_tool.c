/* SPDX-License-Identifier: MIT */
/*
 * The built xen-cpuid's viridian subcommand ($XFS_TOOL): its libxl_json
 * is what the installed libxenlight prints for the same setting, its
 * groups, parameter and leaves are the library's, the host-dependent
 * bits follow each shared dump's vendor, --libvirt input, and the
 * documented exit codes with the offending item named.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <yajl/yajl_tree.h>

#include "../helpers/shared-data.h"
#include "../helpers/tool-run.h"
#include "../helpers/viridian-oracle.h"
#include "libxl_cpuid/viridian/viridian.h"

#define ICX "GenuineIntel00606A6_ICX_04"
#define MILAN "AuthenticAMD0A00F11_K19_Milan_02"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/xfs-viridian-XXXXXX");
    return mkdtemp(dir) && vo_available() ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[128];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    return system(cmd) ? -1 : 0;
}

/* Run `xen-cpuid viridian [--json] --cpuid DUMP ARG`. */
static int viridian(bool json, const char *dump, const char *arg,
                    char **out, char **err)
{
    const char *args[8];
    int n = 0;

    args[n++] = "viridian";
    if (json)
        args[n++] = "--json";
    args[n++] = "--cpuid";
    args[n++] = shared_dump(dump);
    if (arg)
        args[n++] = arg;
    args[n] = NULL;
    return tool_run_argv(args, out, err);
}

/* A line-wide field "  KEY: VALUE,"'s VALUE (a copy). */
static char *raw_field(const char *out, const char *key)
{
    char pat[64];
    const char *p, *end;

    snprintf(pat, sizeof(pat), "\"%s\": ", key);
    p = strstr(out, pat);
    if (!p)
        fail_msg("no %s in %s", key, out);
    p += strlen(pat);
    end = strchr(p, '\n');
    if (end[-1] == ',')
        end--;
    return strndup(p, (size_t)(end - p));
}

static void test_text(void **state)
{
    char *out, *err;

    (void)state;
    assert_int_equal(viridian(false, ICX, "[\"base\",\"!stimer\"]", &out,
                              &err), 0);
    assert_non_null(strstr(out, "libxl json:         {\"viridian_enable\""
                                ":[0],\"viridian_disable\":[8]}\n"));
    assert_non_null(strstr(out, "groups:             base\n"));
    assert_non_null(strstr(out, "HVM_PARAM_VIRIDIAN: 0x3 (base_freq "
                                "no_freq)\n"));
    assert_non_null(strstr(out, "  0x40000000  40000006 7263694d 666f736f "
                                "76482074  \"Microsoft Hv\""));
    assert_non_null(strstr(out, "  0x40000003  00000070 00000000 00000000 "
                                "00000000  AccessIntrCtrlRegs "
                                "AccessHypercallMsrs AccessVpIndex\n"));
    assert_non_null(strstr(out, "  0x40000102  00000001 40000200"));
    assert_non_null(strstr(out, "<relaxed state='on'/>"));
    free(out);
    free(err);
    /* viridian off: Xen's leaves stay where they are */
    assert_int_equal(viridian(false, ICX, "0", &out, &err), 0);
    assert_non_null(strstr(out, "  0x40000000  40000005 566e6558"));
    assert_null(strstr(out, "Microsoft"));
    free(out);
    free(err);
}

static const char *const settings[] = {
    "1", "0", "[]", "\"true\"", "0x2", "[\"defaults\",\"!crash_ctl\"]",
    "[\"all\",\"!freq\"]", "[\"BASE\",\"stimer\"]",
    "[ \"base\", # the base set\n  \"hcall_ipi\" ]",
};

static void test_json_is_libxenlights(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(settings) / sizeof(*settings); i++) {
        struct xlc_viridian_xl x;
        struct xlc_viridian_effective e;
        struct vo_result want;
        char *out, *err, *field, num[32];
        yajl_val root, leaves;
        const char *path[] = { "leaves", NULL };

        assert_int_equal(viridian(true, MILAN, settings[i], &out, &err), 0);
        vo_run(settings[i], &want);
        assert_int_equal(want.verdict, VO_OK);
        field = raw_field(out, "libxl_json");
        assert_string_equal(field, want.json);
        free(field);
        vo_result_free(&want);
        /* groups and parameter: the library's */
        assert_int_equal(xlc_viridian_xl_parse(settings[i], &x, NULL, NULL),
                         0);
        assert_int_equal(xlc_viridian_libxl_expand(&x, &e, NULL, NULL), 0);
        xlc_viridian_xl_free(&x);
        snprintf(num, sizeof(num), "%llu", (unsigned long long)e.param);
        field = raw_field(out, "hvm_param_viridian");
        assert_string_equal(field, num);
        free(field);
        root = yajl_tree_parse(out, NULL, 0);
        assert_non_null(root);
        leaves = yajl_tree_get(root, path, yajl_t_array);
        assert_non_null(leaves);
        assert_int_equal(leaves->u.array.len, e.param ? 10 : 3);
        yajl_tree_free(root);
        free(out);
        free(err);
    }
}

/* Leaf 4 bit 3 and leaf 6 follow the host: SVM on AMD and Hygon. */
static void each_dump(void *ctx, const char *path, const char *file)
{
    const char *args[] = { "viridian", "--json", "--cpuid", path, "1",
                           NULL };
    const char *l4[] = { "leaves", NULL };
    bool svm = !strncmp(file, "AuthenticAMD", 12) ||
               !strncmp(file, "HygonGenuine", 12);
    char *out, *err;
    yajl_val root, leaves;
    int rc = tool_run_argv(args, &out, &err);

    (void)ctx;
    if (rc) {
        /* a dump without VMX/SVM still answers (HVM unusable noted) */
        fail_msg("%s: exit %d: %s", file, rc, err);
    }
    root = yajl_tree_parse(out, NULL, 0);
    leaves = yajl_tree_get(root, l4, yajl_t_array);
    assert_non_null(leaves);
    {
        const char *eax[] = { "eax", NULL };
        const char *v4 = YAJL_GET_STRING(yajl_tree_get(
            leaves->u.array.values[4], eax, yajl_t_string));
        const char *v6 = YAJL_GET_STRING(yajl_tree_get(
            leaves->u.array.values[6], eax, yajl_t_string));

        assert_string_equal(v4, svm ? "0x00000028" : "0x00000020");
        assert_string_equal(v6, svm ? "0x0000000a" : "0x0000000b");
    }
    yajl_tree_free(root);
    free(out);
    free(err);
}

static void test_every_dump(void **state)
{
    (void)state;
    assert_true(shared_each_dump(each_dump, NULL) >= 40);
}

static void refused(const char *arg, int code, const char *words)
{
    char *out, *err;
    int rc = viridian(false, ICX, arg, &out, &err);

    if (rc != code || !strstr(err, words))
        fail_msg("viridian %s: exit %d, stderr '%s'; expected %d and '%s'",
                 arg ? arg : "(none)", rc, err, code, words);
    free(out);
    free(err);
}

static void test_exit_codes(void **state)
{
    (void)state;
    refused(NULL, 1, "expected one SETTING");
    refused("[\"stimer\"]", 2, "item 1 'stimer'");
    refused("[\"base\",\"bogus\"]", 2, "item 2 (column 9): unknown viridian "
            "enlightenment 'bogus'");
    refused("[\"!stimer\",\"all\"]", 2, "stimer group both enabled and "
            "disabled");
    refused("true", 2, "column 1");
    refused("[\"base\"", 2, "column");
    refused("[[\"base\"]]", 2, "item 1 (column 2) is a list");
}

static char *write_file(const char *name, const char *text)
{
    char *path;
    FILE *f;

    assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static int libvirt(bool json, const char *path, char **out, char **err)
{
    const char *args[] = { "viridian", "--cpuid", shared_dump(ICX),
                           "--libvirt", path, json ? "--json" : NULL, NULL };

    return tool_run_argv(args, out, err);
}

static void test_libvirt_input(void **state)
{
    char *good = write_file("good.xml",
        "<domain type='xen'>\n  <features>\n    <hyperv mode='custom'>\n"
        "      <relaxed state='on'/>\n      <vapic state='on'/>\n"
        "      <synic state='on'/>\n    </hyperv>\n  </features>\n"
        "</domain>\n");
    char *refuse = write_file("refuse.xml",
        "<features>\n  <hyperv>\n    <vpindex state='on'/>\n"
        "    <runtime state='on'/>\n  </hyperv>\n</features>\n");
    char *broken = write_file("broken.xml", "<hyperv><relaxed/></hyperv>");
    char *out, *err, *field;

    (void)state;
    assert_int_equal(libvirt(false, good, &out, &err), 0);
    assert_non_null(strstr(out, "setting:            viridian=[\"base\", "
                                "\"apic_assist\", \"synic\"]\n"));
    free(out);
    free(err);
    /* refused: everything still shown, exit 4, the element named */
    assert_int_equal(libvirt(false, refuse, &out, &err), 4);
    assert_non_null(strstr(out, "REFUSED"));
    assert_non_null(strstr(out, "line 4    hyperv/runtime"));
    assert_non_null(strstr(out, "HVM_PARAM_VIRIDIAN: 0x3"));
    free(out);
    free(err);
    assert_int_equal(libvirt(true, refuse, &out, &err), 4);
    field = raw_field(out, "setting");
    assert_string_equal(field, "\"[\\\"base\\\"]\"");
    free(field);
    assert_non_null(strstr(out, "\"refused\": 1"));
    free(out);
    free(err);
    /* bad input and a missing file: 2 */
    assert_int_equal(libvirt(false, broken, &out, &err), 2);
    assert_non_null(strstr(err, "broken.xml:1"));
    free(out);
    free(err);
    assert_int_equal(libvirt(false, "/nonexistent.xml", &out, &err), 2);
    free(out);
    free(err);
    free(good);
    free(refuse);
    free(broken);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_json_is_libxenlights),
        cmocka_unit_test(test_every_dump),
        cmocka_unit_test(test_exit_codes),
        cmocka_unit_test(test_libvirt_input),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
