/* SPDX-License-Identifier: MIT */
/*
 * Our serialised policies against libxenguest's: for every shared dump
 * (and this machine's `cpuid -r`), each system policy we derive is
 * serialised, fed to xc_cpu_policy_update_cpuid/_msrs and serialised again
 * by xc_cpu_policy_serialise.  The two lists must be identical: same
 * leaves, same order, same registers, same MSRs.  Our own deserialiser
 * must give back the very policy it was serialised from.
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

static void assert_same_records(const struct xlc_policy_entries *ours,
                                const struct xlc_policy_entries *xen,
                                const char *what)
{
    if (ours->nr_leaves != xen->nr_leaves)
        fail_msg("%s: %zu leaves from us, %zu from libxenguest", what,
                 ours->nr_leaves, xen->nr_leaves);
    for (size_t i = 0; i < ours->nr_leaves; i++) {
        const struct xfs_cpuid_leaf *a = &ours->leaves[i], *b = &xen->leaves[i];

        if (memcmp(a, b, sizeof(*a)))
            fail_msg("%s: entry %zu: ours %08x:%08x -> %08x:%08x:%08x:%08x, "
                     "libxenguest %08x:%08x -> %08x:%08x:%08x:%08x",
                     what, i, a->leaf, a->subleaf, a->a, a->b, a->c, a->d,
                     b->leaf, b->subleaf, b->a, b->b, b->c, b->d);
    }
    assert_int_equal(ours->nr_msrs, xen->nr_msrs);
    for (size_t i = 0; i < ours->nr_msrs; i++)
        if (ours->msrs[i].idx != xen->msrs[i].idx ||
            ours->msrs[i].val != xen->msrs[i].val ||
            xen->msrs[i].flags)
            fail_msg("%s: MSR entry %zu: ours %08x=%016llx, libxenguest "
                     "%08x=%016llx", what, i, ours->msrs[i].idx,
                     (unsigned long long)ours->msrs[i].val, xen->msrs[i].idx,
                     (unsigned long long)xen->msrs[i].val);
}

/* Serialise, through libxenguest and back, and through ourselves. */
static unsigned int check_policy(const struct xfs_cpu_policy *p,
                                 const char *what)
{
    struct xlc_policy_entries ours;
    struct xt_xen_result xen;
    struct xfs_cpu_policy back;
    xlc_error err = { 0 };
    unsigned int n;

    if (xlc_policy_serialise(p, &ours, &err))
        fail_msg("%s: %s", what, err.msg);
    xt_xen_roundtrip(ours.leaves, (uint32_t)ours.nr_leaves, ours.msrs,
                     (uint32_t)ours.nr_msrs, &xen);
    if (!xen.accepted)
        fail_msg("%s: libxenguest refused our %zu leaves", what,
                 ours.nr_leaves);
    assert_same_records(&ours, &xen.out, what);

    xfs_policy_zero(&back);
    if (xlc_policy_deserialise(&back, &ours, &err))
        fail_msg("%s: our own leaves refused: %s", what, err.msg);
    if (!xfs_policy_equal(&back, p))
        fail_msg("%s: deserialising our leaves gave a different policy",
                 what);
    n = (unsigned int)ours.nr_leaves;
    xlc_policy_entries_free(&ours);
    xlc_policy_entries_free(&xen.out);
    return n;
}

static unsigned int check_file(const char *path)
{
    struct xlc_system_policies *s = xt_system_from_file(path);
    unsigned int checked = 0;

    for (unsigned int i = 0; i < XFS_SYSCTL_cpu_featureset_nr; i++) {
        char what[512];

        if (!s->pol.present[i])
            continue;
        snprintf(what, sizeof(what), "%s %s", xt_basename(path),
                 xlc_policy_name(i));
        check_policy(&s->pol.p[i], what);
        checked++;
    }
    /* Host and both defaults are what the done-when asks for. */
    assert_true(s->pol.present[XFS_SYSCTL_cpu_featureset_host]);
    assert_true(s->pol.present[XFS_SYSCTL_cpu_featureset_pv]);
    xlc_system_policies_free(s);
    return checked;
}

static void every_shared_dump(void **state)
{
    size_t nr;
    char **paths = xt_dump_paths(&nr);
    unsigned int policies = 0;

    (void)state;
    assert_true(nr >= 40);
    for (size_t i = 0; i < nr; i++)
        policies += check_file(paths[i]);
    printf("    %zu dumps, %u policies round-tripped through libxenguest\n",
           nr, policies);
    xt_free_paths(paths, nr);
}

static void this_machine(void **state)
{
    (void)state;
    assert_true(check_file(xt_live_dump_path()) >= 4);
}

/* Xen's order within the list, independent of our visitor: basic leaves
 * ascending, then 0x40000000, 0x40000100, then extended ascending. */
static void order_is_xens(void **state)
{
    struct xlc_system_policies *s =
        xt_system_from_file(xt_live_dump_path());
    struct xlc_policy_entries r;
    int phase = 0;

    (void)state;
    assert_int_equal(xlc_policy_serialise(&s->pol.p[1], &r, NULL), 0);
    for (size_t i = 1; i < r.nr_leaves; i++) {
        const struct xfs_cpuid_leaf *a = &r.leaves[i - 1], *b = &r.leaves[i];

        if (b->leaf == XFS_HV_LIMIT_LEAF)
            phase = 1;
        assert_true(a->leaf < b->leaf ||
                    (a->leaf == b->leaf && a->subleaf + 1 == b->subleaf));
        assert_true(phase || b->leaf < 0x40000000u);
    }
    assert_int_equal(r.leaves[0].leaf, 0);
    xlc_policy_entries_free(&r);
    xlc_system_policies_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_shared_dump),
        cmocka_unit_test(this_machine),
        cmocka_unit_test(order_is_xens),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
