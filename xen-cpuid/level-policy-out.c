/* SPDX-License-Identifier: MIT */
/*
 * `xen-cpuid level`: printing the levelled CPU policy the library built
 * (level-report-policy.c), its refusals and XSAVE layout differences.
 */
#include <stdlib.h>
#include <string.h>

#include "../libxl_cpuid/policy/cpu-policy.h"
#include "level-tool.h"

static void components(FILE *out, uint64_t mask)
{
    for (unsigned int i = 0; i < 64; i++)
        if ((mask >> i) & 1)
            fprintf(out, " %u (%s)", i, xlc_xstate_component_name(i));
}

void level_policy_text(const struct xlc_level_report *r, FILE *out)
{
    const struct xlc_level_policy_out *p = &r->policy;
    struct xlc_buf b = XLC_BUF_INIT;
    char *s;

    if (!p->policy) {
        fprintf(out, "levelled policy: none: %s\n",
                p->why_not ? p->why_not : "?");
        return;
    }
    if (p->nr_refusals) {
        fprintf(out, "levelled policy: REFUSED by %zu check%s:\n",
                p->nr_refusals, p->nr_refusals == 1 ? "" : "s");
        for (size_t i = 0; i < p->nr_refusals; i++)
            fprintf(out, "  %s\n", p->refusals[i]);
    } else {
        fputs("levelled policy: every host's max policy accepts it\n", out);
    }
    if (p->layout_differs) {
        fputs("  XSAVE layout differs between hosts, or is missing from "
              "some host's data, for component(s)", out);
        components(out, p->layout_differs);
        fputc('\n', out);
    }
    xlc_policy_format_text(&b, "Levelled", p->policy);
    s = xlc_buf_take(&b);
    if (s)
        fputs(s, out);
    free(s);
}

/* ,"policy":...,"policy_why_not":...,... for one levelled policy. */
void level_policy_json(const struct xlc_level_report *r, struct xlc_buf *b)
{
    const struct xlc_level_policy_out *p = &r->policy;

    xlc_buf_puts(b, ",\"policy\":");
    if (p->policy)
        xlc_policy_format_json(b, "Levelled", p->policy);
    else
        xlc_buf_puts(b, "null");
    xlc_buf_puts(b, ",\"policy_why_not\":");
    if (p->why_not)
        xlc_buf_json_str(b, p->why_not);
    else
        xlc_buf_puts(b, "null");
    xlc_buf_printf(b, ",\"policy_xsave_layout_differs\":\"0x%016llx\","
                   "\"policy_refusals\":[",
                   (unsigned long long)p->layout_differs);
    for (size_t i = 0; i < p->nr_refusals; i++) {
        if (i)
            xlc_buf_putc(b, ',');
        xlc_buf_json_str(b, p->refusals[i]);
    }
    xlc_buf_putc(b, ']');
}
