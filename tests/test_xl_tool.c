/* SPDX-License-Identifier: MIT */
/*
 * xen-cpuid xl-cpuid end to end, over a shared dump: the report's
 * featureset is the library's apply on the derived sets, its libxl list is
 * libxenlight's own JSON for the same string, refusals exit 4 naming every
 * feature, malformed strings exit 2 saying where, usage errors exit 1.
 */
#include <libgen.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "helpers/xl-hosts.h"
#include "helpers/xl-oracle.h"
#include "libxl_cpuid/cpuid-dump.h"
#include "libxl_cpuid/featureset-text.h"
#include "libxl_cpuid/xl-cpuid-apply.h"

const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libxenlight.so\n";
}

#define DUMP "GenuineIntel0050654_SkylakeXeon.xml"

struct run {
    int status;
    char out[65536];
    char err[8192];
};

static char tool[4096], dump[4096];

static int setup(void **state)
{
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    const char *shared = getenv("XFS_SHARED");

    (void)state;
    if (n < 0 || !shared)
        return -1;
    self[n] = '\0';
    /* $XFS_TOOL (make test sets it), else BUILD/tests/../xen-cpuid */
    if (getenv("XFS_TOOL"))
        snprintf(tool, sizeof(tool), "%s", getenv("XFS_TOOL"));
    else
        snprintf(tool, sizeof(tool), "%s/../xen-cpuid", dirname(self));
    snprintf(dump, sizeof(dump), "%s/cpuid/instlatx64/%s", shared, DUMP);
    return access(tool, X_OK) || access(dump, R_OK);
}

static void slurp(FILE *f, char *buf, size_t size)
{
    size_t n;

    rewind(f);
    n = fread(buf, 1, size - 1, f);
    buf[n] = '\0';
    fclose(f);
}

/* Run the tool with --cpuid DUMP prepended to args (NULL-terminated). */
static void run(struct run *r, const char *const *args)
{
    const char *argv[32] = { tool, "--cpuid", dump };
    FILE *out = tmpfile(), *err = tmpfile();
    size_t i;
    pid_t pid;
    int st;

    assert_non_null(out);
    assert_non_null(err);
    for (i = 0; args[i]; i++)
        argv[i + 3] = args[i];
    argv[i + 3] = NULL;
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fileno(out), 1);
        dup2(fileno(err), 2);
        execv(tool, (char *const *)argv);
        _exit(127);
    }
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    r->status = WEXITSTATUS(st);
    slurp(out, r->out, sizeof(r->out));
    slurp(err, r->err, sizeof(r->err));
}

#define HAS(hay, needle)                                                      \
    do {                                                                      \
        if (!strstr(hay, needle))                                             \
            fail_msg("missing \"%s\" in:\n%s", needle, hay);                  \
    } while (0)

#define RUN(r, ...) run(r, (const char *const[]){ __VA_ARGS__, NULL })

/* The library's answer for the same dump and string. */
static char *expected_featureset(const char *s, enum xlc_guest_type type)
{
    struct xh_host h = { .name = DUMP };
    struct xfs_cpuid_reader rd;
    struct xlc_cpuid_dump *d = NULL;
    struct xfs_hv_options opts;
    struct xlc_xl_list l = XLC_XL_LIST_INIT;
    struct xlc_xl_applied a;
    struct xlc_xl_host g;
    xlc_error err = { 0 };
    char *text;

    assert_int_equal(xlc_dump_load(dump, &d, &err), 0);
    xlc_dump_reader(d, &rd);
    xfs_hv_options_default(&opts);
    xfs_derive_featuresets(&rd, &opts, &h.sets);
    xh_guest(&h, type, &g);
    assert_int_equal(xlc_xl_parse_string(&l, s, &err), 0);
    assert_int_equal(xlc_xl_apply(&l, &g, &a, &err), 0);
    text = xlc_featureset_format(a.fs, XFS_NR_WORDS);
    xlc_xl_applied_free(&a);
    xlc_xl_list_free(&l);
    xlc_dump_free(d);
    return text;
}

static void test_text_report(void **state)
{
    static const char *const s = "host,avx=0,family=6,clflush=8,avx2=2";
    struct run r;
    char *fs = expected_featureset(s, XLC_GUEST_HVM), line[512];

    (void)state;
    RUN(&r, "xl-cpuid", s);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    snprintf(line, sizeof(line), "featureset:   %s\n", fs);
    HAS(r.out, line);
    HAS(r.out, "form:         libxl\n");
    HAS(r.out, "guest type:   hvm\n");
    HAS(r.out, "removed:      avx avx2\n");
    HAS(r.out, "  dependents: fma f16c avx512f");
    HAS(r.out, "leaf 0x00000001 eax: family (not a featureset bit: applies "
               "to the policy)");
    HAS(r.out, "leaf 0x00000001 ebx: clflush (not a featureset bit");
    HAS(r.out, "'avx2=2': 2 does not fit avx2's 1 bit; libxl keeps the low "
               "bits (0)");
    HAS(r.out, "the CLFLUSH feature flag is 'clfsh'");
    HAS(r.out, "shortest:     host,avx=0\n");
    free(fs);
}

