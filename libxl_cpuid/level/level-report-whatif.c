/* SPDX-License-Identifier: MIT */
/*
 * "+HOST": everything a host joining would change, without adding it:
 * the max and default levels (xlc_pool_what_if_add_host), the guest CPU
 * with the same opt-ins, the opt-ins it cannot give, whether the pool
 * becomes incompatible, and the levelled policy rebuilt with it and
 * checked against every host and the candidate.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "level-report-int.h"

#define NW XFS_NR_WORDS

/* The levelled policy with the candidate; unknown when an input has none. */
static int policy_after(struct xlc_level_report *r,
                        struct xlc_level_candidate *c,
                        const uint32_t cpu[NW])
{
    size_t ids = xlc_pool_nr_ids(r->pool), n = 0;
    const struct xfs_cpu_policy **pols = calloc(ids + 1, sizeof(*pols));
    const char **names = calloc(ids + 1, sizeof(*names));
    char (*buf)[XLC_HOST_NAME_BUF] = calloc(ids + 1, sizeof(*buf));
    int rc = pols && names && buf ? 0 : -ENOMEM;

    c->policy_known = !rc && c->host.has_policy;
    for (size_t id = 0; !rc && c->policy_known && id < ids; id++) {
        if (!xlc_pool_has(r->pool, id))
            continue;
        c->policy_known = r->pols[id] != NULL;
        pols[n] = r->pols[id];
        names[n++] = xlc_pool_host_name(r->pool, id, buf[id]);
    }
    if (!rc && c->policy_known) {
        pols[n] = &c->host.policy;
        names[n++] = c->name;
        rc = xlc_level_policy_build(pols, names, n, cpu, &c->policy);
    }
    free(pols);
    free(names);
    free(buf);
    return rc;
}

static int what_if(struct xlc_level_report *r, struct xlc_level_candidate *c,
                   xlc_error *err)
{
    const struct xlc_props_level *after;
    struct xfs_level_sets guest;
    uint32_t cpu[NW];
    int rc;

    rc = xlc_pool_what_if_add_host(r->pool, c->host.fs, c->host.def, NW,
                                   &c->host.props, &c->after, &c->chg, err);
    if (rc)
        return rc;
    xlc_level_report_guest_of(r, &c->after, &guest, cpu, c->optins_lacking);
    xfs_andnot(c->guest_lost, NW, r->guest_cpu, NW, cpu, NW);
    xfs_andnot(c->guest_gained, NW, cpu, NW, r->guest_cpu, NW);
    if (policy_after(r, c, cpu))
        return xlc_fail(err, ENOMEM, "out of memory");
    after = &c->after.props;
    c->becomes_unusable =
        r->usable && (!c->host.usable || !after->compatible ||
                      !xfs_empty(c->optins_lacking, NW) ||
                      (c->policy_known && c->policy.nr_refusals));
    return 0;
}

int xlc_level_report_candidates(struct xlc_level_report *r, xlc_error *err)
{
    int rc = 0;

    for (size_t i = 0; !rc && i < r->nr_cand; i++)
        rc = what_if(r, &r->cand[i], err);
    return rc;
}
