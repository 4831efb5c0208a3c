/* SPDX-License-Identifier: MIT */
/*
 * Per-host verdicts of a level report: may the guest CPU (or the
 * guest:SOURCE featureset) run on each host?
 *
 * The featureset check is xlc_pool_verdict (level.h): the guest's ordinary
 * features against the host's max view, its weaknesses against the
 * host's.  For the guest CPU the pool's own state is part of the answer:
 * when the pool is unusable, or this host's max policy refuses the
 * levelled policy, the verdict is incompatible whatever the featureset
 * check says -- no host of an unusable pool reads "ok".
 *
 * All of it is xlc_level_report_verdicts(), the one place a shared verdict
 * engine would plug in.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

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

int xlc_level_report_verdicts(struct xlc_level_report *r, xlc_error *err)
{
    size_t ids = xlc_pool_nr_ids(r->pool);
    const struct xlc_host_props *gp;
    const uint32_t *guest;
    char name[XLC_HOST_NAME_BUF];
    int rc = 0;

    r->verdicts = calloc(ids ? ids : 1, sizeof(*r->verdicts));
    if (!r->verdicts)
        return xlc_fail(err, ENOMEM, "out of memory");
    guest = r->have_guest ? r->guest.fs : r->guest_cpu;
    gp = r->have_guest ? &r->guest.props : &r->level.props.value;
    if (!r->have_guest && r->level.props.differs[XLC_PROP_VENDOR])
        gp = NULL; /* no common vendor to judge */
    for (size_t id = 0; !rc && id < ids; id++) {
        struct xlc_level_verdict *v = &r->verdicts[id];

        if (!xlc_pool_has(r->pool, id))
            continue;
        rc = xlc_pool_verdict(r->pool, id, guest, XFS_NR_WORDS, gp, &v->fs,
                              err);
        v->kind = v->fs.kind;
        if (r->have_guest)
            continue;
        v->policy_refused =
            refuses(&r->policy, xlc_pool_host_name(r->pool, id, name));
        v->pool_unusable = !r->usable;
        if (v->policy_refused || v->pool_unusable)
            v->kind = XLC_VERDICT_INCOMPATIBLE;
    }
    return rc;
}
