/* SPDX-License-Identifier: MIT */
/*
 * Xen 4.17's xl against the simulated hypervisor.
 *
 *  - `xl -N create -n CFG` (the dry run: xl parses the config and prints
 *    the domain configuration as JSON) for PV and HVM configs: the "cpuid"
 *    object xl builds from cpuid= (libxl form, or a list of xend-form
 *    strings) must be, byte for byte once xl's indentation is removed,
 *    what our parser's JSON (libxl_cpuid/xl/xl-cpuid-json.c) says.  xl
 *    reports an item it cannot parse ("error #N") and goes on without it:
 *    our parser must fail on the same items with libxl's same numbers.
 *    (viridian= is compared in test_xen_sim_viridian.c.)
 *  - `xl create CFG` goes as far as the simulation can: libxl creates the
 *    domain, sets its CPU policy (XEN_DOMCTL_set_cpu_policy, written out
 *    by --policy-dir) and fails when it builds the guest (the kernel or
 *    firmware, then guest memory, which simulated domains do not have).
 *    The policy libxl computed is compared with ours (the applied policy
 *    `xen-cpuid record` writes): identical for PV; for HVM identical but
 *    for the topology fields libxl rewrites for every HVM guest
 *    (xc_cpuid_apply_policy: leaf 1 EBX[23:16] doubled, leaf 4 EAX[31:26]
 *    = 2n+1 and EAX[25:14] = 0 on Intel, 0x80000008 ECX on AMD), which our
 *    applied policy does not model yet; the test checks they are exactly
 *    libxl's rewrite of our values.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "libxl_cpuid/policy/applied-policy.h"
#include "libxl_cpuid/policy/policy-json.h"
#include "libxl_cpuid/xl/xl-cpuid.h"
#include "tests/helpers/shared-data.h"
#include "tests/helpers/xen-sim-run.h"

#define DUMP "GenuineIntel0050654_SkylakeXeon"

static char dir[] = "/tmp/xen-sim-xl.XXXXXX";

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[128];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd);
}

/* A config file; cpuid is the whole right-hand side (quoted or a list). */
static const char *write_cfg(const char *type, const char *cpuid)
{
    static char path[256];
    FILE *f;

    snprintf(path, sizeof(path), "%s/guest.cfg", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "name = \"g\"\ntype = \"%s\"\nmemory = 128\n", type);
    if (!strcmp(type, "pv"))
        fprintf(f, "kernel = \"/nonexistent/vmlinuz\"\n");
    else
        fprintf(f, "viridian = [\"base\", \"freq\"]\n");
    fprintf(f, "cpuid = %s\n", cpuid);
    assert_int_equal(fclose(f), 0);
    return path;
}

/* The "cpuid" object of xl's b_info, without the indentation. */
static char *xl_cpuid_json(const char *out)
{
    const char *b = strstr(out, "\"b_info\""), *p;
    char *compact;
    int depth = 0;
    size_t n = 0;

    assert_non_null(b);
    p = strstr(b, "\"cpuid\": {");
    assert_non_null(p);
    p = strchr(p, '{');
    compact = malloc(strlen(p) + 1);
    assert_non_null(compact);
    for (; *p; p++) {
        if (!isspace((unsigned char)*p))
            compact[n++] = *p;
        depth += *p == '{' || *p == '[';
        depth -= *p == '}' || *p == ']';
        if (!depth)
            break;
    }
    compact[n] = '\0';
    return compact;
}

/*
 * What xl's parse_config_data builds from the same cpuid=: each item (or
 * list entry) parsed in turn with our parser; one that fails is reported
 * ("  error #N: ...") and skipped, as xl does.  The JSON of what is left
 * (NULL when nothing is), and the error lines' prefixes in *errs.
 */
static char *xl_like(const char *const *strings, bool xend,
                     struct xlc_buf *errs)
{
    struct xlc_xl_cpuid l = { 0 };
    struct xlc_buf b = XLC_BUF_INIT;
    char *copy = NULL, *item, *save = NULL;
    int librc;

    for (; xend && *strings; strings++)
        if (xlc_xl_cpuid_parse_xend(&l, *strings, &librc, NULL))
            xlc_buf_printf(errs, "  error #%d:", librc);
    if (!xend) {
        copy = strdup(strings[0]);
        item = strtok_r(copy, ",", &save);
        if (item && strcmp(item, "host"))
            xlc_buf_puts(errs, "  error: first word must be \"host\"");
        else
            while (item && (item = strtok_r(NULL, ",", &save)))
                if (xlc_xl_cpuid_parse_item(&l, item, &librc, NULL))
                    xlc_buf_printf(errs, "  error #%d:", librc);
    }
    free(copy);
    if (l.nr_cpuid || l.nr_msr)
        xlc_xl_cpuid_json(&b, &l);
    xlc_xl_cpuid_free(&l);
    return b.s ? xlc_buf_take(&b) : NULL;
}

