/* SPDX-License-Identifier: MIT */
/*
 * XSAVE area arithmetic from leaf 0xd: each component i >= 2 reports its
 * size (eax) and, for user components, its offset in the non-compacted
 * format (ebx).  Components 0 and 1 (x87, SSE) live in the 512-byte legacy
 * region, which the 64-byte XSAVE header follows.
 */
#include "cpu-policy.h"

uint32_t xfs_xstate_uncompressed_size(const struct xfs_cpu_policy *layout,
                                      uint64_t components)
{
    uint32_t size = XFS_XSTATE_LEGACY_SIZE;

    for (unsigned int i = 2; i < XFS_POLICY_NR_XSTATE; i++) {
        const struct xfs_cpuid_regs *c = &layout->xstate[i];
        uint32_t end;

        if (!((components >> i) & 1))
            continue;
        end = c->b + c->a;
        if (end > size)
            size = end;
    }
    return size;
}
