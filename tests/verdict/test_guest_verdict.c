/* SPDX-License-Identifier: MIT */
/*
 * The guest verdict (libxl_cpuid/verdict/guest-verdict.h) form by form on real
 * hosts: the same guest in every form gets the same policy; each kind of
 * reason, named; what is normalised or dropped is said; a host known only
 * by its featureset; a host without the guest type; bad input.
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

#include "../helpers/guest-models.h"
#include "../helpers/policy-oracle.h"
#include "../helpers/shared-data.h"
#include "libxl_cpuid/policy/applied-policy.h"

#define W XFS_NR_WORDS
#define HVM XLC_GUEST_HVM
#define PV XLC_GUEST_PV

static struct gm_pool pool;
static size_t skx, hsw, rome, k8;

static size_t find(const char *name)
{
    for (size_t i = 0; i < pool.n; i++)
        if (!strcmp(xt_basename(pool.paths[i]), name))
            return i;
    fail_msg("no dump %s", name);
    return 0;
}

static int setup(void **state)
{
    (void)state;
    gm_pool_load(&pool);
    skx = find("GenuineIntel0050654_SkylakeXeon");
    hsw = find("GenuineIntel00306F2_HaswellEP");
    rome = find("AuthenticAMD0830F10_K17_Rome");
    k8 = find("AuthenticAMD0000F4A_K8_Clawhammer");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    gm_pool_free(&pool);
    return 0;
}

static const uint32_t *def_of(size_t h, enum xlc_guest_type t)
{
    return pool.sys[h]->fs.fs[xlc_policy_index_default(t)];
}

static const struct xlc_gv_change *change(const struct xlc_guest_verdict *v,
                                          enum xlc_gv_change_kind k,
                                          const char *xen)
{
    for (size_t i = 0; i < v->nr_changes; i++)
        if (v->changes[i].kind == k &&
            (!xen || (v->changes[i].xen_name &&
                      !strcmp(v->changes[i].xen_name, xen))))
            return &v->changes[i];
    return NULL;
}

static const struct xlc_gv_reason *reason(const struct xlc_guest_verdict *v,
                                          enum xlc_gv_reason_kind k)
{
    for (size_t i = 0; i < v->nr_reasons; i++)
        if (v->reasons[i].kind == k)
            return &v->reasons[i];
    return NULL;
}

static struct xlc_guest_verdict *libvirt(size_t h, enum xlc_guest_type t,
                                         const char *xml)
{
    struct xlc_lv_cpu *cpu = gm_cpu(xml);
    struct xlc_gv_guest g = { .form = XLC_GV_LIBVIRT, .map = pool.map,
                              .cpu = cpu };
    struct xlc_guest_verdict *v = gm_judge(&pool, h, t, &g);

    xlc_lv_cpu_free(cpu);
    return v;
}

static struct xlc_guest_verdict *xl(size_t h, enum xlc_guest_type t,
                                    const char *str)
{
    struct xlc_xl_cpuid l = { 0 };
    struct xlc_gv_guest g = { .form = XLC_GV_XL_CPUID, .xl = &l };
    struct xlc_guest_verdict *v;
    xlc_error err = { 0 };

    if (xlc_xl_cpuid_parse_any(&l, str, &err))
        fail_msg("%s", err.msg);
    v = gm_judge(&pool, h, t, &g);
    xlc_xl_cpuid_free(&l);
    return v;
}

static struct xlc_guest_verdict *featureset(size_t h, enum xlc_guest_type t,
                                            const uint32_t *fs)
{
    struct xlc_gv_guest g = { .form = XLC_GV_FEATURESET, .fs = fs,
                              .nr_words = W };

    return gm_judge(&pool, h, t, &g);
}

static struct xlc_guest_verdict *policy(size_t h, enum xlc_guest_type t,
                                        const struct xfs_cpu_policy *p)
{
    struct xlc_gv_guest g = { .form = XLC_GV_POLICY, .policy = p };

    return gm_judge(&pool, h, t, &g);
}

/* The default guest, said five ways, is one guest: one policy. */
static void one_guest_every_form(void **state)
{
    (void)state;
    for (int ty = 0; ty < 2; ty++) {
        enum xlc_guest_type t = ty ? PV : HVM;
        struct xlc_gv_guest d = { .form = XLC_GV_DEFAULT };
        struct xlc_guest_verdict *v[5];

        v[0] = gm_judge(&pool, skx, t, &d);
        v[1] = featureset(skx, t, def_of(skx, t));
        v[2] = xl(skx, t, "host");
        v[3] = libvirt(skx, t, "<cpu mode='host-passthrough'/>");
        v[4] = policy(skx, t, &v[0]->policy);
        for (int i = 0; i < 5; i++) {
            assert_true(v[i]->runs);
            assert_true(v[i]->has_policy);
            assert_true(xfs_policy_equal(&v[i]->policy, &v[0]->policy));
        }
        /* What Xen sets from the host is said, not hidden. */
        assert_non_null(change(v[0], XLC_GV_NORMALISED, "FDP_EXCP_ONLY"));
        /* Recorded, nothing more changes. */
        assert_int_equal(v[4]->nr_changes, 0);
        for (int i = 0; i < 5; i++)
            xlc_guest_verdict_free(v[i]);
    }
}

