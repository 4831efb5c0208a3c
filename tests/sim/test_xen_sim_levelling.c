/* SPDX-License-Identifier: MIT */
/*
 * Levelling capabilities (xen/arch/levelling.h) and the leak report
 * (libxl_cpuid/verdict/levelling-report.h).
 *
 *  - Every shared dump and the live CPU, per vendor and family, against
 *    Xen 4.17's probes (cpu/common.c, intel.c, amd.c), restated here as
 *    the expected outcome; the dumps carry no MSRs, so nothing that needs
 *    one may be claimed present (known/unknown as the data allows).
 *    Named dumps pin concrete outcomes.
 *  - Real dumps with MSR values added (<msr> elements, as libvirt's
 *    <cpudata> carries them): faulting proved or refuted, masks found,
 *    and what crosses XEN_SYSCTL_get_cpu_levelling_caps under xen-sim.
 *  - The leak report's invariants on every dump, and `xen-cpuid
 *    levelling`.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "libxl_cpuid/verdict/levelling-report.h"
#include "tests/helpers/shared-data.h"
#include "tests/helpers/tool-run.h"
#include "tests/helpers/xen-sim-run.h"

static struct xfs_cpuid_regs leaf(const struct xlc_cpuid_dump *d,
                                  uint32_t l, uint32_t s)
{
    struct xfs_cpuid_reader rd;
    struct xfs_cpuid_regs r = { 0, 0, 0, 0 };

    xlc_dump_reader(d, &rd);
    rd.cpuid(rd.ctx, l, s, &r);
    return r;
}

/* The caps Xen 4.17 probes masks for on this CPU (faulting absent). */
static uint32_t expected_masks(const struct xlc_cpuid_dump *d,
                               const struct xfs_levelling *l)
{
    uint32_t max = leaf(d, 0, 0).a, m = 0;

    if (l->vendor == XFS_VENDOR_INTEL && l->family == 6) {
        switch (l->model) {
        case 0x17: case 0x1d: return XFS_LCAP_1CD;
        case 0x1a: case 0x1e: case 0x1f: case 0x25: case 0x2c: case 0x2e:
        case 0x2f: return XFS_LCAP_1CD | XFS_LCAP_E1CD;
        case 0x2a: case 0x2d:
            return XFS_LCAP_1CD | XFS_LCAP_E1CD | XFS_LCAP_DA1;
        default: return 0;
        }
    }
    if ((l->vendor != XFS_VENDOR_AMD && l->vendor != XFS_VENDOR_HYGON) ||
        l->family == 0x11)
        return 0;
    m = XFS_LCAP_1CD | XFS_LCAP_E1CD;
    if (max >= 7)
        m |= XFS_LCAP_7AB0;
    if (l->family == 0x15 && max >= 6 && leaf(d, 6, 0).c)
        m |= XFS_LCAP_6C;
    return m;
}

static void check_rules(const struct xlc_cpuid_dump *d, const char *what)
{
    struct xlc_levelling lv;
    const struct xfs_levelling *l = &lv.lv;
    uint32_t eax = leaf(d, 1, 0).a, fam = (eax >> 8) & 0xf;
    bool amd, virt = leaf(d, 1, 0).c >> 31;

    xlc_levelling_from_dump(d, &lv);
    fam += fam == 0xf ? (eax >> 20) & 0xff : 0;
    assert_int_equal(l->family, fam);
    assert_int_equal(l->virtualised, virt);
    amd = l->vendor == XFS_VENDOR_AMD || l->vendor == XFS_VENDOR_HYGON;
    if (l->vendor != XFS_VENDOR_INTEL && !amd) {
        assert_int_equal(l->faulting, XFS_NO);
        assert_int_equal(l->present | l->unknown, 0);
        return;
    }
    if ((amd || fam == 0xf) && !virt) {
        /* Not probed: known absent, whatever the MSRs would say. */
        assert_int_equal(l->faulting, XFS_NO);
    } else {
        if (l->faulting != XFS_UNKNOWN)
            fail_msg("%s: faulting claimed %s without MSR data", what,
                     xlc_tristate_name(l->faulting));
        assert_int_equal(l->faulting_msr, XFS_MSR_PLATFORM_INFO);
    }
    /* No MSR in the data: nothing present, every probed mask unknown. */
    assert_int_equal(l->present, 0);
    assert_int_equal(l->unknown, expected_masks(d, l) |
                     (l->faulting == XFS_UNKNOWN ? XFS_LCAP_FAULTING : 0));
    for (unsigned int i = 0; i < l->nr_masks; i++)
        assert_int_equal(l->masks[i].readable, XFS_UNKNOWN);
}

