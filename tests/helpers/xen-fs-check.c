/* SPDX-License-Identifier: MIT */
#include "xen-fs-check.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include "xen-fake-cpu.h"

#define N XFS_NR_WORDS

bool xt_has(const uint32_t *fs, unsigned int feature)
{
    return xfs_test(fs, N, feature);
}

const char *xt_name(unsigned int feature)
{
    const struct xfs_feature_info *fi = xfs_feature_by_value(feature);

    return fi ? fi->name : "(unnamed)";
}

/* ---- raw straight from the table ---- */

static uint32_t reg_of(const struct xfs_cpuid_leaf *l, enum xfs_reg r)
{
    switch (r) {
    case XFS_EAX: return l->a;
    case XFS_EBX: return l->b;
    case XFS_ECX: return l->c;
    case XFS_EDX: return l->d;
    default: return 0;
    }
}

static uint32_t eax_of(const struct xfs_cpuid_leaf *l, unsigned int nr,
                       uint32_t leaf, uint32_t sub)
{
    const struct xfs_cpuid_leaf *x = xt_leaf_find(l, nr, leaf, sub);

    return x ? x->a : 0;
}

void xt_raw_from_leaves(const struct xfs_cpuid_leaf *l, unsigned int nr,
                        const uint64_t *arch_caps, uint32_t raw[N])
{
    uint32_t max_basic = eax_of(l, nr, 0, 0);
    uint32_t max_ext = eax_of(l, nr, 0x80000000u, 0);
    uint32_t max7 = max_basic >= 7 ? eax_of(l, nr, 7, 0) : 0;

    if (max_ext >> 16 != 0x8000)
        max_ext = 0;
    for (unsigned int i = 0; i < N; i++) {
        const struct xfs_word_info *w = &xfs_words[i];
        uint32_t sub = w->subleaf == XFS_NO_SUBLEAF ? 0 : w->subleaf;
        const struct xfs_cpuid_leaf *x;
        bool present;

        raw[i] = 0;
        if (w->src != XFS_SRC_CPUID)
            continue;
        if (w->leaf >= 0x80000000u)
            present = max_ext && w->leaf <= max_ext;
        else
            present = w->leaf <= max_basic && (w->leaf != 7 || sub <= max7);
        x = present ? xt_leaf_find(l, nr, w->leaf, sub) : NULL;
        raw[i] = x ? reg_of(x, w->reg) : 0;
    }
    if (!arch_caps || !xfs_test(raw, N, XFS_ARCH_CAPS))
        return;
    for (unsigned int i = 0; i < N; i++)
        if (xfs_words[i].src == XFS_SRC_MSR)
            raw[i] = (uint32_t)(*arch_caps >>
                                (xfs_words[i].reg == XFS_MSR_HI ? 32 : 0));
}

/* ---- invariants ---- */

static const char *const set_name[] = { "raw", "host", "pv", "hvm",
                                        "pv_max", "hvm_max" };

void xt_assert_fs_equal(const uint32_t *fs, const uint32_t *want,
                        const char *what)
{
    for (unsigned int f = 0; f < N * 32; f++)
        if (xfs_test(fs, N, f) != xfs_test(want, N, f))
            fail_msg("%s: bit %u.%u (%s) is %d, expected %d", what, f / 32,
                     f % 32, xt_name(f), xfs_test(fs, N, f),
                     xfs_test(want, N, f));
}

/* a ⊆ b ∪ allowed (allowed may be NULL). */
static void subset(const char *what, const char *an, const uint32_t *a,
                   const char *bn, const uint32_t *b, const uint32_t *allowed)
{
    for (unsigned int f = 0; f < N * 32; f++)
        if (xfs_test(a, N, f) && !xfs_test(b, N, f) &&
            !(allowed && xfs_test(allowed, N, f)))
            fail_msg("%s: %s has %s (%u.%u) but %s does not", what, an,
                     xt_name(f), f / 32, f % 32, bn);
}

static void closed(const char *what, const struct xfs_system_featuresets *s)
{
    for (unsigned int i = 1; i < XFS_SYSCTL_cpu_featureset_nr; i++)
        if (!xfs_deps_closed(s->fs[i], N))
            fail_msg("%s: %s is not closed under deep dependencies", what,
                     set_name[i]);
}

