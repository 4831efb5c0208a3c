/* SPDX-License-Identifier: MIT */
/*
 * What a pool of the shared CPUID dumps says about its hosts: inverted
 * bits, vendors and limits, unknown properties, per-host verdicts and
 * weaknesses, the checks on what joins a pool, and many names.  The
 * level's own properties are in test_level_dumps.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../helpers/level_testdata.h"

#define NW XFS_NR_WORDS
#define ITERATIONS 300
#define HVM XLC_GUEST_HVM
#define PV XLC_GUEST_PV

/* FDP_EXCP_ONLY: Intel parts from Skylake on set it, AMD parts do not. */
static void real_inverted_bit_is_unioned(void **state)
{
    const struct lvt_host *intel = lvt_find("GenuineIntel0050654_SkylakeX");
    const struct lvt_host *amd = lvt_find("AuthenticAMD0A00F11_K19_Milan");
    xlc_pool *p;
    struct xlc_level l;
    xlc_error err;

    (void)state;
    assert_true(xfs_test(intel->as[HVM].fs, NW, XFS_FDP_EXCP_ONLY));
    assert_false(xfs_test(amd->as[HVM].fs, NW, XFS_FDP_EXCP_ONLY));
    assert_int_equal(xlc_pool_new(XLC_GUEST_HVM, &p, &err), 0);
    xlc_pool_add(p, intel->name, intel->as[HVM].fs, NW, &intel->as[HVM].props, NULL, &err);
    xlc_pool_add(p, amd->name, amd->as[HVM].fs, NW, &amd->as[HVM].props, NULL, &err);
    lvt_level(p, &l);
    assert_true(xfs_test(l.sets.level, NW, XFS_FDP_EXCP_ONLY));
    assert_true(xfs_test(l.weak, NW, XFS_FDP_EXCP_ONLY));
    /* Both have AVX2; only Skylake-SP has AVX512F, only Milan CLZERO. */
    assert_true(xfs_test(l.sets.level, NW, XFS_AVX2));
    assert_true(xfs_test(l.lost, NW, XFS_AVX512F));
    assert_true(xfs_test(l.lost, NW, XFS_AVX512BW));
    {
        size_t ids[4], k = xlc_pool_hosts_with(p, XFS_AVX512F, false, ids, 4);
        char buf[XLC_HOST_NAME_BUF];

        assert_int_equal(k, 1);
        assert_string_equal(xlc_pool_host_name(p, ids[0], buf), amd->name);
    }
    assert_true(xfs_test(l.lost, NW, XFS_CLZERO));
    assert_int_equal(xlc_pool_count(p, XFS_CLZERO), 1);
    {
        size_t ids[4], k = xlc_pool_hosts_with(p, XFS_CLZERO, false, ids, 4);
        char buf[XLC_HOST_NAME_BUF];

        assert_int_equal(k, 1);
        assert_string_equal(xlc_pool_host_name(p, ids[0], buf), intel->name);
    }
    /* Different vendors: reported, the pool is incompatible. */
    assert_false(l.props.compatible);
    assert_true(l.props.differs[XLC_PROP_VENDOR]);
    xlc_pool_free(p);
}

/* Vendors of all dumps grouped; the guest sees one vendor only. */
static void mixed_vendors_are_reported(void **state)
{
    size_t all[64];
    struct xlc_prop_group *g;
    size_t ng, total = 0;
    xlc_pool *p;
    struct xlc_level l;
    xlc_error err;

    (void)state;
    for (size_t i = 0; i < lvt_nr_hosts; i++)
        all[i] = i;
    p = lvt_pool(XLC_GUEST_HVM, all, lvt_nr_hosts);
    lvt_level(p, &l);
    assert_false(l.props.compatible);
    assert_int_equal(xlc_pool_prop_groups(p, XLC_PROP_VENDOR, &g, &ng, &err),
                     0);
    /* GenuineIntel, AuthenticAMD, HygonGenuine, CentaurHauls. */
    assert_int_equal(ng, 4);
    for (size_t i = 0; i < ng; i++) {
        total += g[i].nr;
        for (size_t j = 0; j < g[i].nr; j++)
            assert_string_equal(xlc_pool_host_props(p, g[i].ids[j])->vendor,
                                g[i].value);
    }
    assert_int_equal(total, lvt_nr_hosts);
    xlc_prop_groups_free(g, ng);
    xlc_pool_free(p);
}

