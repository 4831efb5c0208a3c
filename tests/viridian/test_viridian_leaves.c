/* SPDX-License-Identifier: MIT */
/*
 * The Hyper-V leaves for each group and every combination, as Xen 4.17
 * computes them (xen/arch/x86/hvm/viridian/viridian.c,
 * cpuid_viridian_leaves, and traps.c for its own leaves; the bit names
 * from the Hyper-V TLFS).  The expectations are written out from those
 * rules, not computed by the code under test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "libxl_cpuid/viridian/viridian.h"

#define G(x) XLC_VIRIDIAN_BIT(XLC_VIRIDIAN_##x)
#define BIT(n) (1u << (n))

static struct xfs_viridian_leaves leaves_for(xlc_viridian_set s,
                                             const struct xfs_viridian_host *h)
{
    struct xfs_viridian_leaves l;

    xfs_viridian_leaves(xlc_viridian_set_to_param(s), h,
                        XFS_VIRIDIAN_OS_ID_WINDOWS, &l);
    return l;
}

static struct xfs_viridian_host intel(void)
{
    struct xfs_viridian_host h;

    xfs_viridian_host_default(&h);
    return h;
}

static struct xfs_viridian_host amd(void)
{
    struct xfs_viridian_host h = intel();

    h.vmx = h.apic_reg_virt = h.virtualize_apic_accesses = false;
    h.msr_bitmap = false;
    return h;
}

static void assert_regs(const struct xfs_cpuid_regs *r, uint32_t a,
                        uint32_t b, uint32_t c, uint32_t d)
{
    if (r->a != a || r->b != b || r->c != c || r->d != d)
        fail_msg("leaf %08x %08x %08x %08x, expected %08x %08x %08x %08x",
                 r->a, r->b, r->c, r->d, a, b, c, d);
}

static void test_viridian_off(void **state)
{
    struct xfs_viridian_host h = intel();
    struct xfs_viridian_leaves l;

    (void)state;
    xfs_viridian_leaves(0, &h, XFS_VIRIDIAN_OS_ID_WINDOWS, &l);
    assert_false(l.enabled);
    for (unsigned int i = 0; i < XFS_VIRIDIAN_NR_LEAVES; i++)
        assert_regs(&l.ms[i], 0, 0, 0, 0);
    /* Xen's own leaves stay at 0x40000000, "XenVMMXenVMM". */
    assert_int_equal(l.xen_base, 0x40000000);
    assert_regs(&l.xen[0], 0x40000005, 0x566e6558, 0x65584d4d, 0x4d4d566e);
    assert_regs(&l.xen[1], 0x00040011, 0, 0, 0);
    assert_regs(&l.xen[2], 1, 0x40000000, 0, 0);
}

static void test_base_alone(void **state)
{
    struct xfs_viridian_host h = intel();
    struct xfs_viridian_leaves l = leaves_for(G(BASE), &h);
    char sig[13] = "";

    (void)state;
    assert_true(l.enabled);
    assert_int_equal(l.ms[0].a, 0x40000006);
    memcpy(sig, &l.ms[0].b, 4);
    memcpy(sig + 4, &l.ms[0].c, 4);
    memcpy(sig + 8, &l.ms[0].d, 4);
    assert_string_equal(sig, "Microsoft Hv");
    assert_regs(&l.ms[1], 0x31237648, 0, 0, 0);            /* "Hv#1" */
    assert_regs(&l.ms[2], 0x1772, 0x00060000, 0, 0);       /* 6.0.6002 */
    /* APIC access, hypercall and VP index MSRs; no frequency MSRs. */
    assert_regs(&l.ms[3], 0x70, 0, 0, 0);
    /* Relaxed timing; APIC-register virtualisation: no APIC MSRs. */
    assert_regs(&l.ms[4], 0x20, 2047, 0, 0);
    assert_regs(&l.ms[5], 0, 0, 0, 0);
    /* APIC overlay, MSR bitmaps, SLAT. */
    assert_regs(&l.ms[6], 0xb, 0, 0, 0);
    /* Xen's leaves moved up, their hypercall MSR too. */
    assert_int_equal(l.xen_base, 0x40000100);
    assert_regs(&l.xen[0], 0x40000105, 0x566e6558, 0x65584d4d, 0x4d4d566e);
    assert_regs(&l.xen[2], 1, 0x40000200, 0, 0);
}

