/* SPDX-License-Identifier: MIT */
/*
 * Reading a whole input, within limits: every reader of a file the user
 * names (CPUID dumps, XML, policy files, featureset files, xl configs,
 * standard input) goes through here, so that none reads without a bound
 * and all say the same things the same way:
 *
 *   PATH: cannot open: REASON     PATH: is a directory
 *   PATH: read error: REASON
 *   PATH: empty file (expected WHAT)
 *   PATH: larger than SIZE, the limit for WHAT
 *   PATH:LINE: line longer than N bytes, the limit for WHAT
 *   PATH:LINE: NUL byte at byte offset N (WHAT is text)
 *
 * Each reader states its limits once, in a struct xlc_input_limits
 * (input-limits.h; the man page's LIMITS section lists them).
 */
#ifndef LIBXL_CPUID_READ_FILE_H
#define LIBXL_CPUID_READ_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "error.h"
#include "input-limits.h"

/* Internal: not exported from libxl_cpuid.so. */
#pragma GCC visibility push(hidden)

/*
 * Open path for reading: -EISDIR "PATH: is a directory", or the errno
 * and "PATH: cannot open: REASON" (strerror's words).
 */
int xlc_open_input(const char *path, FILE **f, xlc_error *err);

/*
 * The bytes of path (lim->max_bytes at most), NUL-terminated (free()
 * *text), *len of them: fails as xlc_open_input, or with -EFBIG past the
 * size limit, -EINVAL for an empty file, the errno of a read error, or
 * -ENOMEM.  Lines are not looked at (xlc_check_text).
 */
int xlc_read_input(const char *path, const struct xlc_input_limits *lim,
                   char **text, size_t *len, xlc_error *err);
/* The same from an open stream (standard input), named `name`. */
int xlc_read_stream(FILE *f, const char *name,
                    const struct xlc_input_limits *lim, char **text,
                    size_t *len, xlc_error *err);

/*
 * Text is text: -EINVAL for a NUL byte (its line and byte offset), -E2BIG
 * for a line longer than lim->max_line (its number); "NAME:LINE: ...".
 */
int xlc_check_text(const char *name, const char *text, size_t len,
                   const struct xlc_input_limits *lim, xlc_error *err);

/* "64 MiB", "64 KiB" or "1000 bytes": a limit as messages give it. */
const char *xlc_size_text(char *buf, size_t n, size_t bytes);

/*
 * As xlc_read_input without a name for the input (messages say only
 * "larger than MAX bytes"; callers say what the file is not) and with an
 * empty file accepted.
 */
int xlc_read_file(const char *path, size_t max, char **text, size_t *len,
                  xlc_error *err);

#pragma GCC visibility pop

#endif /* LIBXL_CPUID_READ_FILE_H */
