/* SPDX-License-Identifier: MIT */
/*
 * Feature-name lookup: Xen's names in every spelling style, each alias
 * against the CPUID bit its source tool defines it as, libvirt's installed
 * cpu_map as an oracle for its names, and the did-you-mean messages.
 */
#include <ctype.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "libxl_cpuid/names/feature-names.h"
#include "xen/lib/featureset.h"

/* ---- where a bit lives, independently of our feature numbering ---- */

#define NS XFS_NO_SUBLEAF
#define MSR_LO 0xfffffffeu /* pseudo "leaf" for MSR_ARCH_CAPABILITIES */

struct bit_ref {
    uint32_t leaf, subleaf;
    enum xfs_reg reg;
    unsigned int bit;
};

/* The featureset value of a (leaf, subleaf, register, bit), or -1. */
static int value_of(uint32_t leaf, uint32_t subleaf, enum xfs_reg reg,
                    unsigned int bit)
{
    for (unsigned int w = 0; w < XFS_NR_WORDS; w++) {
        const struct xfs_word_info *wi = &xfs_words[w];

        if (wi->leaf != leaf || wi->reg != reg)
            continue;
        if (wi->src == XFS_SRC_CPUID && wi->subleaf != XFS_NO_SUBLEAF &&
            wi->subleaf != subleaf)
            continue;
        return (int)(w * 32 + bit);
    }
    return -1;
}

static int ref_value(const struct bit_ref *r)
{
    if (r->leaf == MSR_LO)
        return value_of(XFS_MSR_ARCH_CAPABILITIES, 0, XFS_MSR_LO, r->bit);
    return value_of(r->leaf, r->subleaf, r->reg, r->bit);
}

/*
 * Spellings of other tools, with the bit each tool's own definition gives
 * (Linux arch/x86/include/asm/cpufeatures.h, QEMU's feature tables,
 * libvirt's cpu_map, the vendor manuals).  Every entry of the library's
 * alias table must appear here; entries that are not aliases check that
 * the normalisation alone handles that tool's spelling.
 */
