/* SPDX-License-Identifier: MIT */
/*
 * viridian= settings generated from a seed, for comparing our reading
 * with xl's: lists of group names in many spellings, xl's words ("all",
 * "defaults"), escapes, separators and comments, single values, and now
 * and then one byte deleted, inserted or swapped.  The same seed gives the
 * same settings.
 */
#ifndef TESTS_HELPERS_VIRIDIAN_GEN_H
#define TESTS_HELPERS_VIRIDIAN_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vg_rng {
    uint64_t s;
};

#define VG_SEED 0x2545f4914f6cdd1dull

/* 0 .. n-1 (xorshift64*). */
unsigned int vg_rnd(struct vg_rng *r, unsigned int n);
/* Append s to the NUL-terminated buf of n bytes (truncating). */
void vg_put(char *buf, size_t n, const char *s);
/* Upper-case letter i of s when bit (i % 16) of pattern is set. */
void vg_flip_case(char *s, unsigned int pattern);
/* One setting into buf (n bytes, n >= 64).  nested: list items may be
 * lists themselves (xl would crash on one: leave them out for xl). */
void vg_setting(struct vg_rng *r, char *buf, size_t n, bool nested);

#endif
