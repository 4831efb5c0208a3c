/* SPDX-License-Identifier: MIT */
/*
 * Xen 4.17's own, unmodified xen-cpuid (/usr/lib/xen-4.17/bin/xen-cpuid)
 * run under xen-sim: for every shared dump, the `cpuid -r` file and the
 * live CPU, in `info`, `detail` and `-p` modes, what it prints must be
 * what our library derives for that CPU: the featureset size, the eight
 * static masks, the six dynamic featuresets, the policy size limits and
 * every leaf and MSR of the six system policies.  Xen's output is parsed;
 * the values it prints crossed libxenctrl, libxenguest and the simulated
 * hypercall layer.  (The byte-for-byte comparison with our own xen-cpuid
 * is test_xen_sim_parity.c.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "libxl_cpuid/policy/cpu-policy.h"
#include "tests/helpers/shared-data.h"
#include "tests/helpers/xen-sim-run.h"

static const char *const static_names[XFS_MASK_INVERTED] = {
    "Known", "Special", "PV Max", "PV Default", "HVM Shadow Max",
    "HVM Shadow Default", "HVM Hap Max", "HVM Hap Default",
};
/* Dynamic sets in Xen's sysctl index order (our fs[] order). */
static const char *const dynamic_names[XFS_SYSCTL_cpu_featureset_nr] = {
    "Raw", "Host", "PV Default", "HVM Default", "PV Max", "HVM Max",
};

struct parsed_set {
    char name[32];
    uint32_t words[XFS_NR_WORDS + 1];
    unsigned int nr;
    bool dynamic;
};

static unsigned int parse_hex_words(const char *s, uint32_t *w,
                                    unsigned int max)
{
    unsigned int n = 0;
    char *end;

    while (n < max) {
        w[n++] = (uint32_t)strtoul(s, &end, 16);
        assert_true(end - s == 8);
        if (*end != ':')
            break;
        s = end + 1;
    }
    return n;
}

/* "NAME   xxxxxxxx:xxxxxxxx..." lines of info/detail, by section. */
static unsigned int parse_sets(const char *out, struct parsed_set *sets,
                               unsigned int max, unsigned int *nr_features)
{
    bool dynamic = false;
    unsigned int n = 0;

    *nr_features = 0;
    for (const char *l = out; *l; l = strchr(l, '\n') + 1) {
        const char *eol = strchr(l, '\n'), *hex;
        size_t len;

        assert_non_null(eol);
        if (sscanf(l, "nr_features: %u", nr_features) == 1)
            continue;
        if (!strncmp(l, "Dynamic sets:", 13))
            dynamic = true;
        hex = eol;
        while (hex > l && hex[-1] != ' ')
            hex--;
        if (l[0] == ' ' || eol - hex < 8 || hex[8] != ':' || hex == l)
            continue;
        assert_true(n < max);
        len = (size_t)(hex - l);
        while (len && l[len - 1] == ' ')
            len--;
        snprintf(sets[n].name, sizeof(sets[n].name), "%.*s", (int)len, l);
        sets[n].nr = parse_hex_words(hex, sets[n].words, XFS_NR_WORDS + 1);
        sets[n].dynamic = dynamic;
        n++;
    }
    return n;
}

static void expect_set(const struct parsed_set *sets, unsigned int n,
                       const char *name, bool dynamic, const uint32_t *want,
                       const char *what)
{
    for (unsigned int i = 0; i < n; i++) {
        if (strcmp(sets[i].name, name) || sets[i].dynamic != dynamic)
            continue;
        assert_int_equal(sets[i].nr, XFS_NR_WORDS);
        for (unsigned int w = 0; w < XFS_NR_WORDS; w++)
            if (sets[i].words[w] != want[w])
                fail_msg("%s: %s set '%s' word %u: Xen's tool printed "
                         "%08x, we derive %08x", what,
                         dynamic ? "dynamic" : "static", name, w,
                         sets[i].words[w], want[w]);
        return;
    }
    fail_msg("%s: no %s set '%s' in Xen's output", what,
             dynamic ? "dynamic" : "static", name);
}

static char *run_xen_tool(const char *dump, const char *mode)
{
    char args[4096], cmd[256], *out = NULL, *err = NULL;
    int rc;

    if (dump)
        snprintf(args, sizeof(args), "--cpuid '%s'", dump);
    else
        args[0] = '\0';
    snprintf(cmd, sizeof(cmd), "%s %s", XEN_XEN_CPUID, mode);
    rc = xen_sim_run(args, cmd, &out, &err);
    if (rc || err[0])
        fail_msg("xen-sim %s -- xen-cpuid %s: exit %d, stderr: %s", args,
                 mode, rc, err);
    free(err);
    return out;
}

