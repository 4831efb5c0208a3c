/* SPDX-License-Identifier: MIT */
/*
 * The viridian enlightenment groups: names, and the set <-> parameter
 * mapping libxl 4.17 applies (see viridian.h).
 */
#include <errno.h>
#include <stdio.h>

#include "viridian.h"

static const struct {
    const char *name;
    uint32_t hvmpv;              /* the bits the group sets (base: below) */
    const char *help;
} groups[XLC_VIRIDIAN_NR_GROUPS] = {
    [XLC_VIRIDIAN_BASE] = { "base", XFS_HVMPV_BASE_FREQ,
        "hypercall, APIC access and VP index MSRs; needed by every other "
        "group" },
    [XLC_VIRIDIAN_FREQ] = { "freq", 0,
        "TSC and APIC frequency MSRs" },
    [XLC_VIRIDIAN_TIME_REF_COUNT] = { "time_ref_count",
        XFS_HVMPV_TIME_REF_COUNT, "partition reference counter MSR" },
    [XLC_VIRIDIAN_REFERENCE_TSC] = { "reference_tsc",
        XFS_HVMPV_REFERENCE_TSC, "reference TSC page MSR" },
    [XLC_VIRIDIAN_HCALL_REMOTE_TLB_FLUSH] = { "hcall_remote_tlb_flush",
        XFS_HVMPV_HCALL_REMOTE_TLB_FLUSH,
        "remote TLB flushes by hypercall" },
    [XLC_VIRIDIAN_APIC_ASSIST] = { "apic_assist", XFS_HVMPV_APIC_ASSIST,
        "APIC assist page (EOI without an exit)" },
    [XLC_VIRIDIAN_CRASH_CTL] = { "crash_ctl", XFS_HVMPV_CRASH_CTL,
        "crash control MSRs" },
    [XLC_VIRIDIAN_SYNIC] = { "synic", XFS_HVMPV_SYNIC,
        "synthetic interrupt controller MSRs" },
    [XLC_VIRIDIAN_STIMER] = { "stimer",
        XFS_HVMPV_STIMER | XFS_HVMPV_SYNIC | XFS_HVMPV_TIME_REF_COUNT,
        "synthetic timers (with synic and time_ref_count)" },
    [XLC_VIRIDIAN_HCALL_IPI] = { "hcall_ipi", XFS_HVMPV_HCALL_IPI,
        "IPIs by hypercall" },
    [XLC_VIRIDIAN_EX_PROCESSOR_MASKS] = { "ex_processor_masks",
        XFS_HVMPV_EX_PROCESSOR_MASKS,
        "sparse VP sets in hypercalls (more than 64 vCPUs)" },
    [XLC_VIRIDIAN_NO_VP_LIMIT] = { "no_vp_limit", XFS_HVMPV_NO_VP_LIMIT,
        "no limit on the number of VPs" },
    [XLC_VIRIDIAN_CPU_HOTPLUG] = { "cpu_hotplug", XFS_HVMPV_CPU_HOTPLUG,
        "vCPU hotplug (dynamic partitioning)" },
};

static const char *const param_bits[XFS_HVMPV_NR_BITS] = {
    "base_freq", "no_freq", "time_ref_count", "reference_tsc",
    "hcall_remote_tlb_flush", "apic_assist", "crash_ctl", "synic",
    "stimer", "hcall_ipi", "ex_processor_masks", "no_vp_limit",
    "cpu_hotplug",
};

const char *xlc_viridian_group_name(unsigned int g)
{
    return g < XLC_VIRIDIAN_NR_GROUPS ? groups[g].name : NULL;
}

const char *xlc_viridian_group_help(unsigned int g)
{
    return g < XLC_VIRIDIAN_NR_GROUPS ? groups[g].help : NULL;
}

const char *xlc_viridian_param_bit_name(unsigned int b)
{
    return b < XFS_HVMPV_NR_BITS ? param_bits[b] : NULL;
}

static char ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* strcasecmp in the C locale, which is where libxl compares. */
static bool same_ignoring_case(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (ascii_lower(*a) != ascii_lower(*b))
            return false;
    return *a == *b;
}

