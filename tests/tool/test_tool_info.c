/* SPDX-License-Identifier: MIT */
/*
 * The built xen-cpuid's info and detail subcommands ($XFS_TOOL): layout
 * as Xen's own xen-cpuid prints it (checked against the installed Xen
 * 4.17 tool where it can run without Xen, and against libxenguest's static
 * masks), dynamic sets equal to what the library returns, JSON that is
 * well formed, and the documented exit codes.
 */
#include <errno.h>
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
#include <xenctrl.h>
#include <xenguest.h>

#include "libxl_cpuid/sources/handle.h"
#include "libxl_cpuid/util/strbuf.h"
#include "../helpers/tool-run.h"
#include "../helpers/shared-data.h"

#define XEN_TOOL "/usr/lib/xen-4.17/bin/xen-cpuid"

/* The line of `text` that starts with `prefix` (a copy), or NULL. */
static char *line_starting(const char *text, const char *prefix)
{
    size_t pl = strlen(prefix);

    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);

        if (len >= pl && !strncmp(p, prefix, pl)) {
            char *l = malloc(len + 1);

            memcpy(l, p, len);
            l[len] = '\0';
            return l;
        }
        p += len + (nl ? 1 : 0);
    }
    return NULL;
}

static void format_fs(char *buf, size_t n, const uint32_t *fs, uint32_t nr)
{
    size_t used = 0;

    buf[0] = '\0';
    for (uint32_t i = 0; i < nr && used < n; i++)
        used += (size_t)snprintf(buf + used, n - used, "%s%08x", i ? ":" : "",
                                 fs[i]);
}

/* "Name<pad to 32>words" exactly. */
static void expect_set_line(const char *out, const char *name,
                            const char *words)
{
    char prefix[64], want[1024], *l;

    snprintf(prefix, sizeof(prefix), "%-24s        ", name);
    l = line_starting(out, prefix);
    if (!l)
        fail_msg("no line for set '%s'", name);
    snprintf(want, sizeof(want), "%s%s", prefix, words);
    assert_string_equal(l, want);
    free(l);
}

static void info_layout(void **state)
{
    static const char *const masks[] = {
        "Known", "Special", "PV Max", "PV Default", "HVM Shadow Max",
        "HVM Shadow Default", "HVM Hap Max", "HVM Hap Default",
    };
    static const char *const sets[] = {
        "Raw", "Host", "PV Default", "HVM Default", "PV Max", "HVM Max",
    };
    const char *path = shared_dump("GenuineIntel00806F8_SapphireRapids_05");
    struct xlc_open_opts o = { .backend = XLC_BACKEND_SIM, .cpuid_file = path };
    uint32_t nr = xc_get_cpu_featureset_size(), fs[64];
    char cmd[8192], words[1024], *out, *err, *l, *dyn;
    xlc_error e = { 0 };
    xlc_handle *h;

    (void)state;
    snprintf(cmd, sizeof(cmd), "%s --cpuid %s", tool_path(), path);
    assert_int_equal(tool_run_shell(cmd, &out, &err), 0);
    assert_string_equal(err, "");
    /* Header: word count, then the keys under which the words line up. */
    assert_true(!strncmp(out, "nr_features: 19\n", 16));
    l = line_starting(out, "                            KEY 1d       1c"
                           "       e1d      e1c      Da1      7b0      ");
    assert_non_null(l);
    assert_int_equal(strlen(l), 32 + 9 * nr);
    free(l);
    assert_non_null(strstr(out, "\n\nStatic sets:\nKnown "));
    dyn = strstr(out, "\n\nDynamic sets:\nRaw ");
    assert_non_null(dyn);
    /* Static and dynamic sets share names: look in each section. */
    *dyn++ = '\0';
    /* Static masks: libxenguest's, word for word. */
    for (int k = XC_FEATUREMASK_KNOWN; k <= XC_FEATUREMASK_HVM_HAP_DEF; k++) {
        format_fs(words, sizeof(words), xc_get_static_cpu_featuremask(k), nr);
        expect_set_line(out, masks[k], words);
    }
    /* Dynamic sets: what the library hands out for the same dump. */
    if (xlc_open(&o, &h, &e))
        fail_msg("%s", e.msg);
    for (uint32_t i = 0; i < 6; i++) {
        uint32_t n = nr;

        assert_int_equal(xlc_get_featureset(h, i, &n, fs, &e), 0);
        format_fs(words, sizeof(words), fs, n);
        expect_set_line(dyn, sets[i], words);
    }
    xlc_close(h);
    /* Xen's layout ends with the last set: no Backend line of ours. */
    assert_null(strstr(dyn, "Backend:"));
    assert_non_null(strstr(dyn, "\nHVM Max "));
    assert_int_equal(strchr(strstr(dyn, "\nHVM Max ") + 1, '\n')[1], '\0');
    free(out);
    free(err);
    /* --show-backend adds it. */
    snprintf(cmd, sizeof(cmd), "%s --cpuid %s --show-backend", tool_path(),
             path);
    assert_int_equal(tool_run_shell(cmd, &out, &err), 0);
    l = line_starting(out, "Backend: sim: ");
    assert_non_null(l);
    assert_non_null(strstr(l, path));
    free(l);
    free(out);
    free(err);
}

