/* SPDX-License-Identifier: MIT */
/*
 * libxenstore's handle entry points, over the in-memory store of
 * xs-tree.h.  libxl_ctx_alloc connects to xenstored (xs_open) before it
 * does anything, and libxl keeps its domain bookkeeping there, so the
 * simulation serves reads, writes, directories, permissions and
 * transactions from a tree holding what a fresh dom0 has (domain 0's
 * name and domid, CPU pool 0).  Watches are accepted and never fire.
 * Calls that talk to xenstored about other domains' rings
 * (introduce/release/resume, control and debug commands) fail with
 * ENOSYS and their one-line note.  The pure helpers of libxenstore
 * (xs_path_is_subpath, xs_strings_to_perms, ...) are not intercepted.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xenstore.h>

#include "preload.h"
#include "xs-tree.h"

struct xs_handle {
    unsigned long flags;
    int pipe[2];            /* xs_fileno: never readable (no events) */
};

/* What a fresh dom0's xenstore holds that libxl reads, and the names of
 * the declared domains. */
static void seed_once(void)
{
    static const char *const seed[][2] = {
        { "/local/domain/0/name", "Domain-0" },
        { "/local/domain/0/domid", "0" },
        { "/local/pool/0/name", "Pool-0" },
        { "/vm", "" },
        { "/tool", "" },
    };

    const struct sim_machine *m = sim_preload_machine();
    char path[64], name[32];

    for (size_t i = 0; i < sizeof(seed) / sizeof(seed[0]); i++)
        xst_write(seed[i][0], seed[i][1], (unsigned int)strlen(seed[i][1]));
    /* The domains declared with --domain, named after their id. */
    for (unsigned int i = 0; m && i < m->nr_doms; i++) {
        unsigned int id = m->doms[i].domid;

        if (!id)
            continue;
        snprintf(path, sizeof(path), "/local/domain/%u/name", id);
        snprintf(name, sizeof(name), "sim-%u", id);
        xst_write(path, name, (unsigned int)strlen(name));
        snprintf(path, sizeof(path), "/local/domain/%u/domid", id);
        snprintf(name, sizeof(name), "%u", id);
        xst_write(path, name, (unsigned int)strlen(name));
    }
}

static void seed_store(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;

    pthread_once(&once, seed_once);
}

static struct xs_handle *new_handle(unsigned long flags)
{
    struct xs_handle *h;

    if (!sim_preload_machine())
        return NULL;
    seed_store();
    h = malloc(sizeof(*h));
    if (h) {
        h->flags = flags;
        h->pipe[0] = h->pipe[1] = -1;
    }
    return h;
}

static void free_handle(struct xs_handle *h)
{
    if (!h)
        return;
    if (h->pipe[0] >= 0) {
        close(h->pipe[0]);
        close(h->pipe[1]);
    }
    free(h);
}

struct xs_handle *xs_open(unsigned long flags)
{
    return new_handle(flags);
}

struct xs_handle *xs_daemon_open(void)
{
    return new_handle(0);
}

struct xs_handle *xs_domain_open(void)
{
    return new_handle(0);
}

struct xs_handle *xs_daemon_open_readonly(void)
{
    return new_handle(XS_OPEN_READONLY);
}

void xs_close(struct xs_handle *xsh)
{
    free_handle(xsh);
}

void xs_daemon_close(struct xs_handle *xsh)
{
    free_handle(xsh);
}

void xs_daemon_destroy_postfork(struct xs_handle *xsh)
{
    free_handle(xsh);
}

/* -errno -> false/NULL with errno set, as libxenstore reports. */
static bool ok(int rc)
{
    if (rc)
        errno = -rc;
    return !rc;
}

char **xs_directory(struct xs_handle *h, xs_transaction_t t,
                    const char *path, unsigned int *num)
{
    char **names = NULL;

    (void)h, (void)t;
    return ok(xst_directory(path, &names, num)) ? names : NULL;
}

void *xs_read(struct xs_handle *h, xs_transaction_t t, const char *path,
              unsigned int *len)
{
    unsigned int n = 0;
    char *v = NULL;

    (void)h, (void)t;
    if (!ok(xst_read(path, &v, &n)))
        return NULL;
    if (len)
        *len = n;
    return v;
}

bool xs_write(struct xs_handle *h, xs_transaction_t t, const char *path,
              const void *data, unsigned int len)
{
    (void)t;
    if (h->flags & XS_OPEN_READONLY)
        return ok(-EACCES);
    return ok(xst_write(path, data, len));
}

