/* SPDX-License-Identifier: MIT */
/*
 * The installed headers and a program built against them: every header
 * of the tree is either installed (pulled in by the umbrella
 * libxl_cpuid.h) or named internal in it; every installed header compiles
 * on its own with only the pkg-config flags; a program built with
 * `pkg-config --cflags --libs libxl_cpuid` against the staging tree runs
 * on the installed library and gets the same answers as this (statically
 * linked) test.
 * (make install into a staging directory: tests/helpers/install-stage.h.)
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "libxl_cpuid/sources/cpuid-dump.h"
#include "libxl_cpuid/names/feature-names.h"
#include "tests/helpers/install-stage.h"
#include "xen/lib/featureset.h"

/* ---- headers ---- */

/* The header paths the umbrella names internal (after "Internal headers"). */
static void internal_headers(struct inst_list *l)
{
    char *text = inst_read_file(INST_UMBRELLA);
    const char *p = strstr(text, "Internal headers");
    const char *end = p ? strstr(p, "*/") : NULL;

    assert_non_null(end);
    while (p < end) {
        size_t len = strcspn(p, " \n*:");

        if (len > 2 && !strncmp(p + len - 2, ".h", 2))
            inst_list_add(l, p, len);
        p += len ? len : 1;
    }
    assert_true(l->n > 0);
    free(text);
}

static void every_header_installed_or_internal(void **state)
{
    struct inst_list repo = { 0 }, internal = { 0 }, inst = { 0 };
    char *out = inst_run_ok("find libxl_cpuid xen public -name '*.h' | sort");
    char *inc = inst_staged("include/libxl_cpuid"), *iout;

    (void)state;
    internal_headers(&internal);
    inst_list_lines(&repo, out);
    iout = inst_run_ok("cd '%s' && find . -type f | sed 's|^\\./||' | "
                       "sort", inc);
    inst_list_lines(&inst, iout);
    for (size_t i = 0; i < repo.n; i++) {
        bool installed = inst_list_has(&inst, repo.v[i]);
        bool priv = inst_list_has(&internal, repo.v[i]);

        if (installed && priv)
            fail_msg("%s is installed but " INST_UMBRELLA " calls it internal",
                     repo.v[i]);
        if (!installed && !priv)
            fail_msg("%s is neither included by " INST_UMBRELLA
                     " (so installed) "
                     "nor listed there as internal: add it to one of them",
                     repo.v[i]);
    }
    for (size_t i = 0; i < internal.n; i++)
        if (!inst_list_has(&repo, internal.v[i]))
            fail_msg(INST_UMBRELLA " lists %s as internal, but there is no "
                     "such "
                     "header", internal.v[i]);
    for (size_t i = 0; i < inst.n; i++) {
        char *path = inst_fmt("%s/%s", inc, inst.v[i]);

        if (!inst_list_has(&repo, inst.v[i]) ||
            !inst_same_file(path, inst.v[i]))
            fail_msg("installed %s is not the tree's", inst.v[i]);
        free(path);
    }
    inst_list_free(&inst);
    inst_list_free(&internal);
    inst_list_free(&repo);
    free(iout);
    free(inc);
    free(out);
}

/* Each installed header, alone, with nothing but the pkg-config flags,
 * from outside the tree: strict C11, all warnings. */
static void headers_compile_alone(void **state)
{
    char *out = inst_run_ok(
        "cd '%s' && cflags=$(%s pkg-config --cflags libxl_cpuid) && "
        "cd usr/include/libxl_cpuid && n=0 && "
        "for h in $(find . -name '*.h' | sed 's|^\\./||' | sort); do "
        "  printf '#include <%%s>\\n#include <%%s>\\nint x;\\n' $h $h | "
        "  cc -std=c11 -Wall -Wextra -Werror -pedantic $cflags -fsyntax-only "
        "     -x c - || { echo \"FAILED: $h\"; exit 1; }; n=$((n+1)); "
        "done; echo \"headers: $n\"",
        inst_tmp(), inst_pkg_env());
    unsigned int n = 0;

    (void)state;
    assert_non_null(strstr(out, "headers: "));
    assert_int_equal(sscanf(strstr(out, "headers: "), "headers: %u", &n), 1);
    assert_true(n >= 10);
    free(out);
}

