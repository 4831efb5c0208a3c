/* SPDX-License-Identifier: MIT */
/*
 * Featureset operations on operands of 1, 8, 19 and 32 words: every
 * combination of lengths, so that zero-extension of a short operand and
 * truncation to a short destination are both exercised, with a guard word
 * after every destination.  Operands are the raw featuresets of the 40
 * real CPUs in the shared dumps; words 19..31 carry a pattern standing for
 * words a newer producer knows.  Dependency operations are checked against
 * libxenguest's deep-dependency table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../helpers/cpudata-featureset.h"
#include "xen/lib/featureset.h"
#include "../helpers/libxenguest-private.h"

#define BIG 32
#define GUARD 0xa5a5a5a5u

static const size_t lengths[] = { 1, 8, XFS_NR_WORDS, BIG };
#define NR_LENGTHS (sizeof(lengths) / sizeof(lengths[0]))

static struct th_cpu *cpus;
static unsigned int nr_cpus;

static int load(void **state)
{
    (void)state;
    nr_cpus = th_load_cpus(&cpus);
    return nr_cpus >= 40 ? 0 : -1;
}

static int unload(void **state)
{
    (void)state;
    free(cpus);
    return 0;
}

/* A CPU's featureset widened to BIG words, words 19.. patterned. */
static void widen(uint32_t out[BIG], const uint32_t *fs, unsigned int seed)
{
    memcpy(out, fs, XFS_NR_WORDS * sizeof(*out));
    for (size_t i = XFS_NR_WORDS; i < BIG; i++)
        out[i] = 0x01010101u * (uint32_t)(i + seed) ^ 0x80402010u;
}

/* The reference reading of the contract: past the end reads as zero. */
static uint32_t at(const uint32_t *fs, size_t nr, size_t i)
{
    return i < nr ? fs[i] : 0;
}

static bool ref_test(const uint32_t *fs, size_t nr, unsigned int v)
{
    return (at(fs, nr, v / 32) >> (v % 32)) & 1;
}

/* ---- the helper reads real CPUs ---- */

static void dumps_look_like_x86_64_cpus(void **state)
{
    (void)state;
    for (unsigned int i = 0; i < nr_cpus; i++) {
        const uint32_t *fs = cpus[i].fs;

        if (!ref_test(fs, XFS_NR_WORDS, XFS_FPU) ||
            !ref_test(fs, XFS_NR_WORDS, XFS_SSE2) ||
            !ref_test(fs, XFS_NR_WORDS, XFS_LM))
            fail_msg("%s: FPU, SSE2 or LM missing", cpus[i].name);
    }
    for (unsigned int i = 0; i < nr_cpus; i++)
        if (strstr(cpus[i].name, "SapphireRapids"))
            assert_true(ref_test(cpus[i].fs, XFS_NR_WORDS, XFS_AVX512F));
}

/* ---- single bits ---- */

static void test_set_clear_each_length(void **state)
{
    (void)state;
    for (size_t l = 0; l < NR_LENGTHS; l++) {
        size_t n = lengths[l];
        uint32_t fs[BIG + 1];

        for (unsigned int v = 0; v < (BIG + 2) * 32; v++) {
            bool inside = v / 32 < n;

            memset(fs, 0, sizeof(fs));
            fs[n] = GUARD;
            assert_int_equal(xfs_set(fs, n, v), inside ? 0 : -1);
            assert_int_equal(xfs_test(fs, n, v), inside);
            assert_int_equal(xfs_popcount(fs, n), inside);
            /* Never reads the guard, which has bits set, as a word. */
            assert_false(xfs_test(fs, n, (unsigned int)n * 32 + 0));
            xfs_clear(fs, n, v);
            assert_false(xfs_test(fs, n, v));
            assert_true(xfs_empty(fs, n));
            assert_int_equal(fs[n], GUARD);
        }
        /* Clearing beyond the end writes nothing. */
        memset(fs, 0xff, sizeof(fs));
        fs[n] = GUARD;
        xfs_clear(fs, n, (unsigned int)n * 32 + 5);
        assert_int_equal(fs[n], GUARD);
        assert_int_equal(xfs_popcount(fs, n), n * 32);
    }
}

