/* SPDX-License-Identifier: MIT */
/*
 * A <cpu> with its model spelled out (the rules are in
 * libvirt-explicit-cpu.h): the target set, the base model, the features
 * to require, the XML.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../xen/lib/featureset.h"
#include "../util/strbuf.h"
#include "libvirt-explicit-cpu.h"
#include "../cpumap/libvirt-cpumap-int.h"

#define W XFS_NR_WORDS

/* What one explicit form is computed from. */
struct spell {
    const struct xlc_cpu_map *map;
    const struct xlc_lv_cpu *cpu;      /* may be NULL (a pin alone) */
    const char *spelled;               /* the model's name */
    const char *vendor;                /* the target's vendor, or NULL */
    const char *source;                /* the comment's "what and where" */
    bool *target;                      /* per map feature */
    const struct xlc_lv_feature **mine;/* the <cpu>'s own features */
    uint32_t off[W];                   /* what its disable/forbid clear */
    uint32_t on[W];                    /* what its force/require add */
    uint32_t closed[W];                /* the target's bits (and on[])
                                          that keep their prerequisites */
    struct xlc_lv_explicit *e;
};

static int oom(xlc_error *err)
{
    return xlc_fail(err, ENOMEM, "out of memory");
}

static bool intersects(const uint32_t *a, const uint32_t *b)
{
    uint32_t both[W];

    xfs_and(both, W, a, W, b, W);
    return !xfs_empty(both, W);
}

static size_t index_of(const struct xlc_cpu_map *map,
                       const struct xlc_lv_feature *f)
{
    return (size_t)(f - map->features);
}

/* ---- the <cpu>'s own features ---- */

static void deps_of(const uint32_t *bits, uint32_t out[W])
{
    memset(out, 0, W * sizeof(*out));
    for (unsigned int b = 0; b < XFS_NR_FEATURE_BITS; b++) {
        const uint32_t *d = xfs_test(bits, W, b) ? xfs_lookup_deep_deps(b)
                                                 : NULL;

        if (d)
            xfs_or(out, W, out, W, d, W);
    }
}

static bool mine(const struct spell *s, const struct xlc_lv_feature *f)
{
    for (size_t i = 0; s->cpu && i < s->cpu->nr_features; i++)
        if (s->mine[i] == f)
            return true;
    return false;
}

/*
 * A target feature the explicit form requires: not one the <cpu> names,
 * nor one its disable/forbid take away, nor one missing a prerequisite
 * (the translation clears those with a note; a required one would be a
 * conflict).
 */
static bool to_require(const struct spell *s, const struct xlc_lv_feature *f)
{
    return f->expressible && !mine(s, f) &&
           !intersects(f->xen, s->off) &&
           xfs_subset(f->xen, W, s->closed, W);
}

/* An optional feature others of the target need: refused (see .h). */
static int optional_needed(const struct spell *s,
                           const struct xlc_lv_cpu_feature *cf,
                           const struct xlc_lv_feature *f, xlc_error *err)
{
    struct xlc_buf names = XLC_BUF_INIT;
    uint32_t deps[W];
    char *list;
    int rc;

    deps_of(f->xen, deps);
    for (size_t i = 0; i < s->map->nr_features; i++) {
        const struct xlc_lv_feature *g = &s->map->features[i];

        if (s->target[i] && to_require(s, g) &&
            intersects(g->xen, deps))
            xlc_buf_printf(&names, "%s%s", names.len ? ", " : "", g->name);
    }
    if (!names.len && !names.oom)
        return 0;
    list = xlc_buf_take(&names);
    if (!list)
        return oom(err);
    rc = xlc_fail(err, EINVAL, "%s:%ld: optional '%s' cannot be kept in an "
                  "explicit <cpu>: %s of %s depend on it, and whether they "
                  "go with it depends on each host; make it require or "
                  "disable first",
                  s->cpu->source, cf->line, f->name, list, s->spelled);
    free(list);
    return rc;
}

