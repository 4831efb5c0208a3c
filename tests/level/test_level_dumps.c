/* SPDX-License-Identifier: MIT */
/*
 * Levelling the 41 shared CPUID dumps (raw featuresets, see
 * helpers/level_testdata.h): containment, idempotence, order independence,
 * inverted bits, vendors and limits, incremental = recompute.  Where the
 * hosts come from is tested in test_level_inputs.c.
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

static struct lvt_host *hosts;
static size_t nr_hosts;

static int setup(void **state)
{
    (void)state;
    lvt_load_hosts(&hosts, &nr_hosts);
    return nr_hosts >= 41 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    free(hosts);
    return 0;
}

static const struct lvt_host *find_host(const char *prefix)
{
    for (size_t i = 0; i < nr_hosts; i++)
        if (!strncmp(hosts[i].name, prefix, strlen(prefix)))
            return &hosts[i];
    fail_msg("no dump named %s*", prefix);
    return NULL;
}

/*
 * A random non-empty subset of the hosts that can run guests of the type,
 * in random order: indices into hosts[].
 */
static size_t random_subset(uint64_t *seed, size_t *idx,
                            enum xlc_guest_type type)
{
    size_t perm[64], nr = 0, n;

    for (size_t i = 0; i < nr_hosts; i++)
        if (hosts[i].as[type].usable)
            perm[nr++] = i;
    for (size_t i = nr - 1; i > 0; i--) {
        size_t j = lvt_rand(seed) % (i + 1), t = perm[i];

        perm[i] = perm[j];
        perm[j] = t;
    }
    n = 1 + lvt_rand(seed) % nr;
    memcpy(idx, perm, n * sizeof(*idx));
    return n;
}

static xlc_pool *pool_of(enum xlc_guest_type type, const size_t *idx,
                         size_t n)
{
    xlc_pool *p;
    xlc_error err;

    assert_int_equal(xlc_pool_new(type, &p, &err), 0);
    for (size_t i = 0; i < n; i++) {
        const struct lvt_host *h = &hosts[idx[i]];

        if (xlc_pool_add(p, h->name, h->as[type].fs, NW, &h->as[type].props,
                         NULL, &err))
            fail_msg("%s", err.msg);
    }
    return p;
}

static void level_or_fail(const xlc_pool *p, struct xlc_level *l)
{
    xlc_error err;

    if (xlc_pool_level(p, l, &err))
        fail_msg("%s", err.msg);
}

static const uint32_t *inv(void)
{
    return xfs_static_masks[XFS_MASK_INVERTED];
}

/*
 * Level within each host's view bar inverted bits; ordinary part exactly
 * the intersection of the views; inverted part exactly the union of the
 * hosts' inverted bits, less what is restated or reported unexpressed.
 */
static void level_is_bounded_by_hosts(void **state)
{
    uint64_t seed = 0x5eed1e7e;

    (void)state;
    for (int it = 0; it < ITERATIONS; it++) {
        enum xlc_guest_type type = it % 2 ? XLC_GUEST_PV : XLC_GUEST_HVM;
        const uint32_t *mask = xlc_guest_mask(type);
        size_t idx[64], n = random_subset(&seed, idx, type);
        uint32_t inter[NW], uni[NW], raw_inter[NW];
        xlc_pool *p = pool_of(type, idx, n);
        struct xlc_level l;

        level_or_fail(p, &l);
        memset(inter, 0xff, sizeof(inter));
        memset(uni, 0, sizeof(uni));
        memset(raw_inter, 0xff, sizeof(raw_inter));
        for (size_t i = 0; i < n; i++) {
            uint32_t view[NW];

            xfs_level_view(hosts[idx[i]].as[type].fs, NW, mask, view);
            for (unsigned int w = 0; w < NW; w++) {
                if (l.sets.level[w] & ~inv()[w] & ~view[w])
                    fail_msg("%s lacks level bits %08x in word %u",
                             hosts[idx[i]].name,
                             l.sets.level[w] & ~inv()[w] & ~view[w], w);
                inter[w] &= view[w];
                uni[w] |= hosts[idx[i]].as[type].fs[w] & inv()[w];
                raw_inter[w] &= hosts[idx[i]].as[type].fs[w] & mask[w];
            }
        }
        /* A restated bit is carried by its restatement instead. */
        for (unsigned int bit = 0; bit < XFS_NR_FEATURE_BITS; bit++)
            if (xfs_test(l.sets.restated, NW, bit)) {
                xfs_clear(uni, NW, bit);
                xfs_set(uni, NW, (unsigned int)xfs_level_restated_as(bit));
            }
        for (unsigned int w = 0; w < NW; w++) {
            assert_int_equal(l.sets.level[w] & ~inv()[w], inter[w] & ~inv()[w]);
            /* Contains the raw intersection minus the documented losses. */
            assert_int_equal(raw_inter[w] & ~inv()[w] & ~l.sets.dep_lost[w] &
                                 ~l.sets.level[w],
                             0);
            assert_int_equal(l.sets.level[w] & inv()[w],
                             uni[w] & ~l.sets.unexpressed[w]);
        }
        assert_true(xfs_deps_closed(l.sets.level, NW));
        xlc_pool_free(p);
    }
}