/* xl's error lines, each cut after its number (or the whole line). */
static char *error_prefixes(const char *err)
{
    struct xlc_buf b = XLC_BUF_INIT;

    for (const char *l = strstr(err, "  error"); l; l = strstr(l + 1, "\n  error")) {
        const char *colon;

        l += *l == '\n';
        colon = strchr(l, ':');
        assert_non_null(colon);
        if (!strncmp(l, "  error: ", 9))
            colon = strchr(l, '\n');
        xlc_buf_printf(&b, "%.*s", (int)(colon - l + (*colon == ':')), l);
    }
    return b.s ? xlc_buf_take(&b) : strdup("");
}

static void dry_run(const char *type, const char *const *strings, bool xend)
{
    char rhs[2048], cmd[512], *out = NULL, *err = NULL, *theirs, *ours;
    struct xlc_buf our_errs = XLC_BUF_INIT;
    char *their_errs;
    size_t n = 0;
    int rc;

    n += (size_t)snprintf(rhs, sizeof(rhs), "%s", xend ? "[" : "");
    for (const char *const *s = strings; *s; s++)
        n += (size_t)snprintf(rhs + n, sizeof(rhs) - n, "%s\"%s\"",
                              s == strings ? "" : ", ", *s);
    snprintf(rhs + n, sizeof(rhs) - n, "%s", xend ? "]" : "");
    snprintf(cmd, sizeof(cmd), "%s -N create -n '%s'", XEN_XL,
             write_cfg(type, rhs));
    rc = xen_sim_run("", cmd, &out, &err);
    if (rc)
        fail_msg("%s cpuid = %s: xl exit %d: %s", type, rhs, rc, err);
    ours = xl_like(strings, xend, &our_errs);
    their_errs = error_prefixes(err);
    if (strcmp(their_errs, our_errs.s ? our_errs.s : ""))
        fail_msg("%s cpuid = %s: xl's errors '%s', ours '%s'", type, rhs,
                 their_errs, our_errs.s ? our_errs.s : "");
    theirs = strstr(out, "\"cpuid\": {") ? xl_cpuid_json(out) : NULL;
    if (!theirs != !ours || (ours && strcmp(theirs, ours)))
        fail_msg("%s cpuid = %s:\nxl:   %s\nours: %s", type, rhs,
                 theirs ? theirs : "(none)", ours ? ours : "(none)");
    if (!strcmp(type, "hvm"))
        assert_non_null(strstr(out, "\"viridian_enable\""));
    free(theirs);
    free(ours);
    free(their_errs);
    xlc_buf_free(&our_errs);
    free(out);
    free(err);
}

static const char *const libxl_form[][2] = {
    { "host,avx=0", NULL },
    { "host,avx512f=0,rdrand=0,sse4_1=k", NULL },
    { "host,tm=s,pae=x,ibrsb=0,aes=1", NULL },
    { "host,,fpu=1,,x2apic=0", NULL },
    { "host,family=6,model=85,stepping=4", NULL },
    { "host,proccount=4,nc=2,apicidsize=3", NULL },
    { "host,avx=2,aes=0", NULL },           /* error #3, aes kept */
    { "host,no-such-feature=0,sse3=0", NULL }, /* error #2 */
    { "host,avx", NULL },                   /* error #1: no '=' */
    { "avx=0", NULL },                      /* first word not "host" */
};

static void dry_run_libxl_form(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(libxl_form) / sizeof(libxl_form[0]); i++) {
        dry_run("pv", libxl_form[i], false);
        dry_run("hvm", libxl_form[i], false);
    }
}

static const char *const xend_form[][4] = {
    { "0x1:ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx,edx=xxxxxxxxxxxxxxxxxxxxxxx"
      "xxxxxxxx0", NULL },
    { "0x80000001:ecx=xxxxxxxxxxxxxxxxxxxxxxxxxx0xxxxx",
      "0x7,0:ebx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx0", NULL },
    { "0xd,1:eax=xxxxxxxxxxxxxxxxxxxxxxxxxxxx0000", "0x1:edx=k1s0x" "xxxxxx"
      "xxxxxxxxxxxxxxxxxxxxxxx", NULL },
    { "0x1:ecx=xxxx", "0x7,0:ebx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx0",
      NULL },                               /* error #5, then one kept */
    { "0x1:eqx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", NULL }, /* error #4 */
    { "0x1ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", NULL },  /* error #3 */
};

