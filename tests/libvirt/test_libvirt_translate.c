/* SPDX-License-Identifier: MIT */
/*
 * Translating <cpu> definitions for real hosts (shared CPUID dumps through
 * the simulated hypervisor): each policy kind, each mode, match kinds,
 * vendor, unknown names, runnability verdicts with every blocker listed.
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

#include "libxl_cpuid/libvirt/libvirt-translate.h"
#include "../helpers/shared-data.h"

#define W XFS_NR_WORDS

static struct xlc_cpu_map *map;

/* A host from one of the shared dumps. */
static void host(const char *dump, enum xlc_guest_type type,
                 struct xlc_lv_host *h)
{
    struct xlc_cpuid_dump *d;
    xlc_error err = { 0 };
    char path[4096];

    snprintf(path, sizeof(path), "%s/cpuid/instlatx64/%s.xml", shared_dir(),
             dump);
    if (xlc_dump_load(path, &d, &err))
        fail_msg("%s", err.msg);
    assert_true(xlc_lv_host_from_dump(h, type, d, NULL));
    xlc_dump_free(d);
}

#define SKX "GenuineIntel0050654_SkylakeXeon"
#define HSW "GenuineIntel00306F2_HaswellEP"
#define ROME "AuthenticAMD0830F10_K17_Rome"

static struct xlc_lv_cpu *cpu_of(const char *xml)
{
    struct xlc_lv_cpu *cpu;
    xlc_error err = { 0 };

    if (xlc_lv_cpu_parse("g.xml", xml, strlen(xml), &cpu, &err))
        fail_msg("%s", err.msg);
    return cpu;
}

static struct xlc_lv_translation *eval(const char *xml,
                                       const struct xlc_lv_host *h,
                                       enum xlc_guest_type type)
{
    struct xlc_lv_cpu *cpu = cpu_of(xml);
    struct xlc_lv_translation *t;
    xlc_error err = { 0 };

    if (xlc_lv_evaluate(map, cpu, h, type, &t, &err))
        fail_msg("%s", err.msg);
    xlc_lv_cpu_free(cpu);
    return t;
}

static void translate_fails(const char *xml, const struct xlc_lv_host *h,
                            enum xlc_guest_type type, const char *want1,
                            const char *want2)
{
    struct xlc_lv_cpu *cpu = cpu_of(xml);
    struct xlc_lv_translation *t = NULL;
    xlc_error err = { 0 };

    assert_int_equal(xlc_lv_translate(map, cpu, h, type, &t, &err), -EINVAL);
    assert_null(t);
    if (!strstr(err.msg, want1) || (want2 && !strstr(err.msg, want2)))
        fail_msg("error '%s' lacks '%s' / '%s'", err.msg, want1,
                 want2 ? want2 : "");
    xlc_lv_cpu_free(cpu);
}

static size_t count_notes(const struct xlc_lv_translation *t,
                          enum xlc_lv_note_kind k)
{
    size_t n = 0;

    for (size_t i = 0; i < t->nr_notes; i++)
        n += t->notes[i].kind == k;
    return n;
}

static const struct xlc_lv_note *note_for(const struct xlc_lv_translation *t,
                                          enum xlc_lv_note_kind k,
                                          const char *xen)
{
    for (size_t i = 0; i < t->nr_notes; i++)
        if (t->notes[i].kind == k && t->notes[i].xen_name &&
            !strcmp(t->notes[i].xen_name, xen))
            return &t->notes[i];
    return NULL;
}

static bool blocked(const struct xlc_lv_translation *t,
                    enum xlc_lv_block_kind k, const char *lv, const char *xen)
{
    for (size_t i = 0; i < t->nr_blockers; i++) {
        const struct xlc_lv_blocker *b = &t->blockers[i];

        if (b->kind == k && (!lv || (b->lv_name && !strcmp(b->lv_name, lv))) &&
            (!xen || (b->xen_name && !strcmp(b->xen_name, xen))))
            return true;
    }
    return false;
}

static const uint32_t *model_bits(const char *name)
{
    const struct xlc_lv_model *m = xlc_cpu_map_model(map, name);

    assert_non_null(m);
    return m->xen;
}

/* A model's features plus the platform bits of the type's default set
 * (XCF_PLATFORM: a named model does not take them away). */
