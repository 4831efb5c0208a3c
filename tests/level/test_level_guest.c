/* SPDX-License-Identifier: MIT */
/*
 * The guest CPU of a pool (level-report.h) over the shared dumps: random
 * single-vendor pools of both guest types (fixed seed).
 *
 *   - the report's xl cpuid= string, applied to every member's own default
 *     policy with the xl apply code, gives the same featureset on each, and
 *     it is the intersection of the members' default sets without what
 *     cannot migrate, dependencies re-applied (computed here from the
 *     derived sets and the cpu_map's own migratable flags); libxenlight
 *     parses the string as we do;
 *   - nothing opt-in or non-migratable is on it without the flags;
 *   - --with adds exactly the feature and its prerequisites, and is refused
 *     outside the max level; --nomigrate gates what cannot migrate;
 *   - the levelled <cpu> runs on every member (libvirt evaluation, as
 *     `model` does it) and gives the guest CPU as far as libvirt names it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../helpers/level_testdata.h"
#include "../helpers/xl-oracle.h"
#include "libxl_cpuid/policy/cpu-policy.h"
#include "libxl_cpuid/level/level-report.h"
#include "libxl_cpuid/libvirt/libvirt-translate.h"
#include "libxl_cpuid/xl/xl-cpuid.h"

#define NW XFS_NR_WORDS
#define POOLS 12

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

static const uint32_t *inv(void)
{
    return xfs_static_masks[XFS_MASK_INVERTED];
}

/* A random pool of one vendor's hosts that run the type: indices. */
static size_t random_pool(uint64_t *seed, enum xlc_guest_type t,
                          const char *vendor, size_t *idx)
{
    size_t n = lvt_shuffled(seed, t, vendor, false, idx);

    return n ? 1 + lvt_rand(seed) % (n < 6 ? n : 6) : 0;
}

static struct xlc_level_report *report_of(enum xlc_guest_type t,
                                          const size_t *idx, size_t n,
                                          const char *with, bool nomigrate)
{
    struct xlc_level_options o = { .with = with, .nomigrate = nomigrate,
                                   .map = map };
    struct xlc_level_report *r;
    xlc_error err;

    if (xlc_level_report_new(t, &r, &err))
        fail_msg("%s", err.msg);
    for (size_t i = 0; i < n; i++)
        if (xlc_level_report_add_host(r, lvt_hosts[idx[i]].name,
                                      lvt_hosts[idx[i]].path,
                                      &lvt_hosts[idx[i]].as[t], &err))
            fail_msg("%s", err.msg);
    if (xlc_level_report_compute(r, &o, &err))
        fail_msg("%s", err.msg);
    return r;
}

/* What cannot migrate, from the feature list and the cpu_map itself. */
/*
 * What cannot migrate by Xen's rule (XCF_NOMIGRATE): off the guest level.
 * libvirt's migratable='no' flags (QEMU's rule) gate opt-ins only: a
 * default Xen gives every guest (xsaves) stays on the guest level.
 */
static void nomigrate_oracle(uint32_t out[NW])
{
    memset(out, 0, NW * sizeof(*out));
    for (unsigned int i = 0; i < xfs_nr_features; i++)
        if (xfs_features[i].flags & XCF_NOMIGRATE)
            xfs_set(out, NW, xfs_features[i].value);
}

/* The guest level from the members' own default sets. */
static void guest_oracle(enum xlc_guest_type t, const size_t *idx, size_t n,
                         bool nomigrate, uint32_t out[NW])
{
    const uint32_t *m = xfs_static_masks[t == XLC_GUEST_PV
                                             ? XFS_MASK_PV_MAX
                                             : XFS_MASK_HVM_HAP_MAX];
    uint32_t nomig[NW];

    nomigrate_oracle(nomig);
    memset(out, 0xff, NW * sizeof(*out));
    for (size_t i = 0; i < n; i++)
        xfs_and(out, NW, out, NW, lvt_hosts[idx[i]].as[t].def, NW);
    for (unsigned int w = 0; w < NW; w++)
        out[w] &= m[w] & ~inv()[w] & (nomigrate ? ~0u : ~nomig[w]);
    xfs_apply_deep_deps(out, NW);
}

