/* SPDX-License-Identifier: MIT */
/*
 * The names of xl's libxl-form cpuid= option.
 *
 * libxl looks a name up in two places, in this order:
 *  1. its own table (below): the numeric fields (family, model, ...) and
 *     older spellings kept for compatibility ("sse4.1", "cmpxchg16",
 *     "lahfsahf", "svm_npt", ...), some of them for bits that are not in
 *     the featureset at all;
 *  2. every feature of the annotated list, lower case with '_' written
 *     '-' ("lahf-lm", "tsc-adjust", "rfds-no").  Features in the MSR words
 *     go to the MSR list instead of a CPUID entry.
 * Both compare with strcmp: "SSE3" and "lahf_lm" are unknown names, and a
 * table name wins over a feature of the same spelling ("clflush" is the
 * 8-bit line-size field, the feature is "clfsh").
 *
 * Facts (leaf, register, bit, width) match libxenlight 4.17; the table
 * test checks every 1-bit row against the annotated list, and
 * test_xl_diff.c checks every row against the installed library.
 */
#include <ctype.h>
#include <string.h>

#include "xl-cpuid.h"

#define NS XLC_XL_NO_SUBLEAF
#define A XFS_EAX
#define B XFS_EBX
#define C XFS_ECX
#define D XFS_EDX

/* A 1-bit row naming a featureset bit. */
#define F(n, l, s, r, b) { n, l, s, r, b, 1, NULL }
/* A multi-bit numeric field (never a featureset bit). */
#define N(n, l, s, r, b, w) { n, l, s, r, b, w, NULL }
/* A 1-bit row outside the featureset, and why. */
#define X(n, l, s, r, b, why) { n, l, s, r, b, 1, why }

static const char NO_WORD[] = "its leaf/register is not a featureset word";
static const char NOT_LISTED[] =
    "reserved or model-specific: not in Xen's feature list";

/* clang-format off */
const struct xlc_xl_name xlc_xl_names[] = {
    N("maxleaf",      0x00000000, NS, A,  0, 32),
    /* family and model are split across the base and extended fields of
     * leaf 1 EAX; xl-cpuid-parse.c places them. */
    N("stepping",     0x00000001, NS, A,  0,  4),
    N("model",        0x00000001, NS, A,  4,  8),
    N("family",       0x00000001, NS, A,  8,  8),
    N("brandid",      0x00000001, NS, B,  0,  8),
    N("clflush",      0x00000001, NS, B,  8,  8),
    N("proccount",    0x00000001, NS, B, 16,  8),
    N("localapicid",  0x00000001, NS, B, 24,  8),

    F("est",          0x00000001, NS, C,  7),
    X("cntxid",       0x00000001, NS, C, 10, NOT_LISTED),
    F("cmpxchg16",    0x00000001, NS, C, 13),
    F("sse4_1",       0x00000001, NS, C, 19),
    F("sse4.1",       0x00000001, NS, C, 19),
    F("sse4_2",       0x00000001, NS, C, 20),
    F("sse4.2",       0x00000001, NS, C, 20),
    F("aes",          0x00000001, NS, C, 25),

    F("cmpxchg8",     0x00000001, NS, D,  8),
    F("sysenter",     0x00000001, NS, D, 11),
    X("psn",          0x00000001, NS, D, 18, NOT_LISTED),
    F("clfsh",        0x00000001, NS, D, 19),
    F("tm",           0x00000001, NS, D, 29),
    X("ia64",         0x00000001, NS, D, 30, NOT_LISTED),

    X("arat",         0x00000006, NS, A,  2, NO_WORD),

    F("tsc_adjust",   0x00000007,  0, B,  1),
    F("cmt",          0x00000007,  0, B, 12),

    F("lahfsahf",     0x80000001, NS, C,  0),
    F("cmplegacy",    0x80000001, NS, C,  1),
    F("altmovcr8",    0x80000001, NS, C,  4),
    F("nodeid",       0x80000001, NS, C, 19),
    X("perfctr_core", 0x80000001, NS, C, 23, NOT_LISTED),
    X("perfctr_nb",   0x80000001, NS, C, 24, NOT_LISTED),

    N("procpkg",      0x00000004,  0, A, 26,  6),

    F("invtsc",       0x80000007, NS, D,  8),

    F("ppin",         0x80000008, NS, B, 23),

    N("nc",           0x80000008, NS, C,  0,  8),
    N("apicidsize",   0x80000008, NS, C, 12,  4),

    X("svm_npt",      0x8000000a, NS, D,  0, NO_WORD),
    X("svm_lbrv",     0x8000000a, NS, D,  1, NO_WORD),
    X("svm_nrips",    0x8000000a, NS, D,  3, NO_WORD),
    X("svm_tscrate",  0x8000000a, NS, D,  4, NO_WORD),
    X("svm_vmcbclean",0x8000000a, NS, D,  5, NO_WORD),
    X("svm_decode",   0x8000000a, NS, D,  7, NO_WORD),
    X("svm_pausefilt",0x8000000a, NS, D, 10, NO_WORD),

    F("lfence+",      0x80000021, NS, A,  2),

    N("maxhvleaf",    0x40000000, NS, A,  0,  8),
};
/* clang-format on */

