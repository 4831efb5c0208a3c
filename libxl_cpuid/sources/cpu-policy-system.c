/* SPDX-License-Identifier: MIT */
/*
 * The six system policies of a simulated Xen derived from its CPUID data
 * and options (the handle, handle.c, opens the source), their names and
 * order.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../policy/cpu-policy.h"

const unsigned int xlc_policy_order[XFS_SYSCTL_cpu_featureset_nr] = {
    XFS_SYSCTL_cpu_featureset_raw,    XFS_SYSCTL_cpu_featureset_host,
    XFS_SYSCTL_cpu_featureset_pv_max, XFS_SYSCTL_cpu_featureset_hvm_max,
    XFS_SYSCTL_cpu_featureset_pv,     XFS_SYSCTL_cpu_featureset_hvm,
};

const char *xlc_policy_name(unsigned int index)
{
    switch (index) {
    case XFS_SYSCTL_cpu_featureset_raw: return "Raw";
    case XFS_SYSCTL_cpu_featureset_host: return "Host";
    case XFS_SYSCTL_cpu_featureset_pv_max: return "PV Max";
    case XFS_SYSCTL_cpu_featureset_hvm_max: return "HVM Max";
    case XFS_SYSCTL_cpu_featureset_pv: return "PV Default";
    case XFS_SYSCTL_cpu_featureset_hvm: return "HVM Default";
    default: return "Unknown";
    }
}

void xlc_system_policies_free(struct xlc_system_policies *s)
{
    if (!s)
        return;
    free(s->source);
    free(s);
}

int xlc_system_policies_from_dump(const struct xlc_cpuid_dump *d,
                                  const struct xfs_hv_options *opts,
                                  struct xlc_system_policies **out,
                                  xlc_error *err)
{
    struct xlc_system_policies *s = calloc(1, sizeof(*s));
    struct xfs_cpuid_reader rd;

    *out = NULL;
    if (s)
        s->source = strdup(d->source ? d->source : "CPUID dump");
    if (!s || !s->source) {
        xlc_system_policies_free(s);
        return xlc_fail(err, ENOMEM, "out of memory deriving policies");
    }
    s->opts = *opts;
    xlc_dump_reader(d, &rd);
    xfs_derive_featuresets(&rd, opts, &s->fs);
    xfs_derive_policies(&rd, opts, &s->fs, &s->pol);
    *out = s;
    return 0;
}
