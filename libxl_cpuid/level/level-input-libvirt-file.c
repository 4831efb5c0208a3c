/* SPDX-License-Identifier: MIT */
/*
 * A file of libvirt host <cpu> elements (the input of `virsh
 * cpu-baseline`), each one pool host, handed over in file order.
 *
 * The file is read streaming (xlc_lv_cpu_each_fd): memory holds a chunk
 * of text and one host's tree per thread, and each host is kept only as
 * its pool sets until it is handed over.  With several CPUs a large file
 * is cut at <cpu> starts into a few parts per CPU, parsed side by side,
 * each part's hosts handed over (by the calling thread, in order) as soon
 * as the parts before it are.  A cut is found by scanning text, which
 * cannot know every XML context; but a cut anywhere but at the start of a
 * host <cpu> of the top level leaves the part before it malformed, so a
 * part that parses after parts that parsed is exactly what one parse of
 * the file reads there.  When a part fails, the file is read again in
 * one parse, so that the error (and its line) is the one a single parse
 * reports; hosts already handed over are not handed again.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "level-input-libvirt-int.h"
#include "../util/parts.h"
#include "../util/read-file.h"
#include "../libvirt/libvirt-cpu.h"
#include "../libvirt/libvirt-cpu-batch.h"
#include "../cpumap/libvirt-cpumap.h"
#include "../util/strbuf.h"
#include "../libvirt/libvirt-xml.h"

/* Below this, threads cost more than they save. */
#define SPLIT_MIN_BYTES (64u << 10)
#define MAX_PARTS 64
/*
 * A few parts per CPU, taken in turn by whichever thread is free: on a
 * busy machine one thread may get less CPU than another, and equal halves
 * would leave the faster one waiting.  Parts stay large enough that their
 * set-up does not count.
 */
#define PARTS_PER_CPU 4
#define PART_MIN_BYTES (16u << 10)
/* Parts no larger than this: memory holds a few parts' hosts. */
#define PART_MAX_BYTES (8u << 20)
/* How far past a cut's offset to look for a <cpu start, and in what: a
 * host <cpu> is usually a few KiB at most, so a page or two finds one. */
#define CUT_WINDOW (4u << 10)
#define CUT_LOOK (1u << 20)

/* A host as a part keeps it until it is handed over. */
struct rec {
    uint32_t fs[XFS_NR_WORDS];
    uint32_t def[XFS_NR_WORDS];
    struct xlc_host_props props;
    bool usable;
    unsigned int policies_ignored;
    long policy_ignored_line;      /* a line of the part */
    const struct xlc_lv_model *lv_model;  /* the model it names, or NULL */
};

enum part_state { WAITING, PARSING, PARSED };

struct part {
    uint64_t start, end;
    enum part_state state;
    struct rec *recs;
    size_t n, cap;
    unsigned long end_line;        /* its lines: end_line - 1 newlines */
    int rc;
    xlc_error err;
};

struct work {
    const char *path;
    int fd;
    const struct xlc_cpu_map *map;
    enum xlc_guest_type type;
    struct part *parts;
    size_t nr;
    size_t next;                   /* the next part nobody parses yet */
    bool failed;                   /* a part failed: parse no more */
    pthread_mutex_t lock;
    pthread_cond_t parsed;
    struct xlc_helper helpers[MAX_PARTS];
    size_t nr_helpers;
};

/* Between parts: a helper still waiting for the CPU this thread moved to
 * starts on another (xlc_helper_nudge). */
static void nudge(struct work *w)
{
    for (size_t t = 0; t < w->nr_helpers; t++)
        xlc_helper_nudge(&w->helpers[t]);
}

/* ---- handing hosts over ---- */

struct deliver {
    xlc_level_host_fn fn;
    void *ctx;
    size_t done;                   /* hosts handed over */
    size_t seen;                   /* hosts read, in a one-part reading */
    unsigned long line_base;       /* the part's first line, less one */
};

static int hand_over(struct deliver *d, const struct rec *r, xlc_error *err)
{
    struct xlc_level_host h;

    xlc_level_host_clear(&h);
    memcpy(h.fs, r->fs, sizeof(h.fs));
    memcpy(h.def, r->def, sizeof(h.def));
    h.props = r->props;
    h.usable = r->usable;
    h.policies_ignored = r->policies_ignored;
    h.lv_model = r->lv_model;
    h.policy_ignored_line = r->policy_ignored_line
                                ? r->policy_ignored_line + (long)d->line_base
                                : 0;
    return d->fn(d->ctx, d->done++, &h, err);
}

