/* SPDX-License-Identifier: MIT */
/*
 * libvirt host <cpu> elements as pool hosts: a model plus features, read
 * with the libvirt <cpu> reader and resolved through the cpu_map.  A file
 * may hold many <cpu> elements one after another (the input of `virsh
 * cpu-baseline`); each is one host.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "level-input.h"
#include "libvirt-cpu.h"
#include "libvirt-cpumap.h"

static int unknown_name(xlc_error *err, const struct xlc_lv_cpu *cpu,
                        long line, const char *what, const char *name,
                        const char *nearest)
{
    return xlc_fail(err, EINVAL, "%s:%ld: unknown %s '%s'%s%s%s", cpu->source,
                    line, what, name, nearest ? " (did you mean '" : "",
                    nearest ? nearest : "", nearest ? "'?)" : "");
}

/* The vendor's CPUID string from <vendor>, else from the model. */
static int host_vendor(const struct xlc_cpu_map *map,
                       const struct xlc_lv_cpu *cpu,
                       const struct xlc_lv_model *m,
                       struct xlc_host_props *p, xlc_error *err)
{
    const char *name = cpu->vendor ? cpu->vendor : m ? m->vendor : NULL;
    const struct xlc_lv_vendor *v;

    if (!name)
        return 0;
    v = xlc_cpu_map_vendor(map, name);
    if (!v)
        return xlc_fail(err, EINVAL, "%s:%ld: unknown vendor '%s'",
                        cpu->source, cpu->vendor_line, name);
    memcpy(p->vendor, v->string, sizeof(p->vendor));
    p->vendor_known = true;
    return 0;
}

/*
 * Feature names seen so far -> the map's feature.  A file of many hosts
 * names the same hundred-odd features over and over; the map's own lookup
 * walks every feature and alias each time.
 */
#define MEMO_SIZE 1024 /* power of two, above any cpu_map's feature count */

struct memo {
    const struct xlc_lv_feature *f[MEMO_SIZE];
    char *owned[MEMO_SIZE];              /* our copies of the names */
};

static size_t memo_hash(const char *s)
{
    size_t h = 5381;

    for (; *s; s++)
        h = h * 33 + (unsigned char)*s;
    return h & (MEMO_SIZE - 1);
}

static const struct xlc_lv_feature *lookup(const struct xlc_cpu_map *map,
                                           struct memo *memo,
                                           const char *name)
{
    const struct xlc_lv_feature *f;
    size_t i, probes = 0;

    if (!memo)
        return xlc_cpu_map_feature(map, name);
    for (i = memo_hash(name); memo->owned[i]; i = (i + 1) & (MEMO_SIZE - 1))
        if (!strcmp(memo->owned[i], name))
            return memo->f[i];
        else if (++probes == MEMO_SIZE / 2)
            return xlc_cpu_map_feature(map, name); /* full: no memo */
    f = xlc_cpu_map_feature(map, name);
    /* Unknown names are not remembered: they end the load anyway. */
    if (f && (memo->owned[i] = strdup(name)))
        memo->f[i] = f;
    return f;
}

static void memo_free(struct memo *memo)
{
    for (size_t i = 0; memo && i < MEMO_SIZE; i++)
        free(memo->owned[i]);
    free(memo);
}

static int from_lv_cpu(const struct xlc_cpu_map *map, struct memo *memo,
                       const struct xlc_lv_cpu *cpu,
                       struct xlc_level_host *out, xlc_error *err);

int xlc_level_host_from_lv_cpu(const struct xlc_cpu_map *map,
                               const struct xlc_lv_cpu *cpu,
                               struct xlc_level_host *out, xlc_error *err)
{
    return from_lv_cpu(map, NULL, cpu, out, err);
}

static int from_lv_cpu(const struct xlc_cpu_map *map, struct memo *memo,
                       const struct xlc_lv_cpu *cpu,
                       struct xlc_level_host *out, xlc_error *err)
{
    const struct xlc_lv_model *m = NULL;

