/* SPDX-License-Identifier: MIT */
/*
 * Private to the stream readers: where stream bytes come from (memory, or
 * a file walked without loading it: a saved guest may be gigabytes), and
 * the two containers built on it -- the libxc stream (stream-read.c) and
 * the xl save file that wraps one (xl-save-file.c), which stream-load.c
 * tells apart.  Positions count from
 * the start of the input, so every message names a byte offset of the
 * file the user gave.
 */
#ifndef LIBXL_CPUID_STREAM_SRC_H
#define LIBXL_CPUID_STREAM_SRC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "stream.h"

/* Internal: not exported from libxl_cpuid.so. */
#pragma GCC visibility push(hidden)

struct xlc_src {
    uint64_t pos;              /* offset of the next byte */
    const uint8_t *mem;        /* memory source */
    size_t mem_len;
    FILE *f;                   /* file source */
    uint64_t f_size;           /* size when known (regular file) */
    bool f_sized;
    uint8_t head[64];          /* a file's first bytes, read to peek */
    size_t head_len, head_used;
};

/*
 * The longest stream read: a saved guest's memory is walked, not held, so
 * this only bounds the time an endless input (a pipe) can take.  Far above
 * any guest Xen 4.17 can save.
 */
#define XLC_STREAM_MAX_BYTES (1ull << 46)   /* 64 TiB */

void xlc_src_mem(struct xlc_src *s, const void *buf, size_t len);
/*
 * Open a file; the message names it ("is a directory", "cannot open:
 * REASON", "empty file").  Close with xlc_src_close.
 */
int xlc_src_open(struct xlc_src *s, const char *path, xlc_error *err);
/* Before the next record: -EFBIG past XLC_STREAM_MAX_BYTES. */
int xlc_src_within_limit(const struct xlc_src *s, uint64_t base,
                         const char *container, xlc_error *err);
/* 0, or -EIO after a read error. */
int xlc_src_close(struct xlc_src *s);

/* Copy up to n bytes (fewer at the end) and advance; returns the count. */
size_t xlc_src_read(struct xlc_src *s, void *dst, size_t n);
/* Skip up to n bytes and advance; returns how many there were. */
uint64_t xlc_src_skip(struct xlc_src *s, uint64_t n);
bool xlc_src_at_end(struct xlc_src *s);
/* The first bytes of the input, without consuming them (at offset 0). */
size_t xlc_src_peek(struct xlc_src *s, void *dst, size_t n);
/*
 * Read (dst non-NULL) or skip exactly n bytes, or fail with -EINVAL
 * saying where it stopped: "offset AT: CONTAINER truncated in the WHAT
 * (GOT of N bytes present)", AT counting `base` in.
 */
int xlc_src_take(struct xlc_src *s, uint64_t base, void *dst, uint64_t n,
                 const char *container, const char *what, xlc_error *err);

/*
 * Parse a libxc stream from the source's position.  `nested`: the stream
 * sits inside a container (an xl save file), so parsing stops after its
 * END record; otherwise nothing may follow END.  *out is zeroed first and
 * freed on error.
 */
int xlc_stream_parse_src(struct xlc_src *s, bool nested,
                         struct xlc_stream_info *out, xlc_error *err);

/* True when the input opens with xl's save file magic. */
bool xlc_xl_save_magic(const void *head, size_t n);
/* Parse an xl save file, its libxc stream into *out (container fields
 * set).  *out is zeroed first and freed on error. */
int xlc_xl_save_parse_src(struct xlc_src *s, struct xlc_stream_info *out,
                          xlc_error *err);

#pragma GCC visibility pop

#endif /* LIBXL_CPUID_STREAM_SRC_H */
