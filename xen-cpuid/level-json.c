/* SPDX-License-Identifier: MIT */
/*
 * `xen-cpuid level --json`: the same facts as the text output, one object.
 */
#include <stdlib.h>
#include <string.h>

#include "../libxl_cpuid/strbuf.h"
#include "level-tool.h"

#define NW XFS_NR_WORDS

static void names_array(struct xlc_buf *b, const uint32_t *fs)
{
    char buf[XLC_FEATURE_NAME_MAX];
    bool first = true;

    xlc_buf_putc(b, '[');
    for (unsigned int bit = 0; bit < NW * 32; bit++)
        if (xfs_test(fs, NW, bit)) {
            if (!first)
                xlc_buf_putc(b, ',');
            xlc_buf_json_str(b, level_feature_name(bit, buf));
            first = false;
        }
    xlc_buf_putc(b, ']');
}

static void hosts_array(struct xlc_buf *b, const xlc_pool *p,
                        unsigned int bit, bool has)
{
    size_t n = xlc_pool_nr_ids(p), *ids = malloc((n ? n : 1) * sizeof(*ids));
    size_t k = ids ? xlc_pool_hosts_with(p, bit, has, ids, n) : 0;
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

static void fs_field(struct xlc_buf *b, const char *key, const uint32_t *fs)
{
    char *text = level_featureset_text(fs, NW);

    xlc_buf_printf(b, "\"%s\":", key);
    xlc_buf_json_str(b, text ? text : "");
    xlc_buf_printf(b, ",\"%s_features\":", key);
    names_array(b, fs);
    if (!text)
        b->oom = true;
    free(text);
}

static void prereq_field(struct xlc_buf *b, const struct xlc_level *l,
                         unsigned int bit)
{
    int pre = xlc_level_missing_prereq(l, bit);
    char buf[XLC_FEATURE_NAME_MAX];

    xlc_buf_puts(b, ",\"needs\":");
    if (pre < 0)
        xlc_buf_puts(b, "null");
    else
        xlc_buf_json_str(b, level_feature_name((unsigned int)pre, buf));
}

static void lost_array(struct xlc_buf *b, const struct level_run *r)
{
    const struct xlc_level *l = &r->level;
    char buf[XLC_FEATURE_NAME_MAX];
    bool first = true;

    xlc_buf_puts(b, ",\"lost\":[");
    for (unsigned int bit = 0; bit < NW * 32; bit++) {
        if (!xfs_test(l->lost, NW, bit))
            continue;
        xlc_buf_printf(b, "%s{\"feature\":", first ? "" : ",");
        xlc_buf_json_str(b, level_feature_name(bit, buf));
        xlc_buf_puts(b, ",\"missing_on\":");
        hosts_array(b, r->pool, bit, false);
        if (xfs_test(l->sets.dep_lost, NW, bit))
            prereq_field(b, l, bit);
        xlc_buf_putc(b, '}');
        first = false;
    }
    xlc_buf_putc(b, ']');
}

/* Inverted bits: carried, restated, or not expressible. */
static void weak_array(struct xlc_buf *b, const struct level_run *r)
{
    const struct xlc_level *l = &r->level;
    char buf[XLC_FEATURE_NAME_MAX];
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
        xlc_buf_json_str(b, level_feature_name(bit, buf));
        xlc_buf_printf(b, ",\"state\":\"%s\",\"from\":", state);
        hosts_array(b, r->pool, bit, true);
        if (!strcmp(state, "restated")) {
            xlc_buf_puts(b, ",\"as\":");
            xlc_buf_json_str(b, level_feature_name(
                                    (unsigned int)xfs_level_restated_as(bit),
                                    buf));
        }
        if (!strcmp(state, "unexpressed"))
            prereq_field(b, l, bit);
        xlc_buf_putc(b, '}');
        first = false;
    }
    xlc_buf_putc(b, ']');
}

