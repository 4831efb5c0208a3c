/* SPDX-License-Identifier: MIT */
/*
 * xen-cpuid explain NAME...: everything the annotated list and the
 * dependency table say about a feature.
 *
 * NAME is a feature name in any spelling xlc_feature_lookup_bits()
 * accepts (Xen's xen-cpuid spellings included, some of which name bits
 * that are no featureset feature, and "ppin" which names two), or a bit as
 * decode prints unnamed ones: "W*32+B" (brackets optional) or a plain
 * feature number.  All arguments are resolved before anything is printed.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libxl_cpuid/names/featureset-text.h"
#include "libxl_cpuid/util/strbuf.h"
#include "tool.h"
#include "xen/lib/featureset.h"

/* Bounds for numeric input: far beyond any word Xen will define. */
#define MAX_WORD 1023u

static const char *const reg_names[] = {
    [XFS_EAX] = "EAX", [XFS_EBX] = "EBX", [XFS_ECX] = "ECX",
    [XFS_EDX] = "EDX", [XFS_MSR_LO] = "bits 0-31", [XFS_MSR_HI] = "bits 32-63",
};

static const char *guest_meaning(char g)
{
    switch (g) {
    case 'A': return "PV and HVM guests, on by default";
    case 'a': return "PV and HVM guests, opt-in (max policy only)";
    case 'S': return "HVM guests (shadow or HAP paging), on by default";
    case 's': return "HVM guests (shadow or HAP paging), opt-in";
    case 'H': return "HVM guests with HAP only, on by default";
    case 'h': return "HVM guests with HAP only, opt-in";
    default: return "never offered to guests";
    }
}

/* ---- argument parsing ---- */

static bool parse_uint(const char **p, unsigned int *out, unsigned int max)
{
    unsigned long v = 0;
    const char *s = *p;

    if (*s < '0' || *s > '9')
        return false;
    for (; *s >= '0' && *s <= '9'; s++) {
        v = v * 10 + (unsigned long)(*s - '0');
        if (v > max)
            return false;
    }
    *out = (unsigned int)v;
    *p = s;
    return true;
}

/* "W*32+B", "[W*32+B]" or "N"; false if arg is not of that form. */
static bool parse_bit(const char *arg, unsigned int *value)
{
    const char *p = arg;
    bool bracket = *p == '[';
    unsigned int w, b;

    p += bracket;
    if (!parse_uint(&p, &w, (MAX_WORD + 1) * 32 - 1))
        return false;
    if (!strncmp(p, "*32+", 4)) {
        p += 4;
        if (w > MAX_WORD || !parse_uint(&p, &b, 31))
            return false;
        w = w * 32 + b;
    }
    if (bracket && *p++ != ']')
        return false;
    if (*p)
        return false;
    *value = w;
    return true;
}

/* No name stands for more bits than this. */
#define MAX_BITS_PER_NAME 4

/* The bits arg stands for, into values[]; how many, or -1 (reported). */
static int resolve(const struct tool *t, const char *arg,
                   unsigned int values[MAX_BITS_PER_NAME])
{
    xlc_error err = { 0 };
    int r;

    if (parse_bit(arg, &values[0]))
        return 1;
    r = xlc_feature_lookup_bits(arg, values, MAX_BITS_PER_NAME, &err);
    if (r < 0) {
        tool_err(t, "%s", err.msg);
        return -1;
    }
    return r < MAX_BITS_PER_NAME ? r : MAX_BITS_PER_NAME;
}

/* ---- what to say ---- */

/* Every feature whose deep dependents include `value`: what it needs. */
static void depends_on(unsigned int value, uint32_t out[XFS_NR_WORDS])
{
    memset(out, 0, XFS_NR_WORDS * sizeof(*out));
    for (unsigned int i = 0; i < xfs_nr_features; i++) {
        const uint32_t *deps = xfs_lookup_deep_deps(xfs_features[i].value);

        if (deps && xfs_test(deps, XFS_NR_WORDS, value))
            xfs_set(out, XFS_NR_WORDS, xfs_features[i].value);
    }
}

static void word_source(struct xlc_buf *b, unsigned int w)
{
    const struct xfs_word_info *wi = &xfs_words[w];

    if (wi->src == XFS_SRC_MSR) {
        xlc_buf_printf(b, "MSR 0x%08x %s", wi->leaf, reg_names[wi->reg]);
        return;
    }
    xlc_buf_printf(b, "CPUID 0x%08x", wi->leaf);
    if (wi->subleaf != XFS_NO_SUBLEAF)
        xlc_buf_printf(b, ".%u", wi->subleaf);
    xlc_buf_printf(b, " %s", reg_names[wi->reg]);
}

