/* SPDX-License-Identifier: MIT */
/*
 * The applied policy (libxl_cpuid/policy/applied-policy.h) on the shared dumps:
 * defaults reproduce the system default policies, a levelled featureset
 * yields a policy an older pool member restores (libxenguest agrees),
 * what a host cannot give is refused with every reason, settings Xen
 * would silently change are refused, libvirt <cpu>s go through the
 * translation.
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
#include "libxl_cpuid/policy/applied-policy.h"
#include "libxl_cpuid/migration/restore-check.h"
#include "libxl_cpuid/xl/xl-cpuid.h"

#define HVM_DEF XFS_SYSCTL_cpu_featureset_hvm
#define HVM_MAX XFS_SYSCTL_cpu_featureset_hvm_max

struct fixture {
    struct xlc_system_policies *skx;   /* Skylake-SP */
    struct xlc_system_policies *hsw;   /* Haswell-EP */
    struct xlc_system_policies *k8;    /* K8: no VMX, no SVM */
    struct xlc_cpu_map *map;
};

static struct xlc_system_policies *load(const char *name)
{
    char path[4096];
    const char *s = getenv("XFS_DATA");

    snprintf(path, sizeof(path), "%s/cpuid/instlatx64/%s.xml",
             s && *s ? s : "tests/data", name);
    return xt_system_from_file(path);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    xlc_error err = { 0 };

    if (!f)
        return -1;
    f->skx = load("GenuineIntel0050654_SkylakeXeon");
    f->hsw = load("GenuineIntel00306F2_HaswellEP");
    f->k8 = load("AuthenticAMD0000F4A_K8_Clawhammer");
    if (xlc_cpu_map_load(NULL, &f->map, &err))
        fail_msg("%s", err.msg);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    xlc_system_policies_free(f->skx);
    xlc_system_policies_free(f->hsw);
    xlc_system_policies_free(f->k8);
    xlc_cpu_map_free(f->map);
    free(f);
    return 0;
}

static struct xlc_applied_policy *apply_fs(const struct xlc_system_policies *s,
                                           const uint32_t *fs, size_t nr)
{
    struct xlc_guest_settings g = { .kind = XLC_SETTINGS_FEATURESET,
                                    .fs = fs, .nr_words = nr };
    struct xlc_applied_policy *a;
    xlc_error err = { 0 };

    if (xlc_applied_policy(s, XLC_GUEST_HVM, &g, &a, &err))
        fail_msg("%s", err.msg);
    return a;
}

/*
 * Xen recalculates every policy it sets for a domain: the two inverted x87
 * bits then follow the host, whatever the default featureset says.
 */
static void with_host_x87(uint32_t fs[XFS_NR_WORDS],
                          const struct xlc_system_policies *s)
{
    const uint32_t *host = s->fs.fs[XFS_SYSCTL_cpu_featureset_host];
    static const unsigned int x87[] = { XFS_FDP_EXCP_ONLY, XFS_NO_FPU_SEL };

    for (size_t i = 0; i < 2; i++) {
        xfs_clear(fs, XFS_NR_WORDS, x87[i]);
        if (xfs_test(host, XFS_NR_WORDS, x87[i]))
            xfs_set(fs, XFS_NR_WORDS, x87[i]);
    }
}

/* The type's default policy as Xen holds it for a new domain libxl
 * builds: with libxl's topology (xc_cpuid_apply_policy; checked against
 * libxl itself in test_xen_sim_xl.c), recalculated. */
static bool is_default_as_xen_holds_it(const struct xfs_cpu_policy *p,
                                       const struct xlc_system_policies *s,
                                       enum xlc_guest_type t)
{
    struct xfs_cpu_policy asked, def;

    xfs_policy_copy(&asked, &s->pol.p[xlc_policy_index_default(t)]);
    xlc_policy_toolstack_topology(&asked, t == XLC_GUEST_HVM,
                                  s->fs.fs[XFS_SYSCTL_cpu_featureset_host]);
    xlc_domain_policy(&asked, &s->pol.p[xlc_policy_index_max(t)],
                      &s->pol.p[XFS_SYSCTL_cpu_featureset_host],
                      t == XLC_GUEST_HVM, &def);
    return xfs_policy_equal(p, &def);
}