/* Levelling the level with any of its hosts gives the level back. */
static void level_is_idempotent(void **state)
{
    uint64_t seed = 0x1d3e;

    (void)state;
    for (int it = 0; it < ITERATIONS; it++) {
        size_t idx[64], n = random_subset(&seed, idx, HVM);
        xlc_pool *p = pool_of(XLC_GUEST_HVM, idx, n), *q;
        struct xlc_level l, l2;
        xlc_error err;

        level_or_fail(p, &l);
        /* The level alone, twice, and once more with every host. */
        assert_int_equal(xlc_pool_new(XLC_GUEST_HVM, &q, &err), 0);
        assert_int_equal(xlc_pool_add(q, "L1", l.sets.level, NW, NULL, NULL,
                                      &err), 0);
        assert_int_equal(xlc_pool_add(q, "L2", l.sets.level, NW, NULL, NULL,
                                      &err), 0);
        level_or_fail(q, &l2);
        assert_memory_equal(l.sets.level, l2.sets.level, sizeof(l.sets.level));
        assert_int_equal(xlc_pool_add(p, "L", l.sets.level, NW, NULL, NULL,
                                      &err), 0);
        level_or_fail(p, &l2);
        assert_memory_equal(l.sets.level, l2.sets.level, sizeof(l.sets.level));
        xlc_pool_free(q);
        xlc_pool_free(p);
    }
}

/* The same hosts in another order: same level, same losses. */
static void level_is_order_independent(void **state)
{
    uint64_t seed = 0x0dde5;

    (void)state;
    for (int it = 0; it < ITERATIONS; it++) {
        size_t idx[64], rev[64], n = random_subset(&seed, idx, PV);
        xlc_pool *p, *q;
        struct xlc_level a, b;

        for (size_t i = 0; i < n; i++)
            rev[i] = idx[n - 1 - i];
        p = pool_of(XLC_GUEST_PV, idx, n);
        q = pool_of(XLC_GUEST_PV, rev, n);
        level_or_fail(p, &a);
        level_or_fail(q, &b);
        assert_memory_equal(&a.sets, &b.sets, sizeof(a.sets));
        assert_memory_equal(a.lost, b.lost, sizeof(a.lost));
        assert_memory_equal(a.props.value.limit, b.props.value.limit,
                            sizeof(a.props.value.limit));
        assert_memory_equal(a.props.differs, b.props.differs,
                            sizeof(a.props.differs));
        xlc_pool_free(p);
        xlc_pool_free(q);
    }
}

/* Adds and removes in random order match levelling the present hosts. */
static void incremental_equals_recompute(void **state)
{
    uint64_t seed = 0xadd5;
    size_t ids[64];
    bool in[64] = { false };
    xlc_pool *p;
    xlc_error err;

    (void)state;
    assert_int_equal(xlc_pool_new(XLC_GUEST_HVM, &p, &err), 0);
    for (int step = 0; step < 2000; step++) {
        size_t i = lvt_rand(&seed) % nr_hosts, idx[64], n = 0;
        struct xlc_level inc, full;
        xlc_pool *q;

        if (in[i]) {
            assert_int_equal(xlc_pool_remove(p, ids[i], &err), 0);
            assert_int_equal(xlc_pool_find(p, hosts[i].name, &ids[i]),
                             -ENOENT);
        } else {
            if (xlc_pool_add(p, hosts[i].name, hosts[i].as[HVM].fs, NW,
                             &hosts[i].as[HVM].props, &ids[i], &err))
                fail_msg("%s", err.msg);
        }
        in[i] = !in[i];
        for (size_t j = 0; j < nr_hosts; j++)
            if (in[j])
                idx[n++] = j;
        assert_int_equal(xlc_pool_nr_hosts(p), n);
        if (!n) {
            assert_int_equal(xlc_pool_level(p, &inc, &err), -EINVAL);
            continue;
        }
        level_or_fail(p, &inc);
        q = pool_of(XLC_GUEST_HVM, idx, n);
        level_or_fail(q, &full);
        assert_memory_equal(&inc.sets, &full.sets, sizeof(inc.sets));
        assert_memory_equal(inc.lost, full.lost, sizeof(inc.lost));
        assert_memory_equal(inc.every, full.every, sizeof(inc.every));
        assert_memory_equal(inc.any, full.any, sizeof(inc.any));
        assert_memory_equal(&inc.props.value, &full.props.value,
                            sizeof(inc.props.value));
        assert_memory_equal(inc.props.differs, full.props.differs,
                            sizeof(inc.props.differs));
        assert_int_equal(inc.props.compatible, full.props.compatible);
        assert_int_equal(inc.props.nr_known, full.props.nr_known);
        assert_int_equal(inc.props.nr_unknown, full.props.nr_unknown);
        xlc_pool_free(q);
    }
    xlc_pool_free(p);
}

