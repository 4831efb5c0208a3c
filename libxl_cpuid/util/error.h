/* SPDX-License-Identifier: MIT */
/*
 * Error reporting for the toolstack library.
 *
 * Every call that can fail returns 0 on success or a negative errno value
 * (-EINVAL for bad input, -ENOMEM, -ENOENT, -ENODEV for an unusable backend,
 * ...), and, when the caller passed an xlc_error, fills it with that code
 * and a message saying what was wrong and where (file:line, token).  The
 * library never prints and never exits.  Every message is escaped as text
 * when recorded (escape.h): control bytes, and bytes that are not UTF-8,
 * from the input it quotes never reach a terminal or a report as they are.
 */
#ifndef LIBXL_CPUID_ERROR_H
#define LIBXL_CPUID_ERROR_H

#define XLC_ERROR_MSG_MAX 4096

typedef struct xlc_error {
    int code;                      /* positive errno value, 0 = none */
    char msg[XLC_ERROR_MSG_MAX];
} xlc_error;

/* Record an error; returns -code so callers can `return xlc_fail(...)`. */
int xlc_fail(xlc_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefix the existing message, e.g. with a file name: "PREFIX: msg". */
void xlc_error_prefix(xlc_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

void xlc_error_clear(xlc_error *err);

#endif /* LIBXL_CPUID_ERROR_H */