/* What each group adds to base alone: leaf, eax, edx. */
static const struct {
    unsigned int group, leaf;
    uint32_t eax, edx;
} adds[] = {
    { XLC_VIRIDIAN_FREQ, 3, BIT(11), 0 },
    { XLC_VIRIDIAN_TIME_REF_COUNT, 3, BIT(1), 0 },
    { XLC_VIRIDIAN_REFERENCE_TSC, 3, BIT(9), 0 },
    { XLC_VIRIDIAN_HCALL_REMOTE_TLB_FLUSH, 4, BIT(2), 0 },
    { XLC_VIRIDIAN_APIC_ASSIST, 0, 0, 0 },          /* no CPUID bit */
    { XLC_VIRIDIAN_CRASH_CTL, 3, 0, BIT(10) },
    { XLC_VIRIDIAN_SYNIC, 3, BIT(2), BIT(17) },
    /* libxl sets synic and time_ref_count with stimer */
    { XLC_VIRIDIAN_STIMER, 3, BIT(1) | BIT(2) | BIT(3), BIT(17) },
    { XLC_VIRIDIAN_HCALL_IPI, 4, BIT(10), 0 },
    { XLC_VIRIDIAN_EX_PROCESSOR_MASKS, 4, BIT(11), 0 },
    { XLC_VIRIDIAN_NO_VP_LIMIT, 5, 0xffffffffu, 0 },
    { XLC_VIRIDIAN_CPU_HOTPLUG, 3, 0, BIT(3) },
};

static void test_each_group(void **state)
{
    struct xfs_viridian_host h = intel();
    struct xfs_viridian_leaves base = leaves_for(G(BASE), &h);

    (void)state;
    assert_int_equal(sizeof(adds) / sizeof(adds[0]),
                     XLC_VIRIDIAN_NR_GROUPS - 1);
    for (size_t k = 0; k < sizeof(adds) / sizeof(adds[0]); k++) {
        struct xfs_viridian_leaves l =
            leaves_for(G(BASE) | XLC_VIRIDIAN_BIT(adds[k].group), &h);

        for (unsigned int i = 0; i < XFS_VIRIDIAN_NR_LEAVES; i++) {
            struct xfs_cpuid_regs want = base.ms[i];

            if (i == adds[k].leaf) {
                want.a |= adds[k].eax;
                want.d |= adds[k].edx;
            }
            if (memcmp(&want, &l.ms[i], sizeof(want)))
                fail_msg("base+%s: leaf 0x4000000%u %08x %08x %08x %08x, "
                         "expected %08x %08x %08x %08x",
                         xlc_viridian_group_name(adds[k].group), i, l.ms[i].a,
                         l.ms[i].b, l.ms[i].c, l.ms[i].d, want.a, want.b,
                         want.c, want.d);
        }
    }
}

/* Every combination is base plus the sum of its groups' additions. */
static void test_every_combination(void **state)
{
    struct xfs_viridian_host hosts[2] = { intel(), amd() };

    (void)state;
    for (unsigned int hi = 0; hi < 2; hi++) {
        struct xfs_viridian_leaves base = leaves_for(G(BASE), &hosts[hi]);

        for (xlc_viridian_set s = 0; s <= XLC_VIRIDIAN_KNOWN; s++) {
            struct xfs_viridian_leaves want = base, l;

            if (!(s & G(BASE)))
                continue;
            for (size_t k = 0; k < sizeof(adds) / sizeof(adds[0]); k++)
                if (s & XLC_VIRIDIAN_BIT(adds[k].group)) {
                    want.ms[adds[k].leaf].a |= adds[k].eax;
                    want.ms[adds[k].leaf].d |= adds[k].edx;
                }
            l = leaves_for(s, &hosts[hi]);
            if (memcmp(want.ms, l.ms, sizeof(l.ms)))
                fail_msg("groups %#llx on host %u differ",
                         (unsigned long long)s, hi);
            assert_memory_equal(l.xen, base.xen, sizeof(l.xen));
        }
    }
}

/* viridian=1 on an AMD host, register by register. */
static void test_defaults_on_amd(void **state)
{
    struct xfs_viridian_host h = amd();
    struct xfs_viridian_leaves l = leaves_for(XLC_VIRIDIAN_DEFAULTS, &h);

    (void)state;
    /* time ref count, APIC, hypercall, VP index, frequency MSRs;
     * dynamic partitioning and crash MSRs */
    assert_regs(&l.ms[3], 0x872, 0, 0, 0x408);
    /* APIC MSRs recommended (no APIC-register virtualisation on SVM) */
    assert_regs(&l.ms[4], 0x28, 2047, 0, 0);
    assert_regs(&l.ms[5], 0xffffffff, 0, 0, 0);
    /* MSR bitmaps (SVM), SLAT; no APIC overlay */
    assert_regs(&l.ms[6], 0xa, 0, 0, 0);
}

