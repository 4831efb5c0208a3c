/* SPDX-License-Identifier: MIT */
/*
 * Feature names: Xen's names from the annotated list, plus the aliases
 * and Xen's xen-cpuid spellings below; how a bit is written in each style
 * (xlc_bit_text, the one place that spells a bit); and the lenient lookup,
 * which compares names without regard to case or separator style.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "feature-names.h"
#include "../util/digits.h"
#include "../util/strbuf.h"
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

/*
 * Xen 4.17's xen-cpuid (tools/misc/xen-cpuid.c) keeps its own table of
 * names.  For most features it prints Xen's name in lower case with '-'
 * for '_' ("avx512-ifma"); these are the bits where it does not, checked
 * bit by bit against the installed tool by tests/tool/test_xen_tool_names.c.
 * Bits it names that are no featureset feature come second: Xen never
 * offers them to guests, except AMD's copies of leaf 1 EDX features in
 * 0x80000001 EDX, which a guest of an AMD-like vendor sees following the
 * leaf 1 bit.
 */
#define B(w, b) ((w) * 32u + (b))
#define OTHER(w, b, spelling, what) { B(w, b), spelling, what, false }
#define AMD_COPY(b, spelling) { B(2, b), spelling, NULL, true }

const struct xlc_xen_tool_spelling xlc_xen_tool_spellings[] = {
    /* features */
    { XFS_SEP, "sysenter", NULL, false },
    { XFS_TM1, "tm", NULL, false },
    { XFS_DSCPL, "ds-cpl", NULL, false },
    { XFS_EIST, "est", NULL, false },
    { XFS_SSE4_1, "sse41", NULL, false },
    { XFS_SSE4_2, "sse42", NULL, false },
    { XFS_MOVBE, "movebe", NULL, false },
    { XFS_TSC_DEADLINE, "tsc-dl", NULL, false },
    { XFS_RDRAND, "rdrnd", NULL, false },
    { XFS_HYPERVISOR, "hyper", NULL, false },
    { XFS_MMXEXT, "mmx+", NULL, false },
    { XFS_FFXSR, "fxsr+", NULL, false },
    { XFS_PAGE1GB, "pg1g", NULL, false },
    { XFS_3DNOWEXT, "3dnow+", NULL, false },
    { XFS_CMP_LEGACY, "cmp", NULL, false },
    { XFS_CR8_LEGACY, "cr8d", NULL, false },
    { XFS_ABM, "lzcnt", NULL, false },
    { XFS_MISALIGNSSE, "msse", NULL, false },
    { XFS_3DNOWPREFETCH, "3dnowpf", NULL, false },
    { XFS_NODEID_MSR, "nodeid", NULL, false },
    { XFS_DBEXT, "dbx", NULL, false },
    { XFS_TSC_ADJUST, "tsc-adj", NULL, false },
    { XFS_FDP_EXCP_ONLY, "fdp-exn", NULL, false },
    { XFS_NO_FPU_SEL, "depfpp", NULL, false },
    { XFS_AMD_PPIN, "ppin", NULL, false },
    { XFS_LFENCE_DISPATCH, "lfence+", NULL, false },
    { XFS_INTEL_PPIN, "ppin", NULL, false },
    { XFS_ENERGY_FILTERING, "energy-ctrl", NULL, false },
    /* bits without a featureset feature */
    OTHER(0, 18, "psn", "processor serial number (leaf 3)"),
    OTHER(0, 30, "ia64", "IA-64 processor emulating x86"),
    OTHER(1, 10, "cntx-id", "L1 data cache context ID"),
    OTHER(1, 11, "sdgb", "silicon debug (IA32_DEBUG_INTERFACE MSR)"),
    AMD_COPY(0, "fpu"), AMD_COPY(1, "vme"), AMD_COPY(2, "de"),
    AMD_COPY(3, "pse"), AMD_COPY(4, "tsc"), AMD_COPY(5, "msr"),
    AMD_COPY(6, "pae"), AMD_COPY(7, "mce"), AMD_COPY(8, "cx8"),
    AMD_COPY(9, "apic"), AMD_COPY(12, "mtrr"), AMD_COPY(13, "pge"),
    AMD_COPY(14, "mca"), AMD_COPY(15, "cmov"),
    AMD_COPY(16, "fcmov"), /* PAT's copy; early AMD manuals: FCMOV */
    AMD_COPY(17, "pse36"), AMD_COPY(23, "mmx"), AMD_COPY(24, "fxsr"),
    OTHER(2, 19, "mp", "multiprocessing capable (AMD Athlon MP)"),
    OTHER(3, 17, "tce", "translation cache extension (EFER.TCE)"),
    OTHER(3, 23, "perfctr-core", "core performance counter extensions"),
    OTHER(3, 24, "perfctr-nb", "northbridge performance counter "
                               "extensions"),
    OTHER(3, 27, "perftsc", "performance time-stamp counter"),
    OTHER(3, 28, "pcx-l2i", "L2I / last-level cache performance counter "
                            "extensions"),
    OTHER(5, 22, "pcommit", "PCOMMIT instruction (withdrawn by Intel)"),
    OTHER(6, 5, "waitpkg", "UMONITOR, UMWAIT and TPAUSE instructions"),
    OTHER(6, 30, "sgx-lc", "SGX launch configuration (writable launch "
                           "enclave key hash)"),
    OTHER(9, 18, "pconfig", "PCONFIG instruction (platform "
                            "configuration)"),
};

