/* SPDX-License-Identifier: MIT */
/*
 * Loading many hosts at once: every source on its own, spread over the
 * CPUs (parsing and deriving are independent per host).
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "level-input.h"
#include "../util/parts.h"

struct batch {
    const char *const *sources;
    size_t n;
    enum xlc_guest_type type;
    struct xlc_level_load *results;
    atomic_size_t next;
};

static void *worker(void *arg)
{
    struct batch *b = arg;
    size_t i;

    while ((i = atomic_fetch_add(&b->next, 1)) < b->n) {
        struct xlc_level_load *r = &b->results[i];
        xlc_error err;

        r->msg = NULL;
        r->rc = xlc_level_host_load(b->sources[i], b->type, &r->host, &err);
        /* The kind is asked again only of a source refused so. */
        r->libvirt = r->rc == -ENOTSUP &&
                     xlc_level_source_is_libvirt(b->sources[i]);
        if (r->rc) {
            r->msg = strdup(err.msg);
            if (!r->msg)
                r->rc = -ENOMEM;
        }
    }
    return NULL;
}

int xlc_level_load_many(const char *const *sources, size_t n,
                        enum xlc_guest_type type, unsigned int threads,
                        struct xlc_level_load *results)
{
    struct batch b = { sources, n, type, results, 0 };
    struct xlc_helper *helpers;
    unsigned int started = 0;

    if (!threads)
        threads = (unsigned int)xlc_cpus();
    if (threads > n)
        threads = n ? (unsigned int)n : 1;
    /* libxml2's own state is set up on first use, racily. */
    xmlInitParser();
    helpers = calloc(threads, sizeof(*helpers));
    if (!helpers)
        return -ENOMEM;
    /* This thread works too; a worker that fails to start is not needed. */
    for (unsigned int t = 1; t < threads; t++)
        if (!xlc_helper_start(&helpers[started], worker, &b, t))
            started++;
    worker(&b);
    for (unsigned int t = 0; t < started; t++)
        pthread_join(helpers[t].tid, NULL);
    free(helpers);
    return 0;
}

void xlc_level_loads_free(struct xlc_level_load *results, size_t n)
{
    for (size_t i = 0; results && i < n; i++)
        free(results[i].msg);
}
