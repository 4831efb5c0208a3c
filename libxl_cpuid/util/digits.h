/* SPDX-License-Identifier: MIT */
/*
 * Numbers written straight into a buffer, for the writers that put out
 * thousands of them (model pins, coordinates): printf's parsing of its
 * format costs more than the digits.  Each returns where its text ends;
 * none writes a NUL.
 */
#ifndef LIBXL_CPUID_DIGITS_H
#define LIBXL_CPUID_DIGITS_H

#include <stdint.h>

/* Internal: not exported from libxl_cpuid.so. */
#pragma GCC visibility push(hidden)

/* Lower-case hex, no prefix, at least `width` digits (zero-padded, at
 * most 8 needed): printf's "%0*x"; width 0 or 1 is "%x". */
char *xlc_put_hex(char *o, uint32_t v, unsigned int width);
/* Decimal: printf's "%u" or "%zu" (at most 20 characters). */
char *xlc_put_dec(char *o, uint64_t v);

#pragma GCC visibility pop

#endif /* LIBXL_CPUID_DIGITS_H */
