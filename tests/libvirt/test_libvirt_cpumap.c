/* SPDX-License-Identifier: MIT */
/*
 * libvirt's installed cpu_map read into featureset terms: every feature
 * and model against an independent reading of the XML coordinates; every
 * model translates on a host that has exactly its features; mapping is by
 * coordinates, never by name; inheritance and removals resolve; errors in
 * map files carry file:line.
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

#include "../helpers/lv-oracle.h"
#include "libxl_cpuid/libvirt/libvirt-translate.h"

#define W XFS_NR_WORDS
#define MAP_DIR XLC_CPU_MAP_DEFAULT_DIR

static struct xlc_cpu_map *load_ok(const char *dir)
{
    struct xlc_cpu_map *m = NULL;
    xlc_error err = { 0 };

    if (xlc_cpu_map_load(dir, &m, &err))
        fail_msg("loading %s: %s", dir ? dir : "default", err.msg);
    return m;
}

static void fail_load(const char *dir, const char *want1, const char *want2)
{
    struct xlc_cpu_map *m = NULL;
    xlc_error err = { 0 };

    assert_true(xlc_cpu_map_load(dir, &m, &err) < 0);
    assert_null(m);
    if (!strstr(err.msg, want1) || (want2 && !strstr(err.msg, want2)))
        fail_msg("error '%s' lacks '%s' / '%s'", err.msg, want1,
                 want2 ? want2 : "");
}

static void features_match_coordinates(void **state)
{
    struct xlc_cpu_map *m = load_ok(NULL);
    struct lvo_map o;
    size_t inexpressible = 0;

    (void)state;
    lvo_load(MAP_DIR, &o);
    assert_int_equal(xlc_cpu_map_nr_features(m), o.nr_features);
    for (size_t i = 0; i < o.nr_features; i++) {
        const struct lvo_feature *want = &o.features[i];
        const struct xlc_lv_feature *got = xlc_cpu_map_feature(m, want->name);

        assert_non_null(got);
        if (got->expressible != want->expressible ||
            !xfs_equal(got->xen, W, want->bits, W))
            fail_msg("feature %s: expressible %d/%d, bits differ", want->name,
                     got->expressible, want->expressible);
        if (!got->expressible) {
            assert_non_null(got->why);
            inexpressible++;
        }
    }
    /* The data a caller lists: exactly the inexpressible ones. */
    {
        const struct xlc_lv_feature **list;
        size_t n;
        xlc_error err = { 0 };

        assert_int_equal(xlc_cpu_map_inexpressible(m, &list, &n, &err), 0);
        assert_int_equal(n, inexpressible);
        free(list);
    }
    lvo_free(&o);
    xlc_cpu_map_free(m);
}

/* A few facts a reader can check by eye against x86_features.xml. */
static void known_mappings(void **state)
{
    static const struct {
        const char *lv;
        unsigned int xen;
    } pairs[] = {
        { "pni", XFS_SSE3 },          { "sse3", XFS_SSE3 }, /* alias */
        { "pclmuldq", XFS_PCLMULQDQ }, { "fxsr_opt", XFS_FFXSR },
        { "spec-ctrl", XFS_IBRSB },   { "rdctl-no", XFS_RDCL_NO },
        { "ibrs-all", XFS_EIBRS },    { "mds-no", XFS_MDS_NO },
        { "xsaveerptr", XFS_RSTR_FP_ERR_PTRS },
        { "avx512-bf16", XFS_AVX512_BF16 },
    };
    static const char *const never[] = { "arat", "npt", "perfctr_core",
                                         "split-lock-detect", "la57" };
    struct xlc_cpu_map *m = load_ok(NULL);

    (void)state;
    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        const struct xlc_lv_feature *f = xlc_cpu_map_feature(m, pairs[i].lv);
        uint32_t want[W] = { 0 };

        assert_non_null(f);
        xfs_set(want, W, pairs[i].xen);
        if (!f->expressible || !xfs_equal(f->xen, W, want, W))
            fail_msg("%s does not map to Xen bit %u", pairs[i].lv,
                     pairs[i].xen);
        assert_ptr_equal(xlc_cpu_map_feature_for_xen(m, pairs[i].xen), f);
    }
    for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++) {
        const struct xlc_lv_feature *f = xlc_cpu_map_feature(m, never[i]);

        assert_non_null(f);
        assert_false(f->expressible);
        assert_true(xfs_empty(f->xen, W));
    }
    xlc_cpu_map_free(m);
}

/*
 * The host has exactly the model's features.  The guest gets exactly them,
 * except where the model itself breaks one of Xen's deep dependencies
 * (libvirt 9.0's Icelake-Client lists AVX-512 extensions without AVX512F,
 * EPYC-Rome lists amd-stibp without ibrs): Xen cannot give those, and each
 * one cleared must be reported.
 */
