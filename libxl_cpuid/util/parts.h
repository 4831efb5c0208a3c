/* SPDX-License-Identifier: MIT */
/*
 * Work split over the CPUs: a large pool's counts, its hosts' verdicts.
 * Each part is one job in an array; the caller merges what the jobs
 * found, in part order, so the answer is the one pass's.
 */
#ifndef LIBXL_CPUID_PARTS_H
#define LIBXL_CPUID_PARTS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

/* Internal: not exported from libxl_cpuid.so. */
#pragma GCC visibility push(hidden)

#define XLC_PARTS_MAX 16

/* The online CPUs (at least 1), as the process first saw them. */
size_t xlc_cpus(void);

/*
 * How many parts to cut `count` items into: one per online CPU, at most
 * XLC_PARTS_MAX, none smaller than `min` items (below that a thread
 * costs more than it saves); at least 1.
 */
size_t xlc_parts(size_t count, size_t min);

/*
 * fn(jobs + k * size) for every k below n (at most XLC_PARTS_MAX), each
 * once, on this thread and up to one helper per other CPU, each part
 * taken by whichever is free: a helper that is slow to start (or cannot)
 * leaves its parts to this thread.  Returns when every part is done.
 */
void xlc_run_parts(void *(*fn)(void *), void *jobs, size_t size, size_t n);

/*
 * A helper thread started on another CPU than its starter's.  Linux
 * queues a new thread on its parent's CPU and may leave it waiting there
 * for milliseconds while another CPU idles (seen on virtual machines):
 * work of a few milliseconds then gains nothing from a second CPU.
 */
struct xlc_helper {
    pthread_t tid;
    int cpu;                 /* where it starts; -1: where Linux puts it */
    atomic_bool running;     /* it has started (and may run anywhere) */
};

/*
 * pthread_create(&h->tid, NULL, fn, arg), but the thread starts on the
 * k-th allowed CPU after this thread's (k from 1), and may then run on
 * any CPU it was allowed.  Returns pthread_create's result.
 */
int xlc_helper_start(struct xlc_helper *h, void *(*fn)(void *), void *arg,
                     size_t k);

/*
 * When h has not started yet and this thread now runs on the CPU h waits
 * for (Linux may move the starter there before the helper runs, and the
 * helper then waits behind it), h starts on another CPU instead.  Cheap
 * when there is nothing to do: call it between pieces of work.
 */
void xlc_helper_nudge(struct xlc_helper *h);

#pragma GCC visibility pop

#endif /* LIBXL_CPUID_PARTS_H */
