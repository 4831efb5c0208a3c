/* SPDX-License-Identifier: MIT */
/*
 * The guest featuresets: pv/hvm max (everything Xen can offer that kind of
 * guest) and default (what a guest gets unless its config asks otherwise).
 *
 * max     = host & static max mask, + emulated/synthesised bits, closed
 * default = max  & static default mask, + synthesised bits, closed
 *
 * Since default starts from max and only adds bits max already has,
 * default ⊆ max.  The bits added regardless of host are exactly
 * xfs_guest_synth_mask; each is explained where it is added.
 *
 * Not modelled (needs information a featureset does not carry):
 *  - hiding RDTSCP/INVPCID/MPX/XSAVES when VMX lacks the matching
 *    secondary execution controls (those are MSRs, not CPUID);
 *  - hiding IBRS/IBRSB when the admin disabled MSR_SPEC_CTRL
 *    virtualisation (Xen virtualises it by default);
 *  - RDRAND hidden by default on IvyBridge client parts, RTM hidden when
 *    TSX is in force-abort mode, VIRT_SSBD via AMD's LS_CFG.
 * Nor the features Xen's max sets leave out although its emulator could
 * do them: VME, PSE, PSE36 and MTRR stay tied to the host.  With HAP the
 * guest's paging (PSE, PSE36) and virtual-8086 extensions (VME) are run
 * by the hardware, so Xen cannot offer them on a CPU without them; Xen's
 * virtual MTRRs are software, but every CPU Xen runs on has MTRRs and Xen
 * does not advertise them beyond the host either.
 */
#include "featuresets.h"

#define N XFS_NR_WORDS

/* Constant-expression bit of feature f in word w. */
#define BIT_IN(f, w) ((unsigned int)(f) / 32 == (w) ? 1u << ((f) % 32) : 0u)
#define SYNTH_WORD(w)                                                         \
    (BIT_IN(XFS_HYPERVISOR, w) | BIT_IN(XFS_APIC, w) | BIT_IN(XFS_X2APIC, w) | \
     BIT_IN(XFS_NO_LMSL, w) | BIT_IN(XFS_SEP, w) | BIT_IN(XFS_VIRT_SSBD, w) |  \
     BIT_IN(XFS_STIBP, w) | BIT_IN(XFS_AMD_STIBP, w) | BIT_IN(XFS_IBPB, w))

const uint32_t xfs_guest_synth_mask[XFS_NR_WORDS] = {
    SYNTH_WORD(0),  SYNTH_WORD(1),  SYNTH_WORD(2),  SYNTH_WORD(3),
    SYNTH_WORD(4),  SYNTH_WORD(5),  SYNTH_WORD(6),  SYNTH_WORD(7),
    SYNTH_WORD(8),  SYNTH_WORD(9),  SYNTH_WORD(10), SYNTH_WORD(11),
    SYNTH_WORD(12), SYNTH_WORD(13), SYNTH_WORD(14), SYNTH_WORD(15),
    SYNTH_WORD(16), SYNTH_WORD(17), SYNTH_WORD(18),
};
_Static_assert(XFS_NR_WORDS == 19, "extend xfs_guest_synth_mask");

static void zero(uint32_t fs[N])
{
    for (unsigned int i = 0; i < N; i++)
        fs[i] = 0;
}

static bool amd_like(enum xfs_vendor v)
{
    return v == XFS_VENDOR_AMD || v == XFS_VENDOR_HYGON;
}

