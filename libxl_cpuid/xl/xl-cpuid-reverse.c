/* SPDX-License-Identifier: MIT */
/*
 * From a wanted featureset back to cpuid= strings that produce it from
 * the default featureset (xlc_xl_cpuid_apply is the inverse).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../names/feature-names.h"
#include "xl-cpuid.h"

static const char *const reg_names[4] = { "eax", "ebx", "ecx", "edx" };

/*
 * A libxl name reaching feature v: its own spelling unless a table row
 * shadows it (CLFLUSH: "clflush" is the numeric field), then a 1-bit
 * table row on the same bit ("clfsh").
 */
static const char *name_for(unsigned int v, char *buf, size_t n)
{
    const struct xfs_word_info *w = &xfs_words[v / 32];
    struct xlc_xl_field f;

    if (xlc_xl_feature_name(v, buf, n) &&
        xlc_xl_name_lookup(buf, strlen(buf), &f) && f.is_feature &&
        f.feature == v)
        return buf;
    for (size_t i = 0; i < xlc_xl_nr_names; i++) {
        const struct xlc_xl_name *r = &xlc_xl_names[i];
        if (r->width == 1 && w->src == XFS_SRC_CPUID && r->leaf == w->leaf &&
            r->subleaf == w->subleaf && r->reg == w->reg && r->bit == v % 32)
            return r->name;
    }
    return NULL;
}

/* Bits of a that some other bit of a takes with it when cleared. */
static void implied(const uint32_t *a, uint32_t *out)
{
    memset(out, 0, XFS_NR_WORDS * sizeof(*out));
    for (unsigned int v = 0; v < XFS_NR_FEATURE_BITS; v++) {
        const uint32_t *d = xfs_test(a, XFS_NR_WORDS, v)
                                ? xfs_lookup_deep_deps(v) : NULL;
        if (d)
            xfs_or(out, XFS_NR_WORDS, out, XFS_NR_WORDS, d, XFS_NR_WORDS);
    }
}

static void unnamed(struct xlc_buf *miss, unsigned int v)
{
    char text[XLC_BIT_TEXT_MAX];

    xlc_buf_printf(miss, " %s", xlc_bit_text(v, XLC_BIT_XEN, text));
}

static void add_items(struct xlc_buf *b, struct xlc_buf *miss,
                      const uint32_t *set, char value)
{
    char nb[48];

    for (unsigned int v = 0; v < XFS_NR_FEATURE_BITS; v++) {
        if (!xfs_test(set, XFS_NR_WORDS, v))
            continue;
        const char *n = name_for(v, nb, sizeof(nb));
        if (n)
            xlc_buf_printf(b, ",%s=%c", n, value);
        else
            unnamed(miss, v);
    }
}

int xlc_xl_cpuid_reverse(const uint32_t want[XFS_NR_WORDS],
                         const uint32_t def[XFS_NR_WORDS], char **out,
                         xlc_error *err)
{
    return xlc_xl_cpuid_reverse_range(want, def, def, out, err);
}

int xlc_xl_cpuid_reverse_range(const uint32_t want[XFS_NR_WORDS],
                               const uint32_t lo[XFS_NR_WORDS],
                               const uint32_t hi[XFS_NR_WORDS], char **out,
                               xlc_error *err)
{
    uint32_t add[XFS_NR_WORDS], del[XFS_NR_WORDS], imp[XFS_NR_WORDS];
    struct xlc_buf b = XLC_BUF_INIT, miss = XLC_BUF_INIT;

    *out = NULL;
    if (!xfs_deps_closed(want, XFS_NR_WORDS))
        return xlc_fail(err, EINVAL,
                        "wanted featureset has a feature without its "
                        "prerequisite: no cpuid= string yields it");
    xfs_andnot(add, XFS_NR_WORDS, want, XFS_NR_WORDS, lo, XFS_NR_WORDS);
    xfs_andnot(del, XFS_NR_WORDS, hi, XFS_NR_WORDS, want, XFS_NR_WORDS);
    implied(del, imp);
    xfs_andnot(del, XFS_NR_WORDS, del, XFS_NR_WORDS, imp, XFS_NR_WORDS);
    xlc_buf_puts(&b, "host");
    add_items(&b, &miss, add, '1');
    add_items(&b, &miss, del, '0');
    if (miss.len) {
        int r = xlc_fail(err, EINVAL, "no libxl cpuid= name for:%s",
                         miss.s);
        xlc_buf_free(&b);
        xlc_buf_free(&miss);
        return r;
    }
    xlc_buf_free(&miss);
    if (!(*out = xlc_buf_take(&b)))
        return xlc_fail(err, ENOMEM, "out of memory");
    return 0;
}

void xlc_xl_strv_free(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

static char *xend_word(unsigned int w, uint32_t want, uint32_t diff)
{
    const struct xfs_word_info *wi = &xfs_words[w];
    struct xlc_buf b = XLC_BUF_INIT;

    if (wi->subleaf == XFS_NO_SUBLEAF)
        xlc_buf_printf(&b, "0x%x:%s=", wi->leaf, reg_names[wi->reg]);
    else
        xlc_buf_printf(&b, "0x%x,%u:%s=", wi->leaf, wi->subleaf,
                       reg_names[wi->reg]);
    for (int bit = 31; bit >= 0; bit--)
        xlc_buf_putc(&b, !(diff >> bit & 1) ? 'x'
                                            : (want >> bit & 1) ? '1' : '0');
    return xlc_buf_take(&b);
}

int xlc_xl_cpuid_reverse_xend(const uint32_t want[XFS_NR_WORDS],
                              const uint32_t def[XFS_NR_WORDS], char ***out,
                              xlc_error *err)
{
    struct xlc_buf miss = XLC_BUF_INIT;
    char **v = calloc(XFS_NR_WORDS + 1, sizeof(*v));
    size_t n = 0;

    *out = NULL;
    if (!v)
        return xlc_fail(err, ENOMEM, "out of memory");
    for (unsigned int w = 0; w < XFS_NR_WORDS; w++) {
        uint32_t diff = want[w] ^ def[w];
        if (!diff)
            continue;
        if (xfs_words[w].src == XFS_SRC_MSR) {
            for (unsigned int b = 0; b < 32; b++)
                if (diff >> b & 1)
                    unnamed(&miss, w * 32 + b);
            continue;
        }
        if (!(v[n++] = xend_word(w, want[w], diff))) {
            xlc_xl_strv_free(v);
            return xlc_fail(err, ENOMEM, "out of memory");
        }
    }
    if (miss.len) {
        int r = xlc_fail(err, EINVAL,
                         "MSR features cannot be said in the xend form:%s",
                         miss.s);
        xlc_buf_free(&miss);
        xlc_xl_strv_free(v);
        return r;
    }
    *out = v;
    return 0;
}