static void reasons_named(void **state)
{
    const uint32_t *skx_def = def_of(skx, HVM);
    struct xlc_guest_verdict *v;
    struct xfs_cpu_policy p;
    uint32_t fs[W];

    (void)state;
    /* Skylake's default features on a Haswell: each missing one. */
    v = featureset(hsw, HVM, skx_def);
    assert_false(v->runs);
    assert_non_null(strstr(reason(v, XLC_GV_FEATURE)->text,
                           ") missing on host"));
    xlc_guest_verdict_free(v);
    /* The host has VMX, Xen never gives it to PV guests. */
    memcpy(fs, def_of(skx, PV), sizeof(fs));
    xfs_set(fs, W, XFS_VMX);
    v = featureset(skx, PV, fs);
    assert_int_equal(v->nr_reasons, 1);
    assert_string_equal(v->reasons[0].text,
                        "feature VMX (word 1 1c bit 5, leaf 0x00000001 ecx) "
                        "not offered to pv guests by Xen");
    assert_string_equal(v->reasons[0].xen_name, "VMX");
    xlc_guest_verdict_free(v);
    /* ...but X2APIC it lets the toolstack set for any guest. */
    v = xl(skx, PV, "host,x2apic=1");
    assert_true(v->runs);
    xlc_guest_verdict_free(v);
    v = libvirt(skx, PV, "<cpu mode='host-passthrough'>"
                         "<feature policy='require' name='x2apic'/></cpu>");
    assert_true(v->runs);
    xlc_guest_verdict_free(v);
    /* A recorded AMD guest on an Intel host: the vendor. */
    v = gm_judge(&pool, rome, HVM, &(struct xlc_gv_guest){ XLC_GV_DEFAULT });
    p = v->policy;
    xlc_guest_verdict_free(v);
    v = policy(skx, HVM, &p);
    assert_non_null(reason(v, XLC_GV_VENDOR));
    xlc_guest_verdict_free(v);
    /* A recorded guest with more leaves or address bits than there are. */
    v = gm_judge(&pool, skx, HVM, &(struct xlc_gv_guest){ XLC_GV_DEFAULT });
    p = v->policy;
    xlc_guest_verdict_free(v);
    p.basic[0].a = 0x20;
    p.extd[8].a = (p.extd[8].a & ~0xffu) | 52;
    v = policy(skx, HVM, &p);
    assert_int_equal(gm_count(v, XLC_GV_LIMIT), 2);
    assert_non_null(strstr(v->reasons[1].text, "guest 52 bits, host 46"));
    xlc_guest_verdict_free(v);
    /* A recorded AVX2 without AVX: Xen would drop it, said why. */
    v = gm_judge(&pool, skx, HVM, &(struct xlc_gv_guest){ XLC_GV_DEFAULT });
    p = v->policy;
    xlc_guest_verdict_free(v);
    xfs_policy_to_featureset(&p, fs, W);
    xfs_clear(fs, W, XFS_AVX);
    xfs_policy_from_featureset(&p, fs, W);
    v = policy(skx, HVM, &p);
    assert_false(v->runs);
    for (size_t i = 0; i < v->nr_reasons; i++)
        if (v->reasons[i].feature == XFS_AVX2)
            assert_non_null(strstr(v->reasons[i].text,
                                   "dropped by Xen: it needs AVX, which the "
                                   "guest does not have"));
    xlc_guest_verdict_free(v);
}

/* Nothing is dropped silently: each change is listed with its kind. */
static void changes_said(void **state)
{
    struct xlc_guest_verdict *v;

    (void)state;
    v = libvirt(skx, HVM, "<cpu><model>Skylake-Server</model>"
                          "<feature policy='optional' name='sha-ni'/>"
                          "<feature policy='disable' name='avx512f'/></cpu>");
    assert_true(v->runs);
    assert_non_null(change(v, XLC_GV_DROPPED, "SHA"));
    assert_non_null(change(v, XLC_GV_CLEARED, "AVX512VL"));
    assert_non_null(change(v, XLC_GV_KEPT, "HYPERVISOR"));
    assert_string_equal(change(v, XLC_GV_KEPT, "HYPERVISOR")->tag,
                        "platform");
    xlc_guest_verdict_free(v);
    v = xl(skx, HVM, "host,avx=0");
    assert_non_null(change(v, XLC_GV_CLEARED, "AVX2"));
    xlc_guest_verdict_free(v);
    /* A stream without CPUID data: the compatibility policy, said. */
    {
        struct xlc_policy_entries none = { 0 };
        struct xlc_gv_guest g = { .form = XLC_GV_POLICY, .entries = &none,
                                  .no_cpuid = true };

        v = gm_judge(&pool, skx, HVM, &g);
        assert_true(v->runs);
        assert_non_null(change(v, XLC_GV_COMPAT, NULL));
        assert_true(xfs_policy_max_leaf(&v->policy) <=
                    XLC_COMPAT_MAX_BASIC_LEAF);
        xlc_guest_verdict_free(v);
    }
}

