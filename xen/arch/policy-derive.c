/* SPDX-License-Identifier: MIT */
/*
 * The six system policies, each built from the one before it:
 *
 *   raw  -> host -> pv_max  -> pv (default)
 *               \-> hvm_max -> hvm (default)
 *
 * Every step writes the matching featureset into the registers, then
 * recomputes what depends on those features.  Hypervisor-leaf limits
 * (0x40000000/0x40000100) stay 0 in every system policy: Xen then offers
 * its default set of hypervisor leaves, and the toolstack picks per guest.
 * The HYPERVISOR bit itself is featureset word 1c, so it is exactly what
 * the featuresets say: clear for the host, set for every guest.
 */
#include "policy-derive.h"

#define RAW XFS_SYSCTL_cpu_featureset_raw
#define HOST XFS_SYSCTL_cpu_featureset_host
#define PV XFS_SYSCTL_cpu_featureset_pv
#define HVM XFS_SYSCTL_cpu_featureset_hvm
#define PV_MAX XFS_SYSCTL_cpu_featureset_pv_max
#define HVM_MAX XFS_SYSCTL_cpu_featureset_hvm_max

/* 0x8000000a edx: the SVM features Xen's nested virtualisation offers. */
#define SVM_NPT (1u << 0)
#define SVM_LBRV (1u << 1)
#define SVM_NRIPS (1u << 3)
#define SVM_VMCBCLEAN (1u << 5)
#define SVM_DECODEASSISTS (1u << 7)
#define SVM_PAUSEFILTER (1u << 10)

static bool has(const uint32_t fs[XFS_NR_WORDS], unsigned int feature)
{
    return xfs_test(fs, XFS_NR_WORDS, feature);
}

/* Write the features, then everything computed from them. */
void xfs_policy_apply_featureset(struct xfs_cpu_policy *p,
                                 const uint32_t fs[XFS_NR_WORDS],
                                 const struct xfs_cpu_policy *raw)
{
    xfs_policy_cover_featureset(p, fs);
    xfs_policy_from_featureset(p, fs, XFS_NR_WORDS);
    xfs_policy_recalc_xstate(p, raw);
    /* The SVM leaf describes a feature; without it, it says nothing. */
    if (!has(fs, XFS_SVM))
        p->extd[0xa] = (struct xfs_cpuid_regs){ 0, 0, 0, 0 };
    xfs_policy_clear_unlisted(p);
    xfs_policy_recalc(p);
}

/*
 * Host: raw within the policy's limits, minus what Xen hides.  vPMU is
 * off unless asked for on Xen's command line (vpmu=), and this model has
 * no such option, so leaf 0xa goes too.
 */
static void derive_host(const struct xfs_cpu_policy *raw,
                        const uint32_t fs[XFS_NR_WORDS],
                        struct xfs_cpu_policy *host)
{
    xfs_policy_copy(host, raw);
    xfs_policy_clamp_max_leaves(host);
    xfs_policy_hide_host_details(host);
    host->basic[0xa] = (struct xfs_cpuid_regs){ 0, 0, 0, 0 };
    host->hv_limit = host->hv2_limit = 0;
    xfs_policy_apply_featureset(host, fs, raw);
}

/*
 * Max: any leaf the policy can describe may be offered (a guest may come
 * from a host with more leaves, or want leaves synthesised).
 */
static void derive_max(const struct xfs_cpu_policy *host,
                       const struct xfs_cpu_policy *raw,
                       const uint32_t fs[XFS_NR_WORDS], bool hvm,
                       struct xfs_cpu_policy *p)
{
    xfs_policy_copy(p, host);
    p->basic[0].a = XFS_POLICY_NR_BASIC - 1;
    p->feat[0].a = XFS_POLICY_NR_FEAT - 1;
    p->extd[0].a = XFS_POLICY_EXTD_BASE + XFS_POLICY_NR_EXTD - 1;
    xfs_policy_apply_featureset(p, fs, raw);
    if (!hvm) {
        p->extd[0xa] = (struct xfs_cpuid_regs){ 0, 0, 0, 0 };  /* no SVM */
        return;
    }
    if (has(fs, XFS_SVM)) {
        /* Nested SVM: the features that need hardware help, plus VMCB
         * clean bits, which are always emulated. */
        p->extd[0xa].d &= SVM_NPT | SVM_LBRV | SVM_NRIPS | SVM_PAUSEFILTER |
                          SVM_DECODEASSISTS;
        p->extd[0xa].d |= SVM_VMCBCLEAN;
    }
    /* CPUID faulting can always be emulated for HVM guests. */
    p->platform_info |= XFS_PLATFORM_INFO_CPUID_FAULTING;
}

/* Default: the max policy with the host's leaf limits. */
static void derive_default(const struct xfs_cpu_policy *max,
                           const struct xfs_cpu_policy *host,
                           const struct xfs_cpu_policy *raw,
                           const uint32_t fs[XFS_NR_WORDS],
                           struct xfs_cpu_policy *p)
{
    xfs_policy_copy(p, max);
    p->basic[0].a = host->basic[0].a;
    p->feat[0].a = host->feat[0].a;
    p->extd[0].a = host->extd[0].a;
    xfs_policy_apply_featureset(p, fs, raw);
}

static void derive_guests(const struct xfs_system_featuresets *fs,
                          struct xfs_system_policies *out, unsigned int max,
                          unsigned int def, bool hvm)
{
    const struct xfs_cpu_policy *raw = &out->p[RAW], *host = &out->p[HOST];

    if (!out->present[max]) {
        xfs_policy_zero(&out->p[max]);
        xfs_policy_zero(&out->p[def]);
        return;
    }
    derive_max(host, raw, fs->fs[max], hvm, &out->p[max]);
    derive_default(&out->p[max], host, raw, fs->fs[def], &out->p[def]);
}

void xfs_derive_policies(const struct xfs_cpuid_reader *rd,
                         const struct xfs_hv_options *opts,
                         const struct xfs_system_featuresets *fs,
                         struct xfs_system_policies *out)
{
    struct xfs_cpu_policy *raw = &out->p[RAW];

    xfs_policy_fill_raw(rd, raw);
    /* The raw featureset read the same registers, plus MSR_ARCH_CAPS. */
    xfs_policy_from_featureset(raw, fs->fs[RAW], XFS_NR_WORDS);
    out->present[RAW] = out->present[HOST] = true;
    derive_host(raw, fs->fs[HOST], &out->p[HOST]);

    /* PV guests when built in; HVM when built in and VMX/SVM exist.  Xen
     * serves what is built in, usable or not. */
    out->served[RAW] = out->served[HOST] = true;
    out->present[PV] = out->present[PV_MAX] = opts->pv;
    out->served[PV] = out->served[PV_MAX] = opts->pv;
    out->present[HVM] = out->present[HVM_MAX] = fs->hvm_usable;
    out->served[HVM] = out->served[HVM_MAX] = opts->hvm;
    derive_guests(fs, out, PV_MAX, PV, false);
    derive_guests(fs, out, HVM_MAX, HVM, true);
}
