/* SPDX-License-Identifier: MIT */
/*
 * xen-cpuid model [--type pv|hvm] [--cpuid DUMP] [--cpu-map DIR] FILE.xml
 *
 * Translate a libvirt <cpu> (alone or in a <domain>) into the guest
 * featureset Xen would use, and say whether this host can run it:
 * identical, superset, or incompatible with every blocking reason; and
 * the xl cpuid= string giving the same featureset on this host.  The
 * answer is the guest verdict's (libxl_cpuid/verdict/guest-verdict.h), as for
 * `level ... guest:FILE.xml`; its changes are the notes.  A named model
 * (custom, or host-model's decode) is pinned in the output: its expansion
 * and fingerprint (libxl_cpuid/libvirt/libvirt-model-pin.h).
 * Exit 0 when it can run, 4 when incompatible, 2 on bad input.
 *
 * --explicit prints the <cpu> with its model spelled out instead
 * (model-explicit.c); --pinned SAVED checks recorded pins against today's
 * cpu_map (model-pinned.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../libxl_cpuid/verdict/guest-verdict.h"
#include "../libxl_cpuid/xl/xl-cpuid.h"
#include "libvirt-inputs.h"
#include "model-pins.h"
#include "tool-handle.h"
#include "tool-output.h"

/* The same guest as an xl cpuid= string, or why there is none. */
struct xl_form {
    char *str;
    char why[XLC_ERROR_MSG_MAX];
};

static void xl_form(const struct xlc_guest_verdict *v,
                    const struct xlc_gv_host *h, struct xl_form *x)
{
    xlc_error err = { 0 };

    x->str = NULL;
    x->why[0] = '\0';
    if (!v->runs)
        snprintf(x->why, sizeof(x->why), "the host cannot run it");
    else if (xlc_xl_cpuid_reverse(v->asked_fs, h->sets.def, &x->str, &err))
        snprintf(x->why, sizeof(x->why), "%s", err.msg);
}

