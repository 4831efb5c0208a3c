/* SPDX-License-Identifier: MIT */
/*
 * The limits one reader holds its input to (the man page's LIMITS section
 * lists every reader's).  Public: each reader's header states its limits
 * with it; the reading itself is internal (read-file.h).
 */
#ifndef LIBXL_CPUID_INPUT_LIMITS_H
#define LIBXL_CPUID_INPUT_LIMITS_H

#include <stddef.h>

struct xlc_input_limits {
    const char *what;       /* "a CPUID dump": what the input should be */
    size_t max_bytes;       /* the whole input */
    size_t max_line;        /* one line, newline excluded (0: unchecked) */
};

#endif /* LIBXL_CPUID_INPUT_LIMITS_H */