bool xlc_viridian_group_lookup(const char *name, unsigned int *g)
{
    for (unsigned int i = 0; i < XLC_VIRIDIAN_NR_GROUPS; i++)
        if (same_ignoring_case(name, groups[i].name)) {
            *g = i;
            return true;
        }
    return false;
}

static void names(struct xlc_buf *b, uint64_t bits, unsigned int n,
                  const char *(*name)(unsigned int), bool json)
{
    bool first = true;

    xlc_buf_puts(b, json ? "[" : "");
    for (unsigned int i = 0; i < 64; i++) {
        const char *s = i < n ? name(i) : NULL;

        if (!(bits >> i & 1))
            continue;
        xlc_buf_puts(b, first ? "" : json ? ", " : " ");
        first = false;
        if (json && s)
            xlc_buf_json_str(b, s);
        else if (s)
            xlc_buf_puts(b, s);
        else
            xlc_buf_printf(b, json ? "\"bit%u\"" : "bit%u", i);
    }
    xlc_buf_puts(b, json ? "]" : first ? "(none)" : "");
}

void xlc_viridian_set_names(struct xlc_buf *b, xlc_viridian_set s, bool json)
{
    names(b, s, XLC_VIRIDIAN_NR_GROUPS, xlc_viridian_group_name, json);
}

void xlc_viridian_param_names(struct xlc_buf *b, uint64_t param, bool json)
{
    names(b, param, XFS_HVMPV_NR_BITS, xlc_viridian_param_bit_name, json);
}

uint64_t xlc_viridian_set_to_param(xlc_viridian_set s)
{
    uint64_t p = 0;

    if (s & XLC_VIRIDIAN_BIT(XLC_VIRIDIAN_BASE) &&
        !(s & XLC_VIRIDIAN_BIT(XLC_VIRIDIAN_FREQ)))
        p |= XFS_HVMPV_NO_FREQ;
    for (unsigned int g = 0; g < XLC_VIRIDIAN_NR_GROUPS; g++)
        if (s & XLC_VIRIDIAN_BIT(g))
            p |= groups[g].hvmpv;
    return p;
}

static int refuse_param(uint64_t param, uint64_t bad, const char *why,
                        xlc_error *err)
{
    struct xlc_buf b = XLC_BUF_INIT;
    int rc;

    xlc_viridian_param_names(&b, bad, false);
    rc = xlc_fail(err, EINVAL, "HVM_PARAM_VIRIDIAN 0x%llx: %s: %s",
                  (unsigned long long)param, why, b.s ? b.s : "?");
    xlc_buf_free(&b);
    return rc;
}

int xlc_viridian_param_to_set(uint64_t param, xlc_viridian_set *out,
                              bool *exact, xlc_error *err)
{
    xlc_viridian_set s = 0;

    *out = 0;
    if (exact)
        *exact = true;
    if (param & ~(uint64_t)XFS_HVMPV_FEATURE_MASK)
        return refuse_param(param, param & ~(uint64_t)XFS_HVMPV_FEATURE_MASK,
                            "bits Xen 4.17 does not know", err);
    if (param && !(param & XFS_HVMPV_BASE_FREQ))
        return refuse_param(param, param, "no base_freq, which every other "
                            "bit needs (Xen refuses the value)", err);
    if (param & XFS_HVMPV_BASE_FREQ) {
        s |= XLC_VIRIDIAN_BIT(XLC_VIRIDIAN_BASE);
        if (!(param & XFS_HVMPV_NO_FREQ))
            s |= XLC_VIRIDIAN_BIT(XLC_VIRIDIAN_FREQ);
    }
    for (unsigned int g = XLC_VIRIDIAN_TIME_REF_COUNT;
         g < XLC_VIRIDIAN_NR_GROUPS; g++) {
        /* stimer's own bit; its companions are groups of their own */
        uint32_t bit = g == XLC_VIRIDIAN_STIMER ? XFS_HVMPV_STIMER
                                                : groups[g].hvmpv;

        if (param & bit)
            s |= XLC_VIRIDIAN_BIT(g);
    }
    if (exact)
        *exact = xlc_viridian_set_to_param(s) == param;
    *out = s;
    return 0;
}
