/* SPDX-License-Identifier: MIT */
/*
 * xen-cpuid level [--type pv|hvm] [--json] HOST... [+CANDIDATE...]
 *                 [guest:SOURCE]
 *
 * HOST is [NAME=]SOURCE; SOURCE is a CPUID dump file (libvirt <cpudata>
 * XML or `cpuid -r` text), a featureset (xxxxxxxx:xxxxxxxx:..., or a file
 * holding one) or @live (this machine).  "-" reads one HOST per line from
 * stdin.  +SOURCE asks what the pool would lose if that host
 * joined, without adding it; guest:SOURCE names the featureset judged on
 * every host (default: the level itself).
 *
 * Exit: 0 when the pool is compatible and every host accepts the guest
 * featureset; 4 when hosts were refused (their guests cannot run there at
 * all), vendors or MXCSR masks differ, or a verdict is not ok; 2 for bad
 * input.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "level-tool.h"

/* One command-line (or stdin) entry, before its source is loaded. */
enum spec_kind { SPEC_HOST, SPEC_CANDIDATE, SPEC_GUEST };

struct spec {
    enum spec_kind kind;
    char *name;        /* NAME= part, or a default from the source */
    char *src;
};

struct specs {
    struct spec *v;
    size_t n;
};

static bool is_file(const char *path)
{
    struct stat st;

    return !stat(path, &st) && S_ISREG(st.st_mode);
}

/*
 * "dir/GenuineIntel00906EA_Coffeelake.xml" -> "GenuineIntel00906EA_...",
 * "@live" -> this machine's host name, a featureset string -> "host<N>".
 */
static char *default_name(const char *src, size_t index)
{
    const char *base = strrchr(src, '/');
    char host[256] = "live", *name, *dot;

    if (strcmp(src, "@live") && !is_file(src)) {
        snprintf(host, sizeof(host), "host%zu", index + 1);
        return strdup(host);
    }
    if (!strcmp(src, "@live")) {
        if (!gethostname(host, sizeof(host) - 1))
            host[sizeof(host) - 1] = '\0';
        return strdup(host);
    }
    name = strdup(base ? base + 1 : src);
    if (name && (dot = strrchr(name, '.')) && dot != name)
        *dot = '\0';
    return name;
}

/*
 * "+SPEC" is a candidate, "guest:SPEC" the guest; SPEC is NAME=SOURCE
 * unless the whole of it names a file.
 */
static int add_spec(struct specs *l, const char *arg, xlc_error *err)
{
    struct spec *v = realloc(l->v, (l->n + 1) * sizeof(*v)), *sp;
    const char *eq;

    if (!v)
        return xlc_fail(err, ENOMEM, "out of memory");
    l->v = v;
    sp = &v[l->n];
    sp->kind = SPEC_HOST;
    if (arg[0] == '+') {
        sp->kind = SPEC_CANDIDATE;
        arg++;
    } else if (!strncmp(arg, "guest:", 6)) {
        sp->kind = SPEC_GUEST;
        arg += 6;
    }
    eq = strchr(arg, '=');
    if (eq && eq != arg && !is_file(arg)) {
        sp->name = strndup(arg, (size_t)(eq - arg));
        sp->src = strdup(eq + 1);
    } else {
        sp->src = strdup(arg);
        sp->name = sp->src ? default_name(sp->src, l->n) : NULL;
    }
    if (!sp->name || !sp->src) {
        free(sp->name);
        free(sp->src);
        return xlc_fail(err, ENOMEM, "out of memory");
    }
    l->n++;
    return 0;
}

/* "-": one entry per line; blank lines and '#' comments skipped. */
static int add_stdin(struct specs *l, xlc_error *err)
{
    char *line = NULL;
    size_t cap = 0;
    int rc = 0;

    while (!rc && getline(&line, &cap, stdin) > 0) {
        char *s = line, *e;

        while (*s == ' ' || *s == '\t')
            s++;
        e = s + strlen(s);
        while (e > s && strchr(" \t\r\n", e[-1]))
            *--e = '\0';
        if (*s && *s != '#')
            rc = add_spec(l, s, err);
    }
    free(line);
    return rc;
}

