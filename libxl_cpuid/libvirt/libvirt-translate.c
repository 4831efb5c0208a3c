/* SPDX-License-Identifier: MIT */
/*
 * libvirt <cpu> -> Xen guest featureset (the rules are in
 * libvirt-translate.h).  Steps, in order: bind names, starting set,
 * force/require/optional, disable/forbid, availability, deep
 * dependencies, strict matching, verdict.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libvirt-translate-int.h"
#include "../util/strbuf.h"

#define W XFS_NR_WORDS
#define OOM (-ENOMEM)

static int first_bit(const uint32_t *fs)
{
    for (unsigned int b = 0; b < XFS_NR_FEATURE_BITS; b++)
        if (xfs_test(fs, W, b))
            return (int)b;
    return -1;
}

/* The Xen name of a libvirt feature (its first bit), or NULL. */
static const char *xen_name_of(const struct xlc_lv_feature *f)
{
    int b = first_bit(f->xen);
    const struct xfs_feature_info *fi =
        b < 0 ? NULL : xfs_feature_by_value((unsigned int)b);

    return fi ? fi->name : NULL;
}

/* ---- names ---- */

static int bind_items(struct lv_tr *tr, xlc_error *err)
{
    const struct xlc_lv_cpu *cpu = tr->cpu;
    struct xlc_buf b = XLC_BUF_INIT;
    char *msg;
    int rc;

    tr->items = calloc(cpu->nr_features + 1, sizeof(*tr->items));
    if (!tr->items)
        return xlc_fail(err, ENOMEM, "out of memory");
    for (size_t i = 0; i < cpu->nr_features; i++) {
        const struct xlc_lv_cpu_feature *cf = &cpu->features[i];
        const struct xlc_lv_feature *f = xlc_cpu_map_feature(tr->map, cf->name);

        tr->items[i] = (struct lv_policy_item){ f, cf->policy, cf->line };
        if (!f)
            xlc_buf_printf(&b, "%s%s:%ld: unknown feature '%s' (nearest "
                               "known: '%s')",
                           b.len ? "; " : "", cpu->source, cf->line, cf->name,
                           xlc_cpu_map_nearest_feature(tr->map, cf->name));
    }
    if (!b.len && !b.oom)
        return 0;
    msg = xlc_buf_take(&b);
    rc = msg ? xlc_fail(err, EINVAL, "%s", msg)
             : xlc_fail(err, ENOMEM, "out of memory");
    free(msg);
    return rc;
}

static int check_vendor(struct lv_tr *tr, xlc_error *err)
{
    const struct xlc_lv_cpu *cpu = tr->cpu;
    const struct xlc_lv_vendor *v;
    const char *near = NULL;
    unsigned int best = ~0u;

    if (!cpu->vendor)
        return 0;
    v = xlc_cpu_map_vendor(tr->map, cpu->vendor);
    if (!v) {
        for (size_t i = 0; i < xlc_cpu_map_nr_vendors(tr->map); i++) {
            const char *n = xlc_cpu_map_vendor_at(tr->map, i)->name;
            unsigned int d = xlc_edit_distance(cpu->vendor, n, 1000, NULL);

            if (d < best)
                best = d, near = n;
        }
        return xlc_fail(err, EINVAL,
                        "%s:%ld: unknown vendor '%s' (nearest known: '%s')",
                        cpu->source, cpu->vendor_line, cpu->vendor,
                        near ? near : "none");
    }
    if (!tr->h->vendor[0])
        return xlc_lv_note(tr, XLC_LV_NOTE_IGNORED, NULL, NULL,
                           "<vendor>%s</vendor> not checked: the host vendor "
                           "is unknown",
                           v->name);
    if (strcmp(v->string, tr->h->vendor))
        return xlc_lv_block(tr, XLC_LV_BLOCK_VENDOR, NULL, NULL,
                            "<vendor>%s</vendor> (%s) asked for, the host is "
                            "%s",
                            v->name, v->string, tr->h->vendor);
    return 0;
}

/* ---- force / require / optional ---- */

