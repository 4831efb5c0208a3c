/* SPDX-License-Identifier: MIT */
/*
 * `xen-cpuid level --json`: the same facts as the text output, one object.
 */
#include <stdlib.h>
#include <string.h>

#include "../libxl_cpuid/util/strbuf.h"
#include "level-tool.h"

#define NW XFS_NR_WORDS

/*
 * What is built so far goes out once it is large: a pool of 100,000 hosts
 * makes tens of megabytes of JSON, which need not all be in memory.
 */
static void spill(struct xlc_buf *b, FILE *out)
{
    if (b->oom || b->len < (1u << 20))
        return;
    fwrite(b->s, 1, b->len, out);
    b->len = 0;
    b->s[0] = '\0';
}

static void names_array(struct xlc_buf *b, const uint32_t *fs)
{
    static const struct xlc_bits_list ours = { XLC_BIT_OURS, XLC_BITS_ALL,
                                               ",", true };

    xlc_buf_putc(b, '[');
    xlc_featureset_bits(b, fs, NW, &ours);
    xlc_buf_putc(b, ']');
}

typedef size_t hosts_fn(const xlc_pool *p, unsigned int bit, bool has,
                        size_t *ids, size_t max);

/* guest:SOURCE: the guest verdict on one host, as the engine gives it. */
static void guest_verdict_json(struct xlc_buf *b,
                               const struct xlc_guest_verdict *v)
{
    char *j = v ? xlc_guest_verdict_json(v) : NULL;

    xlc_buf_puts(b, ",\"guest_verdict\":");
    if (v && !j)
        b->oom = true;
    xlc_buf_puts(b, j ? j : "null");
    free(j);
}

static void bool_field(struct xlc_buf *b, const char *key, bool v)
{
    xlc_buf_puts(b, key);
    xlc_buf_puts(b, v ? "true" : "false");
}

static void hosts_array_of(struct xlc_buf *b, const xlc_pool *p,
                           hosts_fn *fn, unsigned int bit, bool has)
{
    size_t n = xlc_pool_nr_ids(p), *ids = malloc((n ? n : 1) * sizeof(*ids));
    size_t k = ids ? fn(p, bit, has, ids, n) : 0;
    char buf[XLC_HOST_NAME_BUF];

    xlc_buf_putc(b, '[');
    for (size_t i = 0; i < k; i++) {
        if (i)
            xlc_buf_putc(b, ',');
        xlc_buf_json_str(b, xlc_pool_host_name(p, ids[i], buf));
    }
    xlc_buf_putc(b, ']');
    if (!ids)
        b->oom = true;
    free(ids);
}

static void hosts_array(struct xlc_buf *b, const xlc_pool *p,
                        unsigned int bit, bool has)
{
    hosts_array_of(b, p, xlc_pool_hosts_with, bit, has);
}

static void fs_field(struct xlc_buf *b, const char *key, const uint32_t *fs)
{
    char *text = xlc_featureset_format(fs, NW);

    xlc_buf_printf(b, "\"%s\":", key);
    xlc_buf_json_str(b, text ? text : "");
    xlc_buf_printf(b, ",\"%s_features\":", key);
    names_array(b, fs);
    if (!text)
        b->oom = true;
    free(text);
}

static void prereq_field(struct xlc_buf *b, const uint32_t *level,
                         unsigned int bit)
{
    int pre = xlc_missing_prereq(level, bit);
    char buf[XLC_BIT_TEXT_MAX];

    xlc_buf_puts(b, ",\"needs\":");
    if (pre < 0)
        xlc_buf_puts(b, "null");
    else
        xlc_buf_json_str(b, level_bit((unsigned int)pre, buf));
}