static void specs_free(struct specs *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].name);
        free(l->v[i].src);
    }
    free(l->v);
}

static int refuse(struct level_run *r, const char *name, const char *reason,
                  xlc_error *err)
{
    struct level_refused *n =
        realloc(r->refused, (r->nr_refused + 1) * sizeof(*n));

    if (!n)
        return xlc_fail(err, ENOMEM, "out of memory");
    r->refused = n;
    n[r->nr_refused].name = strdup(name);
    n[r->nr_refused].reason = strdup(reason);
    r->nr_refused++;
    return 0;
}

/* The run takes `src` (a copy for libvirt hosts, which share a file). */
static int add_host(struct level_run *r, const char *name, char *src,
                    const struct xlc_level_host *h, xlc_error *err)
{
    struct xfs_cpu_policy **p;
    size_t id;
    char **s;
    int rc;

    if (!h->usable) {
        free(src);
        return refuse(r, name, "no VMX/SVM: cannot run HVM guests", err);
    }
    rc = xlc_pool_add(r->pool, name, h->fs, XFS_NR_WORDS, &h->props, &id,
                      err);
    s = rc ? NULL : realloc(r->sources, xlc_pool_nr_ids(r->pool) * sizeof(*s));
    if (s)
        r->sources = s;
    p = s ? realloc(r->pols, xlc_pool_nr_ids(r->pool) * sizeof(*p)) : NULL;
    if (p)
        r->pols = p;
    if (!rc && (!s || !p))
        rc = xlc_fail(err, ENOMEM, "out of memory");
    if (rc) {
        free(src);
        return rc;
    }
    s[id] = src;
    p[id] = h->has_policy ? malloc(sizeof(*p[id])) : NULL;
    if (p[id])
        *p[id] = h->policy;
    return 0;
}

static int add_candidate(struct level_run *r, struct spec *sp,
                         const struct xlc_level_host *h, xlc_error *err)
{
    struct level_candidate *c;

    c = realloc(r->cand, (r->nr_cand + 1) * sizeof(*c));
    if (!c)
        return xlc_fail(err, ENOMEM, "out of memory");
    r->cand = c;
    c = &c[r->nr_cand++];
    memset(c, 0, sizeof(*c));
    c->name = sp->name;
    sp->name = NULL;
    c->host = *h;
    return 0;
}

static int take_host(struct level_run *r, struct spec *sp,
                     const struct xlc_level_host *h, xlc_error *err)
{
    switch (sp->kind) {
    case SPEC_HOST: {
        char *src = sp->src;

        sp->src = NULL; /* the run owns it now */
        return add_host(r, sp->name, src, h, err);
    }
    case SPEC_CANDIDATE: return add_candidate(r, sp, h, err);
    case SPEC_GUEST: break;     /* loaded as a guest, by load_all */
    }
    return 0;
}

/* A file of libvirt <cpu> elements: one host each, "NAME#k" when many. */
static int take_libvirt(struct level_run *r, struct spec *sp, xlc_error *err)
{
    const struct xlc_cpu_map *map = level_cpu_map(r, err);
    struct xlc_level_host *hosts;
    char name[4096];
    size_t n;
    int rc;

    if (!map)
        return -EINVAL;
    rc = xlc_level_hosts_from_libvirt(sp->src, map, &hosts, &n, err);
    if (!rc && n > 1 && sp->kind != SPEC_HOST)
        rc = xlc_fail(err, EINVAL, "%s: %zu <cpu> elements; a candidate or "
                      "guest is one", sp->src, n);
    if (!rc && n == 1)
        rc = take_host(r, sp, &hosts[0], err);
    for (size_t k = 0; !rc && n > 1 && k < n; k++) {
        char *src = strdup(sp->src);

        snprintf(name, sizeof(name), "%s#%zu", sp->name, k + 1);
        rc = src ? add_host(r, name, src, &hosts[k], err)
                 : xlc_fail(err, ENOMEM, "out of memory");
    }
    free(hosts);
    return rc;
}

