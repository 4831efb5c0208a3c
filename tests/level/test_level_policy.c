/* SPDX-License-Identifier: MIT */
/*
 * Levelling full CPU policies over the shared dumps: the levelled policy
 * carries exactly the featureset level, its limits are the minimum, and
 * every host's max policy accepts it (the policy library's compatibility
 * check, which Xen's restore path mirrors).
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

#include "../helpers/level_testdata.h"
#include "libxl_cpuid/policy/cpu-policy.h"
#include "libxl_cpuid/level/level-policy.h"

#define NW XFS_NR_WORDS
#define ITERATIONS 200

/* Hosts of one vendor that can run the type, in random order. */
static size_t random_same_vendor(uint64_t *seed, enum xlc_guest_type type,
                                 size_t *idx)
{
    const char *vendor = lvt_rand(seed) % 2 ? "GenuineIntel" : "AuthenticAMD";
    size_t nr = lvt_shuffled(seed, type, vendor, true, idx);

    return 1 + lvt_rand(seed) % nr;
}

static void level_featureset(enum xlc_guest_type type, const size_t *idx,
                             size_t n, struct xlc_level *l)
{
    xlc_pool *p;
    xlc_error err;

    assert_int_equal(xlc_pool_new(type, &p, &err), 0);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(xlc_pool_add(p, lvt_hosts[idx[i]].name,
                                      lvt_hosts[idx[i]].as[type].fs, NW,
                                      &lvt_hosts[idx[i]].as[type].props, NULL,
                                      &err), 0);
    assert_int_equal(xlc_pool_level(p, l, &err), 0);
    xlc_pool_free(p);
}

static void levelled_policy_fits_every_host(void **state)
{
    uint64_t seed = 0x9011c7;
    unsigned int checked_layout = 0;

    (void)state;
    for (int it = 0; it < ITERATIONS; it++) {
        enum xlc_guest_type type = it % 2 ? XLC_GUEST_PV : XLC_GUEST_HVM;
        const struct xfs_cpu_policy *pols[64];
        size_t idx[64], n = random_same_vendor(&seed, type, idx);
        struct xfs_cpu_policy out;
        uint32_t fs[NW];
        struct xlc_level l;
        uint64_t layout;
        xlc_error err;

        level_featureset(type, idx, n, &l);
        for (size_t i = 0; i < n; i++)
            pols[i] = &lvt_hosts[idx[i]].as[type].policy;
        if (xlc_level_policies(pols, n, l.sets.level, &out, &layout, &err))
            fail_msg("%s", err.msg);
        /* The policy says exactly the featureset level. */
        xfs_policy_to_featureset(&out, fs, NW);
        for (unsigned int w = 0; w < NW; w++)
            if (fs[w] != l.sets.level[w])
                fail_msg("word %u: policy %08x, level %08x", w, fs[w],
                         l.sets.level[w]);
        for (size_t i = 0; i < n; i++) {
            struct xfs_compat_reason why[16];
            unsigned int k = xfs_policy_check_compat(pols[i], &out, why, 16);

            /* The only refusals allowed are the layouts reported. */
            for (unsigned int j = 0; j < k && j < 16; j++)
                if (why[j].kind != XFS_COMPAT_XSTATE_LAYOUT ||
                    !((layout >> why[j].item) & 1)) {
                    struct xlc_buf b = XLC_BUF_INIT;

                    xlc_compat_reason_text(&why[j], &b);
                    fail_msg("%s refuses the level: %s", lvt_hosts[idx[i]].name,
                             b.s);
                }
            checked_layout += layout != 0;
            /* Limits: never above any host's. */
            assert_true(xfs_policy_max_leaf(&out) <=
                        xfs_policy_max_leaf(pols[i]));
            assert_true(xfs_policy_max_extd_leaf(&out) <=
                        xfs_policy_max_extd_leaf(pols[i]));
            assert_true(out.xstate[0].c <= pols[i]->xstate[0].c ||
                        ((layout >> 2) & 1));
        }
    }
    /*
     * Dumps without leaf 0xd subleaves (IvyBridge-E, ICX, ...) get the
     * vendor's documented layout, and every shared CPU that reports its
     * own agrees with it: no pool of them differs in the layout of a
     * component its guests may use.  (Before, those dumps' unknown
     * layouts made these pools' levels refused.)
     */
    assert_int_equal(checked_layout, 0);
}

/* A host that joins with a smaller address width lowers the level's. */
static void address_width_is_the_minimum(void **state)
{
    const struct xfs_cpu_policy *pols[2];
    struct xfs_cpu_policy a, b, out;
    size_t idx[1] = { 0 };
    struct xlc_level l;
    uint64_t layout;
    xlc_error err;

    (void)state;
    for (size_t i = 0; i < lvt_nr_hosts; i++)
        if (!strncmp(lvt_hosts[i].name, "GenuineIntel0050654", 19))
            idx[0] = i;
    a = lvt_hosts[idx[0]].as[XLC_GUEST_HVM].policy;
    b = a;
    b.extd[8].a = (b.extd[8].a & ~0xffffu) | 36 | 40 << 8;
    pols[0] = &a;
    pols[1] = &b;
    level_featureset(XLC_GUEST_HVM, idx, 1, &l);
    assert_int_equal(xlc_level_policies(pols, 2, l.sets.level, &out, &layout,
                                        &err), 0);
    assert_int_equal(out.extd[8].a & 0xff, 36);
    assert_int_equal((out.extd[8].a >> 8) & 0xff, 40);
    /* Mixed vendors: no levelled policy, and said why. */
    b.vendor = XFS_VENDOR_AMD;
    assert_int_equal(xlc_level_policies(pols, 2, l.sets.level, &out, &layout,
                                        &err), -EINVAL);
    assert_non_null(strstr(err.msg, "vendors differ"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(levelled_policy_fits_every_host),
        cmocka_unit_test(address_width_is_the_minimum),
    };

    return cmocka_run_group_tests(tests, lvt_setup, lvt_teardown);
}
