/* SPDX-License-Identifier: MIT */
/*
 * The raw featureset reader (xen/arch/raw-featureset.c) on synthetic CPUs:
 * every reported bit kept, leaves only read within the advertised limits,
 * MSR_ARCH_CAPS only when enumerated and readable; checked against a
 * direct computation from the leaf table and against libxenguest.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../helpers/xen-fake-cpu.h"
#include "../helpers/xen-fs-check.h"
#include "../helpers/xen-oracle.h"
#include "xen/arch/featuresets.h"

#define N XFS_NR_WORDS

/* Read raw, check no out-of-range query, compare with the table. */
static void read_and_check(struct xt_fake_cpu *c, bool rdmsr, uint32_t raw[N],
                           struct xfs_raw_info *info)
{
    struct xfs_cpuid_reader rd;
    uint32_t want[N];

    xt_fake_reader(c, &rd, rdmsr);
    xfs_raw_read(&rd, raw, info);
    if (c->out_of_range)
        fail_msg("read leaf %#x subleaf %u beyond the advertised limits",
                 c->bad_leaf, c->bad_subleaf);
    xt_raw_from_leaves(c->leaf, c->nr,
                       rdmsr && c->msr_readable ? &c->arch_caps : NULL, want);
    xt_assert_fs_equal(raw, want, "raw vs leaf table");
}

/* libxenguest agrees on every CPUID-sourced word. */
static void check_oracle(const struct xt_fake_cpu *c, const uint32_t raw[N])
{
    uint32_t theirs[N];

    assert_true(xt_oracle_from_leaves(c->leaf, c->nr, theirs) >= 0);
    for (unsigned int w = 0; w < N; w++)
        if (xfs_words[w].src == XFS_SRC_CPUID && theirs[w] != raw[w])
            fail_msg("word %u (%s): ours %08x, libxenguest %08x", w,
                     xfs_words[w].key, raw[w], theirs[w]);
}

static void intel_raw_keeps_every_bit(void **state)
{
    struct xt_fake_cpu c;
    struct xfs_raw_info info;
    uint32_t raw[N];

    (void)state;
    xt_fake_intel_server(&c);
    read_and_check(&c, true, raw, &info);
    check_oracle(&c, raw);
    assert_int_equal(info.vendor, XFS_VENDOR_INTEL);
    assert_true(info.arch_caps_read);
    /* Unknown and software-state bits are raw data too. */
    assert_true(raw[1] & (1u << 11));
    assert_true(raw[5] & (1u << 22));
    assert_true(raw[16] & (1u << 22));
    assert_true(xt_has(raw, XFS_OSXSAVE) && xt_has(raw, XFS_OSPKE));
    assert_int_equal(raw[16], (uint32_t)c.arch_caps);
    assert_int_equal(raw[17], (uint32_t)(c.arch_caps >> 32));
}

static void amd_raw_keeps_mirrored_bits(void **state)
{
    struct xt_fake_cpu c;
    struct xfs_raw_info info;
    uint32_t raw[N];

    (void)state;
    xt_fake_amd_server(&c);
    read_and_check(&c, true, raw, &info);
    check_oracle(&c, raw);
    assert_int_equal(info.vendor, XFS_VENDOR_AMD);
    /* FPU's copy in 0x80000001.edx bit 0 is reported as is. */
    assert_true(raw[2] & 1u);
    assert_int_equal(raw[2] & 0x0183f3ffu, raw[0] & 0x0183f3ffu);
    assert_false(info.arch_caps_read);
    assert_int_equal(c.msr_reads, 0);
}

static void leaf7_beyond_max_basic_is_not_read(void **state)
{
    struct xt_fake_cpu c;
    struct xfs_raw_info info;
    uint32_t raw[N];

    (void)state;
    xt_fake_intel_server(&c);
    xt_fake_regs(&c, 0, 0)->a = 6; /* leaves 7 and 0xd now out of range */
    read_and_check(&c, true, raw, &info);
    check_oracle(&c, raw);
    for (unsigned int w = 0; w < N; w++)
        if (xfs_words[w].leaf == 7 || xfs_words[w].leaf == 0xd ||
            xfs_words[w].src == XFS_SRC_MSR)
            assert_int_equal(raw[w], 0);
    assert_int_equal(info.max_subleaf7, 0);
    assert_int_equal(c.msr_reads, 0); /* ARCH_CAPS was not seen */
}

static void leaf7_subleaves_follow_max_subleaf(void **state)
{
    struct xt_fake_cpu c;
    struct xfs_raw_info info;
    uint32_t raw[N];

    (void)state;
    xt_fake_intel_server(&c);
    xt_fake_feature(&c, XFS_AVX_VNNI);   /* 7.1.eax */
    xt_fake_feature(&c, XFS_INTEL_PSFD); /* 7.2.edx */
    assert_int_equal(xt_fake_regs(&c, 7, 0)->a, 2);
    read_and_check(&c, true, raw, &info);
    assert_true(xt_has(raw, XFS_AVX_VNNI) && xt_has(raw, XFS_INTEL_PSFD));

    xt_fake_regs(&c, 7, 0)->a = 1; /* subleaf 2 no longer exists */
    read_and_check(&c, true, raw, &info);
    check_oracle(&c, raw);
    assert_true(xt_has(raw, XFS_AVX_VNNI));
    assert_false(xt_has(raw, XFS_INTEL_PSFD));

    xt_fake_regs(&c, 7, 0)->a = 0; /* nor subleaf 1 */
    read_and_check(&c, true, raw, &info);
    check_oracle(&c, raw);
    assert_false(xt_has(raw, XFS_AVX_VNNI));
    assert_true(xt_has(raw, XFS_AVX2)); /* subleaf 0 is still there */
}