/* ---- whole-set operations ---- */

enum op { AND, OR, ANDNOT };

static uint32_t ref_op(enum op op, uint32_t a, uint32_t b)
{
    return op == AND ? a & b : op == OR ? a | b : a & ~b;
}

static void run_op(enum op op, uint32_t *d, size_t nd, const uint32_t *a,
                   size_t na, const uint32_t *b, size_t nb)
{
    if (op == AND)
        xfs_and(d, nd, a, na, b, nb);
    else if (op == OR)
        xfs_or(d, nd, a, na, b, nb);
    else
        xfs_andnot(d, nd, a, na, b, nb);
}

static void check_op(enum op op, const uint32_t *a, const uint32_t *b)
{
    for (size_t x = 0; x < NR_LENGTHS; x++)
        for (size_t y = 0; y < NR_LENGTHS; y++)
            for (size_t z = 0; z < NR_LENGTHS; z++) {
                size_t nd = lengths[x], na = lengths[y], nb = lengths[z];
                uint32_t d[BIG + 1];

                memset(d, 0x3c, sizeof(d)); /* stale content */
                d[nd] = GUARD;
                run_op(op, d, nd, a, na, b, nb);
                for (size_t i = 0; i < nd; i++)
                    if (d[i] != ref_op(op, at(a, na, i), at(b, nb, i)))
                        fail_msg("op %d nd %zu na %zu nb %zu word %zu: %08x",
                                 op, nd, na, nb, i, d[i]);
                assert_int_equal(d[nd], GUARD);
            }
}

static void and_or_andnot_all_lengths(void **state)
{
    (void)state;
    for (unsigned int i = 0; i + 1 < nr_cpus; i += 3) {
        uint32_t a[BIG], b[BIG];

        widen(a, cpus[i].fs, i);
        widen(b, cpus[i + 1].fs, i + 7);
        check_op(AND, a, b);
        check_op(OR, a, b);
        check_op(ANDNOT, a, b);
        check_op(ANDNOT, b, a);
    }
}

static void ops_in_place(void **state)
{
    (void)state;
    for (size_t l = 0; l < NR_LENGTHS; l++) {
        size_t n = lengths[l];
        uint32_t a[BIG], b[BIG], want[BIG];

        widen(a, cpus[0].fs, 1);
        widen(b, cpus[nr_cpus - 1].fs, 2);
        for (size_t i = 0; i < n; i++)
            want[i] = a[i] & ~b[i];
        xfs_andnot(a, n, a, n, b, BIG);
        assert_memory_equal(a, want, n * sizeof(*a));
        for (size_t i = 0; i < n; i++)
            want[i] = a[i] | b[i];
        xfs_or(b, n, a, n, b, n);
        assert_memory_equal(b, want, n * sizeof(*b));
    }
}

static void copy_truncates_and_extends(void **state)
{
    uint32_t src[BIG];

    (void)state;
    widen(src, cpus[5].fs, 3);
    for (size_t x = 0; x < NR_LENGTHS; x++)
        for (size_t y = 0; y < NR_LENGTHS; y++) {
            size_t nd = lengths[x], ns = lengths[y];
            uint32_t d[BIG + 1];

            memset(d, 0x77, sizeof(d));
            d[nd] = GUARD;
            xfs_copy(d, nd, src, ns);
            for (size_t i = 0; i < nd; i++)
                assert_int_equal(d[i], at(src, ns, i));
            assert_int_equal(d[nd], GUARD);
        }
}

static bool ref_subset(const uint32_t *a, size_t na, const uint32_t *b,
                       size_t nb)
{
    for (size_t i = 0; i < BIG; i++)
        if (at(a, na, i) & ~at(b, nb, i))
            return false;
    return true;
}