/* One vendor: compatible, family differences reported, limits = minimum. */
static void limits_take_the_minimum(void **state)
{
    size_t idx[64], n = 0;
    xlc_pool *p;
    struct xlc_level l;

    (void)state;
    for (size_t i = 0; i < lvt_nr_hosts; i++)
        if (!strcmp(lvt_hosts[i].as[HVM].props.vendor, "GenuineIntel"))
            idx[n++] = i;
    assert_true(n > 20);
    p = lvt_pool(XLC_GUEST_HVM, idx, n);
    lvt_level(p, &l);
    assert_true(l.props.compatible);
    assert_false(l.props.differs[XLC_PROP_VENDOR]);
    assert_true(l.props.differs[XLC_PROP_MODEL]); /* reported, not fatal */
    assert_int_equal(l.props.nr_known, n);
    for (unsigned int k = 0; k < XLC_LIMIT_NR; k++) {
        uint32_t min = UINT32_MAX;

        for (size_t i = 0; i < n; i++)
            if (lvt_hosts[idx[i]].as[HVM].props.limit[k] < min)
                min = lvt_hosts[idx[i]].as[HVM].props.limit[k];
        assert_int_equal(l.props.value.limit[k], min);
        assert_int_equal(xlc_pool_host_props(p, l.props.limit_host[k])->limit[k],
                         min);
    }
    /* Merom (Core 2): 36 physical address bits, among the smallest. */
    assert_int_equal(lvt_find("GenuineIntel00006F6_Merom")
                         ->as[HVM].props.limit[XLC_LIMIT_MAXPHYSADDR], 36);
    xlc_pool_free(p);
}

/* Featureset-only hosts leave vendor and limits unchecked, and say so. */
static void unknown_props_are_counted(void **state)
{
    const struct lvt_host *h = lvt_find("GenuineIntel0050654_SkylakeXeon");
    xlc_pool *p;
    struct xlc_level l;
    xlc_error err;

    (void)state;
    assert_int_equal(xlc_pool_new(XLC_GUEST_HVM, &p, &err), 0);
    xlc_pool_add(p, "with", h->as[HVM].fs, NW, &h->as[HVM].props, NULL, &err);
    xlc_pool_add(p, "without", h->as[HVM].fs, NW, NULL, NULL, &err);
    lvt_level(p, &l);
    assert_int_equal(l.props.nr_known, 1);
    assert_int_equal(l.props.nr_unknown, 1);
    assert_true(l.props.compatible);
    xlc_pool_free(p);
}

/* The level runs everywhere; a richer guest does not. */
static void verdicts(void **state)
{
    size_t idx[64], n = 0;
    xlc_pool *p;
    struct xlc_level l;
    struct xlc_verdict v;
    xlc_error err;

    (void)state;
    for (size_t i = 0; i < lvt_nr_hosts; i++)
        if (!strcmp(lvt_hosts[i].as[PV].props.vendor, "AuthenticAMD"))
            idx[n++] = i;
    p = lvt_pool(XLC_GUEST_PV, idx, n);
    lvt_level(p, &l);
    for (size_t id = 0; id < xlc_pool_nr_ids(p); id++) {
        assert_int_equal(xlc_pool_verdict(p, id, l.sets.level, NW,
                                          &l.props.value, &v, &err), 0);
        assert_int_equal(v.kind, XLC_VERDICT_OK);
    }
    /* Turin's own view on K8: missing features, incompatible. */
    {
        const struct lvt_host *turin = lvt_find("AuthenticAMD0B00F21_K20");
        size_t k8;
        uint32_t view[NW];

        assert_int_equal(xlc_pool_find(p, lvt_find("AuthenticAMD0000F4A")->name,
                                       &k8), 0);
        xfs_level_view(turin->as[PV].fs, NW, xlc_guest_mask(XLC_GUEST_PV), view);
        assert_int_equal(xlc_pool_verdict(p, k8, view, NW, &turin->as[PV].props, &v,
                                          &err), 0);
        assert_int_equal(v.kind, XLC_VERDICT_INCOMPATIBLE);
        assert_true(xfs_test(v.missing, NW, XFS_AVX2));
        assert_false(xfs_test(v.missing, NW, XFS_SSE2));
        /* An Intel guest on an AMD host: the vendor differs. */
        assert_int_equal(xlc_pool_verdict(p, k8, l.sets.level, NW,
                                          &lvt_find("GenuineIntel")->as[PV].props,
                                          &v, &err), 0);
        assert_true(v.vendor_differs);
        assert_int_equal(v.kind, XLC_VERDICT_INCOMPATIBLE);
    }
    xlc_pool_free(p);
}

