/* SPDX-License-Identifier: MIT */
/*
 * xen/lib/cpu-policy-limits.h against the installed libxenguest 4.17: its
 * x86_cpuid_copy_from_buffer / x86_msr_copy_from_buffer are Xen's own
 * deserialisers (the code the restore path runs), exported but declared in
 * no installed header.  They fill a struct cpu_policy we do not have the
 * definition of; a zeroed 1 MiB block stands in for it (the 4.17 object is
 * a few KiB).
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

#include "libxl_cpuid/migration/stream.h"
#include "xen/lib/cpu-policy-limits.h"
#include "../helpers/libxenguest-private.h"

#define POLICY_BLOCK (1u << 20)

static int xen_takes_leaf(void *policy, uint32_t leaf, uint32_t subleaf)
{
    struct xfs_cpuid_leaf l = { leaf, subleaf, 0, 0, 0, 0 };
    uint32_t el, es;

    return x86_cpuid_copy_from_buffer(policy, &l, 1, &el, &es);
}

/* Every leaf near each range edge, with every subleaf up to 80 and none. */
static void leaf_ranges_match_libxenguest(void **state)
{
    static const uint32_t bases[] = { 0x0, 0x40000000, 0x40000100,
                                      0x80000000, 0xc0000000 };
    void *policy = calloc(1, POLICY_BLOCK);
    unsigned int in_range = 0;

    (void)state;
    assert_non_null(policy);
    for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++) {
        for (uint32_t leaf = bases[b]; leaf < bases[b] + 0x40; leaf++) {
            for (uint32_t sub = 0; sub <= 81; sub++) {
                uint32_t s = sub == 81 ? XFS_CPUID_NO_SUBLEAF : sub;
                int theirs = xen_takes_leaf(policy, leaf, s);
                bool ours = xfs_policy_leaf_in_range(leaf, s);

                if (theirs != 0 && theirs != -ERANGE)
                    fail_msg("leaf %#x/%#x: libxenguest rc %d", leaf, s,
                             theirs);
                if (ours != (theirs == 0))
                    fail_msg("leaf %#x subleaf %#x: ours %s, libxenguest %s",
                             leaf, s, ours ? "in range" : "out of range",
                             theirs ? "out of range" : "in range");
                in_range += ours;
            }
        }
    }
    /* Every slot was met exactly once in the sweep. */
    assert_int_equal(in_range, XFS_CPUID_MAX_SERIALISED_LEAVES);
    free(policy);
}

static void counts_match_libxenguest(void **state)
{
    uint32_t max = XFS_CPUID_MAX_SERIALISED_LEAVES;
    struct xfs_cpuid_leaf *l = calloc(max + 1, sizeof(*l));
    struct xfs_msr_entry m[XFS_MSR_MAX_SERIALISED_ENTRIES + 1];
    void *policy = calloc(1, POLICY_BLOCK);
    uint32_t el, es, em;

    (void)state;
    assert_non_null(l);
    assert_non_null(policy);
    for (uint32_t i = 0; i <= max; i++)
        l[i].subleaf = XFS_CPUID_NO_SUBLEAF;
    assert_int_equal(x86_cpuid_copy_from_buffer(policy, l, max, &el, &es), 0);
    assert_int_equal(x86_cpuid_copy_from_buffer(policy, l, max + 1, &el, &es),
                     -E2BIG);

    for (size_t i = 0; i <= XFS_MSR_MAX_SERIALISED_ENTRIES; i++)
        m[i] = (struct xfs_msr_entry){ XFS_MSR_INTEL_PLATFORM_INFO, 0, 0 };
    assert_int_equal(x86_msr_copy_from_buffer(policy, m,
                                              XFS_MSR_MAX_SERIALISED_ENTRIES,
                                              &em), 0);
    assert_int_equal(x86_msr_copy_from_buffer(
                         policy, m, XFS_MSR_MAX_SERIALISED_ENTRIES + 1, &em),
                     -E2BIG);
    free(l);
    free(policy);
}

static void msrs_match_libxenguest(void **state)
{
    void *policy = calloc(1, POLICY_BLOCK);
    uint32_t em;

    (void)state;
    assert_non_null(policy);
    for (uint32_t idx = 0; idx < 0x1000; idx++) {
        struct xfs_msr_entry m = { idx, 0, 0 };
        int theirs = x86_msr_copy_from_buffer(policy, &m, 1, &em);

        if (xfs_policy_msr_known(idx) != (theirs == 0))
            fail_msg("MSR %#x: ours %d, libxenguest rc %d", idx,
                     xfs_policy_msr_known(idx), theirs);
    }
    /* Reserved flags: Xen refuses them, and so do we. */
    {
        struct xfs_msr_entry m = { XFS_MSR_ARCH_CAPABILITIES_IDX, 1, 0 };
        struct xlc_policy_entries e = { NULL, 0, &m, 1 };
        xlc_error err;

        assert_int_equal(x86_msr_copy_from_buffer(policy, &m, 1, &em),
                         -EINVAL);
        assert_int_equal(xlc_policy_entries_check(&e, &err), -EINVAL);
    }
    free(policy);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(leaf_ranges_match_libxenguest),
        cmocka_unit_test(counts_match_libxenguest),
        cmocka_unit_test(msrs_match_libxenguest),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
