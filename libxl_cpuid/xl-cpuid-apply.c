/* SPDX-License-Identifier: MIT */
/*
 * A parsed cpuid= list applied to a guest featureset (the rules are in
 * xl-cpuid-apply.h).  The order follows libxenguest: every character sets
 * its bit first, dependencies are settled afterwards, so "avx=0,avx2=1"
 * is a request for AVX2 without AVX and is refused, whatever the order of
 * the items.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "xl-cpuid-apply.h"
#include "xl-cpuid-priv.h"

#define N XFS_NR_WORDS

/*
 * libxenguest looks each entry up in the guest's policy by (leaf,
 * subleaf); featureset leaves are laid out one way only, so a wrong
 * subleaf form can only be a "Missing leaf" refusal.
 */
static int check_subleaf_form(const struct xlc_xl_leafmask *m,
                              xlc_error *err)
{
    bool has_sub = m->subleaf != XLC_XL_NO_SUBLEAF;

    for (unsigned int w = 0; w < N; w++) {
        const struct xfs_word_info *x = &xfs_words[w];

        if (x->src != XFS_SRC_CPUID || x->leaf != m->leaf ||
            (x->subleaf != XFS_NO_SUBLEAF) == has_sub)
            continue;
        if (has_sub)
            return xlc_fail(err, EINVAL,
                            "leaf 0x%x has no subleaves, but the list gives "
                            "subleaf %u: libxenguest refuses it as a missing "
                            "leaf (write '0x%x:...')",
                            m->leaf, m->subleaf, m->leaf);
        return xlc_fail(err, EINVAL,
                        "leaf 0x%x needs a subleaf (its featureset bits are "
                        "in subleaf %u, write '0x%x,%u:...'): libxenguest "
                        "refuses it as a missing leaf",
                        m->leaf, x->subleaf, m->leaf, x->subleaf);
    }
    return 0;
}

static void gather_reg(const struct xlc_xl_regmask *r, struct xlc_xl_applied *a)
{
    if (!r->present)
        return;
    if (r->word < 0) {
        if (r->one | r->zero | r->keep)
            a->nr_policy_regs++;
        return;
    }
    a->forced_on[r->word] |= r->one;
    a->forced_off[r->word] |= r->zero;
    a->kept[r->word] |= r->keep;
}

static int gather(struct xlc_xl_applied *a, xlc_error *err)
{
    const struct xlc_xl_masks *m = &a->masks;

    for (size_t i = 0; i < m->nr_leaves; i++) {
        int r = check_subleaf_form(&m->leaves[i], err);

        if (r)
            return r;
        for (int g = XFS_EAX; g <= XFS_EDX; g++)
            gather_reg(&m->leaves[i].r[g], a);
    }
    for (size_t i = 0; i < m->nr_msrs; i++)
        for (int h = 0; h < 2; h++)
            gather_reg(&m->msrs[i].r[h], a);
    return 0;
}

static int refuse_outside_max(const struct xlc_xl_applied *a,
                              const struct xlc_xl_host *h, xlc_error *err)
{
    uint32_t bad[N];
    struct xlc_buf b = XLC_BUF_INIT;
    int r;

    xfs_andnot(bad, N, a->forced_on, N, h->max, N);
    if (xfs_empty(bad, N))
        return 0;
    xlc_xl_list_bits(&b, bad);
    r = xlc_fail(err, ENOTSUP,
                 "the %s max featureset lacks %u feature%s the cpuid list "
                 "sets to 1: %s",
                 xlc_guest_type_name(h->type), xfs_popcount(bad, N),
                 xfs_popcount(bad, N) == 1 ? "" : "s",
                 b.s && !b.oom ? b.s : "(out of memory)");
    xlc_buf_free(&b);
    return r;
}

/* "avx2 (needs avx)" for every feature set to 1 that did not survive. */
static int refuse_orphans(const struct xlc_xl_applied *a, xlc_error *err)
{
    struct xlc_buf b = XLC_BUF_INIT;
    unsigned int n = 0;
    int r;

    for (unsigned int v = 0; v < N * 32; v++) {
        uint32_t need[N] = { 0 };
        char label[64];

        if (!xfs_test(a->forced_on, N, v) || xfs_test(a->fs, N, v))
            continue;
        for (unsigned int i = 0; i < xfs_nr_features; i++) {
            unsigned int p = xfs_features[i].value;
            const uint32_t *deps = xfs_lookup_deep_deps(p);

            if (deps && xfs_test(deps, N, v) && !xfs_test(a->fs, N, p))
                xfs_set(need, N, p);
        }
        xlc_buf_printf(&b, "%s%s (needs ", n++ ? "; " : "",
                       xlc_xl_feature_label(v, label, sizeof(label)));
        xlc_xl_list_bits(&b, need);
        xlc_buf_putc(&b, ')');
    }
    r = xlc_fail(err, ENOTSUP,
                 "the cpuid list sets %u feature%s to 1 whose prerequisite "
                 "is absent from the result (Xen would drop %s): %s",
                 n, n == 1 ? "" : "s", n == 1 ? "it" : "them",
                 b.s && !b.oom ? b.s : "(out of memory)");
    xlc_buf_free(&b);
    return r;
}

static void compute(struct xlc_xl_applied *a, const struct xlc_xl_host *h)
{
    uint32_t touched[N], before[N];

    for (unsigned int w = 0; w < N; w++) {
        touched[w] = a->forced_on[w] | a->forced_off[w] | a->kept[w];
        a->fs[w] = (h->def[w] & ~touched[w]) | a->forced_on[w] |
                   (h->host[w] & h->max[w] & a->kept[w]);
        a->kept_absent[w] = a->kept[w] & h->host[w] & ~h->max[w];
    }
    memcpy(before, a->fs, sizeof(before));
    xfs_apply_deep_deps(a->fs, N);
    xfs_andnot(a->dependents, N, before, N, a->fs, N);
}

int xlc_xl_apply(const struct xlc_xl_list *l, const struct xlc_xl_host *h,
                 struct xlc_xl_applied *out, xlc_error *err)
{
    int r;

    memset(out, 0, sizeof(*out));
    r = xlc_xl_masks_from_list(l, &out->masks, err);
    if (!r)
        r = gather(out, err);
    if (!r)
        r = refuse_outside_max(out, h, err);
    if (!r) {
        compute(out, h);
        if (!xfs_subset(out->forced_on, N, out->fs, N))
            r = refuse_orphans(out, err);
    }
    if (r)
        xlc_xl_applied_free(out);
    return r;
}

void xlc_xl_applied_free(struct xlc_xl_applied *a)
{
    xlc_xl_masks_free(&a->masks);
}
