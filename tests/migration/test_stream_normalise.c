/* SPDX-License-Identifier: MIT */
/*
 * Streams as Xen 4.17's restore takes them.  Where libxenguest restores a
 * stream, restore-check reads it too and says what Xen changed: a second
 * policy record replaces the first, one after STATIC_DATA_END is ignored,
 * a repeated entry is replaced by the later one, the hypervisor leaves
 * keep only eax's low 8 bits, leaves past the limits are dropped.  What
 * Xen refuses is refused, at a byte offset.
 *
 * The judge is libxenguest itself: its x86_cpuid_copy_from_buffer,
 * x86_msr_copy_from_buffer and x86_cpu_policy_clear_out_of_range_leaves
 * run without a hypervisor.  Random entry lists built from the shared
 * dumps' policies (mutated, repeated, cut short, padded with junk) are
 * applied over a destination's default policy by both; the same ones
 * must be refused with the same error, and the others give the same
 * policy, leaf for leaf.
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
#include <unistd.h>

#include <cmocka.h>

#include "../helpers/libxenguest-private.h"
#include "../helpers/policy-oracle.h"
#include "../helpers/shared-data.h"
#include "../helpers/stream-helpers.h"
#include "../helpers/tool-run.h"
#include "libxl_cpuid/policy/applied-policy.h"
#include "libxl_cpuid/migration/stream-check.h"
#include "libxl_cpuid/migration/stream.h"

#define HVM XFS_STREAM_DOM_X86_HVM
#define PV XFS_STREAM_DOM_X86_PV

/* ---- record-level: hand-built streams ---- */

static void parse_ok(struct sbuild *s, struct xlc_stream_info *info)
{
    char out[65536];
    xlc_error err = { 0 };

    if (xlc_stream_parse(s->b, s->len, info, &err))
        fail_msg("%s", err.msg);
    /* Xen's stream checker takes it too. */
    if (xen_verify_stream(s->b, s->len, out, sizeof(out)))
        fail_msg("verify-stream-v2 refused it:\n%s", out);
}

static void second_record_replaces_first(void **state)
{
    struct xfs_cpuid_leaf a[1] = { { 0, XFS_CPUID_NO_SUBLEAF, 0xd, 1, 2, 3 } };
    struct xfs_cpuid_leaf b[2] = { { 0, XFS_CPUID_NO_SUBLEAF, 0x7, 1, 2, 3 },
                                   { 1, XFS_CPUID_NO_SUBLEAF, 0, 0, 0, 0 } };
    struct xfs_msr_entry m[1] = { { XFS_MSR_INTEL_PLATFORM_INFO, 0, 0 } };
    struct sbuild s = { 0 };
    struct xlc_stream_info info;

    (void)state;
    sb_head(&s);
    sb_cpuid_rec(&s, a, 1);             /* offset 40, 32 bytes */
    sb_msr_rec(&s, m, 1);               /* offset 72, 24 bytes */
    sb_cpuid_rec(&s, b, 2);             /* offset 96 */
    sb_msr_rec(&s, m, 1);               /* offset 152 */
    sb_rec(&s, XFS_STREAM_REC_STATIC_DATA_END, NULL, 0);
    sb_rec(&s, XFS_STREAM_REC_END, NULL, 0);
    parse_ok(&s, &info);
    assert_int_equal(info.policy.nr_leaves, 2);
    assert_int_equal(info.policy.leaves[0].a, 7);
    assert_int_equal(info.cpuid_offset, 96);
    assert_int_equal(info.msr_offset, 152);
    assert_int_equal(info.notes.n, 2);
    assert_int_equal(info.notes.v[0].offset, 96);
    assert_string_equal(info.notes.v[0].text,
                        "X86_CPUID_POLICY record replaces the one at offset "
                        "40: Xen's restore keeps the last");
    assert_int_equal(info.notes.v[1].offset, 152);
    xlc_stream_info_free(&info);
    sb_free(&s);
}

