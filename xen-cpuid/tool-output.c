/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../libxl_cpuid/names/featureset-text.h"
#include "../libxl_cpuid/util/escape.h"
#include "../xen/lib/featureset.h"
#include "tool-output.h"

int tool_emit(const struct tool *t, struct xlc_buf *b)
{
    char *s = xlc_buf_take(b);

    if (!s) {
        tool_err(t, "out of memory");
        return EXIT_INTERNAL;
    }
    fputs(s, stdout);
    free(s);
    /* tool_output_done says why. */
    return fflush(stdout) ? EXIT_INTERNAL : EXIT_OK;
}

/* ---- stdout, escaped ---- */

struct escaped_out {
    int fd;
    char held[4];               /* the start of a character, held back */
    size_t nr_held;
};

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Escape what comes, holding back a character split between writes. */
static ssize_t escaped_write(void *cookie, const char *buf, size_t size)
{
    struct escaped_out *o = cookie;
    struct xlc_buf in = XLC_BUF_INIT, out = XLC_BUF_INIT;
    const char *s = buf;
    size_t len = size, keep, plain;
    int rc;

    /* Only a held character needs a copy to join what follows it. */
    if (o->nr_held) {
        xlc_buf_put(&in, o->held, o->nr_held);
        xlc_buf_put(&in, buf, size);
        if (in.oom) {
            xlc_buf_free(&in);
            errno = ENOMEM;
            return -1;
        }
        s = in.s;
        len = in.len;
    }
    keep = xlc_utf8_incomplete_tail(s, len);
    /* What needs no escape (nearly always all of it) goes out as it is. */
    plain = xlc_escape_plain_len(s, len - keep, XLC_ESCAPE_REPORT);
    xlc_buf_escape(&out, s + plain, len - keep - plain, XLC_ESCAPE_REPORT,
                   NULL);
    rc = out.oom ? -1 : write_all(o->fd, s, plain);
    if (!rc && out.len)
        rc = write_all(o->fd, out.s, out.len);
    memcpy(o->held, s + len - keep, keep);
    o->nr_held = keep;
    xlc_buf_free(&in);
    xlc_buf_free(&out);
    return rc ? -1 : (ssize_t)size;
}

/* What is still held is not a whole character: escaped as such. */
static int escaped_close(void *cookie)
{
    struct escaped_out *o = cookie;
    struct xlc_buf out = XLC_BUF_INIT;
    int rc;

    xlc_buf_escape(&out, o->held, o->nr_held, XLC_ESCAPE_REPORT, NULL);
    rc = write_all(o->fd, out.s ? out.s : "", out.len);
    xlc_buf_free(&out);
    return rc;
}

void tool_escape_stdout(void)
{
    static struct escaped_out o = { .fd = STDOUT_FILENO };
    static const cookie_io_functions_t io = {
        .write = escaped_write, .close = escaped_close,
    };
    FILE *f = fopencookie(&o, "w", io);

    if (!f)
        return;      /* out of memory already: print as it is */
    /* Reports run to megabytes: a larger buffer, fewer writes. */
    setvbuf(f, NULL, isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF, 64 << 10);
    stdout = f;
}

int tool_output_done(const struct tool *t, int rc)
{
    errno = 0;
    /* Closed, so that a character held back reaches the output too. */
    if (!fflush(stdout) && !ferror(stdout) && !fclose(stdout))
        return rc;
    if (errno)
        tool_err(t, "error writing output: %s", strerror(errno));
    else
        tool_err(t, "error writing output");
    return EXIT_INTERNAL;
}

void tool_bit_names(struct xlc_buf *b, const uint32_t *fs, bool json)
{
    const struct xlc_bits_list l = { XLC_BIT_XEN, XLC_BITS_ALL,
                                     json ? ", " : " ", json };

    if (json)
        xlc_buf_putc(b, '[');
    xlc_featureset_bits(b, fs, XFS_NR_WORDS, &l);
    if (json)
        xlc_buf_putc(b, ']');
}
