/* SPDX-License-Identifier: MIT */
/*
 * `make install` into a staging directory (DESTDIR=<tmp> PREFIX=/usr), run
 * from the repository root on the build under test ($XFS_BUILD, $XFS_SAN,
 * exported by `make test`), for the test_install_* programs that check
 * the result from the outside; and the small helpers they share.  Every
 * helper fails the current cmocka test on an error.
 */
#ifndef TESTS_HELPERS_INSTALL_STAGE_H
#define TESTS_HELPERS_INSTALL_STAGE_H

#include <stdbool.h>
#include <stddef.h>

#define INST_VERSION_NODE "LIBXL_CPUID_0.1"
#define INST_SONAME "libxl_cpuid.so.0"
#define INST_REALNAME "libxl_cpuid.so.0.1.0"
/* The two headers a program includes (tree paths; installed as
 * <libxl_cpuid/libxl_cpuid.h> and <libxl_cpuid/libxl-list.h>). */
#define INST_UMBRELLA "libxl_cpuid/libxl_cpuid.h"
#define INST_LIBXL_LIST "libxl_cpuid/libxl-list.h"

/* cmocka group setup and teardown: install, remove the staging tree. */
int inst_setup(void **state);
int inst_teardown(void **state);

/*
 * Another `make install` of the build under test into destdir, with
 * extra make variables (e.g. "PREFIX=/usr LIBDIR=/usr/lib/x86_64-linux-gnu");
 * fails the test when it fails.
 */
void inst_install(const char *destdir, const char *vars);

/* The staging directory, the build directory, $XFS_SAN. */
const char *inst_tmp(void);
const char *inst_build(void);
const char *inst_san(void);

/* asprintf that cannot fail (malloc'd). */
char *inst_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A shell command's stdout+stderr; *status its exit status. */
char *inst_run(int *status, const char *cmdfmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The same for a command that must succeed. */
char *inst_run_ok(const char *cmdfmt, ...)
    __attribute__((format(printf, 1, 2)));
/* "<staging>/usr/REL" (malloc'd). */
char *inst_staged(const char *rel);
/* A whole file (malloc'd). */
char *inst_read_file(const char *path);
bool inst_same_file(const char *a, const char *b);
void inst_write_file(const char *path, const char *text);
/* "PKG_CONFIG_PATH=... PKG_CONFIG_SYSROOT_DIR=..." for the staging tree. */
const char *inst_pkg_env(void);
/* Compiler flags a test program needs beside pkg-config's: the
 * sanitizers, when the library under test was built with them. */
const char *inst_san_cflags(void);
/* The path of a tree header once installed, relative to
 * $(includedir)/libxl_cpuid ("libxl_cpuid/" dropped, "xen/..." and
 * "public/..." kept), malloc'd. */
char *inst_header_path(const char *tree_path);

/* A list of strings, for symbol and header sets. */
struct inst_list {
    char **v;
    size_t n;
};

void inst_list_add(struct inst_list *l, const char *s, size_t len);
bool inst_list_has(const struct inst_list *l, const char *s);
void inst_list_free(struct inst_list *l);
/* Every non-empty line of text as an entry. */
void inst_list_lines(struct inst_list *l, const char *text);

#endif
