/* SPDX-License-Identifier: MIT */
/*
 * Applying a parsed cpuid= list to a host's default policy for a guest
 * type, and checking the result against the type's max featureset.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../../xen/arch/policy-derive.h"
#include "../policy/cpu-policy.h"
#include "xl-cpuid.h"

struct apply {
    struct xfs_cpu_policy *p;
    const struct xfs_cpu_policy *host;
    uint32_t forced1[XFS_NR_WORDS];    /* featureset bits the list set */
    xlc_xl_problem_fn *fn;
    void *ctx;
};

static void problem(struct apply *a, const char *what)
{
    a->fn(a->ctx, XLC_XL_BAD_ENTRY, -1, what);
}

static uint32_t *reg_of(struct xfs_cpuid_regs *r, int i)
{
    return i == 0 ? &r->a : i == 1 ? &r->b : i == 2 ? &r->c : &r->d;
}

/* The featureset word a register is, or -1. */
static int word_of(uint32_t leaf, uint32_t subleaf, int reg)
{
    for (unsigned int w = 0; w < XFS_NR_WORDS; w++)
        if (xfs_words[w].src == XFS_SRC_CPUID && xfs_words[w].leaf == leaf &&
            xfs_words[w].subleaf == subleaf && (int)xfs_words[w].reg == reg)
            return (int)w;
    return -1;
}

/* One mask of n characters over value *v (host value hv). */
static void apply_mask(struct apply *a, const char *mask, unsigned int n,
                       uint64_t *v, uint64_t hv, int word, const char *where)
{
    for (unsigned int i = 0; i < n; i++) {
        unsigned int bit = n - 1 - i;
        uint64_t m = (uint64_t)1 << bit;
        char c = mask[i];
        char msg[160];

        if (c == '1' || ((c == 'k' || c == 's') && (hv & m)))
            *v |= m;
        else if (c == '0' || c == 'k' || c == 's')
            *v &= ~m;
        else if (c != 'x') {
            snprintf(msg, sizeof(msg),
                     "%s: bad character '%c' at position %u (bit %u)", where,
                     (unsigned char)c >= 0x20 ? c : '?', i + 1, bit);
            problem(a, msg);
        }
        /* an MSR's high half is the word after its low half */
        if (word >= 0 && c == '1')
            a->forced1[word + bit / 32] |= 1u << (bit % 32);
    }
}

static void apply_entry(struct apply *a, const struct xlc_xl_cpuid_entry *e)
{
    enum xfs_slot_status why;
    struct xfs_cpuid_regs *r = xfs_policy_slot(a->p, e->leaf, e->subleaf, &why);
    const struct xfs_cpuid_regs *h = xfs_policy_slot_c(a->host, e->leaf,
                                                       e->subleaf);
    char where[64];

    if (e->subleaf == XLC_XL_NO_SUBLEAF)
        snprintf(where, sizeof(where), "leaf 0x%x", e->leaf);
    else
        snprintf(where, sizeof(where), "leaf 0x%x,%u", e->leaf, e->subleaf);
    if (!r || !h) {
        char msg[128];
        snprintf(msg, sizeof(msg), "%s: not a leaf the policy holds",
                 where);
        problem(a, msg);
        return;
    }
    for (int i = 0; i < 4; i++) {
        if (!e->policy[i])
            continue;
        struct xfs_cpuid_regs hc = *h;
        uint64_t v = *reg_of(r, i), hv = *reg_of(&hc, i);
        char w2[80];
        snprintf(w2, sizeof(w2), "%s %s", where, xlc_reg_name((enum xfs_reg)i));
        apply_mask(a, e->policy[i], XLC_XL_REG_CHARS, &v, hv,
                   word_of(e->leaf, e->subleaf, i), w2);
        *reg_of(r, i) = (uint32_t)v;
    }
}

static void apply_msr(struct apply *a, const struct xlc_xl_msr_entry *e)
{
    char where[40];

    snprintf(where, sizeof(where), "MSR 0x%x", e->index);
    if (e->index != XFS_MSR_ARCH_CAPABILITIES) {
        char msg[80];
        snprintf(msg, sizeof(msg), "%s: not an MSR the policy holds", where);
        problem(a, msg);
        return;
    }
    int word = -1;
    for (unsigned int w = 0; w < XFS_NR_WORDS; w++)
        if (xfs_words[w].src == XFS_SRC_MSR && xfs_words[w].reg == XFS_MSR_LO)
            word = (int)w;
    apply_mask(a, e->policy, XLC_XL_MSR_CHARS, &a->p->arch_caps,
               a->host->arch_caps, word, where);
}

/* Report each feature of set on its own, named as libxl spells it. */
static void each_feature(struct apply *a, enum xlc_xl_problem kind,
                         const uint32_t *set)
{
    char nb[48], bit[24];

    for (unsigned int v = 0; v < XFS_NR_FEATURE_BITS; v++) {
        const char *n;

        if (!xfs_test(set, XFS_NR_WORDS, v))
            continue;
        n = xlc_xl_feature_name(v, nb, sizeof(nb));
        if (!n) {
            snprintf(bit, sizeof(bit), "bit%u:%u", v / 32, v % 32);
            n = bit;
        }
        a->fn(a->ctx, kind, (int)v, n);
    }
}

