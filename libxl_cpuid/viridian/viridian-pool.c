/* SPDX-License-Identifier: MIT */
/*
 * Viridian settings across a pool of hosts running different Xen releases
 * (see viridian.h).  Hosts of the same release behave alike, so the
 * judgement runs over the pool's distinct releases and names their hosts.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "viridian.h"

static int oom(xlc_error *err)
{
    return xlc_fail(err, ENOMEM, "out of memory");
}

int xlc_viridian_pool_add(struct xlc_viridian_pool *p, const char *name,
                          const struct xlc_viridian_release *rel,
                          bool assumed, xlc_error *err)
{
    struct xlc_viridian_pool_host *h;

    if (xlc_grow(&p->hosts, &p->cap, p->nr, sizeof(*p->hosts)))
        return oom(err);
    h = &p->hosts[p->nr];
    h->name = strdup(name);
    if (!h->name)
        return oom(err);
    h->rel = rel;
    h->assumed = assumed;
    p->nr++;
    return 0;
}

void xlc_viridian_pool_hosts_of(struct xlc_buf *b,
                                const struct xlc_viridian_pool *p,
                                const struct xlc_viridian_release *r)
{
    const char *sep = "";

    for (size_t i = 0; i < p->nr; i++)
        if (p->hosts[i].rel == r) {
            xlc_buf_printf(b, "%s%s", sep, p->hosts[i].name);
            sep = ", ";
        }
}

/* The same, malloc'd. */
static char *hosts_of(const struct xlc_viridian_pool *p,
                      const struct xlc_viridian_release *r)
{
    struct xlc_buf b = XLC_BUF_INIT;

    xlc_viridian_pool_hosts_of(&b, p, r);
    return xlc_buf_take(&b);
}

bool xlc_viridian_pool_first_of_release(const struct xlc_viridian_pool *p,
                                        size_t i)
{
    for (size_t k = 0; k < i; k++)
        if (p->hosts[k].rel == p->hosts[i].rel)
            return false;
    return true;
}

/* Why a guest with `param` from a host of `from` cannot move to one of
 * `to` (NULL when it can); malloc'd. */
static char *move_problem(const struct xlc_viridian_xl *x, uint64_t param,
                          const struct xlc_viridian_release *to)
{
    uint64_t missing = xlc_viridian_param_missing(param, to);
    struct xlc_viridian_effective there;
    struct xlc_buf b = XLC_BUF_INIT;
    xlc_error err = { 0 };

    if (missing) {
        xlc_buf_printf(&b, "Xen %u.%u lacks ", to->major, to->minor);
        xlc_viridian_param_names(&b, missing, false);
        return xlc_buf_take(&b);
    }
    if (!param || !xlc_viridian_release_sets_on_restore(to))
        return NULL;
    if (xlc_viridian_expand_on(x, to, true, &there, NULL, &err)) {
        xlc_buf_printf(&b, "Xen %u.%u's libxl sets the parameter from the "
                       "configuration first and refuses it: %s", to->major,
                       to->minor, err.msg);
        return xlc_buf_take(&b);
    }
    if (there.param == param)
        return NULL;
    xlc_buf_printf(&b, "Xen %u.%u's libxl sets 0x%" PRIx64 " from the "
                   "configuration first, and Xen refuses the stream's value "
                   "(-EEXIST)", to->major, to->minor, there.param);
    return xlc_buf_take(&b);
}

/* One line about the guests created on hosts of release i's. */
static int judge_moves(const struct xlc_viridian_pool *p, size_t i,
                       const struct xlc_viridian_xl *x,
                       struct xlc_viridian_verdict *v, xlc_error *err)
{
    const struct xlc_viridian_release *from = p->hosts[i].rel;
    struct xlc_buf b = XLC_BUF_INIT;
    char *on = hosts_of(p, from);
    int rc = on ? 0 : oom(err);

    for (size_t j = 0; !rc && j < p->nr; j++) {
        char *why, *to;

        if (p->hosts[j].rel == from ||
            !xlc_viridian_pool_first_of_release(p, j))
            continue;
        why = move_problem(x, v->param[i], p->hosts[j].rel);
        if (!why)
            continue;
        to = hosts_of(p, p->hosts[j].rel);
        xlc_buf_printf(&b, "%s%s (%s)", b.len ? ", nor to " : "",
                       to ? to : "?", why);
        free(to);
        free(why);
    }
    if (!rc && b.len &&
        xlc_strv_addf(&v->why, &v->nr_why, "created on Xen %u.%u (%s) with "
                      "HVM_PARAM_VIRIDIAN 0x%" PRIx64 ", the guest cannot "
                      "move to %s", from->major, from->minor, on,
                      v->param[i], b.s))
        rc = oom(err);
    xlc_buf_free(&b);
    free(on);
    return rc;
}

/* Can the hosts of release i's create it at all? */
static int judge_create(const struct xlc_viridian_pool *p, size_t i,
                        const struct xlc_viridian_xl *x,
                        struct xlc_viridian_verdict *v, xlc_error *err)
{
    const struct xlc_viridian_release *r = p->hosts[i].rel;
    struct xlc_viridian_effective eff;
    xlc_error why = { 0 };
    char *on;
    int rc = 0;

    if (!xlc_viridian_expand_on(x, r, false, &eff, NULL, &why)) {
        for (size_t k = 0; k < p->nr; k++)
            if (p->hosts[k].rel == r) {
                v->created[k] = true;
                v->param[k] = eff.param;
            }
        return 0;
    }
    on = hosts_of(p, r);
    if (!on || xlc_strv_addf(&v->why, &v->nr_why, "Xen %u.%u (%s) does "
                             "not take it: %s", r->major, r->minor, on,
                             why.msg))
        rc = oom(err);
    free(on);
    return rc;
}

