/* SPDX-License-Identifier: MIT */
/*
 * xl-cpuid --config ($XFS_TOOL) and xl-cpuid's did-you-mean: an xl
 * config's cpuid= is judged as the same strings given alone are, its list
 * is libxenlight's own (tests/helpers/xl-oracle.h), type=pvh is judged
 * with the HVM policies, nestedhvm= gives or withholds VMX/SVM as libxc
 * and Xen do (VMX and SVM are HVM-HAP max only; libxc's nested_virt sets
 * them; without it Xen lets no domain hold them), and the config may come
 * from a file, standard input or the argument itself.  How xl reads
 * type= and nestedhvm= is compared with libxlutil in
 * tests/xl/test_xl_config.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/helpers/shared-data.h"
#include "tests/helpers/tool-run.h"
#include "tests/helpers/xl-oracle.h"

#define SKX "GenuineIntel0050654_SkylakeXeon"
#define ZEN "AuthenticAMD0800F12_K17_Zen"

static char cfg[64];

static void write_cfg(const char *text)
{
    FILE *f = fopen(cfg, "w");

    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
    (void)state;
    snprintf(cfg, sizeof(cfg), "/tmp/xfs-xlcfg-%ld.cfg", (long)getpid());
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(cfg);
    return 0;
}

/* xl-cpuid [--json] --cpuid DUMP --config <cfg holding text>. */
static int judge(const char *dump, const char *text, bool json, char **out,
                 char **err)
{
    const char *args[] = { "xl-cpuid", "--cpuid", shared_dump(dump),
                           "--config", cfg, json ? "--json" : NULL, NULL };

    write_cfg(text);
    return tool_run_argv(args, out, err);
}

/* The value of a one-line JSON field `"key": VALUE` (a copy). */
static char *field(const char *out, const char *key)
{
    char pat[64];
    const char *p, *end;

    snprintf(pat, sizeof(pat), "\n  \"%s\": ", key);
    p = strstr(out, pat);
    if (!p)
        fail_msg("no field %s in %s", key, out);
    p += strlen(pat);
    end = strchr(p, '\n');
    if (end > p && end[-1] == ',')
        end--;
    return strndup(p, (size_t)(end - p));
}

static void same_field(const char *a, const char *b, const char *key)
{
    char *x = field(a, key), *y = field(b, key);

    if (strcmp(x, y))
        fail_msg("%s: %s vs %s", key, x, y);
    free(x);
    free(y);
}

/* A config's cpuid= is judged as the same strings given alone. */
static void same_as_strings(void **state)
{
    const char *x1 = "0x1:ecx=xxx0xxxxxxxxxxxxxxxxxxxxxxxxxxxx";
    const char *x2 = "7,0:ebx=xxxxxxxxxxxxxxxxxxxxxxxxxx0xxxxx";
    const char *const both[] = { x1, x2 };
    char text[512], *a, *b, *e1, *e2, *json;
    struct xo_result libxl;

    (void)state;
    assert_int_equal(judge(SKX, "name=\"g\"\ntype=\"hvm\"\n"
                           "cpuid=\"host,avx=0,sse4.2=0\"\n", true, &a, &e1),
                     0);
    assert_int_equal(tool_run_argv((const char *const[]){
                         "xl-cpuid", "--json", "--type", "hvm", "--cpuid",
                         shared_dump(SKX), "host,avx=0,sse4.2=0", NULL },
                         &b, &e2), 0);
    same_field(a, b, "featureset");
    same_field(a, b, "libxl_json");
    same_field(a, b, "removed");
    assert_non_null(strstr(a, "\"config\": {\"file\": "));
    assert_non_null(strstr(a, "\"domain_type\": \"hvm\", \"nestedhvm\": "
                              "false, \"cpuid\": \"libxl\"}"));
    free(a), free(b), free(e1), free(e2);
    /* A list: xend entries, libxenlight's own list. */
    snprintf(text, sizeof(text), "type='hvm'\ncpuid = [ '%s',\n  '%s' ]\n",
             x1, x2);
    assert_int_equal(judge(SKX, text, true, &a, &e1), 0);
    xo_xend_form(both, 2, &libxl);
    assert_int_equal(libxl.rc, 0);
    json = field(a, "libxl_json");
    assert_string_equal(json, libxl.json);
    assert_non_null(strstr(a, "\"cpuid\": \"xend\"}"));
    free(json), free(libxl.json), free(a), free(e1);
}

