/* SPDX-License-Identifier: MIT */
/*
 * Reading a pool: the level, who is to blame for each lost feature, what a
 * host joining or leaving would change, per-host verdicts, and hosts
 * grouped by a property's value.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "level-internal.h"

static const uint32_t *inverted(void)
{
    return xfs_static_masks[XFS_MASK_INVERTED];
}

void xlc_pool_every_default(const xlc_pool *p, const struct xfs_counts *dc,
                            size_t nr_def, size_t nr_hosts,
                            const uint32_t *every, uint32_t *out)
{
    const uint32_t *d = xlc_guest_default_mask(p->type), *inv = inverted();
    uint32_t given[XFS_NR_WORDS];

    xfs_counts_every(dc, given); /* all ones when nobody gave one */
    for (unsigned int w = 0; w < XFS_NR_WORDS; w++) {
        out[w] = given[w];
        /* The others' defaults: their max through the default mask.  The
         * dependencies a host's own default would drop are dropped from
         * the level anyway: closing a set commutes with intersecting. */
        if (nr_hosts > nr_def)
            out[w] &= every[w] & (d[w] | inv[w]);
    }
}

void xlc_level_from_sets(const xlc_pool *p, const uint32_t *every,
                         const uint32_t *any, const uint32_t *every_def,
                         size_t nr_hosts, struct xlc_level *out)
{
    const uint32_t *mask = xlc_guest_mask(p->type), *inv = inverted();

    out->type = p->type;
    out->nr_hosts = nr_hosts;
    xfs_copy(out->every, XFS_NR_WORDS, every, XFS_NR_WORDS);
    xfs_copy(out->any, XFS_NR_WORDS, any, XFS_NR_WORDS);
    xfs_level_compute(every, any, mask, &out->sets);
    for (unsigned int w = 0; w < XFS_NR_WORDS; w++) {
        out->lost[w] = any[w] & mask[w] & ~inv[w] & ~out->sets.level[w];
        out->weak[w] = out->sets.level[w] & inv[w];
    }
    /* A default's inverted bits are its max's: `any` serves both.  The
     * defaults are the hypervisor's own: only the max mask applies. */
    xfs_copy(out->every_def, XFS_NR_WORDS, every_def, XFS_NR_WORDS);
    xfs_level_compute(every_def, any, mask, &out->def_sets);
}

int xlc_pool_level(const xlc_pool *p, struct xlc_level *out, xlc_error *err)
{
    uint32_t every[XFS_NR_WORDS], any[XFS_NR_WORDS], every_def[XFS_NR_WORDS];
    struct xfs_counts c, dc;

    if (!p->nr_present)
        return xlc_fail(err, EINVAL, "pool: no hosts, so no level");
    xlc_pool_counts(p, &c, &dc);
    xfs_counts_every(&c, every);
    xfs_counts_any(&c, any);
    xlc_pool_every_default(p, &dc, p->nr_def, p->nr_present, every,
                           every_def);
    xlc_level_from_sets(p, every, any, every_def, p->nr_present, out);
    out->props = p->props_sum;
    return 0;
}

size_t xlc_pool_hosts_with(const xlc_pool *p, unsigned int bit, bool has,
                           size_t *ids, size_t max)
{
    size_t n = 0;

    if (bit >= XFS_NR_FEATURE_BITS)
        return has ? 0 : p->nr_present;
    /* Rows are full length: the bit read in place (reports ask this of
     * every host for every feature they list).  Hosts added one by one
     * (no attached segments, none removed) have their rows at hand: a
     * loop of a few instructions a host. */
    if (!p->nr_segs && !p->present) {
        const uint32_t *const *fs = p->fs;
        size_t w = bit / 32, nr_ids = p->nr_ids;
        unsigned int s = bit % 32;

        if (!ids)
            max = 0;
        /* Without branches: each id is written at ids[n], and kept (n
         * moves on) when it has the bit as asked. */
        for (size_t id = 0; id < nr_ids; id++) {
            if (n < max)
                ids[n] = id;
            n += ((fs[id][w] >> s) & 1) == has;
        }
        return n;
    }
    for (size_t id = 0; id < p->nr_ids; id++) {
        if (!xlc_pool_present(p, id) ||
            ((xlc_pool_row(p, id)[bit / 32] >> (bit % 32)) & 1) != has)
            continue;
        if (ids && n < max)
            ids[n] = id;
        n++;
    }
    return n;
}