static int bind_mine(struct spell *s, xlc_error *err)
{
    const struct xlc_lv_cpu *cpu = s->cpu;
    size_t n = cpu ? cpu->nr_features : 0;
    int rc = 0;

    s->mine = calloc(n + 1, sizeof(*s->mine));
    if (!s->mine)
        return oom(err);
    for (size_t i = 0; i < n; i++) {
        const struct xlc_lv_cpu_feature *cf = &cpu->features[i];
        const struct xlc_lv_feature *f = xlc_cpu_map_feature(s->map,
                                                             cf->name);
        uint32_t deps[W];

        if (!f)
            return xlc_fail(err, EINVAL, "%s:%ld: unknown feature '%s' "
                            "(nearest known: '%s')", cpu->source, cf->line,
                            cf->name,
                            xlc_cpu_map_nearest_feature(s->map, cf->name));
        s->mine[i] = f;
        if (cf->policy == XLC_LV_FORCE || cf->policy == XLC_LV_REQUIRE)
            xfs_or(s->on, W, s->on, W, f->xen, W);
        if (cf->policy != XLC_LV_DISABLE && cf->policy != XLC_LV_FORBID)
            continue;
        deps_of(f->xen, deps);
        xfs_or(s->off, W, s->off, W, f->xen, W);
        xfs_or(s->off, W, s->off, W, deps, W);
    }
    xfs_copy(s->closed, W, s->on, W);
    for (size_t i = 0; i < s->map->nr_features; i++)
        if (s->target[i])
            xfs_or(s->closed, W, s->closed, W, s->map->features[i].xen, W);
    xfs_apply_deep_deps(s->closed, W);
    for (size_t i = 0; !rc && i < n; i++)
        if (cpu->features[i].policy == XLC_LV_OPTIONAL)
            rc = optional_needed(s, &cpu->features[i], s->mine[i], err);
    return rc;
}

/* ---- the base model and the lists ---- */

/*
 * Features of m outside the target, or -1 when m cannot be the base: a
 * vendor other than the target's, or an outside feature that a disable
 * cannot take away as the named model lacks it: a platform feature (the
 * named model gets the host's default for those), or any at all when
 * match='minimum' (the host's default may add it back) or 'strict'
 * (disabled features are not counted against the host).
 */
static long outside(const struct spell *s, const struct xlc_lv_model *m)
{
    const uint32_t *platform = xfs_static_masks[XFS_MASK_PLATFORM];
    bool exact = !s->cpu || s->cpu->mode != XLC_LV_MODE_CUSTOM ||
                 s->cpu->match == XLC_LV_MATCH_EXACT;
    long n = 0;

    if (m->vendor && (!s->vendor || strcmp(m->vendor, s->vendor)))
        return -1;
    for (size_t i = 0; i < m->nr_features; i++) {
        const struct xlc_lv_feature *f = &s->map->features[m->features[i]];

        if (s->target[m->features[i]])
            continue;
        if (!exact || intersects(f->xen, platform))
            return -1;
        n++;
    }
    return n;
}

/* Fewest features outside the target, then fewest features, then name. */
static int pick_base(struct spell *s, xlc_error *err)
{
    const struct xlc_lv_model *best = NULL;
    long best_out = 0;

    for (size_t i = 0; i < s->map->nr_models; i++) {
        const struct xlc_lv_model *m = &s->map->models[i];
        long out = outside(s, m);

        if (out < 0)
            continue;
        if (!best || out < best_out ||
            (out == best_out && (m->nr_features < best->nr_features ||
                                 (m->nr_features == best->nr_features &&
                                  strcmp(m->name, best->name) < 0)))) {
            best = m;
            best_out = out;
        }
    }
    if (!best)
        return xlc_fail(err, ENOENT, "%s: no model of %s can be the <model> "
                        "of its explicit form (each has features it lacks "
                        "that a disable cannot take away)", s->spelled,
                        s->map->dir);
    s->e->base = best;
    return 0;
}

static int by_name(const void *a, const void *b)
{
    const struct xlc_lv_feature *const *fa = a, *const *fb = b;

    return strcmp((*fa)->name, (*fb)->name);
}

