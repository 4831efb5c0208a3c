/* SPDX-License-Identifier: MIT */
/*
 * Our ABI structures against the installed Xen 4.17 headers: the
 * get_cpu_featureset sysctl argument, its index constants, and the
 * serialised CPUID leaf and MSR entry.  Sizes, offsets, member sizes and
 * alignment must match, and a value written through our type must read
 * back unchanged through Xen's (the bytes are what cross the boundary).
 */
#define __XEN_TOOLS__ 1

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <xen/xen.h>
#include <xen/sysctl.h>

#include "public/arch-x86/cpu-policy-abi.h"
#include "public/arch-x86/featureset-words.h"
#include "public/sysctl-featureset.h"

#define MEMBER_SIZE(type, m) sizeof(((type *)0)->m)

#define SAME_MEMBER(ours, theirs, m)                                          \
    do {                                                                      \
        assert_int_equal(offsetof(ours, m), offsetof(theirs, m));             \
        assert_int_equal(MEMBER_SIZE(ours, m), MEMBER_SIZE(theirs, m));       \
    } while (0)

#define SAME_SHAPE(ours, theirs)                                              \
    do {                                                                      \
        assert_int_equal(sizeof(ours), sizeof(theirs));                       \
        assert_int_equal(_Alignof(ours), _Alignof(theirs));                   \
    } while (0)

static void sysctl_featureset_layout(void **state)
{
    (void)state;
    SAME_SHAPE(struct xfs_sysctl_cpu_featureset,
               struct xen_sysctl_cpu_featureset);
    assert_int_equal(sizeof(struct xfs_sysctl_cpu_featureset), 16);
    SAME_MEMBER(struct xfs_sysctl_cpu_featureset,
                struct xen_sysctl_cpu_featureset, index);
    SAME_MEMBER(struct xfs_sysctl_cpu_featureset,
                struct xen_sysctl_cpu_featureset, nr_features);
    SAME_MEMBER(struct xfs_sysctl_cpu_featureset,
                struct xen_sysctl_cpu_featureset, features);
    /* The handle is 64 bits wide whatever the pointer size. */
    assert_int_equal(MEMBER_SIZE(struct xfs_sysctl_cpu_featureset, features),
                     8);
    assert_int_equal(_Alignof(xfs_guest_handle_u32_t), 8);
}

static void sysctl_featureset_bytes_cross_over(void **state)
{
    struct xfs_sysctl_cpu_featureset ours;
    struct xen_sysctl_cpu_featureset theirs;
    uint32_t buf[XFS_NR_WORDS];

    (void)state;
    memset(&ours, 0, sizeof(ours));
    ours.index = XFS_SYSCTL_cpu_featureset_hvm_max;
    ours.nr_features = XFS_NR_WORDS;
    ours.features.p = buf;
    memcpy(&theirs, &ours, sizeof(theirs));
    assert_int_equal(theirs.index, XEN_SYSCTL_cpu_featureset_hvm_max);
    assert_int_equal(theirs.nr_features, XFS_NR_WORDS);
    assert_ptr_equal(theirs.features.p, buf);
    assert_int_equal(ours.features.q, (uint64_t)(uintptr_t)buf);

    /* And back: Xen's set_xen_guest_handle writes .p, we read it. */
    memset(&theirs, 0, sizeof(theirs));
    set_xen_guest_handle(theirs.features, buf);
    theirs.index = XEN_SYSCTL_cpu_featureset_pv;
    memcpy(&ours, &theirs, sizeof(ours));
    assert_ptr_equal(ours.features.p, buf);
    assert_int_equal(ours.index, XFS_SYSCTL_cpu_featureset_pv);
}

