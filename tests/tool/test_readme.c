/* SPDX-License-Identifier: MIT */
/*
 * The README's examples, run as written, so that it cannot rot.
 *
 * README.md's conventions (stated in its "Examples" paragraph):
 *   - in a code block, a line starting with "$ " is a command (a line
 *     ending with '\' continues on the next); the lines after it, up to
 *     the next command or the end of the block, are what it prints;
 *   - "..." in a shown line stands for text left out (a line that is only
 *     "..." for lines left out);
 *   - a command whose trailing comment says "exit N" must exit N, every
 *     other one 0;
 *   - the line <!-- readme-check: skip: REASON --> before a code block
 *     keeps this test from running it (e.g. it needs a real Xen host).
 * Code blocks without a "$ " line (synopses) are not run.
 *
 * Each block runs in one shell (a `cd` or a variable carries over to the
 * block's next commands), from a scratch directory that looks like the
 * repository root (its entries linked in, build/ being the build under
 * test), so that the files examples write land there; xen-cpuid and
 * xen-sim on PATH are the build under test.  Every shown line must appear
 * in what the command printed, in order (stdout and stderr each in their
 * own order: their interleaving depends on buffering).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/helpers/shared-data.h"
#include "tests/helpers/tool-run.h"
#include "tests/helpers/xen-sim-run.h"

#define SKIP_MARK "<!-- readme-check: skip:"

struct command {
    unsigned int line;      /* README line of its "$ " */
    char *text;             /* the shell text, continuations joined */
    int status;             /* expected exit status */
    char **shown;           /* lines shown after it */
    size_t nr_shown;
};

struct block {
    unsigned int line;      /* README line where the block starts */
    struct command *cmds;
    size_t nr_cmds;
};

static struct block *blocks;
static size_t nr_blocks, nr_skipped;
static char scratch[64];

static char *xfmt(const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    assert_true(vasprintf(&s, fmt, ap) >= 0);
    va_end(ap);
    return s;
}

static void push_line(char ***v, size_t *n, const char *s, size_t len)
{
    *v = realloc(*v, (*n + 1) * sizeof(**v));
    assert_non_null(*v);
    (*v)[*n] = strndup(s, len);
    assert_non_null((*v)[*n]);
    (*n)++;
}

/* The exit status a command's trailing comment gives ("# ... exit N"):
 * the comment is the first " #" outside quotes. */
static int expected_status(const char *cmd)
{
    char quote = 0;

    for (const char *p = cmd; *p; p++) {
        if (quote) {
            quote = *p == quote ? 0 : quote;
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
        } else if (*p == '#' && p > cmd && isspace((unsigned char)p[-1])) {
            const char *e = strstr(p, "exit ");

            return e && isdigit((unsigned char)e[5]) ? atoi(e + 5) : 0;
        }
    }
    return 0;
}

/* A block's lines (indentation removed) into commands and their output. */
static void add_block(unsigned int first, char **lines, size_t n, bool skip)
{
    struct block b = { .line = first };

    for (size_t i = 0; i < n; i++) {
        struct command *c;

        if (strncmp(lines[i], "$ ", 2)) {
            if (b.nr_cmds) {
                c = &b.cmds[b.nr_cmds - 1];
                push_line(&c->shown, &c->nr_shown, lines[i],
                          strlen(lines[i]));
            }
            continue;
        }
        b.cmds = realloc(b.cmds, (b.nr_cmds + 1) * sizeof(*b.cmds));
        assert_non_null(b.cmds);
        c = &b.cmds[b.nr_cmds++];
        memset(c, 0, sizeof(*c));
        c->line = first + (unsigned int)i;
        c->text = strdup(lines[i] + 2);
        assert_non_null(c->text);
        while (strlen(c->text) && c->text[strlen(c->text) - 1] == '\\' &&
               i + 1 < n) {
            char *joined = xfmt("%s\n%s", c->text, lines[++i]);

            free(c->text);
            c->text = joined;
        }
        c->status = expected_status(c->text);
    }
    if (!b.nr_cmds)
        return;
    if (skip) {
        nr_skipped++;
        for (size_t i = 0; i < b.nr_cmds; i++) {
            for (size_t j = 0; j < b.cmds[i].nr_shown; j++)
                free(b.cmds[i].shown[j]);
            free(b.cmds[i].shown);
            free(b.cmds[i].text);
        }
        free(b.cmds);
        return;
    }
    blocks = realloc(blocks, (nr_blocks + 1) * sizeof(*blocks));
    assert_non_null(blocks);
    blocks[nr_blocks++] = b;
}

