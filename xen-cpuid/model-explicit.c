/* SPDX-License-Identifier: MIT */
/*
 * model --explicit: the <cpu> with its named model spelled out
 * (libxl_cpuid/libvirt/libvirt-explicit-cpu.h), checked on this host
 * before it is printed; and the pins as every output prints them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../libxl_cpuid/libvirt/libvirt-explicit-cpu.h"
#include "model-pins.h"
#include "tool-output.h"

void tool_pins_text(struct xlc_buf *b, const struct xlc_model_pins *s,
                    const char *lead)
{
    for (size_t i = 0; i < s->n; i++) {
        xlc_buf_printf(b, "%s\n", lead);
        xlc_model_pin_text(b, s->v[i], lead);
    }
}

void tool_pins_json(struct xlc_buf *b, const struct xlc_model_pins *s,
                    const char *indent)
{
    xlc_buf_puts(b, ",\n  \"model_pins\": ");
    xlc_model_pins_json(b, s, indent);
}

/*
 * The promise, kept on this host: the explicit <cpu>, read back as libvirt
 * syntax, gives the named one's verdict and featureset.  A difference is
 * our bug: exit 5, nothing printed.
 */
static int check_here(struct tool *t, const struct xlc_cpu_map *map,
                      const struct xlc_lv_cpu *cpu,
                      const struct xlc_gv_host *h, const char *xml)
{
    struct xlc_lv_translation *a = NULL, *b = NULL;
    struct xlc_lv_cpu *back = NULL;
    xlc_error err = { 0 };
    int rc = xlc_lv_cpu_parse("the explicit <cpu>", xml, strlen(xml), &back,
                              &err);

    if (!rc && h->usable)
        rc = xlc_lv_evaluate(map, cpu, &h->sets, h->type, &a, &err);
    if (!rc && h->usable)
        rc = xlc_lv_evaluate(map, back, &h->sets, h->type, &b, &err);
    if (!rc && a && b &&
        ((a->verdict == XLC_LV_INCOMPATIBLE) !=
             (b->verdict == XLC_LV_INCOMPATIBLE) ||
         !xfs_equal(a->fs, XFS_NR_WORDS, b->fs, XFS_NR_WORDS)))
        rc = xlc_fail(&err, EINVAL, "the explicit <cpu> gives another "
                      "answer than the named one on this host (%s, %s)",
                      xlc_lv_verdict_name(a->verdict),
                      xlc_lv_verdict_name(b->verdict));
    xlc_lv_translation_free(a);
    xlc_lv_translation_free(b);
    xlc_lv_cpu_free(back);
    if (rc)
        tool_err(t, "internal error: %s", err.msg);
    return rc ? EXIT_INTERNAL : EXIT_OK;
}

static void json_names(struct xlc_buf *b, const char *key,
                       const struct xlc_lv_feature *const *f, size_t n)
{
    xlc_buf_printf(b, ",\n  \"%s\": [", key);
    for (size_t i = 0; i < n; i++) {
        xlc_buf_puts(b, i ? ", " : "");
        xlc_buf_json_str(b, f[i]->name);
    }
    xlc_buf_putc(b, ']');
}

static void print_json(struct xlc_buf *b, const struct xlc_lv_cpu *cpu,
                       const struct xlc_gv_host *h, const char *host,
                       const struct xlc_lv_explicit *e,
                       const struct xlc_model_pins *pins)
{
    xlc_buf_puts(b, "{\n  \"source\": ");
    xlc_buf_json_str(b, cpu->source);
    xlc_buf_printf(b, ",\n  \"type\": \"%s\",\n  \"host\": ",
                   xlc_guest_type_name(h->type));
    xlc_buf_json_str(b, host);
    xlc_buf_puts(b, ",\n  \"model\": ");
    xlc_buf_json_str(b, e->spelled);
    xlc_buf_puts(b, ", \"base\": ");
    xlc_buf_json_str(b, e->base->name);
    json_names(b, "required", e->required, e->nr_required);
    json_names(b, "disabled", e->disabled, e->nr_disabled);
    json_names(b, "not_given", e->unsaid, e->nr_unsaid);
    xlc_buf_puts(b, ",\n  \"xml\": ");
    xlc_buf_json_str(b, e->xml);
    tool_pins_json(b, pins, "    ");
    xlc_buf_puts(b, "\n}\n");
}

int model_explicit(struct tool *t, const struct xlc_cpu_map *map,
                   const struct xlc_lv_cpu *cpu, const struct xlc_gv_host *h,
                   const char *host, const struct xlc_guest_verdict *v)
{
    const struct xlc_lv_decoded *d = v->lv ? v->lv->decoded : NULL;
    struct xlc_model_pins pins = { 0 };
    struct xlc_lv_explicit *e = NULL;
    struct xlc_buf b = XLC_BUF_INIT;
    xlc_error err = { 0 };
    int rc = xlc_lv_explicit(map, cpu, d, &e, &err);

    if (rc == -EINVAL && cpu->mode == XLC_LV_MODE_HOST_MODEL && !d)
        xlc_error_prefix(&err, "%s cannot run %s guests, so host-model has "
                         "no decode here", host, xlc_guest_type_name(h->type));
    if (rc)
        return tool_fail(t, rc, &err);
    rc = xlc_model_pins_add(&pins, map, d ? d->model
                                          : xlc_cpu_map_model(map, cpu->model),
                            &err);
    rc = rc ? tool_fail(t, rc, &err) : check_here(t, map, cpu, h, e->xml);
    if (!rc) {
        if (t->json)
            print_json(&b, cpu, h, host, e, &pins);
        else
            xlc_buf_puts(&b, e->xml);
        rc = tool_emit(t, &b);
    }
    xlc_model_pins_free(&pins);
    xlc_lv_explicit_free(e);
    return rc;
}
