/* SPDX-License-Identifier: MIT */
/*
 * xen-cpuid record --type pv|hvm [--backend B] [--cpuid DUMP]
 *                  [--no-hap] [--boot-cpuid L]
 *                  [--libvirt FILE.xml [--cpu-map DIR] | --xl-cpuid STR]
 *                  [--viridian SETTING] [--json] -o FILE
 * xen-cpuid record [--type pv|hvm] [--viridian SETTING] [--json] -o FILE
 *                  POLICY.json
 *
 * Write a standalone libxc v3 stream carrying a guest's applied CPU policy
 * (the X86_CPUID_POLICY and X86_MSR_POLICY records, STATIC_DATA_END, END).
 *
 * --viridian SETTING (HVM only; xl's viridian=, read as xl and libxl 4.17
 * read it, refused with exit 2 where they refuse it) adds the
 * HVM_PARAM_VIRIDIAN value libxl sets for it in an HVM_PARAMS record
 * after STATIC_DATA_END, where Xen's writer puts it (none for a setting
 * giving no enlightenments: Xen leaves zero values out).  The Hyper-V
 * leaves are not written: Xen computes them from the parameter; the
 * output shows those the guest sees on this host.
 *
 * Without a policy file the policy is the one this host (the running Xen,
 * or the simulated one over DUMP or the live CPU) gives such a guest
 * (libxl_cpuid/policy/applied-policy.h): its default policy, or what a libvirt
 * <cpu> or an xl cpuid= string (libxl or xend form) makes of it.  A
 * string that does not parse is bad input (exit 2); settings the host
 * cannot honour are refused (exit 4) with every reason.
 *
 * With a policy file (libxl_cpuid/policy/policy-json.h) its entries are recorded
 * as they are, once a policy can hold them.
 *
 * --json prints a summary, the recorded policy included as a policy file.
 *
 * When the policy came from a libvirt <cpu> naming a model (custom, or
 * host-model's decode), the model is pinned (its expansion and
 * fingerprint, libxl_cpuid/libvirt/libvirt-model-pin.h) in FILE.pins.json
 * beside the stream (libxl_cpuid/migration/stream-pins.h: no stream record
 * can carry it); otherwise a pin file left there is removed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../libxl_cpuid/policy/applied-policy.h"
#include "../libxl_cpuid/policy/policy-json.h"
#include "../libxl_cpuid/migration/stream.h"
#include "../libxl_cpuid/viridian/viridian.h"
#include "../libxl_cpuid/migration/stream-pins.h"
#include "libvirt-inputs.h"
#include "model-pins.h"
#include "tool-handle.h"
#include "tool-output.h"

/* What was recorded and where it came from, for the summary. */
struct recorded {
    uint32_t domain_type;
    struct xlc_policy_entries e;
    uint32_t fs[XFS_NR_WORDS];
    const char *from;                 /* "default", "libvirt", ... */
    const char *source;               /* the host, or the policy file */
    const struct xlc_lv_translation *lv;
    /* --viridian: what xl and libxl make of it, and the leaves the guest
     * sees on the host the policy came from (when it came from one). */
    bool has_viridian;
    struct xlc_viridian_xl vxl;
    struct xlc_viridian_effective veff;
    bool has_host;
    struct xlc_viridian_host_info vhost;
    struct xfs_viridian_leaves leaves;
    struct xlc_model_pins pins;       /* the named model, pinned */
};


static const char *domain_type_name(uint32_t domain_type)
{
    return xlc_guest_type_name(xlc_guest_type_of_stream_domain(domain_type));
}

/* ---- the policy from a policy file ---- */

static int load_policy(struct tool *t, struct recorded *r)
{
    struct xfs_cpu_policy p;
    xlc_error err = { 0 };
    uint32_t file_type;

    int rc = xlc_policy_json_load(t->argv[0], &r->e, &file_type, &err);

    if (rc)
        return tool_fail(t, rc, &err);
    if (r->domain_type && file_type && r->domain_type != file_type)
        return tool_usage(t, "--type %s, but %s says \"type\": \"%s\"",
                          domain_type_name(r->domain_type), t->argv[0],
                          domain_type_name(file_type));
    if (!r->domain_type)
        r->domain_type = file_type;
    if (!r->domain_type)
        return tool_usage(t, "the guest type is neither given with --type "
                          "nor in %s", t->argv[0]);
    /* A policy must be able to hold it, or a restore would refuse it. */
    xfs_policy_zero(&p);
    rc = xlc_policy_deserialise(&p, &r->e, &err);
    if (rc) {
        xlc_error_prefix(&err, "%s", t->argv[0]);
        return tool_fail(t, rc, &err);
    }
    xfs_policy_to_featureset(&p, r->fs, XFS_NR_WORDS);
    r->from = "policy-file";
    r->source = t->argv[0];
    return EXIT_OK;
}

