/* SPDX-License-Identifier: MIT */
/*
 * The restore check, end to end through real streams: a property over
 * 100,000 seeded random (guest policy, destination) pairs, every shared
 * dump as a destination, and the compatibility policy for streams without
 * CPUID data.
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

#include "helpers/stream-helpers.h"
#include "libxl_cpuid/cpuid-dump.h"
#include "libxl_cpuid/restore-check.h"
#include "libxl_cpuid/stream.h"
#include "xen/arch/featuresets.h"
#include "xen/lib/cpu-policy-limits.h"

/* ---- building a policy from a featureset and limits ---- */

static struct xfs_cpuid_leaf *slot(struct xlc_policy_entries *e,
                                   uint32_t leaf, uint32_t subleaf)
{
    for (size_t i = 0; i < e->nr_leaves; i++)
        if (e->leaves[i].leaf == leaf && e->leaves[i].subleaf == subleaf)
            return &e->leaves[i];
    e->leaves[e->nr_leaves] = (struct xfs_cpuid_leaf){ leaf, subleaf, 0, 0,
                                                       0, 0 };
    return &e->leaves[e->nr_leaves++];
}

static void put_reg(struct xfs_cpuid_leaf *l, enum xfs_reg r, uint32_t v)
{
    switch (r) {
    case XFS_EAX: l->a = v; break;
    case XFS_EBX: l->b = v; break;
    case XFS_ECX: l->c = v; break;
    default: l->d = v; break;
    }
}

static void policy_from_fs(const uint32_t fs[XFS_NR_WORDS],
                           const struct xlc_leaf_limits *lim,
                           struct xlc_policy_entries *e)
{
    uint64_t caps = 0;

    memset(e, 0, sizeof(*e));
    e->leaves = calloc(XFS_CPUID_MAX_SERIALISED_LEAVES, sizeof(*e->leaves));
    e->msrs = calloc(1, sizeof(*e->msrs));
    assert_non_null(e->leaves);
    assert_non_null(e->msrs);
    slot(e, 0, XFS_CPUID_NO_SUBLEAF)->a = lim->basic;
    slot(e, 7, 0)->a = lim->feat;
    slot(e, XFS_CPUID_EXTD_BASE, XFS_CPUID_NO_SUBLEAF)->a = lim->extd;
    for (unsigned int w = 0; w < XFS_NR_WORDS; w++) {
        const struct xfs_word_info *wi = &xfs_words[w];

        if (wi->src == XFS_SRC_MSR)
            caps |= (uint64_t)fs[w] << (wi->reg == XFS_MSR_HI ? 32 : 0);
        else
            put_reg(slot(e, wi->leaf, wi->subleaf), wi->reg, fs[w]);
    }
    e->msrs[0] = (struct xfs_msr_entry){ XFS_MSR_ARCH_CAPABILITIES_IDX, 0,
                                         caps };
    e->nr_msrs = 1;
}

/* policy -> standalone stream -> parse: what restore-check reads. */
static void stream_of(uint32_t type, const struct xlc_policy_entries *e,
                      struct xlc_stream_info *info)
{
    xlc_error err = { 0 };
    uint8_t *buf;
    size_t len;

    if (xlc_stream_write_standalone(type, e, &buf, &len, &err) ||
        xlc_stream_parse(buf, len, info, &err))
        fail_msg("%s", err.msg);
    free(buf);
}

/* ---- the property ---- */

static uint64_t rng_state;

