/* SPDX-License-Identifier: MIT */
/*
 * Writing an output file atomically: the bytes go to a new file beside
 * it (PATH.tmp-PID-N, created exclusively), are flushed to the disk, and
 * the new file then replaces the old one in one rename(), so that a
 * reader sees the old file or the whole new one, never a part; writers
 * racing on one path each leave a whole file, the last rename winning.
 * On any failure the temporary file is removed and the old one is as it
 * was.  The new file keeps the old one's mode.  (A symbolic link at the
 * path is replaced, not followed.)  A process writing past its file size
 * limit gets SIGXFSZ: a program that wants the error instead ignores the
 * signal (xen-cpuid does).
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
 * directory), or what writing failed with (-ENOSPC, -EDQUOT, -EIO; past
 * the file size limit -EIO, "File too large (the file size limit)").
 */
int xlc_file_write_atomic(const char *path, const void *data, size_t len,
                          xlc_error *err);
/*
 * The same with the new file's mode given (set as is, not through the
 * umask), whatever the old one's was: for files whose mode is part of
 * what makes them trusted (the cpu_map cache is ignored when others can
 * write it).
 */
int xlc_file_write_atomic_mode(const char *path, const void *data,
                               size_t len, int mode, xlc_error *err);

#pragma GCC visibility pop

#endif /* LIBXL_CPUID_ATOMIC_FILE_H */