static void each_rules(void *ctx, const char *path, const char *file)
{
    struct xlc_cpuid_dump *d = NULL;

    (void)ctx;
    assert_int_equal(xlc_dump_load(path, &d, NULL), 0);
    check_rules(d, file);
    xlc_dump_free(d);
}

static void rules_every_dump_and_live(void **state)
{
    struct xlc_cpuid_dump *d = NULL;

    (void)state;
    assert_true(shared_each_dump(each_rules, NULL) >= 40);
    assert_int_equal(xlc_dump_live(&d, NULL), 0);
    check_rules(d, "live CPU");
    xlc_dump_free(d);
    assert_int_equal(xlc_dump_load(xen_sim_live_dump(), &d, NULL), 0);
    check_rules(d, "cpuid -r file");
    xlc_dump_free(d);
}

static struct xlc_levelling of(const char *name)
{
    struct xlc_cpuid_dump *d = NULL;
    struct xlc_levelling lv;

    assert_int_equal(xlc_dump_load(shared_dump(name), &d, NULL), 0);
    xlc_levelling_from_dump(d, &lv);
    xlc_dump_free(d);
    return lv;
}

static void named_dumps(void **state)
{
    (void)state;
    assert_int_equal(of("GenuineIntel0010676_Harpertown").lv.unknown,
                     XFS_LCAP_FAULTING | XFS_LCAP_1CD);
    assert_int_equal(of("GenuineIntel00106A2_Nehalem-EP").lv.unknown,
                     XFS_LCAP_FAULTING | XFS_LCAP_1CD | XFS_LCAP_E1CD);
    assert_int_equal(of("GenuineIntel00206D7_SandyBridgeE_00").lv.unknown,
                     XFS_LCAP_FAULTING | XFS_LCAP_1CD | XFS_LCAP_E1CD |
                     XFS_LCAP_DA1);
    assert_int_equal(of("GenuineIntel0050654_SkylakeXeon").lv.unknown,
                     XFS_LCAP_FAULTING);
    assert_int_equal(of("AuthenticAMD0000F4A_K8_Clawhammer").lv.unknown,
                     XFS_LCAP_1CD | XFS_LCAP_E1CD);
    assert_int_equal(of("AuthenticAMD0830F10_K17_Rome").lv.unknown,
                     XFS_LCAP_1CD | XFS_LCAP_E1CD | XFS_LCAP_7AB0);
    assert_int_equal(of("AuthenticAMD0830F10_K17_Rome").lv.faulting_why,
                     XFS_FAULT_NOT_PROBED_AMD);
    assert_int_equal(of("HygonGenuine0900F02_Hygon").lv.unknown,
                     XFS_LCAP_1CD | XFS_LCAP_E1CD | XFS_LCAP_7AB0);
    assert_int_equal(of("CentaurHauls00607B1_KX7000_05").lv.unknown, 0);
}

#define PLATFORM_INFO SHARED_MSR_PLATFORM_INFO
#define MSR SHARED_MSR
#define with_msrs shared_dump_with_msrs

static struct xlc_levelling of_file(const char *path)
{
    struct xlc_cpuid_dump *d = NULL;
    struct xlc_levelling lv;

    assert_int_equal(xlc_dump_load(path, &d, NULL), 0);
    xlc_levelling_from_dump(d, &lv);
    xlc_dump_free(d);
    return lv;
}

