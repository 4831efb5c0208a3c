/* SPDX-License-Identifier: MIT */
/*
 * xen-cpuid viridian [--json] [--cpuid DUMP] [--backend B] SETTING
 * xen-cpuid viridian [--json] --libvirt FILE.xml
 *
 * What viridian=SETTING (the right-hand side of xl.cfg's option: 1, 0,
 * ["base","!stimer"]) gives a Windows guest on this host: how xl reads
 * it, the three fields xl hands libxl (as libxl_domain_build_info's JSON
 * prints them), the groups after libxl's defaults and checks, the
 * HVM_PARAM_VIRIDIAN value, the Hyper-V CPUID leaves Xen 4.17 then
 * shows, and the libvirt elements saying the same.  With --libvirt the
 * setting comes from a <domain>, <features> or <hyperv> instead.
 *
 * Exit 2 for what xl or libxl refuses (the item named), 4 when the
 * libvirt definition asks for enlightenments Xen cannot provide (each
 * named; everything else is still shown).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../libxl_cpuid/viridian/libvirt-hyperv.h"
#include "../libxl_cpuid/viridian/viridian.h"
#include "tool-handle.h"
#include "tool-output.h"

struct vir_run {
    const char *setting;
    const char *file;                 /* --libvirt FILE, or NULL */
    bool from_libvirt;
    struct xlc_hyperv_translation lv;
    struct xlc_viridian_xl xl;
    struct xlc_viridian_effective eff;
    const char *host;                 /* the backend, in words */
    const char *cpu;                  /* VT-x / SVM and what is assumed */
    struct xfs_viridian_host facts;
    bool hvm_usable;
    struct xfs_viridian_leaves leaves;
    struct xlc_hyperv_description desc;
};

static int read_libvirt(struct tool *t, struct vir_run *r)
{
    xlc_error err = { 0 };
    int rc = xlc_hyperv_translate_file(t->libvirt, &r->lv, &err);

    if (rc)
        return tool_fail(t, rc, &err);
    if (!r->lv.found) {
        tool_err(t, "%s: no <hyperv>, <viridian/>, hypervclock timer or "
                    "Hyper-V panic device", t->libvirt);
        return EXIT_INPUT;
    }
    r->from_libvirt = true;
    r->file = t->libvirt;
    r->setting = r->lv.xl_setting;
    return EXIT_OK;
}

/* xl's reading and libxl's expansion; both refusals are exit 2. */
static int read_setting(struct tool *t, struct vir_run *r)
{
    xlc_error err = { 0 };
    size_t item = 0;
    int rc = xlc_viridian_xl_parse(r->setting, &r->xl, &item, &err);

    if (!rc)
        rc = xlc_viridian_libxl_expand(&r->xl, &r->eff, &item, &err);
    return rc ? tool_fail(t, rc, &err) : EXIT_OK;
}

/* The host facts (viridian.h: xlc_viridian_host_from_system). */
static void host_facts(const struct xlc_system_policies *sys,
                       struct vir_run *r)
{
    struct xlc_viridian_host_info h;

    xlc_viridian_host_from_system(sys, &h);
    r->facts = h.facts;
    r->hvm_usable = h.hvm;
    r->cpu = h.cpu;
}

static void text_items(struct xlc_buf *b, const struct vir_run *r)
{
    for (size_t i = 0; i < r->xl.nr_items; i++) {
        const struct xlc_viridian_item *it = &r->xl.items[i];

        xlc_buf_printf(b, "  item %zu %-22s ", i + 1, it->text);
        if (it->kind == XLC_VIRIDIAN_ITEM_ALL)
            xlc_buf_puts(b, "every group (all 64 bits of viridian_enable)\n");
        else if (it->kind == XLC_VIRIDIAN_ITEM_DEFAULTS)
            xlc_buf_puts(b, "libxl's defaults (the viridian defbool)\n");
        else
            xlc_buf_printf(b, "%s %s\n", it->negated ? "disable" : "enable",
                           xlc_viridian_group_name(it->group));
    }
}

static void text_libvirt_input(struct xlc_buf *b, const struct vir_run *r)
{
    xlc_buf_printf(b, "libvirt:            %s%s\n",
                   r->lv.nr_refused ? "REFUSED: " : "",
                   r->lv.nr_refused ? "Xen cannot provide every "
                                      "enlightenment asked" : "translated");
    for (size_t i = 0; i < r->lv.nr_entries; i++) {
        const struct xlc_hyperv_entry *e = &r->lv.entries[i];

        xlc_buf_printf(b, "  line %-4ld %-26s %-3s %-8s %s\n", e->line,
                       e->element, e->on ? "on" : "off",
                       xlc_hyperv_outcome_name(e->outcome), e->text);
    }
}

