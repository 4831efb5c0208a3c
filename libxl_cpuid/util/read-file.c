/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "read-file.h"

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

int xlc_read_file(const char *path, size_t max, char **text, size_t *len,
                  xlc_error *err)
{
    FILE *f = fopen(path, "rb");
    size_t cap = 0, n = 0, got;
    char *buf = NULL;
    int rc = 0;

    *text = NULL;
    *len = 0;
    if (!f) {
        int e = errno ? errno : EIO;

        return xlc_fail(err, e, "%s: cannot open: %s", path, strerror(e));
    }
    do {
        if (n == cap && (rc = grow(&buf, &cap, max)))
            break;
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got && n <= max);
    if (rc)
        rc = xlc_fail(err, ENOMEM, "out of memory reading %s", path);
    else if (n > max)
        rc = xlc_fail(err, EFBIG, "%s: larger than %zu bytes", path, max);
    else if (ferror(f))
        rc = xlc_fail(err, errno ? errno : EIO, "%s: read error: %s", path,
                      strerror(errno ? errno : EIO));
    fclose(f);
    if (rc) {
        free(buf);
        return rc;
    }
    if (!buf && !(buf = malloc(1)))
        return xlc_fail(err, ENOMEM, "out of memory reading %s", path);
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return 0;
}
