/* SPDX-License-Identifier: MIT */
/*
 * The restore check, end to end through real streams on real
 * destinations: every shared dump as a destination for its own applied
 * policies, the compatibility policy for streams without CPUID data, the
 * reasons in text and JSON, and records past the limits.  The rule itself
 * is checked over random pairs in test_stream_restore.c.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <yajl/yajl_tree.h>

#include "../helpers/policy-oracle.h"
#include "../helpers/stream-helpers.h"
#include "libxl_cpuid/policy/applied-policy.h"
#include "libxl_cpuid/migration/restore-check.h"
#include "libxl_cpuid/migration/stream.h"
#include "../helpers/libxenguest-private.h"

#define PV XFS_STREAM_DOM_X86_PV
#define HVM XFS_STREAM_DOM_X86_HVM

/* Every shared dump's system policies, loaded once. */
static struct xt_pool pool;

static int setup(void **state)
{
    (void)state;
    return xt_pool_load(&pool);
}

static int teardown(void **state)
{
    (void)state;
    xt_pool_free(&pool);
    return 0;
}

static const struct xlc_system_policies *dump(const char *name)
{
    return pool.sys[xt_pool_index(&pool, name)];
}

/* ---- real destinations ---- */

static void check_stream(const struct xlc_restore_dest *d,
                         const struct xlc_stream_info *info,
                         struct xlc_restore_verdict *v)
{
    xlc_error err = { 0 };

    if (xlc_restore_check(info, d, v, &err))
        fail_msg("%s", err.msg);
}

/* The compatibility policy: full, clamped, RDRAND/HLE/RTM/MPX as the host. */
static void check_compat_policy(const struct xlc_restore_dest *d,
                                const struct xlc_restore_verdict *v,
                                const char *name, unsigned int *mpx_hosts)
{
    uint32_t fs[XFS_NR_WORDS], def[XFS_NR_WORDS];
    static const unsigned int follow[] = { XFS_RDRAND, XFS_HLE, XFS_RTM };

    assert_true(v->compat_policy);
    assert_true(v->msr_missing);
    if (!v->accept)
        fail_msg("%s: compatibility policy refused: %s", name,
                 v->reasons[0].text);
    assert_true(xfs_policy_max_leaf(&v->guest) <= XLC_COMPAT_MAX_BASIC_LEAF);
    assert_int_equal(xfs_policy_max_feat_subleaf(&v->guest), 0);
    assert_true(xfs_policy_max_extd_leaf(&v->guest) <=
                XLC_COMPAT_MAX_EXTD_LEAF);
    xfs_policy_to_featureset(&v->guest, fs, XFS_NR_WORDS);
    xfs_policy_to_featureset(&d->def, def, XFS_NR_WORDS);
    for (size_t i = 0; i < sizeof(follow) / sizeof(follow[0]); i++)
        assert_int_equal(xfs_test(fs, XFS_NR_WORDS, follow[i]),
                         xfs_test(d->host_fs, XFS_NR_WORDS, follow[i]));
    /* MPX on the host: an HVM guest gets it, with its XSAVE components. */
    if (d->domain_type == HVM && xfs_test(d->host_fs, XFS_NR_WORDS, XFS_MPX) &&
        !xfs_test(def, XFS_NR_WORDS, XFS_MPX)) {
        assert_true(xfs_test(fs, XFS_NR_WORDS, XFS_MPX));
        assert_int_equal(xfs_policy_xcr0(&v->guest) & 0x18, 0x18);
        (*mpx_hosts)++;
    }
}

/*
 * Every shared dump as the destination: its applied default policy (its
 * default policy with libxl's topology as Xen recalculates it for a
 * domain) restores there, and
 * Xen's recalculation of it on restore changes nothing; a stream without
 * CPUID data gets the compatibility policy, which restores too; the CPU's
 * raw policy,
 * recorded as if it were a guest's, does not (its basic max leaf is beyond
 * what a guest policy holds, or it carries host-only features).
 */
