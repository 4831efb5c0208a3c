/* SPDX-License-Identifier: MIT */
/*
 * Loading the cpu_map directory: index.xml names, per architecture, the
 * files to include; we read the x86 ones (vendors, features, models) and
 * then resolve the models.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libvirt-cpumap-int.h"
#include "../util/strbuf.h"
#include "../libvirt/libvirt-xml.h"

/* One <vendor>, <feature> or <model> element, wherever it appears. */
static int load_element(struct lv_loader *ld, const xmlNode *n,
                        xlc_error *err)
{
    if (xlc_xml_is(n, "vendor"))
        return xlc_lv_parse_vendor(ld, n, err);
    if (xlc_xml_is(n, "feature"))
        return xlc_lv_parse_feature(ld, n, err);
    if (xlc_xml_is(n, "model"))
        return xlc_lv_parse_model(ld, n, err);
    return xlc_xml_fail(err, EINVAL, n, "unknown element <%s>",
                        (const char *)n->name);
}

/* Included names are plain file names inside the map directory. */
static int check_include_name(const xmlNode *n, const char *name,
                              xlc_error *err)
{
    if (!name || !*name)
        return xlc_xml_fail(err, EINVAL, n, "<include> without filename");
    if (strchr(name, '/') || name[0] == '.')
        return xlc_xml_fail(err, EINVAL, n,
                            "<include filename='%s'>: only file names inside "
                            "the map directory are accepted",
                            name);
    return 0;
}

/* A whole included document: <cpus> and its elements. */
static int load_doc(struct lv_loader *ld, xmlDocPtr doc, xlc_error *err)
{
    const xmlNode *root = xmlDocGetRootElement(doc);
    int rc = 0;

    if (!xlc_xml_is(root, "cpus"))
        return xlc_xml_fail(err, EINVAL, root,
                            "root element is <%s>, expected <cpus>",
                            (const char *)root->name);
    for (const xmlNode *c = xlc_xml_first(root); !rc && c;
         c = xlc_xml_next(c))
        rc = load_element(ld, c, err);
    return rc;
}

static int load_include(struct lv_loader *ld, const xmlNode *n,
                        xlc_error *err)
{
    static const char *const attrs[] = { "filename", NULL };
    const char *name = xlc_xml_attr(n, "filename");
    xmlDocPtr doc = NULL;
    char *path = NULL;
    int rc = xlc_xml_only_attrs(n, attrs, err);

    if (!rc)
        rc = check_include_name(n, name, err);
    if (!rc && xlc_lv_record_file(ld, name))
        rc = xlc_xml_fail(err, ENOMEM, n, "out of memory");
    if (rc)
        return rc;
    if (asprintf(&path, "%s/%s", ld->map->dir, name) < 0)
        return xlc_xml_fail(err, ENOMEM, n, "out of memory");
    rc = xlc_xml_load(path, &doc, err);
    if (rc)
        xlc_error_prefix(err, "%s:%ld: included here", xlc_xml_name(n),
                         xlc_xml_line(n));
    else
        rc = load_doc(ld, doc, err);
    xlc_xml_free(doc);
    free(path);
    return rc;
}

static int load_arch(struct lv_loader *ld, const xmlNode *arch,
                     xlc_error *err)
{
    int rc = 0;

    for (const xmlNode *c = xlc_xml_first(arch); !rc && c;
         c = xlc_xml_next(c)) {
        if (xlc_xml_is(c, "include"))
            rc = load_include(ld, c, err);
        else
            rc = load_element(ld, c, err);
    }
    return rc;
}

