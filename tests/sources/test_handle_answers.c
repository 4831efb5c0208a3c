/* SPDX-License-Identifier: MIT */
/*
 * The handle beyond featuresets (sources/handle.h): on every shared dump,
 * with and without --no-hap and a boot cpuid= list, the system policies
 * it gives are the ones derived from the same dump and options, and its
 * featuresets are those policies' featuresets (one hypervisor, one
 * answer); the simulated hypervisor has no domains and reports no
 * levelling capabilities, saying so; its CPUID data is the dump; the
 * shorthands (xlc_system_policies_load, xlc_xen_system_policies) are the
 * handle's answers; the backend words.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "libxl_cpuid/policy/cpu-policy.h"
#include "libxl_cpuid/sources/cpuid-dump.h"
#include "libxl_cpuid/sources/handle.h"
#include "tests/helpers/shared-data.h"

#define NR_SETS XFS_SYSCTL_cpu_featureset_nr

struct variant {
    bool no_hap;
    const char *boot_cpuid;
};

static const struct variant variants[] = {
    { false, NULL }, { true, NULL }, { false, "no-avx2,no-rdrand" },
};

/* The policies derived straight from the dump with the same options. */
static struct xlc_system_policies *derived(const char *path,
                                           const struct variant *v)
{
    struct xlc_system_policies *s;
    struct xlc_cpuid_dump *d;
    struct xfs_hv_options o;
    xlc_error err = { 0 };
    unsigned int bad = 0;

    xfs_hv_options_default(&o);
    o.hap = !v->no_hap;
    assert_int_equal(v->boot_cpuid ? xfs_parse_boot_cpuid(v->boot_cpuid, &o,
                                                          &bad) : 0, 0);
    assert_int_equal(xlc_dump_load(path, &d, &err), 0);
    assert_int_equal(xlc_system_policies_from_dump(d, &o, &s, &err), 0);
    xlc_dump_free(d);
    return s;
}

static void one_dump(void *ctx, const char *path, const char *file)
{
    unsigned int *n = ctx;

    for (size_t k = 0; k < sizeof(variants) / sizeof(*variants); k++) {
        const struct variant *v = &variants[k];
        struct xlc_open_opts o = { .backend = XLC_BACKEND_SIM,
                                   .cpuid_file = path,
                                   .no_hap = v->no_hap,
                                   .boot_cpuid = v->boot_cpuid };
        struct xlc_system_policies *got, *want = derived(path, v);
        const struct xlc_cpuid_dump *d;
        xlc_error err = { 0 };
        xlc_handle *h;

        assert_int_equal(xlc_open(&o, &h, &err), 0);
        assert_int_equal(xlc_handle_system_policies(h, &got, &err), 0);
        if (memcmp(&got->pol, &want->pol, sizeof(got->pol)) ||
            memcmp(got->fs.fs, want->fs.fs, sizeof(got->fs.fs)))
            fail_msg("%s (variant %zu): the handle's policies differ", file,
                     k);
        for (uint32_t i = 0; i < NR_SETS; i++) {
            uint32_t fs[XFS_NR_WORDS] = { 0 }, nr = XFS_NR_WORDS;

            assert_int_equal(xlc_get_featureset(h, i, &nr, fs, &err), 0);
            if (memcmp(fs, got->fs.fs[i], sizeof(fs)))
                fail_msg("%s (variant %zu): featureset %u is not the "
                         "policies'", file, k, i);
        }
        assert_int_equal(xlc_handle_cpuid(h, &d, &err), 0);
        assert_string_equal(d->source, path);
        xlc_system_policies_free(got);
        xlc_system_policies_free(want);
        xlc_close(h);
    }
    (*n)++;
}

static void policies_and_featuresets_agree(void **state)
{
    unsigned int n = 0, total;

    (void)state;
    total = shared_each_dump(one_dump, &n);
    assert_true(total >= 30);
    assert_int_equal(n, total);
}

/* What the simulated hypervisor does not have, said. */
static void sim_has_no_domains(void **state)
{
    struct xlc_open_opts o = {
        .backend = XLC_BACKEND_SIM,
        .cpuid_file = shared_dump("GenuineIntel0050654_SkylakeXeon") };
    struct xlc_policy_entries r = { 0 };
    xlc_error err = { 0 };
    xlc_handle *h;
    uint32_t caps = 0;

    (void)state;
    assert_int_equal(xlc_open(&o, &h, &err), 0);
    assert_int_equal(xlc_handle_domain_entries(h, 3, &r, &err), -ENODEV);
    assert_string_equal(err.msg, "domain 3: only a running Xen has domains; "
                                 "the simulated hypervisor has none");
    assert_int_equal(xlc_handle_levelling_caps(h, &caps, &err), -EOPNOTSUPP);
    assert_non_null(strstr(err.msg, "derive them from its CPUID data"));
    xlc_close(h);
    xlc_policy_entries_free(&r);
}

/* The shorthands are the handle: same policies, same messages. */
static void shorthands(void **state)
{
    const char *path = shared_dump("AuthenticAMD0830F10_K17_Rome");
    struct xlc_sim_opts so = { path, true, "no-avx2" };
    struct xlc_open_opts o = { .backend = XLC_BACKEND_SIM,
                               .cpuid_file = path, .no_hap = true,
                               .boot_cpuid = "no-avx2" };
    struct xlc_system_policies *a, *b;
    xlc_error err = { 0 };
    xlc_handle *h;

    (void)state;
    assert_int_equal(xlc_system_policies_load(&so, &a, &err), 0);
    assert_int_equal(xlc_open(&o, &h, &err), 0);
    assert_int_equal(xlc_handle_system_policies(h, &b, &err), 0);
    assert_int_equal(memcmp(&a->pol, &b->pol, sizeof(a->pol)), 0);
    assert_false(a->opts.hap);
    xlc_system_policies_free(a);
    xlc_system_policies_free(b);
    xlc_close(h);
    /* One message for a bad boot cpuid= list, whichever way in. */
    so.boot_cpuid = "no-avx2,no-bogus";
    assert_int_equal(xlc_system_policies_load(&so, &a, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "bad token 'no-bogus' at offset 8"));
    assert_null(a);
    if (access("/dev/xen/privcmd", F_OK) && access("/proc/xen/privcmd", F_OK)) {
        assert_int_equal(xlc_xen_system_policies(&a, &err), -ENODEV);
        assert_int_equal(strncmp(err.msg, "backend xen: not running on Xen (",
                                 33), 0);
    }
}

static void backend_words(void **state)
{
    static const char *const words[] = { "auto", "xen", "sim" };
    enum xlc_backend b;
    xlc_error err = { 0 };

    (void)state;
    for (unsigned int i = 0; i < 3; i++) {
        assert_int_equal(xlc_backend_parse(words[i], &b, &err), 0);
        assert_int_equal((int)b, (int)i);
    }
    assert_int_equal(xlc_backend_parse("Xen", &b, &err), -EINVAL);
    assert_string_equal(err.msg, "backend 'Xen': expected auto, xen or sim");
    assert_int_equal(xlc_backend_parse(NULL, &b, &err), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(policies_and_featuresets_agree),
        cmocka_unit_test(sim_has_no_domains),
        cmocka_unit_test(shorthands),
        cmocka_unit_test(backend_words),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
