/* SPDX-License-Identifier: MIT */
/*
 * Xen 4.17's xen-cpuid names bits its own way ("sse41", "pg1g", "psn").
 * The installed tool is the oracle: it decodes every single-bit
 * featureset, and for every bit the spelling it prints must be
 * xlc_xen_tool_name()'s, and our name lookup must take that spelling back
 * to the bit.  The spelling table in feature-names.c is also checked for
 * entries that say nothing new or contradict themselves.
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
#include <unistd.h>

#include <cmocka.h>

#include "../helpers/tool-run.h"
#include "libxl_cpuid/names/feature-names.h"
#include "xen/lib/featureset.h"

#define XEN_TOOL "/usr/lib/xen-4.17/bin/xen-cpuid"
#define NR_BITS XFS_NR_FEATURE_BITS

/* What Xen's tool prints for each single bit: a name or "<B>". */
static char xen_token[NR_BITS][XLC_FEATURE_NAME_MAX];

/* "0:0:...:1<<b" for bit v. */
static char *single_bit(unsigned int v)
{
    char *s = malloc((v / 32 + 1) * 9 + 1);
    size_t used = 0;

    assert_non_null(s);
    for (unsigned int w = 0; w <= v / 32; w++)
        used += (size_t)sprintf(s + used, "%s%08x", w ? ":" : "",
                                w == v / 32 ? 1u << (v % 32) : 0);
    return s;
}

/* The token at the end of the last detail line of each "Raw" block. */
static void parse_oracle(const char *out)
{
    const char *p = out;
    unsigned int v = 0;

    while ((p = strstr(p, "Raw ")) != NULL) {
        const char *next = strstr(p + 4, "\nRaw ");
        const char *end = next ? next : p + strlen(p);
        const char *tok;

        if (end > p && end[-1] == '\n')
            end--;
        tok = end;
        while (tok > p && tok[-1] != ' ')
            tok--;
        tok--;
        assert_true(tok > p && tok < end);
        assert_true(v < NR_BITS);
        assert_true((size_t)(end - tok - 1) < XLC_FEATURE_NAME_MAX);
        memcpy(xen_token[v], tok + 1, (size_t)(end - tok - 1));
        xen_token[v][end - tok - 1] = '\0';
        v++;
        p = end;
    }
    assert_int_equal(v, NR_BITS);
}

static int ask_xen_tool(void **state)
{
    const char **argv = calloc(NR_BITS + 2, sizeof(*argv));
    char *out, *err;
    int rc;

    (void)state;
    if (access(XEN_TOOL, X_OK)) {
        fprintf(stderr, "%s is missing: install xen-utils-4.17 (make deps)\n",
                XEN_TOOL);
        return -1;
    }
    assert_non_null(argv);
    argv[0] = "xen-cpuid";
    for (unsigned int v = 0; v < NR_BITS; v++)
        argv[v + 1] = single_bit(v);
    rc = tool_exec(XEN_TOOL, argv, &out, &err);
    assert_int_equal(rc, 0);
    assert_string_equal(err, "");
    parse_oracle(out);
    for (unsigned int v = 0; v < NR_BITS; v++)
        free((char *)argv[v + 1]);
    free(argv);
    free(out);
    free(err);
    return 0;
}

static bool unnamed(unsigned int v)
{
    return xen_token[v][0] == '<';
}

/* ---- printing: our spelling of every bit is the tool's ---- */

static void spellings_match_the_tool(void **state)
{
    unsigned int named = 0;

    (void)state;
    for (unsigned int v = 0; v < NR_BITS; v++) {
        char buf[XLC_FEATURE_NAME_MAX], want[16];
        const char *ours = xlc_xen_tool_name(v, buf);

        snprintf(want, sizeof(want), "<%u>", v % 32);
        if (unnamed(v)) {
            assert_string_equal(xen_token[v], want);
            if (ours)
                fail_msg("%u*32+%u: Xen's tool has no name, we say '%s'",
                         v / 32, v % 32, ours);
            continue;
        }
        named++;
        if (!ours || strcmp(ours, xen_token[v]))
            fail_msg("%u*32+%u: Xen's tool says '%s', we say '%s'", v / 32,
                     v % 32, xen_token[v], ours ? ours : "(nothing)");
    }
    print_message("Xen's tool names %u of %u bits\n", named, NR_BITS);
    /* Every feature of ours is among them. */
    for (unsigned int i = 0; i < xfs_nr_features; i++)
        assert_false(unnamed(xfs_features[i].value));
}

