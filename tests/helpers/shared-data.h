/* SPDX-License-Identifier: MIT */
/*
 * The shared test data ($XFS_DATA/cpuid/...): where it is, reading a
 * file of it whole, and visiting every instlatx64 dump.  Failures fail
 * the current cmocka test.
 */
#ifndef TESTS_HELPERS_SHARED_DATA_H
#define TESTS_HELPERS_SHARED_DATA_H

#include <stddef.h>

/* $XFS_DATA, else tests/data (run from the repository root). */
const char *shared_dir(void);

/* $XFS_DATA/cpuid/instlatx64/NAME.xml, in a buffer the next call reuses. */
const char *shared_dump(const char *name);

/* The whole file at path, NUL-terminated (malloc'd). */
char *shared_read(const char *path);

/*
 * The bench's file of n libvirt host <cpu> elements of a shape (caps,
 * sparse, 486), as bench/gen-libvirt-cpus.py writes it from the shared
 * dumps and the installed cpu_map: whole, NUL-terminated (malloc'd); NULL
 * when python3 or the generator is missing (the caller skips).
 */
char *shared_bench_hosts(const char *shape, size_t n);

/*
 * $XFS_DATA/cpuid/instlatx64/NAME.xml with `msrs` (<msr> elements, as
 * libvirt's <cpudata> holds them) added before </cpudata>, written to a
 * file in /tmp removed at exit.  The last four paths stay valid.
 */
const char *shared_dump_with_msrs(const char *name, const char *msrs);
/* <msr> elements for it. */
#define SHARED_MSR_PLATFORM_INFO(eax) \
    "  <msr index='0xce' edx='0x00000000' eax='" eax "'/>\n"
#define SHARED_MSR(idx) \
    "  <msr index='" idx "' edx='0x00000000' eax='0x00000000'/>\n"

/*
 * Call fn(ctx, path, file) for every *.xml in $XFS_DATA/cpuid/instlatx64,
 * in directory order; file is the bare file name.  Returns how many.
 */
unsigned int shared_each_dump(void (*fn)(void *ctx, const char *path,
                                         const char *file),
                              void *ctx);

#endif