static const struct {
    const char *name;
    struct bit_ref at;
} spellings[] = {
    /* aliases */
    { "dts", { 1, NS, XFS_EDX, 21 } },
    { "ht", { 1, NS, XFS_EDX, 28 } },
    { "tm", { 1, NS, XFS_EDX, 29 } },
    { "pni", { 1, NS, XFS_ECX, 0 } },
    { "pclmuldq", { 1, NS, XFS_ECX, 1 } },
    { "ds_cpl", { 1, NS, XFS_ECX, 4 } },
    { "ds-cpl", { 1, NS, XFS_ECX, 4 } },
    { "est", { 1, NS, XFS_ECX, 7 } },
    { "tsc_deadline_timer", { 1, NS, XFS_ECX, 24 } },
    { "aes", { 1, NS, XFS_ECX, 25 } },
    { "xd", { 0x80000001, NS, XFS_EDX, 20 } },
    { "fxsr_opt", { 0x80000001, NS, XFS_EDX, 25 } },
    { "fxsr-opt", { 0x80000001, NS, XFS_EDX, 25 } },
    { "pdpe1gb", { 0x80000001, NS, XFS_EDX, 26 } },
    { "i64", { 0x80000001, NS, XFS_EDX, 29 } },
    { "cr8legacy", { 0x80000001, NS, XFS_ECX, 4 } },
    { "lzcnt", { 0x80000001, NS, XFS_ECX, 5 } },
    { "prefetchw", { 0x80000001, NS, XFS_ECX, 8 } },
    { "bpext", { 0x80000001, NS, XFS_ECX, 26 } },
    { "mwaitx", { 0x80000001, NS, XFS_ECX, 29 } },
    { "fdp_excptn_only", { 7, 0, XFS_EBX, 6 } },
    { "fdp-excptn-only", { 7, 0, XFS_EBX, 6 } },
    { "cqm", { 7, 0, XFS_EBX, 12 } },
    { "cmt", { 7, 0, XFS_EBX, 12 } },
    { "zero_fcs_fds", { 7, 0, XFS_EBX, 13 } },
    { "rdt_a", { 7, 0, XFS_EBX, 15 } },
    { "avx512ifma", { 7, 0, XFS_EBX, 21 } },
    { "intel_pt", { 7, 0, XFS_EBX, 25 } },
    { "intel-pt", { 7, 0, XFS_EBX, 25 } },
    { "sha_ni", { 7, 0, XFS_EBX, 29 } },
    { "sha-ni", { 7, 0, XFS_EBX, 29 } },
    { "avx512vbmi", { 7, 0, XFS_ECX, 1 } },
    { "avx512vbmi2", { 7, 0, XFS_ECX, 6 } },
    { "shstk", { 7, 0, XFS_ECX, 7 } },
    { "avx512vnni", { 7, 0, XFS_ECX, 11 } },
    { "avx512bitalg", { 7, 0, XFS_ECX, 12 } },
    { "invtsc", { 0x80000007, NS, XFS_EDX, 8 } },
    { "xsaveerptr", { 0x80000008, NS, XFS_EBX, 2 } },
    { "amd_ibpb", { 0x80000008, NS, XFS_EBX, 12 } },
    { "amd_ibrs", { 0x80000008, NS, XFS_EBX, 14 } },
    { "amd_stibp_always_on", { 0x80000008, NS, XFS_EBX, 17 } },
    { "stibp-always-on", { 0x80000008, NS, XFS_EBX, 17 } },
    { "amd_ssb_no", { 0x80000008, NS, XFS_EBX, 26 } },
    { "amd-no-ssb", { 0x80000008, NS, XFS_EBX, 26 } },
    { "amd_psfd", { 0x80000008, NS, XFS_EBX, 28 } },
    { "amd-psfd", { 0x80000008, NS, XFS_EBX, 28 } },
    { "amd_ibpb_ret", { 0x80000008, NS, XFS_EBX, 30 } },
    { "hybrid_cpu", { 7, 0, XFS_EDX, 15 } },
    { "tsx-ldtrk", { 7, 0, XFS_EDX, 16 } },
    { "ibt", { 7, 0, XFS_EDX, 20 } },
    { "spec_ctrl", { 7, 0, XFS_EDX, 26 } },
    { "spec-ctrl", { 7, 0, XFS_EDX, 26 } },
    { "intel_stibp", { 7, 0, XFS_EDX, 27 } },
    { "flush_l1d", { 7, 0, XFS_EDX, 28 } },
    { "flush-l1d", { 7, 0, XFS_EDX, 28 } },
    { "arch_capabilities", { 7, 0, XFS_EDX, 29 } },
    { "arch-capabilities", { 7, 0, XFS_EDX, 29 } },
    { "core_capabilities", { 7, 0, XFS_EDX, 30 } },
    { "core-capability", { 7, 0, XFS_EDX, 30 } },
    { "spec_ctrl_ssbd", { 7, 0, XFS_EDX, 31 } },
    { "fsrc", { 7, 1, XFS_EAX, 12 } },
    { "lfence_rdtsc", { 0x80000021, NS, XFS_EAX, 2 } },
    { "lfence-always-serializing", { 0x80000021, NS, XFS_EAX, 2 } },
    { "null_sel_clr_base", { 0x80000021, NS, XFS_EAX, 6 } },
    { "null-sel-clr-base", { 0x80000021, NS, XFS_EAX, 6 } },
    { "autoibrs", { 0x80000021, NS, XFS_EAX, 8 } },
    { "srso_user_kernel_no", { 0x80000021, NS, XFS_EAX, 30 } },
    { "srso-user-kernel-no", { 0x80000021, NS, XFS_EAX, 30 } },
    { "srso_bp_spec_reduce", { 0x80000021, NS, XFS_EAX, 31 } },
    { "rdctl-no", { MSR_LO, 0, XFS_MSR_LO, 0 } },
    { "ibrs-all", { MSR_LO, 0, XFS_MSR_LO, 1 } },
    { "ibrs_enhanced", { MSR_LO, 0, XFS_MSR_LO, 1 } },
    { "skip-l1dfl-vmentry", { MSR_LO, 0, XFS_MSR_LO, 3 } },
    { "pschange-mc-no", { MSR_LO, 0, XFS_MSR_LO, 6 } },
    /* handled by normalisation alone */
    { "sse4.1", { 1, NS, XFS_ECX, 19 } },
    { "sse4-2", { 1, NS, XFS_ECX, 20 } },
    { "tsc-deadline", { 1, NS, XFS_ECX, 24 } },
    { "lahf_lm", { 0x80000001, NS, XFS_ECX, 0 } },
    { "lahf-lm", { 0x80000001, NS, XFS_ECX, 0 } },
    { "cmp_legacy", { 0x80000001, NS, XFS_ECX, 1 } },
    { "cr8_legacy", { 0x80000001, NS, XFS_ECX, 4 } },
    { "nodeid-msr", { 0x80000001, NS, XFS_ECX, 19 } },
    { "tsc-adjust", { 7, 0, XFS_EBX, 1 } },
    { "avx512_vbmi2", { 7, 0, XFS_ECX, 6 } },
    { "avx512_vnni", { 7, 0, XFS_ECX, 11 } },
    { "avx512-vpopcntdq", { 7, 0, XFS_ECX, 14 } },
    { "avx512-4vnniw", { 7, 0, XFS_EDX, 2 } },
    { "avx512-vp2intersect", { 7, 0, XFS_EDX, 8 } },
    { "md-clear", { 7, 0, XFS_EDX, 10 } },
    { "avx512-fp16", { 7, 0, XFS_EDX, 23 } },
    { "avx-vnni", { 7, 1, XFS_EAX, 4 } },
    { "avx512-bf16", { 7, 1, XFS_EAX, 5 } },
    { "virt-ssbd", { 0x80000008, NS, XFS_EBX, 25 } },
    { "amd-stibp", { 0x80000008, NS, XFS_EBX, 15 } },
    { "auto-ibrs", { 0x80000021, NS, XFS_EAX, 8 } },
    { "intel-psfd", { 7, 2, XFS_EDX, 0 } },
    { "bhi-ctrl", { 7, 2, XFS_EDX, 4 } },
    { "mds-no", { MSR_LO, 0, XFS_MSR_LO, 5 } },
    { "tsx-ctrl", { MSR_LO, 0, XFS_MSR_LO, 7 } },
    { "taa-no", { MSR_LO, 0, XFS_MSR_LO, 8 } },
    { "fb-clear", { MSR_LO, 0, XFS_MSR_LO, 17 } },
    { "rfds-clear", { MSR_LO, 0, XFS_MSR_LO, 28 } },
};

