/* SPDX-License-Identifier: MIT */
/*
 * The guest verdict's step 2 (guest-verdict.h): each form of guest
 * resolved against the host as the real toolstack resolves it, into what
 * the toolstack would hand Xen, with the form's own refusals and notes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../policy/applied-policy.h"
#include "guest-verdict-int.h"
#include "../migration/stream-check.h"

#define W XFS_NR_WORDS
#define OOM (-ENOMEM)

static bool hvm(const struct gv_run *r)
{
    return r->h->type == XLC_GUEST_HVM;
}

/* The topology libxl gives every guest it builds, on a policy of the
 * host's (applied-policy.h). */
static void toolstack_topology(const struct gv_run *r,
                               struct xfs_cpu_policy *p)
{
    xlc_policy_toolstack_topology(p, hvm(r), r->h->sets.host);
}

/* The host's default policy with featureset fs written in. */
static void with_featureset(struct gv_run *r, const struct xfs_cpu_policy *base,
                            const uint32_t fs[W])
{
    xfs_policy_copy(&r->b.v->asked, base);
    xfs_policy_apply_featureset(&r->b.v->asked, fs, r->h->raw);
    r->b.v->has_policy = true;
}

/*
 * What libxl asks Xen for a new guest given these features (libxenguest's
 * xc_cpuid_apply_policy with a featureset): the default policy, the
 * features written in, then the topology.  asked_fs is what is asked.
 */
static void new_guest(struct gv_run *r, const uint32_t fs[W])
{
    with_featureset(r, r->h->def, fs);
    toolstack_topology(r, &r->b.v->asked);
    xfs_policy_to_featureset(&r->b.v->asked, r->b.v->asked_fs, W);
}

static int from_featureset(struct gv_run *r, const uint32_t *fs, size_t nr,
                           xlc_error *err)
{
    /* Bits in unknown words or without their prerequisites: bad input. */
    int rc = xlc_featureset_check_applicable(fs, nr, err);

    if (rc)
        return rc;
    xfs_copy(r->b.v->asked_fs, W, fs, nr);
    if (gv_full(r->h))
        new_guest(r, r->b.v->asked_fs);
    return 0;
}

/* Take one feature's bit from the host featureset. */
static void from_host(const struct xlc_gv_host *h, uint32_t *fs,
                      unsigned int feature)
{
    if (xfs_test(h->sets.host, W, feature))
        xfs_set(fs, W, feature);
    else
        xfs_clear(fs, W, feature);
}

void xlc_gv_compat_policy(const struct xlc_gv_host *h,
                          struct xfs_cpu_policy *out)
{
    uint32_t fs[W];

    xfs_policy_to_featureset(h->def, fs, W);
    /* Features Xen 4.13+ stopped offering by default: a guest from an older
     * Xen may have seen them, so they follow the host. */
    from_host(h, fs, XFS_RDRAND);
    from_host(h, fs, XFS_HLE);
    from_host(h, fs, XFS_RTM);
    if (h->type == XLC_GUEST_HVM)
        from_host(h, fs, XFS_MPX);
    xfs_policy_copy(out, h->def);
    xfs_policy_apply_featureset(out, fs, h->raw);
    /* Leaves such a guest saw under Xen 4.12 at most; what lies past the
     * new limits (leaf 7 subleaf 1, say) is gone with them. */
    if (out->basic[0].a > XLC_COMPAT_MAX_BASIC_LEAF)
        out->basic[0].a = XLC_COMPAT_MAX_BASIC_LEAF;
    out->feat[0].a = XLC_COMPAT_MAX_FEAT_SUBLEAF;
    if (out->extd[0].a > XLC_COMPAT_MAX_EXTD_LEAF)
        out->extd[0].a = XLC_COMPAT_MAX_EXTD_LEAF;
    xfs_policy_clear_unlisted(out);
    /* libxl builds it as a new guest's: with its topology. */
    xlc_policy_toolstack_topology(out, h->type == XLC_GUEST_HVM,
                                  h->sets.host);
}

int xlc_gv_merged_policy(const struct xlc_gv_host *h,
                         const struct xlc_policy_entries *e, bool no_cpuid,
                         const struct xlc_stream_info *s,
                         struct xfs_cpu_policy *out, xlc_error *err)
{
    int rc;

    if (no_cpuid)
        xlc_gv_compat_policy(h, out);
    else
        xfs_policy_copy(out, h->def);
    /* Without a CPUID record there are no leaves: only MSRs, if any.
     * Applied as Xen's restore applies them (stream.h), the messages
     * placing each entry in the stream when it came from one. */
    if (s) {
        rc = xlc_stream_apply_policy(s, out, NULL, err);
    } else {
        const struct xlc_entries_origin leaves = { "CPUID", false, 0, true };
        const struct xlc_entries_origin msrs = { "MSR", false, 0, true };

        rc = xlc_entries_apply_as_xen(e, &leaves, &msrs, out, NULL, err);
    }
    if (rc) {
        xlc_error_prefix(err, "the stream's policy records");
        return rc;
    }
    xfs_policy_clear_unlisted(out);
    return 0;
}

