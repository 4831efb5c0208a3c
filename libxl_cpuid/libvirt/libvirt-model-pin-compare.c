/* SPDX-License-Identifier: MIT */
/*
 * A pinned model against today's cpu_map: each change of meaning by
 * name, and the verdict (libvirt-model-pin.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libvirt-model-pin.h"
#include "../cpumap/libvirt-cpumap-int.h"

#define W XFS_NR_WORDS

static const char *const kind_names[] = {
    [XLC_PIN_MODEL_GONE] = "model-removed", [XLC_PIN_ADDED] = "added",
    [XLC_PIN_REMOVED] = "removed",          [XLC_PIN_MOVED] = "coordinates",
    [XLC_PIN_RENAMED] = "renamed",          [XLC_PIN_PARENT] = "parent",
    [XLC_PIN_FILE] = "file",                [XLC_PIN_VENDOR] = "vendor",
};

static const char *const verdict_names[] = {
    [XLC_PIN_IDENTICAL] = "identical", [XLC_PIN_SAME_FOR_XEN] = "same-for-xen",
    [XLC_PIN_CHANGED] = "changed",     [XLC_PIN_GONE] = "removed",
};

const char *xlc_pin_change_kind_name(enum xlc_pin_change_kind k)
{
    return kind_names[k];
}

const char *xlc_pin_verdict_name(enum xlc_pin_verdict v)
{
    return verdict_names[v];
}

static int add(struct xlc_pin_diff *d, enum xlc_pin_change_kind kind,
               const char *feature, bool xen, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int add(struct xlc_pin_diff *d, enum xlc_pin_change_kind kind,
               const char *feature, bool xen, const char *fmt, ...)
{
    struct xlc_pin_change *v =
        realloc(d->changes, (d->nr_changes + 1) * sizeof(*v));
    struct xlc_pin_change *c;
    va_list ap;

    if (!v)
        return -ENOMEM;
    d->changes = v;
    c = &v[d->nr_changes];
    va_start(ap, fmt);
    c->text = xlc_vformat(fmt, ap);
    va_end(ap);
    c->feature = feature ? strdup(feature) : NULL;
    c->kind = kind;
    c->xen = xen;
    if (!c->text || (feature && !c->feature)) {
        free(c->text);
        free(c->feature);
        return -ENOMEM;
    }
    d->nr_changes++;
    return 0;
}

/* "CPUID 0x7.0 EBX bit 4, Xen HLE" or "..., Xen cannot express it". */
static void describe(const struct xlc_pin_feature *f, char *buf, size_t size)
{
    const char *x = xlc_pin_feature_xen_name(f);
    size_t n = 0;
    char where[64];

    buf[0] = '\0';
    for (size_t i = 0; i < f->nr_bits && n < size; i++)
        n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ", " : "",
                              xlc_pin_bit_str(&f->bits[i], where,
                                              sizeof(where)));
    if (n < size)
        snprintf(buf + n, size - n, x ? ", Xen %s" : ", Xen cannot "
                                                      "express it",
                 x);
}

static const struct xlc_pin_feature *by_name(const struct xlc_model_pin *p,
                                             const char *name)
{
    for (size_t i = 0; i < p->nr_features; i++)
        if (!strcmp(p->features[i].name, name))
            return &p->features[i];
    return NULL;
}

/* The Xen bits of f that `other` (a model's Xen set) does not have. */
static bool xen_effect(const struct xlc_pin_feature *f, const uint32_t *other)
{
    uint32_t fs[W] = { 0 };

    return xlc_pin_feature_xen(f, fs) && !xfs_subset(fs, W, other, W);
}

/* ---- the model's own facts ---- */

static void chain(const struct xlc_model_pin *p, char *buf, size_t size)
{
    size_t n = 0;

    snprintf(buf, size, "none");
    for (size_t i = 0; i < p->nr_parents && n < size; i++)
        n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? " <- " : "",
                              p->parents[i]);
}

static bool same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

static int model_facts(struct xlc_pin_diff *d)
{
    const struct xlc_model_pin *a = d->then, *b = d->now;
    char ca[512], cb[512];
    int rc = 0;

    chain(a, ca, sizeof(ca));
    chain(b, cb, sizeof(cb));
    if (strcmp(ca, cb))
        rc = add(d, XLC_PIN_PARENT, NULL, false,
                 "parent changed: %s (pinned) -> %s (today)", ca, cb);
    if (!rc && strcmp(a->file, b->file))
        rc = add(d, XLC_PIN_FILE, NULL, false,
                 "file changed: %s (pinned) -> %s (today)", a->file,
                 b->file);
    if (!rc && !same_str(a->vendor, b->vendor))
        rc = add(d, XLC_PIN_VENDOR, NULL, false,
                 "vendor changed: %s (pinned) -> %s (today); Xen shows "
                 "every guest the host's vendor",
                 a->vendor ? a->vendor : "none",
                 b->vendor ? b->vendor : "none");
    return rc;
}

/* ---- features ---- */

/* A feature new to today's model with exactly f's bits, not yet used. */
static const struct xlc_pin_feature *
renamed_to(const struct xlc_pin_diff *d, const struct xlc_pin_feature *f,
           const bool *used)
{
    for (size_t i = 0; i < d->now->nr_features; i++) {
        const struct xlc_pin_feature *g = &d->now->features[i];

        if (!used[i] && !by_name(d->then, g->name) &&
            xlc_pin_feature_same_bits(f, g))
            return g;
    }
    return NULL;
}