/* ---- the policy this host applies ---- */

static int settings(struct tool *t, struct xlc_guest_settings *g,
                    struct xlc_cpu_map **map, struct xlc_lv_cpu **cpu)
{
    int rc;

    memset(g, 0, sizeof(*g));
    if (t->xl_cpuid) {
        g->kind = XLC_SETTINGS_XL_CPUID;
        g->xl_cpuid = t->xl_cpuid;
        return EXIT_OK;
    }
    if (!t->libvirt)
        return EXIT_OK;     /* XLC_SETTINGS_DEFAULT */
    rc = tool_cpu_map(t, map);
    if (!rc)
        rc = tool_lv_cpu(t, t->libvirt, cpu);
    if (rc)
        return rc;
    g->kind = XLC_SETTINGS_LIBVIRT;
    g->map = *map;
    g->cpu = *cpu;
    return EXIT_OK;
}

static int refused(struct tool *t, const struct xlc_applied_policy *a)
{
    tool_err(t, "refused: this host cannot give a%s %s guest that policy "
                "(%zu reason%s):",
             a->type == XLC_GUEST_HVM ? "n" : "", xlc_guest_type_name(a->type),
             a->refused.nr, a->refused.nr == 1 ? "" : "s");
    for (size_t i = 0; i < a->refused.nr; i++)
        fprintf(stderr, "  - %s\n", a->refused.reasons[i]);
    return EXIT_REFUSED;
}

static int apply(struct tool *t, const struct xlc_system_policies *sys,
                 const struct xlc_guest_settings *g, struct recorded *r,
                 struct xlc_applied_policy **a)
{
    xlc_error err = { 0 };
    int rc = xlc_applied_policy(sys, t->type, g, a, &err);

    if (rc)
        return tool_fail(t, rc, &err);
    if ((*a)->refused.nr)
        return refused(t, *a);
    rc = xlc_policy_entries_copy(&r->e, &(*a)->entries, &err);
    if (rc)
        return tool_fail(t, rc, &err);
    memcpy(r->fs, (*a)->fs, sizeof(r->fs));
    r->from = xlc_settings_kind_name(g->kind);
    r->lv = (*a)->lv;
    if (r->lv && r->lv->model) {
        rc = xlc_model_pins_add(&r->pins, g->map, r->lv->model, &err);
        if (rc)
            return tool_fail(t, rc, &err);
    }
    return EXIT_OK;
}

/* ---- the Hyper-V enlightenments ---- */

static int read_viridian(struct tool *t, struct recorded *r)
{
    xlc_error err = { 0 };
    int rc;

    if (r->domain_type != XFS_STREAM_DOM_X86_HVM)
        return tool_usage(t, "--viridian: Hyper-V enlightenments are for "
                          "HVM guests only");
    rc = xlc_viridian_xl_parse(t->viridian, &r->vxl, NULL, &err);
    if (!rc)
        rc = xlc_viridian_libxl_expand(&r->vxl, &r->veff, NULL, &err);
    if (rc) {
        xlc_error_prefix(&err, "--viridian");
        return tool_fail(t, rc, &err);
    }
    r->has_viridian = true;
    return EXIT_OK;
}

static void viridian_host(const struct xlc_system_policies *sys,
                          struct recorded *r)
{
    xlc_viridian_host_from_system(sys, &r->vhost);
    r->has_host = true;
    xfs_viridian_leaves(r->veff.param, &r->vhost.facts,
                        XFS_VIRIDIAN_OS_ID_WINDOWS, &r->leaves);
}

static void text_viridian(struct xlc_buf *b, const struct tool *t,
                          const struct recorded *r)
{
    xlc_buf_printf(b, "viridian: viridian=%s: ", t->viridian);
    xlc_viridian_set_names(b, r->veff.groups, false);
    if (!r->veff.param) {
        xlc_buf_puts(b, "; no HVM_PARAMS record (libxl sets no parameter, "
                        "Xen writes no zero value)\n");
        return;
    }
    xlc_buf_printf(b, "\nHVM_PARAMS: HVM_PARAM_VIRIDIAN = 0x%llx (",
                   (unsigned long long)r->veff.param);
    xlc_viridian_param_names(b, r->veff.param, false);
    xlc_buf_puts(b, ")\n");
    if (!r->has_host)
        return;
    xlc_buf_puts(b, "Hyper-V leaves the guest sees on this host (Xen "
                    "computes them from the parameter; not in the stream):"
                    "\n");
    xlc_viridian_leaves_table(b, &r->leaves, "  ");
}

