/* SPDX-License-Identifier: MIT */
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "parts.h"

size_t xlc_cpus(void)
{
    /* Asked once per process: glibc reads /sys/devices/system/cpu/online
     * each time (three system calls), and a run asks several times. */
    static atomic_size_t known;
    size_t n = atomic_load_explicit(&known, memory_order_relaxed);

    if (!n) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);

        n = cpus > 1 ? (size_t)cpus : 1;
        atomic_store_explicit(&known, n, memory_order_relaxed);
    }
    return n;
}

size_t xlc_parts(size_t count, size_t min)
{
    size_t parts = xlc_cpus();

    if (parts > XLC_PARTS_MAX)
        parts = XLC_PARTS_MAX;
    if (min && parts > count / min)
        parts = count / min;
    return parts ? parts : 1;
}

struct start {
    void *(*fn)(void *);
    void *arg;
    bool placed;       /* started on one CPU: `allowed` given back */
    cpu_set_t allowed;
    atomic_bool *running;
};

static void *started(void *arg)
{
    struct start s = *(struct start *)arg;

    free(arg);
    if (s.placed)
        pthread_setaffinity_np(pthread_self(), sizeof(s.allowed),
                               &s.allowed);
    atomic_store(s.running, true);
    return s.fn(s.arg);
}

/* The k-th allowed CPU after `here`, going round; -1 when only `here`. */
static int kth_after(const cpu_set_t *allowed, int here, size_t k)
{
    size_t nr = (size_t)CPU_COUNT(allowed) - (CPU_ISSET(here, allowed) != 0);

    if (!nr)
        return -1;
    k = (k - 1) % nr + 1;
    for (int c = here + 1;; c++) {
        if (c >= CPU_SETSIZE)
            c = 0;
        if (c != here && CPU_ISSET(c, allowed) && !--k)
            return c;
    }
}

/* This thread's allowed CPUs and the one it is on, when they can be told
 * (no more than CPU_SETSIZE of them, sched_getcpu works); -1 if not. */
static int where(cpu_set_t *allowed)
{
    int here = sched_getcpu();

    if (here < 0 || here >= CPU_SETSIZE ||
        sched_getaffinity(0, sizeof(*allowed), allowed))
        return -1;
    return here;
}

static void on_one(cpu_set_t *one, int cpu)
{
    CPU_ZERO(one);
    CPU_SET(cpu, one);
}

int xlc_helper_start(struct xlc_helper *h, void *(*fn)(void *), void *arg,
                     size_t k)
{
    struct start *s = malloc(sizeof(*s));
    pthread_attr_t attr;
    cpu_set_t one;
    int here, rc;

    h->cpu = -1;
    atomic_init(&h->running, false);
    if (!s)
        return pthread_create(&h->tid, NULL, fn, arg);
    *s = (struct start){ .fn = fn, .arg = arg, .running = &h->running };
    here = k ? where(&s->allowed) : -1;
    if (here >= 0)
        h->cpu = kth_after(&s->allowed, here, k);
    pthread_attr_init(&attr);
    if (h->cpu >= 0) {
        on_one(&one, h->cpu);
        s->placed = !pthread_attr_setaffinity_np(&attr, sizeof(one), &one);
        if (!s->placed)
            h->cpu = -1;
    }
    rc = pthread_create(&h->tid, &attr, started, s);
    pthread_attr_destroy(&attr);
    if (rc)
        free(s);
    return rc;
}

void xlc_helper_nudge(struct xlc_helper *h)
{
    cpu_set_t allowed, one;
    int cpu;

    /* (Should h start between the test and the move, it stays on the
     * other CPU: still not this one.) */
    if (h->cpu < 0 || atomic_load_explicit(&h->running, memory_order_relaxed)
        || where(&allowed) != h->cpu)
        return;
    cpu = kth_after(&allowed, h->cpu, 1);
    if (cpu < 0)
        return;
    on_one(&one, cpu);
    if (!pthread_setaffinity_np(h->tid, sizeof(one), &one))
        h->cpu = cpu;
}

/* The parts, taken in turn by whichever thread is free. */
struct run {
    void *(*fn)(void *);
    char *jobs;
    size_t size, n;
    atomic_size_t next;
};

static void *run_some(void *arg)
{
    struct run *r = arg;
    size_t k;

    while ((k = atomic_fetch_add(&r->next, 1)) < r->n)
        r->fn(r->jobs + k * r->size);
    return NULL;
}

void xlc_run_parts(void *(*fn)(void *), void *jobs, size_t size, size_t n)
{
    struct xlc_helper helpers[XLC_PARTS_MAX];
    struct run r = { .fn = fn, .jobs = jobs, .size = size,
                     .n = n > XLC_PARTS_MAX ? XLC_PARTS_MAX : n };
    size_t threads = r.n < xlc_cpus() ? r.n : xlc_cpus(), started = 0;

    atomic_init(&r.next, 0);
    for (size_t k = 1; k < threads; k++)
        if (!xlc_helper_start(&helpers[started], run_some, &r, k))
            started++;
    for (size_t k = 0; k < started; k++)
        xlc_helper_nudge(&helpers[k]);
    /* This thread takes parts too: one whose helper has not started (or
     * could not) is done here, not waited for. */
    run_some(&r);
    for (size_t k = 0; k < started; k++)
        pthread_join(helpers[k].tid, NULL);
}
