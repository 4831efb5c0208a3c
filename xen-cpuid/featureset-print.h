/* SPDX-License-Identifier: MIT */
/*
 * The featureset report of `info` and `detail`, as text in the layout of
 * Xen's xen-cpuid and as JSON.
 */
#ifndef XEN_CPUID_FEATURESET_PRINT_H
#define XEN_CPUID_FEATURESET_PRINT_H

#include <stdbool.h>
#include <stdio.h>

#include "../libxl_cpuid/util/strbuf.h"
#include "tool-handle.h"

/* "Name<pad>        xxxxxxxx:xxxxxxxx:...\n" (no newline for no words) */
void fsp_set_line(FILE *f, const char *name, const uint32_t *fs,
                  uint32_t len);
/* "  [NN] CPUID 0x...   name name <bit>" for every word of the set that
 * Xen's xen-cpuid knows, names spelled as that tool spells them. */
void fsp_set_detail(FILE *f, const uint32_t *fs, uint32_t len);

/* The whole report; `detail` adds the per-word names (Xen's spellings);
 * backend_desc, when not NULL, is added as a last "Backend:" line. */
void fsp_report(FILE *f, const struct tool_featuresets *s,
                const char *backend_desc, bool detail);
/* The same as a JSON object. */
void fsp_report_json(struct xlc_buf *b, const struct tool_featuresets *s,
                     const xlc_handle *h, bool detail);

#endif /* XEN_CPUID_FEATURESET_PRINT_H */
