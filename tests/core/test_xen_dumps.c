/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor-side derivation over every shared CPUID dump (40 real
 * CPUs and this machine's `cpuid -r`): the raw featureset equals the
 * dump's registers (computed here straight from the leaves through the
 * word table, and by libxenguest), no leaf past the advertised limits is
 * read, and every invariant holds under every build option.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../helpers/xen-fake-cpu.h"
#include "../helpers/xen-fs-check.h"
#include "../helpers/xen-oracle.h"
#include "libxl_cpuid/sources/cpuid-dump.h"
#include "xen/arch/featuresets.h"

#define N XFS_NR_WORDS
#define MAX_DUMPS 256

struct dump_case {
    char path[512];
    struct xlc_cpuid_dump *d;
};

static struct dump_case cases[MAX_DUMPS];
static unsigned int nr_cases, nr_xml;

static const char *shared_dir(void)
{
    const char *s = getenv("XFS_DATA");

    if (!s || !*s)
        fail_msg("XFS_DATA is not set (the directory holding cpuid/)");
    return s;
}

static void add_case(const char *path)
{
    xlc_error err = { 0 };
    struct dump_case *c = &cases[nr_cases];

    if (nr_cases == MAX_DUMPS)
        fail_msg("more than %d dumps", MAX_DUMPS);
    snprintf(c->path, sizeof(c->path), "%s", path);
    if (xlc_dump_load(path, &c->d, &err))
        fail_msg("%s: %s", path, err.msg);
    nr_cases++;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_all(void **state)
{
    char dir[512], path[1024];
    char *names[MAX_DUMPS];
    unsigned int n = 0;
    struct dirent *e;
    DIR *dp;

    (void)state;
    snprintf(dir, sizeof(dir), "%s/cpuid/instlatx64", shared_dir());
    dp = opendir(dir);
    if (!dp) {
        fprintf(stderr, "cannot open %s\n", dir);
        return -1;
    }
    while ((e = readdir(dp)) && n < MAX_DUMPS - 1) {
        size_t len = strlen(e->d_name);

        if (len > 4 && !strcmp(e->d_name + len - 4, ".xml"))
            names[n++] = strdup(e->d_name);
    }
    closedir(dp);
    qsort(names, n, sizeof(names[0]), by_name);
    for (unsigned int i = 0; i < n; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        add_case(path);
        free(names[i]);
    }
    nr_xml = n;
    snprintf(path, sizeof(path), "%s/cpuid/live/this-machine-cpuid-r.txt",
             shared_dir());
    add_case(path);
    return 0;
}

static int free_all(void **state)
{
    (void)state;
    for (unsigned int i = 0; i < nr_cases; i++)
        xlc_dump_free(cases[i].d);
    return 0;
}

static const uint64_t *arch_caps_of(const struct xlc_cpuid_dump *d)
{
    for (size_t i = 0; i < d->nr_msrs; i++)
        if (d->msrs[i].idx == XFS_MSR_ARCH_CAPABILITIES)
            return &d->msrs[i].val;
    return NULL;
}

static void derive(const struct dump_case *c, const struct xfs_hv_options *o,
                   struct xfs_system_featuresets *s, const char *what)
{
    struct xt_guard g = { .l = c->d->leaves, .nr = (unsigned)c->d->nr_leaves };
    struct xfs_cpuid_reader rd;

    xlc_dump_reader(c->d, &g.inner);
    xt_guard_reader(&g, &rd);
    xfs_derive_featuresets(&rd, o, s);
    if (g.out_of_range)
        fail_msg("%s: read leaf %#x/%u beyond the dump's limits", what,
                 g.bad_leaf, g.bad_subleaf);
    xt_check_invariants(s, o, what);
}

static void found_every_dump(void **state)
{
    (void)state;
    /* The shared README lists 40 CPUs. */
    assert_true(nr_xml >= 40);
    assert_int_equal(nr_cases, nr_xml + 1);
}

static void raw_is_the_dump(void **state)
{
    (void)state;
    for (unsigned int i = 0; i < nr_cases; i++) {
        const struct xlc_cpuid_dump *d = cases[i].d;
        struct xfs_hv_options o;
        struct xfs_system_featuresets s;
        uint32_t want[N], theirs[N];
        char what[600];

        xfs_hv_options_default(&o);
        derive(&cases[i], &o, &s, cases[i].path);
        xt_raw_from_leaves(d->leaves, (unsigned)d->nr_leaves, arch_caps_of(d),
                           want);
        snprintf(what, sizeof(what), "%.300s: raw", cases[i].path);
        xt_assert_fs_equal(s.fs[XFS_SYSCTL_cpu_featureset_raw], want, what);

        assert_true(xt_oracle_from_leaves(d->leaves, (unsigned)d->nr_leaves,
                                          theirs) >= 0);
        for (unsigned int w = 0; w < N; w++)
            if (xfs_words[w].src == XFS_SRC_CPUID &&
                theirs[w] != s.fs[XFS_SYSCTL_cpu_featureset_raw][w])
                fail_msg("%s word %u (%s): ours %08x, libxenguest %08x",
                         cases[i].path, w, xfs_words[w].key,
                         s.fs[XFS_SYSCTL_cpu_featureset_raw][w], theirs[w]);
    }
}

static void vendor_matches_libxenguest(void **state)
{
    (void)state;
    for (unsigned int i = 0; i < nr_cases; i++) {
        const struct xfs_cpuid_leaf *l0 =
            xt_leaf_find(cases[i].d->leaves, (unsigned)cases[i].d->nr_leaves,
                         0, 0);
        struct xfs_hv_options o;
        struct xfs_system_featuresets s;

        assert_non_null(l0);
        xfs_hv_options_default(&o);
        derive(&cases[i], &o, &s, cases[i].path);
        if ((int)s.info.vendor != xt_oracle_vendor(l0->b, l0->c, l0->d))
            fail_msg("%s: vendor %d, libxenguest %d", cases[i].path,
                     s.info.vendor, xt_oracle_vendor(l0->b, l0->c, l0->d));
        assert_int_not_equal(s.info.vendor, XFS_VENDOR_UNKNOWN);
    }
}

static void invariants_under_every_option(void **state)
{
    (void)state;
    for (unsigned int i = 0; i < nr_cases; i++)
        for (unsigned int bits = 0; bits < 8; bits++) {
            struct xfs_hv_options o;
            struct xfs_system_featuresets s;
            char what[600];

            xfs_hv_options_default(&o);
            o.hap = bits & 1;
            o.pv = bits & 2;
            o.hvm = bits & 4;
            snprintf(what, sizeof(what), "%.300s hap=%d pv=%d hvm=%d",
                     cases[i].path, o.hap, o.pv, o.hvm);
            derive(&cases[i], &o, &s, what);
        }
}

/* cpuid=no-NAME for every feature the dump's host set has. */
static void invariants_under_every_boot_clear(void **state)
{
    (void)state;
    for (unsigned int i = 0; i < nr_cases; i++) {
        struct xfs_hv_options o;
        struct xfs_system_featuresets base, s;

        xfs_hv_options_default(&o);
        derive(&cases[i], &o, &base, cases[i].path);
        for (unsigned int f = 0; f < xfs_nr_features; f++) {
            unsigned int v = xfs_features[f].value;
            char what[600];

            if (!xt_has(base.fs[XFS_SYSCTL_cpu_featureset_host], v))
                continue;
            xfs_hv_options_default(&o);
            xfs_set(o.boot_clear, N, v);
            snprintf(what, sizeof(what), "%.300s cpuid=no-%s", cases[i].path,
                     xfs_features[f].name);
            derive(&cases[i], &o, &s, what);
        }
    }
}

/* The vendor and HVM rules, on real CPUs. */
static void vendor_rules_on_real_cpus(void **state)
{
    unsigned int amd = 0, usable = 0;

    (void)state;
    for (unsigned int i = 0; i < nr_cases; i++) {
        struct xfs_hv_options o;
        struct xfs_system_featuresets s;
        const uint32_t *raw, *host;
        bool amd_like;

        xfs_hv_options_default(&o);
        derive(&cases[i], &o, &s, cases[i].path);
        raw = s.fs[XFS_SYSCTL_cpu_featureset_raw];
        host = s.fs[XFS_SYSCTL_cpu_featureset_host];
        amd_like = s.info.vendor == XFS_VENDOR_AMD ||
                   s.info.vendor == XFS_VENDOR_HYGON;
        usable += s.hvm_usable;
        if (amd_like) {
            amd++;
            /* Every AMD/Hygon CPU mirrors leaf 1 edx into e1d... */
            assert_int_not_equal(raw[2] & 0x0183f3ffu, 0);
            /* ...and none of the copies reaches the host. */
            assert_int_equal(host[2] & 0x0183f3ffu & ~(1u << 11), 0);
            assert_false(xt_has(host, XFS_SEP));
            if (s.hvm_usable)
                assert_int_equal(
                    xt_has(s.fs[XFS_SYSCTL_cpu_featureset_hvm_max], XFS_SEP),
                    xt_has(raw, XFS_SEP));
        } else {
            assert_int_equal(xt_has(host, XFS_SEP), xt_has(raw, XFS_SEP));
        }
    }
    assert_true(amd >= 14);    /* 13 AMD + 1 Hygon dumps, + this machine */
    assert_true(usable >= 30); /* nearly all real CPUs have VMX or SVM */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(found_every_dump),
        cmocka_unit_test(raw_is_the_dump),
        cmocka_unit_test(vendor_matches_libxenguest),
        cmocka_unit_test(invariants_under_every_option),
        cmocka_unit_test(invariants_under_every_boot_clear),
        cmocka_unit_test(vendor_rules_on_real_cpus),
    };
    return cmocka_run_group_tests(tests, load_all, free_all);
}
