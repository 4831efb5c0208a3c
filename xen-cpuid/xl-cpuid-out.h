/* SPDX-License-Identifier: MIT */
/* What `xen-cpuid xl-cpuid` prints: text and JSON. */
#ifndef XEN_CPUID_XL_CPUID_OUT_H
#define XEN_CPUID_XL_CPUID_OUT_H

#include <stdbool.h>

#include "../libxl_cpuid/strbuf.h"
#include "../libxl_cpuid/xl-cpuid-apply.h"

struct xl_report {
    bool xend;                        /* which form the input was */
    char *const *input;               /* the strings as given */
    int nr_input;
    const struct xlc_xl_list *list;
    const struct xlc_xl_host *host;
    const char *source;               /* backend description */
    const struct xlc_xl_applied *applied;
    const char *shortest;             /* reverse of the result, or NULL */
    const char *shortest_why_not;     /* why there is none */
};

void xl_report_text(struct xlc_buf *b, const struct xl_report *r);
void xl_report_json(struct xlc_buf *b, const struct xl_report *r);

#endif