#define NR_SPELLINGS (sizeof(spellings) / sizeof(spellings[0]))

static unsigned int lookup_ok(const char *name)
{
    xlc_error err = { 0 };
    unsigned int v = ~0u;
    int r = xlc_feature_lookup(name, &v, &err);

    if (r)
        fail_msg("'%s': %d %s", name, r, err.msg);
    return v;
}

/* Lookup must fail with -ENOENT; returns the message. */
static const char *lookup_fails(const char *name)
{
    static xlc_error err;
    unsigned int v = 12345;
    int r = xlc_feature_lookup(name, &v, &err);

    if (r != -ENOENT)
        fail_msg("'%s': expected -ENOENT, got %d (value %u)", name, r, v);
    assert_int_equal(v, 12345);
    assert_int_equal(err.code, ENOENT);
    return err.msg;
}

/* ---- Xen's names ---- */

static void variant(char *out, const char *name, char sep, int casing)
{
    size_t i;

    for (i = 0; name[i]; i++) {
        char c = name[i] == '_' ? sep : name[i];

        if (casing == 1)
            c = (char)tolower((unsigned char)c);
        else if (casing == 2 && i % 2)
            c = (char)tolower((unsigned char)c);
        out[i] = c;
    }
    out[i] = '\0';
}

static void xen_names_find_themselves(void **state)
{
    static const char seps[] = { '_', '-', '.', ' ' };

    (void)state;
    for (unsigned int i = 0; i < xfs_nr_features; i++) {
        const struct xfs_feature_info *fi = &xfs_features[i];
        char buf[XLC_FEATURE_NAME_MAX], low[XLC_FEATURE_NAME_MAX];

        for (size_t s = 0; s < sizeof(seps); s++)
            for (int casing = 0; casing < 3; casing++) {
                variant(buf, fi->name, seps[s], casing);
                if (lookup_ok(buf) != fi->value)
                    fail_msg("'%s' did not find %s", buf, fi->name);
            }
        assert_string_equal(xlc_feature_name(fi->value), fi->name);
        variant(buf, fi->name, '_', 1);
        assert_ptr_equal(xlc_feature_name_lower(fi->value, low), low);
        assert_string_equal(low, buf);
    }
}