size_t xlc_pool_hosts_with_default(const xlc_pool *p, unsigned int bit,
                                   bool has, size_t *ids, size_t max)
{
    uint32_t def[XFS_NR_WORDS];
    size_t n = 0;

    for (size_t id = 0; id < p->nr_ids; id++) {
        if (!xlc_pool_present(p, id))
            continue;
        xlc_pool_host_default(p, id, def);
        if (xfs_test(def, XFS_NR_WORDS, bit) != has)
            continue;
        if (ids && n < max)
            ids[n] = id;
        n++;
    }
    return n;
}

int xlc_level_missing_prereq(const struct xlc_level *l, unsigned int bit)
{
    return xlc_missing_prereq(l->sets.level, bit);
}

int xlc_missing_prereq(const uint32_t level[XFS_NR_WORDS], unsigned int bit)
{
    int best = -1;
    unsigned int best_size = ~0u;

    /* Of the absent features that `bit` needs, the one needed by fewest. */
    for (unsigned int f = 0; f < XFS_NR_FEATURE_BITS; f++) {
        const uint32_t *deps = xfs_lookup_deep_deps(f);
        unsigned int size;

        if (!deps || !xfs_test(deps, XFS_NR_WORDS, bit) ||
            xfs_test(level, XFS_NR_WORDS, f))
            continue;
        size = xfs_popcount(deps, XFS_NR_WORDS);
        if (size < best_size) {
            best = (int)f;
            best_size = size;
        }
    }
    return best;
}

/* ---- what-if ---- */

void xlc_level_diff(const struct xlc_level *before,
                    const struct xlc_level *after,
                    struct xlc_level_change *chg)
{
    const struct xlc_props_level *b = &before->props, *a = &after->props;

    memset(chg, 0, sizeof(*chg));
    xfs_andnot(chg->lost, XFS_NR_WORDS, before->sets.level, XFS_NR_WORDS,
               after->sets.level, XFS_NR_WORDS);
    xfs_andnot(chg->gained, XFS_NR_WORDS, after->sets.level, XFS_NR_WORDS,
               before->sets.level, XFS_NR_WORDS);
    xfs_andnot(chg->def_lost, XFS_NR_WORDS, before->def_sets.level,
               XFS_NR_WORDS, after->def_sets.level, XFS_NR_WORDS);
    xfs_andnot(chg->def_gained, XFS_NR_WORDS, after->def_sets.level,
               XFS_NR_WORDS, before->def_sets.level, XFS_NR_WORDS);
    chg->becomes_incompatible = b->compatible && !a->compatible;
    if (b->nr_known && a->nr_known)
        for (unsigned int l = 0; l < XLC_LIMIT_NR; l++)
            chg->limits_drop |= a->value.limit[l] < b->value.limit[l];
}

/* The current level, or an empty one (nothing to lose) for an empty pool. */
static void level_before(const xlc_pool *p, struct xlc_level *before)
{
    if (xlc_pool_level(p, before, NULL)) {
        memset(before, 0, sizeof(*before));
        before->type = p->type;
        before->props.compatible = true;
    }
}

int xlc_pool_what_if_add(const xlc_pool *p, const uint32_t *fs, size_t nr,
                         const struct xlc_host_props *props,
                         struct xlc_level *after,
                         struct xlc_level_change *chg, xlc_error *err)
{
    return xlc_pool_what_if_add_host(p, fs, NULL, nr, props, after, chg, err);
}

int xlc_pool_what_if_add_host(const xlc_pool *p, const uint32_t *fs,
                              const uint32_t *def, size_t nr,
                              const struct xlc_host_props *props,
                              struct xlc_level *after,
                              struct xlc_level_change *chg, xlc_error *err)
{
    uint32_t every[XFS_NR_WORDS], any[XFS_NR_WORDS], every_def[XFS_NR_WORDS];
    uint32_t cand_def[XFS_NR_WORDS], full[XFS_NR_WORDS];
    struct xlc_level before;
    int rc = xlc_level_check_words("candidate", fs, nr, err);

