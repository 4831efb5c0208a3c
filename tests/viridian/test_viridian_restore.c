/* SPDX-License-Identifier: MIT */
/*
 * restore-check's judgement of a stream's HVM_PARAM_VIRIDIAN
 * (restore-check.h, viridian.h's xlc_viridian_judge_dest), on destinations
 * the simulated Xen builds from the shared dumps:
 *  - every HVMPV bit on every release 4.4 to 4.20: refused exactly on the
 *    releases before the one that added the bit (facts from each
 *    release's <xen/hvm/params.h>, listed here), as a "viridian" reason
 *    that blocks the restore; the pre-4.15 libxl note exactly before 4.15;
 *    the leaves the guest sees there (Xen's version in leaf 0x40000101);
 *  - a value no release holds (no base_freq) refused everywhere;
 *  - reference_tsc noted exactly on the hosts whose own CPUID (leaf
 *    0x80000007 EDX bit 8, read from the dump here) has no invariant TSC;
 *  - a destination that cannot run HVM guests (cpuid=no-vmx) refuses.
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
#include <yajl/yajl_tree.h>

#include "libxl_cpuid/migration/restore-check.h"
#include "libxl_cpuid/policy/applied-policy.h"
#include "libxl_cpuid/sources/cpuid-dump.h"
#include "libxl_cpuid/viridian/viridian.h"
#include "tests/helpers/shared-data.h"
#include "tests/helpers/stream-helpers.h"

#define HVM XFS_STREAM_DOM_X86_HVM
#define SKX "GenuineIntel0050654_SkylakeXeon"

/* The first release whose hypervisor holds each HVMPV bit. */
static const struct {
    uint32_t bit;
    unsigned int minor;                  /* 4.minor */
} first[] = {
    { XFS_HVMPV_BASE_FREQ, 4 },
    { XFS_HVMPV_NO_FREQ, 5 },
    { XFS_HVMPV_TIME_REF_COUNT, 5 },
    { XFS_HVMPV_REFERENCE_TSC, 6 },
    { XFS_HVMPV_HCALL_REMOTE_TLB_FLUSH, 7 },
    { XFS_HVMPV_APIC_ASSIST, 7 },
    { XFS_HVMPV_CRASH_CTL, 9 },
    { XFS_HVMPV_SYNIC, 13 },
    { XFS_HVMPV_STIMER, 13 },
    { XFS_HVMPV_HCALL_IPI, 13 },
    { XFS_HVMPV_EX_PROCESSOR_MASKS, 15 },
    { XFS_HVMPV_NO_VP_LIMIT, 15 },
    { XFS_HVMPV_CPU_HOTPLUG, 15 },
};

/* A stream of the destination's own default HVM guest with the parameter
 * (so that only the enlightenments are in question). */
static void stream_for(const struct xlc_system_policies *sys, uint64_t param,
                       struct xlc_stream_info *s)
{
    struct xlc_guest_settings g = { .kind = XLC_SETTINGS_DEFAULT };
    struct xlc_hvm_param p = { XFS_HVM_PARAM_VIRIDIAN, param };
    struct xlc_applied_policy *a;
    xlc_error err = { 0 };
    uint8_t *buf = NULL;
    size_t len;

    if (xlc_applied_policy(sys, XLC_GUEST_HVM, &g, &a, &err) ||
        xlc_stream_write_standalone_params(HVM, &a->entries, &p, 1, &buf,
                                           &len, &err) ||
        xlc_stream_parse(buf, len, s, &err))
        fail_msg("0x%llx: %s", (unsigned long long)param, err.msg);
    xlc_applied_policy_free(a);
    free(buf);
}

/* A stream carrying a value Xen's writer would not write (built raw). */
static void raw_stream_for(const struct xlc_system_policies *sys,
                           uint64_t param, struct xlc_stream_info *s)
{
    struct xlc_guest_settings g = { .kind = XLC_SETTINGS_DEFAULT };
    struct xlc_applied_policy *a;
    struct sbuild b = { 0 }, body = { 0 };

    assert_int_equal(xlc_applied_policy(sys, XLC_GUEST_HVM, &g, &a, NULL), 0);
    sb_head(&b);
    sb_cpuid_rec(&b, a->entries.leaves, a->entries.nr_leaves);
    sb_rec(&b, XFS_STREAM_REC_STATIC_DATA_END, NULL, 0);
    sb_le32(&body, 1);
    sb_le32(&body, 0);
    sb_le64(&body, XFS_HVM_PARAM_VIRIDIAN);
    sb_le64(&body, param);
    sb_rec(&b, XFS_STREAM_REC_HVM_PARAMS, body.b, (uint32_t)body.len);
    sb_rec(&b, XFS_STREAM_REC_END, NULL, 0);
    assert_int_equal(xlc_stream_parse(b.b, b.len, s, NULL), 0);
    sb_free(&b);
    sb_free(&body);
    xlc_applied_policy_free(a);
}

