/* SPDX-License-Identifier: MIT */
/*
 * `level`'s section on the Hyper-V enlightenments across the pool: the
 * hosts' Xen releases, what every one holds, what viridian=1 means on
 * each, the settings safe for the pool and --viridian's verdict
 * (libxl_cpuid/viridian/viridian.h computes them).
 */
#include <inttypes.h>
#include <stdlib.h>

#include "level-tool.h"

#define COL "                       "   /* the text column of a value */

static void text_hosts(struct xlc_buf *b, const struct xlc_viridian_pool *p)
{
    bool assumed = false;

    xlc_buf_puts(b, "  hosts' Xen:          ");
    for (size_t i = 0; i < p->nr; i++) {
        xlc_buf_printf(b, "%s%s %u.%u%s", i ? ", " : "", p->hosts[i].name,
                       p->hosts[i].rel->major, p->hosts[i].rel->minor,
                       p->hosts[i].assumed ? "*" : "");
        assumed = assumed || p->hosts[i].assumed;
    }
    xlc_buf_puts(b, assumed ? "\n" COL "(* no @VER given: Xen 4.17 assumed)\n"
                            : "\n");
}

static void text_defaults(struct xlc_buf *b, const struct xlc_viridian_pool *p)
{
    const char *lead = "  viridian=1 means:    ";

    for (size_t i = 0; i < p->nr; i++) {
        const struct xlc_viridian_release *r = p->hosts[i].rel;

        if (!xlc_viridian_pool_first_of_release(p, i))
            continue;
        xlc_buf_printf(b, "%sXen %u.%u (", lead, r->major, r->minor);
        xlc_viridian_pool_hosts_of(b, p, r);
        xlc_buf_puts(b, "): ");
        xlc_viridian_set_names(b, r->defaults, false);
        xlc_buf_printf(b, " (HVM_PARAM_VIRIDIAN 0x%" PRIx64 ")\n",
                       xlc_viridian_set_to_param(r->defaults));
        lead = COL;
    }
}

static void text_verdict(struct xlc_buf *b, const char *label,
                         const struct xlc_viridian_verdict *v, bool name)
{
    xlc_buf_printf(b, "  %-20s", label);
    if (name)
        xlc_buf_printf(b, " viridian=%s", v->setting);
    if (v->safe && v->param)
        xlc_buf_printf(b, "%ssafe (HVM_PARAM_VIRIDIAN 0x%" PRIx64
                       " wherever it is created)\n", name ? ": " : " ",
                       v->param[0]);
    else
        xlc_buf_printf(b, "%sNOT safe\n", name ? ": " : " ");
    for (size_t i = 0; i < v->nr_why; i++)
        xlc_buf_printf(b, COL "- %s\n", v->why[i]);
}

/* A saved guest's parameter on every host. */
static void text_guest(struct xlc_buf *b, const struct xlc_viridian_verdict *v)
{
    xlc_buf_printf(b, "  saved guest:         %s: %s\n", v->setting,
                   v->safe ? "every host's Xen holds it" : "NOT on every "
                   "host");
    for (size_t i = 0; i < v->nr_why; i++)
        xlc_buf_printf(b, COL "- %s\n", v->why[i]);
}

/* What a candidate's release would take from the level. */
static void text_candidates(struct xlc_buf *b,
                            const struct xlc_viridian_pool *p,
                            const struct xlc_viridian_pool *cand)
{
    for (size_t i = 0; i < cand->nr; i++) {
        xlc_viridian_set lost = p->level.groups & ~cand->hosts[i].rel->groups;

        xlc_buf_printf(b, "  if +%s (Xen %u.%u) joined: ", cand->hosts[i].name,
                       cand->hosts[i].rel->major, cand->hosts[i].rel->minor);
        if (!lost) {
            xlc_buf_puts(b, "every group stays\n");
            continue;
        }
        xlc_buf_puts(b, "the pool would lose ");
        xlc_viridian_set_names(b, lost, false);
        xlc_buf_putc(b, '\n');
    }
}

