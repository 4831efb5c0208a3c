/* SPDX-License-Identifier: MIT */
/*
 * The host as the libvirt translation sees it, taken from system policies
 * (simulated or real Xen) rather than from a CPUID source: the raw policy
 * holds the leaves the CPU reported, vendor and signature among them.
 */
#include <string.h>

#include "applied-policy.h"

/* A CPUID reader over a policy's registers (zeros where it has none). */
static void policy_cpuid(void *ctx, uint32_t leaf, uint32_t subleaf,
                         struct xfs_cpuid_regs *out)
{
    const struct xfs_cpu_policy *p = ctx;
    const struct xfs_cpuid_regs *r = xfs_policy_slot_c(
        p, leaf,
        xfs_policy_leaf_has_subleaves(leaf) ? subleaf : XFS_CPUID_NO_SUBLEAF);

    *out = r ? *r : (struct xfs_cpuid_regs){ 0, 0, 0, 0 };
}

void xlc_lv_host_identify_raw(struct xlc_lv_host *h,
                              const struct xfs_cpu_policy *raw)
{
    struct xfs_cpuid_reader rd = { policy_cpuid, NULL, (void *)raw };

    xlc_lv_host_identify(h, &rd);
}

bool xlc_lv_host_from_policies(struct xlc_lv_host *h, enum xlc_guest_type t,
                               const struct xlc_system_policies *sys)
{
    memset(h, 0, sizeof(*h));
    xlc_lv_host_identify_raw(h, &sys->pol.p[XFS_SYSCTL_cpu_featureset_raw]);
    xlc_lv_host_from_sets(h, t, &sys->fs);
    return sys->pol.present[xlc_policy_index_max(t)];
}
