/* SPDX-License-Identifier: MIT */
/*
 * The six system policies derived from every shared dump (and this
 * machine): feature bits are exactly the derived featuresets; limits,
 * cleared leaves, leaf 0xd and the other feature-dependent fields follow
 * the rules of xen/arch/policy-*.c; hypervisor options show through.
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
#include "../helpers/xen-oracle.h"

#define RAW XFS_SYSCTL_cpu_featureset_raw
#define HOST XFS_SYSCTL_cpu_featureset_host
#define PV XFS_SYSCTL_cpu_featureset_pv
#define HVM XFS_SYSCTL_cpu_featureset_hvm
#define PV_MAX XFS_SYSCTL_cpu_featureset_pv_max
#define HVM_MAX XFS_SYSCTL_cpu_featureset_hvm_max

static bool regs_zero(const struct xfs_cpuid_regs *r)
{
    return !r->a && !r->b && !r->c && !r->d;
}

static bool has(const struct xfs_cpu_policy *p, unsigned int feature)
{
    uint32_t fs[XFS_NR_WORDS];

    xfs_policy_to_featureset(p, fs, XFS_NR_WORDS);
    return xfs_test(fs, XFS_NR_WORDS, feature);
}

/* The XSAVE components a policy's features call for. */
static uint64_t expected_xcr0(const struct xfs_cpu_policy *p)
{
    uint64_t x = 3;

    if (has(p, XFS_AVX))
        x |= 1ull << 2;
    if (has(p, XFS_MPX))
        x |= 3ull << 3;
    if (has(p, XFS_AVX512F))
        x |= 7ull << 5;
    if (has(p, XFS_PKU))
        x |= 1ull << 9;
    return x;
}

static void check_xstate(const struct xfs_cpu_policy *p,
                         const struct xfs_cpu_policy *raw, const char *what)
{
    uint64_t xcr0 = xfs_policy_xcr0(p);

    if (!has(p, XFS_XSAVE)) {
        for (unsigned int i = 0; i < XFS_POLICY_NR_XSTATE; i++)
            if (!regs_zero(&p->xstate[i]))
                fail_msg("%s: no XSAVE, yet leaf 0xd:%u is set", what, i);
        return;
    }
    if (xcr0 != expected_xcr0(p))
        fail_msg("%s: XCR0 %llx, features say %llx", what,
                 (unsigned long long)xcr0,
                 (unsigned long long)expected_xcr0(p));
    assert_int_equal(xfs_policy_xss(p), 0);
    assert_int_equal(p->xstate[0].b, 0);
    assert_int_equal(p->xstate[1].b, 0);
    /* The area holds the legacy region, the header and every component. */
    uint32_t size = 576;
    for (unsigned int i = 2; i < 63; i++) {
        const struct xfs_cpuid_regs *c = &p->xstate[i];

        if (!((xcr0 >> i) & 1)) {
            if (!regs_zero(c))
                fail_msg("%s: component %u not enabled, 0xd:%u is set",
                         what, i, i);
            continue;
        }
        assert_int_equal(c->a, raw->xstate[i].a);
        assert_int_equal(c->b, raw->xstate[i].b);
        assert_int_equal(c->c & ~3u, 0);
        if (c->a + c->b > size)
            size = c->a + c->b;
    }
    if (p->xstate[0].c != size)
        fail_msg("%s: XSAVE size %u, components need %u", what,
                 p->xstate[0].c, size);
}

static void check_limits(const struct xlc_system_policies *s,
                         const char *what)
{
    const struct xfs_cpu_policy *p = s->pol.p;
    uint32_t raw_extd = p[RAW].extd[0].a;

    assert_int_equal(xfs_policy_max_leaf(&p[HOST]),
                     p[RAW].basic[0].a < 0xd ? p[RAW].basic[0].a : 0xd);
    assert_true(xfs_policy_max_feat_subleaf(&p[HOST]) <= 2);
    assert_int_equal(xfs_policy_max_extd_leaf(&p[HOST]) & 0xffff0000u,
                     0x80000000u);
    if ((raw_extd & 0xffff0000u) == 0x80000000u && (raw_extd & 0xffff) <= 0x21)
        assert_int_equal(xfs_policy_max_extd_leaf(&p[HOST]), raw_extd);
    for (unsigned int k = PV; k < XFS_SYSCTL_cpu_featureset_nr; k++) {
        const struct xfs_cpu_policy *q = &p[k];
        bool max = k == PV_MAX || k == HVM_MAX;

        if (!s->pol.present[k])
            continue;
        if (max) {
            assert_int_equal(xfs_policy_max_leaf(q), 0xd);
            assert_int_equal(xfs_policy_max_feat_subleaf(q), 2);
            assert_int_equal(xfs_policy_max_extd_leaf(q), 0x80000021u);
        } else if (xfs_policy_max_leaf(q) != xfs_policy_max_leaf(&p[HOST]) ||
                   xfs_policy_max_extd_leaf(q) !=
                       xfs_policy_max_extd_leaf(&p[HOST])) {
            fail_msg("%s %s: default limits differ from the host's", what,
                     xlc_policy_name(k));
        }
    }
}

