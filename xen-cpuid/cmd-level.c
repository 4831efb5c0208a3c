/* SPDX-License-Identifier: MIT */
/*
 * xen-cpuid level [--type pv|hvm] [--json] HOST... [+CANDIDATE...]
 *                 [guest:SOURCE]
 *
 * HOST is [NAME=]SOURCE; SOURCE is a CPUID dump file (libvirt <cpudata>
 * XML or `cpuid -r` text) or @live (this machine).  "-" reads one HOST per
 * line from stdin.  +SOURCE asks what the pool would lose if that host
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

/* Read the first bytes of a file, NUL-terminated, for sniffing. */
static void file_head(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, len - 1, f) : 0;

    buf[n] = '\0';
    if (f)
        fclose(f);
}

static bool is_file(const char *path)
{
    struct stat st;

    return !stat(path, &st) && S_ISREG(st.st_mode);
}

/* "dir/GenuineIntel00906EA_Coffeelake.xml" -> "GenuineIntel00906EA_..." */
static char *default_name(const char *path)
{
    const char *base = strrchr(path, '/');
    char *name = strdup(base ? base + 1 : path), *dot;

    if (name && (dot = strrchr(name, '.')) && dot != name)
        *dot = '\0';
    return name;
}

/* Only hex digits, ':' and white space: the featureset text form. */
static bool looks_like_featureset(const char *s)
{
    bool colon = false;

    for (; *s; s++) {
        if (*s == ':')
            colon = true;
        else if (!strchr("0123456789abcdefABCDEF \t\r\n", *s))
            return false;
    }
    return colon;
}

/* Load one SOURCE.  *name gets a default when the spec gave none. */
static int load_source(struct level_run *r, const char *src, char **name,
                       struct xlc_level_host *h, xlc_error *err)
{
    char head[4096];

    if (!strcmp(src, "@live")) {
        char host[256] = "live";

        if (!*name) {
            gethostname(host, sizeof(host) - 1);
            host[sizeof(host) - 1] = '\0';
            *name = strdup(host);
        }
        return xlc_level_host_live(r->type, h, err);
    }
    if (!is_file(src)) {
        if (looks_like_featureset(src))
            return xlc_fail(err, ENOTSUP, "'%s': featureset strings need the "
                            "featureset text parser (libxl_cpuid/"
                            "featureset-text.h), not in this build", src);
        return xlc_fail(err, ENOENT, "'%s': no such file (and not @live)",
                        src);
    }
    if (!*name)
        *name = default_name(src);
    file_head(src, head, sizeof(head));
    if (strstr(head, "<cpu") && !strstr(head, "<cpudata"))
        return xlc_fail(err, ENOTSUP, "%s: libvirt <cpu> input needs the "
                        "libvirt <cpu> reader, not in this build", src);
    if (looks_like_featureset(head))
        return xlc_fail(err, ENOTSUP, "%s: featureset text files need the "
                        "featureset text parser, not in this build", src);
    return xlc_level_host_from_dump(src, r->type, h, err);
}

/* Split "NAME=SOURCE" unless the whole spec is a file. */
static void split_spec(const char *spec, char **name, const char **src)
{
    const char *eq = strchr(spec, '=');

    *name = NULL;
    *src = spec;
    if (eq && eq != spec && !is_file(spec)) {
        *name = strndup(spec, (size_t)(eq - spec));
        *src = eq + 1;
    }
}

static int refuse(struct level_run *r, char *name, const char *reason)
{
    struct level_refused *n =
        realloc(r->refused, (r->nr_refused + 1) * sizeof(*n));

    if (!n)
        return -ENOMEM;
    r->refused = n;
    n[r->nr_refused].name = name;
    n[r->nr_refused].reason = strdup(reason);
    r->nr_refused++;
    return 0;
}

static int add_host(struct level_run *r, const char *spec, xlc_error *err)
{
    struct xlc_level_host h;
    const char *src;
    char *name, **s;
    size_t id;
    int rc;

    split_spec(spec, &name, &src);
    rc = load_source(r, src, &name, &h, err);
    if (!rc && !h.usable) {
        if (!refuse(r, name, "no VMX/SVM: cannot run HVM guests"))
            return 0;
        free(name);
        return xlc_fail(err, ENOMEM, "out of memory");
    }
    if (!rc)
        rc = xlc_pool_add(r->pool, name, h.fs, XFS_NR_WORDS, &h.props, &id,
                          err);
    if (!rc) {
        s = realloc(r->sources, xlc_pool_nr_ids(r->pool) * sizeof(*s));
        rc = s ? 0 : xlc_fail(err, ENOMEM, "out of memory");
        if (s) {
            r->sources = s;
            s[id] = strdup(src);
        }
    }
    free(name);
    return rc;
}

