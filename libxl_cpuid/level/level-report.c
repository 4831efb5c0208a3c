/* SPDX-License-Identifier: MIT */
/*
 * The level report: its inputs, and the order in which its parts are
 * computed (each part is in a level-report-*.c file).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../verdict/guest-source.h"
#include "level-report-int.h"

int xlc_level_report_new(enum xlc_guest_type type,
                         struct xlc_level_report **out, xlc_error *err)
{
    struct xlc_level_report *r = calloc(1, sizeof(*r));
    int rc;

    if (!r)
        return xlc_fail(err, ENOMEM, "out of memory");
    r->type = type;
    rc = xlc_pool_new(type, &r->pool, err);
    if (rc) {
        free(r);
        return rc;
    }
    *out = r;
    return 0;
}

void xlc_level_policy_out_free(struct xlc_level_policy_out *p)
{
    free(p->policy);
    free(p->why_not);
    xlc_strv_free(p->refusals, p->nr_refusals);
    memset(p, 0, sizeof(*p));
}

void xlc_level_report_free(struct xlc_level_report *r)
{
    size_t ids;

    if (!r)
        return;
    ids = xlc_pool_nr_ids(r->pool);
    /* Hosts from one file share its name (see xlc_level_report_add_host). */
    for (size_t i = 0; r->sources && i < ids; i++)
        if (!i || r->sources[i] != r->sources[i - 1])
            free(r->sources[i]);
    free(r->sources);
    for (size_t i = 0; r->pols && i < ids; i++)
        free(r->pols[i]);
    free(r->pols);
    for (size_t i = 0; r->leaks && i < ids; i++)
        free(r->leaks[i].of);
    free(r->leaks);
    for (size_t i = 0; i < r->nr_refused; i++) {
        free(r->refused[i].name);
        free(r->refused[i].reason);
    }
    free(r->refused);
    for (size_t i = 0; i < r->nr_cand; i++) {
        free(r->cand[i].name);
        xlc_level_policy_out_free(&r->cand[i].policy);
    }
    free(r->cand);
    free(r->guest_name);
    for (size_t id = 0; r->guest_verdicts && id < xlc_pool_nr_ids(r->pool);
         id++)
        xlc_guest_verdict_free(r->guest_verdicts[id]);
    free(r->guest_verdicts);
    xlc_gv_source_free(r->guest_src);
    xlc_strv_free(r->notes, r->nr_notes);
    for (size_t i = 0; i < r->nr_optins; i++) {
        free(r->optins[i].asked);
        free(r->optins[i].why);
    }
    free(r->optins);
    xlc_strv_free(r->why_unusable, r->nr_why_unusable);
    xlc_level_policy_out_free(&r->policy);
    free(r->xl_cpuid);
    free(r->xl_why_not);
    free(r->lv_xml);
    free(r->lv_why_not);
    xlc_model_pins_free(&r->pins);
    free(r->verdicts);
    xlc_pool_free(r->pool);
    free(r);
}

static int oom(xlc_error *err)
{
    return xlc_fail(err, ENOMEM, "out of memory");
}

static int refuse(struct xlc_level_report *r, const char *name,
                  const char *reason, xlc_error *err)
{
    struct xlc_level_refused *n =
        realloc(r->refused, (r->nr_refused + 1) * sizeof(*n));

    if (!n)
        return oom(err);
    r->refused = n;
    n[r->nr_refused].name = strdup(name);
    n[r->nr_refused].reason = strdup(reason);
    if (!n[r->nr_refused].name || !n[r->nr_refused].reason) {
        free(n[r->nr_refused].name);
        free(n[r->nr_refused].reason);
        return oom(err);
    }
    r->nr_refused++;
    return 0;
}

/* What a host's input said that changes how it was read. */
static int input_notes(struct xlc_level_report *r, const char *name,
                       const struct xlc_level_host *h, xlc_error *err)
{
    if (!h->policies_ignored)
        return 0;
    if (xlc_strv_addf(&r->notes, &r->nr_notes,
                      "%s: host <cpu>: policy= ignored on %u feature%s "
                      "(first at line %ld): libvirt reads a host CPU's "
                      "features without a policy, so the host has every "
                      "feature it lists", name, h->policies_ignored,
                      h->policies_ignored == 1 ? "" : "s",
                      h->policy_ignored_line))
        return oom(err);
    return 0;
}

/* Room kept for n per-host slots: doubling, so that adding is linear. */
static size_t per_host_cap(size_t n)
{
    size_t cap = 16;

    while (cap < n)
        cap *= 2;
    return cap;
}

/* Room for one more host's source, policy and leaks, the new slots
 * empty. */
static int grow_per_host(struct xlc_level_report *r, xlc_error *err)
{
    size_t ids = xlc_pool_nr_ids(r->pool) + 1;

    if (ids == 1 || per_host_cap(ids) != per_host_cap(ids - 1)) {
        size_t cap = per_host_cap(ids);
        struct xfs_cpu_policy **p;
        struct xlc_level_leaks *l;
        char **s = realloc(r->sources, cap * sizeof(*s));

        if (s)
            r->sources = s;
        p = s ? realloc(r->pols, cap * sizeof(*p)) : NULL;
        if (p)
            r->pols = p;
        l = p ? realloc(r->leaks, cap * sizeof(*l)) : NULL;
        if (l)
            r->leaks = l;
        if (!s || !p || !l)
            return oom(err);
    }
    r->sources[ids - 1] = NULL;
    r->pols[ids - 1] = NULL;
    memset(&r->leaks[ids - 1], 0, sizeof(r->leaks[ids - 1]));
    return 0;
}

