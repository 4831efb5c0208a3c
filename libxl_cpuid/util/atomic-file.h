/* SPDX-License-Identifier: MIT */
/*
 * Writing an output file atomically: the bytes go to a new file beside
 * it, which then replaces it in one rename(), so that a reader sees the
 * old file or the whole new one, never a part, and a failure leaves the
 * old one as it was.  (A symbolic link at the path is replaced, not
 * followed.)
 */
#ifndef LIBXL_CPUID_ATOMIC_FILE_H
#define LIBXL_CPUID_ATOMIC_FILE_H

#include <stddef.h>

#include "error.h"

/* Internal: not exported from libxl_cpuid.so. */
#pragma GCC visibility push(hidden)

/*
 * Write len bytes to path.  Errors name the path: -ENOENT "no such
 * directory 'DIR'", -ENOTDIR, -EACCES, -EISDIR (the path is a
 * directory), or what writing failed with (-ENOSPC, -EIO, ...).
 */
int xlc_file_write_atomic(const char *path, const void *data, size_t len,
                          xlc_error *err);

#pragma GCC visibility pop

#endif /* LIBXL_CPUID_ATOMIC_FILE_H */
