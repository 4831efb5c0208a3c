/* SPDX-License-Identifier: MIT */
/*
 * The simulated hypervisor through libxenctrl, raw: this program re-runs
 * itself under xen-sim (a Skylake Xeon dump, a PV domain 1 with an xl
 * cpuid= string, an HVM domain 2) and calls the installed libxenctrl /
 * libxenguest / libxencall functions, checking what crosses the boundary
 * against Xen 4.17's rules and our library's values:
 *   - size queries (NULL buffers) and full reads;
 *   - short buffers: -ENOBUFS, the words that fit copied, and for the
 *     featureset the count written back (what Xen's sysctl does);
 *   - bad indexes and reserved fields: -EINVAL;
 *   - faulting handles: -EFAULT.  A handle faults when its range is not
 *     inside a buffer from xencall_alloc_buffer{,_pages} (xen-sim's rule,
 *     guest-mem.h), e.g. ordinary heap memory or a buffer too short;
 *   - a wrong interface version: -EACCES;
 *   - the domain calls: get/set_cpu_policy with Xen's error numbers and
 *     err_leaf/err_subleaf/err_msr, -ESRCH, -EEXIST once running;
 *   - errors come back as libxencall returns them on Linux: -1, errno;
 *   - an unknown hypercall, sysctl or domctl: -ENOSYS and exactly one
 *     stderr line naming it.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <xencall.h>
#include <xenctrl.h>
#include <xenguest.h>

#include "libxl_cpuid/policy/applied-policy.h"
#include "libxl_cpuid/verdict/levelling-report.h"
#include "tests/helpers/shared-data.h"
#include "tests/helpers/xen-sim-run.h"

#define DUMP "GenuineIntel0050654_SkylakeXeon"
#define DOM1_CPUID "host,avx=0"

static xc_interface *xch;
static xentoollog_logger *quiet;
static struct xlc_system_policies *sys;

static int setup(void **state)
{
    struct xlc_sim_opts o = { .cpuid_file = shared_dump(DUMP) };
    xlc_error err = { 0 };

    (void)state;
    quiet = (xentoollog_logger *)xtl_createlogger_stdiostream(
        stderr, XTL_NUM_LEVELS, 0);
    xch = xc_interface_open(quiet, quiet, 0);
    if (!xch || xlc_system_policies_load(&o, &sys, &err))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    xc_interface_close(xch);
    xtl_logger_destroy(quiet);
    xlc_system_policies_free(sys);
    return 0;
}

static void featureset_size_and_values(void **state)
{
    uint32_t nr = 0, fs[XFS_NR_WORDS];

    (void)state;
    assert_int_equal(xc_get_cpu_featureset(xch, 0, &nr, NULL), 0);
    assert_int_equal(nr, XFS_NR_WORDS);
    for (unsigned int i = 0; i < XFS_SYSCTL_cpu_featureset_nr; i++) {
        nr = XFS_NR_WORDS;
        assert_int_equal(xc_get_cpu_featureset(xch, i, &nr, fs), 0);
        assert_int_equal(nr, XFS_NR_WORDS);
        assert_memory_equal(fs, sys->fs.fs[i], sizeof(fs));
    }
}

/* The sysctl itself, with its guest handle pointing where we say. */
static int raw_featureset(uint32_t index, uint32_t *nr, uint32_t *buf)
{
    struct xen_sysctl s = { .cmd = XEN_SYSCTL_get_cpu_featureset };
    int rc;

    s.u.cpu_featureset.index = index;
    s.u.cpu_featureset.nr_features = *nr;
    set_xen_guest_handle_raw(s.u.cpu_featureset.features, buf);
    rc = xc_sysctl(xch, &s);
    *nr = s.u.cpu_featureset.nr_features;
    return rc;
}

