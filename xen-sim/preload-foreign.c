/* SPDX-License-Identifier: MIT */
/*
 * libxenforeignmemory's entry points.  xc_interface_open opens a foreign
 * memory handle (on Linux, /dev/xen/privcmd) before anything else works,
 * so the simulation hands out a handle; it maps nothing, because the
 * simulated domains have no memory.  Every mapping call fails with
 * ENOSYS and its one-line note.
 */
#include <errno.h>
#include <stdlib.h>

#include <xenforeignmemory.h>

#include "preload.h"

struct xenforeignmemory_handle {
    unsigned int flags;
};

xenforeignmemory_handle *xenforeignmemory_open(struct xentoollog_logger *l,
                                               unsigned int open_flags)
{
    xenforeignmemory_handle *h;

    (void)l;
    if (!sim_preload_machine())
        return NULL;
    h = malloc(sizeof(*h));
    if (h)
        h->flags = open_flags;
    return h;
}

int xenforeignmemory_close(xenforeignmemory_handle *fmem)
{
    free(fmem);
    return 0;
}

void *xenforeignmemory_map(xenforeignmemory_handle *fmem, uint32_t dom,
                           int prot, size_t pages, const xen_pfn_t arr[],
                           int err[])
{
    (void)fmem, (void)dom, (void)prot, (void)pages, (void)arr, (void)err;
    sim_note_function("xenforeignmemory_map");
    return NULL;
}

void *xenforeignmemory_map2(xenforeignmemory_handle *fmem, uint32_t dom,
                            void *addr, int prot, int flags, size_t pages,
                            const xen_pfn_t arr[], int err[])
{
    (void)fmem, (void)dom, (void)addr, (void)prot, (void)flags;
    (void)pages, (void)arr, (void)err;
    sim_note_function("xenforeignmemory_map2");
    return NULL;
}

/* Nothing was ever mapped. */
int xenforeignmemory_unmap(xenforeignmemory_handle *fmem, void *addr,
                           size_t pages)
{
    (void)fmem, (void)addr, (void)pages;
    errno = EINVAL;
    return -1;
}

/* There is no file descriptor to restrict. */
int xenforeignmemory_restrict(xenforeignmemory_handle *fmem, domid_t domid)
{
    (void)fmem, (void)domid;
    return 0;
}

xenforeignmemory_resource_handle *xenforeignmemory_map_resource(
    xenforeignmemory_handle *fmem, domid_t domid, unsigned int type,
    unsigned int id, unsigned long frame, unsigned long nr_frames,
    void **paddr, int prot, int flags)
{
    (void)fmem, (void)domid, (void)type, (void)id, (void)frame;
    (void)nr_frames, (void)paddr, (void)prot, (void)flags;
    sim_note_function("xenforeignmemory_map_resource");
    return NULL;
}

int xenforeignmemory_unmap_resource(xenforeignmemory_handle *fmem,
                                    xenforeignmemory_resource_handle *fres)
{
    (void)fmem, (void)fres;
    errno = EINVAL;
    return -1;
}

int xenforeignmemory_resource_size(xenforeignmemory_handle *fmem,
                                   domid_t domid, unsigned int type,
                                   unsigned int id, size_t *size)
{
    (void)fmem, (void)domid, (void)type, (void)id, (void)size;
    sim_note_function("xenforeignmemory_resource_size");
    return -1;
}
