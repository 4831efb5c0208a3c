/* SPDX-License-Identifier: MIT */
/*
 * The restore check: the guest policy a stream gives a guest on the
 * destination, against the destination's max policy for the guest type
 * (see restore-check.h for the rule and the no-policy case).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../policy/applied-policy.h"
#include "restore-check.h"
#include "../util/strbuf.h"

void xlc_restore_dest_from_system(const struct xlc_system_policies *sys,
                                  uint32_t domain_type,
                                  struct xlc_restore_dest *d)
{
    enum xlc_guest_type type = xlc_guest_type_of_stream_domain(domain_type);
    unsigned int max = xlc_policy_index_max(type);
    unsigned int def = xlc_policy_index_default(type);

    memset(d, 0, sizeof(*d));
    d->domain_type = domain_type;
    d->usable = sys->pol.present[max] && sys->pol.present[def];
    xfs_policy_copy(&d->max, &sys->pol.p[max]);
    xfs_policy_copy(&d->def, &sys->pol.p[def]);
    xfs_policy_copy(&d->raw, &sys->pol.p[XFS_SYSCTL_cpu_featureset_raw]);
    xfs_policy_copy(&d->host, &sys->pol.p[XFS_SYSCTL_cpu_featureset_host]);
    memcpy(d->host_fs, sys->fs.fs[XFS_SYSCTL_cpu_featureset_host],
           sizeof(d->host_fs));
    xlc_viridian_host_from_system(sys, &d->viridian_host);
}

void xlc_restore_dest_levelling(struct xlc_restore_dest *d,
                                const struct xlc_system_policies *sys,
                                const struct xlc_levelling *caps)
{
    enum xlc_guest_type type =
        xlc_guest_type_of_stream_domain(d->domain_type);

    d->has_leaks = !xlc_leak_report(sys, caps, type, &d->leaks, NULL);
}

/* The destination as the guest verdict sees it. */
void xlc_restore_dest_host(const struct xlc_restore_dest *d,
                           struct xlc_gv_host *h)
{
    memset(h, 0, sizeof(*h));
    h->type = xlc_guest_type_of_stream_domain(d->domain_type);
    h->usable = d->usable;
    h->raw = &d->raw;
    h->host = &d->host;
    h->def = &d->def;
    h->max = &d->max;
    xlc_lv_host_identify_raw(&h->sets, &d->raw);
    memcpy(h->sets.host, d->host_fs, sizeof(h->sets.host));
    xfs_policy_to_featureset(&d->def, h->sets.def, XFS_NR_WORDS);
    xfs_policy_to_featureset(&d->max, h->sets.max, XFS_NR_WORDS);
}

void xlc_compat_policy(const struct xlc_restore_dest *d,
                       struct xfs_cpu_policy *out)
{
    struct xlc_gv_host h;

    xlc_restore_dest_host(d, &h);
    xlc_gv_compat_policy(&h, out);
}

int xlc_restore_merged_policy(const struct xlc_stream_info *s,
                              const struct xlc_restore_dest *d,
                              struct xfs_cpu_policy *out, xlc_error *err)
{
    struct xlc_gv_host h;

    xlc_restore_dest_host(d, &h);
    return xlc_gv_merged_policy(&h, &s->policy, !s->has_cpuid, s, out, err);
}

static bool is_hvm(const struct xlc_restore_dest *d)
{
    return d->domain_type == XFS_STREAM_DOM_X86_HVM;
}

int xlc_restore_guest_policy(const struct xlc_stream_info *s,
                             const struct xlc_restore_dest *d,
                             struct xfs_cpu_policy *out, xlc_error *err)
{
    struct xfs_cpu_policy *merged = malloc(sizeof(*merged));
    int rc;

    if (!merged)
        return xlc_fail(err, ENOMEM, "out of memory for a guest policy");
    rc = xlc_restore_merged_policy(s, d, merged, err);
    if (!rc)
        xlc_domain_policy(merged, &d->max, &d->host, is_hvm(d), out);
    free(merged);
    return rc;
}

static int take_reason(struct xlc_restore_reason *r,
                       const struct xlc_gv_reason *g, uint32_t domain_type)
{
    r->guest_type = g->kind == XLC_GV_NO_GUEST_TYPE;
    if (g->has_compat)
        r->why = g->compat;
    if (r->guest_type)
        return asprintf(&r->text, "the destination cannot run %s guests",
                        domain_type == XFS_STREAM_DOM_X86_PV ? "PV" : "HVM") <
                       0
                   ? -1
                   : 0;
    r->text = strdup(g->text);
    return r->text ? 0 : -1;
}

/* What leaks through on the destination beyond the guest's policy. */
static void take_leaks(const struct xlc_restore_dest *d,
                       const struct xlc_guest_verdict *g,
                       struct xlc_restore_verdict *v)
{
    if (!d->has_leaks) {
        v->why_unknown = d->usable ? "the destination's levelling "
                                     "capabilities were not given"
                                   : "the destination cannot run the guest";
        return;
    }
    if (!g->has_policy) {
        v->why_unknown = "the guest has no policy there";
        return;
    }
    v->leaks_known = true;
    v->leaks = d->leaks;
    xlc_guest_leaks_of(&d->leaks, g->fs, &v->guest_leaks);
}