static void shared_dump_destinations(void **state)
{
    size_t hle_hosts = 0, refused_raw = 0, no_hvm = 0;
    unsigned int mpx_hosts = 0;

    (void)state;
    for (size_t i = 0; i < pool.n; i++) {
        const char *name = xt_basename(pool.paths[i]);
        const struct xfs_cpu_policy *pols = pool.sys[i]->pol.p;

        for (uint32_t type = PV; type <= HVM; type++) {
            enum xlc_guest_type t = xlc_guest_type_of_stream_domain(type);
            struct xlc_guest_settings dflt = { .kind = XLC_SETTINGS_DEFAULT };
            struct xlc_applied_policy *a;
            struct xlc_restore_dest d;
            struct xlc_stream_info info;
            struct xlc_restore_verdict v;
            struct xfs_cpu_policy asked, held;
            xlc_error err = { 0 };

            xlc_restore_dest_from_system(pool.sys[i], type, &d);
            if (!d.usable) {
                /* Refused with that one reason, whatever the stream. */
                xt_stream_of(type, &pols[XFS_SYSCTL_cpu_featureset_pv],
                             &info);
                check_stream(&d, &info, &v);
                assert_false(v.accept);
                assert_int_equal(v.nr_reasons, 1);
                assert_true(v.reasons[0].guest_type);
                assert_string_equal(v.reasons[0].text,
                                    "the destination cannot run HVM guests");
                xlc_restore_verdict_free(&v);
                xlc_stream_info_free(&info);
                no_hvm++;
                continue;
            }
            if (xlc_applied_policy(pool.sys[i], t, &dflt, &a, &err))
                fail_msg("%s: %s", name, err.msg);
            assert_int_equal(a->refused.nr, 0);
            /* The default policy as Xen holds it for a domain libxl
             * builds: with libxl's topology (checked against libxl itself
             * in test_xen_sim_xl.c), recalculated. */
            xfs_policy_copy(&asked, &d.def);
            xlc_policy_toolstack_topology(&asked, type == HVM, d.host_fs);
            xlc_domain_policy(&asked, &d.max, &d.host, type == HVM, &held);
            assert_true(xfs_policy_equal(&a->policy, &held));
            xt_stream_of(type, &a->policy, &info);
            check_stream(&d, &info, &v);
            if (!v.accept)
                fail_msg("%s type %u: default policy refused: %s", name, type,
                         v.reasons[0].text);
            assert_true(xfs_policy_equal(&v.guest, &a->policy));
            xlc_applied_policy_free(a);
            xlc_restore_verdict_free(&v);
            xlc_stream_info_free(&info);

            /* No policy records at all. */
            xt_stream_of(type, NULL, &info);
            check_stream(&d, &info, &v);
            check_compat_policy(&d, &v, name, &mpx_hosts);
            if (xfs_test(d.host_fs, XFS_NR_WORDS, XFS_HLE) &&
                !xfs_test(pool.sys[i]->fs.fs[xlc_policy_index_default(t)],
                          XFS_NR_WORDS, XFS_HLE))
                hle_hosts++;
            xlc_restore_verdict_free(&v);
            xlc_stream_info_free(&info);

            /* The CPU's raw policy as if it were a guest's. */
            xt_stream_of(type, &pols[XFS_SYSCTL_cpu_featureset_raw], &info);
            check_stream(&d, &info, &v);
            refused_raw += !v.accept;
            xlc_restore_verdict_free(&v);
            xlc_stream_info_free(&info);
        }
    }
    /* HLE is max-only in 4.17: hosts with it show the compat difference;
     * so does MPX for HVM guests. */
    assert_true(hle_hosts > 0);
    assert_true(mpx_hosts > 0);
    assert_int_equal(no_hvm, 1);    /* the K8 has neither VMX nor SVM */
    assert_true(refused_raw > 40);
}

static const char *json_str(yajl_val top, const char **path)
{
    yajl_val v = yajl_tree_get(top, path, yajl_t_string);

    assert_non_null(v);
    return YAJL_GET_STRING(v);
}

/* Messages and JSON for one known case: a Sapphire Rapids guest's applied
 * default policy on a Haswell destination. */
