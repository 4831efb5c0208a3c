/* SPDX-License-Identifier: MIT */
/*
 * Per-host verdicts of a level report: may the guest CPU, or the guest
 * named by guest:SOURCE, run on each host?
 *
 * The guest CPU: xlc_pool_verdict (level.h), the guest's ordinary features
 * against the host's max view, its weaknesses against the host's.
 * guest:SOURCE: the guest verdict (guest-verdict.h), the same engine and
 * the same answer as `model`, `restore-check`, `record` and `xl-cpuid`
 * give for that guest on that host: a host whose input carries CPUID (a
 * dump, @live) is judged in full, one known only by a featureset on its
 * features and vendor (the verdict says what it could not check).
 * For the guest CPU the pool's own state is part of the answer: when the
 * pool is unusable, or this host's max policy refuses the levelled
 * policy, the verdict is incompatible whatever the check says -- no host
 * of an unusable pool reads "ok" for the pool's guest CPU.  For
 * guest:SOURCE the verdict stays the engine's (one guest, one answer,
 * whichever command asks) and pool_unusable is reported beside it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../util/parts.h"
#include "../verdict/guest-source.h"
#include "level-report-int.h"

/* Does a "host: reason" refusal line name this host? */
static bool refuses(const struct xlc_level_policy_out *p, const char *name)
{
    size_t len = strlen(name);

    for (size_t i = 0; i < p->nr_refusals; i++)
        if (!strncmp(p->refusals[i], name, len) &&
            !strncmp(p->refusals[i] + len, ": ", 2))
            return true;
    return false;
}

/* Pool host `id` as the verdict's host; *sys holds its policies. */
static int gv_host_of(const struct xlc_level_report *r, size_t id,
                      struct xlc_system_policies **sys, struct xlc_gv_host *h,
                      xlc_error *err)
{
    const struct xlc_host_props *p = xlc_pool_host_props(r->pool, id);
    int rc = xlc_gv_host_facts_load(r->sources[id], sys, err);

    if (rc)
        return rc;
    if (*sys)
        xlc_gv_host_from_system(h, *sys, r->type);
    else
        xlc_gv_host_from_featureset(h, r->type,
                                    xlc_pool_host_featureset(r->pool, id),
                                    p && p->vendor_known ? p->vendor : NULL);
    return 0;
}

/*
 * The guest verdict as the pool's per-host summary: ok or incompatible,
 * the missing features, the vendor.  Never "untold-weakness": the verdict
 * recalculated the guest as Xen does, which tells it every weakness Xen
 * tells any guest; one Xen tells no guest cannot be held against it.
 */
static void summarise(const struct xlc_guest_verdict *v, struct xlc_verdict *s)
{
    memset(s, 0, sizeof(*s));
    for (size_t i = 0; i < v->nr_reasons; i++) {
        const struct xlc_gv_reason *x = &v->reasons[i];

        if (x->kind == XLC_GV_FEATURE && x->feature >= 0)
            xfs_set(s->missing, XFS_NR_WORDS, (unsigned int)x->feature);
        if (x->kind == XLC_GV_VENDOR)
            s->vendor_differs = true;
    }
    s->kind = v->runs ? XLC_VERDICT_OK : XLC_VERDICT_INCOMPATIBLE;
}

static int judge_guest_source(struct xlc_level_report *r, size_t id,
                              struct xlc_verdict *out, xlc_error *err)
{
    struct xlc_system_policies *sys = NULL;
    struct xlc_gv_host h;
    char name[XLC_HOST_NAME_BUF];
    int rc = gv_host_of(r, id, &sys, &h, err);

    if (!rc)
        rc = xlc_guest_verdict(&h, &r->guest_src->guest,
                               &r->guest_verdicts[id], err);
    if (!rc)
        summarise(r->guest_verdicts[id], out);
    else
        xlc_error_prefix(err, "guest %s on %s", r->guest_name,
                         xlc_pool_host_name(r->pool, id, name));
    xlc_system_policies_free(sys);
    return rc;
}

