/* SPDX-License-Identifier: MIT */
/*
 * The raw featureset: every bit the CPU reports in the registers the word
 * table names, unknown bits included.  A leaf is only asked for when the
 * CPU says it exists; a register of a missing leaf reads as zero.
 */
#include "featuresets.h"

/* The 12-byte vendor string lives in ebx, edx, ecx, in that order. */
static bool signature_is(const struct xfs_cpuid_regs *r, const char *s)
{
    const uint32_t regs[3] = { r->b, r->d, r->c };

    for (unsigned int i = 0; i < 12; i++)
        if ((char)((regs[i / 4] >> (8 * (i % 4))) & 0xff) != s[i])
            return false;
    return true;
}

static enum xfs_vendor vendor_of(const struct xfs_cpuid_regs *leaf0)
{
    static const struct {
        const char *sig;
        enum xfs_vendor v;
    } known[] = {
        { "GenuineIntel", XFS_VENDOR_INTEL },
        { "AuthenticAMD", XFS_VENDOR_AMD },
        { "HygonGenuine", XFS_VENDOR_HYGON },
        { "CentaurHauls", XFS_VENDOR_CENTAUR },
        { "  Shanghai  ", XFS_VENDOR_SHANGHAI },
    };

    for (unsigned int i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        if (signature_is(leaf0, known[i].sig))
            return known[i].v;
    return XFS_VENDOR_UNKNOWN;
}

static void cpuid(const struct xfs_cpuid_reader *rd, uint32_t leaf,
                  uint32_t subleaf, struct xfs_cpuid_regs *out)
{
    out->a = out->b = out->c = out->d = 0;
    rd->cpuid(rd->ctx, leaf, subleaf, out);
}

/*
 * The leaf limits.  CPUs without an extended range return junk (often a
 * copy of the highest basic leaf) for 0x80000000, so only a value of the
 * form 0x8000xxxx counts as a maximum.
 */
static void read_limits(const struct xfs_cpuid_reader *rd,
                        struct xfs_raw_info *info)
{
    struct xfs_cpuid_regs r;

    cpuid(rd, 0, 0, &r);
    info->max_basic = r.a;
    info->vendor = vendor_of(&r);

    cpuid(rd, 0x80000000u, 0, &r);
    info->max_ext = (r.a & 0xffff0000u) == 0x80000000u ? r.a : 0;

    info->max_subleaf7 = 0;
    if (info->max_basic >= 7) {
        cpuid(rd, 7, 0, &r);
        info->max_subleaf7 = r.a;
    }
    info->arch_caps_read = false;
}

static bool leaf_exists(const struct xfs_raw_info *info, uint32_t leaf,
                        uint32_t subleaf)
{
    if (leaf >= 0x80000000u)
        return info->max_ext != 0 && leaf <= info->max_ext;
    if (leaf > info->max_basic)
        return false;
    /* Leaf 7 enumerates its own subleaves; leaf 0xd subleaf 1 always
     * exists once leaf 0xd does. */
    if (leaf == 7 && subleaf != XFS_NO_SUBLEAF)
        return subleaf <= info->max_subleaf7;
    return true;
}

static uint32_t cpuid_word(const struct xfs_cpuid_reader *rd,
                           const struct xfs_raw_info *info,
                           const struct xfs_word_info *w)
{
    struct xfs_cpuid_regs r;

    if (!leaf_exists(info, w->leaf, w->subleaf))
        return 0;
    cpuid(rd, w->leaf, w->subleaf == XFS_NO_SUBLEAF ? 0 : w->subleaf, &r);
    return xfs_regs_get(&r, w->reg);
}

/*
 * MSR words exist only when CPUID enumerates the MSR (for ARCH_CAPS:
 * 7.0.edx bit 29) and the reader can read it; otherwise they stay zero.
 */
static void read_msr_words(const struct xfs_cpuid_reader *rd,
                           uint32_t raw[XFS_NR_WORDS],
                           struct xfs_raw_info *info)
{
    uint64_t val = 0;

    if (!xfs_test(raw, XFS_NR_WORDS, XFS_ARCH_CAPS) || !rd->rdmsr ||
        rd->rdmsr(rd->ctx, XFS_MSR_ARCH_CAPABILITIES, &val) != 0)
        return;
    info->arch_caps_read = true;
    for (unsigned int i = 0; i < XFS_NR_WORDS; i++) {
        const struct xfs_word_info *w = &xfs_words[i];

        if (w->src != XFS_SRC_MSR || w->leaf != XFS_MSR_ARCH_CAPABILITIES)
            continue;
        raw[i] = w->reg == XFS_MSR_HI ? (uint32_t)(val >> 32) : (uint32_t)val;
    }
}

void xfs_raw_read(const struct xfs_cpuid_reader *rd,
                  uint32_t raw[XFS_NR_WORDS], struct xfs_raw_info *info)
{
    read_limits(rd, info);
    for (unsigned int i = 0; i < XFS_NR_WORDS; i++)
        raw[i] = xfs_words[i].src == XFS_SRC_CPUID
                     ? cpuid_word(rd, info, &xfs_words[i])
                     : 0;
    read_msr_words(rd, raw, info);
}

void xfs_raw_featureset(const struct xfs_cpuid_reader *rd,
                        uint32_t raw[XFS_NR_WORDS])
{
    struct xfs_raw_info info;

    xfs_raw_read(rd, raw, &info);
}
