/* SPDX-License-Identifier: MIT */
/*
 * Deserialisation refuses each malformed case with a message naming the
 * entry, and leaves the policy untouched.  The base input is a real
 * policy (derived from a shared dump) serialised by us, then broken one
 * way at a time.  Where libxenguest refuses too, it is asked (in a child
 * process); where we are stricter (duplicates, leaves past the max leaf,
 * which libxenguest keeps but never serialises again), that is checked.
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

#include "../helpers/policy-oracle.h"

struct fixture {
    struct xlc_system_policies *sys;
    struct xlc_policy_entries rec;      /* the host policy, serialised */
    struct xfs_cpuid_leaf leaves[XFS_POLICY_MAX_LEAVES + 4];
    uint32_t nr;
    struct xfs_msr_entry msrs[8];
    uint32_t nr_msrs;
};

static char dump_path[4096];

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));

    assert_non_null(f);
    snprintf(dump_path, sizeof(dump_path),
             "%s/cpuid/instlatx64/GenuineIntel0050654_SkylakeXeon.xml",
             getenv("XFS_DATA") ? getenv("XFS_DATA") : "tests/data");
    f->sys = xt_system_from_file(dump_path);
    assert_int_equal(xlc_policy_serialise(
                         &f->sys->pol.p[XFS_SYSCTL_cpu_featureset_host],
                         &f->rec, NULL), 0);
    *state = f;
    return 0;
}

/* Before each test: the unbroken lists again. */
static int reset(void **state)
{
    struct fixture *f = *state;

    assert_true(f->rec.nr_leaves <= XFS_POLICY_MAX_LEAVES);
    assert_true(f->rec.nr_msrs <= sizeof(f->msrs) / sizeof(f->msrs[0]));
    memset(f->leaves, 0, sizeof(f->leaves));
    memcpy(f->leaves, f->rec.leaves, f->rec.nr_leaves * sizeof(*f->leaves));
    f->nr = (uint32_t)f->rec.nr_leaves;
    memset(f->msrs, 0, sizeof(f->msrs));
    memcpy(f->msrs, f->rec.msrs, f->rec.nr_msrs * sizeof(*f->msrs));
    f->nr_msrs = (uint32_t)f->rec.nr_msrs;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    xlc_system_policies_free(f->sys);
    xlc_policy_entries_free(&f->rec);
    free(f);
    return 0;
}

/* The fixture's (possibly broken) lists as entries; msrs: with them. */
static struct xlc_policy_entries entries(struct fixture *f, bool msrs)
{
    return (struct xlc_policy_entries){ f->leaves, f->nr,
                                        msrs ? f->msrs : NULL,
                                        msrs ? f->nr_msrs : 0 };
}

/* Position of (leaf, subleaf) in the fixture's list. */
static uint32_t find(const struct fixture *f, uint32_t leaf, uint32_t sub)
{
    for (uint32_t i = 0; i < f->nr; i++)
        if (f->leaves[i].leaf == leaf && f->leaves[i].subleaf == sub)
            return i;
    fail_msg("leaf %08x:%08x not in the fixture", leaf, sub);
    return 0;
}

/* Refused with rc and a message containing `want`; policy untouched. */
static void expect_refusal(struct fixture *f, int rc_want, const char *want)
{
    struct xlc_policy_entries e = entries(f, true);
    struct xfs_cpu_policy p, before;
    xlc_error err = { 0 };
    int rc;

    xfs_policy_copy(&p, &f->sys->pol.p[XFS_SYSCTL_cpu_featureset_host]);
    xfs_policy_copy(&before, &p);
    rc = xlc_policy_deserialise(&p, &e, &err);
    if (rc != rc_want || !strstr(err.msg, want))
        fail_msg("rc %d (want %d), message \"%s\" (want \"%s\")", rc,
                 rc_want, err.msg, want);
    assert_int_equal(err.code, -rc_want);
    assert_true(xfs_policy_equal(&p, &before));
}

static bool xen_accepts(const struct fixture *f)
{
    struct xt_xen_result *r = calloc(1, sizeof(*r));
    bool ok;

    assert_non_null(r);
    xt_xen_roundtrip(f->leaves, f->nr, f->msrs, f->nr_msrs, r);
    ok = r->accepted;
    xlc_policy_entries_free(&r->out);
    free(r);
    return ok;
}

