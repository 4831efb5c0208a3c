/* SPDX-License-Identifier: MIT */
/*
 * What libxl 4.17 makes of what xl hands it (hvm_set_viridian_features in
 * tools/libs/light/libxl_x86.c; libxl keeps it static, so these are the
 * documented rules restated as cases): the defaults, the two refusals,
 * the HVM_PARAM_VIRIDIAN value; the parameter back to groups; the ABI
 * numbers against the installed headers; the Xen release table.
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
#include <libxl.h>
#include <xen/xen.h>
#include <xen/hvm/params.h>

#include "libxl_cpuid/viridian/viridian.h"

#define G(x) XLC_VIRIDIAN_BIT(XLC_VIRIDIAN_##x)

struct outcome {
    int rc;
    size_t item;
    xlc_viridian_set groups;
    uint64_t param;
    char msg[XLC_ERROR_MSG_MAX];
};

static struct outcome run(const char *setting)
{
    struct xlc_viridian_xl x;
    struct xlc_viridian_effective e = { 0 };
    xlc_error err = { 0 };
    struct outcome o = { 0 };

    o.rc = xlc_viridian_xl_parse(setting, &x, &o.item, &err);
    if (!o.rc)
        o.rc = xlc_viridian_libxl_expand(&x, &e, &o.item, &err);
    o.groups = e.groups;
    o.param = e.param;
    snprintf(o.msg, sizeof(o.msg), "%s", err.msg);
    xlc_viridian_xl_free(&x);
    return o;
}

static void expect(const char *setting, xlc_viridian_set groups,
                   uint64_t param)
{
    struct outcome o = run(setting);

    if (o.rc || o.groups != groups || o.param != param)
        fail_msg("viridian=%s: rc %d groups %#llx param %#llx (%s); "
                 "expected groups %#llx param %#llx", setting, o.rc,
                 (unsigned long long)o.groups, (unsigned long long)o.param,
                 o.msg, (unsigned long long)groups,
                 (unsigned long long)param);
}

static void refused(const char *setting, size_t item, const char *words)
{
    struct outcome o = run(setting);

    if (o.rc != -EINVAL || o.item != item || !strstr(o.msg, words))
        fail_msg("viridian=%s: rc %d item %zu '%s'; expected a refusal of "
                 "item %zu saying '%s'", setting, o.rc, o.item, o.msg, item,
                 words);
}

/* ---- the ABI numbers ---- */

static void test_abi_matches_installed_headers(void **state)
{
    (void)state;
    assert_int_equal(XFS_HVM_PARAM_VIRIDIAN, HVM_PARAM_VIRIDIAN);
    assert_int_equal(XFS_HVMPV_BASE_FREQ, HVMPV_base_freq);
    assert_int_equal(XFS_HVMPV_NO_FREQ, HVMPV_no_freq);
    assert_int_equal(XFS_HVMPV_TIME_REF_COUNT, HVMPV_time_ref_count);
    assert_int_equal(XFS_HVMPV_REFERENCE_TSC, HVMPV_reference_tsc);
    assert_int_equal(XFS_HVMPV_HCALL_REMOTE_TLB_FLUSH,
                     HVMPV_hcall_remote_tlb_flush);
    assert_int_equal(XFS_HVMPV_APIC_ASSIST, HVMPV_apic_assist);
    assert_int_equal(XFS_HVMPV_CRASH_CTL, HVMPV_crash_ctl);
    assert_int_equal(XFS_HVMPV_SYNIC, HVMPV_synic);
    assert_int_equal(XFS_HVMPV_STIMER, HVMPV_stimer);
    assert_int_equal(XFS_HVMPV_HCALL_IPI, HVMPV_hcall_ipi);
    assert_int_equal(XFS_HVMPV_EX_PROCESSOR_MASKS, HVMPV_ex_processor_masks);
    assert_int_equal(XFS_HVMPV_NO_VP_LIMIT, HVMPV_no_vp_limit);
    assert_int_equal(XFS_HVMPV_CPU_HOTPLUG, HVMPV_cpu_hotplug);
    assert_int_equal(XFS_HVMPV_FEATURE_MASK, HVMPV_feature_mask);
    /* libxl's enumeration is ours, and its bitmaps are 64 bits wide. */
    assert_int_equal(XLC_VIRIDIAN_BASE, LIBXL_VIRIDIAN_ENLIGHTENMENT_BASE);
    assert_int_equal(XLC_VIRIDIAN_STIMER, LIBXL_VIRIDIAN_ENLIGHTENMENT_STIMER);
    assert_int_equal(XLC_VIRIDIAN_CPU_HOTPLUG,
                     LIBXL_VIRIDIAN_ENLIGHTENMENT_CPU_HOTPLUG);
    assert_int_equal(LIBXL_BUILDINFO_HVM_VIRIDIAN_ENABLE_DISABLE_WIDTH, 64);
    for (unsigned int b = 0; b < XFS_HVMPV_NR_BITS; b++)
        assert_non_null(xlc_viridian_param_bit_name(b));
    assert_null(xlc_viridian_param_bit_name(XFS_HVMPV_NR_BITS));
}

