/* SPDX-License-Identifier: MIT */
/*
 * The installed files: real name, soname and development links, static
 * library, pkg-config file, tool and man page, byte-identical to the
 * build; and the shared library's ABI: its soname, and an export list
 * that is exactly the static library's xlc_* and xfs_* globals, all in
 * the version node.
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
    expect_copy("include/libxl_cpuid/" INST_UMBRELLA, INST_UMBRELLA, 0644);

    /* The .pc file: PREFIX substituted, nothing left to substitute. */
    text = inst_read_file(pc);
    assert_non_null(strstr(text, "prefix=/usr\n"));
    assert_non_null(strstr(text, "Cflags: -I${includedir}/libxl_cpuid\n"));
    assert_non_null(strstr(text, "Libs: -L${libdir} -lxl_cpuid\n"));
    assert_non_null(strstr(text, "Requires.private: libxml-2.0 "));
    assert_null(strchr(text, '@'));
    free(text);
    free(pc);
    free(tool);
    free(a);
    free(so);
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

static void exports(void **state)
{
    struct inst_list so = { 0 }, a = { 0 }, lines = { 0 };
    char *lib = inst_staged("lib/" INST_REALNAME);
    char *alib = inst_staged("lib/libxl_cpuid.a");
    char *out;
    size_t others = 0;

    (void)state;
    dynamic_symbols(lib, &so);
    /* The version script's wildcards export every public global of the
     * library, whichever module defines it, and nothing else. */
    out = inst_run_ok("nm -g --defined-only '%s'", alib);
    inst_list_lines(&lines, out);
    for (size_t i = 0; i < lines.n; i++) {
        char type, name[512];

        if (sscanf(lines.v[i], "%*s %c %511s", &type, name) != 2)
            continue;   /* "member.o:" headers */
        if (public_name(name))
            inst_list_add(&a, name, strlen(name));
        else if (inst_list_has(&so, name))
            fail_msg("'%s' is exported but not public", name);
        else
            others++;
    }
    for (size_t i = 0; i < a.n; i++)
        if (!inst_list_has(&so, a.v[i]))
            fail_msg("public symbol '%s' of the static library is not "
                     "exported", a.v[i]);
    assert_int_equal(so.n, a.n);
    /* The library has private globals (the dump builders, ...) that the
     * version script keeps local. */
    assert_true(others > 0);
    assert_true(inst_list_has(&so, "xfs_lookup_deep_deps"));
    assert_true(inst_list_has(&so, "xlc_dump_parse"));
    assert_true(inst_list_has(&so, "xlc_open"));
    inst_list_free(&lines);
    inst_list_free(&a);
    inst_list_free(&so);
    free(out);
    free(alib);
    free(lib);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(installed_files),
        cmocka_unit_test(soname),
        cmocka_unit_test(exports),
    };

    return cmocka_run_group_tests(tests, inst_setup, inst_teardown);
}