static void base_is_accepted(void **state)
{
    struct fixture *f = *state;
    struct xlc_policy_entries e = entries(f, true);
    struct xfs_cpu_policy p;
    xlc_error err = { 0 };

    xfs_policy_zero(&p);
    assert_int_equal(xlc_policy_deserialise(&p, &e, &err), 0);
    assert_true(xen_accepts(f));
}

static void leaf_out_of_range(void **state)
{
    static const uint32_t bad[] = { 0xe, 0x1f, 0x40000001u, 0x40000200u,
                                    0x80000022u, 0xc0000000u };
    struct fixture *f = *state;

    for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
        char want[128];
        uint32_t i = find(f, 0x80000001u, XFS_CPUID_NO_SUBLEAF);
        struct xfs_cpuid_leaf keep = f->leaves[i];

        f->leaves[i].leaf = bad[k];
        snprintf(want, sizeof(want),
                 "CPUID leaf 0x%08x (entry %u): not a leaf a policy holds",
                 bad[k], i);
        expect_refusal(f, -EINVAL, want);
        assert_false(xen_accepts(f));
        f->leaves[i] = keep;
    }
}

static void subleaf_out_of_range(void **state)
{
    static const struct {
        uint32_t leaf, subleaf;
        const char *rule;
    } bad[] = {
        { 0x4, 6, "leaf 0x4 takes subleaves 0-5" },
        { 0x7, 3, "leaf 0x7 takes subleaves 0-2" },
        { 0xb, 2, "leaf 0xb takes subleaves 0-1" },
        { 0xd, 63, "leaf 0xd takes subleaves 0-62" },
        { 0xd, XFS_CPUID_NO_SUBLEAF, "leaf 0xd takes subleaves 0-62" },
        { 0x1, 0, "leaf 0x1 takes no subleaf (0xffffffff)" },
        { 0x80000008u, 1, "leaf 0x80000008 takes no subleaf" },
        { XFS_HV_LIMIT_LEAF, 0, "leaf 0x40000000 takes no subleaf" },
    };
    struct fixture *f = *state;

    for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
        uint32_t i = f->nr - 1;
        struct xfs_cpuid_leaf keep = f->leaves[i];
        char want[256];

        f->leaves[i] = (struct xfs_cpuid_leaf){ bad[k].leaf, bad[k].subleaf,
                                                0, 0, 0, 0 };
        snprintf(want, sizeof(want), "(entry %u): subleaf 0x%08x out of "
                 "range: %s", i, bad[k].subleaf, bad[k].rule);
        expect_refusal(f, -EINVAL, want);
        assert_false(xen_accepts(f));
        f->leaves[i] = keep;
    }
}

static void duplicates(void **state)
{
    struct fixture *f = *state;
    uint32_t first = find(f, 0x7, 0);
    char want[128];

    f->leaves[f->nr++] = f->leaves[first];
    snprintf(want, sizeof(want), "CPUID leaf 0x00000007 subleaf 0 (entry %u): "
             "duplicate of entry %u", f->nr - 1, first);
    expect_refusal(f, -EINVAL, want);
    /* libxenguest takes the last copy silently. */
    assert_true(xen_accepts(f));
    f->nr--;

    f->msrs[1] = f->msrs[0];
    expect_refusal(f, -EINVAL,
                   "MSR 0x000000ce (entry 1): duplicate of entry 0");
}

/* Each leaf is valid on its own but not listed by the resulting policy:
 * libxenguest keeps it, then loses it when serialising again. */
