/* SPDX-License-Identifier: MIT */
/*
 * Stream sources: memory, or a file read and skipped without loading it.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>

#include "stream-src.h"
#include "../util/read-file.h"

void xlc_src_mem(struct xlc_src *s, const void *buf, size_t len)
{
    memset(s, 0, sizeof(*s));
    s->mem = buf;
    s->mem_len = len;
}

int xlc_src_open(struct xlc_src *s, const char *path, xlc_error *err)
{
    struct stat st;
    int e;

    uint8_t first;
    int rc;

    memset(s, 0, sizeof(*s));
    rc = xlc_open_input(path, &s->f, err);
    if (rc)
        return rc;
    if (!fstat(fileno(s->f), &st) && S_ISREG(st.st_mode)) {
        s->f_sized = true;
        s->f_size = (uint64_t)st.st_size;
    }
    if (!xlc_src_peek(s, &first, 1)) {
        e = ferror(s->f) ? (errno ? errno : EIO) : 0;
        xlc_src_close(s);
        if (e)
            return xlc_fail(err, e, "%s: read error: %s", path, strerror(e));
        return xlc_fail(err, EINVAL, "%s: empty file (expected a migration "
                        "stream or an xl save file)", path);
    }
    return 0;
}

int xlc_src_within_limit(const struct xlc_src *s, uint64_t base,
                         const char *container, xlc_error *err)
{
    if (base + s->pos <= XLC_STREAM_MAX_BYTES)
        return 0;
    return xlc_fail(err, EFBIG, "offset %" PRIu64 ": %s longer than 64 "
                    "TiB, the limit", base + s->pos, container);
}

int xlc_src_close(struct xlc_src *s)
{
    int rc = 0;

    if (s->f) {
        rc = ferror(s->f) ? -EIO : 0;
        fclose(s->f);
        s->f = NULL;
    }
    return rc;
}

/* Bytes peeked but not yet consumed come first. */
static size_t from_head(struct xlc_src *s, void *dst, size_t n)
{
    size_t left = s->head_len - s->head_used;

    if (n > left)
        n = left;
    if (n && dst)
        memcpy(dst, s->head + s->head_used, n);
    s->head_used += n;
    return n;
}

size_t xlc_src_peek(struct xlc_src *s, void *dst, size_t n)
{
    if (!s->f) {
        if (n > s->mem_len)
            n = s->mem_len;
        if (n)
            memcpy(dst, s->mem, n);
        return n;
    }
    if (s->pos == 0 && !s->head_len)
        s->head_len = fread(s->head, 1, sizeof(s->head), s->f);
    if (n > s->head_len)
        n = s->head_len;
    memcpy(dst, s->head, n);
    return n;
}

size_t xlc_src_read(struct xlc_src *s, void *dst, size_t n)
{
    size_t got;

    if (!s->f) {
        size_t at = (size_t)s->pos, left = s->mem_len - at;

        got = n < left ? n : left;
        if (got) /* an empty buffer may come as NULL */
            memcpy(dst, s->mem + at, got);
    } else {
        got = from_head(s, dst, n);
        if (got < n)
            got += fread((uint8_t *)dst + got, 1, n - got, s->f);
    }
    s->pos += got;
    return got;
}

static uint64_t file_skip(struct xlc_src *s, uint64_t n)
{
    uint8_t scratch[4096];
    uint64_t done = from_head(s, NULL, n < SIZE_MAX ? (size_t)n : SIZE_MAX);

    s->pos += done;
    if (s->f_sized && done < n) {
        uint64_t left = s->f_size > s->pos ? s->f_size - s->pos : 0;
        uint64_t want = n - done < left ? n - done : left;

        if (want <= (uint64_t)INT64_MAX && !fseeko(s->f, (off_t)want,
                                                   SEEK_CUR)) {
            s->pos += want;
            return done + want;
        }
    }
    while (done < n) {
        size_t want = n - done < sizeof(scratch) ? (size_t)(n - done)
                                                 : sizeof(scratch);
        size_t got = fread(scratch, 1, want, s->f);

        done += got;
        s->pos += got;
        if (got < want)
            break;
    }
    return done;
}

uint64_t xlc_src_skip(struct xlc_src *s, uint64_t n)
{
    uint64_t left;

    if (s->f)
        return file_skip(s, n);
    left = s->mem_len - s->pos;
    if (n > left)
        n = left;
    s->pos += n;
    return n;
}

bool xlc_src_at_end(struct xlc_src *s)
{
    int c;

    if (!s->f)
        return s->pos >= s->mem_len;
    if (s->head_used < s->head_len)
        return false;
    c = getc(s->f);
    if (c == EOF)
        return true;
    ungetc(c, s->f);
    return false;
}

int xlc_src_take(struct xlc_src *s, uint64_t base, void *dst, uint64_t n,
                 const char *container, const char *what, xlc_error *err)
{
    uint64_t at = base + s->pos;
    uint64_t got = dst ? xlc_src_read(s, dst, (size_t)n) : xlc_src_skip(s, n);

    if (got < n)
        return xlc_fail(err, EINVAL,
                        "offset %" PRIu64 ": %s truncated in the %s "
                        "(%" PRIu64 " of %" PRIu64 " bytes present)",
                        at, container, what, got, n);
    return 0;
}
