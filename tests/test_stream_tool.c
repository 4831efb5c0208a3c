/* SPDX-License-Identifier: MIT */
/*
 * xen-cpuid record / restore-check as a user runs them: exit codes, what
 * they print, and the stream checked by Xen's verify-stream-v2.  The tool
 * is $XFS_TOOL, or else found next to this test program.
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
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <yajl/yajl_tree.h>

#include "helpers/stream-helpers.h"

static char tool[PATH_MAX], dir[] = "/tmp/xfs-tool-XXXXXX", out[1 << 16];

/* Run the tool with a shell command line; stdout+stderr into out[]. */
static int run(const char *fmt, ...)
{
    char cmd[8192], *p = cmd;
    va_list ap;
    FILE *f;
    size_t n;
    int status;

    p += snprintf(p, sizeof(cmd), "cd %s && %s ", dir, tool);
    va_start(ap, fmt);
    vsnprintf(p, sizeof(cmd) - (size_t)(p - cmd), fmt, ap);
    va_end(ap);
    strncat(cmd, " 2>&1", sizeof(cmd) - strlen(cmd) - 1);
    f = popen(cmd, "r");
    assert_non_null(f);
    n = fread(out, 1, sizeof(out) - 1, f);
    out[n] = '\0';
    status = pclose(f);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static void put_file(const char *name, const char *text)
{
    char path[PATH_MAX];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int setup(void **state)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    char *slash;

    (void)state;
    if (n < 0 || !mkdtemp(dir))
        return -1;
    /* make test says where the tool is; otherwise it is $(BUILD)/xen-cpuid
     * next to $(BUILD)/tests/ where this program runs from. */
    if (getenv("XFS_TOOL") && strlen(getenv("XFS_TOOL")) < sizeof(tool)) {
        strcpy(tool, getenv("XFS_TOOL"));
        return access(tool, X_OK);
    }
    self[n] = '\0';
    slash = strrchr(self, '/');
    *slash = '\0';
    slash = strrchr(self, '/'); /* .../BUILD/tests -> .../BUILD */
    *slash = '\0';
    if (strlen(self) + sizeof("/xen-cpuid") > sizeof(tool))
        return -1;
    memcpy(tool, self, strlen(self));
    strcpy(tool + strlen(self), "/xen-cpuid");
    return access(tool, X_OK);
}

static int teardown(void **state)
{
    char cmd[PATH_MAX + 16];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    return system(cmd);
}

/* A Haswell-class HVM guest policy without MPX or SYSCALL. */
static const char guest_json[] =
    "{ \"format\": \"xen-cpu-policy\", \"version\": 1, \"type\": \"hvm\",\n"
    "  \"cpuid\": [\n"
    "    { \"leaf\": \"0x0\", \"subleaf\": \"0xffffffff\", \"eax\": \"0xd\","
    " \"ebx\": \"0x756e6547\", \"ecx\": \"0x6c65746e\", \"edx\": \"0x49656e69\" },\n"
    "    { \"leaf\": \"0x1\", \"subleaf\": \"0xffffffff\", \"eax\": \"0x306f2\","
    " \"ebx\": \"0x800\", \"ecx\": \"0xf6fa3203\", \"edx\": \"0x1789cbf5\" },\n"
    "    { \"leaf\": \"0x7\", \"subleaf\": \"0x0\", \"eax\": \"0x0\","
    " \"ebx\": \"0x000027ab\", \"ecx\": \"0x0\", \"edx\": \"0x0\" },\n"
    "    { \"leaf\": \"0x80000000\", \"subleaf\": \"0xffffffff\","
    " \"eax\": \"0x80000008\", \"ebx\": 0, \"ecx\": 0, \"edx\": 0 }\n"
    "  ] }\n";

#define DUMPS "$XFS_SHARED/cpuid/instlatx64/"

static void record_then_check(void **state)
{
    char path[PATH_MAX];
    struct sbuild s = { 0 };
    uint8_t buf[4096];
    size_t n;
    FILE *f;

    (void)state;
    put_file("guest.json", guest_json);
    assert_int_equal(run("record -o guest.stream guest.json"), 0);
    assert_non_null(strstr(out, "guest.stream: x86 HVM stream, 4 CPUID "
                                "leaves, 0 MSRs"));
    snprintf(path, sizeof(path), "%s/guest.stream", dir);
    f = fopen(path, "rb");
    assert_non_null(f);
    n = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    sb_bytes(&s, buf, n);
    if (xen_verify_stream(s.b, s.len, out, sizeof(out)))
        fail_msg("verify-stream-v2 refused the recorded stream:\n%s", out);
    sb_free(&s);

    assert_int_equal(run("restore-check --cpuid " DUMPS
                         "GenuineIntel00806F8_SapphireRapids_05.xml "
                         "guest.stream"), 0);
    assert_non_null(strstr(out, "policy: 4 CPUID leaves (record at offset "
                                "40), no MSR record"));
    assert_non_null(strstr(out, "verdict: accept\n"));

    assert_int_equal(run("restore-check --cpuid " DUMPS
                         "GenuineIntel00206C2_Gulftown.xml guest.stream"), 4);
    assert_non_null(strstr(out, "verdict: refuse ("));
    assert_non_null(strstr(out, "  - feature AVX2 (word 5 7b0 bit 5, leaf "
                                "0x00000007:0 ebx) missing on host\n"));
}

static void json_output(void **state)
{
    yajl_val top, v;

    (void)state;
    put_file("guest.json", guest_json);
    assert_int_equal(run("record -o guest.stream guest.json"), 0);
    assert_int_equal(run("restore-check --json --cpuid " DUMPS
                         "GenuineIntel00206C2_Gulftown.xml guest.stream"), 4);
    top = yajl_tree_parse(out, NULL, 0);
    assert_non_null(top);
    v = yajl_tree_get(top, (const char *[]){ "result", "verdict", NULL },
                      yajl_t_string);
    assert_string_equal(YAJL_GET_STRING(v), "refuse");
    v = yajl_tree_get(top, (const char *[]){ "stream", "cpuid_leaves", NULL },
                      yajl_t_number);
    assert_int_equal(YAJL_GET_INTEGER(v), 4);
    yajl_tree_free(top);

    /* record --json prints the policy file it recorded. */
    assert_int_equal(run("record --json -o again.stream guest.json"), 0);
    assert_non_null(strstr(out, "\"format\": \"xen-cpu-policy\""));
    assert_non_null(strstr(out, "\"ebx\": \"0x000027ab\""));
}

static void no_policy_stream(void **state)
{
    (void)state;
    put_file("none.json",
             "{ \"format\": \"xen-cpu-policy\", \"version\": 1 }");
    assert_int_equal(run("record --type pv -o old.stream none.json"), 0);
    assert_int_equal(run("restore-check --cpuid " DUMPS
                         "AuthenticAMD0A10F11_K19_Genoa_01.xml old.stream"), 0);
    assert_non_null(strstr(out, "policy: no CPUID record: checked with Xen "
                                "4.17's compatibility policy"));
    assert_non_null(strstr(out, "verdict: accept"));
}

static void errors_and_exit_codes(void **state)
{
    (void)state;
    put_file("guest.json", guest_json);
    put_file("bad.json", "{ \"format\": \"xen-cpu-policy\",\n \"version\": 1,"
                         "\n \"cpuid\": [ { \"leaf\": 1 } ] }");
    assert_int_equal(run("record -o x.stream"), 1);
    assert_int_equal(run("record --type pvh -o x.stream guest.json"), 1);
    assert_int_equal(run("record --type pv -o x.stream guest.json"), 1);
    assert_non_null(strstr(out, "--type pv, but guest.json says \"type\": "
                                "\"hvm\""));
    assert_int_equal(run("record --type hvm --cpuid x.xml -o x.stream"), 1);
    assert_non_null(strstr(out, "needs the policy derivation"));
    assert_int_equal(run("record -o x.stream bad.json"), 2);
    assert_non_null(strstr(out, "bad.json: cpuid[0].subleaf: missing"));
    assert_int_equal(run("record -o x.stream missing.json"), 2);

    assert_int_equal(run("record -o g.stream guest.json"), 0);
    assert_int_equal(run("restore-check"), 1);
    assert_int_equal(run("restore-check nothing.stream"), 2);
    assert_non_null(strstr(out, "nothing.stream: cannot open"));
    put_file("short.stream", "\xff\xff\xff\xff");
    assert_int_equal(run("restore-check short.stream"), 2);
    assert_non_null(strstr(out, "short.stream: offset 0: stream truncated in "
                                "the image header"));
    assert_int_equal(run("restore-check --backend xen g.stream"), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(record_then_check),
        cmocka_unit_test(json_output),
        cmocka_unit_test(no_policy_stream),
        cmocka_unit_test(errors_and_exit_codes),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
