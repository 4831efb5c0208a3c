/* SPDX-License-Identifier: MIT */
/*
 * Our xen-cpuid as a drop-in for Xen 4.17's: every command line of Xen's
 * tool that runs without a hypervisor (featureset arguments, -h, unknown
 * options, -p's DOMID errors) is run through both programs, under the same
 * argv[0], and stdout, stderr and the exit status must be identical.  The
 * modes that need a hypervisor (info, detail, -p) are checked for Xen's
 * option rules on the simulated one: which spellings select which mode,
 * what is ignored, what is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <xenctrl.h>
#include <xenguest.h>

#include "../helpers/shared-data.h"
#include "../helpers/tool-run.h"
#include "xen/lib/featureset.h"

#define XEN_TOOL "/usr/lib/xen-4.17/bin/xen-cpuid"
#define MAX_ARGS 64

struct result {
    int status;
    char *out, *err;
};

static void result_free(struct result *r)
{
    free(r->out);
    free(r->err);
}

/* Run `path` as "xen-cpuid ARGS..." (args NULL-terminated). */
static void run_as(const char *path, const char *const *args,
                   struct result *r)
{
    const char *argv[MAX_ARGS + 2] = { "xen-cpuid" };
    size_t i;

    for (i = 0; args[i]; i++) {
        assert_true(i < MAX_ARGS);
        argv[i + 1] = args[i];
    }
    argv[i + 1] = NULL;
    r->status = tool_exec(path, argv, &r->out, &r->err);
}

/* The command line, cut to a readable length. */
static void show_args(char *buf, size_t n, const char *const *args)
{
    size_t used = 0;

    buf[0] = '\0';
    for (size_t i = 0; args[i] && used < n; i++)
        used += (size_t)snprintf(buf + used, n - used, " '%.60s%s'", args[i],
                                 strlen(args[i]) > 60 ? "..." : "");
}

/* Fail naming the first line where two outputs differ. */
static void same_text(const char *what, const char *shown, const char *xen,
                      const char *ours)
{
    unsigned int line = 1;
    const char *x = xen, *o = ours;

    if (!strcmp(xen, ours))
        return;
    while (*x && *x == *o) {
        line += *x == '\n';
        x++;
        o++;
    }
    while (x > xen && x[-1] != '\n')
        x--, o--;
    fail_msg("%s differs at line %u:\n  Xen's: %.*s\n  ours:  %.*s\n  "
             "command line: xen-cpuid%s", what, line, (int)strcspn(x, "\n"),
             x, (int)strcspn(o, "\n"), o, shown);
}

/* Both programs, same argv: everything they say must be the same. */
static void same_as_xen(const char *const *args)
{
    struct result x, o;
    char shown[8192];

    run_as(XEN_TOOL, args, &x);
    run_as(tool_path(), args, &o);
    show_args(shown, sizeof(shown), args);
    if (x.status != o.status)
        fail_msg("xen-cpuid%s: exit %d, Xen's tool %d", shown, o.status,
                 x.status);
    same_text("stdout", shown, x.out, o.out);
    same_text("stderr", shown, x.err, o.err);
    result_free(&x);
    result_free(&o);
}

static int need_xen_tool(void **state)
{
    (void)state;
    if (access(XEN_TOOL, X_OK)) {
        fprintf(stderr, "%s is missing: install xen-utils-4.17 (make deps)\n",
                XEN_TOOL);
        return -1;
    }
    return 0;
}

/* ---- featureset arguments, generated ---- */

static uint64_t rng_state;

