/* SPDX-License-Identifier: MIT */
/*
 * A libvirt driver author's program against the installed library:
 * tests/tool/driver-example.c (written from the installed headers and the
 * README only) is built with `pkg-config --cflags --libs libxl_cpuid
 * xenlight` against a staged `make install`, in strict C11 from outside
 * the tree, and run on two real dumps.  Its answers must be the tool's:
 * the pool's guest CPU, cpuid= string and <cpu> are `xen-cpuid level
 * --json`'s; each <cpu> it held in memory gets `xen-cpuid model --json`'s
 * featureset and cpuid= string on the first host; and the
 * libxl_cpuid_policy_list it built is the list libxenlight itself builds
 * from that string (libxl_cpuid_parse_config, tests/helpers/xl-oracle.h).
 * The short program in README.md's library section (its ```c block) is
 * built the same way and must print model's cpuid= string for its <cpu>.
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
#include <unistd.h>

#include <cmocka.h>
#include <yajl/yajl_tree.h>

#include "tests/helpers/install-stage.h"
#include "tests/helpers/shared-data.h"
#include "tests/helpers/tool-run.h"
#include "tests/helpers/xl-oracle.h"

#define DRIVER_SRC "tests/tool/driver-example.c"
#define HOST1 "GenuineIntel0050654_SkylakeXeon"
#define HOST2 "GenuineIntel0050657_CascadeLakeXeon"

/* The programs' output: built and run once, for every test. */
static char *driver_out, *readme_out;
static int readme_status;

static char *dump_path(const char *name)
{
    char *rel = inst_fmt("%s", shared_dump(name)), *abs = realpath(rel, NULL);

    if (!abs)
        fail_msg("%s: %s", rel, strerror(errno));
    free(rel);
    return abs;
}

/* The text after "PREFIX" up to the end of its line (malloc'd). */
static char *line_after(const char *text, const char *prefix)
{
    const char *p = strstr(text, prefix);
    char *s;

    if (!p)
        fail_msg("no '%s' in:\n%s", prefix, text);
    p += strlen(prefix);
    s = strndup(p, strcspn(p, "\n"));
    assert_non_null(s);
    return s;
}

/* The first line after `from` that starts with `prefix`. */
static char *line_after_from(const char *text, const char *from,
                             const char *prefix)
{
    const char *p = strstr(text, from);

    if (!p)
        fail_msg("no '%s' in:\n%s", from, text);
    return line_after(p, prefix);
}

static const char *json_str(yajl_val top, const char *key)
{
    const char *path[] = { key, NULL };
    yajl_val v = yajl_tree_get(top, path, yajl_t_string);

    if (!v)
        fail_msg("no string \"%s\" in the tool's JSON", key);
    return YAJL_GET_STRING(v);
}

static yajl_val tool_json(const char *args, int want_status)
{
    char *out = NULL, *err = NULL;
    int st = tool_run(args, &out, &err);
    char msg[256];
    yajl_val top;

    if (st != want_status)
        fail_msg("xen-cpuid %s exited %d:\n%s%s", args, st, out, err);
    top = yajl_tree_parse(out, msg, sizeof(msg));
    if (!top)
        fail_msg("xen-cpuid %s: JSON: %s", args, msg);
    free(out);
    free(err);
    return top;
}

/* Build src (an absolute path) into exe as a driver author would: strict
 * C11, from outside the tree, with pkg-config's flags only. */
static int build(const char *src, const char *exe)
{
    int st;
    char *out = inst_run(&st, "cd / && cc -std=c11 -Wall -Wextra -Werror "
                         "-pedantic %s $(%s pkg-config --cflags libxl_cpuid "
                         "xenlight) '%s' -o '%s' $(%s pkg-config --libs "
                         "libxl_cpuid xenlight)", inst_san_cflags(),
                         inst_pkg_env(), src, exe, inst_pkg_env());

    if (st != 0)
        fprintf(stderr, "building %s against the staged install exited "
                        "%d:\n%s\n", src, st, out);
    free(out);
    return st ? -1 : 0;
}