static void text_leaves(struct xlc_buf *b, const struct vir_run *r)
{
    xlc_buf_printf(b, "leaves:             as a Windows guest sees them once "
                   "it has written its guest OS ID (0x%016llx)\n",
                   (unsigned long long)XFS_VIRIDIAN_OS_ID_WINDOWS);
    xlc_viridian_leaves_table(b, &r->leaves, "  ");
}

static void text_libvirt_out(struct xlc_buf *b, const struct vir_run *r)
{
    xlc_buf_puts(b, "libvirt equivalent:\n");
    for (const char *s = r->desc.features; s && *s;) {
        const char *nl = strchr(s, '\n');
        size_t n = nl ? (size_t)(nl - s) : strlen(s);

        xlc_buf_printf(b, "  %.*s\n", (int)n, s);
        s += n + (nl ? 1 : 0);
    }
    if (r->desc.clock_timer)
        xlc_buf_printf(b, "  in <clock>:   %s\n", r->desc.clock_timer);
    if (r->desc.panic)
        xlc_buf_printf(b, "  in <devices>: %s\n", r->desc.panic);
    for (size_t i = 0; i < r->desc.nr_notes; i++)
        xlc_buf_printf(b, "  not said: %s\n", r->desc.notes[i]);
}

static void print_text(const struct vir_run *r, struct xlc_buf *b)
{
    if (r->from_libvirt)
        text_libvirt_input(b, r);
    xlc_buf_printf(b, "setting:            viridian=%s\n", r->setting);
    if (r->xl.list)
        xlc_buf_printf(b, "xl reads:           a list of %zu item%s\n",
                       r->xl.nr_items, r->xl.nr_items == 1 ? "" : "s");
    else
        xlc_buf_printf(b, "xl reads:           a single value \"%s\"\n",
                       r->xl.value);
    text_items(b, r);
    for (size_t i = 0; i < r->xl.nr_notes; i++)
        xlc_buf_printf(b, "%-20s%s\n", i ? "" : "notes:", r->xl.notes[i]);
    xlc_buf_puts(b, "libxl json:         ");
    xlc_viridian_xl_json(b, &r->xl);
    xlc_buf_printf(b, "\nlibxl defaults:     %s\ngroups:             ",
                   r->eff.defaults ? "yes (base freq time_ref_count "
                   "apic_assist crash_ctl no_vp_limit cpu_hotplug)" : "no");
    xlc_viridian_set_names(b, r->eff.groups, false);
    xlc_buf_printf(b, "\nHVM_PARAM_VIRIDIAN: 0x%llx (",
                   (unsigned long long)r->eff.param);
    xlc_viridian_param_names(b, r->eff.param, false);
    xlc_buf_printf(b, ")\nhost:               %s; %s, %s%s\n", r->host, r->cpu,
                   r->facts.hap ? "HAP" : "shadow paging",
                   r->hvm_usable ? "" : " (this host cannot run HVM guests)");
    text_leaves(b, r);
    text_libvirt_out(b, r);
}

static void json_libvirt_input(struct xlc_buf *b, const struct vir_run *r)
{
    xlc_buf_puts(b, "  \"libvirt_input\": {\"file\": ");
    xlc_buf_json_str(b, r->file);
    xlc_buf_printf(b, ", \"refused\": %zu, \"entries\": [", r->lv.nr_refused);
    for (size_t i = 0; i < r->lv.nr_entries; i++) {
        const struct xlc_hyperv_entry *e = &r->lv.entries[i];

        xlc_buf_printf(b, "%s\n    {\"line\": %ld, \"element\": ",
                       i ? "," : "", e->line);
        xlc_buf_json_str(b, e->element);
        xlc_buf_printf(b, ", \"state\": \"%s\", \"outcome\": \"%s\", "
                       "\"groups\": ", e->on ? "on" : "off",
                       xlc_hyperv_outcome_name(e->outcome));
        xlc_viridian_set_names(b, e->groups, true);
        xlc_buf_puts(b, ", \"text\": ");
        xlc_buf_json_str(b, e->text);
        xlc_buf_putc(b, '}');
    }
    xlc_buf_puts(b, "]},\n");
}

static void json_items(struct xlc_buf *b, const struct vir_run *r)
{
    static const char *const kinds[] = { "group", "all", "defaults" };

    xlc_buf_puts(b, "[");
    for (size_t i = 0; i < r->xl.nr_items; i++) {
        const struct xlc_viridian_item *it = &r->xl.items[i];

        xlc_buf_printf(b, "%s\n    {\"item\": %zu, \"column\": %zu, "
                       "\"text\": ", i ? "," : "", i + 1, it->column);
        xlc_buf_json_str(b, it->text);
        xlc_buf_printf(b, ", \"kind\": \"%s\"", kinds[it->kind]);
        if (it->kind == XLC_VIRIDIAN_ITEM_GROUP)
            xlc_buf_printf(b, ", \"group\": \"%s\", \"negated\": %s",
                           xlc_viridian_group_name(it->group),
                           it->negated ? "true" : "false");
        xlc_buf_putc(b, '}');
    }
    xlc_buf_puts(b, r->xl.nr_items ? "\n  ]" : "]");
}