/* Adjustments made to every guest set, max and default alike. */
static void guest_common(uint32_t fs[N], const uint32_t host[N])
{
    /* Every guest runs under a hypervisor and may be told so. */
    xfs_set(fs, N, XFS_HYPERVISOR);
    /*
     * STIBP is a no-op on hardware without SMT; offering it whenever IBRS
     * is offered (Intel and AMD enumerations alike) lets guests move
     * between SMT and non-SMT hosts of a pool.
     */
    if (xfs_test(fs, N, XFS_IBRSB))
        xfs_set(fs, N, XFS_STIBP);
    if (xfs_test(fs, N, XFS_IBRS))
        xfs_set(fs, N, XFS_AMD_STIBP);
    /*
     * Intel's IBRSB enumerates IBPB together with IBRS.  AMD's separate
     * IBPB bit lets a guest be given the barrier without IBRS.
     */
    if (xfs_test(host, N, XFS_IBRSB))
        xfs_set(fs, N, XFS_IBPB);
}

static void default_from_max(const uint32_t max[N], const uint32_t *mask,
                             const uint32_t host[N], uint32_t def[N])
{
    xfs_and(def, N, max, N, mask, N);
    guest_common(def, host);
    xfs_apply_deep_deps(def, N);
}

void xfs_pv_featuresets(const uint32_t host[N],
                        const struct xfs_hv_options *opts, uint32_t max[N],
                        uint32_t def[N])
{
    if (!opts->pv) {
        zero(max);
        zero(def);
        return;
    }
    xfs_and(max, N, host, N, xfs_static_masks[XFS_MASK_PV_MAX], N);
    guest_common(max, host);
    xfs_apply_deep_deps(max, N);
    default_from_max(max, xfs_static_masks[XFS_MASK_PV_DEF], host, def);
}

bool xfs_hvm_usable(const uint32_t host[N], const struct xfs_hv_options *opts)
{
    /* Without VT-x or AMD-V in the host set Xen cannot start HVM guests. */
    return opts->hvm && (xfs_test(host, N, XFS_VMX) ||
                         xfs_test(host, N, XFS_SVM));
}

/* What Xen's device models and instruction emulator provide by itself. */
static void hvm_emulated(const uint32_t raw[N], const uint32_t host[N],
                         const struct xfs_raw_info *info, uint32_t max[N])
{
    /* The virtual local APIC (xAPIC and x2APIC modes) is Xen's own,
     * whatever the host's APIC is. */
    xfs_set(max, N, XFS_APIC);
    xfs_set(max, N, XFS_X2APIC);
    /* Xen never implements EFER.LMSLE: say so, as newer AMD CPUs do. */
    xfs_set(max, N, XFS_NO_LMSL);
    /* SYSENTER works in a 32-bit AMD guest even though the host set lost
     * SEP (host-featureset.c): give back what the CPU reported. */
    if (amd_like(info->vendor) && xfs_test(raw, N, XFS_SEP))
        xfs_set(max, N, XFS_SEP);
    /* MSR_VIRT_SPEC_CTRL.SSBD is emulated on top of SPEC_CTRL.SSBD.  Max
     * only: guests should prefer the real MSR when it exists. */
    if (xfs_test(host, N, XFS_AMD_SSBD))
        xfs_set(max, N, XFS_VIRT_SSBD);
}

void xfs_hvm_featuresets(const uint32_t raw[N], const uint32_t host[N],
                         const struct xfs_raw_info *info,
                         const struct xfs_hv_options *opts, uint32_t max[N],
                         uint32_t def[N])
{
    enum xfs_mask_kind mmax = opts->hap ? XFS_MASK_HVM_HAP_MAX
                                        : XFS_MASK_HVM_SHADOW_MAX;
    enum xfs_mask_kind mdef = opts->hap ? XFS_MASK_HVM_HAP_DEF
                                        : XFS_MASK_HVM_SHADOW_DEF;

    if (!xfs_hvm_usable(host, opts)) {
        zero(max);
        zero(def);
        return;
    }
    xfs_and(max, N, host, N, xfs_static_masks[mmax], N);
    hvm_emulated(raw, host, info, max);
    guest_common(max, host);
    xfs_apply_deep_deps(max, N);
    default_from_max(max, xfs_static_masks[mdef], host, def);
}
