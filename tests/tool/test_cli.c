/* SPDX-License-Identifier: MIT */
/*
 * The command line of our subcommands ($XFS_TOOL): each takes only the
 * options its help lists (any other is refused, exit 1, naming it),
 * before or after its name; SUBCOMMAND --help and help SUBCOMMAND;
 * --version; usage errors in one line with a hint; --type read one way
 * everywhere; an output in a missing directory is bad input (exit 2) and
 * outputs are written atomically.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/helpers/shared-data.h"
#include "tests/helpers/tool-run.h"

#define SKX "GenuineIntel0050654_SkylakeXeon"

struct res {
    int status;
    char *out, *err;
};

static struct res run(const char *const *args)
{
    struct res r;

    r.status = tool_run_argv(args, &r.out, &r.err);
    return r;
}

#define RUN(...) run((const char *const[]){ __VA_ARGS__, NULL })

static void res_free(struct res *r)
{
    free(r->out);
    free(r->err);
}

/* Exit status, empty stdout, stderr exactly `err` (when not NULL). */
static void expect_err(struct res r, int status, const char *err)
{
    if (r.status != status || (err && strcmp(r.err, err)) || r.out[0])
        fail_msg("exit %d (expected %d), stdout '%.60s', stderr '%s' "
                 "(expected '%s')", r.status, status, r.out, r.err,
                 err ? err : "(any)");
    res_free(&r);
}

/* One line on stderr ending with the subcommand's hint. */
static void expect_usage(struct res r, const char *cmd, const char *words)
{
    char hint[64];

    snprintf(hint, sizeof(hint), " (xen-cpuid %s --help)\n", cmd);
    if (r.status != 1 || r.out[0] || !strstr(r.err, words) ||
        strchr(r.err, '\n') != r.err + strlen(r.err) - 1 ||
        strlen(r.err) < strlen(hint) ||
        strcmp(r.err + strlen(r.err) - strlen(hint), hint))
        fail_msg("%s: exit %d, stderr '%s'; expected one line with '%s' and "
                 "the hint", cmd, r.status, r.err, words);
    res_free(&r);
}

/* ---- what each subcommand takes ---- */

/* The five: silently ignored before. */
static void options_refused(void **state)
{
    (void)state;
    expect_err(RUN("decode", "--type", "bogus", "178bfbff"), 1,
               "xen-cpuid: decode: option '--type' does not apply to decode "
               "(xen-cpuid decode --help)\n");
    expect_err(RUN("info", "--type", "kvm"), 1,
               "xen-cpuid: --type does not apply to info, detail, -p or "
               "featureset arguments\n");
    expect_err(RUN("decode", "-o", "f", "178bfbff"), 1,
               "xen-cpuid: decode: option '-o' does not apply to decode "
               "(xen-cpuid decode --help)\n");
    expect_err(RUN("level", "--backend", "xen", "x.xml"), 1,
               "xen-cpuid: level: option '--backend' does not apply to level "
               "(xen-cpuid level --help)\n");
    expect_err(RUN("model", "--xl-cpuid", "host", "x.xml"), 1,
               "xen-cpuid: model: option '--xl-cpuid' does not apply to "
               "model (xen-cpuid model --help)\n");
    /* Before the subcommand's name too. */
    expect_err(RUN("--type", "pv", "decode", "178bfbff"), 1,
               "xen-cpuid: decode: option '--type' does not apply to decode "
               "(xen-cpuid decode --help)\n");
}

/* Names of the subcommands and of the options `help` lists. */
static size_t help_list(const char *help, const char *header, char v[][32],
                        size_t max)
{
    const char *p = strstr(help, header);
    size_t n = 0;

    assert_non_null(p);
    for (p = strchr(p, '\n') + 1; !strncmp(p, "  ", 2) && n < max;
         p = strchr(p, '\n') + 1) {
        const char *q = p + strspn(p, " ");
        size_t len;

        if (!strncmp(q, "-o, ", 4))
            q += 4;
        len = strcspn(q, " \n");
        snprintf(v[n++], 32, "%.*s", (int)len, q);
    }
    return n;
}

/* A value for an option that takes one (so that only applicability is
 * in question). */
static const char *value_for(const char *opt)
{
    static const char *const none[] = {
        "--json", "--no-hap", "--nomigrate", "--show-backend", "--version",
    };

    for (size_t i = 0; i < sizeof(none) / sizeof(*none); i++)
        if (!strcmp(opt, none[i]))
            return NULL;
    if (!strcmp(opt, "--xen-version"))
        return "4.17";
    return !strcmp(opt, "--type") ? "pv" : !strcmp(opt, "--backend") ? "sim"
                                                                    : "x";
}

/*
 * Every subcommand against every option: refused (exit 1, the option
 * named, the hint) exactly when its own help does not list it.  An option
 * it takes is followed by an unknown one, so that the refusal names the
 * latter and nothing runs.
 */
