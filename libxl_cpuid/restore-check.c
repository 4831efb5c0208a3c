/* SPDX-License-Identifier: MIT */
/*
 * The restore check: recorded policy vs the destination's max policy for
 * the guest type (see restore-check.h for the rule and the no-policy case).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../xen/lib/cpu-policy-limits.h"
#include "restore-check.h"

static uint32_t min32(uint32_t a, uint32_t b)
{
    return a < b ? a : b;
}

void xlc_restore_dest_from_system(const struct xfs_system_featuresets *sys,
                                  uint32_t domain_type,
                                  struct xlc_restore_dest *d)
{
    bool pv = domain_type == XFS_STREAM_DOM_X86_PV;
    const struct xfs_raw_info *r = &sys->info;

    memset(d, 0, sizeof(*d));
    d->domain_type = domain_type;
    memcpy(d->max_fs, sys->fs[pv ? XFS_SYSCTL_cpu_featureset_pv_max
                                 : XFS_SYSCTL_cpu_featureset_hvm_max],
           sizeof(d->max_fs));
    memcpy(d->def_fs, sys->fs[pv ? XFS_SYSCTL_cpu_featureset_pv
                                 : XFS_SYSCTL_cpu_featureset_hvm],
           sizeof(d->def_fs));
    memcpy(d->host_fs, sys->fs[XFS_SYSCTL_cpu_featureset_host],
           sizeof(d->host_fs));
    /* PV is always built in here; HVM needs VMX or SVM. */
    d->usable = pv || sys->hvm_usable;
    d->max.basic = XFS_CPUID_NR_BASIC - 1;
    d->max.feat = XFS_CPUID_NR_FEAT - 1;
    d->max.extd = XFS_CPUID_EXTD_BASE + XFS_CPUID_NR_EXTD - 1;
    d->def.basic = min32(r->max_basic, d->max.basic);
    d->def.feat = min32(r->max_subleaf7, d->max.feat);
    d->def.extd = r->max_ext ? min32(r->max_ext, d->max.extd) : 0;
}

static const struct xfs_cpuid_leaf *find_leaf(const struct xlc_policy_entries *e,
                                              uint32_t leaf, uint32_t subleaf)
{
    for (size_t i = 0; i < e->nr_leaves; i++)
        if (e->leaves[i].leaf == leaf && e->leaves[i].subleaf == subleaf)
            return &e->leaves[i];
    return NULL;
}

static uint32_t leaf_reg(const struct xfs_cpuid_leaf *l, enum xfs_reg r)
{
    switch (r) {
    case XFS_EAX: return l->a;
    case XFS_EBX: return l->b;
    case XFS_ECX: return l->c;
    case XFS_EDX: return l->d;
    default: return 0;
    }
}

static uint32_t msr_word(const struct xlc_policy_entries *e, uint32_t idx,
                         enum xfs_reg half)
{
    for (size_t i = 0; i < e->nr_msrs; i++)
        if (e->msrs[i].idx == idx)
            return (uint32_t)(half == XFS_MSR_HI ? e->msrs[i].val >> 32
                                                 : e->msrs[i].val);
    return 0;
}

void xlc_policy_featureset(const struct xlc_policy_entries *e,
                           uint32_t fs[XFS_NR_WORDS])
{
    for (unsigned int w = 0; w < XFS_NR_WORDS; w++) {
        const struct xfs_word_info *wi = &xfs_words[w];
        const struct xfs_cpuid_leaf *l;

        if (wi->src == XFS_SRC_MSR) {
            fs[w] = msr_word(e, wi->leaf, wi->reg);
            continue;
        }
        l = find_leaf(e, wi->leaf, wi->subleaf);
        fs[w] = l ? leaf_reg(l, wi->reg) : 0;
    }
}

void xlc_policy_limits(const struct xlc_policy_entries *e,
                       struct xlc_leaf_limits *lim)
{
    const struct xfs_cpuid_leaf *l;

    l = find_leaf(e, 0, XFS_CPUID_NO_SUBLEAF);
    lim->basic = l ? l->a : 0;
    l = find_leaf(e, 7, 0);
    lim->feat = l ? l->a : 0;
    l = find_leaf(e, XFS_CPUID_EXTD_BASE, XFS_CPUID_NO_SUBLEAF);
    lim->extd = l ? l->a : 0;
}

/* Take one feature's bit from the host instead of the default policy. */
static void from_host(const struct xlc_restore_dest *d, uint32_t *fs,
                      unsigned int feature)
{
    if (xfs_test(d->host_fs, XFS_NR_WORDS, feature))
        xfs_set(fs, XFS_NR_WORDS, feature);
    else
        xfs_clear(fs, XFS_NR_WORDS, feature);
}

void xlc_compat_policy(const struct xlc_restore_dest *d,
                       uint32_t fs[XFS_NR_WORDS], struct xlc_leaf_limits *l)
{
    memcpy(fs, d->def_fs, sizeof(d->def_fs));
    /* Features Xen 4.13+ stopped offering by default: a guest from an older
     * Xen may have seen them, so they follow the host. */
    from_host(d, fs, XFS_RDRAND);
    from_host(d, fs, XFS_HLE);
    from_host(d, fs, XFS_RTM);
    if (d->domain_type == XFS_STREAM_DOM_X86_HVM)
        from_host(d, fs, XFS_MPX);
    /* Leaves such a guest saw under Xen 4.12 at most. */
    l->basic = min32(d->def.basic, XLC_COMPAT_MAX_BASIC_LEAF);
    l->feat = XLC_COMPAT_MAX_FEAT_SUBLEAF;
    l->extd = d->def.extd ? min32(d->def.extd, XLC_COMPAT_MAX_EXTD_LEAF) : 0;
}