/* ---- libxl's expansion ---- */

static void test_defaults(void **state)
{
    /* base_freq | time_ref_count | apic_assist | crash_ctl | no_vp_limit
     * | cpu_hotplug, and freq (so no no_freq) */
    const uint64_t def = 0x1865;

    (void)state;
    assert_int_equal(xlc_viridian_set_to_param(XLC_VIRIDIAN_DEFAULTS), def);
    expect("1", XLC_VIRIDIAN_DEFAULTS, def);
    expect("0x10", XLC_VIRIDIAN_DEFAULTS, def);
    expect("[\"defaults\"]", XLC_VIRIDIAN_DEFAULTS, def);
    expect("[\"defaults\",\"!crash_ctl\",\"stimer\"]",
           (XLC_VIRIDIAN_DEFAULTS & ~G(CRASH_CTL)) | G(STIMER),
           (def & ~(uint64_t)XFS_HVMPV_CRASH_CTL) | XFS_HVMPV_STIMER |
               XFS_HVMPV_SYNIC);
    /* "defaults" wherever it is in the list: it only sets the defbool. */
    expect("[\"!freq\",\"defaults\"]", XLC_VIRIDIAN_DEFAULTS & ~G(FREQ),
           def | XFS_HVMPV_NO_FREQ);
    /* No enlightenments: the parameter stays unset. */
    expect("0", 0, 0);
    expect("[]", 0, 0);
    expect("\"true\"", 0, 0);
    expect("08", 0, 0);
    expect("[\"!stimer\"]", 0, 0);
}

static void test_groups_to_param(void **state)
{
    (void)state;
    expect("[\"base\"]", G(BASE), XFS_HVMPV_BASE_FREQ | XFS_HVMPV_NO_FREQ);
    expect("[\"base\",\"freq\"]", G(BASE) | G(FREQ), XFS_HVMPV_BASE_FREQ);
    /* stimer brings synic and time_ref_count, even when disabled. */
    expect("[\"base\",\"stimer\"]", G(BASE) | G(STIMER), 0x187);
    expect("[\"base\",\"stimer\",\"!synic\",\"!time_ref_count\"]",
           G(BASE) | G(STIMER), 0x187);
    expect("[\"all\"]", XLC_VIRIDIAN_KNOWN, 0x1ffd);
    expect("[\"all\",\"!freq\"]", XLC_VIRIDIAN_KNOWN & ~G(FREQ), 0x1fff);
    expect("[\"all\",\"!stimer\",\"stimer\"]", XLC_VIRIDIAN_KNOWN, 0x1ffd);
    expect("[\"BASE\",\"Hcall_IPI\"]", G(BASE) | G(HCALL_IPI), 0x203);
    expect("[\"base\",\"!base\",\"base\"]", G(BASE), 3);
}

static void test_libxl_refusals(void **state)
{
    (void)state;
    refused("[\"stimer\"]", 1, "base group not enabled");
    refused("[\"freq\"]", 1, "base group not enabled");
    refused("[\"!base\",\"freq\"]", 1, "item 1 '!base' disables it");
    refused("[\"defaults\",\"!base\"]", 2, "item 2 '!base' disables it");
    refused("[\"all\",\"!base\"]", 2, "base group not enabled");
    refused("[\"base\",\"!stimer\",\"all\"]", 3,
            "stimer group both enabled and disabled");
    refused("[\"!freq\",\"!stimer\",\"all\"]", 3,
            "freq group both enabled and disabled");
    /* and what xl itself refuses */
    refused("[\"base\",\"bogus\"]", 2, "unknown viridian enlightenment "
            "'bogus'");
    refused("[\"!all\"]", 1, "all cannot be negated");
    refused("[\"base\",\"!Defaults\"]", 2, "unknown viridian enlightenment "
            "'Defaults'");
    refused("[\"base\",[\"freq\"]]", 2, "is a list");
    refused("true", 0, "expected a value");
    refused("[\"base\"", 0, "column");
}

/* ---- the parameter back to groups ---- */

static void test_every_set_round_trips(void **state)
{
    (void)state;
    for (xlc_viridian_set s = 0; s <= XLC_VIRIDIAN_KNOWN; s++) {
        xlc_viridian_set back, want = s;
        uint64_t p = xlc_viridian_set_to_param(s);
        bool exact;
        char *setting;
        struct outcome o;

        if (!(s & G(BASE)))
            continue;
        if (s & G(STIMER))
            want |= G(SYNIC) | G(TIME_REF_COUNT);
        assert_true(xfs_viridian_param_valid(p));
        assert_int_equal(xlc_viridian_param_to_set(p, &back, &exact, NULL),
                         0);
        assert_true(exact);
        assert_int_equal(back, want);
        /* ... and the xl setting for it gives the same parameter. */
        setting = xlc_viridian_xl_setting(s);
        o = run(setting);
        assert_int_equal(o.rc, 0);
        assert_int_equal(o.groups, s);
        assert_int_equal(o.param, p);
        free(setting);
    }
}