static int apply_on(struct lv_tr *tr, const struct lv_policy_item *it)
{
    const struct xlc_lv_feature *f = it->f;
    const char *xen = xen_name_of(f), *pol = xlc_lv_policy_name(it->policy);
    char lab[160];

    xlc_lv_label(lab, sizeof(lab), f->name, xen);
    if (!f->expressible && it->policy == XLC_LV_OPTIONAL)
        return xlc_lv_note(tr, XLC_LV_NOTE_INEXPRESSIBLE, f->name, NULL,
                           "line %ld: optional '%s' dropped: %s", it->line,
                           f->name, f->why);
    if (!f->expressible)
        return xlc_lv_block(tr, XLC_LV_BLOCK_INEXPRESSIBLE, f->name, NULL,
                            "line %ld: %s '%s' cannot be honoured: %s",
                            it->line, pol, f->name, f->why);
    if (it->policy != XLC_LV_OPTIONAL) {
        xfs_or(tr->req, W, tr->req, W, f->xen, W);
        xfs_or(tr->wanted, W, tr->wanted, W, f->xen, W);
        return 0;
    }
    if (xfs_subset(f->xen, W, tr->avail, W)) {
        xfs_or(tr->wanted, W, tr->wanted, W, f->xen, W);
        return 0;
    }
    /* libvirt makes it disable (virCPUUpdate) and never requires it, even
     * when the model lists it (x86Compute): the guest goes without it. */
    xfs_andnot(tr->wanted, W, tr->wanted, W, f->xen, W);
    return xlc_lv_note(tr, XLC_LV_NOTE_OPTIONAL_DROPPED, f->name, xen,
                       "line %ld: optional %s dropped: %s", it->line, lab,
                       xfs_subset(f->xen, W, tr->h->host, W)
                           ? "Xen does not offer it to this guest type"
                           : "the host does not have it");
}

/* ---- disable / forbid ---- */

static int report_cleared(struct lv_tr *tr, const uint32_t *cleared,
                          const struct xlc_lv_feature *by, const char *pol)
{
    for (unsigned int c = 0; c < XFS_NR_FEATURE_BITS; c++) {
        const char *lv, *xen;
        char lab[160];
        int rc;

        /* A dependent that is itself disabled needs no second word. */
        if (!xfs_test(cleared, W, c) || xfs_test(tr->asked_off, W, c))
            continue;
        xlc_lv_bit_label(tr, c, &lv, &xen, lab, sizeof(lab));
        if (xfs_test(tr->req, W, c))
            rc = xlc_lv_block(tr, XLC_LV_BLOCK_CONFLICT, lv, xen,
                              "%s is required but depends on %s '%s'", lab,
                              pol, by->name);
        else
            rc = xlc_lv_note(tr, XLC_LV_NOTE_DEPENDENT_CLEARED, lv, xen,
                             "%s cleared: it depends on %s '%s'", lab, pol,
                             by->name);
        if (rc)
            return rc;
    }
    return 0;
}

static int clear_bit(struct lv_tr *tr, const struct lv_policy_item *it,
                     unsigned int b)
{
    const struct xlc_lv_feature *f = it->f;
    bool forbid = it->policy == XLC_LV_FORBID;
    const char *pol = xlc_lv_policy_name(it->policy), *lv, *xen;
    const uint32_t *deps = xfs_lookup_deep_deps(b);
    uint32_t cleared[W] = { 0 };
    char lab[160];
    int rc = 0;

    xlc_lv_bit_names(tr, b, &lv, &xen);
    xlc_lv_label(lab, sizeof(lab), f->name, xen);
    if (xfs_test(tr->req, W, b))
        rc = xlc_lv_block(tr, XLC_LV_BLOCK_CONFLICT, f->name, xen,
                          "line %ld: %s is both required and %s", it->line,
                          lab, forbid ? "forbidden" : "disabled");
    else if (forbid && xfs_test(tr->h->max, W, b))
        /* libvirt: "Host CPU provides forbidden features". */
        rc = xlc_lv_block(tr, XLC_LV_BLOCK_FORBIDDEN, f->name, xen,
                          "line %ld: %s is forbidden, but the host provides "
                          "it (Xen can give it to %s guests)",
                          it->line, lab, xlc_guest_type_name(tr->t->type));
    else if (!forbid && xlc_lv_host_forces(tr->h, b))
        rc = xlc_lv_note(tr, XLC_LV_NOTE_FORCED, f->name, xen,
                         "line %ld: %s disabled, but Xen computes it itself "
                         "and may still show it",
                         it->line, lab);
    if (rc)
        return rc;
    if (deps)
        xfs_and(cleared, W, tr->wanted, W, deps, W);
    xfs_clear(tr->wanted, W, b);
    xfs_set(tr->off, W, b);
    if (deps) {
        xfs_andnot(tr->wanted, W, tr->wanted, W, deps, W);
        xfs_or(tr->off, W, tr->off, W, deps, W);
    }
    return report_cleared(tr, cleared, f, pol);
}

