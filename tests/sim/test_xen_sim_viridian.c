/* SPDX-License-Identifier: MIT */
/*
 * viridian= against Xen 4.17's own xl and libxl, run on the simulated
 * hypervisor:
 *
 *  - `xl -N create -n CFG` (xl's dry run prints the domain configuration
 *    it parsed as JSON): for every group name in four spellings, each in
 *    three list forms, and 400 generated settings (tests/helpers/
 *    viridian-gen.c), xl accepts exactly what our parser accepts, and the
 *    "viridian", "viridian_enable" and "viridian_disable" fields of its
 *    b_info are byte for byte (indentation removed) what our JSON says;
 *    what xl refuses we refuse too, an unknown enlightenment as an unknown
 *    one.  Settings with a list nested in the list are left out: xl
 *    crashes on them.
 *  - `xl create CFG` runs libxl's hvm_set_viridian_features for real: the
 *    HVM_PARAM_VIRIDIAN value it sets (xen-sim --policy-dir writes it to
 *    domain-1.viridian) is our expansion's, for every group, the defaults
 *    and generated settings; what libxl refuses ("base group not
 *    enabled", "group both enabled and disabled") sets nothing, and we
 *    refuse it too.
 *  - `xen-cpuid policy DOMID` on a domain declared with viridian=SETTING
 *    reads its HVM_PARAM_VIRIDIAN back from the hypervisor (through
 *    libxenctrl) and shows the leaves `xen-cpuid viridian SETTING` shows
 *    for the same host; a PV domain has none, Xen's `-p DOMID` stays
 *    Xen's.
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

#include "libxl_cpuid/viridian/viridian.h"
#include "libxl_cpuid/xl/xl-cfg-value.h"
#include "tests/helpers/shared-data.h"
#include "tests/helpers/tool-run.h"
#include "tests/helpers/viridian-gen.h"
#include "tests/helpers/xen-sim-run.h"

#define DUMP "GenuineIntel0050654_SkylakeXeon"

static char dir[] = "/tmp/xen-sim-viridian.XXXXXX";
static unsigned int nr_ok, nr_refused;

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[128];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd);
}

/* An HVM guest's config with viridian=SETTING as its last line. */
static const char *write_cfg(const char *setting)
{
    static char path[256];
    FILE *f;

    snprintf(path, sizeof(path), "%s/guest.cfg", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "name = \"g\"\ntype = \"hvm\"\nmemory = 128\nviridian=%s\n",
            setting);
    assert_int_equal(fclose(f), 0);
    return path;
}

/* ---- our side ---- */

enum verdict { OK, SYNTAX, UNKNOWN, NESTED };

static enum verdict ours(const char *setting, char **json)
{
    struct xlc_viridian_xl x;
    struct xlc_cfg_value v = { 0 };
    struct xlc_buf b = XLC_BUF_INIT;
    enum verdict r = OK;
    size_t item = 0;

    *json = NULL;
    if (!xlc_viridian_xl_parse(setting, &x, &item, NULL)) {
        xlc_viridian_xl_json(&b, &x);
        *json = xlc_buf_take(&b);
    } else if (!item) {
        r = SYNTAX;
    } else {
        assert_int_equal(xlc_cfg_value_parse(setting, &v, NULL), 0);
        r = v.items[item - 1].kind == XLC_CFG_LIST ? NESTED : UNKNOWN;
        xlc_cfg_value_free(&v);
    }
    xlc_viridian_xl_free(&x);
    return r;
}

/* ---- xl's side ---- */