static void lost_array(struct xlc_buf *b, const struct xlc_level_report *r,
                       FILE *out)
{
    const struct xlc_level *l = &r->level;
    char buf[XLC_BIT_TEXT_MAX];
    bool first = true;

    xlc_buf_puts(b, ",\"lost\":[");
    for (unsigned int bit = 0; bit < NW * 32; bit++) {
        if (!xfs_test(l->lost, NW, bit))
            continue;
        xlc_buf_printf(b, "%s{\"feature\":", first ? "" : ",");
        xlc_buf_json_str(b, level_bit(bit, buf));
        xlc_buf_puts(b, ",\"missing_on\":");
        hosts_array(b, r->pool, bit, false);
        if (xfs_test(l->sets.dep_lost, NW, bit))
            prereq_field(b, l->sets.level, bit);
        xlc_buf_putc(b, '}');
        first = false;
        spill(b, out);
    }
    xlc_buf_putc(b, ']');
}

/* Inverted bits: carried, restated, or not expressible. */
static void weak_array(struct xlc_buf *b, const struct xlc_level_report *r,
                       FILE *out)
{
    const struct xlc_level *l = &r->level;
    char buf[XLC_BIT_TEXT_MAX];
    bool first = true;

    xlc_buf_puts(b, ",\"weaknesses\":[");
    for (unsigned int bit = 0; bit < NW * 32; bit++) {
        const char *state;

        if (xfs_test(l->weak, NW, bit))
            state = "carried";
        else if (xfs_test(l->sets.restated, NW, bit))
            state = "restated";
        else if (xfs_test(l->sets.unexpressed, NW, bit))
            state = "unexpressed";
        else
            continue;
        xlc_buf_printf(b, "%s{\"feature\":", first ? "" : ",");
        xlc_buf_json_str(b, level_bit(bit, buf));
        xlc_buf_printf(b, ",\"state\":\"%s\",\"from\":", state);
        hosts_array(b, r->pool, bit, true);
        if (!strcmp(state, "restated")) {
            xlc_buf_puts(b, ",\"as\":");
            xlc_buf_json_str(b, level_bit(
                                    (unsigned int)xfs_level_restated_as(bit),
                                    buf));
        }
        if (!strcmp(state, "unexpressed"))
            prereq_field(b, l->sets.level, bit);
        xlc_buf_putc(b, '}');
        first = false;
        spill(b, out);
    }
    xlc_buf_putc(b, ']');
}

static void prop_object(struct xlc_buf *b, const struct xlc_level_report *r,
                        enum xlc_prop which)
{
    const struct xlc_props_level *pl = &r->level.props;
    struct xlc_prop_group *g;
    char buf[24], name[XLC_HOST_NAME_BUF];
    size_t ng;

    xlc_buf_printf(b, "\"%s\":{\"differs\":%s,\"value\":",
                   xlc_prop_names[which], pl->differs[which] ? "true" : "false");
    xlc_host_prop_text(&pl->value, which, buf);
    if (pl->differs[which] || !pl->nr_known ||
        (which == XLC_PROP_MXCSR_MASK && !pl->value.mxcsr_known) ||
        ((which == XLC_PROP_FAMILY || which == XLC_PROP_MODEL) &&
         !pl->value.signature_known))
        xlc_buf_puts(b, "null");
    else
        xlc_buf_json_str(b, buf);
    xlc_buf_puts(b, ",\"groups\":{");
    if (xlc_pool_prop_groups(r->pool, which, &g, &ng, NULL)) {
        b->oom = true;
        ng = 0;
        g = NULL;
    }
    for (size_t i = 0; i < ng; i++) {
        if (i)
            xlc_buf_putc(b, ',');
        xlc_buf_json_str(b, g[i].value);
        xlc_buf_puts(b, ":[");
        for (size_t j = 0; j < g[i].nr; j++) {
            if (j)
                xlc_buf_putc(b, ',');
            xlc_buf_json_str(b, xlc_pool_host_name(r->pool, g[i].ids[j], name));
        }
        xlc_buf_putc(b, ']');
    }
    xlc_prop_groups_free(g, ng);
    xlc_buf_puts(b, "}}");
}

