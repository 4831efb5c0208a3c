/* SPDX-License-Identifier: MIT */
/*
 * One guest, one answer, on every pair of shared dumps (A, B), PV and HVM,
 * for a set of libvirt <cpu>s (tests/helpers/guest-models.c: cpu_map
 * models of both vendors and the other modes, with optional, require,
 * disable, forbid and force features).
 *
 * The guest is the <cpu> as started on A: what `model` resolves there
 * (featureset F_A) and what `record --libvirt` writes (policy P_A).  On B
 * it is then judged in each form a command takes it:
 *   featureset F_A   `level B guest:F_A`
 *   xl string        `xl-cpuid --cpuid B S`, S the cpuid= string giving
 *                    F_A on B (`model` prints such strings)
 *   exact <cpu>      `model --cpuid B`, `level B guest:X.xml`, X the <cpu>
 *                    with its optional features settled as on A
 *   policy P_A       `restore-check --cpuid B`, `level B guest:stream`
 * and the rule every pair must keep is:
 *   - the three featureset forms agree: each refuses exactly when F_A has
 *     features Xen does not let a guest of the type hold on B, and names
 *     exactly those (the featureset form adds the dependents Xen would
 *     drop with them);
 *   - the recorded policy refuses every feature the featureset form
 *     refuses, and runs only where the featureset form runs (it carries
 *     limits, vendor and XSAVE layout besides);
 *   - the <cpu> itself (`model` on B) runs where the exact <cpu> runs,
 *     unless B provides a forbidden feature; for custom models without
 *     optional features both name the same missing features;
 *   - where the policy runs on B, libxenguest's xc_cpu_policy_is_compatible
 *     (the check Xen 4.17's restore makes) accepts it (a sample, each a
 *     child process).
 * The commands themselves are checked to print these verdicts in
 * test_guest_tool.c.
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

#include "../helpers/guest-models.h"
#include "../helpers/policy-oracle.h"
#include "libxl_cpuid/policy/applied-policy.h"

#define W XFS_NR_WORDS

static struct gm_pool pool;

static int setup(void **state)
{
    (void)state;
    gm_pool_load(&pool);
    return pool.n >= 40 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    gm_pool_free(&pool);
    return 0;
}

static const char *name(size_t i)
{
    return xt_basename(pool.paths[i]);
}

/* What Xen lets a guest of the type hold on host b. */
static void allowed_on(size_t b, enum xlc_guest_type t, uint32_t out[W])
{
    const struct xfs_domain_opts o = { .hvm = false };

    xfs_domain_allowed_features(
        pool.sys[b]->fs.fs[xlc_policy_index_max(t)], &o, out);
}

/* Counters the test ends with, so that it cannot pass by judging nothing. */
struct tally {
    unsigned int runs, refused, restore_only, forbidden, xen_asked;
};

struct started {
    size_t a;
    const struct gm_model *m;
    enum xlc_guest_type t;
    uint32_t fs[W];                    /* F_A */
    struct xlc_policy_entries e;       /* P_A, as a stream records it */
    struct xlc_lv_cpu *exact;          /* NULL unless a custom model */
};

static void expect_same_missing(const struct started *s, size_t b,
                                const char *form,
                                const struct xlc_guest_verdict *v,
                                const uint32_t want[W])
{
    uint32_t got[W];

    gm_missing(v, got);
    if (!xfs_equal(got, W, want, W) || v->runs != xfs_empty(want, W))
        fail_msg("%s %s guest from %s on %s: %s form %s, names %u "
                 "features, expected %u", s->m->label,
                 xlc_guest_type_name(s->t), name(s->a), name(b), form,
                 v->runs ? "runs" : "refused", xfs_popcount(got, W),
                 xfs_popcount(want, W));
}