/* The engine's verdict as restore-check reports it. */
static int take_verdict(const struct xlc_guest_verdict *g,
                        struct xlc_restore_verdict *v, xlc_error *err)
{
    v->accept = g->runs;
    if (g->has_policy)
        xfs_policy_copy(&v->guest, &g->policy);
    v->reasons = calloc(g->nr_reasons + 1, sizeof(*v->reasons));
    v->notes = calloc(g->nr_changes + 1, sizeof(*v->notes));
    if (!v->reasons || !v->notes)
        return xlc_fail(err, ENOMEM, "out of memory for restore reasons");
    for (size_t i = 0; i < g->nr_reasons; i++, v->nr_reasons++)
        if (take_reason(&v->reasons[i], &g->reasons[i], v->domain_type))
            return xlc_fail(err, ENOMEM, "out of memory for restore "
                                         "reasons");
    for (size_t i = 0; i < g->nr_changes; i++, v->nr_notes++)
        if (!(v->notes[i] = strdup(g->changes[i].text)))
            return xlc_fail(err, ENOMEM, "out of memory for restore notes");
    return 0;
}

static int check(const struct xlc_restore_dest *d,
                 const struct xlc_gv_guest *g, struct xlc_restore_verdict *v,
                 xlc_error *err)
{
    struct xlc_guest_verdict *gv;
    struct xlc_gv_host h;
    int rc;

    memset(v, 0, sizeof(*v));
    v->domain_type = d->domain_type;
    xlc_restore_dest_host(d, &h);
    rc = xlc_guest_verdict(&h, g, &gv, err);
    if (rc)
        return rc;
    rc = take_verdict(gv, v, err);
    if (!rc)
        take_leaks(d, gv, v);
    xlc_guest_verdict_free(gv);
    if (rc)
        xlc_restore_verdict_free(v);
    return rc;
}

int xlc_restore_check_policy(const struct xfs_cpu_policy *guest,
                             const struct xlc_restore_dest *d,
                             struct xlc_restore_verdict *v, xlc_error *err)
{
    struct xlc_gv_guest g = { .form = XLC_GV_POLICY, .policy = guest };

    return check(d, &g, v, err);
}

/* The stream's HVM_PARAM_VIRIDIAN on the destination's Xen release. */
static int check_viridian(const struct xlc_stream_info *s,
                          const struct xlc_restore_dest *d,
                          struct xlc_restore_verdict *v, xlc_error *err)
{
    const struct xlc_viridian_release *rel =
        d->xen ? d->xen : xlc_viridian_release_modelled();
    struct xlc_viridian_dest *vd = &v->viridian;
    struct xlc_restore_reason *r;
    int rc;

    if (!s->has_viridian)
        return 0;
    rc = xlc_viridian_judge_dest(s->viridian, rel, &d->viridian_host, vd,
                                 err);
    if (rc)
        return rc;
    v->has_viridian = true;
    if (!vd->nr_reasons)
        return 0;
    r = realloc(v->reasons, (v->nr_reasons + vd->nr_reasons + 1) *
                                sizeof(*r));
    if (!r)
        return xlc_fail(err, ENOMEM, "out of memory for restore reasons");
    v->reasons = r;
    for (size_t i = 0; i < vd->nr_reasons; i++, v->nr_reasons++) {
        r = &v->reasons[v->nr_reasons];
        memset(r, 0, sizeof(*r));
        r->viridian = true;
        if (!(r->text = strdup(vd->reasons[i])))
            return xlc_fail(err, ENOMEM, "out of memory for restore "
                                         "reasons");
    }
    v->accept = false;
    return 0;
}

int xlc_restore_check(const struct xlc_stream_info *s,
                      const struct xlc_restore_dest *d,
                      struct xlc_restore_verdict *v, xlc_error *err)
{
    struct xlc_gv_guest g = { .form = XLC_GV_POLICY, .entries = &s->policy,
                              .no_cpuid = !s->has_cpuid };
    int rc;

    if (s->domain_type != d->domain_type)
        return xlc_fail(err, EINVAL,
                        "the stream holds an %s guest but the destination "
                        "facts are for %s guests",
                        xlc_stream_domain_name(s->domain_type),
                        xlc_stream_domain_name(d->domain_type));
    rc = check(d, &g, v, err);
    if (!rc) {
        v->compat_policy = !s->has_cpuid;
        v->msr_missing = !s->has_msr;
        rc = check_viridian(s, d, v, err);
        if (rc)
            xlc_restore_verdict_free(v);
    }
    return rc;
}

void xlc_restore_verdict_free(struct xlc_restore_verdict *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->nr_reasons; i++)
        free(v->reasons[i].text);
    free(v->reasons);
    v->reasons = NULL;
    v->nr_reasons = 0;
    for (size_t i = 0; i < v->nr_notes; i++)
        free(v->notes[i]);
    free(v->notes);
    v->notes = NULL;
    v->nr_notes = 0;
    xlc_viridian_dest_free(&v->viridian);
    v->has_viridian = false;
}
