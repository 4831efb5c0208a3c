/* SPDX-License-Identifier: MIT */
/*
 * The names libxl_cpuid_parse_config accepts, and where each one points.
 *
 * libxl (Xen 4.17) looks a name up in two places, in this order:
 *
 *  1. its own table of legacy names, below.  These predate the featureset
 *     ABI: some are multi-bit fields (family, model, ...), some spell a
 *     feature differently from Xen ("sse4_1", "aes", "lahfsahf"), some
 *     name bits that are not in the featureset at all (leaf 6, leaf
 *     0x8000000a, a few retired flags).
 *  2. every feature of cpufeatureset.h, written in lower case with '-'
 *     for '_' ("SSE4_1" is "sse4-1").  That part is derived from our
 *     annotated list and word table, never listed here.
 *
 * The legacy table wins, which matters once: "clflush" is the leaf 1 EBX
 * cache-line-size field, so the CLFLUSH feature flag can only be reached
 * as "clfsh".  Names are compared exactly: no case folding, no '_'/'-'
 * equivalence (libxl has "tsc_adjust" in its table and "tsc-adjust" from
 * the feature list; "TSC-ADJUST" is unknown).
 *
 * Every entry was checked against the installed libxenlight (see
 * tests/test_xl_names.c, which also proves that the two parts together are
 * exactly the set of names that library accepts).
 */
#include <errno.h>
#include <string.h>

#include "xen/lib/featureset.h"
#include "xl-cpuid-priv.h"

#define NA XLC_XL_NO_SUBLEAF

struct legacy_entry {
    const char *name;
    uint32_t leaf, subleaf;
    enum xfs_reg reg;
    unsigned char bit, width;
    enum xlc_xl_layout layout;
    const char *note;
};

