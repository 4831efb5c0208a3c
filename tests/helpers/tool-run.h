/* SPDX-License-Identifier: MIT */
/*
 * Running the built xen-cpuid from a test: where it is, where the shared
 * dumps are, and one call that runs it and hands back what it printed.
 * Every helper fails the current cmocka test on a system error.
 */
#ifndef TESTS_HELPERS_TOOL_RUN_H
#define TESTS_HELPERS_TOOL_RUN_H

#include <stdio.h>

/* $XFS_TOOL (make test sets it), else $(BUILD)/xen-cpuid next to the
 * $(BUILD)/tests/ directory this program runs from. */
const char *tool_path(void);

/* All of f up to EOF, NUL-terminated (malloc'd). */
char *tool_slurp(FILE *f);

/*
 * Run a shell command line; its exit code is returned (the test fails if
 * it did not exit). *out gets stdout; *err gets stderr, or, when err is
 * NULL, stderr is left as the command line redirects it. Both malloc'd.
 */
int tool_run_shell(const char *cmd, char **out, char **err);

/* Run "TOOL ARGS" through the shell (args already quoted). */
int tool_run(const char *args, char **out, char **err);

/* Run the tool without a shell: args is NULL-terminated, without argv[0]. */
int tool_run_argv(const char *const *args, char **out, char **err);

/*
 * Run the program at path with exactly argv (NULL-terminated, argv[0]
 * included, so two programs can be given the same name); stdout and
 * stderr kept apart.  Returns the exit code (the test fails if it did not
 * exit).
 */
int tool_exec(const char *path, const char *const *argv, char **out,
              char **err);

#endif
