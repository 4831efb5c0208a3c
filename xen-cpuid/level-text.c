/* SPDX-License-Identifier: MIT */
/*
 * `xen-cpuid level` as text: the level, what was lost and who is to blame,
 * the weaknesses carried, properties, verdicts, candidates.  Host lists are
 * printed in full, however long: nothing is summarised away.
 */
#include <stdlib.h>
#include <string.h>

#include "level-tool.h"

#define NW XFS_NR_WORDS

/* ", "-separated names of the present hosts with (or without) the bit. */
static void host_list(FILE *out, const xlc_pool *p, unsigned int bit,
                      bool has)
{
    size_t n = xlc_pool_nr_ids(p), *ids = malloc((n ? n : 1) * sizeof(*ids));
    size_t k = ids ? xlc_pool_hosts_with(p, bit, has, ids, n) : 0;
    char buf[XLC_HOST_NAME_BUF];
    struct xlc_buf b = XLC_BUF_INIT;

    /* A list can name a thousand hosts: built in memory, written once. */
    for (size_t i = 0; i < k; i++) {
        if (i)
            xlc_buf_puts(&b, ", ");
        xlc_buf_puts(&b, xlc_pool_host_name(p, ids[i], buf));
    }
    if (b.oom)
        fputs("(out of memory)", out);
    else if (b.len)
        fwrite(b.s, 1, b.len, out);
    xlc_buf_free(&b);
    free(ids);
}

static void feature_list(FILE *out, const uint32_t *fs)
{
    char buf[XLC_FEATURE_NAME_MAX];
    bool first = true;

    for (unsigned int b = 0; b < NW * 32; b++)
        if (xfs_test(fs, NW, b)) {
            fprintf(out, "%s%s", first ? "" : " ", level_feature_name(b, buf));
            first = false;
        }
    if (first)
        fputs("(none)", out);
}

static void print_level(FILE *out, const struct level_run *r)
{
    const struct xlc_level *l = &r->level;
    char *text = level_featureset_text(l->sets.level, NW);
    char buf[XLC_FEATURE_NAME_MAX];

    fprintf(out, "pool: %zu host%s, %s guests\n", l->nr_hosts,
            l->nr_hosts == 1 ? "" : "s", xlc_guest_type_name(l->type));
    fprintf(out, "level: %s\n", text ? text : "(out of memory)");
    free(text);
    for (unsigned int w = 0; w < NW; w++) {
        if (!l->sets.level[w])
            continue;
        fprintf(out, "  %-6s", xfs_words[w].key);
        for (unsigned int b = w * 32; b < w * 32 + 32; b++)
            if (xfs_test(l->sets.level, NW, b))
                fprintf(out, " %s", level_feature_name(b, buf));
        fputc('\n', out);
    }
}

static void print_lost(FILE *out, const struct level_run *r)
{
    const struct xlc_level *l = &r->level;
    unsigned int n = xfs_popcount(l->lost, NW);
    char buf[XLC_FEATURE_NAME_MAX], buf2[XLC_FEATURE_NAME_MAX];

    fprintf(out, "lost: %u feature%s some host offers but not all\n", n,
            n == 1 ? "" : "s");
    for (unsigned int b = 0; b < NW * 32; b++) {
        if (!xfs_test(l->lost, NW, b))
            continue;
        fprintf(out, "  %-20s ", level_feature_name(b, buf));
        if (xfs_test(l->sets.dep_lost, NW, b)) {
            int pre = xlc_level_missing_prereq(l, b);

            fprintf(out, "on every host, but needs %s, not on the level\n",
                    pre < 0 ? "?" : level_feature_name((unsigned int)pre, buf2));
            continue;
        }
        fprintf(out, "missing on %zu of %zu: ",
                l->nr_hosts - xlc_pool_count(r->pool, b), l->nr_hosts);
        host_list(out, r->pool, b, false);
        fputc('\n', out);
    }
}

/* Restated bits whose restatement is `bit`: "; for rrsba from a, b". */
static void restated_into(FILE *out, const struct level_run *r,
                          unsigned int bit)
{
    char buf[XLC_FEATURE_NAME_MAX];

    for (unsigned int b = 0; b < NW * 32; b++)
        if (xfs_test(r->level.sets.restated, NW, b) &&
            xfs_level_restated_as(b) == (int)bit) {
            fprintf(out, "%sstating %s from ",
                    xlc_pool_count(r->pool, bit) ? "; also " : "",
                    level_feature_name(b, buf));
            host_list(out, r->pool, b, true);
        }
}

