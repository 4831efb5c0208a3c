/* SPDX-License-Identifier: MIT */
/*
 * How the tool shows an error and which exit status it gives: the one
 * mapping from the library's errors (-errno with a message, xlc_error) to
 * the statuses the README and the man page document.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../libxl_cpuid/util/escape.h"
#include "tool.h"

/*
 * "xen-cpuid: CMD: message", the message escaped (escape.h) as the
 * library's are: it may quote the command line, which is input too.
 */
static void vreport(const struct tool *t, const char *fmt, va_list ap)
{
    struct xlc_buf b = XLC_BUF_INIT;
    char *text = xlc_vformat(fmt, ap);

    if (text)
        xlc_buf_escape(&b, text, strlen(text), XLC_ESCAPE_TEXT, NULL);
    fprintf(stderr, "xen-cpuid: %s: %s", t->cmd ? t->cmd : "error",
            b.s && !b.oom ? b.s : text ? "" : "out of memory");
    xlc_buf_free(&b);
    free(text);
}

void tool_err(const struct tool *t, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport(t, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int tool_usage(const struct tool *t, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport(t, fmt, ap);
    va_end(ap);
    if (t->cmd)
        fprintf(stderr, " (xen-cpuid %s --help)\n", t->cmd);
    else
        fputs(" (xen-cpuid help)\n", stderr);
    return EXIT_USAGE;
}

int tool_exit_for(int rc)
{
    switch (rc < 0 ? -rc : rc) {
    case 0:
        return EXIT_OK;
    case ENOMEM:
    case EIO:
    case ENOSPC:
    case EDQUOT:
        return EXIT_INTERNAL;   /* not the input's fault */
    case ENODEV:
        return EXIT_BACKEND;    /* Xen, or the live CPU, cannot be used */
    case EOPNOTSUPP:
        return EXIT_REFUSED;    /* this host cannot do what was asked */
    default:
        return EXIT_INPUT;      /* EINVAL, ENOENT, E2BIG, ERANGE, ... */
    }
}

int tool_fail(const struct tool *t, int rc, const xlc_error *err)
{
    tool_err(t, "%s", err->msg[0] ? err->msg : "unexpected failure");
    return tool_exit_for(rc ? rc : EINVAL);
}
