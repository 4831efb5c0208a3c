/* SPDX-License-Identifier: MIT */
/*
 * Lookups in a loaded cpu_map: by name, by alias, by vendor string, by
 * Xen feature, and the nearest known name for error messages.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libvirt-cpumap-int.h"
#include "../util/strbuf.h"

const char *xlc_cpu_map_dir(const struct xlc_cpu_map *m)
{
    return m->dir;
}

size_t xlc_cpu_map_nr_vendors(const struct xlc_cpu_map *m)
{
    return m->nr_vendors;
}

const struct xlc_lv_vendor *xlc_cpu_map_vendor_at(const struct xlc_cpu_map *m,
                                                  size_t i)
{
    return i < m->nr_vendors ? &m->vendors[i] : NULL;
}

size_t xlc_cpu_map_nr_features(const struct xlc_cpu_map *m)
{
    return m->nr_features;
}

const struct xlc_lv_feature *
xlc_cpu_map_feature_at(const struct xlc_cpu_map *m, size_t i)
{
    return i < m->nr_features ? &m->features[i] : NULL;
}

size_t xlc_cpu_map_nr_models(const struct xlc_cpu_map *m)
{
    return m->nr_models;
}

const struct xlc_lv_model *xlc_cpu_map_model_at(const struct xlc_cpu_map *m,
                                                size_t i)
{
    return i < m->nr_models ? &m->models[i] : NULL;
}

const uint32_t *xlc_cpu_map_nameable(const struct xlc_cpu_map *m)
{
    return m->nameable;
}

struct xlc_lv_name_slot {
    const char *key;         /* NULL: free */
    size_t at;               /* the feature's or model's number */
};

/* The slot of table (cap a power of two) holding `name`, or the free slot
 * where it would go. */
static struct xlc_lv_name_slot *table_slot(struct xlc_lv_name_slot *table,
                                           size_t cap, const char *name)
{
    size_t mask = cap - 1, i = xlc_str_hash(name) & mask;

    while (table[i].key && strcmp(table[i].key, name))
        i = (i + 1) & mask;
    return &table[i];
}

/* First come, first kept: the walks below find the earliest one too. */
static void table_add(struct xlc_lv_name_slot *table, size_t cap,
                      const char *key, size_t at)
{
    struct xlc_lv_name_slot *s = table_slot(table, cap, key);

    if (!s->key)
        *s = (struct xlc_lv_name_slot){ key, at };
}

/* A table at most half full for `keys` names (NULL without memory). */
static struct xlc_lv_name_slot *table_new(size_t keys, size_t *cap)
{
    struct xlc_lv_name_slot *t;

    *cap = 16;
    while (*cap < 2 * keys)
        *cap *= 2;
    t = calloc(*cap, sizeof(*t));
    if (!t)
        *cap = 0;
    return t;
}

void xlc_cpu_map_build_index(struct xlc_cpu_map *m)
{
    size_t keys = 0;

    for (size_t i = 0; i < m->nr_features; i++)
        keys += 1 + m->features[i].nr_aliases;
    free(m->index);
    free(m->model_index);
    m->index = table_new(keys, &m->index_cap);
    m->model_index = table_new(m->nr_models, &m->model_index_cap);
    if (!m->index || !m->model_index) {
        free(m->index);
        free(m->model_index);
        m->index = m->model_index = NULL;
        m->index_cap = m->model_index_cap = 0;
        return;
    }
    for (size_t i = 0; i < m->nr_features; i++) {
        const struct xlc_lv_feature *f = &m->features[i];

        table_add(m->index, m->index_cap, f->name, i);
        for (size_t a = 0; a < f->nr_aliases; a++)
            table_add(m->index, m->index_cap, f->aliases[a], i);
    }
    for (size_t i = 0; i < m->nr_models; i++)
        table_add(m->model_index, m->model_index_cap, m->models[i].name, i);
}

