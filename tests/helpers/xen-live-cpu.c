/* SPDX-License-Identifier: MIT */
#include "xen-live-cpu.h"

#include <cpuid.h>
#include <stddef.h>

static void live_cpuid(void *ctx, uint32_t leaf, uint32_t subleaf,
                       struct xfs_cpuid_regs *out)
{
    unsigned int a, b, c, d;

    (void)ctx;
    __cpuid_count(leaf, subleaf, a, b, c, d);
    out->a = a;
    out->b = b;
    out->c = c;
    out->d = d;
}

void xt_live_reader(struct xfs_cpuid_reader *rd)
{
    rd->cpuid = live_cpuid;
    rd->rdmsr = NULL; /* MSRs need ring 0 */
    rd->ctx = NULL;
}
