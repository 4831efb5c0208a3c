/* SPDX-License-Identifier: MIT */
/*
 * xen-cpuid host-model [--type pv|hvm] [--cpuid DUMP] [--cpu-map DIR]
 *
 * Describe the host as libvirt's host-model would: the best libvirt model
 * for the guest type's default featureset, plus required and disabled
 * features, printed as a guest <cpu> element that `model` translates back
 * into exactly that featureset (restricted to what libvirt can name).
 * The model is pinned (libxl_cpuid/libvirt/libvirt-model-pin.h): its
 * expansion and fingerprint, in a comment before the <cpu> (JSON:
 * "model_pins").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../libxl_cpuid/libvirt/libvirt-translate.h"
#include "../libxl_cpuid/sources/cpuid-dump.h"
#include "libvirt-inputs.h"
#include "model-pins.h"
#include "tool-handle.h"
#include "tool-output.h"

static void json_list(struct xlc_buf *b, const char *key,
                      const struct xlc_lv_feature *const *fs, size_t n)
{
    xlc_buf_printf(b, ",\n  \"%s\": [", key);
    for (size_t i = 0; i < n; i++) {
        xlc_buf_puts(b, i ? ", " : "");
        xlc_buf_json_str(b, fs[i]->name);
    }
    xlc_buf_putc(b, ']');
}

static void print_json(struct xlc_buf *b, const struct xlc_lv_decoded *d,
                       const struct xlc_lv_host *h, enum xlc_guest_type type,
                       const char *host, const char *xml,
                       const struct xlc_model_pins *pins)
{
    xlc_buf_puts(b, "{\n  \"host\": ");
    xlc_buf_json_str(b, host);
    xlc_buf_printf(b, ",\n  \"type\": \"%s\",\n  \"cpuid_vendor\": ",
                   xlc_guest_type_name(type));
    xlc_buf_json_str(b, h->vendor);
    xlc_buf_puts(b, ",\n  \"model\": ");
    xlc_buf_json_str(b, d->model->name);
    xlc_buf_puts(b, ",\n  \"vendor\": ");
    if (d->vendor)
        xlc_buf_json_str(b, d->vendor->name);
    else
        xlc_buf_puts(b, "null");
    xlc_buf_printf(b, ",\n  \"cost\": %u,\n  \"signature_match\": %s",
                   d->cost, d->signature_match ? "true" : "false");
    json_list(b, "added", d->added, d->nr_added);
    json_list(b, "removed", d->removed, d->nr_removed);
    xlc_buf_puts(b, ",\n  \"not_nameable\": ");
    tool_bit_names(b, d->unnamed, true);
    xlc_buf_puts(b, ",\n  \"xml\": ");
    xlc_buf_json_str(b, xml);
    tool_pins_json(b, pins, "    ");
    xlc_buf_puts(b, "\n}\n");
}

/* The pins in a comment: never "--" inside one. */
static void pin_comment(struct xlc_buf *b, const struct xlc_model_pins *pins)
{
    struct xlc_buf t = XLC_BUF_INIT;
    char *text;

    tool_pins_text(&t, pins, "     ");  /* under "<!-- " */
    text = xlc_buf_take(&t);
    if (!text) {
        b->oom = true;
        return;
    }
    xlc_buf_puts(b, "<!-- ");
    /* After the blank line before the pin, and the first line's lead. */
    for (const char *s = text + strcspn(text, "\n") + 1 + 5; *s; s++) {
        xlc_buf_putc(b, *s);
        if (*s == '-' && (s[1] == '-' || s[1] == '\n'))
            xlc_buf_putc(b, ' ');
    }
    xlc_buf_puts(b, "-->\n");
    free(text);
}

static void print_xml(struct xlc_buf *b, const struct xlc_lv_decoded *d,
                      enum xlc_guest_type type, const char *host,
                      const char *xml, const struct xlc_model_pins *pins)
{
    xlc_buf_printf(b, "<!-- xen-cpuid host-model: %s default featureset of ",
                   xlc_guest_type_name(type));
    xlc_buf_xml_str(b, host);
    xlc_buf_printf(b, "; best model %s (%zu added, %zu removed)",
                   d->model->name, d->nr_added, d->nr_removed);
    if (!xfs_empty(d->unnamed, XFS_NR_WORDS)) {
        xlc_buf_puts(b, "; no libvirt name, not given: ");
        tool_bit_names(b, d->unnamed, false);
    }
    xlc_buf_puts(b, " -->\n");
    pin_comment(b, pins);
    xlc_buf_puts(b, xml);
}