/* The ```c block of README.md's library section. */
static char *readme_program(void)
{
    char *md = inst_read_file("README.md"), *prog;
    const char *p = strstr(md, "\n## The library\n"), *end;

    assert_non_null(p);
    p = strstr(p, "\n```c\n");
    assert_non_null(p);
    p += strlen("\n```c\n");
    end = strstr(p, "\n```\n");
    assert_non_null(end);
    prog = inst_fmt("%.*s\n", (int)(end - p), p);
    free(md);
    return prog;
}

static int build_and_run(void **state)
{
    char *exe, *h1, *h2, *src, *readme_src, *readme_exe, *prog;
    int st;

    if (inst_setup(state))
        return -1;
    exe = inst_fmt("%s/driver-example", inst_tmp());
    src = inst_fmt("%s/%s", getcwd((char[PATH_MAX]){ 0 }, PATH_MAX),
                   DRIVER_SRC);
    readme_src = inst_fmt("%s/guest.c", inst_tmp());
    readme_exe = inst_fmt("%s/guest", inst_tmp());
    prog = readme_program();
    inst_write_file(readme_src, prog);
    h1 = dump_path(HOST1);
    h2 = dump_path(HOST2);
    if (build(src, exe) || build(readme_src, readme_exe))
        return -1;
    driver_out = inst_run(&st, "LD_LIBRARY_PATH='%s/usr/lib' '%s' '%s' '%s'",
                          inst_tmp(), exe, h1, h2);
    if (st != 0) {
        fprintf(stderr, "%s exited %d:\n%s\n", exe, st, driver_out);
        return -1;
    }
    readme_out = inst_run(&readme_status, "LD_LIBRARY_PATH='%s/usr/lib' "
                          "'%s' '%s'", inst_tmp(), readme_exe, h1);
    free(prog);
    free(readme_exe);
    free(readme_src);
    free(src);
    free(h2);
    free(h1);
    free(exe);
    return 0;
}

static int teardown(void **state)
{
    free(readme_out);
    free(driver_out);
    return inst_teardown(state);
}

/* Step 1: the pool is the one `xen-cpuid level` levels. */
static void pool_is_the_tools(void **state)
{
    char *h1 = dump_path(HOST1), *h2 = dump_path(HOST2);
    char *args = inst_fmt("level --json host1='%s' host2='%s'", h1, h2);
    yajl_val top = tool_json(args, 0);
    char *fs = line_after(driver_out, "pool guest cpu: ");
    char *xl = line_after(driver_out, "pool cpuid=: ");
    char *want_cpu = inst_fmt("pool <cpu>:\n%s", json_str(top, "libvirt_cpu"));

    (void)state;
    assert_non_null(strstr(driver_out, "pool: 2 hosts, usable\n"));
    assert_string_equal(fs, json_str(top, "guest_cpu"));
    assert_string_equal(xl, json_str(top, "xl_cpuid"));
    if (!strstr(driver_out, want_cpu))
        fail_msg("the program's pool <cpu> is not the tool's:\n%s\n--- "
                 "program:\n%s", want_cpu, driver_out);
    yajl_tree_free(top);
    free(want_cpu);
    free(xl);
    free(fs);
    free(args);
    free(h2);
    free(h1);
}

/* The text of the string literal `decl` ("NAME[] =") in C source src,
 * written as lines "...\n" (no other escapes). */
static char *literal(const char *src, const char *decl)
{
    const char *p = strstr(src, decl);
    char *text = strdup("");

    assert_non_null(p);
    assert_non_null(text);
    for (p = strchr(p, '"'); p && *p == '"'; ) {
        const char *end = strstr(p, "\\n\"");
        char *joined;

        assert_non_null(end);
        joined = inst_fmt("%s%.*s\n", text, (int)(end - p - 1), p + 1);
        free(text);
        text = joined;
        p = end + 3;
        p += strspn(p, " \n");
    }
    assert_null(strchr(text, '\\'));
    return text;
}

/* The <cpu> the program held in memory as `name` (its source text, as the
 * tool will read it from a file). */