static struct xlc_system_policies *load(const char *path, const char *boot)
{
    struct xlc_sim_opts o = { .cpuid_file = path, .boot_cpuid = boot };
    struct xlc_system_policies *sys;
    xlc_error err = { 0 };

    if (xlc_system_policies_load(&o, &sys, &err))
        fail_msg("%s: %s", path, err.msg);
    return sys;
}

static bool has_note(const struct xlc_restore_verdict *v, const char *s)
{
    for (size_t i = 0; i < v->viridian.nr_notes; i++)
        if (strstr(v->viridian.notes[i], s))
            return true;
    return false;
}

static void verdict_json_kind(const struct xlc_restore_verdict *v)
{
    char *json = xlc_restore_verdict_json(v);
    yajl_val top = yajl_tree_parse(json, NULL, 0), reasons, vir;
    const char *rp[] = { "reasons", NULL }, *vp[] = { "viridian", NULL };
    const char *kp[] = { "kind", NULL }, *dp[] = { "verdict", NULL };

    assert_non_null(top);
    reasons = yajl_tree_get(top, rp, yajl_t_array);
    vir = yajl_tree_get(top, vp, yajl_t_object);
    assert_non_null(reasons);
    assert_non_null(vir);
    assert_int_equal(YAJL_GET_ARRAY(reasons)->len, 1);
    assert_string_equal(YAJL_GET_STRING(yajl_tree_get(
                            YAJL_GET_ARRAY(reasons)->values[0], kp,
                            yajl_t_string)), "viridian");
    assert_string_equal(YAJL_GET_STRING(yajl_tree_get(vir, dp,
                                                      yajl_t_string)),
                        "refuse");
    yajl_tree_free(top);
    free(json);
}

static void every_bit_on_every_release(void **state)
{
    struct xlc_system_policies *sys = load(shared_dump(SKX), NULL);
    struct xlc_restore_dest d;
    unsigned int refusals = 0;

    (void)state;
    xlc_restore_dest_from_system(sys, HVM, &d);
    for (size_t k = 0; k < sizeof(first) / sizeof(first[0]); k++) {
        uint64_t param = XFS_HVMPV_BASE_FREQ | first[k].bit;
        struct xlc_stream_info s;

        stream_for(sys, param, &s);
        for (size_t r = 0; r < xlc_viridian_nr_releases; r++) {
            const struct xlc_viridian_release *rel = &xlc_viridian_releases[r];
            bool holds = rel->minor >= first[k].minor;
            struct xlc_restore_verdict v;
            xlc_error err = { 0 };

            assert_int_equal(rel->major, 4);
            d.xen = rel;
            if (xlc_restore_check(&s, &d, &v, &err))
                fail_msg("%s", err.msg);
            assert_true(v.has_viridian);
            if (v.accept != holds)
                fail_msg("0x%llx on Xen 4.%u: %s", (unsigned long long)param,
                         rel->minor,
                         v.accept ? "accepted" : v.reasons[0].text);
            assert_int_equal(has_note(&v, "before 4.15"),
                             holds && rel->minor < 15);
            if (holds) {
                assert_int_equal(v.nr_reasons, 0);
                assert_true(v.viridian.leaves.enabled);
                assert_int_equal(v.viridian.leaves.xen[1].a,
                                 4u << 16 | rel->minor);
            } else {
                char xen[32];

                snprintf(xen, sizeof(xen), "Xen 4.%u ", rel->minor);
                assert_int_equal(v.nr_reasons, 1);
                assert_true(v.reasons[0].viridian);
                assert_non_null(strstr(v.reasons[0].text, xen));
                assert_non_null(strstr(v.reasons[0].text,
                                       xlc_viridian_param_bit_name(
                                           (unsigned int)__builtin_ctz(
                                               first[k].bit))));
                assert_false(v.viridian.leaves.enabled);
                if (!refusals++)
                    verdict_json_kind(&v);
            }
            xlc_restore_verdict_free(&v);
        }
        xlc_stream_info_free(&s);
    }
    print_message("%u refusals over %zu releases\n", refusals,
                  xlc_viridian_nr_releases);
    assert_true(refusals > 40);
    xlc_system_policies_free(sys);
}