static bool ref_equal(const uint32_t *a, size_t na, const uint32_t *b,
                      size_t nb)
{
    for (size_t i = 0; i < BIG; i++)
        if (at(a, na, i) != at(b, nb, i))
            return false;
    return true;
}

static void subset_equal_all_lengths(void **state)
{
    unsigned int subsets = 0, equals = 0;

    (void)state;
    for (unsigned int i = 0; i < nr_cpus; i++) {
        uint32_t a[BIG], b[BIG], common[BIG], zext[BIG] = { 0 };

        widen(a, cpus[i].fs, i);
        widen(b, cpus[(i + 11) % nr_cpus].fs, i);
        for (size_t w = 0; w < BIG; w++)
            common[w] = a[w] & b[w];
        memcpy(zext, cpus[i].fs, sizeof(cpus[i].fs));
        for (size_t x = 0; x < NR_LENGTHS; x++)
            for (size_t y = 0; y < NR_LENGTHS; y++) {
                size_t na = lengths[x], nb = lengths[y];
                const uint32_t *pairs[][2] = {
                    { a, b }, { common, a }, { a, common }, { zext, a },
                    { a, zext }, { a, a },
                };

                for (size_t p = 0; p < sizeof(pairs) / sizeof(pairs[0]);
                     p++) {
                    const uint32_t *l = pairs[p][0], *r = pairs[p][1];
                    bool s = xfs_subset(l, na, r, nb);
                    bool e = xfs_equal(l, na, r, nb);

                    assert_int_equal(s, ref_subset(l, na, r, nb));
                    assert_int_equal(e, ref_equal(l, na, r, nb));
                    subsets += s;
                    equals += e;
                }
            }
        /* The contract's own examples. */
        assert_true(xfs_equal(zext, BIG, cpus[i].fs, XFS_NR_WORDS));
        assert_true(xfs_subset(common, XFS_NR_WORDS, a, 8) ==
                    xfs_empty(common + 8, XFS_NR_WORDS - 8));
    }
    /* Both answers occur, so neither is vacuous. */
    assert_true(subsets > 0 && equals > 0);
}

/* ---- dependencies, against libxenguest ---- */

/* fs with every feature whose prerequisite is absent cleared (oracle). */
static void oracle_apply(uint32_t *fs, size_t nr)
{
    uint32_t orig[BIG];

    memcpy(orig, fs, nr * sizeof(*fs));
    for (unsigned int f = 0; f < XFS_NR_FEATURE_BITS; f++) {
        const uint32_t *deps = x86_cpu_policy_lookup_deep_deps(f);

        if (!deps || ref_test(orig, nr, f))
            continue;
        for (size_t i = 0; i < nr && i < XFS_NR_WORDS; i++)
            fs[i] &= ~deps[i];
    }
}

/*
 * One case: a CPU, a length, and optionally one feature knocked out on its
 * own (xfs_clear, leaving its dependents behind for apply to find).
 */
static unsigned int apply_case(unsigned int c, size_t n, int knockout)
{
    uint32_t fs[BIG + 1], want[BIG];
    unsigned int cleared, before;

    widen(fs, cpus[c].fs, c);
    fs[n] = GUARD;
    if (knockout >= 0)
        xfs_clear(fs, n, (unsigned int)knockout);
    memcpy(want, fs, n * sizeof(*fs));
    oracle_apply(want, n);
    assert_int_equal(xfs_deps_closed(fs, n),
                     !memcmp(want, fs, n * sizeof(*fs)));
    before = xfs_popcount(fs, n);
    cleared = xfs_apply_deep_deps(fs, n);
    if (memcmp(fs, want, n * sizeof(*fs)))
        fail_msg("%s, %zu words, %s knocked out: differs from libxenguest",
                 cpus[c].name, n,
                 knockout < 0 ? "nothing"
                              : xfs_feature_by_value((unsigned int)knockout)->name);
    assert_int_equal(cleared, before - xfs_popcount(fs, n));
    assert_int_equal(fs[n], GUARD);
    assert_true(xfs_deps_closed(fs, n));
    assert_int_equal(xfs_apply_deep_deps(fs, n), 0);
    return cleared;
}

