/* SPDX-License-Identifier: MIT */
/* The get_cpu_featureset sysctl, over the sets derived at boot. */
#include "sysctl.h"

void xfs_hypervisor_boot(struct xfs_hypervisor *hv,
                         const struct xfs_cpuid_reader *rd,
                         const struct xfs_hv_options *opts)
{
    xfs_derive_featuresets(rd, opts, &hv->sets);
    hv->nr_words = XFS_NR_WORDS;
    hv->copy_to_guest = NULL;
    hv->copy_ctx = NULL;
    hv->served[XFS_SYSCTL_cpu_featureset_raw] = true;
    hv->served[XFS_SYSCTL_cpu_featureset_host] = true;
    hv->served[XFS_SYSCTL_cpu_featureset_pv] = opts->pv;
    hv->served[XFS_SYSCTL_cpu_featureset_pv_max] = opts->pv;
    hv->served[XFS_SYSCTL_cpu_featureset_hvm] = opts->hvm;
    hv->served[XFS_SYSCTL_cpu_featureset_hvm_max] = opts->hvm;
}

static int plain_copy(uint32_t *dst, const uint32_t *src, unsigned int nr)
{
    for (unsigned int i = 0; i < nr; i++)
        dst[i] = src[i];
    return 0;
}

static unsigned int words_known(const struct xfs_hypervisor *hv)
{
    return hv->nr_words < XFS_NR_WORDS ? hv->nr_words : XFS_NR_WORDS;
}

int xfs_sysctl_get_cpu_featureset(const struct xfs_hypervisor *hv,
                                  struct xfs_sysctl_cpu_featureset *op)
{
    unsigned int known = words_known(hv);
    unsigned int nr;
    const uint32_t *fs;
    int fault;

    if (!op->features.p) {
        op->nr_features = known;
        return 0;
    }
    nr = op->nr_features < known ? op->nr_features : known;
    if (op->index >= XFS_SYSCTL_cpu_featureset_nr)
        return -XFS_EINVAL;
    if (!hv->served[op->index])
        return -XFS_EOPNOTSUPP;

    fs = hv->sets.fs[op->index];
    /* A zero-length copy touches no guest memory, so cannot fault. */
    if (!nr)
        fault = 0;
    else if (hv->copy_to_guest)
        fault = hv->copy_to_guest(hv->copy_ctx, op->features.p, fs, nr);
    else
        fault = plain_copy(op->features.p, fs, nr);
    if (fault)
        return -XFS_EFAULT;

    op->nr_features = nr;
    return nr < known ? -XFS_ENOBUFS : 0;
}