/* libvirt's words: identical or superset when it runs. */
static const char *verdict_name(const struct xlc_guest_verdict *v)
{
    if (!v->runs || !v->lv)
        return xlc_lv_verdict_name(XLC_LV_INCOMPATIBLE);
    return xlc_lv_verdict_name(v->lv->verdict);
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

static void json_lists(struct xlc_buf *b, const struct xlc_guest_verdict *v)
{
    xlc_buf_puts(b, ",\n  \"blockers\": [");
    for (size_t i = 0; i < v->nr_reasons; i++) {
        const struct xlc_gv_reason *x = &v->reasons[i];

        json_item(b, i, x->tag, x->lv_name, x->xen_name, x->text);
    }
    xlc_buf_puts(b, v->nr_reasons ? "\n  ],\n  \"notes\": ["
                                  : "],\n  \"notes\": [");
    for (size_t i = 0; i < v->nr_changes; i++) {
        const struct xlc_gv_change *x = &v->changes[i];

        json_item(b, i, x->tag, x->lv_name, x->xen_name, x->text);
    }
    xlc_buf_puts(b, v->nr_changes ? "\n  ]" : "]");
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
                       const struct xlc_guest_verdict *v, const char *host,
                       const struct xl_form *xl,
                       const struct xlc_model_pins *pins)
{
    const struct xlc_lv_translation *t = v->lv;
    bool ok = v->runs;

    xlc_buf_puts(b, "{\n  \"source\": ");
    xlc_buf_json_str(b, cpu->source);
    xlc_buf_printf(b, ",\n  \"type\": \"%s\",\n  \"host\": ",
                   xlc_guest_type_name(v->type));
    xlc_buf_json_str(b, host);
    xlc_buf_printf(b, ",\n  \"mode\": \"%s\", \"match\": \"%s\", "
                      "\"check\": \"%s\",\n  \"model\": ",
                   xlc_lv_mode_name(cpu->mode), xlc_lv_match_name(cpu->match),
                   xlc_lv_check_name(cpu->check));
    json_opt(b, t && t->model ? t->model->name : cpu->model);
    if (t && t->decoded)
        json_decoded(b, t->decoded);
    xlc_buf_printf(b, ",\n  \"verdict\": \"%s\",\n  \"featureset\": ",
                   verdict_name(v));
    if (ok) {
        xlc_buf_putc(b, '"');
        xlc_featureset_put(b, v->asked_fs, XFS_NR_WORDS);
        xlc_buf_puts(b, "\",\n  \"features\": ");
        tool_bit_names(b, v->asked_fs, true);
    } else {
        xlc_buf_puts(b, "null,\n  \"features\": null");
    }
    xlc_buf_puts(b, ",\n  \"xl_cpuid\": ");
    json_opt(b, xl->str);
    xlc_buf_puts(b, ", \"xl_cpuid_why_not\": ");
    json_opt(b, xl->str ? NULL : xl->why);
    json_lists(b, v);
    tool_pins_json(b, pins, "    ");
    xlc_buf_puts(b, "\n}\n");
}

static void print_text(struct xlc_buf *b, const struct xlc_lv_cpu *cpu,
                       const struct xlc_guest_verdict *v, const char *host,
                       const struct xl_form *xl,
                       const struct xlc_model_pins *pins)
{
    const struct xlc_lv_translation *t = v->lv;

    xlc_buf_printf(b, "source:     %s (line %ld)\n", cpu->source, cpu->line);
    xlc_buf_printf(b, "guest type: %s\nhost:       %s\n",
                   xlc_guest_type_name(v->type), host);
    xlc_buf_printf(b, "cpu:        mode=%s match=%s check=%s model=%s\n",
                   xlc_lv_mode_name(cpu->mode), xlc_lv_match_name(cpu->match),
                   xlc_lv_check_name(cpu->check),
                   t && t->model ? t->model->name
                   : cpu->model ? cpu->model : "(none)");
    if (t && t->decoded)
        xlc_buf_printf(b, "host-model: decoded as %s, %zu added, %zu "
                          "removed\n",
                       t->decoded->model->name, t->decoded->nr_added,
                       t->decoded->nr_removed);
    if (v->runs) {
        xlc_buf_puts(b, "featureset: ");
        xlc_featureset_put(b, v->asked_fs, XFS_NR_WORDS);
        xlc_buf_puts(b, "\nfeatures:   ");
        tool_bit_names(b, v->asked_fs, false);
        xlc_buf_putc(b, '\n');
        if (xl->str)
            xlc_buf_printf(b, "xl cpuid=:  \"%s\"\n", xl->str);
        else
            xlc_buf_printf(b, "xl cpuid=:  none: %s\n", xl->why);
    }
    for (size_t i = 0; i < v->nr_changes; i++)
        xlc_buf_printf(b, "%s [%s] %s\n", i ? "           " : "notes:     ",
                       v->changes[i].tag, v->changes[i].text);
    xlc_buf_printf(b, "verdict:    %s\n", verdict_name(v));
    for (size_t i = 0; i < v->nr_reasons; i++)
        xlc_buf_printf(b, "%s [%s] %s\n", i ? "           " : "blockers:  ",
                       v->reasons[i].tag, v->reasons[i].text);
    tool_pins_text(b, pins, "");
}

/* The named model the output relied on: custom's, or host-model's
 * decode (none when the host cannot run the type: nothing was decoded). */
static int pin_model(struct tool *t, const struct xlc_cpu_map *map,
                     const struct xlc_lv_cpu *cpu,
                     const struct xlc_guest_verdict *v,
                     struct xlc_model_pins *pins)
{
    const struct xlc_lv_model *m = v->lv ? v->lv->model : NULL;
    xlc_error err = { 0 };
    int rc;

    if (!m && cpu->mode == XLC_LV_MODE_CUSTOM && cpu->model)
        m = xlc_cpu_map_model(map, cpu->model);
    if (!m)
        return EXIT_OK;
    rc = xlc_model_pins_add(pins, map, m, &err);
    return rc ? tool_fail(t, rc, &err) : EXIT_OK;
}

static int run(struct tool *t, struct xlc_cpu_map *map)
{
    struct xlc_system_policies *sys = NULL;
    struct xlc_guest_verdict *v = NULL;
    struct xlc_buf b = XLC_BUF_INIT;
    struct xlc_lv_cpu *cpu = NULL;
    struct xlc_gv_guest g = { .form = XLC_GV_LIBVIRT, .map = map };
    xlc_error err = { 0 };
    struct xlc_gv_host h;
    const char *host;
    int rc = tool_lv_cpu(t, t->argv[0], &cpu);

    g.cpu = cpu;
    if (!rc)
        rc = tool_host_policies(t, &sys, &host);
    if (!rc) {
        xlc_gv_host_from_system(&h, sys, t->type);
        rc = xlc_guest_verdict(&h, &g, &v, &err);
        if (rc)
            rc = tool_fail(t, rc, &err);
    }
    if (!rc && t->explicit_cpu) {
        rc = model_explicit(t, map, cpu, &h, host, v);
    } else if (!rc) {
        struct xlc_model_pins pins = { 0 };
        struct xl_form xl;

        rc = pin_model(t, map, cpu, v, &pins);
        xl_form(v, &h, &xl);
        if (!rc && t->json)
            print_json(&b, cpu, v, host, &xl, &pins);
        else if (!rc)
            print_text(&b, cpu, v, host, &xl, &pins);
        free(xl.str);
        xlc_model_pins_free(&pins);
        rc = rc ? rc : tool_emit(t, &b);
        if (!rc && !v->runs)
            rc = EXIT_REFUSED;
    }
    xlc_guest_verdict_free(v);
    xlc_system_policies_free(sys);
    xlc_lv_cpu_free(cpu);
    return rc;
}

int cmd_model(struct tool *t)
{
    struct xlc_cpu_map *map;
    int rc;

    if (t->pinned)
        return model_pinned(t);
    if (t->argc != 1)
        return tool_usage(t, "expected one FILE.xml (a libvirt <cpu> or "
                          "<domain>)");
    if (!t->type_given)
        t->type = XLC_GUEST_HVM;
    rc = tool_cpu_map(t, &map);
    if (rc)
        return rc;
    rc = run(t, map);
    xlc_cpu_map_free(map);
    return rc;
}
