/* SPDX-License-Identifier: MIT */
/*
 * xen-cpuid xl-cpuid [--type pv|hvm] [--cpuid DUMP] [--backend B] [--json]
 *                    STRING...
 *
 * What an xl cpuid= option does to a guest on this host.  Each STRING is
 * a libxl-form string ("host,avx=0") or one xend-form entry
 * ("0x1:ecx=xxxx...", told apart by a ':' before the first '='); all of
 * them go into one list, as xl builds it.  Printed: the parsed list, its
 * JSON as libxl_cpuid_policy_list_gen_json() writes it, notes on what
 * libxl accepts without a word (xl-cpuid-notes.h: "avx2=2" is 0, an octal
 * leaf, ...), the guest featureset and how it differs from the type's
 * default by name.
 *
 * Exit 2 on a string that does not parse (item number or column given),
 * 4 when the host refuses the result (every feature named).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../libxl_cpuid/policy/applied-policy.h"
#include "../libxl_cpuid/names/featureset-text.h"
#include "../libxl_cpuid/verdict/guest-verdict.h"
#include "../libxl_cpuid/xl/xl-cpuid-notes.h"
#include "../libxl_cpuid/xl/xl-cpuid.h"
#include "tool-handle.h"
#include "tool-output.h"

struct xl_run {
    enum xlc_guest_type type;
    const char *type_why;             /* how the type was chosen */
    const char *host;
    struct xlc_xl_cpuid list;
    struct xlc_xl_notes notes;        /* what libxl accepts silently */
    struct xlc_guest_verdict *v;      /* the guest verdict on this host */
    struct xlc_xl_applied ap;
    uint32_t added[XFS_NR_WORDS], removed[XFS_NR_WORDS];
};

/* --type, or hvm when the host runs HVM guests, else pv. */
static int pick_type(struct tool *t, const struct xlc_system_policies *sys,
                     struct xl_run *r)
{
    if (t->type_given) {
        r->type = t->type;
        r->type_why = "--type";
    } else if (sys->pol.present[XFS_SYSCTL_cpu_featureset_hvm]) {
        r->type = XLC_GUEST_HVM;
        r->type_why = "default: this host runs HVM guests";
    } else {
        r->type = XLC_GUEST_PV;
        r->type_why = "default: this host cannot run HVM guests";
    }
    return EXIT_OK;
}

static int parse_all(struct tool *t, struct xl_run *r)
{
    for (int i = 0; i < t->argc; i++) {
        xlc_error err = { 0 };
        int rc = xlc_xl_cpuid_parse_any(&r->list, t->argv[i], &err);

        if (rc) {
            xlc_error_prefix(&err, "string %d (%s form)", i + 1,
                             xlc_xl_cpuid_is_xend(t->argv[i]) ? "xend"
                                                              : "libxl");
            return tool_fail(t, rc, &err);
        }
    }
    return EXIT_OK;
}

/* Move every note of `from` to the end of `to`. */
static int take_notes(struct xlc_xl_notes *to, struct xlc_xl_notes *from)
{
    char **v;

    if (!from->nr)
        return 0;
    v = realloc(to->v, (to->nr + from->nr) * sizeof(*v));
    if (!v)
        return -ENOMEM;
    memcpy(v + to->nr, from->v, from->nr * sizeof(*v));
    to->v = v;
    to->nr += from->nr;
    free(from->v);
    from->v = NULL;
    from->nr = 0;
    return 0;
}

/* Notes on every libxl-form string, then on the xend entries together. */
static int collect_notes(struct tool *t, struct xl_run *r)
{
    const char **xend = calloc((size_t)t->argc + 1, sizeof(*xend));
    struct xlc_xl_notes one = { 0 };
    xlc_error err = { 0 };
    size_t nr_xend = 0;
    int rc = xend ? 0 : -ENOMEM;

    for (int i = 0; !rc && i < t->argc; i++) {
        if (xlc_xl_cpuid_is_xend(t->argv[i])) {
            xend[nr_xend++] = t->argv[i];
            continue;
        }
        rc = xlc_xl_notes_libxl(t->argv[i], &one, &err);
        if (!rc)
            rc = take_notes(&r->notes, &one);
    }
    if (!rc && nr_xend)
        rc = xlc_xl_notes_xend(xend, nr_xend, &one, &err);
    if (!rc)
        rc = take_notes(&r->notes, &one);
    xlc_xl_notes_free(&one);
    free(xend);
    if (rc) {
        tool_err(t, "out of memory");
        return EXIT_INTERNAL;
    }
    return EXIT_OK;
}