static int from_policy(struct gv_run *r, xlc_error *err)
{
    const struct xlc_gv_guest *g = r->g;
    struct xlc_guest_verdict *v = r->b.v;
    int rc = 0;

    if (g->policy) {
        xfs_policy_copy(&v->asked, g->policy);
    } else if (!gv_full(r->h)) {
        xlc_policy_featureset(g->entries, v->asked_fs);
        return 0;
    } else {
        rc = xlc_gv_merged_policy(r->h, g->entries, g->no_cpuid, g->stream,
                                  &v->asked, err);
    }
    if (rc)
        return rc;
    v->has_policy = true;
    xfs_policy_to_featureset(&v->asked, v->asked_fs, W);
    if (g->no_cpuid &&
        gv_change(&r->b, XLC_GV_COMPAT, "compat-policy", -1, NULL, NULL,
                  "no CPUID record: the compatibility policy Xen 4.17 "
                  "gives streams from before Xen 4.14 (default policy, "
                  "RDRAND/HLE/RTM%s as the host, leaves clamped)",
                  hvm(r) ? "/MPX" : ""))
        return gv_oom(err);
    return 0;
}

static int feature_by_name(const char *name)
{
    for (unsigned int i = 0; name && i < xfs_nr_features; i++)
        if (!strcmp(xfs_features[i].name, name))
            return xfs_features[i].value;
    return -1;
}

static enum xlc_gv_reason_kind lv_block_kind(enum xlc_lv_block_kind k)
{
    switch (k) {
    case XLC_LV_BLOCK_NOT_ON_HOST:
    case XLC_LV_BLOCK_NOT_IN_MAX: return XLC_GV_FEATURE;
    case XLC_LV_BLOCK_FORBIDDEN: return XLC_GV_FORBIDDEN;
    case XLC_LV_BLOCK_VENDOR: return XLC_GV_VENDOR;
    default: return XLC_GV_SETTINGS;
    }
}

static enum xlc_gv_change_kind lv_note_kind(enum xlc_lv_note_kind k)
{
    switch (k) {
    case XLC_LV_NOTE_OPTIONAL_DROPPED: return XLC_GV_DROPPED;
    case XLC_LV_NOTE_DEPENDENT_CLEARED:
    case XLC_LV_NOTE_DEEP_DEP_CLEARED: return XLC_GV_CLEARED;
    case XLC_LV_NOTE_PLATFORM: return XLC_GV_KEPT;
    default: return XLC_GV_NOTE;
    }
}

/* A <cpu> through libvirt's semantics; 1 when its blockers refuse it. */
static int from_libvirt(struct gv_run *r, xlc_error *err)
{
    struct xlc_guest_verdict *v = r->b.v;
    const struct xlc_lv_translation *t;
    int rc = xlc_lv_evaluate(r->g->map, r->g->cpu, &r->h->sets, r->h->type,
                             &v->lv, err);

    if (rc)
        return rc;
    t = v->lv;
    for (size_t i = 0; !rc && i < t->nr_notes; i++) {
        const struct xlc_lv_note *n = &t->notes[i];

        rc = gv_change(&r->b, lv_note_kind(n->kind),
                       xlc_lv_note_kind_name(n->kind),
                       feature_by_name(n->xen_name), n->xen_name, n->lv_name,
                       "%s", n->text);
    }
    for (size_t i = 0; !rc && i < t->nr_blockers; i++) {
        const struct xlc_lv_blocker *k = &t->blockers[i];

        rc = gv_reason(&r->b, lv_block_kind(k->kind),
                       xlc_lv_block_kind_name(k->kind),
                       feature_by_name(k->xen_name), k->xen_name, k->lv_name,
                       "%s", k->text);
    }
    if (rc)
        return gv_oom(err);
    xfs_copy(v->asked_fs, W, t->fs, W);
    if (t->nr_blockers)
        return 1;
    if (gv_full(r->h))
        new_guest(r, t->fs);
    return 0;
}

struct xl_ctx {
    struct gv_run *r;
    int rc;
};

/* An HVM domain configured without nested virtualisation. */
static bool nested_off(const struct gv_run *r)
{
    return hvm(r) && r->g->nested == XLC_GV_NESTED_OFF;
}

/*
 * What the list applies to: the default policy, with VMX and SVM for a
 * domain with nested virtualisation (libxc sets both; Xen keeps what the
 * host's max policy has), and the topology libxl gives every guest.
 */
static struct xfs_cpu_policy *xl_base(const struct gv_run *r)
{
    struct xfs_cpu_policy *base = malloc(sizeof(*base));
    uint32_t fs[W];

    if (!base)
        return NULL;
    xfs_policy_copy(base, r->h->def);
    if (hvm(r) && r->g->nested == XLC_GV_NESTED_ON) {
        xfs_copy(fs, W, r->h->sets.def, W);
        if (xfs_test(r->h->sets.max, W, XFS_VMX))
            xfs_set(fs, W, XFS_VMX);
        if (xfs_test(r->h->sets.max, W, XFS_SVM))
            xfs_set(fs, W, XFS_SVM);
        xfs_policy_apply_featureset(base, fs, r->h->raw);
    }
    /* libxl applies the list after the topology: the list may set it. */
    toolstack_topology(r, base);
    return base;
}