static void print_weak(FILE *out, const struct level_run *r)
{
    const struct xlc_level *l = &r->level;
    char buf[XLC_FEATURE_NAME_MAX], buf2[XLC_FEATURE_NAME_MAX];

    fprintf(out, "weaknesses on the level (set when any host has them):\n");
    if (xfs_empty(l->weak, NW))
        fprintf(out, "  (none carried)\n");
    for (unsigned int b = 0; b < NW * 32; b++) {
        if (!xfs_test(l->weak, NW, b))
            continue;
        fprintf(out, "  %-20s ", level_feature_name(b, buf));
        if (xlc_pool_count(r->pool, b)) {
            fputs("from ", out);
            host_list(out, r->pool, b, true);
        }
        restated_into(out, r, b);
        fputc('\n', out);
    }
    for (unsigned int b = 0; b < NW * 32; b++) {
        int pre, as;

        if (!xfs_test(l->sets.unexpressed, NW, b))
            continue;
        pre = xlc_level_missing_prereq(l, b);
        as = xfs_level_restated_as(b);
        fprintf(out, "  %-20s CANNOT be carried: needs %s, not on the level",
                level_feature_name(b, buf),
                pre < 0 ? "?" : level_feature_name((unsigned int)pre, buf2));
        if (as >= 0) {
            pre = xlc_level_missing_prereq(l, (unsigned int)as);
            fprintf(out, ", and %s, which would state it, ",
                    level_feature_name((unsigned int)as, buf));
            fprintf(out, "needs %s", pre < 0 ? "?" :
                    level_feature_name((unsigned int)pre, buf2));
        }
        fputs("; from ", out);
        host_list(out, r->pool, b, true);
        fputc('\n', out);
    }
}

static void print_prop(FILE *out, const struct level_run *r,
                       enum xlc_prop which, const char *consequence)
{
    const struct xlc_props_level *pl = &r->level.props;
    struct xlc_prop_group *g;
    char buf[24], name[XLC_HOST_NAME_BUF];
    size_t ng;

    if (!pl->differs[which]) {
        xlc_host_prop_text(&pl->value, which, buf);
        fprintf(out, "  %-14s %s\n", xlc_prop_names[which], buf);
        return;
    }
    fprintf(out, "  %-14s DIFFERS (%s):", xlc_prop_names[which], consequence);
    if (xlc_pool_prop_groups(r->pool, which, &g, &ng, NULL)) {
        fputs(" (out of memory)\n", out);
        return;
    }
    for (size_t i = 0; i < ng; i++) {
        fprintf(out, "%s %s (", i ? ";" : "", g[i].value);
        for (size_t j = 0; j < g[i].nr; j++) {
            if (j)
                fputs(", ", out);
            fputs(xlc_pool_host_name(r->pool, g[i].ids[j], name), out);
        }
        fputc(')', out);
    }
    fputc('\n', out);
    xlc_prop_groups_free(g, ng);
}

static void print_limits(FILE *out, const struct level_run *r)
{
    const struct xlc_props_level *pl = &r->level.props;
    char name[XLC_HOST_NAME_BUF];

    for (unsigned int k = 0; k < XLC_LIMIT_NR; k++) {
        /* Leaf numbers read best in hex, bit counts and sizes not. */
        if (k <= XLC_LIMIT_MAX_EXT_LEAF)
            fprintf(out, "  %-14s %#x", xlc_limit_names[k],
                    pl->value.limit[k]);
        else
            fprintf(out, "  %-14s %u", xlc_limit_names[k],
                    pl->value.limit[k]);
        fprintf(out, " (lowest: %s)\n",
                xlc_pool_host_name(r->pool, pl->limit_host[k], name));
    }
}

