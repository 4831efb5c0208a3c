/* SPDX-License-Identifier: MIT */
/*
 * The topology a toolstack gives every guest it builds (applied-policy.h):
 * what Xen 4.17's libxenguest does in xc_cpuid_apply_policy, which libxl
 * calls for each new domain (and for a restored one without CPUID data),
 * after choosing the features and before setting the policy.
 *
 * A PV guest without CPUID faulting sees the host's real topology, so it
 * is told the host's HTT and CMP_LEGACY.  An HVM guest's topology is
 * Xen's: its vLAPIC IDs are the vCPU IDs times two (no SMT siblings), so
 * HTT is set, CMP_LEGACY clear, and every count of logical processors
 * doubled within its field: leaf 1 EBX[23:16]; on Intel, leaf 4's cores
 * per package (EAX[31:26]) to 2n+1 and its threads per cache (EAX[25:14])
 * to 0 in each subleaf up to the first null one; on AMD and Hygon,
 * 0x80000008 ECX's NumberOfCores (bits 7:0) to 2n+1 and its
 * ApicIdCoreSize (bits 15:12) one more when set and below 7 -- unless
 * NumberOfCores is already 0x7f or more.
 */
#include "applied-policy.h"

#define LPPP_SHIFT 16                 /* leaf 1 EBX[23:16] */
#define LPPP_MASK (0xffu << LPPP_SHIFT)
#define L4_CORES_SHIFT 26             /* leaf 4 EAX[31:26] */
#define L4_CORES_MASK (0x3fu << L4_CORES_SHIFT)
#define L4_THREADS_MASK (0xfffu << 14) /* leaf 4 EAX[25:14] */
#define NC_MASK 0xffu                 /* 0x80000008 ECX[7:0] */
#define APIC_ID_SIZE_SHIFT 12         /* 0x80000008 ECX[15:12] */
#define APIC_ID_SIZE_MASK (0xfu << APIC_ID_SIZE_SHIFT)

static void feature_as(uint32_t fs[XFS_NR_WORDS], unsigned int f, bool on)
{
    if (on)
        xfs_set(fs, XFS_NR_WORDS, f);
    else
        xfs_clear(fs, XFS_NR_WORDS, f);
}

/* Leaf 1 EBX[23:16], logical processors per package: doubled, 0 -> 2, a
 * value of 0x80 or more kept (doubling would overflow). */
static void double_lppp(struct xfs_cpu_policy *p)
{
    uint32_t lppp = (p->basic[1].b & LPPP_MASK) >> LPPP_SHIFT;

    if (!lppp)
        lppp = 2;
    else if (!(lppp & 0x80))
        lppp *= 2;
    p->basic[1].b = (p->basic[1].b & ~LPPP_MASK) | (lppp << LPPP_SHIFT);
}

static void intel_caches(struct xfs_cpu_policy *p)
{
    for (unsigned int i = 0;
         i < XFS_POLICY_NR_CACHE && !xfs_cache_subleaf_null(&p->cache[i]);
         i++) {
        uint32_t a = p->cache[i].a;
        uint32_t cores = (a & L4_CORES_MASK) >> L4_CORES_SHIFT;

        cores = ((cores << 1) | 1) & (L4_CORES_MASK >> L4_CORES_SHIFT);
        a &= ~(L4_CORES_MASK | L4_THREADS_MASK);
        p->cache[i].a = a | (cores << L4_CORES_SHIFT);
    }
}

static void amd_cores(struct xfs_cpu_policy *p)
{
    uint32_t c = p->extd[8].c;
    uint32_t nc = c & NC_MASK;
    uint32_t size = (c & APIC_ID_SIZE_MASK) >> APIC_ID_SIZE_SHIFT;

    if (nc >= 0x7f)
        return;
    /* Never past 7: some guest OSes cannot handle more. */
    if (size && size < 7)
        size++;
    nc = (nc << 1) | 1;
    p->extd[8].c = (c & ~(NC_MASK | APIC_ID_SIZE_MASK)) | nc |
                   (size << APIC_ID_SIZE_SHIFT);
}

void xlc_policy_toolstack_topology(struct xfs_cpu_policy *p, bool hvm,
                                   const uint32_t host_fs[XFS_NR_WORDS])
{
    uint32_t fs[XFS_NR_WORDS];

    xfs_policy_to_featureset(p, fs, XFS_NR_WORDS);
    feature_as(fs, XFS_HTT, hvm || xfs_test(host_fs, XFS_NR_WORDS, XFS_HTT));
    feature_as(fs, XFS_CMP_LEGACY,
               !hvm && xfs_test(host_fs, XFS_NR_WORDS, XFS_CMP_LEGACY));
    xfs_policy_from_featureset(p, fs, XFS_NR_WORDS);
    if (!hvm)
        return;
    double_lppp(p);
    if (p->vendor == XFS_VENDOR_INTEL)
        intel_caches(p);
    else if (p->vendor == XFS_VENDOR_AMD || p->vendor == XFS_VENDOR_HYGON)
        amd_cores(p);
}
