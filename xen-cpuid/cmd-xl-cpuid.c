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
 * to the type's default policy as libxenguest applies it
 * (xlc_xl_cpuid_apply).  Exit 0 with the report; 2 when the
 * string is malformed (where xl would only warn) or holds a mask
 * character libxenguest refuses; 4 when the host refuses it: features the
 * type's max lacks or whose prerequisite is cleared (every one named), a
 * leaf the policy does not hold, a guest type the host cannot run.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../libxl_cpuid/applied-policy.h"
#include "../libxl_cpuid/xl-cpuid.h"
#include "tool-policies.h"
#include "xl-cpuid-out.h"

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
                       struct xlc_xl_cpuid *l)
{
    xlc_error err = { 0 };
    int r = 0;

    *xend = looks_xend(args[0]);
    if (!*xend && n > 1) {
        tool_err(t, "one libxl-form string at a time (\"host,NAME=VALUE,"
                    "...\"); several arguments are xend items, which start "
                    "with a leaf number");
        return EXIT_USAGE;
    }
    if (!*xend)
        r = xlc_xl_cpuid_parse(l, args[0], NULL, NULL, &err);
    for (int i = 0; *xend && i < n && !r; i++)
        if ((r = xlc_xl_cpuid_parse_xend(l, args[i], NULL, &err)) && n > 1)
            xlc_error_prefix(&err, "item %d", i + 1);
    if (r) {
        tool_err(t, "%s (xl would print this and build the guest without "
                    "the item)", err.msg);
        return r == -ENOMEM ? EXIT_INTERNAL : EXIT_INPUT;
    }
    return EXIT_OK;
}

static int notes_for(struct tool *t, char **args, int n, bool xend,
                     struct xlc_xl_notes *notes)
{
    xlc_error err = { 0 };
    int r = xend ? xlc_xl_notes_xend((const char *const *)args, (size_t)n,
                                     notes, &err)
                 : xlc_xl_notes_libxl(args[0], notes, &err);

    if (r) {
        tool_err(t, "%s", err.msg);
        return EXIT_INTERNAL;
    }
    return EXIT_OK;
}

/*
 * libxl keeps any character in an xend mask; libxenguest refuses the
 * whole list for one outside 0 1 x k s.  That is bad input (exit 2), so it
 * is told apart from the host's refusals (exit 4) before applying.
 */
static int check_masks(struct tool *t, const struct xlc_xl_cpuid *l)
{
    for (size_t i = 0; i < l->nr_cpuid; i++)
        for (int reg = 0; reg < 4; reg++) {
            const char *m = l->cpuid[i].policy[reg];

            for (unsigned int c = 0; m && c < XLC_XL_REG_CHARS; c++) {
                if (strchr("01xks", m[c]) && m[c])
                    continue;
                tool_err(t, "leaf 0x%x %s: bad mask character '%c' at "
                            "position %u (bit %u): libxenguest accepts only "
                            "0, 1, x, k, s and refuses the whole list",
                         l->cpuid[i].leaf, xlc_reg_name((enum xfs_reg)reg),
                         (unsigned char)m[c] >= 0x20 &&
                                 (unsigned char)m[c] < 0x7f ? m[c] : '?',
                         c + 1, 31 - c);
                return EXIT_INPUT;
            }
        }
    return EXIT_OK;
}

static int exit_for(int r)
{
    switch (-r) {
    case ENOMEM: return EXIT_INTERNAL;
    default: return EXIT_REFUSED; /* EINVAL: refused; ENODEV: no such guests */
    }
}

static int report(struct tool *t, struct xl_report *r)
{
    struct xlc_buf b = XLC_BUF_INIT;
    xlc_error err = { 0 };
    char *shortest = NULL, *out;

    if (xlc_xl_cpuid_reverse(r->applied->fs, r->applied->def, &shortest,
                             &err))
        r->shortest_why_not = err.msg;
    r->shortest = shortest;
    if (t->json)
        xl_report_json(&b, r);
    else
        xl_report_text(&b, r);
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

static int apply_and_report(struct tool *t, struct xl_report *r,
                            const struct xlc_system_policies *sys)
{
    struct xlc_xl_applied *a = calloc(1, sizeof(*a));
    xlc_error err = { 0 };
    int rc;

    if (!a) {
        tool_err(t, "out of memory");
        return EXIT_INTERNAL;
    }
    rc = xlc_xl_cpuid_apply(sys, r->type, r->list, a, &err);
    if (rc) {
        tool_err(t, "%s", err.msg);
        free(a);
        return exit_for(rc);
    }
    r->applied = a;
    r->def_policy = &sys->pol.p[xlc_policy_index_default(r->type)];
    rc = report(t, r);
    free(a);
    return rc;
}

static int run(struct tool *t, char **args, int n, enum xlc_guest_type type)
{
    struct xlc_xl_cpuid l = { 0 };
    struct xlc_xl_notes notes = { 0 };
    struct xlc_system_policies *sys = NULL;
    struct xl_report r = { .input = args, .nr_input = n, .list = &l,
                           .notes = &notes, .type = type };
    const char *backend = NULL;
    int rc = parse_input(t, args, n, &r.xend, &l);

    if (!rc)
        rc = check_masks(t, &l);
    if (!rc)
        rc = notes_for(t, args, n, r.xend, &notes);
    if (!rc)
        rc = tool_system_policies(t, &sys, &backend);
    if (!rc) {
        r.source = tool_policies_description(sys, backend);
        rc = apply_and_report(t, &r, sys);
    }
    xlc_system_policies_free(sys);
    xlc_xl_notes_free(&notes);
    xlc_xl_cpuid_free(&l);
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