    memset(out, 0, sizeof(*out));
    if (cpu->mode != XLC_LV_MODE_CUSTOM)
        return xlc_fail(err, EINVAL, "%s:%ld: mode='%s' describes a guest "
                        "relative to a host; a host <cpu> names a model and "
                        "features", cpu->source, cpu->line,
                        xlc_lv_mode_name(cpu->mode));
    if (cpu->model) {
        m = xlc_cpu_map_model(map, cpu->model);
        if (!m)
            return unknown_name(err, cpu, cpu->model_line, "model",
                                cpu->model,
                                xlc_cpu_map_nearest_model(map, cpu->model));
        xfs_copy(out->fs, XFS_NR_WORDS, m->xen, XFS_NR_WORDS);
    }
    for (size_t i = 0; i < cpu->nr_features; i++) {
        const struct xlc_lv_cpu_feature *cf = &cpu->features[i];
        const struct xlc_lv_feature *f = lookup(map, memo, cf->name);

        if (!f)
            return unknown_name(err, cpu, cf->line, "feature", cf->name,
                                xlc_cpu_map_nearest_feature(map, cf->name));
        /* A host has what it lists; disable/forbid take a model's away. */
        if (cf->policy == XLC_LV_DISABLE || cf->policy == XLC_LV_FORBID)
            xfs_andnot(out->fs, XFS_NR_WORDS, out->fs, XFS_NR_WORDS, f->xen,
                       XFS_NR_WORDS);
        else
            xfs_or(out->fs, XFS_NR_WORDS, out->fs, XFS_NR_WORDS, f->xen,
                   XFS_NR_WORDS);
    }
    out->usable = true;
    return host_vendor(map, cpu, m, &out->props, err);
}

/* ---- files of <cpu> elements ---- */

bool xlc_level_is_libvirt_cpu(const char *head)
{
    return strstr(head, "<cpu") && !strstr(head, "<cpudata");
}

/* Start of the next <cpu> element at or after p, skipping comments. */
static const char *next_cpu(const char *p)
{
    for (; (p = strchr(p, '<')); p++) {
        if (!strncmp(p, "<!--", 4)) {
            const char *end = strstr(p + 4, "-->");

            if (!end)
                return NULL;
            p = end + 2;
            continue;
        }
        if (!strncmp(p, "<cpu", 4) && strchr(" \t\r\n/>", p[4]) && p[4])
            return p;
    }
    return NULL;
}

/* One past the end of the element starting at p, or NULL if unclosed. */
static const char *cpu_end(const char *p)
{
    const char *gt = strchr(p, '>'), *close;

    if (!gt)
        return NULL;
    if (gt[-1] == '/')
        return gt + 1;
    close = strstr(gt, "</cpu");
    if (!close)
        return NULL;
    gt = strchr(close, '>');
    return gt ? gt + 1 : NULL;
}

/* Advance *line from `from` to `to` (lines counted once, not per host). */
static unsigned long lines_to(unsigned long *line, const char *from,
                              const char *to)
{
    for (; from < to; from++)
        *line += *from == '\n';
    return *line;
}

