/* SPDX-License-Identifier: MIT */
/*
 * libxencall's entry points, served by the simulated hypervisor.  Loaded
 * with LD_PRELOAD ahead of libxencall.so.1, these definitions satisfy the
 * versioned references libxenctrl, libxendevicemodel and the rest make
 * (xencall_open@VERS_1.0 ...): the dynamic linker binds a versioned
 * reference to an unversioned definition in an earlier object.
 *
 * Errors cross the boundary as they do on Linux: privcmd's ioctl returns
 * -1 with errno set to the hypercall's -errno, and libxencall passes that
 * on, so a failing xencallN returns -1 with errno = the simulated Xen's
 * error.  Non-negative results (XENVER_version, XENVER_pagesize) are
 * returned as they are.
 *
 * The machine boots on the first xencall_open of the process and lives
 * until it exits.  If it cannot boot (the environment names a dump that
 * is gone: the launcher checked it before starting the command),
 * xencall_open fails with errno ENXIO; nothing is printed.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include <xencall.h>

#include "guest-mem.h"
#include "hc.h"
#include "preload.h"

struct xencall_handle {
    unsigned int flags;
};

static pthread_mutex_t machine_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sim_machine *machine;
static int boot_errno;

struct sim_machine *sim_preload_machine(void)
{
    struct sim_config c;
    xlc_error err = { 0 };

    pthread_mutex_lock(&machine_lock);
    if (!machine && !boot_errno) {
        if (sim_config_from_env(&c, &err) ||
            sim_machine_boot(&c, &machine, &err))
            boot_errno = ENXIO;
    }
    pthread_mutex_unlock(&machine_lock);
    if (!machine)
        errno = boot_errno;
    return machine;
}

__attribute__((destructor)) static void shutdown_machine(void)
{
    sim_machine_free(machine);
    machine = NULL;
}

xencall_handle *xencall_open(struct xentoollog_logger *logger,
                             unsigned int open_flags)
{
    xencall_handle *h;

    (void)logger;
    if (!sim_preload_machine())
        return NULL;
    h = malloc(sizeof(*h));
    if (h)
        h->flags = open_flags;
    return h;
}

int xencall_close(xencall_handle *xcall)
{
    free(xcall);
    return 0;
}

/* There is no privcmd file descriptor behind a simulated handle. */
int xencall_fd(xencall_handle *xcall)
{
    (void)xcall;
    errno = EBADF;
    return -1;
}

static long call(unsigned int op, uint64_t a1, uint64_t a2, uint64_t a3,
                 uint64_t a4, uint64_t a5)
{
    const uint64_t arg[5] = { a1, a2, a3, a4, a5 };
    struct sim_machine *m = sim_preload_machine();
    long rc;

    if (!m)
        return -1;
    pthread_mutex_lock(&machine_lock);
    rc = sim_hypercall(m, op, arg);
    pthread_mutex_unlock(&machine_lock);
    if (rc < 0) {
        errno = (int)-rc;
        return -1;
    }
    return rc;
}

int xencall0(xencall_handle *x, unsigned int op)
{
    (void)x;
    return (int)call(op, 0, 0, 0, 0, 0);
}

int xencall1(xencall_handle *x, unsigned int op, uint64_t a1)
{
    (void)x;
    return (int)call(op, a1, 0, 0, 0, 0);
}

int xencall2(xencall_handle *x, unsigned int op, uint64_t a1, uint64_t a2)
{
    (void)x;
    return (int)call(op, a1, a2, 0, 0, 0);
}

long xencall2L(xencall_handle *x, unsigned int op, uint64_t a1, uint64_t a2)
{
    (void)x;
    return call(op, a1, a2, 0, 0, 0);
}

int xencall3(xencall_handle *x, unsigned int op, uint64_t a1, uint64_t a2,
             uint64_t a3)
{
    (void)x;
    return (int)call(op, a1, a2, a3, 0, 0);
}

int xencall4(xencall_handle *x, unsigned int op, uint64_t a1, uint64_t a2,
             uint64_t a3, uint64_t a4)
{
    (void)x;
    return (int)call(op, a1, a2, a3, a4, 0);
}

int xencall5(xencall_handle *x, unsigned int op, uint64_t a1, uint64_t a2,
             uint64_t a3, uint64_t a4, uint64_t a5)
{
    (void)x;
    return (int)call(op, a1, a2, a3, a4, a5);
}

void *xencall_alloc_buffer_pages(xencall_handle *x, size_t nr_pages)
{
    (void)x;
    return gm_alloc(nr_pages, nr_pages * SIM_PAGE_SIZE);
}

void xencall_free_buffer_pages(xencall_handle *x, void *p, size_t nr_pages)
{
    (void)x, (void)nr_pages;
    gm_free(p);
}

void *xencall_alloc_buffer(xencall_handle *x, size_t size)
{
    size_t pages = size / SIM_PAGE_SIZE + (size % SIM_PAGE_SIZE != 0);

    (void)x;
    return gm_alloc(pages ? pages : 1, size);
}

void xencall_free_buffer(xencall_handle *x, void *p)
{
    (void)x;
    gm_free(p);
}

/* Simulated buffers are ordinary memory of this process: never paged
 * out from under a hypercall, as with Linux's /dev/xen/hypercall. */
int xencall_buffers_never_fault(xencall_handle *x)
{
    (void)x;
    return 1;
}
