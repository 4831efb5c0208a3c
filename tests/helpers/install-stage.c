/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "install-stage.h"

/* Keep make's jobserver and command-line variables out of the nested make:
 * BUILD and SAN are given explicitly. */
#define MAKE                                                                  \
    "env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory"

static char tmp[64];        /* the staging directory (DESTDIR) */
static char build[PATH_MAX];
static const char *san;

const char *inst_tmp(void)
{
    return tmp;
}

const char *inst_build(void)
{
    return build;
}

const char *inst_san(void)
{
    return san;
}

static char *vfmt(const char *fmt, va_list ap)
{
    char *s;

    assert_true(vasprintf(&s, fmt, ap) >= 0);
    return s;
}

char *inst_fmt(const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    s = vfmt(fmt, ap);
    va_end(ap);
    return s;
}

static char *slurp(FILE *f)
{
    size_t cap = 8192, n = 0, got;
    char *buf = malloc(cap);

    assert_non_null(buf);
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n < 2) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    buf[n] = '\0';
    return buf;
}

static char *vrun(int *status, const char *cmdfmt, va_list ap)
{
    char *cmd = vfmt(cmdfmt, ap), *full = inst_fmt("(%s) 2>&1", cmd), *out;
    FILE *p;
    int st;

    fflush(NULL);
    p = popen(full, "r");
    assert_non_null(p);
    out = slurp(p);
    st = pclose(p);
    *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    free(full);
    free(cmd);
    return out;
}

char *inst_run(int *status, const char *cmdfmt, ...)
{
    va_list ap;
    char *out;

    va_start(ap, cmdfmt);
    out = vrun(status, cmdfmt, ap);
    va_end(ap);
    return out;
}

char *inst_run_ok(const char *cmdfmt, ...)
{
    va_list ap, again;
    char *out, *cmd;
    int st;

    va_start(ap, cmdfmt);
    va_copy(again, ap);
    out = vrun(&st, cmdfmt, ap);
    va_end(ap);
    if (st != 0) {
        cmd = vfmt(cmdfmt, again);
        fail_msg("'%s' exited %d:\n%s", cmd, st, out);
    }
    va_end(again);
    return out;
}

char *inst_staged(const char *rel)
{
    return inst_fmt("%s/usr/%s", tmp, rel);
}

char *inst_read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    char *s;

    if (!f)
        fail_msg("cannot open %s: %s", path, strerror(errno));
    s = slurp(f);
    fclose(f);
    return s;
}

bool inst_same_file(const char *a, const char *b)
{
    int st;
    char *out = inst_run(&st, "cmp -s '%s' '%s'", a, b);

    free(out);
    return st == 0;
}

void inst_write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

const char *inst_san_cflags(void)
{
    /* A sanitised library needs a sanitised program (runtime first). */
    return !strcmp(san ? san : "", "1")
        ? "-fsanitize=address,undefined -fno-omit-frame-pointer" : "";
}

char *inst_header_path(const char *tree_path)
{
    static const char lib[] = "libxl_cpuid/";

    return inst_fmt("%s", strncmp(tree_path, lib, strlen(lib))
                    ? tree_path : tree_path + strlen(lib));
}

const char *inst_pkg_env(void)
{
    static char env[256];

    snprintf(env, sizeof(env),
             "PKG_CONFIG_PATH=%s/usr/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=%s",
             tmp, tmp);
    return env;
}

void inst_list_add(struct inst_list *l, const char *s, size_t len)
{
    l->v = realloc(l->v, (l->n + 1) * sizeof(*l->v));
    assert_non_null(l->v);
    l->v[l->n] = strndup(s, len);
    assert_non_null(l->v[l->n]);
    l->n++;
}

bool inst_list_has(const struct inst_list *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->v[i], s))
            return true;
    return false;
}

void inst_list_free(struct inst_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

void inst_list_lines(struct inst_list *l, const char *text)
{
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);

        if (len)
            inst_list_add(l, p, len);
        p += len + (nl != NULL);
    }
}

static char *make_install(int *st, const char *destdir, const char *vars)
{
    return inst_run(st, MAKE " BUILD='%s' SAN='%s' DESTDIR='%s' %s install",
                    build, san, destdir, vars);
}

int inst_setup(void **state)
{
    const char *b = getenv("XFS_BUILD");
    char *out;
    int st;

    (void)state;
    if (access("Makefile", R_OK) || access(INST_UMBRELLA, R_OK)) {
        fprintf(stderr, "test_install: run from the repository root\n");
        return -1;
    }
    snprintf(build, sizeof(build), "%s", b && *b ? b : "build");
    san = getenv("XFS_SAN") ? getenv("XFS_SAN") : "";
    snprintf(tmp, sizeof(tmp), "/tmp/xfs-install-XXXXXX");
    if (!mkdtemp(tmp)) {
        fprintf(stderr, "test_install: mkdtemp: %s\n", strerror(errno));
        return -1;
    }
    /* Install the build under test, not a rebuild of another variant. */
    out = inst_run(&st, MAKE " -q BUILD='%s' SAN='%s' all", build, san);
    free(out);
    if (st != 0) {
        fprintf(stderr, "test_install: %s is not up to date (make -q all "
                        "exited %d); run it through make test\n", build, st);
        return -1;
    }
    out = make_install(&st, tmp, "PREFIX=/usr");
    if (st != 0) {
        fprintf(stderr, "test_install: make install exited %d:\n%s\n", st,
                out);
        free(out);
        return -1;
    }
    free(out);
    return 0;
}

void inst_install(const char *destdir, const char *vars)
{
    int st;
    char *out = make_install(&st, destdir, vars);

    if (st != 0)
        fail_msg("make install DESTDIR=%s %s exited %d:\n%s", destdir, vars,
                 st, out);
    free(out);
}

int inst_teardown(void **state)
{
    char *out;
    int st;

    (void)state;
    if (!tmp[0] || strncmp(tmp, "/tmp/xfs-install-", 17))
        return 0;
    out = inst_run(&st, "rm -rf '%s'", tmp);
    free(out);
    return st == 0 ? 0 : -1;
}
