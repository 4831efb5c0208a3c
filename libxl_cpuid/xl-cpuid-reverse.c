/* SPDX-License-Identifier: MIT */
/*
 * From a wanted guest featureset back to cpuid= text.
 *
 * The libxl form is minimal: the default already holds everything in
 * common, so only differences are written; a removed feature that is a
 * dependent of another removed feature needs no item of its own, because
 * clearing the other one takes it along (xlc_xl_apply settles
 * dependencies after every item, as Xen does).  A wanted featureset that
 * is not closed under the dependencies, or reaches outside the max, has no
 * string at all: refused, naming the features.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "xl-cpuid-apply.h"
#include "xl-cpuid-priv.h"

#define N XFS_NR_WORDS

static int fail_bits(xlc_error *err, int code, const char *what,
                     const uint32_t bits[N])
{
    struct xlc_buf b = XLC_BUF_INIT;
    int r;

    xlc_xl_list_bits(&b, bits);
    r = xlc_fail(err, code, "%s: %s", what,
                 b.s && !b.oom ? b.s : "(out of memory)");
    xlc_buf_free(&b);
    return r;
}

/* Every feature of want whose prerequisite want lacks. */
static void orphans(const uint32_t want[N], uint32_t out[N])
{
    memset(out, 0, N * sizeof(*out));
    for (unsigned int i = 0; i < xfs_nr_features; i++) {
        unsigned int p = xfs_features[i].value;
        const uint32_t *deps = xfs_lookup_deep_deps(p);
        uint32_t lost[N];

        if (!deps || xfs_test(want, N, p))
            continue;
        xfs_and(lost, N, deps, N, want, N);
        xfs_or(out, N, out, N, lost, N);
    }
}

/* The checks both forms share. */
static int check_want(const uint32_t want[N], const struct xlc_xl_host *h,
                      xlc_error *err)
{
    uint32_t bad[N];
    char what[96];

    xfs_andnot(bad, N, want, N, h->max, N);
    if (!xfs_empty(bad, N)) {
        snprintf(what, sizeof(what), "the %s max featureset lacks",
                 xlc_guest_type_name(h->type));
        return fail_bits(err, ENOTSUP, what, bad);
    }
    orphans(want, bad);
    if (!xfs_empty(bad, N))
        return fail_bits(err, EINVAL, "no cpuid= string gives this "
                         "featureset: it holds features without their "
                         "prerequisites", bad);
    return 0;
}

/* Removed features that no other removed feature takes along. */
static void removal_roots(const uint32_t del[N], uint32_t roots[N])
{
    uint32_t covered[N] = { 0 };

    for (unsigned int v = 0; v < N * 32; v++) {
        const uint32_t *deps;

        if (!xfs_test(del, N, v) || !(deps = xfs_lookup_deep_deps(v)))
            continue;
        xfs_or(covered, N, covered, N, deps, N);
    }
    xfs_andnot(roots, N, del, N, covered, N);
}

int xlc_xl_reverse(const uint32_t want[N], const struct xlc_xl_host *h,
                   char **out, xlc_error *err)
{
    uint32_t add[N], del[N], roots[N], nameless[N] = { 0 };
    struct xlc_buf b = XLC_BUF_INIT;
    int r = check_want(want, h, err);

    *out = NULL;
    if (r)
        return r;
    xfs_andnot(add, N, want, N, h->def, N);
    xfs_andnot(del, N, h->def, N, want, N);
    removal_roots(del, roots);
    xlc_buf_puts(&b, "host");
    for (unsigned int v = 0; v < N * 32; v++) {
        bool on = xfs_test(add, N, v);
        char name[XLC_XL_NAME_MAX];

        if (!on && !xfs_test(roots, N, v))
            continue;
        if (!xlc_xl_name_for_feature(v, name))
            xfs_set(nameless, N, v);
        else
            xlc_buf_printf(&b, ",%s=%c", name, on ? '1' : '0');
    }
    if (!xfs_empty(nameless, N)) {
        xlc_buf_free(&b);
        return fail_bits(err, EINVAL, "these bits differ from the default "
                         "but libxl has no name for them", nameless);
    }
    *out = xlc_buf_take(&b);
    return *out ? 0 : xlc_fail(err, ENOMEM, "out of memory");
}

/* "0x7,0:" for the word's leaf, then every register of that leaf. */
static void xend_item(struct xlc_buf *b, unsigned int w0,
                      const uint32_t want[N])
{
    const struct xfs_word_info *x0 = &xfs_words[w0];

    xlc_buf_printf(b, "0x%x", x0->leaf);
    if (x0->subleaf != XFS_NO_SUBLEAF)
        xlc_buf_printf(b, ",%u", x0->subleaf);
    xlc_buf_putc(b, ':');
    for (int reg = XFS_EAX, first = 1; reg <= XFS_EDX; reg++) {
        int w = xlc_xl_word_of(x0->leaf, x0->subleaf, (enum xfs_reg)reg);

        if (w < 0)
            continue;
        xlc_buf_printf(b, "%s%s=", first ? "" : ",",
                       xlc_xl_reg_name((enum xfs_reg)reg));
        for (int bit = 31; bit >= 0; bit--)
            xlc_buf_putc(b, (want[w] >> bit) & 1 ? '1' : '0');
        first = 0;
    }
}

/* True when an earlier word has the same leaf and subleaf. */
static bool seen_leaf(unsigned int w)
{
    for (unsigned int i = 0; i < w; i++)
        if (xfs_words[i].src == XFS_SRC_CPUID &&
            xfs_words[i].leaf == xfs_words[w].leaf &&
            xfs_words[i].subleaf == xfs_words[w].subleaf)
            return true;
    return false;
}

static int check_msr_words(const uint32_t want[N],
                           const struct xlc_xl_host *h, xlc_error *err)
{
    uint32_t diff[N] = { 0 };

    for (unsigned int w = 0; w < N; w++)
        if (xfs_words[w].src == XFS_SRC_MSR)
            diff[w] = want[w] ^ h->def[w];
    if (xfs_empty(diff, N))
        return 0;
    return fail_bits(err, EINVAL, "the xend form has no syntax for MSR "
                     "bits, and these differ from the default (use the "
                     "libxl form)", diff);
}

int xlc_xl_reverse_xend(const uint32_t want[N], const struct xlc_xl_host *h,
                        char ***items, size_t *nr, xlc_error *err)
{
    char **v = calloc(N, sizeof(*v));
    int r = check_want(want, h, err);
    size_t n = 0;

    *items = NULL;
    *nr = 0;
    if (!r)
        r = check_msr_words(want, h, err);
    if (!v && !r)
        r = xlc_fail(err, ENOMEM, "out of memory");
    for (unsigned int w = 0; w < N && !r; w++) {
        struct xlc_buf b = XLC_BUF_INIT;

        if (xfs_words[w].src != XFS_SRC_CPUID || seen_leaf(w))
            continue;
        xend_item(&b, w, want);
        if (!(v[n++] = xlc_buf_take(&b)))
            r = xlc_fail(err, ENOMEM, "out of memory");
    }
    if (r) {
        xlc_xl_free_items(v, n);
        return r;
    }
    *items = v;
    *nr = n;
    return 0;
}

void xlc_xl_free_items(char **items, size_t nr)
{
    if (!items)
        return;
    for (size_t i = 0; i < nr; i++)
        free(items[i]);
    free(items);
}