/* Every dump and type: the defaults give the default policy as Xen holds
 * it for a domain (recalculated: 48-bit linear addresses for a 64-bit
 * guest, the host's x87 bits), and the records are its serialisation. */
/*
 * libxl's topology (xc_cpuid_apply_policy) on a featureset: an HVM guest
 * has HTT and no CMP_LEGACY; a PV guest the host's.
 */
static void with_toolstack_topology(uint32_t fs[XFS_NR_WORDS],
                                    const struct xlc_system_policies *s,
                                    bool hvm)
{
    const uint32_t *host = s->fs.fs[XFS_SYSCTL_cpu_featureset_host];
    static const unsigned int topo[] = { XFS_HTT, XFS_CMP_LEGACY };

    for (size_t i = 0; i < 2; i++) {
        bool on = hvm ? topo[i] == XFS_HTT
                      : xfs_test(host, XFS_NR_WORDS, topo[i]);

        xfs_clear(fs, XFS_NR_WORDS, topo[i]);
        if (on)
            xfs_set(fs, XFS_NR_WORDS, topo[i]);
    }
}

static void defaults_are_the_default_policy(void **state)
{
    struct xlc_guest_settings dflt = { .kind = XLC_SETTINGS_DEFAULT };
    struct xlc_policy_entries r = { 0 };
    size_t nr;
    char **paths = xt_dump_paths(&nr);

    (void)state;
    for (size_t i = 0; i < nr; i++) {
        struct xlc_system_policies *s = xt_system_from_file(paths[i]);

        for (int t = XLC_GUEST_PV; t <= XLC_GUEST_HVM; t++) {
            struct xlc_applied_policy *a;
            xlc_error err = { 0 };
            int rc = xlc_applied_policy(s, (enum xlc_guest_type)t, &dflt, &a,
                                        &err);

            if (!s->pol.present[xlc_policy_index_max(t)]) {
                assert_int_equal(rc, -EOPNOTSUPP);
                continue;
            }
            if (rc)
                fail_msg("%s: %s", xt_basename(paths[i]), err.msg);
            assert_int_equal(a->refused.nr, 0);
            uint32_t want[XFS_NR_WORDS];

            assert_true(is_default_as_xen_holds_it(&a->policy, s,
                                                   (enum xlc_guest_type)t));
            memcpy(want, s->fs.fs[xlc_policy_index_default(t)], sizeof(want));
            with_host_x87(want, s);
            with_toolstack_topology(want, s, t == XLC_GUEST_HVM);
            assert_memory_equal(a->fs, want, sizeof(a->fs));
            if (xfs_test(want, XFS_NR_WORDS, XFS_LM))
                assert_int_equal((a->policy.extd[8].a >> 8) & 0xff, 48);
            xt_serialise(&a->policy, &r);
            assert_int_equal(a->entries.nr_leaves, r.nr_leaves);
            assert_memory_equal(a->entries.leaves, r.leaves,
                                r.nr_leaves * sizeof(r.leaves[0]));
            assert_int_equal(xlc_applied_policy_check(a, &err), 0);
            xlc_applied_policy_free(a);
        }
        xlc_system_policies_free(s);
    }
    xlc_policy_entries_free(&r);
    xt_free_paths(paths, nr);
}

/*
 * A pool of a Haswell and a Skylake host levelled to what both give HVM
 * guests by default: applied on the Skylake, the guest gets exactly that
 * featureset, leaf 0xd without the AVX-512 state, and restores on the
 * Haswell (libxenguest's check agrees); Skylake's own default does not.
 */
