/* SPDX-License-Identifier: MIT */
/*
 * Guest memory of the simulated hypervisor: the hypercall buffers the
 * process allocated through (our) xencall_alloc_buffer{,_pages}.
 *
 * What faults: Xen reaches toolstack memory through guest handles, and
 * libxenctrl passes only hypercall buffers (bounce buffers included).  The
 * simulation lets a copy through only when the whole range lies inside one
 * live buffer: [p, p + size) for xencall_alloc_buffer(size),
 * [p, p + n * 4096) for xencall_alloc_buffer_pages(n).  Anything else --
 * ordinary heap or stack memory, a freed buffer, a range running past the
 * end -- is a fault, and the hypercall fails with -EFAULT as Xen's
 * copy_{to,from}_guest would on an unmapped page.  A zero-length copy
 * touches nothing and never faults.
 */
#ifndef XEN_SIM_GUEST_MEM_H
#define XEN_SIM_GUEST_MEM_H

#include <stddef.h>
#include <stdint.h>

#define SIM_PAGE_SIZE 4096u

/* New zeroed, page-aligned buffer of `pages` pages whose guest-visible
 * extent is `len` bytes (len <= pages * 4096); NULL with errno set. */
void *gm_alloc(size_t pages, size_t len);
/* Free a buffer gm_alloc returned (the pages count must match); NULL is
 * ignored.  Returns 0, or -1 when p is no live buffer. */
int gm_free(void *p);

/* 0, or -1 (a fault) when [gaddr, gaddr + len) is not inside a buffer. */
int gm_copy_from(void *dst, uint64_t gaddr, size_t len);
int gm_copy_to(uint64_t gaddr, const void *src, size_t len);

/* The access hooks xen/arch/policy-guest.h takes, over these. */
struct xfs_guest_access;
extern const struct xfs_guest_access gm_access;

/* The featureset sysctl's copy hook (xen/arch/sysctl.h). */
int gm_copy_words(void *ctx, uint32_t *guest_dst, const uint32_t *src,
                  unsigned int nr);

#endif /* XEN_SIM_GUEST_MEM_H */
