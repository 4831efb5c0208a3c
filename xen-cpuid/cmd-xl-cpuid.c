/* SPDX-License-Identifier: MIT */
/*
 * xen-cpuid xl-cpuid [--type pv|hvm] [--cpuid DUMP] [--json] STRING...
 *
 * What an xl domain configuration's cpuid= option does to a guest on this
 * host (real Xen, or the simulated hypervisor over a dump):
 *   - one STRING in the libxl form: "host,avx2=0,..."   (cpuid="...")
 *   - one or more xend items: "1:ecx=xxx...,edx=..."    (cpuid=[...])
 * An item that starts with '-' ("-1:...") must come after "--".
 *
 * The string is parsed exactly as libxl parses it (the list is printed as
 * libxl's JSON, with notes on what libxl accepts silently), then applied
 * to the type's default featureset.  Exit 0 with the report; 2 when the
 * string is malformed (where xl would only warn) or holds a mask
 * character libxenguest refuses; 4 when it asks for features this host
 * cannot give the guest type (every one named).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../libxl_cpuid/xl-cpuid-apply.h"
#include "tool-handle.h"
#include "xl-cpuid-out.h"

#define N XFS_NR_WORDS

struct guest_sets {
    uint32_t def[N], max[N], host[N];
    char source[512];
};

static int parse_type(struct tool *t, enum xlc_guest_type *type)
{
    xlc_error err = { 0 };

    if (!t->type) {
        *type = XLC_GUEST_HVM;
        return EXIT_OK;
    }
    if (xlc_guest_type_parse(t->type, type, &err)) {
        tool_err(t, "--type: %s", err.msg);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

/* An xend item starts with its leaf number. */
static bool looks_xend(const char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    return isdigit((unsigned char)*s) || *s == '+' || *s == '-';
}

static int parse_input(struct tool *t, char **args, int n, bool *xend,
                       struct xlc_xl_list *l)
{
    xlc_error err = { 0 };
    int r;

    *xend = looks_xend(args[0]);
    if (!*xend && n > 1) {
        tool_err(t, "one libxl-form string at a time (\"host,NAME=VALUE,"
                    "...\"); several arguments are xend items, which start "
                    "with a leaf number");
        return EXIT_USAGE;
    }
    r = *xend ? xlc_xl_parse_xend_list(l, (const char *const *)args,
                                       (size_t)n, &err)
              : xlc_xl_parse_string(l, args[0], &err);
    if (r) {
        tool_err(t, "%s", err.msg);
        return r == -ENOMEM ? EXIT_INTERNAL : EXIT_INPUT;
    }
    return EXIT_OK;
}

static void take(uint32_t dst[N], const struct tool_featuresets *s,
                 unsigned int idx)
{
    memset(dst, 0, N * sizeof(*dst));
    if (s->fs[idx])
        xfs_copy(dst, N, s->fs[idx], s->len[idx]);
}

static int host_sets(struct tool *t, enum xlc_guest_type type,
                     struct guest_sets *g)
{
    bool pv = type == XLC_GUEST_PV;
    struct tool_featuresets s;
    xlc_handle *h;
    int rc = tool_open_handle(t, &h);

    if (rc)
        return rc;
    rc = tool_get_featuresets(t, h, &s);
    if (!rc) {
        take(g->host, &s, XFS_SYSCTL_cpu_featureset_host);
        take(g->def, &s, pv ? XFS_SYSCTL_cpu_featureset_pv
                            : XFS_SYSCTL_cpu_featureset_hvm);
        take(g->max, &s, pv ? XFS_SYSCTL_cpu_featureset_pv_max
                            : XFS_SYSCTL_cpu_featureset_hvm_max);
        snprintf(g->source, sizeof(g->source), "%s",
                 xlc_backend_description(h));
        tool_featuresets_free(&s);
        if (xfs_empty(g->max, N)) {
            tool_err(t, "this host cannot run %s guests at all%s",
                     xlc_guest_type_name(type),
                     pv ? "" : " (no VMX or SVM); try --type pv");
            rc = EXIT_REFUSED;
        }
    }
    xlc_close(h);
    return rc;
}

static int exit_for(int r)
{
    switch (-r) {
    case ENOTSUP: return EXIT_REFUSED;
    case ENOMEM: return EXIT_INTERNAL;
    default: return EXIT_INPUT;
    }
}

static int report(struct tool *t, struct xl_report *r)
{
    struct xlc_buf b = XLC_BUF_INIT;
    xlc_error err = { 0 };
    char *shortest = NULL, *out;

    if (xlc_xl_reverse(r->applied->fs, r->host, &shortest, &err))
        r->shortest_why_not = err.msg;
    r->shortest = shortest;
    if (t->json) {
        xl_report_json(&b, r);
    } else {
        xl_report_text(&b, r);
    }
    free(shortest);
    out = xlc_buf_take(&b);
    if (!out) {
        tool_err(t, "out of memory");
        return EXIT_INTERNAL;
    }
    fputs(out, stdout);
    free(out);
    return EXIT_OK;
}

static int run(struct tool *t, char **args, int n, enum xlc_guest_type type)
{
    struct xlc_xl_list l = XLC_XL_LIST_INIT;
    struct xlc_xl_applied a;
    struct guest_sets *g = calloc(1, sizeof(*g));
    struct xlc_xl_host h;
    struct xl_report r = { 0 };
    xlc_error err = { 0 };
    int rc = g ? parse_input(t, args, n, &r.xend, &l) : EXIT_INTERNAL;

    if (!rc)
        rc = host_sets(t, type, g);
    if (!rc) {
        h = (struct xlc_xl_host){ type, g->def, g->max, g->host };
        int ar = xlc_xl_apply(&l, &h, &a, &err);

        if (ar) {
            tool_err(t, "%s", err.msg);
            rc = exit_for(ar);
        } else {
            r.input = args;
            r.nr_input = n;
            r.list = &l;
            r.host = &h;
            r.source = g->source;
            r.applied = &a;
            rc = report(t, &r);
            xlc_xl_applied_free(&a);
        }
    }
    xlc_xl_list_free(&l);
    free(g);
    return rc;
}

int cmd_xl_cpuid(struct tool *t)
{
    enum xlc_guest_type type;
    char *one[1];
    int rc = parse_type(t, &type);

    if (rc)
        return rc;
    if (t->argc == 0 && t->xl_cpuid) {
        one[0] = (char *)t->xl_cpuid;
        return run(t, one, 1, type);
    }
    if (t->argc == 0) {
        tool_err(t, "usage: xen-cpuid xl-cpuid [--type pv|hvm] [--cpuid "
                    "DUMP] [--json] STRING...  (STRING: \"host,NAME=VALUE,"
                    "...\" or xend items \"LEAF[,SUBLEAF]:REG=MASK,...\")");
        return EXIT_USAGE;
    }
    return run(t, t->argv, t->argc, type);
}
