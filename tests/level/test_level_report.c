/* SPDX-License-Identifier: MIT */
/*
 * The level report's rules on the cases that broke them: a weakness
 * (rsba) is never required by the levelled <cpu>; an AMD host <cpu> gives
 * PV guests no SEP; a host <cpu>'s feature policies are ignored with a
 * note; a candidate that would get the levelled policy refused says so.
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

#include "../helpers/level_testdata.h"
#include "libxl_cpuid/level/level-report.h"
#include "libxl_cpuid/libvirt/libvirt-translate.h"

#define NW XFS_NR_WORDS
#define HVM XLC_GUEST_HVM
#define PV XLC_GUEST_PV

static struct xlc_cpu_map *map;

static int setup(void **state)
{
    xlc_error err;

    if (xlc_cpu_map_load(NULL, &map, &err))
        fail_msg("%s", err.msg);
    return lvt_setup(state);
}

static int teardown(void **state)
{
    xlc_cpu_map_free(map);
    return lvt_teardown(state);
}

static char *write_temp(const char *text)
{
    static char path[64];
    FILE *f;

    snprintf(path, sizeof(path), "/tmp/test_level_report_XXXXXX");
    f = fdopen(mkstemp(path), "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static struct xlc_level_report *new_report(enum xlc_guest_type t)
{
    struct xlc_level_report *r;
    xlc_error err;

    if (xlc_level_report_new(t, &r, &err))
        fail_msg("%s", err.msg);
    return r;
}

static void add(struct xlc_level_report *r, const char *name,
                const struct xlc_level_host *h)
{
    xlc_error err;

    if (xlc_level_report_add_host(r, name, name, h, &err))
        fail_msg("%s", err.msg);
}

static void compute(struct xlc_level_report *r)
{
    struct xlc_level_options o = { .map = map };
    xlc_error err;

    if (xlc_level_report_compute(r, &o, &err))
        fail_msg("%s", err.msg);
}

/* The <cpu> judged as `model` would on a host with these sets. */
static enum xlc_lv_verdict judge(const char *xml, enum xlc_guest_type t,
                                 const struct xlc_lv_host *h)
{
    struct xlc_lv_translation *tr;
    struct xlc_lv_cpu *cpu;
    enum xlc_lv_verdict v;
    xlc_error err;

    if (xlc_lv_cpu_parse("level", xml, strlen(xml), &cpu, &err) ||
        xlc_lv_evaluate(map, cpu, h, t, &tr, &err))
        fail_msg("%s", err.msg);
    v = tr->verdict;
    if (v == XLC_LV_INCOMPATIBLE)
        print_message("refused: %s\n", tr->blockers[0].text);
    xlc_lv_translation_free(tr);
    xlc_lv_cpu_free(cpu);
    return v;
}

/*
 * Two Skylake servers whose inputs carry ARCH_CAPS, one with RSBA.  The
 * pool's guest level carries the weakness (a guest must be told), but the
 * <cpu> does not require it: with Xen's own sets (no guest is ever given
 * RSBA, '_' in the list) `model` would refuse `require rsba` on every
 * host, the rsba host included.
 */
