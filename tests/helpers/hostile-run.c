/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "hostile-run.h"
#include "tool-run.h"

static char dir[64];

void hr_setup(void)
{
    snprintf(dir, sizeof(dir), "/tmp/xfs-hostile-XXXXXX");
    assert_non_null(mkdtemp(dir));
}

void hr_cleanup(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    while (d && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        /* Directories made by a test are empty ones. */
        if (unlink(hr_path(e->d_name)))
            rmdir(hr_path(e->d_name));
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

const char *hr_dir(void)
{
    return dir;
}

const char *hr_path(const char *name)
{
    static char path[PATH_MAX];

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return path;
}

char *hr_write(const char *name, const void *data, size_t len)
{
    char *path = strdup(hr_path(name));
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    return path;
}

char *hr_write_fill(const char *name, char fill, size_t size)
{
    char *path = strdup(hr_path(name)), block[65536];
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    memset(block, fill, sizeof(block));
    for (size_t left = size; left;) {
        size_t n = left < sizeof(block) ? left : sizeof(block);

        assert_int_equal(fwrite(block, 1, n, f), n);
        left -= n;
    }
    assert_int_equal(fclose(f), 0);
    return path;
}

char *hr_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    size_t n = 0, cap = 4096, got;
    char *buf = malloc(cap + 1);

    assert_non_null(f);
    assert_non_null(buf);
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap + 1);
            assert_non_null(buf);
        }
    }
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

static void child(const struct hr_opts *o, int out, int err,
                  const char *const *argv)
{
    struct rlimit rl;
    int in = open(o && o->stdin_path ? o->stdin_path : "/dev/null",
                  O_RDONLY);

    if (in < 0)
        _exit(126);
    dup2(in, STDIN_FILENO);
    dup2(out, STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    if (o && o->fsize_limit > 0) {
        rl.rlim_cur = rl.rlim_max = (rlim_t)o->fsize_limit;
        if (setrlimit(RLIMIT_FSIZE, &rl))
            _exit(126);
    }
    execv(argv[0], (char *const *)argv);
    _exit(127);
}

/* Append what fd has now to *buf; false at its end. */
static bool drain(int fd, char **buf, size_t *len)
{
    char chunk[65536];
    ssize_t n = read(fd, chunk, sizeof(chunk));

    if (n <= 0)
        return false;
    *buf = realloc(*buf, *len + (size_t)n + 1);
    assert_non_null(*buf);
    memcpy(*buf + *len, chunk, (size_t)n);
    *len += (size_t)n;
    (*buf)[*len] = '\0';
    return true;
}

/*
 * The child's stdout and stderr come through pipes: a file size limit
 * (RLIMIT_FSIZE) would cut what it says if they were files.
 */
void hr_run(struct hr_result *r, const struct hr_opts *o,
            const char *const *args)
{
    const char *argv[64] = { tool_path() };
    int out[2], err[2], st;
    size_t out_len = 0, err_len = 0;
    bool out_open, err_open = true;
    pid_t pid;
    size_t i;

    for (i = 0; args[i]; i++) {
        assert_true(i + 2 < sizeof(argv) / sizeof(argv[0]));
        argv[i + 1] = args[i];
    }
    assert_int_equal(pipe(out), 0);
    assert_int_equal(pipe(err), 0);
    if (o && o->stdout_path) {
        close(out[0]);
        close(out[1]);
        out[1] = open(o->stdout_path, O_WRONLY);
        assert_true(out[1] >= 0);
        out[0] = -1;
    }
    fflush(NULL);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (out[0] >= 0)
            close(out[0]);
        close(err[0]);
        child(o, out[1], err[1], argv);
    }
    close(out[1]);
    close(err[1]);
    r->out = calloc(1, 1);
    r->err = calloc(1, 1);
    assert_non_null(r->out);
    assert_non_null(r->err);
    out_open = out[0] >= 0;
    while (out_open || err_open) {
        struct pollfd p[2] = { { out[0], POLLIN, 0 }, { err[0], POLLIN, 0 } };

        p[0].fd = out_open ? out[0] : -1;
        p[1].fd = err_open ? err[0] : -1;
        assert_true(poll(p, 2, -1) > 0);
        if (p[0].revents)
            out_open = drain(out[0], &r->out, &out_len);
        if (p[1].revents)
            err_open = drain(err[0], &r->err, &err_len);
    }
    if (out[0] >= 0)
        close(out[0]);
    close(err[0]);
    assert_int_equal(waitpid(pid, &st, 0), pid);
    if (!WIFEXITED(st))
        fail_msg("xen-cpuid %s did not exit (signal %d)", args[0],
                 WIFSIGNALED(st) ? WTERMSIG(st) : 0);
    r->status = WEXITSTATUS(st);
}

void hr_free(struct hr_result *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

void hr_refused(const struct hr_result *r, int status, ...)
{
    const char *nl = strchr(r->err, '\n');
    const char *want;
    va_list ap;

    if (r->status != status)
        fail_msg("exit %d, expected %d; stderr: %s", r->status, status,
                 r->err);
    if (r->out[0])
        fail_msg("printed on stdout: %.200s", r->out);
    if (strncmp(r->err, "xen-cpuid: ", 11) || !nl || nl[1])
        fail_msg("stderr is not one line of ours: '%s'", r->err);
    va_start(ap, status);
    while ((want = va_arg(ap, const char *)))
        if (!strstr(r->err, want))
            fail_msg("stderr '%s' lacks '%s'", r->err, want);
    va_end(ap);
}

bool hr_valid_utf8(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;

    for (size_t i = 0; i < n;) {
        unsigned char c = u[i];
        size_t k = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 :
                   c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4
                                                                       : 0;
        uint32_t cp = k == 1 ? c : k == 2 ? c & 0x1f : k == 3 ? c & 0x0f
                                                              : c & 0x07;

        if (!k || i + k > n)
            return false;
        for (size_t j = 1; j < k; j++) {
            if ((u[i + j] & 0xc0) != 0x80)
                return false;
            cp = cp << 6 | (u[i + j] & 0x3f);
        }
        if ((k == 3 && cp < 0x800) || (k == 4 && (cp < 0x10000 ||
                                                  cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += k;
    }
    return true;
}

int hr_group_setup(void **state)
{
    (void)state;
    hr_setup();
    return 0;
}

int hr_group_teardown(void **state)
{
    (void)state;
    hr_cleanup();
    return 0;
}