/*
 * Load every source (in parallel), then take them in command-line order.
 * libvirt files are read in that second pass: one may hold many hosts.
 */
static int load_all(struct level_run *r, struct specs *l, xlc_error *err)
{
    size_t n = l->n ? l->n : 1, nb = 0;
    const char **srcs = calloc(n, sizeof(*srcs));
    struct xlc_level_load *res = calloc(n, sizeof(*res));
    bool *lv = calloc(n, sizeof(*lv));
    int rc = srcs && res && lv ? 0 : xlc_fail(err, ENOMEM, "out of memory");

    for (size_t i = 0; !rc && i < l->n; i++) {
        lv[i] = xlc_level_source_is_libvirt(l->v[i].src);
        if (!lv[i] && l->v[i].kind != SPEC_GUEST)
            srcs[nb++] = l->v[i].src;
    }
    if (!rc && xlc_level_load_many(srcs, nb, r->type, 0, res))
        rc = xlc_fail(err, ENOMEM, "out of memory");
    for (size_t i = 0, b = 0; !rc && i < l->n; i++) {
        const struct xlc_level_load *x;

        if (l->v[i].kind == SPEC_GUEST) {
            /* A guest is not a host: guest-source.h says how each kind of
             * source is read. */
            rc = level_guest_set(r, l->v[i].name, l->v[i].src, err);
            l->v[i].name = NULL;
            continue;
        }
        x = lv[i] ? NULL : &res[b++];
        if (x && x->rc)
            rc = xlc_fail(err, -x->rc, "%s", x->msg ? x->msg : "out of memory");
        else
            rc = x ? take_host(r, &l->v[i], &x->host, err)
                   : take_libvirt(r, &l->v[i], err);
    }
    if (res)
        xlc_level_loads_free(res, nb);
    free(res);
    free(srcs);
    free(lv);
    return rc;
}

static int build(struct level_run *r, xlc_error *err)
{
    struct specs l = { NULL, 0 };
    int rc = 0;

    for (int i = 0; !rc && i < r->t->argc; i++)
        rc = !strcmp(r->t->argv[i], "-") ? add_stdin(&l, err)
                                          : add_spec(&l, r->t->argv[i], err);
    if (!rc)
        rc = load_all(r, &l, err);
    specs_free(&l);
    if (!rc && !xlc_pool_nr_hosts(r->pool) && !r->nr_refused)
        rc = xlc_fail(err, EINVAL, "no host given");
    return rc;
}

/* Level, candidates and verdicts, once every input is in. */
static int evaluate(struct level_run *r, xlc_error *err)
{
    const uint32_t *guest;
    const struct xlc_host_props *gp;
    int rc = xlc_pool_level(r->pool, &r->level, err);

    for (size_t i = 0; !rc && i < r->nr_cand; i++)
        rc = xlc_pool_what_if_add(r->pool, r->cand[i].host.fs, XFS_NR_WORDS,
                                  &r->cand[i].host.props, &r->cand[i].after,
                                  &r->cand[i].chg, err);
    if (rc)
        return rc;
    guest = r->level.sets.level;
    gp = &r->level.props.value;
    if (r->level.props.differs[XLC_PROP_VENDOR])
        gp = NULL; /* no common vendor to judge */
    r->verdicts = calloc(xlc_pool_nr_ids(r->pool), sizeof(*r->verdicts));
    if (!r->verdicts)
        return xlc_fail(err, ENOMEM, "out of memory");
    if (r->have_guest)
        rc = level_guest_judge(r, err);
    for (size_t id = 0; !rc && !r->have_guest &&
                        id < xlc_pool_nr_ids(r->pool); id++)
        rc = xlc_pool_verdict(r->pool, id, guest, XFS_NR_WORDS, gp,
                              &r->verdicts[id], err);
    if (!rc) {
        level_libvirt_output(r);
        level_policy_output(r);
        level_xl_output(r);
    }
    return rc;
}

