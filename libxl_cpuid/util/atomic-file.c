/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic-file.h"

/* The directory part of path ("." for a bare name), malloc'd. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');

    if (!slash)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

/* Why a file cannot be created at path: the directory, when it is that. */
static int cannot_create(const char *path, int e, xlc_error *err)
{
    char *dir = dir_of(path);
    struct stat st;
    int rc;

    if (!dir)
        return xlc_fail(err, ENOMEM, "out of memory");
    if (e == ENOENT && stat(dir, &st) && errno == ENOENT)
        rc = xlc_fail(err, ENOENT, "%s: cannot create: no such directory "
                      "'%s'", path, dir);
    else if (e == ENOTDIR || (e == ENOENT && !S_ISDIR(st.st_mode)))
        rc = xlc_fail(err, ENOTDIR, "%s: cannot create: '%s' is not a "
                      "directory", path, dir);
    else
        rc = xlc_fail(err, e, "%s: cannot create: %s", path, strerror(e));
    free(dir);
    return rc;
}

/* A new, unique file beside path; its name in tmp. */
static int create_beside(const char *path, char *tmp, size_t n,
                         xlc_error *err)
{
    for (unsigned int i = 0; i < 100; i++) {
        int fd;

        snprintf(tmp, n, "%s.tmp-%ld-%u", path, (long)getpid(), i);
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0)
            return fd;
        if (errno != EEXIST)
            return cannot_create(path, errno, err);
    }
    return xlc_fail(err, EEXIST, "%s: cannot create a temporary file "
                    "beside it", path);
}

/*
 * The new file keeps the mode of the one it replaces (a private file
 * stays private), unless the caller gives one (mode >= 0); the bytes
 * reach the disk before the rename.
 */
static int write_all(int fd, const char *path, int mode, const char *p,
                     size_t len)
{
    struct stat old;

    if (mode >= 0 && fchmod(fd, (mode_t)mode))
        return errno;
    if (mode < 0 && !lstat(path, &old) && S_ISREG(old.st_mode) &&
        fchmod(fd, old.st_mode & 07777))
        return errno;
    while (len) {
        ssize_t w = write(fd, p, len);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return w < 0 ? errno : EIO;
        p += w;
        len -= (size_t)w;
    }
    return fsync(fd) ? errno : 0;
}

/* The rename itself reaches the disk with its directory. */
static void sync_dir(const char *path)
{
    char *dir = dir_of(path);
    int fd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;

    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(dir);
}

static int write_failed(const char *path, int e, xlc_error *err)
{
    if (e == EISDIR)
        return xlc_fail(err, EISDIR, "%s: is a directory", path);
    /*
     * A file past the size limit (RLIMIT_FSIZE) is not the input's fault:
     * an I/O error, as a full disk is (the tool exits 5 for both).
     */
    if (e == EFBIG) {
        xlc_fail(err, EIO, "%s: write failed: %s (the file size limit)",
                 path, strerror(e));
        return -EIO;
    }
    return xlc_fail(err, e, "%s: write failed: %s", path, strerror(e));
}

int xlc_file_write_atomic(const char *path, const void *data, size_t len,
                          xlc_error *err)
{
    return xlc_file_write_atomic_mode(path, data, len, -1, err);
}

int xlc_file_write_atomic_mode(const char *path, const void *data,
                               size_t len, int mode, xlc_error *err)
{
    size_t n = strlen(path) + 32;
    char *tmp = malloc(n);
    int fd, e;

    if (!tmp)
        return xlc_fail(err, ENOMEM, "out of memory");
    fd = create_beside(path, tmp, n, err);
    if (fd < 0) {
        free(tmp);
        return fd;
    }
    e = write_all(fd, path, mode, data, len);
    if (close(fd) && !e)
        e = errno;
    if (!e && rename(tmp, path))
        e = errno;
    if (e) {
        unlink(tmp);
        free(tmp);
        return write_failed(path, e, err);
    }
    free(tmp);
    sync_dir(path);
    return 0;
}