static void names_of_unnamed_values(void **state)
{
    char buf[XLC_FEATURE_NAME_MAX] = "untouched";

    (void)state;
    assert_null(xlc_feature_name(10));               /* 1d bit 10 */
    assert_null(xlc_feature_name(XFS_NR_FEATURE_BITS));
    assert_null(xlc_feature_name(~0u));
    assert_null(xlc_feature_name_lower(10, buf));
    assert_string_equal(buf, "untouched");
    assert_string_equal(xlc_feature_name(XFS_SSE4_1), "SSE4_1");
    assert_string_equal(xlc_feature_name_lower(XFS_3DNOWPREFETCH, buf),
                        "3dnowprefetch");
}

static void lenient_comparison(void **state)
{
    (void)state;
    assert_true(xlc_feature_names_match("SSE4_1", "sse4.1"));
    assert_true(xlc_feature_names_match("tsc deadline", "TSC-DEADLINE"));
    assert_true(xlc_feature_names_match("", ""));
    assert_false(xlc_feature_names_match("sse41", "SSE4_1"));
    assert_false(xlc_feature_names_match("sse4_", "sse4_1"));
    assert_false(xlc_feature_names_match("sse4_1", "sse4_"));
    assert_false(xlc_feature_names_match("sse4__1", "sse4_1"));
}

/* ---- aliases ---- */

static void spellings_resolve_to_their_bits(void **state)
{
    (void)state;
    for (size_t i = 0; i < NR_SPELLINGS; i++) {
        int want = ref_value(&spellings[i].at);
        unsigned int got;

        assert_true(want >= 0);
        got = lookup_ok(spellings[i].name);
        if (got != (unsigned int)want)
            fail_msg("'%s' resolved to %s (%u), its bit is %s (%d)",
                     spellings[i].name, xlc_feature_name(got), got,
                     xlc_feature_name((unsigned int)want), want);
    }
}

static void every_alias_is_checked_against_its_bit(void **state)
{
    (void)state;
    assert_true(xlc_nr_feature_aliases > 50);
    for (size_t a = 0; a < xlc_nr_feature_aliases; a++) {
        const struct xlc_feature_alias *al = &xlc_feature_aliases[a];
        bool checked = false;

        for (size_t i = 0; i < NR_SPELLINGS && !checked; i++)
            checked = !strcmp(spellings[i].name, al->alias) &&
                      ref_value(&spellings[i].at) == (int)al->value;
        if (!checked)
            fail_msg("alias '%s' has no bit reference in this test",
                     al->alias);
        assert_non_null(xlc_feature_name(al->value));
        assert_true(al->sources != 0);
        assert_true(al->sources < (XLC_ALIAS_MANUAL << 1));
    }
}

static void aliases_never_shadow_or_repeat(void **state)
{
    (void)state;
    for (size_t a = 0; a < xlc_nr_feature_aliases; a++) {
        const char *alias = xlc_feature_aliases[a].alias;

        for (unsigned int i = 0; i < xfs_nr_features; i++)
            if (xlc_feature_names_match(alias, xfs_features[i].name))
                fail_msg("alias '%s' is a spelling of Xen's %s", alias,
                         xfs_features[i].name);
        for (size_t b = a + 1; b < xlc_nr_feature_aliases; b++)
            if (xlc_feature_names_match(alias, xlc_feature_aliases[b].alias))
                fail_msg("alias '%s' listed twice ('%s')", alias,
                         xlc_feature_aliases[b].alias);
    }
}

static void alias_sources_have_names(void **state)
{
    (void)state;
    assert_string_equal(xlc_alias_source_name(XLC_ALIAS_LINUX), "linux");
    assert_string_equal(xlc_alias_source_name(XLC_ALIAS_LIBVIRT), "libvirt");
    assert_string_equal(xlc_alias_source_name(XLC_ALIAS_QEMU), "qemu");
    assert_string_equal(xlc_alias_source_name(XLC_ALIAS_MANUAL), "manual");
}

