/* SPDX-License-Identifier: MIT */
/*
 * Test helper: the raw featureset of each real CPU in the shared
 * instlatx64 dumps (the .xml files of $XFS_DATA/cpuid/instlatx64, libvirt
 * <cpudata>), read straight from the registers each featureset word
 * mirrors, with no masking.  Independent of the library's dump parser so
 * that tests of featureset operations do not depend on it.
 */
#ifndef TESTS_HELPERS_CPUDATA_FEATURESET_H
#define TESTS_HELPERS_CPUDATA_FEATURESET_H

#include <stdint.h>

#include "xen/lib/featureset.h"

struct th_cpu {
    char name[128];                /* file name without ".xml" */
    uint32_t fs[XFS_NR_WORDS];
};

/*
 * Load every dump, sorted by file name, into a malloc'd array (free()
 * it).  Returns the count; fails the running cmocka test on any error
 * (missing directory, unparsable file, a DOCTYPE).
 */
unsigned int th_load_cpus(struct th_cpu **out);

#endif /* TESTS_HELPERS_CPUDATA_FEATURESET_H */
