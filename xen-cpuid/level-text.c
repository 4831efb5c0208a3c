/* SPDX-License-Identifier: MIT */
/*
 * `xen-cpuid level` as text: the level, what was lost and who is to blame,
 * the weaknesses carried, properties, verdicts, candidates.  Host lists are
 * printed in full, however long: nothing is summarised away.
 */
#include <stdlib.h>
#include <string.h>

#include "level-tool.h"
#include "model-pins.h"

#define NW XFS_NR_WORDS

typedef size_t hosts_fn(const xlc_pool *p, unsigned int bit, bool has,
                        size_t *ids, size_t max);

/*
 * Every host's name, joined as a list prints them ("a, b, c, "): made at
 * the first list and kept for the others, so that a run of consecutive
 * hosts is one copy, however many names it holds.  Lists of most of a
 * large pool are long runs.
 */
struct names {
    char *text;
    size_t *off;       /* host id's name at text + off[id]; nr_ids + 1 */
    bool made, oom;
};

static bool names_make(struct names *nm, const xlc_pool *p)
{
    size_t n = xlc_pool_nr_ids(p), len = 0, cap = 16 * n + 16;
    char buf[XLC_HOST_NAME_BUF];

    nm->made = true;
    nm->text = malloc(cap);
    nm->off = malloc((n + 1) * sizeof(*nm->off));
    for (size_t id = 0; nm->text && nm->off && id < n; id++) {
        const char *s = xlc_pool_host_name(p, id, buf);
        size_t l = strlen(s);

        if (len + l + 2 > cap) {
            char *t = realloc(nm->text, cap = 2 * (len + l + 2));

            if (!t)
                break;
            nm->text = t;
        }
        nm->off[id] = len;
        memcpy(nm->text + len, s, l);
        memcpy(nm->text + len + l, ", ", 2);
        len += l + 2;
        nm->off[id + 1] = len;
    }
    nm->oom = !nm->text || !nm->off || (n && nm->off[n] != len);
    return !nm->oom;
}

static void names_free(struct names *nm)
{
    free(nm->text);
    free(nm->off);
}

/* Hosts a..b (consecutive ids) as the list writes them, after `sep`. */
struct run_out {
    FILE *out;
    char block[16384];
    size_t used;
};

static void put_run(struct run_out *o, const struct names *nm, size_t a,
                    size_t b, bool sep)
{
    const char *s = nm->text + nm->off[a];
    size_t len = nm->off[b + 1] - nm->off[a] - 2, want = len + (sep ? 2 : 0);

    if (o->used + want > sizeof(o->block)) {
        fwrite(o->block, 1, o->used, o->out);
        o->used = 0;
    }
    if (want > sizeof(o->block)) {  /* a long run: straight from the text */
        fwrite(", ", 1, sep ? 2 : 0, o->out);
        fwrite(s, 1, len, o->out);
        return;
    }
    memcpy(o->block + o->used, ", ", sep ? 2 : 0);
    memcpy(o->block + o->used + (sep ? 2 : 0), s, len);
    o->used += want;
}

/* ", "-separated names of the present hosts with (or without) the bit.
 * A list can name a hundred thousand hosts. */
static void host_list_of(FILE *out, struct names *nm, const xlc_pool *p,
                         hosts_fn *fn, unsigned int bit, bool has)
{
    size_t n = xlc_pool_nr_ids(p), *ids = malloc((n ? n : 1) * sizeof(*ids));
    size_t k = ids ? fn(p, bit, has, ids, n) : 0;
    struct run_out *o = malloc(sizeof(*o));

    if (!ids || !o || (!nm->made && !names_make(nm, p)) || nm->oom) {
        fputs("(out of memory)", out);
        free(ids);
        free(o);
        return;
    }
    o->out = out;
    o->used = 0;
    for (size_t i = 0, j; i < k; i = j) {
        for (j = i + 1; j < k && ids[j] == ids[j - 1] + 1; j++)
            ;
        put_run(o, nm, ids[i], ids[j - 1], i > 0);
    }
    fwrite(o->block, 1, o->used, out);
    free(o);
    free(ids);
}