    if (rc)
        return rc;
    if (p->nr_present) {
        struct xfs_counts c, dc;

        xlc_pool_counts(p, &c, &dc);
        xfs_counts_every(&c, every);
        xfs_counts_any(&c, any);
        xlc_pool_every_default(p, &dc, p->nr_def, p->nr_present, every,
                               every_def);
    } else {
        xfs_level_fold_init(every, any);
        xfs_level_fold_init(every_def, full);
    }
    xfs_level_fold(every, any, fs, nr);
    xfs_copy(full, XFS_NR_WORDS, fs, nr);
    if (def)
        xfs_copy(cand_def, XFS_NR_WORDS, def, nr);
    else
        xlc_default_from_max(p->type, full, cand_def);
    xfs_and(every_def, XFS_NR_WORDS, every_def, XFS_NR_WORDS, cand_def,
            XFS_NR_WORDS);
    xlc_level_from_sets(p, every, any, every_def, p->nr_present + 1, after);
    after->props = p->props_sum;
    xlc_props_level_fold(&after->props, props, SIZE_MAX);
    xlc_props_level_finish(&after->props);
    level_before(p, &before);
    xlc_level_diff(&before, after, chg);
    return 0;
}

int xlc_pool_what_if_remove(const xlc_pool *p, size_t id,
                            struct xlc_level *after,
                            struct xlc_level_change *chg, xlc_error *err)
{
    uint32_t every[XFS_NR_WORDS], any[XFS_NR_WORDS], every_def[XFS_NR_WORDS];
    struct xfs_counts *c;
    struct xlc_level before;
    bool given;

    if (!xlc_pool_has(p, id))
        return xlc_fail(err, ENOENT, "pool: no host with id %zu", id);
    if (p->nr_present == 1)
        return xlc_fail(err, EINVAL, "pool: removing the last host leaves "
                        "no level");
    c = malloc(2 * sizeof(*c));
    if (!c)
        return xlc_fail(err, ENOMEM, "out of memory");
    xlc_pool_counts(p, &c[0], &c[1]);
    xfs_counts_remove(&c[0], xlc_pool_row(p, id), XFS_NR_WORDS);
    given = p->def && p->def[id];
    if (given)
        xfs_counts_remove(&c[1], p->def[id], XFS_NR_WORDS);
    xfs_counts_every(&c[0], every);
    xfs_counts_any(&c[0], any);
    xlc_pool_every_default(p, &c[1], p->nr_def - given, p->nr_present - 1,
                           every, every_def);
    free(c);
    xlc_level_from_sets(p, every, any, every_def, p->nr_present - 1, after);
    xlc_props_level_of_pool(p, id, &after->props);
    level_before(p, &before);
    xlc_level_diff(&before, after, chg);
    return 0;
}

/* ---- verdicts ---- */

const char *xlc_verdict_name(enum xlc_verdict_kind k)
{
    switch (k) {
    case XLC_VERDICT_OK: return "ok";
    case XLC_VERDICT_UNTOLD: return "untold-weakness";
    case XLC_VERDICT_INCOMPATIBLE: return "incompatible";
    }
    return "?";
}

static bool both_known_differ(const struct xlc_host_props *g,
                              const struct xlc_host_props *h,
                              enum xlc_prop which)
{
    if (!g || !h || !g->vendor_known || !h->vendor_known)
        return false;
    if (which == XLC_PROP_VENDOR)
        return strcmp(g->vendor, h->vendor) != 0;
    return g->mxcsr_known && h->mxcsr_known && g->mxcsr_mask != h->mxcsr_mask;
}

int xlc_pool_verdict(const xlc_pool *p, size_t id, const uint32_t *g,
                     size_t nr, const struct xlc_host_props *guest_props,
                     struct xlc_verdict *v, xlc_error *err)
{
    const uint32_t *inv = inverted();
    const struct xlc_host_props *hp;
    uint32_t view[XFS_NR_WORDS], guest[XFS_NR_WORDS];
    int rc = xlc_level_check_words("guest featureset", g, nr, err);

