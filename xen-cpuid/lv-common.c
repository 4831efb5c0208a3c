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

static char source[512];

/* Copy one fetched set, zero-extended, into ours. */
static void take(uint32_t dst[XFS_NR_WORDS], const struct tool_featuresets *s,
                 unsigned int idx)
{
    memset(dst, 0, XFS_NR_WORDS * sizeof(uint32_t));
    if (s->fs[idx])
        xfs_copy(dst, XFS_NR_WORDS, s->fs[idx], s->len[idx]);
}

/* Vendor and signature come from the same CPUID source as the sets. */
static int identify(struct tool *t, struct xlc_lv_host *h)
{
    struct xlc_cpuid_dump *d;
    struct xfs_cpuid_reader rd;
    xlc_error err = { 0 };
    int rc = t->cpuid_file ? xlc_dump_load(t->cpuid_file, &d, &err)
                           : xlc_dump_live(&d, &err);

    if (rc) {
        tool_err(t, "%s", err.msg);
        return t->cpuid_file ? EXIT_INPUT : EXIT_BACKEND;
    }
    xlc_dump_reader(d, &rd);
    xlc_lv_host_identify(h, &rd);
    xlc_dump_free(d);
    return 0;
}

int lv_tool_host(struct tool *t, enum xlc_guest_type type,
                 struct xlc_lv_host *h, const char **src, bool *usable)
{
    bool pv = type == XLC_GUEST_PV;
    struct tool_featuresets s;
    xlc_handle *xh;
    int rc = tool_open_handle(t, &xh);

    if (rc)
        return rc;
    rc = tool_get_featuresets(t, xh, &s);
    if (!rc) {
        memset(h, 0, sizeof(*h));
        take(h->host, &s, XFS_SYSCTL_cpu_featureset_host);
        take(h->def, &s, pv ? XFS_SYSCTL_cpu_featureset_pv
                            : XFS_SYSCTL_cpu_featureset_hvm);
        take(h->max, &s, pv ? XFS_SYSCTL_cpu_featureset_pv_max
                            : XFS_SYSCTL_cpu_featureset_hvm_max);
        /* A guest type the hypervisor cannot run has no default set. */
        *usable = !xfs_empty(h->def, XFS_NR_WORDS);
        snprintf(source, sizeof(source), "%s",
                 xlc_backend_description(xh));
        *src = source;
        tool_featuresets_free(&s);
        rc = identify(t, h);
    }
    xlc_close(xh);
    return rc;
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

int lv_tool_main(struct tool *t, int nargs, const char *usage, lv_cmd_fn *fn)
{
    struct xlc_cpu_map *map;
    enum xlc_guest_type type;
    int rc;

    if (t->argc != nargs) {
        tool_err(t, "%s", usage);
        return EXIT_USAGE;
    }
    rc = lv_tool_type(t, &type);
    if (!rc)
        rc = lv_tool_map(t, &map);
    if (rc)
        return rc;
    rc = fn(t, map, type);
    xlc_cpu_map_free(map);
    return rc;
}
