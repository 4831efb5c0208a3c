/* SPDX-License-Identifier: MIT */
/*
 * Inside the reader of files of many <cpu> elements: the bytes it reads
 * (a file's range or a text, in chunks) and the children of a <cpu> read
 * without a node (libvirt-cpu-batch-input.c), shared by its two paths,
 * the libxml2 SAX parse (libvirt-cpu-batch.c) and the plain reader that
 * answers first for the plain form of such files (libvirt-cpu-plain.c).
 */
#ifndef LIBXL_CPUID_LIBVIRT_CPU_BATCH_H
#define LIBXL_CPUID_LIBVIRT_CPU_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libvirt-cpu.h"

/* Internal: not exported from libxl_cpuid.so. */
#pragma GCC visibility push(hidden)

#define XLC_LV_CHUNK (64u << 10)

struct xlc_xml_scan;

struct xlc_lv_source {
    int fd;                   /* -1: text */
    const char *text;
    uint64_t pos, end;        /* offsets in the file (or the text) */
    unsigned long pad;        /* newlines before the first byte */
    int stage;                /* 0 open, 1 pad, 2 body, 3 close, 4 done */
    char *buf;                /* the chunk being handed over */
    size_t have, off;
    uint64_t buf_at;          /* its offset in the file */
    bool at_start;            /* strip a BOM and an XML declaration */
    bool nul;                 /* a NUL byte: refused, at nul_at */
    uint64_t nul_at;
    bool io_error;
    int io_errno;
    /* Every body byte passes the raw-text scan (libvirt-xml.h) before
     * libxml2 reads it: the line, attribute and element limits hold
     * before libxml2 spends time on what they refuse.  NULL: no scan. */
    struct xlc_xml_scan *scan;
    xlc_error scan_err;       /* its refusal, when scan_rc */
    int scan_rc;
};

/*
 * The next chunk of the body (at most XLC_LV_CHUNK bytes) into s->buf,
 * from s->off to s->have; false at its end, on a NUL byte, a read error
 * or the scan's refusal.  The first chunk at the start of a file loses
 * its byte order mark, and its XML declaration becomes its newlines.
 */
bool xlc_lv_source_fill(struct xlc_lv_source *s);

/*
 * The children of a <cpu> read without a node when their start tag is
 * plain (see read_as() in libvirt-cpu-batch.c): the static name given
 * to xlc_lv_cpu_from_node_read(), or NULL.
 */
const char *xlc_lv_read_element(const char *name, size_t len);

/* A host's source, "NAME (<cpu> at line L)", cut to the room as snprintf
 * would: what each reader names a host by in its messages. */
#define XLC_LV_SOURCE_MAX 4200u
void xlc_lv_host_source(const char *name, long line,
                        char out[XLC_LV_SOURCE_MAX]);

/*
 * A caller that keeps what fn is given until the reading returns (the
 * parts of a split file keep their hosts until their turn) may say so
 * with a drop function: drop(ctx) forgets every host fn was given.  The
 * plain reader then reads the range once, handing hosts over as it
 * builds them, and calls drop when the range turns out not plain, before
 * the SAX path reads it.  Without one (NULL), nothing is handed over
 * before the whole range is known to be plain: it is read twice.
 */
typedef void (*xlc_lv_cpu_drop_fn)(void *ctx);

/*
 * The plain reader: the range of s, when it is in the plain form, read
 * and handed to fn as the SAX path would (same hosts, same error, same
 * *count and *end_line); *rc its result.  False when it is not plain:
 * nothing was handed over (or, with drop, all was dropped) and the SAX
 * path must read it.
 */
bool xlc_lv_cpu_plain(const char *name, const struct xlc_lv_source *s,
                      xlc_lv_cpu_each_fn fn, xlc_lv_cpu_drop_fn drop,
                      void *ctx, size_t *count, unsigned long *end_line,
                      int *rc, xlc_error *err);

/*
 * xlc_str_hash() of the name of feature i of a cpu this library read,
 * as the reader computed it (for the duplicate check): whoever looks the
 * names of many hosts up need not hash them again.
 */
size_t xlc_lv_cpu_name_hash(const struct xlc_lv_cpu *cpu, size_t i);

/* Which path each() takes: for tests and the fuzzer, which compare them. */
enum xlc_lv_each_path {
    XLC_LV_EACH_BEST,         /* plain when it can, else SAX (the API) */
    XLC_LV_EACH_SAX,          /* libxml2 only */
    XLC_LV_EACH_PLAIN,        /* plain only: XLC_LV_NOT_PLAIN otherwise */
};
#define XLC_LV_NOT_PLAIN 1    /* not an error code: nothing was read */

int xlc_lv_cpu_each_via(enum xlc_lv_each_path via, const char *name,
                        const char *text, size_t len,
                        unsigned long first_line, xlc_lv_cpu_each_fn fn,
                        xlc_lv_cpu_drop_fn drop, void *ctx, size_t *count,
                        unsigned long *end_line, xlc_error *err);
int xlc_lv_cpu_each_fd_via(enum xlc_lv_each_path via, const char *name,
                           int fd, uint64_t start, uint64_t end,
                           unsigned long first_line, xlc_lv_cpu_each_fn fn,
                           xlc_lv_cpu_drop_fn drop, void *ctx, size_t *count,
                           unsigned long *end_line, xlc_error *err);

/*
 * Every field of a host <cpu> as text, one line for the element and one
 * per feature and ignored child: what the tests and the fuzz target that
 * hold the two readers to each other compare.
 */
struct xlc_buf;
void xlc_lv_cpu_describe(struct xlc_buf *b, const struct xlc_lv_cpu *c);

#pragma GCC visibility pop

#endif /* LIBXL_CPUID_LIBVIRT_CPU_BATCH_H */
