/* SPDX-License-Identifier: MIT */
/*
 * xen-cpuid detail (also -d, -v): the info report with every word of every
 * set decoded into feature names as Xen's xen-cpuid spells them (set bits
 * without a name shown as <bit>).  Reached through Xen's invocations
 * (xen-invocation.c).
 */
#include "info-common.h"

int cmd_detail(struct tool *t)
{
    return run_featureset_report(t, true);
}