/* The three fields of b_info["type.hvm"], compact, in libxl's order. */
static char *xl_fields(const char *out)
{
    static const char *const keys[] = { "viridian", "viridian_enable",
                                        "viridian_disable" };
    const char *path[] = { "b_info", "type.hvm", NULL };
    struct xlc_buf b = XLC_BUF_INIT;
    char errbuf[256];
    yajl_val top = yajl_tree_parse(out, errbuf, sizeof(errbuf)), hvm;
    const char *sep = "";

    if (!top)
        fail_msg("xl's JSON does not parse: %s\n%s", errbuf, out);
    hvm = yajl_tree_get(top, path, yajl_t_object);
    assert_non_null(hvm);
    xlc_buf_putc(&b, '{');
    for (size_t k = 0; k < 3; k++) {
        const char *kp[] = { keys[k], NULL };
        yajl_val v = yajl_tree_get(hvm, kp, yajl_t_any);

        if (!v)
            continue;
        xlc_buf_printf(&b, "%s\"%s\":", sep, keys[k]);
        sep = ",";
        if (YAJL_IS_STRING(v)) {
            xlc_buf_printf(&b, "\"%s\"", YAJL_GET_STRING(v));
            continue;
        }
        assert_true(YAJL_IS_ARRAY(v));
        xlc_buf_putc(&b, '[');
        for (size_t i = 0; i < YAJL_GET_ARRAY(v)->len; i++)
            xlc_buf_printf(&b, "%s%lld", i ? "," : "",
                           YAJL_GET_INTEGER(YAJL_GET_ARRAY(v)->values[i]));
        xlc_buf_putc(&b, ']');
    }
    xlc_buf_putc(&b, '}');
    yajl_tree_free(top);
    return xlc_buf_take(&b);
}

static void dry_run(const char *setting)
{
    char cmd[512], *out = NULL, *err = NULL, *json, *theirs;
    enum verdict v = ours(setting, &json);
    int rc;

    if (v == NESTED)
        return;
    snprintf(cmd, sizeof(cmd), "%s -N create -n '%s'", XEN_XL,
             write_cfg(setting));
    rc = xen_sim_run("", cmd, &out, &err);
    if (v != OK) {
        if (!rc)
            fail_msg("viridian=%s: xl accepts it, we refuse it", setting);
        if (v == UNKNOWN && !strstr(err, "unknown viridian enlightenment"))
            fail_msg("viridian=%s: we find an unknown enlightenment, xl "
                     "says: %s", setting, err);
        if (v == SYNTAX && !strstr(err, "Failed to parse config"))
            fail_msg("viridian=%s: we refuse the syntax, xl says: %s",
                     setting, err);
        nr_refused++;
    } else {
        if (rc)
            fail_msg("viridian=%s: we accept it, xl exits %d: %s", setting,
                     rc, err);
        theirs = xl_fields(out);
        if (strcmp(theirs, json))
            fail_msg("viridian=%s:\nxl:   %s\nours: %s", setting, theirs,
                     json);
        free(theirs);
        nr_ok++;
    }
    free(json);
    free(out);
    free(err);
}

static void dry_run_group_names(void **state)
{
    (void)state;
    nr_ok = nr_refused = 0;
    for (unsigned int g = 0; g < XLC_VIRIDIAN_NR_GROUPS; g++)
        for (unsigned int pattern = 0; pattern < 4; pattern++) {
            char name[64], set[160];

            snprintf(name, sizeof(name), "%s", xlc_viridian_group_name(g));
            vg_flip_case(name, pattern == 3 ? 0xffff : pattern * 0x5555);
            snprintf(set, sizeof(set), "[\"base\",\"%s\"]", name);
            dry_run(set);
            snprintf(set, sizeof(set), "['!%s', \"base\"]", name);
            dry_run(set);
            snprintf(set, sizeof(set), "[\"all\",\"!%s\"]", name);
            dry_run(set);
        }
    dry_run("1");
    dry_run("0");
    dry_run("[\"defaults\",\"!crash_ctl\"]");
    dry_run("[\"base\",\"bogus\"]");
    dry_run("[\"base\" \"freq\"]");
    assert_int_equal(nr_ok, XLC_VIRIDIAN_NR_GROUPS * 4 * 3 + 3);
    assert_int_equal(nr_refused, 2);
}