/* What no release holds, and the leaves a guest sees. */
static void values_and_leaves(void **state)
{
    static const uint64_t never[] = { 0, XFS_HVMPV_TIME_REF_COUNT,
                                      XFS_HVMPV_NO_FREQ };
    struct xlc_system_policies *sys = load(shared_dump(SKX), NULL);
    struct xlc_restore_dest d;
    struct xlc_restore_verdict v;
    struct xlc_stream_info s;

    (void)state;
    xlc_restore_dest_from_system(sys, HVM, &d);
    for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++) {
        raw_stream_for(sys, never[i], &s);
        assert_int_equal(xlc_restore_check(&s, &d, &v, NULL), 0);
        assert_false(v.accept);
        assert_non_null(strstr(v.reasons[v.nr_reasons - 1].text,
                               "no base_freq"));
        xlc_restore_verdict_free(&v);
        xlc_stream_info_free(&s);
    }
    /* reference_tsc's privilege in 0x40000003 EAX exactly with the group */
    for (int with = 0; with < 2; with++) {
        uint64_t p = XFS_HVMPV_BASE_FREQ |
                     (with ? XFS_HVMPV_REFERENCE_TSC : 0);

        stream_for(sys, p, &s);
        assert_int_equal(xlc_restore_check(&s, &d, &v, NULL), 0);
        assert_true(v.accept);
        assert_int_equal(v.viridian.leaves.ms[3].a >> 9 & 1, with);
        assert_int_equal(v.viridian.groups & XLC_VIRIDIAN_BIT(
                                                 XLC_VIRIDIAN_REFERENCE_TSC),
                         with ? XLC_VIRIDIAN_BIT(XLC_VIRIDIAN_REFERENCE_TSC)
                              : 0);
        xlc_restore_verdict_free(&v);
        xlc_stream_info_free(&s);
    }
    xlc_system_policies_free(sys);
}

/* ---- the host ---- */

/* Invariant TSC as the dump's own CPUID says it. */
static bool dump_itsc(const char *path)
{
    struct xlc_cpuid_dump *dump;
    struct xfs_cpuid_reader rd;
    struct xfs_cpuid_regs r;

    assert_int_equal(xlc_dump_load(path, &dump, NULL), 0);
    xlc_dump_reader(dump, &rd);
    rd.cpuid(rd.ctx, 0x80000000u, 0, &r);
    if (r.a >= 0x80000007u)
        rd.cpuid(rd.ctx, 0x80000007u, 0, &r);
    else
        r.d = 0;
    xlc_dump_free(dump);
    return r.d >> 8 & 1;
}

struct tsc_count {
    unsigned int hosts, without;
};

static void tsc_on(void *ctx, const char *path, const char *file)
{
    const uint64_t param = XFS_HVMPV_BASE_FREQ | XFS_HVMPV_TIME_REF_COUNT |
                           XFS_HVMPV_REFERENCE_TSC;
    struct tsc_count *c = ctx;
    struct xlc_system_policies *sys = load(path, NULL);
    struct xlc_restore_dest d;
    struct xlc_restore_verdict v;
    struct xlc_stream_info s;
    bool itsc = dump_itsc(path);

    xlc_restore_dest_from_system(sys, HVM, &d);
    if (!d.usable) {
        xlc_system_policies_free(sys);
        return;
    }
    stream_for(sys, param, &s);
    assert_int_equal(xlc_restore_check(&s, &d, &v, NULL), 0);
    if (!v.accept)
        fail_msg("%s: %s", file, v.reasons[0].text);
    if (has_note(&v, "no invariant TSC") == itsc)
        fail_msg("%s: invariant TSC %d, note %d", file, itsc, !itsc);
    if (!itsc)
        assert_true(has_note(&v, "reference counter MSR"));
    c->hosts++;
    c->without += !itsc;
    xlc_restore_verdict_free(&v);
    xlc_stream_info_free(&s);
    /* Without reference_tsc there is nothing to say. */
    stream_for(sys, XFS_HVMPV_BASE_FREQ, &s);
    assert_int_equal(xlc_restore_check(&s, &d, &v, NULL), 0);
    assert_false(has_note(&v, "TSC"));
    xlc_restore_verdict_free(&v);
    xlc_stream_info_free(&s);
    xlc_system_policies_free(sys);
}

static void invariant_tsc_noted(void **state)
{
    struct tsc_count c = { 0 };

    (void)state;
    assert_true(shared_each_dump(tsc_on, &c) >= 30);
    print_message("%u HVM hosts, %u without an invariant TSC\n", c.hosts,
                  c.without);
    assert_true(c.without >= 1 && c.without < c.hosts);
}

/* No VT-x: no HVM guest at all, so no enlightenments either. */
static void no_hvm_refused(void **state)
{
    struct xlc_system_policies *sys = load(shared_dump(SKX), NULL);
    struct xlc_system_policies *novmx = load(shared_dump(SKX), "no-vmx");
    struct xlc_restore_dest d;
    struct xlc_restore_verdict v;
    struct xlc_stream_info s;

    (void)state;
    stream_for(sys, 0x1865, &s);
    xlc_restore_dest_from_system(novmx, HVM, &d);
    assert_false(d.usable);
    assert_int_equal(xlc_restore_check(&s, &d, &v, NULL), 0);
    assert_false(v.accept);
    assert_true(v.reasons[0].guest_type);
    assert_true(v.has_viridian);
    assert_false(v.viridian.leaves.enabled);
    xlc_restore_verdict_free(&v);
    xlc_stream_info_free(&s);
    xlc_system_policies_free(sys);
    xlc_system_policies_free(novmx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_bit_on_every_release),
        cmocka_unit_test(values_and_leaves),
        cmocka_unit_test(invariant_tsc_noted),
        cmocka_unit_test(no_hvm_refused),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
