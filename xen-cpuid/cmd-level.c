/* SPDX-License-Identifier: MIT */
/*
 * xen-cpuid level [--type pv|hvm] [--json] [--with NAME,...] [--nomigrate]
 *                 [--viridian SETTING] [--xen-version VER]
 *                 HOST... [+CANDIDATE...] [guest:SOURCE]
 *
 * HOST is [NAME=]SOURCE; SOURCE is a CPUID dump file (libvirt <cpudata>
 * XML or `cpuid -r` text), a featureset (xxxxxxxx:xxxxxxxx:..., or a file
 * holding one), a saved policy, a file of libvirt <cpu> elements or @live
 * (this machine).  "-" reads one HOST per line from stdin.  +SOURCE asks
 * what the pool would change if that host joined, without adding it;
 * guest:SOURCE names the featureset judged on every host (default: the
 * guest CPU).  The library computes the report (level-report.h); this
 * file only reads the inputs into it.
 *
 * HOST and +CANDIDATE may end in @VER, the Xen release the host runs
 * ("b=hostB.xml@4.13", "@live@4.17"; --xen-version VER for hosts without
 * one, else 4.17 assumed).  With a version or --viridian given, the
 * report adds the Hyper-V enlightenments across the pool (viridian.h,
 * xlc_viridian_pool_compute): what every host's Xen holds, what
 * viridian=1 means on each, a setting safe for the pool, and --viridian
 * SETTING judged (exit 4 when it is not safe); a guest:SOURCE that is a
 * saved guest setting HVM_PARAM_VIRIDIAN is judged on every host's release
 * (exit 4 where one cannot restore it).
 *
 * Exit: 0 when the pool is usable and every host accepts the guest; 4
 * when it is not (hosts refused, vendors or MXCSR masks differ, an opt-in
 * or the levelled policy refused, a verdict not ok); 2 for bad input.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../libxl_cpuid/cpumap/libvirt-cpumap.h"
#include "../libxl_cpuid/util/digits.h"
#include "../libxl_cpuid/util/escape.h"
#include "../libxl_cpuid/util/read-file.h"
#include "../libxl_cpuid/migration/stream.h"
#include "libvirt-inputs.h"
#include "level-tool.h"

/* One command-line (or stdin) entry, before its source is loaded. */
enum spec_kind { SPEC_HOST, SPEC_CANDIDATE, SPEC_GUEST };

struct spec {
    enum spec_kind kind;
    char *name;        /* NAME= part, or a default from the source */
    char *src;
    bool named;        /* the name was given (NAME=) */
    unsigned long line;  /* its line on stdin (0: the command line) */
    const struct xlc_viridian_release *xen;  /* @VER, or NULL */
};

/* What `level -` reads: one HOST a line. */
static const struct xlc_input_limits stdin_limits = {
    "a list of hosts", 1u << 20, 8192,
};

struct specs {
    struct spec *v;
    size_t n;
};

/* One run: the report being filled, and the cpu_map once loaded. */
struct level_run {
    struct tool *t;
    enum xlc_guest_type type;
    struct xlc_level_report *rep;
    struct xlc_cpu_map *map;
    int map_rc;                     /* 1: not tried yet */
    char *map_error;
    bool viridian;                  /* a version or --viridian given */
    char *guest_src;                /* guest:SOURCE, for its viridian */
    struct xlc_viridian_pool vp;    /* the pool's hosts and releases */
    struct xlc_viridian_pool vcand; /* candidates, one pool each */
};

static bool is_file(const char *path)
{
    struct stat st;

    return !stat(path, &st) && S_ISREG(st.st_mode);
}

/* A name as reports show it: escaped (escape.h), malloc'd. */
static char *escaped(const char *s, size_t len)
{
    struct xlc_buf b = XLC_BUF_INIT;

    xlc_buf_escape(&b, s, len, XLC_ESCAPE_TEXT, NULL);
    return xlc_buf_take(&b);
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
    if (name) {
        char *shown = escaped(name, strlen(name));

        free(name);
        name = shown;
    }
    return name;
}

