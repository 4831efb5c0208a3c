/* SPDX-License-Identifier: MIT */
/*
 * xen-cpuid model --pinned SAVED [--cpu-map DIR] [--explicit] [FILE.xml]
 *
 * Before a guest restarts: does the model it was defined with still mean
 * what it meant?  SAVED holds model pins: a JSON output of model,
 * host-model, level or record (their "model_pins"), or a stream record
 * wrote (its pins are in STREAM.pins.json).  Each pin -- or, with
 * FILE.xml, the pin of the model its <cpu> names (host-model: the model
 * the host decoded as, i.e. every pin) -- is compared with today's
 * cpu_map (libvirt-model-pin.h): every feature whose meaning changed, by
 * name.  --explicit adds, for each, the <cpu> that gives the pinned
 * meaning with today's map (libvirt-explicit-cpu.h).
 * Exit 0 when no pinned model changed what a Xen guest gets, 4 when one
 * did or is gone, 2 for bad input.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../libxl_cpuid/level/level-input.h"
#include "../libxl_cpuid/libvirt/libvirt-explicit-cpu.h"
#include "../libxl_cpuid/migration/stream-pins.h"
#include "libvirt-inputs.h"
#include "model-pins.h"
#include "tool-output.h"

/* One pin's comparison, and (--explicit) the pinned meaning today. */
struct checked {
    struct xlc_pin_diff *d;
    struct xlc_lv_explicit *e;
    char *why_not;                 /* no explicit form: why */
};

static int load_pins(struct tool *t, struct xlc_model_pins *pins)
{
    enum xlc_input_kind kind = xlc_input_kind(t->pinned);
    xlc_error err = { 0 };
    int rc;

    if (kind == XLC_INPUT_STREAM)
        rc = xlc_stream_pins_load(t->pinned, pins, &err);
    else if (kind == XLC_INPUT_POLICY_FILE)
        rc = xlc_model_pins_load(t->pinned, pins, &err);
    else
        rc = xlc_input_none_for(t->pinned, "JSON with model pins or a "
                                "migration stream", &err);
    return rc ? tool_fail(t, rc, &err) : EXIT_OK;
}

static void names(const struct xlc_model_pins *pins, char *buf, size_t size)
{
    size_t n = 0;

    snprintf(buf, size, "none");
    for (size_t i = 0; i < pins->n && n < size; i++)
        n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ", " : "",
                              pins->v[i]->model);
}

/* Which pins FILE.xml asks about: keep[i]. */
static int select_pins(struct tool *t, const struct xlc_lv_cpu *cpu,
                       const struct xlc_model_pins *pins, bool *keep)
{
    char list[1024];

    for (size_t i = 0; i < pins->n; i++)
        keep[i] = !cpu || cpu->mode == XLC_LV_MODE_HOST_MODEL ||
                  (cpu->model && !strcmp(cpu->model, pins->v[i]->model));
    if (cpu && cpu->mode != XLC_LV_MODE_HOST_MODEL &&
        (cpu->mode != XLC_LV_MODE_CUSTOM || !cpu->model)) {
        tool_err(t, "%s:%ld: mode='%s' names no CPU model: nothing was "
                 "pinned for it", cpu->source, cpu->line,
                 xlc_lv_mode_name(cpu->mode));
        return EXIT_INPUT;
    }
    names(pins, list, sizeof(list));
    if (cpu && cpu->model && cpu->mode == XLC_LV_MODE_CUSTOM &&
        !xlc_model_pins_find(pins, cpu->model)) {
        tool_err(t, "%s:%ld: %s has no pin of model %s (it pins: %s)",
                 cpu->source, cpu->model_line, t->pinned, cpu->model, list);
        return EXIT_INPUT;
    }
    if (!pins->n) {
        tool_err(t, "%s: no model pins (nothing there used a named model)",
                 t->pinned);
        return EXIT_INPUT;
    }
    return EXIT_OK;
}

static int check_one(struct tool *t, const struct xlc_cpu_map *map,
                     const struct xlc_model_pin *p,
                     const struct xlc_lv_cpu *cpu, struct checked *c)
{
    xlc_error err = { 0 };
    int rc = xlc_model_pin_compare(p, map, &c->d, &err);

    if (rc)
        return tool_fail(t, rc, &err);
    if (t->explicit_cpu &&
        xlc_lv_explicit_pin(map, p, cpu && cpu->mode == XLC_LV_MODE_CUSTOM
                                        ? cpu : NULL, &c->e, &err) &&
        !(c->why_not = strdup(err.msg)))
        return EXIT_INTERNAL;
    return EXIT_OK;
}

