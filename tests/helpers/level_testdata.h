/* SPDX-License-Identifier: MIT */
/*
 * Test data for the levelling tests: the shared CPUID dumps as hosts,
 * loaded with the dump loader and run through the xen/arch derivation
 * (xlc_level_host_from_dump), once per guest type.
 */
#ifndef TESTS_HELPERS_LEVEL_TESTDATA_H
#define TESTS_HELPERS_LEVEL_TESTDATA_H

#include <stdbool.h>
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

/*
 * The hosts loaded once per test program: lvt_setup (a cmocka group
 * setup: fails unless all 41 load) and lvt_teardown.
 */
extern struct lvt_host *lvt_hosts;
extern size_t lvt_nr_hosts;
int lvt_setup(void **state);
int lvt_teardown(void **state);
/* The first host whose name starts with prefix (fails the test if none). */
const struct lvt_host *lvt_find(const char *prefix);
/* A pool of type `type` holding the hosts lvt_hosts[idx[0..n-1]]. */
xlc_pool *lvt_pool(enum xlc_guest_type type, const size_t *idx, size_t n);
/* The pool's level (fails the test on error). */
void lvt_level(const xlc_pool *p, struct xlc_level *l);

/* Deterministic xorshift PRNG for random subsets. */
uint64_t lvt_rand(uint64_t *state);

/*
 * The indices of the hosts that run guests of `type` (of `vendor` unless
 * NULL; with a full policy when `policy`), shuffled with lvt_rand into
 * idx (room for every host); returns how many.
 */
size_t lvt_shuffled(uint64_t *seed, enum xlc_guest_type type,
                    const char *vendor, bool policy, size_t *idx);

#endif /* TESTS_HELPERS_LEVEL_TESTDATA_H */