static void prop_object(struct xlc_buf *b, const struct level_run *r,
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

static void props_object(struct xlc_buf *b, const struct level_run *r)
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

static void hosts_object(struct xlc_buf *b, const struct level_run *r)
{
    char name[XLC_HOST_NAME_BUF];

    xlc_buf_puts(b, ",\"hosts\":[");
    for (size_t id = 0; id < xlc_pool_nr_ids(r->pool); id++) {
        const struct xlc_verdict *v = &r->verdicts[id];

        xlc_buf_printf(b, "%s{\"name\":", id ? "," : "");
        xlc_buf_json_str(b, xlc_pool_host_name(r->pool, id, name));
        xlc_buf_puts(b, ",\"source\":");
        xlc_buf_json_str(b, r->sources[id]);
        xlc_buf_printf(b, ",\"verdict\":\"%s\",\"missing\":",
                       xlc_verdict_name(v->kind));
        names_array(b, v->missing);
        xlc_buf_puts(b, ",\"not_told_of\":");
        names_array(b, v->untold);
        xlc_buf_printf(b, ",\"vendor_differs\":%s,\"mxcsr_differs\":%s",
                       v->vendor_differs ? "true" : "false",
                       v->mxcsr_differs ? "true" : "false");
        if (r->have_guest)
            level_guest_json(b, r, id);
        xlc_buf_putc(b, '}');
    }
    xlc_buf_putc(b, ']');
}

static void rest_object(struct xlc_buf *b, const struct level_run *r)
{
    xlc_buf_puts(b, ",\"guest\":");
    if (r->have_guest)
        xlc_buf_json_str(b, r->guest_name);
    else
        xlc_buf_puts(b, "\"level\"");
    xlc_buf_puts(b, ",\"refused\":[");
    for (size_t i = 0; i < r->nr_refused; i++) {
        xlc_buf_printf(b, "%s{\"name\":", i ? "," : "");
        xlc_buf_json_str(b, r->refused[i].name);
        xlc_buf_puts(b, ",\"reason\":");
        xlc_buf_json_str(b, r->refused[i].reason);
        xlc_buf_putc(b, '}');
    }
    xlc_buf_puts(b, "],\"candidates\":[");
    for (size_t i = 0; i < r->nr_cand; i++) {
        const struct level_candidate *c = &r->cand[i];

        xlc_buf_printf(b, "%s{\"name\":", i ? "," : "");
        xlc_buf_json_str(b, c->name);
        xlc_buf_puts(b, ",\"would_lose\":");
        names_array(b, c->chg.lost);
        xlc_buf_puts(b, ",\"would_add\":");
        names_array(b, c->chg.gained);
        xlc_buf_printf(b, ",\"usable\":%s,\"becomes_incompatible\":%s,"
                       "\"limits_drop\":%s}",
                       c->host.usable ? "true" : "false",
                       c->chg.becomes_incompatible ? "true" : "false",
                       c->chg.limits_drop ? "true" : "false");
    }
    /* Outputs that may be absent: null, and why. */
    xlc_buf_puts(b, "],\"xl_cpuid\":");
    if (r->xl_cpuid)
        xlc_buf_json_str(b, r->xl_cpuid);
    else
        xlc_buf_puts(b, "null");
    xlc_buf_puts(b, ",\"xl_cpuid_why_not\":");
    if (r->xl_why_not)
        xlc_buf_json_str(b, r->xl_why_not);
    else
        xlc_buf_puts(b, "null");
    xlc_buf_puts(b, ",\"libvirt_cpu\":");
    if (r->lv_xml)
        xlc_buf_json_str(b, r->lv_xml);
    else
        xlc_buf_puts(b, "null");
    xlc_buf_puts(b, ",\"libvirt_cpu_why_not\":");
    if (r->lv_why_not)
        xlc_buf_json_str(b, r->lv_why_not);
    else
        xlc_buf_puts(b, "null");
    xlc_buf_puts(b, ",\"libvirt_unnamed\":");
    names_array(b, r->lv_unnamed);
    level_policy_json(r, b);
    xlc_buf_puts(b, ",\"not_in_this_build\":[");
    for (size_t i = 0; i < r->nr_missing_outputs; i++) {
        if (i)
            xlc_buf_putc(b, ',');
        xlc_buf_json_str(b, r->missing_outputs[i]);
    }
    xlc_buf_putc(b, ']');
}

int level_print_json(const struct level_run *r, FILE *out)
{
    struct xlc_buf b = XLC_BUF_INIT;
    char *s;

    xlc_buf_printf(&b, "{\"type\":\"%s\",\"nr_hosts\":%zu,",
                   xlc_guest_type_name(r->type), r->level.nr_hosts);
    fs_field(&b, "level", r->level.sets.level);
    lost_array(&b, r);
    weak_array(&b, r);
    props_object(&b, r);
    hosts_object(&b, r);
    rest_object(&b, r);
    xlc_buf_puts(&b, "}\n");
    s = xlc_buf_take(&b);
    if (!s)
        return -1;
    fputs(s, out);
    free(s);
    return ferror(out) ? -1 : 0;
}