/* A host known only by its featureset: features and vendor judged. */
static void featureset_host(void **state)
{
    const uint32_t *hsw_max =
        pool.sys[hsw]->fs.fs[xlc_policy_index_max(HVM)];
    struct xlc_guest_verdict *v, *full;
    struct xlc_gv_host h;
    xlc_error err = { 0 };
    struct xlc_gv_guest g = { .form = XLC_GV_FEATURESET, .fs = def_of(skx, HVM),
                              .nr_words = W };
    uint32_t a[W], b[W];

    (void)state;
    xlc_gv_host_from_featureset(&h, HVM, hsw_max, "GenuineIntel");
    assert_int_equal(xlc_guest_verdict(&h, &g, &v, &err), 0);
    full = featureset(hsw, HVM, def_of(skx, HVM));
    gm_missing(v, a);
    gm_missing(full, b);
    assert_true(xfs_equal(a, W, b, W));
    assert_non_null(change(v, XLC_GV_UNCHECKED, NULL));
    assert_false(v->has_policy);
    xlc_guest_verdict_free(v);
    xlc_guest_verdict_free(full);
    /* An xl cpuid= list needs the host's policies. */
    {
        struct xlc_xl_cpuid l = { 0 };

        assert_int_equal(xlc_xl_cpuid_parse_any(&l, "host", &err), 0);
        g = (struct xlc_gv_guest){ .form = XLC_GV_XL_CPUID, .xl = &l };
        assert_int_equal(xlc_guest_verdict(&h, &g, &v, &err), -EINVAL);
        assert_non_null(strstr(err.msg, "needs the host's policies"));
        xlc_xl_cpuid_free(&l);
    }
}

/* A host that runs no guests of the type: that one reason, every form. */
static void no_guest_type(void **state)
{
    struct xlc_guest_verdict *v[3];

    (void)state;
    v[0] = featureset(k8, HVM, def_of(skx, HVM));
    v[1] = xl(k8, HVM, "host");
    v[2] = libvirt(k8, HVM, "<cpu mode='host-passthrough'/>");
    for (int i = 0; i < 3; i++) {
        assert_int_equal(v[i]->nr_reasons, 1);
        assert_int_equal(v[i]->reasons[0].kind, XLC_GV_NO_GUEST_TYPE);
        assert_string_equal(v[i]->reasons[0].text,
                            "the host cannot run hvm guests");
        xlc_guest_verdict_free(v[i]);
    }
}

static void bad_input(void **state)
{
    struct xlc_guest_verdict *v;
    struct xlc_gv_host h;
    xlc_error err = { 0 };
    uint32_t fs[W + 1] = { 0 };
    struct xlc_lv_cpu *cpu = gm_cpu("<cpu><model>Skylake-Clinet</model>"
                                    "</cpu>");
    struct xlc_gv_guest g = { .form = XLC_GV_LIBVIRT, .map = pool.map,
                              .cpu = cpu };

    (void)state;
    xlc_gv_host_from_system(&h, pool.sys[skx], HVM);
    assert_int_equal(xlc_guest_verdict(&h, &g, &v, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "nearest known: 'Skylake-Client'"));
    xlc_lv_cpu_free(cpu);
    memcpy(fs, def_of(skx, HVM), W * sizeof(*fs));
    fs[W] = 1;
    g = (struct xlc_gv_guest){ .form = XLC_GV_FEATURESET, .fs = fs,
                               .nr_words = W + 1 };
    assert_int_equal(xlc_guest_verdict(&h, &g, &v, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "but this build knows"));
    fs[W] = 0;
    xfs_clear(fs, W, XFS_AVX);
    assert_int_equal(xlc_guest_verdict(&h, &g, &v, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "AVX2 needs AVX"));
}

static void json_form(void **state)
{
    struct xlc_guest_verdict *v = libvirt(hsw, HVM,
                                          "<cpu><model>Skylake-Server</model>"
                                          "</cpu>");
    char *j = xlc_guest_verdict_json(v), errbuf[128];
    yajl_val top = yajl_tree_parse(j, errbuf, sizeof(errbuf));
    const char *verdict[] = { "verdict", NULL }, *reasons[] = { "reasons",
                                                               NULL };
    yajl_val r;

    (void)state;
    assert_non_null(top);
    assert_string_equal(YAJL_GET_STRING(yajl_tree_get(top, verdict,
                                                      yajl_t_string)),
                        "refused");
    r = yajl_tree_get(top, reasons, yajl_t_array);
    assert_non_null(r);
    assert_int_equal(YAJL_GET_ARRAY(r)->len, v->nr_reasons);
    yajl_tree_free(top);
    free(j);
    xlc_guest_verdict_free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_guest_every_form),
        cmocka_unit_test(reasons_named),
        cmocka_unit_test(changes_said),
        cmocka_unit_test(featureset_host),
        cmocka_unit_test(no_guest_type),
        cmocka_unit_test(bad_input),
        cmocka_unit_test(json_form),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
