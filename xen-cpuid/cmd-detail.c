/* SPDX-License-Identifier: MIT */
/*
 * xen-cpuid detail: the info report with every word of every set decoded
 * into feature names (set bits without a name shown as <bit>).
 */
#include "info-common.h"

int cmd_detail(struct tool *t)
{
    return run_featureset_report(t, true);
}