/* what-if answers what adding / removing for real then gives. */
static void what_if_matches_doing_it(void **state)
{
    uint64_t seed = 0x3a7;

    (void)state;
    for (int it = 0; it < ITERATIONS; it++) {
        size_t idx[64], n = random_subset(&seed, idx, HVM), id;
        const struct lvt_host *x = &hosts[lvt_rand(&seed) % nr_hosts];
        xlc_pool *p = pool_of(XLC_GUEST_HVM, idx, n);
        struct xlc_level before, guess, real;
        struct xlc_level_change chg, real_chg;
        xlc_error err;

        level_or_fail(p, &before);
        assert_int_equal(xlc_pool_what_if_add(p, x->as[HVM].fs, NW, &x->as[HVM].props, &guess,
                                              &chg, &err), 0);
        /* The pool is untouched by the question. */
        assert_int_equal(xlc_pool_nr_hosts(p), n);
        assert_int_equal(xlc_pool_add(p, "candidate", x->as[HVM].fs, NW, &x->as[HVM].props,
                                      &id, &err), 0);
        level_or_fail(p, &real);
        xlc_level_diff(&before, &real, &real_chg);
        assert_memory_equal(&guess.sets, &real.sets, sizeof(real.sets));
        assert_memory_equal(&chg, &real_chg, sizeof(chg));
        assert_int_equal(guess.props.compatible, real.props.compatible);
        /* And back out: what-if remove of the candidate = before. */
        assert_int_equal(xlc_pool_what_if_remove(p, id, &guess, &chg, &err),
                         0);
        assert_memory_equal(&guess.sets, &before.sets, sizeof(before.sets));
        assert_memory_equal(&guess.props.value, &before.props.value,
                            sizeof(before.props.value));
        xlc_pool_free(p);
    }
}

/* FDP_EXCP_ONLY: Intel parts from Skylake on set it, AMD parts do not. */
static void real_inverted_bit_is_unioned(void **state)
{
    const struct lvt_host *intel = find_host("GenuineIntel0050654_SkylakeX");
    const struct lvt_host *amd = find_host("AuthenticAMD0A00F11_K19_Milan");
    xlc_pool *p;
    struct xlc_level l;
    xlc_error err;

    (void)state;
    assert_true(xfs_test(intel->as[HVM].fs, NW, XFS_FDP_EXCP_ONLY));
    assert_false(xfs_test(amd->as[HVM].fs, NW, XFS_FDP_EXCP_ONLY));
    assert_int_equal(xlc_pool_new(XLC_GUEST_HVM, &p, &err), 0);
    xlc_pool_add(p, intel->name, intel->as[HVM].fs, NW, &intel->as[HVM].props, NULL, &err);
    xlc_pool_add(p, amd->name, amd->as[HVM].fs, NW, &amd->as[HVM].props, NULL, &err);
    level_or_fail(p, &l);
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
    for (size_t i = 0; i < nr_hosts; i++)
        all[i] = i;
    p = pool_of(XLC_GUEST_HVM, all, nr_hosts);
    level_or_fail(p, &l);
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
    assert_int_equal(total, nr_hosts);
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
    for (size_t i = 0; i < nr_hosts; i++)
        if (!strcmp(hosts[i].as[HVM].props.vendor, "GenuineIntel"))
            idx[n++] = i;
    assert_true(n > 20);
    p = pool_of(XLC_GUEST_HVM, idx, n);
    level_or_fail(p, &l);
    assert_true(l.props.compatible);
    assert_false(l.props.differs[XLC_PROP_VENDOR]);
    assert_true(l.props.differs[XLC_PROP_MODEL]); /* reported, not fatal */
    assert_int_equal(l.props.nr_known, n);
    for (unsigned int k = 0; k < XLC_LIMIT_NR; k++) {
        uint32_t min = UINT32_MAX;

        for (size_t i = 0; i < n; i++)
            if (hosts[idx[i]].as[HVM].props.limit[k] < min)
                min = hosts[idx[i]].as[HVM].props.limit[k];
        assert_int_equal(l.props.value.limit[k], min);
        assert_int_equal(xlc_pool_host_props(p, l.props.limit_host[k])->limit[k],
                         min);
    }
    /* Merom (Core 2): 36 physical address bits, among the smallest. */
    assert_int_equal(find_host("GenuineIntel00006F6_Merom")
                         ->as[HVM].props.limit[XLC_LIMIT_MAXPHYSADDR], 36);
    xlc_pool_free(p);
}