/* Copy one fetched set, zero-extended, into ours. */
static void take(uint32_t dst[XFS_NR_WORDS], const struct tool_featuresets *s,
                 unsigned int idx)
{
    memset(dst, 0, XFS_NR_WORDS * sizeof(uint32_t));
    if (s->fs[idx])
        xfs_copy(dst, XFS_NR_WORDS, s->fs[idx], s->len[idx]);
}

/* The type's sets from the hypervisor; vendor and signature from the
 * CPUID data of the same handle. */
static int host_sets(struct tool *t, xlc_handle *xh, enum xlc_guest_type type,
                     struct xlc_lv_host *h)
{
    bool pv = type == XLC_GUEST_PV;
    const struct xlc_cpuid_dump *d;
    struct xfs_cpuid_reader rd;
    struct tool_featuresets s;
    xlc_error err = { 0 };
    int rc = tool_get_featuresets(t, xh, &s);

    if (rc)
        return rc;
    memset(h, 0, sizeof(*h));
    take(h->host, &s, XFS_SYSCTL_cpu_featureset_host);
    take(h->def, &s, pv ? XFS_SYSCTL_cpu_featureset_pv
                        : XFS_SYSCTL_cpu_featureset_hvm);
    take(h->max, &s, pv ? XFS_SYSCTL_cpu_featureset_pv_max
                        : XFS_SYSCTL_cpu_featureset_hvm_max);
    tool_featuresets_free(&s);
    rc = xlc_handle_cpuid(xh, &d, &err);
    if (rc)
        return tool_fail(t, rc, &err);
    xlc_dump_reader(d, &rd);
    xlc_lv_host_identify(h, &rd);
    return EXIT_OK;
}

static int describe(struct tool *t, struct xlc_cpu_map *map,
                    const struct xlc_lv_host *h, const char *host)
{
    struct xlc_buf b = XLC_BUF_INIT;
    struct xlc_model_pins pins = { 0 };
    struct xlc_lv_decoded *d = NULL;
    xlc_error err = { 0 };
    char *xml = NULL;
    int rc;

    /* A guest type the hypervisor cannot run has no default set. */
    if (xfs_empty(h->def, XFS_NR_WORDS)) {
        tool_err(t, "%s: this host cannot run %s guests", host,
                 xlc_guest_type_name(t->type));
        return EXIT_REFUSED;
    }
    rc = xlc_lv_decode(map, h, h->def, &d, &err);
    if (rc) {
        xlc_error_prefix(&err, "%s", host);
        return tool_fail(t, rc, &err);
    }
    xml = xlc_lv_decoded_xml(d);
    rc = xml ? xlc_model_pins_add(&pins, map, d->model, &err) : -ENOMEM;
    if (rc) {
        rc = tool_fail(t, rc, &err);
    } else {
        if (t->json)
            print_json(&b, d, h, t->type, host, xml, &pins);
        else
            print_xml(&b, d, t->type, host, xml, &pins);
        rc = tool_emit(t, &b);
    }
    xlc_model_pins_free(&pins);
    free(xml);
    xlc_lv_decoded_free(d);
    return rc;
}

int cmd_host_model(struct tool *t)
{
    struct xlc_cpu_map *map = NULL;
    struct xlc_lv_host h;
    char host[512];
    xlc_handle *xh;
    int rc;

    if (t->argc)
        return tool_usage(t, "unexpected argument '%s'", t->argv[0]);
    if (!t->type_given)
        t->type = XLC_GUEST_HVM;
    rc = tool_cpu_map(t, &map);
    if (!rc)
        rc = tool_open_handle(t, &xh);
    if (rc) {
        xlc_cpu_map_free(map);
        return rc;
    }
    snprintf(host, sizeof(host), "%s", xlc_backend_description(xh));
    rc = host_sets(t, xh, t->type, &h);
    xlc_close(xh);
    if (!rc)
        rc = describe(t, map, &h, host);
    xlc_cpu_map_free(map);
    return rc;
}
