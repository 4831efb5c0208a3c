/* SPDX-License-Identifier: MIT */
/*
 * Test helpers for migration streams: Xen's own stream checker, and policy
 * entries taken from the shared CPUID dumps.
 */
#ifndef TESTS_HELPERS_STREAM_HELPERS_H
#define TESTS_HELPERS_STREAM_HELPERS_H

#include <stddef.h>
#include <stdint.h>

#include "libxl_cpuid/migration/stream.h"

#define XEN_VERIFY_STREAM "/usr/lib/xen-4.17/bin/verify-stream-v2"
#define XEN_PYTHONPATH    "/usr/lib/xen-4.17/lib/python"

/*
 * Run Xen 4.17's verify-stream-v2 (-f libxc -v) on a stream held in memory.
 * Returns its exit status (0 = accepted), or -1 when it could not be run;
 * its combined output goes to out (NUL-terminated, truncated to size).
 */
int xen_verify_stream(const void *buf, size_t len, char *out, size_t size);
/* The same with -f FORMAT: "libxc", "libxl" or "xl" (an xl save file). */
int xen_verify_stream_as(const void *buf, size_t len, const char *format,
                         char *out, size_t size);

/* $XFS_DATA/cpuid/instlatx64, or NULL (with a message) when unset. */
const char *shared_dump_dir(void);

/* The *.xml dump names in dir, sorted; *n set.  Free with free_names(). */
char **list_dumps(const char *dir, size_t *n);
void free_names(char **names, size_t n);

/*
 * A policy-shaped entry list from a dump's raw leaves: only the
 * (leaf, subleaf) slots Xen's policy has (no-subleaf leaves get subleaf
 * 0xffffffff), first occurrence kept, loaded with xlc_dump_load().
 * Realistic entry lists for the stream layer's own tests; guest policies
 * come from libxl_cpuid/policy/applied-policy.h.  Returns 0 or -1.
 */
int dump_policy_entries(const char *path, struct xlc_policy_entries *e);

/* ---- building arbitrary (also malformed) streams byte by byte ---- */
struct sbuild {
    uint8_t *b;
    size_t len, cap;
};

void sb_bytes(struct sbuild *s, const void *p, size_t n);
void sb_le32(struct sbuild *s, uint32_t v);
void sb_le64(struct sbuild *s, uint64_t v);
/* Image header: marker, "XENF", version, options (big-endian fields). */
void sb_ihdr(struct sbuild *s, uint32_t version, uint16_t options);
/* Domain header for Xen 4.17. */
void sb_dhdr(struct sbuild *s, uint32_t type, uint16_t page_shift);
/* Record with its body and zero padding. */
void sb_rec(struct sbuild *s, uint32_t type, const void *body, uint32_t len);
/* Record bodies of policy entries in stream layout. */
void sb_cpuid_rec(struct sbuild *s, const struct xfs_cpuid_leaf *l, size_t n);
void sb_msr_rec(struct sbuild *s, const struct xfs_msr_entry *m, size_t n);
void sb_free(struct sbuild *s);

/* A small valid policy: leaves 0, 1, 7.0, 0xd.0, 0x80000000, 0x80000001
 * and both MSRs. */
void sample_policy(struct xlc_policy_entries *e);

/* The parts of a valid stream: the 40-byte header of a v3 HVM stream (so
 * the first record is at offset 40), the sample policy's two records, and
 * STATIC_DATA_END then END. */
void sb_head(struct sbuild *s);
void sb_sample_records(struct sbuild *s);
void sb_tail(struct sbuild *s);

#endif
