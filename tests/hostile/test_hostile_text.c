/* SPDX-License-Identifier: MIT */
/*
 * Hostile input to the line-oriented readers, at and past each limit:
 * `cpuid -r` dumps, featuresets (strings and files), `level -` on
 * standard input, xl cpuid= strings, --boot-cpuid lists and viridian=
 * settings.  Each input just within a limit is read; one just past it is
 * exit 2 with one line naming the input, where (line, offset) and the
 * limit.  Inputs are generated; nothing is timed.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../helpers/hostile-run.h"
#include "libxl_cpuid/names/featureset-text.h"
#include "libxl_cpuid/sources/cpuid-dump.h"
#include "libxl_cpuid/sources/handle.h"
#include "libxl_cpuid/util/strbuf.h"
#include "libxl_cpuid/xl/xl-cpuid.h"

#define LEAF_LINE(l) \
    "   0x%08x 0x00: eax=0x0000000d ebx=0x756e6547 ecx=0x6c65746e " \
    "edx=0x49656e69"

/* A `cpuid -r` line for leaf l padded with blanks to exactly len bytes. */
static void padded_line(struct xlc_buf *b, unsigned int l, size_t len)
{
    size_t start = b->len;

    xlc_buf_printf(b, LEAF_LINE(l), l);
    while (b->len - start < len)
        xlc_buf_putc(b, ' ');
    xlc_buf_putc(b, '\n');
}

static void dump_lines(void **state)
{
    struct xlc_buf b = XLC_BUF_INIT;
    struct xlc_cpuid_dump *d;
    struct hr_result r;
    xlc_error err;
    char *path;

    (void)state;
    xlc_buf_puts(&b, "CPU 0:\n");
    padded_line(&b, 0, XLC_DUMP_MAX_LINE);
    assert_int_equal(xlc_dump_parse("t.txt", b.s, b.len, &d, &err), 0);
    xlc_dump_free(d);
    padded_line(&b, 1, XLC_DUMP_MAX_LINE + 1);
    path = hr_write("long.txt", b.s, b.len);
    hr_run(&r, NULL, (const char *const[]){ "--cpuid", path, "policy",
                                            NULL });
    hr_refused(&r, 2, "long.txt:3: line longer than 4096 bytes",
               "the limit for a CPUID dump", NULL);
    hr_free(&r);
    free(path);
    /* A NUL byte: refused where it is, not read as the end of the text. */
    b.s[b.len - 10] = '\0';
    path = hr_write("nul.txt", b.s, b.len);
    hr_run(&r, NULL, (const char *const[]){ "level", path, NULL });
    hr_refused(&r, 2, "nul.txt:3: NUL byte at byte offset", NULL);
    hr_free(&r);
    free(path);
    xlc_buf_free(&b);
}

/* A dump one byte past its size limit (zeros: read, never parsed). */
static void dump_size(void **state)
{
    char *path = hr_write_fill("big.dump", '\0', XLC_DUMP_MAX_BYTES + 1);
    struct hr_result r;

    (void)state;
    hr_run(&r, NULL, (const char *const[]){ "--cpuid", path, "policy",
                                            NULL });
    hr_refused(&r, 2, "big.dump: larger than 64 MiB, the limit for a CPUID "
               "dump", NULL);
    hr_free(&r);
    unlink(path);
    free(path);
}

/*
 * 200,000 leaves are read (each compared with its neighbours once
 * sorted, not with every earlier one); the same leaf again with other
 * values, at the very end, is refused naming both lines.
 */
static void dump_many_leaves(void **state)
{
    enum { N = 200000 };
    struct xlc_buf b = XLC_BUF_INIT;
    struct xlc_cpuid_dump *d;
    struct hr_result r;
    xlc_error err;
    char *path;

    (void)state;
    xlc_buf_puts(&b, "CPU 0:\n");
    for (unsigned int i = 0; i < N; i++)
        xlc_buf_printf(&b, LEAF_LINE(i) "\n", i);
    assert_int_equal(xlc_dump_parse("t.txt", b.s, b.len, &d, &err), 0);
    assert_int_equal(d->nr_leaves, N);
    xlc_dump_free(d);
    /* An exact repeat is one leaf... */
    xlc_buf_printf(&b, LEAF_LINE(7) "\n", 7);
    assert_int_equal(xlc_dump_parse("t.txt", b.s, b.len, &d, &err), 0);
    assert_int_equal(d->nr_leaves, N);
    xlc_dump_free(d);
    /* ...a different one is never dropped. */
    xlc_buf_puts(&b, "   0x00000005 0x00: eax=0x1 ebx=0x2 ecx=0x3 "
                     "edx=0x4\n");
    path = hr_write("dup.txt", b.s, b.len);
    hr_run(&r, NULL, (const char *const[]){ "--cpuid", path, "policy",
                                            NULL });
    hr_refused(&r, 2, "dup.txt:200003: leaf 0x00000005 subleaf 0x0 given "
               "twice with different values (first at line 7", NULL);
    hr_free(&r);
    free(path);
    xlc_buf_free(&b);
}

