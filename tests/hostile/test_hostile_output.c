/* SPDX-License-Identifier: MIT */
/*
 * Outputs lose nothing: `record -o FILE` writes a temporary file beside
 * FILE and renames it over, so a failed write (the file size limit, as a
 * full disk would) leaves the old file as it was and no temporary file,
 * and writers racing on one FILE leave exactly one whole stream.  What a
 * command prints on stdout is checked too: output lost to a full device
 * is exit 5, never 0.
 */
#include <dirent.h>
#include <fcntl.h>
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

#include "../helpers/hostile-run.h"
#include "../helpers/tool-run.h"
#include "libxl_cpuid/migration/stream.h"

static const char *dump_path(void)
{
    static char path[4096];
    const char *data = getenv("XFS_DATA");

    snprintf(path, sizeof(path), "%s/cpuid/instlatx64/"
             "AuthenticAMD0A10F11_K19_Genoa_01.xml", data ? data : "tests/data");
    return path;
}

/* `record` of a PV guest with cpuid= string xl (NULL: none) into out. */
static void record(struct hr_result *r, const struct hr_opts *o,
                   const char *xl, const char *out)
{
    const char *args[] = { "record", "--type", "pv", "--cpuid", dump_path(),
                           "-o", out, xl ? "--xl-cpuid" : NULL, xl, NULL };

    hr_run(r, o, args);
}

/* No file in the scratch directory but the ones expected. */
static void no_temporary_files(void)
{
    DIR *d = opendir(hr_dir());
    struct dirent *e;

    assert_non_null(d);
    while ((e = readdir(d)))
        if (strstr(e->d_name, ".tmp-"))
            fail_msg("temporary file left: %s", e->d_name);
    closedir(d);
}

static void same_file(const char *path, const char *data, size_t len)
{
    size_t n;
    char *now = hr_read(path, &n);

    assert_int_equal(n, len);
    assert_memory_equal(now, data, len);
    free(now);
}

/*
 * Past the file size limit (what a full disk does to the same write):
 * exit 5, the old stream untouched, no temporary file; its mode kept
 * when the write succeeds.
 */
static void failed_write_keeps_old(void **state)
{
    char *out = strdup(hr_path("g.stream")), *old;
    struct hr_result r;
    struct stat st;
    size_t len;

    (void)state;
    record(&r, NULL, "host,avx=0", out);
    assert_int_equal(r.status, 0);
    hr_free(&r);
    old = hr_read(out, &len);
    assert_true(len > 64);
    for (long limit = 0; limit < (long)len; limit += (long)len / 3) {
        const struct hr_opts o = { .fsize_limit = limit ? limit : 1 };

        record(&r, &o, NULL, out);
        hr_refused(&r, 5, "g.stream: write failed: File too large (the file "
                   "size limit)", NULL);
        hr_free(&r);
        same_file(out, old, len);
        no_temporary_files();
    }
    /* A private file stays private when replaced. */
    assert_int_equal(chmod(out, 0600), 0);
    record(&r, NULL, NULL, out);
    assert_int_equal(r.status, 0);
    hr_free(&r);
    assert_int_equal(stat(out, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    free(old);
    free(out);
}

/* -o naming a directory, or a file in a missing one: nothing written. */
static void bad_output_paths(void **state)
{
    char *d = strdup(hr_path("outdir"));
    char *missing = strdup(hr_path("nodir/x.s"));
    struct hr_result r;

    (void)state;
    assert_int_equal(mkdir(d, 0755), 0);
    record(&r, NULL, NULL, d);
    hr_refused(&r, 2, "outdir: is a directory", NULL);
    hr_free(&r);
    record(&r, NULL, NULL, missing);
    hr_refused(&r, 2, "nodir/x.s: cannot create: no such directory", NULL);
    hr_free(&r);
    no_temporary_files();
    assert_int_equal(rmdir(d), 0);
    free(d);
    free(missing);
}

#define WRITERS 6
#define ROUNDS 4

static const char *const strings[WRITERS] = {
    "host,avx=0", "host,sse4_2=0", "host,aes=0", "host,avx2=0",
    "host,fma=0", "host,rdrand=0",
};

static pid_t spawn_record(const char *xl, const char *out)
{
    const char *argv[] = { tool_path(), "record", "--type", "pv", "--cpuid",
                           dump_path(), "-o", out, "--xl-cpuid", xl, NULL };
    pid_t pid;

    fflush(NULL);
    pid = fork();
    assert_true(pid >= 0);
    if (!pid) {
        int null = open("/dev/null", O_WRONLY);

        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    return pid;
}

/*
 * Six writers of six different streams at once on one -o, four times:
 * each time the file is exactly one of the six, whole (it used to be
 * able to interleave).
 */
static void racing_writers(void **state)
{
    char *expect[WRITERS], *out = strdup(hr_path("race.stream"));
    size_t len[WRITERS];

    (void)state;
    for (int i = 0; i < WRITERS; i++) {
        char name[32];
        struct hr_result r;

        snprintf(name, sizeof(name), "one-%d.stream", i);
        record(&r, NULL, strings[i], hr_path(name));
        assert_int_equal(r.status, 0);
        hr_free(&r);
        expect[i] = hr_read(hr_path(name), &len[i]);
    }
    for (int round = 0; round < ROUNDS; round++) {
        pid_t pids[WRITERS];
        struct xlc_stream_info info;
        xlc_error err;
        char *got;
        size_t n;
        int match = -1;

        for (int i = 0; i < WRITERS; i++)
            pids[i] = spawn_record(strings[i], out);
        for (int i = 0; i < WRITERS; i++) {
            int st;

            assert_int_equal(waitpid(pids[i], &st, 0), pids[i]);
            assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
        }
        got = hr_read(out, &n);
        for (int i = 0; i < WRITERS; i++)
            if (n == len[i] && !memcmp(got, expect[i], n))
                match = i;
        if (match < 0)
            fail_msg("round %d: the stream is none of the six", round);
        assert_int_equal(xlc_stream_load(out, &info, &err), 0);
        xlc_stream_info_free(&info);
        free(got);
        no_temporary_files();
    }
    for (int i = 0; i < WRITERS; i++)
        free(expect[i]);
    free(out);
}

/* Standard output that cannot be written: exit 5 and why. */
static void lost_stdout(void **state)
{
    static const char *const commands[][6] = {
        { "policy" }, { "decode", "00000001:00000002" }, { "explain", "avx" },
        { "-p" }, { "help" }, { "viridian", "1" },
        { "level", "--type", "pv", "00000001:00000002" },
    };
    const struct hr_opts o = { .stdout_path = "/dev/full" };

    (void)state;
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        struct hr_result r;

        hr_run(&r, &o, commands[i]);
        hr_refused(&r, 5, "error writing output", NULL);
        hr_free(&r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(failed_write_keeps_old),
        cmocka_unit_test(bad_output_paths),
        cmocka_unit_test(racing_writers),
        cmocka_unit_test(lost_stdout),
    };

    return cmocka_run_group_tests(tests, hr_group_setup, hr_group_teardown);
}