bool xlc_bit_is_inverted(unsigned int f)
{
    return xfs_test(xfs_static_masks[XFS_MASK_INVERTED], XFS_NR_WORDS, f);
}

static int add_reason(struct xlc_restore_verdict *v,
                      const struct xlc_restore_reason *r, xlc_error *err)
{
    struct xlc_restore_reason *grown =
        realloc(v->reasons, (v->nr_reasons + 1) * sizeof(*grown));

    if (!grown)
        return xlc_fail(err, ENOMEM, "out of memory for restore reasons");
    v->reasons = grown;
    v->reasons[v->nr_reasons++] = *r;
    return 0;
}

static int check_limit(struct xlc_restore_verdict *v, const char *name,
                       uint32_t guest, uint32_t dest, xlc_error *err)
{
    struct xlc_restore_reason r = { XLC_REASON_LIMIT, 0, name, guest, dest };

    return guest > dest ? add_reason(v, &r, err) : 0;
}

int xlc_restore_check_fs(const uint32_t guest_fs[XFS_NR_WORDS],
                         const struct xlc_leaf_limits *guest,
                         const struct xlc_restore_dest *d,
                         struct xlc_restore_verdict *v, xlc_error *err)
{
    int rc = 0;

    memset(v, 0, sizeof(*v));
    v->domain_type = d->domain_type;
    memcpy(v->guest_fs, guest_fs, sizeof(v->guest_fs));
    v->guest = *guest;
    if (!d->usable) {
        struct xlc_restore_reason r = { XLC_REASON_TYPE, 0, NULL, 0, 0 };

        rc = add_reason(v, &r, err);
    }
    for (unsigned int f = 0; !rc && f < XFS_NR_FEATURE_BITS; f++) {
        const struct xfs_feature_info *fi;
        struct xlc_restore_reason r = { XLC_REASON_FEATURE, f, NULL, 0, 0 };

        if (!xfs_test(guest_fs, XFS_NR_WORDS, f) ||
            xfs_test(d->max_fs, XFS_NR_WORDS, f) || xlc_bit_is_inverted(f))
            continue;
        fi = xfs_feature_by_value(f);
        if (fi)
            r.name = fi->name;
        else
            r.kind = XLC_REASON_UNKNOWN;
        rc = add_reason(v, &r, err);
    }
    if (!rc)
        rc = check_limit(v, "basic max leaf", guest->basic, d->max.basic, err);
    if (!rc)
        rc = check_limit(v, "leaf 7 max subleaf", guest->feat, d->max.feat,
                         err);
    if (!rc)
        rc = check_limit(v, "extended max leaf", guest->extd, d->max.extd,
                         err);
    if (rc) {
        xlc_restore_verdict_free(v);
        return rc;
    }
    v->accept = v->nr_reasons == 0;
    return 0;
}

int xlc_restore_check(const struct xlc_stream_info *s,
                      const struct xlc_restore_dest *d,
                      struct xlc_restore_verdict *v, xlc_error *err)
{
    uint32_t fs[XFS_NR_WORDS];
    struct xlc_leaf_limits lim;
    int rc;

    if (s->domain_type != d->domain_type)
        return xlc_fail(err, EINVAL,
                        "the stream holds an %s guest but the destination "
                        "facts are for %s guests",
                        xlc_stream_domain_name(s->domain_type),
                        xlc_stream_domain_name(d->domain_type));
    if (s->has_cpuid) {
        xlc_policy_featureset(&s->policy, fs);
        xlc_policy_limits(&s->policy, &lim);
    } else {
        xlc_compat_policy(d, fs, &lim);
        /* The MSR words of the featureset come from the MSR record; keep
         * what one recorded, if any. */
        if (s->has_msr) {
            uint32_t recorded[XFS_NR_WORDS];

            xlc_policy_featureset(&s->policy, recorded);
            for (unsigned int w = 0; w < XFS_NR_WORDS; w++)
                if (xfs_words[w].src == XFS_SRC_MSR)
                    fs[w] = recorded[w];
        }
    }
    rc = xlc_restore_check_fs(fs, &lim, d, v, err);
    if (!rc) {
        v->compat_policy = !s->has_cpuid;
        v->msr_missing = !s->has_msr;
    }
    return rc;
}

void xlc_restore_verdict_free(struct xlc_restore_verdict *v)
{
    if (!v)
        return;
    free(v->reasons);
    v->reasons = NULL;
    v->nr_reasons = 0;
}

void xlc_restore_reason_text(const struct xlc_restore_verdict *v, size_t i,
                             char *buf, size_t size)
{
    const struct xlc_restore_reason *r = &v->reasons[i];
    const char *type = v->domain_type == XFS_STREAM_DOM_X86_PV ? "PV" : "HVM";

    switch (r->kind) {
    case XLC_REASON_FEATURE:
        snprintf(buf, size,
                 "feature %s (%s bit %u) is not in the destination's %s max "
                 "policy",
                 r->name, xfs_words[r->value / 32].key, r->value % 32, type);
        break;
    case XLC_REASON_UNKNOWN:
        snprintf(buf, size,
                 "unknown bit %u of word %s (feature number %u) is set; no "
                 "destination offers it",
                 r->value % 32, xfs_words[r->value / 32].key, r->value);
        break;
    case XLC_REASON_LIMIT:
        snprintf(buf, size, "%s 0x%x is above the destination's 0x%x",
                 r->name, r->guest, r->dest);
        break;
    case XLC_REASON_TYPE:
        snprintf(buf, size, "the destination cannot run %s guests", type);
        break;
    }
}
