/* SPDX-License-Identifier: MIT */
/*
 * Xen's per-domain recalculation (xfs_policy_recalc_domain) as the applied
 * policy and the restore check use it: a Sapphire Rapids guest recorded
 * with 57-bit linear addresses restores on a 48-bit Cascade Lake when its
 * features fit, and is refused for features only otherwise; the features
 * our recalculation keeps are those libxenguest's own featureset
 * conversion, deep-dependency table and out-of-range clearing give.
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
#include <xenctrl.h>
#include <xenguest.h>

#include "../helpers/policy-oracle.h"
#include "libxl_cpuid/policy/applied-policy.h"
#include "libxl_cpuid/migration/restore-check.h"
#include "libxl_cpuid/migration/stream.h"
#include "../helpers/libxenguest-private.h"

#define HVM XFS_STREAM_DOM_X86_HVM
#define HVM_DEF XFS_SYSCTL_cpu_featureset_hvm
#define HVM_MAX XFS_SYSCTL_cpu_featureset_hvm_max

static struct xlc_system_policies *load(const char *name)
{
    char path[4096];
    const char *s = getenv("XFS_DATA");

    snprintf(path, sizeof(path), "%s/cpuid/instlatx64/%s.xml",
             s && *s ? s : "tests/data", name);
    return xt_system_from_file(path);
}

static uint32_t linaddr(const struct xfs_cpu_policy *p)
{
    return (p->extd[8].a >> 8) & 0xff;
}

/* policy -> standalone HVM stream -> parse -> restore check. */
static void restore(const struct xfs_cpu_policy *p,
                    const struct xlc_restore_dest *d,
                    struct xlc_restore_verdict *v)
{
    struct xlc_policy_entries e = { 0 };
    struct xlc_stream_info info;
    xlc_error err = { 0 };
    uint8_t *buf;
    size_t len;

    if (xlc_policy_serialise(p, &e, &err) ||
        xlc_stream_write_standalone(HVM, &e, &buf, &len, &err) ||
        xlc_stream_parse(buf, len, &info, &err) ||
        xlc_restore_check(&info, d, v, &err))
        fail_msg("%s", err.msg);
    free(buf);
    xlc_policy_entries_free(&e);
    xlc_stream_info_free(&info);
}

/*
 * Sapphire Rapids (57-bit linear, 52-bit physical addresses) to Cascade
 * Lake (48, 46): its default HVM policy as recorded before Xen's
 * recalculation (57 bits) is refused for features and the physical width,
 * never the linear one; levelled to what Cascade Lake offers (features and
 * physical width) it restores with 48 linear bits, whatever was recorded.
 */
