/* SPDX-License-Identifier: MIT */
/*
 * The host as the libvirt translation sees it: three featuresets for one
 * guest type, plus the CPUID vendor and signature, from derived
 * featuresets, a CPUID dump, or a hypervisor's system policies (whose raw
 * policy holds the leaves the CPU reported).
 */
#include <string.h>

#include "../../xen/arch/policy-derive.h"
#include "libvirt-translate.h"
#include "../policy/cpu-policy.h"

void xlc_lv_host_from_sets(struct xlc_lv_host *h, enum xlc_guest_type t,
                           const struct xfs_system_featuresets *s)
{
    memcpy(h->host, s->fs[XFS_SYSCTL_cpu_featureset_host], sizeof(h->host));
    memcpy(h->def, s->fs[xlc_policy_index_default(t)], sizeof(h->def));
    memcpy(h->max, s->fs[xlc_policy_index_max(t)], sizeof(h->max));
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