static void json_libvirt_out(struct xlc_buf *b, const struct vir_run *r)
{
    xlc_buf_puts(b, "  \"libvirt\": {\"features\": ");
    xlc_buf_json_str(b, r->desc.features);
    xlc_buf_puts(b, ", \"clock_timer\": ");
    if (r->desc.clock_timer)
        xlc_buf_json_str(b, r->desc.clock_timer);
    else
        xlc_buf_puts(b, "null");
    xlc_buf_puts(b, ", \"panic\": ");
    if (r->desc.panic)
        xlc_buf_json_str(b, r->desc.panic);
    else
        xlc_buf_puts(b, "null");
    xlc_buf_puts(b, ", \"not_said\": ");
    xlc_buf_json_strv(b, r->desc.notes, r->desc.nr_notes, ", ");
    xlc_buf_puts(b, "}\n}\n");
}

static void print_json(const struct vir_run *r, struct xlc_buf *b)
{
    xlc_buf_puts(b, "{\n");
    if (r->from_libvirt)
        json_libvirt_input(b, r);
    xlc_buf_puts(b, "  \"setting\": ");
    xlc_buf_json_str(b, r->setting);
    xlc_buf_printf(b, ",\n  \"form\": \"%s\",\n  \"items\": ",
                   r->xl.list ? "list" : "value");
    json_items(b, r);
    xlc_buf_puts(b, ",\n  \"notes\": ");
    xlc_buf_json_strv(b, r->xl.notes, r->xl.nr_notes, ", ");
    xlc_buf_puts(b, ",\n  \"libxl_json\": ");
    xlc_viridian_xl_json(b, &r->xl);
    xlc_buf_printf(b, ",\n  \"libxl_defaults\": %s,\n  \"groups\": ",
                   r->eff.defaults ? "true" : "false");
    xlc_viridian_set_names(b, r->eff.groups, true);
    xlc_buf_printf(b, ",\n  \"hvm_param_viridian\": %llu,\n"
                   "  \"hvm_param_viridian_bits\": ",
                   (unsigned long long)r->eff.param);
    xlc_viridian_param_names(b, r->eff.param, true);
    xlc_buf_puts(b, ",\n  \"host\": {\"backend\": ");
    xlc_buf_json_str(b, r->host);
    xlc_buf_puts(b, ", \"cpu\": ");
    xlc_buf_json_str(b, r->cpu);
    xlc_buf_printf(b, ", \"hap\": %s, \"hvm\": %s},\n  \"guest_os_id\": "
                   "\"0x%016llx\",\n  \"leaves\": ",
                   r->facts.hap ? "true" : "false",
                   r->hvm_usable ? "true" : "false",
                   (unsigned long long)XFS_VIRIDIAN_OS_ID_WINDOWS);
    xlc_viridian_leaves_json(b, &r->leaves, "  ");
    xlc_buf_puts(b, ",\n");
    json_libvirt_out(b, r);
}

static int compute(struct tool *t, struct vir_run *r)
{
    struct xlc_system_policies *sys = NULL;
    xlc_error err = { 0 };
    int rc = tool_host_policies(t, &sys, &r->host);

    if (rc)
        return rc;
    host_facts(sys, r);
    xlc_system_policies_free(sys);
    xfs_viridian_leaves(r->eff.param, &r->facts, XFS_VIRIDIAN_OS_ID_WINDOWS,
                        &r->leaves);
    rc = xlc_hyperv_describe(r->eff.param, r->facts.spinlock_retries,
                             &r->desc, &err);
    return rc ? tool_fail(t, rc, &err) : EXIT_OK;
}

int cmd_viridian(struct tool *t)
{
    struct vir_run r = { 0 };
    struct xlc_buf b = XLC_BUF_INIT;
    int rc;

    if (t->libvirt && t->argc)
        return tool_usage(t, "unexpected argument '%s': the setting comes "
                          "from --libvirt", t->argv[0]);
    if (!t->libvirt && t->argc != 1)
        return tool_usage(t, "expected one SETTING (the right-hand side of "
                          "xl's viridian=, e.g. 1, 0 or "
                          "'[\"base\",\"!stimer\"]') or --libvirt FILE.xml");
    r.setting = t->libvirt ? NULL : t->argv[0];
    rc = t->libvirt ? read_libvirt(t, &r) : EXIT_OK;
    if (!rc)
        rc = read_setting(t, &r);
    if (!rc)
        rc = compute(t, &r);
    if (!rc) {
        if (t->json)
            print_json(&r, &b);
        else
            print_text(&r, &b);
        rc = tool_emit(t, &b);
    }
    if (!rc && r.lv.nr_refused)
        rc = EXIT_REFUSED;
    xlc_hyperv_translation_free(&r.lv);
    xlc_viridian_xl_free(&r.xl);
    xlc_hyperv_description_free(&r.desc);
    return rc;
}
