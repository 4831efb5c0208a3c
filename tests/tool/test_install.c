/* SPDX-License-Identifier: MIT */
/*
 * `make install` into a staging directory (DESTDIR=<tmp> PREFIX=/usr), run
 * from the repository root on the build under test ($XFS_BUILD, $XFS_SAN,
 * exported by `make test`), then checked from the outside:
 *
 *  - the files: real name, soname and development links, static library,
 *    pkg-config file, tool and man page, byte-identical to the build;
 *  - the shared library: soname, and an export list that is exactly the
 *    static library's xlc_* and xfs_* globals, all in the version node;
 *  - the headers: every header of the tree is either installed (pulled in
 *    by the umbrella libxl_cpuid.h) or named internal in it, and every
 *    installed header compiles on its own with only the pkg-config flags;
 *  - a program built with `pkg-config --cflags --libs libxl_cpuid` against
 *    the staging tree runs on the installed library and gets the same
 *    answers as this (statically linked) test;
 *  - the man page renders without warnings and documents every subcommand,
 *    option and exit code the installed tool's `help` lists.
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
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "libxl_cpuid/sources/cpuid-dump.h"
#include "libxl_cpuid/names/feature-names.h"
#include "xen/lib/featureset.h"

#define VERSION_NODE "LIBXL_CPUID_0.1"
#define SONAME "libxl_cpuid.so.0"
#define REALNAME "libxl_cpuid.so.0.1.0"
#define UMBRELLA "libxl_cpuid/libxl_cpuid.h"
/* Keep make's jobserver and command-line variables out of the nested make:
 * BUILD and SAN are given explicitly. */
#define MAKE "env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory"

static char tmp[64];        /* the staging directory (DESTDIR) */
static char build[PATH_MAX];
static const char *san;

/* ---- small helpers ---- */

static char *vfmt(const char *fmt, va_list ap)
{
    char *s;

    assert_true(vasprintf(&s, fmt, ap) >= 0);
    return s;
}

static char *fmt(const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    s = vfmt(fmt, ap);
    va_end(ap);
    return s;
}

static char *slurp(FILE *f)
{
    size_t cap = 8192, n = 0, got;
    char *buf = malloc(cap);

    assert_non_null(buf);
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n < 2) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    buf[n] = '\0';
    return buf;
}

/* Run a shell command, returning its stdout+stderr and its exit status. */
static char *run(int *status, const char *cmdfmt, ...)
{
    va_list ap;
    char *cmd, *full, *out;
    FILE *p;
    int st;

    va_start(ap, cmdfmt);
    cmd = vfmt(cmdfmt, ap);
    va_end(ap);
    full = fmt("(%s) 2>&1", cmd);
    fflush(NULL);
    p = popen(full, "r");
    assert_non_null(p);
    out = slurp(p);
    st = pclose(p);
    *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    free(full);
    free(cmd);
    return out;
}

/* Run a command that must succeed; its output. */
static char *run_ok(const char *cmdfmt, ...)
{
    va_list ap;
    char *cmd, *out;
    int st;

    va_start(ap, cmdfmt);
    cmd = vfmt(cmdfmt, ap);
    va_end(ap);
    out = run(&st, "%s", cmd);
    if (st != 0)
        fail_msg("'%s' exited %d:\n%s", cmd, st, out);
    free(cmd);
    return out;
}

static char *staged(const char *rel)
{
    return fmt("%s/usr/%s", tmp, rel);
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    char *s;

    if (!f)
        fail_msg("cannot open %s: %s", path, strerror(errno));
    s = slurp(f);
    fclose(f);
    return s;
}

static bool same_file(const char *a, const char *b)
{
    int st;
    char *out = run(&st, "cmp -s '%s' '%s'", a, b);

    free(out);
    return st == 0;
}

/* A list of strings, for symbol and header sets. */
struct list {
    char **v;
    size_t n;
};

static void list_add(struct list *l, const char *s, size_t len)
{
    l->v = realloc(l->v, (l->n + 1) * sizeof(*l->v));
    assert_non_null(l->v);
    l->v[l->n] = strndup(s, len);
    assert_non_null(l->v[l->n]);
    l->n++;
}

static bool list_has(const struct list *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->v[i], s))
            return true;
    return false;
}