static void apply_deep_deps_matches_oracle(void **state)
{
    unsigned int cases = 0, changed = 0;

    (void)state;
    for (unsigned int c = 0; c < nr_cpus; c++)
        for (size_t l = 0; l < NR_LENGTHS; l++) {
            /* The raw CPU as it is... */
            changed += apply_case(c, lengths[l], -1) > 0;
            cases++;
            /* ...and with each present prerequisite removed alone. */
            for (unsigned int f = 0; f < XFS_NR_FEATURE_BITS; f++) {
                if (!x86_cpu_policy_lookup_deep_deps(f) ||
                    !ref_test(cpus[c].fs, XFS_NR_WORDS, f))
                    continue;
                changed += apply_case(c, lengths[l], (int)f) > 0;
                cases++;
            }
        }
    print_message("apply_deep_deps: %u cases, %u changed something\n", cases,
                  changed);
    assert_true(changed > cases / 4);
}

static void clear_with_dependents_matches_oracle(void **state)
{
    (void)state;
    for (unsigned int c = 0; c < nr_cpus; c += 4)
        for (size_t l = 0; l < NR_LENGTHS; l++)
            for (unsigned int f = 0; f < XFS_NR_FEATURE_BITS; f++) {
                const uint32_t *deps = x86_cpu_policy_lookup_deep_deps(f);
                size_t n = lengths[l];
                uint32_t fs[BIG + 1], want[BIG];

                if (!xfs_feature_by_value(f))
                    continue;
                widen(fs, cpus[c].fs, c);
                fs[n] = GUARD;
                memcpy(want, fs, sizeof(want));
                if (f / 32 < n)
                    want[f / 32] &= ~(1u << (f % 32));
                for (size_t i = 0; deps && i < n && i < XFS_NR_WORDS; i++)
                    want[i] &= ~deps[i];
                xfs_clear_with_dependents(fs, n, f);
                if (memcmp(fs, want, n * sizeof(*fs)))
                    fail_msg("%s, %zu words, clearing %s: differs",
                             cpus[c].name, n, xfs_feature_by_value(f)->name);
                assert_int_equal(fs[n], GUARD);
            }
}

static void clearing_xsave_takes_the_vector_state_with_it(void **state)
{
    (void)state;
    for (unsigned int c = 0; c < nr_cpus; c++) {
        uint32_t fs[XFS_NR_WORDS];

        if (!strstr(cpus[c].name, "SapphireRapids"))
            continue;
        memcpy(fs, cpus[c].fs, sizeof(fs));
        assert_true(xfs_test(fs, XFS_NR_WORDS, XFS_AVX512_FP16));
        xfs_clear_with_dependents(fs, XFS_NR_WORDS, XFS_XSAVE);
        assert_false(xfs_test(fs, XFS_NR_WORDS, XFS_XSAVE));
        assert_false(xfs_test(fs, XFS_NR_WORDS, XFS_AVX));
        assert_false(xfs_test(fs, XFS_NR_WORDS, XFS_AVX512_FP16));
        assert_false(xfs_test(fs, XFS_NR_WORDS, XFS_XSAVES));
        assert_true(xfs_test(fs, XFS_NR_WORDS, XFS_SSE4_2));
        return;
    }
    fail_msg("no SapphireRapids dump");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dumps_look_like_x86_64_cpus),
        cmocka_unit_test(test_set_clear_each_length),
        cmocka_unit_test(and_or_andnot_all_lengths),
        cmocka_unit_test(ops_in_place),
        cmocka_unit_test(copy_truncates_and_extends),
        cmocka_unit_test(subset_equal_all_lengths),
        cmocka_unit_test(apply_deep_deps_matches_oracle),
        cmocka_unit_test(clear_with_dependents_matches_oracle),
        cmocka_unit_test(clearing_xsave_takes_the_vector_state_with_it),
    };
    return cmocka_run_group_tests(tests, load, unload);
}