/* The xl string applied on one member: its featureset, inverted bits off. */
static void apply_on(const struct lvt_host *h, enum xlc_guest_type t,
                     const char *str, uint32_t out[NW])
{
    struct xlc_sim_opts o = { .cpuid_file = h->path };
    struct xlc_system_policies *sys;
    struct xlc_xl_cpuid l = { 0 };
    struct xlc_xl_applied *ap = malloc(sizeof(*ap));
    xlc_error err;

    assert_non_null(ap);
    if (xlc_system_policies_load(&o, &sys, &err) ||
        xlc_xl_cpuid_parse(&l, str, NULL, NULL, &err) ||
        xlc_xl_cpuid_apply(sys, t, &l, ap, &err))
        fail_msg("%s: '%s': %s", h->name, str, err.msg);
    xfs_andnot(out, NW, ap->fs, NW, inv(), NW);
    xlc_xl_cpuid_free(&l);
    xlc_system_policies_free(sys);
    free(ap);
}

/* libxenlight parses the string exactly as we do. */
static void libxl_agrees(const char *str)
{
    struct xo_result theirs, ours;

    xo_libxl_form(str, &theirs);
    xo_ours_libxl_form(str, &ours);
    assert_int_equal(theirs.rc, 0);
    assert_int_equal(ours.rc, theirs.rc);
    assert_string_equal(ours.json, theirs.json);
    free(theirs.json);
    free(ours.json);
}

/* The report's guest CPU through its xl string on every member. */
static void check_xl(const struct xlc_level_report *r, enum xlc_guest_type t,
                     const size_t *idx, size_t n, const uint32_t *want)
{
    if (!r->xl_cpuid)
        fail_msg("no xl string: %s", r->xl_why_not);
    libxl_agrees(r->xl_cpuid);
    for (size_t i = 0; i < n; i++) {
        uint32_t got[NW];

        apply_on(&lvt_hosts[idx[i]], t, r->xl_cpuid, got);
        for (unsigned int w = 0; w < NW; w++)
            if (got[w] != want[w])
                fail_msg("%s: '%s' gives %08x in word %u, want %08x",
                         lvt_hosts[idx[i]].name, r->xl_cpuid, got[w], w,
                         want[w]);
    }
}

/* The levelled <cpu> as `model` judges it on one member's dump. */
static void check_lv_on(const struct xlc_level_report *r,
                        enum xlc_guest_type t, const struct lvt_host *h)
{
    struct xlc_cpuid_dump *d;
    struct xlc_lv_translation *tr;
    struct xlc_lv_cpu *cpu;
    struct xlc_lv_host lh;
    xlc_error err;

    if (xlc_dump_load(h->path, &d, &err) ||
        xlc_lv_cpu_parse("level", r->lv_xml, strlen(r->lv_xml), &cpu, &err))
        fail_msg("%s", err.msg);
    assert_true(xlc_lv_host_from_dump(&lh, t, d, NULL));
    if (xlc_lv_evaluate(map, cpu, &lh, t, &tr, &err))
        fail_msg("%s", err.msg);
    if (tr->verdict == XLC_LV_INCOMPATIBLE)
        fail_msg("%s: the levelled <cpu> is refused (%s):\n%s", h->name,
                 tr->nr_blockers ? tr->blockers[0].text : "?", r->lv_xml);
    for (unsigned int w = 0; w < NW; w++) {
        uint32_t named = xlc_cpu_map_nameable(map)[w] & ~inv()[w];

        if ((tr->fs[w] & named) != (r->guest_cpu[w] & named))
            fail_msg("%s: the <cpu> gives %08x in word %u, the guest CPU "
                     "is %08x", h->name, tr->fs[w] & named, w,
                     r->guest_cpu[w] & named);
    }
    xlc_lv_translation_free(tr);
    xlc_lv_cpu_free(cpu);
    xlc_dump_free(d);
}

/* Nothing opt-in or non-migratable without the flags. */
static void check_bounds(const struct xlc_level_report *r,
                         enum xlc_guest_type t)
{
    const uint32_t *d = xfs_static_masks[t == XLC_GUEST_PV
                                             ? XFS_MASK_PV_DEF
                                             : XFS_MASK_HVM_HAP_DEF];
    uint32_t nomig[NW];

