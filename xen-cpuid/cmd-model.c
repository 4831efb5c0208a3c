/* SPDX-License-Identifier: MIT */
/*
 * xen-cpuid model [--type pv|hvm] [--cpuid DUMP] [--cpu-map DIR] FILE.xml
 *
 * Translate a libvirt <cpu> (alone or in a <domain>) into the guest
 * featureset Xen would use, and say whether this host can run it:
 * identical, superset, or incompatible with every blocking feature; and
 * the xl cpuid= string giving the same featureset on this host.
 * Exit 0 when it can run, 4 when incompatible, 2 on bad input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../libxl_cpuid/xl-cpuid.h"
#include "lv-common.h"

/* The same guest as an xl cpuid= string, or why there is none. */
struct xl_form {
    char *str;
    char why[XLC_ERROR_MSG_MAX];
};

static void xl_form(const struct xlc_lv_translation *t,
                    const struct xlc_lv_host *h, struct xl_form *x)
{
    xlc_error err = { 0 };

    x->str = NULL;
    x->why[0] = '\0';
    if (t->verdict == XLC_LV_INCOMPATIBLE)
        snprintf(x->why, sizeof(x->why), "the host cannot run it");
    else if (xlc_xl_cpuid_reverse(t->fs, h->def, &x->str, &err))
        snprintf(x->why, sizeof(x->why), "%s", err.msg);
}

static void json_opt(struct xlc_buf *b, const char *s)
{
    if (s)
        xlc_buf_json_str(b, s);
    else
        xlc_buf_puts(b, "null");
}

static void json_item(struct xlc_buf *b, size_t i, const char *kind,
                      const char *lv, const char *xen, const char *text)
{
    xlc_buf_puts(b, i ? ",\n    {\"kind\": " : "\n    {\"kind\": ");
    xlc_buf_json_str(b, kind);
    xlc_buf_puts(b, ", \"libvirt\": ");
    json_opt(b, lv);
    xlc_buf_puts(b, ", \"xen\": ");
    json_opt(b, xen);
    xlc_buf_puts(b, ", \"text\": ");
    xlc_buf_json_str(b, text);
    xlc_buf_putc(b, '}');
}

static void json_lists(struct xlc_buf *b, const struct xlc_lv_translation *t)
{
    xlc_buf_puts(b, ",\n  \"blockers\": [");
    for (size_t i = 0; i < t->nr_blockers; i++) {
        const struct xlc_lv_blocker *x = &t->blockers[i];

        json_item(b, i, xlc_lv_block_kind_name(x->kind), x->lv_name,
                  x->xen_name, x->text);
    }
    xlc_buf_puts(b, t->nr_blockers ? "\n  ],\n  \"notes\": [" : "],\n  \"notes\": [");
    for (size_t i = 0; i < t->nr_notes; i++) {
        const struct xlc_lv_note *x = &t->notes[i];

        json_item(b, i, xlc_lv_note_kind_name(x->kind), x->lv_name,
                  x->xen_name, x->text);
    }
    xlc_buf_puts(b, t->nr_notes ? "\n  ]" : "]");
}

static void json_decoded(struct xlc_buf *b, const struct xlc_lv_decoded *d)
{
    xlc_buf_puts(b, ",\n  \"decoded\": {\"model\": ");
    xlc_buf_json_str(b, d->model->name);
    xlc_buf_puts(b, ", \"added\": [");
    for (size_t i = 0; i < d->nr_added; i++) {
        xlc_buf_puts(b, i ? ", " : "");
        xlc_buf_json_str(b, d->added[i]->name);
    }
    xlc_buf_puts(b, "], \"removed\": [");
    for (size_t i = 0; i < d->nr_removed; i++) {
        xlc_buf_puts(b, i ? ", " : "");
        xlc_buf_json_str(b, d->removed[i]->name);
    }
    xlc_buf_puts(b, "]}");
}

static void print_json(struct xlc_buf *b, const struct xlc_lv_cpu *cpu,
                       const struct xlc_lv_translation *t, const char *host,
                       const struct xl_form *xl)
{
    bool ok = t->verdict != XLC_LV_INCOMPATIBLE;

    xlc_buf_puts(b, "{\n  \"source\": ");
    xlc_buf_json_str(b, cpu->source);
    xlc_buf_printf(b, ",\n  \"type\": \"%s\",\n  \"host\": ",
                   xlc_guest_type_name(t->type));
    xlc_buf_json_str(b, host);
    xlc_buf_printf(b, ",\n  \"mode\": \"%s\", \"match\": \"%s\", "
                      "\"check\": \"%s\",\n  \"model\": ",
                   xlc_lv_mode_name(cpu->mode), xlc_lv_match_name(cpu->match),
                   xlc_lv_check_name(cpu->check));
    json_opt(b, t->model ? t->model->name : NULL);
    if (t->decoded)
        json_decoded(b, t->decoded);
    xlc_buf_printf(b, ",\n  \"verdict\": \"%s\",\n  \"featureset\": ",
                   xlc_lv_verdict_name(t->verdict));
    if (ok) {
        xlc_buf_putc(b, '"');
        lv_buf_featureset(b, t->fs);
        xlc_buf_puts(b, "\",\n  \"features\": ");
        lv_buf_names(b, t->fs, true);
    } else {
        xlc_buf_puts(b, "null,\n  \"features\": null");
    }
    xlc_buf_puts(b, ",\n  \"xl_cpuid\": ");
    json_opt(b, xl->str);
    xlc_buf_puts(b, ", \"xl_cpuid_why_not\": ");
    json_opt(b, xl->str ? NULL : xl->why);
    json_lists(b, t);
    xlc_buf_puts(b, "\n}\n");
}

