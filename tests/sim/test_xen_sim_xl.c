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
 *    `xen-cpuid record` writes), directly: on every shared dump and the
 *    `cpuid -r` file, PV and HVM, with no cpuid= (the default guest),
 *    feature settings and topology settings, the two are equal --
 *    topology included (xc_cpuid_apply_policy's rewrite: HTT and
 *    CMP_LEGACY, leaf 1 EBX[23:16], Intel leaf 4, AMD 0x80000008 ECX).
 */
#include <ctype.h>
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

#include "libxl_cpuid/policy/applied-policy.h"
#include "libxl_cpuid/policy/policy-json.h"
#include "libxl_cpuid/xl/xl-cpuid.h"
#include "tests/helpers/shared-data.h"
#include "tests/helpers/xen-sim-run.h"

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

/* A config file; cpuid is the whole right-hand side (quoted or a list),
 * NULL for none. */
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
    if (cpuid)
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

/*
 * xl create on `dump` with cpuid= (NULL: none) against our applied policy
 * for the same settings: the same policy.  A type the host cannot run:
 * libxl sets no policy and we refuse.
 */
static void create(const char *dump, const char *name, const char *type,
                   const char *cpuid)
{
    struct xlc_guest_settings g = { .kind = cpuid ? XLC_SETTINGS_XL_CPUID
                                                  : XLC_SETTINGS_DEFAULT,
                                    .xl_cpuid = cpuid };
    struct xlc_sim_opts o = { .cpuid_file = dump };
    enum xlc_guest_type t = strcmp(type, "pv") ? XLC_GUEST_HVM : XLC_GUEST_PV;
    struct xlc_system_policies *sys;
    struct xlc_applied_policy *a = NULL;
    struct xfs_cpu_policy theirs;
    xlc_error e = { 0 };
    char args[2048], cmd[512], rhs[256], path[300], *out = NULL, *err = NULL;
    int rc, ours;

    snprintf(rhs, sizeof(rhs), "\"%s\"", cpuid ? cpuid : "");
    snprintf(args, sizeof(args), "--cpuid '%s' --policy-dir '%s'", dump,
             dir);
    snprintf(cmd, sizeof(cmd), "%s create '%s'", XEN_XL,
             write_cfg(type, cpuid ? rhs : NULL));
    rc = xen_sim_run(args, cmd, &out, &err);
    /* Building the guest needs memory the simulated domain lacks. */
    assert_int_not_equal(rc, 0);
    assert_int_equal(xlc_system_policies_load(&o, &sys, NULL), 0);
    ours = xlc_applied_policy(sys, t, &g, &a, &e);
    snprintf(path, sizeof(path), "%s/domain-1.json", dir);
    if (ours == -EOPNOTSUPP) {
        /* libxl gave up before setting a policy. */
        if (!access(path, F_OK))
            fail_msg("%s %s: libxl set a policy, we refuse: %s", name, type,
                     e.msg);
        goto out;
    }
    if (ours)
        fail_msg("%s %s %s: %s", name, type, cpuid ? cpuid : "", e.msg);
    libxl_policy(&theirs, err);
    if (!xfs_policy_equal(&theirs, &a->policy)) {
        struct xlc_buf b = XLC_BUF_INIT;

        xlc_policy_format_text(&b, "libxl's", &theirs);
        xlc_policy_format_text(&b, "ours", &a->policy);
        fail_msg("%s %s %s: the policies differ:\n%s", name, type,
                 cpuid ? cpuid : "(no cpuid=)", b.s);
    }
out:
    xlc_applied_policy_free(a);
    xlc_system_policies_free(sys);
    free(out);
    free(err);
}

/* Settings xl create is given on every dump: none (the default guest),
 * features, and the topology fields themselves (applied after libxl's
 * rewrite, so they win). */
static const char *const create_settings[] = {
    NULL,
    "host,avx=0,rdrand=0",
    "host,aes=0,tsc-deadline=0",
    "host,proccount=4,nc=2,apicidsize=3",
};

static void create_each(void *ctx, const char *path, const char *file)
{
    unsigned int *runs = ctx;

    for (size_t i = 0; i < sizeof(create_settings) /
                           sizeof(create_settings[0]); i++) {
        create(path, file, "pv", create_settings[i]);
        create(path, file, "hvm", create_settings[i]);
        *runs += 2;
    }
}

static void create_reaches_set_cpu_policy(void **state)
{
    unsigned int runs = 0;

    (void)state;
    assert_true(shared_each_dump(create_each, &runs) >= 40);
    create_each(&runs, xen_sim_live_dump(), "cpuid -r file");
    print_message("xl create: %u runs, libxl's policy equal to ours\n",
                  runs);
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