static void list_free(struct list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

/* Every line of text as a list entry. */
static void list_lines(struct list *l, const char *text)
{
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);

        if (len)
            list_add(l, p, len);
        p += len + (nl != NULL);
    }
}

/* ---- setup: install into a fresh staging directory ---- */

static int install(void **state)
{
    const char *b = getenv("XFS_BUILD");
    char *out;
    int st;

    (void)state;
    if (access("Makefile", R_OK) || access(UMBRELLA, R_OK)) {
        fprintf(stderr, "test_install: run from the repository root\n");
        return -1;
    }
    snprintf(build, sizeof(build), "%s", b && *b ? b : "build");
    san = getenv("XFS_SAN") ? getenv("XFS_SAN") : "";
    snprintf(tmp, sizeof(tmp), "/tmp/xfs-install-XXXXXX");
    if (!mkdtemp(tmp)) {
        fprintf(stderr, "test_install: mkdtemp: %s\n", strerror(errno));
        return -1;
    }
    /* Install the build under test, not a rebuild of another variant. */
    out = run(&st, MAKE " -q BUILD='%s' SAN='%s' all", build, san);
    free(out);
    if (st != 0) {
        fprintf(stderr, "test_install: %s is not up to date (make -q all "
                        "exited %d); run it through make test\n", build, st);
        return -1;
    }
    out = run(&st, MAKE " BUILD='%s' SAN='%s' DESTDIR='%s' PREFIX=/usr "
                   "install", build, san, tmp);
    if (st != 0) {
        fprintf(stderr, "test_install: make install exited %d:\n%s\n", st,
                out);
        free(out);
        return -1;
    }
    free(out);
    return 0;
}

static int remove_staging(void **state)
{
    char *out;
    int st;

    (void)state;
    if (!tmp[0] || strncmp(tmp, "/tmp/xfs-install-", 17))
        return 0;
    out = run(&st, "rm -rf '%s'", tmp);
    free(out);
    return st == 0 ? 0 : -1;
}

/* ---- the files ---- */

static void expect_link(const char *rel, const char *target)
{
    char *path = staged(rel), buf[PATH_MAX];
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
    char *path = staged(rel);
    struct stat st;

    if (lstat(path, &st) || !S_ISREG(st.st_mode))
        fail_msg("%s: not installed as a regular file", path);
    if ((st.st_mode & 07777) != mode)
        fail_msg("%s: mode %o, expected %o", path,
                 (unsigned int)(st.st_mode & 07777), (unsigned int)mode);
    if (!same_file(path, built))
        fail_msg("%s differs from %s", path, built);
    free(path);
}

static void installed_files(void **state)
{
    char *so = fmt("%s/libxl_cpuid.so", build);
    char *a = fmt("%s/libxl_cpuid.a", build);
    char *tool = fmt("%s/xen-cpuid", build);
    char *pc = staged("lib/pkgconfig/libxl_cpuid.pc"), *text;

    (void)state;
    expect_copy("lib/" REALNAME, so, 0755);
    expect_link("lib/" SONAME, REALNAME);
    expect_link("lib/libxl_cpuid.so", SONAME);
    expect_copy("lib/libxl_cpuid.a", a, 0644);
    expect_copy("bin/xen-cpuid", tool, 0755);
    expect_copy("share/man/man1/xen-cpuid.1", "man/xen-cpuid.1", 0644);
    expect_copy("include/libxl_cpuid/" UMBRELLA, UMBRELLA, 0644);

    /* The .pc file: PREFIX substituted, nothing left to substitute. */
    text = read_file(pc);
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
    char *lib = staged("lib/" REALNAME);
    char *out = run_ok("readelf -d '%s'", lib);
    const char *p = strstr(out, "(SONAME)");

    (void)state;
    assert_non_null(p);
    assert_non_null(strstr(p, "Library soname: [" SONAME "]\n"));
    assert_null(strstr(p + 1, "(SONAME)"));
    free(out);
    free(lib);
}

static bool public_name(const char *s)
{
    return !strncmp(s, "xlc_", 4) || !strncmp(s, "xfs_", 4);
}