/* "00000001:00000002:..." exactly len bytes long (len = 9k + 8). */
static char *featureset_of(size_t len)
{
    char *s = malloc(len + 1);

    assert_non_null(s);
    for (size_t i = 0; i < len; i++)
        s[i] = i % 9 == 8 ? ':' : i % 9 == 7 ? '1' : '0';
    s[len] = '\0';
    return s;
}

static void featureset_limits(void **state)
{
    size_t at = XLC_FEATURESET_MAX_BYTES - (XLC_FEATURESET_MAX_BYTES + 1) % 9;
    char *fs = featureset_of(at), *over = featureset_of(at + 9), *path;
    struct hr_result r;
    uint32_t *w;
    size_t n;
    xlc_error err;

    (void)state;
    assert_true(at <= XLC_FEATURESET_MAX_BYTES &&
                at + 9 > XLC_FEATURESET_MAX_BYTES);
    assert_int_equal(xlc_featureset_parse(fs, &w, &n, &err), 0);
    assert_int_equal(n, (at + 1) / 9);
    free(w);
    assert_int_equal(xlc_featureset_parse(over, &w, &n, &err), -E2BIG);
    hr_run(&r, NULL, (const char *const[]){ "decode", over, NULL });
    hr_refused(&r, 2, "longer than 64 KiB, the limit for a featureset",
               NULL);
    hr_free(&r);
    path = hr_write("fs.txt", over, strlen(over));
    hr_run(&r, NULL, (const char *const[]){ "level", path, NULL });
    hr_refused(&r, 2, "fs.txt: larger than 64 KiB, the limit for a "
               "featureset", NULL);
    hr_free(&r);
    free(path);
    /* A NUL byte in a featureset file: the words after it were lost. */
    path = hr_write("fsnul.txt", "00000001:00000002\0:zz\n", 22);
    hr_run(&r, NULL, (const char *const[]){ "level", path, NULL });
    hr_refused(&r, 2, "fsnul.txt:1: NUL byte at byte offset 17", NULL);
    hr_free(&r);
    free(path);
    free(fs);
    free(over);
}

/* `level -` with stdin holding text, built by the caller. */
static void level_stdin(struct hr_result *r, const char *name,
                        const struct xlc_buf *b, const char *type)
{
    char *path = hr_write(name, b->s ? b->s : "", b->len);
    const struct hr_opts o = { .stdin_path = path };

    hr_run(r, &o, (const char *const[]){ "level", "--type", type, "-",
                                         NULL });
    free(path);
}

static void comment_line(struct xlc_buf *b, size_t len)
{
    xlc_buf_putc(b, '#');
    for (size_t i = 1; i < len; i++)
        xlc_buf_putc(b, 'c');
    xlc_buf_putc(b, '\n');
}

static void level_stdin_limits(void **state)
{
    struct xlc_buf b = XLC_BUF_INIT;
    struct hr_result r;

    (void)state;
    /* A line at the limit and a host: read; one byte longer: refused. */
    comment_line(&b, 8192);
    xlc_buf_puts(&b, "a=00000001:00000002\n");
    level_stdin(&r, "ok.in", &b, "pv");
    assert_int_equal(r.status, 0);
    hr_free(&r);
    xlc_buf_free(&b);
    xlc_buf_puts(&b, "a=00000001:00000002\n");
    comment_line(&b, 8193);
    level_stdin(&r, "long.in", &b, "pv");
    hr_refused(&r, 2, "stdin:2: line longer than 8192 bytes, the limit for "
               "a list of hosts", NULL);
    hr_free(&r);
    xlc_buf_free(&b);
    /* The whole input: 1 MiB at most. */
    while (b.len < (1u << 20) - 8000)
        comment_line(&b, 7999);
    comment_line(&b, (1u << 20) - b.len);
    assert_int_equal(b.len, (1u << 20) + 1);
    level_stdin(&r, "big.in", &b, "pv");
    hr_refused(&r, 2, "stdin: larger than 1 MiB, the limit for a list of "
               "hosts", NULL);
    hr_free(&r);
    xlc_buf_free(&b);
}

