/* SPDX-License-Identifier: MIT */
/*
 * Translating <cpu> definitions for real hosts (shared CPUID dumps through
 * the simulated hypervisor): each mode, match kinds, each policy kind.
 * The refusals (vendor, unknown names, what cannot be expressed, every
 * blocker listed) are in test_libvirt_refusals.c.
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

/* ---- modes ---- */

static void custom_model_exact(void **state)
{
    struct xlc_lv_host h;
    struct xlc_lv_translation *t;
    uint32_t want[W];

    (void)state;
    lvtr_host(SKX, XLC_GUEST_HVM, &h);
    t = lvtr_eval("<cpu match='exact'><model>Haswell-noTSX</model></cpu>", &h,
                  XLC_GUEST_HVM);
    assert_int_equal(t->verdict, XLC_LV_SUPERSET);
    lvtr_model_on("Haswell-noTSX", &h, want);
    assert_true(xfs_equal(t->fs, W, want, W));
    assert_string_equal(t->model->name, "Haswell-noTSX");
    xlc_lv_translation_free(t);
}

static void passthrough_maximum_hostmodel(void **state)
{
    struct xlc_lv_host h;
    struct xlc_lv_translation *t;
    uint32_t named[W];

    (void)state;
    lvtr_host(SKX, XLC_GUEST_HVM, &h);
    t = lvtr_eval("<cpu mode='host-passthrough'/>", &h, XLC_GUEST_HVM);
    assert_true(xfs_equal(t->fs, W, h.def, W));
    assert_int_equal(t->verdict, XLC_LV_IDENTICAL);
    xlc_lv_translation_free(t);

    t = lvtr_eval("<cpu mode='maximum'/>", &h, XLC_GUEST_HVM);
    assert_true(xfs_equal(t->fs, W, h.max, W));
    assert_int_equal(t->verdict, XLC_LV_SUPERSET);
    xlc_lv_translation_free(t);

    t = lvtr_eval("<cpu mode='host-model'/>", &h, XLC_GUEST_HVM);
    xfs_and(named, W, h.def, W, xlc_cpu_map_nameable(lvtr_map), W);
    assert_true(xfs_equal(t->fs, W, named, W));
    assert_non_null(t->decoded);
    assert_int_equal(t->verdict, XLC_LV_IDENTICAL);
    /* What host-model cannot pass on is said, bit by bit. */
    {
        uint32_t lost[W];

        xfs_andnot(lost, W, h.def, W, xlc_cpu_map_nameable(lvtr_map), W);
        assert_int_equal(lvtr_count_notes(t, XLC_LV_NOTE_NOT_NAMEABLE),
                         xfs_popcount(lost, W));
    }
    xlc_lv_translation_free(t);

    /* No model and no features: the hypervisor's default CPU. */
    t = lvtr_eval("<cpu><topology sockets='1' cores='2' threads='1'/></cpu>",
                  &h, XLC_GUEST_HVM);
    assert_true(xfs_equal(t->fs, W, h.def, W));
    assert_int_equal(lvtr_count_notes(t, XLC_LV_NOTE_IGNORED), 1);
    xlc_lv_translation_free(t);
}

static void match_minimum_and_strict(void **state)
{
    struct xlc_lv_host h;
    struct xlc_lv_translation *t;
    uint32_t want[W], extra[W];

    (void)state;
    lvtr_host(SKX, XLC_GUEST_HVM, &h);
    t = lvtr_eval("<cpu match='minimum'><model>Westmere</model></cpu>", &h,
                  XLC_GUEST_HVM);
    xfs_or(want, W, h.def, W, lvtr_model_bits("Westmere"), W);
    assert_true(xfs_equal(t->fs, W, want, W));
    xlc_lv_translation_free(t);

    t = lvtr_eval("<cpu match='strict'><model>Westmere</model></cpu>", &h,
                  XLC_GUEST_HVM);
    assert_int_equal(t->verdict, XLC_LV_INCOMPATIBLE);
    xfs_and(extra, W, h.def, W, xlc_cpu_map_nameable(lvtr_map), W);
    lvtr_model_on("Westmere", &h, want);
    xfs_andnot(extra, W, extra, W, want, W);
    assert_int_equal(t->nr_blockers, xfs_popcount(extra, W));
    assert_true(lvtr_blocked(t, XLC_LV_BLOCK_STRICT_EXTRA, "avx2", "AVX2"));
    xlc_lv_translation_free(t);
}