/* Featureset-only hosts leave vendor and limits unchecked, and say so. */
static void unknown_props_are_counted(void **state)
{
    const struct lvt_host *h = find_host("GenuineIntel0050654_SkylakeXeon");
    xlc_pool *p;
    struct xlc_level l;
    xlc_error err;

    (void)state;
    assert_int_equal(xlc_pool_new(XLC_GUEST_HVM, &p, &err), 0);
    xlc_pool_add(p, "with", h->as[HVM].fs, NW, &h->as[HVM].props, NULL, &err);
    xlc_pool_add(p, "without", h->as[HVM].fs, NW, NULL, NULL, &err);
    level_or_fail(p, &l);
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
    for (size_t i = 0; i < nr_hosts; i++)
        if (!strcmp(hosts[i].as[PV].props.vendor, "AuthenticAMD"))
            idx[n++] = i;
    p = pool_of(XLC_GUEST_PV, idx, n);
    level_or_fail(p, &l);
    for (size_t id = 0; id < xlc_pool_nr_ids(p); id++) {
        assert_int_equal(xlc_pool_verdict(p, id, l.sets.level, NW,
                                          &l.props.value, &v, &err), 0);
        assert_int_equal(v.kind, XLC_VERDICT_OK);
    }
    /* Turin's own view on K8: missing features, incompatible. */
    {
        const struct lvt_host *turin = find_host("AuthenticAMD0B00F21_K20");
        size_t k8;
        uint32_t view[NW];

        assert_int_equal(xlc_pool_find(p, find_host("AuthenticAMD0000F4A")->name,
                                       &k8), 0);
        xfs_level_view(turin->as[PV].fs, NW, xlc_guest_mask(XLC_GUEST_PV), view);
        assert_int_equal(xlc_pool_verdict(p, k8, view, NW, &turin->as[PV].props, &v,
                                          &err), 0);
        assert_int_equal(v.kind, XLC_VERDICT_INCOMPATIBLE);
        assert_true(xfs_test(v.missing, NW, XFS_AVX2));
        assert_false(xfs_test(v.missing, NW, XFS_SSE2));
        /* An Intel guest on an AMD host: the vendor differs. */
        assert_int_equal(xlc_pool_verdict(p, k8, l.sets.level, NW,
                                          &find_host("GenuineIntel")->as[PV].props,
                                          &v, &err), 0);
        assert_true(v.vendor_differs);
        assert_int_equal(v.kind, XLC_VERDICT_INCOMPATIBLE);
    }
    xlc_pool_free(p);
}

/* A guest not told of a host's weakness runs, but the verdict says so. */
static void untold_weakness_verdict(void **state)
{
    const struct lvt_host *h = find_host("GenuineIntel0050657_CascadeLake");
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
    level_or_fail(p, &l);
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
    assert_int_equal(xlc_pool_add(p, "a", hosts[0].as[HVM].fs, NW, NULL, &id, &err),
                     0);
    assert_int_equal(xlc_pool_add(p, "a", hosts[1].as[HVM].fs, NW, NULL, NULL, &err),
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
    assert_int_equal(xlc_pool_add(p, "a", hosts[1].as[HVM].fs, NW, NULL, NULL, &err),
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
        assert_int_equal(xlc_pool_add(p, name, hosts[i % nr_hosts].as[HVM].fs, NW,
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
            memcpy(fs[k], hosts[k].as[HVM].fs, sizeof(fs[k]));
        assert_int_equal(xlc_pool_add_many(p, fs[0], NW, NW, 3, &first, &err),
                         0);
        assert_int_equal(xlc_pool_attach_many(p, fs[0], NW, 3, NULL, &err), 0);
        assert_int_equal(xlc_pool_nr_hosts(p), N / 2 + 6);
        level_or_fail(p, &l);
        assert_int_equal(xlc_pool_remove(p, first + 1, &err), 0);
        xlc_pool_free(p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(level_is_bounded_by_hosts),
        cmocka_unit_test(level_is_idempotent),
        cmocka_unit_test(level_is_order_independent),
        cmocka_unit_test(incremental_equals_recompute),
        cmocka_unit_test(what_if_matches_doing_it),
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

    return cmocka_run_group_tests(tests, setup, teardown);
}
