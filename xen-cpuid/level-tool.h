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

#include "../libxl_cpuid/names/featureset-text.h"
#include "../libxl_cpuid/verdict/guest-source.h"
#include "../libxl_cpuid/level/level-report.h"
#include "../libxl_cpuid/util/strbuf.h"
#include "../libxl_cpuid/viridian/viridian.h"
#include "tool.h"

/* A bit as `level` shows it: ours (xlc_bit_text's XLC_BIT_OURS). */
static inline const char *level_bit(unsigned int bit,
                                    char buf[XLC_BIT_TEXT_MAX])
{
    return xlc_bit_text(bit, XLC_BIT_OURS, buf);
}

/* The levelled policy, text and JSON (level-policy-out.c). */
void level_policy_text(const struct xlc_level_report *r, FILE *out);
void level_policy_json(const struct xlc_level_report *r, struct xlc_buf *b);

/* vp: the Hyper-V enlightenments across the pool (NULL: not asked), with
 * the candidates' releases in cand (level-viridian.c). */
int level_print_text(const struct xlc_level_report *r,
                     const struct xlc_viridian_pool *vp,
                     const struct xlc_viridian_pool *cand, FILE *out);
int level_print_json(const struct xlc_level_report *r,
                     const struct xlc_viridian_pool *vp,
                     const struct xlc_viridian_pool *cand, FILE *out);
void level_viridian_text(const struct xlc_viridian_pool *vp,
                         const struct xlc_viridian_pool *cand, FILE *out);
void level_viridian_json(const struct xlc_viridian_pool *vp,
                         const struct xlc_viridian_pool *cand,
                         struct xlc_buf *b);

#endif /* XEN_CPUID_LEVEL_TOOL_H */