/* "ADDR TYPE NAME[@@VERSION]" lines of nm: the names, checked. */
static void dynamic_symbols(const char *lib, struct list *names)
{
    struct list lines = { 0 };
    char *out = run_ok("nm -D --defined-only '%s'", lib);
    bool node = false;

    list_lines(&lines, out);
    for (size_t i = 0; i < lines.n; i++) {
        char type, name[512];
        const char *at;

        if (sscanf(lines.v[i], "%*s %c %511s", &type, name) != 2)
            fail_msg("unexpected nm line '%s'", lines.v[i]);
        if (!strcmp(name, VERSION_NODE) && type == 'A') {
            node = true;
            continue;
        }
        at = strstr(name, "@@");
        if (!at || strcmp(at + 2, VERSION_NODE))
            fail_msg("exported symbol '%s' is not in version node "
                     VERSION_NODE, name);
        if (!public_name(name))
            fail_msg("exported symbol '%s' is outside xlc_* and xfs_*",
                     name);
        list_add(names, name, (size_t)(at - name));
    }
    assert_true(node);
    list_free(&lines);
    free(out);
}

static void exports(void **state)
{
    struct list so = { 0 }, a = { 0 }, lines = { 0 };
    char *lib = staged("lib/" REALNAME), *alib = staged("lib/libxl_cpuid.a");
    char *out;
    size_t others = 0;

    (void)state;
    dynamic_symbols(lib, &so);
    /* The version script's wildcards export every public global of the
     * library, whichever module defines it, and nothing else. */
    out = run_ok("nm -g --defined-only '%s'", alib);
    list_lines(&lines, out);
    for (size_t i = 0; i < lines.n; i++) {
        char type, name[512];

        if (sscanf(lines.v[i], "%*s %c %511s", &type, name) != 2)
            continue;   /* "member.o:" headers */
        if (public_name(name))
            list_add(&a, name, strlen(name));
        else if (list_has(&so, name))
            fail_msg("'%s' is exported but not public", name);
        else
            others++;
    }
    for (size_t i = 0; i < a.n; i++)
        if (!list_has(&so, a.v[i]))
            fail_msg("public symbol '%s' of the static library is not "
                     "exported", a.v[i]);
    assert_int_equal(so.n, a.n);
    /* The library has private globals (the dump builders, ...) that the
     * version script keeps local. */
    assert_true(others > 0);
    assert_true(list_has(&so, "xfs_lookup_deep_deps"));
    assert_true(list_has(&so, "xlc_dump_parse"));
    assert_true(list_has(&so, "xlc_open"));
    list_free(&lines);
    list_free(&a);
    list_free(&so);
    free(out);
    free(alib);
    free(lib);
}

/* ---- headers ---- */

/* The header paths the umbrella names internal (after "Internal headers"). */
static void internal_headers(struct list *l)
{
    char *text = read_file(UMBRELLA);
    const char *p = strstr(text, "Internal headers");
    const char *end = p ? strstr(p, "*/") : NULL;

    assert_non_null(end);
    while (p < end) {
        size_t len = strcspn(p, " \n*:");

        if (len > 2 && !strncmp(p + len - 2, ".h", 2))
            list_add(l, p, len);
        p += len ? len : 1;
    }
    assert_true(l->n > 0);
    free(text);
}

static void every_header_installed_or_internal(void **state)
{
    struct list repo = { 0 }, internal = { 0 }, inst = { 0 };
    char *out = run_ok("find libxl_cpuid xen public -name '*.h' | sort");
    char *inc = staged("include/libxl_cpuid"), *iout;

    (void)state;
    internal_headers(&internal);
    list_lines(&repo, out);
    iout = run_ok("cd '%s' && find . -type f | sed 's|^\\./||' | sort", inc);
    list_lines(&inst, iout);
    for (size_t i = 0; i < repo.n; i++) {
        bool installed = list_has(&inst, repo.v[i]);
        bool priv = list_has(&internal, repo.v[i]);

        if (installed && priv)
            fail_msg("%s is installed but " UMBRELLA " calls it internal",
                     repo.v[i]);
        if (!installed && !priv)
            fail_msg("%s is neither included by " UMBRELLA " (so installed) "
                     "nor listed there as internal: add it to one of them",
                     repo.v[i]);
    }
    for (size_t i = 0; i < internal.n; i++)
        if (!list_has(&repo, internal.v[i]))
            fail_msg(UMBRELLA " lists %s as internal, but there is no such "
                     "header", internal.v[i]);
    for (size_t i = 0; i < inst.n; i++) {
        char *path = fmt("%s/%s", inc, inst.v[i]);

        if (!list_has(&repo, inst.v[i]) || !same_file(path, inst.v[i]))
            fail_msg("installed %s is not the tree's", inst.v[i]);
        free(path);
    }
    list_free(&inst);
    list_free(&internal);
    list_free(&repo);
    free(iout);
    free(inc);
    free(out);
}