static void test_every_param_value(void **state)
{
    (void)state;
    for (uint64_t p = 0; p <= 2 * XFS_HVMPV_FEATURE_MASK + 1; p++) {
        xlc_viridian_set s;
        bool exact;
        int rc = xlc_viridian_param_to_set(p, &s, &exact, NULL);
        bool valid = xfs_viridian_param_valid(p);

        /* Refused exactly when Xen would refuse to hold it (0: unset). */
        assert_int_equal(rc == 0, valid || p == 0);
        if (rc)
            continue;
        assert_int_equal(exact, xlc_viridian_set_to_param(s) == p);
        /* Only stimer without its two companions is beyond libxl. */
        assert_int_equal(exact, !(p & XFS_HVMPV_STIMER) ||
                                    (p & (XFS_HVMPV_SYNIC |
                                          XFS_HVMPV_TIME_REF_COUNT)) ==
                                        (XFS_HVMPV_SYNIC |
                                         XFS_HVMPV_TIME_REF_COUNT));
    }
}

/* ---- Xen releases ---- */

static const struct xlc_viridian_release *release(const char *v)
{
    const struct xlc_viridian_release *r;

    assert_int_equal(xlc_viridian_release_lookup(v, &r, NULL), 0);
    return r;
}

static void test_release_table(void **state)
{
    const struct xlc_viridian_release *r, *prev = NULL;
    xlc_error err = { 0 };

    (void)state;
    r = release("4.17");
    assert_int_equal(r->hvmpv_mask, HVMPV_feature_mask);
    assert_int_equal(r->groups, XLC_VIRIDIAN_KNOWN);
    assert_int_equal(r->defaults, XLC_VIRIDIAN_DEFAULTS);
    assert_ptr_equal(release("4.17.3"), r);
    assert_ptr_equal(release("4.17.0-rc1"), r);
    assert_int_equal(xlc_viridian_release_lookup("4.3", &r, &err), -ENOENT);
    assert_non_null(strstr(err.msg, "4.4 to 4.20"));
    assert_int_equal(xlc_viridian_release_lookup("4", &r, NULL), -EINVAL);
    assert_int_equal(xlc_viridian_release_lookup("4.17x", &r, NULL), -EINVAL);
    /* Releases only ever added: masks, names and defaults grow. */
    for (size_t i = 0; i < xlc_viridian_nr_releases; i++, prev = r) {
        r = &xlc_viridian_releases[i];
        assert_true(r->defaults & G(BASE));
        assert_int_equal(r->groups & ~XLC_VIRIDIAN_KNOWN, 0);
        if (!prev)
            continue;
        assert_int_equal(prev->hvmpv_mask & ~r->hvmpv_mask, 0);
        assert_int_equal(prev->groups & ~r->groups, 0);
        assert_int_equal(prev->defaults & ~r->defaults, 0);
    }
}

static void test_migration_and_level(void **state)
{
    const struct xlc_viridian_release *pool[2];
    struct xlc_viridian_level l;
    xlc_error err = { 0 };

    (void)state;
    /* viridian=1 on 4.17: 4.14 has no no_vp_limit nor cpu_hotplug. */
    assert_int_equal(xlc_viridian_param_missing(0x1865, release("4.14")),
                     XFS_HVMPV_NO_VP_LIMIT | XFS_HVMPV_CPU_HOTPLUG);
    assert_int_equal(xlc_viridian_check_destination(0x1865, release("4.14"),
                                                    &err), -EOPNOTSUPP);
    assert_non_null(strstr(err.msg, "no_vp_limit cpu_hotplug"));
    assert_int_equal(xlc_viridian_check_destination(0x1865, release("4.15"),
                                                    NULL), 0);
    /* base without freq needs no_freq, which 4.4 does not know. */
    assert_int_equal(xlc_viridian_param_missing(3, release("4.4")),
                     XFS_HVMPV_NO_FREQ);
    assert_int_equal(xlc_viridian_param_missing(1, release("4.4")), 0);
    pool[0] = release("4.12");
    pool[1] = release("4.17");
    xlc_viridian_level(pool, 2, &l);
    assert_int_equal(l.hvmpv_mask, 0x7f);
    assert_int_equal(l.groups, G(BASE) | G(FREQ) | G(TIME_REF_COUNT) |
                                   G(REFERENCE_TSC) |
                                   G(HCALL_REMOTE_TLB_FLUSH) |
                                   G(APIC_ASSIST) | G(CRASH_CTL));
    /* viridian=1 differs: only what both releases turn on is common. */
    assert_int_equal(l.common_defaults, G(BASE) | G(FREQ) |
                                            G(TIME_REF_COUNT) |
                                            G(APIC_ASSIST) | G(CRASH_CTL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_abi_matches_installed_headers),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_groups_to_param),
        cmocka_unit_test(test_libxl_refusals),
        cmocka_unit_test(test_every_set_round_trips),
        cmocka_unit_test(test_every_param_value),
        cmocka_unit_test(test_release_table),
        cmocka_unit_test(test_migration_and_level),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
