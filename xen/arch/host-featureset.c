/* SPDX-License-Identifier: MIT */
/*
 * The host featureset: what Xen itself may use and offer guests.
 *
 * Every rule only removes bits, so host ⊆ raw always.  Rules deliberately
 * not modelled (they need state a featureset cannot carry, or would add
 * bits the CPU does not report):
 *  - LFENCE_DISPATCH synthesised on older AMD after Xen writes DE_CFG;
 *  - CLWB hidden on Skylake-X after the GDS microcode;
 *  - bits cleared because a local APIC or a VMX/SVM capability MSR turned
 *    out to be unusable at run time.
 */
#include "featuresets.h"

#define N XFS_NR_WORDS

static bool amd_like(enum xfs_vendor v)
{
    return v == XFS_VENDOR_AMD || v == XFS_VENDOR_HYGON;
}

/*
 * Only features this build can name.  This drops reserved and future bits,
 * and also the AMD/Hygon copies of leaf 1 edx (FPU..PAT, PSE36, MMX, FXSR)
 * found in 0x80000001.edx: Xen's word 2 names only the bits that are not
 * duplicates, so the copies are simply unknown bits there.  They carry no
 * information of their own; a guest policy re-mirrors them from word 0.
 */
static void keep_known(const uint32_t raw[N], uint32_t host[N])
{
    xfs_and(host, N, raw, N, xfs_static_masks[XFS_MASK_KNOWN], N);
}

/*
 * AMD/Hygon CPUs only execute SYSENTER in legacy (32-bit) mode.  Xen runs
 * in long mode, so SEP is useless to Xen and to PV guests; HVM guests get
 * it back from raw (guest-featuresets.c).
 */
static void vendor_rules(const struct xfs_raw_info *info, uint32_t host[N])
{
    if (amd_like(info->vendor))
        xfs_clear(host, N, XFS_SEP);
}

/*
 * Bits that describe software state, not the hardware:
 *  - HYPERVISOR says "you run under a hypervisor".  Xen sets it for its
 *    guests (guest-featuresets.c); the host is Xen itself, so the bit a
 *    nested Xen sees from below does not describe its own hardware.
 *  - OSXSAVE and OSPKE mirror CR4.OSXSAVE / CR4.PKE of whoever runs CPUID.
 *    Xen computes them per vCPU from the guest's CR4; they are never a
 *    capability of the host.
 */
static void drop_software_state(uint32_t host[N])
{
    xfs_clear(host, N, XFS_HYPERVISOR);
    xfs_clear(host, N, XFS_OSXSAVE);
    xfs_clear(host, N, XFS_OSPKE);
}

/*
 * Capabilities Xen cannot use because their enumeration is incomplete:
 *  - XSAVE without leaf 0xd: the state sizes and components are unknown,
 *    so Xen turns XSAVE (and all of AVX etc. with it) off.
 *  - ARCH_CAPS whose MSR could not be read: the words 16/17 would be
 *    guesses, and offering a guest an MSR whose contents Xen does not know
 *    would be a lie.
 */
static void drop_unenumerated(const struct xfs_raw_info *info,
                              uint32_t host[N])
{
    if (info->max_basic < 0xd)
        xfs_clear_with_dependents(host, N, XFS_XSAVE);
    if (!info->arch_caps_read)
        xfs_clear_with_dependents(host, N, XFS_ARCH_CAPS);
}

/* cpuid=no-NAME: the admin's word, with everything that needs NAME. */
static void boot_clear(const struct xfs_hv_options *opts, uint32_t host[N])
{
    for (unsigned int w = 0; w < N; w++) {
        /* Usually nothing is asked: skip the word, not each bit. */
        if (!opts->boot_clear[w])
            continue;
        for (unsigned int b = 0; b < 32; b++)
            if (opts->boot_clear[w] >> b & 1)
                xfs_clear_with_dependents(host, N, w * 32 + b);
    }
}

void xfs_host_featureset(const uint32_t raw[N],
                         const struct xfs_raw_info *info,
                         const struct xfs_hv_options *opts, uint32_t host[N])
{
    keep_known(raw, host);
    vendor_rules(info, host);
    drop_software_state(host);
    drop_unenumerated(info, host);
    boot_clear(opts, host);
    /* The CPU may report a feature without its prerequisite (or a rule
     * above removed one): close the set. */
    xfs_apply_deep_deps(host, N);
}