/* ---- policies ---- */

static void require_and_force(void **state)
{
    struct xlc_lv_host h;
    struct xlc_lv_translation *t;

    (void)state;
    lvtr_host(SKX, XLC_GUEST_HVM, &h);
    /* On the host and offered: added. */
    t = lvtr_eval("<cpu><model>Westmere</model>"
                  "<feature policy='require' name='avx2'/>"
                  "<feature policy='force' name='avx'/>"
                  "<feature name='xsave'/></cpu>",
                  &h, XLC_GUEST_HVM);
    assert_int_equal(t->verdict, XLC_LV_SUPERSET);
    assert_true(xfs_test(t->fs, W, XFS_AVX2));
    assert_true(xfs_test(t->fs, W, XFS_AVX));
    xlc_lv_translation_free(t);
    /* Not on a Skylake Xeon: refused, naming libvirt and Xen names. */
    lvtr_fails("<cpu><model>Haswell</model>\n"
               "<feature policy='require' name='avx512vbmi'/>\n"
               "<feature policy='force' name='sha-ni'/></cpu>",
               &h, XLC_GUEST_HVM,
               "'avx512vbmi' (Xen AVX512_VBMI): the host does not have "
               "it",
               "'sha-ni' (Xen SHA): the host does not have it");
    /* On the host, but Xen never gives PV guests VMX. */
    lvtr_host(SKX, XLC_GUEST_PV, &h);
    assert_true(xfs_test(h.host, W, XFS_VMX));
    lvtr_fails("<cpu><model>Nehalem</model>"
               "<feature policy='require' name='vmx'/></cpu>",
               &h, XLC_GUEST_PV,
               "'vmx' (Xen VMX): Xen does not offer it to pv guests",
               NULL);
    /* Model features must be available too. */
    lvtr_fails("<cpu><model>Nehalem</model></cpu>", &h, XLC_GUEST_PV,
               "model feature 'pse' (Xen PSE): Xen does not offer it "
               "to pv guests",
               NULL);
}

