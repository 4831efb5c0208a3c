/* SPDX-License-Identifier: MIT */
/*
 * The libxl name table against the installed libxenlight and against our
 * feature list:
 *  - the names libxl accepts are exactly ours: every string stored in
 *    libxenlight.so (and every suffix of one, since the linker shares
 *    string tails) is tried as NAME=x on both sides;
 *  - every single-bit CPUID name lands on a featureset bit that is a known
 *    feature (legacy spellings name the very feature they mean), or is
 *    one of the documented names that are not in the featureset;
 *  - every feature has a name that makes libxl set exactly its bit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers/xl-oracle.h"
#include "libxl_cpuid/feature-names.h"
#include "libxl_cpuid/xl-cpuid-apply.h"
#include "libxl_cpuid/xl-cpuid.h"

/* libxl's own leaks (masks it overwrites) are not ours to report. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libxenlight.so\n";
}

static bool ours_accepts(const char *name)
{
    struct xlc_xl_name n;

    return !xlc_xl_name_lookup(name, strlen(name), &n);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    assert_true(n > 0);
    rewind(f);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    buf[n] = '\0';
    *len = (size_t)n;
    return buf;
}

static bool printable_name_char(unsigned char c)
{
    return c > 0x20 && c < 0x7f && c != '=';
}

/* Every NUL-terminated printable string in the library, and its tails. */
static void test_name_set_is_libxl_set(void **state)
{
    const char *path = xo_library_path();
    size_t len, tried = 0, accepted = 0;
    char *buf, item[256];
    xo_list *l = xo_new();

    (void)state;
    assert_non_null(path);
    buf = read_file(path, &len);
    for (size_t end = 0; end < len; end++) {
        size_t start = end;

        if (buf[end] != '\0')
            continue;
        while (start > 0 && printable_name_char((unsigned char)buf[start - 1]) &&
               end - start < 64)
            start--;
        for (size_t s = start; s < end; s++) {
            bool lx, us;

            snprintf(item, sizeof(item), "%s=x", buf + s);
            lx = xo_add(l, item, false) == 0;
            us = ours_accepts(buf + s);
            if (lx != us)
                fail_msg("'%s': libxl %s, ours %s", buf + s,
                         lx ? "accepts" : "refuses", us ? "accepts" : "refuses");
            tried++;
            accepted += lx;
        }
    }
    free(buf);
    xo_free(l);
    /* Each accepted name is found at least once; the table has no extra. */
    assert_true(tried > 10000);
    assert_true(accepted >= xlc_xl_nr_names());
    for (size_t i = 0; i < xlc_xl_nr_names(); i++) {
        struct xlc_xl_name n;
        xo_list *one = xo_new();

        xlc_xl_name_at(i, &n);
        snprintf(item, sizeof(item), "%s=x", n.name);
        if (xo_add(one, item, false))
            fail_msg("libxl refuses our name '%s'", n.name);
        xo_free(one);
    }
}

/* Names documented as naming no feature of the featureset. */
static const char *const not_in_featureset[] = {
    "cntxid", "psn", "ia64", "arat", "perfctr_core", "perfctr_nb",
    "svm_npt", "svm_lbrv", "svm_nrips", "svm_tscrate", "svm_vmcbclean",
    "svm_decode", "svm_pausefilt",
};

static bool documented_outside(const char *name)
{
    for (size_t i = 0; i < sizeof(not_in_featureset) / sizeof(*not_in_featureset);
         i++)
        if (!strcmp(not_in_featureset[i], name))
            return true;
    return false;
}

static int word_of(const struct xlc_xl_name *n)
{
    for (unsigned int w = 0; w < XFS_NR_WORDS; w++) {
        const struct xfs_word_info *x = &xfs_words[w];

        if (n->kind == XLC_XL_NAME_MSR
                ? x->src == XFS_SRC_MSR && x->leaf == n->leaf &&
                      x->reg == (n->bit < 32 ? XFS_MSR_LO : XFS_MSR_HI)
                : x->src == XFS_SRC_CPUID && x->leaf == n->leaf &&
                      x->subleaf == n->subleaf && x->reg == n->reg)
            return (int)w;
    }
    return -1;
}