static int add_candidate(struct level_run *r, const char *spec,
                         xlc_error *err)
{
    struct level_candidate *c;
    const char *src;
    char *name;
    int rc;

    c = realloc(r->cand, (r->nr_cand + 1) * sizeof(*c));
    if (!c)
        return xlc_fail(err, ENOMEM, "out of memory");
    r->cand = c;
    c = &c[r->nr_cand];
    memset(c, 0, sizeof(*c));
    split_spec(spec, &name, &src);
    rc = load_source(r, src, &name, &c->host, err);
    c->name = name;
    if (rc) {
        free(name);
        return rc;
    }
    r->nr_cand++;
    return 0;
}

static int set_guest(struct level_run *r, const char *spec, xlc_error *err)
{
    const char *src;
    char *name;
    int rc;

    if (r->have_guest)
        return xlc_fail(err, EINVAL, "only one guest: featureset may be "
                        "given");
    split_spec(spec, &name, &src);
    rc = load_source(r, src, &name, &r->guest, err);
    r->guest_name = name;
    r->have_guest = !rc;
    return rc;
}

static int add_arg(struct level_run *r, const char *arg, xlc_error *err)
{
    if (arg[0] == '+')
        return add_candidate(r, arg + 1, err);
    if (!strncmp(arg, "guest:", 6))
        return set_guest(r, arg + 6, err);
    return add_host(r, arg, err);
}

/* "-": one HOST per line; blank lines and '#' comments skipped. */
static int add_stdin(struct level_run *r, xlc_error *err)
{
    char *line = NULL;
    size_t cap = 0;
    unsigned int lineno = 0;
    int rc = 0;

    while (!rc && getline(&line, &cap, stdin) > 0) {
        char *s = line, *e;

        lineno++;
        while (*s == ' ' || *s == '\t')
            s++;
        e = s + strlen(s);
        while (e > s && strchr(" \t\r\n", e[-1]))
            *--e = '\0';
        if (!*s || *s == '#')
            continue;
        rc = add_arg(r, s, err);
        if (rc)
            xlc_error_prefix(err, "stdin:%u", lineno);
    }
    free(line);
    return rc;
}

static int build(struct level_run *r, xlc_error *err)
{
    for (int i = 0; i < r->t->argc; i++) {
        int rc = !strcmp(r->t->argv[i], "-") ? add_stdin(r, err)
                                              : add_arg(r, r->t->argv[i], err);

        if (rc)
            return rc;
    }
    if (!xlc_pool_nr_hosts(r->pool))
        return xlc_fail(err, EINVAL, "no usable host given");
    return 0;
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
    guest = r->have_guest ? r->guest.fs : r->level.sets.level;
    gp = r->have_guest ? &r->guest.props : &r->level.props.value;
    if (!r->have_guest && r->level.props.differs[XLC_PROP_VENDOR])
        gp = NULL; /* no common vendor to judge */
    r->verdicts = calloc(xlc_pool_nr_ids(r->pool), sizeof(*r->verdicts));
    if (!r->verdicts)
        return xlc_fail(err, ENOMEM, "out of memory");
    for (size_t id = 0; !rc && id < xlc_pool_nr_ids(r->pool); id++)
        rc = xlc_pool_verdict(r->pool, id, guest, XFS_NR_WORDS, gp,
                              &r->verdicts[id], err);
    /* Not on main yet; said in the output rather than faked. */
    r->missing_outputs[r->nr_missing_outputs++] =
        "xl cpuid= string (needs the xl cpuid= writer, branch xl)";
    r->missing_outputs[r->nr_missing_outputs++] =
        "libvirt <cpu> (needs the libvirt <cpu> writer, branch libvirt)";
    return rc;
}

static int exit_code(const struct level_run *r)
{
    if (r->nr_refused || !r->level.props.compatible)
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
    for (size_t i = 0; i < r->nr_refused; i++) {
        free(r->refused[i].name);
        free(r->refused[i].reason);
    }
    free(r->refused);
    for (size_t i = 0; i < r->nr_cand; i++)
        free(r->cand[i].name);
    free(r->cand);
    free(r->guest_name);
    free(r->verdicts);
    xlc_pool_free(r->pool);
}

int cmd_level(struct tool *t)
{
    struct level_run r = { .t = t };
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
                    "[NAME=]FILE | @live | - for a list on stdin)");
        return EXIT_USAGE;
    }
    if (xlc_pool_new(r.type, &r.pool, &err)) {
        tool_err(t, "%s", err.msg);
        return EXIT_INTERNAL;
    }
    rc = build(&r, &err);
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
