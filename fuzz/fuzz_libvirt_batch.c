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

static void run(enum xlc_lv_each_path via, const char *text, size_t len,
                struct outcome *o)
{
    *o = (struct outcome){ 0 };
    o->rc = xlc_lv_cpu_each_via(via, "fuzz", text, len, 3, record,
                                &o->hosts, &o->count, &o->end_line,
                                &o->err);
}

/* The plain reader, when it takes the text, reads what the SAX path does. */
static void plain_agrees(const char *text, size_t len)
{
    struct outcome p, s;

    run(XLC_LV_EACH_PLAIN, text, len, &p);
    if (p.rc != XLC_LV_NOT_PLAIN) {
        run(XLC_LV_EACH_SAX, text, len, &s);
        if (p.rc != s.rc || p.count != s.count ||
            p.end_line != s.end_line || p.hosts.len != s.hosts.len ||
            (p.hosts.len && strcmp(p.hosts.s, s.hosts.s)) ||
            (p.rc && p.rc != -ENOMEM && strcmp(p.err.msg, s.err.msg)))
            abort();
        xlc_buf_free(&s.hosts);
    } else if (p.count || p.hosts.len) {
        abort();
    }
    xlc_buf_free(&p.hosts);
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
