/* SPDX-License-Identifier: MIT */
/*
 * Xen's "cpuid=" boot option, restricted to what a featureset can express:
 * removing features.  Tokens are comma separated; each is "no-NAME" or
 * "NAME=<false>" with <false> one of 0, no, false, off, disable (Xen's
 * boolean spellings).  NAME matches Xen's feature names ignoring case, with
 * '-' and '_' interchangeable (Xen's own command line writes "avx512-vnni"
 * where the header says AVX512_VNNI).
 */
#include "featuresets.h"

void xfs_hv_options_default(struct xfs_hv_options *opts)
{
    opts->hap = true;
    opts->pv = true;
    opts->hvm = true;
    for (unsigned int i = 0; i < XFS_NR_WORDS; i++)
        opts->boot_clear[i] = 0;
}

static char fold(char c)
{
    if (c >= 'A' && c <= 'Z')
        return (char)(c - 'A' + 'a');
    return c == '_' ? '-' : c;
}

/* s[0..len) equals the NUL-terminated word, folding case and '_'. */
static bool span_is(const char *s, unsigned int len, const char *word)
{
    unsigned int i = 0;

    for (; i < len && word[i]; i++)
        if (fold(s[i]) != fold(word[i]))
            return false;
    return i == len && !word[i];
}

static bool is_false_word(const char *s, unsigned int len)
{
    static const char *const falses[] = { "0", "no", "false", "off",
                                          "disable" };

    for (unsigned int i = 0; i < sizeof(falses) / sizeof(falses[0]); i++)
        if (span_is(s, len, falses[i]))
            return true;
    return false;
}

static const struct xfs_feature_info *feature_named(const char *s,
                                                    unsigned int len)
{
    for (unsigned int i = 0; i < xfs_nr_features; i++)
        if (span_is(s, len, xfs_features[i].name))
            return &xfs_features[i];
    return NULL;
}

static unsigned int index_of(const char *s, unsigned int len, char c)
{
    unsigned int i = 0;

    while (i < len && s[i] != c)
        i++;
    return i;
}

static unsigned int token_len(const char *s)
{
    unsigned int i = 0;

    while (s[i] && s[i] != ',')
        i++;
    return i;
}

/* One token s[0..len): the feature it removes, or NULL if malformed. */
static const struct xfs_feature_info *parse_token(const char *s,
                                                  unsigned int len)
{
    unsigned int eq = index_of(s, len, '=');

    if (eq < len)
        return is_false_word(s + eq + 1, len - eq - 1) ? feature_named(s, eq)
                                                        : NULL;
    if (len > 3 && span_is(s, 3, "no-"))
        return feature_named(s + 3, len - 3);
    return NULL;
}

int xfs_parse_boot_cpuid(const char *arg, struct xfs_hv_options *opts,
                         unsigned int *bad_pos)
{
    uint32_t clear[XFS_NR_WORDS] = { 0 };
    unsigned int pos = 0;

    if (!arg[0])
        return 0;
    for (;;) {
        unsigned int len = token_len(arg + pos);
        const struct xfs_feature_info *fi = parse_token(arg + pos, len);

        if (!fi) {
            if (bad_pos)
                *bad_pos = pos;
            return -1;
        }
        xfs_set(clear, XFS_NR_WORDS, fi->value);
        if (!arg[pos + len])
            break;
        pos += len + 1;
    }
    xfs_or(opts->boot_clear, XFS_NR_WORDS, opts->boot_clear, XFS_NR_WORDS,
           clear, XFS_NR_WORDS);
    return 0;
}