static void reasons_text_and_json(void **state)
{
    struct xlc_guest_settings dflt = { .kind = XLC_SETTINGS_DEFAULT };
    struct xlc_applied_policy *a;
    struct xlc_restore_dest d;
    struct xlc_stream_info info;
    struct xlc_restore_verdict v;
    xlc_error err = { 0 };
    yajl_val top, reasons, first_feature = NULL;
    bool saw_avx512 = false;
    char *json;

    (void)state;
    assert_int_equal(xlc_applied_policy(
        dump("GenuineIntel00806F8_SapphireRapids_05"), XLC_GUEST_HVM, &dflt,
        &a, &err), 0);
    xlc_restore_dest_from_system(dump("GenuineIntel00306F2_HaswellEP"), HVM,
                                 &d);
    xt_stream_of(HVM, &a->policy, &info);
    check_stream(&d, &info, &v);
    assert_false(v.accept);
    assert_true(v.nr_reasons > 10);
    for (size_t i = 0; i < v.nr_reasons; i++)
        if (!strcmp(v.reasons[i].text,
                    "feature AVX512F (word 5 7b0 bit 16, leaf 0x00000007:0 "
                    "ebx) missing on host"))
            saw_avx512 = true;
    assert_true(saw_avx512);
    json = xlc_restore_verdict_json(&v);
    top = yajl_tree_parse(json, NULL, 0);
    assert_non_null(top);
    assert_string_equal(json_str(top, (const char *[]){ "verdict", NULL }),
                        "refuse");
    assert_string_equal(json_str(top, (const char *[]){ "policy", NULL }),
                        "recorded");
    assert_string_equal(json_str(top, (const char *[]){ "limits", "leaf7",
                                                        NULL }), "0x2");
    reasons = yajl_tree_get(top, (const char *[]){ "reasons", NULL },
                            yajl_t_array);
    assert_non_null(reasons);
    assert_int_equal(YAJL_GET_ARRAY(reasons)->len, v.nr_reasons);
    for (size_t i = 0; i < v.nr_reasons && !first_feature; i++)
        if (!strcmp(json_str(YAJL_GET_ARRAY(reasons)->values[i],
                             (const char *[]){ "kind", NULL }), "feature"))
            first_feature = YAJL_GET_ARRAY(reasons)->values[i];
    assert_non_null(first_feature);
    assert_string_equal(json_str(first_feature,
                                 (const char *[]){ "name", NULL }), "AESNI");
    assert_string_equal(json_str(first_feature,
                                 (const char *[]){ "word", NULL }), "1c");
    yajl_tree_free(top);
    free(json);
    xlc_restore_verdict_free(&v);

    /* The type must match the destination facts. */
    d.domain_type = PV;
    assert_int_equal(xlc_restore_check(&info, &d, &v, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "the stream holds an x86 HVM guest"));
    xlc_stream_info_free(&info);
    xlc_applied_policy_free(a);
}

/*
 * A leaf past the stream's own max leaf: Xen 4.17's restore accepts the
 * stream and clears the leaf (it used to be refused here as "would be
 * silently lost"); restore-check judges what Xen keeps and says what was
 * dropped, at the entry's byte offset.
 */
static void records_past_the_limits_are_dropped(void **state)
{
    struct xlc_restore_dest d;
    struct xlc_stream_info info;
    struct xlc_restore_verdict v;
    struct xlc_stream_notes notes = { 0 };
    struct xfs_cpu_policy *p = malloc(sizeof(*p));
    xlc_error err = { 0 };
    struct xfs_cpuid_leaf leaves[] = {
        { 0, XFS_CPUID_NO_SUBLEAF, 1, 0x756e6547, 0x6c65746e, 0x49656e69 },
        { 7, 0, 0, 0xffffffff, 0, 0 },    /* past max leaf 1 */
    };
    struct xlc_policy_entries e = { leaves, 2, NULL, 0 };
    uint8_t *buf;
    size_t len;

    (void)state;
    assert_non_null(p);
    xlc_restore_dest_from_system(dump("GenuineIntel0050654_SkylakeXeon"), HVM,
                                 &d);
    assert_int_equal(xlc_stream_write_standalone(HVM, &e, &buf, &len, &err),
                     0);
    assert_int_equal(xlc_stream_parse(buf, len, &info, &err), 0);
    free(buf);
    if (xlc_restore_check(&info, &d, &v, &err))
        fail_msg("%s", err.msg);
    /* Leaf 7 is gone from what was judged: none of its features remain. */
    assert_int_equal(xfs_policy_max_leaf(&v.guest), 1);
    assert_int_equal(v.guest.feat[0].b, 0);
    xlc_restore_verdict_free(&v);
    xfs_policy_copy(p, &d.def);
    assert_int_equal(xlc_stream_apply_policy(&info, p, &notes, &err), 0);
    assert_int_equal(notes.n, 1);
    assert_int_equal(notes.v[0].offset, 72);
    assert_string_equal(notes.v[0].text,
                        "leaf 0x00000007 subleaf 0 in X86_CPUID_POLICY record "
                        "entry 1 (offset 72) is past the policy's max basic "
                        "leaf 0x1 and is dropped, as Xen's restore does");
    xlc_stream_notes_free(&notes);
    xlc_stream_info_free(&info);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shared_dump_destinations),
        cmocka_unit_test(reasons_text_and_json),
        cmocka_unit_test(records_past_the_limits_are_dropped),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
