/* SPDX-License-Identifier: MIT */
/*
 * The parsed cpuid= list: entries found by (leaf, subleaf) or MSR index,
 * appended in first-touch order (the order libxl keeps and prints).
 */
#include <stdlib.h>
#include <string.h>

#include "xl-cpuid-int.h"

void xlc_xl_cpuid_free(struct xlc_xl_cpuid *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->nr_cpuid; i++)
        for (int r = 0; r < 4; r++)
            free(l->cpuid[i].policy[r]);
    free(l->cpuid);
    free(l->msr);
    memset(l, 0, sizeof(*l));
}

struct xlc_xl_cpuid_entry *xlc_xl_cpuid_entry_get(struct xlc_xl_cpuid *l,
                                                  uint32_t leaf,
                                                  uint32_t subleaf)
{
    for (size_t i = 0; i < l->nr_cpuid; i++)
        if (l->cpuid[i].leaf == leaf && l->cpuid[i].subleaf == subleaf)
            return &l->cpuid[i];

    struct xlc_xl_cpuid_entry *n =
        realloc(l->cpuid, (l->nr_cpuid + 1) * sizeof(*n));
    if (!n)
        return NULL;
    l->cpuid = n;
    n += l->nr_cpuid++;
    memset(n, 0, sizeof(*n));
    n->leaf = leaf;
    n->subleaf = subleaf;
    return n;
}

struct xlc_xl_msr_entry *xlc_xl_msr_entry_get(struct xlc_xl_cpuid *l,
                                              uint32_t index)
{
    for (size_t i = 0; i < l->nr_msr; i++)
        if (l->msr[i].index == index)
            return &l->msr[i];

    struct xlc_xl_msr_entry *n = realloc(l->msr, (l->nr_msr + 1) * sizeof(*n));
    if (!n)
        return NULL;
    l->msr = n;
    n += l->nr_msr++;
    n->index = index;
    memset(n->policy, 'x', XLC_XL_MSR_CHARS);
    n->policy[XLC_XL_MSR_CHARS] = '\0';
    return n;
}
