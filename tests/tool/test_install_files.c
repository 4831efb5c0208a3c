/* SPDX-License-Identifier: MIT */
/*
 * The installed files: real name, soname and development links, static
 * library, pkg-config file, tool and man page, byte-identical to the
 * build; the pkg-config file: -I$(includedir) and -L$(libdir) -lxl_cpuid
 * and nothing else, with a sysroot, with --define-prefix, and for a tree
 * installed with LIBDIR=PREFIX/lib/x86_64-linux-gnu and then moved (where
 * xen-sim still finds its preload); and the shared library's ABI: its soname, and an export list that is
 * exactly the functions and objects the installed headers declare, all
 * in the version node.
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

#include "tests/helpers/install-stage.h"
#include "tests/helpers/shared-data.h"

/* ---- the files ---- */

static void expect_link(const char *rel, const char *target)
{
    char *path = inst_staged(rel), buf[PATH_MAX];
    ssize_t n = readlink(path, buf, sizeof(buf) - 1);

    if (n < 0)
        fail_msg("%s is not a symbolic link: %s", path, strerror(errno));
    buf[n] = '\0';
    if (strcmp(buf, target))
        fail_msg("%s -> %s, expected -> %s", path, buf, target);
    free(path);
}

static void expect_copy(const char *rel, const char *built, mode_t mode)
{
    char *path = inst_staged(rel);
    struct stat st;

    if (lstat(path, &st) || !S_ISREG(st.st_mode))
        fail_msg("%s: not installed as a regular file", path);
    if ((st.st_mode & 07777) != mode)
        fail_msg("%s: mode %o, expected %o", path,
                 (unsigned int)(st.st_mode & 07777), (unsigned int)mode);
    if (!inst_same_file(path, built))
        fail_msg("%s differs from %s", path, built);
    free(path);
}

static void expect_header(const char *rel)
{
    char *path = inst_staged(rel);
    struct stat st;

    if (lstat(path, &st) || !S_ISREG(st.st_mode) ||
        (st.st_mode & 07777) != 0644)
        fail_msg("%s: not installed as a 0644 regular file", path);
    free(path);
}

static void installed_files(void **state)
{
    char *so = inst_fmt("%s/libxl_cpuid.so", inst_build());
    char *a = inst_fmt("%s/libxl_cpuid.a", inst_build());
    char *tool = inst_fmt("%s/xen-cpuid", inst_build());
    char *pc = inst_staged("lib/pkgconfig/libxl_cpuid.pc"), *text;

    (void)state;
    expect_copy("lib/" INST_REALNAME, so, 0755);
    expect_link("lib/" INST_SONAME, INST_REALNAME);
    expect_link("lib/libxl_cpuid.so", INST_SONAME);
    expect_copy("lib/libxl_cpuid.a", a, 0644);
    expect_copy("bin/xen-cpuid", tool, 0755);
    expect_copy("share/man/man1/xen-cpuid.1", "man/xen-cpuid.1", 0644);
    expect_header("include/libxl_cpuid/libxl_cpuid.h");
    expect_header("include/libxl_cpuid/libxl-list.h");

    /* The .pc file: PREFIX substituted, the directories below it (so that
     * --define-prefix moves them), nothing left to substitute; the
     * libraries it links named for static links only, not as packages
     * whose Cflags pkg-config would add. */
    text = inst_read_file(pc);
    assert_non_null(strstr(text, "prefix=/usr\n"));
    assert_non_null(strstr(text, "libdir=${prefix}/lib\n"));
    assert_non_null(strstr(text, "includedir=${prefix}/include\n"));
    assert_non_null(strstr(text, "Cflags: -I${includedir}\n"));
    assert_non_null(strstr(text, "Libs: -L${libdir} -lxl_cpuid\n"));
    assert_non_null(strstr(text, "Libs.private: -lxml2 "));
    assert_null(strstr(text, "Requires"));
    assert_null(strchr(text, '@'));
    free(text);
    free(pc);
    free(tool);
    free(a);
    free(so);
}

/* ---- what pkg-config gives a program ---- */

/* `pkg-config ARGS libxl_cpuid` with environment `env`, without the
 * trailing blank pkgconf prints. */
static char *pkg(const char *env, const char *args)
{
    char *out = inst_run_ok("%s pkg-config %s libxl_cpuid", env, args);
    size_t n = strlen(out);

    while (n && (out[n - 1] == '\n' || out[n - 1] == ' '))
        out[--n] = '\0';
    return out;
}

