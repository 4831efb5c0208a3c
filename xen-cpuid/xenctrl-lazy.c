/* SPDX-License-Identifier: MIT */
/*
 * Xen's control libraries, opened the first time a backend needs them.
 *
 * Only the xen backend (real Xen, or Xen's libraries over the simulated
 * hypervisor under xen-sim) calls into libxenctrl and libxenguest; every
 * other command runs without them.  Loading them and the eight libraries
 * they pull in at start-up was a third of the tool's start-up time, so
 * the tool is linked without them and these functions -- the only ones
 * of theirs the library calls -- open libxenguest (which brings
 * libxenctrl) on first use and call through.  Symbols resolve as they
 * would at start-up: a preloaded library (xen-sim's) still comes first.
 * When the libraries cannot be opened, xc_interface_open() fails with
 * ELIBACC and the backend is unusable, as on a host without Xen.
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <xenctrl.h>
#include <xenguest.h>

#ifndef XFS_XENGUEST_SONAME
#define XFS_XENGUEST_SONAME "libxenguest.so.4.17"
#endif

/* Every function of theirs we call, by name. */
#define XEN_FUNCS(X)                                                          \
    X(xc_interface_open)                                                      \
    X(xc_interface_close)                                                     \
    X(xc_get_cpu_featureset)                                                  \
    X(xc_get_cpu_featureset_size)                                             \
    X(xc_get_cpu_levelling_caps)                                              \
    X(xc_cpu_policy_init)                                                     \
    X(xc_cpu_policy_destroy)                                                  \
    X(xc_cpu_policy_get_system)                                               \
    X(xc_cpu_policy_get_domain)                                               \
    X(xc_cpu_policy_serialise)                                                \
    X(xc_physinfo)                                                            \
    X(xc_hvm_param_get)                                                       \
    X(xtl_createlogger_stdiostream)                                           \
    X(xtl_logger_destroy)                                                     \
    X(xtl_logv)                                                               \
    X(xtl_progress)

static struct {
#define FIELD(name) __typeof__(name) *name;
    XEN_FUNCS(FIELD)
#undef FIELD
} real;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static bool loaded;

static void load(void)
{
    void *h = dlopen(XFS_XENGUEST_SONAME, RTLD_NOW | RTLD_GLOBAL);

    if (!h)
        return;
#define LOOKUP(name) real.name = (__typeof__(name) *)dlsym(h, #name);
    XEN_FUNCS(LOOKUP)
#undef LOOKUP
#define CHECK(name) && real.name
    loaded = true XEN_FUNCS(CHECK);
#undef CHECK
}

static bool ready(void)
{
    pthread_once(&once, load);
    if (!loaded)
        errno = ELIBACC;
    return loaded;
}

xc_interface *xc_interface_open(xentoollog_logger *logger,
                                xentoollog_logger *dombuild_logger,
                                unsigned open_flags)
{
    return ready() ? real.xc_interface_open(logger, dombuild_logger,
                                            open_flags)
                   : NULL;
}

int xc_interface_close(xc_interface *xch)
{
    return ready() ? real.xc_interface_close(xch) : -1;
}

int xc_get_cpu_featureset(xc_interface *xch, uint32_t index,
                          uint32_t *nr_features, uint32_t *featureset)
{
    return ready() ? real.xc_get_cpu_featureset(xch, index, nr_features,
                                                featureset)
                   : -1;
}

uint32_t xc_get_cpu_featureset_size(void)
{
    return ready() ? real.xc_get_cpu_featureset_size() : 0;
}

int xc_get_cpu_levelling_caps(xc_interface *xch, uint32_t *caps)
{
    return ready() ? real.xc_get_cpu_levelling_caps(xch, caps) : -1;
}

xc_cpu_policy_t *xc_cpu_policy_init(void)
{
    return ready() ? real.xc_cpu_policy_init() : NULL;
}

void xc_cpu_policy_destroy(xc_cpu_policy_t *policy)
{
    if (ready())
        real.xc_cpu_policy_destroy(policy);
}

int xc_cpu_policy_get_system(xc_interface *xch, unsigned int policy_idx,
                             xc_cpu_policy_t *policy)
{
    return ready() ? real.xc_cpu_policy_get_system(xch, policy_idx, policy)
                   : -1;
}

int xc_cpu_policy_get_domain(xc_interface *xch, uint32_t domid,
                             xc_cpu_policy_t *policy)
{
    return ready() ? real.xc_cpu_policy_get_domain(xch, domid, policy) : -1;
}

int xc_cpu_policy_serialise(xc_interface *xch, const xc_cpu_policy_t *policy,
                            xen_cpuid_leaf_t *leaves, uint32_t *nr_leaves,
                            xen_msr_entry_t *msrs, uint32_t *nr_msrs)
{
    return ready() ? real.xc_cpu_policy_serialise(xch, policy, leaves,
                                                  nr_leaves, msrs, nr_msrs)
                   : -1;
}

int xc_physinfo(xc_interface *xch, xc_physinfo_t *info)
{
    return ready() ? real.xc_physinfo(xch, info) : -1;
}

int xc_hvm_param_get(xc_interface *handle, uint32_t dom, uint32_t param,
                     uint64_t *value)
{
    return ready() ? real.xc_hvm_param_get(handle, dom, param, value) : -1;
}

/*
 * libxentoollog comes with libxenctrl.  Its loggers are only made and fed
 * once a backend is open, so the libraries are loaded by then; without
 * them there is nothing to log to.
 */
xentoollog_logger_stdiostream *xtl_createlogger_stdiostream(
    FILE *f, xentoollog_level min_level, unsigned flags)
{
    return ready() ? real.xtl_createlogger_stdiostream(f, min_level, flags)
                   : NULL;
}

void xtl_logger_destroy(struct xentoollog_logger *logger)
{
    if (logger && ready())
        real.xtl_logger_destroy(logger);
}

void xtl_logv(struct xentoollog_logger *logger, xentoollog_level level,
              int errnoval, const char *context, const char *format,
              va_list al)
{
    if (ready())
        real.xtl_logv(logger, level, errnoval, context, format, al);
}

void xtl_progress(struct xentoollog_logger *logger, const char *context,
                  const char *doing_what, unsigned long done,
                  unsigned long total)
{
    if (ready())
        real.xtl_progress(logger, context, doing_what, done, total);
}
