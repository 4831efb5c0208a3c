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

#include "../../public/arch-x86/featureset-words.h"
#include "../../public/migration-stream.h"
#include "../../xen/lib/cpu-policy.h"
#include "../util/error.h"
#include "../policy/cpu-policy.h"

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
/* The same, written to path atomically (util/atomic-file.h): -ENOENT
 * naming the directory when it does not exist. */
int xlc_stream_write_file(const char *path, uint32_t domain_type,
                          const struct xlc_policy_entries *e, xlc_error *err);

/* An HVM parameter as the HVM_PARAMS record carries it. */
struct xlc_hvm_param {
    uint64_t index;
    uint64_t value;
};

/*
 * The same streams with HVM parameters: an HVM_PARAMS record (after
 * STATIC_DATA_END, where Xen's writer puts it) holding the parameters
 * whose value is not zero, left out when none is, as Xen writes it.  Only
 * for x86 HVM streams.  Refused (-EINVAL) is what Xen's restore would
 * refuse: an index past XFS_HVM_NR_PARAMS, one given twice, and an
 * HVM_PARAM_VIRIDIAN value Xen 4.17 does not hold
 * (xfs_viridian_param_valid).
 */
int xlc_stream_write_standalone_params(uint32_t domain_type,
                                       const struct xlc_policy_entries *e,
                                       const struct xlc_hvm_param *params,
                                       size_t nr_params, uint8_t **buf,
                                       size_t *len, xlc_error *err);
int xlc_stream_write_file_params(const char *path, uint32_t domain_type,
                                 const struct xlc_policy_entries *e,
                                 const struct xlc_hvm_param *params,
                                 size_t nr_params, xlc_error *err);

/* ---- reading ---- */

/*
 * What Xen 4.17's restore does differently from what a stream says, where
 * it still restores it: one note per change, at the byte offset of the
 * record or entry concerned.
 */
struct xlc_stream_note {
    uint64_t offset;
    char *text;
};
struct xlc_stream_notes {
    struct xlc_stream_note *v;
    size_t n;
};
void xlc_stream_notes_free(struct xlc_stream_notes *n);

/* An xl save file's framing around the libxc stream (xl-save-file.c). */
struct xlc_xl_save_info {
    uint32_t mandatory_flags;     /* XL_MANDATORY_FLAG_JSON | _STREAMv2 */
    uint32_t optional_flags;
    uint32_t optional_data_len;
    uint32_t config_len;          /* the saved domain config (0: none) */
    bool config_json;             /* ... in JSON (libxl_domain_config) */
    bool libxl_legacy;            /* the libxl stream was converted from a
                                     legacy (pre-4.6) one */
    uint64_t libxl_offset;        /* the libxl stream header */
    unsigned int libxl_records;   /* libxl records read, END included */
    unsigned int emulator_records;
};

struct xlc_stream_info {
    /* Set when the input was an xl save file (`xl save`), which holds the
     * libxc stream inside a libxl stream; every offset is the file's. */
    bool xl_save;
    struct xlc_xl_save_info xl;
    uint64_t libxc_offset;        /* where the libxc stream starts */
    uint32_t version;             /* image header version (2 or 3) */
    uint32_t domain_type;         /* enum xfs_stream_domain_type */
    uint32_t xen_major, xen_minor;
    unsigned int nr_records;      /* records read, END included */
    bool static_data_end;         /* a STATIC_DATA_END record was seen */
    bool has_cpuid, has_msr;      /* which policy records were present */
    uint64_t cpuid_offset;        /* offset of each policy record's header */
    uint64_t msr_offset;
    /*
     * The entries of the policy records Xen's restore applies: the last of
     * each type before STATIC_DATA_END, as recorded (repeats included;
     * xlc_stream_apply_policy resolves them as Xen does).
     */
    struct xlc_policy_entries policy;
    /* Records Xen's restore replaces (a second policy record) or ignores
     * (one after STATIC_DATA_END). */
    struct xlc_stream_notes notes;
    /*
     * HVM_PARAMS records (x86 HVM streams): how many, the last one's
     * offset, their entries in all, and the HVM_PARAM_VIRIDIAN value Xen's
     * restore sets (the Hyper-V enlightenments, viridian.h) with the
     * offset of its first entry.  Other parameters are checked, not kept.
     */
    unsigned int nr_hvm_params_records;
    uint64_t hvm_params_offset;
    uint64_t nr_hvm_params;
    bool has_viridian;
    uint64_t viridian;
    uint64_t viridian_offset;
};

/*
 * Parse a whole stream held in memory: headers, every record up to and
 * including END, nothing after it.  An xl save file (xl's header, the
 * saved domain config, the libxl stream whose LIBXC_CONTEXT record is
 * followed by the libxc stream, the emulator records, END) is read too:
 * its framing is checked as xl and libxl read it, and the libxc stream in
 * it parsed the same way.  Records the policy does not need are
 * skipped after their framing is checked.  A stream without policy records
 * is not an error: has_cpuid / has_msr say what was found.
 *
 * Refused, with the byte offset, is what Xen 4.17's restore refuses in the
 * policy records it applies (empty or partial entries, too many, a leaf
 * or subleaf with no slot, MSR flags, unknown MSRs, values too wide).
 * What it restores differently is accepted and noted: a second policy
 * record replaces the first, one after STATIC_DATA_END is ignored.
 *
 * HVM_PARAMS records are read entry by entry, as Xen's restore sets them:
 * refused are a body that is not 8 + 16 * count bytes (or a non-zero
 * reserved field, which Xen's checker refuses), the record in a PV
 * stream (Xen's PV restore fails on it), an index Xen refuses (past
 * XFS_HVM_NR_PARAMS) and a second, different HVM_PARAM_VIRIDIAN value
 * (Xen sets it once: -EEXIST).  Whether the destination's Xen holds the
 * value is restore-check.h's question.
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

/*
 * Apply the stream's policy records over *p (the destination's default
 * policy for the type, or Xen's compatibility policy without a CPUID
 * record) as Xen 4.17's restore does: x86_cpuid_copy_from_buffer and
 * x86_msr_copy_from_buffer (a repeated entry: the last one wins; the
 * hypervisor leaves 0x40000000 / 0x40000100: eax's low 8 bits only), then
 * the set_cpu_policy domctl's clearing of leaves past the policy's limits.
 * notes (may be NULL) receives the stream's record notes and one note per
 * entry Xen changes, each with its byte offset.  Errors (what Xen refuses)
 * name the entry and its offset; *p is unchanged then.
 */
int xlc_stream_apply_policy(const struct xlc_stream_info *s,
                            struct xfs_cpu_policy *p,
                            struct xlc_stream_notes *notes, xlc_error *err);

/* "X86_CPUID_POLICY", ... or NULL for an unknown type. */
const char *xlc_stream_record_name(uint32_t type);
/* "x86 PV", "x86 HVM", ... or NULL. */
const char *xlc_stream_domain_name(uint32_t type);

#endif /* LIBXL_CPUID_STREAM_H */