/* Xen's names of the set bits, space-separated; unnamed bits counted. */
static void name_list(struct xlc_buf *b, const uint32_t *set, bool json)
{
    const struct xlc_bits_list named = { XLC_BIT_XEN, XLC_BITS_NAMED,
                                         json ? "," : " ", json };
    unsigned int unnamed = 0;
    size_t n;

    for (unsigned int v = 0; v < XFS_NR_FEATURE_BITS; v++)
        unnamed += xfs_test(set, XFS_NR_WORDS, v) && !xlc_feature_name(v);
    if (json)
        xlc_buf_putc(b, '[');
    n = xlc_featureset_bits(b, set, XFS_NR_WORDS, &named);
    if (json)
        xlc_buf_putc(b, ']');
    else if (!n && !unnamed)
        xlc_buf_puts(b, "-");
    else if (unnamed)
        xlc_buf_printf(b, "%s(+%u unnamed bit%s)", n ? " " : "", unnamed,
                       unnamed == 1 ? "" : "s");
}

/* Unnamed bits of a set, as a JSON array of "W*32+B" strings. */
static void json_unnamed(struct xlc_buf *b, const uint32_t *set)
{
    static const struct xlc_bits_list unnamed = { XLC_BIT_PLACE,
                                                  XLC_BITS_UNNAMED, ",", true };

    xlc_buf_putc(b, '[');
    xlc_featureset_bits(b, set, XFS_NR_WORDS, &unnamed);
    xlc_buf_putc(b, ']');
}

static void mask_list(struct xlc_buf *b, unsigned int v, bool json)
{
    bool first = true;

    if (json)
        xlc_buf_putc(b, '[');
    for (unsigned int k = 0; k < XFS_MASK_NR; k++) {
        if (!xfs_test(xfs_static_masks[k], XFS_NR_WORDS, v))
            continue;
        if (!first)
            xlc_buf_puts(b, json ? "," : ", ");
        first = false;
        if (json)
            xlc_buf_json_str(b, xfs_mask_names[k]);
        else
            xlc_buf_puts(b, xfs_mask_names[k]);
    }
    if (json)
        xlc_buf_putc(b, ']');
    else if (first)
        xlc_buf_putc(b, '-');
}

static void alias_list(struct xlc_buf *b, unsigned int v, bool json)
{
    bool first = true;

    if (json)
        xlc_buf_putc(b, '[');
    for (size_t i = 0; i < xlc_nr_feature_aliases; i++) {
        if (xlc_feature_aliases[i].value != v)
            continue;
        if (!first)
            xlc_buf_puts(b, json ? "," : ", ");
        first = false;
        if (json)
            xlc_buf_json_str(b, xlc_feature_aliases[i].alias);
        else
            xlc_buf_puts(b, xlc_feature_aliases[i].alias);
    }
    if (json)
        xlc_buf_putc(b, ']');
    else if (first)
        xlc_buf_putc(b, '-');
}

/* ---- Xen's xen-cpuid spelling ---- */

/*
 * The other bits Xen's xen-cpuid prints under v's spelling: "fpu" is also
 * AMD's copy of FPU, "ppin" both AMD_PPIN and INTEL_PPIN.
 */
static void same_spelling(struct xlc_buf *b, unsigned int v, bool json)
{
    char mine[XLC_FEATURE_NAME_MAX], other[XLC_FEATURE_NAME_MAX];
    char place[XLC_BIT_TEXT_MAX];
    const char *spelling = xlc_xen_tool_name(v, mine);
    bool first = true;

    for (unsigned int u = 0; spelling && u < XFS_NR_FEATURE_BITS; u++) {
        const char *o = u == v ? NULL : xlc_xen_tool_name(u, other);
        const char *name = xlc_feature_name(u);

        if (!o || strcmp(o, spelling))
            continue;
        xlc_bit_text(u, XLC_BIT_PLACE, place);
        if (json)
            xlc_buf_printf(b, "%s\"%s\"", first ? "" : ",", place);
        else
            xlc_buf_printf(b, "%s%s, %s", first ? " (also printed for " : "; ",
                           place, name ? name : "AMD's copy");
        first = false;
    }
    if (!json && !first)
        xlc_buf_putc(b, ')');
}

/* "  xen-cpuid   sse41" */
static void xen_tool_line(struct xlc_buf *b, unsigned int v)
{
    char buf[XLC_FEATURE_NAME_MAX];
    const char *spelling = xlc_xen_tool_name(v, buf);

    xlc_buf_printf(b, "  xen-cpuid   %s", spelling ? spelling : "-");
    same_spelling(b, v, false);
    xlc_buf_putc(b, '\n');
}

/* "  word ... bit ... value ..." of a bit this build knows the word of. */
static void text_place(struct xlc_buf *b, unsigned int v)
{
    char place[XLC_BIT_TEXT_MAX];

    xlc_buf_printf(b, "  word        %u (%s: ", v / 32, xfs_words[v / 32].key);
    word_source(b, v / 32);
    xlc_buf_printf(b, ")\n  bit         %u\n  value       %u (%s)\n", v % 32,
                   v, xlc_bit_text(v, XLC_BIT_PLACE, place));
}