static void record_after_sde_is_ignored(void **state)
{
    struct xfs_cpuid_leaf a[1] = { { 0, XFS_CPUID_NO_SUBLEAF, 0xd, 1, 2, 3 } };
    struct sbuild s = { 0 };
    struct xlc_stream_info info;

    (void)state;
    sb_head(&s);
    sb_rec(&s, XFS_STREAM_REC_STATIC_DATA_END, NULL, 0);     /* 40 */
    sb_cpuid_rec(&s, a, 1);                                  /* 48 */
    sb_rec(&s, XFS_STREAM_REC_END, NULL, 0);
    parse_ok(&s, &info);
    /* Nothing was applied: the restore takes the compatibility path. */
    assert_false(info.has_cpuid);
    assert_null(info.policy.leaves);
    assert_int_equal(info.notes.n, 1);
    assert_int_equal(info.notes.v[0].offset, 48);
    assert_string_equal(info.notes.v[0].text,
                        "X86_CPUID_POLICY record after STATIC_DATA_END "
                        "(offset 40) is ignored: Xen's restore applies the "
                        "policy at STATIC_DATA_END");
    xlc_stream_info_free(&info);
    sb_free(&s);
}

/* Only the record Xen applies is judged: an oversized one it replaces is
 * not an error; one it applies is, at its offset. */
static void only_the_applied_record_is_judged(void **state)
{
    struct xfs_cpuid_leaf *many = calloc(121, sizeof(*many));
    struct xfs_cpuid_leaf one[1] = { { 0, XFS_CPUID_NO_SUBLEAF, 1, 0, 0, 0 } };
    struct xfs_msr_entry wide[1] = { { XFS_MSR_INTEL_PLATFORM_INFO, 0,
                                       1ull << 32 } };
    struct sbuild s = { 0 };
    struct xlc_stream_info info;
    xlc_error err = { 0 };

    (void)state;
    assert_non_null(many);
    for (int i = 0; i < 121; i++)
        many[i].subleaf = XFS_CPUID_NO_SUBLEAF;
    sb_head(&s);
    sb_cpuid_rec(&s, many, 121);
    sb_cpuid_rec(&s, one, 1);
    sb_rec(&s, XFS_STREAM_REC_STATIC_DATA_END, NULL, 0);
    sb_rec(&s, XFS_STREAM_REC_END, NULL, 0);
    parse_ok(&s, &info);
    assert_int_equal(info.policy.nr_leaves, 1);
    xlc_stream_info_free(&info);
    sb_free(&s);

    sb_head(&s);
    sb_cpuid_rec(&s, one, 1);
    sb_cpuid_rec(&s, many, 121);        /* at 72: applied */
    sb_rec(&s, XFS_STREAM_REC_STATIC_DATA_END, NULL, 0);
    sb_rec(&s, XFS_STREAM_REC_END, NULL, 0);
    assert_int_equal(xlc_stream_parse(s.b, s.len, &info, &err), -E2BIG);
    assert_string_equal(err.msg, "offset 72: X86_CPUID_POLICY record holds "
                                 "121 entries; Xen 4.17 accepts at most 120");
    sb_free(&s);

    /* A PLATFORM_INFO value Xen cannot keep: EOVERFLOW, at the entry. */
    sb_head(&s);
    sb_msr_rec(&s, wide, 1);
    sb_rec(&s, XFS_STREAM_REC_STATIC_DATA_END, NULL, 0);
    sb_rec(&s, XFS_STREAM_REC_END, NULL, 0);
    assert_int_equal(xlc_stream_parse(s.b, s.len, &info, &err), -EOVERFLOW);
    assert_non_null(strstr(err.msg, "X86_MSR_POLICY record entry 0 at offset "
                                    "48: MSR 0x000000ce value 0x100000000 "
                                    "does not fit the 32 bits"));
    sb_free(&s);
    free(many);
}

/* ---- entry-level: repeats, hypervisor leaves, past the limits ---- */

static struct xlc_system_policies *skx;

static int setup(void **state)
{
    (void)state;
    skx = xt_system_from_file(shared_dump("GenuineIntel0050654_SkylakeXeon"));
    return skx ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    xlc_system_policies_free(skx);
    return 0;
}

