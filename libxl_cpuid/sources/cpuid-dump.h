/* SPDX-License-Identifier: MIT */
/*
 * CPUID sources for the toolstack: dump files and the live CPU.
 *
 * A dump is a table of (leaf, subleaf) -> registers plus optional MSR
 * values.  Formats read: libvirt's <cpudata> XML (libxml2, no network, no
 * entity expansion) and the raw text of Debian's `cpuid -r`; the format is
 * detected from the content.
 */
#ifndef LIBXL_CPUID_CPUID_DUMP_H
#define LIBXL_CPUID_CPUID_DUMP_H

#include <stddef.h>
#include <stdint.h>

#include "../../public/arch-x86/cpu-policy-abi.h"
#include "../../xen/lib/cpuid-leaves.h"
#include "../util/error.h"
#include "../util/input-limits.h"

struct xlc_cpuid_dump {
    /*
     * Every (leaf, subleaf) the source gave, as given, sorted and unique;
     * leaves this project does not model are kept too.  A dump file
     * records leaves without subleaves at subleaf 0 (libvirt's ecx_in).
     */
    struct xfs_cpuid_leaf *leaves;
    size_t nr_leaves;
    struct xfs_msr_entry *msrs;
    size_t nr_msrs;
    char *source;                  /* file name, or "live CPU" */
};

/*
 * Limits: a dump file of either format is at most XLC_DUMP_MAX_BYTES (an
 * XML one also within the XML limits, libvirt/libvirt-xml.h); a line of
 * `cpuid -r` text at most XLC_DUMP_MAX_LINE bytes.  A real dump is a few
 * KiB; `cpuid -r` of a 1,000-CPU machine about 15 MiB.
 */
#define XLC_DUMP_MAX_BYTES (64u << 20)
#define XLC_DUMP_MAX_LINE 4096u
extern const struct xlc_input_limits xlc_dump_limits;

/* Load a dump file of either format. */
int xlc_dump_load(const char *path, struct xlc_cpuid_dump **out,
                  xlc_error *err);
/* Parse dump text held in memory; `name` is used in error messages. */
int xlc_dump_parse(const char *name, const char *text, size_t len,
                   struct xlc_cpuid_dump **out, xlc_error *err);
/* Read every leaf of this CPU with the cpuid instruction. */
int xlc_dump_live(struct xlc_cpuid_dump **out, xlc_error *err);
void xlc_dump_free(struct xlc_cpuid_dump *d);

/*
 * A reader serving the dump: the exact (leaf, subleaf) entry; for a leaf
 * whose ECX the processor ignores (!xfs_leaf_has_subleaves), any entry of
 * the leaf when that subleaf is not recorded; zeros when absent.  MSRs
 * from the dump's <msr> entries.  The dump must outlive the reader.
 */
void xlc_dump_reader(const struct xlc_cpuid_dump *d,
                     struct xfs_cpuid_reader *rd);

#endif /* LIBXL_CPUID_CPUID_DUMP_H */
