/* SPDX-License-Identifier: MIT */
/*
 * Inputs that are not what they are named as, on every subcommand that
 * reads a file: a directory is "is a directory", an empty file (or
 * /dev/null) "empty file", a pipe where a file is read twice says so --
 * never "truncated", "read error" or "no such file".  And what a message
 * or a report quotes from its input: control bytes escaped in every
 * message and text report, --json valid UTF-8 whatever the file names
 * hold.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <yajl/yajl_tree.h>

#include "../helpers/hostile-run.h"

#define MAX_ARGS 12

static const char *dump_path(void)
{
    static char path[4096];
    const char *data = getenv("XFS_DATA");

    snprintf(path, sizeof(path), "%s/cpuid/instlatx64/"
             "AuthenticAMD0A10F11_K19_Genoa_01.xml", data ? data : "tests/data");
    return path;
}

/*
 * Each command line with "@" where the input goes; every one must refuse
 * that input with exit 2 and one line naming it and saying `what`.
 */
static const char *const commands[][MAX_ARGS] = {
    { "restore-check", "@" },
    { "record", "--type", "pv", "-o", "OUT", "@" },
    { "record", "--type", "pv", "--libvirt", "@", "-o", "OUT" },
    { "level", "@" },
    { "level", "--type", "pv", "00000001:00000002", "guest:@" },
    { "--cpuid", "@", "policy" },
    { "--cpuid", "@", "info" },
    { "restore-check", "--cpuid", "@", "STREAM" },
    { "model", "@" },
    { "viridian", "--libvirt", "@" },
    { "xl-cpuid", "--config", "@" },
};

static void run_with(struct hr_result *r, const char *const *cmd,
                     const char *input)
{
    char out[4096], stream[4096], prefixed[4200];
    const char *args[MAX_ARGS + 1];
    size_t i;

    snprintf(out, sizeof(out), "%s", hr_path("out.s"));
    snprintf(stream, sizeof(stream), "%s", hr_path("g.stream"));
    for (i = 0; cmd[i]; i++) {
        size_t n = strlen(cmd[i]);

        if (n && cmd[i][n - 1] == '@') {
            snprintf(prefixed, sizeof(prefixed), "%.*s%s", (int)(n - 1),
                     cmd[i], input);
            args[i] = prefixed;
        } else {
            args[i] = !strcmp(cmd[i], "OUT") ? out
                      : !strcmp(cmd[i], "STREAM") ? stream : cmd[i];
        }
    }
    args[i] = NULL;
    hr_run(r, NULL, args);
}

static void each_command(const char *input, const char *what)
{
    char shown[4200];

    snprintf(shown, sizeof(shown), "%s: %s", input, what);
    for (size_t c = 0; c < sizeof(commands) / sizeof(commands[0]); c++) {
        struct hr_result r;

        run_with(&r, commands[c], input);
        if (r.status != 2 || !strstr(r.err, shown))
            fail_msg("%s %s: exit %d, stderr '%s' (wanted '%s')",
                     commands[c][0], commands[c][1], r.status, r.err, shown);
        hr_refused(&r, 2, shown, NULL);
        hr_free(&r);
    }
}

/* A stream for restore-check --cpuid to be asked about. */
static void make_stream(void)
{
    struct hr_result r;

    hr_run(&r, NULL, (const char *const[]){ "record", "--type", "pv",
                                            "--cpuid", dump_path(), "-o",
                                            hr_path("g.stream"), NULL });
    assert_int_equal(r.status, 0);
    hr_free(&r);
}

static void directories(void **state)
{
    char *d = strdup(hr_path("adir"));

    (void)state;
    make_stream();
    assert_int_equal(mkdir(d, 0755), 0);
    each_command(d, "is a directory");
    free(d);
}

static void empty_files(void **state)
{
    char *e = hr_write("empty", "", 0);

    (void)state;
    make_stream();
    each_command(e, "empty file");
    each_command("/dev/null", "empty file");
    free(e);
}