static void optional(void **state)
{
    struct xlc_lv_host h;
    struct xlc_lv_translation *t;
    const struct xlc_lv_note *n;

    (void)state;
    lvtr_host(SKX, XLC_GUEST_HVM, &h);
    t = lvtr_eval("<cpu><model>Westmere</model>"
                  "<feature policy='optional' name='xsave'/>"
                  "<feature policy='optional' name='avx'/>"
                  "<feature policy='optional' name='avx512vbmi'/>"
                  "<feature policy='optional' name='arat'/></cpu>",
                  &h, XLC_GUEST_HVM);
    assert_int_equal(t->verdict, XLC_LV_SUPERSET);
    assert_true(xfs_test(t->fs, W, XFS_AVX));
    assert_false(xfs_test(t->fs, W, XFS_AVX512_VBMI));
    n = lvtr_note_for(t, XLC_LV_NOTE_OPTIONAL_DROPPED, "AVX512_VBMI");
    assert_non_null(n);
    assert_string_equal(n->lv_name, "avx512vbmi");
    assert_non_null(strstr(n->text, "the host does not have it"));
    /* An optional feature Xen cannot express is dropped with a note. */
    assert_int_equal(lvtr_count_notes(t, XLC_LV_NOTE_INEXPRESSIBLE), 1);
    for (size_t i = 0; i < t->nr_notes; i++)
        if (t->notes[i].kind == XLC_LV_NOTE_INEXPRESSIBLE)
            assert_non_null(strstr(t->notes[i].text,
                                   "optional 'arat' dropped"));
    xlc_lv_translation_free(t);
    /* Optional overrides the model: a model feature made optional and
     * missing is dropped, not required (libvirt's virCPUUpdate makes it
     * disable; x86Compute subtracts optional from what is required). */
    t = lvtr_eval("<cpu><model>Cascadelake-Server</model>"
                  "<feature policy='optional' name='avx512vnni'/>"
                  "<feature policy='optional' name='spec-ctrl'/>"
                  "<feature policy='optional' name='ssbd'/></cpu>",
                  &h, XLC_GUEST_HVM);
    assert_true(xfs_test(lvtr_model_bits("Cascadelake-Server"), W,
                         XFS_AVX512_VNNI));
    assert_int_equal(t->nr_blockers, 0);
    assert_int_equal(t->verdict, XLC_LV_SUPERSET);
    assert_false(xfs_test(t->fs, W, XFS_AVX512_VNNI));
    assert_non_null(
        lvtr_note_for(t, XLC_LV_NOTE_OPTIONAL_DROPPED, "AVX512_VNNI"));
    xlc_lv_translation_free(t);
}

static void disable_clears_dependents(void **state)
{
    struct xlc_lv_host h;
    struct xlc_lv_translation *t;
    uint32_t want[W];
    const uint32_t *deps = xfs_lookup_deep_deps(XFS_AVX);

    (void)state;
    lvtr_host(SKX, XLC_GUEST_HVM, &h);
    t = lvtr_eval("<cpu><model>Skylake-Server</model>"
                  "<feature policy='disable' name='avx'/></cpu>",
                  &h, XLC_GUEST_HVM);
    assert_int_equal(t->verdict, XLC_LV_SUPERSET);
    lvtr_model_on("Skylake-Server", &h, want);
    xfs_clear(want, W, XFS_AVX);
    xfs_andnot(want, W, want, W, deps, W);
    assert_true(xfs_equal(t->fs, W, want, W));
    /* Each dependent the model had is reported, by both names. */
    {
        const struct xlc_lv_note *n;
        uint32_t lost[W];

        xfs_and(lost, W, lvtr_model_bits("Skylake-Server"), W, deps, W);
        assert_true(xfs_popcount(lost, W) >= 8);
        assert_int_equal(lvtr_count_notes(t, XLC_LV_NOTE_DEPENDENT_CLEARED),
                         xfs_popcount(lost, W));
        n = lvtr_note_for(t, XLC_LV_NOTE_DEPENDENT_CLEARED, "AVX512F");
        assert_string_equal(n->lv_name, "avx512f");
    }
    xlc_lv_translation_free(t);
    /* Disabling what is explicitly required is a conflict. */
    lvtr_fails("<cpu><model>Skylake-Server</model>\n"
               "<feature policy='disable' name='avx'/>\n"
               "<feature policy='require' name='avx2'/></cpu>",
               &h, XLC_GUEST_HVM,
               "'avx2' (Xen AVX2) is required but depends on disable "
               "'avx'",
               NULL);
    /* Two names for one bit: required as an alias, disabled by name. */
    lvtr_fails("<cpu><model>Westmere</model>"
               "<feature policy='require' name='sse3'/>"
               "<feature policy='disable' name='pni'/></cpu>",
               &h, XLC_GUEST_HVM, "is both required and disabled", NULL);
}

/*
 * forbid follows libvirt's CPU compare: a forbidden feature the host
 * provides (Xen can give it to the guest type) refuses the guest, "Host
 * CPU provides forbidden features"; one it does not provide is nothing to
 * do.  (Until issue 12 a provided feature was silently masked.)
 */