static void beyond_max(void **state)
{
    struct fixture *f = *state;
    uint32_t i0 = find(f, 0, XFS_CPUID_NO_SUBLEAF);
    uint32_t i7 = find(f, 7, 0);
    uint32_t ie = find(f, 0x80000000u, XFS_CPUID_NO_SUBLEAF);
    uint32_t id0 = find(f, 0xd, 0);
    uint32_t i8 = find(f, 8, XFS_CPUID_NO_SUBLEAF);
    struct xfs_cpuid_leaf k0 = f->leaves[i0], k7 = f->leaves[i7];
    struct xfs_cpuid_leaf ke = f->leaves[ie], kd0 = f->leaves[id0];
    char want[256];

    /* The first entry past the new max (leaf 8) is the one named. */
    f->leaves[i0].a = 0x7;
    snprintf(want, sizeof(want), "CPUID leaf 0x00000008 (entry %u): past the "
             "policy's max basic leaf 0x7; it would be silently lost", i8);
    expect_refusal(f, -EINVAL, want);
    assert_true(xen_accepts(f));
    f->leaves[i0] = k0;

    /* This CPU's leaf 7 has subleaf 0 only: a subleaf 1 is past it. */
    assert_int_equal(f->leaves[i7].a, 0);
    f->leaves[f->nr++] = (struct xfs_cpuid_leaf){ 7, 1, 0, 0, 0, 0 };
    snprintf(want, sizeof(want), "CPUID leaf 0x00000007 subleaf 1 (entry %u): "
             "past leaf 7's max subleaf 0", f->nr - 1);
    expect_refusal(f, -EINVAL, want);
    assert_true(xen_accepts(f));
    f->nr--;
    f->leaves[i7] = k7;

    f->leaves[ie].a = 0x80000007u;
    expect_refusal(f, -EINVAL, "CPUID leaf 0x80000008 (entry");
    expect_refusal(f, -EINVAL, "past the policy's max extended leaf "
                               "0x80000007");
    f->leaves[ie] = ke;

    f->leaves[id0].a = 0x7;      /* x87, SSE, AVX: components 3-7 listed */
    expect_refusal(f, -EINVAL, "CPUID leaf 0x0000000d subleaf 3 (entry");
    expect_refusal(f, -EINVAL, "past the highest XSAVE component in XCR0|XSS "
                               "0x7");
    f->leaves[id0] = kd0;
}

static void after_null_subleaf(void **state)
{
    struct fixture *f = *state;
    uint32_t i = find(f, 4, 1);
    struct xfs_cpuid_leaf keep = f->leaves[i];

    f->leaves[i].a &= ~0x1fu;   /* subleaf 1 becomes the null one */
    expect_refusal(f, -EINVAL, "CPUID leaf 0x00000004 subleaf 2 (entry");
    expect_refusal(f, -EINVAL, "after subleaf 1, the null subleaf that ends "
                               "the leaf");
    f->leaves[i] = keep;
}

static void hypervisor_limits(void **state)
{
    struct fixture *f = *state;
    uint32_t i = find(f, XFS_HV_LIMIT_LEAF, XFS_CPUID_NO_SUBLEAF);
    struct xfs_cpuid_leaf keep = f->leaves[i];
    struct xlc_policy_entries e;
    struct xfs_cpu_policy p;

    f->leaves[i].a = 0x100;
    expect_refusal(f, -EINVAL, "CPUID leaf 0x40000000 (entry");
    expect_refusal(f, -EINVAL, "hypervisor max leaf must be eax 0-0xff");
    f->leaves[i].a = 0x5;
    f->leaves[i].c = 1;
    expect_refusal(f, -EINVAL, "got 00000005:00000000:00000001:00000000");
    f->leaves[i] = keep;
    f->leaves[i].a = 0x42;
    xfs_policy_zero(&p);
    e = entries(f, false);
    assert_int_equal(xlc_policy_deserialise(&p, &e, NULL), 0);
    assert_int_equal(p.hv_limit, 0x42);
    f->leaves[i] = keep;
}

static void too_many(void **state)
{
    struct fixture *f = *state;
    uint32_t nr = f->nr;
    char want[128];

    while (f->nr <= XFS_POLICY_MAX_LEAVES)
        f->leaves[f->nr++] = f->leaves[0];
    snprintf(want, sizeof(want), "%u CPUID leaves given, a policy holds at "
             "most %u", f->nr, XFS_POLICY_MAX_LEAVES);
    expect_refusal(f, -E2BIG, want);
    assert_false(xen_accepts(f));
    f->nr = nr;

    f->msrs[2] = f->msrs[0];
    f->nr_msrs = 3;
    expect_refusal(f, -E2BIG, "3 MSRs given, a policy holds at most 2");
    assert_false(xen_accepts(f));
    f->nr_msrs = 2;
}

