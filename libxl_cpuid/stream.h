/* SPDX-License-Identifier: MIT */
/*
 * The applied CPU policy in libxc migration streams (public/migration-stream.h).
 *
 * Writing: the two policy records to splice into a stream the caller is
 * producing, or a complete standalone stream that carries nothing but the
 * policy (and that Xen's verify-stream-v2 accepts).  Reading: find the
 * policy records among every other record of a stream, validating the whole
 * framing on the way; each error names the byte offset where it was found.
 */
#ifndef LIBXL_CPUID_STREAM_H
#define LIBXL_CPUID_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../public/arch-x86/featureset-words.h"
#include "../public/migration-stream.h"
#include "error.h"

/* A serialised CPU policy: the bodies of the two policy records. */
struct xlc_policy_entries {
    struct xfs_cpuid_leaf *leaves;
    size_t nr_leaves;
    struct xfs_msr_entry *msrs;
    size_t nr_msrs;
};

/* Free the arrays and zero the struct. */
void xlc_policy_entries_free(struct xlc_policy_entries *e);
/* Deep copy (dst is overwritten, not freed). */
int xlc_policy_entries_copy(struct xlc_policy_entries *dst,
                            const struct xlc_policy_entries *src,
                            xlc_error *err);

/*
 * Check entries as Xen 4.17's deserialiser would take them: counts within
 * xen/lib/cpu-policy-limits.h, every (leaf, subleaf) with a slot in the
 * policy, known MSRs with zero flags; and, stricter than Xen, no entry
 * repeated (Xen silently keeps the last).  The message names the entry.
 */
int xlc_policy_entries_check(const struct xlc_policy_entries *e,
                             xlc_error *err);

/*
 * The featureset words the entries state, read through the policy's word
 * table: a word whose leaf (or MSR) is absent reads as zero.  Tolerant:
 * entries a policy has no slot for are skipped, and leaves past the
 * entries' own limits still count (for inputs that only carry features).
 */
void xlc_policy_featureset(const struct xlc_policy_entries *e,
                           uint32_t fs[XFS_NR_WORDS]);

/* ---- writing ---- */

/*
 * The X86_CPUID_POLICY and X86_MSR_POLICY records for `e`, to place before
 * STATIC_DATA_END in a v3 stream.  A record whose entry list is empty is
 * left out, as Xen's own writer does.  *buf is malloc()ed (NULL when both
 * are empty), *len bytes, a multiple of 8.
 */
int xlc_stream_policy_records(const struct xlc_policy_entries *e,
                              uint8_t **buf, size_t *len, xlc_error *err);

/*
 * A complete v3 stream: image header, domain header (`domain_type` is
 * XFS_STREAM_DOM_X86_PV or _HVM, Xen 4.17), the policy records,
 * STATIC_DATA_END, END.  It carries no memory or vCPU state, so it cannot
 * be restored; it is a container for the policy.
 */
int xlc_stream_write_standalone(uint32_t domain_type,
                                const struct xlc_policy_entries *e,
                                uint8_t **buf, size_t *len, xlc_error *err);
int xlc_stream_write_file(const char *path, uint32_t domain_type,
                          const struct xlc_policy_entries *e, xlc_error *err);

/* ---- reading ---- */

struct xlc_stream_info {
    uint32_t version;             /* image header version (2 or 3) */
    uint32_t domain_type;         /* enum xfs_stream_domain_type */
    uint32_t xen_major, xen_minor;
    unsigned int nr_records;      /* records read, END included */
    bool static_data_end;         /* a STATIC_DATA_END record was seen */
    bool has_cpuid, has_msr;      /* which policy records were present */
    uint64_t cpuid_offset;        /* offset of each policy record's header */
    uint64_t msr_offset;
    struct xlc_policy_entries policy;
};

/*
 * Parse a whole stream held in memory: headers, every record up to and
 * including END, nothing after it.  Records the policy does not need are
 * skipped after their framing is checked.  A stream without policy records
 * is not an error: has_cpuid / has_msr say what was found.
 */
int xlc_stream_parse(const void *buf, size_t len, struct xlc_stream_info *out,
                     xlc_error *err);
/* The same for a file; messages are prefixed with its name. */
int xlc_stream_load(const char *path, struct xlc_stream_info *out,
                    xlc_error *err);

/*
 * Parse a run of records only (e.g. what xlc_stream_policy_records made),
 * as they would appear in a stream of `version`.  Offsets in messages count
 * from `base`.  An END record, if present, must be the last.
 */
int xlc_stream_parse_records(const void *buf, size_t len, uint32_t version,
                             uint64_t base, struct xlc_stream_info *out,
                             xlc_error *err);

void xlc_stream_info_free(struct xlc_stream_info *s);

/* "X86_CPUID_POLICY", ... or NULL for an unknown type. */
const char *xlc_stream_record_name(uint32_t type);
/* "x86 PV", "x86 HVM", ... or NULL. */
const char *xlc_stream_domain_name(uint32_t type);

#endif /* LIBXL_CPUID_STREAM_H */