/* ---- a program built against the installed library ---- */

static const char dump_text[] =
    "CPU:\n"
    "   0x00000000 0x00: eax=0x0000000d ebx=0x756e6547 ecx=0x6c65746e "
    "edx=0x49656e69\n"
    "   0x00000001 0x00: eax=0x000906ea ebx=0x00100800 ecx=0x7ffafbff "
    "edx=0xbfebfbff\n";
static const char bad_text[] =
    "CPU:\n   0x00000001 0x00: eax=0x1 ebx=0x2 ecx=0x3\n";

/*
 * The consumer's source.  The same calls are made here (statically linked)
 * to build the expected output.
 */
static const char consumer_src[] =
    "#include <libxl_cpuid/libxl_cpuid.h>\n"
    "#include <stdio.h>\n"
    "#include <string.h>\n"
    "\n"
    "static const char dump[] = DUMP, bad[] = BAD;\n"
    "\n"
    "int main(void)\n"
    "{\n"
    "    xlc_error err = { 0 };\n"
    "    struct xlc_cpuid_dump *d = NULL;\n"
    "    const uint32_t *deps;\n"
    "    unsigned int avx;\n"
    "    int rc;\n"
    "\n"
    "    if (xlc_feature_lookup(\"avx\", &avx, &err))\n"
    "        return printf(\"lookup: %s\\n\", err.msg), 1;\n"
    "    printf(\"avx %u*32+%u\\ndeps:\", avx / 32, avx % 32);\n"
    "    deps = xfs_lookup_deep_deps(avx);\n"
    "    for (unsigned int i = 0; deps && i < xfs_nr_features; i++)\n"
    "        if (xfs_test(deps, XFS_NR_WORDS, xfs_features[i].value))\n"
    "            printf(\" %s\", xfs_features[i].name);\n"
    "    if (xlc_dump_parse(\"inline\", dump, strlen(dump), &d, &err))\n"
    "        return printf(\"\\nparse: %s\\n\", err.msg), 1;\n"
    "    printf(\"\\nleaves %zu\\n\", d->nr_leaves);\n"
    "    for (size_t i = 0; i < d->nr_leaves; i++)\n"
    "        printf(\"%08x:%u %08x %08x %08x %08x\\n\", d->leaves[i].leaf,\n"
    "               d->leaves[i].subleaf, d->leaves[i].a, d->leaves[i].b,\n"
    "               d->leaves[i].c, d->leaves[i].d);\n"
    "    xlc_dump_free(d);\n"
    "    rc = xlc_dump_parse(\"bad\", bad, strlen(bad), &d, &err);\n"
    "    printf(\"bad %d %d %s\\n\", rc, err.code, err.msg);\n"
    "    return 0;\n"
    "}\n";

static void buf_printf(char **s, const char *f, ...)
{
    va_list ap;
    char *add, *joined;

    va_start(ap, f);
    assert_true(vasprintf(&add, f, ap) >= 0);
    va_end(ap);
    joined = inst_fmt("%s%s", *s, add);
    free(add);
    free(*s);
    *s = joined;
}

/* What the consumer must print, from the same calls made here. */
static char *expected_output(void)
{
    xlc_error err = { 0 };
    struct xlc_cpuid_dump *d = NULL;
    const uint32_t *deps;
    unsigned int avx;
    char *s = strdup("");
    int rc;

    assert_non_null(s);
    assert_int_equal(xlc_feature_lookup("avx", &avx, &err), 0);
    assert_int_equal(avx, XFS_AVX);
    buf_printf(&s, "avx %u*32+%u\ndeps:", avx / 32, avx % 32);
    deps = xfs_lookup_deep_deps(avx);
    assert_non_null(deps);
    for (unsigned int i = 0; i < xfs_nr_features; i++)
        if (xfs_test(deps, XFS_NR_WORDS, xfs_features[i].value))
            buf_printf(&s, " %s", xfs_features[i].name);
    assert_int_equal(xlc_dump_parse("inline", dump_text, strlen(dump_text),
                                    &d, &err), 0);
    buf_printf(&s, "\nleaves %zu\n", d->nr_leaves);
    for (size_t i = 0; i < d->nr_leaves; i++)
        buf_printf(&s, "%08x:%u %08x %08x %08x %08x\n", d->leaves[i].leaf,
                   d->leaves[i].subleaf, d->leaves[i].a, d->leaves[i].b,
                   d->leaves[i].c, d->leaves[i].d);
    xlc_dump_free(d);
    rc = xlc_dump_parse("bad", bad_text, strlen(bad_text), &d, &err);
    assert_int_equal(rc, -EINVAL);
    buf_printf(&s, "bad %d %d %s\n", rc, err.code, err.msg);
    return s;
}

