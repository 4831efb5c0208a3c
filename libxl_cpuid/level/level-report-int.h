/* SPDX-License-Identifier: MIT */
/*
 * The parts of a level report, shared by level-report*.c only.  Each
 * returns 0 or a negative errno (the ones without an xlc_error only fail
 * with -ENOMEM).
 */
#ifndef LIBXL_CPUID_LEVEL_REPORT_INT_H
#define LIBXL_CPUID_LEVEL_REPORT_INT_H

#include "level-report.h"
#include "../util/strbuf.h"

/* Internal: not exported from libxl_cpuid.so. */
#pragma GCC visibility push(hidden)

/* Non-migratable sets, guest level, held-back reasons, opt-ins, guest CPU
 * (level-report-guest.c). */
int xlc_level_report_guest(struct xlc_level_report *r,
                           const struct xlc_level_options *opts,
                           xlc_error *err);
/* The guest level and guest CPU a level gives with the report's filters
 * and granted opt-ins (opt-ins the level's max lacks are left out and put
 * in lacking, which may be NULL). */
void xlc_level_report_guest_of(const struct xlc_level_report *r,
                               const struct xlc_level *l,
                               struct xfs_level_sets *guest,
                               uint32_t cpu[XFS_NR_WORDS],
                               uint32_t *lacking);
/* The levelled policy of the guest CPU (level-report-policy.c). */
int xlc_level_report_policy(struct xlc_level_report *r);
/* The xl cpuid= string and the libvirt <cpu> (level-report-strings.c). */
int xlc_level_report_strings(struct xlc_level_report *r,
                             const struct xlc_level_options *opts);
/* Per-host verdicts (level-report-verdict.c). */
int xlc_level_report_verdicts(struct xlc_level_report *r, xlc_error *err);
/* What leaks through on each host, against the guest CPU or
 * guest:SOURCE as it runs there, and the counts (level-report-leaks.c).
 * After the verdicts. */
void xlc_level_report_leaks(struct xlc_level_report *r);
/* The guest:SOURCE <cpu>'s models, pinned (level-report-pins.c). */
int xlc_level_report_pins(struct xlc_level_report *r, xlc_error *err);
/* "+HOST" what-ifs (level-report-whatif.c). */
int xlc_level_report_candidates(struct xlc_level_report *r, xlc_error *err);

#pragma GCC visibility pop

#endif /* LIBXL_CPUID_LEVEL_REPORT_INT_H */
