/* SPDX-License-Identifier: MIT */
/*
 * Our own xen-cpuid with --backend xen under xen-sim takes the real
 * libxenctrl/libxenguest path (libxl_cpuid/sources/xen-backend.c, xen-policy.c,
 * xen-levelling.c) to the simulated hypervisor.  On every shared dump, the
 * `cpuid -r` file and the live CPU it must give the same featuresets
 * (info --json), system policies (policy --json) and levelling
 * capabilities as the in-process simulation (--cpuid DUMP).
 *
 * One difference is Xen's, not ours: for a guest type the host cannot
 * run, the in-process simulation reports the policy absent, while Xen 4.17
 * serves it as the all-zero policy (its sysctl table always holds the HVM
 * policies); the comparison takes the one for the other.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "libxl_cpuid/policy/cpu-policy.h"
#include "libxl_cpuid/verdict/levelling-report.h"
#include "tests/helpers/shared-data.h"
#include "tests/helpers/tool-run.h"
#include "tests/helpers/xen-sim-run.h"

static char *ours(const char *dump, const char *args)
{
    char cmd[8192], *out = NULL, *err = NULL;
    int rc;

    snprintf(cmd, sizeof(cmd), "'%s' %s%s%s%s", tool_path(), args,
             dump ? " --cpuid '" : " --backend sim", dump ? dump : "",
             dump ? "'" : "");
    rc = tool_run_shell(cmd, &out, &err);
    if (rc)
        fail_msg("%s: exit %d: %s", cmd, rc, err);
    free(err);
    return out;
}

static char *through_xen(const char *dump, const char *args)
{
    char sim[4096], cmd[8192], *out = NULL, *err = NULL;
    int rc;

    snprintf(sim, sizeof(sim), "%s%s%s", dump ? "--cpuid '" : "",
             dump ? dump : "", dump ? "'" : "");
    snprintf(cmd, sizeof(cmd), "'%s' --backend xen %s", tool_path(), args);
    rc = xen_sim_run(sim, cmd, &out, &err);
    if (rc || err[0])
        fail_msg("xen-sim %s -- %s: exit %d: %s", sim, cmd, rc, err);
    free(err);
    return out;
}

/* info --json without its "backend" line. */
static const char *after_backend(const char *json)
{
    const char *b = strstr(json, "\"backend\"");

    assert_non_null(b);
    b = strchr(b, '\n');
    assert_non_null(b);
    return b;
}

/* The "policies" array, each absent policy as Xen serves it: all zero. */
static char *policies(const char *json)
{
    const char *p = strstr(json, "\"policies\":[");
    struct xlc_buf b = XLC_BUF_INIT;
    struct xfs_cpu_policy zero;

    assert_non_null(p);
    xfs_policy_zero(&zero);
    while (*p) {
        const char *absent = strstr(p, "{\"name\":");
        const char *name, *end;
        char buf[32];

        if (!absent) {
            xlc_buf_puts(&b, p);
            break;
        }
        end = strchr(absent, '}');
        if (!strstr(absent, "\"supported\":false") ||
            strstr(absent, "\"supported\":false") > end) {
            xlc_buf_printf(&b, "%.*s", (int)(end + 1 - p), p);
            p = end + 1;
            continue;
        }
        xlc_buf_printf(&b, "%.*s", (int)(absent - p), p);
        name = absent + strlen("{\"name\":\"");
        snprintf(buf, sizeof(buf), "%.*s", (int)(strchr(name, '"') - name),
                 name);
        xlc_policy_format_json(&b, buf, &zero);
        p = end + 1;
    }
    assert_false(b.oom);
    return xlc_buf_take(&b);
}

static void compare(const char *dump, const char *what)
{
    char *a = ours(dump, "info --json"), *b = through_xen(dump, "info --json");
    char *pa, *pb;

    if (strcmp(after_backend(a), after_backend(b)))
        fail_msg("%s: featuresets differ:\nsim: %s\nxen: %s", what, a, b);
    free(a);
    free(b);
    a = ours(dump, "policy --json");
    b = through_xen(dump, "policy --json");
    pa = policies(a);
    pb = policies(b);
    if (strcmp(pa, pb))
        fail_msg("%s: policies differ:\nsim: %s\nxen: %s", what, pa, pb);
    free(pa);
    free(pb);
    free(a);
    free(b);
}

static void each_dump(void *ctx, const char *path, const char *file)
{
    (void)ctx;
    compare(path, file);
}

static void every_dump(void **state)
{
    (void)state;
    assert_true(shared_each_dump(each_dump, NULL) >= 40);
}

static void cpuid_r_and_live(void **state)
{
    (void)state;
    xen_sim_pin_one_cpu();   /* the same APIC IDs in every process */
    compare(xen_sim_live_dump(), "cpuid -r file");
    compare(NULL, "live CPU");
}

/*
 * The levelling capabilities crossing XEN_SYSCTL_get_cpu_levelling_caps
 * are what the data proves (derived "present"); the report through Xen
 * therefore has no unknown word, and every word the derivation called
 * unknown is one Xen reports as leaking.
 */
static void levelling_caps_cross(const char *dump, const char *what)
{
    char *a = ours(dump, "levelling --json"),
         *b = through_xen(dump, "levelling --json");
    struct xlc_cpuid_dump *d = NULL;
    struct xlc_levelling lv;
    xlc_error err = { 0 };
    char want[64];

    if (dump ? xlc_dump_load(dump, &d, &err) : xlc_dump_live(&d, &err))
        fail_msg("%s: %s", what, err.msg);
    xlc_levelling_from_dump(d, &lv);
    snprintf(want, sizeof(want), "\"source\":\"hypervisor\",\"value\":"
             "\"0x%03x\"", lv.lv.present);
    if (!strstr(b, want))
        fail_msg("%s: expected %s in %s", what, want, b);
    assert_null(strstr(b, "\"control\":\"unknown\""));
    if (!lv.lv.unknown)
        assert_string_equal(strstr(a, "\"words\""), strstr(b, "\"words\""));
    xlc_dump_free(d);
    free(a);
    free(b);
}

static void each_levelling(void *ctx, const char *path, const char *file)
{
    (void)ctx;
    levelling_caps_cross(path, file);
}

static void levelling_every_dump(void **state)
{
    (void)state;
    assert_true(shared_each_dump(each_levelling, NULL) >= 40);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_dump),
        cmocka_unit_test(cpuid_r_and_live),
        cmocka_unit_test(levelling_every_dump),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
