/* SPDX-License-Identifier: MIT */
/*
 * The commands print the guest verdict (the built xen-cpuid, $XFS_TOOL):
 *   - `level` with every shared dump and guest:M.xml says, host by host,
 *     what the library's verdict says, and `model --cpuid B M.xml` exits
 *     0 or 4 the same way, for every <cpu> of tests/helpers/guest-models.c,
 *     PV and HVM (a libvirt guest was once loaded as a host: optional
 *     meant "has it", so level refused what model ran);
 *   - `level ... guest:STREAM` and `restore-check --cpuid B STREAM` agree
 *     with the verdict on streams `record` wrote;
 *   - `xl-cpuid --cpuid B S` refuses exactly where the verdict does;
 *   - forbid: a forbidden feature the host provides refuses the guest
 *     (libvirt's "Host CPU provides forbidden features"), in model, level
 *     and record;
 *   - the hypervisor bit: a named model keeps it (no hypervisor=0 in the
 *     cpuid= string `model` prints, the recorded policy has it), unless
 *     the <cpu> disables it.
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

#include "../helpers/guest-models.h"
#include "../helpers/policy-oracle.h"
#include "../helpers/shared-data.h"
#include "../helpers/tool-run.h"
#include "libxl_cpuid/migration/stream.h"

static struct gm_pool pool;

static int setup(void **state)
{
    (void)state;
    gm_pool_load(&pool);
    return pool.n >= 40 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    gm_pool_free(&pool);
    return 0;
}

static char *write_tmp(const char *text)
{
    char *path = strdup("/tmp/test_guest_tool.XXXXXX");
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");

    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static const char *type_arg(enum xlc_guest_type t)
{
    return t == XLC_GUEST_PV ? "pv" : "hvm";
}

/* `level --type T DUMP... guest:SOURCE`; returns its stdout. */
static char *level_all(enum xlc_guest_type t, const char *guest)
{
    const char **argv = calloc(pool.n + 8, sizeof(*argv));
    char g[4200], *out, *err;
    size_t k = 0;

    assert_non_null(argv);
    argv[k++] = "level";
    argv[k++] = "--type";
    argv[k++] = type_arg(t);
    for (size_t i = 0; i < pool.n; i++)
        argv[k++] = pool.paths[i];
    snprintf(g, sizeof(g), "guest:%s", guest);
    argv[k++] = g;
    tool_run_argv(argv, &out, &err);
    free(argv);
    free(err);
    return out;
}

/*
 * Host i's verdict line in level's text output: true when it runs (ok or
 * an untold weakness).  Hosts level refused (no HVM at all) have no line:
 * *found is false.
 */
static bool level_runs(const char *out, size_t i, bool *found)
{
    char key[300];
    const char *at;

    snprintf(key, sizeof(key), "\n  %-40s ", xt_basename(pool.paths[i]));
    at = strstr(out, key);
    *found = at != NULL;
    return at && strncmp(at + strlen(key), "incompatible", 12);
}

static void level_agrees(const char *out, enum xlc_guest_type t,
                         const struct xlc_gv_guest *g, const char *what)
{
    unsigned int seen = 0;

    for (size_t i = 0; i < pool.n; i++) {
        struct xlc_guest_verdict *v = gm_judge(&pool, i, t, g);
        bool found, runs = level_runs(out, i, &found);

        if (found && runs != v->runs)
            fail_msg("level %s guest:%s on %s: %s, the verdict: %s",
                     type_arg(t), what, xt_basename(pool.paths[i]),
                     runs ? "runs" : "incompatible",
                     v->runs ? "runs" : v->reasons[0].text);
        if (!found)
            assert_int_equal(v->reasons[0].kind, XLC_GV_NO_GUEST_TYPE);
        seen += found;
        xlc_guest_verdict_free(v);
    }
    assert_true(seen + 1 >= pool.n);
}

static void model_and_level_agree(void **state)
{
    static const size_t probe[] = { 3, 11, 24, 35 };

    (void)state;
    for (size_t k = 0; k < gm_nr_models; k++)
        for (int ty = 0; ty < 2; ty++) {
            enum xlc_guest_type t = ty ? XLC_GUEST_PV : XLC_GUEST_HVM;
            char *xml = gm_xml(&gm_models[k], pool.map, NULL);
            char *path = write_tmp(xml);
            struct xlc_lv_cpu *cpu = gm_cpu(xml);
            struct xlc_gv_guest g = { .form = XLC_GV_LIBVIRT,
                                      .map = pool.map, .cpu = cpu };
            char *out = level_all(t, path);

            level_agrees(out, t, &g, gm_models[k].label);
            for (size_t p = 0; p < sizeof(probe) / sizeof(probe[0]); p++) {
                struct xlc_guest_verdict *v = gm_judge(&pool, probe[p], t, &g);
                const char *argv[] = { "model", "--type", type_arg(t),
                                       "--cpuid", pool.paths[probe[p]], path,
                                       NULL };
                char *mo, *me;

                assert_int_equal(tool_run_argv(argv, &mo, &me),
                                 v->runs ? 0 : 4);
                xlc_guest_verdict_free(v);
                free(mo), free(me);
            }
            free(out);
            unlink(path);
            free(path);
            xlc_lv_cpu_free(cpu);
            free(xml);
        }
}