static void test_host_facts(void **state)
{
    struct xfs_viridian_host h = intel();
    struct xfs_viridian_leaves l;

    (void)state;
    h.apic_reg_virt = false;
    l = leaves_for(G(BASE), &h);
    assert_int_equal(l.ms[4].a, 0x28);
    h.hap = false;
    h.virtualize_apic_accesses = h.msr_bitmap = false;
    l = leaves_for(G(BASE), &h);
    assert_int_equal(l.ms[6].a, 0);
    h = amd();
    h.hap = false;
    l = leaves_for(G(BASE), &h);
    assert_int_equal(l.ms[6].a, 0x2);
    /* Which bits came from the host. */
    assert_int_equal(l.host_mask[4][0], BIT(3));
    assert_int_equal(l.host_mask[4][1], 0xffffffff);
    assert_int_equal(l.host_mask[6][0], BIT(0) | BIT(1) | BIT(3));
    assert_int_equal(l.host_mask[2][0], 0xffffffff);
    assert_int_equal(l.host_mask[3][0] | l.host_mask[3][3], 0);
    /* Xen's boot options: viridian-version=10,0,17763 and the retries. */
    h = intel();
    h.version_major = 10;
    h.version_build = 17763;
    h.spinlock_retries = 0xffffffff;
    l = leaves_for(G(BASE), &h);
    assert_regs(&l.ms[2], 17763, 0x000a0000, 0, 0);
    assert_int_equal(l.ms[4].b, 0xffffffff);
}

static void test_guest_os_id(void **state)
{
    struct xfs_viridian_host h = intel();
    uint64_t p = xlc_viridian_set_to_param(XLC_VIRIDIAN_KNOWN);
    struct xfs_viridian_leaves l;

    (void)state;
    /* Before the guest says who it is: no version, no recommendations. */
    xfs_viridian_leaves(p, &h, 0, &l);
    assert_regs(&l.ms[2], 0, 0, 0, 0);
    assert_regs(&l.ms[4], 0, 0, 0, 0);
    assert_int_not_equal(l.ms[3].a, 0);
    /* OS type 3 (Windows 9x): version only. */
    xfs_viridian_leaves(p, &h, 0x0001030000000000ull, &l);
    assert_int_equal(l.ms[2].a, 0x1772);
    assert_regs(&l.ms[4], 0, 0, 0, 0);
    /* Windows NT and later. */
    xfs_viridian_leaves(p, &h, XFS_VIRIDIAN_OS_ID_WINDOWS, &l);
    assert_int_equal(XFS_VIRIDIAN_OS_ID_OS_TYPE(XFS_VIRIDIAN_OS_ID_WINDOWS),
                     4);
    assert_int_equal(l.ms[4].a, BIT(2) | BIT(5) | BIT(10) | BIT(11));
}

static void test_xen_limit_and_validity(void **state)
{
    struct xfs_viridian_host h = intel();
    struct xfs_viridian_leaves l;

    (void)state;
    h.xen_limit = 1;                   /* clamped up to 2 */
    xfs_viridian_leaves(3, &h, 0, &l);
    assert_int_equal(l.xen[0].a, 0x40000102);
    h.xen_limit = 9;                   /* clamped down to 5 */
    xfs_viridian_leaves(0, &h, 0, &l);
    assert_int_equal(l.xen[0].a, 0x40000005);
    h.xen_minor = 20;
    xfs_viridian_leaves(0, &h, 0, &l);
    assert_int_equal(l.xen[1].a, 0x00040014);
    /* What Xen 4.17's hvm_set_param takes. */
    assert_true(xfs_viridian_param_valid(1));
    assert_true(xfs_viridian_param_valid(0x1fff));
    assert_false(xfs_viridian_param_valid(0));
    assert_false(xfs_viridian_param_valid(2));
    assert_false(xfs_viridian_param_valid(0x2001));
    assert_false(xfs_viridian_param_valid(1ull << 40 | 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_viridian_off),
        cmocka_unit_test(test_base_alone),
        cmocka_unit_test(test_each_group),
        cmocka_unit_test(test_every_combination),
        cmocka_unit_test(test_defaults_on_amd),
        cmocka_unit_test(test_host_facts),
        cmocka_unit_test(test_guest_os_id),
        cmocka_unit_test(test_xen_limit_and_validity),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
