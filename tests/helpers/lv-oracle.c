/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "lv-oracle.h"

static unsigned long attr_num(xmlNode *n, const char *name, bool *had)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    unsigned long r = 0;

    if (had)
        *had = v != NULL;
    if (v)
        r = strtoul((const char *)v, NULL, 0);
    xmlFree(v);
    return r;
}

/* Which featureset word a register is, scanning the public word table. */
static int word_of(bool msr, unsigned long leaf, unsigned long sub,
                   bool had_sub, enum xfs_reg reg)
{
    for (int w = 0; w < XFS_NR_WORDS; w++) {
        const struct xfs_word_info *wi = &xfs_words[w];

        if ((wi->src == XFS_SRC_MSR) != msr || wi->leaf != leaf ||
            wi->reg != reg)
            continue;
        if (msr || wi->subleaf == XFS_NO_SUBLEAF)
            return w;
        if (wi->subleaf == (had_sub ? sub : 0))
            return w;
    }
    return -1;
}

static void add_reg(struct lvo_feature *f, int w, unsigned long mask)
{
    for (int b = 0; b < 32; b++) {
        if (!(mask >> b & 1))
            continue;
        if (w < 0 || !xfs_feature_by_value((unsigned)w * 32 + b))
            f->expressible = false;
        else
            f->bits[w] |= 1u << b;
    }
}

static void read_feature(xmlNode *fn, struct lvo_feature *f)
{
    static const char *const cregs[] = { "eax", "ebx", "ecx", "edx" };
    xmlChar *name = xmlGetProp(fn, (const xmlChar *)"name");

    memset(f, 0, sizeof(*f));
    snprintf(f->name, sizeof(f->name), "%s", (const char *)name);
    xmlFree(name);
    f->expressible = true;
    for (xmlNode *c = fn->children; c; c = c->next) {
        bool had_sub;

        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (!strcmp((const char *)c->name, "cpuid")) {
            unsigned long leaf = attr_num(c, "eax_in", NULL);
            unsigned long sub = attr_num(c, "ecx_in", &had_sub);

            for (int r = 0; r < 4; r++)
                add_reg(f, word_of(false, leaf, sub, had_sub, (enum xfs_reg)r),
                        attr_num(c, cregs[r], NULL));
        } else if (!strcmp((const char *)c->name, "msr")) {
            unsigned long idx = attr_num(c, "index", NULL);

            add_reg(f, word_of(true, idx, 0, false, XFS_MSR_LO),
                    attr_num(c, "eax", NULL));
            add_reg(f, word_of(true, idx, 0, false, XFS_MSR_HI),
                    attr_num(c, "edx", NULL));
        }
    }
    if (!f->expressible)
        memset(f->bits, 0, sizeof(f->bits));
}

static xmlXPathObjectPtr query(xmlDocPtr doc, const char *expr)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)expr, ctx);

    xmlXPathFreeContext(ctx);
    if (!o)
        fail_msg("xpath %s failed", expr);
    return o;
}

static xmlDocPtr read_doc(const char *dir, const char *file)
{
    char path[4096];
    xmlDocPtr d;

    snprintf(path, sizeof(path), "%s/%s", dir, file);
    d = xmlReadFile(path, NULL, XML_PARSE_NONET);
    if (!d)
        fail_msg("oracle: cannot read %s", path);
    return d;
}

static void each_file(const char *dir, void (*fn)(xmlDocPtr, struct lvo_map *,
                                                  const char *),
                      struct lvo_map *m)
{
    xmlDocPtr idx = read_doc(dir, "index.xml");
    xmlXPathObjectPtr o =
        query(idx, "/cpus/arch[@name='x86']/include/@filename");

    for (int i = 0; o->nodesetval && i < o->nodesetval->nodeNr; i++) {
        xmlChar *file = xmlNodeGetContent(o->nodesetval->nodeTab[i]);
        xmlDocPtr d = read_doc(dir, (const char *)file);

        fn(d, m, (const char *)file);
        xmlFreeDoc(d);
        xmlFree(file);
    }
    xmlXPathFreeObject(o);
    xmlFreeDoc(idx);
}