/* ---- output ---- */

static const char *version(const struct xlc_model_pin *p)
{
    return p->libvirt_version ? p->libvirt_version : "not stated";
}

static void text_one(struct xlc_buf *b, const struct checked *c)
{
    const struct xlc_pin_diff *d = c->d;
    const struct xlc_model_pin *p = d->then;

    xlc_buf_printf(b, "model %s: %s\n", p->model,
                   xlc_pin_verdict_name(d->verdict));
    xlc_buf_printf(b, "  pinned: %s in %s (libvirt %s), sha256 %s\n",
                   p->file, p->cpu_map, version(p), p->sha256);
    if (d->now)
        xlc_buf_printf(b, "  today:  %s in %s (libvirt %s), sha256 %s\n",
                       d->now->file, d->now->cpu_map, version(d->now),
                       d->now->sha256);
    for (size_t i = 0; i < d->nr_changes; i++)
        xlc_buf_printf(b, "  %s\n", d->changes[i].text);
    if (!xfs_empty(d->lost, XFS_NR_WORDS)) {
        xlc_buf_puts(b, "  Xen features lost:   ");
        tool_bit_names(b, d->lost, false);
        xlc_buf_putc(b, '\n');
    }
    if (!xfs_empty(d->gained, XFS_NR_WORDS)) {
        xlc_buf_puts(b, "  Xen features gained: ");
        tool_bit_names(b, d->gained, false);
        xlc_buf_putc(b, '\n');
    }
    if (c->e)
        xlc_buf_printf(b, "  the pinned meaning with today's map:\n%s",
                       c->e->xml);
    else if (c->why_not)
        xlc_buf_printf(b, "  no explicit <cpu>: %s\n", c->why_not);
}

static void json_one(struct xlc_buf *b, const struct checked *c, bool first)
{
    const struct xlc_pin_diff *d = c->d;

    xlc_buf_puts(b, first ? "\n    {\"model\": " : ",\n    {\"model\": ");
    xlc_buf_json_str(b, d->then->model);
    xlc_buf_printf(b, ", \"verdict\": \"%s\", \"pinned_sha256\": \"%s\", "
                      "\"today_sha256\": ",
                   xlc_pin_verdict_name(d->verdict), d->then->sha256);
    if (d->now)
        xlc_buf_printf(b, "\"%s\"", d->now->sha256);
    else
        xlc_buf_puts(b, "null");
    xlc_buf_puts(b, ", \"nearest\": ");
    if (d->nearest)
        xlc_buf_json_str(b, d->nearest);
    else
        xlc_buf_puts(b, "null");
    xlc_buf_puts(b, ",\n     \"lost\": ");
    tool_bit_names(b, d->lost, true);
    xlc_buf_puts(b, ", \"gained\": ");
    tool_bit_names(b, d->gained, true);
    xlc_buf_puts(b, ",\n     \"changes\": [");
    for (size_t i = 0; i < d->nr_changes; i++) {
        const struct xlc_pin_change *x = &d->changes[i];

        xlc_buf_printf(b, "%s\n       {\"kind\": \"%s\", \"feature\": ",
                       i ? "," : "", xlc_pin_change_kind_name(x->kind));
        if (x->feature)
            xlc_buf_json_str(b, x->feature);
        else
            xlc_buf_puts(b, "null");
        xlc_buf_printf(b, ", \"xen\": %s, \"text\": ",
                       x->xen ? "true" : "false");
        xlc_buf_json_str(b, x->text);
        xlc_buf_putc(b, '}');
    }
    xlc_buf_puts(b, d->nr_changes ? "],\n     \"explicit\": "
                                  : "],\n     \"explicit\": ");
    if (c->e)
        xlc_buf_json_str(b, c->e->xml);
    else
        xlc_buf_puts(b, "null");
    xlc_buf_puts(b, ", \"explicit_why_not\": ");
    if (c->why_not)
        xlc_buf_json_str(b, c->why_not);
    else
        xlc_buf_puts(b, "null");
    xlc_buf_puts(b, ",\n     \"today\": ");
    if (d->now)
        xlc_model_pin_json(b, d->now, "       ");
    else
        xlc_buf_puts(b, "null");
    xlc_buf_putc(b, '}');
}

