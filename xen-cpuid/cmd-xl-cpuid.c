/* SPDX-License-Identifier: MIT */
/*
 * xen-cpuid xl-cpuid [--type pv|hvm] [--cpuid DUMP] [--backend B] [--json]
 *                    STRING...
 * xen-cpuid xl-cpuid --config FILE [--cpuid DUMP] [--backend B] [--json]
 *
 * What an xl cpuid= option does to a guest on this host.  Each STRING is
 * a libxl-form string ("host,avx=0") or one xend-form entry
 * ("0x1:ecx=xxxx...", told apart by a ':' before the first '='); all of
 * them go into one list, as xl builds it.  With --config the cpuid= of an
 * xl config is judged together with its type= (pvh: an HVM container)
 * and nestedhvm= (xl-inputs.c).  Printed: the parsed list, its JSON as
 * libxl_cpuid_policy_list_gen_json() writes it, notes on what libxl
 * accepts without a word (xl-cpuid-notes.h: "avx2=2" is 0, an octal leaf,
 * ...), the guest featureset and how it differs from the type's default
 * by name.
 *
 * Exit 2 on a string or config that does not parse (item number, line or
 * column given), 4 when the host refuses the result (every feature
 * named).
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
#include "xl-inputs.h"

struct xl_run {
    enum xlc_guest_type type;
    const char *type_why;             /* how the type was chosen */
    char type_text[512];
    const char *host;
    struct xl_inputs in;              /* the strings, the list, the notes */
    struct xlc_guest_verdict *v;      /* the guest verdict on this host */
    struct xlc_xl_applied ap;
    uint32_t added[XFS_NR_WORDS], removed[XFS_NR_WORDS];
};

/* The config's type=, said with where it comes from. */
static void config_type(struct xl_run *r)
{
    const struct xlc_xl_config *c = &r->in.cfg;

    r->type = c->guest_type;
    if (c->type_setting)
        snprintf(r->type_text, sizeof(r->type_text), "%s=%s, %s line %u%s",
                 c->type_setting, xlc_xl_domain_type_name(c->domain_type),
                 r->in.file.source, c->type_line,
                 c->domain_type == XLC_XL_DOMAIN_PVH
                     ? ": an HVM container, given the HVM policies" : "");
    else
        snprintf(r->type_text, sizeof(r->type_text), "no type= in %s: "
                 "xl's default", r->in.file.source);
    r->type_why = r->type_text;
}

/* --type (or the config's), or hvm when the host runs HVM guests, else
 * pv. */
