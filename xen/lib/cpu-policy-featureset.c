/* SPDX-License-Identifier: MIT */
/*
 * Featureset <-> policy.  Each featureset word is one whole register (or
 * one half of MSR_ARCH_CAPABILITIES), as the word table says; nothing
 * outside those registers is touched.
 */
#include "cpu-policy.h"

static uint32_t msr_half(uint64_t v, enum xfs_reg reg)
{
    return reg == XFS_MSR_HI ? (uint32_t)(v >> 32) : (uint32_t)v;
}

static uint64_t msr_put_half(uint64_t v, enum xfs_reg reg, uint32_t w)
{
    if (reg == XFS_MSR_HI)
        return (v & 0xffffffffull) | ((uint64_t)w << 32);
    return (v & ~0xffffffffull) | w;
}

/* The MSR a word lives in, or NULL if the policy does not carry it. */
static uint64_t *word_msr(struct xfs_cpu_policy *p,
                          const struct xfs_word_info *wi)
{
    return wi->leaf == XFS_MSR_ARCH_CAPABILITIES_IDX ? &p->arch_caps : NULL;
}

static uint32_t read_word(const struct xfs_cpu_policy *p, unsigned int w)
{
    const struct xfs_word_info *wi = &xfs_words[w];

    if (wi->src == XFS_SRC_MSR) {
        const uint64_t *m = word_msr((struct xfs_cpu_policy *)p, wi);

        return m ? msr_half(*m, wi->reg) : 0;
    }
    const struct xfs_cpuid_regs *r = xfs_policy_slot_c(p, wi->leaf,
                                                       wi->subleaf);

    return r ? xfs_regs_get(r, wi->reg) : 0;
}

/* Returns 0, or -1 when the word has no home in the policy. */
static int write_word(struct xfs_cpu_policy *p, unsigned int w, uint32_t v)
{
    const struct xfs_word_info *wi = &xfs_words[w];

    if (wi->src == XFS_SRC_MSR) {
        uint64_t *m = word_msr(p, wi);

        if (!m)
            return v ? -1 : 0;
        *m = msr_put_half(*m, wi->reg, v);
        return 0;
    }
    struct xfs_cpuid_regs *r = xfs_policy_slot(p, wi->leaf, wi->subleaf,
                                               NULL);

    if (!r)
        return v ? -1 : 0;
    xfs_regs_put(r, wi->reg, v);
    return 0;
}

void xfs_policy_to_featureset(const struct xfs_cpu_policy *p, uint32_t *fs,
                              size_t nr)
{
    for (size_t w = 0; w < nr; w++)
        fs[w] = w < XFS_NR_WORDS ? read_word(p, (unsigned int)w) : 0;
}

int xfs_policy_from_featureset(struct xfs_cpu_policy *p, const uint32_t *fs,
                               size_t nr)
{
    int rc = 0;

    for (unsigned int w = 0; w < XFS_NR_WORDS; w++)
        if (write_word(p, w, w < nr ? fs[w] : 0))
            rc = -1;
    /* Words past what this build knows are features nobody can place. */
    for (size_t w = XFS_NR_WORDS; w < nr; w++)
        if (fs[w])
            rc = -1;
    return rc;
}