static void help_and_refusal_agree(void **state)
{
    char subs[32][32], opts[32][32];
    struct res h = RUN("help");
    size_t ns = help_list(h.out, "Subcommands:\n", subs, 32);
    size_t no = help_list(h.out, "Options:\n", opts, 32);

    (void)state;
    assert_true(ns >= 13 && no >= 15);
    for (size_t s = 0; s < ns; s++) {
        struct res own;

        if (!strcmp(subs[s], "info") || !strcmp(subs[s], "detail"))
            continue;       /* Xen's command lines: test_xen_invocations */
        own = RUN(subs[s], "--help");
        assert_int_equal(own.status, 0);
        for (size_t o = 0; o < no; o++) {
            char listed[48], named[64];
            const char *v = value_for(opts[o]);
            struct res r = v ? RUN(subs[s], opts[o], v, "--bogus")
                             : RUN(subs[s], opts[o], "--bogus");
            bool takes;

            snprintf(listed, sizeof(listed), "  %s", opts[o]);
            snprintf(named, sizeof(named), "option '%s' does not apply",
                     opts[o]);
            takes = strstr(own.out, listed) ||
                    (!strcmp(opts[o], "--output") && strstr(own.out, "-o, "));
            if (!strcmp(opts[o], "--version")) {
                assert_int_equal(r.status, 0);  /* before --bogus */
                res_free(&r);
            } else {
                expect_usage(r, subs[s], takes ? "unknown option '--bogus'"
                                               : named);
            }
        }
        res_free(&own);
    }
    res_free(&h);
}

/* ---- help and --version ---- */

static void subcommand_help(void **state)
{
    struct res a = RUN("level", "--help"), b = RUN("help", "level");
    struct res c = RUN("--json", "level", "-h");

    (void)state;
    assert_int_equal(a.status, 0);
    assert_string_equal(a.err, "");
    assert_string_equal(a.out, b.out);
    assert_string_equal(a.out, c.out);
    assert_int_equal(strncmp(a.out, "Usage: xen-cpuid level [OPTIONS] HOST...",
                             40), 0);
    assert_non_null(strstr(a.out, "\n  --with NAME[,NAME]"));
    assert_non_null(strstr(a.out, "\n  --type pv|hvm"));
    assert_null(strstr(a.out, "--backend"));
    assert_null(strstr(a.out, "Subcommands:"));
    res_free(&a);
    res_free(&b);
    res_free(&c);
    /* help of info: ours (info --help is Xen's one-line usage). */
    a = RUN("help", "info");
    assert_int_equal(a.status, 0);
    assert_non_null(strstr(a.out, "Usage: xen-cpuid info [OPTIONS]\n"));
    assert_non_null(strstr(a.out, "  --show-backend"));
    res_free(&a);
    expect_usage(RUN("help", "bogus"), "help", "unknown subcommand 'bogus'");
}

/* VERSION from the Makefile (the tests run from the repository root). */
static void version(void **state)
{
    char *mk = shared_read("Makefile"), want[64];
    const char *v = strstr(mk, "\nVERSION = ");
    struct res r;

    (void)state;
    assert_non_null(v);
    v += strlen("\nVERSION = ");
    snprintf(want, sizeof(want), "xen-cpuid %.*s\n", (int)strcspn(v, "\n"),
             v);
    free(mk);
    /* Ours, on Xen's command lines too, wherever it comes. */
    for (size_t i = 0; i < 4; i++) {
        const char *const *args =
            (const char *const *const[]){
                (const char *const[]){ "--version", NULL },
                (const char *const[]){ "level", "--version", NULL },
                (const char *const[]){ "-d", "--version", NULL },
                (const char *const[]){ "--vers", NULL },
            }[i];

        r = run(args);
        assert_int_equal(r.status, 0);
        assert_string_equal(r.out, want);
        assert_string_equal(r.err, "");
        res_free(&r);
    }
    /* Xen's tool reads --v, --ve and --ver as --verbose: so do we. */
    r = RUN("--ver", "--cpuid", shared_dump(SKX));
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "Dynamic sets:"));
    assert_non_null(strstr(r.out, "  [00] CPUID 0x00000001.edx"));
    res_free(&r);
}

/* ---- usage errors: one line and a hint ---- */