/* What crosses XEN_SYSCTL_get_cpu_levelling_caps, through our tool. */
static void caps_through_xen(const char *path, uint32_t want)
{
    char args[512], cmd[512], key[64], *out = NULL, *err = NULL;

    snprintf(args, sizeof(args), "--cpuid '%s'", path);
    snprintf(cmd, sizeof(cmd), "'%s' levelling --backend xen --json",
             tool_path());
    assert_int_equal(xen_sim_run(args, cmd, &out, &err), 0);
    snprintf(key, sizeof(key), "\"value\":\"0x%03x\"", want);
    if (!strstr(out, key))
        fail_msg("expected %s in %s", key, out);
    free(out);
    free(err);
}

static void with_msr_data(void **state)
{
    const char *p;
    struct xlc_levelling lv;

    (void)state;
    /* Faulting proved: the masks are not even probed. */
    p = with_msrs("GenuineIntel0050654_SkylakeXeon",
                  PLATFORM_INFO("0x80000000") MSR("0x140"));
    lv = of_file(p);
    assert_int_equal(lv.lv.faulting, XFS_YES);
    assert_int_equal(lv.lv.present, XFS_LCAP_FAULTING);
    assert_int_equal(lv.lv.unknown, 0);
    caps_through_xen(p, XFS_LCAP_FAULTING);
    /* The bit set but MISC_FEATURES_ENABLES not recorded: unknown. */
    lv = of_file(with_msrs("GenuineIntel0050654_SkylakeXeon",
                           PLATFORM_INFO("0x80000000")));
    assert_int_equal(lv.lv.faulting, XFS_UNKNOWN);
    assert_int_equal(lv.lv.faulting_msr, XFS_MSR_MISC_FEATURES_ENABLES);
    /* The bit clear: no faulting, and Skylake has no masks. */
    p = with_msrs("GenuineIntel0050654_SkylakeXeon", PLATFORM_INFO("0x0"));
    lv = of_file(p);
    assert_int_equal(lv.lv.faulting_why, XFS_FAULT_BIT_CLEAR);
    assert_int_equal(lv.lv.present | lv.lv.unknown, 0);
    caps_through_xen(p, 0);
    /* SandyBridge-E without faulting: two of its three masks recorded. */
    p = with_msrs("GenuineIntel00206D7_SandyBridgeE_00",
                  PLATFORM_INFO("0x0") MSR("0x132") MSR("0x133"));
    lv = of_file(p);
    assert_int_equal(lv.lv.present, XFS_LCAP_1CD | XFS_LCAP_E1CD);
    assert_int_equal(lv.lv.unknown, XFS_LCAP_DA1);
    caps_through_xen(p, XFS_LCAP_1CD | XFS_LCAP_E1CD);
    /* AMD bare metal: faulting not probed, the K8 masks recorded. */
    lv = of_file(with_msrs("AuthenticAMD0600F12_Interlagos",
                           MSR("0xc0011004") MSR("0xc0011005")));
    assert_int_equal(lv.lv.present, XFS_LCAP_1CD | XFS_LCAP_E1CD);
    assert_false(lv.lv.unknown & (XFS_LCAP_FAULTING | XFS_LCAP_1CD));
    unlink(p);
}