/* A guest not told of a host's weakness runs, but the verdict says so. */
static void untold_weakness_verdict(void **state)
{
    const struct lvt_host *h = lvt_find("GenuineIntel0050657_CascadeLake");
    uint32_t guest[NW];
    xlc_pool *p;
    struct xlc_verdict v;
    xlc_error err;

    (void)state;
    assert_true(xfs_test(h->as[HVM].fs, NW, XFS_NO_FPU_SEL));
    assert_int_equal(xlc_pool_new(XLC_GUEST_HVM, &p, &err), 0);
    xlc_pool_add(p, h->name, h->as[HVM].fs, NW, &h->as[HVM].props, NULL, &err);
    xfs_level_view(h->as[HVM].fs, NW, xlc_guest_mask(XLC_GUEST_HVM), guest);
    xfs_clear(guest, NW, XFS_NO_FPU_SEL);
    assert_int_equal(xlc_pool_verdict(p, 0, guest, NW, NULL, &v, &err), 0);
    assert_int_equal(v.kind, XLC_VERDICT_UNTOLD);
    assert_true(xfs_test(v.untold, NW, XFS_NO_FPU_SEL));
    xlc_pool_free(p);
}

/*
 * RRSBA on one host, no EIBRS on the other: the level says RSBA, and a
 * guest given that level counts as told on both (RSBA is the wider form).
 */
static void restated_weakness_verdicts(void **state)
{
    uint32_t a[NW] = { 0 }, b[NW] = { 0 };
    struct xlc_level l;
    struct xlc_verdict v;
    xlc_pool *p;
    xlc_error err;

    (void)state;
    xfs_set(a, NW, XFS_ARCH_CAPS);
    xfs_set(a, NW, XFS_IBRSB);
    xfs_set(b, NW, XFS_ARCH_CAPS);
    xfs_set(b, NW, XFS_IBRSB);
    xfs_set(a, NW, XFS_EIBRS);
    xfs_set(a, NW, XFS_RRSBA);
    assert_int_equal(xlc_pool_new(PV, &p, &err), 0);
    assert_int_equal(xlc_pool_add(p, "a", a, NW, NULL, NULL, &err), 0);
    assert_int_equal(xlc_pool_add(p, "b", b, NW, NULL, NULL, &err), 0);
    lvt_level(p, &l);
    assert_true(xfs_test(l.sets.level, NW, XFS_RSBA));
    assert_true(xfs_test(l.sets.restated, NW, XFS_RRSBA));
    for (size_t id = 0; id < 2; id++) {
        assert_int_equal(xlc_pool_verdict(p, id, l.sets.level, NW, NULL, &v,
                                          &err), 0);
        assert_int_equal(v.kind, XLC_VERDICT_OK);
    }
    /* Without the restatement the guest is not told: said so for a. */
    xfs_clear(l.sets.level, NW, XFS_RSBA);
    assert_int_equal(xlc_pool_verdict(p, 0, l.sets.level, NW, NULL, &v, &err),
                     0);
    assert_int_equal(v.kind, XLC_VERDICT_UNTOLD);
    assert_true(xfs_test(v.untold, NW, XFS_RRSBA));
    xlc_pool_free(p);
}

