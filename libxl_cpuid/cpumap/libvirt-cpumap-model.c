/* SPDX-License-Identifier: MIT */
/*
 * <model> elements of the cpu_map, and their resolution: feature names
 * bound to features, parents followed, removals applied, bits computed.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libvirt-cpumap-int.h"
#include "../util/strbuf.h"
#include "../libvirt/libvirt-xml.h"

static int oom(xlc_error *err, const xmlNode *n)
{
    return xlc_xml_fail(err, ENOMEM, n, "out of memory");
}

/* stepping='N', 'N-M', or a comma-separated list of those (all < 32). */
static int parse_steppings(const xmlNode *n, const char *s, uint32_t *mask,
                           xlc_error *err)
{
    *mask = 0;
    while (*s) {
        char *end;
        unsigned long lo = isdigit((unsigned char)*s) ? strtoul(s, &end, 10)
                                                      : 32, hi;

        if (lo >= 32)
            goto bad;
        s = end;
        hi = lo;
        if (*s == '-') {
            s++;
            hi = isdigit((unsigned char)*s) ? strtoul(s, &end, 10) : 32;
            if (hi >= 32 || hi < lo)
                goto bad;
            s = end;
        }
        for (unsigned long i = lo; i <= hi; i++)
            *mask |= 1u << i;
        if (*s == ',')
            s++;
        else if (*s)
            goto bad;
    }
    if (*mask)
        return 0;
bad:
    return xlc_xml_fail(err, EINVAL, n,
                        "<signature>: stepping is not N, N-M or a list of "
                        "them below 32");
}

static int parse_signature(struct xlc_lv_model *m, size_t *cap,
                           const xmlNode *n, xlc_error *err)
{
    static const char *const attrs[] = { "family", "model", "stepping", NULL };
    struct xlc_lv_signature sig = { .any_stepping = true };
    const char *step = xlc_xml_attr(n, "stepping");
    int rc = xlc_xml_only_attrs(n, attrs, err);

    if (!rc)
        rc = xlc_xml_u32(n, "family", true, &sig.family, NULL, err);
    if (!rc)
        rc = xlc_xml_u32(n, "model", true, &sig.model, NULL, err);
    if (!rc && step) {
        sig.any_stepping = false;
        rc = parse_steppings(n, step, &sig.steppings, err);
    }
    if (!rc)
        rc = xlc_xml_no_content(n, err);
    if (rc)
        return rc;
    if (xlc_grow(&m->sigs, cap, m->nr_sigs, sizeof(sig)))
        return oom(err, n);
    m->sigs[m->nr_sigs++] = sig;
    return 0;
}

static int parse_decode(struct xlc_lv_model *m, const xmlNode *n,
                        xlc_error *err)
{
    static const char *const attrs[] = { "host", "guest", NULL };
    static const char *const onoff[] = { "off", "on", NULL };
    int host = 1, guest = 1;
    int rc = xlc_xml_only_attrs(n, attrs, err);

    if (!rc)
        rc = xlc_xml_enum(n, "host", onoff, 1, &host, err);
    if (!rc)
        rc = xlc_xml_enum(n, "guest", onoff, 1, &guest, err);
    if (!rc)
        rc = xlc_xml_no_content(n, err);
    m->decode_host = host;
    m->decode_guest = guest;
    return rc;
}

/* <vendor name=/> and the parent <model name=/>: one name each, once. */
static int parse_named(char **dst, long *line, const xmlNode *n,
                       xlc_error *err)
{
    static const char *const attrs[] = { "name", NULL };
    const char *name = xlc_xml_attr(n, "name");
    int rc = xlc_xml_only_attrs(n, attrs, err);

    if (!rc)
        rc = xlc_xml_no_content(n, err);
    if (rc)
        return rc;
    if (!name || !*name)
        return xlc_xml_fail(err, EINVAL, n, "<%s> without a name",
                            (const char *)n->name);
    if (*dst)
        return xlc_xml_fail(err, EINVAL, n, "second <%s> in one model",
                            (const char *)n->name);
    *dst = strdup(name);
    *line = xlc_xml_line(n);
    return *dst ? 0 : oom(err, n);
}