static void print_text(struct xlc_buf *b, const struct xlc_lv_cpu *cpu,
                       const struct xlc_lv_translation *t, const char *host,
                       const struct xl_form *xl)
{
    xlc_buf_printf(b, "source:     %s (line %ld)\n", cpu->source, cpu->line);
    xlc_buf_printf(b, "guest type: %s\nhost:       %s\n",
                   xlc_guest_type_name(t->type), host);
    xlc_buf_printf(b, "cpu:        mode=%s match=%s check=%s model=%s\n",
                   xlc_lv_mode_name(cpu->mode), xlc_lv_match_name(cpu->match),
                   xlc_lv_check_name(cpu->check),
                   t->model ? t->model->name : "(none)");
    if (t->decoded)
        xlc_buf_printf(b, "host-model: decoded as %s, %zu added, %zu "
                          "removed\n",
                       t->decoded->model->name, t->decoded->nr_added,
                       t->decoded->nr_removed);
    if (t->verdict != XLC_LV_INCOMPATIBLE) {
        xlc_buf_puts(b, "featureset: ");
        lv_buf_featureset(b, t->fs);
        xlc_buf_puts(b, "\nfeatures:   ");
        lv_buf_names(b, t->fs, false);
        xlc_buf_putc(b, '\n');
        if (xl->str)
            xlc_buf_printf(b, "xl cpuid=:  \"%s\"\n", xl->str);
        else
            xlc_buf_printf(b, "xl cpuid=:  none: %s\n", xl->why);
    }
    for (size_t i = 0; i < t->nr_notes; i++)
        xlc_buf_printf(b, "%s [%s] %s\n", i ? "           " : "notes:     ",
                       xlc_lv_note_kind_name(t->notes[i].kind),
                       t->notes[i].text);
    xlc_buf_printf(b, "verdict:    %s\n", xlc_lv_verdict_name(t->verdict));
    for (size_t i = 0; i < t->nr_blockers; i++)
        xlc_buf_printf(b, "%s [%s] %s\n", i ? "           " : "blockers:  ",
                       xlc_lv_block_kind_name(t->blockers[i].kind),
                       t->blockers[i].text);
}

static int run(struct tool *t, struct xlc_cpu_map *map,
               enum xlc_guest_type type)
{
    struct xlc_lv_translation *tr = NULL;
    struct xlc_buf b = XLC_BUF_INIT;
    struct xlc_lv_cpu *cpu = NULL;
    xlc_error err = { 0 };
    struct xlc_lv_host h;
    const char *host;
    bool usable;
    int rc;

    if (xlc_lv_cpu_load(t->argv[0], &cpu, &err)) {
        tool_err(t, "%s", err.msg);
        return EXIT_INPUT;
    }
    rc = lv_tool_host(t, type, &h, &host, &usable);
    if (!rc && xlc_lv_evaluate(map, cpu, &h, type, &tr, &err)) {
        tool_err(t, "%s", err.msg);
        rc = EXIT_INPUT;
    }
    if (!rc) {
        struct xl_form xl;

        xl_form(tr, &h, &xl);
        if (!usable)
            tool_err(t, "note: this host cannot run %s guests at all",
                     xlc_guest_type_name(type));
        if (t->json)
            print_json(&b, cpu, tr, host, &xl);
        else
            print_text(&b, cpu, tr, host, &xl);
        free(xl.str);
        rc = lv_emit(&b);
        if (!rc && tr->verdict == XLC_LV_INCOMPATIBLE)
            rc = EXIT_REFUSED;
    }
    xlc_lv_translation_free(tr);
    xlc_lv_cpu_free(cpu);
    return rc;
}

int cmd_model(struct tool *t)
{
    return lv_tool_main(t, 1,
                        "usage: xen-cpuid model [--type pv|hvm] [--cpuid DUMP] "
                        "[--cpu-map DIR] [--json] FILE.xml",
                        run);
}