static void expect_flags(const char *env, const char *args, const char *want)
{
    char *got = pkg(env, args);

    if (strcmp(got, want))
        fail_msg("%s pkg-config %s libxl_cpuid: '%s', expected '%s'", env,
                 args, got, want);
    free(got);
}

/* Our include directory and library, nothing else (none of the Cflags of
 * the libraries libxl_cpuid links: no public header needs them). */
static void pc_flags(void **state)
{
    const char *t = inst_tmp();
    char *inc = inst_fmt("-I%s/usr/include", t);
    char *libs = inst_fmt("-L%s/usr/lib -lxl_cpuid", t);
    char *env = inst_fmt("PKG_CONFIG_PATH=%s/usr/lib/pkgconfig", t);
    char *stat = pkg(inst_pkg_env(), "--static --libs");

    (void)state;
    expect_flags(inst_pkg_env(), "--cflags", inc);
    expect_flags(inst_pkg_env(), "--libs", libs);
    /* Staged without a sysroot: --define-prefix finds the tree. */
    expect_flags(env, "--define-prefix --cflags", inc);
    expect_flags(env, "--define-prefix --libs", libs);
    expect_flags(env, "--variable=libdir", "/usr/lib");
    /* A static link also gets what the library links. */
    assert_non_null(strstr(stat, "-lxl_cpuid -lxml2 "));
    assert_non_null(strstr(stat, "-lxenlight"));
    free(stat);
    free(env);
    free(libs);
    free(inc);
}

/*
 * LIBDIR two levels below PREFIX (Debian's multiarch directory): every
 * library file lands there, with the .pc file in its pkgconfig/.  The
 * tree is then moved: with and without --define-prefix, pkg-config's
 * flags name the moved tree, and a program built with them runs on its
 * library.
 */
static void libdir_multiarch_relocated(void **state)
{
    char *dest = inst_fmt("%s/multiarch", inst_tmp());
    char *moved = inst_fmt("%s/moved", inst_tmp());
    char *lib = inst_fmt("%s/usr/lib/x86_64-linux-gnu", moved);
    char *env = inst_fmt("PKG_CONFIG_PATH=%s/pkgconfig", lib);
    char *src = inst_fmt("%s/prog.c", inst_tmp());
    char *exe = inst_fmt("%s/prog", inst_tmp());
    static const char *const files[] = {
        "libxl_cpuid.so.0.1.0", "libxl_cpuid.so.0", "libxl_cpuid.so",
        "libxl_cpuid.a", "pkgconfig/libxl_cpuid.pc",
        "xen-sim/libxen-sim.so",
    };
    static const char *const modes[] = { "", "--define-prefix" };

    (void)state;
    inst_install(dest, "PREFIX=/usr LIBDIR=/usr/lib/x86_64-linux-gnu");
    free(inst_run_ok("mv '%s' '%s'", dest, moved));
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char *path = inst_fmt("%s/%s", lib, files[i]);

        if (access(path, F_OK))
            fail_msg("LIBDIR install: no %s", path);
        free(path);
    }
    {
        char *plain = inst_fmt("%s/usr/lib/libxl_cpuid.so", moved);

        assert_int_not_equal(access(plain, F_OK), 0);
        free(plain);
    }
    inst_write_file(src,
                    "#include <libxl_cpuid/libxl_cpuid.h>\n"
                    "#include <stdio.h>\n"
                    "int main(void)\n"
                    "{\n"
                    "    xlc_error err = { 0 };\n"
                    "    unsigned int bit;\n"
                    "\n"
                    "    if (xlc_feature_lookup(\"avx2\", &bit, &err))\n"
                    "        return 1;\n"
                    "    printf(\"%u\\n\", bit);\n"
                    "    return 0;\n"
                    "}\n");
    /* The simulated hypervisor finds its preload there too. */
    {
        char *out = inst_run_ok("'%s/usr/bin/xen-sim' --cpuid '%s' -- "
                                "/usr/lib/xen-4.17/bin/xen-cpuid -p",
                                moved, shared_dump("GenuineIntel0050654_"
                                                   "SkylakeXeon"));

        assert_non_null(strstr(out, "Raw policy: "));
        free(out);
    }
    for (size_t m = 0; m < 2; m++) {
        char *args = inst_fmt("%s --cflags --libs", modes[m]);
        char *flags = pkg(env, args), *out;
        char *inc = inst_fmt("%s/usr/include", moved);

        /* The flags reach into the moved tree, whatever their spelling. */
        out = inst_run_ok("cd '%s' && for f in %s; do case $f in "
                          "-I*) realpath \"${f#-I}\";; -L*) realpath "
                          "\"${f#-L}\";; esac; done", inst_tmp(), flags);
        if (!strstr(out, inc) || !strstr(out, lib))
            fail_msg("pkg-config %s names %s, not the moved tree %s", args,
                     flags, moved);
        free(out);
        out = inst_run_ok("cc -std=c11 -Wall -Wextra -Werror %s '%s' -o '%s' "
                          "%s && LD_LIBRARY_PATH='%s' '%s'",
                          inst_san_cflags(), src, exe, flags, lib, exe);
        assert_string_equal(out, "165\n");   /* AVX2 is 5*32+5 */
        free(out);
        free(inc);
        free(flags);
        free(args);
    }
    free(exe);
    free(src);
    free(env);
    free(lib);
    free(moved);
    free(dest);
}