/*
 * The installed Xen tool decodes a featureset given on its command line
 * without needing Xen, in the same per-word layout as its `detail`.  For
 * every shared dump, each set of our `detail` (static and dynamic), fed to
 * Xen's tool, must come back as the same lines, byte for byte.
 */
struct detail_ctx {
    unsigned int sets;
};

/* Is this line of `detail` a set's "Name<pad>words" line? */
static bool set_line(const char *l, size_t len)
{
    if (len <= 32 || !strncmp(l, "  [", 3))
        return false;
    for (int i = 24; i < 32; i++)
        if (l[i] != ' ')
            return false;
    return true;
}

static void detail_one_dump(void *vctx, const char *path, const char *file)
{
    struct detail_ctx *ctx = vctx;
    const char *argv[64] = { "xen-cpuid" };
    struct xlc_buf want = XLC_BUF_INIT;
    char cmd[8192], *out, *err, *xout, *xerr;
    unsigned int n = 1;
    bool in_set = false;

    (void)file;
    snprintf(cmd, sizeof(cmd), "%s detail --cpuid %s", tool_path(), path);
    assert_int_equal(tool_run_shell(cmd, &out, &err), 0);
    for (char *l = out; *l;) {
        char *nl = strchr(l, '\n');
        size_t len = nl ? (size_t)(nl - l) : strlen(l);

        if (set_line(l, len)) {
            l[len] = '\0';
            assert_true(n < 63);
            argv[n++] = l + 32;
            xlc_buf_printf(&want, "%-24s        %s\n", "Raw", l + 32);
            in_set = true;
        } else if (in_set && !strncmp(l, "  [", 3)) {
            xlc_buf_printf(&want, "%.*s\n", (int)len, l);
        } else {
            in_set = false;
        }
        l += len + (nl ? 1 : 0);
    }
    argv[n] = NULL;
    ctx->sets += n - 1;
    assert_int_equal(tool_exec(XEN_TOOL, argv, &xout, &xerr), 0);
    assert_string_equal(xerr, "");
    if (strcmp(xout, want.s))
        fail_msg("%s: our detail differs from Xen's tool:\n--- Xen's\n%s"
                 "--- ours\n%s", path, xout, want.s);
    xlc_buf_free(&want);
    free(out);
    free(err);
    free(xout);
    free(xerr);
}

static void detail_matches_xen_tool(void **state)
{
    struct detail_ctx ctx = { 0 };
    unsigned int dumps;

    (void)state;
    if (access(XEN_TOOL, X_OK))
        fail_msg("%s is missing: install xen-utils-4.17 (make deps)",
                 XEN_TOOL);
    dumps = shared_each_dump(detail_one_dump, &ctx);
    print_message("%u dumps, %u sets: identical to Xen's tool\n", dumps,
                  ctx.sets);
    assert_true(dumps >= 40);
}

/* A set bit without a name is shown as <bit>, never dropped. */
static void detail_shows_unknown_bits(void **state)
{
    static const char xml[] =
        "<cpudata arch='x86'>\n"
        "  <cpuid eax_in='0x00000000' ecx_in='0x00' eax='0x00000001' "
        "ebx='0x756e6547' ecx='0x6c65746e' edx='0x49656e69'/>\n"
        "  <cpuid eax_in='0x00000001' ecx_in='0x00' eax='0x00000000' "
        "ebx='0x00000000' ecx='0x00000000' edx='0x00100401'/>\n"
        "</cpudata>\n";
    char file[] = "/tmp/test_tool_info_dump.XXXXXX", cmd[8192];
    char *out, *err, *l;
    int fd = mkstemp(file);

    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(write(fd, xml, sizeof(xml) - 1), (ssize_t)sizeof(xml) - 1);
    close(fd);
    snprintf(cmd, sizeof(cmd), "%s detail --cpuid %s", tool_path(), file);
    assert_int_equal(tool_run_shell(cmd, &out, &err), 0);
    unlink(file);
    l = strstr(out, "\nRaw ");
    assert_non_null(l);
    l = strstr(l, "  [00] CPUID 0x00000001.edx     ");
    assert_non_null(l);
    assert_true(!strncmp(l, "  [00] CPUID 0x00000001.edx     fpu <10> <20>\n",
                         46));
    free(out);
    free(err);
}

/* ---- JSON ---- */

