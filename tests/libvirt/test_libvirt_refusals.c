/* SPDX-License-Identifier: MIT */
/*
 * What a <cpu> translation refuses, on real hosts (shared CPUID dumps
 * through the simulated hypervisor): features Xen cannot express, deep
 * dependencies re-applied, the vendor, unknown names with the nearest
 * known one, and a runnability verdict that lists every blocker.  Modes
 * and policies are in test_libvirt_translate.c.
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

#include "../helpers/lv-translate.h"

#define W XFS_NR_WORDS

static void inexpressible_required(void **state)
{
    struct xlc_lv_host h;

    (void)state;
    lvtr_host(ROME, XLC_GUEST_HVM, &h);
    lvtr_fails("<cpu><model>EPYC</model>\n\n"
               "<feature policy='require' name='npt'/></cpu>",
               &h, XLC_GUEST_HVM,
               "line 3: require 'npt' cannot be honoured",
               "CPUID 0x8000000a EDX bit 0: no featureset word");
}

static void deep_deps_reapplied(void **state)
{
    struct xlc_lv_host h;
    struct xlc_lv_translation *t;

    (void)state;
    lvtr_host(SKX, XLC_GUEST_HVM, &h);
    /* Optional AVX2 is available, but Westmere has no AVX: cleared. */
    t = lvtr_eval("<cpu><model>Westmere</model>"
                  "<feature policy='optional' name='avx2'/></cpu>",
                  &h, XLC_GUEST_HVM);
    assert_false(xfs_test(t->fs, W, XFS_AVX2));
    assert_non_null(strstr(
        lvtr_note_for(t, XLC_LV_NOTE_DEEP_DEP_CLEARED, "AVX2")->text,
        "needs Xen AVX"));
    assert_true(xfs_deps_closed(t->fs, W));
    xlc_lv_translation_free(t);
    /* Required, it is a conflict. */
    lvtr_fails("<cpu><model>Westmere</model>"
               "<feature policy='require' name='avx2'/></cpu>",
               &h, XLC_GUEST_HVM,
               "required 'avx2' (Xen AVX2) needs Xen AVX", NULL);
}

static void vendor(void **state)
{
    struct xlc_lv_host h;
    struct xlc_lv_translation *t;

    (void)state;
    lvtr_host(SKX, XLC_GUEST_HVM, &h);
    t = lvtr_eval("<cpu><model>Westmere</model><vendor>Intel</vendor></cpu>",
                  &h, XLC_GUEST_HVM);
    assert_int_equal(t->verdict, XLC_LV_SUPERSET);
    xlc_lv_translation_free(t);
    t = lvtr_eval("<cpu><model>Westmere</model><vendor>AMD</vendor></cpu>", &h,
                  XLC_GUEST_HVM);
    assert_int_equal(t->verdict, XLC_LV_INCOMPATIBLE);
    assert_true(lvtr_blocked(t, XLC_LV_BLOCK_VENDOR, NULL, NULL));
    xlc_lv_translation_free(t);
}

static void unknown_names(void **state)
{
    struct xlc_lv_host h;
    struct xlc_lv_cpu *cpu;
    struct xlc_lv_translation *t;
    xlc_error err = { 0 };

    (void)state;
    lvtr_host(SKX, XLC_GUEST_HVM, &h);
    cpu = lvtr_cpu("<cpu>\n<model>Haswel</model></cpu>");
    assert_int_equal(
        xlc_lv_evaluate(lvtr_map, cpu, &h, XLC_GUEST_HVM, &t, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "g.xml:2: unknown CPU model 'Haswel' "
                                    "(nearest known: 'Haswell')"));
    xlc_lv_cpu_free(cpu);
    cpu = lvtr_cpu("<cpu><model>Haswell</model>\n"
                 "<feature name='avx512'/>\n<feature name='sse4_2'/>\n"
                 "<feature policy='disable' name='rtmm'/></cpu>");
    assert_int_equal(
        xlc_lv_evaluate(lvtr_map, cpu, &h, XLC_GUEST_HVM, &t, &err), -EINVAL);
    /* Every unknown one, with its line; aliases are known names. */
    assert_non_null(strstr(err.msg, "g.xml:2: unknown feature 'avx512' "
                                    "(nearest known: 'avx512f')"));
    assert_non_null(strstr(err.msg, "g.xml:4: unknown feature 'rtmm' "
                                    "(nearest known: 'rtm')"));
    assert_null(strstr(err.msg, "sse4_2"));
    xlc_lv_cpu_free(cpu);
    cpu = lvtr_cpu("<cpu><model>Haswell</model>\n"
                   "<vendor>Intle</vendor></cpu>");
    assert_int_equal(
        xlc_lv_evaluate(lvtr_map, cpu, &h, XLC_GUEST_HVM, &t, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "g.xml:2: unknown vendor 'Intle' "
                                    "(nearest known: 'Intel')"));
    xlc_lv_cpu_free(cpu);
}

/* Incompatible: every model feature the host lacks is listed. */
static void runnability_lists_every_blocker(void **state)
{
    struct xlc_lv_host h;
    struct xlc_lv_translation *t;
    uint32_t avail[W], missing[W];

    (void)state;
    lvtr_host(HSW, XLC_GUEST_HVM, &h);
    t = lvtr_eval("<cpu><model>Icelake-Server</model></cpu>", &h,
                  XLC_GUEST_HVM);
    assert_int_equal(t->verdict, XLC_LV_INCOMPATIBLE);
    xlc_lv_host_available(&h, avail);
    xfs_andnot(missing, W, lvtr_model_bits("Icelake-Server"), W, avail, W);
    assert_true(xfs_popcount(missing, W) > 10);
    assert_int_equal(t->nr_blockers, xfs_popcount(missing, W));
    for (unsigned int b = 0; b < XFS_NR_FEATURE_BITS; b++) {
        const struct xfs_feature_info *fi = xfs_feature_by_value(b);

        if (xfs_test(missing, W, b) &&
            !lvtr_blocked(t, XLC_LV_BLOCK_NOT_ON_HOST, NULL, fi->name) &&
            !lvtr_blocked(t, XLC_LV_BLOCK_NOT_IN_MAX, NULL, fi->name))
            fail_msg("%s missing but not listed", fi->name);
    }
    assert_true(
        lvtr_blocked(t, XLC_LV_BLOCK_NOT_ON_HOST, "avx512f", "AVX512F"));
    xlc_lv_translation_free(t);
    /* The same definition on a host that has it all. */
    lvtr_host("GenuineIntel00606A6_ICX_04", XLC_GUEST_HVM, &h);
    t = lvtr_eval("<cpu><model>Icelake-Server-noTSX</model>"
                  "<feature policy='disable' name='xsaveopt'/>"
                  "<feature policy='disable' name='xsavec'/>"
                  "<feature policy='disable' name='xgetbv1'/>"
                  "<feature policy='disable' name='mpx'/>"
                  "<feature policy='disable' name='wbnoinvd'/></cpu>",
                  &h, XLC_GUEST_HVM);
    if (t->verdict != XLC_LV_SUPERSET)
        fail_msg("%s", t->nr_blockers ? t->blockers[0].text : "identical?");
    xlc_lv_translation_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(inexpressible_required),
        cmocka_unit_test(deep_deps_reapplied),
        cmocka_unit_test(vendor),
        cmocka_unit_test(unknown_names),
        cmocka_unit_test(runnability_lists_every_blocker),
    };
    return cmocka_run_group_tests(tests, lvtr_setup, lvtr_teardown);
}
