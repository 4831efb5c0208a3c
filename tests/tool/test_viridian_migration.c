/* SPDX-License-Identifier: MIT */
/*
 * A Windows guest's enlightenments through the tool, as an operator moves
 * it: `record --viridian` writes HVM_PARAM_VIRIDIAN in the stream (which
 * Xen's verify-stream-v2 accepts), `restore-check` reads it back, reports
 * it and refuses destinations whose Xen (--xen-version) cannot hold it;
 * `level` with hosts' releases (HOST@VER) says what the pool holds,
 * which setting is safe, and which hosts can restore a saved guest.  Exit
 * codes, text and JSON.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <yajl/yajl_tree.h>

#include "../helpers/shared-data.h"
#include "../helpers/stream-helpers.h"
#include "../helpers/tool-run.h"

#define SKX "GenuineIntel0050654_SkylakeXeon"
#define CLX "GenuineIntel0050657_CascadeLakeXeon"
#define ICX "GenuineIntel00606A6_ICX_04"

static char dir[] = "/tmp/xfs-viridian-XXXXXX", out[1 << 16];

static int run(const char *fmt, ...)
{
    char cmd[8192], *p = cmd, *text;
    va_list ap;
    int status;

    p += snprintf(p, sizeof(cmd), "cd %s && %s ", dir, tool_path());
    va_start(ap, fmt);
    vsnprintf(p, sizeof(cmd) - (size_t)(p - cmd), fmt, ap);
    va_end(ap);
    strncat(cmd, " 2>&1", sizeof(cmd) - strlen(cmd) - 1);
    status = tool_run_shell(cmd, &text, NULL);
    snprintf(out, sizeof(out), "%s", text);
    free(text);
    return status;
}

static void expect(int status, int want, const char *has)
{
    if (status != want || (has && !strstr(out, has)))
        fail_msg("exit %d (want %d), '%s' expected in:\n%s", status, want,
                 has ? has : "", out);
}

static char *slurp(const char *name, size_t *len)
{
    char path[PATH_MAX];
    FILE *f;
    char *buf;
    long n;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    rewind(f);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

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

static yajl_val json_of(void)
{
    char err[256];
    yajl_val v = yajl_tree_parse(out, err, sizeof(err));

    if (!v)
        fail_msg("JSON: %s\n%s", err, out);
    return v;
}

static const char *jstr(yajl_val v, const char **path)
{
    yajl_val s = yajl_tree_get(v, path, yajl_t_string);

    assert_non_null(s);
    return YAJL_GET_STRING(s);
}

/* ---- record, restore-check ---- */

static void round_trip(void **state)
{
    const char *vp[] = { "result", "viridian", "hvm_param_viridian", NULL };
    const char *verd[] = { "result", "verdict", NULL };
    char check[4096];
    yajl_val top, n;
    size_t len;
    char *buf;

    (void)state;
    expect(run("record --type hvm --cpuid %s --viridian "
               "'[\"defaults\",\"reference_tsc\",\"!crash_ctl\"]' -o w.bin",
               shared_dump(SKX)),
           0, "HVM_PARAM_VIRIDIAN = 0x182d (base_freq time_ref_count "
              "reference_tsc apic_assist no_vp_limit cpu_hotplug)");
    assert_non_null(strstr(out, "  0x40000003  00000a72"));
    buf = slurp("w.bin", &len);
    if (xen_verify_stream(buf, len, check, sizeof(check)))
        fail_msg("verify-stream-v2:\n%s", check);
    assert_non_null(strstr(check, "HVM params, length 24"));
    free(buf);
    /* The same destination release: accepted, the enlightenments named. */
    expect(run("restore-check --cpuid %s w.bin", shared_dump(CLX)), 0,
           "destination Xen 4.17: holds it");
    assert_non_null(strstr(out, "groups: base freq time_ref_count "
                                "reference_tsc apic_assist no_vp_limit "
                                "cpu_hotplug\n"));
    assert_non_null(strstr(out, "verdict: accept"));
    /* 4.15 holds it too; 4.14 lacks no_vp_limit and cpu_hotplug. */
    expect(run("restore-check --cpuid %s --xen-version 4.15.1 w.bin",
               shared_dump(CLX)), 0, "Xen 4.15 (--xen-version): holds it");
    expect(run("restore-check --cpuid %s --xen-version 4.14 w.bin",
               shared_dump(CLX)), 4,
           "  - Xen 4.14 cannot hold HVM_PARAM_VIRIDIAN 0x182d: it lacks "
           "no_vp_limit cpu_hotplug");
    expect(run("restore-check --json --cpuid %s --xen-version 4.14 w.bin",
               shared_dump(CLX)), 4, NULL);
    top = json_of();
    assert_string_equal(jstr(top, verd), "refuse");
    n = yajl_tree_get(top, vp, yajl_t_number);
    assert_non_null(n);
    assert_int_equal(YAJL_GET_INTEGER(n), 0x182d);
    yajl_tree_free(top);
}