static void sapphire_rapids_on_cascade_lake(void **state)
{
    struct xlc_system_policies *spr = load("GenuineIntel00806F8_SapphireRapids_05");
    struct xlc_system_policies *clx = load("GenuineIntel0050657_CascadeLakeXeon");
    struct xlc_restore_dest *d = malloc(sizeof(*d));
    struct xfs_cpu_policy *p = malloc(sizeof(*p));
    struct xlc_guest_settings g = { .kind = XLC_SETTINGS_FEATURESET };
    uint32_t level[XFS_NR_WORDS];
    struct xlc_applied_policy *a;
    struct xlc_restore_verdict v;
    xlc_error err = { 0 };
    size_t features = 0;

    (void)state;
    assert_true(d && p);
    assert_int_equal(linaddr(&spr->pol.p[HVM_DEF]), 57);
    assert_int_equal(linaddr(&clx->pol.p[HVM_MAX]), 48);
    xlc_restore_dest_from_system(clx, HVM, d);

    /* Sapphire Rapids' default, recorded with 57 bits. */
    restore(&spr->pol.p[HVM_DEF], d, &v);
    assert_false(v.accept);
    for (size_t i = 0; i < v.nr_reasons; i++) {
        switch (v.reasons[i].why.kind) {
        case XFS_COMPAT_FEATURE:
            features++;
            break;
        /* XSAVE state of a missing feature (PKU's PKRU) goes with it. */
        case XFS_COMPAT_XSTATE_COMPONENT:
        case XFS_COMPAT_XSTATE_LAYOUT:
        case XFS_COMPAT_XSAVE_SIZE:
        /* 52 physical address bits against 46 is a real refusal: Xen
         * would clamp a width the guest has used. */
        case XFS_COMPAT_MAXPHYSADDR:
            break;
        default:
            fail_msg("refused for more than features and MAXPHYSADDR: %s",
                     v.reasons[i].text);
        }
    }
    assert_true(features > 3);
    assert_int_equal(linaddr(&v.guest), 48);
    xlc_restore_verdict_free(&v);

    /* Levelled to Cascade Lake's max, applied on Sapphire Rapids, then
     * recorded with the 57 bits the host has. */
    xfs_and(level, XFS_NR_WORDS, spr->fs.fs[HVM_DEF], XFS_NR_WORDS,
            clx->fs.fs[HVM_MAX], XFS_NR_WORDS);
    /* The Cascade Lake dump's leaf 0xd:9 (PKRU's layout) reads all zero,
     * so its max policy offers PKU without a place for its state. */
    xfs_clear_with_dependents(level, XFS_NR_WORDS, XFS_PKU);
    xfs_apply_deep_deps(level, XFS_NR_WORDS);
    g.fs = level;
    g.nr_words = XFS_NR_WORDS;
    if (xlc_applied_policy(spr, XLC_GUEST_HVM, &g, &a, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(a->refused.nr, 0);
    assert_int_equal(linaddr(&a->policy), 48);   /* as Xen gives it */
    xfs_policy_copy(p, &a->policy);
    /* A pool level also takes the narrowest physical width (46 bits). */
    p->extd[8].a = (p->extd[8].a & ~0xffffu) | 57u << 8 |
                   (clx->pol.p[HVM_MAX].extd[8].a & 0xff);
    restore(p, d, &v);
    if (!v.accept)
        fail_msg("levelled Sapphire Rapids guest refused: %s",
                 v.reasons[0].text);
    assert_int_equal(linaddr(&v.guest), 48);
    xlc_restore_verdict_free(&v);
    /* Recorded with 48 linear bits, as Xen 4.17 itself gives them, the
     * physical width is the one thing left that does not fit. */
    restore(&a->policy, d, &v);
    assert_false(v.accept);
    assert_int_equal(v.nr_reasons, 1);
    assert_int_equal(v.reasons[0].why.kind, XFS_COMPAT_MAXPHYSADDR);
    xlc_restore_verdict_free(&v);

    xlc_applied_policy_free(a);
    xlc_system_policies_free(spr);
    xlc_system_policies_free(clx);
    free(d);
    free(p);
}

/* ---- libxenguest's equivalents ---- */

#define XEN_FS_WORDS 64
#define XEN_VENDOR_AMD (1u << 1)
#define XEN_VENDOR_HYGON (1u << 4)

static struct cpu_policy *xen_policy(const struct xfs_cpu_policy *p)
{
    struct cpu_policy *x = calloc(1, XEN_POLICY_BYTES);
    struct xlc_policy_entries r;
    uint32_t el, es;

    assert_non_null(x);
    assert_int_equal(xlc_policy_serialise(p, &r, NULL), 0);
    assert_int_equal(x86_cpuid_copy_from_buffer(x, r.leaves,
                                                (uint32_t)r.nr_leaves, &el,
                                                &es), 0);
    xlc_policy_entries_free(&r);
    return x;
}

static void xen_fs(const struct xfs_cpu_policy *p, uint32_t fs[XEN_FS_WORDS])
{
    struct cpu_policy *x = xen_policy(p);

    memset(fs, 0, XEN_FS_WORDS * sizeof(uint32_t));
    x86_cpu_policy_to_featureset(x, fs);
    free(x);
}

static void set_bit_(uint32_t *fs, unsigned int f, bool on)
{
    if (on)
        fs[f / 32] |= 1u << (f % 32);
    else
        fs[f / 32] &= ~(1u << (f % 32));
}

static bool bit(const uint32_t *fs, unsigned int f)
{
    return (fs[f / 32] >> (f % 32)) & 1;
}

/*
 * The features Xen keeps, with libxenguest doing every step it has:
 * reading the features out of the policy, the known mask, the deep
 * dependencies, writing them back, dropping out-of-range leaves after the
 * limits are clamped (leaf values written through its copy-from-buffer).
 */
static void xen_kept(const struct xfs_cpu_policy *asked,
                     const struct xfs_cpu_policy *max,
                     const struct xfs_cpu_policy *host, uint32_t nr,
                     uint32_t out[XEN_FS_WORDS])
{
    struct cpu_policy *x = xen_policy(asked);
    const uint32_t *known = xc_get_static_cpu_featuremask(XC_FEATUREMASK_KNOWN);
    uint32_t fs[XEN_FS_WORDS] = { 0 }, mfs[XEN_FS_WORDS], hfs[XEN_FS_WORDS];
    unsigned int v = x86_cpuid_lookup_vendor(asked->basic[0].b,
                                             asked->basic[0].c,
                                             asked->basic[0].d);
    uint32_t last = v & (XEN_VENDOR_AMD | XEN_VENDOR_HYGON) ? 0x21 : 0x8;
    struct xfs_cpuid_leaf lim[3] = {
        { 0, XFS_CPUID_NO_SUBLEAF, asked->basic[0].a, asked->basic[0].b,
          asked->basic[0].c, asked->basic[0].d },
        { 7, 0, asked->feat[0].a, asked->feat[0].b, asked->feat[0].c,
          asked->feat[0].d },
        { 0x80000000u, XFS_CPUID_NO_SUBLEAF, asked->extd[0].a,
          asked->extd[0].b, asked->extd[0].c, asked->extd[0].d },
    };
    uint32_t el, es;
    bool nested;

    lim[0].a = lim[0].a < max->basic[0].a ? lim[0].a : max->basic[0].a;
    lim[1].a = lim[1].a < max->feat[0].a ? lim[1].a : max->feat[0].a;
    lim[2].a = 0x80000000u | ((lim[2].a & 0xffff) < last ? lim[2].a & 0xffff
                                                          : last);
    assert_int_equal(x86_cpuid_copy_from_buffer(x, lim, 3, &el, &es), 0);
    x86_cpu_policy_to_featureset(x, fs);
    xen_fs(max, mfs);
    xen_fs(host, hfs);
    nested = bit(fs, XFS_VMX) || bit(fs, XFS_SVM);
    set_bit_(mfs, XFS_VMX, nested && bit(mfs, XFS_VMX));
    set_bit_(mfs, XFS_SVM, nested && bit(mfs, XFS_SVM));
    set_bit_(mfs, XFS_HTT, true);
    set_bit_(mfs, XFS_X2APIC, true);
    set_bit_(mfs, XFS_CMP_LEGACY, true);
    for (uint32_t w = 0; w < nr; w++)
        fs[w] &= mfs[w] & known[w];
    if (lim[0].a < 0xd)
        set_bit_(fs, XFS_XSAVE, false);
    for (uint32_t f = 0; f < nr * 32; f++) {
        const uint32_t *deps = bit(fs, f) ? NULL
                                          : x86_cpu_policy_lookup_deep_deps(f);

        for (uint32_t w = 0; deps && w < nr; w++)
            fs[w] &= ~deps[w];
    }
    set_bit_(fs, XFS_FDP_EXCP_ONLY, bit(hfs, XFS_FDP_EXCP_ONLY));
    set_bit_(fs, XFS_NO_FPU_SEL, bit(hfs, XFS_NO_FPU_SEL));
    x86_cpu_featureset_to_policy(fs, x);
    x86_cpu_policy_clear_out_of_range_leaves(x);
    memset(out, 0, XEN_FS_WORDS * sizeof(uint32_t));
    x86_cpu_policy_to_featureset(x, out);
    free(x);
}

/*
 * Every shared dump as the host, HVM (or PV without HVM), asked for its
 * own default and max and for three other dumps' defaults: the features
 * our recalculation keeps are libxenguest's, word for word, over the
 * words both know; the result also passes libxenguest's own audit
 * against the max policy.
 */
static void kept_features_are_libxenguests(void **state)
{
    uint32_t nr = xc_get_cpu_featureset_size();
    size_t n, compared = 0;
    char **paths = xt_dump_paths(&n);
    struct xlc_system_policies **sys = calloc(n, sizeof(*sys));
    struct xfs_cpu_policy *ours = malloc(sizeof(*ours));
    struct xlc_policy_entries h = { 0 }, g = { 0 };

    (void)state;
    assert_true(sys && ours);
    if (nr > XFS_NR_WORDS)
        nr = XFS_NR_WORDS;
    for (size_t i = 0; i < n; i++)
        sys[i] = xt_system_from_file(paths[i]);
    for (size_t i = 0; i < n; i++) {
        bool hvm = sys[i]->pol.present[HVM_MAX];
        enum xlc_guest_type t = hvm ? XLC_GUEST_HVM : XLC_GUEST_PV;
        const struct xfs_cpu_policy *max =
            &sys[i]->pol.p[xlc_policy_index_max(t)];
        const struct xfs_cpu_policy *host =
            &sys[i]->pol.p[XFS_SYSCTL_cpu_featureset_host];
        const struct xfs_cpu_policy *asked[5] = {
            &sys[i]->pol.p[xlc_policy_index_default(t)], max,
            &sys[(i + 1) % n]->pol.p[XFS_SYSCTL_cpu_featureset_pv],
            &sys[(i + 7) % n]->pol.p[XFS_SYSCTL_cpu_featureset_pv_max],
            &sys[(i + 13) % n]->pol.p[XFS_SYSCTL_cpu_featureset_host],
        };

        for (size_t k = 0; k < 5; k++) {
            uint32_t mine[XEN_FS_WORDS] = { 0 }, xen[XEN_FS_WORDS];

            xlc_domain_policy(asked[k], max, host, hvm, ours);
            xfs_policy_to_featureset(ours, mine, XFS_NR_WORDS);
            xen_kept(asked[k], max, host, nr, xen);
            for (uint32_t w = 0; w < nr; w++)
                if (mine[w] != xen[w])
                    fail_msg("%s, asked %zu: word %u is %08x, "
                             "libxenguest's %08x", xt_basename(paths[i]), k,
                             w, mine[w], xen[w]);
            xt_serialise(max, &h);
            xt_serialise(ours, &g);
            assert_true(xt_xen_compatible(&h, &g));
            compared++;
        }
    }
    assert_int_equal(compared, 5 * n);
    for (size_t i = 0; i < n; i++)
        xlc_system_policies_free(sys[i]);
    free(sys);
    free(ours);
    xlc_policy_entries_free(&h);
    xlc_policy_entries_free(&g);
    xt_free_paths(paths, n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sapphire_rapids_on_cascade_lake),
        cmocka_unit_test(kept_features_are_libxenguests),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
