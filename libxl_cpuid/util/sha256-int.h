/* SPDX-License-Identifier: MIT */
/*
 * Internal to SHA-256 (sha256.h): one compression, either way it can be
 * done, so that tests hold the CPU's SHA instructions to the portable
 * rounds.
 */
#ifndef LIBXL_CPUID_SHA256_INT_H
#define LIBXL_CPUID_SHA256_INT_H

#include <stdbool.h>
#include <stdint.h>

/* Internal: not exported from libxl_cpuid.so. */
#pragma GCC visibility push(hidden)

/* One 64-byte block into the state h: with the CPU's SHA instructions
 * when fast and it has them, else the portable rounds. */
void xlc_sha256_block(uint32_t h[8], const uint8_t block[64], bool fast);

#pragma GCC visibility pop

#endif /* LIBXL_CPUID_SHA256_INT_H */