/* ---- lookup: every spelling the tool prints finds its bit ---- */

/* Bits the tool prints as `token`. */
static unsigned int printed_as(const char *token, unsigned int *bits)
{
    unsigned int n = 0;

    for (unsigned int v = 0; v < NR_BITS; v++)
        if (!strcmp(xen_token[v], token))
            bits[n++] = v;
    return n;
}

static void upper(char *out, const char *in)
{
    while ((*out++ = (char)toupper((unsigned char)*in++)))
        ;
}

static void check_lookup(unsigned int v)
{
    unsigned int got[8], same[8], nsame = printed_as(xen_token[v], same);
    const struct xlc_xen_tool_spelling *other = xlc_xen_tool_other_bit(v);
    xlc_error err = { 0 };
    char up[XLC_FEATURE_NAME_MAX];
    int n = xlc_feature_lookup_bits(xen_token[v], got, 8, &err);
    bool found = false;

    if (n < 1)
        fail_msg("'%s' (%u*32+%u): %s", xen_token[v], v / 32, v % 32,
                 err.msg);
    for (int i = 0; i < n; i++)
        found |= got[i] == v;
    /* AMD's copy of FPU is printed "fpu" too: that spelling means FPU. */
    if (!found && other && other->amd_copy) {
        assert_int_equal(n, 1);
        assert_int_equal(got[0], v - 64);
        assert_string_equal(xen_token[v - 64], xen_token[v]);
        found = true;
    }
    if (!found)
        fail_msg("'%s' did not find %u*32+%u", xen_token[v], v / 32, v % 32);
    /* Every bit it finds is one the tool prints so. */
    for (int i = 0; i < n; i++) {
        bool printed = false;

        for (unsigned int k = 0; k < nsame; k++)
            printed |= same[k] == got[i];
        if (!printed)
            fail_msg("'%s' also found %u*32+%u, which Xen's tool prints "
                     "as '%s'", xen_token[v], got[i] / 32, got[i] % 32,
                     xen_token[got[i]]);
    }
    /* Leniently: case does not matter. */
    upper(up, xen_token[v]);
    assert_int_equal(xlc_feature_lookup_bits(up, got, 8, &err), n);
}

static void tool_spellings_resolve(void **state)
{
    (void)state;
    for (unsigned int v = 0; v < NR_BITS; v++)
        if (!unnamed(v))
            check_lookup(v);
}

/* The spellings that stand for several bits, and what lookup says. */
static void shared_spellings(void **state)
{
    unsigned int bits[8], v;
    xlc_error err = { 0 };

    (void)state;
    /* "ppin" is two features: the single lookup refuses to guess. */
    assert_int_equal(printed_as("ppin", bits), 2);
    assert_int_equal(bits[0], XFS_AMD_PPIN);
    assert_int_equal(bits[1], XFS_INTEL_PPIN);
    assert_int_equal(xlc_feature_lookup_bits("ppin", bits, 8, &err), 2);
    assert_int_equal(bits[0], XFS_AMD_PPIN);
    assert_int_equal(bits[1], XFS_INTEL_PPIN);
    assert_int_equal(xlc_feature_lookup("ppin", &v, &err), -EINVAL);
    assert_string_equal(err.msg, "feature name 'ppin' is ambiguous: it "
                                 "stands for AMD_PPIN (8*32+23) or "
                                 "INTEL_PPIN (12*32+0); use one of those "
                                 "names");
    /* "fpu" is FPU, though the tool prints its AMD copy so too. */
    assert_int_equal(printed_as("fpu", bits), 2);
    assert_int_equal(xlc_feature_lookup("fpu", &v, &err), 0);
    assert_int_equal(v, XFS_FPU);
    /* Copies spelled otherwise, and bits of no feature, are found. */
    assert_int_equal(xlc_feature_lookup("fcmov", &v, &err), 0);
    assert_int_equal(v, 2 * 32 + 16);
    assert_int_equal(xlc_feature_lookup("PSN", &v, &err), 0);
    assert_int_equal(v, 18);
    assert_null(xlc_feature_name(v));
    assert_int_equal(xlc_feature_lookup("sse41", &v, &err), 0);
    assert_int_equal(v, XFS_SSE4_1);
}