static void check_featuresets(const char *dump, const char *what,
                              const struct xlc_system_policies *s,
                              const char *mode)
{
    struct parsed_set sets[32];
    unsigned int nr_features, n;
    char *out = run_xen_tool(dump, mode);

    n = parse_sets(out, sets, 32, &nr_features);
    assert_int_equal(nr_features, XFS_NR_WORDS);
    assert_int_equal(n, XFS_MASK_INVERTED + XFS_SYSCTL_cpu_featureset_nr);
    for (unsigned int k = 0; k < XFS_MASK_INVERTED; k++)
        expect_set(sets, n, static_names[k], false, xfs_static_masks[k],
                   what);
    for (unsigned int i = 0; i < XFS_SYSCTL_cpu_featureset_nr; i++)
        expect_set(sets, n, dynamic_names[i], true, s->fs.fs[i], what);
    free(out);
}

/* The next line of *p (advanced), NUL-terminated in place. */
static char *next_line(char **p)
{
    char *l = *p, *eol = strchr(l, '\n');

    assert_non_null(eol);
    *eol = '\0';
    *p = eol + 1;
    return l;
}

static void check_one_policy(char **p, const char *what, const char *name,
                             const struct xfs_cpu_policy *pol)
{
    struct xlc_policy_entries r;
    char want[128], *l;
    unsigned int nl, nm;

    assert_int_equal(xlc_policy_serialise(pol, &r, NULL), 0);
    l = next_line(p);
    snprintf(want, sizeof(want), "%s policy: %%u leaves, %%u MSRs", name);
    if (sscanf(l, want, &nl, &nm) != 2)
        fail_msg("%s: expected the %s policy, got '%s'", what, name, l);
    assert_int_equal(nl, r.nr_leaves);
    assert_int_equal(nm, r.nr_msrs);
    assert_string_equal(next_line(p), " CPUID:");
    next_line(p);                                   /* column header */
    for (size_t i = 0; i < r.nr_leaves; i++) {
        const struct xfs_cpuid_leaf *e = &r.leaves[i];

        if (!e->a && !e->b && !e->c && !e->d)
            continue;                   /* Xen's tool skips empty leaves */
        snprintf(want, sizeof(want), "  %08x:%08x -> %08x:%08x:%08x:%08x",
                 e->leaf, e->subleaf, e->a, e->b, e->c, e->d);
        l = next_line(p);
        if (strcmp(l, want))
            fail_msg("%s: %s policy: Xen's tool printed '%s', we derive "
                     "'%s'", what, name, l, want);
    }
    assert_string_equal(next_line(p), " MSRs:");
    next_line(p);
    for (size_t i = 0; i < r.nr_msrs; i++) {
        snprintf(want, sizeof(want), "  %08x -> %016llx", r.msrs[i].idx,
                 (unsigned long long)r.msrs[i].val);
        assert_string_equal(next_line(p), want);
    }
    xlc_policy_entries_free(&r);
}

static void check_policies(const char *dump, const char *what,
                           const struct xlc_system_policies *s)
{
    char *out = run_xen_tool(dump, "-p"), *p = out, want[128];
    struct xfs_cpu_policy zero;

    snprintf(want, sizeof(want), "Xen reports there are maximum %u leaves "
             "and %u MSRs", XFS_POLICY_MAX_LEAVES, XFS_POLICY_MAX_MSRS);
    assert_string_equal(next_line(&p), want);
    xfs_policy_zero(&zero);
    for (unsigned int k = 0; k < XFS_SYSCTL_cpu_featureset_nr; k++) {
        unsigned int i = xlc_policy_order[k];

        /* Xen serves every type built in; one it cannot run as the
         * all-zero policy, and so do we. */
        assert_true(s->pol.served[i]);
        if (!s->pol.present[i])
            assert_true(xfs_policy_equal(&s->pol.p[i], &zero));
        check_one_policy(&p, what, xlc_policy_name(i), &s->pol.p[i]);
    }
    assert_string_equal(p, "");
    free(out);
}

static void check_source(const char *dump, const char *what)
{
    struct xlc_sim_opts o = { .cpuid_file = dump };
    struct xlc_system_policies *s;
    xlc_error err = { 0 };

    if (xlc_system_policies_load(&o, &s, &err))
        fail_msg("%s: %s", what, err.msg);
    check_featuresets(dump, what, s, "info");
    check_featuresets(dump, what, s, "detail");
    check_policies(dump, what, s);
    xlc_system_policies_free(s);
}

static void each_dump(void *ctx, const char *path, const char *file)
{
    (*(unsigned int *)ctx)++;
    check_source(path, file);
}

static void instlatx64_dumps(void **state)
{
    unsigned int n = 0;

    (void)state;
    assert_true(shared_each_dump(each_dump, &n) >= 40);
}

static void cpuid_r_file(void **state)
{
    (void)state;
    check_source(xen_sim_live_dump(), "cpuid -r file");
}

static void live_cpu(void **state)
{
    (void)state;
    xen_sim_pin_one_cpu();   /* the same APIC IDs in every process */
    check_source(NULL, "live CPU");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(instlatx64_dumps),
        cmocka_unit_test(cpuid_r_file),
        cmocka_unit_test(live_cpu),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