static int parse_ref(struct lv_raw_model *raw, const xmlNode *n,
                     xlc_error *err)
{
    static const char *const attrs[] = { "name", "removed", NULL };
    static const char *const yesno[] = { "no", "yes", NULL };
    const char *name = xlc_xml_attr(n, "name");
    int removed = 0, rc = xlc_xml_only_attrs(n, attrs, err);
    struct lv_ref *r;

    if (!rc)
        rc = xlc_xml_enum(n, "removed", yesno, 0, &removed, err);
    if (!rc)
        rc = xlc_xml_no_content(n, err);
    if (rc)
        return rc;
    if (!name || !*name)
        return xlc_xml_fail(err, EINVAL, n, "<feature> without a name");
    if (xlc_grow(&raw->refs, &raw->cap_refs, raw->nr_refs, sizeof(*r)))
        return oom(err, n);
    r = &raw->refs[raw->nr_refs];
    r->name = strdup(name);
    r->line = xlc_xml_line(n);
    r->removed = removed;
    if (!r->name)
        return oom(err, n);
    raw->nr_refs++;
    return 0;
}

static int parse_model_children(struct xlc_lv_model *m,
                                struct lv_raw_model *raw, const xmlNode *n,
                                xlc_error *err)
{
    size_t cap_sigs = 0;
    int rc = 0;

    for (const xmlNode *c = xlc_xml_first(n); c && !rc; c = xlc_xml_next(c)) {
        if (xlc_xml_is(c, "feature"))
            rc = parse_ref(raw, c, err);
        else if (xlc_xml_is(c, "signature"))
            rc = parse_signature(m, &cap_sigs, c, err);
        else if (xlc_xml_is(c, "decode"))
            rc = parse_decode(m, c, err);
        else if (xlc_xml_is(c, "vendor"))
            rc = parse_named(&m->vendor, &raw->vendor_line, c, err);
        else if (xlc_xml_is(c, "model"))
            rc = parse_named(&m->parent, &raw->parent_line, c, err);
        else
            rc = xlc_xml_fail(err, EINVAL, c, "model %s: unknown element <%s>",
                              m->name, (const char *)c->name);
    }
    return rc;
}

static void raw_clear(struct lv_raw_model *raw)
{
    for (size_t i = 0; i < raw->nr_refs; i++)
        free(raw->refs[i].name);
    free(raw->refs);
    memset(raw, 0, sizeof(*raw));
}

int xlc_lv_parse_model(struct lv_loader *ld, const xmlNode *n,
                       xlc_error *err)
{
    static const char *const attrs[] = { "name", NULL };
    struct xlc_cpu_map *map = ld->map;
    struct xlc_lv_model m = { .decode_host = true, .decode_guest = true,
                              .line = xlc_xml_line(n) };
    struct lv_raw_model raw = { 0 };
    const char *name = xlc_xml_attr(n, "name");
    int rc = xlc_xml_only_attrs(n, attrs, err);

    if (!rc && (!name || !*name))
        rc = xlc_xml_fail(err, EINVAL, n, "<model> without a name");
    if (!rc && xlc_cpu_map_model(map, name))
        rc = xlc_xml_fail(err, EINVAL, n, "model %s defined twice", name);
    if (!rc) {
        m.name = strdup(name);
        m.file = strdup(xlc_xml_name(n));
        rc = (!m.name || !m.file) ? oom(err, n) : 0;
    }
    if (!rc)
        rc = parse_model_children(&m, &raw, n, err);
    if (!rc && (xlc_grow(&map->models, &ld->cap_models, map->nr_models,
                         sizeof(m)) ||
                xlc_grow(&ld->raw, &ld->cap_raw, map->nr_models, sizeof(raw))))
        rc = oom(err, n);
    if (rc) {
        xlc_lv_model_clear(&m);
        raw_clear(&raw);
        return rc;
    }
    map->models[map->nr_models] = m;
    ld->raw[map->nr_models++] = raw;
    return 0;
}

/* ---- resolution ---- */

static int fail_at(xlc_error *err, const struct xlc_lv_model *m, long line,
                   const char *fmt, const char *a, const char *b)
{
    char msg[512];

    snprintf(msg, sizeof(msg), fmt, a, b);
    return xlc_fail(err, EINVAL, "%s:%ld: %s", m->file, line, msg);
}