/* PVH is an HVM container: the HVM policies, said so. */
static void pvh_is_hvm(void **state)
{
    char *a, *b, *e1, *e2;

    (void)state;
    assert_int_equal(judge(SKX, "type=\"pvh\"\ncpuid=\"host,avx=0\"\n", true,
                           &a, &e1), 0);
    assert_int_equal(judge(SKX, "type=\"hvm\"\ncpuid=\"host,avx=0\"\n", true,
                           &b, &e2), 0);
    same_field(a, b, "featureset");
    same_field(a, b, "default");
    assert_non_null(strstr(a, "\"type\": \"hvm\""));
    assert_non_null(strstr(a, "\"domain_type\": \"pvh\""));
    assert_non_null(strstr(a, "an HVM container, given the HVM policies"));
    free(a), free(b), free(e1), free(e2);
    /* No type=: xl's default, pv. */
    assert_int_equal(judge(SKX, "cpuid=\"host,avx=0\"\n", false, &a, &e1), 0);
    assert_non_null(strstr(a, "guest type:         pv (no type= in "));
    free(a), free(e1);
}

/* nestedhvm=: VMX on Intel, SVM on AMD, nothing for PV or without it. */
static void nested_virtualisation(void **state)
{
    char *out, *err;

    (void)state;
    assert_int_equal(judge(SKX, "type=\"hvm\"\nnestedhvm=1\n", false, &out,
                           &err), 0);
    assert_non_null(strstr(out, "nested virt:        on (nestedhvm=1, "));
    assert_non_null(strstr(out, "\nadded:              VMX\n"));
    free(out), free(err);
    assert_int_equal(judge(ZEN, "type=\"pvh\"\nnestedhvm=1\n", false, &out,
                           &err), 0);
    assert_non_null(strstr(out, "\nadded:              SVM\n"));
    free(out), free(err);
    /* Asked for without nested virtualisation: Xen would drop it. */
    assert_int_equal(judge(SKX, "type=\"hvm\"\ncpuid=\"host,vmx=1\"\n", false,
                           &out, &err), 4);
    assert_string_equal(err, "xen-cpuid: xl-cpuid: hvm guest: cpuid= refused: "
                             "only with nested virtualisation (nestedhvm=1): "
                             "vmx\n");
    free(out), free(err);
    assert_int_equal(judge(SKX, "type=\"hvm\"\nnestedhvm=1\n"
                           "cpuid=\"host,vmx=0\"\n", true, &out, &err), 0);
    assert_non_null(strstr(out, "\"added\": []"));
    assert_null(strstr(out, "\"VMX\""));
    free(out), free(err);
    /* PV: libxl ignores nestedhvm=, and says so. */
    assert_int_equal(judge(SKX, "type=\"pv\"\nnestedhvm=1\n", false, &out,
                           &err), 0);
    assert_non_null(strstr(out, "libxl ignores it for a PV guest"));
    assert_non_null(strstr(out, "\nadded:              (none)\n"));
    assert_null(strstr(out, "nested virt:"));
    free(out), free(err);
}

/* A file, standard input, or the text itself: the same report. */
static void config_sources(void **state)
{
    const char *text = "type=\"hvm\"\ncpuid=\"host,avx=0\"\n";
    char cmd[8192], *a, *b, *c, *e1, *e2, *e3;

    (void)state;
    assert_int_equal(judge(SKX, text, false, &a, &e1), 0);
    snprintf(cmd, sizeof(cmd), "printf 'type=\"hvm\"\\ncpuid=\"host,avx=0\"' | "
             "%s xl-cpuid --cpuid %s --config -", tool_path(),
             shared_dump(SKX));
    assert_int_equal(tool_run_shell(cmd, &b, &e2), 0);
    assert_int_equal(tool_run_argv((const char *const[]){
                         "xl-cpuid", "--cpuid", shared_dump(SKX), "--config",
                         "type=\"hvm\"; cpuid=\"host,avx=0\"", NULL },
                         &c, &e3), 0);
    /* Only the name of the config differs, up to the host line. */
    assert_non_null(strstr(b, "config:             <stdin> (hvm guest)\n"));
    assert_non_null(strstr(c, "config:             --config (hvm guest)\n"));
    assert_string_equal(strstr(a, "\nhost:"), strstr(b, "\nhost:"));
    assert_string_equal(strstr(a, "\nhost:"), strstr(c, "\nhost:"));
    assert_string_equal(e1, "");
    assert_string_equal(e2, "");
    assert_string_equal(e3, "");
    free(a), free(b), free(c), free(e1), free(e2), free(e3);
}