/* ---- libvirt's installed cpu_map as the oracle for its names ---- */

static const char *cpu_map_file(void)
{
    const char *dir = getenv("XFS_CPU_MAP");
    static char path[4096];

    snprintf(path, sizeof(path), "%s/x86_features.xml",
             dir ? dir : "/usr/share/libvirt/cpu_map");
    return path;
}

static bool attr_u32(xmlNode *n, const char *name, uint32_t *out)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    char *end;

    if (!v)
        return false;
    *out = (uint32_t)strtoul((const char *)v, &end, 0);
    if (*end)
        fail_msg("%s: bad %s='%s'", cpu_map_file(), name, (const char *)v);
    xmlFree(v);
    return true;
}

/* Featureset value of a libvirt <cpuid>/<msr> element, or -1. */
static int libvirt_bit(xmlNode *n, const char *feature)
{
    static const char *const regs[] = { "eax", "ebx", "ecx", "edx" };
    bool msr = !xmlStrcmp(n->name, (const xmlChar *)"msr");
    uint32_t leaf, sub = 0, mask;
    int value = -1, found = 0;

    if (!attr_u32(n, msr ? "index" : "eax_in", &leaf))
        fail_msg("%s: feature %s: no leaf/index", cpu_map_file(), feature);
    if (!msr)
        attr_u32(n, "ecx_in", &sub);
    for (int r = 0; r < 4; r++) {
        if (!attr_u32(n, regs[r], &mask) || !mask)
            continue;
        if (mask & (mask - 1))
            fail_msg("%s: feature %s has several bits", cpu_map_file(),
                     feature);
        found++;
        if (msr && leaf == XFS_MSR_ARCH_CAPABILITIES)
            value = value_of(leaf, 0, r == 0 ? XFS_MSR_LO : XFS_MSR_HI,
                             (unsigned int)__builtin_ctz(mask));
        else if (!msr)
            value = value_of(leaf, sub, (enum xfs_reg)r,
                             (unsigned int)__builtin_ctz(mask));
    }
    assert_int_equal(found, 1);
    return value;
}

/*
 * libvirt's "ssb-no" is ARCH_CAPABILITIES bit 4 (Xen's INTEL_SSB_NO) but
 * normalises to Xen's SSB_NO; Xen's name wins, as feature-names.c says.
 */
static bool xen_name_wins(const char *name, unsigned int got)
{
    return !strcmp(name, "ssb-no") && got == XFS_SSB_NO;
}

static void check_libvirt_name(const char *name, int want, unsigned int *nr)
{
    xlc_error err = { 0 };
    unsigned int got;
    int r = xlc_feature_lookup(name, &got, &err);

    if (want >= 0 && xfs_feature_by_value((unsigned int)want)) {
        if (r == 0 && xen_name_wins(name, got))
            return;
        if (r || got != (unsigned int)want)
            fail_msg("libvirt '%s' is %s; lookup gave %s", name,
                     xlc_feature_name((unsigned int)want),
                     r ? err.msg : xlc_feature_name(got));
        (*nr)++;
    } else if (r == 0 && (want < 0 || got != (unsigned int)want)) {
        /*
         * A bit Xen has no feature for: the name may find that very bit
         * (Xen's xen-cpuid names "ia64" too), never another one.
         */
        fail_msg("libvirt '%s' has no Xen feature but found %u*32+%u", name,
                 got / 32, got % 32);
    }
}