static int pick_type(struct tool *t, const struct xlc_system_policies *sys,
                     struct xl_run *r)
{
    if (r->in.from_config) {
        config_type(r);
    } else if (t->type_given) {
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
    struct xlc_gv_guest g = { .form = XLC_GV_XL_CPUID, .xl = r->in.cpuid,
                              .nested = r->in.nested };
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
    /* Against the type's default, so that what nestedhvm=1 gives (the
     * list's starting point) shows as added too. */
    xfs_copy(r->ap.def, XFS_NR_WORDS, h.sets.def, XFS_NR_WORDS);
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
        tool_bit_names(b, fs, false);
    xlc_buf_putc(b, '\n');
}

/* With --config: the nested virtualisation the config gives. */
static const char *nested_text(const struct xl_run *r, char *buf, size_t n)
{
    const struct xlc_xl_config *c = &r->in.cfg;

    const struct xlc_cfg_setting *s = xlc_cfg_file_get(&r->in.file,
                                                       "nestedhvm");

    if (c->nested_line && s && s->value.kind == XLC_CFG_STRING)
        snprintf(buf, n, "%s (nestedhvm=%s, %s line %u)",
                 c->nested ? "on" : "off", s->value.string,
                 r->in.file.source, c->nested_line);
    else if (c->nested_line)
        snprintf(buf, n, "off (nestedhvm= ignored, %s line %u)",
                 r->in.file.source, c->nested_line);
    else
        snprintf(buf, n, "off (no nestedhvm=: libxl's default)");
    return buf;
}

static void print_text(const struct xl_run *r, struct xlc_buf *b)
{
    const struct xl_inputs *in = &r->in;
    char nested[512];

    if (in->from_config)
        xlc_buf_printf(b, "config:             %s (%s guest)\n",
                       in->file.source,
                       xlc_xl_domain_type_name(in->cfg.domain_type));
    xlc_buf_printf(b, "guest type:         %s (%s)\n",
                   xlc_guest_type_name(r->type), r->type_why);
    if (in->from_config && r->type == XLC_GUEST_HVM)
        xlc_buf_printf(b, "nested virt:        %s\n",
                       nested_text(r, nested, sizeof(nested)));
    xlc_buf_printf(b, "host:               %s\n", r->host);
    for (size_t i = 0; i < in->nr; i++)
        xlc_buf_printf(b, "string %zu (%s):%*s%s\n", i + 1,
                       in->xend[i] ? "xend" : "libxl", in->xend[i] ? 4 : 3,
                       "", in->strings[i]);
    if (in->from_config && !in->cfg.has_cpuid)
        xlc_buf_puts(b, "cpuid=:             none: the type's default "
                        "policy\n");
    xlc_buf_puts(b, "list:\n");
    xlc_xl_cpuid_text(b, in->cpuid);
    for (size_t i = 0; i < in->notes.nr; i++)
        xlc_buf_printf(b, "%-20s%s\n", i ? "" : "notes:", in->notes.v[i]);
    xlc_buf_puts(b, "libxl json:         ");
    xlc_xl_cpuid_json(b, in->cpuid);
    xlc_buf_puts(b, "\nfeatureset:         ");
    xlc_featureset_put(b, r->ap.fs, XFS_NR_WORDS);
    xlc_buf_puts(b, "\ndefault:            ");
    xlc_featureset_put(b, r->ap.def, XFS_NR_WORDS);
    xlc_buf_putc(b, '\n');
    text_names(b, "added:", r->added);
    text_names(b, "removed:", r->removed);
    text_names(b, "dependents cleared:", r->ap.deps_cleared);
    text_normalised(b, r);
}

static void json_config(struct xlc_buf *b, const struct xl_run *r)
{
    const struct xlc_xl_config *c = &r->in.cfg;

    xlc_buf_puts(b, ",\n  \"config\": {\"file\": ");
    xlc_buf_json_str(b, r->in.file.source);
    xlc_buf_printf(b, ", \"domain_type\": \"%s\", \"nestedhvm\": %s, "
                      "\"cpuid\": %s}",
                   xlc_xl_domain_type_name(c->domain_type),
                   c->guest_type == XLC_GUEST_PV ? "null"
                   : c->nested ? "true" : "false",
                   c->has_cpuid ? c->cpuid_xend ? "\"xend\"" : "\"libxl\""
                                : "null");
}

static void print_json(const struct xl_run *r, struct xlc_buf *b)
{
    const struct xl_inputs *in = &r->in;

    xlc_buf_printf(b, "{\n  \"type\": \"%s\",\n  \"type_from\": ",
                   xlc_guest_type_name(r->type));
    xlc_buf_json_str(b, r->type_why);
    if (in->from_config)
        json_config(b, r);
    xlc_buf_puts(b, ",\n  \"host\": ");
    xlc_buf_json_str(b, r->host);
    xlc_buf_puts(b, ",\n  \"strings\": [");
    for (size_t i = 0; i < in->nr; i++) {
        xlc_buf_printf(b, "%s{\"form\": \"%s\", \"string\": ",
                       i ? ", " : "", in->xend[i] ? "xend" : "libxl");
        xlc_buf_json_str(b, in->strings[i]);
        xlc_buf_putc(b, '}');
    }
    xlc_buf_puts(b, "],\n  \"libxl_json\": ");
    xlc_xl_cpuid_json(b, in->cpuid);
    xlc_buf_puts(b, ",\n  \"notes\": [");
    for (size_t i = 0; i < in->notes.nr; i++) {
        xlc_buf_puts(b, i ? ", " : "");
        xlc_buf_json_str(b, in->notes.v[i]);
    }
    xlc_buf_putc(b, ']');
    xlc_buf_puts(b, ",\n  \"featureset\": \"");
    xlc_featureset_put(b, r->ap.fs, XFS_NR_WORDS);
    xlc_buf_puts(b, "\",\n  \"default\": \"");
    xlc_featureset_put(b, r->ap.def, XFS_NR_WORDS);
    xlc_buf_puts(b, "\",\n  \"added\": ");
    tool_bit_names(b, r->added, true);
    xlc_buf_puts(b, ",\n  \"removed\": ");
    tool_bit_names(b, r->removed, true);
    xlc_buf_puts(b, ",\n  \"dependents_cleared\": ");
    tool_bit_names(b, r->ap.deps_cleared, true);
    json_normalised(b, r);
    xlc_buf_puts(b, ",\n  \"features\": ");
    tool_bit_names(b, r->ap.fs, true);
    xlc_buf_puts(b, "\n}\n");
}

int cmd_xl_cpuid(struct tool *t)
{
    struct xlc_system_policies *sys = NULL;
    struct xl_run r = { 0 };
    struct xlc_buf b = XLC_BUF_INIT;
    int rc = xl_inputs_read(t, &r.in);

    if (!rc)
        rc = tool_host_policies(t, &sys, &r.host);
    if (!rc)
        rc = pick_type(t, sys, &r);
    if (!rc)
        rc = apply(t, sys, &r);
    if (!rc) {
        if (t->json)
            print_json(&r, &b);
        else
            print_text(&r, &b);
        rc = tool_emit(t, &b);
    }
    xl_inputs_free(&r.in);
    xlc_guest_verdict_free(r.v);
    xlc_system_policies_free(sys);
    return rc;
}
