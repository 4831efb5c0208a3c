/* SPDX-License-Identifier: MIT */
/*
 * The report of `xen-cpuid xl-cpuid`: the list libxl would build, the
 * guest featureset it gives on this host and how that differs from the
 * default, by libxl name.
 */
#include <stdio.h>
#include <stdlib.h>

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
        char name[XLC_XL_NAME_MAX], label[48];
        const char *s = xlc_xl_name_for_feature(v, name);

        if (!xfs_test(bits, N, v))
            continue;
        if (!s) {
            snprintf(label, sizeof(label), "word %u bit %u", v / 32, v % 32);
            s = label;
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

static void leaf_label(struct xlc_buf *b, uint32_t leaf, uint32_t subleaf)
{
    xlc_buf_printf(b, "leaf 0x%08x", leaf);
    if (subleaf != XLC_XL_NO_SUBLEAF)
        xlc_buf_printf(b, " subleaf %u", subleaf);
}

static void text_list(struct xlc_buf *b, const struct xlc_xl_list *l)
{
    for (size_t i = 0; i < l->nr_leaves; i++) {
        const struct xlc_xl_leaf *e = &l->leaves[i];
        bool any = false;

        for (int r = XFS_EAX; r <= XFS_EDX; r++) {
            if (!e->reg[r][0])
                continue;
            xlc_buf_puts(b, "  ");
            leaf_label(b, e->leaf, e->subleaf);
            xlc_buf_printf(b, " %s %s\n", xlc_xl_reg_name((enum xfs_reg)r),
                           e->reg[r]);
            any = true;
        }
        if (!any) {
            xlc_buf_puts(b, "  ");
            leaf_label(b, e->leaf, e->subleaf);
            xlc_buf_puts(b, " (no register)\n");
        }
    }
    for (size_t i = 0; i < l->nr_msrs; i++)
        xlc_buf_printf(b, "  MSR 0x%08x %s\n", l->msrs[i].index,
                       l->msrs[i].policy);
}

/* The legacy names of a policy-only register, or its bits in hex. */
static void field_names(struct xlc_buf *b, const struct xlc_xl_leafmask *m,
                        int r, bool json)
{
    uint32_t bits = m->r[r].one | m->r[r].zero | m->r[r].keep;
    const char *n[16];
    size_t k = xlc_xl_fields_in(m->leaf, m->subleaf, (enum xfs_reg)r, bits,
                                n, 16);

    if (json)
        xlc_buf_putc(b, '[');
    for (size_t i = 0; i < k && i < 16; i++) {
        if (json) {
            xlc_buf_puts(b, i ? "," : "");
            xlc_buf_json_str(b, n[i]);
        } else {
            xlc_buf_printf(b, " %s", n[i]);
        }
    }
    if (json)
        xlc_buf_putc(b, ']');
    else if (!k)
        xlc_buf_printf(b, " bits 0x%08x", bits);
}

static bool policy_only(const struct xlc_xl_regmask *r)
{
    return r->present && r->word < 0 && (r->one | r->zero | r->keep);
}

static void text_policy(struct xlc_buf *b, const struct xlc_xl_masks *m)
{
    for (size_t i = 0; i < m->nr_leaves; i++)
        for (int r = XFS_EAX; r <= XFS_EDX; r++) {
            if (!policy_only(&m->leaves[i].r[r]))
                continue;
            xlc_buf_puts(b, "  ");
            leaf_label(b, m->leaves[i].leaf, m->leaves[i].subleaf);
            xlc_buf_printf(b, " %s:", xlc_xl_reg_name((enum xfs_reg)r));
            field_names(b, &m->leaves[i], r, false);
            xlc_buf_puts(b, " (not a featureset bit: applies to the "
                            "policy)\n");
        }
}

static void diff(const struct xl_report *r, uint32_t added[N],
                 uint32_t removed[N])
{
    const struct xlc_xl_applied *a = r->applied;

    xfs_andnot(added, N, a->fs, N, r->host->def, N);
    xfs_andnot(removed, N, r->host->def, N, a->fs, N);
    /* Dependents are listed on their own line. */
    xfs_andnot(removed, N, removed, N, a->dependents, N);
}

void xl_report_text(struct xlc_buf *b, const struct xl_report *r)
{
    const struct xlc_xl_applied *a = r->applied;
    const char *type = xlc_guest_type_name(r->host->type);
    uint32_t added[N], removed[N];
    char *json = xlc_xl_list_json(r->list);

    diff(r, added, removed);
    xlc_buf_printf(b, "form:         %s\n", r->xend ? "xend" : "libxl");
    xlc_buf_printf(b, "libxl list:   %s\n", json ? json : "(out of memory)");
    free(json);
    text_list(b, r->list);
    for (size_t i = 0; i < r->list->nr_notes; i++)
        xlc_buf_printf(b, "%s %s\n", i ? "             " : "notes:       ",
                       r->list->notes[i]);
    xlc_buf_printf(b, "host:         %s\nguest type:   %s\n", r->source, type);
    xlc_buf_puts(b, "featureset:   ");
    featureset(b, a->fs);
    xlc_buf_puts(b, "\ndefault:      ");
    featureset(b, r->host->def);
    xlc_buf_puts(b, "\nadded:       ");
    names(b, added, false);
    xlc_buf_puts(b, "\nremoved:     ");
    names(b, removed, false);
    xlc_buf_puts(b, "\n  dependents:");
    names(b, a->dependents, false);
    if (!xfs_empty(a->kept_absent, N)) {
        xlc_buf_printf(b, "\nk/s on host features the %s max lacks (left "
                          "out):", type);
        names(b, a->kept_absent, false);
    }
    xlc_buf_putc(b, '\n');
    if (a->nr_policy_regs) {
        xlc_buf_puts(b, "policy only:\n");
        text_policy(b, &a->masks);
    }
    if (r->shortest)
        xlc_buf_printf(b, "shortest:     %s\n", r->shortest);
    else
        xlc_buf_printf(b, "shortest:     none: %s\n", r->shortest_why_not);
}

static void json_policy(struct xlc_buf *b, const struct xlc_xl_masks *m)
{
    bool first = true;

    xlc_buf_putc(b, '[');
    for (size_t i = 0; i < m->nr_leaves; i++)
        for (int r = XFS_EAX; r <= XFS_EDX; r++) {
            const struct xlc_xl_regmask *g = &m->leaves[i].r[r];

            if (!policy_only(g))
                continue;
            xlc_buf_printf(b, "%s{\"leaf\":%u,\"subleaf\":", first ? "" : ",",
                           m->leaves[i].leaf);
            if (m->leaves[i].subleaf == XLC_XL_NO_SUBLEAF)
                xlc_buf_puts(b, "null");
            else
                xlc_buf_printf(b, "%u", m->leaves[i].subleaf);
            xlc_buf_printf(b, ",\"reg\":\"%s\",\"one\":%u,\"zero\":%u,"
                              "\"keep\":%u,\"names\":",
                           xlc_xl_reg_name((enum xfs_reg)r), g->one, g->zero,
                           g->keep);
            field_names(b, &m->leaves[i], r, true);
            xlc_buf_putc(b, '}');
            first = false;
        }
    xlc_buf_putc(b, ']');
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
    char *json = xlc_xl_list_json(r->list);

    diff(r, added, removed);
    xlc_buf_printf(b, "{\n  \"form\": \"%s\",\n  \"input\": ",
                   r->xend ? "xend" : "libxl");
    json_strings(b, r->input, (size_t)r->nr_input);
    xlc_buf_printf(b, ",\n  \"libxl_list\": %s,\n  \"notes\": ",
                   json ? json : "null");
    free(json);
    json_strings(b, r->list->notes, r->list->nr_notes);
    xlc_buf_puts(b, ",\n  \"host\": ");
    xlc_buf_json_str(b, r->source);
    xlc_buf_printf(b, ",\n  \"type\": \"%s\",\n  \"featureset\": \"",
                   xlc_guest_type_name(r->host->type));
    featureset(b, a->fs);
    xlc_buf_puts(b, "\",\n  \"default\": \"");
    featureset(b, r->host->def);
    xlc_buf_puts(b, "\",\n  \"added\": ");
    names(b, added, true);
    xlc_buf_puts(b, ",\n  \"removed\": ");
    names(b, removed, true);
    xlc_buf_puts(b, ",\n  \"dependents_removed\": ");
    names(b, a->dependents, true);
    xlc_buf_puts(b, ",\n  \"kept_not_in_max\": ");
    names(b, a->kept_absent, true);
    xlc_buf_puts(b, ",\n  \"policy_only\": ");
    json_policy(b, &a->masks);
    xlc_buf_puts(b, ",\n  \"shortest\": ");
    if (r->shortest)
        xlc_buf_json_str(b, r->shortest);
    else
        xlc_buf_puts(b, "null");
    xlc_buf_puts(b, "\n}\n");
}
