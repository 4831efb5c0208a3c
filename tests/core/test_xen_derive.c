/* SPDX-License-Identifier: MIT */
/*
 * Deriving host, pv and hvm featuresets (xen/arch/host-featureset.c,
 * guest-featuresets.c) on synthetic CPUs: each documented rule, the build
 * and boot options, and the invariants on thousands of random CPUs.
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
#include "xen/arch/featuresets.h"

#define N XFS_NR_WORDS
#define RAW(s) ((s)->fs[XFS_SYSCTL_cpu_featureset_raw])
#define HOST(s) ((s)->fs[XFS_SYSCTL_cpu_featureset_host])
#define PV(s) ((s)->fs[XFS_SYSCTL_cpu_featureset_pv])
#define HVM(s) ((s)->fs[XFS_SYSCTL_cpu_featureset_hvm])
#define PV_MAX(s) ((s)->fs[XFS_SYSCTL_cpu_featureset_pv_max])
#define HVM_MAX(s) ((s)->fs[XFS_SYSCTL_cpu_featureset_hvm_max])

static void derive(struct xt_fake_cpu *c, bool rdmsr,
                   const struct xfs_hv_options *o,
                   struct xfs_system_featuresets *s, const char *what)
{
    struct xfs_cpuid_reader rd;

    xt_fake_reader(c, &rd, rdmsr);
    memset(s, 0xa5, sizeof(*s)); /* every word must be written */
    xfs_derive_featuresets(&rd, o, s);
    if (c->out_of_range)
        fail_msg("%s: read leaf %#x/%u beyond the limits", what, c->bad_leaf,
                 c->bad_subleaf);
    xt_check_invariants(s, o, what);
}

static void defaults(struct xfs_hv_options *o)
{
    xfs_hv_options_default(o);
}

static void expect(const uint32_t *fs, const char *set, bool want,
                   const unsigned int *f, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (xt_has(fs, f[i]) != want)
            fail_msg("%s should %s %s", set, want ? "have" : "lack",
                     xt_name(f[i]));
}

