/* SPDX-License-Identifier: MIT */
/*
 * Basic access to a CPU policy: where each leaf lives, its limits, the
 * vendor, copying.
 */
#include "cpu-policy.h"

#define NR_OF(a) (sizeof(a) / sizeof((a)[0]))

static void zero_regs(struct xfs_cpuid_regs *r, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++)
        r[i] = (struct xfs_cpuid_regs){ 0, 0, 0, 0 };
}

static void copy_regs(struct xfs_cpuid_regs *d, const struct xfs_cpuid_regs *s,
                      unsigned int n)
{
    for (unsigned int i = 0; i < n; i++)
        d[i] = s[i];
}

static bool regs_equal(const struct xfs_cpuid_regs *a,
                       const struct xfs_cpuid_regs *b, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++)
        if (a[i].a != b[i].a || a[i].b != b[i].b || a[i].c != b[i].c ||
            a[i].d != b[i].d)
            return false;
    return true;
}

void xfs_policy_zero(struct xfs_cpu_policy *p)
{
    zero_regs(p->basic, NR_OF(p->basic));
    zero_regs(p->cache, NR_OF(p->cache));
    zero_regs(p->feat, NR_OF(p->feat));
    zero_regs(p->topo, NR_OF(p->topo));
    zero_regs(p->xstate, NR_OF(p->xstate));
    zero_regs(p->extd, NR_OF(p->extd));
    p->platform_info = 0;
    p->arch_caps = 0;
    p->hv_limit = p->hv2_limit = 0;
    p->vendor = XFS_VENDOR_UNKNOWN;
    p->xstate_assumed = 0;
}

void xfs_policy_copy(struct xfs_cpu_policy *dst,
                     const struct xfs_cpu_policy *src)
{
    if (dst == src)
        return;
    copy_regs(dst->basic, src->basic, NR_OF(dst->basic));
    copy_regs(dst->cache, src->cache, NR_OF(dst->cache));
    copy_regs(dst->feat, src->feat, NR_OF(dst->feat));
    copy_regs(dst->topo, src->topo, NR_OF(dst->topo));
    copy_regs(dst->xstate, src->xstate, NR_OF(dst->xstate));
    copy_regs(dst->extd, src->extd, NR_OF(dst->extd));
    dst->platform_info = src->platform_info;
    dst->arch_caps = src->arch_caps;
    dst->hv_limit = src->hv_limit;
    dst->hv2_limit = src->hv2_limit;
    dst->vendor = src->vendor;
    dst->xstate_assumed = src->xstate_assumed;
}

bool xfs_policy_equal(const struct xfs_cpu_policy *a,
                      const struct xfs_cpu_policy *b)
{
    return regs_equal(a->basic, b->basic, NR_OF(a->basic)) &&
           regs_equal(a->cache, b->cache, NR_OF(a->cache)) &&
           regs_equal(a->feat, b->feat, NR_OF(a->feat)) &&
           regs_equal(a->topo, b->topo, NR_OF(a->topo)) &&
           regs_equal(a->xstate, b->xstate, NR_OF(a->xstate)) &&
           regs_equal(a->extd, b->extd, NR_OF(a->extd)) &&
           a->platform_info == b->platform_info &&
           a->arch_caps == b->arch_caps && a->hv_limit == b->hv_limit &&
           a->hv2_limit == b->hv2_limit && a->vendor == b->vendor;
}

bool xfs_policy_leaf_has_subleaves(uint32_t leaf)
{
    return leaf == 0x4 || leaf == 0x7 || leaf == 0xb || leaf == 0xd;
}

/* The subleaf array of a leaf that has one, with its length. */
static struct xfs_cpuid_regs *subleaf_array(struct xfs_cpu_policy *p,
                                            uint32_t leaf, unsigned int *n)
{
    switch (leaf) {
    case 0x4: *n = NR_OF(p->cache); return p->cache;
    case 0x7: *n = NR_OF(p->feat); return p->feat;
    case 0xb: *n = NR_OF(p->topo); return p->topo;
    case 0xd: *n = NR_OF(p->xstate); return p->xstate;
    default: *n = 0; return NULL;
    }
}

struct xfs_cpuid_regs *xfs_policy_slot(struct xfs_cpu_policy *p,
                                       uint32_t leaf, uint32_t subleaf,
                                       enum xfs_slot_status *why)
{
    enum xfs_slot_status dummy;
    unsigned int n;

