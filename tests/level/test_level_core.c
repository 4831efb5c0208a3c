/* SPDX-License-Identifier: MIT */
/*
 * Levelling on constructed featuresets: the bit-sliced counts against a
 * plain recompute, the inverted-bit rules, deep dependencies, masks.
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
#include "xen/lib/level.h"

#define NW XFS_NR_WORDS

static void random_fs(uint64_t *seed, uint32_t *fs)
{
    /* Mostly-set words so that intersections are not trivially empty. */
    for (unsigned int w = 0; w < NW; w++)
        fs[w] = (uint32_t)lvt_rand(seed) | (uint32_t)lvt_rand(seed) |
                (uint32_t)(lvt_rand(seed) >> 32);
}

static void assert_fs_equal(const uint32_t *a, const uint32_t *b,
                            const char *what)
{
    for (unsigned int w = 0; w < NW; w++)
        if (a[w] != b[w])
            fail_msg("%s: word %u (%s) %08x != %08x", what, w,
                     xfs_words[w].key, a[w], b[w]);
}

/* Random adds and removes; after each, counts agree with a recompute. */
static void counts_match_recompute(void **state)
{
    enum { MAX = 300 };
    static uint32_t fs[MAX][NW];
    static struct xfs_counts c;
    bool in[MAX] = { false };
    uint64_t seed = 0x1e7e1;
    size_t present = 0;

    (void)state;
    for (unsigned int i = 0; i < MAX; i++)
        random_fs(&seed, fs[i]);
    xfs_counts_init(&c);
    for (unsigned int step = 0; step < 3000; step++) {
        unsigned int i = lvt_rand(&seed) % MAX;
        uint32_t every[NW], any[NW], e2[NW], a2[NW];

        if (in[i]) {
            assert_int_equal(xfs_counts_remove(&c, fs[i], NW), 0);
            present--;
        } else {
            assert_int_equal(xfs_counts_add(&c, fs[i], NW), 0);
            present++;
        }
        in[i] = !in[i];
        assert_int_equal(c.nr_hosts, present);
        xfs_level_fold_init(every, any);
        for (unsigned int j = 0; j < MAX; j++)
            if (in[j])
                xfs_level_fold(every, any, fs[j], NW);
        xfs_counts_every(&c, e2);
        xfs_counts_any(&c, a2);
        assert_fs_equal(e2, every, "every");
        assert_fs_equal(a2, any, "any");
        if (step % 97 == 0)
            for (unsigned int bit = 0; bit < XFS_NR_FEATURE_BITS; bit += 7) {
                uint32_t n = 0;

                for (unsigned int j = 0; j < MAX; j++)
                    n += in[j] && xfs_test(fs[j], NW, bit);
                assert_int_equal(xfs_counts_get(&c, bit), n);
            }
    }
}

/* The batch paths count exactly what one-at-a-time adds count. */
static void batch_equals_singles(void **state)
{
    static const size_t counts[] = { 0, 1, 7, 8, 9, 63, 1000, 4099 };
    static uint32_t fs[4099 * 23];
    static uint32_t rows[4100][XFS_COUNT_WORDS];
    static struct xfs_counts a, b;
    uint64_t seed = 42;

    (void)state;
    for (size_t i = 0; i < sizeof(fs) / sizeof(fs[0]); i++)
        fs[i] = (uint32_t)lvt_rand(&seed);
    for (size_t k = 0; k < sizeof(counts) / sizeof(counts[0]); k++) {
        size_t n = counts[k];

        /* nr 17 < NW with stride 23: short featuresets zero-extend. */
        xfs_counts_init(&a);
        xfs_counts_init(&b);
        assert_int_equal(xfs_counts_add_many(&a, fs, 17, 23, n), 0);
        for (size_t i = 0; i < n; i++)
            xfs_counts_add(&b, fs + i * 23, 17);
        assert_memory_equal(&a, &b, sizeof(a));

        /* Full-length, and as padded rows (aligned, then misaligned). */
        xfs_counts_init(&a);
        xfs_counts_init(&b);
        assert_int_equal(xfs_counts_add_many(&a, fs, NW, NW, n), 0);
        for (size_t i = 0; i < n; i++) {
            xfs_counts_add(&b, fs + i * NW, NW);
            memset(rows[i], 0, sizeof(rows[i]));
            memcpy(rows[i], fs + i * NW, NW * 4);
        }
        assert_memory_equal(&a, &b, sizeof(a));
        xfs_counts_init(&a);
        assert_int_equal(xfs_counts_add_rows(&a, (const void *)rows, n), 0);
        assert_memory_equal(&a, &b, sizeof(a));
        memmove((char *)rows + 4, rows, n * sizeof(rows[0]));
        xfs_counts_init(&a);
        assert_int_equal(
            xfs_counts_add_rows(&a, (const void *)((char *)rows + 4), n), 0);
        assert_memory_equal(&a, &b, sizeof(a));
    }
}