#define HAS(fs, ...)                                                          \
    do {                                                                      \
        static const unsigned int f_[] = { __VA_ARGS__ };                     \
        expect(fs, #fs, true, f_, sizeof(f_) / sizeof(f_[0]));                \
    } while (0)
#define LACKS(fs, ...)                                                        \
    do {                                                                      \
        static const unsigned int f_[] = { __VA_ARGS__ };                     \
        expect(fs, #fs, false, f_, sizeof(f_) / sizeof(f_[0]));               \
    } while (0)

static void intel_sets(void **state)
{
    struct xt_fake_cpu c;
    struct xfs_hv_options o;
    struct xfs_system_featuresets s;
    uint32_t want[N];

    (void)state;
    xt_fake_intel_server(&c);
    defaults(&o);
    derive(&c, true, &o, &s, "intel");

    /* Host: the known bits less the software-state ones, nothing else
     * (this CPU has every prerequisite it needs). */
    xfs_and(want, N, RAW(&s), N, xfs_static_masks[XFS_MASK_KNOWN], N);
    xfs_clear(want, N, XFS_OSXSAVE);
    xfs_clear(want, N, XFS_OSPKE);
    xt_assert_fs_equal(HOST(&s), want, "intel host");
    HAS(HOST(&s), XFS_SEP, XFS_ARCH_CAPS, XFS_RDCL_NO, XFS_VMX);

    HAS(PV_MAX(&s), XFS_HYPERVISOR, XFS_IBPB, XFS_STIBP, XFS_AVX512F,
        XFS_HLE, XFS_ARCH_CAPS, XFS_SEP);
    LACKS(PV_MAX(&s), XFS_VMX, XFS_PCID, XFS_X2APIC, XFS_TSC_DEADLINE,
          XFS_SMEP, XFS_MPX, XFS_OSXSAVE);
    HAS(PV(&s), XFS_HYPERVISOR, XFS_IBPB, XFS_AVX512F);
    LACKS(PV(&s), XFS_HLE);

    HAS(HVM_MAX(&s), XFS_VMX, XFS_PCID, XFS_INVPCID, XFS_PKU, XFS_APIC,
        XFS_X2APIC, XFS_TSC_DEADLINE, XFS_SMEP, XFS_MPX, XFS_HYPERVISOR,
        XFS_IBPB, XFS_SEP);
    LACKS(HVM_MAX(&s), XFS_VIRT_SSBD, XFS_AMD_STIBP, XFS_OSPKE, XFS_PQM);
    HAS(HVM(&s), XFS_PCID, XFS_X2APIC, XFS_HYPERVISOR);
    LACKS(HVM(&s), XFS_VMX, XFS_MPX, XFS_HLE);
    /* NO_LMSL is always true of Xen's HVM guests. */
    HAS(HVM_MAX(&s), XFS_NO_LMSL);
    HAS(HVM(&s), XFS_NO_LMSL);
    LACKS(HOST(&s), XFS_NO_LMSL);
}

static void amd_sets(void **state)
{
    static const char *const amd_like[] = { XT_AMD, XT_HYGON };

    (void)state;
    for (unsigned int i = 0; i < 2; i++) {
        struct xt_fake_cpu c;
        struct xfs_hv_options o;
        struct xfs_system_featuresets s;

        xt_fake_amd_server(&c);
        xt_fake_set_vendor(&c, amd_like[i]);
        defaults(&o);
        derive(&c, true, &o, &s, amd_like[i]);
        assert_int_equal(s.info.vendor, i ? XFS_VENDOR_HYGON : XFS_VENDOR_AMD);

        /* The leaf 1 edx copies are raw data, never host features. */
        assert_int_equal(RAW(&s)[2] & 0x0183f3ffu, RAW(&s)[0] & 0x0183f3ffu);
        assert_int_equal(HOST(&s)[2],
                         RAW(&s)[2] & xfs_static_masks[XFS_MASK_KNOWN][2]);
        assert_int_equal(HOST(&s)[2] & 0x0183f3ffu & ~(1u << 11), 0);

        /* SYSENTER: gone for Xen and PV, back for HVM. */
        HAS(RAW(&s), XFS_SEP, XFS_HYPERVISOR);
        LACKS(HOST(&s), XFS_SEP, XFS_HYPERVISOR, XFS_OSXSAVE);
        LACKS(PV_MAX(&s), XFS_SEP);
        LACKS(PV(&s), XFS_SEP);
        HAS(HVM_MAX(&s), XFS_SEP, XFS_SVM, XFS_AMD_STIBP, XFS_IBRS);
        HAS(HVM(&s), XFS_SEP);
        LACKS(HVM(&s), XFS_SVM);

        /* VIRT_SSBD emulated over AMD_SSBD, max only. */
        HAS(HVM_MAX(&s), XFS_VIRT_SSBD);
        LACKS(HVM(&s), XFS_VIRT_SSBD);
        LACKS(PV_MAX(&s), XFS_VIRT_SSBD, XFS_IBRS, XFS_AMD_STIBP);
        HAS(PV_MAX(&s), XFS_IBPB, XFS_HYPERVISOR, XFS_LFENCE_DISPATCH);
    }
}

static void other_vendors_keep_sep(void **state)
{
    static const char *const v[] = { XT_CENTAUR, XT_SHANGHAI, "Some Vendor " };

    (void)state;
    for (unsigned int i = 0; i < 3; i++) {
        struct xt_fake_cpu c;
        struct xfs_hv_options o;
        struct xfs_system_featuresets s;

        xt_fake_intel_server(&c);
        xt_fake_set_vendor(&c, v[i]);
        defaults(&o);
        derive(&c, true, &o, &s, v[i]);
        HAS(HOST(&s), XFS_SEP);
        HAS(PV(&s), XFS_SEP);
    }
}

static void shadow_paging_hides_hap_features(void **state)
{
    struct xt_fake_cpu c;
    struct xfs_hv_options o;
    struct xfs_system_featuresets s, hap;

    (void)state;
    xt_fake_intel_server(&c);
    defaults(&o);
    derive(&c, true, &o, &hap, "intel hap");
    o.hap = false;
    derive(&c, true, &o, &s, "intel shadow");
    LACKS(HVM_MAX(&s), XFS_PCID, XFS_INVPCID, XFS_PKU, XFS_PAGE1GB, XFS_VMX);
    LACKS(HVM(&s), XFS_PCID, XFS_INVPCID, XFS_PKU, XFS_PAGE1GB);
    HAS(HVM_MAX(&s), XFS_SMEP, XFS_SMAP, XFS_X2APIC, XFS_MPX, XFS_APIC);
    HAS(HVM(&hap), XFS_PCID, XFS_PAGE1GB);
    /* Nothing else changes. */
    xt_assert_fs_equal(HOST(&s), HOST(&hap), "host, hap vs shadow");
    xt_assert_fs_equal(PV_MAX(&s), PV_MAX(&hap), "pv_max, hap vs shadow");
    assert_true(xfs_subset(HVM_MAX(&s), N, HVM_MAX(&hap), N));
}

static void compiled_out_sets_are_empty(void **state)
{
    struct xt_fake_cpu c;
    struct xfs_hv_options o;
    struct xfs_system_featuresets all, s;

    (void)state;
    xt_fake_amd_server(&c);
    defaults(&o);
    derive(&c, true, &o, &all, "amd");

    o.pv = false;
    derive(&c, true, &o, &s, "amd, no pv");
    assert_true(xfs_empty(PV(&s), N) && xfs_empty(PV_MAX(&s), N));
    xt_assert_fs_equal(HVM_MAX(&s), HVM_MAX(&all), "hvm_max without pv");
    xt_assert_fs_equal(HVM(&s), HVM(&all), "hvm without pv");
    xt_assert_fs_equal(HOST(&s), HOST(&all), "host without pv");

    o.pv = true;
    o.hvm = false;
    derive(&c, true, &o, &s, "amd, no hvm");
    assert_false(s.hvm_usable);
    assert_true(xfs_empty(HVM(&s), N) && xfs_empty(HVM_MAX(&s), N));
    xt_assert_fs_equal(PV_MAX(&s), PV_MAX(&all), "pv_max without hvm");
    xt_assert_fs_equal(PV(&s), PV(&all), "pv without hvm");

    o.pv = false;
    derive(&c, true, &o, &s, "amd, neither");
    assert_true(xfs_empty(PV_MAX(&s), N) && xfs_empty(HVM_MAX(&s), N));
    assert_false(xfs_empty(HOST(&s), N));
}

static void hvm_needs_vmx_or_svm(void **state)
{
    struct xt_fake_cpu c;
    struct xfs_hv_options o;
    struct xfs_system_featuresets s;
    unsigned int bad = 0;

    (void)state;
    xt_fake_intel_server(&c);
    xt_fake_regs(&c, 1, 0)->c &= ~(1u << (XFS_VMX % 32));
    defaults(&o);
    derive(&c, true, &o, &s, "intel without vmx");
    assert_false(s.hvm_usable);
    assert_true(xfs_empty(HVM_MAX(&s), N));
    assert_false(xfs_empty(PV_MAX(&s), N));

    xt_fake_amd_server(&c);
    assert_int_equal(xfs_parse_boot_cpuid("no-svm", &o, &bad), 0);
    derive(&c, true, &o, &s, "amd, cpuid=no-svm");
    assert_false(s.hvm_usable);
    assert_true(xfs_empty(HVM(&s), N));
}

static void boot_clear_takes_dependents(void **state)
{
    struct xt_fake_cpu c;
    struct xfs_hv_options o;
    struct xfs_system_featuresets s;
    unsigned int bad = 0;

    (void)state;
    xt_fake_intel_server(&c);
    defaults(&o);
    assert_int_equal(xfs_parse_boot_cpuid("no-avx,no-ibrsb", &o, &bad), 0);
    derive(&c, true, &o, &s, "intel, cpuid=no-avx,no-ibrsb");
    HAS(RAW(&s), XFS_AVX, XFS_AVX2, XFS_IBRSB);
    LACKS(HOST(&s), XFS_AVX, XFS_FMA, XFS_F16C, XFS_AVX2, XFS_AVX512F,
          XFS_AVX512BW, XFS_AVX512VL, XFS_IBRSB, XFS_STIBP, XFS_SSBD,
          XFS_EIBRS);
    HAS(HOST(&s), XFS_XSAVE, XFS_SSE4_2, XFS_XSAVEOPT);
    /* Without IBRSB there is nothing to synthesise IBPB/STIBP from. */
    LACKS(PV_MAX(&s), XFS_IBPB, XFS_STIBP, XFS_AVX, XFS_AVX2);
    LACKS(HVM_MAX(&s), XFS_IBPB, XFS_STIBP, XFS_AVX, XFS_AVX512F);
}

static void boot_clear_apic_lm_xsave(void **state)
{
    struct xt_fake_cpu c;
    struct xfs_hv_options o;
    struct xfs_system_featuresets s;
    unsigned int bad = 0;

    (void)state;
    xt_fake_intel_server(&c);
    defaults(&o);
    assert_int_equal(xfs_parse_boot_cpuid("no-apic", &o, &bad), 0);
    derive(&c, true, &o, &s, "cpuid=no-apic");
    LACKS(HOST(&s), XFS_APIC, XFS_X2APIC, XFS_TSC_DEADLINE);
    LACKS(PV_MAX(&s), XFS_APIC);
    /* The emulated APIC stays; the deadline timer came from the host. */
    HAS(HVM_MAX(&s), XFS_APIC, XFS_X2APIC);
    HAS(HVM(&s), XFS_APIC, XFS_X2APIC);
    LACKS(HVM_MAX(&s), XFS_TSC_DEADLINE);

    defaults(&o);
    assert_int_equal(xfs_parse_boot_cpuid("no-lm", &o, &bad), 0);
    derive(&c, true, &o, &s, "cpuid=no-lm");
    LACKS(HOST(&s), XFS_LM, XFS_PCID, XFS_PAGE1GB, XFS_CX16, XFS_LAHF_LM);
    /* NO_LMSL needs LM: the forced bit is dropped again. */
    LACKS(HVM_MAX(&s), XFS_LM, XFS_NO_LMSL, XFS_PCID);

    defaults(&o);
    assert_int_equal(xfs_parse_boot_cpuid("no-xsave", &o, &bad), 0);
    derive(&c, true, &o, &s, "cpuid=no-xsave");
    for (int i = 1; i < XFS_SYSCTL_cpu_featureset_nr; i++)
        LACKS(s.fs[i], XFS_XSAVE, XFS_AVX, XFS_XSAVEOPT, XFS_XSAVES,
              XFS_AVX512F, XFS_PKU, XFS_MPX);
}

static void incomplete_enumeration_is_dropped(void **state)
{
    struct xt_fake_cpu c;
    struct xfs_hv_options o;
    struct xfs_system_featuresets s;

    (void)state;
    xt_fake_intel_server(&c);
    defaults(&o);

    /* No leaf 0xd: XSAVE (and all it carries) cannot be used. */
    xt_fake_regs(&c, 0, 0)->a = 0xc;
    derive(&c, true, &o, &s, "intel, max leaf 0xc");
    HAS(RAW(&s), XFS_XSAVE, XFS_AVX2);
    LACKS(HOST(&s), XFS_XSAVE, XFS_AVX, XFS_AVX2, XFS_AVX512F);
    HAS(HOST(&s), XFS_SSE4_2, XFS_BMI2);

    /* ARCH_CAPS enumerated but unreadable. */
    xt_fake_regs(&c, 0, 0)->a = 0xd;
    derive(&c, false, &o, &s, "intel, no rdmsr");
    HAS(RAW(&s), XFS_ARCH_CAPS);
    LACKS(HOST(&s), XFS_ARCH_CAPS, XFS_RDCL_NO);
    LACKS(PV_MAX(&s), XFS_ARCH_CAPS);
    c.msr_readable = false;
    derive(&c, true, &o, &s, "intel, rdmsr faults");
    LACKS(HOST(&s), XFS_ARCH_CAPS);
}

/* ---- random CPUs ---- */

static uint64_t next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void random_cpu(struct xt_fake_cpu *c, uint64_t *rng)
{
    static const char *const v[] = { XT_INTEL, XT_AMD, XT_HYGON, XT_CENTAUR,
                                     XT_SHANGHAI, "RandomVendor" };
    static const uint32_t ext_max[] = { 0x80000000u, 0x80000001u,
                                        0x80000008u, 0x80000021u,
                                        0x80000028u, 0x0000000du };
    uint32_t density = (uint32_t)next(rng);

    xt_fake_init(c, v[next(rng) % 6]);
    for (unsigned int w = 0; w < N; w++) {
        const struct xfs_word_info *wi = &xfs_words[w];
        struct xfs_cpuid_regs *r;

        if (wi->src != XFS_SRC_CPUID)
            continue;
        r = xt_fake_regs(c, wi->leaf,
                         wi->subleaf == XFS_NO_SUBLEAF ? 0 : wi->subleaf);
        /* Dense or sparse, so that dependencies are both met and not. */
        xfs_regs_put(r, wi->reg,
                     (uint32_t)next(rng) | ((uint32_t)next(rng) & density));
    }
    xt_fake_regs(c, 0, 0)->a = 1 + (uint32_t)(next(rng) % 0x20);
    xt_fake_regs(c, 7, 0)->a = (uint32_t)(next(rng) % 4);
    xt_fake_regs(c, 0x80000000u, 0)->a = ext_max[next(rng) % 6];
    c->arch_caps = next(rng);
    c->msr_readable = next(rng) & 1;
}

static void random_options(struct xfs_hv_options *o, uint64_t *rng)
{
    uint64_t bits = next(rng);

    xfs_hv_options_default(o);
    o->hap = bits & 1;
    o->pv = (bits & 6) != 0;  /* mostly built in */
    o->hvm = (bits & 24) != 0;
    for (unsigned int i = 0; i < (bits >> 8) % 4; i++)
        xfs_set(o->boot_clear, N,
                xfs_features[next(rng) % xfs_nr_features].value);
}

static void random_cpus_keep_invariants(void **state)
{
    uint64_t rng = 0x5eed;
    unsigned int usable = 0, pv = 0;

    (void)state;
    for (unsigned int i = 0; i < 3000; i++) {
        struct xt_fake_cpu c;
        struct xfs_hv_options o;
        struct xfs_system_featuresets s;
        uint32_t want[N];
        char what[48];
        bool rdmsr;

        random_cpu(&c, &rng);
        random_options(&o, &rng);
        rdmsr = next(&rng) & 1;
        snprintf(what, sizeof(what), "random CPU #%u", i);
        derive(&c, rdmsr, &o, &s, what);
        xt_raw_from_leaves(c.leaf, c.nr,
                           rdmsr && c.msr_readable ? &c.arch_caps : NULL, want);
        xt_assert_fs_equal(RAW(&s), want, what);
        usable += s.hvm_usable;
        pv += o.pv;
    }
    /* The generator must exercise both sides of each option. */
    assert_true(usable > 500 && usable < 2900);
    assert_true(pv > 500 && pv < 2900);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(intel_sets),
        cmocka_unit_test(amd_sets),
        cmocka_unit_test(other_vendors_keep_sep),
        cmocka_unit_test(shadow_paging_hides_hap_features),
        cmocka_unit_test(compiled_out_sets_are_empty),
        cmocka_unit_test(hvm_needs_vmx_or_svm),
        cmocka_unit_test(boot_clear_takes_dependents),
        cmocka_unit_test(boot_clear_apic_lm_xsave),
        cmocka_unit_test(incomplete_enumeration_is_dropped),
        cmocka_unit_test(random_cpus_keep_invariants),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