bool xs_mkdir(struct xs_handle *h, xs_transaction_t t, const char *path)
{
    (void)t;
    if (h->flags & XS_OPEN_READONLY)
        return ok(-EACCES);
    return ok(xst_mkdir(path));
}

bool xs_rm(struct xs_handle *h, xs_transaction_t t, const char *path)
{
    (void)t;
    if (h->flags & XS_OPEN_READONLY)
        return ok(-EACCES);
    return ok(xst_rm(path));
}

/* Only dom0 talks to this store: there is nothing to restrict. */
bool xs_restrict(struct xs_handle *h, unsigned domid)
{
    (void)h, (void)domid;
    return true;
}

struct xs_permissions *xs_get_permissions(struct xs_handle *h,
                                          xs_transaction_t t,
                                          const char *path, unsigned int *num)
{
    struct xs_permissions *p = NULL;

    (void)h, (void)t;
    return ok(xst_get_perms(path, &p, num)) ? p : NULL;
}

bool xs_set_permissions(struct xs_handle *h, xs_transaction_t t,
                        const char *path, struct xs_permissions *perms,
                        unsigned int num_perms)
{
    (void)h, (void)t;
    return ok(xst_set_perms(path, perms, num_perms));
}

/* Accepted; nothing else writes the store, so no event ever comes. */
bool xs_watch(struct xs_handle *h, const char *path, const char *token)
{
    (void)h, (void)path, (void)token;
    return true;
}

bool xs_unwatch(struct xs_handle *h, const char *path, const char *token)
{
    (void)h, (void)path, (void)token;
    return true;
}

int xs_fileno(struct xs_handle *h)
{
    if (h->pipe[0] < 0 && pipe(h->pipe))
        return -1;
    return h->pipe[0];
}

char **xs_check_watch(struct xs_handle *h)
{
    (void)h;
    errno = EAGAIN;
    return NULL;
}

char **xs_read_watch(struct xs_handle *h, unsigned int *num)
{
    (void)h, (void)num;
    errno = EAGAIN;
    return NULL;
}

xs_transaction_t xs_transaction_start(struct xs_handle *h)
{
    static xs_transaction_t next;

    (void)h;
    return __atomic_add_fetch(&next, 1, __ATOMIC_RELAXED);
}

bool xs_transaction_end(struct xs_handle *h, xs_transaction_t t, bool abort)
{
    (void)h, (void)t, (void)abort;
    return true;
}

char *xs_get_domain_path(struct xs_handle *h, unsigned int domid)
{
    char *p;

    (void)h;
    return asprintf(&p, "/local/domain/%u", domid) < 0 ? NULL : p;
}

#define FAIL_NULL(name) do { sim_note_function(name); return NULL; } while (0)
#define FAIL_FALSE(name) do { sim_note_function(name); return false; } while (0)

bool xs_introduce_domain(struct xs_handle *h, unsigned int domid,
                         unsigned long mfn, unsigned int eventchn)
{
    (void)h, (void)domid, (void)mfn, (void)eventchn;
    FAIL_FALSE("xs_introduce_domain");
}

bool xs_set_target(struct xs_handle *h, unsigned int domid,
                   unsigned int target)
{
    (void)h, (void)domid, (void)target;
    FAIL_FALSE("xs_set_target");
}

bool xs_resume_domain(struct xs_handle *h, unsigned int domid)
{
    (void)h, (void)domid;
    FAIL_FALSE("xs_resume_domain");
}

bool xs_release_domain(struct xs_handle *h, unsigned int domid)
{
    (void)h, (void)domid;
    FAIL_FALSE("xs_release_domain");
}


bool xs_is_domain_introduced(struct xs_handle *h, unsigned int domid)
{
    (void)h, (void)domid;
    FAIL_FALSE("xs_is_domain_introduced");
}

char *xs_control_command(struct xs_handle *h, const char *cmd, void *data,
                         unsigned int len)
{
    (void)h, (void)cmd, (void)data, (void)len;
    FAIL_NULL("xs_control_command");
}

char *xs_debug_command(struct xs_handle *h, const char *cmd, void *data,
                       unsigned int len)
{
    (void)h, (void)cmd, (void)data, (void)len;
    FAIL_NULL("xs_debug_command");
}

int xs_suspend_evtchn_port(int domid)
{
    (void)domid;
    sim_note_function("xs_suspend_evtchn_port");
    return -1;
}