static void leaf_d1_needs_max_basic_d(void **state)
{
    struct xt_fake_cpu c;
    struct xfs_raw_info info;
    uint32_t raw[N];

    (void)state;
    xt_fake_intel_server(&c);
    xt_fake_regs(&c, 0, 0)->a = 0xc;
    read_and_check(&c, true, raw, &info);
    check_oracle(&c, raw);
    assert_int_equal(raw[4], 0);
    assert_true(xt_has(raw, XFS_AVX2)); /* leaf 7 still in range */
}

static void extended_leaves_follow_max_ext(void **state)
{
    struct xt_fake_cpu c;
    struct xfs_raw_info info;
    uint32_t raw[N];

    (void)state;
    xt_fake_amd_server(&c);
    xt_fake_feature(&c, XFS_NSCB); /* 0x80000021 */
    xt_fake_regs(&c, 0x80000000u, 0)->a = 0x80000007u;
    read_and_check(&c, true, raw, &info);
    check_oracle(&c, raw);
    assert_true(xt_has(raw, XFS_LM) && xt_has(raw, XFS_ITSC));
    assert_int_equal(raw[8], 0);
    assert_int_equal(raw[11], 0);
    assert_int_equal(info.max_ext, 0x80000007u);
}

/* Old CPUs answer an unsupported 0x80000000 with junk: no extended range. */
static void junk_extended_max_means_none(void **state)
{
    struct xt_fake_cpu c;
    struct xfs_raw_info info;
    uint32_t raw[N];

    (void)state;
    xt_fake_intel_server(&c);
    xt_fake_regs(&c, 0x80000000u, 0)->a = 0x00000d0du;
    read_and_check(&c, true, raw, &info);
    assert_int_equal(info.max_ext, 0);
    for (unsigned int w = 0; w < N; w++)
        if (xfs_words[w].leaf >= 0x80000000u)
            assert_int_equal(raw[w], 0);
}

static void msr_words_need_enumeration_and_a_read(void **state)
{
    struct xt_fake_cpu c;
    struct xfs_raw_info info;
    uint32_t raw[N];

    (void)state;
    xt_fake_intel_server(&c);

    /* No rdmsr hook: ARCH_CAPS stays (raw is what CPUID says), words 0. */
    read_and_check(&c, false, raw, &info);
    assert_true(xt_has(raw, XFS_ARCH_CAPS));
    assert_int_equal(raw[16] | raw[17], 0);
    assert_false(info.arch_caps_read);

    /* The read fails. */
    c.msr_readable = false;
    read_and_check(&c, true, raw, &info);
    assert_int_equal(raw[16] | raw[17], 0);
    assert_int_equal(c.msr_reads, 1);
    assert_false(info.arch_caps_read);

    /* Not enumerated: the MSR is not even tried. */
    c.msr_readable = true;
    c.msr_reads = 0;
    xt_fake_regs(&c, 7, 0)->d &= ~(1u << (XFS_ARCH_CAPS % 32));
    read_and_check(&c, true, raw, &info);
    assert_int_equal(c.msr_reads, 0);
    assert_int_equal(raw[16] | raw[17], 0);

    /* High half lands in word 17. */
    xt_fake_feature(&c, XFS_ARCH_CAPS);
    xt_fake_feature(&c, XFS_ITS_NO);
    read_and_check(&c, true, raw, &info);
    assert_true(xt_has(raw, XFS_ITS_NO));
}

static void vendors_match_libxenguest(void **state)
{
    static const char *const sigs[] = { XT_INTEL, XT_AMD, XT_HYGON,
                                        XT_CENTAUR, XT_SHANGHAI,
                                        "GenuineIotel", "VIA VIA VIA " };

    (void)state;
    for (unsigned int i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        struct xt_fake_cpu c;
        struct xfs_raw_info info;
        struct xfs_cpuid_reader rd;
        uint32_t raw[N];
        const struct xfs_cpuid_regs *l0;

        xt_fake_init(&c, sigs[i]);
        xt_fake_reader(&c, &rd, true);
        xfs_raw_read(&rd, raw, &info);
        l0 = xt_fake_regs(&c, 0, 0);
        if ((int)info.vendor != xt_oracle_vendor(l0->b, l0->c, l0->d))
            fail_msg("vendor of \"%s\": ours %d, libxenguest %d", sigs[i],
                     info.vendor, xt_oracle_vendor(l0->b, l0->c, l0->d));
    }
}

static void wrapper_equals_full_read(void **state)
{
    struct xt_fake_cpu c;
    struct xfs_cpuid_reader rd;
    struct xfs_raw_info info;
    uint32_t a[N], b[N];

    (void)state;
    xt_fake_intel_server(&c);
    xt_fake_reader(&c, &rd, true);
    xfs_raw_featureset(&rd, a);
    xfs_raw_read(&rd, b, &info);
    xt_assert_fs_equal(a, b, "xfs_raw_featureset vs xfs_raw_read");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(intel_raw_keeps_every_bit),
        cmocka_unit_test(amd_raw_keeps_mirrored_bits),
        cmocka_unit_test(leaf7_beyond_max_basic_is_not_read),
        cmocka_unit_test(leaf7_subleaves_follow_max_subleaf),
        cmocka_unit_test(leaf_d1_needs_max_basic_d),
        cmocka_unit_test(extended_leaves_follow_max_ext),
        cmocka_unit_test(junk_extended_max_means_none),
        cmocka_unit_test(msr_words_need_enumeration_and_a_read),
        cmocka_unit_test(vendors_match_libxenguest),
        cmocka_unit_test(wrapper_equals_full_read),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