/* Everything a guest sees of the CPU's identity and what Xen hides. */
static void check_identity(const struct xlc_system_policies *s,
                           const char *what)
{
    const struct xfs_cpu_policy *p = s->pol.p, *raw = &p[RAW];
    enum xfs_vendor v = p[HOST].vendor;

    assert_int_equal(v, xt_oracle_vendor(raw->basic[0].b, raw->basic[0].c,
                                         raw->basic[0].d));
    for (unsigned int k = HOST; k < XFS_SYSCTL_cpu_featureset_nr; k++) {
        const struct xfs_cpu_policy *q = &p[k];

        if (!s->pol.present[k])
            continue;
        assert_int_equal(q->vendor, v);
        assert_int_equal(q->basic[1].a, raw->basic[1].a & 0x0fff0fffu);
        assert_int_equal(q->basic[1].b >> 24, 0);           /* APIC ID */
        for (unsigned int l = 2; l <= 4; l++)               /* brand */
            if (memcmp(&q->extd[l], &raw->extd[l], sizeof(q->extd[l])))
                fail_msg("%s %s: brand string leaf 0x8000000%u differs",
                         what, xlc_policy_name(k), l);
        assert_true(regs_zero(&q->basic[5]) && regs_zero(&q->basic[6]));
        assert_true(regs_zero(&q->basic[0xa]));             /* vPMU off */
        assert_true(regs_zero(&q->topo[0]) && regs_zero(&q->topo[1]));
        assert_int_equal(q->hv_limit, 0);
        if (!has(q, XFS_SVM))
            assert_true(regs_zero(&q->extd[0xa]));
        if (v == XFS_VENDOR_AMD || v == XFS_VENDOR_HYGON)
            assert_int_equal(q->extd[0].b, q->basic[0].b);
        if (v == XFS_VENDOR_INTEL)
            assert_int_equal(q->extd[0].b | q->extd[0].c | q->extd[0].d, 0);
        /* HYPERVISOR: the host is Xen itself, every guest is told. */
        assert_int_equal(has(q, XFS_HYPERVISOR), k != HOST);
    }
}

static void check_file(const char *path)
{
    struct xlc_system_policies *s = xt_system_from_file(path);
    const char *what = xt_basename(path);

    for (unsigned int k = 0; k < XFS_SYSCTL_cpu_featureset_nr; k++) {
        uint32_t fs[XFS_NR_WORDS];

        if (!s->pol.present[k])
            continue;
        xfs_policy_to_featureset(&s->pol.p[k], fs, XFS_NR_WORDS);
        for (unsigned int w = 0; w < XFS_NR_WORDS; w++)
            if (fs[w] != s->fs.fs[k][w])
                fail_msg("%s %s: word %u (%s) %08x, featureset %08x", what,
                         xlc_policy_name(k), w, xfs_words[w].key, fs[w],
                         s->fs.fs[k][w]);
        if (k != RAW)
            check_xstate(&s->pol.p[k], &s->pol.p[RAW], what);
        /* MSRs: ARCH_CAPS is words 16/17; CPUID faulting for HVM. */
        assert_int_equal(s->pol.p[k].arch_caps,
                         ((uint64_t)s->fs.fs[k][17] << 32) | s->fs.fs[k][16]);
        if (k == HVM || k == HVM_MAX)
            assert_int_equal(s->pol.p[k].platform_info,
                             XFS_PLATFORM_INFO_CPUID_FAULTING);
    }
    assert_int_equal(s->pol.present[HVM], s->fs.hvm_usable);
    /* Xen 4.17 serves every type built in, usable or not: a type the
     * host cannot run as the all-zero policy. */
    for (unsigned int k = 0; k < XFS_SYSCTL_cpu_featureset_nr; k++) {
        struct xfs_cpu_policy zero;

        assert_true(s->pol.served[k]);
        xfs_policy_zero(&zero);
        if (!s->pol.present[k])
            assert_true(xfs_policy_equal(&s->pol.p[k], &zero));
    }
    check_limits(s, what);
    check_identity(s, what);
    xlc_system_policies_free(s);
}