static void free_lines(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static bool blank(const char *s)
{
    return s[strspn(s, " \t")] == '\0';
}

/* Fenced (```) and indented (4 spaces, after a blank line) code blocks. */
static void parse_readme(const char *text)
{
    char **lines = NULL, **blk = NULL;
    size_t n = 0, nb = 0;
    bool skip_next = false;

    for (const char *p = text; *p;) {
        size_t len = strcspn(p, "\n");

        push_line(&lines, &n, p, len);
        p += len + (p[len] == '\n');
    }
    for (size_t i = 0; i < n; i++) {
        if (!strncmp(lines[i], SKIP_MARK, strlen(SKIP_MARK))) {
            skip_next = true;
            continue;
        }
        if (!strncmp(lines[i], "```", 3)) {
            size_t start = i + 1;

            for (i = start; i < n && strncmp(lines[i], "```", 3); i++)
                push_line(&blk, &nb, lines[i], strlen(lines[i]));
            add_block((unsigned int)start + 1, blk, nb, skip_next);
            free_lines(blk, nb);
            blk = NULL;
            nb = 0;
            skip_next = false;
            continue;
        }
        if (!strncmp(lines[i], "    ", 4) && i > 0 && blank(lines[i - 1])) {
            size_t start = i, end = i;

            /* Up to the last indented line before a non-indented one. */
            for (size_t j = i; j < n && (blank(lines[j]) ||
                                         !strncmp(lines[j], "    ", 4)); j++)
                if (!blank(lines[j]))
                    end = j;
            for (size_t j = start; j <= end; j++)
                push_line(&blk, &nb, lines[j] + (blank(lines[j]) ? 0 : 4),
                          blank(lines[j]) ? 0 : strlen(lines[j]) - 4);
            add_block((unsigned int)start + 1, blk, nb, skip_next);
            free_lines(blk, nb);
            blk = NULL;
            nb = 0;
            skip_next = false;
            i = end;
        }
    }
    free_lines(lines, n);
}

/* ---- the scratch root ---- */

static char *run_ok(const char *cmd)
{
    char *out = NULL, *err = NULL;
    int st = tool_run_shell(cmd, &out, &err);

    if (st != 0)
        fail_msg("'%s' exited %d: %s%s", cmd, st, out, err);
    free(err);
    return out;
}

static int setup(void **state)
{
    const char *build = getenv("XFS_BUILD");
    char *text, *out, *cmd, *abs_build, *tool, *cwd = getcwd(NULL, 0);

    (void)state;
    if (access("README.md", R_OK) || access("Makefile", R_OK)) {
        fprintf(stderr, "test_readme: run from the repository root\n");
        return -1;
    }
    text = shared_read("README.md");
    parse_readme(text);
    free(text);
    snprintf(scratch, sizeof(scratch), "/tmp/xfs-readme-XXXXXX");
    if (!mkdtemp(scratch))
        return -1;
    abs_build = realpath(build && *build ? build : "build", NULL);
    if (!abs_build) {
        fprintf(stderr, "test_readme: no build directory\n");
        return -1;
    }
    /* The root's entries (build/: the build under test), and the tools. */
    tool = realpath(tool_path(), NULL);
    if (!tool) {
        fprintf(stderr, "test_readme: no tool at %s\n", tool_path());
        return -1;
    }
    cmd = xfmt("cd '%s' && for e in * .[!.]*; do "
               "  [ -e \"$e\" ] && [ \"$e\" != build ] && "
               "  [ \"$e\" != .git ] && ln -s \"$PWD/$e\" '%s'/; "
               "done; ln -s '%s' '%s/build' && "
               "mkdir '%s/.bin' '%s/.out' && "
               "ln -s '%s' '%s/.bin/xen-cpuid' && "
               "ln -s '%s/xen-sim' '%s/.bin/xen-sim'",
               cwd, scratch, abs_build, scratch, scratch, scratch, tool,
               scratch, abs_build, scratch);
    out = run_ok(cmd);
    free(out);
    free(cmd);
    free(tool);
    free(abs_build);
    free(cwd);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (!strncmp(scratch, "/tmp/xfs-readme-", 16)) {
        char *cmd = xfmt("rm -rf '%s'", scratch), *out = run_ok(cmd);

        free(out);
        free(cmd);
    }
    for (size_t i = 0; i < nr_blocks; i++) {
        for (size_t j = 0; j < blocks[i].nr_cmds; j++) {
            free_lines(blocks[i].cmds[j].shown, blocks[i].cmds[j].nr_shown);
            free(blocks[i].cmds[j].text);
        }
        free(blocks[i].cmds);
    }
    free(blocks);
    return 0;
}

/* ---- matching what was shown ---- */

static void rtrim(char *s)
{
    size_t n = strlen(s);

    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
}

/* Does `line` match `shown`, where "..." in shown stands for any text? */
static bool line_matches(const char *line, const char *shown)
{
    const char *dots = strstr(shown, "...");
    size_t plen;

    if (!dots)
        return !strcmp(line, shown);
    plen = (size_t)(dots - shown);
    if (strncmp(line, shown, plen))
        return false;
    line += plen;
    shown = dots + 3;
    /* The rest: each piece found in order, the last one at the end. */
    while ((dots = strstr(shown, "..."))) {
        char *piece = strndup(shown, (size_t)(dots - shown));
        const char *at;

        assert_non_null(piece);
        at = strstr(line, piece);
        line = at ? at + strlen(piece) : NULL;
        free(piece);
        if (!line)
            return false;
        shown = dots + 3;
    }
    plen = strlen(shown);
    return strlen(line) >= plen && !strcmp(line + strlen(line) - plen, shown);
}

struct stream {
    char **v;
    size_t n, at;
};

static void to_lines(const char *text, struct stream *s)
{
    memset(s, 0, sizeof(*s));
    for (const char *p = text; *p;) {
        size_t len = strcspn(p, "\n");

        push_line(&s->v, &s->n, p, len);
        rtrim(s->v[s->n - 1]);
        p += len + (p[len] == '\n');
    }
}

static bool find_from(struct stream *s, const char *shown)
{
    for (size_t i = s->at; i < s->n; i++)
        if (line_matches(s->v[i], shown)) {
            s->at = i + 1;
            return true;
        }
    return false;
}

static char *read_or_empty(const char *path)
{
    FILE *f = fopen(path, "r");
    char *s;

    if (!f)
        return strdup("");
    s = tool_slurp(f);
    fclose(f);
    return s;
}

/* The first lines of an output, for a message (malloc'd). */
static char *head(const char *text)
{
    const char *p = text;

    for (int i = 0; i < 30 && (p = strchr(p, '\n')); i++)
        p++;
    return p && *p ? xfmt("%.*s    [... %zu more bytes]\n", (int)(p - text),
                          text, strlen(p))
                   : xfmt("%s", text);
}

/* One block, run in one shell; failures appended to *report. */
static void run_block(const struct block *b, size_t bi, char **report,
                      size_t *ran)
{
    char *script = xfmt("cd '%s' || exit 99\n", scratch), *cmd, *out;

    for (size_t i = 0; i < b->nr_cmds; i++) {
        char *more = xfmt("%s{ %s\n} > '%s/.out/%zu-%zu.out' 2> "
                          "'%s/.out/%zu-%zu.err' < /dev/null; "
                          "echo $? > '%s/.out/%zu-%zu.rc'\n",
                          script, b->cmds[i].text, scratch, bi, i, scratch,
                          bi, i, scratch, bi, i);

        free(script);
        script = more;
    }
    {
        char *path = xfmt("%s/.out/%zu.sh", scratch, bi);
        FILE *f = fopen(path, "w");

        assert_non_null(f);
        fputs(script, f);
        fclose(f);
        cmd = xfmt("PATH='%s/.bin':\"$PATH\" sh '%s'", scratch, path);
        free(path);
    }
    out = run_ok(cmd);
    free(out);
    free(cmd);
    free(script);
    for (size_t i = 0; i < b->nr_cmds; i++) {
        const struct command *c = &b->cmds[i];
        char *p = xfmt("%s/.out/%zu-%zu", scratch, bi, i);
        char *rcp = xfmt("%s.rc", p), *op = xfmt("%s.out", p),
             *ep = xfmt("%s.err", p);
        char *rc = read_or_empty(rcp), *o = read_or_empty(op),
             *e = read_or_empty(ep), *oh = head(o), *eh = head(e);
        struct stream so, se;
        char *more;

        (*ran)++;
        rtrim(rc);
        to_lines(o, &so);
        to_lines(e, &se);
        if (!*rc || atoi(rc) != c->status) {
            more = xfmt("%sREADME.md:%u: $ %s\n  exited %s, expected %d\n"
                        "  stdout:\n%s  stderr:\n%s\n", *report, c->line,
                        c->text, *rc ? rc : "(did not run)", c->status, oh,
                        eh);
            free(*report);
            *report = more;
        }
        for (size_t j = 0; j < c->nr_shown; j++) {
            char *shown = strdup(c->shown[j]);

            assert_non_null(shown);
            rtrim(shown);
            if (*shown && strcmp(shown, "...") &&
                !find_from(&so, shown) && !find_from(&se, shown)) {
                more = xfmt("%sREADME.md:%u: $ %s\n  shows (line %u) '%s', "
                            "not printed (in this order)\n  stdout:\n%s  "
                            "stderr:\n%s\n", *report, c->line, c->text,
                            c->line + (unsigned int)(j + 1), shown, oh, eh);
                free(*report);
                *report = more;
                free(shown);
                break;
            }
            free(shown);
        }
        free_lines(so.v, so.n);
        free_lines(se.v, se.n);
        free(eh);
        free(oh);
        free(e);
        free(o);
        free(rc);
        free(ep);
        free(op);
        free(rcp);
        free(p);
    }
}

static size_t failures(const char *report)
{
    size_t n = 0;

    for (const char *p = report; (p = strstr(p, "README.md:")); p++)
        n += p == report || p[-1] == '\n';
    return n;
}

static void readme_examples_run(void **state)
{
    char *report = strdup("");
    size_t ran = 0;

    (void)state;
    assert_non_null(report);
    for (size_t i = 0; i < nr_blocks; i++)
        run_block(&blocks[i], i, &report, &ran);
    printf("README.md: %zu commands in %zu blocks run, %zu blocks marked "
           "skip\n", ran, nr_blocks, nr_skipped);
    if (*report) {
        fprintf(stderr, "README examples that do not run as written:\n%s",
                report);
        fail_msg("README.md: %zu of its examples do not run as written "
                 "(listed above)", failures(report));
    }
    /* The README has examples (and this parser found them). */
    assert_true(ran >= 40);
    free(report);
}

/* The conventions above hold: checked on a README of our own. */
static void conventions(void **state)
{
    static const char md[] =
        "text\n"
        "\n"
        "    $ echo a; echo b >&2   # prints\n"
        "    a\n"
        "    b\n"
        "    $ false   # exit 1\n"
        "\n"
        "<!-- readme-check: skip: needs a Xen host -->\n"
        "```\n"
        "$ xl list\n"
        "```\n"
        "\n"
        "    usage: no command here\n"
        "\n"
        "```\n"
        "$ printf 'x %s\\n' \\\n"
        "  long line\n"
        "x long...\n"
        "...\n"
        "```\n";
    struct block *saved = blocks;
    size_t saved_n = nr_blocks, saved_skipped = nr_skipped;

    (void)state;
    blocks = NULL;
    nr_blocks = nr_skipped = 0;
    parse_readme(md);
    assert_int_equal(nr_blocks, 2);
    assert_int_equal(nr_skipped, 1);
    assert_int_equal(blocks[0].nr_cmds, 2);
    assert_int_equal(blocks[0].cmds[0].status, 0);
    assert_int_equal(blocks[0].cmds[0].nr_shown, 2);
    assert_int_equal(blocks[0].cmds[1].status, 1);
    assert_int_equal(blocks[1].nr_cmds, 1);
    assert_string_equal(blocks[1].cmds[0].text,
                        "printf 'x %s\\n' \\\n  long line");
    assert_true(line_matches("x long", "x long..."));
    assert_true(line_matches("a b c d", "a ...c..."));
    assert_true(line_matches("host: sim (auto)", "host: ... (...)"));
    assert_false(line_matches("x short", "x long..."));
    assert_false(line_matches("a b", "a ...c"));
    assert_int_equal(expected_status("f '# exit 3'"), 0);
    assert_int_equal(expected_status("f # no Xen here: exit 3"), 3);
    {
        char *report = strdup("");
        size_t ran = 0;

        assert_non_null(report);
        run_block(&blocks[0], 1000, &report, &ran);
        assert_string_equal(report, "");
        run_block(&blocks[1], 1001, &report, &ran);
        assert_string_equal(report, "");
        assert_int_equal(ran, 3);
        /* A shown line not printed, and a wrong status, are reported. */
        free(blocks[0].cmds[0].shown[1]);
        blocks[0].cmds[0].shown[1] = strdup("c");
        blocks[0].cmds[1].status = 0;
        run_block(&blocks[0], 1002, &report, &ran);
        assert_non_null(strstr(report, "shows (line 5) 'c', not printed"));
        assert_non_null(strstr(report, "exited 1, expected 0"));
        free(report);
    }
    for (size_t i = 0; i < nr_blocks; i++) {
        for (size_t j = 0; j < blocks[i].nr_cmds; j++) {
            free_lines(blocks[i].cmds[j].shown, blocks[i].cmds[j].nr_shown);
            free(blocks[i].cmds[j].text);
        }
        free(blocks[i].cmds);
    }
    free(blocks);
    blocks = saved;
    nr_blocks = saved_n;
    nr_skipped = saved_skipped;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(conventions),
        cmocka_unit_test(readme_examples_run),
    };

    /* The README runs xen-sim: a sanitised build's tools under its
     * preload (the sanitizer runtime is then not first). */
    xen_sim_sanitizer_env();

    return cmocka_run_group_tests(tests, setup, teardown);
}