static void streams_agree(void **state)
{
    static const char *const from[] = { "GenuineIntel0050654_SkylakeXeon",
                                        "AuthenticAMD0830F10_K17_Rome",
                                        "GenuineIntel00306F2_HaswellEP" };
    static const size_t probe[] = { 0, 13, 22, 30 };

    (void)state;
    for (size_t a = 0; a < 3; a++)
        for (int ty = 0; ty < 2; ty++) {
            enum xlc_guest_type t = ty ? XLC_GUEST_PV : XLC_GUEST_HVM;
            char *path = write_tmp("");
            const char *rec[] = { "record", "--type", type_arg(t), "--cpuid",
                                  shared_dump(from[a]), "-o", path, NULL };
            struct xlc_stream_info s;
            xlc_error err = { 0 };
            char *out, *e;

            assert_int_equal(tool_run_argv(rec, &out, &e), 0);
            free(out), free(e);
            if (xlc_stream_load(path, &s, &err))
                fail_msg("%s", err.msg);
            {
                struct xlc_gv_guest g = { .form = XLC_GV_POLICY,
                                          .entries = &s.policy };

                out = level_all(t, path);
                level_agrees(out, t, &g, from[a]);
                free(out);
                for (size_t p = 0; p < 4; p++) {
                    struct xlc_guest_verdict *v =
                        gm_judge(&pool, probe[p], t, &g);
                    const char *rc[] = { "restore-check", "--cpuid",
                                         pool.paths[probe[p]], path, NULL };

                    assert_int_equal(tool_run_argv(rc, &out, &e),
                                     v->runs ? 0 : 4);
                    xlc_guest_verdict_free(v);
                    free(out), free(e);
                }
            }
            xlc_stream_info_free(&s);
            unlink(path);
            free(path);
        }
}

/* The cpuid= string model prints on A, given to xl-cpuid on B. */
static void xl_cpuid_agrees(void **state)
{
    const char *a = shared_dump("GenuineIntel0050654_SkylakeXeon");
    char *xml = gm_xml(gm_model("haswell"), pool.map, NULL);
    char *path = write_tmp(xml);
    const char *margv[] = { "model", "--cpuid", a, path, NULL };
    char *out, *err, *str, *q;
    unsigned int refused = 0;

    (void)state;
    assert_int_equal(tool_run_argv(margv, &out, &err), 0);
    str = strstr(out, "xl cpuid=:  \"");
    assert_non_null(str);
    str += strlen("xl cpuid=:  \"");
    q = strchr(str, '"');
    *q = '\0';
    for (size_t b = 0; b < pool.n; b += 3) {
        struct xlc_xl_cpuid l = { 0 };
        struct xlc_gv_guest g = { .form = XLC_GV_XL_CPUID, .xl = &l };
        const char *xargv[] = { "xl-cpuid", "--type", "hvm", "--cpuid",
                                pool.paths[b], str, NULL };
        struct xlc_guest_verdict *v;
        char *xo, *xe;
        xlc_error e = { 0 };

        if (xlc_xl_cpuid_parse_any(&l, str, &e))
            fail_msg("%s", e.msg);
        v = gm_judge(&pool, b, XLC_GUEST_HVM, &g);
        assert_int_equal(tool_run_argv(xargv, &xo, &xe), v->runs ? 0 : 4);
        refused += !v->runs;
        xlc_guest_verdict_free(v);
        xlc_xl_cpuid_free(&l);
        free(xo), free(xe);
    }
    assert_true(refused > 0);
    free(out), free(err);
    unlink(path);
    free(path);
    free(xml);
}