static void dry_run_generated(void **state)
{
    struct vg_rng r = { VG_SEED ^ 0x17 };
    char buf[512];

    (void)state;
    nr_ok = nr_refused = 0;
    for (unsigned int i = 0; i < 400; i++) {
        vg_setting(&r, buf, sizeof(buf), false);
        dry_run(buf);
    }
    print_message("xl -N: %u settings accepted and equal, %u refused by "
                  "both\n", nr_ok, nr_refused);
    assert_true(nr_ok > 100 && nr_refused > 50);
}

/* ---- libxl's expansion, through a real `xl create` ---- */

/* What xen-sim recorded libxl setting (0: nothing set). */
static uint64_t recorded_param(void)
{
    char path[256], text[64] = "";
    FILE *f;

    snprintf(path, sizeof(path), "%s/domain-1.viridian", dir);
    f = fopen(path, "r");
    if (!f)
        return 0;
    assert_non_null(fgets(text, sizeof(text), f));
    fclose(f);
    unlink(path);
    return strtoull(text, NULL, 16);
}

static void create(const char *setting)
{
    struct xlc_viridian_effective eff;
    struct xlc_viridian_xl x;
    xlc_error e = { 0 };
    char args[1024], cmd[512], *out = NULL, *err = NULL;
    bool we_refuse;
    uint64_t theirs;
    int rc;

    assert_int_equal(xlc_viridian_xl_parse(setting, &x, NULL, NULL), 0);
    we_refuse = xlc_viridian_libxl_expand(&x, &eff, NULL, &e) != 0;
    xlc_viridian_xl_free(&x);
    snprintf(args, sizeof(args), "--cpuid '%s' --policy-dir '%s'",
             shared_dump(DUMP), dir);
    snprintf(cmd, sizeof(cmd), "%s create '%s'", XEN_XL, write_cfg(setting));
    rc = xen_sim_run(args, cmd, &out, &err);
    /* Building the guest needs memory the simulated domain lacks. */
    assert_int_not_equal(rc, 0);
    theirs = recorded_param();
    if (we_refuse) {
        if (theirs || !strstr(err, "hvm_set_viridian_features"))
            fail_msg("viridian=%s: we refuse (%s), libxl set 0x%llx: %s",
                     setting, e.msg, (unsigned long long)theirs, err);
        nr_refused++;
    } else if (theirs != eff.param) {
        fail_msg("viridian=%s: libxl set 0x%llx, ours 0x%llx", setting,
                 (unsigned long long)theirs, (unsigned long long)eff.param);
    } else {
        nr_ok++;
    }
    free(out);
    free(err);
}

static void create_sets_our_param(void **state)
{
    struct vg_rng r = { VG_SEED ^ 0x4017 };
    unsigned int tried = 0;
    char buf[512], *json;

    (void)state;
    nr_ok = nr_refused = 0;
    for (unsigned int g = 0; g < XLC_VIRIDIAN_NR_GROUPS; g++) {
        char set[160];

        snprintf(set, sizeof(set), "[\"base\",\"%s\"]",
                 xlc_viridian_group_name(g));
        create(set);
        snprintf(set, sizeof(set), "[\"%s\"]", xlc_viridian_group_name(g));
        create(set);
        snprintf(set, sizeof(set), "[\"defaults\",\"!%s\"]",
                 xlc_viridian_group_name(g));
        create(set);
    }
    create("1");
    create("0");
    create("[\"all\"]");
    create("[\"!stimer\",\"all\"]");
    /* Generated settings xl accepts. */
    while (tried < 150) {
        vg_setting(&r, buf, sizeof(buf), false);
        if (ours(buf, &json) != OK) {
            free(json);
            continue;
        }
        free(json);
        create(buf);
        tried++;
    }
    print_message("xl create: libxl set our HVM_PARAM_VIRIDIAN %u times "
                  "(0 when nothing is set), refused what we refuse %u "
                  "times\n", nr_ok, nr_refused);
    assert_true(nr_refused >= XLC_VIRIDIAN_NR_GROUPS + 1);
    assert_true(nr_ok >= 2 * XLC_VIRIDIAN_NR_GROUPS + 2);
}

