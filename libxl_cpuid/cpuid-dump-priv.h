/* SPDX-License-Identifier: MIT */
/*
 * Internals shared by the dump readers (XML, cpuid -r text, live CPU):
 * a builder that collects leaves and MSRs, remembering where each came
 * from so that a duplicate can name both places.
 */
#ifndef LIBXL_CPUID_CPUID_DUMP_PRIV_H
#define LIBXL_CPUID_CPUID_DUMP_PRIV_H

#include "cpuid-dump.h"

struct dump_builder {
    struct xlc_cpuid_dump *d;
    unsigned long *leaf_lines;   /* source line of each leaf, 0 = none */
    unsigned long *msr_lines;
    size_t leaf_cap, msr_cap;
};

int dump_builder_init(struct dump_builder *b, const char *source,
                      xlc_error *err);
/* Frees everything, including the dump (after a failure). */
void dump_builder_discard(struct dump_builder *b);
/*
 * Hand the dump over (sorted by leaf, subleaf).  Fails when it holds no
 * leaf at all: an empty dump is never what the user meant.
 */
int dump_builder_finish(struct dump_builder *b, struct xlc_cpuid_dump **out,
                        xlc_error *err);

/*
 * Add a leaf.  The subleaf is stored as given for leaves with subleaves and
 * as 0 otherwise.  A second entry for the same (leaf, stored subleaf) is an
 * error naming both lines, unless `keep_first` is set and the leaf has no
 * subleaves: then the new entry is ignored and *ignored set.
 */
int dump_builder_add_leaf(struct dump_builder *b, const char *name,
                          unsigned long line, uint32_t leaf, uint32_t subleaf,
                          const struct xfs_cpuid_regs *r, bool keep_first,
                          xlc_error *err);
int dump_builder_add_msr(struct dump_builder *b, const char *name,
                         unsigned long line, uint32_t idx, uint64_t val,
                         xlc_error *err);

/* The two file formats; `name` prefixes every error as "name:line: ". */
int dump_parse_xml(const char *name, const char *text, size_t len,
                   struct xlc_cpuid_dump **out, xlc_error *err);
int dump_parse_cpuid_r(const char *name, const char *text, size_t len,
                       struct xlc_cpuid_dump **out, xlc_error *err);

/*
 * Parse "0x1f" / "1f" (hex, at most 8 significant digits) into *v.
 * The whole string must be consumed.  Returns 0 or -1.
 */
int dump_parse_hex32(const char *s, size_t len, uint32_t *v);

#endif /* LIBXL_CPUID_CPUID_DUMP_PRIV_H */