static int apply_off(struct lv_tr *tr, const struct lv_policy_item *it)
{
    const struct xlc_lv_feature *f = it->f;
    int rc = 0;

    if (!f->expressible && it->policy == XLC_LV_DISABLE)
        return xlc_lv_note(tr, XLC_LV_NOTE_INEXPRESSIBLE, f->name, NULL,
                           "line %ld: disable '%s' cannot be applied: %s",
                           it->line, f->name, f->why);
    if (!f->expressible)
        return xlc_lv_block(tr, XLC_LV_BLOCK_INEXPRESSIBLE, f->name, NULL,
                            "line %ld: forbid '%s' cannot be guaranteed: %s",
                            it->line, f->name, f->why);
    for (unsigned int b = 0; !rc && b < XFS_NR_FEATURE_BITS; b++)
        if (xfs_test(f->xen, W, b))
            rc = clear_bit(tr, it, b);
    return rc;
}

static int apply_policies(struct lv_tr *tr)
{
    const size_t n = tr->cpu->nr_features;
    int rc = 0;

    for (size_t i = 0; !rc && i < n; i++)
        if (tr->items[i].policy <= XLC_LV_OPTIONAL)
            rc = apply_on(tr, &tr->items[i]);
    for (size_t i = 0; i < n; i++)
        if (tr->items[i].policy > XLC_LV_OPTIONAL)
            xfs_or(tr->asked_off, W, tr->asked_off, W, tr->items[i].f->xen,
                   W);
    for (size_t i = 0; !rc && i < n; i++)
        if (tr->items[i].policy > XLC_LV_OPTIONAL)
            rc = apply_off(tr, &tr->items[i]);
    return rc;
}

/* ---- availability, deep dependencies, strict ---- */

static const char *origin(const struct lv_tr *tr, unsigned int b)
{
    if (xfs_test(tr->req, W, b))
        return "required";
    if (tr->t->model && xfs_test(tr->t->model->xen, W, b))
        return "model feature";
    return "feature";
}

static int check_available(struct lv_tr *tr)
{
    const char *type = xlc_guest_type_name(tr->t->type);

    for (unsigned int b = 0; b < XFS_NR_FEATURE_BITS; b++) {
        const char *lv, *xen;
        char lab[160];
        int rc;

        if (!xfs_test(tr->wanted, W, b) || xfs_test(tr->avail, W, b))
            continue;
        xlc_lv_bit_label(tr, b, &lv, &xen, lab, sizeof(lab));
        if (!xfs_test(tr->h->host, W, b) &&
            !xfs_test(xfs_guest_synth_mask, W, b))
            rc = xlc_lv_block(tr, XLC_LV_BLOCK_NOT_ON_HOST, lv, xen,
                              "%s %s: the host does not have it",
                              origin(tr, b), lab);
        else
            rc = xlc_lv_block(tr, XLC_LV_BLOCK_NOT_IN_MAX, lv, xen,
                              "%s %s: Xen does not offer it to %s guests",
                              origin(tr, b), lab, type);
        if (rc)
            return rc;
    }
    return 0;
}

/* The Xen name of the absent feature `b` most directly depends on. */
static const char *missing_prereq(const uint32_t *fs, unsigned int b)
{
    int p = xfs_missing_prereq(fs, W, b);
    const struct xfs_feature_info *fi =
        p < 0 ? NULL : xfs_feature_by_value((unsigned int)p);

    return fi ? fi->name : "?";
}