static void host_list(FILE *out, struct names *nm, const xlc_pool *p,
                      unsigned int bit, bool has)
{
    host_list_of(out, nm, p, xlc_pool_hosts_with, bit, has);
}

static const struct xlc_bits_list ours = { XLC_BIT_OURS, XLC_BITS_ALL, " ",
                                           false };

static void feature_list(FILE *out, const uint32_t *fs)
{
    struct xlc_buf b = XLC_BUF_INIT;

    if (!xlc_featureset_bits(&b, fs, NW, &ours))
        fputs("(none)", out);
    else
        fputs(b.oom ? "(out of memory)" : b.s, out);
    xlc_buf_free(&b);
}

/* "label: xxxxxxxx:..." then the features by word. */
static void print_set(FILE *out, const char *label, const uint32_t *fs)
{
    char *text = xlc_featureset_format(fs, NW);

    fprintf(out, "%s: %s\n", label, text ? text : "(out of memory)");
    free(text);
    for (unsigned int w = 0; w < NW; w++) {
        struct xlc_buf b = XLC_BUF_INIT;

        if (!fs[w])
            continue;
        xlc_featureset_word_bits(&b, w, fs[w], &ours);
        fprintf(out, "  %-6s %s\n", xfs_words[w].key,
                b.oom ? "(out of memory)" : b.s);
        xlc_buf_free(&b);
    }
}

static void print_levels(FILE *out, const struct xlc_level_report *r)
{
    const struct xlc_level *l = &r->level;

    fprintf(out, "pool: %zu host%s, %s guests%s\n", l->nr_hosts,
            l->nr_hosts == 1 ? "" : "s", xlc_guest_type_name(l->type),
            r->nomigrate ? " that never migrate (--nomigrate)" : "");
    print_set(out, "max level (what a guest may be given if it asks)",
              l->sets.level);
    print_set(out, r->nomigrate
                       ? "guest level (what a guest gets by default on "
                         "every host)"
                       : "guest level (what a migratable guest gets by "
                         "default on every host)",
              r->guest_sets.level);
}

/* Why each max-level feature is held back from the guest level. */
static void print_held(FILE *out, struct names *nm,
                       const struct xlc_level_report *r)
{
    char buf[XLC_BIT_TEXT_MAX], pre[XLC_BIT_TEXT_MAX];
    bool any = false;

    fputs("held back from the guest level (on every host's max set):\n",
          out);
    for (unsigned int b = 0; b < NW * 32; b++) {
        const char *n = level_bit(b, buf);
        bool xen = xfs_test(r->nomigrate_xen, NW, b);
        bool lv = xfs_test(r->nomigrate_libvirt, NW, b);
        int p;

        if (xfs_test(r->held[XLC_HELD_OPTIN], NW, b))
            fprintf(out, "  %-20s opt-in: --with %s\n", n, n);
        else if (xfs_test(r->held[XLC_HELD_NOMIGRATE], NW, b))
            fprintf(out, "  %-20s cannot migrate (%s%s%s): --nomigrate%s%s\n",
                    n, xen ? "Xen" : "", xen && lv ? "; " : "",
                    lv ? "libvirt's cpu_map: migratable='no'" : "",
                    xfs_test(xlc_guest_default_mask(r->type), NW, b)
                        ? "" : " --with ",
                    xfs_test(xlc_guest_default_mask(r->type), NW, b)
                        ? "" : n);
        else if (xfs_test(r->held[XLC_HELD_NOT_DEFAULT], NW, b)) {
            fprintf(out, "  %-20s not in the default set of: ", n);
            host_list_of(out, nm, r->pool, xlc_pool_hosts_with_default, b,
                         false);
            fprintf(out, " (--with %s)\n", n);
        } else if (xfs_test(r->held[XLC_HELD_PREREQ], NW, b)) {
            p = xlc_missing_prereq(r->guest_sets.level, b);
            fprintf(out, "  %-20s needs %s, held back (--with %s)\n", n,
                    p < 0 ? "?" : level_bit((unsigned int)p, pre),
                    n);
        } else
            continue;
        any = true;
    }
    if (!any)
        fputs("  (nothing)\n", out);
}

