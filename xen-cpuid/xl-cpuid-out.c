/* SPDX-License-Identifier: MIT */
/*
 * The report of `xen-cpuid xl-cpuid`: the list libxl would build, the
 * guest featureset it gives on this host and how that differs from the
 * default, by libxl name; and, for registers that are not featureset
 * words (family, model, leaf 6, ...), the default and resulting values:
 * those apply to the policy, not to the featureset.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../libxl_cpuid/featureset-text.h"
#include "xl-cpuid-out.h"

#define N XFS_NR_WORDS

/* " name name ..." (text) or ["name",...] (JSON) of a bitmap. */
static void names(struct xlc_buf *b, const uint32_t bits[N], bool json)
{
    bool first = true;

    if (json)
        xlc_buf_putc(b, '[');
    for (unsigned int v = 0; v < N * 32; v++) {
        char name[48];
        const char *s = xlc_xl_feature_name(v, name, sizeof(name));

        if (!xfs_test(bits, N, v))
            continue;
        if (!s) {
            snprintf(name, sizeof(name), "word %u bit %u", v / 32, v % 32);
            s = name;
        }
        if (json) {
            xlc_buf_puts(b, first ? "" : ",");
            xlc_buf_json_str(b, s);
        } else {
            xlc_buf_printf(b, " %s", s);
        }
        first = false;
    }
    if (json)
        xlc_buf_putc(b, ']');
    else if (first)
        xlc_buf_puts(b, " -");
}

static void featureset(struct xlc_buf *b, const uint32_t fs[N])
{
    char *s = xlc_featureset_format(fs, N);

    xlc_buf_puts(b, s ? s : "(out of memory)");
    free(s);
}

static bool is_word(uint32_t leaf, uint32_t subleaf, int reg)
{
    for (unsigned int w = 0; w < N; w++)
        if (xfs_words[w].src == XFS_SRC_CPUID && xfs_words[w].leaf == leaf &&
            xfs_words[w].subleaf == subleaf && (int)xfs_words[w].reg == reg)
            return true;
    return false;
}

/* The bits of a register a mask forces (anything but 'x'). */
static uint32_t touched(const char *mask)
{
    uint32_t bits = 0;

    for (unsigned int i = 0; i < XLC_XL_REG_CHARS; i++)
        if (mask[i] != 'x')
            bits |= 1u << (31 - i);
    return bits;
}

/* The bits libxl's table row writes (family and model are split). */
static uint32_t row_bits(const struct xlc_xl_name *n)
{
    if (!strcmp(n->name, "family"))
        return 0x0ff00f00u;
    if (!strcmp(n->name, "model"))
        return 0x000f00f0u;
    return (n->width >= 32 ? 0xffffffffu : ((1u << n->width) - 1)) << n->bit;
}

/* Names of the table rows a policy-only register's bits belong to. */
static void row_names(struct xlc_buf *b, const struct xlc_xl_cpuid_entry *e,
                      int reg, uint32_t bits, bool json)
{
    bool first = true;

    for (size_t i = 0; i < xlc_xl_nr_names; i++) {
        const struct xlc_xl_name *n = &xlc_xl_names[i];

        if (n->leaf != e->leaf || n->subleaf != e->subleaf ||
            (int)n->reg != reg || !(row_bits(n) & bits))
            continue;
        if (json) {
            xlc_buf_puts(b, first ? "" : ",");
            xlc_buf_json_str(b, n->name);
        } else {
            xlc_buf_printf(b, "%s%s", first ? " (" : ", ", n->name);
        }
        first = false;
    }
    if (!json && !first)
        xlc_buf_putc(b, ')');
}

static uint32_t reg_value(const struct xfs_cpu_policy *p, uint32_t leaf,
                          uint32_t subleaf, int reg, bool *found)
{
    const struct xfs_cpuid_regs *r = xfs_policy_slot_c(p, leaf, subleaf);

    *found = r != NULL;
    if (!r)
        return 0;
    return reg == 0 ? r->a : reg == 1 ? r->b : reg == 2 ? r->c : r->d;
}

/* Every register mask of the list that is not a featureset word. */
static void policy_regs(struct xlc_buf *b, const struct xl_report *r,
                        bool json)
{
    bool first = true;

    for (size_t i = 0; i < r->list->nr_cpuid; i++) {
        const struct xlc_xl_cpuid_entry *e = &r->list->cpuid[i];

        for (int reg = 0; reg < 4; reg++) {
            uint32_t bits, def, guest;
            bool f1, f2;

            if (!e->policy[reg] || is_word(e->leaf, e->subleaf, reg) ||
                !(bits = touched(e->policy[reg])))
                continue;
            def = reg_value(r->def_policy, e->leaf, e->subleaf, reg, &f1);
            guest = reg_value(&r->applied->policy, e->leaf, e->subleaf, reg,
                              &f2);
            if (json) {
                xlc_buf_printf(b, "%s{\"leaf\":%u,\"subleaf\":", first ? "" : ",",
                               e->leaf);
                if (e->subleaf == XLC_XL_NO_SUBLEAF)
                    xlc_buf_puts(b, "null");
                else
                    xlc_buf_printf(b, "%u", e->subleaf);
                xlc_buf_printf(b, ",\"reg\":\"%s\",\"bits\":%u,\"default\":%u,"
                                  "\"guest\":%u,\"names\":[",
                               xlc_reg_name((enum xfs_reg)reg), bits, def,
                               guest);
                row_names(b, e, reg, bits, true);
                xlc_buf_puts(b, "]}");
            } else {
                xlc_buf_printf(b, "  leaf 0x%08x", e->leaf);
                if (e->subleaf != XLC_XL_NO_SUBLEAF)
                    xlc_buf_printf(b, " subleaf %u", e->subleaf);
                xlc_buf_printf(b, " %s", xlc_reg_name((enum xfs_reg)reg));
                row_names(b, e, reg, bits, false);
                xlc_buf_printf(b, ": 0x%08x -> 0x%08x\n", def, guest);
            }
            first = false;
        }
    }
}