static int reapply_deps(struct lv_tr *tr)
{
    uint32_t after[W], cleared[W];

    xfs_copy(after, W, tr->wanted, W);
    xfs_apply_deep_deps(after, W);
    xfs_andnot(cleared, W, tr->wanted, W, after, W);
    for (unsigned int b = 0; b < XFS_NR_FEATURE_BITS; b++) {
        const char *lv, *xen, *pre;
        char lab[160];
        int rc;

        if (!xfs_test(cleared, W, b))
            continue;
        xlc_lv_bit_label(tr, b, &lv, &xen, lab, sizeof(lab));
        pre = missing_prereq(after, b);
        if (xfs_test(tr->req, W, b))
            rc = xlc_lv_block(tr, XLC_LV_BLOCK_CONFLICT, lv, xen,
                              "required %s needs Xen %s, which is not "
                              "enabled",
                              lab, pre);
        else
            rc = xlc_lv_note(tr, XLC_LV_NOTE_DEEP_DEP_CLEARED, lv, xen,
                             "%s cleared: it needs Xen %s, which is not "
                             "enabled",
                             lab, pre);
        if (rc)
            return rc;
    }
    xfs_copy(tr->wanted, W, after, W);
    return 0;
}

static int check_strict(struct lv_tr *tr)
{
    uint32_t extra[W];

    if (tr->cpu->mode != XLC_LV_MODE_CUSTOM ||
        tr->cpu->match != XLC_LV_MATCH_STRICT)
        return 0;
    xfs_and(extra, W, tr->h->def, W, xlc_cpu_map_nameable(tr->map), W);
    xfs_andnot(extra, W, extra, W, tr->wanted, W);
    xfs_andnot(extra, W, extra, W, tr->off, W);
    for (unsigned int b = 0; b < XFS_NR_FEATURE_BITS; b++) {
        const char *lv, *xen;
        char lab[160];

        if (!xfs_test(extra, W, b))
            continue;
        xlc_lv_bit_label(tr, b, &lv, &xen, lab, sizeof(lab));
        if (xlc_lv_block(tr, XLC_LV_BLOCK_STRICT_EXTRA, lv, xen,
                         "match='strict': the host has %s, which this "
                         "<cpu> does not give",
                         lab))
            return OOM;
    }
    return 0;
}

static void set_verdict(struct lv_tr *tr)
{
    struct xlc_lv_translation *t = tr->t;
    uint32_t ref[W], got[W];

    xfs_copy(t->fs, W, tr->wanted, W);
    if (t->nr_blockers) {
        t->verdict = XLC_LV_INCOMPATIBLE;
        return;
    }
    xfs_copy(ref, W, tr->h->def, W);
    xfs_copy(got, W, tr->wanted, W);
    if (tr->restricted) {
        xfs_and(ref, W, ref, W, xlc_cpu_map_nameable(tr->map), W);
        xfs_and(got, W, got, W, xlc_cpu_map_nameable(tr->map), W);
    }
    t->verdict = xfs_equal(ref, W, got, W) ? XLC_LV_IDENTICAL
                                           : XLC_LV_SUPERSET;
}