static char *cpu_text(const char *name)
{
    if (!strcmp(name, "domain.xml")) {
        char *src = inst_read_file(DRIVER_SRC);
        char *text = literal(src, "domain_xml[] =");

        free(src);
        assert_non_null(strstr(text, "<domain"));
        return text;
    }
    {
        const char *p = strstr(driver_out, "pool <cpu>:\n"), *end;

        assert_non_null(p);
        p += strlen("pool <cpu>:\n");
        end = strstr(p, "</cpu>\n");
        assert_non_null(end);
        return inst_fmt("%.*s", (int)(end + 7 - p), p);
    }
}

/* Step 3: one <cpu> on host 1, as `xen-cpuid model` judges it, and the
 * list libxl builds from the cpuid= string. */
static void guest_is_the_tools(const char *name)
{
    char *file = inst_fmt("%s/%s", inst_tmp(), name);
    char *h1 = dump_path(HOST1), *text = cpu_text(name);
    char *args = inst_fmt("model --json --type hvm --cpuid '%s' '%s'", h1,
                          file);
    char *from = inst_fmt("\n%s: ", name), *verdict, *fs, *xl, *list;
    struct xo_result libxl = { 0 };
    yajl_val top;

    inst_write_file(file, text);
    top = tool_json(args, 0);
    verdict = line_after(driver_out, from);
    fs = line_after_from(driver_out, from, "  featureset: ");
    xl = line_after_from(driver_out, from, "  cpuid=: ");
    list = line_after_from(driver_out, from, "  libxl list: ");
    assert_string_equal(verdict, "runs");
    assert_string_equal(fs, json_str(top, "featureset"));
    assert_string_equal(xl, json_str(top, "xl_cpuid"));
    xo_libxl_form(xl, &libxl);
    assert_int_equal(libxl.rc, 0);
    if (strcmp(list, libxl.json))
        fail_msg("%s: the program's libxl list\n%s\nlibxenlight's from "
                 "\"%s\"\n%s", name, list, xl, libxl.json);
    free(libxl.json);
    yajl_tree_free(top);
    free(list);
    free(xl);
    free(fs);
    free(verdict);
    free(from);
    free(args);
    free(text);
    free(h1);
    free(file);
}

static void domain_cpu_in_memory(void **state)
{
    (void)state;
    guest_is_the_tools("domain.xml");
    /* The domain's own asks are honoured: avx512f disabled, pku kept. */
    assert_non_null(strstr(driver_out, "avx512f=0"));
}

static void pool_cpu_in_memory(void **state)
{
    (void)state;
    guest_is_the_tools("pool-cpu.xml");
}

/* The host it opened is the dump's, through the simulated Xen. */
static void host_is_the_dump(void **state)
{
    char *host = line_after(driver_out, "host: ");

    (void)state;
    assert_non_null(strstr(host, "sim: "));
    assert_non_null(strstr(host, HOST1 ".xml"));
    free(host);
}

/* README.md's program: model's cpuid= string for its <cpu>. */
static void readme_program_is_model(void **state)
{
    char *prog = readme_program(), *xml = literal(prog, "xml[] =");
    char *file = inst_fmt("%s/readme-cpu.xml", inst_tmp());
    char *h1 = dump_path(HOST1);
    char *args = inst_fmt("model --json --type hvm --cpuid '%s' '%s'", h1,
                          file);
    char *want;
    yajl_val top;

    (void)state;
    inst_write_file(file, xml);
    top = tool_json(args, 0);
    want = inst_fmt("cpuid=\"%s\"\n", json_str(top, "xl_cpuid"));
    assert_int_equal(readme_status, 0);
    assert_string_equal(readme_out, want);
    /* The README shows that output. */
    {
        char *md = inst_read_file("README.md");

        if (!strstr(md, want))
            fail_msg("README.md does not show the program's output %s",
                     want);
        free(md);
    }
    yajl_tree_free(top);
    free(want);
    free(args);
    free(h1);
    free(file);
    free(xml);
    free(prog);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pool_is_the_tools),
        cmocka_unit_test(host_is_the_dump),
        cmocka_unit_test(domain_cpu_in_memory),
        cmocka_unit_test(pool_cpu_in_memory),
        cmocka_unit_test(readme_program_is_model),
    };

    return cmocka_run_group_tests(tests, build_and_run, teardown);
}