/* A bit Xen's xen-cpuid names but the featureset does not have. */
static void text_other_bit(struct xlc_buf *b, unsigned int v,
                           const struct xlc_xen_tool_spelling *sp)
{
    char place[XLC_BIT_TEXT_MAX], orig_place[XLC_BIT_TEXT_MAX];
    unsigned int orig = v - 2 * 32;

    xlc_bit_text(v, XLC_BIT_PLACE, place);
    if (sp->amd_copy)
        xlc_buf_printf(b, "%s [%s]: AMD's copy of %s (%s)\n", sp->spelling,
                       place, xlc_feature_name(orig),
                       xlc_bit_text(orig, XLC_BIT_PLACE, orig_place));
    else
        xlc_buf_printf(b, "%s [%s]: %s\n", sp->spelling, place, sp->what);
    text_place(b, v);
    if (sp->amd_copy)
        xlc_buf_printf(b, "  featureset  no: AMD and Hygon CPUs repeat %s "
                          "here; a guest of theirs sees this bit exactly "
                          "when its policy has %s\n",
                       xlc_feature_name(orig), xlc_feature_name(orig));
    else
        xlc_buf_puts(b, "  featureset  no: Xen's xen-cpuid names this bit, "
                        "but no guest is ever offered it\n");
    xen_tool_line(b, v);
}

static void text_one(struct xlc_buf *b, unsigned int v)
{
    const struct xfs_feature_info *fi = xfs_feature_by_value(v);
    unsigned int w = v / 32;
    uint32_t needs[XFS_NR_WORDS];
    const uint32_t *dependents;
    char lower[XLC_FEATURE_NAME_MAX], text[XLC_BIT_TEXT_MAX];

    if (!fi && xlc_xen_tool_other_bit(v)) {
        text_other_bit(b, v, xlc_xen_tool_other_bit(v));
        return;
    }
    if (!fi) {
        xlc_buf_printf(b, "%s: no feature of this build has this bit\n",
                       xlc_bit_text(v, XLC_BIT_OURS, text));
        if (w < XFS_NR_WORDS) {
            xlc_buf_printf(b, "  word        %u (%s: ", w, xfs_words[w].key);
            word_source(b, w);
            xlc_buf_puts(b, ")\n");
        } else
            xlc_buf_printf(b, "  word        %u (beyond the %d words this "
                              "build knows)\n", w, XFS_NR_WORDS);
        return;
    }
    xlc_buf_printf(b, "%s (%s): %s\n", fi->name,
                   xlc_feature_name_lower(v, lower), fi->description);
    text_place(b, v);
    xlc_buf_printf(b, "  guest       %c: %s\n", fi->guest ? fi->guest : '_',
                   guest_meaning(fi->guest));
    xlc_buf_printf(b, "  special     %s\n",
                   fi->flags & XCF_SPECIAL
                       ? "yes: Xen computes this bit and may override it"
                       : "no");
    xlc_buf_printf(b, "  inverted    %s\n",
                   fi->flags & XCF_INVERTED
                       ? "yes: set means less capability; levelled by union"
                       : "no");
    xlc_buf_printf(b, "  platform    %s\n",
                   fi->flags & XCF_PLATFORM
                       ? "yes: the virtual platform's; a CPU model does not "
                         "take it away"
                       : "no");
    xlc_buf_puts(b, "  masks       ");
    mask_list(b, v, false);
    xlc_buf_puts(b, "\n  aliases     ");
    alias_list(b, v, false);
    xlc_buf_putc(b, '\n');
    xen_tool_line(b, v);
    depends_on(v, needs);
    xlc_buf_puts(b, "  needs       ");
    name_list(b, needs, false);
    dependents = xfs_lookup_deep_deps(v);
    xlc_buf_puts(b, "\n  needed by   ");
    if (dependents)
        name_list(b, dependents, false);
    else
        xlc_buf_putc(b, '-');
    xlc_buf_putc(b, '\n');
}

static void json_word(struct xlc_buf *b, unsigned int w)
{
    if (w >= XFS_NR_WORDS) {
        xlc_buf_puts(b, ",\"key\":null,\"source\":null");
        return;
    }
    xlc_buf_puts(b, ",\"key\":");
    xlc_buf_json_str(b, xfs_words[w].key);
    xlc_buf_puts(b, ",\"source\":\"");
    word_source(b, w);
    xlc_buf_putc(b, '"');
}

