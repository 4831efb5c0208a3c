/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the featureset derivation and the sysctl over it.  The input is a
 * CPU: options, then the registers of every featureset word and the leaf
 * limits, then an MSR value.  Whatever it holds, the derived sets must keep
 * the invariants of featuresets.h and the sysctl must answer within them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xen/arch/sysctl.h"

#define N XFS_NR_WORDS

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct input {
    const uint8_t *p;
    size_t left;
};

static uint32_t take32(struct input *in)
{
    uint32_t v = 0;

    for (int i = 0; i < 4 && in->left; i++, in->left--)
        v |= (uint32_t)*in->p++ << (8 * i);
    return v;
}

/* The CPU: registers by (leaf, subleaf, reg); limits; MSR. */
struct cpu {
    uint32_t word[N];
    uint32_t max_basic, max_ext, max7, vendor[3];
    uint64_t msr;
    int msr_ok;
};

static void cpu_cpuid(void *ctx, uint32_t leaf, uint32_t sub,
                      struct xfs_cpuid_regs *out)
{
    const struct cpu *c = ctx;

    out->a = out->b = out->c = out->d = 0;
    if (leaf == 0) {
        out->a = c->max_basic;
        out->b = c->vendor[0];
        out->d = c->vendor[1];
        out->c = c->vendor[2];
        return;
    }
    if (leaf == 0x80000000u) {
        out->a = c->max_ext;
        return;
    }
    if (leaf == 7 && sub == 0)
        out->a = c->max7;
    for (unsigned int w = 0; w < N; w++) {
        const struct xfs_word_info *wi = &xfs_words[w];

        if (wi->src == XFS_SRC_CPUID && wi->leaf == leaf &&
            (wi->subleaf == XFS_NO_SUBLEAF || wi->subleaf == sub))
            xfs_regs_put(out, wi->reg, c->word[w]);
    }
}

static int cpu_rdmsr(void *ctx, uint32_t index, uint64_t *val)
{
    const struct cpu *c = ctx;

    if (index != XFS_MSR_ARCH_CAPABILITIES || !c->msr_ok)
        return -1;
    *val = c->msr;
    return 0;
}

static void check_sets(const struct xfs_system_featuresets *s)
{
    const uint32_t *raw = s->fs[XFS_SYSCTL_cpu_featureset_raw];
    const uint32_t *host = s->fs[XFS_SYSCTL_cpu_featureset_host];
    uint32_t allowed[N];

    xfs_or(allowed, N, host, N, xfs_guest_synth_mask, N);
    if (!xfs_subset(host, N, raw, N))
        abort();
    for (int i = 1; i < XFS_SYSCTL_cpu_featureset_nr; i++)
        if (!xfs_deps_closed(s->fs[i], N))
            abort();
    for (int d = XFS_SYSCTL_cpu_featureset_pv; d <= 3; d++) {
        const uint32_t *def = s->fs[d], *max = s->fs[d + 2];

        if (!xfs_subset(def, N, max, N) || !xfs_subset(max, N, allowed, N))
            abort();
    }
}

static void check_sysctl(const struct xfs_hypervisor *hv, struct input *in)
{
    uint32_t buf[64];
    struct xfs_sysctl_cpu_featureset op;
    uint32_t want = take32(in) % 64;
    int rc;

    memset(buf, 0, sizeof(buf));
    op.index = take32(in) % 8;
    op.nr_features = want;
    op.features.p = (take32(in) & 1) ? buf : NULL;
    rc = xfs_sysctl_get_cpu_featureset(hv, &op);
    if (!op.features.p) {
        if (rc || op.nr_features != N)
            abort();
        return;
    }
    /* A bad index is -EINVAL; a set this build does not serve (a guest
     * type compiled out) -EOPNOTSUPP, as Xen 4.17 answers. */
    if (op.index >= XFS_SYSCTL_cpu_featureset_nr) {
        if (rc != -XFS_EINVAL || op.nr_features != want)
            abort();
        return;
    }
    if (!hv->served[op.index]) {
        if (rc != -XFS_EOPNOTSUPP || op.nr_features != want)
            abort();
        return;
    }
    if (op.nr_features != (want < N ? want : N) ||
        rc != (want < N ? -XFS_ENOBUFS : 0) ||
        memcmp(buf, hv->sets.fs[op.index], op.nr_features * 4))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct xfs_hypervisor hv;
    struct input in = { data, size };
    struct xfs_hv_options o;
    struct xfs_cpuid_reader rd = { cpu_cpuid, cpu_rdmsr, NULL };
    struct cpu c;
    uint32_t flags = take32(&in);

    xfs_hv_options_default(&o);
    o.hap = flags & 1;
    o.pv = flags & 2;
    o.hvm = flags & 4;
    c.msr_ok = (flags & 8) != 0;
    if (flags & 16)
        rd.rdmsr = NULL;
    for (unsigned int i = 0; i < 3; i++) /* a few admin removals */
        xfs_set(o.boot_clear, N, take32(&in) % XFS_NR_FEATURE_BITS);
    c.max_basic = take32(&in);
    c.max_ext = take32(&in);
    c.max7 = take32(&in);
    for (unsigned int i = 0; i < 3; i++)
        c.vendor[i] = take32(&in);
    for (unsigned int w = 0; w < N; w++)
        c.word[w] = take32(&in);
    c.msr = take32(&in) | (uint64_t)take32(&in) << 32;
    rd.ctx = &c;

    xfs_hypervisor_boot(&hv, &rd, &o);
    check_sets(&hv.sets);
    for (int i = 0; i < 4; i++)
        check_sysctl(&hv, &in);
    return 0;
}
