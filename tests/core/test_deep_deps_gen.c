/* SPDX-License-Identifier: MIT */
/*
 * The deep-dependency generator (xen/tools/gen-deep-deps.c) refuses a
 * table that is not a dependency order, so a bad edit of
 * xen/lib/deep-deps-table.h fails the build instead of producing a closure
 * in which a feature needs itself.  Each case builds the generator over a
 * small table in a temporary directory and runs it.  Run from the top of
 * the source tree (as `make test` does).
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

#include "xen/lib/featureset.h"

struct run {
    int status;   /* the generator's exit status, -1 when it did not build */
    char err[4096];
    char out[1 << 16];
};

static void slurp(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, size - 1, f) : 0;

    buf[n] = '\0';
    if (f)
        fclose(f);
}

/* Build the generator over `rows` (C initialisers) and run it. */
static void generate(const char *rows, struct run *r)
{
    char dir[] = "/tmp/xfs-deepdeps-XXXXXX", cmd[2048], path[256];
    FILE *f;
    int rc;

    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/table.h", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "#include <stdint.h>\n"
               "#define XFS_DEP_WHOLE_WORD 0x8000u\n"
               "#define XFS_DEP_MAX_CHILDREN 12\n"
               "struct xfs_dep_row { uint16_t parent;"
               " uint16_t child[XFS_DEP_MAX_CHILDREN + 1]; };\n"
               "static const struct xfs_dep_row xfs_deps_direct[] = {\n%s\n};\n",
            rows);
    fclose(f);
    snprintf(cmd, sizeof(cmd),
             "cc -std=c11 -D_GNU_SOURCE -I. '-DDEEP_DEPS_TABLE=\"%s\"' "
             "-o %s/gen xen/tools/gen-deep-deps.c xen/lib/featureset-ops.c "
             "2>%s/cc.err", path, dir, dir);
    rc = system(cmd);
    if (rc) {
        snprintf(path, sizeof(path), "%s/cc.err", dir);
        slurp(path, r->err, sizeof(r->err));
        fail_msg("the generator did not build: %s", r->err);
    }
    snprintf(cmd, sizeof(cmd), "%s/gen >%s/out 2>%s/err", dir, dir, dir);
    rc = system(cmd);
    r->status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    snprintf(path, sizeof(path), "%s/out", dir);
    slurp(path, r->out, sizeof(r->out));
    snprintf(path, sizeof(path), "%s/err", dir);
    slurp(path, r->err, sizeof(r->err));
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

static void acyclic_table_is_closed(void **state)
{
    struct run *r = malloc(sizeof(*r));
    char want[64];

    (void)state;
    assert_non_null(r);
    generate("{ XFS_SSE, { XFS_SSE2 } }, { XFS_SSE2, { XFS_SSE3 } },", r);
    assert_int_equal(r->status, 0);
    assert_string_equal(r->err, "");
    /* SSE's row holds SSE3 too: bits 25 (SSE2, word 0) and 32 (SSE3). */
    snprintf(want, sizeof(want), "{ 0x%08x, 0x%08x,",
             1u << (XFS_SSE2 % 32), 1u << (XFS_SSE3 % 32));
    assert_non_null(strstr(r->out, want));
    free(r);
}

static void cycle_fails_naming_it(void **state)
{
    struct run *r = malloc(sizeof(*r));
    char want[64];

    (void)state;
    assert_non_null(r);
    generate("{ XFS_SSE, { XFS_SSE2 } }, { XFS_SSE2, { XFS_SSE3 } },"
             "{ XFS_SSE3, { XFS_SSE } },", r);
    assert_int_equal(r->status, 1);
    assert_string_equal(r->out, "");
    snprintf(want, sizeof(want), "dependency cycle: %u -> %u -> %u -> %u",
             XFS_SSE, XFS_SSE2, XFS_SSE3, XFS_SSE);
    assert_non_null(strstr(r->err, want));
    free(r);
}

static void self_dependency_fails(void **state)
{
    struct run *r = malloc(sizeof(*r));

    (void)state;
    assert_non_null(r);
    generate("{ XFS_AVX, { XFS_AVX2, XFS_AVX } },", r);
    assert_int_equal(r->status, 1);
    assert_non_null(strstr(r->err, "dependency cycle"));
    free(r);
}

static void duplicate_parent_and_bad_child_fail(void **state)
{
    struct run *r = malloc(sizeof(*r));

    (void)state;
    assert_non_null(r);
    generate("{ XFS_SSE, { XFS_SSE2 } }, { XFS_SSE, { XFS_SSE3 } },", r);
    assert_int_equal(r->status, 1);
    assert_non_null(strstr(r->err, "has two rows"));
    generate("{ XFS_SSE, { 0x7fff } },", r);
    assert_int_equal(r->status, 1);
    assert_non_null(strstr(r->err, "is not a feature bit"));
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(acyclic_table_is_closed),
        cmocka_unit_test(cycle_fails_naming_it),
        cmocka_unit_test(self_dependency_fails),
        cmocka_unit_test(duplicate_parent_and_bad_child_fail),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