static void bad_msrs(void **state)
{
    struct fixture *f = *state;
    struct xfs_msr_entry keep = f->msrs[1];

    f->msrs[1].idx = 0x10;
    expect_refusal(f, -EINVAL, "MSR 0x00000010 (entry 1): not an MSR a "
                               "policy holds (0x000000ce, 0x0000010a)");
    assert_false(xen_accepts(f));
    f->msrs[1] = keep;

    f->msrs[1].flags = 1;
    expect_refusal(f, -EINVAL, "MSR 0x0000010a (entry 1): flags 0x1 must be "
                               "zero");
    assert_false(xen_accepts(f));
    f->msrs[1] = keep;

    keep = f->msrs[0];
    f->msrs[0].val = 1ull << 32;
    expect_refusal(f, -EINVAL, "MSR 0x000000ce (entry 0): value 0x100000000 "
                               "does not fit the 32 bits Xen keeps");
    assert_false(xen_accepts(f));
    f->msrs[0] = keep;
}

/* Every kind of refusal names the entry: a core error record check. */
static void core_reports_entry(void **state)
{
    struct fixture *f = *state;
    struct xfs_policy_error e;
    struct xfs_cpu_policy p;
    uint32_t i = find(f, 0x6, XFS_CPUID_NO_SUBLEAF);

    f->leaves[i].subleaf = 9;
    xfs_policy_zero(&p);
    assert_int_equal(xfs_policy_deserialise(&p, f->leaves, f->nr, NULL, 0,
                                            &e), XFS_PERR_SUBLEAF_RANGE);
    assert_int_equal(e.index, i);
    assert_int_equal(e.leaf.leaf, 6);
    assert_int_equal(e.leaf.subleaf, 9);
    f->leaves[i].subleaf = XFS_CPUID_NO_SUBLEAF;
}

static void serialise_needs_room(void **state)
{
    struct fixture *f = *state;
    struct xfs_cpuid_leaf small[10];
    struct xfs_msr_entry m[1];
    struct xfs_policy_error e;
    uint32_t n = 10;
    const struct xfs_cpu_policy *p =
        &f->sys->pol.p[XFS_SYSCTL_cpu_featureset_host];

    assert_int_equal(xfs_policy_serialise_leaves(p, small, &n, &e),
                     XFS_PERR_NOBUFS);
    assert_int_equal(n, f->rec.nr_leaves);
    assert_int_equal(e.nr, f->rec.nr_leaves);
    assert_int_equal(e.max, 10);
    assert_memory_equal(small, f->rec.leaves, sizeof(small));
    n = 1;
    assert_int_equal(xfs_policy_serialise_msrs(p, m, &n, &e),
                     XFS_PERR_NOBUFS);
    assert_int_equal(n, 2);
}

/* The policy's slots are exactly what cpu-policy-limits.h says fits. */
static void slots_match_shared_limits(void **state)
{
    static const uint32_t bases[] = { 0, XFS_CPUID_HV_LEAF, XFS_CPUID_HV2_LEAF,
                                      XFS_CPUID_EXTD_BASE };
    static const uint32_t subs[] = { 0, 1, 2, 5, 6, 62, 63, 0xffffffffu };
    struct xfs_cpu_policy p;

    (void)state;
    for (size_t b = 0; b < 4; b++)
        for (uint32_t leaf = bases[b]; leaf < bases[b] + 0x30; leaf++)
            for (size_t k = 0; k < sizeof(subs) / sizeof(subs[0]); k++) {
                bool hv = leaf == XFS_CPUID_HV_LEAF ||
                          leaf == XFS_CPUID_HV2_LEAF;
                bool ours = xfs_policy_slot(&p, leaf, subs[k], NULL) ||
                            (hv && subs[k] == XFS_CPUID_NO_SUBLEAF);

                if (ours != xfs_policy_leaf_in_range(leaf, subs[k]))
                    fail_msg("leaf %08x:%08x: slot %d, limits %d", leaf,
                             subs[k], ours,
                             xfs_policy_leaf_in_range(leaf, subs[k]));
            }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(base_is_accepted, reset),
        cmocka_unit_test_setup(leaf_out_of_range, reset),
        cmocka_unit_test_setup(subleaf_out_of_range, reset),
        cmocka_unit_test_setup(duplicates, reset),
        cmocka_unit_test_setup(beyond_max, reset),
        cmocka_unit_test_setup(after_null_subleaf, reset),
        cmocka_unit_test_setup(hypervisor_limits, reset),
        cmocka_unit_test_setup(too_many, reset),
        cmocka_unit_test_setup(bad_msrs, reset),
        cmocka_unit_test_setup(core_reports_entry, reset),
        cmocka_unit_test_setup(serialise_needs_room, reset),
        cmocka_unit_test_setup(slots_match_shared_limits, reset),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