/*
 * Every reason in one line, "; "-separated; reasons sharing a "what: "
 * prefix with the one before are merged ("...cleared: fma avx2").
 */
static char *reasons_line(const struct xlc_guest_verdict *v)
{
    struct xlc_buf b = XLC_BUF_INIT;
    size_t plen = 0;

    for (size_t i = 0; i < v->nr_reasons; i++) {
        const char *t = v->reasons[i].text, *colon = strstr(t, ": ");
        const char *prev = i ? v->reasons[i - 1].text : NULL;

        if (prev && colon && plen == (size_t)(colon - t) + 2 &&
            !strncmp(prev, t, plen)) {
            xlc_buf_printf(&b, " %s", t + plen);
            continue;
        }
        xlc_buf_printf(&b, "%s%s", i ? "; " : "", t);
        plen = colon ? (size_t)(colon - t) + 2 : 0;
    }
    return xlc_buf_take(&b);
}

/* What Xen sets its own way (the verdict's changes; the dependents the
 * list cleared are listed apart). */
static void text_normalised(struct xlc_buf *b, const struct xl_run *r)
{
    size_t n = 0;

    for (size_t i = 0; i < r->v->nr_changes; i++)
        if (r->v->changes[i].kind != XLC_GV_CLEARED)
            xlc_buf_printf(b, "%-20s%s\n", n++ ? "" : "normalised:",
                           r->v->changes[i].text);
}

static void json_normalised(struct xlc_buf *b, const struct xl_run *r)
{
    size_t n = 0;

    xlc_buf_puts(b, ",\n  \"normalised\": [");
    for (size_t i = 0; i < r->v->nr_changes; i++) {
        if (r->v->changes[i].kind == XLC_GV_CLEARED)
            continue;
        xlc_buf_puts(b, n++ ? ", " : "");
        xlc_buf_json_str(b, r->v->changes[i].text);
    }
    xlc_buf_putc(b, ']');
}

/* The guest verdict for the list on this host (libxl_cpuid/
 * guest-verdict.h): the same answer record --xl-cpuid gets. */
static int apply(struct tool *t, const struct xlc_system_policies *sys,
                 struct xl_run *r)
{
    struct xlc_gv_guest g = { .form = XLC_GV_XL_CPUID, .xl = &r->list };
    xlc_error err = { 0 };
    struct xlc_gv_host h;
    char *why;
    int rc;

    xlc_gv_host_from_system(&h, sys, r->type);
    rc = xlc_guest_verdict(&h, &g, &r->v, &err);
    if (rc) {
        xlc_error_prefix(&err, "%s guest", xlc_guest_type_name(r->type));
        return tool_fail(t, rc, &err);
    }
    if (!r->v->runs) {
        why = reasons_line(r->v);
        tool_err(t, "%s guest: cpuid= refused: %s",
                 xlc_guest_type_name(r->type), why ? why : "out of memory");
        free(why);
        return EXIT_REFUSED;
    }
    r->ap = *r->v->xl;
    xfs_andnot(r->added, XFS_NR_WORDS, r->ap.fs, XFS_NR_WORDS, r->ap.def,
               XFS_NR_WORDS);
    /* removed by the list itself; the dependents are listed apart */
    xfs_andnot(r->removed, XFS_NR_WORDS, r->ap.def, XFS_NR_WORDS, r->ap.fs,
               XFS_NR_WORDS);
    xfs_andnot(r->removed, XFS_NR_WORDS, r->removed, XFS_NR_WORDS,
               r->ap.deps_cleared, XFS_NR_WORDS);
    return EXIT_OK;
}

static void text_names(struct xlc_buf *b, const char *label,
                       const uint32_t *fs)
{
    xlc_buf_printf(b, "%-20s", label);
    if (xfs_empty(fs, XFS_NR_WORDS))
        xlc_buf_puts(b, "(none)");
    else
        tool_buf_names(b, fs, false);
    xlc_buf_putc(b, '\n');
}

