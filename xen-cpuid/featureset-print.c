/* SPDX-License-Identifier: MIT */
/*
 * Layout facts matched from Xen 4.17's xen-cpuid: set names left-aligned
 * in 24 columns followed by 8 spaces, so that the words line up under the
 * KEY line's word keys; words as 8 hex digits joined by ':'; detail lines
 * "  [NN] <word label, 24 wide>" then, for each set bit, " name" in that
 * tool's spelling or " <bit>" for a bit it has no name for (the library's
 * XLC_BIT_XEN_TOOL).  Only the words that tool knows get a detail line or
 * a key.
 */
#include <stdlib.h>
#include <string.h>

#include "featureset-print.h"
#include "libxl_cpuid/names/featureset-text.h"

#define COL 24

void fsp_set_line(FILE *f, const char *name, const uint32_t *fs,
                  uint32_t len)
{
    char *text = xlc_featureset_format(fs, len);

    fprintf(f, "%-*s        ", COL, name);
    /* No words, no newline: Xen's tool does the same. */
    if (len)
        fprintf(f, "%s\n", text ? text : "(out of memory)");
    free(text);
}

/* The bits set in word w, as Xen's xen-cpuid names them: " a b <5>". */
static void word_features(FILE *f, unsigned int w, uint32_t v)
{
    static const struct xlc_bits_list xen_tool = { XLC_BIT_XEN_TOOL,
                                                   XLC_BITS_ALL, " ", false };
    struct xlc_buf b = XLC_BUF_INIT;

    if (xlc_featureset_word_bits(&b, w, v, &xen_tool))
        fprintf(f, " %s", b.oom ? "(out of memory)" : b.s);
    xlc_buf_free(&b);
}

void fsp_set_detail(FILE *f, const uint32_t *fs, uint32_t len)
{
    char label[64];

    for (uint32_t w = 0; w < len && w < XFS_NR_WORDS; w++) {
        tool_word_label(w, label, sizeof(label));
        fprintf(f, "  [%02u] %-*s", w, COL, label);
        word_features(f, w, fs[w]);
        fputc('\n', f);
    }
}

/* A static mask, zero-extended or cut to the backend's word count. */
static uint32_t *mask_words(enum xfs_mask_kind k, uint32_t nr)
{
    uint32_t *m = calloc(nr ? nr : 1, sizeof(*m));

    if (m)
        xfs_copy(m, nr, xfs_static_masks[k], XFS_NR_WORDS);
    return m;
}

/* The keys of the words this build knows, whatever the backend's count. */
static void key_line(FILE *f)
{
    fprintf(f, "       %*s ", COL, "KEY");
    for (uint32_t w = 0; w < XFS_NR_WORDS; w++)
        fprintf(f, "%-8s ", xfs_words[w].key);
    fputc('\n', f);
}

void fsp_report(FILE *f, const struct tool_featuresets *s,
                const char *backend_desc, bool detail)
{
    fprintf(f, "nr_features: %u\n", s->nr);
    if (!detail)
        key_line(f);
    fprintf(f, "\nStatic sets:\n");
    /* Xen's eight masks; our extra "Inverted" set is not one of them. */
    for (int k = XFS_MASK_KNOWN; k <= XFS_MASK_HVM_HAP_DEF; k++) {
        uint32_t *m = mask_words((enum xfs_mask_kind)k, s->nr);

        if (!m) {
            fprintf(f, "%s: out of memory\n", xfs_mask_names[k]);
            continue;
        }
        fsp_set_line(f, xfs_mask_names[k], m, s->nr);
        if (detail)
            fsp_set_detail(f, m, s->nr);
        free(m);
    }
    fprintf(f, "\nDynamic sets:\n");
    for (unsigned int i = 0; i < TOOL_NR_SETS; i++) {
        if (s->unsupported[i]) {
            fprintf(f, "%s featureset not supported by Xen\n",
                    tool_set_names[i]);
            continue;
        }
        fsp_set_line(f, tool_set_names[i], s->fs[i], s->len[i]);
        if (detail)
            fsp_set_detail(f, s->fs[i], s->len[i]);
    }
    if (backend_desc)
        fprintf(f, "\nBackend: %s\n", backend_desc);
}

/* ---- JSON ---- */

static void json_words(struct xlc_buf *b, const uint32_t *fs, uint32_t len)
{
    char *text = xlc_featureset_format(fs, len);

    xlc_buf_puts(b, "\"featureset\": ");
    xlc_buf_json_str(b, text ? text : "");
    b->oom |= !text;
    free(text);
    xlc_buf_puts(b, ", \"words\": [");
    for (uint32_t i = 0; i < len; i++)
        xlc_buf_printf(b, "%s%u", i ? ", " : "", fs[i]);
    xlc_buf_putc(b, ']');
}