static void take_features(xmlDocPtr d, struct lvo_map *m, const char *file)
{
    xmlXPathObjectPtr o = query(d, "/cpus/feature");
    int n = o->nodesetval ? o->nodesetval->nodeNr : 0;

    (void)file;
    m->features = realloc(m->features, (m->nr_features + n + 1) *
                                           sizeof(*m->features));
    for (int i = 0; i < n; i++)
        read_feature(o->nodesetval->nodeTab[i],
                     &m->features[m->nr_features++]);
    xmlXPathFreeObject(o);
}

const struct lvo_feature *lvo_feature(const struct lvo_map *m,
                                      const char *name)
{
    for (size_t i = 0; i < m->nr_features; i++)
        if (!strcmp(m->features[i].name, name))
            return &m->features[i];
    return NULL;
}

static const struct lvo_model *find_model(const struct lvo_map *m,
                                          const char *name)
{
    for (size_t i = 0; i < m->nr_models; i++)
        if (!strcmp(m->models[i].name, name))
            return &m->models[i];
    return NULL;
}

/* Models come after their parents in every map we read. */
static void take_models(xmlDocPtr d, struct lvo_map *m, const char *file)
{
    xmlXPathObjectPtr o = query(d, "/cpus/model");
    int n = o->nodesetval ? o->nodesetval->nodeNr : 0;

    m->models = realloc(m->models, (m->nr_models + n + 1) * sizeof(*m->models));
    for (int i = 0; i < n; i++) {
        xmlNode *mn = o->nodesetval->nodeTab[i];
        struct lvo_model *mo = &m->models[m->nr_models++];
        xmlChar *name = xmlGetProp(mn, (const xmlChar *)"name");

        memset(mo, 0, sizeof(*mo));
        snprintf(mo->name, sizeof(mo->name), "%s", (const char *)name);
        snprintf(mo->file, sizeof(mo->file), "%s", file);
        xmlFree(name);
        for (xmlNode *c = mn->children; c; c = c->next) {
            xmlChar *cn, *rm;
            const struct lvo_feature *f;
            const struct lvo_model *p;

            if (c->type != XML_ELEMENT_NODE)
                continue;
            cn = xmlGetProp(c, (const xmlChar *)"name");
            rm = xmlGetProp(c, (const xmlChar *)"removed");
            if (!strcmp((const char *)c->name, "model")) {
                p = find_model(m, (const char *)cn);
                assert_non_null(p);
                for (int w = 0; w < XFS_NR_WORDS; w++)
                    mo->bits[w] |= p->bits[w];
                mo->nr_features += p->nr_features;
            } else if (!strcmp((const char *)c->name, "feature") &&
                       !(rm && !strcmp((const char *)rm, "yes"))) {
                f = lvo_feature(m, (const char *)cn);
                if (!f)
                    fail_msg("oracle: %s uses unknown %s", mo->name, cn);
                for (int w = 0; w < XFS_NR_WORDS; w++)
                    mo->bits[w] |= f->bits[w];
                mo->nr_features++;
            }
            xmlFree(cn);
            xmlFree(rm);
        }
    }
    xmlXPathFreeObject(o);
}

void lvo_load(const char *dir, struct lvo_map *m)
{
    memset(m, 0, sizeof(*m));
    each_file(dir, take_features, m);
    each_file(dir, take_models, m);
}

void lvo_free(struct lvo_map *m)
{
    free(m->features);
    free(m->models);
    memset(m, 0, sizeof(*m));
}

void lvo_write(const char *dir, const char *name, const char *text)
{
    char path[4096];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "w");
    if (!f || fputs(text, f) < 0 || fclose(f))
        fail_msg("cannot write %s", path);
}

char *lvo_tmpdir(void)
{
    char *d = strdup("/tmp/xfs-lv-XXXXXX");

    if (!d || !mkdtemp(d))
        fail_msg("mkdtemp failed");
    return d;
}

void lvo_rmdir(char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[4096];

    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        unlink(path);
    }
    if (d)
        closedir(d);
    rmdir(dir);
    free(dir);
}