static void json_viridian(struct xlc_buf *b, const struct tool *t,
                          const struct recorded *r)
{
    xlc_buf_puts(b, ",\n  \"viridian\": {\"setting\": ");
    xlc_buf_json_str(b, t->viridian);
    xlc_buf_puts(b, ", \"libxl_json\": ");
    xlc_viridian_xl_json(b, &r->vxl);
    xlc_buf_puts(b, ", \"groups\": ");
    xlc_viridian_set_names(b, r->veff.groups, true);
    xlc_buf_printf(b, ", \"hvm_param_viridian\": %llu, \"bits\": ",
                   (unsigned long long)r->veff.param);
    xlc_viridian_param_names(b, r->veff.param, true);
    xlc_buf_printf(b, ", \"hvm_params_record\": %s, \"leaves\": ",
                   r->veff.param ? "true" : "false");
    if (r->has_host)
        xlc_viridian_leaves_json(b, &r->leaves, "  ");
    else
        xlc_buf_puts(b, "null");
    xlc_buf_putc(b, '}');
}

/* ---- output ---- */

static void json_libvirt(struct xlc_buf *b, const char *file,
                         const struct xlc_lv_translation *lv)
{
    xlc_buf_puts(b, ",\n  \"libvirt\": {\"file\": ");
    xlc_buf_json_str(b, file);
    xlc_buf_printf(b, ", \"mode\": \"%s\", \"model\": ",
                   xlc_lv_mode_name(lv->mode));
    if (lv->model)
        xlc_buf_json_str(b, lv->model->name);
    else
        xlc_buf_puts(b, "null");
    xlc_buf_printf(b, ", \"verdict\": \"%s\", \"notes\": [",
                   xlc_lv_verdict_name(lv->verdict));
    for (size_t i = 0; i < lv->nr_notes; i++) {
        xlc_buf_puts(b, i ? ", " : "");
        xlc_buf_json_str(b, lv->notes[i].text);
    }
    xlc_buf_puts(b, "]}");
}

static int print_json(struct tool *t, const struct recorded *r)
{
    struct xlc_buf b = XLC_BUF_INIT;
    char *policy = xlc_policy_json(&r->e, r->domain_type), *pins = NULL;

    if (!policy) {
        tool_err(t, "out of memory");
        return EXIT_INTERNAL;
    }
    xlc_buf_puts(&b, "{\n  \"output\": ");
    xlc_buf_json_str(&b, t->output);
    xlc_buf_printf(&b, ",\n  \"guest_type\": \"%s\",\n  \"from\": \"%s\","
                       "\n  \"source\": ",
                   domain_type_name(r->domain_type), r->from);
    xlc_buf_json_str(&b, r->source);
    xlc_buf_printf(&b, ",\n  \"cpuid_leaves\": %zu, \"msrs\": %zu,\n"
                       "  \"featureset\": \"",
                   r->e.nr_leaves, r->e.nr_msrs);
    xlc_featureset_put(&b, r->fs, XFS_NR_WORDS);
    xlc_buf_puts(&b, "\",\n  \"features\": ");
    tool_bit_names(&b, r->fs, true);
    if (r->lv)
        json_libvirt(&b, t->libvirt, r->lv);
    if (!strcmp(r->from, "xl-cpuid")) {
        xlc_buf_puts(&b, ",\n  \"xl_cpuid\": ");
        xlc_buf_json_str(&b, t->xl_cpuid);
    }
    if (r->has_viridian)
        json_viridian(&b, t, r);
    xlc_buf_puts(&b, ",\n  \"model_pins_file\": ");
    if (r->pins.n && (pins = xlc_stream_pins_path(t->output)))
        xlc_buf_json_str(&b, pins);
    else
        xlc_buf_puts(&b, r->pins.n ? "\"\"" : "null");
    free(pins);
    tool_pins_json(&b, &r->pins, "    ");
    xlc_buf_printf(&b, ",\n  \"policy\": %s}\n", policy);
    free(policy);
    return tool_emit(t, &b);
}

