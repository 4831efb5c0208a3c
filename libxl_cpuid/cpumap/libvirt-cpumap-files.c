/* SPDX-License-Identifier: MIT */
/*
 * Which files a cpu_map was read from, and whether they are still the
 * same files: the key of the cpu_map cache.  The loader records each file
 * before reading it; the cache compares the records with the files now.
 * (Its own file, so that the loader and the cache both call it without
 * calling each other.)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libvirt-cpumap-int.h"
#include "../util/strbuf.h"

static void id_from_stat(struct xlc_lv_file_id *id, const struct stat *st)
{
    id->dev = (uint64_t)st->st_dev;
    id->ino = (uint64_t)st->st_ino;
    id->size = (uint64_t)st->st_size;
    id->mtime_s = st->st_mtim.tv_sec;
    id->mtime_ns = st->st_mtim.tv_nsec;
    id->ctime_s = st->st_ctim.tv_sec;
    id->ctime_ns = st->st_ctim.tv_nsec;
}

static bool same_id(const struct xlc_lv_file_id *a,
                    const struct xlc_lv_file_id *b)
{
    return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
           a->mtime_s == b->mtime_s && a->mtime_ns == b->mtime_ns &&
           a->ctime_s == b->ctime_s && a->ctime_ns == b->ctime_ns;
}

/* DIR/name as stat() sees it now; false when it cannot be stat()ed. */
static bool stat_id(const char *dir, const char *name,
                    struct xlc_lv_file_id *id)
{
    char path[8192];
    struct stat st;

    if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
            sizeof(path) ||
        stat(path, &st))
        return false;
    id_from_stat(id, &st);
    return true;
}

int xlc_lv_record_file(struct lv_loader *ld, const char *name)
{
    struct xlc_cpu_map *m = ld->map;
    struct xlc_lv_file_id *id;

    if (xlc_grow(&m->files, &ld->cap_files, m->nr_files, sizeof(*id)))
        return -ENOMEM;
    id = &m->files[m->nr_files];
    memset(id, 0, sizeof(*id));
    id->name = strdup(name);
    if (!id->name)
        return -ENOMEM;
    /* Unreadable: the load fails anyway; an all-zero identity is never
     * cached (see xlc_lv_files_unchanged()). */
    stat_id(m->dir, name, id);
    m->nr_files++;
    return 0;
}

/*
 * Each file as recorded (an all-zero record never is).  The directory is
 * opened once: each file then costs the lookup of one name, not of its
 * whole path, for a check made at every start-up.
 */
bool xlc_lv_files_same(const char *dir, const struct xlc_lv_file_id *f,
                       size_t n)
{
    int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    bool same = fd >= 0;

    for (size_t i = 0; same && i < n; i++) {
        struct xlc_lv_file_id now;
        struct stat st;

        same = f[i].ino && !fstatat(fd, f[i].name, &st, 0);
        if (same) {
            id_from_stat(&now, &st);
            same = same_id(&f[i], &now);
        }
    }
    if (fd >= 0)
        close(fd);
    return same;
}

bool xlc_lv_files_unchanged(const struct xlc_cpu_map *m, const char **why)
{
    if (!m->nr_files) {
        *why = "the map was not read from a directory";
        return false;
    }
    if (!xlc_lv_files_same(m->dir, m->files, m->nr_files)) {
        *why = "a cpu_map file changed while it was read";
        return false;
    }
    return true;
}