/* clang-format off */
static const struct legacy_entry legacy[] = {
    { "maxleaf",      0x00000000, NA, XFS_EAX,  0, 32, XLC_XL_PLAIN,
      "highest basic leaf (leaf 0 eax)" },
    { "stepping",     0x00000001, NA, XFS_EAX,  0,  4, XLC_XL_PLAIN,
      "stepping (leaf 1 eax[3:0])" },
    { "model",        0x00000001, NA, XFS_EAX,  4,  8, XLC_XL_MODEL,
      "model: low nibble eax[7:4], high nibble eax[19:16]" },
    { "family",       0x00000001, NA, XFS_EAX,  8,  8, XLC_XL_FAMILY,
      "family: base eax[11:8], extended eax[27:20] above 15" },
    { "brandid",      0x00000001, NA, XFS_EBX,  0,  8, XLC_XL_PLAIN,
      "brand index (leaf 1 ebx[7:0])" },
    { "clflush",      0x00000001, NA, XFS_EBX,  8,  8, XLC_XL_PLAIN,
      "the CLFLUSH line size in 8-byte units (leaf 1 ebx[15:8])" },
    { "proccount",    0x00000001, NA, XFS_EBX, 16,  8, XLC_XL_PLAIN,
      "logical processor count (leaf 1 ebx[23:16])" },
    { "localapicid",  0x00000001, NA, XFS_EBX, 24,  8, XLC_XL_PLAIN,
      "initial APIC ID (leaf 1 ebx[31:24])" },
    { "est",          0x00000001, NA, XFS_ECX,  7,  1, XLC_XL_PLAIN,
      "EIST" },
    { "cntxid",       0x00000001, NA, XFS_ECX, 10,  1, XLC_XL_PLAIN,
      "not in the featureset: L1 context ID (CNXT-ID), a bit Xen does "
      "not name" },
    { "cmpxchg16",    0x00000001, NA, XFS_ECX, 13,  1, XLC_XL_PLAIN, "CX16" },
    { "sse4_1",       0x00000001, NA, XFS_ECX, 19,  1, XLC_XL_PLAIN,
      "SSE4_1" },
    { "sse4.1",       0x00000001, NA, XFS_ECX, 19,  1, XLC_XL_PLAIN,
      "SSE4_1" },
    { "sse4_2",       0x00000001, NA, XFS_ECX, 20,  1, XLC_XL_PLAIN,
      "SSE4_2" },
    { "sse4.2",       0x00000001, NA, XFS_ECX, 20,  1, XLC_XL_PLAIN,
      "SSE4_2" },
    { "aes",          0x00000001, NA, XFS_ECX, 25,  1, XLC_XL_PLAIN,
      "AESNI" },
    { "cmpxchg8",     0x00000001, NA, XFS_EDX,  8,  1, XLC_XL_PLAIN, "CX8" },
    { "sysenter",     0x00000001, NA, XFS_EDX, 11,  1, XLC_XL_PLAIN, "SEP" },
    { "psn",          0x00000001, NA, XFS_EDX, 18,  1, XLC_XL_PLAIN,
      "not in the featureset: processor serial number, a bit Xen does "
      "not name" },
    { "clfsh",        0x00000001, NA, XFS_EDX, 19,  1, XLC_XL_PLAIN,
      "CLFLUSH" },
    { "tm",           0x00000001, NA, XFS_EDX, 29,  1, XLC_XL_PLAIN, "TM1" },
    { "ia64",         0x00000001, NA, XFS_EDX, 30,  1, XLC_XL_PLAIN,
      "not in the featureset: IA-64 processor emulating x86, a bit Xen "
      "does not name" },
    { "arat",         0x00000006, NA, XFS_EAX,  2,  1, XLC_XL_PLAIN,
      "not in the featureset: always running APIC timer (leaf 6 is not a "
      "featureset word)" },
    { "tsc_adjust",   0x00000007,  0, XFS_EBX,  1,  1, XLC_XL_PLAIN,
      "TSC_ADJUST" },
    { "cmt",          0x00000007,  0, XFS_EBX, 12,  1, XLC_XL_PLAIN, "PQM" },
    { "lahfsahf",     0x80000001, NA, XFS_ECX,  0,  1, XLC_XL_PLAIN,
      "LAHF_LM" },
    { "cmplegacy",    0x80000001, NA, XFS_ECX,  1,  1, XLC_XL_PLAIN,
      "CMP_LEGACY" },
    { "altmovcr8",    0x80000001, NA, XFS_ECX,  4,  1, XLC_XL_PLAIN,
      "CR8_LEGACY" },
    { "nodeid",       0x80000001, NA, XFS_ECX, 19,  1, XLC_XL_PLAIN,
      "NODEID_MSR" },
    { "perfctr_core", 0x80000001, NA, XFS_ECX, 23,  1, XLC_XL_PLAIN,
      "not in the featureset: core performance counter extensions, a "
      "bit Xen does not name" },
    { "perfctr_nb",   0x80000001, NA, XFS_ECX, 24,  1, XLC_XL_PLAIN,
      "not in the featureset: northbridge performance counters, a bit "
      "Xen does not name" },
    { "procpkg",      0x00000004,  0, XFS_EAX, 26,  6, XLC_XL_PLAIN,
      "cores per package minus one (leaf 4 subleaf 0 eax[31:26])" },
    { "invtsc",       0x80000007, NA, XFS_EDX,  8,  1, XLC_XL_PLAIN, "ITSC" },
    { "ppin",         0x80000008, NA, XFS_EBX, 23,  1, XLC_XL_PLAIN,
      "AMD_PPIN" },
    { "nc",           0x80000008, NA, XFS_ECX,  0,  8, XLC_XL_PLAIN,
      "core count minus one (leaf 0x80000008 ecx[7:0])" },
    { "apicidsize",   0x80000008, NA, XFS_ECX, 12,  4, XLC_XL_PLAIN,
      "APIC ID size (leaf 0x80000008 ecx[15:12])" },
    { "svm_npt",      0x8000000a, NA, XFS_EDX,  0,  1, XLC_XL_PLAIN,
      "not in the featureset: SVM nested paging (leaf 0x8000000a is not "
      "a featureset word)" },
    { "svm_lbrv",     0x8000000a, NA, XFS_EDX,  1,  1, XLC_XL_PLAIN,
      "not in the featureset: SVM LBR virtualisation (leaf 0x8000000a)" },
    { "svm_nrips",    0x8000000a, NA, XFS_EDX,  3,  1, XLC_XL_PLAIN,
      "not in the featureset: SVM next-RIP save (leaf 0x8000000a)" },
    { "svm_tscrate",  0x8000000a, NA, XFS_EDX,  4,  1, XLC_XL_PLAIN,
      "not in the featureset: SVM TSC rate MSR (leaf 0x8000000a)" },
    { "svm_vmcbclean", 0x8000000a, NA, XFS_EDX, 5,  1, XLC_XL_PLAIN,
      "not in the featureset: SVM VMCB clean bits (leaf 0x8000000a)" },
    { "svm_decode",   0x8000000a, NA, XFS_EDX,  7,  1, XLC_XL_PLAIN,
      "not in the featureset: SVM decode assists (leaf 0x8000000a)" },
    { "svm_pausefilt", 0x8000000a, NA, XFS_EDX, 10, 1, XLC_XL_PLAIN,
      "not in the featureset: SVM pause filter (leaf 0x8000000a)" },
    { "lfence+",      0x80000021, NA, XFS_EAX,  2,  1, XLC_XL_PLAIN,
      "LFENCE_DISPATCH" },
    { "maxhvleaf",    0x40000000, NA, XFS_EAX,  0,  8, XLC_XL_PLAIN,
      "highest hypervisor leaf, low 8 bits (leaf 0x40000000 eax[7:0])" },
};
/* clang-format on */