static void props_object(struct xlc_buf *b, const struct xlc_level_report *r)
{
    const struct xlc_props_level *pl = &r->level.props;
    char name[XLC_HOST_NAME_BUF];

    xlc_buf_printf(b, ",\"properties\":{\"compatible\":%s,"
                   "\"hosts_without_vendor\":%zu,"
                   "\"hosts_without_limits\":%zu,",
                   pl->compatible ? "true" : "false", pl->nr_unknown,
                   r->level.nr_hosts - pl->nr_limits);
    for (unsigned int w = 0; w < XLC_PROP_NR; w++) {
        prop_object(b, r, w);
        xlc_buf_putc(b, ',');
    }
    xlc_buf_puts(b, "\"limits\":{");
    for (unsigned int k = 0; pl->nr_limits && k < XLC_LIMIT_NR; k++) {
        xlc_buf_printf(b, "%s\"%s\":{\"value\":%u,\"lowest_on\":",
                       k ? "," : "", xlc_limit_names[k], pl->value.limit[k]);
        xlc_buf_json_str(b, xlc_pool_host_name(r->pool, pl->limit_host[k],
                                               name));
        xlc_buf_putc(b, '}');
    }
    xlc_buf_puts(b, "}}");
}

static void hosts_object(struct xlc_buf *b, const struct xlc_level_report *r,
                         FILE *out)
{
    char name[XLC_HOST_NAME_BUF];
    bool first = true;

    xlc_buf_puts(b, ",\"hosts\":[");
    for (size_t id = 0; id < xlc_pool_nr_ids(r->pool); id++) {
        static const struct xlc_guest_leaks unknown;
        const struct xlc_level_verdict *v = &r->verdicts[id];
        const struct xlc_level_host_leaks *of = r->leaks[id].of;
        bool known = r->leaks[id].known;

        if (!xlc_pool_has(r->pool, id))
            continue;
        /* One object per host: appended piece by piece, not printf'd. */
        xlc_buf_puts(b, first ? "{\"name\":" : ",{\"name\":");
        first = false;
        xlc_buf_json_str(b, xlc_pool_host_name(r->pool, id, name));
        xlc_buf_puts(b, ",\"source\":");
        xlc_buf_json_str(b, r->sources[id]);
        xlc_buf_puts(b, ",\"verdict\":\"");
        xlc_buf_puts(b, xlc_verdict_name(v->kind));
        xlc_buf_puts(b, "\",\"missing\":");
        names_array(b, v->fs.missing);
        xlc_buf_puts(b, ",\"not_told_of\":");
        names_array(b, v->fs.untold);
        bool_field(b, ",\"vendor_differs\":", v->fs.vendor_differs);
        bool_field(b, ",\"mxcsr_differs\":", v->fs.mxcsr_differs);
        bool_field(b, ",\"refuses_policy\":", v->policy_refused);
        bool_field(b, ",\"pool_unusable\":", v->pool_unusable);
        if (r->have_guest)
            guest_verdict_json(b, r->guest_verdicts[id]);
        xlc_buf_puts(b, ",\"leaks\":");
        xlc_guest_leaks_json(b, known ? &of->host : NULL,
                             known ? &of->guest : &unknown,
                             r->leaks[id].why_unknown);
        xlc_buf_putc(b, '}');
        spill(b, out);
    }
    xlc_buf_putc(b, ']');
}

/* The pool's counts of what leaks through (per host: "hosts"). */
static void leaks_object(struct xlc_buf *b, const struct xlc_level_report *r)
{
    const struct xlc_level_leak_counts *c = &r->leak_counts;

    xlc_buf_printf(b, ",\"leaks\":{\"hosts_leaking\":%zu,"
                   "\"hosts_may_leak\":%zu,\"hosts_no_data\":%zu,"
                   "\"hosts_page1gb\":%zu,\"beyond_guest\":",
                   c->hosts_leaking, c->hosts_may_leak, c->hosts_no_data,
                   c->hosts_page1gb);
    names_array(b, c->leaks);
    xlc_buf_puts(b, ",\"may_leak_beyond_guest\":");
    names_array(b, c->may_leak);
    xlc_buf_putc(b, '}');
}

