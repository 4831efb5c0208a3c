/* SPDX-License-Identifier: MIT */
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "parts.h"

size_t xlc_parts(size_t count, size_t min)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t parts = cpus > 1 ? (size_t)cpus : 1;

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
};

static void *started(void *arg)
{
    struct start s = *(struct start *)arg;

    free(arg);
    if (s.placed)
        pthread_setaffinity_np(pthread_self(), sizeof(s.allowed),
                               &s.allowed);
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

int xlc_thread_start(pthread_t *t, void *(*fn)(void *), void *arg, size_t k)
{
    struct start *s = malloc(sizeof(*s));
    pthread_attr_t attr;
    cpu_set_t one;
    int here = sched_getcpu(), cpu = -1, rc;

    if (!s)
        return pthread_create(t, NULL, fn, arg);
    s->fn = fn;
    s->arg = arg;
    /* Not placed when the CPUs cannot be told (more than CPU_SETSIZE,
     * no sched_getcpu): the thread goes where Linux puts it. */
    if (here >= 0 && here < CPU_SETSIZE && k &&
        !sched_getaffinity(0, sizeof(s->allowed), &s->allowed))
        cpu = kth_after(&s->allowed, here, k);
    s->placed = cpu >= 0;
    pthread_attr_init(&attr);
    if (s->placed) {
        CPU_ZERO(&one);
        CPU_SET(cpu, &one);
        if (pthread_attr_setaffinity_np(&attr, sizeof(one), &one))
            s->placed = false;
    }
    rc = pthread_create(t, &attr, started, s);
    pthread_attr_destroy(&attr);
    if (rc)
        free(s);
    return rc;
}

void xlc_run_parts(void *(*fn)(void *), void *jobs, size_t size, size_t n)
{
    pthread_t tids[XLC_PARTS_MAX];
    unsigned int started = 0;
    char *at = jobs;

    if (n > XLC_PARTS_MAX)
        n = XLC_PARTS_MAX;
    for (size_t k = 1; k < n; k++)
        if (!xlc_thread_start(&tids[k], fn, at + k * size, k))
            started |= 1u << k;
        else
            fn(at + k * size);
    if (n)
        fn(at);
    for (size_t k = 1; k < n; k++)
        if (started >> k & 1)
            pthread_join(tids[k], NULL);
}