/* `level` reads an input twice (its kind, then its content). */
static void pipes(void **state)
{
    struct hr_result r;
    char *fifo = strdup(hr_path("fifo"));

    (void)state;
    assert_int_equal(mkfifo(fifo, 0600), 0);
    hr_run(&r, NULL, (const char *const[]){ "level", fifo, NULL });
    hr_refused(&r, 2, "fifo: a pipe, not a file", NULL);
    hr_free(&r);
    free(fifo);
}

static bool has_control(const char *s)
{
    for (; *s; s++)
        if (((unsigned char)*s < 0x20 && *s != '\n') || *s == 0x7f)
            return true;
    return false;
}

/* Control bytes from the command line and from files never reach stderr. */
static void messages_escape(void **state)
{
    char *name = strdup(hr_path("a\x1b[31mred\x07.xml"));
    static const char text[] = "CPU 0:\n  0x0 \x1b[2J\n";
    char *bad = hr_write("b\x1b]0;title\x07.txt", text, sizeof(text) - 1);
    struct hr_result r;

    (void)state;
    hr_run(&r, NULL, (const char *const[]){ "model", name, NULL });
    hr_refused(&r, 2, "a\\x1b[31mred\\x07.xml", NULL);
    assert_false(has_control(r.err));
    hr_free(&r);
    hr_run(&r, NULL, (const char *const[]){ "--cpuid", bad, "policy",
                                            NULL });
    hr_refused(&r, 2, "b\\x1b]0;title\\x07.txt:2: expected a subleaf",
               "found '\\x1b[2J'", NULL);
    assert_false(has_control(r.err));
    hr_free(&r);
    hr_run(&r, NULL, (const char *const[]){ "explain", "x\x1by\xc2\x9bz",
                                            NULL });
    hr_refused(&r, 2, "'x\\x1by\\u009bz'", NULL);
    hr_free(&r);
    hr_run(&r, NULL, (const char *const[]){ "level", "--type", "pv",
                                            "h\x1b=00000001:0000000z",
                                            NULL });
    hr_refused(&r, 2, "host 'h\\x1b'", NULL);
    assert_false(has_control(r.err));
    hr_free(&r);
    free(name);
    free(bad);
}

/* JSON output stays valid UTF-8 and parses, whatever a file is called. */
static void json_names(void **state)
{
    char *out = strdup(hr_path("out\xff\xfe\x1b.s"));
    char err[128];
    struct hr_result r;
    yajl_val top, v;

    (void)state;
    hr_run(&r, NULL, (const char *const[]){ "record", "--json", "--type",
                                            "pv", "--cpuid", dump_path(),
                                            "-o", out, NULL });
    assert_int_equal(r.status, 0);
    assert_true(hr_valid_utf8(r.out, strlen(r.out)));
    top = yajl_tree_parse(r.out, err, sizeof(err));
    if (!top)
        fail_msg("not JSON: %s", err);
    v = yajl_tree_get(top, (const char *[]){ "output", NULL },
                      yajl_t_string);
    assert_non_null(v);
    assert_non_null(strstr(v->u.string, "out\\xff\\xfe\x1b.s"));
    yajl_tree_free(top);
    hr_free(&r);
    /* The same file restored: the report names it, still valid. */
    hr_run(&r, NULL, (const char *const[]){ "restore-check", "--json",
                                            "--cpuid", dump_path(), out,
                                            NULL });
    assert_int_equal(r.status, 0);
    assert_true(hr_valid_utf8(r.out, strlen(r.out)));
    top = yajl_tree_parse(r.out, err, sizeof(err));
    if (!top)
        fail_msg("not JSON: %s", err);
    yajl_tree_free(top);
    hr_free(&r);
    /* A text report quotes the name escaped, as a message would. */
    hr_run(&r, NULL, (const char *const[]){ "restore-check", "--cpuid",
                                            dump_path(), out, NULL });
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "out\\xff\\xfe\\x1b.s: x86 PV guest"));
    assert_false(has_control(r.out));
    assert_true(hr_valid_utf8(r.out, strlen(r.out)));
    hr_free(&r);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(directories),
        cmocka_unit_test(empty_files),
        cmocka_unit_test(pipes),
        cmocka_unit_test(messages_escape),
        cmocka_unit_test(json_names),
    };

    return cmocka_run_group_tests(tests, hr_group_setup, hr_group_teardown);
}