/* Why each feature of the max level is not on the guest level. */
static void held_array(struct xlc_buf *b, const struct xlc_level_report *r,
                       FILE *out)
{
    char buf[XLC_BIT_TEXT_MAX];
    bool first = true;

    xlc_buf_puts(b, ",\"held_back\":[");
    for (unsigned int bit = 0; bit < NW * 32; bit++) {
        unsigned int k;

        for (k = 0; k < XLC_HELD_NR && !xfs_test(r->held[k], NW, bit); k++)
            ;
        if (k == XLC_HELD_NR)
            continue;
        xlc_buf_printf(b, "%s{\"feature\":", first ? "" : ",");
        first = false;
        xlc_buf_json_str(b, level_bit(bit, buf));
        xlc_buf_printf(b, ",\"reason\":\"%s\"", xlc_held_reason_name(k));
        if (k == XLC_HELD_NOMIGRATE) {
            bool xen = xfs_test(r->nomigrate_xen, NW, bit);
            bool lv = xfs_test(r->nomigrate_libvirt, NW, bit);

            xlc_buf_printf(b, ",\"by\":[%s%s%s]", xen ? "\"xen\"" : "",
                           xen && lv ? "," : "", lv ? "\"libvirt\"" : "");
        }
        if (k == XLC_HELD_NOT_DEFAULT) {
            xlc_buf_puts(b, ",\"not_default_on\":");
            hosts_array_of(b, r->pool, xlc_pool_hosts_with_default, bit,
                           false);
        }
        if (k == XLC_HELD_PREREQ)
            prereq_field(b, r->guest_sets.level, bit);
        xlc_buf_putc(b, '}');
        spill(b, out);
    }
    xlc_buf_putc(b, ']');
}

static void optins_array(struct xlc_buf *b, const struct xlc_level_report *r)
{
    static const char *const states[] = { "granted", "already", "refused" };
    char buf[XLC_BIT_TEXT_MAX];

    xlc_buf_puts(b, ",\"optins\":[");
    for (size_t i = 0; i < r->nr_optins; i++) {
        const struct xlc_level_optin *o = &r->optins[i];

        xlc_buf_printf(b, "%s{\"asked\":", i ? "," : "");
        xlc_buf_json_str(b, o->asked);
        xlc_buf_puts(b, ",\"feature\":");
        xlc_buf_json_str(b, level_bit(o->feature, buf));
        xlc_buf_printf(b, ",\"state\":\"%s\",\"added\":",
                       states[o->state]);
        names_array(b, o->added);
        xlc_buf_puts(b, ",\"why\":");
        if (o->why)
            xlc_buf_json_str(b, o->why);
        else
            xlc_buf_puts(b, "null");
        xlc_buf_putc(b, '}');
    }
    xlc_buf_putc(b, ']');
}

static void str_array(struct xlc_buf *b, const char *key, char *const *v,
                      size_t n)
{
    xlc_buf_printf(b, ",\"%s\":", key);
    xlc_buf_json_strv(b, v, n, ",");
}

static void opt_str(struct xlc_buf *b, const char *key, const char *v)
{
    xlc_buf_printf(b, ",\"%s\":", key);
    if (v)
        xlc_buf_json_str(b, v);
    else
        xlc_buf_puts(b, "null");
}

