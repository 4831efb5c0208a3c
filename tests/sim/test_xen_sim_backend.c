/* SPDX-License-Identifier: MIT */
/*
 * Our own xen-cpuid with --backend xen under xen-sim takes the real
 * libxenctrl/libxenguest path (libxl_cpuid/sources/xen-backend.c, xen-policy.c,
 * xen-levelling.c) to the simulated hypervisor.  On every shared dump, the
 * `cpuid -r` file and the live CPU it must give the same featuresets
 * (info --json), system policies (policy --json) and levelling
 * capabilities as the in-process simulation (--cpuid DUMP), and decide
 * alike which guest types the host can run: `record` of each type gives
 * the same stream, or the same refusal.
 *
 * Both serve a guest type the host cannot run as Xen 4.17 does: HVM on a
 * CPU without VMX or SVM is the all-zero policy (Xen's sysctl table
 * always holds the HVM policies), compared like any other; whether the
 * host can run it comes from physinfo's capabilities, not from the policy
 * being served.
 */
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

static size_t file_size(const char *path)
{
    struct stat st;

    assert_int_equal(stat(path, &st), 0);
    return (size_t)st.st_size;
}

/*
 * `record --type TYPE` both ways: the same exit status and, when written,
 * the same stream.  A type the host cannot run is refused both ways (Xen
 * serves its all-zero policy: recording it would be a lie).
 */
static void same_record(const char *dump, const char *what, const char *type)
{
    char sim[4096], cmd[8192], fa[64], fb[64], *out = NULL, *err = NULL;
    char *sa, *sb;
    int ra, rb;

    snprintf(fa, sizeof(fa), "/tmp/xfs-backend-%d-a.rec", (int)getpid());
    snprintf(fb, sizeof(fb), "/tmp/xfs-backend-%d-b.rec", (int)getpid());
    snprintf(cmd, sizeof(cmd), "'%s' record --type %s -o %s %s%s%s",
             tool_path(), type, fa, dump ? "--cpuid '" : "--backend sim",
             dump ? dump : "", dump ? "'" : "");
    ra = tool_run_shell(cmd, &out, &err);
    free(out);
    free(err);
    snprintf(sim, sizeof(sim), "%s%s%s", dump ? "--cpuid '" : "",
             dump ? dump : "", dump ? "'" : "");
    snprintf(cmd, sizeof(cmd), "'%s' --backend xen record --type %s -o %s",
             tool_path(), type, fb);
    rb = xen_sim_run(sim, cmd, &out, &err);
    free(out);
    free(err);
    if (ra != rb)
        fail_msg("%s: record --type %s: exit %d in-process, %d through "
                 "libxenctrl", what, type, ra, rb);
    assert_true(ra == 0 || ra == 4);
    if (!ra) {
        sa = shared_read(fa);
        sb = shared_read(fb);
        assert_int_equal(file_size(fa), file_size(fb));
        assert_memory_equal(sa, sb, file_size(fa));
        free(sa);
        free(sb);
    }
    unlink(fa);
    unlink(fb);
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
    pa = strstr(a, "\"policies\":[");
    pb = strstr(b, "\"policies\":[");
    assert_non_null(pa);
    assert_non_null(pb);
    if (strcmp(pa, pb))
        fail_msg("%s: policies differ:\nsim: %s\nxen: %s", what, pa, pb);
    free(a);
    free(b);
    same_record(dump, what, "pv");
    same_record(dump, what, "hvm");
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
