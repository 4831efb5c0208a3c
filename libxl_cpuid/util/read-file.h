/* SPDX-License-Identifier: MIT */
/*
 * Reading a whole input file, within a size limit: every reader of a file
 * the user names (CPUID dumps, XML, policy files, featureset files) goes
 * through here, so that none reads without a bound.
 */
#ifndef LIBXL_CPUID_READ_FILE_H
#define LIBXL_CPUID_READ_FILE_H

#include <stddef.h>

#include "error.h"

/* Internal: not exported from libxl_cpuid.so. */
#pragma GCC visibility push(hidden)

/*
 * The file's bytes, NUL-terminated (free() *text), *len of them.  Fails
 * with the errno and "PATH: cannot open: REASON", -EFBIG "PATH: larger
 * than MAX bytes" (callers say what the file is not), "PATH: read error:
 * REASON", or -ENOMEM.
 */
int xlc_read_file(const char *path, size_t max, char **text, size_t *len,
                  xlc_error *err);

#pragma GCC visibility pop

#endif /* LIBXL_CPUID_READ_FILE_H */