static int lists(struct spell *s, xlc_error *err)
{
    struct xlc_lv_explicit *e = s->e;
    size_t n = s->map->nr_features;

    e->required = calloc(n + 1, sizeof(*e->required));
    e->unsaid = calloc(n + 1, sizeof(*e->unsaid));
    e->disabled = calloc(e->base->nr_features + 1, sizeof(*e->disabled));
    if (!e->required || !e->unsaid || !e->disabled)
        return oom(err);
    for (size_t i = 0; i < n; i++) {
        const struct xlc_lv_feature *f = &s->map->features[i];

        if (!s->target[i] || mine(s, f))
            continue;
        if (!f->expressible)
            e->unsaid[e->nr_unsaid++] = f;
        else if (to_require(s, f))
            e->required[e->nr_required++] = f;
    }
    for (size_t i = 0; i < e->base->nr_features; i++) {
        const struct xlc_lv_feature *f =
            &s->map->features[e->base->features[i]];

        if (!s->target[e->base->features[i]] && !mine(s, f))
            e->disabled[e->nr_disabled++] = f;
    }
    qsort(e->required, e->nr_required, sizeof(*e->required), by_name);
    qsort(e->unsaid, e->nr_unsaid, sizeof(*e->unsaid), by_name);
    qsort(e->disabled, e->nr_disabled, sizeof(*e->disabled), by_name);
    return 0;
}

/* ---- the XML ---- */

/* Text inside an XML comment: never "--", never a trailing '-'. */
static void comment_str(struct xlc_buf *b, const char *s)
{
    for (; *s; s++) {
        xlc_buf_putc(b, *s);
        if (*s == '-' && (s[1] == '-' || !s[1]))
            xlc_buf_putc(b, ' ');
    }
}

static void comment(struct xlc_buf *b, const struct spell *s)
{
    const struct xlc_lv_explicit *e = s->e;

    xlc_buf_puts(b, "<!-- xen-cpuid model, explicit: ");
    comment_str(b, s->source);
    xlc_buf_puts(b, " spelled out over the base model ");
    comment_str(b, e->base->name);
    xlc_buf_printf(b, " (%zu features required", e->nr_required);
    if (e->nr_disabled)
        xlc_buf_printf(b, ", %zu of the base's disabled", e->nr_disabled);
    xlc_buf_putc(b, ')');
    if (e->nr_unsaid) {
        xlc_buf_puts(b, "; not given, Xen cannot express them:");
        for (size_t i = 0; i < e->nr_unsaid; i++) {
            xlc_buf_putc(b, ' ');
            comment_str(b, e->unsaid[i]->name);
        }
    }
    for (size_t i = 0; s->cpu && i < s->cpu->nr_ignored; i++) {
        xlc_buf_puts(b, i ? ", " : "; not carried over (no effect on "
                                   "features): ");
        comment_str(b, s->cpu->ignored[i]);
    }
    xlc_buf_puts(b, " -->\n");
}

static void topology(struct xlc_buf *b, const struct xlc_lv_topology *t)
{
    const char *names[] = { "sockets", "dies", "clusters", "cores",
                            "threads" };
    const uint32_t vals[] = { t->sockets, t->dies, t->clusters, t->cores,
                              t->threads };

    if (!t->present)
        return;
    xlc_buf_puts(b, "  <topology");
    for (int i = 0; i < 5; i++)
        if (vals[i])
            xlc_buf_printf(b, " %s='%u'", names[i], vals[i]);
    xlc_buf_puts(b, "/>\n");
}

static void cpu_open(struct xlc_buf *b, const struct xlc_lv_cpu *cpu)
{
    bool custom = !cpu || cpu->mode == XLC_LV_MODE_CUSTOM;

    xlc_buf_printf(b, "<cpu mode='custom' match='%s'",
                   custom && cpu ? xlc_lv_match_name(cpu->match) : "exact");
    if (cpu && cpu->check != XLC_LV_CHECK_DEFAULT)
        xlc_buf_printf(b, " check='%s'", xlc_lv_check_name(cpu->check));
    xlc_buf_puts(b, ">\n  <model fallback='forbid'");
    if (cpu && cpu->vendor_id) {
        xlc_buf_puts(b, " vendor_id='");
        xlc_buf_xml_str(b, cpu->vendor_id);
        xlc_buf_putc(b, '\'');
    }
    xlc_buf_putc(b, '>');
}

