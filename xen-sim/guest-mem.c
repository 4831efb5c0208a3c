/* SPDX-License-Identifier: MIT */
/* Hypercall buffers and guest copies (guest-mem.h). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "../xen/arch/policy-guest.h"
#include "guest-mem.h"

struct buffer {
    uintptr_t start;
    size_t len;      /* guest-visible bytes */
    size_t pages;    /* mapped pages */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct buffer *bufs;
static size_t nr_bufs, cap_bufs;

static int remember(void *p, size_t pages, size_t len)
{
    if (nr_bufs == cap_bufs) {
        size_t n = cap_bufs ? cap_bufs * 2 : 16;
        struct buffer *b = realloc(bufs, n * sizeof(*b));

        if (!b)
            return -1;
        bufs = b;
        cap_bufs = n;
    }
    bufs[nr_bufs++] = (struct buffer){ (uintptr_t)p, len, pages };
    return 0;
}

void *gm_alloc(size_t pages, size_t len)
{
    void *p;

    if (!pages || pages > SIZE_MAX / SIM_PAGE_SIZE ||
        len > pages * SIM_PAGE_SIZE) {
        errno = EINVAL;
        return NULL;
    }
    p = mmap(NULL, pages * SIM_PAGE_SIZE, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    pthread_mutex_lock(&lock);
    if (remember(p, pages, len)) {
        pthread_mutex_unlock(&lock);
        munmap(p, pages * SIM_PAGE_SIZE);
        errno = ENOMEM;
        return NULL;
    }
    pthread_mutex_unlock(&lock);
    return p;
}

int gm_free(void *p)
{
    int saved = errno;
    size_t pages = 0;
    int rc = -1;

    if (!p)
        return 0;
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < nr_bufs; i++)
        if (bufs[i].start == (uintptr_t)p) {
            pages = bufs[i].pages;
            bufs[i] = bufs[--nr_bufs];
            rc = 0;
            break;
        }
    pthread_mutex_unlock(&lock);
    if (!rc)
        munmap(p, pages * SIM_PAGE_SIZE);
    /* Like libxencall: freeing must not clobber the hypercall's errno. */
    errno = saved;
    return rc;
}

/* The buffer holding the whole range, or NULL (a fault). */
static void *inside(uint64_t gaddr, size_t len)
{
    void *hit = NULL;

    for (size_t i = 0; i < nr_bufs && !hit; i++) {
        uint64_t start = bufs[i].start;

        if (gaddr >= start && gaddr - start <= bufs[i].len &&
            len <= bufs[i].len - (gaddr - start))
            hit = (void *)(uintptr_t)gaddr;
    }
    return hit;
}

int gm_copy_from(void *dst, uint64_t gaddr, size_t len)
{
    void *src;

    if (!len)
        return 0;
    pthread_mutex_lock(&lock);
    src = inside(gaddr, len);
    if (src)
        memcpy(dst, src, len);
    pthread_mutex_unlock(&lock);
    return src ? 0 : -1;
}

int gm_copy_to(uint64_t gaddr, const void *src, size_t len)
{
    void *dst;

    if (!len)
        return 0;
    pthread_mutex_lock(&lock);
    dst = inside(gaddr, len);
    if (dst)
        memcpy(dst, src, len);
    pthread_mutex_unlock(&lock);
    return dst ? 0 : -1;
}

static int to_guest(void *ctx, uint64_t gaddr, const void *src, uint32_t len)
{
    (void)ctx;
    return gm_copy_to(gaddr, src, len);
}

static int from_guest(void *ctx, void *dst, uint64_t gaddr, uint32_t len)
{
    (void)ctx;
    return gm_copy_from(dst, gaddr, len);
}

const struct xfs_guest_access gm_access = { to_guest, from_guest, NULL };

int gm_copy_words(void *ctx, uint32_t *guest_dst, const uint32_t *src,
                  unsigned int nr)
{
    (void)ctx;
    return gm_copy_to((uint64_t)(uintptr_t)guest_dst, src,
                      (size_t)nr * sizeof(*src));
}
