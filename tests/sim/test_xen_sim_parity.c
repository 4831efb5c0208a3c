/* SPDX-License-Identifier: MIT */
/*
 * The drop-in's promise, checked byte for byte: Xen 4.17's own, unmodified
 * xen-cpuid (/usr/lib/xen-4.17/bin/xen-cpuid) run under xen-sim prints
 * exactly what our xen-cpuid prints for the same CPU in the same mode:
 * stdout, stderr and exit status.  For every dump in $XFS_DATA/cpuid
 * (instlatx64/ and live/) and the live CPU, in each of Xen's modes (none,
 * `info`, `detail`, `-p`), three runs must agree:
 *
 *   xen-sim --cpuid DUMP -- /usr/lib/xen-4.17/bin/xen-cpuid MODE   (Xen's)
 *   xen-cpuid --cpuid DUMP MODE                  (ours, in-process Xen)
 *   xen-sim --cpuid DUMP -- xen-cpuid --backend xen MODE
 *                      (ours through libxenctrl to the simulated Xen)
 *   xen-sim --cpuid DUMP -- xen-cpuid MODE
 *                      (ours as a dom0 script runs it there: auto finds
 *                      the hypervisor)
 *
 * For the live CPU the simulated runs have no --cpuid and ours runs
 * as a dom0 script would call it, `xen-cpuid MODE` (no Xen here: the
 * simulated one over this CPU).  Every process is pinned to one CPU: the
 * live CPU's APIC IDs differ between CPUs.  Then every dump again with
 * the hypervisor's options (--no-hap, --boot-cpuid) given to both.
 *
 * A CPU without VMX or SVM (the K8 dump, often the live CPU) is where
 * the two once differed: Xen 4.17 serves its HVM policies all zero (4
 * leaves, 2 MSRs), not "not supported"; so do we now.
 */
#include <dirent.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/helpers/shared-data.h"
#include "tests/helpers/tool-run.h"
#include "tests/helpers/xen-sim-run.h"

static const char *const modes[] = { "", "info", "detail", "-p" };
#define NR_MODES (sizeof(modes) / sizeof(modes[0]))

struct result {
    char *out, *err;
    int rc;
};

struct tally {
    unsigned int sources, runs, differences;
};

static void result_free(struct result *r)
{
    free(r->out);
    free(r->err);
}

/* The first line where a and b differ, for the failure message. */
static void first_difference(const char *a, const char *b, char *buf,
                             size_t len)
{
    unsigned int line = 1;
    const char *la = a, *lb = b;

    while (*a && *a == *b) {
        if (*a == '\n') {
            line++;
            la = a + 1;
            lb = b + 1;
        }
        a++;
        b++;
    }
    snprintf(buf, len, "line %u: '%.*s' vs '%.*s'", line,
             (int)strcspn(la, "\n"), la, (int)strcspn(lb, "\n"), lb);
}

/* Compare one of ours with Xen's; count and describe a difference. */
static void compare(const struct result *xen, const struct result *ours,
                    const char *who, const char *what, const char *mode,
                    struct tally *t)
{
    char diff[512];

    if (xen->rc == ours->rc && !strcmp(xen->out, ours->out) &&
        !strcmp(xen->err, ours->err))
        return;
    t->differences++;
    if (xen->rc != ours->rc)
        snprintf(diff, sizeof(diff), "exit %d vs %d", xen->rc, ours->rc);
    else if (strcmp(xen->out, ours->out))
        first_difference(xen->out, ours->out, diff, sizeof(diff));
    else
        first_difference(xen->err, ours->err, diff, sizeof(diff));
    print_error("%s, mode '%s': Xen's tool vs %s: %s\n", what, mode, who,
                diff);
}

static void run_sim(const char *sim_args, const char *cmd,
                    struct result *r)
{
    r->rc = xen_sim_run(sim_args, cmd, &r->out, &r->err);
}

/* dump NULL: the live CPU.  opts: simulation options for both (the
 * hypervisor's: --no-hap, --boot-cpuid). */
static void check_source_with(const char *dump, const char *what,
                              const char *opts, const char *const *mode_list,
                              unsigned int nr_modes, struct tally *t)
{
    char sim[PATH_MAX + 256], cmd[2 * PATH_MAX + 512];

    if (dump)
        snprintf(sim, sizeof(sim), "--cpuid '%s' %s", dump, opts);
    else
        snprintf(sim, sizeof(sim), "%s", opts);
    xen_sim_pin_one_cpu();   /* the same APIC IDs in every process */
    t->sources++;
    for (unsigned int m = 0; m < nr_modes; m++) {
        struct result xen, ours, through, dom0;

        snprintf(cmd, sizeof(cmd), "'%s' %s", XEN_XEN_CPUID, mode_list[m]);
        run_sim(sim, cmd, &xen);
        snprintf(cmd, sizeof(cmd), "'%s' %s %s", tool_path(), sim, mode_list[m]);
        ours.rc = tool_run_shell(cmd, &ours.out, &ours.err);
        snprintf(cmd, sizeof(cmd), "'%s' --backend xen %s", tool_path(),
                 mode_list[m]);
        run_sim(sim, cmd, &through);
        snprintf(cmd, sizeof(cmd), "'%s' %s", tool_path(), mode_list[m]);
        run_sim(sim, cmd, &dom0);
        t->runs += 4;
        /* Xen's tool must have worked: a parity of failures proves
         * nothing. */
        if (xen.rc || xen.err[0] || !xen.out[0])
            fail_msg("%s: xen-sim -- xen-cpuid %s: exit %d: %s", what,
                     mode_list[m], xen.rc, xen.err);
        compare(&xen, &ours, "ours (in-process)", what, mode_list[m], t);
        compare(&xen, &through, "ours (--backend xen)", what, mode_list[m],
                t);
        compare(&xen, &dom0, "ours (auto, under xen-sim)", what,
                mode_list[m], t);
        result_free(&xen);
        result_free(&ours);
        result_free(&through);
        result_free(&dom0);
    }
}