static void print_optins(FILE *out, const struct xlc_level_report *r)
{
    char buf[XLC_BIT_TEXT_MAX];

    if (!r->nr_optins)
        return;
    fputs("opt-ins (--with):\n", out);
    for (size_t i = 0; i < r->nr_optins; i++) {
        const struct xlc_level_optin *o = &r->optins[i];
        uint32_t pre[NW];

        fprintf(out, "  %-20s ", level_bit(o->feature, buf));
        if (o->state == XLC_OPTIN_ALREADY) {
            fputs("on the guest level already\n", out);
            continue;
        }
        if (o->state == XLC_OPTIN_REFUSED) {
            fprintf(out, "REFUSED: %s\n", o->why);
            continue;
        }
        fputs("granted", out);
        memcpy(pre, o->added, sizeof(pre));
        xfs_clear(pre, NW, o->feature);
        if (!xfs_empty(pre, NW)) {
            fputs(", with its prerequisites ", out);
            feature_list(out, pre);
        }
        fputc('\n', out);
    }
    if (!xfs_equal(r->guest_cpu, NW, r->guest_sets.level, NW))
        print_set(out, "guest CPU (the guest level plus the opt-ins)",
                  r->guest_cpu);
}

static void print_lost(FILE *out, struct names *nm,
                       const struct xlc_level_report *r)
{
    const struct xlc_level *l = &r->level;
    unsigned int n = xfs_popcount(l->lost, NW);
    char buf[XLC_BIT_TEXT_MAX], buf2[XLC_BIT_TEXT_MAX];

    fprintf(out, "lost from the max level: %u feature%s some host offers "
            "but not all\n", n, n == 1 ? "" : "s");
    for (unsigned int b = 0; b < NW * 32; b++) {
        if (!xfs_test(l->lost, NW, b))
            continue;
        fprintf(out, "  %-20s ", level_bit(b, buf));
        if (xfs_test(l->sets.dep_lost, NW, b)) {
            int pre = xlc_level_missing_prereq(l, b);

            fprintf(out, "on every host, but needs %s, not on the level\n",
                    pre < 0 ? "?" : level_bit((unsigned int)pre, buf2));
            continue;
        }
        fprintf(out, "missing on %zu of %zu: ",
                l->nr_hosts - xlc_pool_count(r->pool, b), l->nr_hosts);
        host_list(out, nm, r->pool, b, false);
        fputc('\n', out);
    }
}

/* Restated bits whose restatement is `bit`: "; for rrsba from a, b". */
static void restated_into(FILE *out, struct names *nm,
                          const struct xlc_level_report *r, unsigned int bit)
{
    char buf[XLC_BIT_TEXT_MAX];

    for (unsigned int b = 0; b < NW * 32; b++)
        if (xfs_test(r->level.sets.restated, NW, b) &&
            xfs_level_restated_as(b) == (int)bit) {
            fprintf(out, "%sstating %s from ",
                    xlc_pool_count(r->pool, bit) ? "; also " : "",
                    level_bit(b, buf));
            host_list(out, nm, r->pool, b, true);
        }
}