static void levelled_featureset(void **state)
{
    struct fixture *f = *state;
    uint32_t level[XFS_NR_WORDS];
    struct xlc_restore_dest *d = malloc(sizeof(*d));
    struct xlc_restore_verdict v;
    struct xlc_policy_entries host = { 0 };
    struct xlc_applied_policy *a;
    xlc_error err = { 0 };

    assert_non_null(d);
    xfs_and(level, XFS_NR_WORDS, f->skx->fs.fs[HVM_DEF], XFS_NR_WORDS,
            f->hsw->fs.fs[HVM_DEF], XFS_NR_WORDS);
    assert_true(xfs_deps_closed(level, XFS_NR_WORDS));
    a = apply_fs(f->skx, level, XFS_NR_WORDS);
    assert_int_equal(a->refused.nr, 0);
    with_host_x87(level, f->skx);
    assert_memory_equal(a->fs, level, sizeof(level));
    assert_int_equal(xfs_policy_xcr0(&f->skx->pol.p[HVM_DEF]) & 0xe0, 0xe0);
    assert_int_equal(xfs_policy_xcr0(&a->policy), 0x7);   /* x87 SSE AVX */
    assert_int_equal(a->policy.xstate[0].c, 832);

    xlc_restore_dest_from_system(f->hsw, XFS_STREAM_DOM_X86_HVM, d);
    assert_int_equal(xlc_restore_check_policy(&a->policy, d, &v, &err), 0);
    if (!v.accept)
        fail_msg("levelled policy refused on the Haswell: %s",
                 v.reasons[0].text);
    xlc_restore_verdict_free(&v);
    xt_serialise(&d->max, &host);
    assert_true(xt_xen_compatible(&host, &a->entries));
    xlc_policy_entries_free(&host);

    assert_int_equal(xlc_restore_check_policy(&f->skx->pol.p[HVM_DEF], d, &v,
                                              &err), 0);
    assert_false(v.accept);
    xlc_restore_verdict_free(&v);
    xlc_applied_policy_free(a);
    free(d);
}

/* Skylake's default features on a Haswell: each missing one named. */
static void missing_features_are_all_named(void **state)
{
    struct fixture *f = *state;
    const uint32_t *want = f->skx->fs.fs[HVM_DEF];
    struct xlc_applied_policy *a = apply_fs(f->hsw, want, XFS_NR_WORDS);
    unsigned int missing = 0, named = 0;
    xlc_error err = { 0 };

    for (unsigned int i = 0; i < xfs_nr_features; i++) {
        const struct xfs_feature_info *fi = &xfs_features[i];
        char text[128];

        if (!xfs_test(want, XFS_NR_WORDS, fi->value) ||
            xfs_test(f->hsw->fs.fs[HVM_MAX], XFS_NR_WORDS, fi->value))
            continue;
        missing++;
        snprintf(text, sizeof(text), "feature %s (", fi->name);
        for (size_t r = 0; r < a->refused.nr; r++)
            if (!strncmp(a->refused.reasons[r], text, strlen(text)))
                named++;
    }
    assert_true(missing > 5);
    assert_int_equal(named, missing);
    assert_int_equal(xlc_applied_policy_check(a, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "this host cannot give an hvm guest that "
                                    "policy ("));
    assert_non_null(strstr(err.msg, "feature AVX512F (word 5 7b0 bit 16, "
                                    "leaf 0x00000007:0 ebx) missing on host"));
    xlc_applied_policy_free(a);
}

