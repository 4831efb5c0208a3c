/* SPDX-License-Identifier: MIT */
/*
 * Featureset strings, two ways:
 *  - xen-cpuid decode FEATURESET...: ours.  Strict syntax (8 hex digits
 *    per word); every featureset is parsed before anything is printed, so
 *    bad input produces an error and no partial output.
 *  - xen-cpuid FEATURESET...: Xen's (xen_decode_args), read and shown as
 *    Xen 4.17's xen-cpuid does, warnings and all.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "libxl_cpuid/names/featureset-text.h"
#include "libxl_cpuid/util/strbuf.h"
#include "featureset-print.h"
#include "info-common.h"
#include "tool.h"
#include "xen/lib/featureset.h"

struct parsed {
    uint32_t *words;
    size_t nr;
};

static const char *word_key(size_t w)
{
    return w < XFS_NR_WORDS ? xfs_words[w].key : NULL;
}

static void text_one(struct xlc_buf *b, size_t n, const struct parsed *fs)
{
    static const struct xlc_bits_list ours = { XLC_BIT_OURS, XLC_BITS_ALL,
                                               " ", false };

    xlc_buf_printf(b, "featureset %zu: %zu word%s%s\n", n + 1, fs->nr,
                   fs->nr == 1 ? "" : "s",
                   fs->nr > XFS_NR_WORDS ? " (more than this build knows)"
                                         : "");
    for (size_t w = 0; w < fs->nr; w++) {
        char unknown_key[24];
        const char *key = word_key(w);

        if (!key) {
            snprintf(unknown_key, sizeof(unknown_key), "[%zu]", w);
            key = unknown_key;
        }
        xlc_buf_printf(b, "  [%02zu] %-6s %08x ", w, key, fs->words[w]);
        if (!xlc_featureset_word_bits(b, w, fs->words[w], &ours))
            xlc_buf_putc(b, '-');
        xlc_buf_putc(b, '\n');
    }
}

/* A JSON array of a word's bits as `l` shows them. */
static void json_bits(struct xlc_buf *b, size_t w, uint32_t bits,
                      enum xlc_bit_style style, enum xlc_bits_which which)
{
    const struct xlc_bits_list l = { style, which, ",", true };

    xlc_buf_putc(b, '[');
    xlc_featureset_word_bits(b, w, bits, &l);
    xlc_buf_putc(b, ']');
}

static void json_one(struct xlc_buf *b, const char *input,
                     const struct parsed *fs)
{
    xlc_buf_puts(b, "{\"input\":");
    xlc_buf_json_str(b, input);
    xlc_buf_printf(b, ",\"nr_words\":%zu,\"known_words\":%d,\"words\":[",
                   fs->nr, XFS_NR_WORDS);
    for (size_t w = 0; w < fs->nr; w++) {
        const char *key = word_key(w);

        xlc_buf_printf(b, "%s{\"index\":%zu,\"key\":", w ? "," : "", w);
        if (key)
            xlc_buf_json_str(b, key);
        else
            xlc_buf_puts(b, "null");
        xlc_buf_printf(b, ",\"value\":\"%08x\",\"features\":", fs->words[w]);
        json_bits(b, w, fs->words[w], XLC_BIT_OURS, XLC_BITS_NAMED);
        xlc_buf_puts(b, ",\"unknown_bits\":");
        json_bits(b, w, fs->words[w], XLC_BIT_PLACE, XLC_BITS_UNNAMED);
        xlc_buf_puts(b, ",\"xen_cpuid\":");
        json_bits(b, w, fs->words[w], XLC_BIT_XEN_TOOL, XLC_BITS_ALL);
        xlc_buf_putc(b, '}');
    }
    xlc_buf_puts(b, "]}");
}

static int print_all(struct tool *t, const struct parsed *fs)
{
    struct xlc_buf b = XLC_BUF_INIT;
    char *out;

    if (t->json)
        xlc_buf_putc(&b, '[');
    for (int i = 0; i < t->argc; i++) {
        if (t->json) {
            if (i)
                xlc_buf_putc(&b, ',');
            json_one(&b, t->argv[i], &fs[i]);
        } else {
            if (i)
                xlc_buf_putc(&b, '\n');
            text_one(&b, (size_t)i, &fs[i]);
        }
    }
    if (t->json)
        xlc_buf_puts(&b, "]\n");
    out = xlc_buf_take(&b);
    if (!out) {
        tool_err(t, "out of memory");
        return EXIT_INTERNAL;
    }
    fputs(out, stdout);
    free(out);
    return EXIT_OK;
}

int cmd_decode(struct tool *t)
{
    struct parsed *fs;
    int rc = EXIT_OK;

    if (t->argc < 1)
        return tool_usage(t, "expected FEATURESET... (words of 8 hex "
                          "digits separated by ':')");
    fs = calloc((size_t)t->argc, sizeof(*fs));
    if (!fs) {
        tool_err(t, "out of memory");
        return EXIT_INTERNAL;
    }
    for (int i = 0; i < t->argc && rc == EXIT_OK; i++) {
        xlc_error err = { 0 };
        int r = xlc_featureset_parse(t->argv[i], &fs[i].words, &fs[i].nr,
                                     &err);

        if (r < 0) {
            tool_err(t, "argument %d: %s", i + 1, err.msg);
            rc = tool_exit_for(r);
        }
    }
    if (rc == EXIT_OK)
        rc = print_all(t, fs);
    for (int i = 0; i < t->argc; i++)
        free(fs[i].words);
    free(fs);
    return rc;
}

/*
 * Xen's reading of one argument: words as scanf's %x reads them (leading
 * blanks, a sign and a 0x prefix allowed; wider values truncated) joined by
 * ':', at most the words this build knows.  Returns how many were read;
 * *rest is what was left unread.
 */
static unsigned int xen_words(const char *arg, uint32_t fs[XFS_NR_WORDS],
                              const char **rest)
{
    const char *p = arg;
    unsigned int n = 0, w;
    int used;

    while (sscanf(p, "%x%n", &w, &used) == 1) {
        fs[n++] = w;
        p += used;
        if (n == XFS_NR_WORDS || *p != ':')
            break;
        p++;
    }
    *rest = p;
    return n;
}

int xen_decode_args(int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        uint32_t fs[XFS_NR_WORDS] = { 0 };
        const char *rest;
        unsigned int n = xen_words(argv[i], fs, &rest);

        if (!n) {
            fprintf(stderr, "'%s' unrecognized - skipping\n", rest);
            continue;
        }
        if (*rest)
            fprintf(stderr, "'%s' unrecognized - ignoring\n", rest);
        fsp_set_line(stdout, "Raw", fs, n);
        fsp_set_detail(stdout, fs, n);
    }
    return EXIT_OK;
}
