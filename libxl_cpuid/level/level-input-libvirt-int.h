/* SPDX-License-Identifier: MIT */
/*
 * Shared by level-input-libvirt*.c only: turning a parsed host <cpu> into
 * a pool host with a memo of feature-name lookups (one per thread).
 */
#ifndef LIBXL_CPUID_LEVEL_INPUT_LIBVIRT_INT_H
#define LIBXL_CPUID_LEVEL_INPUT_LIBVIRT_INT_H

#include <stddef.h>
#include <string.h>

#include "level-input.h"

/* Internal: not exported from libxl_cpuid.so. */
#pragma GCC visibility push(hidden)

struct xlc_lv_memo;

/* NULL when out of memory; a NULL memo just means no memo. */
struct xlc_lv_memo *xlc_lv_memo_new(void);
void xlc_lv_memo_free(struct xlc_lv_memo *memo);

/*
 * A host all zero but its policy, which only has_policy makes meaningful
 * and a <cpu> never has: two of a host's two and a half kilobytes, cleared
 * twice a host otherwise.
 */
static inline void xlc_level_host_clear(struct xlc_level_host *h)
{
    size_t at = offsetof(struct xlc_level_host, policy) + sizeof(h->policy);

    memset(h, 0, offsetof(struct xlc_level_host, policy));
    memset((char *)h + at, 0, sizeof(*h) - at);
}

/* xlc_level_host_from_lv_cpu() remembering names in memo (may be NULL). */
int xlc_level_host_from_lv_cpu_memo(const struct xlc_cpu_map *map,
                                    struct xlc_lv_memo *memo,
                                    const struct xlc_lv_cpu *cpu,
                                    enum xlc_guest_type type,
                                    struct xlc_level_host *out,
                                    xlc_error *err);

#pragma GCC visibility pop

#endif
