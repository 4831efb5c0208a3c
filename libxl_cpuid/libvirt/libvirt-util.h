/* SPDX-License-Identifier: MIT */
/*
 * Small helpers shared by the libvirt readers (internal).
 */
#ifndef LIBXL_CPUID_LIBVIRT_UTIL_H
#define LIBXL_CPUID_LIBVIRT_UTIL_H

#include <stddef.h>

/*
 * Make room for one more element in a growable array: *arr has *nr used
 * and *cap allocated elements of `size` bytes.  Returns 0 or -1 (ENOMEM),
 * leaving the array untouched on failure.
 */
int xlc_grow(void *arr, size_t *cap, size_t nr, size_t size);

/* strdup that tolerates NULL (returns NULL) and says so via *oom. */
char *xlc_strdup(const char *s, int *oom);

/* Case-insensitive edit distance, capped at `cap`. */
unsigned int xlc_edit_distance(const char *a, const char *b, unsigned int cap);

#endif /* LIBXL_CPUID_LIBVIRT_UTIL_H */