static void remove_refuses_what_was_not_added(void **state)
{
    static struct xfs_counts c;
    uint32_t a[NW] = { 0 }, b[NW] = { 0 };

    (void)state;
    xfs_counts_init(&c);
    a[0] = 0x5;
    b[0] = 0x6;
    assert_int_equal(xfs_counts_remove(&c, a, NW), -1); /* empty */
    xfs_counts_add(&c, a, NW);
    assert_int_equal(xfs_counts_remove(&c, b, NW), -1); /* bit 1: count 0 */
    assert_int_equal(c.nr_hosts, 1);
    assert_int_equal(xfs_counts_get(&c, 0), 1);
    assert_int_equal(xfs_counts_remove(&c, a, NW), 0);
    assert_int_equal(xfs_counts_get(&c, 0), 0);
}

/* ---- the level rules ---- */

static void set_all(uint32_t *fs, const unsigned int *bits, size_t n)
{
    for (size_t i = 0; i < n; i++)
        xfs_set(fs, NW, bits[i]);
}

/* A plausible base: what an ordinary x86-64 host has. */
static void base_host(uint32_t *fs)
{
    static const unsigned int base[] = {
        XFS_FPU,  XFS_TSC,  XFS_PAE,  XFS_APIC, XFS_MMX,    XFS_FXSR,
        XFS_SSE,  XFS_SSE2, XFS_SSE3, XFS_LM,   XFS_NX,     XFS_CX16,
        XFS_XSAVE, XFS_AVX, XFS_SSSE3, XFS_SSE4_1, XFS_SSE4_2, XFS_IBRSB,
        XFS_ARCH_CAPS, XFS_SMEP,
    };

    memset(fs, 0, NW * 4);
    set_all(fs, base, sizeof(base) / sizeof(base[0]));
}

static void level_of(const uint32_t *a, const uint32_t *b,
                     const uint32_t *mask, struct xfs_level_sets *out)
{
    uint32_t every[NW], any[NW];

    xfs_level_fold_init(every, any);
    xfs_level_fold(every, any, a, NW);
    xfs_level_fold(every, any, b, NW);
    xfs_level_compute(every, any, mask, out);
}

static const uint32_t *hvm_mask(void)
{
    return xfs_static_masks[XFS_MASK_HVM_HAP_MAX];
}

/* Inverted bits are unioned, ordinary ones intersected. */
static void inverted_bits_are_unioned(void **state)
{
    uint32_t a[NW], b[NW];
    struct xfs_level_sets s;

    (void)state;
    base_host(a);
    base_host(b);
    set_all(a, (const unsigned int[]){ XFS_FDP_EXCP_ONLY, XFS_RSBA,
                                       XFS_AVX2 }, 3);
    set_all(b, (const unsigned int[]){ XFS_NO_FPU_SEL }, 1);
    level_of(a, b, hvm_mask(), &s);
    assert_true(xfs_test(s.level, NW, XFS_FDP_EXCP_ONLY));
    assert_true(xfs_test(s.level, NW, XFS_NO_FPU_SEL));
    assert_true(xfs_test(s.level, NW, XFS_RSBA));
    assert_false(xfs_test(s.level, NW, XFS_AVX2)); /* ordinary: only a */
    assert_true(xfs_test(s.level, NW, XFS_SSE4_2));
    assert_true(xfs_empty(s.unexpressed, NW));
    /* Exactly the four bits carry the flag. */
    assert_int_equal(xfs_popcount(xfs_static_masks[XFS_MASK_INVERTED], NW),
                     4);
}