/* ---- policy DOMID ---- */

/* The leaf lines ("    0x4000...") of a report, without their indent. */
static char *leaf_lines(const char *text)
{
    struct xlc_buf b = XLC_BUF_INIT;

    for (const char *l = text; l && *l; l = strchr(l, '\n'), l += !!l) {
        const char *p = l + strspn(l, " ");
        size_t n = strcspn(p, "\n");

        if (!strncmp(p, "0x400001", 8) || !strncmp(p, "0x400000", 8))
            xlc_buf_printf(&b, "%.*s\n", (int)n, p);
    }
    return xlc_buf_take(&b);
}

static void policy_domain(const char *setting)
{
    char args[1024], cmd[1024], *out = NULL, *err = NULL, *mine = NULL;
    char *a, *b;
    int rc;

    snprintf(args, sizeof(args), "--cpuid '%s' --domain '1:hvm:viridian=%s' "
             "--domain 2:pv", shared_dump(DUMP), setting);
    snprintf(cmd, sizeof(cmd), "%s policy 1", tool_path());
    rc = xen_sim_run(args, cmd, &out, &err);
    if (rc)
        fail_msg("policy 1 with viridian=%s: exit %d: %s", setting, rc, err);
    assert_non_null(strstr(out, "Domain 1 Hyper-V enlightenments:"));
    snprintf(cmd, sizeof(cmd), "%s viridian --cpuid '%s' '%s'", tool_path(),
             shared_dump(DUMP), setting);
    assert_int_equal(tool_run_shell(cmd, &mine, NULL), 0);
    a = leaf_lines(out);
    b = leaf_lines(mine);
    assert_non_null(a);
    assert_non_null(b);
    if (strcmp(a, b))
        fail_msg("viridian=%s: policy 1 shows\n%sviridian shows\n%s",
                 setting, a, b);
    free(a);
    free(b);
    free(mine);
    free(out);
    free(err);
    /* Domain 2 is PV; Xen's -p prints Xen's layout only. */
    for (int i = 0; i < 2; i++) {
        snprintf(cmd, sizeof(cmd), "%s %s", tool_path(),
                 i ? "-p 1" : "policy 2");
        assert_int_equal(xen_sim_run(args, cmd, &out, &err), 0);
        assert_non_null(strstr(out, i ? "Domain 1" : "Domain 2"));
        assert_null(strstr(out, "Hyper-V"));
        free(out);
        free(err);
    }
}

static void policy_shows_the_guests_leaves(void **state)
{
    char args[1024], cmd[256], *out = NULL, *err = NULL;

    (void)state;
    policy_domain("1");
    policy_domain("[\"all\",\"!hcall_ipi\"]");
    policy_domain("[\"base\",\"reference_tsc\"]");
    /* xen-sim refuses what libxl refuses, and viridian= on a PV guest. */
    snprintf(args, sizeof(args), "--cpuid '%s' --domain "
             "'1:hvm:viridian=[\"stimer\"]'", shared_dump(DUMP));
    snprintf(cmd, sizeof(cmd), "%s policy 1", tool_path());
    assert_int_equal(xen_sim_run(args, cmd, &out, &err), 2);
    assert_non_null(strstr(err, "base group not enabled"));
    free(out);
    free(err);
    snprintf(args, sizeof(args), "--cpuid '%s' --domain '1:pv:viridian=1'",
             shared_dump(DUMP));
    assert_int_equal(xen_sim_run(args, cmd, &out, &err), 2);
    assert_non_null(strstr(err, "viridian= is for HVM guests"));
    free(out);
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dry_run_group_names),
        cmocka_unit_test(dry_run_generated),
        cmocka_unit_test(create_sets_our_param),
        cmocka_unit_test(policy_shows_the_guests_leaves),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
