/* SPDX-License-Identifier: MIT */
/*
 * A file of libvirt host <cpu> elements (the input of `virsh
 * cpu-baseline`), each one pool host.
 *
 * The file is read with one streaming XML parse (xlc_lv_cpu_each).  With
 * several CPUs, a large file is cut at <cpu> starts into one part per CPU
 * and the parts are parsed side by side.  A cut is found by scanning text,
 * which cannot know every XML context; a wrong cut makes a part malformed,
 * never different, and any failing part sends the whole file through one
 * parse again, so that the result and the first error reported are
 * exactly those of a single parse.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "level-input-libvirt-int.h"
#include "../util/read-file.h"
#include "../libvirt/libvirt-cpu.h"
#include "../libvirt/libvirt-cpumap.h"
#include "../util/strbuf.h"
#include "../libvirt/libvirt-xml.h"

/* Below this, threads cost more than they save. */
#define SPLIT_MIN_BYTES (256u << 10)
#define MAX_PARTS 64

struct part {
    const char *start;
    size_t len;
    unsigned long line;      /* of start */
    struct xlc_level_host *hosts;
    size_t n, cap;
    int rc;
    xlc_error err;
};

struct work {
    const char *path;
    const struct xlc_cpu_map *map;
    enum xlc_guest_type type;
    struct part *parts;
    size_t nr;
    size_t threads;          /* at most one per CPU */
    atomic_size_t next;
};

struct sink {
    const struct xlc_cpu_map *map;
    enum xlc_guest_type type;
    struct xlc_lv_memo *memo;
    struct part *part;
};

static int add_host(void *ctx, const struct xlc_lv_cpu *cpu, xlc_error *err)
{
    struct sink *s = ctx;
    struct part *p = s->part;

    if (xlc_grow(&p->hosts, &p->cap, p->n, sizeof(*p->hosts)))
        return xlc_fail(err, ENOMEM, "%s: out of memory", cpu->source);
    if (xlc_level_host_from_lv_cpu_memo(s->map, s->memo, cpu, s->type,
                                        &p->hosts[p->n], err))
        return -err->code;
    p->n++;
    return 0;
}

static void parse_part(struct work *w, struct xlc_lv_memo *memo,
                       struct part *p)
{
    struct sink s = { w->map, w->type, memo, p };

    p->rc = xlc_lv_cpu_each(w->path, p->start, p->len, p->line, add_host, &s,
                            NULL, &p->err);
}

static void *worker(void *arg)
{
    struct work *w = arg;
    struct xlc_lv_memo *memo = xlc_lv_memo_new(); /* NULL: no memo, fine */
    size_t i;

    while ((i = atomic_fetch_add(&w->next, 1)) < w->nr)
        parse_part(w, memo, &w->parts[i]);
    xlc_lv_memo_free(memo);
    return NULL;
}

static void parse_parts(struct work *w)
{
    pthread_t tids[MAX_PARTS];
    size_t started = 0;

    /* libxml2's global set-up, once, before any thread parses. */
    xmlInitParser();
    for (size_t t = 1; t < w->nr && t < w->threads; t++)
        if (!pthread_create(&tids[started], NULL, worker, w))
            started++;
    worker(w);
    for (size_t t = 0; t < started; t++)
        pthread_join(tids[t], NULL);
}

/* Start of the next <cpu element at or after p, skipping comments. */
static const char *next_cpu(const char *p, const char *end)
{
    for (; p && (p = memchr(p, '<', (size_t)(end - p))); p++) {
        if (end - p >= 4 && !strncmp(p, "<!--", 4)) {
            p = memmem(p + 4, (size_t)(end - p - 4), "-->", 3);
            continue;
        }
        if (end - p > 4 && !strncmp(p, "<cpu", 4) &&
            strchr(" \t\r\n/>", p[4]) && p[4])
            return p;
    }
    return NULL;
}

static unsigned long count_lines(const char *from, const char *to)
{
    unsigned long n = 0;

    while ((from = memchr(from, '\n', (size_t)(to - from)))) {
        n++;
        from++;
    }
    return n;
}

/* Cut text into up to `want` parts, each (but the first) at a <cpu. */
static size_t cut(const char *text, size_t len, size_t want,
                  struct part *parts)
{
    const char *end = text + len;
    size_t nr = 1;

