/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "escape.h"

int xlc_fail(xlc_error *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
        va_end(ap);
        /* Whatever of the input the message quotes is shown safely. */
        xlc_escape_in_place(err->msg, sizeof(err->msg));
        err->code = code;
    }
    return -code;
}

void xlc_error_prefix(xlc_error *err, const char *fmt, ...)
{
    char old[XLC_ERROR_MSG_MAX];
    va_list ap;
    int n;

    if (!err)
        return;
    memcpy(old, err->msg, sizeof(old));
    va_start(ap, fmt);
    n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(err->msg) - 2)
        return;
    err->msg[n++] = ':';
    err->msg[n++] = ' ';
    /* Truncation of the tail is acceptable: the prefix says where. */
    memcpy(err->msg + n, old, sizeof(err->msg) - (size_t)n - 1);
    err->msg[sizeof(err->msg) - 1] = '\0';
    xlc_escape_in_place(err->msg, sizeof(err->msg));
}

void xlc_error_clear(xlc_error *err)
{
    if (err) {
        err->code = 0;
        err->msg[0] = '\0';
    }
}
