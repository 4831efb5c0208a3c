/* SPDX-License-Identifier: MIT */
/*
 * Writing a subcommand's result: the buffer to stdout, and the featureset
 * text and feature names our reports show (Xen's spellings, "AVX2").
 */
#ifndef XEN_CPUID_TOOL_OUTPUT_H
#define XEN_CPUID_TOOL_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>

#include "../libxl_cpuid/util/strbuf.h"
#include "tool.h"

/* Write b to stdout and free it: EXIT_OK, or EXIT_INTERNAL when it ran out
 * of memory or stdout cannot be written. */
int tool_emit(const struct tool *t, struct xlc_buf *b);

/* A featureset of this build's words, as Xen writes it (%08x, ':'). */
void tool_buf_featureset(struct xlc_buf *b, const uint32_t *fs);
/* Xen names of the set bits, space separated (JSON: a string array). */
void tool_buf_names(struct xlc_buf *b, const uint32_t *fs, bool json);

#endif /* XEN_CPUID_TOOL_OUTPUT_H */
