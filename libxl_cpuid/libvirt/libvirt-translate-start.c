/* SPDX-License-Identifier: MIT */
/*
 * The starting featureset of a translation, by <cpu mode=...>.
 */
#include <errno.h>
#include <string.h>

#include "libvirt-translate-int.h"

#define W XFS_NR_WORDS

/* Model features Xen cannot express: the guest gets whatever Xen decides. */
static int note_inexpressible(struct lv_tr *tr, const struct xlc_lv_model *m)
{
    for (size_t i = 0; i < m->nr_features; i++) {
        const struct xlc_lv_feature *f =
            xlc_cpu_map_feature_at(tr->map, m->features[i]);
        int rc;

        if (f->expressible)
            continue;
        rc = xlc_lv_note(tr, XLC_LV_NOTE_INEXPRESSIBLE, f->name, NULL,
                         "model %s feature '%s' cannot be expressed in Xen's "
                         "featureset (%s): Xen alone decides whether the "
                         "guest sees it",
                         m->name, f->name, f->why);
        if (rc)
            return rc;
    }
    return 0;
}

/*
 * A model describes a CPU, not the virtual platform: the platform's bits
 * (XCF_PLATFORM: HYPERVISOR, X2APIC, HTT) are what the type's default set
 * says, whatever the model lists.  Said when the model lacks one.
 */
static int keep_platform(struct lv_tr *tr, const struct xlc_lv_model *m)
{
    const uint32_t *platform = xfs_static_masks[XFS_MASK_PLATFORM];

    for (unsigned int b = 0; b < XFS_NR_FEATURE_BITS; b++) {
        const char *lv, *xen;
        char lab[160];

        if (!xfs_test(platform, W, b) || !xfs_test(tr->h->def, W, b) ||
            xfs_test(tr->wanted, W, b))
            continue;
        xfs_set(tr->wanted, W, b);
        xlc_lv_bit_label(tr, b, &lv, &xen, lab, sizeof(lab));
        if (xlc_lv_note(tr, XLC_LV_NOTE_PLATFORM, lv, xen,
                        "%s kept although model %s lacks it: it belongs to "
                        "the virtual platform, as the %s default set has it "
                        "(disable it to hide it)",
                        lab, m->name, xlc_guest_type_name(tr->t->type)))
            return -ENOMEM;
    }
    return 0;
}

static int unknown_model(const struct lv_tr *tr, xlc_error *err)
{
    const struct xlc_lv_cpu *cpu = tr->cpu;
    const char *near = xlc_cpu_map_nearest_model(tr->map, cpu->model);

    return xlc_fail(err, EINVAL,
                    "%s:%ld: unknown CPU model '%s' (nearest known: '%s')",
                    cpu->source, cpu->model_line, cpu->model,
                    near ? near : "none");
}

static int start_custom(struct lv_tr *tr, xlc_error *err)
{
    const struct xlc_lv_cpu *cpu = tr->cpu;
    const struct xlc_lv_model *m;

    if (!cpu->model) {
        /* No model at all: the hypervisor's default CPU. */
        xfs_copy(tr->wanted, W, tr->h->def, W);
        return 0;
    }
    m = xlc_cpu_map_model(tr->map, cpu->model);
    if (!m)
        return unknown_model(tr, err);
    tr->t->model = m;
    xfs_copy(tr->wanted, W, m->xen, W);
    if (cpu->match == XLC_LV_MATCH_MINIMUM)
        xfs_or(tr->wanted, W, tr->wanted, W, tr->h->def, W);
    else
        tr->restricted = true;
    if (note_inexpressible(tr, m) || keep_platform(tr, m))
        return xlc_fail(err, ENOMEM, "out of memory");
    return 0;
}

static int note_unnamed(struct lv_tr *tr, const uint32_t *unnamed)
{
    for (unsigned int b = 0; b < XFS_NR_FEATURE_BITS; b++) {
        const struct xfs_feature_info *fi;
        int rc;

        if (!xfs_test(unnamed, W, b))
            continue;
        fi = xfs_feature_by_value(b);
        rc = xlc_lv_note(tr, XLC_LV_NOTE_NOT_NAMEABLE, NULL,
                         fi ? fi->name : NULL,
                         "host feature Xen %s has no libvirt name: host-model "
                         "does not give it",
                         fi ? fi->name : "?");
        if (rc)
            return rc;
    }
    return 0;
}

static int start_host_model(struct lv_tr *tr, xlc_error *err)
{
    struct xlc_lv_decoded *d;
    int rc = xlc_lv_decode(tr->map, tr->h, tr->h->def, &d, err);

    if (rc)
        return rc;
    tr->t->decoded = d;
    tr->t->model = d->model;
    tr->restricted = true;
    xfs_copy(tr->wanted, W, d->model->xen, W);
    for (size_t i = 0; i < d->nr_added; i++)
        xfs_or(tr->wanted, W, tr->wanted, W, d->added[i]->xen, W);
    for (size_t i = 0; i < d->nr_removed; i++)
        xfs_andnot(tr->wanted, W, tr->wanted, W, d->removed[i]->xen, W);
    if (tr->cpu->model &&
        xlc_lv_note(tr, XLC_LV_NOTE_IGNORED, NULL, NULL,
                    "host-model: <model>%s</model> is only a fallback; the "
                    "host decodes as %s",
                    tr->cpu->model, d->model->name))
        return xlc_fail(err, ENOMEM, "out of memory");
    rc = note_inexpressible(tr, d->model);
    if (!rc)
        rc = note_unnamed(tr, d->unnamed);
    return rc ? xlc_fail(err, ENOMEM, "out of memory") : 0;
}

int xlc_lv_start_set(struct lv_tr *tr, xlc_error *err)
{
    int rc = 0;

    switch (tr->cpu->mode) {
    case XLC_LV_MODE_CUSTOM:
        rc = start_custom(tr, err);
        break;
    case XLC_LV_MODE_HOST_MODEL:
        rc = start_host_model(tr, err);
        break;
    case XLC_LV_MODE_HOST_PASSTHROUGH:
        xfs_copy(tr->wanted, W, tr->h->def, W);
        break;
    case XLC_LV_MODE_MAXIMUM:
        xfs_copy(tr->wanted, W, tr->h->max, W);
        break;
    }
    return rc;
}