static void record_refusals(void **state)
{
    size_t a, b;
    char *with, *without;

    (void)state;
    expect(run("record --type pv --cpuid %s --viridian 1 -o p.bin",
               shared_dump(SKX)), 1, "HVM guests only");
    expect(run("record --type hvm --cpuid %s --viridian '[\"stimer\"]' "
               "-o p.bin", shared_dump(SKX)), 2,
           "--viridian: libxl refuses: base group not enabled");
    expect(run("record --type hvm --cpuid %s "
               "--viridian '[\"base\",\"bogus\"]' "
               "-o p.bin", shared_dump(SKX)), 2, "bogus");
    /* viridian=0: nothing to write, as Xen writes nothing. */
    expect(run("record --type hvm --cpuid %s --viridian 0 -o zero.bin",
               shared_dump(SKX)), 0, "no HVM_PARAMS record");
    expect(run("record --type hvm --cpuid %s -o none.bin", shared_dump(SKX)),
           0, NULL);
    with = slurp("zero.bin", &a);
    without = slurp("none.bin", &b);
    assert_int_equal(a, b);
    assert_memory_equal(with, without, a);
    free(with);
    free(without);
    expect(run("restore-check --cpuid %s zero.bin", shared_dump(SKX)), 0,
           NULL);
    assert_null(strstr(out, "\nviridian:"));
    expect(run("restore-check --xen-version 4.3 zero.bin"), 1,
           "Xen 4.3: viridian support is known for Xen 4.4 to 4.20 only");
    expect(run("restore-check --xen-version latest zero.bin"), 1,
           "expected MAJOR.MINOR");
}

/* The "policy" member of record --json's summary (the summary's last)
 * into a policy file. */
static void policy_file_from_summary(const char *name)
{
    const char *start = strstr(out, "\"policy\": ");
    char path[PATH_MAX];
    size_t l;
    FILE *f;

    assert_non_null(start);
    start += strlen("\"policy\": ");
    l = strlen(start);
    while (l && start[l - 1] == '\n')
        l--;
    assert_true(l && start[l - 1] == '}');
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "%.*s\n", (int)(l - 1), start);
    assert_int_equal(fclose(f), 0);
}

/* A policy file recorded with enlightenments; JSON says what went in. */
static void record_policy_file(void **state)
{
    const char *pp[] = { "viridian", "hvm_param_viridian", NULL };
    const char *lp[] = { "viridian", "leaves", NULL };
    yajl_val top, n;

    (void)state;
    expect(run("record --type hvm --cpuid %s --json -o a.bin",
               shared_dump(SKX)), 0, NULL);
    policy_file_from_summary("policy.json");
    expect(run("record --json --viridian 1 -o b.bin policy.json"), 0, NULL);
    top = json_of();
    n = yajl_tree_get(top, pp, yajl_t_number);
    assert_non_null(n);
    assert_int_equal(YAJL_GET_INTEGER(n), 0x1865);
    /* no host: no leaves */
    assert_non_null(yajl_tree_get(top, lp, yajl_t_null));
    yajl_tree_free(top);
    expect(run("restore-check --cpuid %s b.bin", shared_dump(SKX)), 0,
           "HVM_PARAM_VIRIDIAN 0x1865");
}

/* ---- level ---- */