/*
 * "SOURCE@4.13": the text after the last '@' (not the first character)
 * is a Xen version when it starts with a digit and has a dot.  *len is
 * the length without it.
 */
static int xen_suffix(const char *arg, size_t *len,
                      const struct xlc_viridian_release **xen,
                      xlc_error *err)
{
    const char *at = strrchr(arg, '@');

    *len = strlen(arg);
    *xen = NULL;
    /* The file test last: a stat per source on one CPU, before any is
     * loaded, for the few that look like SOURCE@VER. */
    if (!at || at == arg || at[1] < '0' || at[1] > '9' || !strchr(at, '.') ||
        is_file(arg))
        return 0;
    *len = (size_t)(at - arg);
    if (xlc_viridian_release_lookup(at + 1, xen, err)) {
        xlc_error_prefix(err, "'%s'", arg);
        return -EINVAL;
    }
    return 0;
}

/*
 * "+SPEC" is a candidate, "guest:SPEC" the guest; SPEC is NAME=SOURCE
 * unless the whole of it names a file, then maybe @VER.
 */
static int add_spec(struct specs *l, const char *whole, unsigned long line,
                    xlc_error *err)
{
    struct spec *v = realloc(l->v, (l->n + 1) * sizeof(*v)), *sp;
    const struct xlc_viridian_release *xen;
    const char *eq, *arg = whole;
    char *cut;
    size_t len;
    int rc;

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
    rc = xen_suffix(arg, &len, &xen, err);
    if (!rc && xen && sp->kind == SPEC_GUEST)
        rc = xlc_fail(err, EINVAL, "'%s': a guest runs no Xen of its own: "
                      "give @VER to hosts", whole);
    if (rc)
        return rc;
    cut = strndup(arg, len);
    if (!cut)
        return xlc_fail(err, ENOMEM, "out of memory");
    arg = cut;
    sp->xen = xen;
    eq = strchr(arg, '=');
    sp->line = line;
    sp->named = eq && eq != arg && !is_file(arg);
    if (sp->named) {
        sp->name = escaped(arg, (size_t)(eq - arg));
        sp->src = strdup(eq + 1);
    } else {
        sp->src = strdup(arg);
        sp->name = sp->src ? default_name(sp->src, l->n) : NULL;
    }
    free(cut);
    if (!sp->name || !sp->src) {
        free(sp->name);
        free(sp->src);
        return xlc_fail(err, ENOMEM, "out of memory");
    }
    l->n++;
    return 0;
}

/*
 * "-": one entry per line; blank lines and '#' comments skipped.  Read
 * whole within stdin_limits first, so that a NUL byte or an endless line
 * is refused with its line before anything is loaded.
 */