static void sysctl_featureset_indices(void **state)
{
    (void)state;
    assert_int_equal(XFS_SYSCTL_cpu_featureset_raw,
                     XEN_SYSCTL_cpu_featureset_raw);
    assert_int_equal(XFS_SYSCTL_cpu_featureset_host,
                     XEN_SYSCTL_cpu_featureset_host);
    assert_int_equal(XFS_SYSCTL_cpu_featureset_pv,
                     XEN_SYSCTL_cpu_featureset_pv);
    assert_int_equal(XFS_SYSCTL_cpu_featureset_hvm,
                     XEN_SYSCTL_cpu_featureset_hvm);
    assert_int_equal(XFS_SYSCTL_cpu_featureset_pv_max,
                     XEN_SYSCTL_cpu_featureset_pv_max);
    assert_int_equal(XFS_SYSCTL_cpu_featureset_hvm_max,
                     XEN_SYSCTL_cpu_featureset_hvm_max);
    /* Xen defines exactly these six; ours counts them. */
    assert_int_equal(XFS_SYSCTL_cpu_featureset_nr,
                     XEN_SYSCTL_cpu_featureset_hvm_max + 1);
}

static void cpuid_leaf_layout(void **state)
{
    struct xfs_cpuid_leaf ours = { 7, 0, 1, 2, 3, 4 };
    xen_cpuid_leaf_t theirs;

    (void)state;
    SAME_SHAPE(struct xfs_cpuid_leaf, xen_cpuid_leaf_t);
    assert_int_equal(sizeof(struct xfs_cpuid_leaf), 24);
    SAME_MEMBER(struct xfs_cpuid_leaf, xen_cpuid_leaf_t, leaf);
    SAME_MEMBER(struct xfs_cpuid_leaf, xen_cpuid_leaf_t, subleaf);
    SAME_MEMBER(struct xfs_cpuid_leaf, xen_cpuid_leaf_t, a);
    SAME_MEMBER(struct xfs_cpuid_leaf, xen_cpuid_leaf_t, b);
    SAME_MEMBER(struct xfs_cpuid_leaf, xen_cpuid_leaf_t, c);
    SAME_MEMBER(struct xfs_cpuid_leaf, xen_cpuid_leaf_t, d);
    assert_int_equal(XFS_CPUID_NO_SUBLEAF, XEN_CPUID_NO_SUBLEAF);
    assert_int_equal(XFS_NO_SUBLEAF, XEN_CPUID_NO_SUBLEAF);
    memcpy(&theirs, &ours, sizeof(theirs));
    assert_int_equal(theirs.leaf, 7);
    assert_int_equal(theirs.subleaf, 0);
    assert_int_equal(theirs.a, 1);
    assert_int_equal(theirs.b, 2);
    assert_int_equal(theirs.c, 3);
    assert_int_equal(theirs.d, 4);
}

static void msr_entry_layout(void **state)
{
    struct xfs_msr_entry ours = { XFS_MSR_ARCH_CAPABILITIES_IDX, 0,
                                  0x0123456789abcdefull };
    xen_msr_entry_t theirs;

    (void)state;
    SAME_SHAPE(struct xfs_msr_entry, xen_msr_entry_t);
    assert_int_equal(sizeof(struct xfs_msr_entry), 16);
    SAME_MEMBER(struct xfs_msr_entry, xen_msr_entry_t, idx);
    SAME_MEMBER(struct xfs_msr_entry, xen_msr_entry_t, flags);
    SAME_MEMBER(struct xfs_msr_entry, xen_msr_entry_t, val);
    memcpy(&theirs, &ours, sizeof(theirs));
    assert_int_equal(theirs.idx, 0x10a);
    assert_int_equal(theirs.flags, 0);
    assert_true(theirs.val == 0x0123456789abcdefull);
    assert_int_equal(XFS_MSR_ARCH_CAPABILITIES, XFS_MSR_ARCH_CAPABILITIES_IDX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sysctl_featureset_layout),
        cmocka_unit_test(sysctl_featureset_bytes_cross_over),
        cmocka_unit_test(sysctl_featureset_indices),
        cmocka_unit_test(cpuid_leaf_layout),
        cmocka_unit_test(msr_entry_layout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