static const char *pkg_env(void)
{
    static char env[256];

    snprintf(env, sizeof(env),
             "PKG_CONFIG_PATH=%s/usr/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=%s",
             tmp, tmp);
    return env;
}

/* Each installed header, alone, with nothing but the pkg-config flags,
 * from outside the tree: strict C11, all warnings. */
static void headers_compile_alone(void **state)
{
    char *out = run_ok(
        "cd '%s' && cflags=$(%s pkg-config --cflags libxl_cpuid) && "
        "cd usr/include/libxl_cpuid && n=0 && "
        "for h in $(find . -name '*.h' | sed 's|^\\./||' | sort); do "
        "  printf '#include <%%s>\\n#include <%%s>\\nint x;\\n' $h $h | "
        "  cc -std=c11 -Wall -Wextra -Werror -pedantic $cflags -fsyntax-only "
        "     -x c - || { echo \"FAILED: $h\"; exit 1; }; n=$((n+1)); "
        "done; echo \"headers: $n\"",
        tmp, pkg_env());
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
    add = vfmt(f, ap);
    va_end(ap);
    joined = fmt("%s%s", *s, add);
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

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

static void consumer_program(void **state)
{
    char *src = fmt("%s/consumer.c", tmp), *exe = fmt("%s/consumer", tmp);
    char *dump = c_literal(dump_text), *bad = c_literal(bad_text);
    char *want = expected_output(), *out, *needed, *ldd;
    /* A sanitised library needs a sanitised program (runtime first). */
    const char *sanflags = !strcmp(san, "1")
        ? "-fsanitize=address,undefined -fno-omit-frame-pointer" : "";

    (void)state;
    write_file(src, consumer_src);
    out = run_ok("cc -std=c11 -Wall -Wextra -Werror %s "
                 "-DDUMP='%s' -DBAD='%s' "
                 "$(%s pkg-config --cflags libxl_cpuid) '%s' -o '%s' "
                 "$(%s pkg-config --libs libxl_cpuid)",
                 sanflags, dump, bad, pkg_env(), src, exe, pkg_env());
    free(out);
    /* Linked by soname, and resolved to the staged library. */
    needed = run_ok("readelf -d '%s'", exe);
    assert_non_null(strstr(needed, "Shared library: [" SONAME "]"));
    ldd = run_ok("LD_LIBRARY_PATH='%s/usr/lib' ldd '%s'", tmp, exe);
    {
        char *where = fmt(SONAME " => %s/usr/lib/" SONAME " ", tmp);

        if (!strstr(ldd, where))
            fail_msg("consumer does not load the staged library:\n%s", ldd);
        free(where);
    }
    out = run_ok("LD_LIBRARY_PATH='%s/usr/lib' '%s'", tmp, exe);
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

/* ---- the man page against the installed tool ---- */

/*
 * A section of the rendered page, from its heading to the next heading (a
 * line starting with a capital letter; body text is indented).  Starts
 * with the newline ending the heading, so "\n   name" finds a first line.
 */
static char *section(const char *text, const char *name)
{
    char *head = fmt("\n%s\n", name), *s;
    const char *p = strstr(text, head), *end;

    if (!p)
        fail_msg("man page has no %s section", name);
    p += strlen(head) - 1;
    end = p + 1;
    while (*end && !(*end >= 'A' && *end <= 'Z')) {
        const char *nl = strchr(end, '\n');

        end = nl ? nl + 1 : end + strlen(end);
    }
    s = strndup(p, (size_t)(end - p));
    assert_non_null(s);
    free(head);
    return s;
}

/* "  NAME  USAGE  HELP" lines after "Subcommands:", up to a blank line. */
static void help_subcommands(const char *help, struct list *l)
{
    const char *p = strstr(help, "Subcommands:\n");

    assert_non_null(p);
    for (p = strchr(p, '\n') + 1; !strncmp(p, "  ", 2);
         p = strchr(p, '\n') + 1) {
        size_t len = strcspn(p + 2, " \n");

        list_add(l, p + 2, len);
    }
    assert_true(l->n >= 11);
}

/* The option tokens ("--json", "-o", "--output") of a list of options
 * ("Options:", or "Xen's invocations..." for -i, -d, -p, -h). */
static void help_options(const char *help, const char *header,
                         struct list *l)
{
    const char *p = strstr(help, header);

    assert_non_null(p);
    for (p = strchr(p, '\n') + 1; !strncmp(p, "  ", 2);
         p = strchr(p, '\n') + 1) {
        const char *q = p;

        while (*q == ' ')
            q++;
        while (*q == '-') {
            size_t len = strcspn(q, " ,\n");

            list_add(l, q, len);
            q += len;
            while (*q == ',' || *q == ' ')
                q++;
            if (*q != '-')
                break;
        }
    }
}

static void man_page(void **state)
{
    char *man = staged("share/man/man1/xen-cpuid.1");
    char *tool = staged("bin/xen-cpuid");
    char *warn, *text, *subs, *opts, *exits, *help;
    struct list sc = { 0 }, op = { 0 };
    const char *codes;

    (void)state;
    warn = run_ok("groff -man -ww -z '%s'", man);
    if (*warn)
        fail_msg("groff warns about the man page:\n%s", warn);
    text = run_ok("groff -man -Tascii -P-c -P-b -P-u -P-o -rLL=400n "
                  "-rHY=0 '%s'", man);
    /* `help`: --help is Xen's one-line usage (test_xen_invocations). */
    help = run_ok("'%s' help", tool);
    help_subcommands(help, &sc);
    help_options(help, "Xen's invocations", &op);
    help_options(help, "Options:\n", &op);
    assert_true(op.n >= 18);
    subs = section(text, "SUBCOMMANDS");
    opts = section(text, "OPTIONS");
    exits = section(text, "EXIT STATUS");
    /* A subsection per subcommand: "   NAME" or "   NAME ARGS". */
    for (size_t i = 0; i < sc.n; i++) {
        char *a = fmt("\n   %s ", sc.v[i]), *b = fmt("\n   %s\n", sc.v[i]);
        char *c = fmt("\n   %s,", sc.v[i]);

        if (!strstr(subs, a) && !strstr(subs, b) && !strstr(subs, c))
            fail_msg("man page: no subsection for subcommand '%s'",
                     sc.v[i]);
        free(c);
        free(b);
        free(a);
    }
    for (size_t i = 0; i < op.n; i++) {
        char *a = fmt("       %s ", op.v[i]), *b = fmt("       %s\n", op.v[i]);
        char *c = fmt("       %s,", op.v[i]), *d = fmt(", %s", op.v[i]);

        if (!strstr(opts, a) && !strstr(opts, b) && !strstr(opts, c) &&
            !strstr(opts, d))
            fail_msg("man page: option '%s' is not described under OPTIONS",
                     op.v[i]);
        free(d);
        free(c);
        free(b);
        free(a);
    }
    /* "Exit codes: 0 ok, 1 usage, ..." */
    codes = strstr(help, "Exit codes:");
    assert_non_null(codes);
    for (const char *p = codes; (p = strpbrk(p, "0123456789"));) {
        char *line = fmt("       %c      ", *p);

        if (!strstr(exits, line))
            fail_msg("man page: exit status %c is not documented", *p);
        free(line);
        p++;
    }
    list_free(&op);
    list_free(&sc);
    free(help);
    free(exits);
    free(opts);
    free(subs);
    free(text);
    free(warn);
    free(tool);
    free(man);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(installed_files),
        cmocka_unit_test(soname),
        cmocka_unit_test(exports),
        cmocka_unit_test(every_header_installed_or_internal),
        cmocka_unit_test(headers_compile_alone),
        cmocka_unit_test(consumer_program),
        cmocka_unit_test(man_page),
    };

    return cmocka_run_group_tests(tests, install, remove_staging);
}
