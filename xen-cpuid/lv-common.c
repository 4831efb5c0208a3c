/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lv-common.h"

int lv_tool_type(struct tool *t, enum xlc_guest_type *type)
{
    if (!t->type || !strcmp(t->type, "hvm")) {
        *type = XLC_GUEST_HVM;
        return 0;
    }
    if (!strcmp(t->type, "pv")) {
        *type = XLC_GUEST_PV;
        return 0;
    }
    tool_err(t, "--type '%s': expected pv or hvm", t->type);
    return EXIT_USAGE;
}

static struct xlc_cpuid_dump *dump;

static int hv_options(struct tool *t, struct xfs_hv_options *o)
{
    unsigned int bad = 0;

    xfs_hv_options_default(o);
    o->hap = !t->no_hap;
    if (t->boot_cpuid && xfs_parse_boot_cpuid(t->boot_cpuid, o, &bad)) {
        tool_err(t, "--boot-cpuid '%s': bad item at offset %u", t->boot_cpuid,
                 bad);
        return EXIT_USAGE;
    }
    return 0;
}

int lv_tool_host(struct tool *t, enum xlc_guest_type type,
                 struct xlc_lv_host *h, const char **source, bool *usable)
{
    struct xfs_hv_options o;
    xlc_error err = { 0 };
    int rc;

    /* Only the simulated hypervisor is wired up for these commands. */
    if (t->backend && strcmp(t->backend, "sim") && strcmp(t->backend, "auto")) {
        tool_err(t, "--backend %s: only the simulated hypervisor (sim) is "
                    "supported by this subcommand", t->backend);
        return EXIT_BACKEND;
    }
    rc = hv_options(t, &o);
    if (rc)
        return rc;
    if (t->cpuid_file)
        rc = xlc_dump_load(t->cpuid_file, &dump, &err);
    else
        rc = xlc_dump_live(&dump, &err);
    if (rc) {
        tool_err(t, "%s", err.msg);
        return t->cpuid_file ? EXIT_INPUT : EXIT_BACKEND;
    }
    *usable = xlc_lv_host_from_dump(h, type, dump, &o);
    *source = dump->source ? dump->source : "live CPU";
    return 0;
}

void lv_tool_host_done(void)
{
    xlc_dump_free(dump);
    dump = NULL;
}

int lv_tool_map(struct tool *t, struct xlc_cpu_map **map)
{
    xlc_error err = { 0 };

    if (!xlc_cpu_map_load(t->cpu_map, map, &err))
        return 0;
    tool_err(t, "cpu map: %s", err.msg);
    return err.code == ENOMEM ? EXIT_INTERNAL : EXIT_INPUT;
}

void lv_buf_featureset(struct xlc_buf *b, const uint32_t *fs)
{
    for (unsigned int w = 0; w < XFS_NR_WORDS; w++)
        xlc_buf_printf(b, "%s%08x", w ? ":" : "", fs[w]);
}

void lv_buf_names(struct xlc_buf *b, const uint32_t *fs, bool json)
{
    bool first = true;

    if (json)
        xlc_buf_putc(b, '[');
    for (unsigned int i = 0; i < xfs_nr_features; i++) {
        const struct xfs_feature_info *fi = &xfs_features[i];

        if (!xfs_test(fs, XFS_NR_WORDS, fi->value))
            continue;
        xlc_buf_puts(b, first ? "" : json ? ", " : " ");
        if (json)
            xlc_buf_json_str(b, fi->name);
        else
            xlc_buf_puts(b, fi->name);
        first = false;
    }
    if (json)
        xlc_buf_putc(b, ']');
}

int lv_emit(struct xlc_buf *b)
{
    char *s = xlc_buf_take(b);

    if (!s) {
        fprintf(stderr, "xen-cpuid: out of memory\n");
        return EXIT_INTERNAL;
    }
    fputs(s, stdout);
    free(s);
    return EXIT_OK;
}
