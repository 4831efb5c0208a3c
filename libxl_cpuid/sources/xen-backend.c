/* SPDX-License-Identifier: MIT */
/*
 * The real-Xen backend: libxenctrl's featureset calls, with a logger that
 * keeps libxenctrl quiet (the library never prints) and remembers the last
 * message so that errors can say what libxenctrl saw.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenctrl.h>
#include <xenguest.h>
#include <xentoollog.h>

#include "xen-backend.h"

struct quiet_logger {
    xentoollog_logger base;     /* first, so the pointers convert */
    char last[512];
    /* Xen's tools' logger (stdio, stderr), when asked: every message is
     * passed on to it as well. */
    xentoollog_logger_stdiostream *fwd;
};

struct xlc_xen {
    struct quiet_logger log;
    xc_interface *xch;
    uint32_t hv_words;          /* the hypervisor's answer to a size query */
};

static void quiet_vmessage(xentoollog_logger *l, xentoollog_level level,
                           int errnoval, const char *context,
                           const char *format, va_list al)
{
    struct quiet_logger *q = (struct quiet_logger *)l;
    int n;

    if (q->fwd) {
        va_list copy;

        va_copy(copy, al);
        xtl_logv((xentoollog_logger *)q->fwd, level, errnoval, context,
                 format, copy);
        va_end(copy);
    }
    if (level < XTL_WARN)
        return;
    n = snprintf(q->last, sizeof(q->last), "%s%s", context ? context : "",
                 context ? ": " : "");
    if (n < 0 || (size_t)n >= sizeof(q->last))
        return;
    vsnprintf(q->last + n, sizeof(q->last) - (size_t)n, format, al);
    if (errnoval >= 0) {
        size_t len = strlen(q->last);

        snprintf(q->last + len, sizeof(q->last) - len, ": %s",
                 strerror(errnoval));
    }
}

static void quiet_progress(xentoollog_logger *l, const char *context,
                           const char *doing_what, int percent,
                           unsigned long done, unsigned long total)
{
    struct quiet_logger *q = (struct quiet_logger *)l;

    (void)percent;
    if (q->fwd)
        xtl_progress((xentoollog_logger *)q->fwd, context, doing_what, done,
                     total);
}

/* The logger is embedded in struct xlc_xen, which xlc_xen_close frees. */
static void quiet_destroy(xentoollog_logger *l)
{
    (void)l;
}

/* " (libxenctrl: ...)" when libxenctrl said something, else "". */
static const char *said(const struct xlc_xen *x, char *buf, size_t n)
{
    if (!x->log.last[0])
        return "";
    snprintf(buf, n, " (libxenctrl: %s)", x->log.last);
    return buf;
}

int xlc_xen_open(struct xlc_xen **out, bool log_stderr, xlc_error *err)
{
    struct xlc_xen *x = calloc(1, sizeof(*x));
    char why[600];
    uint32_t nr = 0;
    int e;

    *out = NULL;
    if (!x)
        return xlc_fail(err, ENOMEM, "out of memory");
    x->log.base.vmessage = quiet_vmessage;
    x->log.base.progress = quiet_progress;
    x->log.base.destroy = quiet_destroy;
    x->xch = xc_interface_open(&x->log.base, &x->log.base, 0);
    if (!x->xch) {
        e = errno;
        xlc_fail(err, ENODEV, "cannot open the Xen control interface: %s%s",
                 strerror(e ? e : ENODEV), said(x, why, sizeof(why)));
        free(x);
        return -ENODEV;
    }
    /*
     * A size query (NULL buffer), as Xen's own tool does: it proves the
     * sysctl is allowed from here (dom0) and says how many words Xen knows.
     */
    if (xc_get_cpu_featureset(x->xch, 0, &nr, NULL)) {
        e = errno;
        xlc_fail(err, ENODEV, "Xen refused XEN_SYSCTL_get_cpu_featureset: "
                 "%s%s", strerror(e ? e : ENODEV),
                 said(x, why, sizeof(why)));
        xlc_xen_close(x);
        return -ENODEV;
    }
    x->hv_words = nr;
    /* Open and answering: from here on, what Xen's own tools would log.
     * libxenctrl's default logger, had none been given. */
    if (log_stderr)
        x->log.fwd = xtl_createlogger_stdiostream(stderr, XTL_PROGRESS, 0);
    *out = x;
    return 0;
}

struct xc_interface_core *xlc_xen_xch(struct xlc_xen *x)
{
    return x->xch;
}

void xlc_xen_close(struct xlc_xen *x)
{
    if (!x)
        return;
    if (x->xch)
        xc_interface_close(x->xch);
    if (x->log.fwd)
        xtl_logger_destroy((xentoollog_logger *)x->log.fwd);
    free(x);
}

uint32_t xlc_xen_featureset_size(const struct xlc_xen *x)
{
    return x->hv_words;
}

uint32_t xlc_xen_toolstack_words(void)
{
    return xc_get_cpu_featureset_size();
}

int xlc_xen_get_featureset(struct xlc_xen *x, uint32_t index, uint32_t *nr,
                           uint32_t *features, xlc_error *err)
{
    uint32_t asked = *nr;
    char why[600];
    int e;

    x->log.last[0] = '\0';
    if (!xc_get_cpu_featureset(x->xch, index, nr, features))
        return 0;
    e = errno ? errno : EIO;
    if (e == ENOBUFS)
        /* libxenctrl leaves *nr alone; the copy of `asked` words happened. */
        return xlc_fail(err, ENOBUFS, "featureset %u: a buffer of %u words "
                        "is shorter than the hypervisor's featureset", index,
                        asked);
    return xlc_fail(err, e, "xc_get_cpu_featureset(index %u): %s%s", index,
                    strerror(e), said(x, why, sizeof(why)));
}

int xlc_xen_hvm_param(struct xlc_xen *x, uint32_t domid, uint32_t index,
                      uint64_t *value, xlc_error *err)
{
    char why[600];
    int e;

    x->log.last[0] = '\0';
    *value = 0;
    if (!xc_hvm_param_get(x->xch, domid, index, value))
        return 0;
    e = errno ? errno : EIO;
    return xlc_fail(err, e, "xc_hvm_param_get(domain %u, param %u): %s%s",
                    domid, index, strerror(e), said(x, why, sizeof(why)));
}