#undef OTHER
#undef AMD_COPY
#undef B

const size_t xlc_nr_xen_tool_spellings =
    sizeof(xlc_xen_tool_spellings) / sizeof(xlc_xen_tool_spellings[0]);

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

const struct xlc_xen_tool_spelling *xlc_xen_tool_other_bit(
    unsigned int value)
{
    for (size_t i = 0; i < xlc_nr_xen_tool_spellings; i++)
        if (xlc_xen_tool_spellings[i].value == value &&
            !xlc_feature_name(value))
            return &xlc_xen_tool_spellings[i];
    return NULL;
}

const char *xlc_xen_tool_name(unsigned int value,
                              char buf[XLC_FEATURE_NAME_MAX])
{
    for (size_t i = 0; i < xlc_nr_xen_tool_spellings; i++)
        if (xlc_xen_tool_spellings[i].value == value)
            return xlc_xen_tool_spellings[i].spelling;
    if (!xlc_feature_name_lower(value, buf))
        return NULL;
    for (char *c = buf; *c; c++)
        if (*c == '_')
            *c = '-';
    return buf;
}

/* A name into a bit's text, cut as snprintf would (a report lists
 * thousands: printf's machinery was most of their cost). */
static void bit_text_copy(char buf[XLC_BIT_TEXT_MAX], const char *s)
{
    size_t n = strnlen(s, XLC_BIT_TEXT_MAX - 1);

    memcpy(buf, s, n);
    buf[n] = '\0';
}

static void bit_text_place(char buf[XLC_BIT_TEXT_MAX], unsigned int w,
                           unsigned int bit, const char *name)
{
    char tmp[XLC_BIT_TEXT_MAX + 32], *p = tmp;

    *p++ = '[';
    p = xlc_put_dec(p, w);
    memcpy(p, "*32+", 4);
    p = xlc_put_dec(p + 4, bit);
    if (name) {
        size_t n = strnlen(name, XLC_BIT_TEXT_MAX);

        *p++ = ' ';
        memcpy(p, name, n);
        p += n;
    }
    *p++ = ']';
    *p = '\0';
    bit_text_copy(buf, tmp);
}

