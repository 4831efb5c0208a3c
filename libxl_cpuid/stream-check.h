/* SPDX-License-Identifier: MIT */
/*
 * Private to the stream and policy-file code: validation of serialised
 * policy entries, shared so that every reader refuses the same things.
 */
#ifndef LIBXL_CPUID_STREAM_CHECK_H
#define LIBXL_CPUID_STREAM_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stream.h"

/*
 * Where entries came from, for messages: `what` names the container
 * ("X86_CPUID_POLICY record", "policy file"); when `has_offset` is set,
 * entry i is reported at byte offset `body` + i * entry size.
 */
struct xlc_entries_origin {
    const char *what;
    bool has_offset;
    uint64_t body;
};

int xlc_check_cpuid_entries(const struct xfs_cpuid_leaf *l, size_t n,
                            const struct xlc_entries_origin *o,
                            xlc_error *err);
int xlc_check_msr_entries(const struct xfs_msr_entry *m, size_t n,
                          const struct xlc_entries_origin *o, xlc_error *err);

#endif /* LIBXL_CPUID_STREAM_CHECK_H */