/* Host id's verdict. */
static int judge(struct xlc_level_report *r, size_t id,
                 const struct xlc_host_props *gp, xlc_error *err)
{
    struct xlc_level_verdict *v = &r->verdicts[id];
    char name[XLC_HOST_NAME_BUF];
    int rc;

    if (!xlc_pool_has(r->pool, id))
        return 0;
    rc = r->have_guest
             ? judge_guest_source(r, id, &v->fs, err)
             : xlc_pool_verdict(r->pool, id, r->guest_cpu, XFS_NR_WORDS, gp,
                                &v->fs, err);
    v->kind = v->fs.kind;
    if (!r->have_guest)
        v->policy_refused =
            refuses(&r->policy, xlc_pool_host_name(r->pool, id, name));
    v->pool_unusable = !r->usable;
    /* guest:SOURCE keeps the engine's word, the answer `model` and
     * `restore-check` give for it there; the pool's state stands beside
     * it (and in the exit status). */
    if (!r->have_guest && (v->policy_refused || v->pool_unusable))
        v->kind = XLC_VERDICT_INCOMPATIBLE;
    return rc;
}

/* Below this many hosts a thread costs more than it saves: 1,000 hosts'
 * verdicts took 0.24 ms on one CPU and 0.23 ms on two (the helper's
 * start, its cold caches), and now and then a helper waited 4 ms for
 * its CPU. */
#define SPLIT_MIN_HOSTS 4096u

/* Hosts [from, to), in order, stopping at the first error. */
struct judges {
    struct xlc_level_report *r;
    const struct xlc_host_props *gp;
    size_t from, to;
    int rc;
    xlc_error err;
};

static void *judge_range(void *arg)
{
    struct judges *j = arg;

    for (size_t id = j->from; !j->rc && id < j->to; id++)
        j->rc = judge(j->r, id, j->gp, &j->err);
    return NULL;
}

/*
 * The guest CPU's verdicts (each reads the pool, writes its own host's
 * only), split over the CPUs when the pool is large: the first error in
 * host order is the one reported, as one pass would.  guest:SOURCE
 * verdicts load each host's input again: one after another.
 */
static int judge_all(struct xlc_level_report *r,
                     const struct xlc_host_props *gp, size_t ids,
                     xlc_error *err)
{
    size_t parts = r->have_guest ? 1 : xlc_parts(ids, SPLIT_MIN_HOSTS);
    struct judges *j = calloc(parts, sizeof(*j));

    if (!j)
        return xlc_fail(err, ENOMEM, "out of memory");
    for (size_t k = 0; k < parts; k++)
        j[k] = (struct judges){ r, gp, ids / parts * k,
                                k + 1 < parts ? ids / parts * (k + 1) : ids,
                                0, { 0, "" } };
    xlc_run_parts(judge_range, j, sizeof(*j), parts);
    for (size_t k = 0; k < parts; k++)
        if (j[k].rc) {
            int rc = j[k].rc;

            if (err)
                *err = j[k].err;
            free(j);
            return rc;
        }
    free(j);
    return 0;
}

int xlc_level_report_verdicts(struct xlc_level_report *r, xlc_error *err)
{
    size_t ids = xlc_pool_nr_ids(r->pool);
    const struct xlc_host_props *gp = &r->level.props.value;

    r->verdicts = calloc(ids ? ids : 1, sizeof(*r->verdicts));
    if (r->have_guest && r->verdicts)
        r->guest_verdicts = calloc(ids ? ids : 1, sizeof(*r->guest_verdicts));
    if (!r->verdicts || (r->have_guest && !r->guest_verdicts))
        return xlc_fail(err, ENOMEM, "out of memory");
    if (r->level.props.differs[XLC_PROP_VENDOR])
        gp = NULL; /* no common vendor to judge */
    return judge_all(r, gp, ids, err);
}
