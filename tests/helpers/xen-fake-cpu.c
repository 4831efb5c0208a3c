/* SPDX-License-Identifier: MIT */
#include "xen-fake-cpu.h"

#include <stdlib.h>
#include <string.h>

#include "xen/lib/featureset.h"

static uint32_t vendor_word(const char *v, unsigned int i)
{
    return (uint32_t)(unsigned char)v[i] | (uint32_t)(unsigned char)v[i + 1] << 8 |
           (uint32_t)(unsigned char)v[i + 2] << 16 |
           (uint32_t)(unsigned char)v[i + 3] << 24;
}

void xt_fake_set_vendor(struct xt_fake_cpu *c, const char *vendor)
{
    struct xfs_cpuid_regs *r = xt_fake_regs(c, 0, 0);

    r->b = vendor_word(vendor, 0);
    r->d = vendor_word(vendor, 4);
    r->c = vendor_word(vendor, 8);
}

void xt_fake_init(struct xt_fake_cpu *c, const char *vendor)
{
    memset(c, 0, sizeof(*c));
    xt_fake_set_vendor(c, vendor);
    xt_fake_regs(c, 0x80000000u, 0)->a = 0x80000000u;
}

const struct xfs_cpuid_leaf *xt_leaf_find(const struct xfs_cpuid_leaf *l,
                                          unsigned int nr, uint32_t leaf,
                                          uint32_t subleaf)
{
    bool exact = xfs_leaf_has_subleaves(leaf);

    for (unsigned int i = 0; i < nr; i++)
        if (l[i].leaf == leaf && (!exact || l[i].subleaf == subleaf))
            return &l[i];
    return NULL;
}

static struct xfs_cpuid_regs *as_regs(struct xfs_cpuid_leaf *l)
{
    return (struct xfs_cpuid_regs *)&l->a;
}

_Static_assert(sizeof(struct xfs_cpuid_regs) == 16, "a, b, c, d in a row");

static void raise_limits(struct xt_fake_cpu *c, uint32_t leaf, uint32_t sub)
{
    if (leaf >= 0x80000000u) {
        struct xfs_cpuid_regs *e = xt_fake_regs(c, 0x80000000u, 0);

        if (e->a < leaf)
            e->a = leaf;
    } else if (xt_fake_regs(c, 0, 0)->a < leaf) {
        xt_fake_regs(c, 0, 0)->a = leaf;
    }
    if (leaf == 7 && sub && xt_fake_regs(c, 7, 0)->a < sub)
        xt_fake_regs(c, 7, 0)->a = sub;
}

struct xfs_cpuid_regs *xt_fake_regs(struct xt_fake_cpu *c, uint32_t leaf,
                                    uint32_t subleaf)
{
    struct xfs_cpuid_leaf *l;

    if (!xfs_leaf_has_subleaves(leaf))
        subleaf = 0;
    l = (struct xfs_cpuid_leaf *)xt_leaf_find(c->leaf, c->nr, leaf, subleaf);
    if (l)
        return as_regs(l);
    if (c->nr == XT_FAKE_MAX_LEAVES)
        abort();
    l = &c->leaf[c->nr++];
    memset(l, 0, sizeof(*l));
    l->leaf = leaf;
    l->subleaf = subleaf;
    if (leaf != 0 && leaf != 0x80000000u)
        raise_limits(c, leaf, subleaf);
    return as_regs(l);
}

void xt_fake_feature(struct xt_fake_cpu *c, unsigned int feature)
{
    const struct xfs_word_info *w = &xfs_words[feature / 32];
    uint32_t bit = 1u << (feature % 32);
    struct xfs_cpuid_regs *r;

    if (w->src == XFS_SRC_MSR) {
        c->arch_caps |= (uint64_t)bit << (w->reg == XFS_MSR_HI ? 32 : 0);
        c->msr_readable = true;
        return;
    }
    r = xt_fake_regs(c, w->leaf, w->subleaf == XFS_NO_SUBLEAF ? 0 : w->subleaf);
    xfs_regs_put(r, w->reg, xfs_regs_get(r, w->reg) | bit);
}

bool xt_leaf_in_range(const struct xfs_cpuid_leaf *l, unsigned int nr,
                      uint32_t leaf, uint32_t sub)
{
    const struct xfs_cpuid_leaf *l0 = xt_leaf_find(l, nr, 0, 0);
    const struct xfs_cpuid_leaf *e0 = xt_leaf_find(l, nr, 0x80000000u, 0);
    const struct xfs_cpuid_leaf *l7 = xt_leaf_find(l, nr, 7, 0);

    if (leaf == 0 || leaf == 0x80000000u)
        return true;
    if (leaf >= 0x80000000u)
        return e0 && (e0->a >> 16) == 0x8000 && leaf <= e0->a;
    if (!l0 || leaf > l0->a)
        return false;
    return leaf != 7 || sub == 0 || (l7 && sub <= l7->a);
}