/* Accepted input that has no effect on a featureset. */
static int note_ignored(struct lv_tr *tr)
{
    const struct xlc_lv_cpu *cpu = tr->cpu;
    const struct xlc_lv_topology *tp = &cpu->topology;
    int rc = 0;

    if (cpu->vendor_id)
        rc = xlc_lv_note(tr, XLC_LV_NOTE_IGNORED, NULL, NULL,
                         "vendor_id='%s' not applied: a featureset carries "
                         "no vendor string",
                         cpu->vendor_id);
    if (!rc && tp->present) {
        const char *names[] = { "sockets", "dies", "clusters", "cores",
                                "threads" };
        const uint32_t vals[] = { tp->sockets, tp->dies, tp->clusters,
                                  tp->cores, tp->threads };
        char buf[160] = "";
        size_t n = 0;

        /* Only what was given (0 = attribute absent). */
        for (int i = 0; i < 5; i++)
            if (vals[i] && n < sizeof(buf))
                n += (size_t)snprintf(buf + n, sizeof(buf) - n, " %s=%u",
                                      names[i], vals[i]);
        rc = xlc_lv_note(tr, XLC_LV_NOTE_IGNORED, NULL, NULL,
                         "topology%s recorded: no effect on features", buf);
    }
    if (!rc && cpu->model && (cpu->mode == XLC_LV_MODE_HOST_PASSTHROUGH ||
                              cpu->mode == XLC_LV_MODE_MAXIMUM))
        rc = xlc_lv_note(tr, XLC_LV_NOTE_IGNORED, NULL, NULL,
                         "<model>%s</model> ignored in %s mode", cpu->model,
                         xlc_lv_mode_name(cpu->mode));
    for (size_t i = 0; !rc && i < cpu->nr_ignored; i++)
        rc = xlc_lv_note(tr, XLC_LV_NOTE_IGNORED, NULL, NULL,
                         "%s ignored: no effect on features",
                         cpu->ignored[i]);
    return rc;
}

static int run(struct lv_tr *tr, xlc_error *err)
{
    int rc = bind_items(tr, err);

    if (!rc)
        rc = xlc_lv_start_set(tr, err);
    if (rc)
        return rc;
    rc = check_vendor(tr, err);
    if (rc)
        return rc == OOM ? xlc_fail(err, ENOMEM, "out of memory") : rc;
    rc = apply_policies(tr);
    if (!rc)
        rc = check_available(tr);
    if (!rc)
        rc = reapply_deps(tr);
    if (!rc)
        rc = check_strict(tr);
    if (!rc)
        rc = note_ignored(tr);
    if (rc)
        return xlc_fail(err, ENOMEM, "out of memory");
    set_verdict(tr);
    return 0;
}

int xlc_lv_evaluate(const struct xlc_cpu_map *map,
                    const struct xlc_lv_cpu *cpu,
                    const struct xlc_lv_host *host, enum xlc_guest_type type,
                    struct xlc_lv_translation **out, xlc_error *err)
{
    struct lv_tr tr = { .map = map, .cpu = cpu, .h = host };
    int rc;

    *out = NULL;
    tr.t = calloc(1, sizeof(*tr.t));
    if (!tr.t)
        return xlc_fail(err, ENOMEM, "out of memory");
    tr.t->type = type;
    tr.t->mode = cpu->mode;
    xlc_lv_host_available(host, tr.avail);
    rc = run(&tr, err);
    free(tr.items);
    if (rc) {
        xlc_lv_translation_free(tr.t);
        return rc;
    }
    *out = tr.t;
    return 0;
}

/* evaluate(), with the blockers turned into one error naming each. */
int xlc_lv_translate(const struct xlc_cpu_map *map,
                     const struct xlc_lv_cpu *cpu,
                     const struct xlc_lv_host *host, enum xlc_guest_type type,
                     struct xlc_lv_translation **out, xlc_error *err)
{
    struct xlc_lv_translation *t;
    struct xlc_buf b = XLC_BUF_INIT;
    char *msg;
    int rc = xlc_lv_evaluate(map, cpu, host, type, &t, err);

    *out = NULL;
    if (rc)
        return rc;
    if (!t->nr_blockers) {
        *out = t;
        return 0;
    }
    xlc_buf_printf(&b, "%s:%ld: this <cpu> cannot be given to a%s %s guest "
                       "on this host (%zu problem%s): ",
                   cpu->source, cpu->line, type == XLC_GUEST_HVM ? "n" : "",
                   xlc_guest_type_name(type), t->nr_blockers,
                   t->nr_blockers == 1 ? "" : "s");
    for (size_t i = 0; i < t->nr_blockers; i++)
        xlc_buf_printf(&b, "%s%s", i ? "; " : "", t->blockers[i].text);
    xlc_lv_translation_free(t);
    msg = xlc_buf_take(&b);
    if (!msg)
        return xlc_fail(err, ENOMEM, "out of memory");
    rc = xlc_fail(err, EINVAL, "%s", msg);
    free(msg);
    return rc;
}