const struct xlc_lv_feature *xlc_cpu_map_feature(const struct xlc_cpu_map *m,
                                                 const char *name)
{
    if (m->index) {
        const struct xlc_lv_name_slot *s =
            table_slot(m->index, m->index_cap, name);

        return s->key ? &m->features[s->at] : NULL;
    }
    for (size_t i = 0; i < m->nr_features; i++) {
        const struct xlc_lv_feature *f = &m->features[i];

        if (!strcmp(f->name, name))
            return f;
        for (size_t a = 0; a < f->nr_aliases; a++)
            if (!strcmp(f->aliases[a], name))
                return f;
    }
    return NULL;
}

const struct xlc_lv_model *xlc_cpu_map_model(const struct xlc_cpu_map *m,
                                             const char *name)
{
    if (m->model_index) {
        const struct xlc_lv_name_slot *s =
            table_slot(m->model_index, m->model_index_cap, name);

        return s->key ? &m->models[s->at] : NULL;
    }
    for (size_t i = 0; i < m->nr_models; i++)
        if (!strcmp(m->models[i].name, name))
            return &m->models[i];
    return NULL;
}

const struct xlc_lv_vendor *xlc_cpu_map_vendor(const struct xlc_cpu_map *m,
                                               const char *name)
{
    for (size_t i = 0; i < m->nr_vendors; i++)
        if (!strcmp(m->vendors[i].name, name))
            return &m->vendors[i];
    return NULL;
}

const struct xlc_lv_vendor *
xlc_cpu_map_vendor_by_string(const struct xlc_cpu_map *m, const char *str)
{
    for (size_t i = 0; i < m->nr_vendors; i++)
        if (!strcmp(m->vendors[i].string, str))
            return &m->vendors[i];
    return NULL;
}

const struct xlc_lv_feature *
xlc_cpu_map_feature_for_xen(const struct xlc_cpu_map *m, unsigned int value)
{
    uint32_t want[XFS_NR_WORDS] = { 0 };

    if (xfs_set(want, XFS_NR_WORDS, value))
        return NULL;
    for (size_t i = 0; i < m->nr_features; i++)
        if (m->features[i].expressible &&
            xfs_equal(m->features[i].xen, XFS_NR_WORDS, want, XFS_NR_WORDS))
            return &m->features[i];
    return NULL;
}

/* Keep the closer candidate; on a tie the alphabetically first. */
static void consider(const char *cand, const char *name, const char **best,
                     unsigned int *best_d)
{
    unsigned int d = xlc_edit_distance(name, cand, 1000, NULL);

    if (d < *best_d || (d == *best_d && *best && strcmp(cand, *best) < 0)) {
        *best = cand;
        *best_d = d;
    }
}

const char *xlc_cpu_map_nearest_feature(const struct xlc_cpu_map *m,
                                        const char *name)
{
    const char *best = NULL;
    unsigned int d = 1000;

    for (size_t i = 0; i < m->nr_features; i++)
        consider(m->features[i].name, name, &best, &d);
    return best;
}

const char *xlc_cpu_map_nearest_model(const struct xlc_cpu_map *m,
                                      const char *name)
{
    const char *best = NULL;
    unsigned int d = 1000;

    for (size_t i = 0; i < m->nr_models; i++)
        consider(m->models[i].name, name, &best, &d);
    return best;
}

int xlc_cpu_map_inexpressible(const struct xlc_cpu_map *m,
                              const struct xlc_lv_feature ***out, size_t *nr,
                              xlc_error *err)
{
    const struct xlc_lv_feature **list =
        calloc(m->nr_features + 1, sizeof(*list));

    *out = NULL;
    *nr = 0;
    if (!list)
        return xlc_fail(err, ENOMEM, "out of memory");
    for (size_t i = 0; i < m->nr_features; i++)
        if (!m->features[i].expressible)
            list[(*nr)++] = &m->features[i];
    *out = list;
    return 0;
}
