/* SPDX-License-Identifier: MIT */
/*
 * The front door of the stream readers: a buffer or a file is either a
 * bare libxc stream (stream-read.c) or an xl save file holding one
 * (xl-save-file.c), told apart by xl's magic.  The two containers are
 * read by their own files, which never call back here.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "stream-src.h"

/* A bare libxc stream, or an xl save file holding one. */
static int parse_any(struct xlc_src *s, struct xlc_stream_info *out,
                     xlc_error *err)
{
    uint8_t head[32];
    size_t n = xlc_src_peek(s, head, sizeof(head));

    if (xlc_xl_save_magic(head, n))
        return xlc_xl_save_parse_src(s, out, err);
    return xlc_stream_parse_src(s, false, out, err);
}

int xlc_stream_parse(const void *buf, size_t len, struct xlc_stream_info *out,
                     xlc_error *err)
{
    struct xlc_src s;

    xlc_src_mem(&s, buf, len);
    return parse_any(&s, out, err);
}

int xlc_stream_load(const char *path, struct xlc_stream_info *out,
                    xlc_error *err)
{
    struct xlc_src s;
    int rc;

    memset(out, 0, sizeof(*out));
    rc = xlc_src_open(&s, path, err);
    if (rc)
        return rc;
    rc = parse_any(&s, out, err);
    if (xlc_src_close(&s) && !rc) {
        xlc_stream_info_free(out);
        rc = xlc_fail(err, EIO, "read error");
    }
    if (rc)
        xlc_error_prefix(err, "%s", path);
    return rc;
}
