/* SPDX-License-Identifier: MIT */
/*
 * `xen-cpuid level`: the tool's side only.  cmd-level.c reads the inputs
 * into a library level report (libxl_cpuid/level/level-report.h), which
 * computes everything; level-text.c and level-json.c print it.
 */
#ifndef XEN_CPUID_LEVEL_TOOL_H
#define XEN_CPUID_LEVEL_TOOL_H

#include <stdbool.h>
#include <stdio.h>

#include "../libxl_cpuid/names/feature-names.h"
#include "../libxl_cpuid/verdict/guest-source.h"
#include "../libxl_cpuid/level/level-report.h"
#include "../libxl_cpuid/util/strbuf.h"
#include "tool.h"

/* A feature's lower-case name, or "[W*32+B]" for a bit no feature names. */
const char *level_feature_name(unsigned int bit,
                               char buf[XLC_FEATURE_NAME_MAX]);
/* The featureset text form (xxxxxxxx:...), malloc'd. */
char *level_featureset_text(const uint32_t *fs, size_t nr);

/* The levelled policy, text and JSON (level-policy-out.c). */
void level_policy_text(const struct xlc_level_report *r, FILE *out);
void level_policy_json(const struct xlc_level_report *r, struct xlc_buf *b);

int level_print_text(const struct xlc_level_report *r, FILE *out);
int level_print_json(const struct xlc_level_report *r, FILE *out);

#endif /* XEN_CPUID_LEVEL_TOOL_H */