/* ---- the shared library's ABI ---- */

static void soname(void **state)
{
    char *lib = inst_staged("lib/" INST_REALNAME);
    char *out = inst_run_ok("readelf -d '%s'", lib);
    const char *p = strstr(out, "(SONAME)");

    (void)state;
    assert_non_null(p);
    assert_non_null(strstr(p, "Library soname: [" INST_SONAME "]\n"));
    assert_null(strstr(p + 1, "(SONAME)"));
    free(out);
    free(lib);
}

static bool public_name(const char *s)
{
    return !strncmp(s, "xlc_", 4) || !strncmp(s, "xfs_", 4);
}

/* "ADDR TYPE NAME[@@VERSION]" lines of nm: the names, checked. */
static void dynamic_symbols(const char *lib, struct inst_list *names)
{
    struct inst_list lines = { 0 };
    char *out = inst_run_ok("nm -D --defined-only '%s'", lib);
    bool node = false;

    inst_list_lines(&lines, out);
    for (size_t i = 0; i < lines.n; i++) {
        char type, name[512];
        const char *at;

        if (sscanf(lines.v[i], "%*s %c %511s", &type, name) != 2)
            fail_msg("unexpected nm line '%s'", lines.v[i]);
        if (!strcmp(name, INST_VERSION_NODE) && type == 'A') {
            node = true;
            continue;
        }
        at = strstr(name, "@@");
        if (!at || strcmp(at + 2, INST_VERSION_NODE))
            fail_msg("exported symbol '%s' is not in version node "
                     INST_VERSION_NODE, name);
        if (!public_name(name))
            fail_msg("exported symbol '%s' is outside xlc_* and xfs_*",
                     name);
        inst_list_add(names, name, (size_t)(at - name));
    }
    assert_true(node);
    inst_list_free(&lines);
    free(out);
}

/*
 * The name a line of gcc's -aux-info declares ("/+ FILE:LINE:NC +/ extern
 * int xlc_f (int);"): the identifier before the first '(' of the
 * declaration, or after "(*" for a function returning a function pointer.
 */
static bool aux_function(const char *line, const char *dir, char *name,
                         size_t n)
{
    const char *decl = strstr(line, "*/ "), *paren, *end, *start;

    if (strncmp(line, "/* ", 3) || strncmp(line + 3, dir, strlen(dir)) ||
        !decl || strstr(decl, " static "))
        return false;
    decl += 3;
    if (!strncmp(decl, "static ", 7))
        return false;
    paren = strchr(decl, '(');
    assert_non_null(paren);
    if (paren[1] == '*') {
        start = paren + 2;
        for (end = start; *end == '_' || (*end >= 'a' && *end <= 'z') ||
             (*end >= 'A' && *end <= 'Z') || (*end >= '0' && *end <= '9');
             end++)
            ;
    } else {
        for (end = paren; end > decl && end[-1] == ' '; end--)
            ;
        for (start = end; start > decl && (start[-1] == '_' ||
             (start[-1] >= 'a' && start[-1] <= 'z') ||
             (start[-1] >= 'A' && start[-1] <= 'Z') ||
             (start[-1] >= '0' && start[-1] <= '9')); start--)
            ;
    }
    assert_true(end > start && (size_t)(end - start) < n);
    snprintf(name, n, "%.*s", (int)(end - start), start);
    return true;
}

/*
 * What the installed headers declare: every function (gcc -aux-info over
 * a program including libxl-list.h, which includes the umbrella; static
 * inline ones are not symbols) and every object (the "extern ...;" lines,
 * the declarator's name: the identifier before '[' or ';').
 */
