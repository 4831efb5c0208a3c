/* SPDX-License-Identifier: MIT */
/*
 * xen-cpuid host-model [--type pv|hvm] [--cpuid DUMP] [--cpu-map DIR]
 *
 * Describe the host as libvirt's host-model would: the best libvirt model
 * for the guest type's default featureset, plus required and disabled
 * features, printed as a guest <cpu> element that `model` translates back
 * into exactly that featureset (restricted to what libvirt can name).
 */
#include <stdio.h>
#include <stdlib.h>

#include "lv-common.h"

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
                       const char *host, const char *xml)
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
    lv_buf_names(b, d->unnamed, true);
    xlc_buf_puts(b, ",\n  \"xml\": ");
    xlc_buf_json_str(b, xml);
    xlc_buf_puts(b, "\n}\n");
}

static void print_xml(struct xlc_buf *b, const struct xlc_lv_decoded *d,
                      enum xlc_guest_type type, const char *host,
                      const char *xml)
{
    xlc_buf_printf(b, "<!-- xen-cpuid host-model: %s default featureset of ",
                   xlc_guest_type_name(type));
    xlc_buf_xml_str(b, host);
    xlc_buf_printf(b, "; best model %s (%zu added, %zu removed)",
                   d->model->name, d->nr_added, d->nr_removed);
    if (!xfs_empty(d->unnamed, XFS_NR_WORDS)) {
        xlc_buf_puts(b, "; no libvirt name, not given: ");
        lv_buf_names(b, d->unnamed, false);
    }
    xlc_buf_puts(b, " -->\n");
    xlc_buf_puts(b, xml);
}

static int run(struct tool *t, struct xlc_cpu_map *map,
               enum xlc_guest_type type)
{
    struct xlc_buf b = XLC_BUF_INIT;
    struct xlc_lv_decoded *d = NULL;
    xlc_error err = { 0 };
    struct xlc_lv_host h;
    const char *host;
    char *xml = NULL;
    bool usable;
    int rc = lv_tool_host(t, type, &h, &host, &usable);

    if (rc)
        return rc;
    if (!usable) {
        tool_err(t, "%s: this host cannot run %s guests", host,
                 xlc_guest_type_name(type));
        rc = EXIT_REFUSED;
    } else if (xlc_lv_decode(map, &h, h.def, &d, &err)) {
        tool_err(t, "%s: %s", host, err.msg);
        rc = EXIT_INPUT;
    } else if (!(xml = xlc_lv_decoded_xml(d))) {
        rc = EXIT_INTERNAL;
    } else {
        if (t->json)
            print_json(&b, d, &h, type, host, xml);
        else
            print_xml(&b, d, type, host, xml);
        rc = lv_emit(&b);
    }
    free(xml);
    xlc_lv_decoded_free(d);
    return rc;
}

int cmd_host_model(struct tool *t)
{
    return lv_tool_main(t, 0,
                        "usage: xen-cpuid host-model [--type pv|hvm] "
                        "[--cpuid DUMP] [--cpu-map DIR] [--json]",
                        run);
}