static void forbid_refuses_where_provided(void **state)
{
    char *xml = write_tmp("<cpu mode='host-passthrough'>\n"
                          "  <feature policy='forbid' name='avx512f'/>\n"
                          "</cpu>\n");
    char skx[4200], hsw[4200], args[9000], *out, *err;

    (void)state;
    /* shared_dump() reuses its buffer: keep copies. */
    snprintf(skx, sizeof(skx), "%s",
             shared_dump("GenuineIntel0050654_SkylakeXeon"));
    snprintf(hsw, sizeof(hsw), "%s",
             shared_dump("GenuineIntel00306F2_HaswellEP"));
    snprintf(args, sizeof(args), "model --cpuid %s %s", skx, xml);
    assert_int_equal(tool_run(args, &out, &err), 4);
    assert_non_null(strstr(out, "[forbidden] line 2: 'avx512f' (Xen AVX512F) "
                                "is forbidden, but the host provides it"));
    free(out), free(err);
    snprintf(args, sizeof(args), "model --json --cpuid %s %s", skx, xml);
    assert_int_equal(tool_run(args, &out, &err), 4);
    assert_non_null(strstr(out, "{\"kind\": \"forbidden\", \"libvirt\": "
                                "\"avx512f\", \"xen\": \"AVX512F\""));
    free(out), free(err);
    /* A Haswell has no AVX-512: nothing forbidden there. */
    snprintf(args, sizeof(args), "model --cpuid %s %s", hsw, xml);
    assert_int_equal(tool_run(args, &out, &err), 0);
    free(out), free(err);
    snprintf(args, sizeof(args), "level %s %s guest:%s", skx, hsw, xml);
    assert_int_equal(tool_run(args, &out, &err), 4);
    assert_non_null(strstr(out, "GenuineIntel0050654_SkylakeXeon          "
                                "incompatible\n    - line 2: 'avx512f'"));
    assert_non_null(strstr(out, "GenuineIntel00306F2_HaswellEP            "
                                "ok\n"));
    free(out), free(err);
    snprintf(args, sizeof(args), "record --type hvm --cpuid %s --libvirt %s "
             "-o /dev/null", skx, xml);
    assert_int_equal(tool_run(args, &out, &err), 4);
    free(out), free(err);
    unlink(xml);
    free(xml);
}

static void hypervisor_bit_is_kept(void **state)
{
    char *keep = write_tmp("<cpu><model>Skylake-Server</model></cpu>");
    char *hide = write_tmp("<cpu><model>Skylake-Server</model><feature "
                           "policy='disable' name='hypervisor'/></cpu>");
    char stream[] = "/tmp/test_guest_tool_stream.XXXXXX";
    const char *skx = shared_dump("GenuineIntel0050654_SkylakeXeon");
    char args[9000], *out, *err;
    struct xlc_stream_info s;
    xlc_error e = { 0 };
    uint32_t fs[XFS_NR_WORDS];

    (void)state;
    close(mkstemp(stream));
    snprintf(args, sizeof(args), "model --cpuid %s %s", skx, keep);
    assert_int_equal(tool_run(args, &out, &err), 0);
    assert_non_null(strstr(out, "xl cpuid=:  \"host,"));
    assert_null(strstr(out, "hypervisor=0"));
    assert_non_null(strstr(out, "[platform] 'hypervisor' (Xen HYPERVISOR) "
                                "kept although model Skylake-Server lacks "
                                "it"));
    free(out), free(err);
    snprintf(args, sizeof(args), "model --cpuid %s %s", skx, hide);
    assert_int_equal(tool_run(args, &out, &err), 0);
    assert_non_null(strstr(out, "hypervisor=0"));
    free(out), free(err);
    /* The recorded guest is told it runs under a hypervisor. */
    snprintf(args, sizeof(args), "record --type hvm --cpuid %s --libvirt %s "
             "-o %s", skx, keep, stream);
    assert_int_equal(tool_run(args, &out, &err), 0);
    free(out), free(err);
    if (xlc_stream_load(stream, &s, &e))
        fail_msg("%s", e.msg);
    xlc_policy_featureset(&s.policy, fs);
    assert_true(xfs_test(fs, XFS_NR_WORDS, XFS_HYPERVISOR));
    xlc_stream_info_free(&s);
    unlink(stream);
    unlink(keep), unlink(hide);
    free(keep), free(hide);
}

/* The case: an optional feature the host lacks is dropped, said,
 * and the guest runs, in model and in level alike. */
static void optional_is_dropped_and_said(void **state)
{
    char *xml = gm_xml(gm_model("skylake"), pool.map, NULL);
    char *path = write_tmp(xml);
    const char *skx = shared_dump("GenuineIntel0050654_SkylakeXeon");
    char args[9000], *out, *err;

    (void)state;
    snprintf(args, sizeof(args), "model --cpuid %s %s", skx, path);
    assert_int_equal(tool_run(args, &out, &err), 0);
    assert_non_null(strstr(out, "[optional-dropped]"));
    assert_non_null(strstr(out, "verdict:    superset\n"));
    free(out), free(err);
    snprintf(args, sizeof(args), "level %s guest:%s", skx, path);
    assert_int_equal(tool_run(args, &out, &err), 0);
    assert_non_null(strstr(out, "GenuineIntel0050654_SkylakeXeon          "
                                "ok\n"));
    assert_non_null(strstr(out, ": optional 'sha-ni' (Xen SHA) dropped: "
                                "the host does not have it\n"));
    free(out), free(err);
    unlink(path);
    free(path);
    free(xml);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(model_and_level_agree),
        cmocka_unit_test(streams_agree),
        cmocka_unit_test(xl_cpuid_agrees),
        cmocka_unit_test(forbid_refuses_where_provided),
        cmocka_unit_test(hypervisor_bit_is_kept),
        cmocka_unit_test(optional_is_dropped_and_said),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