static void candidates_array(struct xlc_buf *b,
                             const struct xlc_level_report *r)
{
    xlc_buf_puts(b, ",\"candidates\":[");
    for (size_t i = 0; i < r->nr_cand; i++) {
        const struct xlc_level_candidate *c = &r->cand[i];

        xlc_buf_printf(b, "%s{\"name\":", i ? "," : "");
        xlc_buf_json_str(b, c->name);
        xlc_buf_puts(b, ",\"max_level_would_lose\":");
        names_array(b, c->chg.lost);
        xlc_buf_puts(b, ",\"max_level_would_gain\":");
        names_array(b, c->chg.gained);
        xlc_buf_puts(b, ",\"guest_cpu_would_lose\":");
        names_array(b, c->guest_lost);
        xlc_buf_puts(b, ",\"guest_cpu_would_gain\":");
        names_array(b, c->guest_gained);
        xlc_buf_puts(b, ",\"optins_lacking\":");
        names_array(b, c->optins_lacking);
        xlc_buf_printf(b, ",\"usable\":%s,\"becomes_incompatible\":%s,"
                       "\"limits_drop\":%s,\"becomes_unusable\":%s,"
                       "\"policy_known\":%s",
                       c->host.usable ? "true" : "false",
                       c->chg.becomes_incompatible ? "true" : "false",
                       c->chg.limits_drop ? "true" : "false",
                       c->becomes_unusable ? "true" : "false",
                       c->policy_known ? "true" : "false");
        str_array(b, "policy_refusals", c->policy.refusals,
                  c->policy.nr_refusals);
        xlc_buf_putc(b, '}');
    }
    xlc_buf_putc(b, ']');
}

static void rest_object(struct xlc_buf *b, const struct xlc_level_report *r)
{
    xlc_buf_puts(b, ",\"guest\":");
    if (r->have_guest)
        xlc_buf_json_str(b, r->guest_name);
    else
        xlc_buf_puts(b, "\"guest_cpu\"");
    xlc_buf_puts(b, ",\"refused\":[");
    for (size_t i = 0; i < r->nr_refused; i++) {
        xlc_buf_printf(b, "%s{\"name\":", i ? "," : "");
        xlc_buf_json_str(b, r->refused[i].name);
        xlc_buf_puts(b, ",\"reason\":");
        xlc_buf_json_str(b, r->refused[i].reason);
        xlc_buf_putc(b, '}');
    }
    xlc_buf_printf(b, "],\"usable\":%s", r->usable ? "true" : "false");
    str_array(b, "why_unusable", r->why_unusable, r->nr_why_unusable);
    str_array(b, "notes", r->notes, r->nr_notes);
    candidates_array(b, r);
    /* Outputs that may be absent: null, and why. */
    opt_str(b, "xl_cpuid", r->xl_cpuid);
    opt_str(b, "xl_cpuid_why_not", r->xl_why_not);
    opt_str(b, "libvirt_cpu", r->lv_xml);
    opt_str(b, "libvirt_cpu_why_not", r->lv_why_not);
    xlc_buf_puts(b, ",\"libvirt_unnamed\":");
    names_array(b, r->lv_unnamed);
    xlc_buf_puts(b, ",\"model_pins\":");
    xlc_model_pins_json(b, &r->pins, "");
    level_policy_json(r, b);
}

int level_print_json(const struct xlc_level_report *r,
                     const struct xlc_viridian_pool *vp,
                     const struct xlc_viridian_pool *cand, FILE *out)
{
    struct xlc_buf b = XLC_BUF_INIT;
    char *s;

    xlc_buf_printf(&b, "{\"type\":\"%s\",\"nr_hosts\":%zu,"
                   "\"nomigrate\":%s,",
                   xlc_guest_type_name(r->type), r->level.nr_hosts,
                   r->nomigrate ? "true" : "false");
    fs_field(&b, "max_level", r->level.sets.level);
    xlc_buf_putc(&b, ',');
    fs_field(&b, "guest_level", r->guest_sets.level);
    xlc_buf_putc(&b, ',');
    fs_field(&b, "guest_cpu", r->guest_cpu);
    held_array(&b, r, out);
    optins_array(&b, r);
    lost_array(&b, r, out);
    weak_array(&b, r, out);
    props_object(&b, r);
    hosts_object(&b, r, out);
    leaks_object(&b, r);
    rest_object(&b, r);
    if (vp)
        level_viridian_json(vp, cand, &b);
    xlc_buf_puts(&b, "}\n");
    s = xlc_buf_take(&b);
    if (!s)
        return -1;
    fputs(s, out);
    free(s);
    return ferror(out) ? -1 : 0;
}
