/* SPDX-License-Identifier: MIT */
/*
 * The raw policy: what CPUID reports, leaf by leaf, within the bounds of
 * a policy.  Only leaves the CPU says exist are asked for.
 */
#include "policy-derive.h"

#define MSR_PLATFORM_INFO_CPUID_FAULTING (1ull << 32)

/* Leaves without subleaves are asked with ECX = 0, as software does. */
static void ask(const struct xfs_cpuid_reader *rd, uint32_t leaf,
                uint32_t subleaf, struct xfs_cpuid_regs *out)
{
    *out = (struct xfs_cpuid_regs){ 0, 0, 0, 0 };
    rd->cpuid(rd->ctx, leaf, subleaf, out);
}

/* Leaves 0x4 and 0xb end at their first null subleaf (not stored). */
static void read_terminated(const struct xfs_cpuid_reader *rd, uint32_t leaf,
                            struct xfs_cpuid_regs *arr, unsigned int n,
                            bool (*is_null)(const struct xfs_cpuid_regs *))
{
    for (unsigned int s = 0; s < n; s++) {
        struct xfs_cpuid_regs r;

        ask(rd, leaf, s, &r);
        if (is_null(&r))
            return;
        arr[s] = r;
    }
}

static void read_feat(const struct xfs_cpuid_reader *rd,
                      struct xfs_cpu_policy *p)
{
    ask(rd, 0x7, 0, &p->feat[0]);
    for (uint32_t s = 1; s <= p->feat[0].a && s < XFS_POLICY_NR_FEAT; s++)
        ask(rd, 0x7, s, &p->feat[s]);
}

/* Subleaves 0 and 1, then one per component the CPU supports. */
static void read_xstate(const struct xfs_cpuid_reader *rd,
                        struct xfs_cpu_policy *p)
{
    uint64_t comps;

    ask(rd, 0xd, 0, &p->xstate[0]);
    ask(rd, 0xd, 1, &p->xstate[1]);
    comps = xfs_policy_xcr0(p) | xfs_policy_xss(p);
    for (unsigned int i = 2; i < XFS_POLICY_NR_XSTATE; i++)
        if ((comps >> i) & 1)
            ask(rd, 0xd, i, &p->xstate[i]);
    /* A dump without the per-component subleaves: the documented layout,
     * where it agrees with what the CPU reported (0xd:0 ecx). */
    xfs_xstate_fill_architectural(p);
    /* Sizes for the XCR0/XSS of whoever ran CPUID: not a CPU property. */
    p->xstate[0].b = 0;
    p->xstate[1].b = 0;
}

static void read_basic(const struct xfs_cpuid_reader *rd,
                       struct xfs_cpu_policy *p)
{
    uint32_t max = xfs_policy_max_leaf(p);

    for (uint32_t leaf = 1; leaf <= max && leaf < XFS_POLICY_NR_BASIC;
         leaf++)
        if (!xfs_policy_leaf_has_subleaves(leaf))
            ask(rd, leaf, 0, &p->basic[leaf]);
    if (max >= 0x4)
        read_terminated(rd, 0x4, p->cache, XFS_POLICY_NR_CACHE,
                        xfs_cache_subleaf_null);
    if (max >= 0x7)
        read_feat(rd, p);
    if (max >= 0xb)
        read_terminated(rd, 0xb, p->topo, XFS_POLICY_NR_TOPO,
                        xfs_topo_subleaf_null);
    if (max >= 0xd)
        read_xstate(rd, p);
}

/*
 * CPUs without an extended range answer 0x80000000 with junk (often the
 * highest basic leaf again); only 0x8000xxxx announces extended leaves.
 */
static void read_extd(const struct xfs_cpuid_reader *rd,
                      struct xfs_cpu_policy *p)
{
    ask(rd, XFS_POLICY_EXTD_BASE, 0, &p->extd[0]);
    if ((p->extd[0].a & 0xffff0000u) != XFS_POLICY_EXTD_BASE)
        return;
    for (unsigned int i = 1; i <= xfs_policy_last_extd(p); i++)
        ask(rd, XFS_POLICY_EXTD_BASE + i, 0, &p->extd[i]);
}

/*
 * Intel's PLATFORM_INFO bit 32 says CPUID faulting exists; Xen keeps the
 * MSR as 32 bits with that flag in bit 31.  Other vendors' faulting is not
 * enumerated there.  No MSR access (a dump, an unprivileged reader): no
 * faulting, the safe answer.
 */
static void read_platform_info(const struct xfs_cpuid_reader *rd,
                               struct xfs_cpu_policy *p)
{
    uint64_t v;

    p->platform_info = 0;
    if (p->vendor != XFS_VENDOR_INTEL || !rd->rdmsr ||
        rd->rdmsr(rd->ctx, XFS_MSR_INTEL_PLATFORM_INFO, &v))
        return;
    if (v & MSR_PLATFORM_INFO_CPUID_FAULTING)
        p->platform_info = XFS_PLATFORM_INFO_CPUID_FAULTING;
}

void xfs_policy_fill_raw(const struct xfs_cpuid_reader *rd,
                         struct xfs_cpu_policy *raw)
{
    xfs_policy_zero(raw);
    ask(rd, 0, 0, &raw->basic[0]);
    xfs_policy_recalc(raw);
    read_basic(rd, raw);
    read_extd(rd, raw);
    read_platform_info(rd, raw);
    /* MSR_ARCH_CAPS comes with the raw featureset (words 16/17). */
}