static void fake_cpuid(void *ctx, uint32_t leaf, uint32_t subleaf,
                       struct xfs_cpuid_regs *out)
{
    struct xt_fake_cpu *c = ctx;
    const struct xfs_cpuid_leaf *l = xt_leaf_find(c->leaf, c->nr, leaf, subleaf);

    c->queries++;
    if (!xt_leaf_in_range(c->leaf, c->nr, leaf, subleaf) &&
        !c->out_of_range++) {
        c->bad_leaf = leaf;
        c->bad_subleaf = subleaf;
    }
    out->a = l ? l->a : 0;
    out->b = l ? l->b : 0;
    out->c = l ? l->c : 0;
    out->d = l ? l->d : 0;
}

static int fake_rdmsr(void *ctx, uint32_t index, uint64_t *val)
{
    struct xt_fake_cpu *c = ctx;

    c->msr_reads++;
    if (index != XFS_MSR_ARCH_CAPABILITIES || !c->msr_readable)
        return -1;
    *val = c->arch_caps;
    return 0;
}

void xt_fake_reader(struct xt_fake_cpu *c, struct xfs_cpuid_reader *rd,
                    bool with_rdmsr)
{
    rd->cpuid = fake_cpuid;
    rd->rdmsr = with_rdmsr ? fake_rdmsr : NULL;
    rd->ctx = c;
}

static void set_all(struct xt_fake_cpu *c, const unsigned int *f, size_t n)
{
    for (size_t i = 0; i < n; i++)
        xt_fake_feature(c, f[i]);
}

#define SET_ALL(c, ...)                                                       \
    do {                                                                      \
        static const unsigned int f_[] = { __VA_ARGS__ };                     \
        set_all(c, f_, sizeof(f_) / sizeof(f_[0]));                           \
    } while (0)

/* The leaf 1 edx features every x86-64 CPU has. */
static void base_x86_64(struct xt_fake_cpu *c)
{
    SET_ALL(c, XFS_FPU, XFS_VME, XFS_DE, XFS_PSE, XFS_TSC, XFS_MSR, XFS_PAE,
            XFS_MCE, XFS_CX8, XFS_APIC, XFS_SEP, XFS_MTRR, XFS_PGE, XFS_MCA,
            XFS_CMOV, XFS_PAT, XFS_PSE36, XFS_CLFLUSH, XFS_MMX, XFS_FXSR,
            XFS_SSE, XFS_SSE2, XFS_HTT, XFS_SSE3, XFS_CX16, XFS_SYSCALL,
            XFS_NX, XFS_LM, XFS_LAHF_LM, XFS_RDTSCP, XFS_PAGE1GB);
}

void xt_fake_intel_server(struct xt_fake_cpu *c)
{
    xt_fake_init(c, XT_INTEL);
    base_x86_64(c);
    SET_ALL(c, XFS_DS, XFS_ACPI, XFS_SS, XFS_TM1, XFS_PBE, XFS_PCLMULQDQ,
            XFS_DTES64, XFS_MONITOR, XFS_DSCPL, XFS_VMX, XFS_SMX, XFS_EIST,
            XFS_TM2, XFS_SSSE3, XFS_FMA, XFS_XTPR, XFS_PDCM, XFS_PCID,
            XFS_DCA, XFS_SSE4_1, XFS_SSE4_2, XFS_X2APIC, XFS_MOVBE,
            XFS_POPCNT, XFS_TSC_DEADLINE, XFS_AESNI, XFS_XSAVE, XFS_OSXSAVE,
            XFS_AVX, XFS_F16C, XFS_RDRAND, XFS_ABM, XFS_3DNOWPREFETCH,
            XFS_XSAVEOPT, XFS_XSAVEC, XFS_XGETBV1, XFS_XSAVES, XFS_FSGSBASE,
            XFS_TSC_ADJUST, XFS_BMI1, XFS_HLE, XFS_AVX2, XFS_FDP_EXCP_ONLY,
            XFS_SMEP, XFS_BMI2, XFS_ERMS, XFS_INVPCID, XFS_RTM, XFS_PQM,
            XFS_NO_FPU_SEL, XFS_MPX, XFS_PQE, XFS_AVX512F, XFS_AVX512DQ,
            XFS_RDSEED, XFS_ADX, XFS_SMAP, XFS_CLFLUSHOPT, XFS_CLWB,
            XFS_PROC_TRACE, XFS_AVX512CD, XFS_AVX512BW, XFS_AVX512VL,
            XFS_PKU, XFS_OSPKE, XFS_MD_CLEAR, XFS_IBRSB, XFS_STIBP,
            XFS_L1D_FLUSH, XFS_ARCH_CAPS, XFS_CORE_CAPS, XFS_SSBD,
            XFS_ITSC, XFS_RDCL_NO, XFS_EIBRS, XFS_SKIP_L1DFL, XFS_MDS_NO,
            XFS_TSX_CTRL);
    /* XSAVE needs leaf 0xd to be usable. */
    xt_fake_regs(c, 0xd, 0)->a = 0xe7;
    /* Unknown bits: 1.ecx bit 11 (reserved), an MSR_ARCH_CAPS bit Xen does
     * not name (bit 22), 7.0.ebx bit 22 (reserved). */
    xt_fake_regs(c, 1, 0)->c |= 1u << 11;
    xt_fake_regs(c, 7, 0)->b |= 1u << 22;
    c->arch_caps |= 1ull << 22;
}

