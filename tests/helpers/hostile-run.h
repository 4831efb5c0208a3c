/* SPDX-License-Identifier: MIT */
/*
 * The hostile-input tests' common ground: a scratch directory to write
 * generated inputs into, the built xen-cpuid run on them (standard input
 * from a file, a file size limit if asked), and the one shape every
 * refusal must have: an exit status, nothing on stdout, and exactly one
 * line on stderr -- ours, naming what it must name -- so that no library
 * printed anything of its own.
 */
#ifndef TESTS_HELPERS_HOSTILE_RUN_H
#define TESTS_HELPERS_HOSTILE_RUN_H

#include <stdbool.h>
#include <stddef.h>

struct hr_result {
    int status;                  /* exit status */
    char *out, *err;             /* stdout, stderr (malloc'd) */
};

struct hr_opts {
    const char *stdin_path;      /* NULL: /dev/null */
    long fsize_limit;            /* > 0: RLIMIT_FSIZE in bytes */
    const char *stdout_path;     /* NULL: captured */
};

/* A fresh scratch directory (hr_dir() until hr_cleanup removes it). */
void hr_setup(void);
void hr_cleanup(void);
/* The same as a cmocka group's setup and teardown. */
int hr_group_setup(void **state);
int hr_group_teardown(void **state);
const char *hr_dir(void);

/* hr_dir()/name, in a static buffer (valid until the next call). */
const char *hr_path(const char *name);
/* Write len bytes to hr_dir()/name; its path (malloc'd). */
char *hr_write(const char *name, const void *data, size_t len);
/* A file of `size` bytes of `fill`, written in blocks; its path. */
char *hr_write_fill(const char *name, char fill, size_t size);

/* Run xen-cpuid with args (NULL-terminated, no argv[0]). */
void hr_run(struct hr_result *r, const struct hr_opts *o,
            const char *const *args);
void hr_free(struct hr_result *r);

/*
 * r exited with `status`, printed nothing on stdout and one line on
 * stderr ("xen-cpuid: ...\n") holding each of the NULL-terminated wants.
 */
void hr_refused(const struct hr_result *r, int status, ...);

/* The whole of a file (malloc'd, NUL-terminated), *len its length. */
char *hr_read(const char *path, size_t *len);
/* True when s[0..n) is well-formed UTF-8. */
bool hr_valid_utf8(const char *s, size_t n);

#endif