static void forbid(void **state)
{
    struct xlc_lv_host h;
    struct xlc_lv_translation *t;

    (void)state;
    lvtr_host(SKX, XLC_GUEST_HVM, &h);
    /* A plain feature the host has: refused, by both names. */
    assert_true(xfs_test(h.def, W, XFS_MOVBE));
    t = lvtr_eval("<cpu mode='host-passthrough'>\n"
                  "<feature policy='forbid' name='movbe'/></cpu>",
                  &h, XLC_GUEST_HVM);
    assert_int_equal(t->verdict, XLC_LV_INCOMPATIBLE);
    assert_int_equal(t->nr_blockers, 1);
    assert_true(lvtr_blocked(t, XLC_LV_BLOCK_FORBIDDEN, "movbe", "MOVBE"));
    assert_string_equal(t->blockers[0].text,
                        "line 2: 'movbe' (Xen MOVBE) is forbidden, but the "
                        "host provides it (Xen can give it to hvm guests)");
    xlc_lv_translation_free(t);
    /* An opt-in feature counts: Xen can give it (VMX for nested HVM). */
    t = lvtr_eval("<cpu><model>Westmere</model>"
                  "<feature policy='forbid' name='vmx'/></cpu>",
                  &h, XLC_GUEST_HVM);
    assert_true(lvtr_blocked(t, XLC_LV_BLOCK_FORBIDDEN, "vmx", "VMX"));
    xlc_lv_translation_free(t);
    /* Absent from the host: nothing to do. */
    t = lvtr_eval("<cpu><model>Westmere</model>"
                  "<feature policy='forbid' name='sha-ni'/></cpu>",
                  &h, XLC_GUEST_HVM);
    assert_int_equal(t->verdict, XLC_LV_SUPERSET);
    xlc_lv_translation_free(t);
    /* On the host, but Xen never shows it to this type: not provided. */
    lvtr_host(SKX, XLC_GUEST_PV, &h);
    assert_true(xfs_test(h.host, W, XFS_VMX));
    t = lvtr_eval("<cpu mode='host-passthrough'>"
                  "<feature policy='forbid' name='vmx'/></cpu>",
                  &h, XLC_GUEST_PV);
    assert_int_equal(t->nr_blockers, 0);
    assert_false(xfs_test(t->fs, W, XFS_VMX));
    xlc_lv_translation_free(t);
    /* Forced by the host: special, in the host (or synthesised) and in
     * the default set: forbidding refuses, disabling is noted. */
    lvtr_host(SKX, XLC_GUEST_HVM, &h);
    assert_true(xlc_lv_host_forces(&h, XFS_HYPERVISOR));
    assert_true(xlc_lv_host_forces(&h, XFS_RDRAND));
    assert_false(xlc_lv_host_forces(&h, XFS_MOVBE));
    assert_false(xlc_lv_host_forces(&h, XFS_OSXSAVE));
    lvtr_fails("<cpu mode='host-passthrough'>\n"
               "<feature policy='forbid' name='hypervisor'/>\n"
               "<feature policy='forbid' name='rdrand'/></cpu>",
               &h, XLC_GUEST_HVM,
               "line 2: 'hypervisor' (Xen HYPERVISOR) is forbidden, but "
               "the host provides it",
               "line 3: 'rdrand' (Xen RDRAND) is forbidden");
    t = lvtr_eval("<cpu mode='host-passthrough'>"
                  "<feature policy='disable' name='rdrand'/></cpu>",
                  &h, XLC_GUEST_HVM);
    assert_non_null(lvtr_note_for(t, XLC_LV_NOTE_FORCED, "RDRAND"));
    assert_false(xfs_test(t->fs, W, XFS_RDRAND));
    xlc_lv_translation_free(t);
    /* Forbidding what Xen cannot express cannot be guaranteed. */
    lvtr_fails("<cpu mode='host-passthrough'>"
               "<feature policy='forbid' name='arat'/></cpu>",
               &h, XLC_GUEST_HVM,
               "forbid 'arat' cannot be guaranteed", "CPUID 0x6 EAX");
}