/* Names are unique; bits past the known words are refused, listed. */
static void pool_input_checks(void **state)
{
    uint32_t long_fs[NW + 2] = { 0 };
    xlc_pool *p;
    xlc_error err;
    size_t id;

    (void)state;
    assert_int_equal(xlc_pool_new(XLC_GUEST_PV, &p, &err), 0);
    assert_int_equal(xlc_pool_add(p, "a", lvt_hosts[0].as[HVM].fs, NW, NULL, &id, &err),
                     0);
    assert_int_equal(xlc_pool_add(p, "a", lvt_hosts[1].as[HVM].fs, NW, NULL, NULL, &err),
                     -EEXIST);
    assert_non_null(strstr(err.msg, "'a'"));
    long_fs[NW + 1] = 0x9;
    assert_int_equal(xlc_pool_add(p, "b", long_fs, NW + 2, NULL, NULL, &err),
                     -EINVAL);
    assert_non_null(strstr(err.msg, "bits 640, 643"));
    long_fs[NW + 1] = 0;
    assert_int_equal(xlc_pool_add(p, "b", long_fs, NW + 2, NULL, NULL, &err),
                     0);
    assert_int_equal(xlc_pool_remove(p, id, &err), 0);
    assert_int_equal(xlc_pool_remove(p, id, &err), -ENOENT);
    assert_int_equal(xlc_pool_add(p, "a", lvt_hosts[1].as[HVM].fs, NW, NULL, NULL, &err),
                     0);
    xlc_pool_free(p);
}

/* Many names, half removed: the hash still finds every survivor. */
static void many_names(void **state)
{
    enum { N = 5000 };
    static size_t ids[N];
    xlc_pool *p;
    xlc_error err;
    char name[32];

    (void)state;
    assert_int_equal(xlc_pool_new(XLC_GUEST_HVM, &p, &err), 0);
    for (size_t i = 0; i < N; i++) {
        snprintf(name, sizeof(name), "node-%zu", i);
        assert_int_equal(xlc_pool_add(p, name, lvt_hosts[i % lvt_nr_hosts].as[HVM].fs, NW,
                                      NULL, &ids[i], &err), 0);
    }
    for (size_t i = 0; i < N; i += 2)
        assert_int_equal(xlc_pool_remove(p, ids[i], &err), 0);
    for (size_t i = 0; i < N; i++) {
        size_t id;

        snprintf(name, sizeof(name), "node-%zu", i);
        if (i % 2) {
            assert_int_equal(xlc_pool_find(p, name, &id), 0);
            assert_int_equal(id, ids[i]);
        } else {
            assert_int_equal(xlc_pool_find(p, name, &id), -ENOENT);
        }
    }
    /* Bulk-added hosts count like the rest. */
    {
        uint32_t fs[3][NW];
        struct xlc_level l;
        size_t first;

        for (int k = 0; k < 3; k++)
            memcpy(fs[k], lvt_hosts[k].as[HVM].fs, sizeof(fs[k]));
        assert_int_equal(xlc_pool_add_many(p, fs[0], NW, NW, 3, &first, &err),
                         0);
        assert_int_equal(xlc_pool_attach_many(p, fs[0], NW, 3, NULL, &err), 0);
        assert_int_equal(xlc_pool_nr_hosts(p), N / 2 + 6);
        lvt_level(p, &l);
        assert_int_equal(xlc_pool_remove(p, first + 1, &err), 0);
        xlc_pool_free(p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(real_inverted_bit_is_unioned),
        cmocka_unit_test(mixed_vendors_are_reported),
        cmocka_unit_test(limits_take_the_minimum),
        cmocka_unit_test(unknown_props_are_counted),
        cmocka_unit_test(verdicts),
        cmocka_unit_test(untold_weakness_verdict),
        cmocka_unit_test(restated_weakness_verdicts),
        cmocka_unit_test(pool_input_checks),
        cmocka_unit_test(many_names),
    };

    return cmocka_run_group_tests(tests, lvt_setup, lvt_teardown);
}
