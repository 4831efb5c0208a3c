/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feature-names.h"
#include "featureset-text.h"
#include "../util/escape.h"
#include "../util/strbuf.h"
#include "xen/lib/featureset.h"

#define WORD_CHARS 8
/* How much of an offending word an error message quotes. */
#define QUOTE_MAX 24

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Why a word is not valid, or NULL when it is. */
static const char *word_problem(const char *s, size_t len)
{
    if (len == 0)
        return "empty (expected 8 hex digits)";
    for (size_t i = 0; i < len; i++)
        if (is_space(s[i]))
            return "white space inside the featureset";
    if (len != WORD_CHARS)
        return len < WORD_CHARS ? "fewer than 8 hex digits"
                                : "more than 8 hex digits";
    for (size_t i = 0; i < len; i++)
        if (hex_value(s[i]) < 0)
            return "not 8 hex digits";
    return NULL;
}

static uint32_t word_value(const char *s)
{
    uint32_t v = 0;

    for (size_t i = 0; i < WORD_CHARS; i++)
        v = (v << 4) | (uint32_t)hex_value(s[i]);
    return v;
}

const struct xlc_input_limits xlc_featureset_limits = {
    "a featureset", XLC_FEATURESET_MAX_BYTES, XLC_FEATURESET_MAX_BYTES,
};

int xlc_featureset_parse(const char *text, uint32_t **words, size_t *nr,
                         xlc_error *err)
{
    const char *start, *end, *p;
    size_t count = 1, i = 0;
    uint32_t *out;

    if (!text)
        return xlc_fail(err, EINVAL, "no featureset given");
    if (strnlen(text, XLC_FEATURESET_MAX_BYTES + 1) > XLC_FEATURESET_MAX_BYTES)
        return xlc_fail(err, E2BIG, "longer than %u KiB, the limit for a "
                        "featureset", XLC_FEATURESET_MAX_BYTES >> 10);
    for (start = text; is_space(*start); start++)
        ;
    for (end = start + strlen(start); end > start && is_space(end[-1]); end--)
        ;
    if (start == end)
        return xlc_fail(err, EINVAL,
                        "empty featureset: expected words of 8 hex digits "
                        "separated by ':'");
    for (p = start; p < end; p++)
        count += *p == ':';

    /* Validate everything before allocating. */
    for (p = start; i < count; i++) {
        const char *colon = memchr(p, ':', (size_t)(end - p));
        size_t len = (size_t)((colon ? colon : end) - p);
        const char *why = word_problem(p, len);

        if (why) {
            char q[QUOTE_MAX * 6 + 4];

            return xlc_fail(err, EINVAL, "featureset word %zu '%s': %s",
                            i + 1, xlc_quote(q, sizeof(q), p, len, QUOTE_MAX,
                                             "'"),
                            why);
        }
        p += len + 1;
    }

    out = malloc(count * sizeof(*out));
    if (!out)
        return xlc_fail(err, ENOMEM, "out of memory for %zu featureset words",
                        count);
    for (i = 0, p = start; i < count; i++, p += WORD_CHARS + 1)
        out[i] = word_value(p);
    *words = out;
    *nr = count;
    return 0;
}

void xlc_featureset_put(struct xlc_buf *b, const uint32_t *words, size_t nr)
{
    for (size_t i = 0; i < nr; i++)
        xlc_buf_printf(b, "%s%08x", i ? ":" : "", words[i]);
}

char *xlc_featureset_format(const uint32_t *words, size_t nr)
{
    struct xlc_buf b = XLC_BUF_INIT;

    xlc_featureset_put(&b, words, nr);
    return xlc_buf_take(&b);
}

/* One word's bits, after `done` items already written with the same sep. */
static size_t word_bits(struct xlc_buf *b, size_t index, uint32_t bits,
                        const struct xlc_bits_list *l, size_t done)
{
    size_t n = 0;

    if (l->style == XLC_BIT_XEN_TOOL && index >= XFS_NR_WORDS)
        return 0;
    /* Only the set bits are looked up: reports list thousands of sets. */
    for (uint32_t left = bits; left; left &= left - 1) {
        unsigned int bit = (unsigned int)__builtin_ctz(left);
        unsigned int v = (unsigned int)index * 32 + bit;
        char text[XLC_BIT_TEXT_MAX];
        bool named = index < XFS_NR_WORDS && xlc_feature_name(v);

        if ((l->which == XLC_BITS_NAMED && !named) ||
            (l->which == XLC_BITS_UNNAMED && named))
            continue;
        xlc_bit_text(v, l->style, text);
        xlc_buf_puts(b, done + n++ ? l->sep : "");
        if (l->json)
            xlc_buf_json_str(b, text);
        else
            xlc_buf_puts(b, text);
    }
    return n;
}

size_t xlc_featureset_word_bits(struct xlc_buf *b, size_t index,
                                uint32_t bits, const struct xlc_bits_list *l)
{
    return word_bits(b, index, bits, l, 0);
}

size_t xlc_featureset_bits(struct xlc_buf *b, const uint32_t *fs, size_t nr,
                           const struct xlc_bits_list *l)
{
    size_t n = 0;

    for (size_t w = 0; w < nr; w++)
        n += word_bits(b, w, fs[w], l, n);
    return n;
}