static void check_source(const char *dump, const char *what,
                         struct tally *t)
{
    check_source_with(dump, what, "", modes, NR_MODES, t);
}

static void each_dump(void *ctx, const char *path, const char *file)
{
    check_source(path, file, ctx);
}

/* Every file in $XFS_DATA/cpuid/live (the `cpuid -r` dumps). */
static unsigned int each_live_dump(struct tally *t)
{
    char dir[PATH_MAX], path[2 * PATH_MAX];
    struct dirent *e;
    unsigned int n = 0;
    DIR *d;

    snprintf(dir, sizeof(dir), "%s/cpuid/live", shared_dir());
    d = opendir(dir);
    assert_non_null(d);
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        check_source(path, e->d_name, t);
        n++;
    }
    closedir(d);
    return n;
}

static void report(const char *what, const struct tally *t)
{
    print_message("%s: %u sources, %u runs, %u differences\n", what,
                  t->sources, t->runs, t->differences);
    assert_int_equal(t->differences, 0);
}

static void instlatx64_dumps(void **state)
{
    struct tally t = { 0 };

    (void)state;
    assert_true(shared_each_dump(each_dump, &t) >= 40);
    report("instlatx64", &t);
}

static void live_folder(void **state)
{
    struct tally t = { 0 };

    (void)state;
    assert_true(each_live_dump(&t) >= 1);
    report("live/", &t);
}

static void live_cpu(void **state)
{
    struct tally t = { 0 };

    (void)state;
    check_source(NULL, "live CPU", &t);
    report("live CPU", &t);
}

/*
 * The hypervisor's own options, given to xen-sim and to ours alike:
 * shadow paging only, and boot-time cpuid= that removes features, or the
 * very VMX/SVM HVM needs (the HVM sets and policies are then served all
 * zero, as on a CPU without them).
 */
static const char *const sim_options[] = {
    "--no-hap",
    "--boot-cpuid no-avx,no-sse4_2,no-rdrand",
    "--boot-cpuid no-vmx,no-svm",
};

/* detail decodes what info prints; "" is info. */
static const char *const option_modes[] = { "info", "-p" };

static void each_dump_options(void *ctx, const char *path, const char *file)
{
    for (size_t i = 0; i < sizeof(sim_options) / sizeof(sim_options[0]);
         i++) {
        char what[512];

        snprintf(what, sizeof(what), "%s %s", file, sim_options[i]);
        check_source_with(path, what, sim_options[i], option_modes, 2, ctx);
    }
}

static void sim_options_every_dump(void **state)
{
    struct tally t = { 0 };

    (void)state;
    assert_true(shared_each_dump(each_dump_options, &t) >= 40);
    report("instlatx64 with hypervisor options", &t);
}

/*
 * A domain's policy (-p DOMID) and its refusal: the running domains xen-sim
 * declares, dom0, and one that does not exist, whose error Xen's tool
 * prints with libxenctrl's own "xc: error:" line before its own.
 */
static void domain_policies(void **state)
{
    static const char *const doms[] = { "-p 0", "-p 3", "-p 4", "-p 7",
                                        "--policy=3", "-p3" };
    char sim[PATH_MAX + 256], cmd[PATH_MAX + 64];
    struct tally t = { 0 };

    (void)state;
    snprintf(sim, sizeof(sim), "--cpuid '%s' --domain 3:hvm:cpuid=host,"
             "avx=0 --domain 4:pv:cpuid=host,rdrand=0",
             shared_dump("AuthenticAMD0A10F11_K19_Genoa_01"));
    for (size_t i = 0; i < sizeof(doms) / sizeof(doms[0]); i++) {
        struct result xen, ours;

        snprintf(cmd, sizeof(cmd), "'%s' %s", XEN_XEN_CPUID, doms[i]);
        run_sim(sim, cmd, &xen);
        snprintf(cmd, sizeof(cmd), "'%s' %s", tool_path(), doms[i]);
        run_sim(sim, cmd, &ours);
        t.runs += 2;
        compare(&xen, &ours, "ours (under xen-sim)", "domains", doms[i], &t);
        if (!strcmp(doms[i], "-p 7"))
            assert_non_null(strstr(xen.err, "xc: error: "));
        result_free(&xen);
        result_free(&ours);
    }
    report("domain policies", &t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(instlatx64_dumps),
        cmocka_unit_test(live_folder),
        cmocka_unit_test(live_cpu),
        cmocka_unit_test(sim_options_every_dump),
        cmocka_unit_test(domain_policies),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