/* What a bit without a feature is, when Xen's xen-cpuid names it. */
static void json_other_bit(struct xlc_buf *b, unsigned int v)
{
    const struct xlc_xen_tool_spelling *sp = xlc_xen_tool_other_bit(v);

    xlc_buf_puts(b, ",\"what\":");
    if (sp && sp->what)
        xlc_buf_json_str(b, sp->what);
    else
        xlc_buf_puts(b, "null");
    xlc_buf_puts(b, ",\"amd_copy_of\":");
    if (sp && sp->amd_copy)
        xlc_buf_json_str(b, xlc_feature_name(v - 2 * 32));
    else
        xlc_buf_puts(b, "null");
}

static void json_one(struct xlc_buf *b, const char *arg, unsigned int v)
{
    const struct xfs_feature_info *fi = xfs_feature_by_value(v);
    static const uint32_t none[XFS_NR_WORDS];
    uint32_t needs[XFS_NR_WORDS];
    const uint32_t *dependents;
    char lower[XLC_FEATURE_NAME_MAX];
    const char *spelling;

    xlc_buf_puts(b, "{\"query\":");
    xlc_buf_json_str(b, arg);
    xlc_buf_printf(b, ",\"value\":%u,\"word\":%u,\"bit\":%u", v, v / 32,
                   v % 32);
    json_word(b, v / 32);
    xlc_buf_puts(b, ",\"xen_cpuid\":");
    spelling = xlc_xen_tool_name(v, lower);
    if (spelling)
        xlc_buf_json_str(b, spelling);
    else
        xlc_buf_puts(b, "null");
    xlc_buf_puts(b, ",\"xen_cpuid_same_spelling\":[");
    same_spelling(b, v, true);
    xlc_buf_printf(b, "],\"featureset\":%s", fi ? "true" : "false");
    if (!fi) {
        json_other_bit(b, v);
        xlc_buf_puts(b, ",\"name\":null}");
        return;
    }
    xlc_buf_puts(b, ",\"name\":");
    xlc_buf_json_str(b, fi->name);
    xlc_buf_puts(b, ",\"display_name\":");
    xlc_buf_json_str(b, xlc_feature_name_lower(v, lower));
    xlc_buf_puts(b, ",\"description\":");
    xlc_buf_json_str(b, fi->description);
    xlc_buf_printf(b, ",\"guest\":\"%c\",\"guest_meaning\":",
                   fi->guest ? fi->guest : '_');
    xlc_buf_json_str(b, guest_meaning(fi->guest));
    xlc_buf_printf(b, ",\"special\":%s,\"inverted\":%s,\"platform\":%s,"
                      "\"masks\":",
                   fi->flags & XCF_SPECIAL ? "true" : "false",
                   fi->flags & XCF_INVERTED ? "true" : "false",
                   fi->flags & XCF_PLATFORM ? "true" : "false");
    mask_list(b, v, true);
    xlc_buf_puts(b, ",\"aliases\":");
    alias_list(b, v, true);
    depends_on(v, needs);
    xlc_buf_puts(b, ",\"depends_on\":");
    name_list(b, needs, true);
    dependents = xfs_lookup_deep_deps(v);
    if (!dependents)
        dependents = none;
    xlc_buf_puts(b, ",\"dependents\":");
    name_list(b, dependents, true);
    xlc_buf_puts(b, ",\"dependents_unnamed\":");
    json_unnamed(b, dependents);
    xlc_buf_putc(b, '}');
}

int cmd_explain(struct tool *t)
{
    struct xlc_buf b = XLC_BUF_INIT;
    unsigned int *values, *nr;
    int rc = EXIT_OK;
    bool first = true;
    char *out;

    if (t->argc < 1)
        return tool_usage(t, "expected NAME... (a feature name, or "
                          "W*32+B)");
    values = calloc((size_t)t->argc * MAX_BITS_PER_NAME, sizeof(*values));
    nr = calloc((size_t)t->argc, sizeof(*nr));
    if (!values || !nr) {
        free(values);
        free(nr);
        tool_err(t, "out of memory");
        return EXIT_INTERNAL;
    }
    /* Report every bad name, not just the first. */
    for (int i = 0; i < t->argc; i++) {
        int n = resolve(t, t->argv[i], &values[i * MAX_BITS_PER_NAME]);

        if (n < 0)
            rc = EXIT_INPUT;
        else
            nr[i] = (unsigned int)n;
    }
    if (t->json && rc == EXIT_OK)
        xlc_buf_putc(&b, '[');
    for (int i = 0; i < t->argc && rc == EXIT_OK; i++)
        for (unsigned int k = 0; k < nr[i]; k++) {
            unsigned int v = values[i * MAX_BITS_PER_NAME + k];

            if (!first)
                xlc_buf_putc(&b, t->json ? ',' : '\n');
            first = false;
            if (t->json)
                json_one(&b, t->argv[i], v);
            else
                text_one(&b, v);
        }
    free(values);
    free(nr);
    if (rc != EXIT_OK)
        return rc;
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
