/* SPDX-License-Identifier: MIT */
/* What `xen-cpuid xl-cpuid` prints: text and JSON. */
#ifndef XEN_CPUID_XL_CPUID_OUT_H
#define XEN_CPUID_XL_CPUID_OUT_H

#include <stdbool.h>

#include "../libxl_cpuid/cpu-policy.h"
#include "../libxl_cpuid/strbuf.h"
#include "../libxl_cpuid/xl-cpuid-notes.h"
#include "../libxl_cpuid/xl-cpuid.h"

struct xl_report {
    bool xend;                        /* which form the input was */
    char *const *input;               /* the strings as given */
    int nr_input;
    const struct xlc_xl_cpuid *list;
    const struct xlc_xl_notes *notes; /* what libxl accepts silently */
    enum xlc_guest_type type;
    const struct xfs_cpu_policy *def_policy; /* the type's default policy */
    const char *source;               /* where the policies came from */
    const struct xlc_xl_applied *applied;
    const char *shortest;             /* reverse of the result, or NULL */
    const char *shortest_why_not;     /* why there is none */
};

void xl_report_text(struct xlc_buf *b, const struct xl_report *r);
void xl_report_json(struct xlc_buf *b, const struct xl_report *r);

#endif