int xlc_level_report_add_host(struct xlc_level_report *r, const char *name,
                              const char *source,
                              const struct xlc_level_host *h, xlc_error *err)
{
    size_t id;
    int rc = input_notes(r, name, h, err);

    if (rc)
        return rc;
    if (!h->usable)
        return refuse(r, name, r->type == XLC_GUEST_HVM
                                   ? "no VMX/SVM: cannot run HVM guests"
                                   : "the hypervisor offers PV guests "
                                     "nothing: cannot run PV guests", err);
    rc = grow_per_host(r, err);
    if (!rc)
        rc = xlc_pool_add_host(r->pool, name, h->fs, h->def, XFS_NR_WORDS,
                               &h->props, &id, err);
    if (rc)
        return rc;
    source = source ? source : "";
    /* The hosts of one file share one copy of its name. */
    if (id && r->sources[id - 1] && !strcmp(r->sources[id - 1], source))
        r->sources[id] = r->sources[id - 1];
    else
        r->sources[id] = strdup(source);
    if (h->has_leaks) {
        r->leaks[id].of = calloc(1, sizeof(*r->leaks[id].of));
        if (!r->leaks[id].of)
            return oom(err);
        r->leaks[id].of->host = h->leaks;
        r->leaks[id].known = true;
    }
    r->pols[id] = h->has_policy ? malloc(sizeof(*r->pols[id])) : NULL;
    if (r->pols[id])
        *r->pols[id] = h->policy;
    if (!r->sources[id] || (h->has_policy && !r->pols[id]))
        return oom(err);
    return 0;
}

int xlc_level_report_add_candidate(struct xlc_level_report *r,
                                   const char *name,
                                   const struct xlc_level_host *h,
                                   xlc_error *err)
{
    struct xlc_level_candidate *c =
        realloc(r->cand, (r->nr_cand + 1) * sizeof(*c));
    int rc;

    if (!c)
        return oom(err);
    r->cand = c;
    c = &c[r->nr_cand];
    memset(c, 0, sizeof(*c));
    c->name = strdup(name);
    if (!c->name)
        return oom(err);
    c->host = *h;
    r->nr_cand++;
    rc = input_notes(r, name, h, err);
    return rc;
}

int xlc_level_report_set_guest(struct xlc_level_report *r, const char *name,
                               const char *source,
                               const struct xlc_cpu_map *map,
                               xlc_error *err)
{
    int rc;

    if (r->have_guest)
        return xlc_fail(err, EINVAL, "only one guest:SOURCE may be given");
    rc = xlc_gv_source_load(source, r->type, map, &r->guest_src, err);
    if (rc)
        return rc;
    r->guest_name = strdup(name);
    if (!r->guest_name)
        return oom(err);
    r->have_guest = true;
    return 0;
}

/* Everything that keeps the pool from being given one guest CPU. */
static int usability(struct xlc_level_report *r)
{
    const struct xlc_props_level *pl = &r->level.props;
    int rc = 0;

    for (size_t i = 0; !rc && i < r->nr_refused; i++)
        rc = xlc_strv_addf(&r->why_unusable, &r->nr_why_unusable,
                           "host %s refused: %s", r->refused[i].name,
                           r->refused[i].reason);
    if (!rc && pl->differs[XLC_PROP_VENDOR])
        rc = xlc_strv_addf(&r->why_unusable, &r->nr_why_unusable,
                           "the hosts' vendors differ: a guest sees one");
    if (!rc && pl->differs[XLC_PROP_MXCSR_MASK])
        rc = xlc_strv_addf(&r->why_unusable, &r->nr_why_unusable,
                           "the hosts' MXCSR masks differ");
    for (size_t i = 0; !rc && i < r->nr_optins; i++)
        if (r->optins[i].state == XLC_OPTIN_REFUSED)
            rc = xlc_strv_addf(&r->why_unusable, &r->nr_why_unusable,
                               "--with %s refused: %s", r->optins[i].asked,
                               r->optins[i].why);
    if (!rc && r->policy.nr_refusals)
        rc = xlc_strv_addf(&r->why_unusable, &r->nr_why_unusable,
                           "the levelled policy is refused by %zu check%s",
                           r->policy.nr_refusals,
                           r->policy.nr_refusals == 1 ? "" : "s");
    r->usable = !r->nr_why_unusable;
    return rc;
}

int xlc_level_report_compute(struct xlc_level_report *r,
                             const struct xlc_level_options *opts,
                             xlc_error *err)
{
    int rc = xlc_pool_level(r->pool, &r->level, err);

    if (rc)
        return rc;
    r->nomigrate = opts->nomigrate;
    if (!opts->map &&
        xlc_strv_addf(&r->notes, &r->nr_notes, "libvirt's cpu_map is not "
                      "loaded (%s): its migratable='no' flags are not "
                      "applied", opts->map_why_not ? opts->map_why_not : "?"))
        return oom(err);
    rc = xlc_level_report_guest(r, opts, err);
    if (!rc)
        rc = xlc_level_report_policy(r) ? oom(err) : 0;
    if (!rc && usability(r))
        rc = oom(err);
    if (!rc)
        rc = xlc_level_report_strings(r, opts) ? oom(err) : 0;
    if (!rc)
        rc = xlc_level_report_verdicts(r, err);
    if (!rc)
        xlc_level_report_leaks(r);
    if (!rc)
        rc = xlc_level_report_candidates(r, err);
    if (!rc)
        rc = xlc_level_report_pins(r, err);
    return rc;
}
