/* SPDX-License-Identifier: MIT */
#include <pthread.h>
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

void xlc_run_parts(void *(*fn)(void *), void *jobs, size_t size, size_t n)
{
    pthread_t tids[XLC_PARTS_MAX];
    unsigned int started = 0;
    char *at = jobs;

    if (n > XLC_PARTS_MAX)
        n = XLC_PARTS_MAX;
    for (size_t k = 1; k < n; k++)
        if (!pthread_create(&tids[k], NULL, fn, at + k * size))
            started |= 1u << k;
        else
            fn(at + k * size);
    if (n)
        fn(at);
    for (size_t k = 1; k < n; k++)
        if (started >> k & 1)
            pthread_join(tids[k], NULL);
}
