/* SPDX-License-Identifier: MIT */
/*
 * The six system policies of a simulated Xen: a CPUID source (dump file or
 * the live CPU), the hypervisor's options, the featuresets, the policies.
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

static int sim_options(const struct xlc_sim_opts *o,
                       struct xfs_hv_options *opts, xlc_error *err)
{
    unsigned int bad = 0;

    xfs_hv_options_default(opts);
    opts->hap = !o->no_hap;
    if (o->boot_cpuid && xfs_parse_boot_cpuid(o->boot_cpuid, opts, &bad))
        return xlc_fail(err, EINVAL,
                        "--boot-cpuid \"%s\": bad entry at offset %u (\"%s\")",
                        o->boot_cpuid, bad, o->boot_cpuid + bad);
    return 0;
}

int xlc_system_policies_load(const struct xlc_sim_opts *o,
                             struct xlc_system_policies **out,
                             xlc_error *err)
{
    struct xfs_hv_options opts;
    struct xlc_cpuid_dump *d = NULL;
    int rc;

    *out = NULL;
    rc = sim_options(o, &opts, err);
    if (rc)
        return rc;
    rc = o->cpuid_file ? xlc_dump_load(o->cpuid_file, &d, err)
                       : xlc_dump_live(&d, err);
    if (rc)
        return rc;
    rc = xlc_system_policies_from_dump(d, &opts, out, err);
    xlc_dump_free(d);
    return rc;
}
