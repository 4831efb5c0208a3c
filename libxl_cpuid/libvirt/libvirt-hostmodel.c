/* SPDX-License-Identifier: MIT */
/*
 * Host decode: describe a featureset as the closest libvirt model plus the
 * features to add and remove (the rule is in libvirt-translate.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libvirt-translate.h"
#include "../util/strbuf.h"

static bool present(const struct xlc_lv_feature *f, const uint32_t *fs)
{
    return f->expressible && !xfs_empty(f->xen, XFS_NR_WORDS) &&
           xfs_subset(f->xen, XFS_NR_WORDS, fs, XFS_NR_WORDS);
}

static bool in_model(const struct xlc_lv_model *m, size_t f)
{
    for (size_t i = 0; i < m->nr_features; i++)
        if (m->features[i] == f)
            return true;
    return false;
}

static bool candidate(const struct xlc_lv_model *m,
                      const struct xlc_lv_vendor *v)
{
    if (!m->decode_host)
        return false;
    return !m->vendor || (v && !strcmp(m->vendor, v->name));
}

static bool signature_matches(const struct xlc_lv_model *m,
                              const struct xlc_lv_host *h)
{
    for (size_t i = 0; h->has_signature && i < m->nr_sigs; i++) {
        const struct xlc_lv_signature *s = &m->sigs[i];

        if (s->family == h->family && s->model == h->model &&
            (s->any_stepping ||
             (h->stepping < 32 && (s->steppings >> h->stepping & 1))))
            return true;
    }
    return false;
}

/*
 * What the featureset has, per cpu_map feature: worked out once per
 * decode, not once per model.  has[f]: feature f is expressible and in
 * fs; *nr_has: how many are.
 */
static bool *features_present(const struct xlc_cpu_map *map,
                              const uint32_t *fs, unsigned int *nr_has)
{
    size_t n = xlc_cpu_map_nr_features(map);
    bool *has = calloc(n ? n : 1, sizeof(*has));

    *nr_has = 0;
    for (size_t f = 0; has && f < n; f++) {
        has[f] = present(xlc_cpu_map_feature_at(map, f), fs);
        *nr_has += has[f];
    }
    return has;
}

/*
 * |added| + 2 * |removed| over the features Xen can express: added are
 * the present ones the model does not list (nr_has less those it does),
 * removed the ones it lists that are absent.  seen[] (zeroed, one slot
 * per feature) counts a feature listed twice once.
 */
static unsigned int cost_of(const struct xlc_cpu_map *map,
                            const struct xlc_lv_model *m, const bool *has,
                            unsigned int nr_has, size_t *seen, size_t stamp)
{
    unsigned int listed = 0, listed_has = 0;

    for (size_t i = 0; i < m->nr_features; i++) {
        size_t f = m->features[i];

        if (f >= xlc_cpu_map_nr_features(map) || seen[f] == stamp ||
            !xlc_cpu_map_feature_at(map, f)->expressible)
            continue;
        seen[f] = stamp;
        listed++;
        listed_has += has[f];
    }
    return (nr_has - listed_has) + 2 * (listed - listed_has);
}

static bool better(const struct xlc_lv_model *a, unsigned int ca, bool sa,
                   const struct xlc_lv_model *b, unsigned int cb, bool sb)
{
    if (!b || ca != cb)
        return !b || ca < cb;
    if (sa != sb)
        return sa;
    return strcmp(a->name, b->name) < 0;
}

static int by_name(const void *a, const void *b)
{
    const struct xlc_lv_feature *const *fa = a, *const *fb = b;

    return strcmp((*fa)->name, (*fb)->name);
}

/*
 * A platform feature (XCF_PLATFORM: hypervisor, x2apic, ht): translation
 * keeps it wherever the host's default set has it, model or not, so the
 * decode disables one the featureset lacks even when the model does not
 * list it -- the <cpu> must give exactly `fs` on any host.
 */
static bool platform(const struct xlc_lv_feature *f)
{
    const uint32_t *p = xfs_static_masks[XFS_MASK_PLATFORM];

    return !xfs_empty(f->xen, XFS_NR_WORDS) &&
           xfs_subset(f->xen, XFS_NR_WORDS, p, XFS_NR_WORDS);
}