    nomigrate_oracle(nomig);
    for (unsigned int w = 0; w < NW; w++) {
        uint32_t cpu = r->guest_cpu[w] & ~inv()[w];

        /* Xen synthesises a few bits into defaults whatever the mask. */
        if (cpu & ~(d[w] | xfs_guest_synth_mask[w]))
            fail_msg("word %u: opt-in bits %08x on the guest CPU", w,
                     cpu & ~(d[w] | xfs_guest_synth_mask[w]));
        if (cpu & nomig[w])
            fail_msg("word %u: non-migratable bits %08x on the guest CPU",
                     w, cpu & nomig[w]);
    }
}

static void random_pools(enum xlc_guest_type t)
{
    static const char *const vendors[] = { "GenuineIntel", "AuthenticAMD" };
    uint64_t seed = 0x5eed1e7e1u + t;
    unsigned int checked = 0, members = 0;

    for (int v = 0; v < 2; v++)
        for (int k = 0; k < POOLS; k++) {
            size_t idx[64], n = random_pool(&seed, t, vendors[v], idx);
            struct xlc_level_report *r = report_of(t, idx, n, NULL, false);
            uint32_t want[NW], cpu[NW];

            guest_oracle(t, idx, n, false, want);
            xfs_andnot(cpu, NW, r->guest_cpu, NW, inv(), NW);
            assert_memory_equal(cpu, want, sizeof(want));
            check_bounds(r, t);
            /* Dumps without XSAVE layouts refuse the levelled policy. */
            if (r->usable) {
                check_xl(r, t, idx, n, want);
                for (size_t i = 0; i < n; i++)
                    check_lv_on(r, t, &lvt_hosts[idx[i]]);
                checked++;
                members += n;
            } else {
                assert_null(r->xl_cpuid);
                assert_null(r->lv_xml);
            }
            xlc_level_report_free(r);
        }
    /* Most pools are usable; the strings were checked on real members. */
    print_message("%s: %u of %d pools usable, %u members checked\n",
                  xlc_guest_type_name(t), checked, 2 * POOLS, members);
    assert_true(checked >= POOLS);
}

static void pv_pools(void **state)
{
    (void)state;
    random_pools(XLC_GUEST_PV);
}

static void hvm_pools(void **state)
{
    (void)state;
    random_pools(XLC_GUEST_HVM);
}

static size_t by_name(const char *prefix)
{
    for (size_t i = 0; i < lvt_nr_hosts; i++)
        if (!strncmp(lvt_hosts[i].name, prefix, strlen(prefix)))
            return i;
    fail_msg("no dump %s*", prefix);
    return 0;
}

/* The state of the one opt-in asked. */
static const struct xlc_level_optin *optin(const struct xlc_level_report *r)
{
    assert_int_equal(r->nr_optins, 1);
    return &r->optins[0];
}

/*
 * --with on a Skylake/Cascade Lake pool: vmx (HVM, opt-in, on every max)
 * is added with nothing else; avx512_vnni (Cascade Lake only) is refused
 * naming Skylake; itsc needs --nomigrate.  All against the xl apply.
 */
static void with_adds_exactly(void **state)
{
    size_t idx[2] = { by_name("GenuineIntel0050654_SkylakeXeon"),
                      by_name("GenuineIntel0050657_CascadeLakeXeon") };
    enum xlc_guest_type t = XLC_GUEST_HVM;
    struct xlc_level_report *base = report_of(t, idx, 2, NULL, false), *r;
    uint32_t want[NW];

    (void)state;
    assert_false(xfs_test(base->guest_cpu, NW, XFS_VMX));
    r = report_of(t, idx, 2, "VMX", false);
    assert_int_equal(optin(r)->state, XLC_OPTIN_GRANTED);
    xfs_copy(want, NW, base->guest_cpu, NW);
    xfs_set(want, NW, XFS_VMX);
    assert_memory_equal(r->guest_cpu, want, sizeof(want));
    if (r->usable) {
        xfs_andnot(want, NW, want, NW, inv(), NW);
        check_xl(r, t, idx, 2, want);
    }
    xlc_level_report_free(r);

    r = report_of(t, idx, 2, "avx512-vnni", false);
    assert_int_equal(optin(r)->state, XLC_OPTIN_REFUSED);
    assert_non_null(strstr(optin(r)->why, "GenuineIntel0050654_SkylakeXeon"));
    assert_false(r->usable);
    assert_null(r->xl_cpuid);
    xlc_level_report_free(r);

    r = report_of(t, idx, 2, "itsc", false);
    assert_int_equal(optin(r)->state, XLC_OPTIN_REFUSED);
    assert_non_null(strstr(optin(r)->why, "--nomigrate"));
    xlc_level_report_free(r);
    r = report_of(t, idx, 2, "invtsc", true);
    assert_int_equal(optin(r)->state, XLC_OPTIN_GRANTED);
    assert_true(xfs_test(r->guest_cpu, NW, XFS_ITSC));
    xlc_level_report_free(r);
    xlc_level_report_free(base);
}