static void rsba_is_never_required(void **state)
{
    struct xlc_level_host a = lvt_find("GenuineIntel0050654")->as[HVM], b;
    const uint32_t *iv = xfs_static_masks[XFS_MASK_INVERTED];
    struct xlc_level_report *r = new_report(HVM);
    struct xlc_lv_host lh;

    (void)state;
    a.has_policy = false; /* its dump's policy has no ARCH_CAPS */
    xfs_set(a.fs, NW, XFS_ARCH_CAPS);
    xfs_set(a.def, NW, XFS_ARCH_CAPS);
    b = a;
    xfs_set(b.fs, NW, XFS_RSBA);
    xfs_set(b.def, NW, XFS_RSBA);
    add(r, "plain", &a);
    add(r, "rsba", &b);
    compute(r);
    assert_true(r->usable);
    assert_true(xfs_test(r->guest_cpu, NW, XFS_RSBA));
    assert_non_null(r->lv_xml);
    assert_null(strstr(r->lv_xml, "rsba"));
    assert_non_null(r->xl_cpuid);
    assert_null(strstr(r->xl_cpuid, "rsba"));
    /* The rsba host as Xen sees it: raw has RSBA, no guest set has. */
    memset(&lh, 0, sizeof(lh));
    memcpy(lh.vendor, "GenuineIntel", 13);
    xfs_copy(lh.host, NW, b.fs, NW);
    xfs_andnot(lh.max, NW, b.fs, NW, iv, NW);
    xfs_andnot(lh.def, NW, b.def, NW, iv, NW);
    assert_int_not_equal(judge(r->lv_xml, HVM, &lh), XLC_LV_INCOMPATIBLE);
    xlc_level_report_free(r);
}

/*
 * An AMD host given as a libvirt <cpu>: Xen clears SEP on AMD for PV
 * guests, so the pool's <cpu> disables it, and `model` runs it on the
 * same CPU's dump.
 */
static void amd_cpu_has_no_sep_for_pv(void **state)
{
    const struct lvt_host *rome = lvt_find("AuthenticAMD0830F10");
    struct xlc_level_report *r = new_report(PV);
    struct xlc_cpuid_dump *d;
    struct xlc_level_host *h;
    struct xlc_lv_host lh;
    xlc_error err;
    size_t n;
    char *path = write_temp("<cpu>\n  <arch>x86_64</arch>\n"
                            "  <model>EPYC-Rome</model>\n"
                            "  <vendor>AMD</vendor>\n</cpu>\n");

    (void)state;
    if (xlc_level_hosts_from_libvirt(path, map, PV, &h, &n, &err))
        fail_msg("%s", err.msg);
    unlink(path);
    add(r, "rome-cpu", &h[0]);
    compute(r);
    assert_false(xfs_test(r->guest_cpu, NW, XFS_SEP));
    assert_non_null(r->lv_xml);
    assert_non_null(strstr(r->lv_xml, "<feature policy='disable' "
                                      "name='sep'/>"));
    if (xlc_dump_load(rome->path, &d, &err))
        fail_msg("%s", err.msg);
    assert_true(xlc_lv_host_from_dump(&lh, PV, d, NULL));
    assert_int_not_equal(judge(r->lv_xml, PV, &lh), XLC_LV_INCOMPATIBLE);
    xlc_dump_free(d);
    free(h);
    xlc_level_report_free(r);
}

/* A policy= on a host CPU's feature is ignored, and the report says so. */
static void host_cpu_policies_are_noted(void **state)
{
    struct xlc_level_report *r = new_report(HVM);
    struct xlc_level_host *h;
    xlc_error err;
    size_t n;
    char *path = write_temp("<cpu>\n  <arch>x86_64</arch>\n"
                            "  <model>Skylake-Server</model>\n"
                            "  <vendor>Intel</vendor>\n"
                            "  <feature name='vmx'/>\n"
                            "  <feature policy='disable' name='avx512f'/>\n"
                            "  <feature policy='require' name='ss'/>\n"
                            "</cpu>\n");

    (void)state;
    if (xlc_level_hosts_from_libvirt(path, map, HVM, &h, &n, &err))
        fail_msg("%s", err.msg);
    unlink(path);
    add(r, "skx-cpu", &h[0]);
    compute(r);
    assert_true(xfs_test(r->guest_cpu, NW, XFS_AVX512F));
    assert_int_equal(r->nr_notes, 1);
    assert_non_null(strstr(r->notes[0], "skx-cpu: host <cpu>: policy= "
                                        "ignored on 2 features (first at "
                                        "line 6)"));
    free(h);
    xlc_level_report_free(r);
}