static void test_json_report(void **state)
{
    static const char *const s = "host,sse3=0,lahfsahf=0,arat=0,its-no=x";
    struct run r;
    char *fs = expected_featureset(s, XLC_GUEST_PV), line[600], *libxl;
    xo_list *lx = xo_new();
    size_t n;

    (void)state;
    RUN(&r, "xl-cpuid", "--json", "--type", "pv", s);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    snprintf(line, sizeof(line), "\"featureset\": \"%s\"", fs);
    HAS(r.out, line);
    /* The list is libxenlight's own, byte for byte. */
    assert_int_equal(xo_xl_string(lx, s, NULL, 0, &n), 0);
    libxl = xo_json(lx);
    snprintf(line, sizeof(line), "\"libxl_list\": %s,", libxl);
    HAS(r.out, line);
    HAS(r.out, "\"type\": \"pv\"");
    HAS(r.out, "\"removed\": [\"sse3\",\"lahf-lm\"]");
    HAS(r.out, "\"dependents_removed\": [\"ssse3\",\"sse4-1\",\"sse4-2\"");
    HAS(r.out, "\"policy_only\": [{\"leaf\":6,\"subleaf\":null,\"reg\":\"eax\","
               "\"one\":0,\"zero\":4,\"keep\":0,\"names\":[\"arat\"]}]");
    HAS(r.out, "\"shortest\": \"host,sse3=0,lahf-lm=0\"");
    free(libxl);
    xo_free(lx);
    free(fs);
}

static void test_xend_items(void **state)
{
    struct run r;

    (void)state;
    RUN(&r, "xl-cpuid", "--",
        "1:ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx0,edx=xx0xxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "-1:eax=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    assert_int_equal(r.status, 0);
    HAS(r.out, "form:         xend\n");
    HAS(r.out, "removed:      sse3\n");
    HAS(r.out, "leaf 0xffffffff is libxl's end-of-list marker; the entry is "
               "lost");
}

static void test_refusals(void **state)
{
    struct run r;

    (void)state;
    RUN(&r, "xl-cpuid", "--type", "pv", "host,vmx=1,avx512-fp16=1,rdcl-no=1");
    assert_int_equal(r.status, 4);
    assert_string_equal(r.out, "");
    HAS(r.err, "the pv max featureset lacks 3 features the cpuid list sets to "
               "1: vmx, avx512-fp16, rdcl-no");
    RUN(&r, "xl-cpuid", "host,avx=0,avx2=1");
    assert_int_equal(r.status, 4);
    HAS(r.err, "avx2 (needs avx)");
    RUN(&r, "xl-cpuid", "host,bogus=1, avx=0");
    assert_int_equal(r.status, 2);
    assert_string_equal(r.out, "");
    HAS(r.err, "item at offset 5: 'bogus=1': unknown name");
    HAS(r.err, "item at offset 13: ' avx=0': unknown name");
    HAS(r.err, "white space counts: did you mean 'avx'?");
    RUN(&r, "xl-cpuid", "7,0:ebx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxz");
    assert_int_equal(r.status, 2);
    HAS(r.err, "bad character 'z' at position 32 of the mask (bit 0)");
    RUN(&r, "xl-cpuid", "1:eax=short");
    assert_int_equal(r.status, 2);
    HAS(r.err, "the eax mask starting at position 7 is 5 characters long");
    RUN(&r, "xl-cpuid", "avx2=0");
    assert_int_equal(r.status, 2);
    HAS(r.err, "the first item must be 'host'");
}

static void test_usage(void **state)
{
    struct run r;

    (void)state;
    RUN(&r, "xl-cpuid");
    assert_int_equal(r.status, 1);
    HAS(r.err, "usage: xen-cpuid xl-cpuid");
    RUN(&r, "xl-cpuid", "host,avx=0", "host,sse3=0");
    assert_int_equal(r.status, 1);
    RUN(&r, "xl-cpuid", "--type", "hvx", "host");
    assert_int_equal(r.status, 1);
    /* --xl-cpuid STR is the same as the argument. */
    RUN(&r, "xl-cpuid", "--xl-cpuid", "host,avx=0");
    assert_int_equal(r.status, 0);
    HAS(r.out, "shortest:     host,avx=0\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_report),
        cmocka_unit_test(test_json_report),
        cmocka_unit_test(test_xend_items),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_usage),
    };

    return cmocka_run_group_tests(tests, setup, NULL);
}
