/* SPDX-License-Identifier: MIT */
/*
 * The installed headers and a program built against them: every header
 * of the tree is either installed (pulled in by the umbrella libxl_cpuid.h
 * or by libxl-list.h) or named internal in the umbrella; installed, each is
 * the tree's with only its quoted #includes rewritten, and each of those
 * names an installed header relative to the including file, so nothing
 * resolves outside include/libxl_cpuid/; every installed header compiles on
 * its own with only the pkg-config flags (libxl_cpuid's; libxl-list.h's
 * two also xenlight's), and the umbrella reaches no header beyond the C
 * library's; a program built with `pkg-config --cflags --libs libxl_cpuid`
 * against the staging tree runs on the installed library and gets the
 * same answers as this (statically linked) test.
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
        size_t len = strcspn(p, " \n*:()");

        if (len > 2 && !strncmp(p + len - 2, ".h", 2))
            inst_list_add(l, p, len);
        p += len ? len : 1;
    }
    assert_true(l->n > 0);
    free(text);
}

/* "a/b/../c" -> "a/c"; NULL when it climbs above the root. */
static char *normalise(const char *path)
{
    char *copy = strdup(path), *out = calloc(1, strlen(path) + 1), *tok,
         *save = NULL;

    assert_non_null(copy);
    assert_non_null(out);
    for (tok = strtok_r(copy, "/", &save); tok;
         tok = strtok_r(NULL, "/", &save)) {
        if (!strcmp(tok, "."))
            continue;
        if (!strcmp(tok, "..")) {
            char *slash = strrchr(out, '/');

            if (!*out) {
                free(copy);
                free(out);
                return NULL;
            }
            *(slash ? slash : out) = '\0';
            continue;
        }
        if (*out)
            strcat(out, "/");
        strcat(out, tok);
    }
    free(copy);
    return out;
}

/* The header a quoted include in `file` names (NULL: not one, or above
 * the root), from the same root as `file`. */
static char *quoted_target(const char *file, const char *line)
{
    const char *p = line + strspn(line, " \t"), *q;
    const char *slash = strrchr(file, '/');
    char *joined, *norm;

    if (*p++ != '#')
        return NULL;
    p += strspn(p, " \t");
    if (strncmp(p, "include", 7))
        return NULL;
    p += 7;
    p += strspn(p, " \t");
    if (*p != '"' || !(q = strchr(p + 1, '"')))
        return NULL;
    joined = inst_fmt("%.*s%s%.*s", slash ? (int)(slash - file) : 0, file,
                      slash ? "/" : "", (int)(q - p - 1), p + 1);
    norm = normalise(joined);
    free(joined);
    return norm ? norm : strdup("(above the root)");
}

/*
 * The installed copy of tree header `tree` (at `rel` below the install
 * directory `inc`) is the tree's line for line, except quoted includes,
 * which must name the same header: installed, relative to itself.
 */
