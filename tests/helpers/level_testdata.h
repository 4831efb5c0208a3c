/* SPDX-License-Identifier: MIT */
/*
 * Test data for the levelling tests: the shared CPUID dumps as hosts.
 *
 * Until the dump loader and the derivation land on main, each dump's raw
 * featureset is read here straight through the word table (leaf, subleaf,
 * register per word, leaves past the reported maximum read as zero), and
 * its vendor/limits through xlc_host_props_from_cpuid().
 */
#ifndef TESTS_HELPERS_LEVEL_TESTDATA_H
#define TESTS_HELPERS_LEVEL_TESTDATA_H

#include <stddef.h>
#include <stdint.h>

#include "libxl_cpuid/level.h"

struct lvt_host {
    char name[96];                /* file name without directory/extension */
    uint32_t fs[XFS_NR_WORDS];    /* raw featureset */
    struct xlc_host_props props;
};

/*
 * Every instlatx64 dump plus the live `cpuid -r` text, sorted by name.
 * Fails the test (cmocka fail_msg) when XFS_SHARED or a file is unusable.
 */
void lvt_load_hosts(struct lvt_host **hosts, size_t *n);

/* Deterministic xorshift PRNG for random subsets. */
uint64_t lvt_rand(uint64_t *state);

#endif /* TESTS_HELPERS_LEVEL_TESTDATA_H */
