/* SPDX-License-Identifier: MIT */
/*
 * The guest verdict (the rule is in guest-verdict.h): resolve the guest's
 * form against the host, recalculate as Xen does, judge what was asked
 * against what the domain may hold.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "applied-policy.h"
#include "guest-verdict-int.h"
#include "strbuf.h"

#define W XFS_NR_WORDS
#define OOM (-ENOMEM)

struct gv_run {
    struct gv_build b;
    const struct xlc_gv_host *h;
    const struct xlc_gv_guest *g;
};

static bool full(const struct xlc_gv_host *h)
{
    return h->def && h->max && h->host && h->raw;
}

static bool hvm(const struct gv_run *r)
{
    return r->h->type == XLC_GUEST_HVM;
}

static int oom(xlc_error *err)
{
    return xlc_fail(err, ENOMEM, "out of memory judging a guest");
}

/* ---- the forms' resolution ---- */

/* The host's default policy with featureset fs written in. */
static void with_featureset(struct gv_run *r, const struct xfs_cpu_policy *base,
                            const uint32_t fs[W])
{
    xfs_policy_copy(&r->b.v->asked, base);
    xfs_policy_apply_featureset(&r->b.v->asked, fs, r->h->raw);
    r->b.v->has_policy = true;
}

static int from_featureset(struct gv_run *r, const uint32_t *fs, size_t nr,
                           xlc_error *err)
{
    /* Bits in unknown words or without their prerequisites: bad input. */
    int rc = xlc_featureset_check_applicable(fs, nr, err);

    if (rc)
        return rc;
    xfs_copy(r->b.v->asked_fs, W, fs, nr);
    if (full(r->h))
        with_featureset(r, r->h->def, r->b.v->asked_fs);
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
}

int xlc_gv_merged_policy(const struct xlc_gv_host *h,
                         const struct xlc_policy_entries *e, bool no_cpuid,
                         struct xfs_cpu_policy *out, xlc_error *err)
{
    int rc;

    if (no_cpuid)
        xlc_gv_compat_policy(h, out);
    else
        xfs_policy_copy(out, h->def);
    /* Without a CPUID record there are no leaves: only MSRs, if any. */
    rc = xlc_policy_from_entries(out, e, err);
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
    } else if (!full(r->h)) {
        xlc_policy_featureset(g->entries, v->asked_fs);
        return 0;
    } else {
        rc = xlc_gv_merged_policy(r->h, g->entries, g->no_cpuid, &v->asked,
                                  err);
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
        return oom(err);
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
        return oom(err);
    xfs_copy(v->asked_fs, W, t->fs, W);
    if (t->nr_blockers)
        return 1;
    if (full(r->h))
        with_featureset(r, r->h->def, t->fs);
    return 0;
}

struct xl_ctx {
    struct gv_run *r;
    int rc;
};

static void xl_problem(void *ctx, enum xlc_xl_problem kind, int feature,
                       const char *text)
{
    struct xl_ctx *c = ctx;
    struct gv_run *r = c->r;
    const char *xen = feature >= 0 ? gv_xen_name((unsigned int)feature)
                                   : NULL;
    int rc;

    if (kind == XLC_XL_NOT_ALLOWED)
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
    uint32_t allowed[W];
    const struct xfs_domain_opts o = { .hvm = false };

    if (!full(r->h))
        return xlc_fail(err, EINVAL, "an xl cpuid= list needs the host's "
                        "policies (a CPUID dump, @live or Xen itself), not "
                        "only its featureset");
    v->xl = malloc(sizeof(*v->xl));
    if (!v->xl)
        return oom(err);
    xfs_domain_allowed_features(r->h->sets.max, &o, allowed);
    xlc_xl_cpuid_resolve(r->h->def, r->h->host, allowed, r->g->xl, v->xl,
                         xl_problem, &c);
    if (c.rc || xl_cleared(r, v->xl))
        return oom(err);
    xfs_copy(v->asked_fs, W, v->xl->fs, W);
    if (v->nr_reasons)
        return 1;
    /* The list's numeric fields (family, ...) stay: start from its policy. */
    with_featureset(r, &v->xl->policy, v->xl->fs);
    return 0;
}