static int add_stdin(struct specs *l, xlc_error *err)
{
    char *text, *p, *end;
    unsigned long line = 0;
    size_t len;
    int rc = xlc_read_stream(stdin, "stdin", &stdin_limits, &text, &len,
                             err);

    if (!rc)
        rc = xlc_check_text("stdin", text, len, &stdin_limits, err);
    for (p = text, end = text + len; !rc && p < end; line++) {
        char *nl = memchr(p, '\n', (size_t)(end - p)), *s = p, *e;

        e = nl ? nl : end;
        *e = '\0';
        p = nl ? nl + 1 : end;
        while (*s == ' ' || *s == '\t')
            s++;
        while (e > s && strchr(" \t\r", e[-1]))
            *--e = '\0';
        if (*s && *s != '#')
            rc = add_spec(l, s, line + 1, err);
    }
    free(text);
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

/* A host the level took (not refused) joins the viridian pool too. */
static int add_level_host(struct level_run *r, const char *name,
                          const char *src, const struct spec *sp,
                          const struct xlc_level_host *h, xlc_error *err)
{
    size_t refused = r->rep->nr_refused;
    const struct xlc_viridian_release *xen = sp->xen ? sp->xen : r->t->xen;
    int rc = xlc_level_report_add_host(r->rep, name, src, h, err);

    if (rc || r->rep->nr_refused != refused)
        return rc;
    return xlc_viridian_pool_add(&r->vp, name,
                                 xen ? xen : xlc_viridian_release_modelled(),
                                 !xen, err);
}

static int take_host(struct level_run *r, struct spec *sp,
                     const struct xlc_level_host *h, xlc_error *err)
{
    const struct xlc_viridian_release *xen = sp->xen ? sp->xen : r->t->xen;

    switch (sp->kind) {
    case SPEC_HOST:
        return add_level_host(r, sp->name, sp->src, sp, h, err);
    case SPEC_CANDIDATE:
        if (h->usable &&
            xlc_viridian_pool_add(&r->vcand, sp->name,
                                  xen ? xen : xlc_viridian_release_modelled(),
                                  !xen, err))
            return -ENOMEM;
        return xlc_level_report_add_candidate(r->rep, sp->name, h, err);
    case SPEC_GUEST:
        break; /* read as a guest, not a host: load_all */
    }
    return 0;
}

/* The cpu_map (--cpu-map DIR or libvirt's), loaded once; NULL + message. */
static const struct xlc_cpu_map *level_cpu_map(struct level_run *r,
                                               xlc_error *err)
{
    xlc_error mine;

    if (r->map_rc == 1) {
        r->map_rc = tool_load_cpu_map(r->t, &r->map, &mine);
        if (r->map_rc)
            r->map_error = strdup(mine.msg);
    }
    if (r->map_rc)
        xlc_fail(err, -r->map_rc, "%s",
                 r->map_error ? r->map_error : "cpu_map: out of memory");
    return r->map_rc ? NULL : r->map;
}

/*
 * A file of libvirt <cpu> elements: one host each, "NAME#k" when many.
 * Hosts arrive one at a time (the file is streamed); the first waits
 * until a second says whether it needs its "#1".
 */
struct lv_take {
    struct level_run *r;
    const struct xlc_cpu_map *map;
    struct spec *sp;
    struct xlc_level_host first;
};

static int add_numbered(struct lv_take *t, size_t index,
                        const struct xlc_level_host *h, xlc_error *err)
{
    char name[4096], num[24] = "#";
    size_t len = strlen(t->sp->name), n;

    /* "NAME#N", as snprintf would cut it, once per host of a file. */
    n = (size_t)(xlc_put_dec(num + 1, (uint64_t)index + 1) - num);
    if (len > sizeof(name) - 1)
        len = sizeof(name) - 1;
    if (n > sizeof(name) - 1 - len)
        n = sizeof(name) - 1 - len;
    memcpy(name, t->sp->name, len);
    memcpy(name + len, num, n);
    name[len + n] = '\0';
    return add_level_host(t->r, name, t->sp->src, t->sp, h, err);
}

static int take_one(void *ctx, size_t index, const struct xlc_level_host *h,
                    xlc_error *err)
{
    struct lv_take *t = ctx;
    int rc = 0;

    /* The model the host description names, pinned with the report's. */
    if (h->lv_model &&
        (rc = xlc_model_pins_add(&t->r->rep->pins, t->map, h->lv_model,
                                 err)))
        return rc;
    if (index == 0)
        t->first = *h;
    else if (t->sp->kind != SPEC_HOST)
        return 0; /* counted, refused below */
    if (index == 1)
        rc = add_numbered(t, 0, &t->first, err);
    if (!rc && index >= 1)
        rc = add_numbered(t, index, h, err);
    return rc;
}

static int take_libvirt(struct level_run *r, struct spec *sp, xlc_error *err)
{
    const struct xlc_cpu_map *map = level_cpu_map(r, err);
    struct lv_take t = { .r = r, .map = map, .sp = sp };
    size_t n;
    int rc;

    if (!map)
        return -EINVAL;
    rc = xlc_level_hosts_each_libvirt(sp->src, map, r->type, take_one, &t,
                                      &n, err);
    if (!rc && n > 1 && sp->kind != SPEC_HOST)
        rc = xlc_fail(err, EINVAL, "%s: %zu <cpu> elements; a candidate or "
                      "guest is one", sp->src, n);
    if (!rc && n == 1)
        rc = take_host(r, sp, &t.first, err);
    return rc;
}

/* guest:SOURCE is read as a guest (guest-source.h), never as a host. */
static int take_guest(struct level_run *r, struct spec *sp, xlc_error *err)
{
    const struct xlc_cpu_map *map = NULL;

    free(r->guest_src);
    if (!(r->guest_src = strdup(sp->src)))
        return xlc_fail(err, ENOMEM, "out of memory");

    if (xlc_level_source_is_libvirt(sp->src) && !(map = level_cpu_map(r, err)))
        return -EINVAL;
    return xlc_level_report_set_guest(r->rep, sp->name, sp->src, map, err);
}

/*
 * Which entry an error is about: its line on stdin, and its name unless
 * the message already names it (a file's default name comes from the
 * file name, which the message gives).
 */
static void say_where(const struct spec *sp, xlc_error *err)
{
    static const char *const role[] = { "host", "candidate", "guest" };
    bool name = sp->named || !is_file(sp->src);

    if (sp->line && name)
        xlc_error_prefix(err, "stdin:%lu: %s '%s'", sp->line, role[sp->kind],
                         sp->name);
    else if (sp->line)
        xlc_error_prefix(err, "stdin:%lu", sp->line);
    else if (name)
        xlc_error_prefix(err, "%s '%s'", role[sp->kind], sp->name);
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
    int rc = srcs && res ? 0 : xlc_fail(err, ENOMEM, "out of memory");

    /* Every host and candidate: the batch tells the libvirt files. */
    for (size_t i = 0; !rc && i < l->n; i++)
        if (l->v[i].kind != SPEC_GUEST)
            srcs[nb++] = l->v[i].src;
    if (!rc && xlc_level_load_many(srcs, nb, r->type, 0, res))
        rc = xlc_fail(err, ENOMEM, "out of memory");
    for (size_t i = 0, b = 0; !rc && i < l->n; i++) {
        const struct xlc_level_load *x;

        if (l->v[i].kind == SPEC_GUEST) {
            rc = take_guest(r, &l->v[i], err);
            if (rc && rc != -ENOMEM)
                say_where(&l->v[i], err);
            continue;
        }
        x = &res[b++];
        if (x->libvirt)
            rc = take_libvirt(r, &l->v[i], err);
        else if (x->rc)
            rc = xlc_fail(err, -x->rc, "%s", x->msg ? x->msg : "out of memory");
        else
            rc = take_host(r, &l->v[i], &x->host, err);
        if (rc && rc != -ENOMEM)
            say_where(&l->v[i], err);
    }
    if (res)
        xlc_level_loads_free(res, nb);
    free(res);
    free(srcs);
    return rc;
}

static int build(struct level_run *r, xlc_error *err)
{
    struct specs l = { NULL, 0 };
    int rc = 0;

    for (int i = 0; !rc && i < r->t->argc; i++)
        rc = !strcmp(r->t->argv[i], "-") ? add_stdin(&l, err)
                                          : add_spec(&l, r->t->argv[i], 0,
                                                     err);
    for (size_t i = 0; i < l.n; i++)
        r->viridian = r->viridian || l.v[i].xen;
    if (!rc)
        rc = load_all(r, &l, err);
    specs_free(&l);
    if (!rc && !xlc_pool_nr_hosts(r->rep->pool) && !r->rep->nr_refused)
        rc = xlc_fail(err, EINVAL, "no host given");
    return rc;
}

/* --with may be given more than once: one comma-separated list. */
static char *with_list(const struct tool *t)
{
    struct xlc_buf b = XLC_BUF_INIT;

    if (!t->nr_with)
        return NULL;
    for (unsigned int i = 0; i < t->nr_with; i++)
        xlc_buf_printf(&b, "%s%s", i ? "," : "", t->with[i]);
    return xlc_buf_take(&b);
}

/* The report, once every input is in. */
static int evaluate(struct level_run *r, xlc_error *err)
{
    struct xlc_level_options o = { .nomigrate = r->t->nomigrate };
    xlc_error map_err;
    char *with = with_list(r->t);
    int rc;

    if (r->t->nr_with && !with)
        return xlc_fail(err, ENOMEM, "out of memory");
    o.with = with;
    o.map = level_cpu_map(r, &map_err);
    o.map_why_not = o.map ? NULL : map_err.msg;
    rc = xlc_level_report_compute(r->rep, &o, err);
    free(with);
    return rc;
}

static int exit_code(const struct xlc_level_report *r)
{
    if (!r->usable)
        return EXIT_REFUSED;
    for (size_t id = 0; id < xlc_pool_nr_ids(r->pool); id++)
        if (xlc_pool_has(r->pool, id) &&
            r->verdicts[id].kind != XLC_VERDICT_OK)
            return EXIT_REFUSED;
    return EXIT_OK;
}

/*
 * A saved guest (guest:STREAM) that sets HVM_PARAM_VIRIDIAN: judged on the
 * hosts' releases too, and the section shown.
 */
static int guest_viridian(struct level_run *r, xlc_error *err)
{
    struct xlc_stream_info s;
    int rc;

    if (!r->guest_src || xlc_input_kind(r->guest_src) != XLC_INPUT_STREAM)
        return 0;
    rc = xlc_stream_load(r->guest_src, &s, err);
    if (rc)
        return rc;
    if (s.has_viridian) {
        if (!r->viridian)
            rc = xlc_viridian_pool_compute(&r->vp, NULL, err);
        r->viridian = true;
        if (!rc)
            rc = xlc_viridian_pool_guest(&r->vp, s.viridian, err);
    }
    xlc_stream_info_free(&s);
    return rc;
}

static void run_free(struct level_run *r)
{
    free(r->guest_src);
    xlc_viridian_pool_free(&r->vp);
    xlc_viridian_pool_free(&r->vcand);
    free(r->map_error);
    xlc_cpu_map_free(r->map);
    xlc_level_report_free(r->rep);
}

/* Every host was refused: there is no level, only the reasons. */
static int all_refused(struct level_run *r)
{
    for (size_t i = 0; i < r->rep->nr_refused; i++)
        tool_err(r->t, "refused: %s: %s", r->rep->refused[i].name,
                 r->rep->refused[i].reason);
    tool_err(r->t, "no host can run %s guests", xlc_guest_type_name(r->type));
    return EXIT_REFUSED;
}

int cmd_level(struct tool *t)
{
    struct level_run r = { .t = t, .map_rc = 1 };
    const struct xlc_viridian_pool *vp;
    xlc_error err;
    int rc;

    xlc_error_clear(&err);
    r.type = t->type_given ? t->type : XLC_GUEST_HVM;
    if (!t->argc)
        return tool_usage(t, "expected HOST... (HOST: [NAME=](DUMP-FILE | "
                          "FEATURESET | @live), or - for a list on stdin)");
    rc = xlc_level_report_new(r.type, &r.rep, &err);
    if (rc)
        return tool_fail(t, rc, &err);
    rc = build(&r, &err);
    if (!rc && !xlc_pool_nr_hosts(r.rep->pool)) {
        rc = all_refused(&r);
        run_free(&r);
        return rc;
    }
    if (!rc)
        rc = evaluate(&r, &err);
    r.viridian = r.viridian || t->viridian || t->xen;
    if (!rc && r.viridian)
        rc = xlc_viridian_pool_compute(&r.vp, t->viridian, &err);
    if (!rc)
        rc = guest_viridian(&r, &err);
    if (rc) {
        run_free(&r);
        return tool_fail(t, rc, &err);
    }
    vp = r.viridian ? &r.vp : NULL;
    rc = t->json ? level_print_json(r.rep, vp, &r.vcand, stdout)
                 : level_print_text(r.rep, vp, &r.vcand, stdout);
    rc = rc ? EXIT_INTERNAL : exit_code(r.rep);
    if (!rc && vp && ((vp->has_given && !vp->given.safe) ||
                      (vp->has_guest && !vp->guest.safe)))
        rc = EXIT_REFUSED;
    run_free(&r);
    return rc;
}