static int exit_code(const struct level_run *r)
{
    if (r->nr_refused || !r->level.props.compatible || r->nr_refusals)
        return EXIT_REFUSED;
    for (size_t id = 0; id < xlc_pool_nr_ids(r->pool); id++)
        if (r->verdicts[id].kind != XLC_VERDICT_OK)
            return EXIT_REFUSED;
    return EXIT_OK;
}

static void run_free(struct level_run *r)
{
    for (size_t i = 0; r->sources && i < xlc_pool_nr_ids(r->pool); i++)
        free(r->sources[i]);
    free(r->sources);
    for (size_t i = 0; r->pols && i < xlc_pool_nr_ids(r->pool); i++)
        free(r->pols[i]);
    free(r->pols);
    free(r->policy);
    free(r->policy_why_not);
    for (size_t i = 0; i < r->nr_refusals; i++)
        free(r->refusals[i]);
    free(r->refusals);
    for (size_t i = 0; i < r->nr_refused; i++) {
        free(r->refused[i].name);
        free(r->refused[i].reason);
    }
    free(r->refused);
    for (size_t i = 0; i < r->nr_cand; i++)
        free(r->cand[i].name);
    free(r->cand);
    level_guest_free(r);
    free(r->guest_name);
    free(r->verdicts);
    free(r->lv_xml);
    free(r->lv_why_not);
    free(r->xl_cpuid);
    free(r->xl_why_not);
    free(r->map_error);
    xlc_cpu_map_free(r->map);
    xlc_pool_free(r->pool);
}

int cmd_level(struct tool *t)
{
    struct level_run r = { .t = t, .map_rc = 1 };
    xlc_error err;
    int rc;

    xlc_error_clear(&err);
    if (t->type && xlc_guest_type_parse(t->type, &r.type, &err)) {
        tool_err(t, "%s", err.msg);
        return EXIT_USAGE;
    }
    if (!t->type)
        r.type = XLC_GUEST_HVM;
    if (!t->argc) {
        tool_err(t, "usage: xen-cpuid level [--type pv|hvm] [--json] "
                    "HOST... [+CANDIDATE] [guest:SOURCE]  (HOST: "
                    "[NAME=](DUMP-FILE | FEATURESET | @live), or - for a "
                    "list on stdin)");
        return EXIT_USAGE;
    }
    if (xlc_pool_new(r.type, &r.pool, &err)) {
        tool_err(t, "%s", err.msg);
        return EXIT_INTERNAL;
    }
    rc = build(&r, &err);
    if (!rc && !xlc_pool_nr_hosts(r.pool)) {
        /* Every host was refused: there is no level, only the reasons. */
        for (size_t i = 0; i < r.nr_refused; i++)
            tool_err(t, "refused: %s: %s", r.refused[i].name,
                     r.refused[i].reason);
        tool_err(t, "no host can run %s guests", xlc_guest_type_name(r.type));
        run_free(&r);
        return EXIT_REFUSED;
    }
    if (!rc)
        rc = evaluate(&r, &err);
    if (rc) {
        tool_err(t, "%s", err.msg);
        run_free(&r);
        return rc == -ENOMEM ? EXIT_INTERNAL : EXIT_INPUT;
    }
    rc = t->json ? level_print_json(&r, stdout) : level_print_text(&r, stdout);
    rc = rc ? EXIT_INTERNAL : exit_code(&r);
    run_free(&r);
    return rc;
}
