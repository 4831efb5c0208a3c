/* SPDX-License-Identifier: MIT */
/*
 * Our compile-time masks, deep dependencies and feature numbers against the
 * installed Xen 4.17 libraries and headers (the oracles).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <xenctrl.h>
#include <xenguest.h>

#include "../helpers/libxenguest-private.h"
#include "xen/lib/featureset.h"

static void static_masks_match_libxenguest(void **state)
{
    (void)state;
    assert_int_equal(xc_get_cpu_featureset_size(), XFS_NR_WORDS);
    for (int k = XC_FEATUREMASK_KNOWN; k <= XC_FEATUREMASK_HVM_HAP_DEF; k++) {
        const uint32_t *theirs = xc_get_static_cpu_featuremask(k);

        assert_non_null(theirs);
        for (unsigned int w = 0; w < XFS_NR_WORDS; w++) {
            if (theirs[w] != xfs_static_masks[k][w])
                fail_msg("mask %s word %u (%s): ours %08x, libxenguest %08x",
                         xfs_mask_names[k], w, xfs_words[w].key,
                         xfs_static_masks[k][w], theirs[w]);
        }
    }
}

static void deep_deps_match_libxenguest(void **state)
{
    (void)state;
    for (unsigned int f = 0; f < XFS_NR_FEATURE_BITS; f++) {
        const uint32_t *theirs = x86_cpu_policy_lookup_deep_deps(f);
        const uint32_t *ours = xfs_lookup_deep_deps(f);

        if (!theirs || !ours) {
            if (theirs != ours && !(theirs && xfs_empty(theirs, XFS_NR_WORDS)))
                fail_msg("feature %u: deps %s in ours, %s in libxenguest", f,
                         ours ? "present" : "absent",
                         theirs ? "present" : "absent");
            continue;
        }
        for (unsigned int w = 0; w < XFS_NR_WORDS; w++)
            if (ours[w] != theirs[w])
                fail_msg("feature %u word %u: ours %08x, libxenguest %08x", f,
                         w, ours[w], theirs[w]);
    }
}

/* Every name the installed header defines, with its value. */
#define THEIRS(name, value) { #name, value },
static const struct {
    const char *name;
    unsigned int value;
} installed[] = {
#define XEN_CPUFEATURE THEIRS
#include <xen/arch-x86/cpufeatureset.h>
#undef XEN_CPUFEATURE
};

static void names_match_installed_header(void **state)
{
    size_t n = sizeof(installed) / sizeof(installed[0]);

    (void)state;
    assert_int_equal(n, xfs_nr_features);
    for (size_t i = 0; i < n; i++) {
        const struct xfs_feature_info *fi =
            xfs_feature_by_value(installed[i].value);

        if (!fi || strcmp(fi->name, installed[i].name))
            fail_msg("%s = %u: ours has %s there", installed[i].name,
                     installed[i].value, fi ? fi->name : "nothing");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(static_masks_match_libxenguest),
        cmocka_unit_test(deep_deps_match_libxenguest),
        cmocka_unit_test(names_match_installed_header),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