const size_t xlc_xl_nr_names = sizeof(xlc_xl_names) / sizeof(xlc_xl_names[0]);

/* Names as long as this or longer are not xl's (they never were). */
#define XL_NAME_ROOM (XLC_XL_REG_CHARS + 8)

/* A character of Xen's name as xl spells it. */
static char xl_char(char c)
{
    return c == '_' ? '-' : (char)tolower((unsigned char)c);
}

const char *xlc_xl_feature_name(unsigned int feature, char *buf, size_t n)
{
    const struct xfs_feature_info *fi = xfs_feature_by_value(feature);
    size_t len;

    if (!fi || (len = strlen(fi->name)) >= n)
        return NULL;
    for (size_t i = 0; i <= len; i++)
        buf[i] = xl_char(fi->name[i]);
    return buf;
}

/* Xen's `xen` name, spelt as xl spells it (and shorter than `room`), is
 * name[0..len): compared in place, lengths first. */
static bool xl_spelling_is(const char *xen, size_t room, const char *name,
                           size_t len)
{
    if (len >= room || strlen(xen) != len)
        return false;
    for (size_t i = 0; i < len; i++)
        if (xl_char(xen[i]) != name[i])
            return false;
    return true;
}

static bool name_is(const char *want, const char *name, size_t len)
{
    return strlen(want) == len && memcmp(want, name, len) == 0;
}

/* A feature of the annotated list, placed through its word. */
static bool feature_field(unsigned int v, struct xlc_xl_field *out)
{
    const struct xfs_word_info *w = &xfs_words[v / 32];

    memset(out, 0, sizeof(*out));
    out->is_feature = true;
    out->feature = v;
    if (w->src == XFS_SRC_MSR) {
        out->msr = true;
        out->msr_index = w->leaf;
        out->f.bit = (uint8_t)(v % 32 + (w->reg == XFS_MSR_HI ? 32 : 0));
        out->f.width = 1;
        return true;
    }
    out->f.leaf = w->leaf;
    out->f.subleaf = w->subleaf;
    out->f.reg = w->reg;
    out->f.bit = (uint8_t)(v % 32);
    out->f.width = 1;
    return true;
}

bool xlc_xl_name_lookup(const char *name, size_t len,
                        struct xlc_xl_field *out)
{
    for (size_t i = 0; i < xlc_xl_nr_names; i++)
        if (name_is(xlc_xl_names[i].name, name, len)) {
            memset(out, 0, sizeof(*out));
            out->f = xlc_xl_names[i];
            return true;
        }
    for (unsigned int i = 0; i < xfs_nr_features; i++)
        if (xl_spelling_is(xfs_features[i].name, XL_NAME_ROOM, name, len))
            return feature_field(xfs_features[i].value, out);
    return false;
}