static void model_on(const char *name, const struct xlc_lv_host *h,
                     uint32_t want[W])
{
    xfs_and(want, W, h->def, W, xfs_static_masks[XFS_MASK_PLATFORM], W);
    xfs_or(want, W, want, W, model_bits(name), W);
}

/* ---- modes ---- */

static void custom_model_exact(void **state)
{
    struct xlc_lv_host h;
    struct xlc_lv_translation *t;
    uint32_t want[W];

    (void)state;
    host(SKX, XLC_GUEST_HVM, &h);
    t = eval("<cpu match='exact'><model>Haswell-noTSX</model></cpu>", &h,
             XLC_GUEST_HVM);
    assert_int_equal(t->verdict, XLC_LV_SUPERSET);
    model_on("Haswell-noTSX", &h, want);
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
    host(SKX, XLC_GUEST_HVM, &h);
    t = eval("<cpu mode='host-passthrough'/>", &h, XLC_GUEST_HVM);
    assert_true(xfs_equal(t->fs, W, h.def, W));
    assert_int_equal(t->verdict, XLC_LV_IDENTICAL);
    xlc_lv_translation_free(t);

    t = eval("<cpu mode='maximum'/>", &h, XLC_GUEST_HVM);
    assert_true(xfs_equal(t->fs, W, h.max, W));
    assert_int_equal(t->verdict, XLC_LV_SUPERSET);
    xlc_lv_translation_free(t);

    t = eval("<cpu mode='host-model'/>", &h, XLC_GUEST_HVM);
    xfs_and(named, W, h.def, W, map->nameable, W);
    assert_true(xfs_equal(t->fs, W, named, W));
    assert_non_null(t->decoded);
    assert_int_equal(t->verdict, XLC_LV_IDENTICAL);
    /* What host-model cannot pass on is said, bit by bit. */
    {
        uint32_t lost[W];

        xfs_andnot(lost, W, h.def, W, map->nameable, W);
        assert_int_equal(count_notes(t, XLC_LV_NOTE_NOT_NAMEABLE),
                         xfs_popcount(lost, W));
    }
    xlc_lv_translation_free(t);

    /* No model and no features: the hypervisor's default CPU. */
    t = eval("<cpu><topology sockets='1' cores='2' threads='1'/></cpu>", &h,
             XLC_GUEST_HVM);
    assert_true(xfs_equal(t->fs, W, h.def, W));
    assert_int_equal(count_notes(t, XLC_LV_NOTE_IGNORED), 1);
    xlc_lv_translation_free(t);
}

static void match_minimum_and_strict(void **state)
{
    struct xlc_lv_host h;
    struct xlc_lv_translation *t;
    uint32_t want[W], extra[W];

    (void)state;
    host(SKX, XLC_GUEST_HVM, &h);
    t = eval("<cpu match='minimum'><model>Westmere</model></cpu>", &h,
             XLC_GUEST_HVM);
    xfs_or(want, W, h.def, W, model_bits("Westmere"), W);
    assert_true(xfs_equal(t->fs, W, want, W));
    xlc_lv_translation_free(t);

    t = eval("<cpu match='strict'><model>Westmere</model></cpu>", &h,
             XLC_GUEST_HVM);
    assert_int_equal(t->verdict, XLC_LV_INCOMPATIBLE);
    xfs_and(extra, W, h.def, W, map->nameable, W);
    model_on("Westmere", &h, want);
    xfs_andnot(extra, W, extra, W, want, W);
    assert_int_equal(t->nr_blockers, xfs_popcount(extra, W));
    assert_true(blocked(t, XLC_LV_BLOCK_STRICT_EXTRA, "avx2", "AVX2"));
    xlc_lv_translation_free(t);
}

/* ---- policies ---- */