/* Each extra feature the featureset form names depends on one missing. */
static void only_dependents(const uint32_t extra[W], const uint32_t miss[W])
{
    for (unsigned int f = 0; f < XFS_NR_FEATURE_BITS; f++) {
        bool explained = false;

        if (!xfs_test(extra, W, f))
            continue;
        for (unsigned int p = 0; !explained && p < XFS_NR_FEATURE_BITS; p++) {
            const uint32_t *deps = xfs_lookup_deep_deps(p);

            explained = xfs_test(miss, W, p) && deps && xfs_test(deps, W, f);
        }
        if (!explained)
            fail_msg("feature %u refused without a missing prerequisite", f);
    }
}

static void featureset_forms(const struct started *s, size_t b,
                             struct tally *n)
{
    const uint32_t *def = pool.sys[b]->fs.fs[xlc_policy_index_default(s->t)];
    struct xlc_gv_guest gf = { .form = XLC_GV_FEATURESET, .fs = s->fs,
                               .nr_words = W };
    struct xlc_guest_verdict *vf, *vx, *ve, *vr;
    struct xlc_gv_guest gr = { .form = XLC_GV_POLICY, .entries = &s->e };
    uint32_t allowed[W], miss[W], got[W];
    struct xlc_xl_cpuid l = { 0 };
    xlc_error err = { 0 };
    char *str;

    allowed_on(b, s->t, allowed);
    xfs_andnot(miss, W, s->fs, W, allowed, W);
    if (!pool.sys[b]->pol.present[xlc_policy_index_default(s->t)])
        return;     /* a host without the type: every form says only that */
    vf = gm_judge(&pool, b, s->t, &gf);
    gm_missing(vf, got);
    assert_true(xfs_subset(miss, W, got, W));
    xfs_andnot(got, W, got, W, miss, W);
    only_dependents(got, miss);
    assert_int_equal(vf->runs, xfs_empty(miss, W));
    if (xlc_xl_cpuid_reverse(s->fs, def, &str, &err))
        fail_msg("%s", err.msg);
    if (xlc_xl_cpuid_parse_any(&l, str, &err))
        fail_msg("%s: %s", str, err.msg);
    gf = (struct xlc_gv_guest){ .form = XLC_GV_XL_CPUID, .xl = &l };
    vx = gm_judge(&pool, b, s->t, &gf);
    expect_same_missing(s, b, "xl", vx, miss);
    if (s->exact) {
        gf = (struct xlc_gv_guest){ .form = XLC_GV_LIBVIRT, .map = pool.map,
                                    .cpu = s->exact };
        ve = gm_judge(&pool, b, s->t, &gf);
        expect_same_missing(s, b, "exact <cpu>", ve, miss);
        xlc_guest_verdict_free(ve);
    }
    /* The recorded guest: every feature refusal, and more. */
    vr = gm_judge(&pool, b, s->t, &gr);
    gm_missing(vr, got);
    gm_missing(vf, miss);
    if (!xfs_equal(got, W, miss, W))
        fail_msg("%s from %s on %s: the stream and the featureset name "
                 "different features", s->m->label, name(s->a), name(b));
    assert_true(!vr->runs || vf->runs);
    n->restore_only += vf->runs && !vr->runs;
    n->runs += vr->runs;
    n->refused += !vr->runs;
    /* libxenguest's check is weaker: it accepts what we accept. */
    if (vr->runs && n->runs % 16 == 1) {
        struct xlc_policy_entries h = { 0 };

        xt_serialise(&pool.sys[b]->pol.p[xlc_policy_index_max(s->t)], &h);
        assert_true(xt_xen_compatible(&h, &s->e));
        n->xen_asked++;
        xlc_policy_entries_free(&h);
    }
    xlc_guest_verdict_free(vr);
    xlc_guest_verdict_free(vx);
    xlc_guest_verdict_free(vf);
    xlc_xl_cpuid_free(&l);
    free(str);
}

