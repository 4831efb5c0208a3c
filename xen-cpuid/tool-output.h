/* SPDX-License-Identifier: MIT */
/*
 * Writing a subcommand's result: the buffer to stdout, and the featureset
 * text and feature names our reports show (Xen's spellings, "AVX2").
 */
#ifndef XEN_CPUID_TOOL_OUTPUT_H
#define XEN_CPUID_TOOL_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>

#include "../libxl_cpuid/names/featureset-text.h"
#include "../libxl_cpuid/util/strbuf.h"
#include "tool.h"

/* Write b to stdout and free it: EXIT_OK, or EXIT_INTERNAL when it ran out
 * of memory or stdout cannot be written (tool_output_done says so). */
int tool_emit(const struct tool *t, struct xlc_buf *b);

/*
 * From here on, what is printed on stdout goes through the escaping
 * function (escape.h, report mode): a report quoting its input (a file
 * name, a setting) cannot put control bytes or bytes that are not UTF-8
 * on the terminal.  Line breaks and tabs stay; JSON output, which never
 * holds either, is unchanged.
 */
void tool_escape_stdout(void);

/*
 * The exit status once a command has run: rc, unless what it printed did
 * not all reach stdout (a full disk, a closed pipe): then EXIT_INTERNAL
 * and "error writing output".
 */
int tool_output_done(const struct tool *t, int rc);

/*
 * The bits set in fs by Xen's names, through the library's one bit
 * formatter (a bit the feature list does not name as [W*32+B]): space
 * separated, or a JSON array of strings when json.
 */
void tool_bit_names(struct xlc_buf *b, const uint32_t *fs, bool json);

#endif /* XEN_CPUID_TOOL_OUTPUT_H */
