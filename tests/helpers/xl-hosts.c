/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libxl_cpuid/cpuid-dump.h"
#include "xl-hosts.h"

static int derive(struct xh_host *h)
{
    struct xlc_cpuid_dump *d = NULL;
    struct xfs_cpuid_reader rd;
    struct xfs_hv_options opts;
    xlc_error err = { 0 };

    if (xlc_dump_load(h->path, &d, &err)) {
        fprintf(stderr, "%s: %s\n", h->path, err.msg);
        return -1;
    }
    xlc_dump_reader(d, &rd);
    xfs_hv_options_default(&opts);
    xfs_derive_featuresets(&rd, &opts, &h->sets);
    xlc_dump_free(d);
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct xh_host *)a)->name,
                  ((const struct xh_host *)b)->name);
}

/* Append the dumps of one directory ending in `ext`. */
static int scan(const char *dir, const char *ext, struct xh_host **v,
                int *n)
{
    DIR *dp = opendir(dir);
    struct dirent *e;

    if (!dp) {
        fprintf(stderr, "cannot open %s\n", dir);
        return -1;
    }
    while ((e = readdir(dp))) {
        size_t len = strlen(e->d_name), el = strlen(ext);
        struct xh_host *p;

        if (len <= el || strcmp(e->d_name + len - el, ext))
            continue;
        p = realloc(*v, (size_t)(*n + 1) * sizeof(**v));
        if (!p)
            break;
        *v = p;
        memset(&p[*n], 0, sizeof(p[*n]));
        snprintf(p[*n].name, sizeof(p[*n].name), "%s", e->d_name);
        snprintf(p[*n].path, sizeof(p[*n].path), "%s/%s", dir, e->d_name);
        if (derive(&p[*n])) {
            closedir(dp);
            return -1;
        }
        (*n)++;
    }
    closedir(dp);
    return 0;
}

int xh_load_all(struct xh_host **out)
{
    const char *shared = getenv("XFS_SHARED");
    char dir[1024];
    struct xh_host *v = NULL;
    int n = 0;

    *out = NULL;
    if (!shared || !*shared) {
        fprintf(stderr, "XFS_SHARED is not set\n");
        return -1;
    }
    snprintf(dir, sizeof(dir), "%s/cpuid/instlatx64", shared);
    if (scan(dir, ".xml", &v, &n))
        goto fail;
    snprintf(dir, sizeof(dir), "%s/cpuid/live", shared);
    if (scan(dir, ".txt", &v, &n))
        goto fail;
    if (!n)
        goto fail;
    qsort(v, (size_t)n, sizeof(*v), by_name);
    *out = v;
    return n;
fail:
    free(v);
    return -1;
}

void xh_guest(const struct xh_host *h, enum xlc_guest_type type,
              struct xlc_xl_host *out)
{
    out->type = type;
    out->host = h->sets.fs[XFS_SYSCTL_cpu_featureset_host];
    out->def = h->sets.fs[type == XLC_GUEST_PV ? XFS_SYSCTL_cpu_featureset_pv
                                               : XFS_SYSCTL_cpu_featureset_hvm];
    out->max = h->sets.fs[type == XLC_GUEST_PV
                              ? XFS_SYSCTL_cpu_featureset_pv_max
                              : XFS_SYSCTL_cpu_featureset_hvm_max];
}