/*
 * "+icx" on a Skylake/Cascade Lake pool: the Ice Lake dump lacks XSAVE
 * layouts, so the levelled policy with it is refused; the what-if says so
 * and that the pool would become unusable, beside the level changes.
 */
/*
 * A pool big enough that its verdicts are judged on several CPUs: each
 * host's verdict is the one xlc_pool_verdict gives it alone.
 */
static void big_pool_verdicts_as_one_by_one(void **state)
{
    size_t idx[64], n, hosts = 3 * 4096 + 17;
    uint64_t seed = 23;
    struct xlc_level_report *r = new_report(PV);
    const struct xlc_host_props *gp;
    size_t untold = 0;

    (void)state;
    n = lvt_shuffled(&seed, PV, NULL, false, idx);
    assert_true(n > 10);
    for (size_t i = 0; i < hosts; i++) {
        struct xlc_level_host h = lvt_hosts[idx[lvt_rand(&seed) % n]].as[PV];
        char name[32];

        /* Featureset hosts: the verdict is on sets, not policies. */
        h.has_policy = h.has_leaks = false;
        snprintf(name, sizeof(name), "h%zu", i);
        add(r, name, &h);
    }
    compute(r);
    gp = r->level.props.differs[XLC_PROP_VENDOR] ? NULL
                                                 : &r->level.props.value;
    for (size_t id = 0; id < hosts; id++) {
        struct xlc_verdict v;
        xlc_error err;

        if (xlc_pool_verdict(r->pool, id, r->guest_cpu, NW, gp, &v, &err))
            fail_msg("%s", err.msg);
        if (memcmp(&v, &r->verdicts[id].fs, sizeof(v)))
            fail_msg("host %zu: verdict differs from its own", id);
        untold += v.kind == XLC_VERDICT_UNTOLD;
    }
    print_message("%zu hosts, %zu untold\n", hosts, untold);
    xlc_level_report_free(r);
}

static void what_if_reports_policy_refusal(void **state)
{
    struct xlc_level_report *r = new_report(HVM);
    const struct xlc_level_candidate *c;
    struct xlc_level_host *moved = malloc(sizeof(*moved));
    xlc_error err;

    (void)state;
    add(r, "skx", &lvt_find("GenuineIntel0050654")->as[HVM]);
    add(r, "clx", &lvt_find("GenuineIntel0050657")->as[HVM]);
    /* Ice Lake with its PKRU moved 16 bytes up: a real layout difference
     * (its dump's own layout matches Skylake's once the documented one
     * stands in for the missing subleaves). */
    assert_non_null(moved);
    *moved = lvt_find("GenuineIntel00606A6")->as[HVM];
    assert_true(moved->has_policy);
    moved->policy.xstate[9].b += 16;
    if (xlc_level_report_add_candidate(r, "icx", moved, &err) ||
        xlc_level_report_add_candidate(
            r, "clx2", &lvt_find("GenuineIntel0050657")->as[HVM], &err))
        fail_msg("%s", err.msg);
    compute(r);
    assert_true(r->usable);
    c = &r->cand[0];
    assert_true(c->policy_known);
    assert_true(c->policy.nr_refusals > 0);
    assert_non_null(strstr(c->policy.refusals[0],
                           "icx: XSAVE component 9 (PKRU) layout differs"));
    assert_true(c->becomes_unusable);
    /* A second Cascade Lake changes nothing at all. */
    c = &r->cand[1];
    assert_true(c->policy_known);
    assert_int_equal(c->policy.nr_refusals, 0);
    assert_false(c->becomes_unusable);
    assert_true(xfs_empty(c->guest_lost, NW) && xfs_empty(c->chg.lost, NW));
    xlc_level_report_free(r);
    free(moved);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rsba_is_never_required),
        cmocka_unit_test(amd_cpu_has_no_sep_for_pv),
        cmocka_unit_test(host_cpu_policies_are_noted),
        cmocka_unit_test(what_if_reports_policy_refusal),
        cmocka_unit_test(big_pool_verdicts_as_one_by_one),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