static void feature(struct xlc_buf *b, const char *policy, const char *name)
{
    xlc_buf_printf(b, "  <feature policy='%s' name='", policy);
    xlc_buf_xml_str(b, name);
    xlc_buf_puts(b, "'/>\n");
}

static int write_xml(struct spell *s, xlc_error *err)
{
    const struct xlc_lv_cpu *cpu = s->cpu;
    struct xlc_buf b = XLC_BUF_INIT;

    comment(&b, s);
    cpu_open(&b, cpu);
    xlc_buf_xml_str(&b, s->e->base->name);
    xlc_buf_puts(&b, "</model>\n");
    if (cpu && cpu->vendor) {
        xlc_buf_puts(&b, "  <vendor>");
        xlc_buf_xml_str(&b, cpu->vendor);
        xlc_buf_puts(&b, "</vendor>\n");
    }
    if (cpu)
        topology(&b, &cpu->topology);
    for (size_t i = 0; i < s->e->nr_required; i++)
        feature(&b, "require", s->e->required[i]->name);
    for (size_t i = 0; i < s->e->nr_disabled; i++)
        feature(&b, "disable", s->e->disabled[i]->name);
    for (size_t i = 0; cpu && i < cpu->nr_features; i++)
        feature(&b, xlc_lv_policy_name(cpu->features[i].policy),
                cpu->features[i].name);
    xlc_buf_puts(&b, "</cpu>\n");
    s->e->xml = xlc_buf_take(&b);
    return s->e->xml ? 0 : oom(err);
}

/* ---- the whole ---- */

static int spell_out(struct spell *s, struct xlc_lv_explicit **out,
                     xlc_error *err)
{
    int rc;

    s->e = calloc(1, sizeof(*s->e));
    if (!s->e) {
        free(s->mine);
        return oom(err);
    }
    s->e->spelled = s->spelled;
    rc = bind_mine(s, err);
    if (!rc)
        rc = pick_base(s, err);
    if (!rc)
        rc = lists(s, err);
    if (!rc)
        rc = write_xml(s, err);
    free(s->mine);
    if (rc) {
        xlc_lv_explicit_free(s->e);
        return rc;
    }
    *out = s->e;
    return 0;
}

static void target_model(struct spell *s, const struct xlc_lv_model *m)
{
    for (size_t i = 0; i < m->nr_features; i++)
        s->target[m->features[i]] = true;
}

int xlc_lv_explicit(const struct xlc_cpu_map *map,
                    const struct xlc_lv_cpu *cpu,
                    const struct xlc_lv_decoded *decoded,
                    struct xlc_lv_explicit **out, xlc_error *err)
{
    struct spell s = { .map = map, .cpu = cpu };
    struct xlc_model_pin *pin;
    const struct xlc_lv_model *m;
    char source[1024];
    int rc;

