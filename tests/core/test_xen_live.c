/* SPDX-License-Identifier: MIT */
/*
 * The derivation on the CPU running the tests: raw against libxenguest's
 * own native CPUID read, and the invariants under every build option and
 * every single cpuid=no-NAME.
 */
#include <cpuid.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../helpers/xen-fs-check.h"
#include "../helpers/xen-live-cpu.h"
#include "../helpers/xen-oracle.h"
#include "xen/arch/featuresets.h"

#define N XFS_NR_WORDS

static void derive(const struct xfs_hv_options *o,
                   struct xfs_system_featuresets *s, const char *what)
{
    struct xfs_cpuid_reader rd;

    xt_live_reader(&rd);
    xfs_derive_featuresets(&rd, o, s);
    xt_check_invariants(s, o, what);
}

static void raw_matches_libxenguest(void **state)
{
    struct xfs_cpuid_reader rd;
    uint32_t ours[N], theirs[N];

    (void)state;
    xt_live_reader(&rd);
    xfs_raw_featureset(&rd, ours);
    xt_oracle_native(theirs);
    for (unsigned int w = 0; w < N; w++)
        if (ours[w] != theirs[w])
            fail_msg("word %u (%s): ours %08x, libxenguest %08x", w,
                     xfs_words[w].key, ours[w], theirs[w]);
}

static void raw_matches_the_instruction(void **state)
{
    struct xfs_cpuid_reader rd;
    struct xfs_raw_info info;
    uint32_t raw[N];
    unsigned int a, b, c, d;

    (void)state;
    xt_live_reader(&rd);
    xfs_raw_read(&rd, raw, &info);
    __cpuid_count(0, 0, a, b, c, d);
    assert_int_equal(info.max_basic, a);
    __cpuid_count(1, 0, a, b, c, d);
    assert_int_equal(raw[0], d);
    assert_int_equal(raw[1], c);
    __cpuid_count(0x80000000u, 0, a, b, c, d);
    assert_int_equal(info.max_ext, a);
    if (info.max_ext >= 0x80000001u) {
        __cpuid_count(0x80000001u, 0, a, b, c, d);
        assert_int_equal(raw[2], d);
        assert_int_equal(raw[3], c);
    }
    if (info.max_basic >= 7) {
        __cpuid_count(7, 0, a, b, c, d);
        assert_int_equal(raw[5], b);
        assert_int_equal(raw[6], c);
        assert_int_equal(raw[9], d);
    }
    /* No MSR access from user space. */
    assert_false(info.arch_caps_read);
    assert_int_equal(raw[16] | raw[17], 0);
}

static void every_option_combination(void **state)
{
    (void)state;
    for (unsigned int bits = 0; bits < 8; bits++) {
        struct xfs_hv_options o;
        struct xfs_system_featuresets s;
        char what[64];

        xfs_hv_options_default(&o);
        o.hap = bits & 1;
        o.pv = bits & 2;
        o.hvm = bits & 4;
        snprintf(what, sizeof(what), "live, hap=%d pv=%d hvm=%d", o.hap,
                 o.pv, o.hvm);
        derive(&o, &s, what);
        /* The CPU decides whether HVM can run at all. */
        if (o.hvm)
            assert_int_equal(s.hvm_usable,
                             xt_has(s.fs[XFS_SYSCTL_cpu_featureset_raw],
                                    XFS_VMX) ||
                                 xt_has(s.fs[XFS_SYSCTL_cpu_featureset_raw],
                                        XFS_SVM));
    }
}

static void every_single_boot_clear(void **state)
{
    (void)state;
    for (unsigned int i = 0; i < xfs_nr_features; i++) {
        struct xfs_hv_options o;
        struct xfs_system_featuresets s;
        char arg[64];
        unsigned int pos;

        xfs_hv_options_default(&o);
        snprintf(arg, sizeof(arg), "no-%s", xfs_features[i].name);
        assert_int_equal(xfs_parse_boot_cpuid(arg, &o, &pos), 0);
        derive(&o, &s, arg);
    }
}

static void software_state_stays_out_of_host(void **state)
{
    struct xfs_hv_options o;
    struct xfs_system_featuresets s;
    unsigned int a, b, c, d;

    (void)state;
    xfs_hv_options_default(&o);
    derive(&o, &s, "live");
    __cpuid_count(1, 0, a, b, c, d);
    (void)a, (void)b, (void)d;
    /* Linux sets CR4.OSXSAVE, so raw shows it; the host never does. */
    assert_int_equal(xt_has(s.fs[XFS_SYSCTL_cpu_featureset_raw], XFS_OSXSAVE),
                     (c >> 27) & 1);
    assert_int_equal(xt_has(s.fs[XFS_SYSCTL_cpu_featureset_raw],
                            XFS_HYPERVISOR),
                     c >> 31);
    assert_false(xt_has(s.fs[XFS_SYSCTL_cpu_featureset_host], XFS_OSXSAVE));
    assert_false(xt_has(s.fs[XFS_SYSCTL_cpu_featureset_host], XFS_HYPERVISOR));
    assert_true(xt_has(s.fs[XFS_SYSCTL_cpu_featureset_pv], XFS_HYPERVISOR));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(raw_matches_libxenguest),
        cmocka_unit_test(raw_matches_the_instruction),
        cmocka_unit_test(every_option_combination),
        cmocka_unit_test(every_single_boot_clear),
        cmocka_unit_test(software_state_stays_out_of_host),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
