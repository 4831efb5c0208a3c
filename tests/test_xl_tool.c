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

#include "helpers/xl-oracle.h"
#include "libxl_cpuid/cpu-policy.h"
#include "libxl_cpuid/featureset-text.h"
#include "libxl_cpuid/xl-cpuid.h"

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
    struct xlc_sim_opts o = { dump, false, NULL };
    struct xlc_system_policies *sys = NULL;
    struct xlc_xl_cpuid l = { 0 };
    struct xlc_xl_applied *a = calloc(1, sizeof(*a));
    xlc_error err = { 0 };
    char *text;

    assert_non_null(a);
    assert_int_equal(xlc_system_policies_load(&o, &sys, &err), 0);
    assert_int_equal(xlc_xl_cpuid_parse(&l, s, NULL, NULL, &err), 0);
    assert_int_equal(xlc_xl_cpuid_apply(sys, type, &l, a, &err), 0);
    text = xlc_featureset_format(a->fs, XFS_NR_WORDS);
    free(a);
    xlc_xl_cpuid_free(&l);
    xlc_system_policies_free(sys);
    return text;
}

static void test_text_report(void **state)
{
    static const char *const s = "host,avx=0,family=0x17,clflush=8,avx2=2";
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
    HAS(r.out, "policy only (not featureset bits: default -> guest):\n"
               "  leaf 0x00000001 eax (family): 0x00050654 -> 0x00850f54\n"
               "  leaf 0x00000001 ebx (clflush): 0x00400800 -> 0x00400800\n");
    /* avx2=2 is 0 to libxl (the low bit), as the list shows and says. */
    HAS(r.out, "notes:        'clflush=8': to libxl 'clflush' is the CLFLUSH "
               "line size field");
    HAS(r.out, "              'avx2=2': 2 does not fit 1 bit; libxl keeps "
               "the low bits (0)\n");
    HAS(r.out, "\"leaf\":7,\"subleaf\":0,\"ebx\":\"xxxxxxxxxxxxxxxxxxxxxxxxxx0xxxxx\"");
    HAS(r.out, "shortest:     host,avx=0\n");
    free(fs);
}

static void test_json_report(void **state)
{
    static const char *const s = "host,sse3=0,lahfsahf=0,arat=0,its-no=x";
    struct run r;
    char *fs = expected_featureset(s, XLC_GUEST_PV), line[600], *libxl;
    struct xo_result lx;
    (void)state;
    RUN(&r, "xl-cpuid", "--json", "--type", "pv", s);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    snprintf(line, sizeof(line), "\"featureset\": \"%s\"", fs);
    HAS(r.out, line);
    /* The list is libxenlight's own, byte for byte. */
    xo_libxl_form(s, &lx);
    assert_int_equal(lx.rc, 0);
    libxl = lx.json;
    snprintf(line, sizeof(line), "\"libxl_list\": %s,", libxl);
    HAS(r.out, line);
    HAS(r.out, "\"type\": \"pv\"");
    HAS(r.out, "\"notes\": [],");
    HAS(r.out, "\"removed\": [\"sse3\",\"lahf-lm\"]");
    HAS(r.out, "\"dependents_removed\": [\"ssse3\",\"sse4-1\",\"sse4-2\"");
    HAS(r.out, "\"policy_only\": [{\"leaf\":6,\"subleaf\":null,\"reg\":\"eax\","
               "\"bits\":4,\"default\":0,\"guest\":0,\"names\":[\"arat\"]}]");
    HAS(r.out, "\"shortest\": \"host,sse3=0,lahf-lm=0\"");
    free(libxl);
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
    /* libxl loses leaf 0xffffffff (its end marker): so does the list. */
    HAS(r.out, "leaf 0xffffffff is libxl's end-of-list marker; libxl loses "
               "this entry");
    HAS(r.out, "libxl list:   {\"cpuid\":[{\"leaf\":1,\"ecx\":");
    HAS(r.out, "\"}],\"msr\":[]}\n");
}

static void test_refusals(void **state)
{
    struct run r;

    (void)state;
    RUN(&r, "xl-cpuid", "--type", "pv", "host,vmx=1,avx512-fp16=1,rdcl-no=1");
    assert_int_equal(r.status, 4);
    assert_string_equal(r.out, "");
    HAS(r.err, "not in the pv max policy: vmx avx512-fp16 rdcl-no");
    RUN(&r, "xl-cpuid", "host,avx=0,avx2=1");
    assert_int_equal(r.status, 4);
    HAS(r.err, "set to 1 but a prerequisite was cleared: avx2");
    RUN(&r, "xl-cpuid", "host,bogus=1, avx=0");
    assert_int_equal(r.status, 2);
    assert_string_equal(r.out, "");
    HAS(r.err, "cpuid= item 2: unknown name 'bogus'");
    HAS(r.err, "xl would print this and build the guest without the item");
    RUN(&r, "xl-cpuid", "7,0:ebx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxz");
    assert_int_equal(r.status, 2);
    HAS(r.err, "leaf 0x7 ebx: bad mask character 'z' at position 32 (bit 0)");
    RUN(&r, "xl-cpuid", "1:ecx=" "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx0", "1:eax=short");
    assert_int_equal(r.status, 2);
    HAS(r.err, "item 2: xend cpuid '1:eax=short'");
    RUN(&r, "xl-cpuid", "avx2=0");
    assert_int_equal(r.status, 2);
    HAS(r.err, "the first word must be 'host'");
    /* HVM-only leaf layouts: a leaf the policy does not hold is refused. */
    RUN(&r, "xl-cpuid", "7:ebx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    assert_int_equal(r.status, 4);
    HAS(r.err, "not a leaf the policy holds");
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