/*
 * Where a part's hosts go: kept in the part until its turn, or (one part
 * read as the whole file) handed over at once -- but for those a reading
 * before this one handed over already.
 */
struct sink {
    const struct xlc_cpu_map *map;
    enum xlc_guest_type type;
    struct xlc_lv_memo *memo;
    struct part *part;
    struct deliver *direct;
    struct work *w;                /* the helpers' starter reading, or NULL */
};

static void nudge(struct work *w);

static int keep_host(void *ctx, const struct xlc_lv_cpu *cpu, xlc_error *err)
{
    struct sink *s = ctx;
    struct part *p = s->part;
    struct xlc_level_host h;
    struct rec *r;
    int rc;

    if (xlc_grow(&p->recs, &p->cap, p->n, sizeof(*p->recs)))
        return xlc_fail(err, ENOMEM, "%s: out of memory", cpu->source);
    rc = xlc_level_host_from_lv_cpu_memo(s->map, s->memo, cpu, s->type, &h,
                                         err);
    if (rc)
        return rc;
    r = &p->recs[p->n++];
    memcpy(r->fs, h.fs, sizeof(r->fs));
    memcpy(r->def, h.def, sizeof(r->def));
    r->props = h.props;
    r->usable = h.usable;
    r->policies_ignored = h.policies_ignored;
    r->policy_ignored_line = h.policy_ignored_line;
    r->lv_model = h.lv_model;
    /* Now and then within a part too: a part is a few hundred hosts. */
    if (s->w && !(p->n % 32))
        nudge(s->w);
    if (!s->direct)
        return 0;
    p->n = 0;
    if (s->direct->seen++ < s->direct->done)
        return 0;
    return hand_over(s->direct, r, err);
}

/* A part's hosts read so far forgotten (the part is read again). */
static void drop_kept(void *ctx)
{
    struct sink *s = ctx;

    s->part->n = 0;
}

/* A part keeps its hosts until its turn: the plain reader may read it in
 * one pass (libvirt-cpu-batch.h). */
static void parse_part(struct work *w, struct xlc_lv_memo *memo,
                       struct part *p, bool starter)
{
    /* Only the thread that started the helpers moves them. */
    struct sink s = { w->map, w->type, memo, p, NULL, starter ? w : NULL };

    p->rc = xlc_lv_cpu_each_fd_via(XLC_LV_EACH_BEST, w->path, w->fd,
                                   p->start, p->end, 1, keep_host, drop_kept,
                                   &s, NULL, &p->end_line, &p->err);
}

/* Take the next part nobody parses; false when there is none. */
static bool claim(struct work *w, size_t *i)
{
    bool got;

    pthread_mutex_lock(&w->lock);
    got = !w->failed && w->next < w->nr;
    if (got) {
        *i = w->next++;
        w->parts[*i].state = PARSING;
    }
    pthread_mutex_unlock(&w->lock);
    return got;
}

static void parse_claimed(struct work *w, struct xlc_lv_memo *memo, size_t i,
                          bool starter)
{
    parse_part(w, memo, &w->parts[i], starter);
    pthread_mutex_lock(&w->lock);
    w->parts[i].state = PARSED;
    if (w->parts[i].rc)
        w->failed = true;
    pthread_cond_broadcast(&w->parsed);
    pthread_mutex_unlock(&w->lock);
}

static void *worker(void *arg)
{
    struct work *w = arg;
    struct xlc_lv_memo *memo = xlc_lv_memo_new(); /* NULL: no memo, fine */
    size_t i;

    while (claim(w, &i))
        parse_claimed(w, memo, i, false);
    xlc_lv_memo_free(memo);
    return NULL;
}

/* Part i's hosts, then its memory. */
static int hand_part(struct deliver *d, struct part *p, xlc_error *err)
{
    int rc = 0;

    for (size_t k = 0; !rc && k < p->n; k++)
        rc = hand_over(d, &p->recs[k], err);
    d->line_base += p->end_line - 1;
    free(p->recs);
    p->recs = NULL;
    p->n = p->cap = 0;
    return rc;
}

/*
 * Part i parsed, this thread parsing others meanwhile (whoever is free
 * takes the next part).  False when part i will not be parsed (an
 * earlier part failed and parsing stopped).
 */