static void declared_symbols(struct inst_list *names)
{
    char *inc = inst_staged("include");
    char *dir = inst_fmt("%s/libxl_cpuid/", inc);
    char *aux = inst_fmt("%s/aux-info.txt", inst_tmp());
    char *out, *text, *ext;
    struct inst_list lines = { 0 };

    out = inst_run_ok("printf '#include <libxl_cpuid/libxl-list.h>\\n' | "
                      "cc -std=c11 -I'%s' $(pkg-config --cflags xenlight) "
                      "-aux-info '%s' -fsyntax-only -x c -", inc, aux);
    free(out);
    text = inst_read_file(aux);
    inst_list_lines(&lines, text);
    for (size_t i = 0; i < lines.n; i++) {
        char name[256];

        if (aux_function(lines.v[i], dir, name, sizeof(name)) &&
            !inst_list_has(names, name))
            inst_list_add(names, name, strlen(name));
    }
    inst_list_free(&lines);
    ext = inst_run_ok("cd '%s' && grep -rh '^extern [^(]*;' . || true", dir);
    inst_list_lines(&lines, ext);
    for (size_t i = 0; i < lines.n; i++) {
        const char *l = lines.v[i];
        size_t end = strcspn(l, "[;"), start = end;

        while (start > 0 && (l[start - 1] == '_' ||
               (l[start - 1] >= 'a' && l[start - 1] <= 'z') ||
               (l[start - 1] >= 'A' && l[start - 1] <= 'Z') ||
               (l[start - 1] >= '0' && l[start - 1] <= '9')))
            start--;
        assert_true(end > start);
        inst_list_add(names, l + start, end - start);
    }
    inst_list_free(&lines);
    free(ext);
    free(text);
    free(aux);
    free(dir);
    free(inc);
}

/*
 * The symbol policy: libxl_cpuid.map exports xlc_* and xfs_*, and the
 * internal headers hide their functions (#pragma GCC visibility), so the
 * exported set must be exactly what the installed headers declare:
 * nothing internal exported, nothing declared that a program cannot link.
 */
static void exports(void **state)
{
    struct inst_list so = { 0 }, decl = { 0 }, lines = { 0 };
    char *lib = inst_staged("lib/" INST_REALNAME);
    char *alib = inst_staged("lib/libxl_cpuid.a");
    char *out;
    size_t hidden = 0;

    (void)state;
    dynamic_symbols(lib, &so);
    declared_symbols(&decl);
    for (size_t i = 0; i < so.n; i++)
        if (!inst_list_has(&decl, so.v[i]))
            fail_msg("'%s' is exported but no installed header declares it "
                     "(an internal function: declare it in an internal "
                     "header, between its visibility pragmas)", so.v[i]);
    for (size_t i = 0; i < decl.n; i++)
        if (!inst_list_has(&so, decl.v[i]))
            fail_msg("'%s' is declared in an installed header but not "
                     "exported", decl.v[i]);
    assert_int_equal(so.n, decl.n);
    /* The static library has internal xlc_* functions that the shared
     * one keeps to itself. */
    out = inst_run_ok("nm -g --defined-only '%s'", alib);
    inst_list_lines(&lines, out);
    for (size_t i = 0; i < lines.n; i++) {
        char type, name[512];

        if (sscanf(lines.v[i], "%*s %c %511s", &type, name) == 2 &&
            public_name(name) && !inst_list_has(&so, name))
            hidden++;
    }
    assert_true(hidden > 0);
    assert_true(inst_list_has(&so, "xfs_lookup_deep_deps"));
    assert_true(inst_list_has(&so, "xfs_features"));
    assert_true(inst_list_has(&so, "xlc_dump_parse"));
    assert_true(inst_list_has(&so, "xlc_xl_libxl_list_from_featureset"));
    assert_false(inst_list_has(&so, "xlc_read_file"));
    assert_false(inst_list_has(&so, "xlc_xml_parse"));
    inst_list_free(&lines);
    inst_list_free(&decl);
    inst_list_free(&so);
    free(out);
    free(alib);
    free(lib);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(installed_files),
        cmocka_unit_test(pc_flags),
        cmocka_unit_test(libdir_multiarch_relocated),
        cmocka_unit_test(soname),
        cmocka_unit_test(exports),
    };

    return cmocka_run_group_tests(tests, inst_setup, inst_teardown);
}