    *out = NULL;
    if (cpu->mode == XLC_LV_MODE_HOST_MODEL && decoded) {
        m = decoded->model;
    } else if (cpu->mode == XLC_LV_MODE_CUSTOM && cpu->model) {
        m = xlc_cpu_map_model(map, cpu->model);
        if (!m)
            return xlc_fail(err, EINVAL, "%s:%ld: unknown CPU model '%s' "
                            "(nearest known: '%s')", cpu->source,
                            cpu->model_line, cpu->model,
                            xlc_cpu_map_nearest_model(map, cpu->model));
    } else {
        return xlc_fail(err, EINVAL, "%s:%ld: mode='%s'%s names no CPU "
                        "model: nothing to spell out (it does not depend "
                        "on cpu_map's models)", cpu->source, cpu->line,
                        xlc_lv_mode_name(cpu->mode),
                        cpu->mode == XLC_LV_MODE_HOST_MODEL
                            ? " without the host's decode" : "");
    }
    s.spelled = m->name;
    s.vendor = m->vendor;
    s.target = calloc(map->nr_features + 1, sizeof(bool));
    rc = s.target ? xlc_model_pin_make(map, m, &pin, err) : oom(err);
    if (rc) {
        free(s.target);
        return rc;
    }
    target_model(&s, m);
    if (cpu->mode == XLC_LV_MODE_HOST_MODEL) {
        for (size_t i = 0; i < decoded->nr_added; i++)
            s.target[index_of(map, decoded->added[i])] = true;
        for (size_t i = 0; i < decoded->nr_removed; i++)
            s.target[index_of(map, decoded->removed[i])] = false;
        snprintf(source, sizeof(source), "host-model, decoded on this host "
                 "as %s plus %zu and minus %zu features; %s (%s in %s, "
                 "sha256 %s)", m->name, decoded->nr_added,
                 decoded->nr_removed, m->name, pin->file, pin->cpu_map,
                 pin->sha256);
    } else {
        snprintf(source, sizeof(source), "%s (%s in %s, sha256 %s)",
                 m->name, pin->file, pin->cpu_map, pin->sha256);
    }
    xlc_model_pin_free(pin);
    s.source = source;
    rc = spell_out(&s, out, err);
    free(s.target);
    return rc;
}

/* Today's features with exactly each pinned feature's bits. */
static int target_pin(struct spell *s, const struct xlc_model_pin *pin,
                      xlc_error *err)
{
    struct xlc_buf missing = XLC_BUF_INIT;
    bool *found = calloc(pin->nr_features + 1, sizeof(bool));
    char *list;
    int rc = found ? 0 : oom(err);

    for (size_t i = 0; !rc && i < s->map->nr_features; i++) {
        struct xlc_pin_feature today = { 0 };

        if (xlc_pin_feature_from_map(&s->map->features[i], &today)) {
            rc = oom(err);
            break;
        }
        for (size_t k = 0; k < pin->nr_features; k++)
            if (xlc_pin_feature_same_bits(&today, &pin->features[k]))
                s->target[i] = found[k] = true;
        xlc_pin_feature_clear(&today);
    }
    for (size_t k = 0; !rc && k < pin->nr_features; k++)
        if (!found[k])
            xlc_buf_printf(&missing, "%s%s", missing.len ? ", " : "",
                           pin->features[k].name);
    free(found);
    if (rc || (!missing.len && !missing.oom))
        return rc;
    list = xlc_buf_take(&missing);
    if (!list)
        return oom(err);
    rc = xlc_fail(err, ENOENT, "%s: no feature of %s has the bits of the "
                  "pinned %s (so today's names cannot say them)",
                  pin->model, s->map->dir, list);
    free(list);
    return rc;
}

int xlc_lv_explicit_pin(const struct xlc_cpu_map *map,
                        const struct xlc_model_pin *pin,
                        const struct xlc_lv_cpu *cpu,
                        struct xlc_lv_explicit **out, xlc_error *err)
{
    struct spell s = { .map = map, .cpu = cpu, .spelled = pin->model,
                       .vendor = pin->vendor };
    char source[1024];
    int rc;

    *out = NULL;
    s.target = calloc(map->nr_features + 1, sizeof(bool));
    if (!s.target)
        return oom(err);
    snprintf(source, sizeof(source), "%s as pinned (%s in %s, sha256 %s)",
             pin->model, pin->file, pin->cpu_map, pin->sha256);
    s.source = source;
    rc = target_pin(&s, pin, err);
    if (!rc)
        rc = spell_out(&s, out, err);
    free(s.target);
    return rc;
}

void xlc_lv_explicit_free(struct xlc_lv_explicit *e)
{
    if (!e)
        return;
    free(e->required);
    free(e->unsaid);
    free(e->disabled);
    free(e->xml);
    free(e);
}