static int read_all(const char *path, char **text, xlc_error *err)
{
    FILE *f = fopen(path, "r");
    size_t len = 0, cap = 1 << 16, n;

    *text = NULL;
    if (!f)
        return xlc_fail(err, errno, "%s: %s", path, strerror(errno));
    *text = malloc(cap + 1);
    while (*text && (n = fread(*text + len, 1, cap - len, f)) > 0) {
        char *bigger;

        len += n;
        if (len < cap)
            continue;
        bigger = realloc(*text, 2 * cap + 1);
        if (!bigger) {
            free(*text);
            *text = NULL;
        } else {
            *text = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    if (!*text)
        return xlc_fail(err, ENOMEM, "%s: out of memory", path);
    (*text)[len] = '\0';
    return 0;
}

/*
 * Children of a HOST <cpu> (as `virsh capabilities` prints it) that say
 * nothing about features and that the guest <cpu> reader does not take:
 * blanked with spaces, so that line and column numbers stay right.
 */
static void blank_host_only(char *start, char *end)
{
    static const char *const tags[] = { "arch", "microcode", "counter",
                                        "pages", "signature" };

    for (char *p = start; (p = memchr(p, '<', (size_t)(end - p))); p++)
        /* Most tags are <feature>: one character rules them out. */
        for (size_t i = 0; !strchr("/!f", p[1]) &&
                           i < sizeof(tags) / sizeof(tags[0]); i++) {
            size_t n = strlen(tags[i]);
            char close[16], *stop;

            if (strncmp(p + 1, tags[i], n) || !strchr(" \t\r\n/>", p[1 + n]))
                continue;
            snprintf(close, sizeof(close), "</%s>", tags[i]);
            stop = strchr(p, '>');
            if (stop && stop[-1] != '/') /* <arch>x86_64</arch> */
                stop = strstr(stop, close) ? strstr(stop, close) + n + 2 : NULL;
            if (!stop || stop >= end)
                continue; /* malformed: let the reader say so */
            for (char *q = p; q <= stop; q++)
                if (*q != '\n')
                    *q = ' ';
        }
}

static int parse_one(const struct xlc_cpu_map *map, struct memo *memo,
                     const char *path, unsigned long line, char *start,
                     char *end, struct xlc_level_host *out, xlc_error *err)
{
    struct xlc_lv_cpu *cpu;
    char name[4200];
    int rc;

    /* Messages then say "FILE (<cpu> at line L):N: ..." */
    snprintf(name, sizeof(name), "%s (<cpu> at line %lu)", path, line);
    blank_host_only(start, end);
    rc = xlc_lv_cpu_parse(name, start, (size_t)(end - start), &cpu, err);
    if (rc)
        return rc;
    rc = from_lv_cpu(map, memo, cpu, out, err);
    xlc_lv_cpu_free(cpu);
    return rc;
}

/* One <cpu> element of the file: where it is, and what came of it. */
struct chunk {
    char *start, *end;
    unsigned long line;
    int rc;
    char *msg;
};

struct split {
    struct chunk *v;
    size_t n, cap;
};

/* Find every <cpu> element; blank the host-only children as we go. */
static int split_file(const char *path, char *text, struct split *sp,
                      xlc_error *err)
{
    const char *p, *end, *counted = text;
    unsigned long line = 1;

    for (p = next_cpu(text); p; p = next_cpu(end)) {
        lines_to(&line, counted, p);
        counted = p;
        end = cpu_end(p);
        if (!end)
            return xlc_fail(err, EINVAL, "%s:%lu: <cpu> not closed", path,
                            line);
        if (sp->n == sp->cap) {
            struct chunk *v;

            sp->cap = sp->cap ? 2 * sp->cap : 16;
            v = realloc(sp->v, sp->cap * sizeof(*v));
            if (!v)
                return xlc_fail(err, ENOMEM, "%s: out of memory", path);
            sp->v = v;
        }
        sp->v[sp->n++] = (struct chunk){ text + (p - text),
                                         text + (end - text), line, 0, NULL };
        blank_host_only(sp->v[sp->n - 1].start, sp->v[sp->n - 1].end);
    }
    return sp->n ? 0 : xlc_fail(err, EINVAL, "%s: no <cpu> element", path);
}

struct work {
    const char *path;
    const struct xlc_cpu_map *map;
    struct split *sp;
    struct xlc_level_host *hosts;
    atomic_size_t next;
};

/* Parsing is the slow part and every element stands alone: share it out. */
static void *parse_worker(void *arg)
{
    struct work *w = arg;
    struct memo *memo = calloc(1, sizeof(*memo)); /* NULL: no memo, fine */
    size_t i;

    while ((i = atomic_fetch_add(&w->next, 1)) < w->sp->n) {
        struct chunk *c = &w->sp->v[i];
        xlc_error err;

        c->rc = parse_one(w->map, memo, w->path, c->line, c->start, c->end,
                          &w->hosts[i], &err);
        if (c->rc && !(c->msg = strdup(err.msg)))
            c->rc = -ENOMEM;
    }
    memo_free(memo);
    return NULL;
}

static void parse_all(struct work *w)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t threads = cpus > 1 ? (size_t)cpus : 1;
    pthread_t tids[64];
    size_t started = 0;

    if (threads > 64)
        threads = 64;
    if (threads > w->sp->n)
        threads = w->sp->n;
    xmlInitParser();
    for (size_t t = 1; t < threads; t++)
        if (!pthread_create(&tids[started], NULL, parse_worker, w))
            started++;
    parse_worker(w);
    for (size_t t = 0; t < started; t++)
        pthread_join(tids[t], NULL);
}

int xlc_level_hosts_from_libvirt(const char *path,
                                 const struct xlc_cpu_map *map,
                                 struct xlc_level_host **hosts, size_t *n,
                                 xlc_error *err)
{
    struct split sp = { NULL, 0, 0 };
    struct work w = { path, map, &sp, NULL, 0 };
    char *text = NULL;
    int rc = read_all(path, &text, err);

    *hosts = NULL;
    *n = 0;
    if (!rc)
        rc = split_file(path, text, &sp, err);
    if (!rc && !(w.hosts = calloc(sp.n, sizeof(*w.hosts))))
        rc = xlc_fail(err, ENOMEM, "%s: out of memory", path);
    if (!rc)
        parse_all(&w);
    /* The first failure in file order is the one reported. */
    for (size_t i = 0; !rc && i < sp.n; i++)
        if (sp.v[i].rc)
            rc = xlc_fail(err, -sp.v[i].rc, "%s",
                          sp.v[i].msg ? sp.v[i].msg : "out of memory");
    for (size_t i = 0; i < sp.n; i++)
        free(sp.v[i].msg);
    free(sp.v);
    if (!rc) {
        *hosts = w.hosts;
        *n = sp.n;
    } else {
        free(w.hosts);
    }
    free(text);
    return rc;
}