void xt_fake_amd_server(struct xt_fake_cpu *c)
{
    struct xfs_cpuid_regs *e1;

    xt_fake_init(c, XT_AMD);
    base_x86_64(c);
    /* AMD repeats most of leaf 1 edx in 0x80000001 edx. */
    e1 = xt_fake_regs(c, 0x80000001u, 0);
    e1->d |= xt_fake_regs(c, 1, 0)->d & 0x0183f3ffu;
    SET_ALL(c, XFS_PCLMULQDQ, XFS_MONITOR, XFS_SSSE3, XFS_FMA, XFS_SSE4_1,
            XFS_SSE4_2, XFS_MOVBE, XFS_POPCNT, XFS_AESNI, XFS_XSAVE,
            XFS_OSXSAVE, XFS_AVX, XFS_F16C, XFS_RDRAND, XFS_HYPERVISOR,
            XFS_MMXEXT, XFS_FFXSR, XFS_CMP_LEGACY, XFS_SVM, XFS_EXTAPIC,
            XFS_CR8_LEGACY, XFS_ABM, XFS_SSE4A, XFS_MISALIGNSSE,
            XFS_3DNOWPREFETCH, XFS_OSVW, XFS_IBS, XFS_SKINIT, XFS_WDT,
            XFS_TOPOEXT, XFS_MONITORX, XFS_XSAVEOPT, XFS_XSAVEC,
            XFS_XGETBV1, XFS_XSAVES, XFS_FSGSBASE, XFS_BMI1, XFS_AVX2,
            XFS_SMEP, XFS_BMI2, XFS_RDSEED, XFS_ADX, XFS_SMAP,
            XFS_CLFLUSHOPT, XFS_CLWB, XFS_SHA, XFS_UMIP, XFS_RDPID,
            XFS_HW_PSTATE, XFS_ITSC, XFS_CPB, XFS_EFRO, XFS_CLZERO,
            XFS_RSTR_FP_ERR_PTRS, XFS_WBNOINVD, XFS_IBPB, XFS_IBRS,
            XFS_AMD_STIBP, XFS_STIBP_ALWAYS, XFS_AMD_SSBD, XFS_AMD_PPIN,
            XFS_LFENCE_DISPATCH, XFS_NO_LMSL);
    xt_fake_regs(c, 0xd, 0)->a = 0x207;
    /* Unknown: 0x80000001.ecx bit 23 (PERFCTR_CORE, not named by Xen). */
    e1->c |= 1u << 23;
}

static void guard_cpuid(void *ctx, uint32_t leaf, uint32_t subleaf,
                        struct xfs_cpuid_regs *out)
{
    struct xt_guard *g = ctx;

    if (!xt_leaf_in_range(g->l, g->nr, leaf, subleaf) && !g->out_of_range++) {
        g->bad_leaf = leaf;
        g->bad_subleaf = subleaf;
    }
    g->inner.cpuid(g->inner.ctx, leaf, subleaf, out);
}

static int guard_rdmsr(void *ctx, uint32_t index, uint64_t *val)
{
    struct xt_guard *g = ctx;

    return g->inner.rdmsr(g->inner.ctx, index, val);
}

void xt_guard_reader(struct xt_guard *g, struct xfs_cpuid_reader *rd)
{
    g->out_of_range = 0;
    rd->cpuid = guard_cpuid;
    rd->rdmsr = g->inner.rdmsr ? guard_rdmsr : NULL;
    rd->ctx = g;
}