void level_viridian_text(const struct xlc_viridian_pool *vp,
                         const struct xlc_viridian_pool *cand, FILE *out)
{
    struct xlc_buf b = XLC_BUF_INIT;

    xlc_buf_puts(&b, "\nHyper-V enlightenments (viridian=) across the "
                     "pool's Xen releases:\n");
    text_hosts(&b, vp);
    xlc_buf_puts(&b, "  every host holds:    ");
    xlc_viridian_set_names(&b, vp->level.groups, false);
    xlc_buf_puts(&b, "\n  not every host:      ");
    xlc_viridian_set_names(&b, XLC_VIRIDIAN_KNOWN & ~vp->level.groups, false);
    xlc_buf_putc(&b, '\n');
    text_defaults(&b, vp);
    text_verdict(&b, "viridian=1 is", &vp->one, false);
    text_verdict(&b, "safe for the pool:", &vp->safe, true);
    text_verdict(&b, "the most it holds:", &vp->most, true);
    if (vp->has_given)
        text_verdict(&b, "--viridian:", &vp->given, true);
    if (vp->has_guest)
        text_guest(&b, &vp->guest);
    text_candidates(&b, vp, cand);
    if (b.s)
        fputs(b.s, out);
    xlc_buf_free(&b);
}

static void json_verdict(struct xlc_buf *b, const char *key,
                         const struct xlc_viridian_pool *p,
                         const struct xlc_viridian_verdict *v)
{
    xlc_buf_printf(b, ",\"%s\":{\"setting\":", key);
    xlc_buf_json_str(b, v->setting);
    xlc_buf_printf(b, ",\"safe\":%s,\"params\":{", v->safe ? "true"
                                                            : "false");
    for (size_t i = 0; i < p->nr; i++) {
        xlc_buf_puts(b, i ? "," : "");
        xlc_buf_json_str(b, p->hosts[i].name);
        if (v->created && v->created[i])
            xlc_buf_printf(b, ":%" PRIu64, v->param[i]);
        else
            xlc_buf_puts(b, ":null");
    }
    xlc_buf_puts(b, "},\"why\":");
    xlc_buf_json_strv(b, v->why, v->nr_why, ",");
    xlc_buf_putc(b, '}');
}

static void json_hosts(struct xlc_buf *b, const struct xlc_viridian_pool *p,
                       const char *key)
{
    xlc_buf_printf(b, "\"%s\":[", key);
    for (size_t i = 0; i < p->nr; i++) {
        const struct xlc_viridian_release *r = p->hosts[i].rel;

        xlc_buf_puts(b, i ? ",{\"name\":" : "{\"name\":");
        xlc_buf_json_str(b, p->hosts[i].name);
        xlc_buf_printf(b, ",\"xen\":\"%u.%u\",\"assumed\":%s,\"groups\":",
                       r->major, r->minor,
                       p->hosts[i].assumed ? "true" : "false");
        xlc_viridian_set_names(b, r->groups, true);
        xlc_buf_puts(b, ",\"viridian_1\":");
        xlc_viridian_set_names(b, r->defaults, true);
        xlc_buf_printf(b, ",\"viridian_1_param\":%" PRIu64 "}",
                       xlc_viridian_set_to_param(r->defaults));
    }
    xlc_buf_putc(b, ']');
}

void level_viridian_json(const struct xlc_viridian_pool *vp,
                         const struct xlc_viridian_pool *cand,
                         struct xlc_buf *b)
{
    xlc_buf_puts(b, ",\"viridian\":{");
    json_hosts(b, vp, "hosts");
    xlc_buf_puts(b, ",\"groups\":");
    xlc_viridian_set_names(b, vp->level.groups, true);
    xlc_buf_printf(b, ",\"hvmpv_mask\":%" PRIu64 ",\"viridian_1_everywhere\":",
                   vp->level.hvmpv_mask);
    xlc_viridian_set_names(b, vp->level.common_defaults, true);
    json_verdict(b, "viridian_1", vp, &vp->one);
    json_verdict(b, "safe", vp, &vp->safe);
    json_verdict(b, "most", vp, &vp->most);
    if (vp->has_given)
        json_verdict(b, "given", vp, &vp->given);
    else
        xlc_buf_puts(b, ",\"given\":null");
    if (vp->has_guest)
        json_verdict(b, "guest", vp, &vp->guest);
    else
        xlc_buf_puts(b, ",\"guest\":null");
    xlc_buf_putc(b, ',');
    json_hosts(b, cand, "candidates");
    xlc_buf_putc(b, '}');
}
