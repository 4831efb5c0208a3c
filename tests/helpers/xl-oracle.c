/* SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HAVE_YAJL_YAJL_VERSION_H 1
#include <libxl.h>
#include <libxl_json.h>

#include "xl-oracle.h"

struct xo_list {
    libxl_cpuid_policy_list l;
};

xo_list *xo_new(void)
{
    return calloc(1, sizeof(struct xo_list));
}

void xo_free(xo_list *l)
{
    if (!l)
        return;
    libxl_cpuid_dispose(&l->l);
    free(l);
}

int xo_add(xo_list *l, const char *item, bool xend)
{
    size_t n = strlen(item);
    /*
     * libxl's xend parser looks at str[2] of "e" + NUL; pad the copy so
     * that read stays inside our allocation.
     */
    char *copy = calloc(n + 4, 1);
    int rc;

    if (!copy)
        abort();
    memcpy(copy, item, n);
    rc = xend ? libxl_cpuid_parse_config_xend(&l->l, copy)
              : libxl_cpuid_parse_config(&l->l, copy);
    free(copy);
    return rc;
}

char *xo_json(xo_list *l)
{
    return xo_json_of(&l->l);
}

char *xo_json_of(void *p)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    const unsigned char *buf;
    size_t len;
    char *s;

    if (!g || libxl_cpuid_policy_list_gen_json(g, p) != yajl_gen_status_ok)
        abort();
    yajl_gen_get_buf(g, &buf, &len);
    s = malloc(len + 1);
    if (!s)
        abort();
    memcpy(s, buf, len);
    s[len] = '\0';
    yajl_gen_free(g);
    return s;
}

int xo_xl_string(xo_list *l, const char *s, int *rcs, size_t max_rcs,
                 size_t *nr_items)
{
    char *buf = strdup(s), *save = NULL, *p;
    int bad = 0;
    size_t n = 0;

    if (!buf)
        abort();
    *nr_items = 0;
    p = strtok_r(buf, ",", &save);
    if (!p) {
        free(buf);
        return 0;
    }
    if (strcmp(p, "host")) {
        free(buf);
        return -1;
    }
    while ((p = strtok_r(NULL, ",", &save))) {
        int rc = xo_add(l, p, false);

        if (rcs && n < max_rcs)
            rcs[n] = rc;
        n++;
        bad += rc != 0;
    }
    *nr_items = n;
    free(buf);
    return bad;
}

const char *xo_library_path(void)
{
    static char path[4096];
    char line[4608];
    FILE *f = fopen("/proc/self/maps", "r");
    const char *found = NULL;

    /* The mapping the dynamic linker made for libxenlight. */
    while (f && !found && fgets(line, sizeof(line), f)) {
        char *p = strchr(line, '/');

        if (!p || !strstr(p, "/libxenlight.so"))
            continue;
        p[strcspn(p, "\n")] = '\0';
        snprintf(path, sizeof(path), "%s", p);
        found = path;
    }
    if (f)
        fclose(f);
    return found;
}