static void same_but_includes(const char *inc, const char *tree,
                              const char *rel, const struct inst_list *inst)
{
    char *path = inst_fmt("%s/%s", inc, rel);
    char *a = inst_read_file(tree), *b = inst_read_file(path);
    struct inst_list la = { 0 }, lb = { 0 };

    /* Blank lines count: compare every line. */
    for (char *p = a; p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        inst_list_add(&la, p, strcspn(p, "\n"));
    for (char *p = b; p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        inst_list_add(&lb, p, strcspn(p, "\n"));
    if (la.n != lb.n)
        fail_msg("installed %s has %zu lines, the tree's %s %zu", rel, lb.n,
                 tree, la.n);
    for (size_t i = 0; i < la.n; i++) {
        char *ta = quoted_target(tree, la.v[i]);
        char *tb = quoted_target(rel, lb.v[i]);

        if (!ta && !tb && strcmp(la.v[i], lb.v[i]))
            fail_msg("installed %s line %zu differs from the tree's:\n%s\n%s",
                     rel, i + 1, lb.v[i], la.v[i]);
        if (!ta != !tb)
            fail_msg("installed %s line %zu: '%s', the tree's: '%s'", rel,
                     i + 1, lb.v[i], la.v[i]);
        if (ta) {
            char *want = inst_header_path(ta);

            if (!inst_list_has(inst, tb))
                fail_msg("installed %s line %zu: '%s' names %s, which is not "
                         "an installed header", rel, i + 1, lb.v[i], tb);
            if (strcmp(want, tb))
                fail_msg("installed %s line %zu: '%s' names %s, the tree's "
                         "'%s' names %s (installed as %s)", rel, i + 1,
                         lb.v[i], tb, la.v[i], ta, want);
            free(want);
        }
        free(ta);
        free(tb);
    }
    inst_list_free(&la);
    inst_list_free(&lb);
    free(a);
    free(b);
    free(path);
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
        char *rel = inst_header_path(repo.v[i]);
        bool installed = inst_list_has(&inst, rel);
        bool priv = inst_list_has(&internal, repo.v[i]);

        if (installed && priv)
            fail_msg("%s is installed (as %s) but " INST_UMBRELLA
                     " calls it internal", repo.v[i], rel);
        if (!installed && !priv)
            fail_msg("%s is neither included by " INST_UMBRELLA " or "
                     INST_LIBXL_LIST " (so installed) nor listed in "
                     INST_UMBRELLA " as internal: add it to one of them",
                     repo.v[i]);
        if (installed)
            same_but_includes(inc, repo.v[i], rel, &inst);
        free(rel);
    }
    for (size_t i = 0; i < internal.n; i++)
        if (!inst_list_has(&repo, internal.v[i]))
            fail_msg(INST_UMBRELLA " lists %s as internal, but there is no "
                     "such header", internal.v[i]);
    for (size_t i = 0; i < inst.n; i++) {
        bool ours = false;

        for (size_t j = 0; j < repo.n && !ours; j++) {
            char *rel = inst_header_path(repo.v[j]);

            ours = !strcmp(rel, inst.v[i]);
            free(rel);
        }
        if (!ours)
            fail_msg("installed %s is no header of the tree", inst.v[i]);
    }
    /* The layout users include: the two entry headers on top, the core
     * and the ABI below, nothing named xen/ or public/ at the top of the
     * include path. */
    assert_true(inst_list_has(&inst, "libxl_cpuid.h"));
    assert_true(inst_list_has(&inst, "libxl-list.h"));
    assert_true(inst_list_has(&inst, "xen/lib/featureset.h"));
    assert_true(inst_list_has(&inst, "public/arch-x86/cpufeatureset.h"));
    {
        char *top = inst_run_ok("ls '%s/usr/include'", inst_tmp());

        assert_string_equal(top, "libxl_cpuid\n");
        free(top);
    }
    inst_list_free(&inst);
    inst_list_free(&internal);
    inst_list_free(&repo);
    free(iout);
    free(inc);
    free(out);
}

/* Each installed header, alone, with nothing but the pkg-config flags,
 * from outside the tree: strict C11, all warnings.  libxl-list.h and the
 * header it adds are compiled with xenlight's flags too (they include
 * <libxl.h>). */
static void headers_compile_alone(void **state)
{
    char *out = inst_run_ok(
        "cd '%s' && cflags=$(%s pkg-config --cflags libxl_cpuid) && "
        "xl=$(pkg-config --cflags xenlight) && "
        "cd usr/include/libxl_cpuid && n=0 && "
        "for h in $(find . -name '*.h' | sed 's|^\\./||' | sort); do "
        "  case $h in libxl-list.h|xl/xen-libxl-list.h) f=\"$cflags $xl\";; "
        "  *) f=$cflags;; esac; "
        "  printf '#include <libxl_cpuid/%%s>\\n#include <libxl_cpuid/%%s>\\n"
        "int x;\\n' $h $h | "
        "  (cd / && cc -std=c11 -Wall -Wextra -Werror -pedantic $f "
        "     -fsyntax-only -x c -) || { echo \"FAILED: $h\"; exit 1; }; "
        "  n=$((n+1)); "
        "done; echo \"headers: $n\"",
        inst_tmp(), inst_pkg_env());
    unsigned int n = 0;

    (void)state;
    assert_non_null(strstr(out, "headers: "));
    assert_int_equal(sscanf(strstr(out, "headers: "), "headers: %u", &n), 1);
    assert_true(n >= 10);
    free(out);
}

/* What the umbrella pulls in beyond our own headers: the C library's
 * only (no libxl, Xen, libxml2 or yajl header); libxl-list.h adds
 * libxl's. */
static void umbrella_needs_only_libc(void **state)
{
    char *inc = inst_staged("include");
    char *deps = inst_run_ok(
        "printf '#include <libxl_cpuid/libxl_cpuid.h>\\n' | "
        "cc -std=c11 -I'%s' -M -MT x -x c - | sed -e 's/^x://' -e 's/\\\\//g' "
        "| tr ' ' '\\n' | grep . | grep -v '^%s/libxl_cpuid/' || true",
        inc, inc);
    char *ldeps = inst_run_ok(
        "printf '#include <libxl_cpuid/libxl-list.h>\\n' | "
        "cc -std=c11 -I'%s' $(pkg-config --cflags xenlight) -M -MT x -x c - "
        "| sed -e 's/^x://' -e 's/\\\\//g' | tr ' ' '\\n' | grep . | "
        "grep -v '^%s/libxl_cpuid/' || true", inc, inc);
    struct inst_list l = { 0 };

    (void)state;
    inst_list_lines(&l, deps);
    assert_true(l.n > 0);
    for (size_t i = 0; i < l.n; i++)
        if (strstr(l.v[i], "xen") || strstr(l.v[i], "libxl") ||
            strstr(l.v[i], "libxml") || strstr(l.v[i], "yajl") ||
            !strncmp(l.v[i], inst_tmp(), strlen(inst_tmp())))
            fail_msg("libxl_cpuid.h needs %s, which is not the C library's",
                     l.v[i]);
    assert_non_null(strstr(ldeps, "/libxl.h"));
    inst_list_free(&l);
    free(ldeps);
    free(deps);
    free(inc);
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
    const char *sanflags = inst_san_cflags();

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
        cmocka_unit_test(umbrella_needs_only_libc),
        cmocka_unit_test(consumer_program),
    };

    return cmocka_run_group_tests(tests, inst_setup, inst_teardown);
}