static uint32_t rnd(void)
{
    /* xorshift64*: fixed seed, the same arguments on every run */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

static uint32_t random_word(unsigned int index)
{
    switch (rnd() % 7) {
    case 0: return 0;
    case 1: return 0xffffffffu;
    case 2: return 1u << (rnd() % 32);
    case 3: return rnd() & rnd() & rnd();
    case 4: /* a plausible CPU: bits of the known mask */
        return index < XFS_NR_WORDS
                   ? rnd() & xfs_static_masks[XFS_MASK_KNOWN][index]
                   : rnd();
    default: return rnd();
    }
}

/*
 * One word in one of the spellings scanf's %x reads (or half reads).  An
 * argument never starts with '-': getopt would take it for options.
 */
static size_t put_word(char *p, size_t n, uint32_t w, bool first)
{
    static const char *const fmt[] = {
        "%x", "%X", "0x%x", "0X%08x", " %x", "\t%x", "+%x", "%09x",
        "1%08x", "fffffffff%08x", "%08xg", "%x.", "0x", "-%x",
    };
    unsigned int nr = sizeof(fmt) / sizeof(fmt[0]) - first;
    unsigned int r = rnd() % 40;

    if (r >= nr)
        return (size_t)snprintf(p, n, "%08x", w);
    return (size_t)snprintf(p, n, fmt[r], w);
}

static const char *random_separator(void)
{
    static const char *const sep[] = { "::", ";", ": ", ",", ":x" };
    unsigned int r = rnd() % 60;

    return r < sizeof(sep) / sizeof(sep[0]) ? sep[r] : ":";
}

/* A featureset argument of 1..26 words (Xen's tool reads at most 19). */
static void random_featureset(char *buf, size_t n)
{
    unsigned int words = 1 + rnd() % 26;
    size_t used = 0;

    if (rnd() % 4 == 0)
        words = 17 + rnd() % 5; /* around 19 */
    for (unsigned int i = 0; i < words && used + 64 < n; i++) {
        if (i)
            used += (size_t)snprintf(buf + used, n - used, "%s",
                                     random_separator());
        used += put_word(buf + used, n - used, random_word(i), i == 0);
    }
    if (rnd() % 25 == 0)
        snprintf(buf + used, n - used, "%s", rnd() % 2 ? ":" : "zz");
}

/* Arguments that are no featureset (none selects a mode needing Xen). */
static const char *const garbage[] = {
    "", "foo", "xyz", ":", "g1", "0x", "-", "--", "-5", "--bogus", ":ff",
    "policy-ish", "level", "12 34", "1:2:3:garbage", "--help=x",
};

#define INVOCATIONS 400

static void random_featuresets(void **state)
{
    static char bufs[MAX_ARGS][1024];
    unsigned int featuresets = 0;

    (void)state;
    rng_state = 0x13dead5eedull;
    for (unsigned int inv = 0; inv < INVOCATIONS; inv++) {
        const char *args[MAX_ARGS + 1];
        unsigned int nr = 1 + rnd() % 20, k = 0;

        for (unsigned int i = 0; i < nr; i++) {
            /* Garbage is rare, and never first ("level" is ours). */
            if (i && rnd() % 40 == 0) {
                args[k++] = garbage[rnd() % (sizeof(garbage) /
                                             sizeof(garbage[0]))];
                continue;
            }
            random_featureset(bufs[k], sizeof(bufs[k]));
            args[k] = bufs[k];
            k++;
            featuresets++;
        }
        args[k] = NULL;
        same_as_xen(args);
    }
    print_message("%u featuresets in %u invocations: identical\n",
                  featuresets, INVOCATIONS);
    assert_true(featuresets > 3000);
}

/* ---- every static mask, Xen's (libxenguest's) and ours ---- */

static char *format_words(const uint32_t *w, unsigned int nr)
{
    char *s = malloc((size_t)nr * 9 + 1);
    size_t used = 0;

    assert_non_null(s);
    s[0] = '\0';
    for (unsigned int i = 0; i < nr; i++)
        used += (size_t)sprintf(s + used, "%s%08x", i ? ":" : "", w[i]);
    return s;
}

static void static_masks(void **state)
{
    const char *args[2 * XFS_MASK_NR + 1];
    char *strs[2 * XFS_MASK_NR];
    unsigned int k = 0;

    (void)state;
    for (int m = XC_FEATUREMASK_KNOWN; m <= XC_FEATUREMASK_HVM_HAP_DEF; m++)
        strs[k++] = format_words(xc_get_static_cpu_featuremask(m),
                                 xc_get_cpu_featureset_size());
    for (int m = 0; m < XFS_MASK_NR; m++)
        strs[k++] = format_words(xfs_static_masks[m], XFS_NR_WORDS);
    for (unsigned int i = 0; i < k; i++)
        args[i] = strs[i];
    args[k] = NULL;
    same_as_xen(args);
    /* One at a time too: each is one argument of a command line. */
    for (unsigned int i = 0; i < k; i++)
        same_as_xen((const char *const[]){ strs[i], NULL });
    for (unsigned int i = 0; i < k; i++)
        free(strs[i]);
}

/* ---- options and their errors ---- */

static void option_handling(void **state)
{
    const char *const *const cases[] = {
        (const char *const[]){ "-h", NULL },
        (const char *const[]){ "--help", NULL },
        (const char *const[]){ "--he", NULL },
        (const char *const[]){ "--h", NULL },
        (const char *const[]){ "-h", "info", NULL },
        (const char *const[]){ "detail", "-h", NULL },
        (const char *const[]){ "-vh", NULL },
        (const char *const[]){ "-x", NULL },
        (const char *const[]){ "-hx", NULL },
        (const char *const[]){ "-xh", NULL },
        (const char *const[]){ "-o", "1", NULL },
        (const char *const[]){ "--bogus", NULL },
        (const char *const[]){ "--bogus=1", "178bfbff", NULL },
        (const char *const[]){ "--help=1", NULL },
        (const char *const[]){ "--info=1", NULL },
        (const char *const[]){ "--detail=", NULL },
        (const char *const[]){ "-p", "abc", NULL },
        (const char *const[]){ "-pabc", NULL },
        (const char *const[]){ "-pd", NULL },
        (const char *const[]){ "--policy=", NULL },
        (const char *const[]){ "--policy=zz", NULL },
        (const char *const[]){ "--policy", "zz", NULL },
        (const char *const[]){ "--pol=zz", NULL },
        (const char *const[]){ "-p", "99999999999999999999", NULL },
        (const char *const[]){ "-p", "-1", NULL },
        (const char *const[]){ "-p", "abc", "-h", NULL },
        (const char *const[]){ "-h", "-p", "abc", NULL },
        (const char *const[]){ "-d", "-x", NULL },
        (const char *const[]){ "--", "-h", NULL },
        (const char *const[]){ "--", "-p", "-d", NULL },
        (const char *const[]){ "-1", NULL },
        (const char *const[]){ "178bfbff", "-1", NULL },
        (const char *const[]){ "178bfbff", "--", "-1", NULL },
        (const char *const[]){ "12", "info", "detail", NULL },
        (const char *const[]){ "12", "decode", "explain", NULL },
        (const char *const[]){ "", NULL },
        (const char *const[]){ "foo", NULL },
        (const char *const[]){ "bogus", NULL },
        (const char *const[]){ "0x", "0xg", "1::2", " 1: 2", NULL },
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        same_as_xen(cases[i]);
}

/* ---- the modes that need a hypervisor: the simulated one here ---- */

static void run_ours(const char *const *args, struct result *r)
{
    run_as(tool_path(), args, r);
}

/* Every spelling in `alts` prints what `args` prints, exit 0. */
static void same_output(const char *const *args,
                        const char *const *const *alts, size_t nr)
{
    struct result want, got;
    char shown[8192];

    run_ours(args, &want);
    show_args(shown, sizeof(shown), args);
    if (want.status)
        fail_msg("xen-cpuid%s: exit %d: %s", shown, want.status, want.err);
    assert_string_equal(want.err, "");
    for (size_t i = 0; i < nr; i++) {
        run_ours(alts[i], &got);
        show_args(shown, sizeof(shown), alts[i]);
        if (got.status || strcmp(got.out, want.out) || strcmp(got.err, ""))
            fail_msg("xen-cpuid%s: exit %d, stderr '%s', stdout %s", shown,
                     got.status, got.err,
                     strcmp(got.out, want.out) ? "differs" : "same");
        result_free(&got);
    }
    result_free(&want);
}

#define ALTS(...)                                                             \
    (const char *const *const[]){ __VA_ARGS__ },                              \
        sizeof((const char *const *const[]){ __VA_ARGS__ }) /                 \
            sizeof(const char *const *)

static void mode_spellings(void **state)
{
    const char *d = shared_dump("GenuineIntel00606A6_ICX_04");

    (void)state;
    /* info: the default; operands after a mode are ignored. */
    same_output((const char *const[]){ "--cpuid", d, NULL },
                ALTS((const char *const[]){ "--cpuid", d, "info", NULL },
                     (const char *const[]){ "info", "--cpuid", d, NULL },
                     (const char *const[]){ "-i", "--cpuid", d, NULL },
                     (const char *const[]){ "--info", "--cpuid", d, NULL },
                     (const char *const[]){ "--in", "--cpuid", d, NULL },
                     (const char *const[]){ "--i", "--cpuid", d, NULL },
                     (const char *const[]){ "--cpuid", d, "info", "extra",
                                            NULL },
                     (const char *const[]){ "-i", "--cpuid", d, "12",
                                            "decode", NULL },
                     (const char *const[]){ "-d", "-i", "--cpuid", d, NULL },
                     (const char *const[]){ "-p", "-i", "--cpuid", d,
                                            NULL }));
    /* detail: four options and the word. */
    same_output((const char *const[]){ "detail", "--cpuid", d, NULL },
                ALTS((const char *const[]){ "-d", "--cpuid", d, NULL },
                     (const char *const[]){ "-v", "--cpuid", d, NULL },
                     (const char *const[]){ "--detail", "--cpuid", d, NULL },
                     (const char *const[]){ "--verbose", "--cpuid", d, NULL },
                     /* Abbreviations stay Xen's whatever options we add. */
                     (const char *const[]){ "--d", "--cpuid", d, NULL },
                     (const char *const[]){ "--v", "--cpuid", d, NULL },
                     (const char *const[]){ "--verb", "--cpuid", d, NULL },
                     (const char *const[]){ "--cpuid", d, "detail", "foo",
                                            NULL },
                     (const char *const[]){ "--cpuid", d, "12", "-v", NULL },
                     (const char *const[]){ "-i", "-d", "--cpuid", d,
                                            NULL }));
    /* -p: with no DOMID, or one that is not taken, the system policies;
     * `policy` is our name for it. */
    same_output((const char *const[]){ "-p", "--cpuid", d, NULL },
                ALTS((const char *const[]){ "--policy", "--cpuid", d, NULL },
                     (const char *const[]){ "--p", "--cpuid", d, NULL },
                     (const char *const[]){ "policy", "--cpuid", d, NULL },
                     (const char *const[]){ "--cpuid", d, "-p", "", NULL },
                     (const char *const[]){ "--cpuid", d, "-p4294967295",
                                            NULL },
                     (const char *const[]){ "--cpuid", d, "--policy=-1",
                                            NULL },
                     (const char *const[]){ "-d", "-p", "--cpuid", d,
                                            NULL }));
}

static void expect(const char *const *args, int status, const char *out,
                   const char *err)
{
    struct result r;
    char shown[8192];

    run_ours(args, &r);
    show_args(shown, sizeof(shown), args);
    if (r.status != status)
        fail_msg("xen-cpuid%s: exit %d, expected %d (stderr: %s)", shown,
                 r.status, status, r.err);
    if (out && strcmp(r.out, out))
        fail_msg("xen-cpuid%s: stdout '%s', expected '%s'", shown, r.out,
                 out);
    if (err && strcmp(r.err, err))
        fail_msg("xen-cpuid%s: stderr '%s', expected '%s'", shown, r.err,
                 err);
    result_free(&r);
}

static void our_options_on_xen_command_lines(void **state)
{
    const char *d = shared_dump("GenuineIntel00606A6_ICX_04");

    (void)state;
    /* Ours that apply there work; the others are refused, not ignored. */
    expect((const char *const[]){ "--type", "pv", "--cpuid", d, NULL }, 1,
           "", "xen-cpuid: --type does not apply to info, detail, -p or "
               "featureset arguments\n");
    expect((const char *const[]){ "-d", "--output", "f", NULL }, 1, "",
           "xen-cpuid: --output does not apply to info, detail, -p or "
           "featureset arguments\n");
    /* One of ours missing its argument: getopt's line, exit 1. */
    expect((const char *const[]){ "--cpuid", NULL }, 1, "",
           "xen-cpuid: option '--cpuid' requires an argument\n");
    expect((const char *const[]){ "--json=1", NULL }, 1, "",
           "xen-cpuid: option '--json' doesn't allow an argument\n");
    /* --json: our JSON for info, detail and -p; not for featuresets. */
    expect((const char *const[]){ "--json", "178bfbff", NULL }, 1, "",
           "xen-cpuid: decode: --json: featureset arguments are decoded in "
           "Xen's layout only; use 'xen-cpuid decode --json'\n");
    /* A domain needs a running Xen. */
    expect((const char *const[]){ "-p", "3", "--cpuid", d, NULL }, 3, "",
           "xen-cpuid: policy: domain 3: only a running Xen has domains; "
           "the simulated hypervisor has none\n");
    expect((const char *const[]){ "--cpuid", d, "-p0x", NULL }, 3, "",
           "xen-cpuid: policy: domain 0: only a running Xen has domains; "
           "the simulated hypervisor has none\n");
    expect((const char *const[]){ "--cpuid", d, "--policy=0x10", NULL }, 3,
           "", "xen-cpuid: policy: domain 16: only a running Xen has "
               "domains; the simulated hypervisor has none\n");
    /* help is ours: the whole usage, Xen's invocations first. */
    expect((const char *const[]){ "help", NULL }, 0, NULL, "");
}

/* The usage `help` prints names Xen's invocations and ours apart. */
static void help_text(void **state)
{
    struct result r;

    (void)state;
    run_ours((const char *const[]){ "help", NULL }, &r);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "Usage: xen-cpuid [OPTIONS] [info | detail "
                                  "| FEATURESET...]\n"));
    assert_non_null(strstr(r.out, "\nXen's invocations"));
    assert_non_null(strstr(r.out, "\nSubcommands:\n"));
    assert_non_null(strstr(r.out, "  --show-backend "));
    result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(random_featuresets),
        cmocka_unit_test(static_masks),
        cmocka_unit_test(option_handling),
        cmocka_unit_test(mode_spellings),
        cmocka_unit_test(our_options_on_xen_command_lines),
        cmocka_unit_test(help_text),
    };

    return cmocka_run_group_tests(tests, need_xen_tool, NULL);
}