static bool wait_for(struct work *w, struct xlc_lv_memo *memo, size_t i)
{
    size_t j;

    for (;;) {
        nudge(w);
        pthread_mutex_lock(&w->lock);
        if (w->parts[i].state == PARSED) {
            pthread_mutex_unlock(&w->lock);
            return true;
        }
        if (w->parts[i].state == WAITING && w->failed) {
            pthread_mutex_unlock(&w->lock);
            return false;
        }
        if (w->parts[i].state == PARSING && (w->failed || w->next >= w->nr)) {
            pthread_cond_wait(&w->parsed, &w->lock);
            pthread_mutex_unlock(&w->lock);
            continue;
        }
        pthread_mutex_unlock(&w->lock);
        if (claim(w, &j))
            parse_claimed(w, memo, j, true);
    }
}

/* Every part, in order; -1 in *failed_at when all parsed. */
static int run_parts(struct work *w, struct deliver *d, size_t threads,
                     long *failed_at, xlc_error *err)
{
    struct xlc_lv_memo *memo = xlc_lv_memo_new();
    int rc = 0;

    *failed_at = -1;
    /* libxml2's global set-up, once, before any thread parses. */
    xmlInitParser();
    for (size_t t = 1; t < w->nr && t < threads; t++)
        if (!xlc_helper_start(&w->helpers[w->nr_helpers], worker, w, t))
            w->nr_helpers++;
    for (size_t i = 0; i < w->nr; i++) {
        if (!wait_for(w, memo, i) || w->parts[i].rc) {
            *failed_at = (long)i;
            break;
        }
        rc = hand_part(d, &w->parts[i], err);
        if (rc) {
            pthread_mutex_lock(&w->lock);
            w->failed = true;
            pthread_mutex_unlock(&w->lock);
            break;
        }
    }
    for (size_t t = 0; t < w->nr_helpers; t++)
        pthread_join(w->helpers[t].tid, NULL);
    xlc_lv_memo_free(memo);
    return rc;
}

/* ---- cutting ---- */

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

/*
 * The offset of a <cpu start at or after `at`, looking a little way
 * ahead (windows overlap, so that no start is split), or 0.
 */
static uint64_t cut_at(int fd, uint64_t at, uint64_t end, char *buf)
{
    for (uint64_t from = at; from < end && from - at < CUT_LOOK;) {
        size_t want = end - from < CUT_WINDOW ? (size_t)(end - from)
                                              : CUT_WINDOW;
        ssize_t n = pread(fd, buf, want, (off_t)from);
        const char *hit;

        if (n <= 0)
            return 0;
        hit = next_cpu(buf, buf + n);
        if (hit)
            return from + (uint64_t)(hit - buf);
        if ((size_t)n < want || n <= 16)
            return 0;
        from += (uint64_t)n - 16;
    }
    return 0;
}

/* Cut [0, len) into up to `want` parts, each (but the first) at a <cpu. */
static size_t cut(int fd, uint64_t len, size_t want, struct part *parts)
{
    char *buf = want > 1 ? malloc(CUT_WINDOW) : NULL;
    size_t nr = 1;

    parts[0] = (struct part){ .start = 0 };
    for (size_t k = 1; buf && k < want; k++) {
        uint64_t at = cut_at(fd, len / want * k, len, buf);

        if (at > parts[nr - 1].start)
            parts[nr++] = (struct part){ .start = at };
    }
    free(buf);
    for (size_t k = 0; k < nr; k++)
        parts[k].end = k + 1 < nr ? parts[k + 1].start : len;
    return nr;
}

static size_t parts_wanted(uint64_t len, size_t *threads)
{
    size_t cpus = xlc_cpus();
    uint64_t want;

    *threads = cpus;
    if (len < SPLIT_MIN_BYTES)
        return 1;
    want = cpus > 1 ? (uint64_t)cpus * PARTS_PER_CPU : 1;
    if (want < len / PART_MAX_BYTES)
        want = len / PART_MAX_BYTES;
    if (want > len / PART_MIN_BYTES)
        want = len / PART_MIN_BYTES;
    return want > MAX_PARTS ? MAX_PARTS : (size_t)want;
}

static void free_parts(struct part *parts, size_t nr)
{
    for (size_t k = 0; k < nr; k++)
        free(parts[k].recs);
}

/* ---- one parse of the whole file ---- */

/*
 * A file read as one part (small, or after a part failed): each host is
 * handed over as soon as it is read, but for those already handed over.
 */