static void test_single_bits_land_on_features(void **state)
{
    size_t outside = 0, legacy = 0;

    (void)state;
    for (size_t i = 0; i < xlc_xl_nr_names(); i++) {
        struct xlc_xl_name n;
        int w;

        xlc_xl_name_at(i, &n);
        legacy += n.legacy;
        if (n.width != 1)
            continue;
        w = word_of(&n);
        if (w >= 0 && xfs_feature_by_value((unsigned int)w * 32 + n.bit % 32)) {
            unsigned int v = (unsigned int)w * 32 + n.bit % 32;

            if (n.feature != (int)v)
                fail_msg("%s: feature %d, bit is %u", n.name, n.feature, v);
            /* A legacy spelling names the feature it is. */
            if (n.legacy && strcmp(n.note, xlc_feature_name(v)))
                fail_msg("%s: note '%s' but the bit is %s", n.name, n.note,
                         xlc_feature_name(v));
            if (documented_outside(n.name))
                fail_msg("%s is documented as outside but is %s", n.name,
                         xlc_feature_name(v));
            continue;
        }
        if (n.feature != -1 || !n.legacy || !documented_outside(n.name) ||
            strncmp(n.note, "not in the featureset", 21))
            fail_msg("%s (leaf 0x%x %s bit %u) is no known feature and not "
                     "documented as such", n.name, n.leaf,
                     xlc_xl_reg_name(n.reg), n.bit);
        outside++;
    }
    assert_int_equal(outside, sizeof(not_in_featureset) /
                                  sizeof(*not_in_featureset));
    assert_int_equal(legacy, 45);
    assert_int_equal(xlc_xl_nr_names(), 45 + xfs_nr_features);
}

/* Every feature's libxl name sets exactly its bit, in libxl too. */
static void test_every_feature_has_a_name(void **state)
{
    (void)state;
    for (unsigned int i = 0; i < xfs_nr_features; i++) {
        unsigned int v = xfs_features[i].value;
        struct xlc_xl_list l = XLC_XL_LIST_INIT;
        struct xlc_xl_masks m;
        char name[XLC_XL_NAME_MAX], item[64], *ours, *theirs;
        uint32_t on[XFS_NR_WORDS] = { 0 };
        xlc_error err = { 0 };
        xo_list *lx = xo_new();

        assert_non_null(xlc_xl_name_for_feature(v, name));
        snprintf(item, sizeof(item), "%s=1", name);
        assert_int_equal(xlc_xl_parse_config(&l, item, NULL, &err), 0);
        assert_int_equal(xo_add(lx, item, false), 0);
        ours = xlc_xl_list_json(&l);
        theirs = xo_json(lx);
        assert_string_equal(ours, theirs);
        assert_int_equal(xlc_xl_masks_from_list(&l, &m, &err), 0);
        for (size_t k = 0; k < m.nr_leaves; k++)
            for (int r = XFS_EAX; r <= XFS_EDX; r++)
                if (m.leaves[k].r[r].one) {
                    assert_true(m.leaves[k].r[r].word >= 0);
                    on[m.leaves[k].r[r].word] |= m.leaves[k].r[r].one;
                }
        for (size_t k = 0; k < m.nr_msrs; k++)
            for (int h = 0; h < 2; h++)
                if (m.msrs[k].r[h].one)
                    on[m.msrs[k].r[h].word] |= m.msrs[k].r[h].one;
        assert_int_equal(xfs_popcount(on, XFS_NR_WORDS), 1);
        if (!xfs_test(on, XFS_NR_WORDS, v))
            fail_msg("%s=1 does not set %s", name, xfs_features[i].name);
        xlc_xl_masks_free(&m);
        xlc_xl_list_free(&l);
        free(ours);
        free(theirs);
        xo_free(lx);
    }
}

static void test_spellings(void **state)
{
    char name[XLC_XL_NAME_MAX];
    struct xlc_xl_name n;

    (void)state;
    assert_string_equal(xlc_xl_name_for_feature(XFS_SSE4_1, name), "sse4-1");
    assert_string_equal(xlc_xl_name_for_feature(XFS_LAHF_LM, name), "lahf-lm");
    assert_string_equal(xlc_xl_name_for_feature(XFS_RDCL_NO, name), "rdcl-no");
    /* "clflush" is the line-size field: the flag is "clfsh". */
    assert_string_equal(xlc_xl_name_for_feature(XFS_CLFLUSH, name), "clfsh");
    assert_int_equal(xlc_xl_name_lookup("clflush", 7, &n), 0);
    assert_int_equal(n.width, 8);
    assert_int_equal(n.reg, XFS_EBX);
    assert_int_equal(n.feature, -1);
    /* Exact spelling only. */
    assert_int_not_equal(xlc_xl_name_lookup("AVX2", 4, &n), 0);
    assert_int_not_equal(xlc_xl_name_lookup("sse4_1x", 7, &n), 0);
    assert_int_equal(xlc_xl_name_lookup("sse4_1x", 6, &n), 0);
    assert_int_equal(n.feature, XFS_SSE4_1);
    /* MSR bits: high half counts from 32. */
    assert_int_equal(xlc_xl_name_lookup("its-no", 6, &n), 0);
    assert_int_equal(n.kind, XLC_XL_NAME_MSR);
    assert_int_equal(n.leaf, 0x10a);
    assert_int_equal(n.bit, 62);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spellings),
        cmocka_unit_test(test_single_bits_land_on_features),
        cmocka_unit_test(test_every_feature_has_a_name),
        cmocka_unit_test(test_name_set_is_libxl_set),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