/* Bind feature names to map indices, splitting own and removed lists. */
static int bind_refs(const struct xlc_cpu_map *map, struct xlc_lv_model *m,
                     const struct lv_raw_model *raw, xlc_error *err)
{
    m->own = calloc(raw->nr_refs + 1, sizeof(size_t));
    m->removed = calloc(raw->nr_refs + 1, sizeof(size_t));
    if (!m->own || !m->removed)
        return xlc_fail(err, ENOMEM, "%s: out of memory", m->file);
    for (size_t i = 0; i < raw->nr_refs; i++) {
        const struct lv_ref *r = &raw->refs[i];
        const struct xlc_lv_feature *f = xlc_cpu_map_feature(map, r->name);

        if (!f)
            return fail_at(err, m, r->line,
                           "model %s: unknown feature %s", m->name, r->name);
        if (r->removed)
            m->removed[m->nr_removed++] = (size_t)(f - map->features);
        else
            m->own[m->nr_own++] = (size_t)(f - map->features);
    }
    if (m->vendor && !xlc_cpu_map_vendor(map, m->vendor))
        return fail_at(err, m, raw->vendor_line,
                       "model %s: unknown vendor %s", m->name, m->vendor);
    return 0;
}

/*
 * Resolve model i after its parent.  state: 0 = not yet, 1 = in progress
 * (a second visit means a cycle), 2 = done.
 */
static int resolve(struct lv_loader *ld, size_t i, unsigned char *state,
                   bool *member, xlc_error *err)
{
    struct xlc_cpu_map *map = ld->map;
    struct xlc_lv_model *m = &map->models[i];
    const struct xlc_lv_model *p = NULL;
    size_t nf = map->nr_features;
    int rc;

    if (state[i] == 2)
        return 0;
    if (state[i] == 1)
        return fail_at(err, m, ld->raw[i].parent_line,
                       "model %s: parent chain loops back to itself%s",
                       m->name, "");
    state[i] = 1;
    if (m->parent) {
        p = xlc_cpu_map_model(map, m->parent);
        if (!p)
            return fail_at(err, m, ld->raw[i].parent_line,
                           "model %s: unknown parent model %s", m->name,
                           m->parent);
        rc = resolve(ld, (size_t)(p - map->models), state, member, err);
        if (rc)
            return rc;
    }
    /* A parent's vendor and signatures carry over unless overridden. */
    memset(member, 0, nf * sizeof(bool));
    for (size_t k = 0; p && k < p->nr_features; k++)
        member[p->features[k]] = true;
    for (size_t k = 0; k < m->nr_own; k++)
        member[m->own[k]] = true;
    for (size_t k = 0; k < m->nr_removed; k++)
        member[m->removed[k]] = false;
    m->features = calloc(nf + 1, sizeof(size_t));
    if (!m->features)
        return xlc_fail(err, ENOMEM, "out of memory");
    for (size_t f = 0; f < nf; f++) {
        if (!member[f])
            continue;
        m->features[m->nr_features++] = f;
        xfs_or(m->xen, XFS_NR_WORDS, m->xen, XFS_NR_WORDS,
               map->features[f].xen, XFS_NR_WORDS);
    }
    if (p && !m->vendor && p->vendor && !(m->vendor = strdup(p->vendor)))
        return xlc_fail(err, ENOMEM, "out of memory");
    if (p && !m->nr_sigs && p->nr_sigs) {
        m->sigs = malloc(p->nr_sigs * sizeof(*m->sigs));
        if (!m->sigs)
            return xlc_fail(err, ENOMEM, "out of memory");
        memcpy(m->sigs, p->sigs, p->nr_sigs * sizeof(*m->sigs));
        m->nr_sigs = p->nr_sigs;
    }
    state[i] = 2;
    return 0;
}

int xlc_lv_resolve_models(struct lv_loader *ld, xlc_error *err)
{
    struct xlc_cpu_map *map = ld->map;
    unsigned char *state = calloc(map->nr_models + 1, 1);
    bool *member = calloc(map->nr_features + 1, sizeof(bool));
    int rc = (!state || !member) ? xlc_fail(err, ENOMEM, "out of memory") : 0;

    for (size_t i = 0; !rc && i < map->nr_models; i++)
        rc = bind_refs(map, &map->models[i], &ld->raw[i], err);
    for (size_t i = 0; !rc && i < map->nr_models; i++)
        rc = resolve(ld, i, state, member, err);
    for (size_t i = 0; i < map->nr_models; i++)
        raw_clear(&ld->raw[i]);
    free(state);
    free(member);
    return rc;
}

void xlc_lv_model_clear(struct xlc_lv_model *m)
{
    free(m->name);
    free(m->vendor);
    free(m->parent);
    free(m->sigs);
    free(m->own);
    free(m->removed);
    free(m->features);
    free(m->file);
    memset(m, 0, sizeof(*m));
}