/* A JSON array of word w's bits in `style`. */
static void json_bits(struct xlc_buf *b, uint32_t w, uint32_t v,
                      enum xlc_bit_style style, enum xlc_bits_which which)
{
    const struct xlc_bits_list l = { style, which, ", ", true };

    xlc_buf_putc(b, '[');
    xlc_featureset_word_bits(b, w, v, &l);
    xlc_buf_putc(b, ']');
}

static void json_detail(struct xlc_buf *b, const uint32_t *fs, uint32_t len)
{
    char label[64];

    xlc_buf_puts(b, ", \"detail\": [");
    for (uint32_t w = 0; w < len; w++) {
        tool_word_label(w, label, sizeof(label));
        xlc_buf_printf(b, "%s\n      {\"word\": %u, \"key\": ", w ? "," : "",
                       w);
        xlc_buf_json_str(b, w < XFS_NR_WORDS ? xfs_words[w].key : "???");
        xlc_buf_puts(b, ", \"source\": ");
        xlc_buf_json_str(b, label);
        xlc_buf_printf(b, ", \"value\": \"%08x\", \"features\": ", fs[w]);
        json_bits(b, w, fs[w], XLC_BIT_OURS, XLC_BITS_NAMED);
        xlc_buf_puts(b, ", \"unknown_bits\": ");
        json_bits(b, w, fs[w], XLC_BIT_PLACE, XLC_BITS_UNNAMED);
        xlc_buf_puts(b, ", \"xen_cpuid\": ");
        json_bits(b, w, fs[w], XLC_BIT_XEN_TOOL, XLC_BITS_ALL);
        xlc_buf_puts(b, "}");
    }
    xlc_buf_puts(b, "]");
}

/* One set as an object; `extra` holds more members (", \"k\": v") or "". */
static void json_set(struct xlc_buf *b, const char *name, const uint32_t *fs,
                     uint32_t len, bool detail, bool first, const char *extra)
{
    xlc_buf_printf(b, "%s\n    {\"name\": ", first ? "" : ",");
    xlc_buf_json_str(b, name);
    xlc_buf_printf(b, "%s, ", extra);
    json_words(b, fs, len);
    if (detail)
        json_detail(b, fs, len);
    xlc_buf_putc(b, '}');
}

static void json_static(struct xlc_buf *b, uint32_t nr, bool detail)
{
    xlc_buf_puts(b, ",\n  \"static_sets\": [");
    for (int k = XFS_MASK_KNOWN; k <= XFS_MASK_HVM_HAP_DEF; k++) {
        uint32_t *m = mask_words((enum xfs_mask_kind)k, nr);

        if (!m) {
            b->oom = true;
            return;
        }
        json_set(b, xfs_mask_names[k], m, nr, detail, k == XFS_MASK_KNOWN,
                 "");
        free(m);
    }
    xlc_buf_puts(b, "\n  ]");
}

static void json_dynamic(struct xlc_buf *b, const struct tool_featuresets *s,
                         bool detail)
{
    bool first = true;

    xlc_buf_puts(b, ",\n  \"dynamic_sets\": [");
    for (unsigned int i = 0; i < TOOL_NR_SETS; i++) {
        if (s->unsupported[i]) {
            xlc_buf_printf(b, "%s\n    {\"name\": ", first ? "" : ",");
            xlc_buf_json_str(b, tool_set_names[i]);
            xlc_buf_printf(b, ", \"index\": %u, \"supported\": false}", i);
        } else {
            char extra[64];

            snprintf(extra, sizeof(extra), ", \"index\": %u, "
                     "\"supported\": true", i);
            json_set(b, tool_set_names[i], s->fs[i], s->len[i], detail,
                     first, extra);
        }
        first = false;
    }
    xlc_buf_puts(b, "\n  ]");
}

void fsp_report_json(struct xlc_buf *b, const struct tool_featuresets *s,
                     const xlc_handle *h, bool detail)
{
    static const char *const backend[] = {
        [XLC_BACKEND_AUTO] = "auto", [XLC_BACKEND_XEN] = "xen",
        [XLC_BACKEND_SIM] = "sim",
    };

    xlc_buf_printf(b, "{\n  \"backend\": {\"name\": \"%s\", \"description\": ",
                   backend[xlc_backend_in_use(h)]);
    xlc_buf_json_str(b, xlc_backend_description(h));
    xlc_buf_printf(b, "},\n  \"nr_features\": %u,\n  \"keys\": [", s->nr);
    for (uint32_t w = 0; w < s->nr; w++) {
        xlc_buf_puts(b, w ? ", " : "");
        xlc_buf_json_str(b, w < XFS_NR_WORDS ? xfs_words[w].key : "???");
    }
    xlc_buf_putc(b, ']');
    json_static(b, s->nr, detail);
    json_dynamic(b, s, detail);
    xlc_buf_puts(b, "\n}\n");
}