/* What Xen would change without a word is refused, naming it. */
static void settings_xen_would_change(void **state)
{
    struct fixture *f = *state;
    uint32_t fs[XFS_NR_WORDS + 1];
    struct xlc_guest_settings g = { .kind = XLC_SETTINGS_FEATURESET, .fs = fs,
                                    .nr_words = XFS_NR_WORDS };
    struct xlc_applied_policy *a;
    xlc_error err = { 0 };

    memcpy(fs, f->hsw->fs.fs[HVM_DEF], sizeof(uint32_t) * XFS_NR_WORDS);
    xfs_clear(fs, XFS_NR_WORDS, XFS_AVX);
    assert_int_equal(xlc_applied_policy(f->hsw, XLC_GUEST_HVM, &g, &a, &err),
                     -EINVAL);
    assert_null(a);
    assert_non_null(strstr(err.msg, "without a prerequisite (Xen would "
                                    "silently clear them): "));
    assert_non_null(strstr(err.msg, "AVX2 needs AVX"));
    assert_non_null(strstr(err.msg, "FMA needs AVX"));

    /* A longer featureset is fine when it is zero-padded, not otherwise. */
    memcpy(fs, f->hsw->fs.fs[HVM_DEF], sizeof(uint32_t) * XFS_NR_WORDS);
    fs[XFS_NR_WORDS] = 0;
    g.nr_words = XFS_NR_WORDS + 1;
    assert_int_equal(xlc_applied_policy(f->hsw, XLC_GUEST_HVM, &g, &a, &err),
                     0);
    assert_true(is_default_as_xen_holds_it(&a->policy, f->hsw, XLC_GUEST_HVM));
    xlc_applied_policy_free(a);
    fs[XFS_NR_WORDS] = 4;
    assert_int_equal(xlc_applied_policy(f->hsw, XLC_GUEST_HVM, &g, &a, &err),
                     -EINVAL);
    assert_non_null(strstr(err.msg, "is 0x00000004, but this build knows"));

    /* A short one reads as zero-extended: words past it are empty. */
    g.nr_words = 1;
    assert_int_equal(xlc_applied_policy(f->hsw, XLC_GUEST_HVM, &g, &a, &err),
                     0);
    {
        /* ... but for the x87 bits Xen takes from the host. */
        uint32_t want[XFS_NR_WORDS] = { fs[0] };

        with_host_x87(want, f->hsw);
        assert_memory_equal(a->fs, want, sizeof(want));
    }
    xlc_applied_policy_free(a);
}

static struct xlc_applied_policy *apply_lv(struct fixture *f,
                                           const struct xlc_system_policies *s,
                                           const char *xml)
{
    struct xlc_guest_settings g = { .kind = XLC_SETTINGS_LIBVIRT,
                                    .map = f->map };
    struct xlc_applied_policy *a;
    struct xlc_lv_cpu *cpu;
    xlc_error err = { 0 };

    if (xlc_lv_cpu_parse("test.xml", xml, strlen(xml), &cpu, &err))
        fail_msg("%s", err.msg);
    g.cpu = cpu;
    if (xlc_applied_policy(s, XLC_GUEST_HVM, &g, &a, &err))
        fail_msg("%s", err.msg);
    xlc_lv_cpu_free(cpu);
    return a;
}

static void libvirt_cpus(void **state)
{
    struct fixture *f = *state;
    struct xlc_applied_policy *a;

    /* host-passthrough is the type's default policy. */
    a = apply_lv(f, f->skx, "<cpu mode='host-passthrough'/>");
    assert_int_equal(a->refused.nr, 0);
    assert_non_null(a->lv);
    assert_true(is_default_as_xen_holds_it(&a->policy, f->skx, XLC_GUEST_HVM));
    xlc_applied_policy_free(a);

    /* maximum: everything Xen can offer, and it still fits. */
    a = apply_lv(f, f->skx, "<cpu mode='maximum'/>");
    {
        uint32_t want[XFS_NR_WORDS];

        memcpy(want, f->skx->fs.fs[HVM_MAX], sizeof(want));
        with_host_x87(want, f->skx);
        assert_int_equal(a->refused.nr, 0);
        assert_memory_equal(a->fs, want, sizeof(a->fs));
    }
    xlc_applied_policy_free(a);

    /* A model the Haswell lacks features of: the blockers are the
     * reasons, and there is no policy. */
    a = apply_lv(f, f->hsw,
                 "<cpu mode='custom' match='exact'>"
                 "<model fallback='forbid'>Skylake-Server</model></cpu>");
    assert_true(a->refused.nr > 3);
    assert_int_equal(a->refused.nr, a->lv->nr_blockers);
    assert_string_equal(a->refused.reasons[0], a->lv->blockers[0].text);
    assert_int_equal(a->entries.nr_leaves, 0);
    xlc_applied_policy_free(a);
}