static void libvirt_cpu_map_names(void **state)
{
    xmlDoc *doc;
    xmlNode *root;
    unsigned int checked = 0, features = 0;

    (void)state;
    doc = xmlReadFile(cpu_map_file(), NULL, XML_PARSE_NONET);
    if (!doc)
        fail_msg("cannot parse %s", cpu_map_file());
    assert_null(doc->intSubset); /* no DOCTYPE */
    root = xmlDocGetRootElement(doc);
    for (xmlNode *f = root->children; f; f = f->next) {
        xmlChar *name;
        int want = -1;

        if (f->type != XML_ELEMENT_NODE ||
            xmlStrcmp(f->name, (const xmlChar *)"feature"))
            continue;
        name = xmlGetProp(f, (const xmlChar *)"name");
        for (xmlNode *c = f->children; c; c = c->next)
            if (c->type == XML_ELEMENT_NODE &&
                (!xmlStrcmp(c->name, (const xmlChar *)"cpuid") ||
                 !xmlStrcmp(c->name, (const xmlChar *)"msr")))
                want = libvirt_bit(c, (const char *)name);
        features++;
        check_libvirt_name((const char *)name, want, &checked);
        for (xmlNode *c = f->children; c; c = c->next) {
            xmlChar *alias;

            if (c->type != XML_ELEMENT_NODE ||
                xmlStrcmp(c->name, (const xmlChar *)"alias"))
                continue;
            alias = xmlGetProp(c, (const xmlChar *)"name");
            check_libvirt_name((const char *)alias, want, &checked);
            xmlFree(alias);
        }
        xmlFree(name);
    }
    xmlFreeDoc(doc);
    print_message("libvirt cpu_map: %u features, %u names mapped to Xen "
                  "features\n", features, checked);
    /* The Debian 12 cpu_map has well over a hundred Xen-known names. */
    assert_true(checked > 150);
}

/* ---- unknown names ---- */

static void unknown_names_get_suggestions(void **state)
{
    (void)state;
    /* "sse41" itself is Xen's xen-cpuid spelling (test_xen_tool_names). */
    assert_non_null(strstr(lookup_fails("sse14"),
                           "unknown feature 'sse14'; did you mean 'sse41' "
                           "(SSE4_1)?"));
    assert_non_null(strstr(lookup_fails("avx512vpopcntdq"),
                           "did you mean 'AVX512_VPOPCNTDQ'?"));
    assert_non_null(strstr(lookup_fails("tsc_deadlin"),
                           "did you mean 'TSC_DEADLINE'?"));
    /* Near only an alias: the alias is shown with the Xen name. */
    assert_non_null(strstr(lookup_fails("pclmuldw"),
                           "did you mean 'pclmuldq' (PCLMULQDQ)?"));
    /* Near both: Xen's name is the hint (a transposition is one edit). */
    assert_non_null(strstr(lookup_fails("pclmuldqq"),
                           "did you mean 'PCLMULQDQ'?"));
    assert_non_null(strstr(lookup_fails("ssbe3"), "'SSSE3'"));
    assert_non_null(strstr(lookup_fails("sees3"), "'SSE3'"));
    /* Ties are all offered. */
    assert_non_null(strstr(lookup_fails("ibrsx"), "'IBRS' or 'IBRSB'"));
}

static void hopeless_names_get_no_suggestion(void **state)
{
    char long_name[1000];

    (void)state;
    assert_string_equal(lookup_fails("xyzzy"), "unknown feature 'xyzzy'");
    assert_string_equal(lookup_fails("frobnicate"),
                        "unknown feature 'frobnicate'");
    memset(long_name, 'q', sizeof(long_name) - 1);
    long_name[sizeof(long_name) - 1] = '\0';
    assert_non_null(strstr(lookup_fails(long_name), "qqq...'"));
    /* Near a name, but with no separator: still no silent match. */
    lookup_fails("sse4_1_");
    lookup_fails(" sse");
}

static void empty_names_are_invalid(void **state)
{
    xlc_error err = { 0 };
    unsigned int v;

    (void)state;
    assert_int_equal(xlc_feature_lookup("", &v, &err), -EINVAL);
    assert_int_equal(err.code, EINVAL);
    assert_int_equal(xlc_feature_lookup(NULL, &v, &err), -EINVAL);
    assert_int_equal(xlc_feature_lookup("nonsense", &v, NULL), -ENOENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(xen_names_find_themselves),
        cmocka_unit_test(names_of_unnamed_values),
        cmocka_unit_test(lenient_comparison),
        cmocka_unit_test(spellings_resolve_to_their_bits),
        cmocka_unit_test(every_alias_is_checked_against_its_bit),
        cmocka_unit_test(aliases_never_shadow_or_repeat),
        cmocka_unit_test(alias_sources_have_names),
        cmocka_unit_test(libvirt_cpu_map_names),
        cmocka_unit_test(unknown_names_get_suggestions),
        cmocka_unit_test(hopeless_names_get_no_suggestion),
        cmocka_unit_test(empty_names_are_invalid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
