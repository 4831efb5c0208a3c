/* SPDX-License-Identifier: MIT */
/*
 * Turning raw CPUID (a dump file, the live CPU) into what a pool levels:
 * the guest max featureset Xen would derive on that host for the pool's
 * guest type, the hardware's own XCF_INVERTED bits, and the properties
 * beyond feature bits.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cpuid-dump.h"
#include "level-input.h"
#include "../xen/arch/featuresets.h"

int xlc_level_host_from_cpuid(const struct xfs_cpuid_reader *rd,
                              enum xlc_guest_type type,
                              struct xlc_level_host *out)
{
    const uint32_t *inv = xfs_static_masks[XFS_MASK_INVERTED];
    struct xfs_system_featuresets *sets;
    struct xfs_hv_options opts;
    const uint32_t *max;

    sets = malloc(sizeof(*sets));
    if (!sets)
        return -ENOMEM;
    memset(out, 0, sizeof(*out));
    xfs_hv_options_default(&opts);
    xfs_derive_featuresets(rd, &opts, sets);
    max = sets->fs[type == XLC_GUEST_PV ? XFS_SYSCTL_cpu_featureset_pv_max
                                        : XFS_SYSCTL_cpu_featureset_hvm_max];
    /*
     * Xen shows none of the inverted bits to guests, but they describe the
     * hardware the guest would run on: keep the raw ones for the level.
     */
    for (unsigned int w = 0; w < XFS_NR_WORDS; w++)
        out->fs[w] = max[w] | (sets->fs[XFS_SYSCTL_cpu_featureset_raw][w] &
                               inv[w]);
    out->usable = type == XLC_GUEST_PV || sets->hvm_usable;
    xlc_host_props_from_cpuid(rd, &out->props);
    free(sets);
    return 0;
}

int xlc_level_host_from_dump(const char *path, enum xlc_guest_type type,
                             struct xlc_level_host *out, xlc_error *err)
{
    struct xlc_cpuid_dump *d;
    struct xfs_cpuid_reader rd;
    int rc = xlc_dump_load(path, &d, err);

    if (rc)
        return rc;
    xlc_dump_reader(d, &rd);
    rc = xlc_level_host_from_cpuid(&rd, type, out);
    xlc_dump_free(d);
    if (rc)
        return xlc_fail(err, -rc, "%s: out of memory", path);
    return 0;
}

int xlc_level_host_live(enum xlc_guest_type type, struct xlc_level_host *out,
                        xlc_error *err)
{
    struct xlc_cpuid_dump *d;
    struct xfs_cpuid_reader rd;
    int rc = xlc_dump_live(&d, err);

    if (rc)
        return rc;
    xlc_dump_reader(d, &rd);
    rc = xlc_level_host_from_cpuid(&rd, type, out);
    xlc_dump_free(d);
    if (rc)
        return xlc_fail(err, -rc, "live CPU: out of memory");
    /* Only the live CPU can say what its MXCSR accepts. */
    return xlc_host_props_live_mxcsr(&out->props, err);
}
