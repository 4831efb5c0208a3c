/* SPDX-License-Identifier: MIT */
/* All six system featuresets from one CPUID reader. */
#include "featuresets.h"

void xfs_derive_featuresets(const struct xfs_cpuid_reader *rd,
                            const struct xfs_hv_options *opts,
                            struct xfs_system_featuresets *out)
{
    uint32_t *const *fs = (uint32_t *const[]){
        out->fs[XFS_SYSCTL_cpu_featureset_raw],
        out->fs[XFS_SYSCTL_cpu_featureset_host],
        out->fs[XFS_SYSCTL_cpu_featureset_pv],
        out->fs[XFS_SYSCTL_cpu_featureset_hvm],
        out->fs[XFS_SYSCTL_cpu_featureset_pv_max],
        out->fs[XFS_SYSCTL_cpu_featureset_hvm_max],
    };

    xfs_raw_read(rd, fs[0], &out->info);
    xfs_host_featureset(fs[0], &out->info, opts, fs[1]);
    xfs_pv_featuresets(fs[1], opts, fs[4], fs[2]);
    xfs_hvm_featuresets(fs[0], fs[1], &out->info, opts, fs[5], fs[3]);
    out->hvm_usable = xfs_hvm_usable(fs[1], opts);
}