#define NR_LEGACY (sizeof(legacy) / sizeof(legacy[0]))

int xlc_xl_word_of(uint32_t leaf, uint32_t subleaf, enum xfs_reg reg)
{
    bool msr = reg == XFS_MSR_LO || reg == XFS_MSR_HI;

    for (unsigned int w = 0; w < XFS_NR_WORDS; w++) {
        const struct xfs_word_info *x = &xfs_words[w];

        if (x->src == (msr ? XFS_SRC_MSR : XFS_SRC_CPUID) &&
            x->leaf == leaf && x->reg == reg &&
            (msr || x->subleaf == subleaf))
            return (int)w;
    }
    return -1;
}

static void from_legacy(const struct legacy_entry *e, struct xlc_xl_name *o)
{
    int w = xlc_xl_word_of(e->leaf, e->subleaf, e->reg);

    memset(o, 0, sizeof(*o));
    strcpy(o->name, e->name);
    o->kind = XLC_XL_NAME_CPUID;
    o->leaf = e->leaf;
    o->subleaf = e->subleaf;
    o->reg = e->reg;
    o->bit = e->bit;
    o->width = e->width;
    o->layout = e->layout;
    o->feature = -1;
    if (w >= 0 && e->width == 1 && xfs_feature_by_value(w * 32u + e->bit))
        o->feature = (int)(w * 32u + e->bit);
    o->legacy = true;
    o->note = e->note;
}

