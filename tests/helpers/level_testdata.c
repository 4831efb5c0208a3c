/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "level_testdata.h"

static void load_one(const char *path, const char *name, struct lvt_host *h)
{
    xlc_error err;

    memset(h, 0, sizeof(*h));
    snprintf(h->name, sizeof(h->name), "%s", name);
    snprintf(h->path, sizeof(h->path), "%s", path);
    for (int t = XLC_GUEST_PV; t <= XLC_GUEST_HVM; t++)
        if (xlc_level_host_from_dump(path, t, &h->as[t], &err))
            fail_msg("%s", err.msg);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct lvt_host *)a)->name,
                  ((const struct lvt_host *)b)->name);
}

static struct lvt_host *append(struct lvt_host **hosts, size_t *n)
{
    *hosts = realloc(*hosts, (*n + 1) * sizeof(**hosts));
    assert_non_null(*hosts);
    return &(*hosts)[(*n)++];
}

void lvt_load_hosts(struct lvt_host **hosts, size_t *n)
{
    const char *shared = getenv("XFS_DATA");
    char dir[4096], path[8192];
    struct dirent *e;
    DIR *d;

    if (!shared)
        fail_msg("XFS_DATA is not set");
    snprintf(dir, sizeof(dir), "%s/cpuid/instlatx64", shared);
    d = opendir(dir);
    if (!d)
        fail_msg("%s: cannot open", dir);
    *hosts = NULL;
    *n = 0;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        char name[96];

        if (len < 5 || strcmp(e->d_name + len - 4, ".xml"))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        snprintf(name, sizeof(name), "%.*s", (int)(len - 4), e->d_name);
        load_one(path, name, append(hosts, n));
    }
    closedir(d);
    snprintf(path, sizeof(path), "%s/cpuid/live/this-machine-cpuid-r.txt",
             shared);
    load_one(path, "this-machine", append(hosts, n));
    qsort(*hosts, *n, sizeof(**hosts), by_name);
}

uint64_t lvt_rand(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

struct lvt_host *lvt_hosts;
size_t lvt_nr_hosts;

int lvt_setup(void **state)
{
    (void)state;
    lvt_load_hosts(&lvt_hosts, &lvt_nr_hosts);
    return lvt_nr_hosts >= 41 ? 0 : -1;
}

int lvt_teardown(void **state)
{
    (void)state;
    free(lvt_hosts);
    lvt_hosts = NULL;
    lvt_nr_hosts = 0;
    return 0;
}

const struct lvt_host *lvt_find(const char *prefix)
{
    for (size_t i = 0; i < lvt_nr_hosts; i++)
        if (!strncmp(lvt_hosts[i].name, prefix, strlen(prefix)))
            return &lvt_hosts[i];
    fail_msg("no dump named %s*", prefix);
    return NULL;
}

xlc_pool *lvt_pool(enum xlc_guest_type type, const size_t *idx, size_t n)
{
    xlc_pool *p;
    xlc_error err;

    assert_int_equal(xlc_pool_new(type, &p, &err), 0);
    for (size_t i = 0; i < n; i++) {
        const struct lvt_host *h = &lvt_hosts[idx[i]];

        if (xlc_pool_add(p, h->name, h->as[type].fs, XFS_NR_WORDS,
                         &h->as[type].props, NULL, &err))
            fail_msg("%s", err.msg);
    }
    return p;
}

void lvt_level(const xlc_pool *p, struct xlc_level *l)
{
    xlc_error err;

    if (xlc_pool_level(p, l, &err))
        fail_msg("%s", err.msg);
}

size_t lvt_shuffled(uint64_t *seed, enum xlc_guest_type type,
                    const char *vendor, bool policy, size_t *idx)
{
    size_t n = 0;

    for (size_t i = 0; i < lvt_nr_hosts; i++) {
        const struct xlc_level_host *h = &lvt_hosts[i].as[type];

        if (h->usable && (!policy || h->has_policy) &&
            (!vendor || !strcmp(h->props.vendor, vendor)))
            idx[n++] = i;
    }
    for (size_t i = n - 1; n && i > 0; i--) {
        size_t j = lvt_rand(seed) % (i + 1), t = idx[i];

        idx[i] = idx[j];
        idx[j] = t;
    }
    return n;
}
