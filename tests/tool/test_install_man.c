/* SPDX-License-Identifier: MIT */
/*
 * The installed man page against the installed tool: it renders without
 * warnings and documents every subcommand, option and exit code the
 * tool's `help` lists, and every option each subcommand's --help lists.
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

/* ---- the man page against the installed tool ---- */

/*
 * A section of the rendered page, from its heading to the next heading (a
 * line starting with a capital letter; body text is indented).  Starts
 * with the newline ending the heading, so "\n   name" finds a first line.
 */
static char *section(const char *text, const char *name)
{
    char *head = inst_fmt("\n%s\n", name), *s;
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
static void help_subcommands(const char *help, struct inst_list *l)
{
    const char *p = strstr(help, "Subcommands:\n");

    assert_non_null(p);
    for (p = strchr(p, '\n') + 1; !strncmp(p, "  ", 2);
         p = strchr(p, '\n') + 1) {
        size_t len = strcspn(p + 2, " \n");

        inst_list_add(l, p + 2, len);
    }
    assert_true(l->n >= 11);
}

/* The option tokens ("--json", "-o", "--output") of a list of options
 * ("Options:", or "Xen's invocations..." for -i, -d, -p, -h). */
static void help_options(const char *help, const char *header,
                         struct inst_list *l)
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

            inst_list_add(l, q, len);
            q += len;
            while (*q == ',' || *q == ' ')
                q++;
            if (*q != '-')
                break;
        }
    }
}

/* The rendered page, and its OPTIONS section. */
static char *rendered(void)
{
    char *man = inst_staged("share/man/man1/xen-cpuid.1");
    char *text = inst_run_ok("groff -man -Tascii -P-c -P-b -P-u -P-o "
                             "-rLL=400n -rHY=0 '%s'", man);

    free(man);
    return text;
}

/* An option ("--json", "-o") described under OPTIONS. */
static void documented(const char *opts, const char *opt)
{
    char *a = inst_fmt("       %s ", opt);
    char *b = inst_fmt("       %s\n", opt);
    char *c = inst_fmt("       %s,", opt);
    char *d = inst_fmt(", %s", opt);

    if (!strstr(opts, a) && !strstr(opts, b) && !strstr(opts, c) &&
        !strstr(opts, d))
        fail_msg("man page: option '%s' is not described under OPTIONS",
                 opt);
    free(d);
    free(c);
    free(b);
    free(a);
}

static void man_page(void **state)
{
    char *man = inst_staged("share/man/man1/xen-cpuid.1");
    char *tool = inst_staged("bin/xen-cpuid");
    char *warn, *text, *subs, *opts, *exits, *help;
    struct inst_list sc = { 0 }, op = { 0 };
    const char *codes;

    (void)state;
    warn = inst_run_ok("groff -man -ww -z '%s'", man);
    if (*warn)
        fail_msg("groff warns about the man page:\n%s", warn);
    text = inst_run_ok("groff -man -Tascii -P-c -P-b -P-u -P-o -rLL=400n "
                  "-rHY=0 '%s'", man);
    /* `help`: --help is Xen's one-line usage (test_xen_invocations). */
    help = inst_run_ok("'%s' help", tool);
    help_subcommands(help, &sc);
    help_options(help, "Xen's invocations", &op);
    help_options(help, "Options:\n", &op);
    assert_true(op.n >= 18);
    subs = section(text, "SUBCOMMANDS");
    opts = section(text, "OPTIONS");
    exits = section(text, "EXIT STATUS");
    /* A subsection per subcommand: "   NAME" or "   NAME ARGS". */
    for (size_t i = 0; i < sc.n; i++) {
        char *a = inst_fmt("\n   %s ", sc.v[i]);
        char *b = inst_fmt("\n   %s\n", sc.v[i]);
        char *c = inst_fmt("\n   %s,", sc.v[i]);

        if (!strstr(subs, a) && !strstr(subs, b) && !strstr(subs, c))
            fail_msg("man page: no subsection for subcommand '%s'",
                     sc.v[i]);
        free(c);
        free(b);
        free(a);
    }
    for (size_t i = 0; i < op.n; i++)
        documented(opts, op.v[i]);
    /* "Exit codes: 0 ok, 1 usage, ..." */
    codes = strstr(help, "Exit codes:");
    assert_non_null(codes);
    for (const char *p = codes; (p = strpbrk(p, "0123456789"));) {
        char *line = inst_fmt("       %c      ", *p);

        if (!strstr(exits, line))
            fail_msg("man page: exit status %c is not documented", *p);
        free(line);
        p++;
    }
    inst_list_free(&op);
    inst_list_free(&sc);
    free(help);
    free(exits);
    free(opts);
    free(subs);
    free(text);
    free(warn);
    free(tool);
    free(man);
}

/*
 * Each subcommand's own help (SUBCOMMAND --help, and help SUBCOMMAND for
 * all of them): exit 0, its usage line, and only options the man page
 * describes.  info and detail are Xen's: their --help is Xen's usage.
 */
static void subcommand_help(void **state)
{
    char *tool = inst_staged("bin/xen-cpuid");
    char *help = inst_run_ok("'%s' help", tool), *text = rendered();
    char *opts = section(text, "OPTIONS");
    struct inst_list sc = { 0 };

    (void)state;
    help_subcommands(help, &sc);
    for (size_t i = 0; i < sc.n; i++) {
        bool xen = !strcmp(sc.v[i], "info") || !strcmp(sc.v[i], "detail");
        char *own = inst_run_ok("'%s' help %s", tool, sc.v[i]);
        char *usage = inst_fmt("Usage: xen-cpuid %s", sc.v[i]);
        struct inst_list op = { 0 };

        if (strncmp(own, usage, strlen(usage)))
            fail_msg("help %s: starts '%.40s'", sc.v[i], own);
        if (!xen) {
            char *flag = inst_run_ok("'%s' %s --help", tool, sc.v[i]);

            if (strcmp(flag, own))
                fail_msg("%s --help differs from help %s", sc.v[i], sc.v[i]);
            free(flag);
        }
        help_options(own, "Options:\n", &op);
        assert_true(op.n >= 3);    /* -h, --help, --version at least */
        for (size_t k = 0; k < op.n; k++)
            documented(opts, op.v[k]);
        inst_list_free(&op);
        free(usage);
        free(own);
    }
    inst_list_free(&sc);
    free(opts);
    free(text);
    free(help);
    free(tool);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(man_page),
        cmocka_unit_test(subcommand_help),
    };

    return cmocka_run_group_tests(tests, inst_setup, inst_teardown);
}
