/* SPDX-License-Identifier: MIT */
/*
 * The guest verdict (the rule is in guest-verdict.h): the guest's form
 * resolved against the host (guest-verdict-resolve.c), recalculated as
 * Xen does, and what was asked judged against what the domain may hold.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../policy/applied-policy.h"
#include "guest-verdict-int.h"
#include "../util/strbuf.h"

#define W XFS_NR_WORDS
#define OOM (-ENOMEM)

static bool hvm(const struct gv_run *r)
{
    return r->h->type == XLC_GUEST_HVM;
}

/* ---- judging ---- */

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
                                                   : xfs_missing_prereq(asked, W, f);

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
        return gv_oom(err);
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
    return rc == OOM ? gv_oom(err) : rc;
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
    return rc ? gv_oom(err) : 0;
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
        return gv_oom(err);
    r.b.v->type = h->type;
    r.b.v->form = g->form;
    if (!h->usable)
        rc = gv_reason(&r.b, XLC_GV_NO_GUEST_TYPE, "guest-type", -1, NULL,
                       NULL, "the host cannot run %s guests",
                       xlc_guest_type_name(h->type))
                 ? gv_oom(err)
                 : 1;
    if (!rc)
        rc = gv_resolve(&r, err);
    if (!rc)
        rc = gv_full(h) ? judge_policy(&r, err) : judge_featureset(&r, err);
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