const char *xlc_bit_text(unsigned int value, enum xlc_bit_style style,
                         char buf[XLC_BIT_TEXT_MAX])
{
    unsigned int w = value / 32, bit = value % 32;
    char name[XLC_FEATURE_NAME_MAX];
    const char *n;

    switch (style) {
    case XLC_BIT_OURS:
    case XLC_BIT_XEN:
        if ((n = xlc_feature_name(value)))
            bit_text_copy(buf, style == XLC_BIT_OURS
                                   ? xlc_feature_name_lower(value, name)
                                   : n);
        else
            bit_text_place(buf, w, bit, xlc_xen_tool_name(value, name));
        break;
    case XLC_BIT_XEN_TOOL:
        if ((n = xlc_xen_tool_name(value, name)))
            bit_text_copy(buf, n);
        else
            snprintf(buf, XLC_BIT_TEXT_MAX, "<%u>", bit);
        break;
    case XLC_BIT_PLACE:
    default:
        snprintf(buf, XLC_BIT_TEXT_MAX, "%u*32+%u", w, bit);
        break;
    }
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

void xlc_suggestions_start(struct xlc_suggestions *s, const char *name)
{
    size_t len = strlen(name);

    memset(s, 0, sizeof(*s));
    s->name = name;
    /* A suggestion must be closer than a third of the typed name (min 2). */
    s->limit = len / 3 > 2 ? (unsigned int)(len / 3) : 2;
    s->best = ~0u;
    if (len > XLC_SUGGEST_MAX_LEN)
        s->limit = 0, s->best = 0, s->name = NULL;
}

void xlc_suggestions_consider(struct xlc_suggestions *s, const char *candidate,
                              unsigned int value)
{
    size_t ln, lc = strlen(candidate);
    unsigned int d;

    if (!s->name)
        return;         /* too long a name to suggest anything for */
    ln = strlen(s->name);
    /* The length difference alone is a lower bound on the distance. */
    if (lc > XLC_SUGGEST_MAX_LEN || (ln > lc ? ln - lc : lc - ln) > s->limit)
        return;
    d = xlc_edit_distance(s->name, candidate, UINT_MAX, norm);
    if (d > s->best || d > s->limit)
        return;
    if (d < s->best) {
        s->best = d;
        s->nr = 0;
    }
    for (unsigned int i = 0; i < s->nr; i++)
        if (s->value[i] == value)
            return; /* the first spelling considered is the better hint */
    if (s->nr < XLC_MAX_SUGGESTIONS) {
        s->spelling[s->nr] = candidate;
        s->value[s->nr++] = value;
    }
}

/* AMD's copy spelled as its leaf 1 feature: looking it up finds that. */
static bool same_as_original(const struct xlc_xen_tool_spelling *sp)
{
    return sp->amd_copy &&
           xlc_feature_names_match(sp->spelling,
                                   xlc_feature_name(sp->value - 2 * 32));
}

static int unknown(const char *name, xlc_error *err)
{
    size_t len = strlen(name), used = 0;
    struct xlc_suggestions s;
    char hint[256] = "";

    xlc_suggestions_start(&s, name);
    for (unsigned int i = 0; i < xfs_nr_features; i++)
        xlc_suggestions_consider(&s, xfs_features[i].name,
                                 xfs_features[i].value);
    for (size_t i = 0; i < xlc_nr_feature_aliases; i++)
        xlc_suggestions_consider(&s, xlc_feature_aliases[i].alias,
                                 xlc_feature_aliases[i].value);
    for (size_t i = 0; i < xlc_nr_xen_tool_spellings; i++)
        if (!same_as_original(&xlc_xen_tool_spellings[i]))
            xlc_suggestions_consider(&s, xlc_xen_tool_spellings[i].spelling,
                                     xlc_xen_tool_spellings[i].value);
    if (s.nr) {
        used = (size_t)snprintf(hint, sizeof(hint), "; did you mean ");
        for (unsigned int i = 0; i < s.nr && used < sizeof(hint); i++) {
            const char *xen = xlc_feature_name(s.value[i]);
            const char *sep = i == 0 ? "" : i + 1 == s.nr ? " or " : ", ";
            char place[XLC_BIT_TEXT_MAX];

            if (!xen)      /* a bit only Xen's xen-cpuid names */
                used += (size_t)snprintf(hint + used, sizeof(hint) - used,
                                         "%s'%s' (%s)", sep, s.spelling[i],
                                         xlc_bit_text(s.value[i],
                                                      XLC_BIT_PLACE, place));
            else if (!strcmp(xen, s.spelling[i]))
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

/* No name stands for more bits than this (today's most is two). */
#define MATCH_MAX 8

/* Insert v into the sorted set v[0..*n). */
static void add_bit(unsigned int set[MATCH_MAX], unsigned int *n,
                    unsigned int v)
{
    unsigned int i;

    for (i = 0; i < *n; i++)
        if (set[i] == v)
            return;
    if (*n == MATCH_MAX)
        return;
    for (i = (*n)++; i > 0 && set[i - 1] > v; i--)
        set[i] = set[i - 1];
    set[i] = v;
}

/* Every bit a name matches; see xlc_feature_lookup_bits. */
static unsigned int match_bits(const char *name, unsigned int set[MATCH_MAX])
{
    unsigned int n = 0;

    for (unsigned int i = 0; i < xfs_nr_features; i++)
        if (xlc_feature_names_match(name, xfs_features[i].name))
            add_bit(set, &n, xfs_features[i].value);
    for (size_t i = 0; i < xlc_nr_feature_aliases; i++)
        if (xlc_feature_names_match(name, xlc_feature_aliases[i].alias))
            add_bit(set, &n, xlc_feature_aliases[i].value);
    for (size_t i = 0; i < xlc_nr_xen_tool_spellings; i++) {
        const struct xlc_xen_tool_spelling *sp = &xlc_xen_tool_spellings[i];

        if (!xlc_feature_names_match(name, sp->spelling))
            continue;
        /* "fpu" is FPU; its AMD copy is not a second meaning. */
        if (!same_as_original(sp))
            add_bit(set, &n, sp->value);
    }
    return n;
}

int xlc_feature_lookup_bits(const char *name, unsigned int *values,
                            unsigned int max, xlc_error *err)
{
    unsigned int set[MATCH_MAX], n;

    if (!name || !*name)
        return xlc_fail(err, EINVAL, "empty feature name");
    n = match_bits(name, set);
    if (!n)
        return unknown(name, err);
    for (unsigned int i = 0; i < n && i < max; i++)
        values[i] = set[i];
    return (int)n;
}

/* "AMD_PPIN (8*32+23) or INTEL_PPIN (12*32+0)" */
static int ambiguous(const char *name, const unsigned int *v, unsigned int n,
                     xlc_error *err)
{
    char list[512], buf[XLC_FEATURE_NAME_MAX], place[XLC_BIT_TEXT_MAX];
    size_t used = 0;

    list[0] = '\0';
    for (unsigned int i = 0; i < n && used < sizeof(list); i++) {
        const char *nm = xlc_feature_name(v[i]);

        used += (size_t)snprintf(list + used, sizeof(list) - used,
                                 "%s%s (%s)",
                                 i == 0 ? "" : i + 1 == n ? " or " : ", ",
                                 nm ? nm : xlc_xen_tool_name(v[i], buf),
                                 xlc_bit_text(v[i], XLC_BIT_PLACE, place));
    }
    return xlc_fail(err, EINVAL, "feature name '%s' is ambiguous: it "
                    "stands for %s; use one of those names", name, list);
}

int xlc_feature_lookup(const char *name, unsigned int *value, xlc_error *err)
{
    unsigned int v[MATCH_MAX];
    int n = xlc_feature_lookup_bits(name, v, MATCH_MAX, err);

    if (n < 0)
        return n;
    if (n > 1)
        return ambiguous(name, v, (unsigned int)n, err);
    *value = v[0];
    return 0;
}