/* `model` on B against the exact <cpu> started on A. */
static void model_on_b(const struct started *s, size_t b,
                       const struct xlc_guest_verdict *vm, struct tally *n)
{
    struct xlc_gv_guest g = { .form = XLC_GV_LIBVIRT, .map = pool.map,
                              .cpu = s->exact };
    struct xlc_guest_verdict *ve;
    bool optional = false;
    uint32_t a[W], e[W];

    if (!s->exact)
        return;
    for (size_t i = 0; i < 6 && s->m->f[i].policy; i++)
        optional |= !strcmp(s->m->f[i].policy, "optional");
    ve = gm_judge(&pool, b, s->t, &g);
    n->forbidden += gm_count(vm, XLC_GV_FORBIDDEN) != 0;
    if (ve->runs && !gm_count(vm, XLC_GV_FORBIDDEN) && !vm->runs)
        fail_msg("%s: the exact <cpu> from %s runs on %s, the <cpu> does "
                 "not: %s", s->m->label, name(s->a), name(b),
                 vm->reasons[0].text);
    if (!optional) {
        gm_missing(vm, a);
        gm_missing(ve, e);
        assert_true(xfs_equal(a, W, e, W));
    }
    xlc_guest_verdict_free(ve);
}

static void start_on(struct started *s, const struct xlc_guest_verdict *va,
                     const struct xlc_lv_cpu *cpu)
{
    const struct xlc_guest_settings g = { .kind = XLC_SETTINGS_LIBVIRT,
                                          .map = pool.map, .cpu = cpu };
    struct xlc_applied_policy *ap;
    xlc_error err = { 0 };

    xfs_copy(s->fs, W, va->asked_fs, W);
    /* What record --libvirt writes there. */
    if (xlc_applied_policy(pool.sys[s->a], s->t, &g, &ap, &err) ||
        xlc_policy_entries_copy(&s->e, &ap->entries, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(ap->refused.nr, 0);
    xlc_applied_policy_free(ap);
    s->exact = NULL;
    if (!strcmp(s->m->mode, "custom") && s->m->model) {
        char *xml = gm_xml(s->m, pool.map, s->fs);

        s->exact = gm_cpu(xml);
        free(xml);
    }
}

static void one_model(const struct gm_model *m, enum xlc_guest_type t,
                      struct tally *n)
{
    char *xml = gm_xml(m, pool.map, NULL);
    struct xlc_lv_cpu *cpu = gm_cpu(xml);
    struct xlc_gv_guest g = { .form = XLC_GV_LIBVIRT, .map = pool.map,
                              .cpu = cpu };
    struct xlc_guest_verdict **vm = calloc(pool.n, sizeof(*vm));

    assert_non_null(vm);
    for (size_t i = 0; i < pool.n; i++)
        vm[i] = gm_judge(&pool, i, t, &g);
    for (size_t a = 0; a < pool.n; a++) {
        struct started s = { .a = a, .m = m, .t = t };

        if (!vm[a]->runs)
            continue;
        start_on(&s, vm[a], cpu);
        for (size_t b = 0; b < pool.n; b++) {
            featureset_forms(&s, b, n);
            model_on_b(&s, b, vm[b], n);
        }
        xlc_policy_entries_free(&s.e);
        xlc_lv_cpu_free(s.exact);
    }
    for (size_t i = 0; i < pool.n; i++)
        xlc_guest_verdict_free(vm[i]);
    free(vm);
    xlc_lv_cpu_free(cpu);
    free(xml);
}

static void every_pair_every_model(void **state)
{
    struct tally n = { 0 };

    (void)state;
    for (size_t k = 0; k < gm_nr_models; k++) {
        one_model(&gm_models[k], XLC_GUEST_HVM, &n);
        one_model(&gm_models[k], XLC_GUEST_PV, &n);
    }
    /* Real work on both sides of every rule. */
    print_message("%u pairs run, %u refused (%u by limits/XSAVE/vendor "
                  "only), %u forbidden, %u asked of libxenguest\n", n.runs,
                  n.refused, n.restore_only, n.forbidden, n.xen_asked);
    assert_true(n.runs > 1000);
    assert_true(n.refused > 1000);
    assert_true(n.restore_only > 0);
    assert_true(n.forbidden > 0);
    assert_true(n.xen_asked > 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_pair_every_model),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