static void entries_normalised_with_offsets(void **state)
{
    struct xfs_cpuid_leaf l[] = {
        { 0, XFS_CPUID_NO_SUBLEAF, 0xd, 0x756e6547, 0x6c65746e, 0x49656e69 },
        { 7, 0, 0, 0x11, 0, 0 },
        { 7, 0, 0, 0x22, 0, 0 },                       /* repeats entry 1 */
        { 0x40000000, XFS_CPUID_NO_SUBLEAF, 0x1234, 5, 0, 0 },
        { 0xd, 0, 0x3, 0, 0x240, 0 },
        { 0xd, 0, 0x3, 0, 0x240, 0 },                  /* same again */
    };
    struct xfs_msr_entry m[] = {
        { XFS_MSR_ARCH_CAPABILITIES_IDX, 0, 1 },
        { XFS_MSR_ARCH_CAPABILITIES_IDX, 0, 2 },
    };
    struct sbuild s = { 0 };
    struct xlc_stream_info info;
    struct xlc_stream_notes n = { 0 };
    struct xfs_cpu_policy p;
    xlc_error err = { 0 };

    (void)state;
    sb_head(&s);
    sb_cpuid_rec(&s, l, 6);             /* entries from offset 48 */
    sb_msr_rec(&s, m, 2);               /* at 192, entries from 200 */
    sb_rec(&s, XFS_STREAM_REC_STATIC_DATA_END, NULL, 0);
    sb_rec(&s, XFS_STREAM_REC_END, NULL, 0);
    parse_ok(&s, &info);
    xfs_policy_copy(&p, &skx->pol.p[XFS_SYSCTL_cpu_featureset_hvm]);
    if (xlc_stream_apply_policy(&info, &p, &n, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(p.feat[0].b, 0x22);
    assert_int_equal(p.hv_limit, 0x34);
    assert_int_equal(p.arch_caps, 2);
    assert_int_equal(n.n, 4);
    assert_int_equal(n.v[0].offset, 96);
    assert_string_equal(n.v[0].text,
                        "leaf 0x00000007 subleaf 0 in X86_CPUID_POLICY record "
                        "entry 2 (offset 96) repeats X86_CPUID_POLICY record "
                        "entry 1 (offset 72) with a different value; the "
                        "later one is used, as Xen's restore does");
    assert_int_equal(n.v[1].offset, 120);
    assert_string_equal(n.v[1].text,
                        "leaf 0x40000000 in X86_CPUID_POLICY record entry 3 "
                        "(offset 120) is 00001234:00000005:00000000:00000000; "
                        "Xen keeps only eax's low 8 bits (a max leaf offset "
                        "of 0x34) and ignores ebx, ecx and edx");
    assert_int_equal(n.v[2].offset, 168);
    assert_non_null(strstr(n.v[2].text, "with the same value"));
    assert_int_equal(n.v[3].offset, 216);
    assert_non_null(strstr(n.v[3].text,
                           "MSR 0x0000010a in X86_MSR_POLICY record entry 1 "
                           "(offset 216) repeats"));
    xlc_stream_notes_free(&n);
    xlc_stream_info_free(&info);
    sb_free(&s);
}

/* ---- libxenguest as the judge ---- */

#define BLOCK (1u << 20)

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Random entries: the base's own leaves mutated, repeated, junk added. */
static size_t random_entries(uint64_t *seed,
                             const struct xlc_policy_entries *b,
                             struct xfs_cpuid_leaf *l, struct xfs_msr_entry *m,
                             size_t *nm)
{
    size_t n = rnd(seed) % 24, k = 0;

    for (size_t i = 0; i < n; i++) {
        struct xfs_cpuid_leaf e = b->leaves[rnd(seed) % b->nr_leaves];
        unsigned int what = rnd(seed) % 16;

        if (what == 0)                  /* a register changed */
            e.a = (uint32_t)rnd(seed);
        else if (what == 1)
            e.b = (uint32_t)rnd(seed);
        else if (what == 2)
            e.c = (uint32_t)rnd(seed);
        else if (what == 3)
            e.d = (uint32_t)rnd(seed);
        else if (what == 4)             /* max leaf lowered */
            e = (struct xfs_cpuid_leaf){ 0, XFS_CPUID_NO_SUBLEAF,
                                         (uint32_t)rnd(seed) % 0x10,
                                         e.b, e.c, e.d };
        else if (what == 5)             /* hypervisor leaves, any value */
            e = (struct xfs_cpuid_leaf){
                rnd(seed) & 1 ? 0x40000000u : 0x40000100u,
                XFS_CPUID_NO_SUBLEAF, (uint32_t)rnd(seed),
                (uint32_t)(rnd(seed) % 3), 0, 0 };
        else if (what == 6 && rnd(seed) % 8 == 0)   /* no slot: ERANGE */
            e.subleaf = (uint32_t)rnd(seed) % 80;
        else if (what == 7)             /* leaf 7 subleaves */
            e = (struct xfs_cpuid_leaf){ 7, (uint32_t)rnd(seed) % 3,
                                         (uint32_t)rnd(seed) % 3,
                                         (uint32_t)rnd(seed), 0, 0 };
        l[k++] = e;
    }
    if (rnd(seed) % 64 == 0)            /* one too many: E2BIG */
        for (; k <= XFS_CPUID_MAX_SERIALISED_LEAVES; k++)
            l[k] = b->leaves[k % b->nr_leaves];
    *nm = rnd(seed) % 4;
    for (size_t i = 0; i < *nm; i++) {
        uint32_t idx = rnd(seed) & 1 ? XFS_MSR_INTEL_PLATFORM_INFO
                                     : XFS_MSR_ARCH_CAPABILITIES_IDX;
        uint64_t val = rnd(seed) % 4 ? rnd(seed) & 0xffffffffu : rnd(seed);

        if (rnd(seed) % 32 == 0)
            idx = 0x48;
        m[i] = (struct xfs_msr_entry){ idx, rnd(seed) % 32 == 0, val };
    }
    return k;
}

/* libxenguest over a zeroed block: the base, then the entries; *out has
 * room for a whole policy. */
static int xen_apply(void *blk, const struct xlc_policy_entries *b,
                     const struct xfs_cpuid_leaf *l, size_t n,
                     const struct xfs_msr_entry *m, size_t nm,
                     struct xlc_policy_entries *out)
{
    uint32_t el, es, em, nl = XFS_POLICY_MAX_LEAVES, nms = XFS_POLICY_MAX_MSRS;
    int rc;

    memset(blk, 0, BLOCK);
    assert_int_equal(x86_cpuid_copy_from_buffer(blk, b->leaves,
                                                (uint32_t)b->nr_leaves, &el,
                                                &es), 0);
    assert_int_equal(x86_msr_copy_from_buffer(blk, b->msrs,
                                              (uint32_t)b->nr_msrs, &em), 0);
    rc = x86_cpuid_copy_from_buffer(blk, l, (uint32_t)n, &el, &es);
    if (!rc)
        rc = x86_msr_copy_from_buffer(blk, m, (uint32_t)nm, &em);
    if (rc)
        return rc;
    x86_cpu_policy_clear_out_of_range_leaves(blk);
    assert_int_equal(x86_cpuid_copy_to_buffer(blk, out->leaves, &nl), 0);
    assert_int_equal(x86_msr_copy_to_buffer(blk, out->msrs, &nms), 0);
    out->nr_leaves = nl;
    out->nr_msrs = nms;
    return 0;
}

static void same_as_libxenguest(void **state)
{
    static const struct xlc_entries_origin at = { "entries", false, 0, true };
    struct xlc_policy_entries base = { 0 }, ours = { 0 }, theirs;
    struct xfs_cpuid_leaf *l = calloc(XFS_POLICY_MAX_LEAVES + 1, sizeof(*l));
    void *blk = malloc(BLOCK);
    size_t nr, accepted = 0, refused = 0, noted = 0;
    char **paths = xt_dump_paths(&nr);
    struct xlc_system_policies *cur = NULL;
    uint64_t seed = 0x5eed12;

    (void)state;
    assert_true(l && blk && nr >= 40);
    assert_int_equal(xlc_policy_entries_alloc(&theirs, XFS_POLICY_MAX_LEAVES,
                                              XFS_POLICY_MAX_MSRS, NULL), 0);
    for (int it = 0; it < 4000; it++) {
        struct xfs_cpu_policy p;
        struct xfs_msr_entry m[4];
        struct xlc_stream_notes notes = { 0 };
        xlc_error err = { 0 };
        size_t nm, n;
        unsigned int type;
        int xrc, rc;

        if (it % 100 == 0) {          /* the next shared dump */
            xlc_system_policies_free(cur);
            cur = xt_system_from_file(paths[(it / 100) % nr]);
        }
        type = it & 1 ? XFS_SYSCTL_cpu_featureset_hvm
                      : XFS_SYSCTL_cpu_featureset_pv;
        if (!cur->pol.present[type])
            type = XFS_SYSCTL_cpu_featureset_pv;
        xt_serialise(&cur->pol.p[type], &base);
        n = random_entries(&seed, &base, l, m, &nm);
        xrc = xen_apply(blk, &base, l, n, m, nm, &theirs);
        xfs_policy_copy(&p, &cur->pol.p[type]);
        rc = xlc_entries_apply_as_xen(&(struct xlc_policy_entries){
                                          l, n, m, nm },
                                      &at, &at, &p, &notes, &err);
        if (rc != xrc)
            fail_msg("iteration %d (%s): ours %d (%s), libxenguest %d", it,
                     xt_basename(paths[(it / 100) % nr]), rc, err.msg, xrc);
        noted += notes.n;
        xlc_stream_notes_free(&notes);
        if (rc) {
            refused++;
            continue;
        }
        accepted++;
        xt_serialise(&p, &ours);
        assert_int_equal(ours.nr_leaves, theirs.nr_leaves);
        assert_memory_equal(ours.leaves, theirs.leaves,
                            ours.nr_leaves * sizeof(*ours.leaves));
        assert_int_equal(ours.nr_msrs, theirs.nr_msrs);
        assert_memory_equal(ours.msrs, theirs.msrs,
                            ours.nr_msrs * sizeof(*ours.msrs));
    }
    xlc_system_policies_free(cur);
    print_message("%zu accepted alike, %zu refused alike, %zu notes\n",
                  accepted, refused, noted);
    assert_true(accepted > 2000 && refused > 100 && noted > 1000);
    xt_free_paths(paths, nr);
    xlc_policy_entries_free(&base);
    xlc_policy_entries_free(&ours);
    xlc_policy_entries_free(&theirs);
    free(l);
    free(blk);
}

/* ---- the tool ---- */

static void tool_says_what_was_normalised(void **state)
{
    struct xfs_cpuid_leaf l[2] = {
        { 0, XFS_CPUID_NO_SUBLEAF, 0xd, 0x756e6547, 0x6c65746e, 0x49656e69 },
        { 0x40000000, XFS_CPUID_NO_SUBLEAF, 0x105, 0, 0, 0 },
    };
    char path[] = "/tmp/xfs-norm-XXXXXX", args[8192], *out, *err;
    struct sbuild s = { 0 };
    FILE *f;
    int fd;

    (void)state;
    sb_head(&s);
    sb_cpuid_rec(&s, l, 2);
    sb_cpuid_rec(&s, l, 1);             /* at 96: replaces the first */
    sb_rec(&s, XFS_STREAM_REC_STATIC_DATA_END, NULL, 0);
    sb_rec(&s, XFS_STREAM_REC_END, NULL, 0);
    fd = mkstemp(path);
    f = fdopen(fd, "wb");
    fwrite(s.b, 1, s.len, f);
    assert_int_equal(fclose(f), 0);
    snprintf(args, sizeof(args), "restore-check --cpuid %s %s",
             shared_dump("GenuineIntel0050654_SkylakeXeon"), path);
    tool_run(args, &out, &err);
    assert_non_null(strstr(out, "normalised as Xen 4.17's restore does (1):\n"
                                "  - offset 96: X86_CPUID_POLICY record "
                                "replaces the one at offset 40: Xen's restore "
                                "keeps the last\n"));
    free(out);
    free(err);
    snprintf(args, sizeof(args), "restore-check --json --cpuid %s %s",
             shared_dump("GenuineIntel0050654_SkylakeXeon"), path);
    tool_run(args, &out, &err);
    assert_non_null(strstr(out, "\"normalised\": [{\"offset\": 96, \"note\": "
                                "\"X86_CPUID_POLICY record replaces"));
    free(out);
    free(err);
    unlink(path);
    sb_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(second_record_replaces_first),
        cmocka_unit_test(record_after_sde_is_ignored),
        cmocka_unit_test(only_the_applied_record_is_judged),
        cmocka_unit_test(entries_normalised_with_offsets),
        cmocka_unit_test(same_as_libxenguest),
        cmocka_unit_test(tool_says_what_was_normalised),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
