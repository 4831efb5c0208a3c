/* SPDX-License-Identifier: MIT */
/*
 * A featureset into a policy (applied-policy.h, steps 2 and 3): whether
 * Xen could apply a featureset unchanged, and a default policy with it
 * written in.  The verdict, the guest sources and the applied policy all
 * come through here.
 */
#include <errno.h>

#include "applied-policy.h"
#include "../names/feature-names.h"
#include "../util/strbuf.h"

/* Bits in words this build does not know: nobody can place them. */
static int check_known_words(const uint32_t *fs, size_t nr, xlc_error *err)
{
    for (size_t w = XFS_NR_WORDS; w < nr; w++)
        if (fs[w])
            return xlc_fail(err, EINVAL,
                            "featureset word %zu is 0x%08x, but this build "
                            "knows %u words: those features cannot be "
                            "given to a guest", w, fs[w], XFS_NR_WORDS);
    return 0;
}

static void put_feature_name(struct xlc_buf *b, unsigned int f)
{
    char text[XLC_BIT_TEXT_MAX];

    xlc_buf_puts(b, xlc_bit_text(f, XLC_BIT_XEN, text));
}

/*
 * Xen clears a feature whose prerequisite is absent (deep dependencies)
 * without a word; we refuse instead, naming every such pair.
 */
static int check_prerequisites(const uint32_t fs[XFS_NR_WORDS], xlc_error *err)
{
    struct xlc_buf b = XLC_BUF_INIT;
    unsigned int n = 0;
    int rc = 0;

    for (unsigned int i = 0; i < xfs_nr_features; i++) {
        unsigned int need = xfs_features[i].value;
        const uint32_t *deps = xfs_lookup_deep_deps(need);

        if (!deps || xfs_test(fs, XFS_NR_WORDS, need))
            continue;
        for (unsigned int f = 0; f < XFS_NR_FEATURE_BITS; f++) {
            if (!xfs_test(deps, XFS_NR_WORDS, f) ||
                !xfs_test(fs, XFS_NR_WORDS, f))
                continue;
            xlc_buf_puts(&b, n++ ? "; " : "");
            put_feature_name(&b, f);
            xlc_buf_puts(&b, " needs ");
            put_feature_name(&b, need);
        }
    }
    if (b.oom)
        rc = xlc_fail(err, ENOMEM, "out of memory checking dependencies");
    else if (n)
        rc = xlc_fail(err, EINVAL,
                      "the featureset has %u feature%s without a "
                      "prerequisite (Xen would silently clear them): %s",
                      n, n == 1 ? "" : "s", b.s);
    xlc_buf_free(&b);
    return rc;
}

int xlc_featureset_check_applicable(const uint32_t *fs, size_t nr_words,
                                    xlc_error *err)
{
    uint32_t guest[XFS_NR_WORDS];
    int rc = check_known_words(fs, nr_words, err);

    if (rc)
        return rc;
    xfs_copy(guest, XFS_NR_WORDS, fs, nr_words);
    return check_prerequisites(guest, err);
}

int xlc_policy_with_featureset(const struct xfs_cpu_policy *def,
                               const struct xfs_cpu_policy *raw,
                               const uint32_t *fs, size_t nr_words,
                               struct xfs_cpu_policy *out, xlc_error *err)
{
    uint32_t guest[XFS_NR_WORDS];
    int rc = xlc_featureset_check_applicable(fs, nr_words, err);

    if (rc)
        return rc;
    xfs_copy(guest, XFS_NR_WORDS, fs, nr_words);
    xfs_policy_copy(out, def);
    xfs_policy_apply_featureset(out, guest, raw);
    return 0;
}