    parts[0] = (struct part){ .start = text, .line = 1 };
    for (size_t k = 1; k < want; k++) {
        const char *at = next_cpu(text + len / want * k, end);
        struct part *prev = &parts[nr - 1];

        if (!at || at <= prev->start)
            continue;
        parts[nr] = (struct part){
            .start = at,
            .line = prev->line + count_lines(prev->start, at),
        };
        nr++;
    }
    for (size_t k = 0; k < nr; k++)
        parts[k].len = (size_t)((k + 1 < nr ? parts[k + 1].start : end) -
                                parts[k].start);
    return nr;
}

/*
 * A few parts per CPU, taken in turn by whichever thread is free: on a
 * busy machine one thread may get less CPU than another, and equal halves
 * would leave the faster one waiting.  Parts stay large enough that their
 * set-up does not count.
 */
#define PARTS_PER_CPU 4
#define PART_MIN_BYTES (64u << 10)

static size_t parts_wanted(size_t len, size_t *threads)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t want;

    *threads = cpus > 1 ? (size_t)cpus : 1;
    if (len < SPLIT_MIN_BYTES || cpus <= 1)
        return 1;
    want = (size_t)cpus * PARTS_PER_CPU;
    if (want > len / PART_MIN_BYTES)
        want = len / PART_MIN_BYTES;
    return want > MAX_PARTS ? MAX_PARTS : want;
}

static void free_parts(struct part *parts, size_t nr)
{
    for (size_t k = 0; k < nr; k++) {
        free(parts[k].hosts);
        parts[k].hosts = NULL;
        parts[k].n = parts[k].cap = 0;
    }
}

/* The parts' hosts, in file order, in one array. */
static int join(const struct work *w, struct xlc_level_host **hosts,
                size_t *n, xlc_error *err)
{
    size_t total = 0, at = 0;

    for (size_t k = 0; k < w->nr; k++)
        total += w->parts[k].n;
    if (w->nr == 1) {
        *hosts = w->parts[0].hosts;
        *n = total;
        w->parts[0].hosts = NULL;
        return 0;
    }
    *hosts = malloc(total * sizeof(**hosts));
    if (!*hosts)
        return xlc_fail(err, ENOMEM, "%s: out of memory", w->path);
    for (size_t k = 0; k < w->nr; k++) {
        memcpy(*hosts + at, w->parts[k].hosts,
               w->parts[k].n * sizeof(**hosts));
        at += w->parts[k].n;
    }
    *n = total;
    return 0;
}

static bool any_failed(const struct work *w)
{
    for (size_t k = 0; k < w->nr; k++)
        if (w->parts[k].rc)
            return true;
    return false;
}

int xlc_level_hosts_from_libvirt(const char *path,
                                 const struct xlc_cpu_map *map,
                                 enum xlc_guest_type type,
                                 struct xlc_level_host **hosts, size_t *n,
                                 xlc_error *err)
{
    struct work w = { .path = path, .map = map, .type = type };
    char *text;
    size_t len;
    int rc;

    *hosts = NULL;
    *n = 0;
    rc = xlc_read_file(path, XLC_XML_BATCH_MAX_BYTES, &text, &len, err);
    if (rc)
        return rc;
    w.parts = calloc(MAX_PARTS, sizeof(*w.parts));
    if (!w.parts) {
        free(text);
        return xlc_fail(err, ENOMEM, "%s: out of memory", path);
    }
    w.nr = cut(text, len, parts_wanted(len, &w.threads), w.parts);
    parse_parts(&w);
    if (w.nr > 1 && any_failed(&w)) {
        /* Say what one parse of the whole file says. */
        free_parts(w.parts, w.nr);
        w.nr = cut(text, len, 1, w.parts);
        struct xlc_lv_memo *memo = xlc_lv_memo_new();

        parse_part(&w, memo, &w.parts[0]);
        xlc_lv_memo_free(memo);
    }
    if (w.parts[0].rc) {
        rc = xlc_fail(err, -w.parts[0].rc, "%s", w.parts[0].err.msg);
    } else {
        rc = join(&w, hosts, n, err);
    }
    free_parts(w.parts, w.nr);
    free(w.parts);
    free(text);
    return rc;
}