/* Step 2.  Returns 0, 1 when the form's own resolution refused, or an
 * error. */
static int resolve(struct gv_run *r, xlc_error *err)
{
    const struct xlc_gv_guest *g = r->g;
    struct xlc_guest_verdict *v = r->b.v;

    switch (g->form) {
    case XLC_GV_DEFAULT:
        if (full(r->h)) {
            xfs_policy_copy(&v->asked, r->h->def);
            v->has_policy = true;
        }
        xfs_copy(v->asked_fs, W, r->h->sets.def, W);
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

/* ---- judging ---- */

/* The absent feature `f` most directly depends on, or -1. */
static int missing_prereq(const uint32_t *fs, unsigned int f)
{
    int best = -1;
    unsigned int best_n = ~0u;

    for (unsigned int p = 0; p < XFS_NR_FEATURE_BITS; p++) {
        const uint32_t *deps = xfs_lookup_deep_deps(p);
        unsigned int n;

        if (!deps || xfs_test(fs, W, p) || !xfs_test(deps, W, f))
            continue;
        n = xfs_popcount(deps, W);
        if (n < best_n)
            best = (int)p, best_n = n;
    }
    return best;
}

/*
 * A feature reason in words: where the feature lives, then why: the host
 * lacks it, Xen does not offer it to the type, or the domain could hold
 * it but Xen's recalculation drops it (a missing prerequisite, XSAVE
 * without leaf 0xd).
 */
static char *feature_text(const struct gv_run *r, unsigned int f,
                          const uint32_t allowed[W], const uint32_t asked[W],
                          uint32_t basic_max)
{
    struct xlc_buf b = XLC_BUF_INIT;

    xlc_feature_where_text(f, &b);
    if (xfs_test(allowed, W, f)) {
        int p = f == XFS_XSAVE && basic_max < 0xd ? -1
                                                   : missing_prereq(asked, f);

        if (p >= 0)
            xlc_buf_printf(&b, " dropped by Xen: it needs %s, which the "
                               "guest does not have",
                           gv_xen_name((unsigned int)p));
        else if (f == XFS_XSAVE && basic_max < 0xd)
            xlc_buf_puts(&b, " dropped by Xen: XSAVE needs leaf 0xd, past "
                             "the guest's max basic leaf");
        else
            xlc_buf_puts(&b, " dropped by Xen's recalculation");
    } else if (xfs_test(r->h->sets.host, W, f) ||
               xfs_test(xfs_guest_synth_mask, W, f)) {
        xlc_buf_printf(&b, " not offered to %s guests by Xen",
                       xlc_guest_type_name(r->h->type));
    } else {
        xlc_buf_puts(&b, " missing on host");
    }
    return xlc_buf_take(&b);
}

static char *reason_text(const struct gv_run *r,
                         const struct xfs_compat_reason *why,
                         const uint32_t allowed[W], const uint32_t asked[W],
                         uint32_t basic_max)
{
    struct xlc_buf b = XLC_BUF_INIT;

    if (why->kind == XFS_COMPAT_FEATURE)
        return feature_text(r, why->item, allowed, asked, basic_max);
    xlc_compat_reason_text(why, &b);
    return xlc_buf_take(&b);
}

/* What the recalculation changed that is not a reason: said, not hidden. */
static int normalised(struct gv_run *r, const uint32_t asked[W],
                      const uint32_t kept[W])
{
    const struct xfs_cpu_policy *a = &r->b.v->asked, *k = &r->b.v->policy;
    uint32_t ap = a->extd[8].a & 0xffu, kp = k->extd[8].a & 0xffu;
    uint32_t al = (a->extd[8].a >> 8) & 0xffu, kl = (k->extd[8].a >> 8) & 0xffu;
    int rc = 0;

    for (unsigned int f = 0; !rc && f < XFS_NR_FEATURE_BITS; f++) {
        const char *n = gv_xen_name(f);
        bool in_a = xfs_test(asked, W, f), in_k = xfs_test(kept, W, f);

        if (in_k && !in_a)
            rc = gv_change(&r->b, XLC_GV_NORMALISED, "recalculated", (int)f,
                           n, NULL, "%s set by Xen: it states the host's own "
                           "behaviour", n ? n : "?");
        else if (in_a && !in_k &&
                 (xfs_static_masks[XFS_MASK_INVERTED][f / 32] >> (f % 32) &
                  1))
            rc = gv_change(&r->b, XLC_GV_NORMALISED, "recalculated", (int)f,
                           n, NULL, "%s cleared by Xen: the host does not "
                           "have this weakness", n ? n : "?");
    }
    if (!rc && kp > ap && ap)
        rc = gv_change(&r->b, XLC_GV_NORMALISED, "maxphysaddr", -1, NULL,
                       NULL, "MAXPHYSADDR %u bits, raised by Xen from %u: "
                       "PAE/PSE36 address 36 bits whatever the host", kp, ap);
    if (!rc && kl != al && al)
        rc = gv_change(&r->b, XLC_GV_NORMALISED, "maxlinaddr", -1, NULL, NULL,
                       "MAXLINADDR %u bits, set by Xen (asked %u): guests "
                       "get 48 with long mode, 32 without", kl, al);
    return rc;
}

/* Steps 4 and 5 on a full host. */
static int judge_policy(struct gv_run *r, xlc_error *err)
{
    struct xlc_guest_verdict *v = r->b.v;
    struct xfs_cpu_policy *p = malloc(2 * sizeof(*p));
    uint32_t allowed[W];
    struct xfs_compat_reason *why = NULL;
    struct xfs_domain_opts o;
    unsigned int n = 0;
    int rc;

    if (!p)
        return oom(err);
    xlc_domain_policy(&v->asked, r->h->max, r->h->host, hvm(r), &v->policy);
    xfs_policy_to_featureset(&v->policy, v->fs, W);
    xlc_domain_judged(&v->asked, &v->policy, r->h->max, hvm(r), &p[0], &p[1]);
    xlc_domain_opts_for(&v->asked, hvm(r), &o);
    xfs_domain_max_featureset(r->h->max, &o, allowed);
    rc = xlc_policy_compat_reasons(&p[1], &p[0], &why, &n, err);
    for (unsigned int i = 0; !rc && i < n; i++)
        rc = gv_compat_reason(&r->b, &why[i],
                              reason_text(r, &why[i], allowed, v->asked_fs,
                                          v->asked.basic[0].a));
    if (!rc)
        rc = normalised(r, v->asked_fs, v->fs);
    free(why);
    free(p);
    return rc == OOM ? oom(err) : rc;
}

/* The recorded vendor of a policy-form guest, XFS_VENDOR_UNKNOWN if none. */
static enum xfs_vendor entries_vendor(const struct xlc_policy_entries *e)
{
    for (size_t i = 0; e && i < e->nr_leaves; i++)
        if (e->leaves[i].leaf == 0)
            return xfs_vendor_from_leaf0(e->leaves[i].b, e->leaves[i].c,
                                         e->leaves[i].d);
    return XFS_VENDOR_UNKNOWN;
}

static enum xfs_vendor host_vendor(const struct xlc_gv_host *h)
{
    uint32_t r[3];

    if (!h->sets.vendor[0])
        return XFS_VENDOR_UNKNOWN;
    memcpy(&r[0], h->sets.vendor, 4);       /* ebx */
    memcpy(&r[2], h->sets.vendor + 4, 4);   /* edx */
    memcpy(&r[1], h->sets.vendor + 8, 4);   /* ecx */
    return xfs_vendor_from_leaf0(r[0], r[1], r[2]);
}

static int judge_vendor(struct gv_run *r)
{
    enum xfs_vendor gv = r->g->form == XLC_GV_POLICY
                             ? entries_vendor(r->g->entries)
                             : XFS_VENDOR_UNKNOWN;
    enum xfs_vendor hv = host_vendor(r->h);
    struct xfs_compat_reason why = { XFS_COMPAT_VENDOR, 0,
                                     XFS_CPUID_NO_SUBLEAF, 0, gv, hv };
    struct xlc_buf b = XLC_BUF_INIT;

    if (gv == XFS_VENDOR_UNKNOWN || hv == XFS_VENDOR_UNKNOWN || gv == hv)
        return 0;
    xlc_compat_reason_text(&why, &b);
    return gv_compat_reason(&r->b, &why, xlc_buf_take(&b));
}

/* Steps 3 and 5 where only featuresets are known. */
static int judge_featureset(struct gv_run *r, xlc_error *err)
{
    struct xlc_guest_verdict *v = r->b.v;
    struct xfs_domain_opts o = { .hvm = hvm(r), .hap = true };
    uint32_t allowed[W];
    int rc = judge_vendor(r);

    o.nested_virt = o.hvm && (xfs_test(v->asked_fs, W, XFS_VMX) ||
                              xfs_test(v->asked_fs, W, XFS_SVM));
    xfs_domain_allowed_features(r->h->sets.max, &o, allowed);
    xfs_and(v->fs, W, v->asked_fs, W, allowed, W);
    xfs_and(v->fs, W, v->fs, W, xfs_static_masks[XFS_MASK_KNOWN], W);
    xfs_apply_deep_deps(v->fs, W);
    for (unsigned int f = 0; !rc && f < XFS_NR_FEATURE_BITS; f++) {
        const struct xfs_word_info *wi = &xfs_words[f / 32];
        struct xfs_compat_reason why = { XFS_COMPAT_FEATURE, wi->leaf,
                                         wi->subleaf, f, 1, 0 };

        if (!xfs_test(v->asked_fs, W, f) || xfs_test(v->fs, W, f) ||
            (xfs_static_masks[XFS_MASK_INVERTED][f / 32] >> (f % 32) & 1))
            continue;
        rc = gv_compat_reason(&r->b, &why,
                              feature_text(r, f, allowed, v->asked_fs, 0xd));
    }
    if (!rc)
        rc = gv_change(&r->b, XLC_GV_UNCHECKED, "featureset-host", -1, NULL,
                       NULL, "leaf limits, address widths, XSAVE state and "
                       "MSRs not checked: the host is known only by its "
                       "featureset");
    return rc ? oom(err) : 0;
}

int xlc_guest_verdict(const struct xlc_gv_host *h,
                      const struct xlc_gv_guest *g,
                      struct xlc_guest_verdict **out, xlc_error *err)
{
    struct gv_run r = { .h = h, .g = g };
    int rc = 0;

    *out = NULL;
    r.b.v = calloc(1, sizeof(*r.b.v));
    if (!r.b.v)
        return oom(err);
    r.b.v->type = h->type;
    r.b.v->form = g->form;
    if (!h->usable)
        rc = gv_reason(&r.b, XLC_GV_NO_GUEST_TYPE, "guest-type", -1, NULL,
                       NULL, "the host cannot run %s guests",
                       xlc_guest_type_name(h->type))
                 ? oom(err)
                 : 1;
    if (!rc)
        rc = resolve(&r, err);
    if (!rc)
        rc = full(h) ? judge_policy(&r, err) : judge_featureset(&r, err);
    if (rc < 0) {
        xlc_guest_verdict_free(r.b.v);
        return rc;
    }
    /* Refused before judging: the guest is what was asked. */
    if (rc == 1)
        xfs_copy(r.b.v->fs, W, r.b.v->asked_fs, W);
    r.b.v->runs = r.b.v->nr_reasons == 0;
    *out = r.b.v;
    return 0;
}