static void translate_on_own_host(const struct xlc_cpu_map *m,
                                  const struct lvo_model *om,
                                  enum xlc_guest_type type,
                                  unsigned int *broken)
{
    struct xlc_lv_host h = { .vendor = "" };
    struct xlc_lv_translation *t;
    uint32_t want[W], dropped[W];
    struct xlc_lv_cpu *cpu;
    xlc_error err = { 0 };
    unsigned int deep_notes = 0;
    char xml[256];

    memcpy(h.host, om->bits, sizeof(h.host));
    memcpy(h.def, om->bits, sizeof(h.def));
    memcpy(h.max, om->bits, sizeof(h.max));
    memcpy(want, om->bits, sizeof(want));
    if (xfs_apply_deep_deps(want, W))
        (*broken)++;
    xfs_andnot(dropped, W, om->bits, W, want, W);
    snprintf(xml, sizeof(xml),
             "<cpu mode='custom' match='exact'><model>%s</model></cpu>",
             om->name);
    assert_int_equal(xlc_lv_cpu_parse("model.xml", xml, strlen(xml), &cpu,
                                      &err), 0);
    if (xlc_lv_translate(m, cpu, &h, type, &t, &err))
        fail_msg("model %s (%s): %s", om->name, xlc_guest_type_name(type),
                 err.msg);
    if (!xfs_equal(t->fs, W, want, W))
        fail_msg("model %s: featureset differs from its features", om->name);
    for (size_t i = 0; i < t->nr_notes; i++) {
        const struct xlc_lv_note *n = &t->notes[i];

        if (n->kind == XLC_LV_NOTE_DEEP_DEP_CLEARED) {
            const struct xlc_lv_feature *f =
                xlc_cpu_map_feature(m, n->lv_name);

            assert_non_null(f);
            assert_true(xfs_subset(f->xen, W, dropped, W));
            deep_notes++;
        } else {
            assert_int_equal(n->kind, XLC_LV_NOTE_INEXPRESSIBLE);
        }
    }
    assert_int_equal(deep_notes, xfs_popcount(dropped, W));
    xlc_lv_translation_free(t);
    xlc_lv_cpu_free(cpu);
}

static void every_model_translates_on_its_own_host(void **state)
{
    struct xlc_cpu_map *m = load_ok(NULL);
    unsigned int broken = 0;
    struct lvo_map o;

    (void)state;
    lvo_load(MAP_DIR, &o);
    assert_int_equal(xlc_cpu_map_nr_models(m), o.nr_models);
    assert_true(o.nr_models >= 50);
    for (size_t i = 0; i < o.nr_models; i++) {
        const struct xlc_lv_model *mm = xlc_cpu_map_model(m, o.models[i].name);

        assert_non_null(mm);
        assert_int_equal(mm->nr_features, o.models[i].nr_features);
        if (!xfs_equal(mm->xen, W, o.models[i].bits, W))
            fail_msg("model %s: bits differ from the XML", mm->name);
        translate_on_own_host(m, &o.models[i], XLC_GUEST_HVM, &broken);
        translate_on_own_host(m, &o.models[i], XLC_GUEST_PV, &broken);
    }
    /* Icelake-Client(-noTSX) and EPYC-Rome, for both guest types. */
    assert_int_equal(broken, 6);
    lvo_free(&o);
    xlc_cpu_map_free(m);
}

static void removed_features_are_not_in_the_model(void **state)
{
    struct xlc_cpu_map *m = load_ok(NULL);
    const struct xlc_lv_model *epyc = xlc_cpu_map_model(m, "EPYC");
    const struct xlc_lv_feature *mon = xlc_cpu_map_feature(m, "monitor");

    (void)state;
    assert_non_null(epyc);
    assert_non_null(mon);
    assert_int_equal(epyc->nr_removed, 1);
    assert_ptr_equal(xlc_cpu_map_feature_at(m, epyc->removed[0]), mon);
    assert_false(xfs_test(epyc->xen, W, XFS_MONITOR));
    xlc_cpu_map_free(m);
}

/* ---- synthetic maps ---- */

static const char *const index_xml =
    "<cpus>\n"
    "  <arch name='x86'>\n"
    "    <include filename='x86_vendors.xml'/>\n"
    "    <include filename='x86_features.xml'/>\n"
    "    <include filename='x86_models.xml'/>\n"
    "  </arch>\n"
    "  <arch name='ppc64'><include filename='nonexistent.xml'/></arch>\n"
    "</cpus>\n";
static const char *const vendors_xml =
    "<cpus><vendor name='Intel' string='GenuineIntel'/></cpus>\n";