static void host_rules(const char *what, const struct xfs_system_featuresets *s,
                       const struct xfs_hv_options *o)
{
    const uint32_t *host = s->fs[XFS_SYSCTL_cpu_featureset_host];
    static const unsigned int never[] = { XFS_HYPERVISOR, XFS_OSXSAVE,
                                          XFS_OSPKE };

    subset(what, "host", host, "raw", s->fs[XFS_SYSCTL_cpu_featureset_raw],
           NULL);
    subset(what, "host", host, "the known mask",
           xfs_static_masks[XFS_MASK_KNOWN], NULL);
    for (unsigned int i = 0; i < 3; i++)
        if (xt_has(host, never[i]))
            fail_msg("%s: host has %s", what, xt_name(never[i]));
    for (unsigned int f = 0; f < N * 32; f++) {
        const uint32_t *deps = xfs_lookup_deep_deps(f);

        if (!xt_has(o->boot_clear, f))
            continue;
        if (xt_has(host, f))
            fail_msg("%s: host kept %s despite cpuid=no-", what, xt_name(f));
        for (unsigned int g = 0; deps && g < N * 32; g++)
            if (xt_has(deps, g) && xt_has(host, g))
                fail_msg("%s: host kept %s although it needs cleared %s",
                         what, xt_name(g), xt_name(f));
    }
}

/* lo ⊇ deps(hi & mask): nothing the mask allows was dropped for no reason. */
static void nothing_lost(const char *what, const char *ln, const uint32_t *lo,
                         const char *hn, const uint32_t *hi,
                         const uint32_t *mask)
{
    uint32_t t[N];
    char msg[160];

    xfs_and(t, N, hi, N, mask, N);
    xfs_apply_deep_deps(t, N);
    snprintf(msg, sizeof(msg), "%s (%s vs %s & mask)", what, ln, hn);
    subset(msg, hn, t, ln, lo, NULL);
}

static void guest_pair(const char *what, const struct xfs_system_featuresets *s,
                       int def_i, int max_i, enum xfs_mask_kind kmax,
                       enum xfs_mask_kind kdef, bool present)
{
    const uint32_t *def = s->fs[def_i], *max = s->fs[max_i];
    const uint32_t *host = s->fs[XFS_SYSCTL_cpu_featureset_host];

    if (!present) {
        if (!xfs_empty(def, N) || !xfs_empty(max, N))
            fail_msg("%s: %s/%s should be empty", what, set_name[def_i],
                     set_name[max_i]);
        return;
    }
    subset(what, set_name[def_i], def, set_name[max_i], max, NULL);
    subset(what, set_name[max_i], max, "host", host, xfs_guest_synth_mask);
    subset(what, set_name[max_i], max, "its static mask",
           xfs_static_masks[kmax], xfs_guest_synth_mask);
    subset(what, set_name[def_i], def, "its static mask",
           xfs_static_masks[kdef], xfs_guest_synth_mask);
    nothing_lost(what, set_name[max_i], max, "host", host,
                 xfs_static_masks[kmax]);
    nothing_lost(what, set_name[def_i], def, set_name[max_i], max,
                 xfs_static_masks[kdef]);
    if (!xt_has(max, XFS_HYPERVISOR) || !xt_has(def, XFS_HYPERVISOR))
        fail_msg("%s: %s/%s lack HYPERVISOR", what, set_name[def_i],
                 set_name[max_i]);
}

void xt_check_invariants(const struct xfs_system_featuresets *s,
                         const struct xfs_hv_options *o, const char *what)
{
    const uint32_t *host = s->fs[XFS_SYSCTL_cpu_featureset_host];
    bool usable = o->hvm && (xt_has(host, XFS_VMX) || xt_has(host, XFS_SVM));

    if (s->hvm_usable != usable)
        fail_msg("%s: hvm_usable is %d, expected %d", what, s->hvm_usable,
                 usable);
    host_rules(what, s, o);
    closed(what, s);
    guest_pair(what, s, XFS_SYSCTL_cpu_featureset_pv,
               XFS_SYSCTL_cpu_featureset_pv_max, XFS_MASK_PV_MAX,
               XFS_MASK_PV_DEF, o->pv);
    guest_pair(what, s, XFS_SYSCTL_cpu_featureset_hvm,
               XFS_SYSCTL_cpu_featureset_hvm_max,
               o->hap ? XFS_MASK_HVM_HAP_MAX : XFS_MASK_HVM_SHADOW_MAX,
               o->hap ? XFS_MASK_HVM_HAP_DEF : XFS_MASK_HVM_SHADOW_DEF,
               usable);
    if (usable)
        for (int i = XFS_SYSCTL_cpu_featureset_hvm; i <= 5; i += 2)
            if (!xt_has(s->fs[i], XFS_APIC) || !xt_has(s->fs[i], XFS_X2APIC))
                fail_msg("%s: %s lacks the emulated APIC/X2APIC", what,
                         set_name[i]);
}