/* A C string literal of text (it holds no quotes or backslashes). */
static char *c_literal(const char *text)
{
    char *s = strdup("\"");

    assert_non_null(s);
    for (const char *p = text; *p; p++) {
        assert_true(*p != '"' && *p != '\\');
        if (*p == '\n')
            buf_printf(&s, "\\n");
        else
            buf_printf(&s, "%c", *p);
    }
    buf_printf(&s, "\"");
    return s;
}

static void consumer_program(void **state)
{
    char *src = inst_fmt("%s/consumer.c", inst_tmp());
    char *exe = inst_fmt("%s/consumer", inst_tmp());
    char *dump = c_literal(dump_text), *bad = c_literal(bad_text);
    char *want = expected_output(), *out, *needed, *ldd;
    /* A sanitised library needs a sanitised program (runtime first). */
    const char *sanflags = !strcmp(inst_san(), "1")
        ? "-fsanitize=address,undefined -fno-omit-frame-pointer" : "";

    (void)state;
    inst_write_file(src, consumer_src);
    out = inst_run_ok("cc -std=c11 -Wall -Wextra -Werror %s "
                 "-DDUMP='%s' -DBAD='%s' "
                 "$(%s pkg-config --cflags libxl_cpuid) '%s' -o '%s' "
                 "$(%s pkg-config --libs libxl_cpuid)",
                 sanflags, dump, bad, inst_pkg_env(), src, exe,
                 inst_pkg_env());
    free(out);
    /* Linked by soname, and resolved to the staged library. */
    needed = inst_run_ok("readelf -d '%s'", exe);
    assert_non_null(strstr(needed, "Shared library: [" INST_SONAME "]"));
    ldd = inst_run_ok("LD_LIBRARY_PATH='%s/usr/lib' ldd '%s'", inst_tmp(),
                      exe);
    {
        char *where = inst_fmt(INST_SONAME " => %s/usr/lib/" INST_SONAME " ",
                               inst_tmp());

        if (!strstr(ldd, where))
            fail_msg("consumer does not load the staged library:\n%s", ldd);
        free(where);
    }
    out = inst_run_ok("LD_LIBRARY_PATH='%s/usr/lib' '%s'", inst_tmp(), exe);
    if (strcmp(out, want))
        fail_msg("installed library answers\n%s\nthe build answers\n%s", out,
                 want);
    /* Facts, not just agreement: AVX2 and FMA need AVX; the leaves are the
     * dump's; the bad dump's error names where. */
    assert_non_null(strstr(out, "avx 1*32+28\n"));
    assert_non_null(strstr(out, " AVX2"));
    assert_non_null(strstr(out, " FMA"));
    assert_non_null(strstr(out, "leaves 2\n"));
    assert_non_null(strstr(out, "00000001:0 000906ea 00100800 7ffafbff "
                                "bfebfbff\n"));
    assert_non_null(strstr(out, "bad -22 22 bad"));
    free(out);
    free(ldd);
    free(needed);
    free(want);
    free(bad);
    free(dump);
    free(exe);
    free(src);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_header_installed_or_internal),
        cmocka_unit_test(headers_compile_alone),
        cmocka_unit_test(consumer_program),
    };

    return cmocka_run_group_tests(tests, inst_setup, inst_teardown);
}
