/* SPDX-License-Identifier: MIT */
/*
 * The policy file: a serialised CPU policy (the bodies of the two stream
 * policy records) as JSON, for people and tools.  Writing then reading
 * gives back exactly the same entries, in the same order.
 *
 *   {
 *     "format": "xen-cpu-policy",
 *     "version": 1,
 *     "type": "hvm",                        (optional: "pv" or "hvm")
 *     "cpuid": [
 *       { "leaf": "0x00000007", "subleaf": "0x00000000",
 *         "eax": "0x00000000", "ebx": "0x009c6fbb",
 *         "ecx": "0x40000000", "edx": "0xbc000400" }, ...
 *     ],
 *     "msr": [
 *       { "index": "0x0000010a", "value": "0x0000000000000001" }, ...
 *     ]
 *   }
 *
 * Leaves without subleaves have subleaf "0xffffffff".  Values are written
 * as "0x" hex strings; the reader also takes plain non-negative integers.
 * Every key is required except "type", "cpuid" and "msr"; unknown or
 * repeated keys are errors, and the entries are checked as the stream
 * reader checks them (xen/lib/cpu-policy-limits.h, no repeats).  A file
 * without CPUID leaves is refused: it states no policy.
 */
#ifndef LIBXL_CPUID_POLICY_JSON_H
#define LIBXL_CPUID_POLICY_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "../util/error.h"
#include "../util/input-limits.h"
#include "../migration/stream.h"

#define XLC_POLICY_JSON_FORMAT  "xen-cpu-policy"
#define XLC_POLICY_JSON_VERSION 1

/*
 * Limits on a policy file: Xen 4.17's largest policy is about 20 KiB as
 * written here (13 KiB on one line).  Nesting is checked before yajl
 * builds its tree, whose code recurses once per level.
 */
#define XLC_POLICY_JSON_MAX_BYTES (1u << 20)
#define XLC_POLICY_JSON_MAX_LINE  (64u << 10)
#define XLC_POLICY_JSON_MAX_DEPTH 8u
extern const struct xlc_input_limits xlc_policy_json_limits;

/*
 * The JSON text (malloc()ed, ends in a newline), or NULL when out of
 * memory.  domain_type is XFS_STREAM_DOM_X86_PV/_HVM, or 0 to leave "type"
 * out.
 */
char *xlc_policy_json(const struct xlc_policy_entries *e,
                      uint32_t domain_type);

/*
 * Parse a policy file held in memory (`name` is used in messages, which
 * give line:column for syntax errors and a path such as cpuid[3].eax for
 * the rest).  *domain_type (may be NULL) gets 0 when "type" is absent.
 */
int xlc_policy_json_parse(const char *name, const char *text, size_t len,
                          struct xlc_policy_entries *out,
                          uint32_t *domain_type, xlc_error *err);
int xlc_policy_json_load(const char *path, struct xlc_policy_entries *out,
                         uint32_t *domain_type, xlc_error *err);

#endif /* LIBXL_CPUID_POLICY_JSON_H */