static void xl_problem(void *ctx, enum xlc_xl_problem kind, int feature,
                       const char *text)
{
    struct xl_ctx *c = ctx;
    struct gv_run *r = c->r;
    const char *xen = feature >= 0 ? gv_xen_name((unsigned int)feature)
                                   : NULL;
    int rc;

    if (kind == XLC_XL_NOT_ALLOWED && nested_off(r) &&
        (feature == XFS_VMX || feature == XFS_SVM))
        rc = gv_reason(&r->b, XLC_GV_FEATURE, "xl", feature, xen, NULL,
                       "only with nested virtualisation (nestedhvm=1): %s",
                       text);
    else if (kind == XLC_XL_NOT_ALLOWED)
        rc = gv_reason(&r->b, XLC_GV_FEATURE, "xl", feature, xen, NULL,
                       "not in the %s max policy: %s",
                       xlc_guest_type_name(r->h->type), text);
    else if (kind == XLC_XL_LOST_PREREQ)
        rc = gv_reason(&r->b, XLC_GV_SETTINGS, "xl", feature, xen, NULL,
                       "set to 1 but a prerequisite was cleared: %s", text);
    else
        rc = gv_reason(&r->b, XLC_GV_SETTINGS, "xl", -1, NULL, NULL, "%s",
                       text);
    if (rc)
        c->rc = rc;
}

/* The dependents the list's clearing took, said one by one. */
static int xl_cleared(struct gv_run *r, const struct xlc_xl_applied *ap)
{
    char nb[48];

    for (unsigned int f = 0; f < XFS_NR_FEATURE_BITS; f++) {
        const char *n;

        if (!xfs_test(ap->deps_cleared, W, f))
            continue;
        n = xlc_xl_feature_name(f, nb, sizeof(nb));
        if (gv_change(&r->b, XLC_GV_CLEARED, "dependent-cleared", (int)f,
                      gv_xen_name(f), NULL,
                      "%s cleared: a feature it depends on was cleared",
                      n ? n : "(unnamed)"))
            return OOM;
    }
    return 0;
}

/* An xl cpuid= list on the default policy; 1 when refused as written. */
static int from_xl(struct gv_run *r, xlc_error *err)
{
    struct xlc_guest_verdict *v = r->b.v;
    struct xl_ctx c = { r, 0 };
    struct xfs_cpu_policy *base;
    uint32_t allowed[W];
    /* Unless said otherwise, a list setting VMX or SVM asks for nested
     * virtualisation: the allowed set keeps them (an "hvm = false"
     * domain's).  The max set already says HAP or shadow paging. */
    const struct xfs_domain_opts o = { .hvm = nested_off(r), .hap = true };

    if (!gv_full(r->h))
        return xlc_fail(err, EINVAL, "an xl cpuid= list needs the host's "
                        "policies (a CPUID dump, @live or Xen itself), not "
                        "only its featureset");
    v->xl = malloc(sizeof(*v->xl));
    base = xl_base(r);
    if (!v->xl || !base) {
        free(base);
        return gv_oom(err);
    }
    xfs_domain_allowed_features(r->h->sets.max, &o, allowed);
    xlc_xl_cpuid_resolve(base, r->h->host, allowed, r->g->xl, v->xl,
                         xl_problem, &c);
    free(base);
    if (c.rc || xl_cleared(r, v->xl))
        return gv_oom(err);
    xfs_copy(v->asked_fs, W, v->xl->fs, W);
    if (v->nr_reasons)
        return 1;
    /* The list's numeric fields (family, ...) stay: start from its policy. */
    with_featureset(r, &v->xl->policy, v->xl->fs);
    return 0;
}

int gv_resolve(struct gv_run *r, xlc_error *err)
{
    const struct xlc_gv_guest *g = r->g;
    struct xlc_guest_verdict *v = r->b.v;

    switch (g->form) {
    case XLC_GV_DEFAULT:
        xfs_copy(v->asked_fs, W, r->h->sets.def, W);
        if (gv_full(r->h)) {
            /* The default policy as it is, with the topology. */
            xfs_policy_copy(&v->asked, r->h->def);
            v->has_policy = true;
            toolstack_topology(r, &v->asked);
            xfs_policy_to_featureset(&v->asked, v->asked_fs, W);
        }
        return 0;
    case XLC_GV_FEATURESET:
        return from_featureset(r, g->fs, g->nr_words, err);
    case XLC_GV_POLICY:
        return from_policy(r, err);
    case XLC_GV_LIBVIRT:
        return from_libvirt(r, err);
    case XLC_GV_XL_CPUID:
        return from_xl(r, err);
    }
    return xlc_fail(err, EINVAL, "unknown guest form %d", (int)g->form);
}

