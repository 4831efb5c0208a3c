/* SPDX-License-Identifier: MIT */
/*
 * `xen-cpuid level`: the levelled CPU policy, when every host's input had
 * the CPUID leaves for a full policy, checked against each host's max
 * policy with the policy library's compatibility check.
 */
#include <stdlib.h>
#include <string.h>

#include "../libxl_cpuid/cpu-policy.h"
#include "../libxl_cpuid/level-policy.h"
#include "level-tool.h"

static void why_not(struct level_run *r, const char *msg)
{
    r->policy_why_not = strdup(msg);
}

/* Each host's refusals, as "name: reason" lines. */
static void check_hosts(struct level_run *r)
{
    char name[XLC_HOST_NAME_BUF];

    for (size_t id = 0; id < xlc_pool_nr_ids(r->pool); id++) {
        struct xlc_compat_report rep;
        xlc_error err;

        if (!xlc_pool_has(r->pool, id) ||
            xlc_policy_compat_report(r->pols[id], r->policy, &rep, &err))
            continue;
        for (size_t k = 0; k < rep.nr; k++) {
            struct xlc_buf b = XLC_BUF_INIT;
            char *line, **v;

            xlc_buf_printf(&b, "%s: %s",
                           xlc_pool_host_name(r->pool, id, name),
                           rep.reasons[k]);
            line = xlc_buf_take(&b);
            v = line ? realloc(r->refusals, (r->nr_refusals + 1) * sizeof(*v))
                     : NULL;
            if (!v) {
                free(line);
                break;
            }
            r->refusals = v;
            v[r->nr_refusals++] = line;
        }
        xlc_compat_report_free(&rep);
    }
}

void level_policy_output(struct level_run *r)
{
    size_t n = 0, ids = xlc_pool_nr_ids(r->pool), missing = 0;
    const struct xfs_cpu_policy **hosts = calloc(ids ? ids : 1,
                                                 sizeof(*hosts));
    xlc_error err;

    if (!hosts) {
        why_not(r, "out of memory");
        return;
    }
    for (size_t id = 0; id < ids; id++)
        if (xlc_pool_has(r->pool, id)) {
            if (r->pols[id])
                hosts[n++] = r->pols[id];
            else
                missing++;
        }
    if (missing)
        why_not(r, "some hosts' inputs (featuresets, libvirt <cpu>) carry "
                   "no CPUID leaves to build a policy from");
    else if (!(r->policy = malloc(sizeof(*r->policy))))
        why_not(r, "out of memory");
    else if (xlc_level_policies(hosts, n, r->level.sets.level, r->policy,
                                &r->policy_layout_differs, &err)) {
        free(r->policy);
        r->policy = NULL;
        why_not(r, err.msg);
    } else {
        check_hosts(r);
    }
    free(hosts);
}

static void components(FILE *out, uint64_t mask)
{
    for (unsigned int i = 0; i < 64; i++)
        if ((mask >> i) & 1)
            fprintf(out, " %u (%s)", i, xlc_xstate_component_name(i));
}

void level_policy_text(const struct level_run *r, FILE *out)
{
    struct xlc_buf b = XLC_BUF_INIT;
    char *s;

    if (!r->policy) {
        fprintf(out, "levelled policy: none: %s\n",
                r->policy_why_not ? r->policy_why_not : "?");
        return;
    }
    if (r->nr_refusals) {
        fprintf(out, "levelled policy: REFUSED by %zu check%s:\n",
                r->nr_refusals, r->nr_refusals == 1 ? "" : "s");
        for (size_t i = 0; i < r->nr_refusals; i++)
            fprintf(out, "  %s\n", r->refusals[i]);
    } else {
        fputs("levelled policy: every host's max policy accepts it\n", out);
    }
    if (r->policy_layout_differs) {
        fputs("  XSAVE layout differs between hosts, or is missing from "
              "some host's data, for component(s)", out);
        components(out, r->policy_layout_differs);
        fputc('\n', out);
    }
    xlc_policy_format_text(&b, "Levelled", r->policy);
    s = xlc_buf_take(&b);
    if (s)
        fputs(s, out);
    free(s);
}

void level_policy_json(const struct level_run *r, struct xlc_buf *b)
{
    xlc_buf_puts(b, ",\"policy\":");
    if (r->policy)
        xlc_policy_format_json(b, "Levelled", r->policy);
    else
        xlc_buf_puts(b, "null");
    xlc_buf_puts(b, ",\"policy_why_not\":");
    if (r->policy_why_not)
        xlc_buf_json_str(b, r->policy_why_not);
    else
        xlc_buf_puts(b, "null");
    xlc_buf_printf(b, ",\"policy_xsave_layout_differs\":\"0x%016llx\","
                   "\"policy_refusals\":[",
                   (unsigned long long)r->policy_layout_differs);
    for (size_t i = 0; i < r->nr_refusals; i++) {
        if (i)
            xlc_buf_putc(b, ',');
        xlc_buf_json_str(b, r->refusals[i]);
    }
    xlc_buf_putc(b, ']');
}