/* Typos near a tool spelling get it as a suggestion. */
static void suggestions(void **state)
{
    unsigned int v;
    xlc_error err = { 0 };

    (void)state;
    assert_int_equal(xlc_feature_lookup("psx", &v, &err), -ENOENT);
    assert_string_equal(err.msg, "unknown feature 'psx'; did you mean 'PSE' "
                                 "or 'psn' (0*32+18)?");
    /* Near Xen's name and the tool's spelling of one bit: one hint. */
    assert_int_equal(xlc_feature_lookup("movbee", &v, &err), -ENOENT);
    assert_string_equal(err.msg, "unknown feature 'movbee'; did you mean "
                                 "'MOVBE'?");
    assert_int_equal(xlc_feature_lookup("tsc-dll", &v, &err), -ENOENT);
    assert_string_equal(err.msg, "unknown feature 'tsc-dll'; did you mean "
                                 "'tsc-dl' (TSC_DEADLINE)?");
    assert_int_equal(xlc_feature_lookup("3dnowpff", &v, &err), -ENOENT);
    assert_string_equal(err.msg, "unknown feature '3dnowpff'; did you mean "
                                 "'3dnowpf' (3DNOWPREFETCH)?");
}

/* ---- the table itself ---- */

static void table_is_minimal_and_consistent(void **state)
{
    (void)state;
    assert_true(xlc_nr_xen_tool_spellings > 50);
    for (size_t i = 0; i < xlc_nr_xen_tool_spellings; i++) {
        const struct xlc_xen_tool_spelling *sp = &xlc_xen_tool_spellings[i];
        const char *feature = xlc_feature_name(sp->value);
        char derived[XLC_FEATURE_NAME_MAX];

        assert_true(sp->value < NR_BITS);
        for (size_t k = i + 1; k < xlc_nr_xen_tool_spellings; k++)
            if (xlc_xen_tool_spellings[k].value == sp->value)
                fail_msg("%u*32+%u listed twice", sp->value / 32,
                         sp->value % 32);
        if (feature) {
            /* A feature's entry must differ from the derived spelling. */
            assert_null(sp->what);
            assert_false(sp->amd_copy);
            xlc_feature_name_lower(sp->value, derived);
            for (char *c = derived; *c; c++)
                *c = *c == '_' ? '-' : *c;
            if (!strcmp(derived, sp->spelling))
                fail_msg("'%s': the rule already spells %s so",
                         sp->spelling, feature);
            continue;
        }
        /* A bit without a feature: what it is, or whose copy. */
        assert_true(!sp->what != !sp->amd_copy);
        if (sp->amd_copy) {
            assert_int_equal(sp->value / 32, 2);
            assert_non_null(xlc_feature_name(sp->value - 64));
        }
        assert_ptr_equal(xlc_xen_tool_other_bit(sp->value), sp);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(spellings_match_the_tool),
        cmocka_unit_test(tool_spellings_resolve),
        cmocka_unit_test(shared_spellings),
        cmocka_unit_test(suggestions),
        cmocka_unit_test(table_is_minimal_and_consistent),
    };

    return cmocka_run_group_tests(tests, ask_xen_tool, NULL);
}
