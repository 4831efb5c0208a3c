/* SPDX-License-Identifier: MIT */
/*
 * The list libxl builds while parsing cpuid=, and how it grows.
 *
 * libxl keeps its CPUID entries in an array ended by an entry whose leaf
 * is 0xffffffff (XEN_CPUID_INPUT_UNUSED).  A lookup scans up to that end
 * marker and appends a new entry there.  An entry for leaf 0xffffffff
 * (which the xend form can ask for: "0xffffffff:eax=..." or "-1:...")
 * therefore looks like the end marker itself: it never shows, and the next
 * new entry overwrites it.  xlc_xl_leaf_for() reproduces that with a
 * scratch entry outside the list.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xl-cpuid-priv.h"

void xlc_xl_list_free(struct xlc_xl_list *l)
{
    for (size_t i = 0; i < l->nr_notes; i++)
        free(l->notes[i]);
    free(l->notes);
    free(l->leaves);
    free(l->msrs);
    memset(l, 0, sizeof(*l));
}

static int copy_notes(struct xlc_xl_list *dst, const struct xlc_xl_list *src)
{
    if (!src->nr_notes)
        return 0;
    dst->notes = calloc(src->nr_notes, sizeof(*dst->notes));
    if (!dst->notes)
        return -ENOMEM;
    for (size_t i = 0; i < src->nr_notes; i++) {
        dst->notes[i] = strdup(src->notes[i]);
        if (!dst->notes[i])
            return -ENOMEM;
        dst->nr_notes++;
    }
    return 0;
}

int xlc_xl_list_copy(struct xlc_xl_list *dst, const struct xlc_xl_list *src,
                     xlc_error *err)
{
    memset(dst, 0, sizeof(*dst));
    if (src->nr_leaves) {
        dst->leaves = malloc(src->nr_leaves * sizeof(*dst->leaves));
        if (!dst->leaves)
            goto oom;
        memcpy(dst->leaves, src->leaves,
               src->nr_leaves * sizeof(*dst->leaves));
        dst->nr_leaves = dst->cap_leaves = src->nr_leaves;
    }
    if (src->nr_msrs) {
        dst->msrs = malloc(src->nr_msrs * sizeof(*dst->msrs));
        if (!dst->msrs)
            goto oom;
        memcpy(dst->msrs, src->msrs, src->nr_msrs * sizeof(*dst->msrs));
        dst->nr_msrs = dst->cap_msrs = src->nr_msrs;
    }
    if (copy_notes(dst, src))
        goto oom;
    return 0;
oom:
    xlc_xl_list_free(dst);
    return xlc_fail(err, ENOMEM, "out of memory copying a cpuid list");
}

const struct xlc_xl_leaf *xlc_xl_list_find(const struct xlc_xl_list *l,
                                           uint32_t leaf, uint32_t subleaf)
{
    for (size_t i = 0; i < l->nr_leaves; i++)
        if (l->leaves[i].leaf == leaf && l->leaves[i].subleaf == subleaf)
            return &l->leaves[i];
    return NULL;
}

const struct xlc_xl_msr *xlc_xl_list_find_msr(const struct xlc_xl_list *l,
                                              uint32_t index)
{
    for (size_t i = 0; i < l->nr_msrs; i++)
        if (l->msrs[i].index == index)
            return &l->msrs[i];
    return NULL;
}

static bool grow(void **arr, size_t *cap, size_t need, size_t size)
{
    size_t n = *cap ? *cap * 2 : 8;
    void *p;

    if (need <= *cap)
        return true;
    while (n < need)
        n *= 2;
    p = realloc(*arr, n * size);
    if (!p)
        return false;
    *arr = p;
    *cap = n;
    return true;
}

struct xlc_xl_leaf *xlc_xl_leaf_for(struct xlc_xl_list *l, uint32_t leaf,
                                    uint32_t subleaf,
                                    struct xlc_xl_leaf *scratch)
{
    struct xlc_xl_leaf *e;

    if (leaf == XLC_XL_NO_SUBLEAF) {
        /* libxl's end marker: written to, never seen (see the top). */
        memset(scratch, 0, sizeof(*scratch));
        scratch->leaf = leaf;
        scratch->subleaf = subleaf;
        return scratch;
    }
    e = (struct xlc_xl_leaf *)xlc_xl_list_find(l, leaf, subleaf);
    if (e)
        return e;
    if (!grow((void **)&l->leaves, &l->cap_leaves, l->nr_leaves + 1,
              sizeof(*l->leaves)))
        return NULL;
    e = &l->leaves[l->nr_leaves++];
    memset(e, 0, sizeof(*e));
    e->leaf = leaf;
    e->subleaf = subleaf;
    return e;
}

struct xlc_xl_msr *xlc_xl_msr_for(struct xlc_xl_list *l, uint32_t index)
{
    struct xlc_xl_msr *m = (struct xlc_xl_msr *)xlc_xl_list_find_msr(l, index);

    if (m)
        return m;
    if (!grow((void **)&l->msrs, &l->cap_msrs, l->nr_msrs + 1,
              sizeof(*l->msrs)))
        return NULL;
    m = &l->msrs[l->nr_msrs++];
    m->index = index;
    memset(m->policy, 'x', XLC_XL_MSR_CHARS);
    m->policy[XLC_XL_MSR_CHARS] = '\0';
    return m;
}

int xlc_xl_note(struct xlc_xl_list *l, const char *fmt, ...)
{
    char buf[512], **notes;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    notes = realloc(l->notes, (l->nr_notes + 1) * sizeof(*notes));
    if (!notes)
        return -ENOMEM;
    l->notes = notes;
    notes[l->nr_notes] = strdup(buf);
    if (!notes[l->nr_notes])
        return -ENOMEM;
    l->nr_notes++;
    return 0;
}