/*
 * A named model keeps the virtual platform's bits (XCF_PLATFORM): QEMU
 * and libvirt give every model the hypervisor bit; only an explicit
 * disable hides it.  PV guests have no x2APIC, so it is not added there.
 */
static void platform_bits_kept(void **state)
{
    const uint32_t *plat = xfs_static_masks[XFS_MASK_PLATFORM];
    struct xlc_lv_host h;
    struct xlc_lv_translation *t;
    const struct xlc_lv_note *n;

    (void)state;
    /* The decision lives in the feature list, derived into a mask. */
    assert_true(xfs_test(plat, W, XFS_HYPERVISOR));
    assert_true(xfs_test(plat, W, XFS_X2APIC));
    assert_true(xfs_test(plat, W, XFS_HTT));
    assert_false(xfs_test(plat, W, XFS_APIC));
    assert_int_equal(xfs_popcount(plat, W), 3);
    for (int k = 0; k < 2; k++) {
        enum xlc_guest_type ty = k ? XLC_GUEST_PV : XLC_GUEST_HVM;

        lvtr_host(ROME, ty, &h);
        assert_false(xfs_test(lvtr_model_bits("EPYC"), W, XFS_HYPERVISOR));
        t = lvtr_eval("<cpu mode='host-passthrough'/>", &h, ty);
        assert_true(xfs_test(t->fs, W, XFS_HYPERVISOR));
        xlc_lv_translation_free(t);
        t = lvtr_eval("<cpu><model>EPYC</model></cpu>", &h, ty);
        assert_true(xfs_test(t->fs, W, XFS_HYPERVISOR));
        n = lvtr_note_for(t, XLC_LV_NOTE_PLATFORM, "HYPERVISOR");
        assert_non_null(n);
        assert_string_equal(n->lv_name, "hypervisor");
        /* X2APIC: every HVM guest; a PV guest as the model says. */
        assert_int_equal(xfs_test(t->fs, W, XFS_X2APIC),
                         ty == XLC_GUEST_HVM ||
                             xfs_test(lvtr_model_bits("EPYC"), W, XFS_X2APIC));
        xlc_lv_translation_free(t);
    }
    /* A model without x2apic keeps it on HVM (Xen's emulated APIC). */
    lvtr_host(SKX, XLC_GUEST_HVM, &h);
    assert_false(xfs_test(lvtr_model_bits("Westmere"), W, XFS_X2APIC));
    t = lvtr_eval("<cpu><model>Westmere</model></cpu>", &h, XLC_GUEST_HVM);
    assert_true(xfs_test(t->fs, W, XFS_X2APIC));
    assert_non_null(lvtr_note_for(t, XLC_LV_NOTE_PLATFORM, "X2APIC"));
    xlc_lv_translation_free(t);
    /* Disabled explicitly: gone, and nothing said about keeping it. */
    t = lvtr_eval("<cpu><model>Westmere</model>"
                  "<feature policy='disable' name='hypervisor'/></cpu>",
                  &h, XLC_GUEST_HVM);
    assert_false(xfs_test(t->fs, W, XFS_HYPERVISOR));
    assert_int_equal(t->verdict, XLC_LV_SUPERSET);
    xlc_lv_translation_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(custom_model_exact),
        cmocka_unit_test(passthrough_maximum_hostmodel),
        cmocka_unit_test(match_minimum_and_strict),
        cmocka_unit_test(require_and_force),
        cmocka_unit_test(optional),
        cmocka_unit_test(disable_clears_dependents),
        cmocka_unit_test(forbid),
        cmocka_unit_test(platform_bits_kept),
    };
    return cmocka_run_group_tests(tests, lvtr_setup, lvtr_teardown);
}
