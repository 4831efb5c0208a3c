/* SPDX-License-Identifier: MIT */
/*
 * Featureset <-> policy: words go into exactly the registers the word
 * table names and come back out unchanged; every other register is left
 * alone.  libxenguest's own x86_cpu_featureset_to_policy and
 * x86_cpu_policy_to_featureset are the oracle, on every shared dump.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../helpers/policy-oracle.h"
#include "../helpers/libxenguest-private.h"

static uint32_t rng = 0x12345678;

static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

/* Every register a distinct, recognisable value. */
static void fill_pattern(struct xfs_cpu_policy *p)
{
    struct xfs_cpuid_regs *arrays[] = { p->basic, p->cache, p->feat,
                                        p->topo, p->xstate, p->extd };
    const unsigned int n[] = { XFS_POLICY_NR_BASIC, XFS_POLICY_NR_CACHE,
                               XFS_POLICY_NR_FEAT, XFS_POLICY_NR_TOPO,
                               XFS_POLICY_NR_XSTATE, XFS_POLICY_NR_EXTD };

    for (unsigned int a = 0; a < 6; a++)
        for (unsigned int i = 0; i < n[a]; i++)
            arrays[a][i] = (struct xfs_cpuid_regs){ next(), next(), next(),
                                                    next() };
    p->platform_info = next();
    p->arch_caps = ((uint64_t)next() << 32) | next();
}

/* Is register `reg` of (leaf, subleaf) a featureset word? */
static bool is_word(uint32_t leaf, uint32_t subleaf, enum xfs_reg reg)
{
    for (unsigned int w = 0; w < XFS_NR_WORDS; w++)
        if (xfs_words[w].src == XFS_SRC_CPUID && xfs_words[w].leaf == leaf &&
            xfs_words[w].subleaf == subleaf && xfs_words[w].reg == reg)
            return true;
    return false;
}

struct cmp_ctx {
    const struct xfs_cpu_policy *before;
    unsigned int words_seen;
};

static int cmp_visit(void *ctx, uint32_t leaf, uint32_t subleaf,
                     const struct xfs_cpuid_regs *r)
{
    struct cmp_ctx *c = ctx;
    const struct xfs_cpuid_regs *old =
        xfs_policy_slot_c(c->before, leaf, subleaf);

    if (!old)
        return 0;   /* the hypervisor limits */
    for (enum xfs_reg reg = XFS_EAX; reg <= XFS_EDX; reg++) {
        if (is_word(leaf, subleaf, reg)) {
            c->words_seen++;
            continue;
        }
        if (xfs_regs_get(r, reg) != xfs_regs_get(old, reg))
            fail_msg("leaf %08x:%08x reg %d changed", leaf, subleaf, reg);
    }
    return 0;
}

static void other_registers_untouched(void **state)
{
    struct xfs_cpu_policy p, before;
    uint32_t fs[XFS_NR_WORDS], back[XFS_NR_WORDS];
    struct cmp_ctx c = { &before, 0 };

    (void)state;
    for (int round = 0; round < 50; round++) {
        fill_pattern(&p);
        /* List every leaf: max leaves at the top, all xstate components. */
        p.basic[0].a = XFS_POLICY_NR_BASIC - 1;
        p.feat[0].a = XFS_POLICY_NR_FEAT - 1;
        p.extd[0].a = XFS_POLICY_EXTD_BASE + XFS_POLICY_NR_EXTD - 1;
        p.xstate[0].a = p.xstate[0].d = ~0u;
        xfs_policy_copy(&before, &p);
        for (unsigned int w = 0; w < XFS_NR_WORDS; w++)
            fs[w] = next();
        assert_int_equal(xfs_policy_from_featureset(&p, fs, XFS_NR_WORDS), 0);
        xfs_policy_to_featureset(&p, back, XFS_NR_WORDS);
        assert_memory_equal(fs, back, sizeof(fs));
        c.words_seen = 0;
        xfs_policy_for_each_leaf(&p, cmp_visit, &c);
        /* Every CPUID word was met once (the MSR words are below). */
        assert_int_equal(c.words_seen, XFS_NR_WORDS - 2);
        assert_int_equal(p.platform_info, before.platform_info);
        assert_int_equal(p.arch_caps,
                         ((uint64_t)fs[17] << 32) | fs[16]);
    }
}