static int print_text(struct tool *t, const struct recorded *r)
{
    struct xlc_buf b = XLC_BUF_INIT;

    xlc_buf_printf(&b, "%s: %s stream, %zu CPUID leaves, %zu MSRs\n",
                   t->output, xlc_stream_domain_name(r->domain_type),
                   r->e.nr_leaves, r->e.nr_msrs);
    if (!strcmp(r->from, "policy-file"))
        xlc_buf_printf(&b, "policy: from the policy file %s\n", r->source);
    else if (r->lv)
        xlc_buf_printf(&b, "policy: the libvirt <cpu> of %s (%s, %s) on %s\n",
                       t->libvirt, xlc_lv_mode_name(r->lv->mode),
                       xlc_lv_verdict_name(r->lv->verdict), r->source);
    else if (!strcmp(r->from, "xl-cpuid"))
        xlc_buf_printf(&b, "policy: xl cpuid=\"%s\" on the %s default policy "
                           "of %s\n", t->xl_cpuid,
                       r->domain_type == XFS_STREAM_DOM_X86_PV ? "PV" : "HVM",
                       r->source);
    else
        xlc_buf_printf(&b, "policy: the %s default policy of %s\n",
                       r->domain_type == XFS_STREAM_DOM_X86_PV ? "PV" : "HVM",
                       r->source);
    xlc_buf_puts(&b, "featureset: ");
    xlc_featureset_put(&b, r->fs, XFS_NR_WORDS);
    xlc_buf_putc(&b, '\n');
    for (size_t i = 0; r->lv && i < r->lv->nr_notes; i++)
        xlc_buf_printf(&b, "note: [%s] %s\n",
                       xlc_lv_note_kind_name(r->lv->notes[i].kind),
                       r->lv->notes[i].text);
    if (r->has_viridian)
        text_viridian(&b, t, r);
    if (r->pins.n)
        xlc_buf_printf(&b, "model pins: %s%s, beside the stream "
                           "(xen-cpuid model --pinned %s checks them)\n",
                       t->output, XLC_STREAM_PINS_SUFFIX, t->output);
    tool_pins_text(&b, &r->pins, "");
    return tool_emit(t, &b);
}

static int write_stream(struct tool *t, const struct recorded *r)
{
    struct xlc_hvm_param vir = { XFS_HVM_PARAM_VIRIDIAN, r->veff.param };
    xlc_error err = { 0 };
    int rc = xlc_stream_write_file_params(t->output, r->domain_type, &r->e,
                                          &vir, r->has_viridian ? 1 : 0,
                                          &err);

    if (!rc)
        rc = xlc_stream_pins_write(t->output, &r->pins, &err);
    if (rc)
        return tool_fail(t, rc, &err);
    return t->json ? print_json(t, r) : print_text(t, r);
}

/* ---- the two ways in ---- */

static int record_from_host(struct tool *t, struct recorded *r)
{
    struct xlc_system_policies *sys = NULL;
    struct xlc_applied_policy *a = NULL;
    struct xlc_cpu_map *map = NULL;
    struct xlc_lv_cpu *cpu = NULL;
    struct xlc_guest_settings g;
    int rc = settings(t, &g, &map, &cpu);

    if (!rc && t->viridian)
        rc = read_viridian(t, r);
    if (!rc)
        rc = tool_host_policies(t, &sys, &r->source);
    if (!rc)
        rc = apply(t, sys, &g, r, &a);
    if (!rc && r->has_viridian)
        viridian_host(sys, r);
    if (!rc)
        rc = write_stream(t, r);
    xlc_applied_policy_free(a);
    xlc_system_policies_free(sys);
    xlc_lv_cpu_free(cpu);
    xlc_cpu_map_free(map);
    return rc;
}

int cmd_record(struct tool *t)
{
    struct recorded r = { 0 };
    int rc;

    if (!t->output)
        return tool_usage(t, "-o FILE is required: where the stream goes");
    if (t->argc > 1)
        return tool_usage(t, "unexpected argument '%s' (at most one "
                          "POLICY.json)", t->argv[1]);
    if (t->libvirt && t->xl_cpuid)
        return tool_usage(t, "--libvirt and --xl-cpuid are alternatives: "
                          "give one");
    r.domain_type = t->type_given ? xlc_guest_type_stream_domain(t->type) : 0;
    if (t->argc == 1) {
        if (t->cpuid_file || t->libvirt || t->xl_cpuid)
            return tool_usage(t, "a policy file is recorded as it is: "
                              "--cpuid, --libvirt and --xl-cpuid do not "
                              "apply to it");
        rc = load_policy(t, &r);
        if (!rc && t->viridian)
            rc = read_viridian(t, &r);
        if (!rc)
            rc = write_stream(t, &r);
    } else if (!t->type_given) {
        rc = tool_usage(t, "--type pv|hvm is required when the policy comes "
                        "from the host");
    } else {
        rc = record_from_host(t, &r);
    }
    xlc_policy_entries_free(&r.e);
    xlc_viridian_xl_free(&r.vxl);
    xlc_model_pins_free(&r.pins);
    return rc;
}