    if (rc)
        return rc;
    if (!xlc_pool_has(p, id))
        return xlc_fail(err, ENOENT, "pool: no host with id %zu", id);
    memset(v, 0, sizeof(*v));
    xfs_level_view(xlc_pool_row(p, id), XFS_NR_WORDS, xlc_guest_mask(p->type),
                   view);
    xfs_copy(guest, XFS_NR_WORDS, g, nr);
    for (unsigned int w = 0; w < XFS_NR_WORDS; w++) {
        v->missing[w] = guest[w] & ~inv[w] & ~view[w];
        v->untold[w] = view[w] & inv[w] & ~guest[w];
    }
    /* A guest told the wider form of a weakness (RSBA) knows the narrower
     * one (RRSBA) too: that is what the level's restatement relies on. */
    for (unsigned int w = 0; w < XFS_NR_WORDS; w++) {
        /* Nearly every word has nothing untold: skip it whole. */
        for (unsigned int b = w * 32; v->untold[w] && b < w * 32 + 32; b++) {
            int as = xfs_test(v->untold, XFS_NR_WORDS, b)
                         ? xfs_level_restated_as(b) : -1;

            if (as >= 0 && xfs_test(guest, XFS_NR_WORDS, (unsigned int)as))
                xfs_clear(v->untold, XFS_NR_WORDS, b);
        }
    }
    hp = xlc_pool_host_props(p, id);
    v->vendor_differs = both_known_differ(guest_props, hp, XLC_PROP_VENDOR);
    v->mxcsr_differs = both_known_differ(guest_props, hp, XLC_PROP_MXCSR_MASK);
    if (!xfs_empty(v->missing, XFS_NR_WORDS) || v->vendor_differs ||
        v->mxcsr_differs)
        v->kind = XLC_VERDICT_INCOMPATIBLE;
    else if (!xfs_empty(v->untold, XFS_NR_WORDS))
        v->kind = XLC_VERDICT_UNTOLD;
    else
        v->kind = XLC_VERDICT_OK;
    return 0;
}

/* ---- grouping hosts by a value, for reports ---- */

static int add_to_group(struct xlc_prop_group **groups, size_t *nr,
                        const char *value, size_t id)
{
    struct xlc_prop_group *g = NULL;
    size_t *ids;

    for (size_t i = 0; i < *nr && !g; i++)
        if (!strcmp((*groups)[i].value, value))
            g = &(*groups)[i];
    if (!g) {
        struct xlc_prop_group *n = realloc(*groups, (*nr + 1) * sizeof(*n));

        if (!n)
            return -ENOMEM;
        *groups = n;
        g = &n[(*nr)++];
        memset(g, 0, sizeof(*g));
        snprintf(g->value, sizeof(g->value), "%s", value);
    }
    /* Grow at powers of two: big pools make big groups. */
    if (!(g->nr & (g->nr - 1))) {
        ids = realloc(g->ids, (g->nr ? 2 * g->nr : 1) * sizeof(*ids));
        if (!ids)
            return -ENOMEM;
        g->ids = ids;
    }
    g->ids[g->nr++] = id;
    return 0;
}

int xlc_pool_prop_groups(const xlc_pool *p, enum xlc_prop which,
                         struct xlc_prop_group **groups, size_t *nr,
                         xlc_error *err)
{
    *groups = NULL;
    *nr = 0;
    for (size_t id = 0; id < p->nr_ids; id++) {
        const struct xlc_host_props *hp = xlc_pool_host_props(p, id);
        char value[24];

        if (!xlc_pool_present(p, id) || !hp || !hp->vendor_known ||
            ((which == XLC_PROP_FAMILY || which == XLC_PROP_MODEL) &&
             !hp->signature_known))
            continue;
        xlc_host_prop_text(hp, which, value);
        if (add_to_group(groups, nr, value, id)) {
            xlc_prop_groups_free(*groups, *nr);
            *groups = NULL;
            *nr = 0;
            return xlc_fail(err, ENOMEM, "out of memory grouping hosts");
        }
    }
    return 0;
}

void xlc_prop_groups_free(struct xlc_prop_group *groups, size_t nr)
{
    for (size_t i = 0; i < nr; i++)
        free(groups[i].ids);
    free(groups);
}