static int load_index(struct lv_loader *ld, xlc_error *err)
{
    const xmlNode *root, *x86 = NULL;
    xmlDocPtr doc;
    char *path;
    int rc;

    if (asprintf(&path, "%s/index.xml", ld->map->dir) < 0 ||
        xlc_lv_record_file(ld, "index.xml"))
        return xlc_fail(err, ENOMEM, "out of memory");
    rc = xlc_xml_load(path, &doc, err);
    free(path);
    if (rc)
        return rc;
    root = xmlDocGetRootElement(doc);
    if (!xlc_xml_is(root, "cpus"))
        rc = xlc_xml_fail(err, EINVAL, root,
                          "root element is <%s>, expected <cpus>",
                          (const char *)root->name);
    for (const xmlNode *c = xlc_xml_first(root); !rc && c;
         c = xlc_xml_next(c)) {
        const char *name = xlc_xml_attr(c, "name");

        if (!xlc_xml_is(c, "arch"))
            rc = xlc_xml_fail(err, EINVAL, c, "unknown element <%s>",
                              (const char *)c->name);
        else if (name && !strcmp(name, "x86") && x86)
            rc = xlc_xml_fail(err, EINVAL, c, "second <arch name='x86'>");
        else if (name && !strcmp(name, "x86"))
            x86 = c;
    }
    if (!rc && !x86)
        rc = xlc_xml_fail(err, EINVAL, root, "no <arch name='x86'>");
    if (!rc)
        rc = load_arch(ld, x86, err);
    xlc_xml_free(doc);
    return rc;
}

static struct xlc_cpu_map *new_map(const char *dir)
{
    struct xlc_cpu_map *map = calloc(1, sizeof(*map));

    if (map && !(map->dir = strdup(dir))) {
        free(map);
        map = NULL;
    }
    return map;
}

/* After reading: resolve, or free everything on an earlier failure. */
static int finish(struct lv_loader *ld, int rc, struct xlc_cpu_map **out,
                  xlc_error *err)
{
    struct xlc_cpu_map *map = ld->map;

    if (!rc && !map->nr_features)
        rc = xlc_fail(err, EINVAL, "%s: the x86 map defines no features",
                      map->dir);
    if (!rc) {
        xlc_cpu_map_build_index(map);
        rc = xlc_lv_resolve_models(ld, err);
    } else
        for (size_t i = 0; i < map->nr_models; i++) {
            for (size_t k = 0; k < ld->raw[i].nr_refs; k++)
                free(ld->raw[i].refs[k].name);
            free(ld->raw[i].refs);
        }
    free(ld->raw);
    if (rc) {
        xlc_cpu_map_free(map);
        return rc;
    }
    for (size_t i = 0; i < map->nr_features; i++)
        xfs_or(map->nameable, XFS_NR_WORDS, map->nameable, XFS_NR_WORDS,
               map->features[i].xen, XFS_NR_WORDS);
    *out = map;
    return 0;
}

int xlc_cpu_map_load(const char *dir, struct xlc_cpu_map **out,
                     xlc_error *err)
{
    struct lv_loader ld = { 0 };

    *out = NULL;
    ld.map = new_map(dir ? dir : XLC_CPU_MAP_DEFAULT_DIR);
    if (!ld.map)
        return xlc_fail(err, ENOMEM, "out of memory");
    return finish(&ld, load_index(&ld, err), out, err);
}

int xlc_cpu_map_parse(const char *name, const char *text, size_t len,
                      struct xlc_cpu_map **out, xlc_error *err)
{
    struct lv_loader ld = { 0 };
    xmlDocPtr doc;
    int rc;

    *out = NULL;
    rc = xlc_xml_parse(name, text, len, &doc, err);
    if (rc)
        return rc;
    ld.map = new_map(name);
    if (!ld.map) {
        xlc_xml_free(doc);
        return xlc_fail(err, ENOMEM, "out of memory");
    }
    rc = load_doc(&ld, doc, err);
    xlc_xml_free(doc);
    return finish(&ld, rc, out, err);
}

void xlc_cpu_map_free(struct xlc_cpu_map *map)
{
    if (!map)
        return;
    for (size_t i = 0; i < map->nr_files; i++)
        free(map->files[i].name);
    free(map->files);
    if (map->arena) {
        /* Everything but the features' reasons is in the arena. */
        for (size_t i = 0; i < map->nr_features; i++)
            free(map->features[i].why);
        free(map->arena);
        map->nr_vendors = map->nr_features = map->nr_models = 0;
    }
    for (size_t i = 0; i < map->nr_vendors; i++)
        free(map->vendors[i].name);
    for (size_t i = 0; i < map->nr_features; i++)
        xlc_lv_feature_clear(&map->features[i]);
    for (size_t i = 0; i < map->nr_models; i++)
        xlc_lv_model_clear(&map->models[i]);
    free(map->vendors);
    free(map->features);
    free(map->models);
    free(map->index);
    free(map->model_index);
    free(map->dir);
    free(map);
}