/* Names deliberately lie: only the coordinates may decide the bits. */
static const char *const features_xml =
    "<cpus>\n"
    "  <feature name='fpu'><cpuid eax_in='0x01' edx='0x00000001'/></feature>\n"
    "  <feature name='avx'><cpuid eax_in='0x01' ecx='0x00100000'/></feature>\n"
    "  <feature name='not-sse'><cpuid eax_in='0x01' edx='0x02000000'/>\n"
    "  </feature>\n"
    "  <feature name='sse2'><cpuid eax_in='0x01' edx='0x04000000'/></feature>\n"
    "  <feature name='two'><cpuid eax_in='0x07' ecx_in='0x00' "
    "ebx='0x00000009'/></feature>\n"
    "  <feature name='mds'><msr index='0x10a' edx='0x0' eax='0x20'/>"
    "</feature>\n"
    "  <feature name='half'><cpuid eax_in='0x07' ecx_in='0' "
    "ebx='0x00400001'/></feature>\n"
    "</cpus>\n";

static char *synthetic_map(const char *models_xml)
{
    char *dir = lvo_tmpdir();

    lvo_write(dir, "index.xml", index_xml);
    lvo_write(dir, "x86_vendors.xml", vendors_xml);
    lvo_write(dir, "x86_features.xml", features_xml);
    lvo_write(dir, "x86_models.xml", models_xml);
    return dir;
}

static void mapping_is_by_coordinates(void **state)
{
    char *dir = synthetic_map("<cpus/>");
    struct xlc_cpu_map *m = load_ok(dir);
    const struct xlc_lv_feature *avx = xlc_cpu_map_feature(m, "avx");
    const struct xlc_lv_feature *two = xlc_cpu_map_feature(m, "two");
    const struct xlc_lv_feature *half = xlc_cpu_map_feature(m, "half");
    uint32_t want[W] = { 0 };

    (void)state;
    /* 'avx' sits at leaf 1 ECX bit 20: that is SSE4_2, whatever its name. */
    xfs_set(want, W, XFS_SSE4_2);
    assert_true(xfs_equal(avx->xen, W, want, W));
    assert_ptr_equal(xlc_cpu_map_feature_for_xen(m, XFS_SSE), 
                     xlc_cpu_map_feature(m, "not-sse"));
    assert_ptr_equal(xlc_cpu_map_feature_for_xen(m, XFS_MDS_NO),
                     xlc_cpu_map_feature(m, "mds"));
    /* Two bits, both known to Xen: one feature covering both. */
    memset(want, 0, sizeof(want));
    xfs_set(want, W, XFS_FSGSBASE);
    xfs_set(want, W, XFS_BMI1);
    assert_true(two->expressible);
    assert_true(xfs_equal(two->xen, W, want, W));
    /* One bit Xen does not know makes the whole feature inexpressible. */
    assert_false(half->expressible);
    assert_non_null(strstr(half->why, "CPUID 0x7.0 EBX bit 22"));
    xlc_cpu_map_free(m);
    lvo_rmdir(dir);
}

static void inheritance_resolves(void **state)
{
    char *dir = synthetic_map(
        "<cpus>\n"
        "  <model name='grandchild'><model name='child'/>\n"
        "    <feature name='mds'/></model>\n"
        "  <model name='base'><vendor name='Intel'/>\n"
        "    <signature family='6' model='15' stepping='1-3,7'/>\n"
        "    <feature name='fpu'/><feature name='not-sse'/></model>\n"
        "  <model name='child'><model name='base'/>\n"
        "    <feature name='sse2'/><feature name='not-sse' removed='yes'/>\n"
        "  </model>\n"
        "</cpus>\n");
    struct xlc_cpu_map *m = load_ok(dir);
    const struct xlc_lv_model *gc = xlc_cpu_map_model(m, "grandchild");
    uint32_t want[W] = { 0 };

    (void)state;
    xfs_set(want, W, XFS_FPU);
    xfs_set(want, W, XFS_SSE2);
    xfs_set(want, W, XFS_MDS_NO);
    assert_true(xfs_equal(gc->xen, W, want, W));
    assert_int_equal(gc->nr_features, 3);
    /* Vendor and signatures come down from the base model. */
    assert_string_equal(gc->vendor, "Intel");
    assert_int_equal(gc->nr_sigs, 1);
    assert_int_equal(gc->sigs[0].steppings, 0x8eu);
    xlc_cpu_map_free(m);
    lvo_rmdir(dir);
}