static int fill_lists(const struct xlc_cpu_map *map, struct xlc_lv_decoded *d,
                      const uint32_t *fs)
{
    d->added = calloc(xlc_cpu_map_nr_features(map) + 1, sizeof(*d->added));
    d->removed = calloc(xlc_cpu_map_nr_features(map) + 1, sizeof(*d->removed));
    if (!d->added || !d->removed)
        return -ENOMEM;
    for (size_t f = 0; f < xlc_cpu_map_nr_features(map); f++) {
        const struct xlc_lv_feature *feat = xlc_cpu_map_feature_at(map, f);
        bool has = present(feat, fs), listed = in_model(d->model, f);

        if (!feat->expressible)
            continue;
        if (has && !listed)
            d->added[d->nr_added++] = feat;
        else if (!has && (listed || platform(feat)))
            d->removed[d->nr_removed++] = feat;
    }
    qsort(d->added, d->nr_added, sizeof(*d->added), by_name);
    qsort(d->removed, d->nr_removed, sizeof(*d->removed), by_name);
    xfs_andnot(d->unnamed, XFS_NR_WORDS, fs, XFS_NR_WORDS,
               xlc_cpu_map_nameable(map), XFS_NR_WORDS);
    return 0;
}

int xlc_lv_decode(const struct xlc_cpu_map *map, const struct xlc_lv_host *h,
                  const uint32_t fs[XFS_NR_WORDS],
                  struct xlc_lv_decoded **out, xlc_error *err)
{
    struct xlc_lv_decoded *d = calloc(1, sizeof(*d));
    const struct xlc_lv_model *best = NULL;
    unsigned int best_cost = 0, nr_has;
    bool best_sig = false, *has;
    size_t *seen;

    *out = NULL;
    if (xfs_empty(fs, XFS_NR_WORDS)) {
        free(d);
        return xlc_fail(err, EINVAL,
                        "the featureset to decode is empty (can this host "
                        "run such guests at all?)");
    }
    if (!d)
        return xlc_fail(err, ENOMEM, "out of memory");
    d->vendor = h->vendor[0] ? xlc_cpu_map_vendor_by_string(map, h->vendor)
                             : NULL;
    has = features_present(map, fs, &nr_has);
    seen = calloc(xlc_cpu_map_nr_features(map) + 1, sizeof(*seen));
    if (!has || !seen) {
        free(has);
        free(seen);
        free(d);
        return xlc_fail(err, ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < xlc_cpu_map_nr_models(map); i++) {
        const struct xlc_lv_model *m = xlc_cpu_map_model_at(map, i);
        unsigned int c;
        bool s;

        if (!candidate(m, d->vendor))
            continue;
        c = cost_of(map, m, has, nr_has, seen, i + 1);
        s = signature_matches(m, h);
        if (better(m, c, s, best, best_cost, best_sig))
            best = m, best_cost = c, best_sig = s;
    }
    free(has);
    free(seen);
    if (!best) {
        free(d);
        return xlc_fail(err, ENOENT,
                        "%s: no model can describe a host with vendor '%s'",
                        xlc_cpu_map_dir(map),
                        h->vendor[0] ? h->vendor : "(unknown)");
    }
    d->model = best;
    d->cost = best_cost;
    d->signature_match = best_sig;
    if (fill_lists(map, d, fs)) {
        xlc_lv_decoded_free(d);
        return xlc_fail(err, ENOMEM, "out of memory");
    }
    *out = d;
    return 0;
}

void xlc_lv_decoded_free(struct xlc_lv_decoded *d)
{
    if (!d)
        return;
    free(d->added);
    free(d->removed);
    free(d);
}

char *xlc_lv_decoded_xml(const struct xlc_lv_decoded *d)
{
    struct xlc_buf b = XLC_BUF_INIT;

    xlc_buf_puts(&b, "<cpu mode='custom' match='exact'>\n"
                     "  <model fallback='forbid'>");
    xlc_buf_xml_str(&b, d->model->name);
    xlc_buf_puts(&b, "</model>\n");
    if (d->vendor) {
        xlc_buf_puts(&b, "  <vendor>");
        xlc_buf_xml_str(&b, d->vendor->name);
        xlc_buf_puts(&b, "</vendor>\n");
    }
    for (size_t i = 0; i < d->nr_added; i++) {
        xlc_buf_puts(&b, "  <feature policy='require' name='");
        xlc_buf_xml_str(&b, d->added[i]->name);
        xlc_buf_puts(&b, "'/>\n");
    }
    for (size_t i = 0; i < d->nr_removed; i++) {
        xlc_buf_puts(&b, "  <feature policy='disable' name='");
        xlc_buf_xml_str(&b, d->removed[i]->name);
        xlc_buf_puts(&b, "'/>\n");
    }
    xlc_buf_puts(&b, "</cpu>\n");
    return xlc_buf_take(&b);
}