static void require_and_force(void **state)
{
    struct xlc_lv_host h;
    struct xlc_lv_translation *t;

    (void)state;
    host(SKX, XLC_GUEST_HVM, &h);
    /* On the host and offered: added. */
    t = eval("<cpu><model>Westmere</model>"
             "<feature policy='require' name='avx2'/>"
             "<feature policy='force' name='avx'/>"
             "<feature name='xsave'/></cpu>",
             &h, XLC_GUEST_HVM);
    assert_int_equal(t->verdict, XLC_LV_SUPERSET);
    assert_true(xfs_test(t->fs, W, XFS_AVX2));
    assert_true(xfs_test(t->fs, W, XFS_AVX));
    xlc_lv_translation_free(t);
    /* Not on a Skylake Xeon: refused, naming libvirt and Xen names. */
    translate_fails("<cpu><model>Haswell</model>\n"
                    "<feature policy='require' name='avx512vbmi'/>\n"
                    "<feature policy='force' name='sha-ni'/></cpu>",
                    &h, XLC_GUEST_HVM,
                    "'avx512vbmi' (Xen AVX512_VBMI): the host does not have "
                    "it",
                    "'sha-ni' (Xen SHA): the host does not have it");
    /* On the host, but Xen never gives PV guests VMX. */
    host(SKX, XLC_GUEST_PV, &h);
    assert_true(xfs_test(h.host, W, XFS_VMX));
    translate_fails("<cpu><model>Nehalem</model>"
                    "<feature policy='require' name='vmx'/></cpu>",
                    &h, XLC_GUEST_PV,
                    "'vmx' (Xen VMX): Xen does not offer it to pv guests",
                    NULL);
    /* Model features must be available too. */
    translate_fails("<cpu><model>Nehalem</model></cpu>", &h, XLC_GUEST_PV,
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
    host(SKX, XLC_GUEST_HVM, &h);
    t = eval("<cpu><model>Westmere</model>"
             "<feature policy='optional' name='xsave'/>"
             "<feature policy='optional' name='avx'/>"
             "<feature policy='optional' name='avx512vbmi'/>"
             "<feature policy='optional' name='arat'/></cpu>",
             &h, XLC_GUEST_HVM);
    assert_int_equal(t->verdict, XLC_LV_SUPERSET);
    assert_true(xfs_test(t->fs, W, XFS_AVX));
    assert_false(xfs_test(t->fs, W, XFS_AVX512_VBMI));
    n = note_for(t, XLC_LV_NOTE_OPTIONAL_DROPPED, "AVX512_VBMI");
    assert_non_null(n);
    assert_string_equal(n->lv_name, "avx512vbmi");
    assert_non_null(strstr(n->text, "the host does not have it"));
    /* An optional feature Xen cannot express is dropped with a note. */
    assert_int_equal(count_notes(t, XLC_LV_NOTE_INEXPRESSIBLE), 1);
    for (size_t i = 0; i < t->nr_notes; i++)
        if (t->notes[i].kind == XLC_LV_NOTE_INEXPRESSIBLE)
            assert_non_null(strstr(t->notes[i].text,
                                   "optional 'arat' dropped"));
    xlc_lv_translation_free(t);
    /* Optional overrides the model: a model feature made optional and
     * missing is dropped, not required (libvirt's virCPUUpdate makes it
     * disable; x86Compute subtracts optional from what is required). */
    t = eval("<cpu><model>Cascadelake-Server</model>"
             "<feature policy='optional' name='avx512vnni'/>"
             "<feature policy='optional' name='spec-ctrl'/>"
             "<feature policy='optional' name='ssbd'/></cpu>",
             &h, XLC_GUEST_HVM);
    assert_true(xfs_test(model_bits("Cascadelake-Server"), W,
                         XFS_AVX512_VNNI));
    assert_int_equal(t->nr_blockers, 0);
    assert_int_equal(t->verdict, XLC_LV_SUPERSET);
    assert_false(xfs_test(t->fs, W, XFS_AVX512_VNNI));
    assert_non_null(note_for(t, XLC_LV_NOTE_OPTIONAL_DROPPED, "AVX512_VNNI"));
    xlc_lv_translation_free(t);
}

static void disable_clears_dependents(void **state)
{
    struct xlc_lv_host h;
    struct xlc_lv_translation *t;
    uint32_t want[W];
    const uint32_t *deps = xfs_lookup_deep_deps(XFS_AVX);

    (void)state;
    host(SKX, XLC_GUEST_HVM, &h);
    t = eval("<cpu><model>Skylake-Server</model>"
             "<feature policy='disable' name='avx'/></cpu>",
             &h, XLC_GUEST_HVM);
    assert_int_equal(t->verdict, XLC_LV_SUPERSET);
    model_on("Skylake-Server", &h, want);
    xfs_clear(want, W, XFS_AVX);
    xfs_andnot(want, W, want, W, deps, W);
    assert_true(xfs_equal(t->fs, W, want, W));
    /* Each dependent the model had is reported, by both names. */
    {
        uint32_t lost[W];

        xfs_and(lost, W, model_bits("Skylake-Server"), W, deps, W);
        assert_true(xfs_popcount(lost, W) >= 8);
        assert_int_equal(count_notes(t, XLC_LV_NOTE_DEPENDENT_CLEARED),
                         xfs_popcount(lost, W));
        assert_string_equal(
            note_for(t, XLC_LV_NOTE_DEPENDENT_CLEARED, "AVX512F")->lv_name,
            "avx512f");
    }
    xlc_lv_translation_free(t);
    /* Disabling what is explicitly required is a conflict. */
    translate_fails("<cpu><model>Skylake-Server</model>\n"
                    "<feature policy='disable' name='avx'/>\n"
                    "<feature policy='require' name='avx2'/></cpu>",
                    &h, XLC_GUEST_HVM,
                    "'avx2' (Xen AVX2) is required but depends on disable "
                    "'avx'",
                    NULL);
    /* Two names for one bit: required as an alias, disabled by name. */
    translate_fails("<cpu><model>Westmere</model>"
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
    host(SKX, XLC_GUEST_HVM, &h);
    /* A plain feature the host has: refused, by both names. */
    assert_true(xfs_test(h.def, W, XFS_MOVBE));
    t = eval("<cpu mode='host-passthrough'>\n"
             "<feature policy='forbid' name='movbe'/></cpu>",
             &h, XLC_GUEST_HVM);
    assert_int_equal(t->verdict, XLC_LV_INCOMPATIBLE);
    assert_int_equal(t->nr_blockers, 1);
    assert_true(blocked(t, XLC_LV_BLOCK_FORBIDDEN, "movbe", "MOVBE"));
    assert_string_equal(t->blockers[0].text,
                        "line 2: 'movbe' (Xen MOVBE) is forbidden, but the "
                        "host provides it (Xen can give it to hvm guests)");
    xlc_lv_translation_free(t);
    /* An opt-in feature counts: Xen can give it (VMX for nested HVM). */
    t = eval("<cpu><model>Westmere</model>"
             "<feature policy='forbid' name='vmx'/></cpu>",
             &h, XLC_GUEST_HVM);
    assert_true(blocked(t, XLC_LV_BLOCK_FORBIDDEN, "vmx", "VMX"));
    xlc_lv_translation_free(t);
    /* Absent from the host: nothing to do. */
    t = eval("<cpu><model>Westmere</model>"
             "<feature policy='forbid' name='sha-ni'/></cpu>",
             &h, XLC_GUEST_HVM);
    assert_int_equal(t->verdict, XLC_LV_SUPERSET);
    xlc_lv_translation_free(t);
    /* On the host, but Xen never shows it to this type: not provided. */
    host(SKX, XLC_GUEST_PV, &h);
    assert_true(xfs_test(h.host, W, XFS_VMX));
    t = eval("<cpu mode='host-passthrough'>"
             "<feature policy='forbid' name='vmx'/></cpu>",
             &h, XLC_GUEST_PV);
    assert_int_equal(t->nr_blockers, 0);
    assert_false(xfs_test(t->fs, W, XFS_VMX));
    xlc_lv_translation_free(t);
    /* Forced by the host: special, in the host (or synthesised) and in
     * the default set: forbidding refuses, disabling is noted. */
    host(SKX, XLC_GUEST_HVM, &h);
    assert_true(xlc_lv_host_forces(&h, XFS_HYPERVISOR));
    assert_true(xlc_lv_host_forces(&h, XFS_RDRAND));
    assert_false(xlc_lv_host_forces(&h, XFS_MOVBE));
    assert_false(xlc_lv_host_forces(&h, XFS_OSXSAVE));
    translate_fails("<cpu mode='host-passthrough'>\n"
                    "<feature policy='forbid' name='hypervisor'/>\n"
                    "<feature policy='forbid' name='rdrand'/></cpu>",
                    &h, XLC_GUEST_HVM,
                    "line 2: 'hypervisor' (Xen HYPERVISOR) is forbidden, but "
                    "the host provides it",
                    "line 3: 'rdrand' (Xen RDRAND) is forbidden");
    t = eval("<cpu mode='host-passthrough'>"
             "<feature policy='disable' name='rdrand'/></cpu>",
             &h, XLC_GUEST_HVM);
    assert_non_null(note_for(t, XLC_LV_NOTE_FORCED, "RDRAND"));
    assert_false(xfs_test(t->fs, W, XFS_RDRAND));
    xlc_lv_translation_free(t);
    /* Forbidding what Xen cannot express cannot be guaranteed. */
    translate_fails("<cpu mode='host-passthrough'>"
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

        host(ROME, ty, &h);
        assert_false(xfs_test(model_bits("EPYC"), W, XFS_HYPERVISOR));
        t = eval("<cpu mode='host-passthrough'/>", &h, ty);
        assert_true(xfs_test(t->fs, W, XFS_HYPERVISOR));
        xlc_lv_translation_free(t);
        t = eval("<cpu><model>EPYC</model></cpu>", &h, ty);
        assert_true(xfs_test(t->fs, W, XFS_HYPERVISOR));
        n = note_for(t, XLC_LV_NOTE_PLATFORM, "HYPERVISOR");
        assert_non_null(n);
        assert_string_equal(n->lv_name, "hypervisor");
        /* X2APIC: every HVM guest; a PV guest as the model says. */
        assert_int_equal(xfs_test(t->fs, W, XFS_X2APIC),
                         ty == XLC_GUEST_HVM ||
                             xfs_test(model_bits("EPYC"), W, XFS_X2APIC));
        xlc_lv_translation_free(t);
    }
    /* A model without x2apic keeps it on HVM (Xen's emulated APIC). */
    host(SKX, XLC_GUEST_HVM, &h);
    assert_false(xfs_test(model_bits("Westmere"), W, XFS_X2APIC));
    t = eval("<cpu><model>Westmere</model></cpu>", &h, XLC_GUEST_HVM);
    assert_true(xfs_test(t->fs, W, XFS_X2APIC));
    assert_non_null(note_for(t, XLC_LV_NOTE_PLATFORM, "X2APIC"));
    xlc_lv_translation_free(t);
    /* Disabled explicitly: gone, and nothing said about keeping it. */
    t = eval("<cpu><model>Westmere</model>"
             "<feature policy='disable' name='hypervisor'/></cpu>",
             &h, XLC_GUEST_HVM);
    assert_false(xfs_test(t->fs, W, XFS_HYPERVISOR));
    assert_int_equal(t->verdict, XLC_LV_SUPERSET);
    xlc_lv_translation_free(t);
}

static void inexpressible_required(void **state)
{
    struct xlc_lv_host h;

    (void)state;
    host(ROME, XLC_GUEST_HVM, &h);
    translate_fails("<cpu><model>EPYC</model>\n\n"
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
    host(SKX, XLC_GUEST_HVM, &h);
    /* Optional AVX2 is available, but Westmere has no AVX: cleared. */
    t = eval("<cpu><model>Westmere</model>"
             "<feature policy='optional' name='avx2'/></cpu>",
             &h, XLC_GUEST_HVM);
    assert_false(xfs_test(t->fs, W, XFS_AVX2));
    assert_non_null(strstr(
        note_for(t, XLC_LV_NOTE_DEEP_DEP_CLEARED, "AVX2")->text,
        "needs Xen AVX"));
    assert_true(xfs_deps_closed(t->fs, W));
    xlc_lv_translation_free(t);
    /* Required, it is a conflict. */
    translate_fails("<cpu><model>Westmere</model>"
                    "<feature policy='require' name='avx2'/></cpu>",
                    &h, XLC_GUEST_HVM,
                    "required 'avx2' (Xen AVX2) needs Xen AVX", NULL);
}

static void vendor(void **state)
{
    struct xlc_lv_host h;
    struct xlc_lv_translation *t;

    (void)state;
    host(SKX, XLC_GUEST_HVM, &h);
    t = eval("<cpu><model>Westmere</model><vendor>Intel</vendor></cpu>", &h,
             XLC_GUEST_HVM);
    assert_int_equal(t->verdict, XLC_LV_SUPERSET);
    xlc_lv_translation_free(t);
    t = eval("<cpu><model>Westmere</model><vendor>AMD</vendor></cpu>", &h,
             XLC_GUEST_HVM);
    assert_int_equal(t->verdict, XLC_LV_INCOMPATIBLE);
    assert_true(blocked(t, XLC_LV_BLOCK_VENDOR, NULL, NULL));
    xlc_lv_translation_free(t);
}

static void unknown_names(void **state)
{
    struct xlc_lv_host h;
    struct xlc_lv_cpu *cpu;
    struct xlc_lv_translation *t;
    xlc_error err = { 0 };

    (void)state;
    host(SKX, XLC_GUEST_HVM, &h);
    cpu = cpu_of("<cpu>\n<model>Haswel</model></cpu>");
    assert_int_equal(xlc_lv_evaluate(map, cpu, &h, XLC_GUEST_HVM, &t, &err),
                     -EINVAL);
    assert_non_null(strstr(err.msg, "g.xml:2: unknown CPU model 'Haswel' "
                                    "(nearest known: 'Haswell')"));
    xlc_lv_cpu_free(cpu);
    cpu = cpu_of("<cpu><model>Haswell</model>\n"
                 "<feature name='avx512'/>\n<feature name='sse4_2'/>\n"
                 "<feature policy='disable' name='rtmm'/></cpu>");
    assert_int_equal(xlc_lv_evaluate(map, cpu, &h, XLC_GUEST_HVM, &t, &err),
                     -EINVAL);
    /* Every unknown one, with its line; aliases are known names. */
    assert_non_null(strstr(err.msg, "g.xml:2: unknown feature 'avx512' "
                                    "(nearest known: 'avx512f')"));
    assert_non_null(strstr(err.msg, "g.xml:4: unknown feature 'rtmm' "
                                    "(nearest known: 'rtm')"));
    assert_null(strstr(err.msg, "sse4_2"));
    xlc_lv_cpu_free(cpu);
    cpu = cpu_of("<cpu><model>Haswell</model>\n<vendor>Intle</vendor></cpu>");
    assert_int_equal(xlc_lv_evaluate(map, cpu, &h, XLC_GUEST_HVM, &t, &err),
                     -EINVAL);
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
    host(HSW, XLC_GUEST_HVM, &h);
    t = eval("<cpu><model>Icelake-Server</model></cpu>", &h, XLC_GUEST_HVM);
    assert_int_equal(t->verdict, XLC_LV_INCOMPATIBLE);
    xlc_lv_host_available(&h, avail);
    xfs_andnot(missing, W, model_bits("Icelake-Server"), W, avail, W);
    assert_true(xfs_popcount(missing, W) > 10);
    assert_int_equal(t->nr_blockers, xfs_popcount(missing, W));
    for (unsigned int b = 0; b < XFS_NR_FEATURE_BITS; b++) {
        const struct xfs_feature_info *fi = xfs_feature_by_value(b);

        if (xfs_test(missing, W, b) &&
            !blocked(t, XLC_LV_BLOCK_NOT_ON_HOST, NULL, fi->name) &&
            !blocked(t, XLC_LV_BLOCK_NOT_IN_MAX, NULL, fi->name))
            fail_msg("%s missing but not listed", fi->name);
    }
    assert_true(blocked(t, XLC_LV_BLOCK_NOT_ON_HOST, "avx512f", "AVX512F"));
    xlc_lv_translation_free(t);
    /* The same definition on a host that has it all. */
    host("GenuineIntel00606A6_ICX_04", XLC_GUEST_HVM, &h);
    t = eval("<cpu><model>Icelake-Server-noTSX</model>"
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

static int setup(void **state)
{
    xlc_error err = { 0 };

    (void)state;
    return xlc_cpu_map_load(NULL, &map, &err);
}

static int teardown(void **state)
{
    (void)state;
    xlc_cpu_map_free(map);
    return 0;
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
        cmocka_unit_test(inexpressible_required),
        cmocka_unit_test(deep_deps_reapplied),
        cmocka_unit_test(vendor),
        cmocka_unit_test(unknown_names),
        cmocka_unit_test(runnability_lists_every_blocker),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