static void verdict_free(struct xlc_viridian_verdict *v)
{
    free(v->setting);
    free(v->created);
    free(v->param);
    xlc_strv_free(v->why, v->nr_why);
    memset(v, 0, sizeof(*v));
}

static int judge(const struct xlc_viridian_pool *p, const char *setting,
                 struct xlc_viridian_verdict *v, xlc_error *err)
{
    struct xlc_viridian_xl x;
    size_t n = p->nr ? p->nr : 1;
    int rc = xlc_viridian_xl_parse(setting, &x, NULL, err);

    memset(v, 0, sizeof(*v));
    if (!rc && (!(v->setting = strdup(setting)) ||
                !(v->created = calloc(n, sizeof(*v->created))) ||
                !(v->param = calloc(n, sizeof(*v->param)))))
        rc = oom(err);
    for (size_t i = 0; !rc && i < p->nr; i++)
        if (xlc_viridian_pool_first_of_release(p, i))
            rc = judge_create(p, i, &x, v, err);
    for (size_t i = 0; !rc && i < p->nr; i++)
        if (xlc_viridian_pool_first_of_release(p, i) && v->created[i])
            rc = judge_moves(p, i, &x, v, err);
    xlc_viridian_xl_free(&x);
    if (rc)
        verdict_free(v);
    else
        v->safe = !v->nr_why;
    return rc;
}

/* An explicit list (no libxl defaults), or "1" when only that works (a
 * pool with a 4.4 host, whose viridian= is a boolean). */
static int judge_set(const struct xlc_viridian_pool *p, xlc_viridian_set s,
                     struct xlc_viridian_verdict *v, xlc_error *err)
{
    char *setting = xlc_viridian_xl_setting(s);
    int rc = setting ? judge(p, setting, v, err) : oom(err);

    free(setting);
    if (!rc && !v->safe && p->one.safe) {
        verdict_free(v);
        rc = judge(p, "1", v, err);
    }
    return rc;
}

int xlc_viridian_pool_compute(struct xlc_viridian_pool *p,
                              const char *setting, xlc_error *err)
{
    const struct xlc_viridian_release **rel;
    int rc;

    rel = calloc(p->nr ? p->nr : 1, sizeof(*rel));
    if (!rel)
        return oom(err);
    for (size_t i = 0; i < p->nr; i++)
        rel[i] = p->hosts[i].rel;
    xlc_viridian_level(rel, p->nr, &p->level);
    free(rel);
    rc = judge(p, "1", &p->one, err);
    if (!rc)
        rc = judge_set(p, p->level.common_defaults, &p->safe, err);
    if (!rc)
        rc = judge_set(p, p->level.groups, &p->most, err);
    if (!rc && setting) {
        rc = judge(p, setting, &p->given, err);
        p->has_given = !rc;
        if (rc)
            xlc_error_prefix(err, "--viridian");
    }
    return rc;
}

/* Why Xen `r` cannot hold param, or NULL. */
static char *cannot_hold(uint64_t param, const struct xlc_viridian_release *r)
{
    struct xlc_buf b = XLC_BUF_INIT;
    uint64_t missing = xlc_viridian_param_missing(param, r);

    if (!(param & XFS_HVMPV_BASE_FREQ))
        xlc_buf_puts(&b, "no base_freq: no Xen holds the value");
    else if (!missing)
        return NULL;
    else {
        xlc_buf_printf(&b, "Xen %u.%u lacks ", r->major, r->minor);
        xlc_viridian_param_names(&b, missing, false);
    }
    return xlc_buf_take(&b);
}

int xlc_viridian_pool_guest(struct xlc_viridian_pool *p, uint64_t param,
                            xlc_error *err)
{
    struct xlc_viridian_verdict *v = &p->guest;
    size_t n = p->nr ? p->nr : 1;
    int rc = 0;

    verdict_free(v);
    if (asprintf(&v->setting, "HVM_PARAM_VIRIDIAN 0x%" PRIx64, param) < 0) {
        v->setting = NULL;
        return oom(err);
    }
    if (!(v->created = calloc(n, sizeof(*v->created))) ||
        !(v->param = calloc(n, sizeof(*v->param))))
        rc = oom(err);
    for (size_t i = 0; !rc && i < p->nr; i++) {
        char *why = cannot_hold(param, p->hosts[i].rel), *on;

        v->created[i] = !why;
        v->param[i] = why ? 0 : param;
        if (!why || !xlc_viridian_pool_first_of_release(p, i)) {
            free(why);
            continue;
        }
        on = hosts_of(p, p->hosts[i].rel);
        if (!on || xlc_strv_addf(&v->why, &v->nr_why, "%s cannot restore "
                                 "it: %s", on, why))
            rc = oom(err);
        free(on);
        free(why);
    }
    if (rc) {
        verdict_free(v);
        return rc;
    }
    v->safe = !v->nr_why;
    p->has_guest = true;
    return 0;
}

void xlc_viridian_pool_free(struct xlc_viridian_pool *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->nr; i++)
        free(p->hosts[i].name);
    free(p->hosts);
    verdict_free(&p->one);
    verdict_free(&p->safe);
    verdict_free(&p->most);
    verdict_free(&p->given);
    verdict_free(&p->guest);
    memset(p, 0, sizeof(*p));
}