static bool has_policy_regs(const struct xlc_xl_cpuid *l)
{
    for (size_t i = 0; i < l->nr_cpuid; i++)
        for (int reg = 0; reg < 4; reg++)
            if (l->cpuid[i].policy[reg] &&
                !is_word(l->cpuid[i].leaf, l->cpuid[i].subleaf, reg) &&
                touched(l->cpuid[i].policy[reg]))
                return true;
    return false;
}

static void diff(const struct xl_report *r, uint32_t added[N],
                 uint32_t removed[N])
{
    const struct xlc_xl_applied *a = r->applied;

    xfs_andnot(added, N, a->fs, N, a->def, N);
    xfs_andnot(removed, N, a->def, N, a->fs, N);
    /* Dependents are listed on their own line. */
    xfs_andnot(removed, N, removed, N, a->deps_cleared, N);
}

void xl_report_text(struct xlc_buf *b, const struct xl_report *r)
{
    const struct xlc_xl_applied *a = r->applied;
    uint32_t added[N], removed[N];

    diff(r, added, removed);
    xlc_buf_printf(b, "form:         %s\nlibxl list:   ",
                   r->xend ? "xend" : "libxl");
    xlc_xl_cpuid_json(b, r->list);
    xlc_buf_putc(b, '\n');
    xlc_xl_cpuid_text(b, r->list);
    for (size_t i = 0; i < r->notes->nr; i++)
        xlc_buf_printf(b, "%s %s\n", i ? "             " : "notes:       ",
                       r->notes->v[i]);
    xlc_buf_printf(b, "host:         %s\nguest type:   %s\n", r->source,
                   xlc_guest_type_name(r->type));
    xlc_buf_puts(b, "featureset:   ");
    featureset(b, a->fs);
    xlc_buf_puts(b, "\ndefault:      ");
    featureset(b, a->def);
    xlc_buf_puts(b, "\nadded:       ");
    names(b, added, false);
    xlc_buf_puts(b, "\nremoved:     ");
    names(b, removed, false);
    xlc_buf_puts(b, "\n  dependents:");
    names(b, a->deps_cleared, false);
    xlc_buf_putc(b, '\n');
    if (has_policy_regs(r->list)) {
        xlc_buf_puts(b, "policy only (not featureset bits: default -> "
                        "guest):\n");
        policy_regs(b, r, false);
    }
    if (r->shortest)
        xlc_buf_printf(b, "shortest:     %s\n", r->shortest);
    else
        xlc_buf_printf(b, "shortest:     none: %s\n", r->shortest_why_not);
}

static void json_strings(struct xlc_buf *b, char *const *v, size_t n)
{
    xlc_buf_putc(b, '[');
    for (size_t i = 0; i < n; i++) {
        xlc_buf_puts(b, i ? "," : "");
        xlc_buf_json_str(b, v[i]);
    }
    xlc_buf_putc(b, ']');
}

void xl_report_json(struct xlc_buf *b, const struct xl_report *r)
{
    const struct xlc_xl_applied *a = r->applied;
    uint32_t added[N], removed[N];

    diff(r, added, removed);
    xlc_buf_printf(b, "{\n  \"form\": \"%s\",\n  \"input\": ",
                   r->xend ? "xend" : "libxl");
    json_strings(b, r->input, (size_t)r->nr_input);
    xlc_buf_puts(b, ",\n  \"libxl_list\": ");
    xlc_xl_cpuid_json(b, r->list);
    xlc_buf_puts(b, ",\n  \"notes\": ");
    json_strings(b, r->notes->v, r->notes->nr);
    xlc_buf_puts(b, ",\n  \"host\": ");
    xlc_buf_json_str(b, r->source);
    xlc_buf_printf(b, ",\n  \"type\": \"%s\",\n  \"featureset\": \"",
                   xlc_guest_type_name(r->type));
    featureset(b, a->fs);
    xlc_buf_puts(b, "\",\n  \"default\": \"");
    featureset(b, a->def);
    xlc_buf_puts(b, "\",\n  \"added\": ");
    names(b, added, true);
    xlc_buf_puts(b, ",\n  \"removed\": ");
    names(b, removed, true);
    xlc_buf_puts(b, ",\n  \"dependents_removed\": ");
    names(b, a->deps_cleared, true);
    xlc_buf_puts(b, ",\n  \"policy_only\": [");
    policy_regs(b, r, true);
    xlc_buf_puts(b, "],\n  \"shortest\": ");
    if (r->shortest)
        xlc_buf_json_str(b, r->shortest);
    else
        xlc_buf_puts(b, "null");
    xlc_buf_puts(b, "\n}\n");
}