static void every_dump(void **state)
{
    size_t nr;
    char **paths = xt_dump_paths(&nr);

    (void)state;
    for (size_t i = 0; i < nr; i++)
        check_file(paths[i]);
    check_file(xt_live_dump_path());
    xt_free_paths(paths, nr);
}

static struct xlc_system_policies *load(const char *name, bool no_hap,
                                        const char *boot)
{
    char path[4096];
    const char *sh = getenv("XFS_DATA");
    struct xlc_sim_opts o = { path, no_hap, boot };
    struct xlc_system_policies *s = NULL;
    xlc_error err = { 0 };

    snprintf(path, sizeof(path), "%s/cpuid/instlatx64/%s.xml",
             sh && *sh ? sh : "tests/data", name);
    if (xlc_system_policies_load(&o, &s, &err))
        fail_msg("%s", err.msg);
    return s;
}

/* Features removed by options take their XSAVE state with them. */
static void options_reshape_xsave(void **state)
{
    struct xlc_system_policies *hap =
        load("GenuineIntel0050654_SkylakeXeon", false, NULL);
    struct xlc_system_policies *shadow =
        load("GenuineIntel0050654_SkylakeXeon", true, NULL);
    struct xlc_system_policies *no512 =
        load("GenuineIntel0050654_SkylakeXeon", false, "no-avx512f");

    (void)state;
    /* PKU is HAP-only: PKRU (component 9) goes with it. */
    assert_true(xfs_policy_xcr0(&hap->pol.p[HVM]) & (1u << 9));
    assert_false(xfs_policy_xcr0(&shadow->pol.p[HVM]) & (1u << 9));
    assert_true(regs_zero(&shadow->pol.p[HVM].xstate[9]));
    /* No AVX-512 anywhere: components 5-7 and 2 KiB of area go. */
    for (unsigned int k = HOST; k < XFS_SYSCTL_cpu_featureset_nr; k++) {
        assert_int_equal(xfs_policy_xcr0(&no512->pol.p[k]) & 0xe0, 0);
        assert_true(regs_zero(&no512->pol.p[k].xstate[6]));
    }
    /* Up to PKRU's end: the dump's 0xd:9 is empty, the documented layout
     * (8 bytes at 0xa80) stands in; 0xa88 is what the CPU's 0xd:0 ecx says. */
    assert_int_equal(hap->pol.p[HOST].xstate[0].c, 0xa88);
    /* PKRU, at its fixed offset 0xa80 past the AVX-512 area, still ends
     * the (non-compacted) area. */
    assert_int_equal(no512->pol.p[HOST].xstate[0].c, 0xa80 + 8);
    xlc_system_policies_free(hap);
    xlc_system_policies_free(shadow);
    xlc_system_policies_free(no512);
}

/* Without PV support the PV policies are absent, and all zero. */
static void absent_guest_types(void **state)
{
    struct xlc_cpuid_dump *d = NULL;
    struct xlc_system_policies *s = NULL;
    struct xfs_hv_options o;
    struct xfs_cpu_policy zero;
    char path[4096];
    const char *sh = getenv("XFS_DATA");

    (void)state;
    snprintf(path, sizeof(path),
             "%s/cpuid/instlatx64/AuthenticAMD0A10F11_K19_Genoa_01.xml",
             sh && *sh ? sh : "tests/data");
    assert_int_equal(xlc_dump_load(path, &d, NULL), 0);
    xfs_hv_options_default(&o);
    o.pv = false;
    assert_int_equal(xlc_system_policies_from_dump(d, &o, &s, NULL), 0);
    xfs_policy_zero(&zero);
    assert_false(s->pol.present[PV]);
    assert_false(s->pol.present[PV_MAX]);
    assert_true(s->pol.present[HVM_MAX]);
    /* Not built in: Xen's table entry is empty, not served. */
    assert_false(s->pol.served[PV]);
    assert_false(s->pol.served[PV_MAX]);
    assert_true(s->pol.served[HVM_MAX]);
    assert_true(xfs_policy_equal(&s->pol.p[PV], &zero));
    /* AMD with SVM: nested SVM leaf clamped, VMCB clean bits emulated. */
    assert_true(has(&s->pol.p[HVM_MAX], XFS_SVM));
    assert_int_equal(s->pol.p[HVM_MAX].extd[0xa].d & ~0x4abu, 0);
    assert_true(s->pol.p[HVM_MAX].extd[0xa].d & (1u << 5));
    xlc_system_policies_free(s);
    xlc_dump_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_dump),
        cmocka_unit_test(options_reshape_xsave),
        cmocka_unit_test(absent_guest_types),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
