/* SPDX-License-Identifier: MIT */
#include "cpuid-leaves.h"

bool xfs_leaf_has_subleaves(uint32_t leaf)
{
    switch (leaf) {
    case 0x4:        /* deterministic cache parameters */
    case 0x7:        /* structured extended features */
    case 0xb:        /* extended topology */
    case 0xd:        /* XSAVE state components */
    case 0xf:        /* RDT monitoring */
    case 0x10:       /* RDT allocation */
    case 0x12:       /* SGX */
    case 0x14:       /* processor trace */
    case 0x17:       /* SoC vendor attributes */
    case 0x18:       /* TLB parameters */
    case 0x1b:       /* PCONFIG targets */
    case 0x1d:       /* AMX tile information */
    case 0x1e:       /* TMUL information */
    case 0x1f:       /* V2 extended topology */
    case 0x20:       /* HRESET */
    case 0x23:       /* architectural perfmon ext */
    case 0x24:       /* AVX10 */
    case 0x27:       /* RDT monitoring, asymmetric enumeration */
    case 0x28:       /* RDT allocation, asymmetric enumeration (as 0x10:
                        a resource bitmap in 0.ebx, one subleaf each) */
    case 0x8000001du: /* AMD cache topology */
    case 0x80000020u: /* AMD PQoS */
    case 0x80000026u: /* AMD extended topology */
        return true;
    default:
        return false;
    }
}

uint32_t xfs_regs_get(const struct xfs_cpuid_regs *r, enum xfs_reg reg)
{
    switch (reg) {
    case XFS_EAX: return r->a;
    case XFS_EBX: return r->b;
    case XFS_ECX: return r->c;
    case XFS_EDX: return r->d;
    default: return 0;
    }
}

void xfs_regs_put(struct xfs_cpuid_regs *r, enum xfs_reg reg, uint32_t v)
{
    switch (reg) {
    case XFS_EAX: r->a = v; break;
    case XFS_EBX: r->b = v; break;
    case XFS_ECX: r->c = v; break;
    case XFS_EDX: r->d = v; break;
    default: break;
    }
}
