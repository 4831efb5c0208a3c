/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "level_testdata.h"
#include "public/arch-x86/cpu-policy-abi.h"

struct leaf_table {
    struct xfs_cpuid_leaf *l;
    size_t n, cap;
};

static void add_leaf(struct leaf_table *t, struct xfs_cpuid_leaf v)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 64;
        t->l = realloc(t->l, t->cap * sizeof(*t->l));
        assert_non_null(t->l);
    }
    t->l[t->n++] = v;
}

static uint32_t attr_hex(xmlNode *n, const char *name, const char *path)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    unsigned long x;
    char *end;

    if (!v)
        fail_msg("%s: <cpuid> without %s", path, name);
    x = strtoul((const char *)v, &end, 16);
    if (*end)
        fail_msg("%s: bad %s='%s'", path, name, (const char *)v);
    xmlFree(v);
    return (uint32_t)x;
}

static void read_xml(const char *path, struct leaf_table *t)
{
    xmlDoc *doc = xmlReadFile(path, NULL, XML_PARSE_NONET);

    if (!doc)
        fail_msg("%s: not well-formed XML", path);
    if (doc->intSubset)
        fail_msg("%s: DOCTYPE not accepted", path);
    for (xmlNode *n = xmlDocGetRootElement(doc)->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, "cpuid"))
            continue;
        add_leaf(t, (struct xfs_cpuid_leaf){
            attr_hex(n, "eax_in", path), attr_hex(n, "ecx_in", path),
            attr_hex(n, "eax", path), attr_hex(n, "ebx", path),
            attr_hex(n, "ecx", path), attr_hex(n, "edx", path) });
    }
    xmlFreeDoc(doc);
}

static void read_cpuid_r(const char *path, struct leaf_table *t)
{
    FILE *f = fopen(path, "r");
    char line[256];
    int cpus = 0;

    if (!f)
        fail_msg("%s: cannot open", path);
    while (fgets(line, sizeof(line), f)) {
        struct xfs_cpuid_leaf v;

        if (!strncmp(line, "CPU", 3) && ++cpus > 1)
            break; /* logical CPU 0 only */
        if (sscanf(line, " 0x%x 0x%x: eax=0x%x ebx=0x%x ecx=0x%x edx=0x%x",
                   &v.leaf, &v.subleaf, &v.a, &v.b, &v.c, &v.d) == 6)
            add_leaf(t, v);
    }
    fclose(f);
}

static void table_cpuid(void *ctx, uint32_t leaf, uint32_t sub,
                        struct xfs_cpuid_regs *out)
{
    const struct leaf_table *t = ctx;

    *out = (struct xfs_cpuid_regs){ 0, 0, 0, 0 };
    if (!xfs_leaf_has_subleaves(leaf))
        sub = 0;
    for (size_t i = 0; i < t->n; i++)
        if (t->l[i].leaf == leaf && t->l[i].subleaf == sub) {
            *out = (struct xfs_cpuid_regs){ t->l[i].a, t->l[i].b, t->l[i].c,
                                            t->l[i].d };
            return;
        }
}

/* Raw featureset through the word table; no MSRs in these dumps. */
static void raw_featureset(const struct xfs_cpuid_reader *rd, uint32_t *fs)
{
    struct xfs_cpuid_regs r;
    uint32_t max_basic, max_ext;

    rd->cpuid(rd->ctx, 0, 0, &r);
    max_basic = r.a;
    rd->cpuid(rd->ctx, 0x80000000u, 0, &r);
    max_ext = r.a;
    for (unsigned int w = 0; w < XFS_NR_WORDS; w++) {
        const struct xfs_word_info *wi = &xfs_words[w];
        uint32_t max = wi->leaf & 0x80000000u ? max_ext : max_basic;

        fs[w] = 0;
        if (wi->src != XFS_SRC_CPUID || wi->leaf > max)
            continue;
        rd->cpuid(rd->ctx, wi->leaf,
                  wi->subleaf == XFS_NO_SUBLEAF ? 0 : wi->subleaf, &r);
        fs[w] = xfs_regs_get(&r, wi->reg);
    }
}

static void load_one(const char *path, const char *name, bool xml,
                     struct lvt_host *h)
{
    struct leaf_table t = { 0 };
    struct xfs_cpuid_reader rd = { table_cpuid, NULL, &t };

    memset(h, 0, sizeof(*h));
    snprintf(h->name, sizeof(h->name), "%s", name);
    if (xml)
        read_xml(path, &t);
    else
        read_cpuid_r(path, &t);
    if (!t.n)
        fail_msg("%s: no CPUID leaves", path);
    raw_featureset(&rd, h->fs);
    xlc_host_props_from_cpuid(&rd, &h->props);
    free(t.l);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct lvt_host *)a)->name,
                  ((const struct lvt_host *)b)->name);
}

void lvt_load_hosts(struct lvt_host **hosts, size_t *n)
{
    const char *shared = getenv("XFS_SHARED");
    char dir[4096], path[8192];
    struct dirent *e;
    DIR *d;

    if (!shared)
        fail_msg("XFS_SHARED is not set");
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
        *hosts = realloc(*hosts, (*n + 1) * sizeof(**hosts));
        assert_non_null(*hosts);
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        snprintf(name, sizeof(name), "%.*s", (int)(len - 4), e->d_name);
        load_one(path, name, true, &(*hosts)[(*n)++]);
    }
    closedir(d);
    *hosts = realloc(*hosts, (*n + 1) * sizeof(**hosts));
    assert_non_null(*hosts);
    snprintf(path, sizeof(path), "%s/cpuid/live/this-machine-cpuid-r.txt",
             shared);
    load_one(path, "this-machine", false, &(*hosts)[(*n)++]);
    qsort(*hosts, *n, sizeof(**hosts), by_name);
}

uint64_t lvt_rand(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}