/* A small recursive-descent check that the text is one JSON value. */
static const char *json_value(const char *p);

static const char *json_ws(const char *p)
{
    while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
        p++;
    return p;
}

static const char *json_string(const char *p)
{
    if (*p++ != '"')
        return NULL;
    for (; *p && *p != '"'; p++) {
        if ((unsigned char)*p < 0x20)
            return NULL;
        if (*p == '\\' && !*++p)
            return NULL;
    }
    return *p == '"' ? p + 1 : NULL;
}

static const char *json_seq(const char *p, char close, bool members)
{
    p = json_ws(p + 1);
    if (*p == close)
        return p + 1;
    for (;;) {
        if (members) {
            p = json_string(json_ws(p));
            if (!p || *(p = json_ws(p)) != ':')
                return NULL;
            p++;
        }
        p = json_value(p);
        if (!p)
            return NULL;
        p = json_ws(p);
        if (*p == close)
            return p + 1;
        if (*p++ != ',')
            return NULL;
    }
}

static const char *json_value(const char *p)
{
    p = json_ws(p);
    if (*p == '{')
        return json_seq(p, '}', true);
    if (*p == '[')
        return json_seq(p, ']', false);
    if (*p == '"')
        return json_string(p);
    if (!strncmp(p, "true", 4) || !strncmp(p, "null", 4))
        return p + 4;
    if (!strncmp(p, "false", 5))
        return p + 5;
    if (*p == '-' || (*p >= '0' && *p <= '9')) {
        char *end;

        strtod(p, &end);
        return end;
    }
    return NULL;
}

static void json_output(void **state)
{
    const char *path = shared_dump("GenuineIntel0050654_SkylakeXeon");
    static const char *const cmds[] = { "info", "detail" };
    char cmd[8192], *out, *err;

    (void)state;
    for (int i = 0; i < 2; i++) {
        const char *end;

        snprintf(cmd, sizeof(cmd), "%s %s --json --cpuid %s --no-hap",
                 tool_path(), cmds[i], path);
        assert_int_equal(tool_run_shell(cmd, &out, &err), 0);
        end = json_value(out);
        if (!end || *json_ws(end))
            fail_msg("%s --json: not one JSON value", cmds[i]);
        assert_non_null(strstr(out, "\"backend\": {\"name\": \"sim\""));
        assert_non_null(strstr(out, "no HAP"));
        assert_non_null(strstr(out, "\"nr_features\": 19"));
        assert_non_null(strstr(out, "{\"name\": \"HVM Shadow Default\""));
        assert_non_null(strstr(out, "{\"name\": \"HVM Max\", \"index\": 5"));
        assert_non_null(strstr(out, "{\"name\": \"PV Default\", \"index\": 2"));
        if (i == 1)
            assert_non_null(strstr(out, "\"source\": \"CPUID 0x00000001.edx\""));
        else
            assert_null(strstr(out, "\"detail\""));
        free(out);
        free(err);
    }
}

/* ---- exit codes ---- */

static void expect_exit(const char *args, int code, const char *in_stderr)
{
    char cmd[8192], *out, *err;
    int rc;

    snprintf(cmd, sizeof(cmd), "%s %s", tool_path(), args);
    rc = tool_run_shell(cmd, &out, &err);
    if (rc != code)
        fail_msg("'%s': exit %d, expected %d (stderr: %s)", args, rc, code,
                 err);
    if (in_stderr && !strstr(err, in_stderr))
        fail_msg("'%s': stderr lacks '%s': %s", args, in_stderr, err);
    assert_string_equal(out, "");
    free(out);
    free(err);
}

static void exit_codes(void **state)
{
    char args[8192];

    (void)state;
    if (access("/dev/xen/privcmd", F_OK) && access("/proc/xen/privcmd", F_OK))
        expect_exit("info --backend xen", 3,
                    "xen-cpuid: info: backend xen: not running on Xen");
    expect_exit("--backend bogus", 1, "expected auto, xen or sim");
    expect_exit("info --backend xen --cpuid x.xml", 1, "--backend xen");
    expect_exit("info --cpuid /nonexistent/dump.xml", 2,
                "/nonexistent/dump.xml: cannot open");
    snprintf(args, sizeof(args), "detail --cpuid %s/cpuid/README.md",
             shared_dir());
    expect_exit(args, 2, "unrecognised format");
    snprintf(args, sizeof(args), "--cpuid %s --boot-cpuid no-avx2,no-bogus",
             shared_dump("GenuineIntel00306F2_HaswellEP"));
    expect_exit(args, 2, "bad token 'no-bogus' at offset 8");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(info_layout),
        cmocka_unit_test(detail_matches_xen_tool),
        cmocka_unit_test(detail_shows_unknown_bits),
        cmocka_unit_test(json_output),
        cmocka_unit_test(exit_codes),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
