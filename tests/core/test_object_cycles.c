/* SPDX-License-Identifier: MIT */
/*
 * The object cycle check (tests/object-cycles.sh, run by `make test` over
 * the library's objects) fails on a circle between object files and
 * names it, and passes a layered set.  Each case compiles a few one-line
 * C files in a temporary directory and runs the check on their objects.
 * Run from the top of the source tree (as `make test` does).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

struct run {
    int status;   /* the check's exit status */
    char out[8192];
};

struct unit {
    const char *name;    /* file name without .c */
    const char *text;    /* its C source */
};

static void slurp(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, size - 1, f) : 0;

    buf[n] = '\0';
    if (f)
        fclose(f);
}

/* Compile each unit to dir/name.o, run the check over them all. */
static void check(const struct unit *u, size_t n, struct run *r)
{
    char dir[] = "/tmp/xfs-cycles-XXXXXX", cmd[4096], path[256];
    size_t len;
    FILE *f;

    assert_non_null(mkdtemp(dir));
    len = (size_t)snprintf(cmd, sizeof(cmd), "sh tests/object-cycles.sh");
    for (size_t i = 0; i < n; i++) {
        char cc[512];

        snprintf(path, sizeof(path), "%s/%s.c", dir, u[i].name);
        f = fopen(path, "w");
        assert_non_null(f);
        fputs(u[i].text, f);
        fclose(f);
        snprintf(cc, sizeof(cc), "cc -c -o %s/%s.o %s", dir, u[i].name,
                 path);
        assert_int_equal(system(cc), 0);
        len += (size_t)snprintf(cmd + len, sizeof(cmd) - len, " %s/%s.o",
                                dir, u[i].name);
    }
    snprintf(cmd + len, sizeof(cmd) - len, " >%s/out 2>&1", dir);
    int rc = system(cmd);

    r->status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    snprintf(path, sizeof(path), "%s/out", dir);
    slurp(path, r->out, sizeof(r->out));
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

static void layered_objects_pass(void **state)
{
    static const struct unit u[] = {
        { "front", "int low(void); int mid(void);\n"
                   "int front(void) { return low() + mid(); }\n" },
        { "mid", "int low(void);\nint mid(void) { return low(); }\n" },
        { "low", "int low(void) { return 1; }\n" },
    };
    struct run r;

    (void)state;
    check(u, 3, &r);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "no dependency cycle between 3 objects"));
}

/* A front door that a parser calls back: the circle the check exists for. */
static void pair_calling_each_other_fails(void **state)
{
    static const struct unit u[] = {
        { "door", "int parse(void);\nint door(void) { return parse(); }\n"
                  "int builder(void) { return 2; }\n" },
        { "parser", "int builder(void);\n"
                    "int parse(void) { return builder(); }\n" },
    };
    struct run r;

    (void)state;
    check(u, 2, &r);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "door.o <-> "));
    assert_non_null(strstr(r.out, "parser.o uses "));
    assert_non_null(strstr(r.out, "door.o: builder"));
    assert_non_null(strstr(r.out, "1 dependency cycle(s) between 2 objects"));
}

/* A circle through a third object, and data (not only calls), counts. */
static void indirect_circle_through_data_fails(void **state)
{
    static const struct unit u[] = {
        { "a", "int b(void);\nint a(void) { return b(); }\n" },
        { "b", "extern const int c_table[];\n"
               "int b(void) { return c_table[0]; }\n" },
        { "c", "int a(void);\nconst int c_table[] = { 1 };\n"
               "int c(void) { return a(); }\n" },
        { "d", "int a(void);\nint d(void) { return a(); }\n" },
    };
    struct run r;

    (void)state;
    check(u, 4, &r);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "b.o uses "));
    assert_non_null(strstr(r.out, "c.o: c_table"));
    /* d.o only uses the circle; it is not part of it. */
    assert_null(strstr(r.out, "d.o"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(layered_objects_pass),
        cmocka_unit_test(pair_calling_each_other_fails),
        cmocka_unit_test(indirect_circle_through_data_fails),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