/* Xen's name in libxl's spelling: lower case, '-' for '_'. */
static void libxl_spelling(const char *xen, char out[XLC_XL_NAME_MAX])
{
    size_t i;

    for (i = 0; xen[i] && i + 1 < XLC_XL_NAME_MAX; i++) {
        char c = xen[i];

        out[i] = c == '_' ? '-' : (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
    }
    out[i] = '\0';
}

static void from_feature(const struct xfs_feature_info *f,
                         struct xlc_xl_name *o)
{
    const struct xfs_word_info *w = &xfs_words[f->value / 32];

    memset(o, 0, sizeof(*o));
    libxl_spelling(f->name, o->name);
    o->leaf = w->leaf;
    o->bit = f->value % 32;
    o->reg = w->reg;
    if (w->src == XFS_SRC_MSR) {
        /* libxl puts both halves of a 64-bit MSR into one mask. */
        o->kind = XLC_XL_NAME_MSR;
        o->subleaf = XLC_XL_NO_SUBLEAF;
        if (w->reg == XFS_MSR_HI)
            o->bit += 32;
    } else {
        o->kind = XLC_XL_NAME_CPUID;
        o->subleaf = w->subleaf;
    }
    o->width = 1;
    o->layout = XLC_XL_PLAIN;
    o->feature = f->value;
}

static bool same_name(const char *table, const char *name, size_t len)
{
    return !strncmp(table, name, len) && table[len] == '\0';
}

int xlc_xl_name_lookup(const char *name, size_t len, struct xlc_xl_name *out)
{
    char spelt[XLC_XL_NAME_MAX];

    for (size_t i = 0; i < NR_LEGACY; i++)
        if (same_name(legacy[i].name, name, len)) {
            from_legacy(&legacy[i], out);
            return 0;
        }
    for (unsigned int i = 0; i < xfs_nr_features; i++) {
        libxl_spelling(xfs_features[i].name, spelt);
        if (same_name(spelt, name, len)) {
            from_feature(&xfs_features[i], out);
            return 0;
        }
    }
    return -ENOENT;
}

size_t xlc_xl_nr_names(void)
{
    return NR_LEGACY + xfs_nr_features;
}

void xlc_xl_name_at(size_t i, struct xlc_xl_name *out)
{
    if (i < NR_LEGACY)
        from_legacy(&legacy[i], out);
    else
        from_feature(&xfs_features[i - NR_LEGACY], out);
}

const char *xlc_xl_name_for_feature(unsigned int value,
                                    char buf[XLC_XL_NAME_MAX])
{
    const struct xfs_feature_info *f = xfs_feature_by_value(value);
    struct xlc_xl_name n;

    if (!f)
        return NULL;
    libxl_spelling(f->name, buf);
    /* The feature's own spelling, unless the legacy table takes it. */
    if (!xlc_xl_name_lookup(buf, strlen(buf), &n) && n.feature == (int)value)
        return buf;
    for (size_t i = 0; i < NR_LEGACY; i++) {
        from_legacy(&legacy[i], &n);
        if (n.feature == (int)value) {
            strcpy(buf, n.name);
            return buf;
        }
    }
    return NULL;
}

const char *xlc_xl_reg_name(enum xfs_reg reg)
{
    static const char *const names[] = { "eax", "ebx", "ecx", "edx",
                                         "lo", "hi" };

    return (unsigned int)reg < 6 ? names[reg] : "?";
}

/* The bits of its register a legacy entry writes. */
static uint32_t legacy_bits(const struct legacy_entry *e)
{
    switch (e->layout) {
    case XLC_XL_FAMILY: return 0x0ff00f00u;
    case XLC_XL_MODEL: return 0x000f00f0u;
    case XLC_XL_PLAIN: break;
    }
    return (e->width >= 32 ? 0xffffffffu : ((1u << e->width) - 1)) << e->bit;
}

size_t xlc_xl_fields_in(uint32_t leaf, uint32_t subleaf, enum xfs_reg reg,
                        uint32_t bits, const char **names, size_t max)
{
    size_t n = 0;

    for (size_t i = 0; i < NR_LEGACY; i++) {
        const struct legacy_entry *e = &legacy[i];

        if (e->leaf != leaf || e->subleaf != subleaf || e->reg != reg ||
            !(legacy_bits(e) & bits))
            continue;
        if (n < max)
            names[n] = e->name;
        n++;
    }
    return n;
}
