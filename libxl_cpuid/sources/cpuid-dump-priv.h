/* SPDX-License-Identifier: MIT */
/*
 * Internals shared by the dump readers (XML, cpuid -r text, live CPU):
 * a builder (cpuid-dump-builder.c) that collects leaves and MSRs,
 * remembering where each came from so that a conflicting duplicate can
 * name both places.  The readers use the builder; the front door
 * (cpuid-dump.c) picks a reader by the text's first characters.
 *
 * A dump is data: every (leaf, subleaf) pair is kept as the file gives
 * it, whether or not this project knows what the leaf means or whether
 * the processor reads ECX for it.  New CPUs enumerate new leaves with
 * subleaves (leaf 0x28 on Panther Lake, say); knowing which leaves take a
 * subleaf is left to the consumers (xfs_leaf_has_subleaves).  The only
 * error is a true conflict: the same (leaf, subleaf) or MSR twice with
 * different values.  An exact repeat is accepted.
 */
#ifndef LIBXL_CPUID_CPUID_DUMP_PRIV_H
#define LIBXL_CPUID_CPUID_DUMP_PRIV_H

#include "cpuid-dump.h"

/* Internal: not exported from libxl_cpuid.so. */
#pragma GCC visibility push(hidden)

/* One entry as read, with where it came from (line 0: no line). */
struct dump_leaf_in {
    struct xfs_cpuid_leaf l;
    unsigned long line;
    size_t seq;                  /* order of arrival */
};
struct dump_msr_in {
    struct xfs_msr_entry m;
    unsigned long line;
    size_t seq;
};

struct dump_builder {
    struct xlc_cpuid_dump *d;    /* source set; arrays filled by finish */
    struct dump_leaf_in *leaves;
    struct dump_msr_in *msrs;
    size_t nr_leaves, nr_msrs, leaf_cap, msr_cap;
};

int dump_builder_init(struct dump_builder *b, const char *source,
                      xlc_error *err);
/* Frees everything, including the dump (after a failure). */
void dump_builder_discard(struct dump_builder *b);
/*
 * Hand the dump over (sorted by leaf, subleaf), exact repeats merged.
 * Fails when two entries for the same (leaf, subleaf) or MSR differ
 * (naming both lines), or when the dump holds no leaf at all: an empty
 * dump is never what the user meant.  Duplicates are found by sorting, so
 * a dump of n entries costs O(n log n) whatever it holds.
 */
int dump_builder_finish(struct dump_builder *b, struct xlc_cpuid_dump **out,
                        xlc_error *err);

/*
 * Add a leaf, or an MSR, exactly as given; `line` (0 = none) is where it
 * came from.  Repeats are judged by dump_builder_finish.
 */
int dump_builder_add_leaf(struct dump_builder *b, unsigned long line,
                          uint32_t leaf, uint32_t subleaf,
                          const struct xfs_cpuid_regs *r, xlc_error *err);
int dump_builder_add_msr(struct dump_builder *b, unsigned long line,
                         uint32_t idx, uint64_t val, xlc_error *err);

/* The two file formats; `name` prefixes every error as "name:line: ". */
int dump_parse_xml(const char *name, const char *text, size_t len,
                   struct xlc_cpuid_dump **out, xlc_error *err);
/*
 * The XML reader's two paths, for tests that compare them: the plain form
 * without libxml2 (1 and *out when the text is in it and the dump builds;
 * 0 when not, with nothing to free and no message: the tree then reads
 * it), and the libxml2 tree, which reads every document.
 */
int dump_parse_xml_plain(const char *name, const char *text, size_t len,
                         struct xlc_cpuid_dump **out);
int dump_parse_xml_tree(const char *name, const char *text, size_t len,
                        struct xlc_cpuid_dump **out, xlc_error *err);
int dump_parse_cpuid_r(const char *name, const char *text, size_t len,
                       struct xlc_cpuid_dump **out, xlc_error *err);

/* qsort/bsearch order of leaves: by leaf, then subleaf. */
int dump_leaf_cmp(const void *x, const void *y);

/*
 * Parse "0x1f" / "1f" (hex, at most 8 significant digits) into *v.
 * The whole string must be consumed.  Returns 0 or -1.
 */
int dump_parse_hex32(const char *s, size_t len, uint32_t *v);

#pragma GCC visibility pop

#endif /* LIBXL_CPUID_CPUID_DUMP_PRIV_H */