static void unavailable_settings_and_types(void **state)
{
    struct fixture *f = *state;
    struct xlc_guest_settings xl = { .kind = XLC_SETTINGS_XL_CPUID,
                                     .xl_cpuid = "host,avx=0" };
    struct xlc_guest_settings dflt = { .kind = XLC_SETTINGS_DEFAULT };
    struct xlc_applied_policy *a;
    xlc_error err = { 0 };

    /* was -ENOSYS ("cannot be applied yet"); now refused on a K8 (no
     * HVM) like every other kind of settings, tested below */
    assert_int_equal(xlc_applied_policy(f->k8, XLC_GUEST_HVM, &xl, &a, &err),
                     -EOPNOTSUPP);
    assert_int_equal(xlc_applied_policy(f->k8, XLC_GUEST_HVM, &dflt, &a,
                                        &err), -EOPNOTSUPP);
    assert_non_null(strstr(err.msg, "this host cannot run HVM guests: the "
                                    "CPU has neither VMX nor SVM"));
    assert_int_equal(xlc_applied_policy(f->k8, XLC_GUEST_PV, &dflt, &a,
                                        &err), 0);
    xlc_applied_policy_free(a);
}

/*
 * xl cpuid= settings: both forms give the featureset xlc_xl_cpuid_apply
 * gives; a string that does not parse is -EINVAL (item said); one the
 * host refuses comes back refused, one reason per problem.
 */
static void xl_cpuid_settings(void **state)
{
    struct fixture *f = *state;
    struct xlc_guest_settings g = { .kind = XLC_SETTINGS_XL_CPUID,
                                    .xl_cpuid = "host,avx=0" };
    struct xlc_xl_applied *ap = malloc(sizeof(*ap));
    struct xlc_applied_policy *a, *b;
    struct xlc_xl_cpuid l = { 0 };
    xlc_error err = { 0 };

    assert_non_null(ap);
    assert_int_equal(xlc_applied_policy(f->skx, XLC_GUEST_HVM, &g, &a, &err),
                     0);
    assert_int_equal(a->refused.nr, 0);
    assert_int_equal(a->from, XLC_SETTINGS_XL_CPUID);
    assert_false(xfs_test(a->fs, XFS_NR_WORDS, XFS_AVX));
    assert_false(xfs_test(a->fs, XFS_NR_WORDS, XFS_AVX2));
    assert_true(xfs_test(a->fs, XFS_NR_WORDS, XFS_SSE4_2));
    assert_int_equal(xlc_xl_cpuid_parse(&l, "host,avx=0", NULL, NULL, &err),
                     0);
    assert_int_equal(xlc_xl_cpuid_apply(f->skx, XLC_GUEST_HVM, &l, ap, &err),
                     0);
    /* The applied policy is the string's result as Xen holds it for a
     * domain: the string's policy through the per-domain recalculation. */
    {
        struct xfs_cpu_policy *dom = malloc(sizeof(*dom));
        uint32_t want[XFS_NR_WORDS];

        assert_non_null(dom);
        xlc_domain_policy(&ap->policy,
                          &f->skx->pol.p[xlc_policy_index_max(XLC_GUEST_HVM)],
                          &f->skx->pol.p[XFS_SYSCTL_cpu_featureset_host],
                          true, dom);
        xfs_policy_to_featureset(dom, want, XFS_NR_WORDS);
        free(dom);
        assert_memory_equal(a->fs, want, sizeof(want));
    }
    assert_true(a->entries.nr_leaves > 0);

    g.xl_cpuid = "0x1:ecx=xxx0xxxxxxxxxxxxxxxxxxxxxxxxxxxx";
    assert_int_equal(xlc_applied_policy(f->skx, XLC_GUEST_HVM, &g, &b, &err),
                     0);
    assert_memory_equal(a->fs, b->fs, sizeof(a->fs));
    xlc_applied_policy_free(b);
    xlc_applied_policy_free(a);

    g.xl_cpuid = "host,avx=q";
    assert_int_equal(xlc_applied_policy(f->skx, XLC_GUEST_HVM, &g, &a, &err),
                     -EINVAL);
    assert_non_null(strstr(err.msg, "cpuid= item 2: 'avx': bad value 'q'"));

    g.xl_cpuid = "host,avx=0,avx2=1,serialize=1";
    assert_int_equal(xlc_applied_policy(f->skx, XLC_GUEST_HVM, &g, &a, &err),
                     0);
    assert_int_equal(a->refused.nr, 2);
    assert_string_equal(a->refused.reasons[0],
                        "set to 1 but a prerequisite was cleared: avx2");
    assert_string_equal(a->refused.reasons[1],
                        "not in the hvm max policy: serialize");
    assert_int_equal(xlc_applied_policy_check(a, &err), -EINVAL);
    xlc_applied_policy_free(a);
    xlc_xl_cpuid_free(&l);
    free(ap);
}

