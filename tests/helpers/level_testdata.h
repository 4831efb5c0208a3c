/* SPDX-License-Identifier: MIT */
/*
 * Test data for the levelling tests: the shared CPUID dumps as hosts,
 * loaded with the dump loader and run through the xen/arch derivation
 * (xlc_level_host_from_dump), once per guest type.
 */
#ifndef TESTS_HELPERS_LEVEL_TESTDATA_H
#define TESTS_HELPERS_LEVEL_TESTDATA_H

#include <stddef.h>
#include <stdint.h>

#include "libxl_cpuid/level/level-input.h"
#include "libxl_cpuid/level/level.h"

struct lvt_host {
    char name[96];            /* file name without directory/extension */
    char path[4096];          /* the dump file */
    struct xlc_level_host as[2]; /* indexed by enum xlc_guest_type */
};

/*
 * Every instlatx64 dump plus the live `cpuid -r` text, sorted by name.
 * Fails the test (cmocka fail_msg) when XFS_DATA or a file is unusable.
 */
void lvt_load_hosts(struct lvt_host **hosts, size_t *n);

/* Deterministic xorshift PRNG for random subsets. */
uint64_t lvt_rand(uint64_t *state);

#endif /* TESTS_HELPERS_LEVEL_TESTDATA_H */