static enum xlc_pin_verdict worst(const struct checked *c, size_t n)
{
    enum xlc_pin_verdict v = XLC_PIN_IDENTICAL;

    for (size_t i = 0; i < n; i++)
        if (c[i].d && c[i].d->verdict > v)
            v = c[i].d->verdict;
    return v;
}

static int report(struct tool *t, const struct xlc_cpu_map *map,
                  const struct checked *c, size_t n)
{
    static const char *const says[] = {
        [XLC_PIN_IDENTICAL] = "every pinned model means what it meant",
        [XLC_PIN_SAME_FOR_XEN] = "the changes are to features Xen cannot "
                                 "express: a Xen guest gets the same CPU",
        [XLC_PIN_CHANGED] = "a guest defined with a changed model would "
                            "start with another CPU than it had",
        [XLC_PIN_GONE] = "a guest defined with a removed model cannot start",
    };
    enum xlc_pin_verdict v = worst(c, n);
    struct xlc_buf b = XLC_BUF_INIT;

    if (t->json) {
        xlc_buf_puts(&b, "{\n  \"pinned\": ");
        xlc_buf_json_str(&b, t->pinned);
        xlc_buf_puts(&b, ",\n  \"cpu_map\": ");
        xlc_buf_json_str(&b, xlc_cpu_map_dir(map));
        xlc_buf_printf(&b, ",\n  \"verdict\": \"%s\",\n  \"models\": [",
                       xlc_pin_verdict_name(v));
        for (size_t i = 0; i < n; i++)
            json_one(&b, &c[i], !i);
        xlc_buf_puts(&b, "\n  ]\n}\n");
    } else {
        xlc_buf_printf(&b, "pinned:  %s\ncpu_map: %s (today)\n", t->pinned,
                       xlc_cpu_map_dir(map));
        for (size_t i = 0; i < n; i++)
            text_one(&b, &c[i]);
        xlc_buf_printf(&b, "verdict: %s: %s\n", xlc_pin_verdict_name(v),
                       says[v]);
    }
    if (tool_emit(t, &b))
        return EXIT_INTERNAL;
    return v >= XLC_PIN_CHANGED ? EXIT_REFUSED : EXIT_OK;
}

static int run(struct tool *t, const struct xlc_cpu_map *map,
               const struct xlc_model_pins *pins, const struct xlc_lv_cpu *cpu)
{
    struct checked *c = calloc(pins->n + 1, sizeof(*c));
    bool *keep = calloc(pins->n + 1, sizeof(bool));
    size_t n = 0;
    int rc = c && keep ? select_pins(t, cpu, pins, keep) : EXIT_INTERNAL;

    for (size_t i = 0; !rc && i < pins->n; i++)
        if (keep[i])
            rc = check_one(t, map, pins->v[i], cpu, &c[n++]);
    if (!rc)
        rc = report(t, map, c, n);
    for (size_t i = 0; c && i < n; i++) {
        xlc_pin_diff_free(c[i].d);
        xlc_lv_explicit_free(c[i].e);
        free(c[i].why_not);
    }
    free(c);
    free(keep);
    return rc;
}

int model_pinned(struct tool *t)
{
    struct xlc_model_pins pins = { 0 };
    struct xlc_cpu_map *map = NULL;
    struct xlc_lv_cpu *cpu = NULL;
    int rc;

    if (t->argc > 1)
        return tool_usage(t, "unexpected argument '%s' (at most one "
                          "FILE.xml with --pinned)", t->argv[1]);
    if (t->type_given || t->cpuid_file || t->no_hap || t->boot_cpuid ||
        t->backend_given)
        return tool_usage(t, "--pinned compares cpu_map definitions: no "
                          "host or guest type is asked");
    rc = load_pins(t, &pins);
    if (!rc)
        rc = tool_cpu_map(t, &map);
    if (!rc && t->argc)
        rc = tool_lv_cpu(t, t->argv[0], &cpu);
    if (!rc)
        rc = run(t, map, &pins, cpu);
    xlc_lv_cpu_free(cpu);
    xlc_cpu_map_free(map);
    xlc_model_pins_free(&pins);
    return rc;
}
