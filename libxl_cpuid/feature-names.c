/* SPDX-License-Identifier: MIT */
/*
 * Lenient feature-name lookup: Xen's names from the annotated list, plus
 * the aliases below, compared without regard to case or separator style.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "feature-names.h"
#include "xen/lib/featureset.h"

/* Every Xen name must fit XLC_FEATURE_NAME_MAX with its terminator. */
#define NAME_FITS(c, n, w, b, g, f, d)                                        \
    _Static_assert(sizeof(#n) <= XLC_FEATURE_NAME_MAX, #n " is too long");
XEN_CPUFEATURE_LIST(NAME_FITS, 0)
#undef NAME_FITS

#define L XLC_ALIAS_LINUX
#define V XLC_ALIAS_LIBVIRT
#define Q XLC_ALIAS_QEMU
#define M XLC_ALIAS_MANUAL

/*
 * Spellings that differ from Xen's name even after normalisation, each
 * checked against the CPUID leaf/register/bit its source defines it as.
 * Values are XFS_* constants, so an alias can only name a feature the
 * annotated list has.  Spellings that normalise to a Xen name need no
 * entry ("sse4.1", "tsc-deadline", "lahf_lm", "avx512-vpopcntdq", ...).
 *
 * Where Xen's name and another tool's name collide, Xen's wins:
 *  - "ssb-no" in libvirt and QEMU is ARCH_CAPABILITIES bit 4, which Xen
 *    calls INTEL_SSB_NO; to Xen, SSB_NO is the AMD bit 0x80000008 EBX[26]
 *    (libvirt/QEMU "amd-no-ssb").  Callers translating libvirt XML should
 *    go by the bits in the cpu_map, not by this name.
 *  - Linux's "ibrs", "ibpb", "stibp" and "ssbd" flags are vendor neutral
 *    (synthesised from either vendor's bit); here they mean the Xen
 *    feature of that name, i.e. one specific CPUID bit.
 */
const struct xlc_feature_alias xlc_feature_aliases[] = {
    /* leaf 1 EDX */
    { "dts", XFS_DS, L },
    { "ht", XFS_HTT, L | V | Q },
    { "tm", XFS_TM1, L | V | Q },
    /* leaf 1 ECX */
    { "pni", XFS_SSE3, L | V | Q },
    { "pclmuldq", XFS_PCLMULQDQ, V },
    { "ds_cpl", XFS_DSCPL, L | V | Q },
    { "est", XFS_EIST, L | V | Q },
    { "tsc_deadline_timer", XFS_TSC_DEADLINE, L },
    { "aes", XFS_AESNI, L | V | Q },
    /* leaf 0x80000001 EDX */
    { "xd", XFS_NX, Q },
    { "fxsr_opt", XFS_FFXSR, L | V | Q },
    { "pdpe1gb", XFS_PAGE1GB, L | V | Q },
    { "i64", XFS_LM, Q },
    /* leaf 0x80000001 ECX */
    { "cr8legacy", XFS_CR8_LEGACY, V | Q },
    { "lzcnt", XFS_ABM, M },
    { "prefetchw", XFS_3DNOWPREFETCH, M },
    { "bpext", XFS_DBEXT, L },
    { "mwaitx", XFS_MONITORX, L },
    /* leaf 7.0 EBX */
    { "fdp_excptn_only", XFS_FDP_EXCP_ONLY, L | Q },
    { "cqm", XFS_PQM, L },
    { "cmt", XFS_PQM, V },
    { "zero_fcs_fds", XFS_NO_FPU_SEL, L | Q },
    { "rdt_a", XFS_PQE, L },
    { "avx512ifma", XFS_AVX512_IFMA, L | V | Q },
    { "intel_pt", XFS_PROC_TRACE, L | V | Q },
    { "sha_ni", XFS_SHA, L | V | Q },
    /* leaf 7.0 ECX */
    { "avx512vbmi", XFS_AVX512_VBMI, L | V | Q },
    { "avx512vbmi2", XFS_AVX512_VBMI2, V | Q },
    { "shstk", XFS_CET_SS, L },
    { "avx512vnni", XFS_AVX512_VNNI, V | Q },
    { "avx512bitalg", XFS_AVX512_BITALG, V | Q },
    /* leaf 0x80000007 EDX */
    { "invtsc", XFS_ITSC, V | Q },
    /* leaf 0x80000008 EBX */
    { "xsaveerptr", XFS_RSTR_FP_ERR_PTRS, L | V | Q },
    { "amd_ibpb", XFS_IBPB, L },
    { "amd_ibrs", XFS_IBRS, L },
    { "amd_stibp_always_on", XFS_STIBP_ALWAYS, L },
    { "stibp-always-on", XFS_STIBP_ALWAYS, Q },
    { "amd_ssb_no", XFS_SSB_NO, L },
    { "amd-no-ssb", XFS_SSB_NO, V | Q },
    { "amd_psfd", XFS_PSFD, L | Q },
    { "amd_ibpb_ret", XFS_IBPB_RET, L },
    /* leaf 7.0 EDX */
    { "hybrid_cpu", XFS_HYBRID, L },
    { "tsx-ldtrk", XFS_TSXLDTRK, V | Q },
    { "ibt", XFS_CET_IBT, L },
    { "spec_ctrl", XFS_IBRSB, L | V | Q },
    { "intel_stibp", XFS_STIBP, L },
    { "flush_l1d", XFS_L1D_FLUSH, L | Q },
    { "arch_capabilities", XFS_ARCH_CAPS, L | V | Q },
    { "core_capabilities", XFS_CORE_CAPS, L },
    { "core-capability", XFS_CORE_CAPS, V | Q },
    { "spec_ctrl_ssbd", XFS_SSBD, L },
    /* leaf 7.1 EAX */
    { "fsrc", XFS_FSRCS, L | Q },
    /* leaf 0x80000021 EAX */
    { "lfence_rdtsc", XFS_LFENCE_DISPATCH, L },
    { "lfence-always-serializing", XFS_LFENCE_DISPATCH, Q },
    { "null_sel_clr_base", XFS_NSCB, L | Q },
    { "autoibrs", XFS_AUTO_IBRS, L },
    { "srso_user_kernel_no", XFS_SRSO_US_NO, L | Q },
    { "srso_bp_spec_reduce", XFS_SRSO_MSR_FIX, L },
    /* MSR_ARCH_CAPABILITIES, low half */
    { "rdctl-no", XFS_RDCL_NO, V | Q },
    { "ibrs-all", XFS_EIBRS, V | Q },
    { "ibrs_enhanced", XFS_EIBRS, L },
    { "skip-l1dfl-vmentry", XFS_SKIP_L1DFL, V | Q },
    { "pschange-mc-no", XFS_IF_PSCHANGE_MC_NO, V | Q },
};

#undef L
#undef V
#undef Q
#undef M

const size_t xlc_nr_feature_aliases =
    sizeof(xlc_feature_aliases) / sizeof(xlc_feature_aliases[0]);

/* The normalised form of one character: lower case, one separator. */
static char norm(char c)
{
    if (c >= 'A' && c <= 'Z')
        return (char)(c - 'A' + 'a');
    if (c == '-' || c == '.' || c == ' ')
        return '_';
    return c;
}

bool xlc_feature_names_match(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (norm(*a) != norm(*b))
            return false;
    return !*a && !*b;
}

const char *xlc_feature_name(unsigned int value)
{
    const struct xfs_feature_info *fi = xfs_feature_by_value(value);

    return fi ? fi->name : NULL;
}

const char *xlc_feature_name_lower(unsigned int value,
                                   char buf[XLC_FEATURE_NAME_MAX])
{
    const char *name = xlc_feature_name(value);
    size_t i;

    if (!name)
        return NULL;
    for (i = 0; name[i] && i < XLC_FEATURE_NAME_MAX - 1; i++)
        buf[i] = norm(name[i]);
    buf[i] = '\0';
    return buf;
}

const char *xlc_alias_source_name(enum xlc_alias_source source)
{
    switch (source) {
    case XLC_ALIAS_LINUX: return "linux";
    case XLC_ALIAS_LIBVIRT: return "libvirt";
    case XLC_ALIAS_QEMU: return "qemu";
    case XLC_ALIAS_MANUAL: return "manual";
    }
    return "?";
}

/* ---- did-you-mean ---- */

/* Names longer than this get no suggestion (no feature name is close). */
#define SUGGEST_MAX_LEN 48
#define MAX_SUGGESTIONS 3

/*
 * Edit distance with adjacent transpositions (optimal string alignment)
 * between normalised a and b; both at most SUGGEST_MAX_LEN long.
 */
static unsigned int distance(const char *a, const char *b)
{
    unsigned int rows[3][SUGGEST_MAX_LEN + 1];
    unsigned int *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
    size_t la = strlen(a), lb = strlen(b);

    for (size_t j = 0; j <= lb; j++)
        prev[j] = (unsigned int)j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = (unsigned int)i;
        for (size_t j = 1; j <= lb; j++) {
            unsigned int cost = norm(a[i - 1]) != norm(b[j - 1]);
            unsigned int best = prev[j - 1] + cost;

            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            if (i > 1 && j > 1 && norm(a[i - 1]) == norm(b[j - 2]) &&
                norm(a[i - 2]) == norm(b[j - 1]) && prev2[j - 2] + 1 < best)
                best = prev2[j - 2] + 1;
            cur[j] = best;
        }
        unsigned int *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[lb];
}

struct suggestions {
    unsigned int limit; /* farther than this is no suggestion */
    unsigned int best;
    unsigned int nr;
    const char *spelling[MAX_SUGGESTIONS]; /* as the candidate is written */
    unsigned int value[MAX_SUGGESTIONS];
};

static void consider(struct suggestions *s, const char *name,
                     const char *candidate, unsigned int value)
{
    size_t ln = strlen(name), lc = strlen(candidate);
    unsigned int d;

    /* The length difference alone is a lower bound on the distance. */
    if (lc > SUGGEST_MAX_LEN || (ln > lc ? ln - lc : lc - ln) > s->limit)
        return;
    d = distance(name, candidate);
    if (d > s->best || d > s->limit)
        return;
    if (d < s->best) {
        s->best = d;
        s->nr = 0;
    }
    for (unsigned int i = 0; i < s->nr; i++)
        if (s->value[i] == value)
            return; /* Xen's name came first and is the better hint */
    if (s->nr < MAX_SUGGESTIONS) {
        s->spelling[s->nr] = candidate;
        s->value[s->nr++] = value;
    }
}

/* A suggestion must be closer than a third of the typed name (min 2). */
static unsigned int suggestion_limit(size_t len)
{
    return len / 3 > 2 ? (unsigned int)(len / 3) : 2;
}

static int unknown(const char *name, xlc_error *err)
{
    size_t len = strlen(name), used = 0;
    struct suggestions s = { .limit = suggestion_limit(len), .best = ~0u };
    char hint[256] = "";

    if (len <= SUGGEST_MAX_LEN) {
        for (unsigned int i = 0; i < xfs_nr_features; i++)
            consider(&s, name, xfs_features[i].name, xfs_features[i].value);
        for (size_t i = 0; i < xlc_nr_feature_aliases; i++)
            consider(&s, name, xlc_feature_aliases[i].alias,
                     xlc_feature_aliases[i].value);
    }
    if (s.nr) {
        used = (size_t)snprintf(hint, sizeof(hint), "; did you mean ");
        for (unsigned int i = 0; i < s.nr && used < sizeof(hint); i++) {
            const char *xen = xlc_feature_name(s.value[i]);
            const char *sep = i == 0 ? "" : i + 1 == s.nr ? " or " : ", ";

            if (!strcmp(xen, s.spelling[i]))
                used += (size_t)snprintf(hint + used, sizeof(hint) - used,
                                         "%s'%s'", sep, xen);
            else
                used += (size_t)snprintf(hint + used, sizeof(hint) - used,
                                         "%s'%s' (%s)", sep, s.spelling[i],
                                         xen);
        }
        if (used < sizeof(hint) - 1)
            hint[used] = '?', hint[used + 1] = '\0';
    }
    return xlc_fail(err, ENOENT, "unknown feature '%.*s%s'%s",
                    len > 80 ? 80 : (int)len, name, len > 80 ? "..." : "",
                    hint);
}

int xlc_feature_lookup(const char *name, unsigned int *value, xlc_error *err)
{
    if (!name || !*name)
        return xlc_fail(err, EINVAL, "empty feature name");
    for (unsigned int i = 0; i < xfs_nr_features; i++)
        if (xlc_feature_names_match(name, xfs_features[i].name)) {
            *value = xfs_features[i].value;
            return 0;
        }
    for (size_t i = 0; i < xlc_nr_feature_aliases; i++)
        if (xlc_feature_names_match(name, xlc_feature_aliases[i].alias)) {
            *value = xlc_feature_aliases[i].value;
            return 0;
        }
    return unknown(name, err);
}