static void print_weak(FILE *out, struct names *nm,
                       const struct xlc_level_report *r)
{
    const struct xlc_level *l = &r->level;
    char buf[XLC_BIT_TEXT_MAX], buf2[XLC_BIT_TEXT_MAX];

    fprintf(out, "weaknesses on the level (set when any host has them):\n");
    if (xfs_empty(l->weak, NW))
        fprintf(out, "  (none carried)\n");
    for (unsigned int b = 0; b < NW * 32; b++) {
        if (!xfs_test(l->weak, NW, b))
            continue;
        fprintf(out, "  %-20s ", level_bit(b, buf));
        if (xlc_pool_count(r->pool, b)) {
            fputs("from ", out);
            host_list(out, nm, r->pool, b, true);
        }
        restated_into(out, nm, r, b);
        fputc('\n', out);
    }
    for (unsigned int b = 0; b < NW * 32; b++) {
        int pre, as;

        if (!xfs_test(l->sets.unexpressed, NW, b))
            continue;
        pre = xlc_level_missing_prereq(l, b);
        as = xfs_level_restated_as(b);
        fprintf(out, "  %-20s CANNOT be carried: needs %s, not on the level",
                level_bit(b, buf),
                pre < 0 ? "?" : level_bit((unsigned int)pre, buf2));
        if (as >= 0) {
            pre = xlc_level_missing_prereq(l, (unsigned int)as);
            fprintf(out, ", and %s, which would state it, ",
                    level_bit((unsigned int)as, buf));
            fprintf(out, "needs %s", pre < 0 ? "?" :
                    level_bit((unsigned int)pre, buf2));
        }
        fputs("; from ", out);
        host_list(out, nm, r->pool, b, true);
        fputc('\n', out);
    }
}