static void expect_error(const char *text, int status, const char *words)
{
    char *out, *err;
    int rc = judge(SKX, text, false, &out, &err);

    if (rc != status || out[0] || !strstr(err, words))
        fail_msg("'%s': exit %d, stderr '%s'; expected %d and '%s'", text, rc,
                 err, status, words);
    free(out), free(err);
}

static void errors(void **state)
{
    char want[256], *out, *err;

    (void)state;
    snprintf(want, sizeof(want), "%s:2: type=\"kvm\": not a domain type xl "
             "knows", cfg);
    expect_error("name='g'\ntype=\"kvm\"\n", 2, want);
    snprintf(want, sizeof(want), "%s:3:1: lexical error near 'Memory", cfg);
    expect_error("type=\"hvm\"\n\nMemory=1024\n", 2, want);
    snprintf(want, sizeof(want), "%s:1: cpuid= item 2: unknown name "
             "'avx5l2f'; did you mean 'avx512f'?", cfg);
    expect_error("cpuid=\"host,avx5l2f=0\"\n", 2, want);
    expect_error("type=\"pv\"\nbuilder=\"hvm\"\n", 2, "contradicts");
    /* --config is the whole input. */
    assert_int_equal(tool_run_argv((const char *const[]){
                         "xl-cpuid", "--config", cfg, "host,avx=0", NULL },
                         &out, &err), 1);
    assert_non_null(strstr(err, "--config and STRING arguments are "
                                "alternatives"));
    free(out), free(err);
    assert_int_equal(tool_run_argv((const char *const[]){
                         "xl-cpuid", "--config", cfg, "--type", "pv", NULL },
                         &out, &err), 1);
    assert_non_null(strstr(err, "the config's type= decides"));
    free(out), free(err);
    assert_int_equal(tool_run_argv((const char *const[]){
                         "xl-cpuid", "--config", "/nonexistent/g.cfg", NULL },
                         &out, &err), 2);
    assert_non_null(strstr(err, "/nonexistent/g.cfg: cannot open"));
    free(out), free(err);
}

/* Typos get the names libxl spells, as explain's get Xen's. */
static void did_you_mean(void **state)
{
    char *out, *err;

    (void)state;
    assert_int_equal(tool_run_argv((const char *const[]){
                         "xl-cpuid", "--cpuid", shared_dump(SKX),
                         "host,fmaily=6", NULL }, &out, &err), 2);
    assert_string_equal(err, "xen-cpuid: xl-cpuid: string 1 (libxl form): "
                             "cpuid= item 2: unknown name 'fmaily'; did you "
                             "mean 'family'?\n");
    free(out), free(err);
    assert_int_equal(tool_run_argv((const char *const[]){
                         "xl-cpuid", "--cpuid", shared_dump(SKX),
                         "host,avx512-vnnii=1", NULL }, &out, &err), 2);
    assert_non_null(strstr(err, "unknown name 'avx512-vnnii'; did you mean "
                                "'avx512-vnni'?"));
    free(out), free(err);
    /* Nothing close: no guess. */
    assert_int_equal(tool_run_argv((const char *const[]){
                         "xl-cpuid", "--cpuid", shared_dump(SKX),
                         "host,xyzzyplugh=1", NULL }, &out, &err), 2);
    assert_non_null(strstr(err, "unknown name 'xyzzyplugh'\n"));
    free(out), free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_as_strings),
        cmocka_unit_test(pvh_is_hvm),
        cmocka_unit_test(nested_virtualisation),
        cmocka_unit_test(config_sources),
        cmocka_unit_test(errors),
        cmocka_unit_test(did_you_mean),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
