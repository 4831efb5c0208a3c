/* SPDX-License-Identifier: MIT */
#include "xen-oracle.h"

#include <stdlib.h>
#include <string.h>

#include "xen/arch/featuresets.h"
#include "libxenguest-private.h"

/* Far larger than Xen 4.17's struct cpu_policy (a few KiB). */
#define POLICY_BYTES (256 * 1024)

static struct cpu_policy *new_policy(void)
{
    struct cpu_policy *p = calloc(1, POLICY_BYTES);

    if (!p)
        abort();
    return p;
}

void xt_oracle_native(uint32_t fs[XFS_NR_WORDS])
{
    struct cpu_policy *p = new_policy();

    x86_cpu_policy_fill_native(p);
    x86_cpu_policy_to_featureset(p, fs);
    free(p);
}

/* Xen's policy keeps subleaves only for these basic leaves. */
static bool xen_has_subleaves(uint32_t leaf)
{
    return leaf == 4 || leaf == 7 || leaf == 0xb || leaf == 0xd;
}

int xt_oracle_from_leaves(const struct xfs_cpuid_leaf *l, unsigned int nr,
                          uint32_t fs[XFS_NR_WORDS])
{
    struct xfs_cpuid_leaf *buf = calloc(nr ? nr : 1, sizeof(*buf));
    struct cpu_policy *p = new_policy();
    unsigned int n = 0, dropped = 0;
    int rc = -1;

    if (!buf)
        abort();
    for (unsigned int i = 0; i < nr; i++) {
        buf[n] = l[i];
        if (!xen_has_subleaves(l[i].leaf))
            buf[n].subleaf = XFS_CPUID_NO_SUBLEAF;
        n++;
    }
    /* Drop whatever the policy has no slot for, one rejection at a time. */
    for (unsigned int tries = 0; tries <= nr; tries++) {
        uint32_t el = ~0u, es = ~0u;
        unsigned int k = 0;

        memset(p, 0, POLICY_BYTES);
        if (!x86_cpuid_copy_from_buffer(p, buf, n, &el, &es)) {
            rc = (int)dropped;
            break;
        }
        for (unsigned int i = 0; i < n; i++)
            if (buf[i].leaf != el || buf[i].subleaf != es)
                buf[k++] = buf[i];
        if (k == n)
            break; /* rejected for a reason other than one leaf */
        dropped += n - k;
        n = k;
    }
    if (rc >= 0) {
        x86_cpu_policy_clear_out_of_range_leaves(p);
        x86_cpu_policy_to_featureset(p, fs);
    }
    free(buf);
    free(p);
    return rc;
}

int xt_oracle_vendor(uint32_t ebx, uint32_t ecx, uint32_t edx)
{
    /* Xen's X86_VENDOR_* are single bits in this order. */
    switch (x86_cpuid_lookup_vendor(ebx, ecx, edx)) {
    case 1u << 0: return XFS_VENDOR_INTEL;
    case 1u << 1: return XFS_VENDOR_AMD;
    case 1u << 2: return XFS_VENDOR_CENTAUR;
    case 1u << 3: return XFS_VENDOR_SHANGHAI;
    case 1u << 4: return XFS_VENDOR_HYGON;
    default: return XFS_VENDOR_UNKNOWN;
    }
}
