/* SPDX-License-Identifier: MIT */
#ifndef XEN_CPUID_INFO_COMMON_H
#define XEN_CPUID_INFO_COMMON_H

#include <stdbool.h>

#include "tool.h"

/* info and detail: open the backend, fetch the sets, print.  Exit code. */
int run_featureset_report(struct tool *t, bool detail);

#endif /* XEN_CPUID_INFO_COMMON_H */