static void print_props(FILE *out, const struct level_run *r)
{
    const struct xlc_props_level *pl = &r->level.props;
    size_t no_limits = r->level.nr_hosts - pl->nr_limits;

    fprintf(out, "properties (%s):\n",
            pl->compatible ? "compatible" : "INCOMPATIBLE pool");
    if (pl->nr_known) {
        print_prop(out, r, XLC_PROP_VENDOR, "pool incompatible");
        if (pl->value.signature_known) {
            print_prop(out, r, XLC_PROP_FAMILY, "reported: guests see one");
            print_prop(out, r, XLC_PROP_MODEL, "reported: guests see one");
        }
        print_prop(out, r, XLC_PROP_MXCSR_MASK, "pool incompatible");
    }
    if (pl->nr_limits)
        print_limits(out, r);
    if (pl->nr_unknown)
        fprintf(out, "  %zu host%s of unknown vendor (featureset input): "
                "vendor unchecked\n", pl->nr_unknown,
                pl->nr_unknown == 1 ? "" : "s");
    if (no_limits)
        fprintf(out, "  %zu host%s without CPUID leaves: limits unchecked\n",
                no_limits, no_limits == 1 ? "" : "s");
}

static void print_verdicts(FILE *out, const struct level_run *r)
{
    char name[XLC_HOST_NAME_BUF];

    fprintf(out, "verdicts (guest: %s):\n",
            r->have_guest ? r->guest_name : "the level");
    if (r->have_guest)
        level_guest_text_head(out, r);
    for (size_t id = 0; id < xlc_pool_nr_ids(r->pool); id++) {
        const struct xlc_verdict *v = &r->verdicts[id];

        fprintf(out, "  %-40s %s", xlc_pool_host_name(r->pool, id, name),
                xlc_verdict_name(v->kind));
        if (!xfs_empty(v->missing, NW)) {
            fputs("; missing: ", out);
            feature_list(out, v->missing);
        }
        if (!xfs_empty(v->untold, NW)) {
            fputs("; not told of: ", out);
            feature_list(out, v->untold);
        }
        if (v->vendor_differs)
            fputs("; vendor differs", out);
        if (v->mxcsr_differs)
            fputs("; MXCSR mask differs", out);
        fputc('\n', out);
        if (r->have_guest)
            level_guest_text(out, r, id);
    }
}

static void print_candidates(FILE *out, const struct level_run *r)
{
    for (size_t i = 0; i < r->nr_cand; i++) {
        const struct level_candidate *c = &r->cand[i];

        fprintf(out, "if %s joined:\n  would lose: ", c->name);
        feature_list(out, c->chg.lost);
        fputs("\n  would add:  ", out);
        feature_list(out, c->chg.gained);
        fputc('\n', out);
        if (!c->host.usable)
            fprintf(out, "  it cannot run %s guests at all\n",
                    xlc_guest_type_name(r->type));
        if (c->chg.becomes_incompatible)
            fputs("  the pool would become INCOMPATIBLE (vendor or MXCSR "
                  "mask)\n", out);
        if (c->chg.limits_drop)
            fputs("  some numeric limit would drop\n", out);
    }
}

static void print_libvirt(FILE *out, const struct level_run *r)
{
    const char *line = r->lv_xml;

    if (!line) {
        fprintf(out, "libvirt <cpu>: none: %s\n",
                r->lv_why_not ? r->lv_why_not : "?");
        return;
    }
    fputs("libvirt <cpu> (the level as a model plus features):\n", out);
    while (*line) {
        size_t n = strcspn(line, "\n");

        fprintf(out, "  %.*s\n", (int)n, line);
        line += n + (line[n] == '\n');
    }
    if (!xfs_empty(r->lv_unnamed, NW)) {
        fputs("  on the level, but libvirt has no name for: ", out);
        feature_list(out, r->lv_unnamed);
        fputc('\n', out);
    }
}

int level_print_text(const struct level_run *r, FILE *out)
{
    print_level(out, r);
    print_lost(out, r);
    print_weak(out, r);
    print_props(out, r);
    for (size_t i = 0; i < r->nr_refused; i++)
        fprintf(out, "refused: %s: %s\n", r->refused[i].name,
                r->refused[i].reason);
    print_libvirt(out, r);
    level_policy_text(r, out);
    if (r->xl_cpuid)
        fprintf(out, "xl cpuid= (on every host's default; weaknesses "
                     "left to each host): \"%s\"\n",
                r->xl_cpuid);
    else
        fprintf(out, "xl cpuid=: none: %s\n",
                r->xl_why_not ? r->xl_why_not : "out of memory");
    for (size_t i = 0; i < r->nr_missing_outputs; i++)
        fprintf(out, "not in this build: %s\n", r->missing_outputs[i]);
    print_verdicts(out, r);
    print_candidates(out, r);
    return ferror(out) ? -1 : 0;
}