/* Errors name the stdin line, and the host by name; NUL bytes refused. */
static void level_stdin_positions(void **state)
{
    struct xlc_buf b = XLC_BUF_INIT;
    struct hr_result r;

    (void)state;
    xlc_buf_puts(&b, "a=00000001:00000002\n\n# comment\nb=0000001:zz\n");
    level_stdin(&r, "bad.in", &b, "pv");
    hr_refused(&r, 2, "stdin:4: host 'b': featureset: featureset word 1 "
               "'0000001': fewer than 8 hex digits", NULL);
    hr_free(&r);
    xlc_buf_free(&b);
    /* A NUL byte used to cut the line short; now the line is refused. */
    xlc_buf_puts(&b, "a=00000001:00000002\nb=00000001:00000002");
    xlc_buf_putc(&b, '\0');
    xlc_buf_puts(&b, "zz\n");
    b.len = strlen(b.s) + 4;
    level_stdin(&r, "nul.in", &b, "pv");
    hr_refused(&r, 2, "stdin:2: NUL byte at byte offset 39", NULL);
    hr_free(&r);
    xlc_buf_free(&b);
    /* On the command line, the host's name. */
    hr_run(&r, NULL, (const char *const[]){ "level", "--type", "pv",
                                            "ok=00000001:00000002",
                                            "bad=00000001:0000000g",
                                            NULL });
    hr_refused(&r, 2, "host 'bad': featureset: featureset word 2 "
               "'0000000g'", NULL);
    hr_free(&r);
    /* Endless standard input is cut at the limit. */
    {
        const struct hr_opts o = { .stdin_path = "/dev/zero" };

        hr_run(&r, &o, (const char *const[]){ "level", "-", NULL });
        hr_refused(&r, 2, "stdin: larger than 1 MiB", NULL);
        hr_free(&r);
    }
}

/* A cpuid= string, a boot list and a viridian= setting past their limits. */
static void string_limits(void **state)
{
    char *s = malloc(XLC_XL_CPUID_MAX_BYTES + 2);
    struct xlc_xl_cpuid l = { 0 };
    struct hr_result r;
    xlc_error err;

    (void)state;
    assert_non_null(s);
    /* "host" and empty words (skipped, as strtok does) to the limit. */
    memcpy(s, "host", 4);
    memset(s + 4, ',', XLC_XL_CPUID_MAX_BYTES - 4);
    s[XLC_XL_CPUID_MAX_BYTES] = '\0';
    assert_int_equal(xlc_xl_cpuid_parse(&l, s, NULL, NULL, &err), 0);
    xlc_xl_cpuid_free(&l);
    strcpy(s + XLC_XL_CPUID_MAX_BYTES, ",");
    assert_int_equal(xlc_xl_cpuid_parse(&l, s, NULL, NULL, &err), -E2BIG);
    xlc_xl_cpuid_free(&l);
    hr_run(&r, NULL, (const char *const[]){ "xl-cpuid", "--backend", "sim",
                                            s, NULL });
    hr_refused(&r, 2, "cpuid= string longer than 64 KiB, the limit", NULL);
    hr_free(&r);
    /* The same bytes as a viridian= setting (an xl.cfg value). */
    hr_run(&r, NULL, (const char *const[]){ "viridian", s, NULL });
    hr_refused(&r, 2, "xl cannot read it", "the limit is 65536", NULL);
    hr_free(&r);
    /* A boot list at its limit boots; one byte more is refused. */
    for (size_t i = 0; i < XLC_BOOT_CPUID_MAX_BYTES; i++)
        s[i] = "no-avx,"[i % 7];
    /* 4096 = 584 * 7 + 8: an 8-byte name last. */
    strcpy(s + (XLC_BOOT_CPUID_MAX_BYTES - 8) / 7 * 7, "no-sse4a");
    assert_int_equal(strlen(s), XLC_BOOT_CPUID_MAX_BYTES);
    hr_run(&r, NULL, (const char *const[]){ "--boot-cpuid", s, "policy",
                                            NULL });
    assert_int_equal(r.status, 0);
    hr_free(&r);
    strcat(s, "u");
    hr_run(&r, NULL, (const char *const[]){ "--boot-cpuid", s, "policy",
                                            NULL });
    hr_refused(&r, 2, "boot cpuid option longer than 4096 bytes, the limit",
               NULL);
    hr_free(&r);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dump_lines),
        cmocka_unit_test(dump_size),
        cmocka_unit_test(dump_many_leaves),
        cmocka_unit_test(featureset_limits),
        cmocka_unit_test(level_stdin_limits),
        cmocka_unit_test(level_stdin_positions),
        cmocka_unit_test(string_limits),
    };

    return cmocka_run_group_tests(tests, hr_group_setup, hr_group_teardown);
}