/* The libvirt host from system policies is the one from the dump. */
static void libvirt_host_from_policies(void **state)
{
    size_t nr;
    char **paths = xt_dump_paths(&nr);

    (void)state;
    for (size_t i = 0; i < nr; i++) {
        struct xlc_system_policies *s = xt_system_from_file(paths[i]);
        struct xlc_cpuid_dump *d;
        xlc_error err = { 0 };

        assert_int_equal(xlc_dump_load(paths[i], &d, &err), 0);
        for (int t = XLC_GUEST_PV; t <= XLC_GUEST_HVM; t++) {
            struct xlc_lv_host a, b;

            assert_int_equal(xlc_lv_host_from_policies(&a, t, s),
                             xlc_lv_host_from_dump(&b, t, d, NULL));
            if (memcmp(&a, &b, sizeof(a)))
                fail_msg("%s: libvirt hosts differ", xt_basename(paths[i]));
        }
        xlc_dump_free(d);
        xlc_system_policies_free(s);
    }
    xt_free_paths(paths, nr);
}

/*
 * One guest, one policy, whatever form names it: the defaults, xl's
 * cpuid="host" (a list that changes nothing) and the default featureset
 * all give the policy libxl builds, its topology included.
 */
static void forms_agree_on_the_default(void **state)
{
    struct xlc_guest_settings g[3] = {
        { .kind = XLC_SETTINGS_DEFAULT },
        { .kind = XLC_SETTINGS_XL_CPUID, .xl_cpuid = "host" },
        { .kind = XLC_SETTINGS_FEATURESET, .nr_words = XFS_NR_WORDS },
    };
    size_t nr;
    char **paths = xt_dump_paths(&nr);

    (void)state;
    for (size_t i = 0; i < nr; i++) {
        struct xlc_system_policies *s = xt_system_from_file(paths[i]);

        for (int t = XLC_GUEST_PV; t <= XLC_GUEST_HVM; t++) {
            struct xlc_applied_policy *a[3];
            xlc_error err = { 0 };

            if (!s->pol.present[xlc_policy_index_max(t)])
                continue;
            g[2].fs = s->fs.fs[xlc_policy_index_default(t)];
            for (int k = 0; k < 3; k++)
                if (xlc_applied_policy(s, (enum xlc_guest_type)t, &g[k],
                                       &a[k], &err))
                    fail_msg("%s: %s", xt_basename(paths[i]), err.msg);
            for (int k = 1; k < 3; k++)
                if (!xfs_policy_equal(&a[0]->policy, &a[k]->policy))
                    fail_msg("%s %s: the %s and the %s differ",
                             xt_basename(paths[i]),
                             xlc_guest_type_name((enum xlc_guest_type)t),
                             xlc_settings_kind_name(g[0].kind),
                             xlc_settings_kind_name(g[k].kind));
            for (int k = 0; k < 3; k++)
                xlc_applied_policy_free(a[k]);
        }
        xlc_system_policies_free(s);
    }
    xt_free_paths(paths, nr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_are_the_default_policy),
        cmocka_unit_test(forms_agree_on_the_default),
        cmocka_unit_test(levelled_featureset),
        cmocka_unit_test(missing_features_are_all_named),
        cmocka_unit_test(settings_xen_would_change),
        cmocka_unit_test(libvirt_cpus),
        cmocka_unit_test(xl_cpuid_settings),
        cmocka_unit_test(unavailable_settings_and_types),
        cmocka_unit_test(libvirt_host_from_policies),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
