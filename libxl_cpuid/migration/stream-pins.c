/* SPDX-License-Identifier: MIT */
/*
 * A stream's model pins, in the file beside it (stream-pins.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../util/atomic-file.h"
#include "../util/strbuf.h"
#include "stream-pins.h"

char *xlc_stream_pins_path(const char *stream)
{
    struct xlc_buf b = XLC_BUF_INIT;

    xlc_buf_printf(&b, "%s%s", stream, XLC_STREAM_PINS_SUFFIX);
    return xlc_buf_take(&b);
}

int xlc_file_sha256(const char *path, char out[XLC_SHA256_HEX],
                    xlc_error *err)
{
    uint8_t d[XLC_SHA256_BYTES], buf[65536];
    FILE *f = fopen(path, "rb");
    struct xlc_sha256 c;
    size_t n;
    int bad;

    if (!f)
        return xlc_fail(err, errno, "%s: cannot open: %s", path,
                        strerror(errno));
    xlc_sha256_init(&c);
    while ((n = fread(buf, 1, sizeof(buf), f)))
        xlc_sha256_update(&c, buf, n);
    bad = ferror(f);
    fclose(f);
    if (bad)
        return xlc_fail(err, EIO, "%s: read error", path);
    xlc_sha256_final(&c, d);
    xlc_sha256_digest_hex(d, out);
    return 0;
}

static int remove_stale(const char *path, xlc_error *err)
{
    if (!unlink(path) || errno == ENOENT)
        return 0;
    return xlc_fail(err, errno, "%s: cannot remove a pin file of another "
                    "recording: %s", path, strerror(errno));
}

int xlc_stream_pins_write(const char *stream,
                          const struct xlc_model_pins *pins, xlc_error *err)
{
    struct xlc_buf b = XLC_BUF_INIT;
    char sha[XLC_SHA256_HEX], *path = xlc_stream_pins_path(stream), *text;
    const char *base = strrchr(stream, '/');
    int rc;

    if (!path)
        return xlc_fail(err, ENOMEM, "out of memory");
    rc = pins->n ? xlc_file_sha256(stream, sha, err)
                 : remove_stale(path, err);
    if (rc || !pins->n) {
        free(path);
        return rc;
    }
    xlc_buf_puts(&b, "{\"format\": \"" XLC_STREAM_PINS_FORMAT "\", "
                     "\"version\": 1,\n \"stream\": ");
    xlc_buf_json_str(&b, base ? base + 1 : stream);
    xlc_buf_printf(&b, ", \"stream_sha256\": \"%s\",\n \"model_pins\": ",
                   sha);
    xlc_model_pins_json(&b, pins, "   ");
    xlc_buf_puts(&b, "}\n");
    text = xlc_buf_take(&b);
    rc = text ? xlc_file_write_atomic(path, text, strlen(text), err)
              : xlc_fail(err, ENOMEM, "out of memory");
    free(text);
    free(path);
    return rc;
}

int xlc_stream_pins_load(const char *stream, struct xlc_model_pins *out,
                         xlc_error *err)
{
    char sha[XLC_SHA256_HEX], *path = xlc_stream_pins_path(stream);
    int rc;

    memset(out, 0, sizeof(*out));
    if (!path)
        return xlc_fail(err, ENOMEM, "out of memory");
    if (access(path, F_OK)) {
        rc = xlc_fail(err, ENOENT, "%s: no model pins beside this stream "
                      "(%s does not exist; record writes it when the "
                      "policy came from a libvirt <cpu> that names a "
                      "model)", stream, path);
        free(path);
        return rc;
    }
    rc = xlc_model_pins_load(path, out, err);
    if (!rc && !out->stream_sha256)
        rc = xlc_fail(err, EINVAL, "%s: no stream_sha256: not a stream's "
                      "pin file", path);
    if (!rc)
        rc = xlc_file_sha256(stream, sha, err);
    if (!rc && strcmp(sha, out->stream_sha256))
        rc = xlc_fail(err, EINVAL, "%s belongs to another stream (it names "
                      "sha256 %s, %s is %s): the stream was recorded again "
                      "or replaced", path, out->stream_sha256, stream, sha);
    if (rc)
        xlc_model_pins_free(out);
    free(path);
    return rc;
}