static void print_text(struct tool *t, const struct xl_run *r,
                       struct xlc_buf *b)
{
    xlc_buf_printf(b, "guest type:         %s (%s)\nhost:               %s\n",
                   xlc_guest_type_name(r->type), r->type_why, r->host);
    for (int i = 0; i < t->argc; i++)
        xlc_buf_printf(b, "string %d (%s):%*s%s\n", i + 1,
                       xlc_xl_cpuid_is_xend(t->argv[i]) ? "xend" : "libxl",
                       xlc_xl_cpuid_is_xend(t->argv[i]) ? 4 : 3, "",
                       t->argv[i]);
    xlc_buf_puts(b, "list:\n");
    xlc_xl_cpuid_text(b, &r->list);
    for (size_t i = 0; i < r->notes.nr; i++)
        xlc_buf_printf(b, "%-20s%s\n", i ? "" : "notes:", r->notes.v[i]);
    xlc_buf_puts(b, "libxl json:         ");
    xlc_xl_cpuid_json(b, &r->list);
    xlc_buf_puts(b, "\nfeatureset:         ");
    tool_buf_featureset(b, r->ap.fs);
    xlc_buf_puts(b, "\ndefault:            ");
    tool_buf_featureset(b, r->ap.def);
    xlc_buf_putc(b, '\n');
    text_names(b, "added:", r->added);
    text_names(b, "removed:", r->removed);
    text_names(b, "dependents cleared:", r->ap.deps_cleared);
    text_normalised(b, r);
}

static void print_json(struct tool *t, const struct xl_run *r,
                       struct xlc_buf *b)
{
    xlc_buf_printf(b, "{\n  \"type\": \"%s\",\n  \"type_from\": ",
                   xlc_guest_type_name(r->type));
    xlc_buf_json_str(b, r->type_why);
    xlc_buf_puts(b, ",\n  \"host\": ");
    xlc_buf_json_str(b, r->host);
    xlc_buf_puts(b, ",\n  \"strings\": [");
    for (int i = 0; i < t->argc; i++) {
        xlc_buf_printf(b, "%s{\"form\": \"%s\", \"string\": ", i ? ", " : "",
                       xlc_xl_cpuid_is_xend(t->argv[i]) ? "xend" : "libxl");
        xlc_buf_json_str(b, t->argv[i]);
        xlc_buf_putc(b, '}');
    }
    xlc_buf_puts(b, "],\n  \"libxl_json\": ");
    xlc_xl_cpuid_json(b, &r->list);
    xlc_buf_puts(b, ",\n  \"notes\": [");
    for (size_t i = 0; i < r->notes.nr; i++) {
        xlc_buf_puts(b, i ? ", " : "");
        xlc_buf_json_str(b, r->notes.v[i]);
    }
    xlc_buf_putc(b, ']');
    xlc_buf_puts(b, ",\n  \"featureset\": \"");
    tool_buf_featureset(b, r->ap.fs);
    xlc_buf_puts(b, "\",\n  \"default\": \"");
    tool_buf_featureset(b, r->ap.def);
    xlc_buf_puts(b, "\",\n  \"added\": ");
    tool_buf_names(b, r->added, true);
    xlc_buf_puts(b, ",\n  \"removed\": ");
    tool_buf_names(b, r->removed, true);
    xlc_buf_puts(b, ",\n  \"dependents_cleared\": ");
    tool_buf_names(b, r->ap.deps_cleared, true);
    json_normalised(b, r);
    xlc_buf_puts(b, ",\n  \"features\": ");
    tool_buf_names(b, r->ap.fs, true);
    xlc_buf_puts(b, "\n}\n");
}

int cmd_xl_cpuid(struct tool *t)
{
    struct xlc_system_policies *sys = NULL;
    struct xl_run r = { 0 };
    struct xlc_buf b = XLC_BUF_INIT;
    int rc;

    if (!t->argc)
        return tool_usage(t, "expected STRING... (\"host,NAME=VALUE,...\" "
                          "or \"LEAF[,SUB]:REG=MASK,...\")");
    rc = parse_all(t, &r);
    if (!rc)
        rc = collect_notes(t, &r);
    if (!rc)
        rc = tool_host_policies(t, &sys, &r.host);
    if (!rc)
        rc = pick_type(t, sys, &r);
    if (!rc)
        rc = apply(t, sys, &r);
    if (!rc) {
        if (t->json)
            print_json(t, &r, &b);
        else
            print_text(t, &r, &b);
        rc = tool_emit(t, &b);
    }
    xlc_xl_cpuid_free(&r.list);
    xlc_xl_notes_free(&r.notes);
    xlc_guest_verdict_free(r.v);
    xlc_system_policies_free(sys);
    return rc;
}