static int read_whole(struct work *w, struct deliver *d, uint64_t len,
                      xlc_error *err)
{
    struct part whole = { .start = 0 };
    struct sink s = { w->map, w->type, xlc_lv_memo_new(), &whole, d, NULL };
    int rc;

    d->seen = 0;
    d->line_base = 0;
    rc = xlc_lv_cpu_each_fd(w->path, w->fd, 0, len, 1, keep_host, &s, NULL,
                            NULL, err);
    xlc_lv_memo_free(s.memo);
    free(whole.recs);
    return rc;
}

/* Not a file we can read in parts (a pipe, ...): read whole, as any. */
static int from_text(const char *path, const struct xlc_cpu_map *map,
                     enum xlc_guest_type type, struct deliver *d,
                     xlc_error *err)
{
    struct part one = { .start = 0 };
    struct sink s = { map, type, xlc_lv_memo_new(), &one, d, NULL };
    char *text;
    size_t len;
    int rc = xlc_read_file(path, XLC_XML_BATCH_MAX_BYTES, &text, &len, err);

    if (!rc)
        rc = xlc_lv_cpu_each(path, text, len, 1, keep_host, &s, NULL, err);
    free(text);
    free(one.recs);
    xlc_lv_memo_free(s.memo);
    return rc;
}

int xlc_level_hosts_each_libvirt(const char *path,
                                 const struct xlc_cpu_map *map,
                                 enum xlc_guest_type type,
                                 xlc_level_host_fn fn, void *ctx, size_t *n,
                                 xlc_error *err)
{
    struct work w = { .path = path, .map = map, .type = type };
    struct deliver d = { fn, ctx, 0, 0, 0 };
    struct part parts[MAX_PARTS];
    size_t threads;
    long failed_at;
    struct stat st;
    int rc;

    if (n)
        *n = 0;
    w.fd = open(path, O_RDONLY | O_CLOEXEC);
    if (w.fd < 0 || fstat(w.fd, &st) || !S_ISREG(st.st_mode)) {
        /* Not a file we can read in parts (or none): as any input. */
        if (w.fd >= 0)
            close(w.fd);
        rc = from_text(path, map, type, &d, err);
        if (n)
            *n = d.done;
        return rc;
    }
    if ((uint64_t)st.st_size > XLC_XML_BATCH_MAX_BYTES) {
        close(w.fd);
        return xlc_fail(err, EFBIG, "%s: larger than %u bytes", path,
                        XLC_XML_BATCH_MAX_BYTES);
    }
    w.parts = parts;
    w.nr = cut(w.fd, (uint64_t)st.st_size,
               parts_wanted((uint64_t)st.st_size, &threads), parts);
    if (w.nr == 1) {
        rc = read_whole(&w, &d, (uint64_t)st.st_size, err);
    } else {
        pthread_mutex_init(&w.lock, NULL);
        pthread_cond_init(&w.parsed, NULL);
        rc = run_parts(&w, &d, threads, &failed_at, err);
        /* Say what one parse of the whole file says. */
        if (!rc && failed_at >= 0)
            rc = read_whole(&w, &d, (uint64_t)st.st_size, err);
        free_parts(parts, w.nr);
        pthread_cond_destroy(&w.parsed);
        pthread_mutex_destroy(&w.lock);
    }
    close(w.fd);
    if (n)
        *n = d.done;
    return rc;
}

/* ---- all of them in one array ---- */

struct collect {
    struct xlc_level_host *hosts;
    size_t n, cap;
};

static int collect(void *ctx, size_t index, const struct xlc_level_host *h,
                   xlc_error *err)
{
    struct collect *c = ctx;

    (void)index;
    if (xlc_grow(&c->hosts, &c->cap, c->n, sizeof(*c->hosts)))
        return xlc_fail(err, ENOMEM, "out of memory");
    c->hosts[c->n++] = *h;
    return 0;
}

int xlc_level_hosts_from_libvirt(const char *path,
                                 const struct xlc_cpu_map *map,
                                 enum xlc_guest_type type,
                                 struct xlc_level_host **hosts, size_t *n,
                                 xlc_error *err)
{
    struct collect c = { 0 };
    int rc = xlc_level_hosts_each_libvirt(path, map, type, collect, &c, NULL,
                                          err);

    *hosts = NULL;
    *n = 0;
    if (rc) {
        free(c.hosts);
        return rc;
    }
    *hosts = c.hosts;
    *n = c.n;
    return 0;
}