static void featureset_short_buffer(void **state)
{
    xencall_handle *h = xc_interface_xcall_handle(xch);
    uint32_t nr = 3, fs[XFS_NR_WORDS], *buf;

    (void)state;
    memset(fs, 0xa5, sizeof(fs));
    errno = 0;
    assert_int_equal(xc_get_cpu_featureset(xch, 1, &nr, fs), -1);
    assert_int_equal(errno, ENOBUFS);
    assert_int_equal(nr, 3);        /* libxenctrl leaves it on failure */
    assert_memory_equal(fs, sys->fs.fs[1], 3 * sizeof(uint32_t));
    assert_int_equal(fs[3], 0xa5a5a5a5);
    /* Raw: Xen writes back how many words it copied. */
    buf = xencall_alloc_buffer(h, 5 * sizeof(uint32_t));
    nr = 5;
    assert_int_equal(raw_featureset(1, &nr, buf), -1);
    assert_int_equal(errno, ENOBUFS);
    assert_int_equal(nr, 5);
    assert_memory_equal(buf, sys->fs.fs[1], 5 * sizeof(uint32_t));
    xencall_free_buffer(h, buf);
}

static void featureset_bad_index_and_faults(void **state)
{
    xencall_handle *h = xc_interface_xcall_handle(xch);
    uint32_t nr = XFS_NR_WORDS, fs[XFS_NR_WORDS], *heap, *small;

    (void)state;
    assert_int_equal(xc_get_cpu_featureset(xch, 6, &nr, fs), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(nr, XFS_NR_WORDS);
    /* Not a hypercall buffer: the copy faults, nothing is written back. */
    heap = calloc(XFS_NR_WORDS, sizeof(*heap));
    assert_int_equal(raw_featureset(0, &nr, heap), -1);
    assert_int_equal(errno, EFAULT);
    assert_int_equal(nr, XFS_NR_WORDS);
    assert_int_equal(heap[0], 0);
    free(heap);
    /* A hypercall buffer shorter than the count given: a fault too. */
    small = xencall_alloc_buffer(h, 2 * sizeof(uint32_t));
    assert_int_equal(raw_featureset(0, &nr, small), -1);
    assert_int_equal(errno, EFAULT);
    xencall_free_buffer(h, small);
}

/* libxenguest's serialisation of p (free with xlc_policy_entries_free). */
static void policy_records(const xc_cpu_policy_t *p,
                           struct xlc_policy_entries *r)
{
    uint32_t nl = XFS_POLICY_MAX_LEAVES, nm = XFS_POLICY_MAX_MSRS;

    assert_int_equal(xlc_policy_entries_alloc(r, nl, nm, NULL), 0);
    assert_int_equal(xc_cpu_policy_serialise(xch, p,
                                             (xen_cpuid_leaf_t *)r->leaves,
                                             &nl, (xen_msr_entry_t *)r->msrs,
                                             &nm), 0);
    r->nr_leaves = nl;
    r->nr_msrs = nm;
}

static void assert_same_policy(const xc_cpu_policy_t *got,
                               const struct xfs_cpu_policy *want)
{
    struct xlc_policy_entries a, b;

    policy_records(got, &a);
    assert_int_equal(xlc_policy_serialise(want, &b, NULL), 0);
    assert_int_equal(a.nr_leaves, b.nr_leaves);
    assert_int_equal(a.nr_msrs, b.nr_msrs);
    assert_memory_equal(a.leaves, b.leaves,
                        a.nr_leaves * sizeof(a.leaves[0]));
    assert_memory_equal(a.msrs, b.msrs, a.nr_msrs * sizeof(a.msrs[0]));
    xlc_policy_entries_free(&a);
    xlc_policy_entries_free(&b);
}

static void system_policies(void **state)
{
    xc_cpu_policy_t *p = xc_cpu_policy_init();
    uint32_t nl = 0, nm = 0;

    (void)state;
    assert_int_equal(xc_cpu_policy_get_size(xch, &nl, &nm), 0);
    assert_int_equal(nl, XFS_POLICY_MAX_LEAVES);
    assert_int_equal(nm, XFS_POLICY_MAX_MSRS);
    for (unsigned int k = 0; k < XFS_SYSCTL_cpu_featureset_nr; k++) {
        assert_int_equal(xc_cpu_policy_get_system(xch, k, p), 0);
        assert_same_policy(p, &sys->pol.p[xlc_policy_order[k]]);
    }
    assert_int_equal(xc_cpu_policy_get_system(xch, 6, p), -1);
    assert_int_equal(errno, EINVAL);
    xc_cpu_policy_destroy(p);
}

static int raw_policy(uint32_t index, uint32_t rsvd, uint32_t *nl,
                      void *leaves, uint32_t *nm, void *msrs)
{
    struct xen_sysctl s = { .cmd = XEN_SYSCTL_get_cpu_policy };
    int rc;

    s.u.cpu_policy.index = index;
    s.u.cpu_policy._rsvd = rsvd;
    s.u.cpu_policy.nr_leaves = *nl;
    s.u.cpu_policy.nr_msrs = *nm;
    set_xen_guest_handle_raw(s.u.cpu_policy.leaves, leaves);
    set_xen_guest_handle_raw(s.u.cpu_policy.msrs, msrs);
    rc = xc_sysctl(xch, &s);
    *nl = s.u.cpu_policy.nr_leaves;
    *nm = s.u.cpu_policy.nr_msrs;
    return rc;
}

static void policy_short_bad_and_faulting(void **state)
{
    xencall_handle *h = xc_interface_xcall_handle(xch);
    struct xlc_policy_entries want;
    xen_cpuid_leaf_t *leaves = xencall_alloc_buffer(h, 5 * sizeof(*leaves));
    xen_msr_entry_t *msrs = xencall_alloc_buffer(h, 2 * sizeof(*msrs));
    uint32_t nl = 5, nm = 2;
    void *heap = calloc(XFS_POLICY_MAX_LEAVES, sizeof(xen_cpuid_leaf_t));

    (void)state;
    assert_int_equal(xlc_policy_serialise(&sys->pol.p[0], &want, NULL), 0);
    /* Five leaves do not hold the raw policy: the first five arrive,
     * the count is not written back (Xen breaks out before). */
    assert_int_equal(raw_policy(0, 0, &nl, leaves, &nm, msrs), -1);
    assert_int_equal(errno, ENOBUFS);
    assert_int_equal(nl, 5);
    assert_memory_equal(leaves, want.leaves, 5 * sizeof(*leaves));
    /* Size queries through NULL handles. */
    nl = nm = 0;
    assert_int_equal(raw_policy(0, 0, &nl, NULL, &nm, NULL), 0);
    assert_int_equal(nl, XFS_POLICY_MAX_LEAVES);
    assert_int_equal(nm, XFS_POLICY_MAX_MSRS);
    /* The reserved field must be zero; the index in range. */
    assert_int_equal(raw_policy(0, 1, &nl, NULL, &nm, NULL), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(raw_policy(6, 0, &nl, NULL, &nm, NULL), -1);
    assert_int_equal(errno, EINVAL);
    /* Heap memory is no guest handle. */
    nl = XFS_POLICY_MAX_LEAVES;
    assert_int_equal(raw_policy(0, 0, &nl, heap, &nm, NULL), -1);
    assert_int_equal(errno, EFAULT);
    free(heap);
    xlc_policy_entries_free(&want);
    xencall_free_buffer(h, leaves);
    xencall_free_buffer(h, msrs);
}

static void interface_version_and_stray_struct(void **state)
{
    xencall_handle *h = xc_interface_xcall_handle(xch);
    struct xen_sysctl *s = xencall_alloc_buffer(h, sizeof(*s)), local;

    (void)state;
    memset(s, 0, sizeof(*s));
    s->cmd = XEN_SYSCTL_get_cpu_levelling_caps;
    s->interface_version = XEN_SYSCTL_INTERFACE_VERSION - 1;
    assert_int_equal(xencall1(h, __HYPERVISOR_sysctl, (uintptr_t)s), -1);
    assert_int_equal(errno, EACCES);
    s->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    assert_int_equal(xencall1(h, __HYPERVISOR_sysctl, (uintptr_t)s), 0);
    /* The struct itself must be in a hypercall buffer. */
    local = *s;
    assert_int_equal(xencall1(h, __HYPERVISOR_sysctl, (uintptr_t)&local), -1);
    assert_int_equal(errno, EFAULT);
    xencall_free_buffer(h, s);
}

static void host_facts(void **state)
{
    struct xlc_cpuid_dump *d = NULL;
    struct xlc_levelling lv;
    xc_physinfo_t pi = { 0 };
    xen_extraversion_t extra;
    uint32_t caps = ~0u;

    (void)state;
    assert_int_equal(xc_get_cpu_levelling_caps(xch, &caps), 0);
    assert_int_equal(xlc_dump_load(shared_dump(DUMP), &d, NULL), 0);
    xlc_levelling_from_dump(d, &lv);
    xlc_dump_free(d);
    assert_int_equal(caps, lv.lv.present);
    assert_int_equal(xc_physinfo(xch, &pi), 0);
    assert_true(pi.capabilities & XEN_SYSCTL_PHYSCAP_pv);
    assert_true(pi.capabilities & XEN_SYSCTL_PHYSCAP_hvm);
    assert_true(pi.capabilities & XEN_SYSCTL_PHYSCAP_hap);
    assert_memory_equal(pi.hw_cap, sys->fs.fs[1], sizeof(pi.hw_cap));
    assert_int_equal(xc_version(xch, XENVER_version, NULL), 0x40011);
    assert_int_equal(xc_version(xch, XENVER_extraversion, &extra), 0);
    assert_string_equal(extra, ".7-sim");
}

static void declared_domains(void **state)
{
    struct xlc_guest_settings g = { .kind = XLC_SETTINGS_XL_CPUID,
                                    .xl_cpuid = DOM1_CPUID };
    xc_cpu_policy_t *p = xc_cpu_policy_init();
    struct xlc_applied_policy *a;
    xc_domaininfo_t info[4];

    (void)state;
    assert_int_equal(xc_domain_getinfolist(xch, 0, 4, info), 3);
    assert_int_equal(info[1].domain, 1);
    assert_false(info[1].flags & XEN_DOMINF_hvm_guest);
    assert_true(info[2].flags & XEN_DOMINF_hvm_guest);
    assert_int_equal(xlc_applied_policy(sys, XLC_GUEST_PV, &g, &a, NULL), 0);
    assert_int_equal(xc_cpu_policy_get_domain(xch, 1, p), 0);
    assert_same_policy(p, &a->policy);
    xlc_applied_policy_free(a);
    assert_int_equal(xc_cpu_policy_get_domain(xch, 9, p), -1);
    assert_int_equal(errno, ESRCH);
    /* A running domain's policy is fixed; dom0 is the caller's own. */
    assert_int_equal(xc_cpu_policy_set_domain(xch, 1, p), -1);
    assert_int_equal(errno, EEXIST);
    assert_int_equal(xc_cpu_policy_set_domain(xch, 0, p), -1);
    assert_int_equal(errno, EINVAL);
    xc_cpu_policy_destroy(p);
}

static int set_leaves(uint32_t dom, const xen_cpuid_leaf_t *l, uint32_t nl,
                      const xen_msr_entry_t *m, uint32_t nm, uint32_t err[3])
{
    return xc_set_domain_cpu_policy(xch, dom, nl, (xen_cpuid_leaf_t *)l, nm,
                                    (xen_msr_entry_t *)m, &err[0], &err[1],
                                    &err[2]);
}

static void set_policy_errors(void **state)
{
    struct xen_domctl_createdomain c = { .flags = 0, .max_vcpus = 1 };
    xen_cpuid_leaf_t *many = calloc(XFS_POLICY_MAX_LEAVES + 1, sizeof(*many));
    xen_cpuid_leaf_t bad_leaf = { 0x20, ~0u, 0, 0, 0, 0 };
    xen_cpuid_leaf_t high_max = { 0, ~0u, 0x1f, 0, 0, 0 };
    xen_msr_entry_t bad_msr = { 0x123, 0, 0 }, flags = { 0xce, 1, 0 };
    xc_cpu_policy_t *p = xc_cpu_policy_init();
    uint32_t dom = 0, e[3];

    (void)state;
    assert_int_equal(xc_domain_create(xch, &dom, &c), 0);
    assert_true(dom > 2);
    assert_int_equal(set_leaves(dom, many, XFS_POLICY_MAX_LEAVES + 1, NULL, 0,
                                e), -1);
    assert_int_equal(errno, E2BIG);
    assert_int_equal(set_leaves(dom, &bad_leaf, 1, NULL, 0, e), -1);
    assert_int_equal(errno, ERANGE);
    assert_int_equal(e[0], 0x20);
    assert_int_equal(e[1], ~0u);
    assert_int_equal(set_leaves(dom, NULL, 0, &bad_msr, 1, e), -1);
    assert_int_equal(errno, ERANGE);
    assert_int_equal(e[2], 0x123);
    assert_int_equal(set_leaves(dom, NULL, 0, &flags, 1, e), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(e[2], 0xce);
    /* A max leaf above the PV max policy's: Xen names leaf 0. */
    assert_int_equal(set_leaves(dom, &high_max, 1, NULL, 0, e), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(e[0], 0);
    /* The default policy sets; once running, no more. */
    assert_int_equal(xc_cpu_policy_get_system(xch, XEN_SYSCTL_cpu_policy_pv_default,
                                              p), 0);
    assert_int_equal(xc_cpu_policy_set_domain(xch, dom, p), 0);
    assert_int_equal(xc_domain_unpause(xch, dom), 0);
    assert_int_equal(xc_cpu_policy_set_domain(xch, dom, p), -1);
    assert_int_equal(errno, EEXIST);
    assert_int_equal(xc_domain_destroy(xch, dom), 0);
    assert_int_equal(xc_cpu_policy_get_domain(xch, dom, p), -1);
    assert_int_equal(errno, ESRCH);
    xc_cpu_policy_destroy(p);
    free(many);
}

/* Run fn with stderr captured; returns what it wrote (malloc'd). */
static char *stderr_of(void (*fn)(void))
{
    char path[] = "/tmp/xen-sim-stderr.XXXXXX", *text;
    int fd = mkstemp(path), saved = dup(2);
    FILE *f;

    assert_true(fd >= 0 && saved >= 0);
    fflush(stderr);
    dup2(fd, 2);
    fn();
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    f = fdopen(fd, "r");
    rewind(f);
    text = calloc(1, 4096);
    assert_non_null(text);
    assert_true(fread(text, 1, 4095, f) < 4095);
    fclose(f);
    unlink(path);
    return text;
}

static int unknown_rc, unknown_errno;

static void call_platform_op(void)
{
    unknown_rc = xencall1(xc_interface_xcall_handle(xch),
                          __HYPERVISOR_platform_op, 0);
    unknown_errno = errno;
}

static void call_unnumbered(void)
{
    unknown_rc = xencall0(xc_interface_xcall_handle(xch), 1000);
    unknown_errno = errno;
}

static void call_readconsole(void)
{
    char buf[64];
    unsigned int n = sizeof(buf);

    unknown_rc = xc_readconsolering(xch, buf, &n, 0, 0, NULL);
    unknown_errno = errno;
}

static void call_gettscinfo(void)
{
    uint32_t mode, khz, inc;
    uint64_t ns;

    unknown_rc = xc_domain_get_tsc_info(xch, 1, &mode, &ns, &khz, &inc);
    unknown_errno = errno;
}

static void expect_enosys(void (*fn)(void), const char *line)
{
    char *text = stderr_of(fn);

    assert_int_equal(unknown_rc, -1);
    assert_int_equal(unknown_errno, ENOSYS);
    assert_string_equal(text, line);
    free(text);
}

static void unknown_calls(void **state)
{
    (void)state;
    expect_enosys(call_platform_op, "xen-sim: hypercall platform_op (7) is "
                  "not simulated: -ENOSYS\n");
    expect_enosys(call_unnumbered, "xen-sim: hypercall unknown (1000) is not "
                  "simulated: -ENOSYS\n");
    expect_enosys(call_readconsole, "xen-sim: sysctl readconsole (1) is not "
                  "simulated: -ENOSYS\n");
    expect_enosys(call_gettscinfo, "xen-sim: domctl gettscinfo (59) is not "
                  "simulated: -ENOSYS\n");
}

int main(int argc, char **argv)
{
    const char *const sim[] = {
        "--cpuid", shared_dump(DUMP), "--domain", "1:pv:cpuid=" DOM1_CPUID,
        "--domain", "2:hvm", NULL,
    };
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(featureset_size_and_values),
        cmocka_unit_test(featureset_short_buffer),
        cmocka_unit_test(featureset_bad_index_and_faults),
        cmocka_unit_test(system_policies),
        cmocka_unit_test(policy_short_bad_and_faulting),
        cmocka_unit_test(interface_version_and_stray_struct),
        cmocka_unit_test(host_facts),
        cmocka_unit_test(declared_domains),
        cmocka_unit_test(set_policy_errors),
        cmocka_unit_test(unknown_calls),
    };

    (void)argc;
    xen_sim_reexec(argv, sim);
    return cmocka_run_group_tests(tests, setup, teardown);
}