/* Clear the dependents of every feature the list cleared. */
static void clear_dependents(struct apply *a, struct xlc_xl_applied *out)
{
    uint32_t before[XFS_NR_WORDS], lost[XFS_NR_WORDS];

    memcpy(before, out->fs, sizeof(before));
    for (unsigned int v = 0; v < XFS_NR_FEATURE_BITS; v++)
        if (xfs_test(out->def, XFS_NR_WORDS, v) &&
            !xfs_test(before, XFS_NR_WORDS, v))
            xfs_clear_with_dependents(out->fs, XFS_NR_WORDS, v);
    xfs_andnot(out->deps_cleared, XFS_NR_WORDS, before, XFS_NR_WORDS,
               out->fs, XFS_NR_WORDS);
    xfs_and(lost, XFS_NR_WORDS, out->deps_cleared, XFS_NR_WORDS, a->forced1,
            XFS_NR_WORDS);
    each_feature(a, XLC_XL_LOST_PREREQ, lost);
}

void xlc_xl_cpuid_resolve(const struct xfs_cpu_policy *def,
                          const struct xfs_cpu_policy *host,
                          const uint32_t *allowed,
                          const struct xlc_xl_cpuid *l,
                          struct xlc_xl_applied *out, xlc_xl_problem_fn *fn,
                          void *ctx)
{
    struct apply a = { .p = &out->policy, .host = host, .fn = fn,
                       .ctx = ctx };
    uint32_t extra[XFS_NR_WORDS];

    memset(out, 0, sizeof(*out));
    xfs_policy_copy(&out->policy, def);
    xfs_policy_to_featureset(def, out->def, XFS_NR_WORDS);
    for (size_t i = 0; i < l->nr_cpuid; i++)
        apply_entry(&a, &l->cpuid[i]);
    for (size_t i = 0; i < l->nr_msr; i++)
        apply_msr(&a, &l->msr[i]);
    xfs_policy_to_featureset(&out->policy, out->fs, XFS_NR_WORDS);
    clear_dependents(&a, out);
    if (allowed) {
        xfs_andnot(extra, XFS_NR_WORDS, out->fs, XFS_NR_WORDS, allowed,
                   XFS_NR_WORDS);
        each_feature(&a, XLC_XL_NOT_ALLOWED, extra);
    }
    xfs_policy_from_featureset(&out->policy, out->fs, XFS_NR_WORDS);
}

/* xlc_xl_cpuid_apply's message: problems of a kind grouped, "; "-joined. */
struct collect {
    struct xlc_buf b;
    const char *type;
    int last;                  /* kind of the previous problem, -1: none */
};

static void collect(void *ctx, enum xlc_xl_problem kind, int feature,
                    const char *text)
{
    struct collect *c = ctx;

    (void)feature;
    if (kind != XLC_XL_BAD_ENTRY && (int)kind == c->last) {
        xlc_buf_printf(&c->b, " %s", text);
        return;
    }
    if (c->b.len)
        xlc_buf_puts(&c->b, "; ");
    if (kind == XLC_XL_LOST_PREREQ)
        xlc_buf_puts(&c->b, "set to 1 but a prerequisite was cleared: ");
    else if (kind == XLC_XL_NOT_ALLOWED)
        xlc_buf_printf(&c->b, "not in the %s max policy: ", c->type);
    xlc_buf_puts(&c->b, text);
    c->last = (int)kind;
}

void xlc_xl_allowed(const struct xlc_system_policies *sys,
                    enum xlc_guest_type type, uint32_t allowed[XFS_NR_WORDS])
{
    unsigned int mi = xlc_policy_index_max(type);
    /* Nested virtualisation is what a list setting vmx/svm configures. */
    const struct xfs_domain_opts o = { .hvm = false };

    xfs_domain_allowed_features(sys->fs.fs[mi], &o, allowed);
}

int xlc_xl_cpuid_apply(const struct xlc_system_policies *sys,
                       enum xlc_guest_type type, const struct xlc_xl_cpuid *l,
                       struct xlc_xl_applied *out, xlc_error *err)
{
    unsigned int di = xlc_policy_index_default(type);
    struct collect c = { XLC_BUF_INIT, xlc_guest_type_name(type), -1 };
    uint32_t allowed[XFS_NR_WORDS];
    int rc = 0;

    memset(out, 0, sizeof(*out));
    if (!sys->pol.present[di])
        return xlc_fail(err, ENODEV, "this host has no %s guests",
                        xlc_guest_type_name(type));
    xlc_xl_allowed(sys, type, allowed);
    xlc_xl_cpuid_resolve(&sys->pol.p[di],
                         &sys->pol.p[XFS_SYSCTL_cpu_featureset_host], allowed,
                         l, out, collect, &c);
    if (c.b.oom)
        rc = xlc_fail(err, ENOMEM, "out of memory");
    else if (c.b.len)
        rc = xlc_fail(err, EINVAL, "cpuid= refused: %s", c.b.s);
    xlc_buf_free(&c.b);
    return rc;
}