static void dry_run_xend_form(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(xend_form) / sizeof(xend_form[0]); i++) {
        dry_run("pv", xend_form[i], true);
        dry_run("hvm", xend_form[i], true);
    }
}

/* The policy libxl set for domain 1, as a policy. */
static void libxl_policy(struct xfs_cpu_policy *p, const char *what)
{
    struct xlc_policy_entries e = { 0 };
    char path[256];

    xlc_error err = { 0 };

    snprintf(path, sizeof(path), "%s/domain-1.json", dir);
    if (xlc_policy_json_load(path, &e, NULL, &err))
        fail_msg("no policy was set (%s): %s", err.msg, what);
    xfs_policy_zero(p);
    assert_int_equal(xlc_policy_deserialise(p, &e, NULL), 0);
    xlc_policy_entries_free(&e);
    unlink(path);
}

/* xc_cpuid_apply_policy's topology rewrite for HVM guests (4.17). */
static void libxl_hvm_topology(struct xfs_cpu_policy *p)
{
    uint32_t lppp = (p->basic[1].b >> 16) & 0xff;

    lppp = !lppp ? 2 : (lppp & 0x80) ? lppp : lppp * 2;
    p->basic[1].b = (p->basic[1].b & ~0xff0000u) | (lppp << 16);
    if (p->vendor == XFS_VENDOR_INTEL) {
        for (unsigned int i = 0; i < XFS_POLICY_NR_CACHE &&
                                 (p->cache[i].a & 0x1f); i++) {
            uint32_t cores = (p->cache[i].a >> 26) & 0x3f;

            p->cache[i].a = (p->cache[i].a & 0x3fffu) |
                            ((((cores << 1) | 1) & 0x3f) << 26);
        }
    } else if ((p->extd[8].c & 0xff) < 0x7f) {
        uint32_t size = (p->extd[8].c >> 12) & 0xf;

        if (size && size < 7)
            size++;
        p->extd[8].c = (p->extd[8].c & ~0xf0ffu) | (size << 12) |
                       ((((p->extd[8].c & 0xff) << 1) | 1) & 0xff);
    }
}

static void create(const char *type, const char *cpuid)
{
    struct xlc_guest_settings g = { .kind = XLC_SETTINGS_XL_CPUID,
                                    .xl_cpuid = cpuid };
    struct xlc_sim_opts o = { .cpuid_file = shared_dump(DUMP) };
    enum xlc_guest_type t = strcmp(type, "pv") ? XLC_GUEST_HVM : XLC_GUEST_PV;
    struct xlc_system_policies *sys;
    struct xlc_applied_policy *a;
    struct xfs_cpu_policy theirs;
    xlc_error e = { 0 };
    char args[2048], cmd[512], rhs[256], *out = NULL, *err = NULL;
    int rc;

    snprintf(rhs, sizeof(rhs), "\"%s\"", cpuid);
    snprintf(args, sizeof(args), "--cpuid '%s' --policy-dir '%s'",
             shared_dump(DUMP), dir);
    snprintf(cmd, sizeof(cmd), "%s create '%s'", XEN_XL, write_cfg(type, rhs));
    rc = xen_sim_run(args, cmd, &out, &err);
    /* Building the guest needs memory the simulated domain lacks. */
    assert_int_not_equal(rc, 0);
    libxl_policy(&theirs, err);
    assert_int_equal(xlc_system_policies_load(&o, &sys, NULL), 0);
    if (xlc_applied_policy(sys, t, &g, &a, &e))
        fail_msg("%s %s: %s", type, cpuid, e.msg);
    if (t == XLC_GUEST_HVM)
        libxl_hvm_topology(&a->policy);
    if (!xfs_policy_equal(&theirs, &a->policy)) {
        struct xlc_buf b = XLC_BUF_INIT;

        xlc_policy_format_text(&b, "libxl's", &theirs);
        xlc_policy_format_text(&b, "ours", &a->policy);
        fail_msg("%s %s: the policies differ:\n%s", type, cpuid, b.s);
    }
    xlc_applied_policy_free(a);
    xlc_system_policies_free(sys);
    free(out);
    free(err);
}

static void create_reaches_set_cpu_policy(void **state)
{
    (void)state;
    create("pv", "host,avx=0");
    create("pv", "host,avx512f=0,rdrand=0");
    create("hvm", "host,avx=0,rdrand=0");
    create("hvm", "host,aes=0,tsc-deadline=0");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dry_run_libxl_form),
        cmocka_unit_test(dry_run_xend_form),
        cmocka_unit_test(create_reaches_set_cpu_policy),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
