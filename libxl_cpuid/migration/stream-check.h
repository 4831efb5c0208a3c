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

#include "../../xen/lib/cpu-policy.h"
#include "stream.h"

/* Internal: not exported from libxl_cpuid.so. */
#pragma GCC visibility push(hidden)

/*
 * Where entries came from, for messages: `what` names the container
 * ("X86_CPUID_POLICY record", "policy file"); when `has_offset` is set,
 * entry i is reported at byte offset `body` + i * entry size.
 * `repeats_allowed`: a repeated entry is not an error (a restored stream:
 * Xen's restore keeps the last, xlc_stream_apply_policy says so).
 */
struct xlc_entries_origin {
    const char *what;
    bool has_offset;
    uint64_t body;
    bool repeats_allowed;
};

/*
 * What Xen 4.17 refuses, naming the entry: too many entries, a leaf or
 * subleaf with no slot, MSR flags, an unknown MSR, an MSR value wider
 * than Xen keeps; and repeats unless allowed.
 */
int xlc_check_cpuid_entries(const struct xfs_cpuid_leaf *l, size_t n,
                            const struct xlc_entries_origin *o,
                            xlc_error *err);
int xlc_check_msr_entries(const struct xfs_msr_entry *m, size_t n,
                          const struct xlc_entries_origin *o, xlc_error *err);

/*
 * Append a note (printf-style); -ENOMEM when it cannot be kept.  A stream
 * may repeat a record without end: past XLC_STREAM_MAX_NOTES notes, one
 * more says the rest are not listed, and later ones are dropped.
 */
#define XLC_STREAM_MAX_NOTES 64u
int xlc_stream_note_add(struct xlc_stream_notes *n, uint64_t offset,
                        const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Entries applied over *p as Xen 4.17's restore takes them (see
 * xlc_stream_apply_policy), for any container: `leaves_at` / `msrs_at`
 * place each entry for messages.  Leaves past the limits are cleared.
 */
int xlc_entries_apply_as_xen(const struct xlc_policy_entries *e,
                             const struct xlc_entries_origin *leaves_at,
                             const struct xlc_entries_origin *msrs_at,
                             struct xfs_cpu_policy *p,
                             struct xlc_stream_notes *notes, xlc_error *err);

#pragma GCC visibility pop

#endif /* LIBXL_CPUID_STREAM_CHECK_H */
