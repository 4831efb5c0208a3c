/* SPDX-License-Identifier: MIT */
/* The in-memory xenstore tree (xs-tree.h). */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

#include "xs-tree.h"

#define MAX_PATH 3072       /* XENSTORE_ABS_PATH_MAX */
#define MAX_PERMS 16

struct node {
    char *path;
    char *value;
    unsigned int len;
    struct xs_permissions perms[MAX_PERMS];
    unsigned int nr_perms;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct node *nodes;
static size_t nr_nodes, cap_nodes;

/* Absolute, no trailing slash (except "/"), no empty components. */
static bool valid(const char *p)
{
    size_t n = p ? strlen(p) : 0;

    if (!n || n > MAX_PATH || p[0] != '/')
        return false;
    if (n > 1 && p[n - 1] == '/')
        return false;
    return !strstr(p, "//");
}

static struct node *find(const char *path)
{
    for (size_t i = 0; i < nr_nodes; i++)
        if (!strcmp(nodes[i].path, path))
            return &nodes[i];
    return NULL;
}

/* Create path (not its parents); perms from the parent, as xenstored. */
static struct node *add(const char *path, const struct node *parent)
{
    struct node *n;

    if (nr_nodes == cap_nodes) {
        size_t c = cap_nodes ? cap_nodes * 2 : 64;
        struct node *g = realloc(nodes, c * sizeof(*g));

        if (!g)
            return NULL;
        nodes = g;
        cap_nodes = c;
    }
    n = &nodes[nr_nodes];
    memset(n, 0, sizeof(*n));
    n->path = strdup(path);
    n->value = strdup("");
    if (!n->path || !n->value) {
        free(n->path);
        free(n->value);
        return NULL;
    }
    if (parent) {
        memcpy(n->perms, parent->perms, sizeof(n->perms));
        n->nr_perms = parent->nr_perms;
    } else {
        n->perms[0] = (struct xs_permissions){ 0, XS_PERM_NONE };
        n->nr_perms = 1;
    }
    nr_nodes++;
    return n;
}

/* The node at path, created with its missing parents. */
static struct node *make(const char *path)
{
    char buf[MAX_PATH + 1];
    struct node *parent = find("/");
    char *slash;

    if (!parent && !(parent = add("/", NULL)))
        return NULL;
    strcpy(buf, path);
    for (slash = strchr(buf + 1, '/');; slash = strchr(slash + 1, '/')) {
        struct node *n;

        if (slash)
            *slash = '\0';
        n = find(buf);
        if (!n) {
            /* add() may move the array: keep the parent's index. */
            size_t pi = (size_t)(parent - nodes);

            n = add(buf, &nodes[pi]);
            if (!n)
                return NULL;
        }
        parent = n;
        if (!slash)
            return n;
        *slash = '/';
    }
}

int xst_read(const char *path, char **value, unsigned int *len)
{
    struct node *n;
    int rc = -ENOENT;

    if (!valid(path))
        return -EINVAL;
    pthread_mutex_lock(&lock);
    n = find(path);
    if (n) {
        *value = malloc(n->len + 1);
        rc = *value ? 0 : -ENOMEM;
        if (!rc) {
            memcpy(*value, n->value, n->len);
            (*value)[n->len] = '\0';
            *len = n->len;
        }
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

int xst_write(const char *path, const void *data, unsigned int len)
{
    struct node *n;
    char *v;
    int rc = -ENOMEM;

    if (!valid(path))
        return -EINVAL;
    v = malloc(len + 1);
    if (!v)
        return -ENOMEM;
    memcpy(v, data, len);
    v[len] = '\0';
    pthread_mutex_lock(&lock);
    n = make(path);
    if (n) {
        free(n->value);
        n->value = v;
        n->len = len;
        v = NULL;
        rc = 0;
    }
    pthread_mutex_unlock(&lock);
    free(v);
    return rc;
}

int xst_mkdir(const char *path)
{
    int rc;

    if (!valid(path))
        return -EINVAL;
    pthread_mutex_lock(&lock);
    rc = make(path) ? 0 : -ENOMEM;
    pthread_mutex_unlock(&lock);
    return rc;
}

static bool below(const char *path, const char *top)
{
    size_t n = strlen(top);

    if (!strcmp(top, "/"))
        return true;
    return !strncmp(path, top, n) && (path[n] == '\0' || path[n] == '/');
}

int xst_rm(const char *path)
{
    int rc = -ENOENT;

    if (!valid(path))
        return -EINVAL;
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < nr_nodes;) {
        if (below(nodes[i].path, path)) {
            free(nodes[i].path);
            free(nodes[i].value);
            nodes[i] = nodes[--nr_nodes];
            rc = 0;
        } else {
            i++;
        }
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

/* The last component of a direct child of dir, or NULL. */
static const char *child_name(const char *path, const char *dir)
{
    size_t n = strcmp(dir, "/") ? strlen(dir) : 0;

    if (strncmp(path, dir, n) || path[n] != '/' || !path[n + 1])
        return NULL;
    return strchr(path + n + 1, '/') ? NULL : path + n + 1;
}

/* One malloc()ed block: the pointer array, then the strings. */
int xst_directory(const char *path, char ***names, unsigned int *num)
{
    size_t count = 0, bytes = 0;
    char **out, *s;
    int rc = 0;

    if (!valid(path))
        return -EINVAL;
    pthread_mutex_lock(&lock);
    if (!find(path))
        rc = -ENOENT;
    for (size_t i = 0; !rc && i < nr_nodes; i++) {
        const char *c = child_name(nodes[i].path, path);

        if (c)
            count++, bytes += strlen(c) + 1;
    }
    out = rc ? NULL : malloc((count + 1) * sizeof(char *) + bytes);
    if (!rc && !out)
        rc = -ENOMEM;
    if (!rc) {
        s = (char *)(out + count + 1);
        count = 0;
        for (size_t i = 0; i < nr_nodes; i++) {
            const char *c = child_name(nodes[i].path, path);

            if (c) {
                out[count++] = strcpy(s, c);
                s += strlen(c) + 1;
            }
        }
        out[count] = NULL;
        *names = out;
        *num = (unsigned int)count;
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

int xst_get_perms(const char *path, struct xs_permissions **perms,
                  unsigned int *num)
{
    struct node *n;
    int rc = -ENOENT;

    if (!valid(path))
        return -EINVAL;
    pthread_mutex_lock(&lock);
    n = find(path);
    if (n) {
        *perms = malloc(n->nr_perms * sizeof(**perms));
        rc = *perms ? 0 : -ENOMEM;
        if (!rc) {
            memcpy(*perms, n->perms, n->nr_perms * sizeof(**perms));
            *num = n->nr_perms;
        }
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

int xst_set_perms(const char *path, const struct xs_permissions *perms,
                  unsigned int num)
{
    struct node *n;
    int rc = -ENOENT;

    if (!valid(path) || !num || num > MAX_PERMS)
        return -EINVAL;
    pthread_mutex_lock(&lock);
    n = find(path);
    if (n) {
        memcpy(n->perms, perms, num * sizeof(*perms));
        n->nr_perms = num;
        rc = 0;
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

bool xst_exists(const char *path)
{
    bool yes;

    pthread_mutex_lock(&lock);
    yes = valid(path) && find(path);
    pthread_mutex_unlock(&lock);
    return yes;
}

__attribute__((destructor)) static void xst_free_all(void)
{
    for (size_t i = 0; i < nr_nodes; i++) {
        free(nodes[i].path);
        free(nodes[i].value);
    }
    free(nodes);
    nodes = NULL;
    nr_nodes = cap_nodes = 0;
}
