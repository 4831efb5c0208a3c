/* SPDX-License-Identifier: MIT */
/*
 * The host as the libvirt translation sees it: three featuresets for one
 * guest type, plus the CPUID vendor and signature.
 */
#include <string.h>

#include "../../xen/arch/policy-derive.h"
#include "libvirt-translate.h"

const char *xlc_guest_type_name(enum xlc_guest_type t)
{
    return t == XLC_GUEST_PV ? "pv" : "hvm";
}

void xlc_lv_host_from_sets(struct xlc_lv_host *h, enum xlc_guest_type t,
                           const struct xfs_system_featuresets *s)
{
    bool pv = t == XLC_GUEST_PV;

    memcpy(h->host, s->fs[XFS_SYSCTL_cpu_featureset_host], sizeof(h->host));
    memcpy(h->def,
           s->fs[pv ? XFS_SYSCTL_cpu_featureset_pv
                    : XFS_SYSCTL_cpu_featureset_hvm],
           sizeof(h->def));
    memcpy(h->max,
           s->fs[pv ? XFS_SYSCTL_cpu_featureset_pv_max
                    : XFS_SYSCTL_cpu_featureset_hvm_max],
           sizeof(h->max));
}

bool xlc_lv_host_from_dump(struct xlc_lv_host *h, enum xlc_guest_type t,
                           const struct xlc_cpuid_dump *d,
                           const struct xfs_hv_options *opts)
{
    struct xfs_system_featuresets sets;
    struct xfs_hv_options dflt;
    struct xfs_cpuid_reader rd;

    if (!opts) {
        xfs_hv_options_default(&dflt);
        opts = &dflt;
    }
    memset(h, 0, sizeof(*h));
    xlc_dump_reader(d, &rd);
    xfs_derive_featuresets(&rd, opts, &sets);
    xlc_lv_host_identify(h, &rd);
    xlc_lv_host_from_sets(h, t, &sets);
    return t == XLC_GUEST_PV ? opts->pv : opts->hvm && sets.hvm_usable;
}

void xlc_lv_host_identify(struct xlc_lv_host *h,
                          const struct xfs_cpuid_reader *rd)
{
    struct xfs_cpuid_regs r0, r1;
    uint32_t base_family;

    rd->cpuid(rd->ctx, 0, 0, &r0);
    /* The vendor string is EBX, EDX, ECX in that order. */
    memcpy(h->vendor, &r0.b, 4);
    memcpy(h->vendor + 4, &r0.d, 4);
    memcpy(h->vendor + 8, &r0.c, 4);
    h->vendor[12] = '\0';
    if (strlen(h->vendor) != 12)
        h->vendor[0] = '\0';
    h->has_signature = r0.a >= 1;
    if (!h->has_signature)
        return;
    rd->cpuid(rd->ctx, 1, 0, &r1);
    base_family = (r1.a >> 8) & 0xf;
    h->family = base_family + (base_family == 0xf ? (r1.a >> 20) & 0xff : 0);
    h->model = (r1.a >> 4) & 0xf;
    if (base_family == 0x6 || base_family == 0xf)
        h->model |= ((r1.a >> 16) & 0xf) << 4;
    h->stepping = r1.a & 0xf;
}

void xlc_lv_host_available(const struct xlc_lv_host *h,
                           uint32_t avail[XFS_NR_WORDS])
{
    /* No HVM-only narrowing: the max set was derived for the host's paging
     * mode already, and nested virtualisation is what a guest asking for
     * VMX or SVM is configured with. */
    const struct xfs_domain_opts o = { .hvm = false };

    xfs_domain_allowed_features(h->max, &o, avail);
}

bool xlc_lv_host_forces(const struct xlc_lv_host *h, unsigned int feature)
{
    const struct xfs_feature_info *fi = xfs_feature_by_value(feature);

    return fi && (fi->flags & XCF_SPECIAL) &&
           xfs_test(h->def, XFS_NR_WORDS, feature) &&
           (xfs_test(h->host, XFS_NR_WORDS, feature) ||
            xfs_test(xfs_guest_synth_mask, XFS_NR_WORDS, feature));
}

static const char *const verdicts[] = { "identical", "superset",
                                        "incompatible" };
static const char *const note_kinds[] = {
    "inexpressible", "optional-dropped", "dependent-cleared",
    "deep-dependency-cleared", "not-nameable", "forced", "ignored",
    "platform",
};
static const char *const block_kinds[] = {
    "not-on-host", "not-in-max", "inexpressible", "forbidden",
    "conflict",    "strict-extra", "vendor",
};

const char *xlc_lv_verdict_name(enum xlc_lv_verdict v) { return verdicts[v]; }
const char *xlc_lv_note_kind_name(enum xlc_lv_note_kind k)
{
    return note_kinds[k];
}
const char *xlc_lv_block_kind_name(enum xlc_lv_block_kind k)
{
    return block_kinds[k];
}
