/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the reader of files of many libvirt <cpu> elements (a pool's host
 * file): the guarded parse in records (xlc_xml_parse_each, the batch
 * limits) and each <cpu> read as xlc_lv_cpu_parse reads one.  Any input
 * must be refused with a message naming the input, or give each <cpu> to
 * the callback once, with the count matching.  And the plain reader that
 * answers first must agree with the SAX path: whatever it takes, the SAX
 * path reads to the same end (rc, message, count, end line, every field
 * of every host handed over).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libxl_cpuid/libvirt/libvirt-cpu-batch.h"
#include "libxl_cpuid/util/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count(void *ctx, const struct xlc_lv_cpu *cpu, xlc_error *err)
{
    size_t *n = ctx;

    (void)err;
    if (!cpu)
        abort();
    ++*n;
    return 0;
}

/* Every field of a host, as text; a host whose model starts with 'z' is
 * refused, so that an error from the callback is compared too. */
static int record(void *ctx, const struct xlc_lv_cpu *c, xlc_error *err)
{
    struct xlc_buf *b = ctx;

    xlc_lv_cpu_describe(b, c);
    if (c->model && c->model[0] == 'z')
        return xlc_fail(err, EINVAL, "%s: refused", c->source);
    return 0;
}

struct outcome {
    int rc;
    size_t count;
    unsigned long end_line;
    struct xlc_buf hosts;
    xlc_error err;
};

/* A caller that keeps its hosts until the reading returns forgets them
 * when told: the plain reader may then read in one pass. */
static void drop(void *ctx)
{
    struct xlc_buf *b = ctx;

    b->len = 0;
}

static void run(enum xlc_lv_each_path via, bool once, const char *text,
                size_t len, struct outcome *o)
{
    *o = (struct outcome){ 0 };
    o->rc = xlc_lv_cpu_each_via(via, "fuzz", text, len, 3, record,
                                once ? drop : NULL, &o->hosts, &o->count,
                                &o->end_line, &o->err);
}

static bool differ(const struct outcome *p, const struct outcome *s)
{
    return p->rc != s->rc || p->count != s->count ||
           p->end_line != s->end_line || p->hosts.len != s->hosts.len ||
           (p->hosts.len && memcmp(p->hosts.s, s->hosts.s, p->hosts.len)) ||
           (p->rc && p->rc != -ENOMEM && strcmp(p->err.msg, s->err.msg));
}

/* The plain reader, when it takes the text, reads what the SAX path
 * does; in one pass (with drop) it takes what it takes in two. */
static void plain_agrees(const char *text, size_t len)
{
    struct outcome p, o, s;

    run(XLC_LV_EACH_PLAIN, false, text, len, &p);
    run(XLC_LV_EACH_PLAIN, true, text, len, &o);
    if ((p.rc == XLC_LV_NOT_PLAIN) != (o.rc == XLC_LV_NOT_PLAIN))
        abort();
    if (p.rc != XLC_LV_NOT_PLAIN) {
        run(XLC_LV_EACH_SAX, false, text, len, &s);
        if (differ(&p, &s) || differ(&o, &s))
            abort();
        xlc_buf_free(&s.hosts);
    } else if (p.count || p.hosts.len || o.count || o.hosts.len) {
        abort();
    }
    xlc_buf_free(&p.hosts);
    xlc_buf_free(&o.hosts);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    xlc_error err = { 0 };
    size_t seen = 0, n = 0;
    int rc;

    plain_agrees((const char *)data, size);
    rc = xlc_lv_cpu_each("fuzz", (const char *)data, size, 1, count, &seen,
                         &n, &err);
    if (rc) {
        if (rc != -ENOMEM && (!err.code || strncmp(err.msg, "fuzz", 4)))
            abort();
        return 0;
    }
    if (!n || n != seen)
        abort();
    return 0;
}
