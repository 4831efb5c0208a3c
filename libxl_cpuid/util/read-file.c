/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "read-file.h"

const char *xlc_size_text(char *buf, size_t n, size_t bytes)
{
    if (bytes && !(bytes % (1u << 20)))
        snprintf(buf, n, "%zu MiB", bytes >> 20);
    else if (bytes && !(bytes % 1024))
        snprintf(buf, n, "%zu KiB", bytes >> 10);
    else
        snprintf(buf, n, "%zu bytes", bytes);
    return buf;
}

int xlc_open_input(const char *path, FILE **f, xlc_error *err)
{
    struct stat st;
    int e;

    *f = fopen(path, "rb");
    if (!*f) {
        e = errno ? errno : EIO;
        return xlc_fail(err, e, "%s: cannot open: %s", path, strerror(e));
    }
    /* fopen() opens a directory; reading it then fails with EISDIR. */
    if (!fstat(fileno(*f), &st) && S_ISDIR(st.st_mode)) {
        fclose(*f);
        *f = NULL;
        return xlc_fail(err, EISDIR, "%s: is a directory", path);
    }
    return 0;
}

/* Room for one more block: doubled, never past max + 1 (to see excess). */
static int grow(char **buf, size_t *cap, size_t max)
{
    size_t want = *cap ? 2 * *cap : 65536;
    char *nb;

    if (want > max + 1)
        want = max + 1;
    nb = realloc(*buf, want + 1);
    if (!nb)
        return -ENOMEM;
    *buf = nb;
    *cap = want;
    return 0;
}

/* Read f to its end or one byte past max; the named failures. */
static int slurp(FILE *f, const char *name, size_t max, const char *what,
                 char **text, size_t *len, xlc_error *err)
{
    size_t cap = 0, n = 0, got;
    char *buf = NULL, size[32];
    int rc = 0;

    do {
        if (n == cap && (rc = grow(&buf, &cap, max)))
            break;
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got && n <= max);
    if (rc)
        rc = xlc_fail(err, ENOMEM, "out of memory reading %s", name);
    else if (n > max && what)
        rc = xlc_fail(err, EFBIG, "%s: larger than %s, the limit for %s",
                      name, xlc_size_text(size, sizeof(size), max), what);
    else if (n > max)
        rc = xlc_fail(err, EFBIG, "%s: larger than %zu bytes", name, max);
    else if (ferror(f))
        rc = xlc_fail(err, errno ? errno : EIO, "%s: read error: %s", name,
                      strerror(errno ? errno : EIO));
    else if (!n && what)
        rc = xlc_fail(err, EINVAL, "%s: empty file (expected %s)", name,
                      what);
    if (!rc && !buf && !(buf = malloc(1)))
        rc = xlc_fail(err, ENOMEM, "out of memory reading %s", name);
    if (rc) {
        free(buf);
        return rc;
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return 0;
}

int xlc_read_stream(FILE *f, const char *name,
                    const struct xlc_input_limits *lim, char **text,
                    size_t *len, xlc_error *err)
{
    *text = NULL;
    *len = 0;
    return slurp(f, name, lim->max_bytes, lim->what, text, len, err);
}

static int read_path(const char *path, size_t max, const char *what,
                     char **text, size_t *len, xlc_error *err)
{
    FILE *f;
    int rc;

    *text = NULL;
    *len = 0;
    rc = xlc_open_input(path, &f, err);
    if (rc)
        return rc;
    rc = slurp(f, path, max, what, text, len, err);
    fclose(f);
    return rc;
}

int xlc_read_input(const char *path, const struct xlc_input_limits *lim,
                   char **text, size_t *len, xlc_error *err)
{
    return read_path(path, lim->max_bytes, lim->what, text, len, err);
}

int xlc_read_file(const char *path, size_t max, char **text, size_t *len,
                  xlc_error *err)
{
    return read_path(path, max, NULL, text, len, err);
}

int xlc_check_text(const char *name, const char *text, size_t len,
                   const struct xlc_input_limits *lim, xlc_error *err)
{
    const char *p = text, *end = text + len;
    unsigned long line = 1;

    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        const char *nul = memchr(p, '\0', (size_t)(eol - p));

        if (nul)
            return xlc_fail(err, EINVAL, "%s:%lu: NUL byte at byte offset "
                            "%zu (%s is text)", name, line,
                            (size_t)(nul - text), lim->what);
        if (lim->max_line && (size_t)(eol - p) > lim->max_line)
            return xlc_fail(err, E2BIG, "%s:%lu: line longer than %zu "
                            "bytes, the limit for %s", name, line,
                            lim->max_line, lim->what);
        p = nl ? nl + 1 : end;
        line++;
    }
    return 0;
}
