/* SPDX-License-Identifier: MIT */
/*
 * Levelling the 41 shared CPUID dumps (raw featuresets, see
 * helpers/level_testdata.h) over random subsets: containment, idempotence,
 * order independence, incremental = recompute, what-if = doing it.  What
 * the pool says about hosts is in test_level_hosts.c; where the hosts come
 * from, in test_level_inputs.c.
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

/*
 * A random non-empty subset of the hosts that can run guests of the type,
 * in random order: indices into hosts[].
 */
static size_t random_subset(uint64_t *seed, size_t *idx,
                            enum xlc_guest_type type)
{
    size_t nr = lvt_shuffled(seed, type, NULL, false, idx);

    return 1 + lvt_rand(seed) % nr;
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
        xlc_pool *p = lvt_pool(type, idx, n);
        struct xlc_level l;

        lvt_level(p, &l);
        memset(inter, 0xff, sizeof(inter));
        memset(uni, 0, sizeof(uni));
        memset(raw_inter, 0xff, sizeof(raw_inter));
        for (size_t i = 0; i < n; i++) {
            uint32_t view[NW];

            xfs_level_view(lvt_hosts[idx[i]].as[type].fs, NW, mask, view);
            for (unsigned int w = 0; w < NW; w++) {
                if (l.sets.level[w] & ~inv()[w] & ~view[w])
                    fail_msg("%s lacks level bits %08x in word %u",
                             lvt_hosts[idx[i]].name,
                             l.sets.level[w] & ~inv()[w] & ~view[w], w);
                inter[w] &= view[w];
                uni[w] |= lvt_hosts[idx[i]].as[type].fs[w] & inv()[w];
                raw_inter[w] &= lvt_hosts[idx[i]].as[type].fs[w] & mask[w];
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
        xlc_pool *p = lvt_pool(XLC_GUEST_HVM, idx, n), *q;
        struct xlc_level l, l2;
        xlc_error err;

        lvt_level(p, &l);
        /* The level alone, twice, and once more with every host. */
        assert_int_equal(xlc_pool_new(XLC_GUEST_HVM, &q, &err), 0);
        assert_int_equal(xlc_pool_add(q, "L1", l.sets.level, NW, NULL, NULL,
                                      &err), 0);
        assert_int_equal(xlc_pool_add(q, "L2", l.sets.level, NW, NULL, NULL,
                                      &err), 0);
        lvt_level(q, &l2);
        assert_memory_equal(l.sets.level, l2.sets.level, sizeof(l.sets.level));
        assert_int_equal(xlc_pool_add(p, "L", l.sets.level, NW, NULL, NULL,
                                      &err), 0);
        lvt_level(p, &l2);
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
        p = lvt_pool(XLC_GUEST_PV, idx, n);
        q = lvt_pool(XLC_GUEST_PV, rev, n);
        lvt_level(p, &a);
        lvt_level(q, &b);
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
        size_t i = lvt_rand(&seed) % lvt_nr_hosts, idx[64], n = 0;
        struct xlc_level inc, full;
        xlc_pool *q;

        if (in[i]) {
            assert_int_equal(xlc_pool_remove(p, ids[i], &err), 0);
            assert_int_equal(xlc_pool_find(p, lvt_hosts[i].name, &ids[i]),
                             -ENOENT);
        } else {
            if (xlc_pool_add(p, lvt_hosts[i].name, lvt_hosts[i].as[HVM].fs, NW,
                             &lvt_hosts[i].as[HVM].props, &ids[i], &err))
                fail_msg("%s", err.msg);
        }
        in[i] = !in[i];
        for (size_t j = 0; j < lvt_nr_hosts; j++)
            if (in[j])
                idx[n++] = j;
        assert_int_equal(xlc_pool_nr_hosts(p), n);
        if (!n) {
            assert_int_equal(xlc_pool_level(p, &inc, &err), -EINVAL);
            continue;
        }
        lvt_level(p, &inc);
        q = lvt_pool(XLC_GUEST_HVM, idx, n);
        lvt_level(q, &full);
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
        const struct lvt_host *x = &lvt_hosts[lvt_rand(&seed) % lvt_nr_hosts];
        xlc_pool *p = lvt_pool(XLC_GUEST_HVM, idx, n);
        struct xlc_level before, guess, real;
        struct xlc_level_change chg, real_chg;
        xlc_error err;

        lvt_level(p, &before);
        assert_int_equal(xlc_pool_what_if_add(p, x->as[HVM].fs, NW, &x->as[HVM].props, &guess,
                                              &chg, &err), 0);
        /* The pool is untouched by the question. */
        assert_int_equal(xlc_pool_nr_hosts(p), n);
        assert_int_equal(xlc_pool_add(p, "candidate", x->as[HVM].fs, NW, &x->as[HVM].props,
                                      &id, &err), 0);
        lvt_level(p, &real);
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

/* Two levels alike in every set they report. */
static void levels_equal(const struct xlc_level *a, const struct xlc_level *b)
{
    assert_memory_equal(&a->sets, &b->sets, sizeof(a->sets));
    assert_memory_equal(&a->def_sets, &b->def_sets, sizeof(a->def_sets));
    assert_memory_equal(a->every, b->every, sizeof(a->every));
    assert_memory_equal(a->any, b->any, sizeof(a->any));
    assert_memory_equal(a->every_def, b->every_def, sizeof(a->every_def));
    assert_memory_equal(a->lost, b->lost, sizeof(a->lost));
    assert_int_equal(a->nr_hosts, b->nr_hosts);
}

/*
 * Hosts added one at a time wait to be counted eight at a time (the
 * pool's pending rows), with and without given defaults.  Every count,
 * level and what-if of a pool with hosts waiting must be those of the
 * same hosts all counted: pool b takes one more host and removes it, and
 * a removal counts every waiting host first.
 */
static void waiting_hosts_count_as_counted(void **state)
{
    (void)state;
    for (size_t n = 1; n <= 19 && n < lvt_nr_hosts; n++) {
        for (int given = 0; given < 2; given++) {
            const struct lvt_host *x = &lvt_hosts[n];
            struct xlc_level la, lb, wa, wb;
            struct xlc_level_change ca, cb;
            xlc_pool *a, *b;
            xlc_error err;
            size_t id;

            assert_int_equal(xlc_pool_new(XLC_GUEST_PV, &a, &err), 0);
            assert_int_equal(xlc_pool_new(XLC_GUEST_PV, &b, &err), 0);
            for (size_t i = 0; i <= n; i++) {
                const struct xlc_level_host *h = &lvt_hosts[i].as[PV];
                const uint32_t *def = given ? h->def : NULL;

                if (i < n)
                    assert_int_equal(xlc_pool_add_host(a, NULL, h->fs, def,
                                                       NW, &h->props, NULL,
                                                       &err), 0);
                assert_int_equal(xlc_pool_add_host(b, NULL, h->fs, def, NW,
                                                   &h->props, &id, &err), 0);
            }
            assert_int_equal(xlc_pool_remove(b, id, &err), 0);
            for (unsigned int bit = 0; bit < NW * 32; bit++)
                assert_int_equal(xlc_pool_count(a, bit),
                                 xlc_pool_count(b, bit));
            lvt_level(a, &la);
            lvt_level(b, &lb);
            levels_equal(&la, &lb);
            assert_int_equal(xlc_pool_what_if_add_host(
                                 a, x->as[PV].fs, x->as[PV].def, NW,
                                 &x->as[PV].props, &wa, &ca, &err), 0);
            assert_int_equal(xlc_pool_what_if_add_host(
                                 b, x->as[PV].fs, x->as[PV].def, NW,
                                 &x->as[PV].props, &wb, &cb, &err), 0);
            levels_equal(&wa, &wb);
            assert_memory_equal(&ca, &cb, sizeof(ca));
            if (n > 1) {
                assert_int_equal(xlc_pool_what_if_remove(a, 0, &wa, &ca,
                                                         &err), 0);
                assert_int_equal(xlc_pool_what_if_remove(b, 0, &wb, &cb,
                                                         &err), 0);
                levels_equal(&wa, &wb);
                assert_memory_equal(&ca, &cb, sizeof(ca));
            }
            xlc_pool_free(a);
            xlc_pool_free(b);
        }
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
        cmocka_unit_test(waiting_hosts_count_as_counted),
    };

    return cmocka_run_group_tests(tests, lvt_setup, lvt_teardown);
}
