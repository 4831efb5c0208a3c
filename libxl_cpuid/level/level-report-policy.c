/* SPDX-License-Identifier: MIT */
/*
 * The levelled CPU policy of a report: built when every host's input had
 * the CPUID leaves for a full policy (level-policy.h), holding the guest
 * CPU, and checked against each host's max policy with the policy
 * library's compatibility check.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../policy/cpu-policy.h"
#include "level-policy.h"
#include "level-report-int.h"

/* Each host's refusals, as "name: reason" lines. */
static int check_hosts(const struct xfs_cpu_policy *const *pols,
                       const char *const *names, size_t n,
                       struct xlc_level_policy_out *out)
{
    for (size_t h = 0; h < n; h++) {
        struct xlc_compat_report rep;
        int rc = 0;

        if (xlc_policy_compat_report(pols[h], out->policy, &rep, NULL))
            return -ENOMEM;
        for (size_t k = 0; !rc && k < rep.nr; k++)
            rc = xlc_strv_addf(&out->refusals, &out->nr_refusals, "%s: %s",
                               names[h], rep.reasons[k]);
        xlc_compat_report_free(&rep);
        if (rc)
            return rc;
    }
    return 0;
}

int xlc_level_policy_build(const struct xfs_cpu_policy *const *pols,
                           const char *const *names, size_t n,
                           const uint32_t fs[XFS_NR_WORDS],
                           struct xlc_level_policy_out *out)
{
    xlc_error err;

    memset(out, 0, sizeof(*out));
    out->policy = malloc(sizeof(*out->policy));
    if (!out->policy)
        return -ENOMEM;
    if (xlc_level_policies(pols, n, fs, out->policy, &out->layout_differs,
                           &err)) {
        free(out->policy);
        out->policy = NULL;
        out->why_not = strdup(err.msg);
        return out->why_not ? 0 : -ENOMEM;
    }
    return check_hosts(pols, names, n, out);
}

int xlc_level_report_policy(struct xlc_level_report *r)
{
    size_t ids = xlc_pool_nr_ids(r->pool), n = 0;
    const struct xfs_cpu_policy **pols = calloc(ids ? ids : 1, sizeof(*pols));
    const char **names = calloc(ids ? ids : 1, sizeof(*names));
    char (*buf)[XLC_HOST_NAME_BUF] = calloc(ids ? ids : 1, sizeof(*buf));
    bool missing = false;
    int rc = 0;

    if (!pols || !names || !buf)
        rc = -ENOMEM;
    for (size_t id = 0; !rc && id < ids; id++) {
        if (!xlc_pool_has(r->pool, id))
            continue;
        missing |= !r->pols[id];
        pols[n] = r->pols[id];
        names[n++] = xlc_pool_host_name(r->pool, id, buf[id]);
    }
    if (!rc && missing)
        rc = (r->policy.why_not = strdup(
                  "some hosts' inputs (featuresets, libvirt <cpu>) carry no "
                  "CPUID leaves to build a policy from"))
                 ? 0 : -ENOMEM;
    else if (!rc)
        rc = xlc_level_policy_build(pols, names, n, r->guest_cpu, &r->policy);
    free(pols);
    free(names);
    free(buf);
    return rc;
}
