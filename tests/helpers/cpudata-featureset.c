/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "cpudata-featureset.h"

static uint32_t attr(xmlNode *n, const char *name, const char *file)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    unsigned long x;
    char *end;

    if (!v)
        return 0;
    x = strtoul((const char *)v, &end, 16);
    if (*end || x > 0xffffffffUL)
        fail_msg("%s: bad %s='%s'", file, name, (const char *)v);
    xmlFree(v);
    return (uint32_t)x;
}

/* Fill the words that come from this <cpuid> or <msr> element. */
static void apply(xmlNode *n, const char *file, uint32_t *fs)
{
    static const char *const regs[] = { "eax", "ebx", "ecx", "edx" };
    bool msr = !xmlStrcmp(n->name, (const xmlChar *)"msr");

    for (unsigned int w = 0; w < XFS_NR_WORDS; w++) {
        const struct xfs_word_info *wi = &xfs_words[w];

        if (msr) {
            if (wi->src == XFS_SRC_MSR && attr(n, "index", file) == wi->leaf)
                fs[w] = attr(n, wi->reg == XFS_MSR_LO ? "eax" : "edx", file);
            continue;
        }
        if (wi->src != XFS_SRC_CPUID || attr(n, "eax_in", file) != wi->leaf)
            continue;
        if (attr(n, "ecx_in", file) !=
            (wi->subleaf == XFS_NO_SUBLEAF ? 0 : wi->subleaf))
            continue;
        fs[w] = attr(n, regs[wi->reg], file);
    }
}

static void load_one(const char *path, uint32_t *fs)
{
    xmlDoc *doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
    xmlNode *root;

    if (!doc)
        fail_msg("cannot parse %s", path);
    if (doc->intSubset)
        fail_msg("%s: has a DOCTYPE", path);
    root = xmlDocGetRootElement(doc);
    if (!root || xmlStrcmp(root->name, (const xmlChar *)"cpudata"))
        fail_msg("%s: not a <cpudata> document", path);
    memset(fs, 0, XFS_NR_WORDS * sizeof(*fs));
    for (xmlNode *n = root->children; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE &&
            (!xmlStrcmp(n->name, (const xmlChar *)"cpuid") ||
             !xmlStrcmp(n->name, (const xmlChar *)"msr")))
            apply(n, path, fs);
    xmlFreeDoc(doc);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct th_cpu *)a)->name,
                  ((const struct th_cpu *)b)->name);
}

unsigned int th_load_cpus(struct th_cpu **out)
{
    const char *shared = getenv("XFS_DATA");
    char dir[4096], path[8192];
    struct th_cpu *cpus = NULL;
    unsigned int nr = 0;
    struct dirent *de;
    DIR *d;

    if (!shared)
        fail_msg("XFS_DATA is not set (the directory containing cpuid/)");
    snprintf(dir, sizeof(dir), "%s/cpuid/instlatx64", shared);
    d = opendir(dir);
    if (!d)
        fail_msg("cannot open %s", dir);
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);

        if (len < 5 || strcmp(de->d_name + len - 4, ".xml"))
            continue;
        cpus = realloc(cpus, (nr + 1) * sizeof(*cpus));
        assert_non_null(cpus);
        snprintf(cpus[nr].name, sizeof(cpus[nr].name), "%.*s",
                 (int)(len - 4), de->d_name);
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        load_one(path, cpus[nr].fs);
        nr++;
    }
    closedir(d);
    qsort(cpus, nr, sizeof(*cpus), by_name);
    *out = cpus;
    return nr;
}