static uint32_t rnd(void)
{
    /* xorshift64*: seeded, so every run checks the same pairs. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

/* Random words biased to sets that often nest: dest max = known & random,
 * guest = mostly a subset of it, sometimes with an extra (or unknown) bit. */
static void random_pair(uint32_t guest[XFS_NR_WORDS],
                        struct xlc_leaf_limits *gl, struct xlc_restore_dest *d)
{
    memset(d, 0, sizeof(*d));
    d->domain_type = (rnd() & 1) ? XFS_STREAM_DOM_X86_HVM
                                 : XFS_STREAM_DOM_X86_PV;
    d->usable = (rnd() % 50) != 0;
    for (unsigned int w = 0; w < XFS_NR_WORDS; w++) {
        d->max_fs[w] = xfs_static_masks[XFS_MASK_KNOWN][w] & (rnd() | rnd());
        guest[w] = d->max_fs[w] & rnd();
    }
    switch (rnd() % 4) {
    case 0: { /* one bit beyond the destination, known or not */
        unsigned int f = rnd() % XFS_NR_FEATURE_BITS;

        xfs_set(guest, XFS_NR_WORDS, f);
        break;
    }
    case 1: /* a whole word of noise */
        guest[rnd() % XFS_NR_WORDS] |= rnd();
        break;
    default:
        break;
    }
    d->max.basic = XFS_CPUID_NR_BASIC - 1;
    d->max.feat = XFS_CPUID_NR_FEAT - 1;
    d->max.extd = XFS_CPUID_EXTD_BASE + XFS_CPUID_NR_EXTD - 1;
    gl->basic = rnd() % 0x12;
    gl->feat = rnd() % 4;
    gl->extd = XFS_CPUID_EXTD_BASE + rnd() % 0x26;
}

/*
 * The rule, stated independently of the library: a guest bit blocks when
 * the destination max lacks it, unless it is one of the inverted bits of
 * the feature list (set = less capability).
 */
static bool blocking(const uint32_t guest[XFS_NR_WORDS],
                     const struct xlc_restore_dest *d, unsigned int f)
{
    const struct xfs_feature_info *fi = xfs_feature_by_value(f);

    return xfs_test(guest, XFS_NR_WORDS, f) &&
           !xfs_test(d->max_fs, XFS_NR_WORDS, f) &&
           !(fi && (fi->flags & XCF_INVERTED));
}

static bool capabilities_fit(const uint32_t guest[XFS_NR_WORDS],
                             const struct xlc_restore_dest *d)
{
    for (unsigned int f = 0; f < XFS_NR_FEATURE_BITS; f++)
        if (blocking(guest, d, f))
            return false;
    return true;
}

static void check_pair(uint32_t guest[XFS_NR_WORDS],
                       const struct xlc_leaf_limits *gl,
                       const struct xlc_restore_dest *d, unsigned int iter)
{
    struct xlc_policy_entries e;
    struct xlc_stream_info info;
    struct xlc_restore_verdict v;
    xlc_error err = { 0 };
    size_t want = !d->usable, r = 0;
    bool limits_fit = gl->basic <= d->max.basic && gl->feat <= d->max.feat &&
                      gl->extd <= d->max.extd;

    policy_from_fs(guest, gl, &e);
    stream_of(d->domain_type, &e, &info);
    assert_int_equal(xlc_restore_check(&info, d, &v, &err), 0);
    want += (gl->basic > d->max.basic) + (gl->feat > d->max.feat) +
            (gl->extd > d->max.extd);
    for (unsigned int f = 0; f < XFS_NR_FEATURE_BITS; f++)
        want += blocking(guest, d, f);
    if (v.accept != (capabilities_fit(guest, d) && limits_fit && d->usable))
        fail_msg("pair %u: verdict %d", iter, v.accept);
    if (v.nr_reasons != want)
        fail_msg("pair %u: %zu reasons, expected %zu", iter, v.nr_reasons,
                 want);
    /* Every missing bit is named, in order. */
    for (unsigned int f = 0; f < XFS_NR_FEATURE_BITS; f++) {
        if (!blocking(guest, d, f))
            continue;
        while (r < v.nr_reasons && v.reasons[r].kind == XLC_REASON_TYPE)
            r++;
        assert_true(r < v.nr_reasons);
        assert_int_equal(v.reasons[r].value, f);
        assert_int_equal(v.reasons[r].kind, xfs_feature_by_value(f)
                                                ? XLC_REASON_FEATURE
                                                : XLC_REASON_UNKNOWN);
        r++;
    }
    assert_false(v.compat_policy);
    assert_memory_equal(v.guest_fs, guest, sizeof(v.guest_fs));
    xlc_restore_verdict_free(&v);
    xlc_stream_info_free(&info);
    xlc_policy_entries_free(&e);
}

static void property_random_pairs(void **state)
{
    unsigned int accepted = 0;

    (void)state;
    rng_state = 0x5eedf00dcafe1234ull;
    for (unsigned int i = 0; i < 100000; i++) {
        uint32_t guest[XFS_NR_WORDS];
        struct xlc_leaf_limits gl;
        struct xlc_restore_dest d;

        random_pair(guest, &gl, &d);
        check_pair(guest, &gl, &d, i);
        accepted += capabilities_fit(guest, &d) && d.usable && gl.basic <= d.max.basic &&
                    gl.feat <= d.max.feat && gl.extd <= d.max.extd;
    }
    /* Both outcomes are well represented. */
    assert_true(accepted > 10000);
    assert_true(accepted < 90000);
}

/* ---- real destinations ---- */

static void derive_from_dump(const char *path, struct xfs_system_featuresets *sys)
{
    struct xlc_cpuid_dump *dump;
    struct xfs_cpuid_reader rd;
    struct xfs_hv_options o;
    xlc_error err;

    if (xlc_dump_load(path, &dump, &err))
        fail_msg("%s", err.msg);
    xlc_dump_reader(dump, &rd);
    xfs_hv_options_default(&o);
    xfs_derive_featuresets(&rd, &o, sys);
    xlc_dump_free(dump);
}

/*
 * Every shared dump as the destination: a guest given the default policy
 * there restores there; a stream without CPUID data gets the compatibility
 * policy, which restores too; a CPU's raw leaves do not (their basic max
 * leaf is beyond what a policy holds, or they carry host-only features).
 */
static void shared_dump_destinations(void **state)
{
    const char *dir = shared_dump_dir();
    size_t n, hle_hosts = 0, refused_raw = 0;
    char **names;

    (void)state;
    assert_non_null(dir);
    names = list_dumps(dir, &n);
    assert_true(n >= 40);
    for (size_t i = 0; i < n; i++) {
        struct xfs_system_featuresets sys;
        char path[4096];

        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        derive_from_dump(path, &sys);
        for (uint32_t type = 1; type <= 2; type++) {
            struct xlc_restore_dest d;
            struct xlc_policy_entries e = { 0 };
            struct xlc_stream_info info;
            struct xlc_restore_verdict v;
            xlc_error err = { 0 };

            xlc_restore_dest_from_system(&sys, type, &d);
            if (!d.usable)
                continue;
            policy_from_fs(d.def_fs, &d.def, &e);
            stream_of(type, &e, &info);
            assert_int_equal(xlc_restore_check(&info, &d, &v, &err), 0);
            if (!v.accept)
                fail_msg("%s type %u: default policy refused", names[i], type);
            xlc_restore_verdict_free(&v);
            xlc_stream_info_free(&info);
            xlc_policy_entries_free(&e);

            /* No policy records at all. */
            stream_of(type, &e, &info);
            assert_int_equal(xlc_restore_check(&info, &d, &v, &err), 0);
            assert_true(v.compat_policy);
            assert_true(v.msr_missing);
            if (!v.accept)
                fail_msg("%s type %u: compatibility policy refused", names[i],
                         type);
            assert_true(v.guest.basic <= XLC_COMPAT_MAX_BASIC_LEAF);
            assert_int_equal(v.guest.feat, 0);
            assert_true(v.guest.extd <= XLC_COMPAT_MAX_EXTD_LEAF);
            assert_int_equal(xfs_test(v.guest_fs, XFS_NR_WORDS, XFS_RDRAND),
                             xfs_test(d.host_fs, XFS_NR_WORDS, XFS_RDRAND));
            assert_int_equal(xfs_test(v.guest_fs, XFS_NR_WORDS, XFS_HLE),
                             xfs_test(d.host_fs, XFS_NR_WORDS, XFS_HLE));
            if (xfs_test(d.host_fs, XFS_NR_WORDS, XFS_HLE) &&
                !xfs_test(d.def_fs, XFS_NR_WORDS, XFS_HLE))
                hle_hosts++;
            xlc_restore_verdict_free(&v);
            xlc_stream_info_free(&info);

            /* The CPU's raw leaves as if they were a guest policy. */
            assert_int_equal(dump_policy_entries(path, &e), 0);
            stream_of(type, &e, &info);
            assert_int_equal(xlc_restore_check(&info, &d, &v, &err), 0);
            refused_raw += !v.accept;
            xlc_restore_verdict_free(&v);
            xlc_stream_info_free(&info);
            xlc_policy_entries_free(&e);
        }
    }
    /* HLE is max-only in 4.17: hosts with it show the compat difference. */
    assert_true(hle_hosts > 0);
    assert_true(refused_raw > 40);
    free_names(names, n);
}

/* Messages and JSON for one known case. */
static void reasons_text_and_json(void **state)
{
    char path[4096], text[256];
    struct xfs_system_featuresets sys;
    struct xlc_restore_dest d;
    struct xlc_policy_entries e;
    struct xlc_stream_info info;
    struct xlc_restore_verdict v;
    xlc_error err = { 0 };
    yajl_val top, reasons;
    char *json;
    bool saw_avx512 = false;

    (void)state;
    /* A Sapphire Rapids guest's features on a Haswell destination. */
    snprintf(path, sizeof(path), "%s/%s", shared_dump_dir(),
             "GenuineIntel00806F8_SapphireRapids_05.xml");
    derive_from_dump(path, &sys);
    xlc_restore_dest_from_system(&sys, XFS_STREAM_DOM_X86_HVM, &d);
    policy_from_fs(sys.fs[XFS_SYSCTL_cpu_featureset_hvm], &d.def, &e);
    snprintf(path, sizeof(path), "%s/%s", shared_dump_dir(),
             "GenuineIntel00306F2_HaswellEP.xml");
    derive_from_dump(path, &sys);
    xlc_restore_dest_from_system(&sys, XFS_STREAM_DOM_X86_HVM, &d);
    stream_of(XFS_STREAM_DOM_X86_HVM, &e, &info);
    assert_int_equal(xlc_restore_check(&info, &d, &v, &err), 0);
    assert_false(v.accept);
    assert_true(v.nr_reasons > 10);
    for (size_t i = 0; i < v.nr_reasons; i++) {
        xlc_restore_reason_text(&v, i, text, sizeof(text));
        if (!strcmp(text, "feature AVX512F (7b0 bit 16) is not in the "
                          "destination's HVM max policy"))
            saw_avx512 = true;
    }
    assert_true(saw_avx512);
    json = xlc_restore_verdict_json(&v);
    top = yajl_tree_parse(json, NULL, 0);
    assert_non_null(top);
    assert_string_equal(YAJL_GET_STRING(yajl_tree_get(top,
                            (const char *[]){ "verdict", NULL },
                            yajl_t_string)), "refuse");
    assert_string_equal(YAJL_GET_STRING(yajl_tree_get(top,
                            (const char *[]){ "policy", NULL },
                            yajl_t_string)), "recorded");
    reasons = yajl_tree_get(top, (const char *[]){ "reasons", NULL },
                            yajl_t_array);
    assert_non_null(reasons);
    assert_int_equal(YAJL_GET_ARRAY(reasons)->len, v.nr_reasons);
    yajl_tree_free(top);
    free(json);
    xlc_restore_verdict_free(&v);

    /* The type must match the destination facts. */
    d.domain_type = XFS_STREAM_DOM_X86_PV;
    assert_int_equal(xlc_restore_check(&info, &d, &v, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "the stream holds an x86 HVM guest"));
    xlc_stream_info_free(&info);
    xlc_policy_entries_free(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(property_random_pairs),
        cmocka_unit_test(shared_dump_destinations),
        cmocka_unit_test(reasons_text_and_json),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