static void usage_errors(void **state)
{
    (void)state;
    expect_err(RUN("level", "--bogus"), 1,
               "xen-cpuid: level: unknown option '--bogus' (xen-cpuid level "
               "--help)\n");
    expect_usage(RUN("level", "-x"), "level", "unknown option '-x'");
    expect_usage(RUN("level", "--c", "x"), "level",
                 "ambiguous option '--c': --cpuid, --cpu-map, "
                 "--cpu-map-cache, --config");
    expect_usage(RUN("level", "--type"), "level",
                 "option '--type' needs an argument");
    expect_usage(RUN("level", "--json=1", "x"), "level",
                 "option '--json' takes no argument");
    expect_usage(RUN("level"), "level", "expected HOST...");
    expect_usage(RUN("model"), "model", "expected one FILE.xml");
    expect_usage(RUN("decode"), "decode", "expected FEATURESET...");
    expect_usage(RUN("explain"), "explain", "expected NAME...");
    expect_usage(RUN("xl-cpuid"), "xl-cpuid", "expected STRING...");
    expect_usage(RUN("restore-check"), "restore-check", "expected one FILE");
    expect_usage(RUN("viridian"), "viridian", "expected one SETTING");
    expect_usage(RUN("record", "--type", "hvm"), "record",
                 "-o FILE is required");
    expect_usage(RUN("policy", "1", "2"), "policy", "unexpected argument "
                 "'2'");
    expect_usage(RUN("levelling", "x"), "levelling", "unexpected argument");
    expect_usage(RUN("host-model", "x"), "host-model", "unexpected argument");
}

/* ---- --type, one parser ---- */

static void type_spellings(void **state)
{
    static const char *const cmds[][3] = {
        { "record", "-o", "/nonexistent/never" },
        { "level", "x.xml", NULL },
        { "model", "x.xml", NULL },
        { "host-model", NULL, NULL },
        { "xl-cpuid", "host", NULL },
        { "levelling", NULL, NULL },
    };
    char path[4200];
    struct res r;

    (void)state;
    for (size_t i = 0; i < sizeof(cmds) / sizeof(*cmds); i++) {
        const char *args[8] = { cmds[i][0], "--type", "Hvm-ish" };
        size_t n = 3;

        for (size_t k = 1; k < 3 && cmds[i][k]; k++)
            args[n++] = cmds[i][k];
        expect_usage(run(args), cmds[i][0], "--type: guest type 'Hvm-ish': "
                     "expected pv or hvm");
    }
    /* Any case, everywhere: record's HVM as level's. */
    snprintf(path, sizeof(path), "/tmp/xfs-cli-%ld.stream", (long)getpid());
    r = RUN("record", "--type", "HVM", "--cpuid", shared_dump(SKX), "-o",
            path);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, ": x86 HVM stream, "));
    res_free(&r);
    r = RUN("record", "--type", "pV", "--cpuid", shared_dump(SKX), "-o",
            path);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, ": x86 PV stream, "));
    res_free(&r);
    r = RUN("levelling", "--type", "HVM", "--cpuid", shared_dump(SKX));
    assert_int_equal(r.status, 0);
    res_free(&r);
    unlink(path);
}

/* ---- outputs ---- */

static void output_paths(void **state)
{
    char dir[128], path[192], tmpdir[64];
    struct res r;
    struct stat st;
    FILE *f;

    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/xfs-cli-XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    /* A missing directory: bad input, the directory named. */
    snprintf(dir, sizeof(dir), "%s/no-such-dir", tmpdir);
    snprintf(path, sizeof(path), "%s/guest.stream", dir);
    r = RUN("record", "--type", "hvm", "--cpuid", shared_dump(SKX), "-o",
            path);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "cannot create: no such directory '"));
    assert_non_null(strstr(r.err, "/no-such-dir'"));
    res_free(&r);
    /* A directory as the output: bad input too. */
    r = RUN("record", "--type", "hvm", "--cpuid", shared_dump(SKX), "-o",
            tmpdir);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, ": is a directory"));
    res_free(&r);
    /* A refused record leaves the old file whole; nothing else is left. */
    snprintf(path, sizeof(path), "%s/guest.stream", tmpdir);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("old", f);
    fclose(f);
    r = RUN("record", "--type", "hvm", "--cpuid", shared_dump(SKX),
            "--xl-cpuid", "host,serialize=1", "-o", path);
    assert_int_equal(r.status, 4);
    res_free(&r);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, 3);
    r = RUN("record", "--type", "hvm", "--cpuid", shared_dump(SKX), "-o",
            path);
    assert_int_equal(r.status, 0);
    res_free(&r);
    assert_int_equal(stat(path, &st), 0);
    assert_true(st.st_size > 100);
    {
        char *ls = NULL, *lerr = NULL, cmd[200];

        snprintf(cmd, sizeof(cmd), "ls -A '%s'", tmpdir);
        assert_int_equal(tool_run_shell(cmd, &ls, &lerr), 0);
        assert_string_equal(ls, "guest.stream\n");
        free(ls);
        free(lerr);
    }
    unlink(path);
    rmdir(tmpdir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(options_refused),
        cmocka_unit_test(help_and_refusal_agree),
        cmocka_unit_test(subcommand_help),
        cmocka_unit_test(version),
        cmocka_unit_test(usage_errors),
        cmocka_unit_test(type_spellings),
        cmocka_unit_test(output_paths),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