/* RRSBA needs EIBRS; a level without EIBRS states the weakness as RSBA. */
static void rrsba_restated_as_rsba(void **state)
{
    uint32_t a[NW], b[NW];
    struct xfs_level_sets s;

    (void)state;
    base_host(a);
    base_host(b);
    set_all(a, (const unsigned int[]){ XFS_EIBRS, XFS_RRSBA }, 2);
    level_of(a, b, hvm_mask(), &s);
    assert_false(xfs_test(s.level, NW, XFS_EIBRS));
    assert_false(xfs_test(s.level, NW, XFS_RRSBA));
    assert_true(xfs_test(s.level, NW, XFS_RSBA));
    assert_true(xfs_test(s.restated, NW, XFS_RRSBA));
    assert_int_equal(xfs_level_restated_as(XFS_RRSBA), XFS_RSBA);
    assert_int_equal(xfs_level_restated_as(XFS_RSBA), -1);
    assert_true(xfs_empty(s.unexpressed, NW));
    assert_true(xfs_deps_closed(s.level, NW));

    /* Both with EIBRS: RRSBA is carried as is. */
    xfs_set(b, NW, XFS_EIBRS);
    level_of(a, b, hvm_mask(), &s);
    assert_true(xfs_test(s.level, NW, XFS_RRSBA));
    assert_false(xfs_test(s.level, NW, XFS_RSBA));
    assert_true(xfs_empty(s.restated, NW));
}

/* Without ARCH_CAPS on every host, word 16 cannot be carried: reported. */
static void unexpressible_weakness_is_reported(void **state)
{
    uint32_t a[NW], b[NW];
    struct xfs_level_sets s;

    (void)state;
    base_host(a);
    base_host(b);
    xfs_set(a, NW, XFS_RSBA);
    xfs_clear(b, NW, XFS_ARCH_CAPS);
    level_of(a, b, hvm_mask(), &s);
    assert_false(xfs_test(s.level, NW, XFS_RSBA));
    assert_true(xfs_test(s.unexpressed, NW, XFS_RSBA));
    assert_int_equal(xfs_popcount(s.unexpressed, NW), 1);
}

/* Deep dependencies are applied to the level, and the loss recorded. */
static void deep_deps_reapplied(void **state)
{
    uint32_t a[NW], b[NW];
    struct xfs_level_sets s;

    (void)state;
    base_host(a);
    base_host(b);
    xfs_set(a, NW, XFS_AVX2);
    xfs_set(b, NW, XFS_AVX2);
    xfs_clear(b, NW, XFS_AVX); /* b claims AVX2 without AVX */
    level_of(a, b, hvm_mask(), &s);
    assert_false(xfs_test(s.level, NW, XFS_AVX));
    assert_false(xfs_test(s.level, NW, XFS_AVX2));
    assert_true(xfs_test(s.dep_lost, NW, XFS_AVX2));
    assert_false(xfs_test(s.dep_lost, NW, XFS_AVX)); /* lost directly */
    assert_true(xfs_deps_closed(s.level, NW));
}

/* The guest type's mask applies to ordinary bits only. */
static void type_mask_applies(void **state)
{
    uint32_t a[NW];
    struct xfs_level_sets pv, hvm;

    (void)state;
    base_host(a);
    xfs_set(a, NW, XFS_FDP_EXCP_ONLY);
    level_of(a, a, xfs_static_masks[XFS_MASK_PV_MAX], &pv);
    level_of(a, a, hvm_mask(), &hvm);
    assert_false(xfs_test(pv.level, NW, XFS_SMEP)); /* 'S': HVM only */
    assert_true(xfs_test(hvm.level, NW, XFS_SMEP));
    assert_true(xfs_test(pv.level, NW, XFS_FDP_EXCP_ONLY)); /* '_' */
    assert_true(xfs_test(hvm.level, NW, XFS_FDP_EXCP_ONLY));
    for (unsigned int w = 0; w < NW; w++)
        assert_int_equal(pv.level[w] & ~xfs_static_masks[XFS_MASK_PV_MAX][w] &
                             ~xfs_static_masks[XFS_MASK_INVERTED][w],
                         0);
}

/* A view is the level of a pool of one. */
static void view_is_level_of_one(void **state)
{
    uint64_t seed = 7;

    (void)state;
    for (int i = 0; i < 200; i++) {
        uint32_t a[NW], v[NW];
        struct xfs_level_sets s;

        random_fs(&seed, a);
        xfs_level_view(a, NW, hvm_mask(), v);
        level_of(a, a, hvm_mask(), &s);
        assert_fs_equal(v, s.level, "view");
        assert_true(xfs_deps_closed(v, NW));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(counts_match_recompute),
        cmocka_unit_test(batch_equals_singles),
        cmocka_unit_test(remove_refuses_what_was_not_added),
        cmocka_unit_test(inverted_bits_are_unioned),
        cmocka_unit_test(rrsba_restated_as_rsba),
        cmocka_unit_test(unexpressible_weakness_is_reported),
        cmocka_unit_test(deep_deps_reapplied),
        cmocka_unit_test(type_mask_applies),
        cmocka_unit_test(view_is_level_of_one),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
