/* SPDX-License-Identifier: MIT */
/*
 * Compatibility reports in words: the freestanding core finds every
 * reason a guest policy does not fit a host's max policy; this names them.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cpu-policy.h"
#include "../names/feature-names.h"

const char *xlc_reg_name(enum xfs_reg reg)
{
    switch (reg) {
    case XFS_EAX: return "eax";
    case XFS_EBX: return "ebx";
    case XFS_ECX: return "ecx";
    case XFS_EDX: return "edx";
    case XFS_MSR_LO: return "bits 31:0";
    case XFS_MSR_HI: return "bits 63:32";
    }
    return "?";
}

const char *xlc_xstate_component_name(unsigned int component)
{
    /* XSAVE state component numbers, as in the SDM / APM. */
    static const char *const names[] = {
        "x87", "SSE", "AVX", "MPX BNDREGS", "MPX BNDCSR", "AVX-512 opmask",
        "AVX-512 ZMM_Hi256", "AVX-512 Hi16_ZMM", "PT", "PKRU", "PASID",
        "CET_U", "CET_S", "HDC", "UINTR", "LBR", "HWP", "AMX TILECFG",
        "AMX TILEDATA", "APX",
    };

    if (component < sizeof(names) / sizeof(names[0]))
        return names[component];
    return component == 62 ? "LWP" : "unnamed";
}

void xlc_feature_where_text(unsigned int feature, struct xlc_buf *b)
{
    const struct xfs_word_info *wi = &xfs_words[feature / 32];
    char text[XLC_BIT_TEXT_MAX];

    xlc_buf_printf(b, "feature %s", xlc_bit_text(feature, XLC_BIT_XEN, text));
    xlc_buf_printf(b, " (word %u %s bit %u, ", feature / 32, wi->key,
                   feature % 32);
    if (wi->src == XFS_SRC_MSR)
        xlc_buf_printf(b, "MSR 0x%08" PRIx32, wi->leaf);
    else if (wi->subleaf == XFS_CPUID_NO_SUBLEAF)
        xlc_buf_printf(b, "leaf 0x%08" PRIx32, wi->leaf);
    else
        xlc_buf_printf(b, "leaf 0x%08" PRIx32 ":%" PRIu32, wi->leaf,
                       wi->subleaf);
    xlc_buf_printf(b, " %s)", xlc_reg_name(wi->reg));
}

static void put_feature(struct xlc_buf *b, const struct xfs_compat_reason *r)
{
    xlc_feature_where_text(r->item, b);
    xlc_buf_puts(b, " missing on host");
}

static void put_xstate(struct xlc_buf *b, const struct xfs_compat_reason *r)
{
    xlc_buf_printf(b, "XSAVE component %" PRIu32 " (%s)", r->item,
                   xlc_xstate_component_name(r->item));
    if (r->kind == XFS_COMPAT_XSTATE_COMPONENT) {
        xlc_buf_printf(b, " missing on host (leaf 0xd:%" PRIu32 ")",
                       r->subleaf);
        return;
    }
    xlc_buf_printf(b, " layout differs (leaf 0xd:%" PRIu32 "): guest size %"
                      PRIu64 " offset %" PRIu64 ", host size %" PRIu64
                      " offset %" PRIu64,
                   r->subleaf, r->guest >> 32, r->guest & 0xffffffffu,
                   r->host >> 32, r->host & 0xffffffffu);
}

void xlc_compat_reason_text(const struct xfs_compat_reason *r,
                            struct xlc_buf *b)
{
    switch (r->kind) {
    case XFS_COMPAT_VENDOR:
        xlc_buf_printf(b, "vendor differs: guest %s, host %s",
                       xfs_vendor_name((enum xfs_vendor)r->guest),
                       xfs_vendor_name((enum xfs_vendor)r->host));
        break;
    case XFS_COMPAT_MAX_LEAF:
        xlc_buf_printf(b, "max basic leaf (leaf 0x0 eax) lower on host: "
                          "guest 0x%" PRIx64 ", host 0x%" PRIx64,
                       r->guest, r->host);
        break;
    case XFS_COMPAT_MAX_FEAT_SUBLEAF:
        xlc_buf_printf(b, "leaf 0x7 max subleaf (leaf 0x7:0 eax) lower on "
                          "host: guest %" PRIu64 ", host %" PRIu64,
                       r->guest, r->host);
        break;
    case XFS_COMPAT_MAX_EXTD_LEAF:
        xlc_buf_printf(b, "max extended leaf (leaf 0x80000000 eax) lower on "
                          "host: guest 0x%08" PRIx64 ", host 0x%08" PRIx64,
                       r->guest, r->host);
        break;
    case XFS_COMPAT_FEATURE:
        put_feature(b, r);
        break;
    case XFS_COMPAT_MAXPHYSADDR:
    case XFS_COMPAT_MAXLINADDR:
        xlc_buf_printf(b, "%s (leaf 0x80000008 eax[%s]) lower on host: "
                          "guest %" PRIu64 " bits, host %" PRIu64 " bits",
                       r->kind == XFS_COMPAT_MAXPHYSADDR ? "MAXPHYSADDR"
                                                         : "MAXLINADDR",
                       r->kind == XFS_COMPAT_MAXPHYSADDR ? "7:0" : "15:8",
                       r->guest, r->host);
        break;
    case XFS_COMPAT_XSTATE_COMPONENT:
    case XFS_COMPAT_XSTATE_LAYOUT:
        put_xstate(b, r);
        break;
    case XFS_COMPAT_XSAVE_SIZE:
        xlc_buf_printf(b, "XSAVE area (leaf 0xd:0 ecx) too small: guest %"
                          PRIu64 " bytes, host needs %" PRIu64,
                       r->guest, r->host);
        break;
    case XFS_COMPAT_MSR_BITS:
        xlc_buf_printf(b, "MSR 0x%08" PRIx32 " bits 0x%" PRIx64
                          " missing on host (guest 0x%" PRIx64
                          ", host 0x%" PRIx64 ")",
                       r->item, r->guest & ~r->host, r->guest, r->host);
        break;
    }
}

