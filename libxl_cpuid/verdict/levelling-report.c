/* SPDX-License-Identifier: MIT */
/* What leaks through (levelling-report.h). */
#include <errno.h>
#include <string.h>

#include "../policy/applied-policy.h"
#include "levelling-report.h"

#define BIT(f) (1u << ((f) & 31))

void xlc_levelling_from_reader(const struct xfs_cpuid_reader *rd,
                               struct xlc_levelling *out)
{
    memset(out, 0, sizeof(*out));
    /* A dump that lacks an MSR does not say the CPU lacks it. */
    xfs_levelling_derive(rd, XFS_MSR_FAIL_UNKNOWN, &out->lv);
    out->from_xen = false;
}

void xlc_levelling_from_dump(const struct xlc_cpuid_dump *d,
                             struct xlc_levelling *out)
{
    struct xfs_cpuid_reader rd;

    xlc_dump_reader(d, &rd);
    xlc_levelling_from_reader(&rd, out);
}

void xlc_levelling_from_caps(uint32_t caps, struct xlc_levelling *out)
{
    memset(out, 0, sizeof(*out));
    out->lv.present = caps & XFS_LCAP_ALL;
    out->lv.faulting = (caps & XFS_LCAP_FAULTING) ? XFS_YES : XFS_NO;
    out->from_xen = true;
}

int xlc_levelling_of_handle(xlc_handle *h, struct xlc_levelling *out,
                            xlc_error *err)
{
    const struct xlc_cpuid_dump *d;
    uint32_t v;
    int rc = xlc_handle_levelling_caps(h, &v, err);

    if (!rc) {
        xlc_levelling_from_caps(v, out);
        return 0;
    }
    if (rc != -EOPNOTSUPP)
        return rc;
    /* The simulated Xen: what Xen 4.17 would find on its CPUID data. */
    rc = xlc_handle_cpuid(h, &d, err);
    if (!rc)
        xlc_levelling_from_dump(d, out);
    return rc;
}

const char *xlc_word_control_name(enum xlc_word_control c)
{
    switch (c) {
    case XLC_WORD_FAULTED: return "faulted";
    case XLC_WORD_MASKED: return "masked";
    case XLC_WORD_LEAKS: return "leaks";
    case XLC_WORD_UNKNOWN: return "unknown";
    default: return "msr";
    }
}

const char *xlc_tristate_name(enum xfs_tristate t)
{
    return t == XFS_YES ? "yes" : t == XFS_NO ? "no" : "unknown";
}

/* Host bits Xen forwards into a masked word (its PV cpuidmasks). */
static uint32_t forwarded(unsigned int w, enum xfs_vendor v)
{
    bool amd = v == XFS_VENDOR_AMD || v == XFS_VENDOR_HYGON;

    switch (w) {
    case 0: return BIT(XFS_HTT) | BIT(XFS_APIC);
    case 1: return BIT(XFS_X2APIC) | BIT(XFS_OSXSAVE);
    case 2: return amd ? BIT(XFS_APIC) : 0;     /* e1d's copy of APIC */
    case 3: return BIT(XFS_CMP_LEGACY);
    default: return 0;
    }
}

static enum xlc_word_control control_of(const struct xlc_levelling *c,
                                        unsigned int w, bool hvm)
{
    enum xfs_tristate fault = xfs_levelling_has(&c->lv, XFS_LCAP_FAULTING);
    enum xfs_tristate mask = xfs_levelling_has(&c->lv,
                                               xfs_levelling_word_cap(w));

    if (xfs_words[w].src == XFS_SRC_MSR)
        return XLC_WORD_MSR;
    if (hvm || fault == XFS_YES)
        return XLC_WORD_FAULTED;
    if (mask == XFS_YES && fault == XFS_NO)
        return XLC_WORD_MASKED;
    if (fault == XFS_NO && mask == XFS_NO)
        return XLC_WORD_LEAKS;
    return XLC_WORD_UNKNOWN;
}

int xlc_leak_report(const struct xlc_system_policies *sys,
                    const struct xlc_levelling *caps,
                    enum xlc_guest_type type, struct xlc_leak_report *out,
                    xlc_error *err)
{
    const uint32_t *raw = sys->fs.fs[XFS_SYSCTL_cpu_featureset_raw];
    const uint32_t *max = sys->fs.fs[xlc_policy_index_max(type)];
    enum xfs_vendor vendor = sys->pol.p[XFS_SYSCTL_cpu_featureset_raw].vendor;

    memset(out, 0, sizeof(*out));
    if (!sys->pol.present[xlc_policy_index_max(type)])
        return xlc_fail(err, EOPNOTSUPP, "this host cannot run %s guests",
                        xlc_guest_type_name(type));
    out->type = type;
    out->caps = *caps;
    for (unsigned int w = 0; w < XFS_NR_WORDS; w++) {
        struct xlc_leak_word *lw = &out->words[w];

        lw->control = control_of(caps, w, type == XLC_GUEST_HVM);
        if (lw->control == XLC_WORD_LEAKS || lw->control == XLC_WORD_UNKNOWN)
            lw->seen = raw[w];
        else if (lw->control == XLC_WORD_MASKED)
            lw->seen = raw[w] & forwarded(w, vendor);
        lw->beyond_max = lw->seen & ~max[w];
    }
    out->page1gb = xfs_test(raw, XFS_NR_WORDS, XFS_PAGE1GB);
    /* Only the hardware's own walk of a guest's tables lets it use them:
     * HAP (Xen's guest_can_use_l3_superpages). */
    out->page1gb_unhideable = out->page1gb && type == XLC_GUEST_HVM &&
                              sys->opts.hap;
    out->fdp_excp_only = xfs_test(raw, XFS_NR_WORDS, XFS_FDP_EXCP_ONLY);
    out->no_fpu_sel = xfs_test(raw, XFS_NR_WORDS, XFS_NO_FPU_SEL);
    return 0;
}

void xlc_leak_report_leaking(const struct xlc_leak_report *r,
                             uint32_t fs[XFS_NR_WORDS])
{
    for (unsigned int w = 0; w < XFS_NR_WORDS; w++)
        fs[w] = r->words[w].control == XLC_WORD_LEAKS ? r->words[w].seen : 0;
}

void xlc_guest_leaks_of(const struct xlc_leak_report *r,
                        const uint32_t guest[XFS_NR_WORDS],
                        struct xlc_guest_leaks *out)
{
    memset(out, 0, sizeof(*out));
    for (unsigned int w = 0; w < XFS_NR_WORDS; w++) {
        const struct xlc_leak_word *lw = &r->words[w];

        out->nr_words[lw->control]++;
        if (lw->control == XLC_WORD_LEAKS)
            out->leaks[w] = lw->seen & ~guest[w];
        else if (lw->control == XLC_WORD_UNKNOWN)
            out->may_leak[w] = lw->seen & ~guest[w];
    }
    out->page1gb = r->page1gb_unhideable &&
                   !xfs_test(guest, XFS_NR_WORDS, XFS_PAGE1GB);
}

bool xlc_guest_leaks_any(const struct xlc_guest_leaks *g)
{
    return g->page1gb || !xfs_empty(g->leaks, XFS_NR_WORDS) ||
           !xfs_empty(g->may_leak, XFS_NR_WORDS);
}