static int pinned_feature(struct xlc_pin_diff *d,
                          const struct xlc_pin_feature *f, bool *used,
                          const uint32_t *now_xen)
{
    const struct xlc_pin_feature *g = by_name(d->now, f->name);
    char was[256], is[256];
    uint32_t a[W] = { 0 }, b[W] = { 0 };

    describe(f, was, sizeof(was));
    if (g) {
        used[g - d->now->features] = true;
        if (xlc_pin_feature_same_bits(f, g))
            return 0;
        describe(g, is, sizeof(is));
        xlc_pin_feature_xen(f, a);
        xlc_pin_feature_xen(g, b);
        return add(d, XLC_PIN_MOVED, f->name, !xfs_equal(a, W, b, W),
                   "coordinates changed: %s: %s (pinned) -> %s (today)",
                   f->name, was, is);
    }
    g = renamed_to(d, f, used);
    if (g) {
        used[g - d->now->features] = true;
        return add(d, XLC_PIN_RENAMED, f->name, false,
                   "renamed: %s -> %s (%s): the same bits", f->name,
                   g->name, was);
    }
    return add(d, XLC_PIN_REMOVED, f->name, xen_effect(f, now_xen),
               "removed: %s (%s): %s", f->name, was,
               xen_effect(f, now_xen) ? "a guest started today lacks it"
               : xlc_pin_feature_xen(f, a) ? "Xen still gives it through "
                                             "another feature"
                                           : "no effect on a Xen guest");
}

static int new_feature(struct xlc_pin_diff *d, const struct xlc_pin_feature *g,
                       const uint32_t *then_xen)
{
    uint32_t a[W] = { 0 };
    char is[256];

    describe(g, is, sizeof(is));
    return add(d, XLC_PIN_ADDED, g->name, xen_effect(g, then_xen),
               "added: %s (%s): %s", g->name, is,
               xen_effect(g, then_xen) ? "a guest started today gains it"
               : xlc_pin_feature_xen(g, a) ? "the pinned model gave it "
                                             "through another feature"
                                           : "no effect on a Xen guest");
}

static int features(struct xlc_pin_diff *d)
{
    uint32_t then_xen[W], now_xen[W];
    bool *used = calloc(d->now->nr_features + 1, sizeof(bool));
    int rc = used ? 0 : -ENOMEM;

    xlc_model_pin_xen(d->then, then_xen);
    xlc_model_pin_xen(d->now, now_xen);
    xfs_andnot(d->lost, W, then_xen, W, now_xen, W);
    xfs_andnot(d->gained, W, now_xen, W, then_xen, W);
    for (size_t i = 0; !rc && i < d->then->nr_features; i++)
        rc = pinned_feature(d, &d->then->features[i], used, now_xen);
    for (size_t i = 0; !rc && i < d->now->nr_features; i++)
        if (!used[i])
            rc = new_feature(d, &d->now->features[i], then_xen);
    free(used);
    return rc;
}

/* ---- the whole comparison ---- */

static int gone(struct xlc_pin_diff *d, const struct xlc_cpu_map *today)
{
    const char *near = xlc_cpu_map_nearest_model(today, d->then->model);

    d->verdict = XLC_PIN_GONE;
    xlc_model_pin_xen(d->then, d->lost);
    if (near && !(d->nearest = strdup(near)))
        return -ENOMEM;
    return add(d, XLC_PIN_MODEL_GONE, NULL, true,
               "model removed: %s is not in %s (nearest: %s): a guest "
               "defined with it cannot start",
               d->then->model, today->dir, near ? near : "none");
}

static int compare(struct xlc_pin_diff *d, const struct xlc_cpu_map *today,
                   xlc_error *err)
{
    const struct xlc_lv_model *m = xlc_cpu_map_model(today, d->then->model);
    int rc;

    if (!m)
        return gone(d, today) ? xlc_fail(err, ENOMEM, "out of memory") : 0;
    rc = xlc_model_pin_make(today, m, &d->now, err);
    if (rc)
        return rc;
    if (model_facts(d) || features(d))
        return xlc_fail(err, ENOMEM, "out of memory");
    if (!strcmp(d->then->sha256, d->now->sha256))
        d->verdict = XLC_PIN_IDENTICAL;
    else if (xfs_empty(d->lost, W) && xfs_empty(d->gained, W))
        d->verdict = XLC_PIN_SAME_FOR_XEN;
    else
        d->verdict = XLC_PIN_CHANGED;
    return 0;
}

int xlc_model_pin_compare(const struct xlc_model_pin *then,
                          const struct xlc_cpu_map *today,
                          struct xlc_pin_diff **out, xlc_error *err)
{
    struct xlc_pin_diff *d = calloc(1, sizeof(*d));
    int rc;

    *out = NULL;
    if (!d)
        return xlc_fail(err, ENOMEM, "out of memory");
    d->then = then;
    rc = compare(d, today, err);
    if (rc) {
        xlc_pin_diff_free(d);
        return rc;
    }
    *out = d;
    return 0;
}

void xlc_pin_diff_free(struct xlc_pin_diff *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->nr_changes; i++) {
        free(d->changes[i].feature);
        free(d->changes[i].text);
    }
    free(d->changes);
    free(d->nearest);
    xlc_model_pin_free(d->now);
    free(d);
}