static void map_errors_say_where(void **state)
{
    static const struct {
        const char *models, *file_line, *what;
    } cases[] = {
        { "<cpus>\n<model name='a'><model name='b'/></model>\n"
          "<model name='b'>\n<model name='a'/></model></cpus>",
          "x86_models.xml:", "loops back" },
        { "<cpus>\n\n<model name='a'><model name='zz'/></model></cpus>",
          "x86_models.xml:3:", "unknown parent model zz" },
        { "<cpus>\n<model name='a'>\n<feature name='nope'/></model></cpus>",
          "x86_models.xml:3:", "unknown feature nope" },
        { "<cpus>\n<model name='a'/>\n<model name='a'/></cpus>",
          "x86_models.xml:3:", "defined twice" },
        { "<cpus>\n<model name='a'><signature family='x' model='1'/>"
          "</model></cpus>",
          "x86_models.xml:2:", "family='x'" },
        { "<cpus>\n<model name='a'><gadget/></model></cpus>",
          "x86_models.xml:2:", "unknown element <gadget>" },
        { "<cpus>\n<model name='a'><vendor name='Acme'/></model></cpus>",
          "x86_models.xml:2:", "unknown vendor Acme" },
        { "<cpus>\n<model name='a'>", "x86_models.xml:", "malformed XML" },
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *dir = synthetic_map(cases[i].models);

        fail_load(dir, cases[i].file_line, cases[i].what);
        lvo_rmdir(dir);
    }
}

static void feature_file_errors_say_where(void **state)
{
    static const struct {
        const char *features, *file_line, *what;
    } cases[] = {
        { "<cpus>\n<feature name='x'>\n<cpuid eax_in='0x1'/></feature></cpus>",
          "x86_features.xml:3:", "sets no bit" },
        { "<cpus>\n<feature name='x'></feature></cpus>",
          "x86_features.xml:2:", "no <cpuid> or <msr>" },
        { "<cpus>\n<feature name='x'><cpuid eax_in='1' edx='-1'/></feature>"
          "</cpus>",
          "x86_features.xml:2:", "edx='-1'" },
        { "<cpus><feature name='x'><cpuid eax_in='1' edx='1'/></feature>\n"
          "<feature name='y'><alias name='x'/><cpuid eax_in='1' edx='2'/>"
          "</feature></cpus>",
          "x86_features.xml:2:", "defined twice" },
        { "<cpus>\n<feature name='x'><cpuid eax_in='1' edx='1' esi='1'/>"
          "</feature></cpus>",
          "x86_features.xml:2:", "unknown attribute esi" },
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *dir = synthetic_map("<cpus/>");

        lvo_write(dir, "x86_features.xml", cases[i].features);
        fail_load(dir, cases[i].file_line, cases[i].what);
        lvo_rmdir(dir);
    }
}

static void index_errors(void **state)
{
    char *dir = synthetic_map("<cpus/>");

    (void)state;
    lvo_write(dir, "index.xml",
              "<cpus>\n<arch name='x86'>\n"
              "<include filename='../etc/passwd'/></arch></cpus>");
    fail_load(dir, "index.xml:3:", "only file names");
    lvo_write(dir, "index.xml",
              "<cpus>\n<arch name='x86'>\n"
              "<include filename='missing.xml'/></arch></cpus>");
    fail_load(dir, "index.xml:3: included here", "missing.xml: cannot open");
    lvo_write(dir, "index.xml", "<cpus><arch name='ppc64'/></cpus>");
    fail_load(dir, "index.xml:1:", "no <arch name='x86'>");
    lvo_rmdir(dir);
    {
        struct xlc_cpu_map *m = NULL;
        xlc_error err = { 0 };

        assert_int_equal(xlc_cpu_map_load("/nonexistent", &m, &err), -ENOENT);
        assert_non_null(strstr(err.msg, "/nonexistent/index.xml"));
    }
}

static void nearest_names(void **state)
{
    struct xlc_cpu_map *m = load_ok(NULL);

    (void)state;
    assert_string_equal(xlc_cpu_map_nearest_feature(m, "avx512"), "avx512f");
    assert_string_equal(xlc_cpu_map_nearest_feature(m, "SSE4.2"), "sse4.2");
    assert_string_equal(xlc_cpu_map_nearest_model(m, "Haswel"), "Haswell");
    assert_string_equal(xlc_cpu_map_nearest_model(m, "skylake-server"),
                        "Skylake-Server");
    xlc_cpu_map_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(features_match_coordinates),
        cmocka_unit_test(known_mappings),
        cmocka_unit_test(every_model_translates_on_its_own_host),
        cmocka_unit_test(removed_features_are_not_in_the_model),
        cmocka_unit_test(mapping_is_by_coordinates),
        cmocka_unit_test(inheritance_resolves),
        cmocka_unit_test(map_errors_say_where),
        cmocka_unit_test(feature_file_errors_say_where),
        cmocka_unit_test(index_errors),
        cmocka_unit_test(nearest_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