/*
 * An opt-in's prerequisites come with it.  One host's default lacks AVX
 * (and so everything built on it): AVX2 asked for brings AVX along, and
 * nothing else.
 */
static void with_brings_prerequisites(void **state)
{
    const struct lvt_host *skx = &lvt_hosts[by_name("GenuineIntel0050654")];
    const struct lvt_host *clx = &lvt_hosts[by_name("GenuineIntel0050657")];
    struct xlc_level_options o = { .with = "avx2", .map = map };
    struct xlc_level_host a = skx->as[XLC_GUEST_HVM];
    struct xlc_level_report *r;
    uint32_t want[NW];
    xlc_error err;

    (void)state;
    xfs_clear_with_dependents(a.def, NW, XFS_AVX);
    if (xlc_level_report_new(XLC_GUEST_HVM, &r, &err) ||
        xlc_level_report_add_host(r, "a", skx->path, &a, &err) ||
        xlc_level_report_add_host(r, "b", clx->path,
                                  &clx->as[XLC_GUEST_HVM], &err) ||
        xlc_level_report_compute(r, &o, &err))
        fail_msg("%s", err.msg);
    assert_true(xfs_test(r->held[XLC_HELD_NOT_DEFAULT], NW, XFS_AVX));
    assert_true(xfs_test(r->held[XLC_HELD_NOT_DEFAULT], NW, XFS_AVX2));
    assert_false(xfs_test(r->guest_sets.level, NW, XFS_AVX));
    assert_int_equal(optin(r)->state, XLC_OPTIN_GRANTED);
    memset(want, 0, sizeof(want));
    xfs_set(want, NW, XFS_AVX);
    xfs_set(want, NW, XFS_AVX2);
    assert_memory_equal(optin(r)->added, want, sizeof(want));
    xfs_or(want, NW, want, NW, r->guest_sets.level, NW);
    assert_memory_equal(r->guest_cpu, want, sizeof(want));
    xlc_level_report_free(r);
}

/*
 * --nomigrate: xsaves, which libvirt's cpu_map marks migratable='no', is a
 * Xen default and stays on the guest level (with a note); itsc, which both
 * Xen and the cpu_map say cannot migrate, is refused as an opt-in without
 * the flag and granted with it.
 */
static void nomigrate_gate(void **state)
{
    size_t idx[1] = { by_name("GenuineIntel0050654_SkylakeXeon") };
    enum xlc_guest_type t = XLC_GUEST_HVM;
    struct xlc_level_report *r = report_of(t, idx, 1, "itsc", false);
    struct xlc_level_report *nm = report_of(t, idx, 1, "itsc", true);
    bool noted = false;

    (void)state;
    assert_true(xfs_test(lvt_hosts[idx[0]].as[t].def, NW, XFS_XSAVES));
    assert_true(xfs_test(r->guest_cpu, NW, XFS_XSAVES));
    for (size_t i = 0; i < r->nr_notes; i++)
        noted |= !strncmp(r->notes[i], "xsaves: libvirt's cpu_map marks it "
                          "migratable='no'", 50);
    assert_true(noted);
    assert_true(xfs_test(r->held[XLC_HELD_NOMIGRATE], NW, XFS_ITSC));
    assert_false(xfs_test(r->guest_cpu, NW, XFS_ITSC));
    assert_int_equal(optin(r)->state, XLC_OPTIN_REFUSED);
    assert_non_null(strstr(optin(r)->why, "migratable='no'"));
    assert_int_equal(optin(nm)->state, XLC_OPTIN_GRANTED);
    assert_true(xfs_test(nm->guest_cpu, NW, XFS_ITSC));
    xlc_level_report_free(r);
    xlc_level_report_free(nm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pv_pools),
        cmocka_unit_test(hvm_pools),
        cmocka_unit_test(with_adds_exactly),
        cmocka_unit_test(with_brings_prerequisites),
        cmocka_unit_test(nomigrate_gate),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