static void check_report(const struct xlc_system_policies *s,
                         const struct xlc_levelling *lv, const char *what)
{
    const uint32_t *raw = s->fs.fs[XFS_SYSCTL_cpu_featureset_raw];
    const uint32_t *max = s->fs.fs[XFS_SYSCTL_cpu_featureset_pv_max];
    struct xlc_leak_report r;

    assert_int_equal(xlc_leak_report(s, lv, XLC_GUEST_PV, &r, NULL), 0);
    for (unsigned int w = 0; w < XFS_NR_WORDS; w++) {
        const struct xlc_leak_word *lw = &r.words[w];

        if (xfs_words[w].src == XFS_SRC_MSR) {
            assert_int_equal(lw->control, XLC_WORD_MSR);
            continue;
        }
        if (lw->control == XLC_WORD_LEAKS || lw->control == XLC_WORD_UNKNOWN)
            assert_int_equal(lw->seen, raw[w]);
        else if (lw->control == XLC_WORD_FAULTED)
            assert_int_equal(lw->seen, 0);
        else
            assert_int_equal(lw->seen & ~raw[w], 0);
        assert_int_equal(lw->beyond_max, lw->seen & ~max[w]);
        /* Without faulting, a word no mask covers leaks or may. */
        if (!xfs_levelling_word_cap(w) && lv->lv.faulting == XFS_NO)
            assert_int_equal(lw->control, XLC_WORD_LEAKS);
    }
    assert_int_equal(r.page1gb, xfs_test(raw, XFS_NR_WORDS, XFS_PAGE1GB));
    /* Xen 4.17 maps no 1 GiB page for a PV guest, whatever the host. */
    assert_false(r.page1gb_unhideable);
    if (!s->pol.present[XFS_SYSCTL_cpu_featureset_hvm_max]) {
        assert_int_not_equal(xlc_leak_report(s, lv, XLC_GUEST_HVM, &r, NULL),
                             0);
        return;
    }
    assert_int_equal(xlc_leak_report(s, lv, XLC_GUEST_HVM, &r, NULL), 0);
    /* Under HAP (the simulation's default) an HVM guest finds them. */
    assert_int_equal(r.page1gb_unhideable, r.page1gb && s->opts.hap);
    for (unsigned int w = 0; w < XFS_NR_WORDS; w++)
        if (xfs_words[w].src == XFS_SRC_CPUID && r.words[w].seen)
            fail_msg("%s: an HVM guest's CPUID leaks word %u", what, w);
}

static void each_report(void *ctx, const char *path, const char *file)
{
    struct xlc_sim_opts o = { .cpuid_file = path };
    struct xlc_system_policies *s;
    struct xlc_cpuid_dump *d = NULL;
    struct xlc_levelling lv;

    (void)ctx;
    assert_int_equal(xlc_system_policies_load(&o, &s, NULL), 0);
    assert_int_equal(xlc_dump_load(path, &d, NULL), 0);
    xlc_levelling_from_dump(d, &lv);
    check_report(s, &lv, file);
    xlc_dump_free(d);
    xlc_system_policies_free(s);
}

static void report_every_dump(void **state)
{
    (void)state;
    assert_true(shared_each_dump(each_report, NULL) >= 40);
}

/* The masked words forward only the host bits Xen must. */
static void report_masked_words(void **state)
{
    const char *p = with_msrs("GenuineIntel00206D7_SandyBridgeE_00",
                              PLATFORM_INFO("0x0") MSR("0x132") MSR("0x133"));
    struct xlc_sim_opts o = { .cpuid_file = p };
    struct xlc_system_policies *s;
    struct xlc_leak_report r;
    struct xlc_levelling lv = of_file(p);
    char cmd[512], *out = NULL;

    (void)state;
    assert_int_equal(xlc_system_policies_load(&o, &s, NULL), 0);
    assert_int_equal(xlc_leak_report(s, &lv, XLC_GUEST_PV, &r, NULL), 0);
    assert_int_equal(r.words[0].control, XLC_WORD_MASKED);
    assert_int_equal(r.words[0].seen,
                     s->fs.fs[0][0] & ((1u << (XFS_HTT & 31)) |
                                       (1u << (XFS_APIC & 31))));
    assert_int_equal(r.words[4].control, XLC_WORD_UNKNOWN);     /* Da1 */
    assert_int_equal(r.words[5].control, XLC_WORD_LEAKS);       /* 7b0 */
    snprintf(cmd, sizeof(cmd), "'%s' levelling --cpuid '%s'", tool_path(), p);
    assert_int_equal(tool_run_shell(cmd, &out, NULL), 0);
    assert_non_null(strstr(out, "levelling caps:  present: 1c 1d e1c e1d; "
                                "unknown: Da1"));
    assert_non_null(strstr(out, "  [00] 1d     masked   forwarded: apic htt"));
    assert_non_null(strstr(out, "  mask MSR 0x134      Da1: unknown: not in "
                                "the CPUID data\n"));
    free(out);
    xlc_system_policies_free(s);
    unlink(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rules_every_dump_and_live),
        cmocka_unit_test(named_dumps),
        cmocka_unit_test(with_msr_data),
        cmocka_unit_test(report_every_dump),
        cmocka_unit_test(report_masked_words),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