static void short_and_long_featuresets(void **state)
{
    struct xfs_cpu_policy p;
    uint32_t fs[XFS_NR_WORDS + 6] = { 0 }, back[XFS_NR_WORDS + 6];

    (void)state;
    fill_pattern(&p);
    fs[0] = 0x1234;
    /* Five words: the rest count as zero (the featureset contract). */
    assert_int_equal(xfs_policy_from_featureset(&p, fs, 5), 0);
    xfs_policy_to_featureset(&p, back, XFS_NR_WORDS + 6);
    assert_int_equal(back[0], 0x1234);
    for (unsigned int w = 1; w < XFS_NR_WORDS + 6; w++)
        assert_int_equal(back[w], 0);
    /* Longer than this build knows: fine while the extra words are zero,
     * refused (-1) when they hold bits nobody can place. */
    assert_int_equal(xfs_policy_from_featureset(&p, fs, XFS_NR_WORDS + 6), 0);
    fs[XFS_NR_WORDS + 3] = 1;
    assert_int_equal(xfs_policy_from_featureset(&p, fs, XFS_NR_WORDS + 6), -1);
}

static struct cpu_policy *xen_policy_of(const struct xlc_policy_entries *r)
{
    struct cpu_policy *x = calloc(1, XEN_POLICY_BYTES);
    uint32_t el, es, em;

    assert_non_null(x);
    assert_int_equal(x86_cpuid_copy_from_buffer(x, r->leaves,
                                                (uint32_t)r->nr_leaves, &el,
                                                &es), 0);
    assert_int_equal(x86_msr_copy_from_buffer(x, r->msrs,
                                              (uint32_t)r->nr_msrs, &em), 0);
    return x;
}

/* Both directions against libxenguest, for one policy. */
static void check_against_xen(const struct xfs_cpu_policy *p,
                              const char *what)
{
    struct xlc_policy_entries r[2];
    uint32_t ours[XFS_NR_WORDS], theirs[XFS_NR_WORDS], fs[XFS_NR_WORDS];
    uint32_t nr_leaves = XFS_POLICY_MAX_LEAVES, nr_msrs = XFS_POLICY_MAX_MSRS;
    struct xfs_cpu_policy mine;
    struct cpu_policy *x;

    assert_int_equal(xlc_policy_serialise(p, &r[0], NULL), 0);
    x = xen_policy_of(&r[0]);
    xlc_policy_entries_free(&r[0]);
    xfs_policy_to_featureset(p, ours, XFS_NR_WORDS);
    x86_cpu_policy_to_featureset(x, theirs);
    for (unsigned int w = 0; w < XFS_NR_WORDS; w++)
        if (ours[w] != theirs[w])
            fail_msg("%s: word %u ours %08x, libxenguest %08x", what, w,
                     ours[w], theirs[w]);

    /* Write the same random featureset with both, serialise both. */
    for (unsigned int w = 0; w < XFS_NR_WORDS; w++)
        fs[w] = next();
    xfs_policy_copy(&mine, p);
    xfs_policy_from_featureset(&mine, fs, XFS_NR_WORDS);
    x86_cpu_featureset_to_policy(fs, x);
    assert_int_equal(xlc_policy_serialise(&mine, &r[0], NULL), 0);
    assert_int_equal(xlc_policy_entries_alloc(&r[1], nr_leaves, nr_msrs,
                                              NULL), 0);
    assert_int_equal(x86_cpuid_copy_to_buffer(x, r[1].leaves, &nr_leaves),
                     0);
    assert_int_equal(x86_msr_copy_to_buffer(x, r[1].msrs, &nr_msrs), 0);
    if (r[0].nr_leaves != nr_leaves || r[0].nr_msrs != nr_msrs ||
        memcmp(r[0].leaves, r[1].leaves,
               r[0].nr_leaves * sizeof(r[0].leaves[0])) ||
        memcmp(r[0].msrs, r[1].msrs, r[0].nr_msrs * sizeof(r[0].msrs[0])))
        fail_msg("%s: featureset written by us and by libxenguest differ",
                 what);
    free(x);
    xlc_policy_entries_free(&r[0]);
    xlc_policy_entries_free(&r[1]);
}

static void agrees_with_libxenguest(void **state)
{
    size_t nr;
    char **paths = xt_dump_paths(&nr);
    unsigned int n = 0;

    (void)state;
    for (size_t i = 0; i < nr; i++) {
        struct xlc_system_policies *s = xt_system_from_file(paths[i]);

        for (unsigned int k = 0; k < XFS_SYSCTL_cpu_featureset_nr; k++) {
            char what[300];

            if (!s->pol.present[k])
                continue;
            snprintf(what, sizeof(what), "%s %s", xt_basename(paths[i]),
                     xlc_policy_name(k));
            check_against_xen(&s->pol.p[k], what);
            n++;
        }
        xlc_system_policies_free(s);
    }
    printf("    %u policies, both directions\n", n);
    xt_free_paths(paths, nr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(other_registers_untouched),
        cmocka_unit_test(short_and_long_featuresets),
        cmocka_unit_test(agrees_with_libxenguest),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