static void print_prop(FILE *out, const struct xlc_level_report *r,
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

static void print_limits(FILE *out, const struct xlc_level_report *r)
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

static void print_props(FILE *out, const struct xlc_level_report *r)
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

/* guest:SOURCE: what kind of guest it was read as. */
static void print_guest_source(FILE *out, const struct xlc_level_report *r)
{
    static const char *const how[] = {
        [XLC_GV_DEFAULT] = "the default guest",
        [XLC_GV_FEATURESET] = "exactly these features",
        [XLC_GV_POLICY] = "a recorded policy, as Xen 4.17 restores it",
        [XLC_GV_LIBVIRT] = "libvirt's guest semantics, resolved on each "
                           "host",
        [XLC_GV_XL_CPUID] = "an xl cpuid= list",
    };
    const struct xlc_gv_source *s = r->guest_src;
    bool dump = s->guest.form == XLC_GV_POLICY &&
                (!strcmp(s->what, "CPUID dump") ||
                 !strcmp(s->what, "live CPU"));

    fprintf(out, "  (a %s%s: %s)\n", s->what,
            dump ? ", its default guest" : "", how[s->guest.form]);
}

/* guest:SOURCE: the guest verdict's reasons and changes on one host. */
static void print_guest_verdict(FILE *out, const struct xlc_level_report *r,
                                size_t id)
{
    const struct xlc_guest_verdict *v = r->guest_verdicts[id];

    for (size_t i = 0; v && i < v->nr_reasons; i++)
        fprintf(out, "    - %s\n", v->reasons[i].text);
    for (size_t i = 0; v && i < v->nr_changes; i++)
        fprintf(out, "    note: %s\n", v->changes[i].text);
}

/* "  NAME" padded as "  %-40s " pads it, and the text after: one line
 * per host, so put together here and written in one call. */
static void host_line(FILE *out, const char *name, const char *text)
{
    size_t len = strlen(name), tlen = strlen(text);
    size_t pad = (len < 40 ? 40 - len : 0) + 1;
    char line[256];

    if (2 + len + pad + tlen > sizeof(line)) {
        fprintf(out, "  %-40s %s", name, text);
        return;
    }
    memcpy(line, "  ", 2);
    memcpy(line + 2, name, len);
    memset(line + 2 + len, ' ', pad);
    memcpy(line + 2 + len + pad, text, tlen);
    fwrite(line, 1, 2 + len + pad + tlen, out);
}

static void print_verdicts(FILE *out, const struct xlc_level_report *r)
{
    char name[XLC_HOST_NAME_BUF];

    fprintf(out, "verdicts (guest: %s):\n",
            r->have_guest ? r->guest_name : "the guest CPU");
    if (r->have_guest)
        print_guest_source(out, r);
    for (size_t id = 0; id < xlc_pool_nr_ids(r->pool); id++) {
        const struct xlc_level_verdict *v = &r->verdicts[id];

        if (!xlc_pool_has(r->pool, id))
            continue;
        host_line(out, xlc_pool_host_name(r->pool, id, name),
                  xlc_verdict_name(v->kind));
        if (!xfs_empty(v->fs.missing, NW)) {
            fputs("; missing: ", out);
            feature_list(out, v->fs.missing);
        }
        if (!xfs_empty(v->fs.untold, NW)) {
            fputs("; not told of: ", out);
            feature_list(out, v->fs.untold);
        }
        if (v->fs.vendor_differs)
            fputs("; vendor differs", out);
        if (v->fs.mxcsr_differs)
            fputs("; MXCSR mask differs", out);
        if (v->policy_refused)
            fputs("; refuses the levelled policy", out);
        if (v->pool_unusable)
            fputs("; the pool is unusable", out);
        fputc('\n', out);
        if (r->have_guest)
            print_guest_verdict(out, r, id);
    }
}

/*
 * Hosts' lines of what leaks through (the library's words), each distinct
 * line made once: a pool is mostly a few kinds of host, and a line names
 * dozens of features.  Keyed by what the line depends on.
 */
struct leak_lines {
    struct leak_line {
        size_t id;                /* the host that made it, + 1; 0: free */
        char *text;
    } *slot;
    size_t mask;
};

static const struct xlc_guest_leaks no_leaks;

static void leak_of(const struct xlc_level_report *r, size_t id,
                    const struct xlc_leak_report **host,
                    const struct xlc_guest_leaks **g)
{
    const struct xlc_level_leaks *l = &r->leaks[id];

    *host = l->known ? &l->of->host : NULL;
    *g = l->known ? &l->of->guest : &no_leaks;
}

static char *leak_text(const struct xlc_level_report *r, size_t id,
                       const char *guest)
{
    const struct xlc_leak_report *host;
    const struct xlc_guest_leaks *g;
    struct xlc_buf b = XLC_BUF_INIT;

    leak_of(r, id, &host, &g);
    xlc_guest_leaks_text(&b, host, g, guest, r->leaks[id].why_unknown);
    if (b.oom) {
        xlc_buf_free(&b);
        return NULL;
    }
    return b.s ? b.s : strdup("");
}

/* Host id's line: one made before for a host with the same key, or made
 * now (NULL: out of memory). */
static const char *leak_line_text(struct leak_lines *t,
                                  const struct xlc_level_report *r,
                                  size_t id, const char *guest, char **own)
{
    const struct xlc_leak_report *host, *h2;
    const struct xlc_guest_leaks *g, *g2;
    size_t i;

    *own = NULL;
    if (!t->slot)
        return *own = leak_text(r, id, guest);
    leak_of(r, id, &host, &g);
    i = xlc_guest_leaks_text_hash(host, g) & t->mask;
    for (; t->slot[i].id; i = (i + 1) & t->mask) {
        size_t at = t->slot[i].id - 1;

        leak_of(r, at, &h2, &g2);
        if (xlc_guest_leaks_text_same(host, g, r->leaks[id].why_unknown, h2,
                                      g2, r->leaks[at].why_unknown))
            return t->slot[i].text;
    }
    t->slot[i].text = leak_text(r, id, guest);
    if (t->slot[i].text)
        t->slot[i].id = id + 1;
    return t->slot[i].text;
}

static void leak_lines_init(struct leak_lines *t, size_t hosts)
{
    size_t cap = 16;

    while (cap < 2 * hosts)
        cap *= 2;
    /* Without a table, each line is made on its own: slower, the same. */
    t->slot = calloc(cap, sizeof(*t->slot));
    t->mask = cap - 1;
}

static void leak_lines_free(struct leak_lines *t)
{
    for (size_t i = 0; t->slot && i <= t->mask; i++)
        free(t->slot[i].text);
    free(t->slot);
}

static void leak_line(FILE *out, struct leak_lines *t,
                      const struct xlc_level_report *r, size_t id,
                      const char *guest)
{
    char name[XLC_HOST_NAME_BUF], *own;
    const char *text = leak_line_text(t, r, id, guest, &own);

    host_line(out, xlc_pool_host_name(r->pool, id, name),
              text ? text : "(out of memory)");
    fputc('\n', out);
    free(own);
}

/* What each host lets through whatever the guest's policy. */
static void print_leaks(FILE *out, const struct xlc_level_report *r)
{
    const struct xlc_level_leak_counts *c = &r->leak_counts;
    const char *guest = r->have_guest ? r->guest_name : "the guest CPU";
    bool hvm = r->type == XLC_GUEST_HVM;
    struct leak_lines lines;

    if (hvm)
        fputs("what leaks through: nothing through CPUID (HVM guests exit "
              "to Xen on every CPUID)\n", out);
    else
        fprintf(out, "what leaks through (a PV guest's own CPUID shows the "
                "hardware's word where the host can neither fault nor mask "
                "it, whatever %s says):\n", guest);
    leak_lines_init(&lines, xlc_pool_nr_ids(r->pool));
    for (size_t id = 0; id < xlc_pool_nr_ids(r->pool); id++) {
        if (!xlc_pool_has(r->pool, id))
            continue;
        /* HVM: only what no host hides, or what cannot be told. */
        if (hvm && r->leaks[id].known && !r->leaks[id].of->guest.page1gb)
            continue;
        leak_line(out, &lines, r, id, guest);
    }
    leak_lines_free(&lines);
    if (!hvm)
        fprintf(out, "  hosts: %zu leak features beyond %s, %zu may (the "
                "data cannot tell), %zu unknown (no CPUID data)\n",
                c->hosts_leaking, guest, c->hosts_may_leak,
                c->hosts_no_data);
    fputs("no host can hide from any guest: the MXCSR mask (properties), "
          "the x87 exception pointers (weaknesses), ", out);
    if (hvm)
        fprintf(out, "1 GiB pages under HAP (on %zu host%s, not on %s)\n",
                c->hosts_page1gb, c->hosts_page1gb == 1 ? "" : "s", guest);
    else
        fputs("not 1 GiB pages (Xen maps none for PV guests)\n", out);
}

static void change_line(FILE *out, const char *what, const uint32_t *fs)
{
    if (xfs_empty(fs, NW))
        return;
    fprintf(out, "  %s: ", what);
    feature_list(out, fs);
    fputc('\n', out);
}

static void print_candidates(FILE *out, const struct xlc_level_report *r)
{
    for (size_t i = 0; i < r->nr_cand; i++) {
        const struct xlc_level_candidate *c = &r->cand[i];
        bool nothing = true;

        fprintf(out, "if %s joined:\n", c->name);
        change_line(out, "max level would lose", c->chg.lost);
        change_line(out, "max level would gain", c->chg.gained);
        change_line(out, "guest CPU would lose", c->guest_lost);
        change_line(out, "guest CPU would gain", c->guest_gained);
        change_line(out, "opt-ins it cannot give", c->optins_lacking);
        nothing = xfs_empty(c->chg.lost, NW) && xfs_empty(c->chg.gained, NW) &&
                  xfs_empty(c->guest_lost, NW) &&
                  xfs_empty(c->guest_gained, NW);
        if (!c->host.usable)
            fprintf(out, "  it cannot run %s guests at all\n",
                    xlc_guest_type_name(r->type));
        if (c->chg.becomes_incompatible)
            fputs("  the pool would become INCOMPATIBLE (vendor or MXCSR "
                  "mask)\n", out);
        if (c->chg.limits_drop)
            fputs("  some numeric limit would drop\n", out);
        if (c->policy_known && c->policy.nr_refusals) {
            fprintf(out, "  the levelled policy would be REFUSED by %zu "
                    "check%s:\n", c->policy.nr_refusals,
                    c->policy.nr_refusals == 1 ? "" : "s");
            for (size_t k = 0; k < c->policy.nr_refusals; k++)
                fprintf(out, "    %s\n", c->policy.refusals[k]);
        } else if (c->policy_known && c->policy.why_not)
            fprintf(out, "  no levelled policy: %s\n", c->policy.why_not);
        if (c->becomes_unusable)
            fputs("  the pool would become UNUSABLE\n", out);
        else if (nothing && c->host.usable)
            fputs("  nothing would change\n", out);
    }
}

static void print_lines(FILE *out, const char *text)
{
    while (*text) {
        size_t n = strcspn(text, "\n");

        fprintf(out, "  %.*s\n", (int)n, text);
        text += n + (text[n] == '\n');
    }
}

static void print_outputs(FILE *out, const struct xlc_level_report *r)
{
    if (!r->lv_xml) {
        fprintf(out, "libvirt <cpu>: none: %s\n",
                r->lv_why_not ? r->lv_why_not : "?");
    } else {
        fputs("libvirt <cpu> (the guest CPU as a model plus features; "
              "weaknesses left to each host):\n", out);
        print_lines(out, r->lv_xml);
        if (!xfs_empty(r->lv_unnamed, NW)) {
            fputs("  on the guest CPU, but libvirt has no name for: ", out);
            feature_list(out, r->lv_unnamed);
            fputc('\n', out);
        }
    }
    if (r->xl_cpuid)
        fprintf(out, "xl cpuid= (the guest CPU on every host's default; "
                     "weaknesses left to each host): \"%s\"\n",
                r->xl_cpuid);
    else
        fprintf(out, "xl cpuid=: none: %s\n",
                r->xl_why_not ? r->xl_why_not : "out of memory");
}

/* What each named model the outputs use meant (model --pinned checks). */
static void print_pins(FILE *out, const struct xlc_level_report *r)
{
    struct xlc_buf b = XLC_BUF_INIT;
    char *s;

    if (!r->pins.n)
        return;
    tool_pins_text(&b, &r->pins, "  ");
    s = xlc_buf_take(&b);
    if (s)
        fprintf(out, "named models, pinned (xen-cpuid model --pinned "
                     "checks them against a later cpu_map):\n%s",
                strchr(s, '\n') + 1);
    free(s);
}

static void print_state(FILE *out, const struct xlc_level_report *r)
{
    for (size_t i = 0; i < r->nr_notes; i++)
        fprintf(out, "note: %s\n", r->notes[i]);
    for (size_t i = 0; i < r->nr_refused; i++)
        fprintf(out, "refused: %s: %s\n", r->refused[i].name,
                r->refused[i].reason);
    if (r->usable) {
        fputs("pool: usable: one guest CPU for every host\n", out);
        return;
    }
    fputs("pool: UNUSABLE: no guest CPU is given:\n", out);
    for (size_t i = 0; i < r->nr_why_unusable; i++)
        fprintf(out, "  %s\n", r->why_unusable[i]);
}

int level_print_text(const struct xlc_level_report *r,
                     const struct xlc_viridian_pool *vp,
                     const struct xlc_viridian_pool *cand, FILE *out)
{
    struct names nm = { 0 };

    print_levels(out, r);
    print_held(out, &nm, r);
    print_optins(out, r);
    print_lost(out, &nm, r);
    print_weak(out, &nm, r);
    print_props(out, r);
    print_state(out, r);
    print_outputs(out, r);
    print_pins(out, r);
    level_policy_text(r, out);
    print_verdicts(out, r);
    print_leaks(out, r);
    print_candidates(out, r);
    if (vp)
        level_viridian_text(vp, cand, out);
    names_free(&nm);
    return ferror(out) ? -1 : 0;
}