    if (!why)
        why = &dummy;
    *why = XFS_SLOT_OK;
    if (leaf < XFS_POLICY_NR_BASIC) {
        struct xfs_cpuid_regs *arr = subleaf_array(p, leaf, &n);

        if (arr) {
            if (subleaf < n)
                return &arr[subleaf];
        } else if (subleaf == XFS_CPUID_NO_SUBLEAF) {
            return &p->basic[leaf];
        }
        *why = XFS_SLOT_BAD_SUBLEAF;
        return NULL;
    }
    if (leaf >= XFS_POLICY_EXTD_BASE &&
        leaf - XFS_POLICY_EXTD_BASE < XFS_POLICY_NR_EXTD) {
        if (subleaf == XFS_CPUID_NO_SUBLEAF)
            return &p->extd[leaf - XFS_POLICY_EXTD_BASE];
        *why = XFS_SLOT_BAD_SUBLEAF;
        return NULL;
    }
    *why = XFS_SLOT_BAD_LEAF;
    return NULL;
}

const struct xfs_cpuid_regs *xfs_policy_slot_c(const struct xfs_cpu_policy *p,
                                               uint32_t leaf, uint32_t subleaf)
{
    /* The lookup itself writes nothing. */
    return xfs_policy_slot((struct xfs_cpu_policy *)p, leaf, subleaf, NULL);
}

uint32_t xfs_policy_max_leaf(const struct xfs_cpu_policy *p)
{
    return p->basic[0].a;
}

uint32_t xfs_policy_max_feat_subleaf(const struct xfs_cpu_policy *p)
{
    return p->feat[0].a;
}

uint32_t xfs_policy_max_extd_leaf(const struct xfs_cpu_policy *p)
{
    return p->extd[0].a;
}

unsigned int xfs_policy_last_extd(const struct xfs_cpu_policy *p)
{
    /* Xen looks only at the low half, whatever the high half says. */
    uint32_t low = p->extd[0].a & 0xffffu;

    return low < XFS_POLICY_NR_EXTD ? low : XFS_POLICY_NR_EXTD - 1;
}

bool xfs_cache_subleaf_null(const struct xfs_cpuid_regs *r)
{
    return (r->a & 0x1f) == 0;
}

bool xfs_topo_subleaf_null(const struct xfs_cpuid_regs *r)
{
    return ((r->c >> 8) & 0xff) == 0;
}

uint64_t xfs_policy_xcr0(const struct xfs_cpu_policy *p)
{
    return ((uint64_t)p->xstate[0].d << 32) | p->xstate[0].a;
}

uint64_t xfs_policy_xss(const struct xfs_cpu_policy *p)
{
    return ((uint64_t)p->xstate[1].d << 32) | p->xstate[1].c;
}

/* Leaf 0 spells the vendor across ebx, edx, ecx, four bytes each. */
#define CHARS4(s) \
    ((uint32_t)(s)[0] | (uint32_t)(s)[1] << 8 | (uint32_t)(s)[2] << 16 | \
     (uint32_t)(s)[3] << 24)

static const struct {
    enum xfs_vendor v;
    const char *id;       /* the 12-character vendor string */
    const char *name;
} vendors[] = {
    { XFS_VENDOR_INTEL, "GenuineIntel", "Intel" },
    { XFS_VENDOR_AMD, "AuthenticAMD", "AMD" },
    { XFS_VENDOR_CENTAUR, "CentaurHauls", "Centaur" },
    { XFS_VENDOR_SHANGHAI, "  Shanghai  ", "Shanghai" },
    { XFS_VENDOR_HYGON, "HygonGenuine", "Hygon" },
};

enum xfs_vendor xfs_vendor_from_leaf0(uint32_t ebx, uint32_t ecx, uint32_t edx)
{
    for (unsigned int i = 0; i < NR_OF(vendors); i++) {
        const char *s = vendors[i].id;

        if (ebx == CHARS4(s) && edx == CHARS4(s + 4) && ecx == CHARS4(s + 8))
            return vendors[i].v;
    }
    return XFS_VENDOR_UNKNOWN;
}

const char *xfs_vendor_name(enum xfs_vendor v)
{
    for (unsigned int i = 0; i < NR_OF(vendors); i++)
        if (vendors[i].v == v)
            return vendors[i].name;
    return "Unknown";
}

void xfs_policy_recalc(struct xfs_cpu_policy *p)
{
    p->vendor =
        xfs_vendor_from_leaf0(p->basic[0].b, p->basic[0].c, p->basic[0].d);
}