const char *xlc_compat_kind_name(enum xfs_compat_kind k)
{
    switch (k) {
    case XFS_COMPAT_VENDOR: return "vendor";
    case XFS_COMPAT_MAX_LEAF: return "max-leaf";
    case XFS_COMPAT_MAX_FEAT_SUBLEAF: return "max-leaf7-subleaf";
    case XFS_COMPAT_MAX_EXTD_LEAF: return "max-extended-leaf";
    case XFS_COMPAT_FEATURE: return "feature";
    case XFS_COMPAT_MAXPHYSADDR: return "maxphysaddr";
    case XFS_COMPAT_MAXLINADDR: return "maxlinaddr";
    case XFS_COMPAT_XSTATE_COMPONENT: return "xstate-component";
    case XFS_COMPAT_XSTATE_LAYOUT: return "xstate-layout";
    case XFS_COMPAT_XSAVE_SIZE: return "xsave-size";
    case XFS_COMPAT_MSR_BITS: return "msr-bits";
    }
    return "?";
}

int xlc_policy_compat_reasons(const struct xfs_cpu_policy *host,
                              const struct xfs_cpu_policy *guest,
                              struct xfs_compat_reason **out,
                              unsigned int *nr, xlc_error *err)
{
    unsigned int n = xfs_policy_check_compat(host, guest, NULL, 0);

    *out = NULL;
    *nr = n;
    if (!n)
        return 0;
    *out = calloc(n, sizeof(**out));
    if (!*out)
        return xlc_fail(err, ENOMEM, "out of memory listing %u reasons", n);
    xfs_policy_check_compat(host, guest, *out, n);
    return 0;
}

void xlc_compat_report_free(struct xlc_compat_report *rep)
{
    for (size_t i = 0; i < rep->nr; i++)
        free(rep->reasons[i]);
    free(rep->reasons);
    rep->reasons = NULL;
    rep->nr = 0;
}

int xlc_policy_compat_report(const struct xfs_cpu_policy *host_max,
                             const struct xfs_cpu_policy *guest,
                             struct xlc_compat_report *rep, xlc_error *err)
{
    struct xfs_compat_reason *r;
    unsigned int n;
    int rc = xlc_policy_compat_reasons(host_max, guest, &r, &n, err);

    rep->reasons = NULL;
    rep->nr = 0;
    if (rc || !n)
        return rc;
    rep->reasons = calloc(n, sizeof(*rep->reasons));
    for (unsigned int i = 0; rep->reasons && i < n; i++) {
        struct xlc_buf b = XLC_BUF_INIT;

        xlc_compat_reason_text(&r[i], &b);
        rep->reasons[rep->nr] = xlc_buf_take(&b);
        if (!rep->reasons[rep->nr])
            break;
        rep->nr++;
    }
    free(r);
    if (rep->nr == n)
        return 0;
    xlc_compat_report_free(rep);
    return xlc_fail(err, ENOMEM, "out of memory describing %u reasons", n);
}

int xlc_policy_check_compatible(const struct xfs_cpu_policy *host_max,
                                const struct xfs_cpu_policy *guest,
                                xlc_error *err)
{
    struct xlc_compat_report rep;
    struct xlc_buf b = XLC_BUF_INIT;
    int rc = xlc_policy_compat_report(host_max, guest, &rep, err);

    if (rc || !rep.nr)
        return rc;
    xlc_buf_printf(&b, "guest policy does not fit the host (%zu reason%s): ",
                   rep.nr, rep.nr == 1 ? "" : "s");
    for (size_t i = 0; i < rep.nr; i++)
        xlc_buf_printf(&b, "%s%s", i ? "; " : "", rep.reasons[i]);
    if (b.oom)
        rc = xlc_fail(err, ENOMEM, "out of memory describing %zu reasons",
                      rep.nr);
    else
        rc = xlc_fail(err, EINVAL, "%s", b.s);
    xlc_buf_free(&b);
    xlc_compat_report_free(&rep);
    return rc;
}