static void level_versions(void **state)
{
    const char *safe[] = { "viridian", "safe", "setting", NULL };
    const char *one[] = { "viridian", "viridian_1", "safe", NULL };
    yajl_val top, b;

    (void)state;
    expect(run("level a=%s@4.17 b=%s@4.13.5 c=%s", shared_dump(SKX),
               shared_dump(CLX), shared_dump(ICX)), 0,
           "  hosts' Xen:          a 4.17, b 4.13, c 4.17*\n");
    assert_non_null(strstr(out, "  every host holds:    base freq "
                                "time_ref_count reference_tsc "
                                "hcall_remote_tlb_flush apic_assist crash_ctl "
                                "synic stimer hcall_ipi\n"));
    assert_non_null(strstr(out, "  not every host:      ex_processor_masks "
                                "no_vp_limit cpu_hotplug\n"));
    assert_non_null(strstr(out, "Xen 4.13 (b): base freq time_ref_count "
                                "apic_assist crash_ctl (HVM_PARAM_VIRIDIAN "
                                "0x65)"));
    assert_non_null(strstr(out, "viridian=1 is        NOT safe"));
    assert_non_null(strstr(out, "safe for the pool:   viridian=[\"base\", "
                                "\"freq\", \"time_ref_count\", "
                                "\"apic_assist\", \"crash_ctl\"]: safe"));
    /* The setting the pool says is safe, given back: exit 0. */
    expect(run("level --viridian '[\"base\",\"freq\",\"time_ref_count\","
               "\"apic_assist\",\"crash_ctl\",\"stimer\"]' a=%s@4.17 "
               "b=%s@4.13", shared_dump(SKX), shared_dump(CLX)), 0,
           "--viridian:");
    /* viridian=1 is not: exit 4, why named. */
    expect(run("level --viridian 1 a=%s@4.17 b=%s@4.13", shared_dump(SKX),
               shared_dump(CLX)), 4,
           "created on Xen 4.17 (a) with HVM_PARAM_VIRIDIAN 0x1865, the "
           "guest cannot move to b (Xen 4.13 lacks no_vp_limit "
           "cpu_hotplug)");
    /* Before 4.15 libxl sets the parameter from the configuration first. */
    expect(run("level --viridian 1 a=%s@4.7 b=%s@4.12 +c=%s@4.9",
               shared_dump(SKX), shared_dump(CLX), shared_dump(ICX)), 4,
           "cannot move to b (Xen 4.12's libxl sets 0x65 from the "
           "configuration first, and Xen refuses the stream's value "
           "(-EEXIST))");
    assert_non_null(strstr(out, "if +c (Xen 4.9) joined: every group "
                                "stays"));
    expect(run("level --json --xen-version 4.16 a=%s b=%s@4.13",
               shared_dump(SKX), shared_dump(CLX)), 0, NULL);
    top = json_of();
    assert_string_equal(jstr(top, safe), "[\"base\", \"freq\", "
                        "\"time_ref_count\", \"apic_assist\", "
                        "\"crash_ctl\"]");
    b = yajl_tree_get(top, one, yajl_t_false);
    assert_non_null(b);
    yajl_tree_free(top);
    /* A saved guest (round_trip's w.bin, 0x182d) judged on each release. */
    expect(run("level a=%s@4.17 b=%s@4.13 guest:w.bin", shared_dump(SKX),
               shared_dump(CLX)), 4,
           "  saved guest:         HVM_PARAM_VIRIDIAN 0x182d: NOT on every "
           "host\n                       - b cannot restore it: Xen 4.13 "
           "lacks no_vp_limit cpu_hotplug\n");
    expect(run("level a=%s b=%s@4.15 guest:w.bin", shared_dump(SKX),
               shared_dump(CLX)), 0,
           "HVM_PARAM_VIRIDIAN 0x182d: every host's Xen holds it");
    /* Input errors. */
    expect(run("level a=%s@4.99 b=%s", shared_dump(SKX), shared_dump(CLX)),
           2, "'a=");
    assert_non_null(strstr(out, "Xen 4.99: viridian support is known for "
                                "Xen 4.4 to 4.20 only"));
    expect(run("level a=%s guest:%s@4.13", shared_dump(SKX),
               shared_dump(CLX)), 2, "a guest runs no Xen of its own");
    expect(run("level --viridian '[\"base\"' a=%s", shared_dump(SKX)), 2,
           "--viridian");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip),
        cmocka_unit_test(record_refusals),
        cmocka_unit_test(record_policy_file),
        cmocka_unit_test(level_versions),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
