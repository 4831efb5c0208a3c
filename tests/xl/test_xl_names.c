/* SPDX-License-Identifier: MIT */
/*
 * The libxl name table against the annotated feature list: every 1-bit
 * CPUID row names a featureset bit whose feature we list, or says why not
 * (and then really has none); every feature has a libxl name that finds it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "libxl_cpuid/xl/xl-cpuid.h"

/* The featureset bit a CPUID (leaf, subleaf, reg, bit) lands on, or -1. */
static int featureset_bit(const struct xlc_xl_name *n)
{
    for (unsigned int w = 0; w < XFS_NR_WORDS; w++) {
        const struct xfs_word_info *wi = &xfs_words[w];
        if (wi->src == XFS_SRC_CPUID && wi->leaf == n->leaf &&
            wi->subleaf == n->subleaf && wi->reg == n->reg)
            return (int)(w * 32 + n->bit);
    }
    return -1;
}

static void one_bit_rows_are_features(void **state)
{
    unsigned int features = 0, documented = 0;
    (void)state;

    for (size_t i = 0; i < xlc_xl_nr_names; i++) {
        const struct xlc_xl_name *n = &xlc_xl_names[i];
        if (n->width != 1) {
            assert_null(n->not_featureset);
            continue;
        }
        int bit = featureset_bit(n);
        const struct xfs_feature_info *fi =
            bit < 0 ? NULL : xfs_feature_by_value((unsigned int)bit);
        if (n->not_featureset) {
            if (fi)
                fail_msg("'%s' is documented as no feature but is %s",
                         n->name, fi->name);
            documented++;
        } else {
            if (!fi)
                fail_msg("'%s' lands on no listed feature", n->name);
            features++;
        }
    }
    print_message("%u table rows name features, %u documented as not\n",
                  features, documented);
    assert_int_equal(documented, 13);
}

static void every_feature_has_a_libxl_name(void **state)
{
    char buf[48];
    struct xlc_xl_field f;
    unsigned int collisions = 0;
    (void)state;

    for (unsigned int i = 0; i < xfs_nr_features; i++) {
        unsigned int v = xfs_features[i].value;
        assert_non_null(xlc_xl_feature_name(v, buf, sizeof(buf)));
        assert_true(xlc_xl_name_lookup(buf, strlen(buf), &f));
        /* A table row of the same spelling wins: it must be the same bit. */
        if (!f.is_feature && f.f.width != 1) {
            /* man xl.cfg: "clflush" is the numeric field; CLFLUSH the
             * feature is reached as "clfsh" only. */
            assert_string_equal(buf, "clflush");
            assert_true(xlc_xl_name_lookup("clfsh", 5, &f));
            assert_int_equal(featureset_bit(&f.f), (int)v);
            collisions++;
        } else if (!f.is_feature) {
            assert_int_equal(featureset_bit(&f.f), (int)v);
            collisions++;
        } else {
            assert_int_equal(f.feature, v);
        }
    }
    print_message("%u feature names are also table rows\n", collisions);
    /* "clflush" is the numeric field, the feature is "clfsh". */
    assert_true(xlc_xl_name_lookup("clflush", 7, &f));
    assert_false(f.is_feature);
    assert_int_equal(f.f.width, 8);
    assert_false(xlc_xl_name_lookup("SSE3", 4, &f));
    assert_false(xlc_xl_name_lookup("sse41", 5, &f));
    assert_false(xlc_xl_name_lookup("lahf_lm", 7, &f));
    assert_true(xlc_xl_name_lookup("rfds-no", 7, &f));
    assert_true(f.msr);
    assert_int_equal(f.msr_index, 0x10a);
    assert_int_equal(f.f.bit, 27);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_bit_rows_are_features),
        cmocka_unit_test(every_feature_has_a_libxl_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
