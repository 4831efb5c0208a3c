/* SPDX-License-Identifier: MIT */
/*
 * The featureset handle: the sim backend over every shared dump honours
 * xc_get_cpu_featureset()'s contract, its Raw set is what the dump's text
 * says and the other sets stay inside libxenguest's static masks; auto
 * picks sim on a machine without Xen and says why; the xen backend fails
 * cleanly, printing nothing.
 */
#include <cpuid.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <xenctrl.h>
#include <xenguest.h>

#include "libxl_cpuid/sources/handle.h"
#include "../helpers/shared-data.h"

#define NR_SETS XFS_SYSCTL_cpu_featureset_nr
#define SENTINEL 0x5a5a5a5au

/*
 * One register of a leaf, read straight from a dump's text (either
 * format) without the library's parser.  Returns false when absent.
 */
static bool text_reg(const char *text, uint32_t leaf, uint32_t sub, char reg,
                     uint32_t *v)
{
    char xml_key[64], txt_key[64], attr[8];
    const char *p;

    snprintf(xml_key, sizeof(xml_key), "eax_in='0x%08x' ecx_in='0x%02x'",
             leaf, sub);
    snprintf(txt_key, sizeof(txt_key), "   0x%08x 0x%02x:", leaf, sub);
    p = strstr(text, xml_key);
    if (p) {
        snprintf(attr, sizeof(attr), " e%cx='", reg);
        p = strstr(p, attr);
        return p && sscanf(p + strlen(attr), "%x", v) == 1;
    }
    p = strstr(text, txt_key);
    if (p) {
        snprintf(attr, sizeof(attr), " e%cx=", reg);
        p = strstr(p, attr);
        return p && sscanf(p + strlen(attr), "%x", v) == 1;
    }
    return false;
}

static bool subset(const uint32_t *a, const uint32_t *b, unsigned int nr)
{
    for (unsigned int i = 0; i < nr; i++)
        if (a[i] & ~b[i])
            return false;
    return true;
}

static xlc_handle *open_sim(const char *file, bool no_hap)
{
    struct xlc_open_opts o = { .backend = XLC_BACKEND_SIM,
                               .cpuid_file = file, .no_hap = no_hap };
    xlc_error err = { 0 };
    xlc_handle *h = NULL;

    if (xlc_open(&o, &h, &err))
        fail_msg("%s: %s", file ? file : "live", err.msg);
    assert_int_equal(xlc_backend_in_use(h), XLC_BACKEND_SIM);
    return h;
}

/* xc_get_cpu_featureset()'s contract, for one set. */
static void check_contract(xlc_handle *h, uint32_t idx, uint32_t nr,
                           uint32_t *full)
{
    uint32_t buf[64], n;
    xlc_error err = { 0 };

    /* Equal. */
    n = nr;
    assert_int_equal(xlc_get_featureset(h, idx, &n, full, &err), 0);
    assert_int_equal(n, nr);
    /* Long: only nr words written, the rest untouched. */
    for (unsigned int i = 0; i < 64; i++)
        buf[i] = SENTINEL;
    n = nr + 7;
    assert_int_equal(xlc_get_featureset(h, idx, &n, buf, &err), 0);
    assert_int_equal(n, nr);
    assert_memory_equal(buf, full, nr * sizeof(uint32_t));
    for (unsigned int i = nr; i < nr + 7; i++)
        assert_int_equal(buf[i], SENTINEL);
    /* Short: -ENOBUFS, the copy done, nothing past it written. */
    for (unsigned int i = 0; i < 64; i++)
        buf[i] = SENTINEL;
    n = 3;
    assert_int_equal(xlc_get_featureset(h, idx, &n, buf, &err), -ENOBUFS);
    assert_int_equal(err.code, ENOBUFS);
    assert_int_equal(n, 3);
    assert_memory_equal(buf, full, 3 * sizeof(uint32_t));
    assert_int_equal(buf[3], SENTINEL);
    /* Zero words with a buffer: -ENOBUFS, nothing written. */
    n = 0;
    buf[0] = SENTINEL;
    assert_int_equal(xlc_get_featureset(h, idx, &n, buf, &err), -ENOBUFS);
    assert_int_equal(n, 0);
    assert_int_equal(buf[0], SENTINEL);
}

static void check_sets(const char *path, xlc_handle *h)
{
    const uint32_t *known = xc_get_static_cpu_featuremask(XC_FEATUREMASK_KNOWN);
    uint32_t sets[NR_SETS][32], nr = 0, n, v;
    xlc_error err = { 0 };
    char *text = path ? shared_read(path) : NULL;

    assert_int_equal(xlc_get_featureset_size(h, &nr, &err), 0);
    /* The simulated hypervisor knows what the installed Xen 4.17 knows. */
    assert_int_equal(nr, xc_get_cpu_featureset_size());
    for (uint32_t i = 0; i < NR_SETS; i++)
        check_contract(h, i, nr, sets[i]);
    /* Bad indexes. */
    n = nr;
    assert_int_equal(xlc_get_featureset(h, NR_SETS, &n, sets[0], &err),
                     -EINVAL);
    assert_int_equal(err.code, EINVAL);
    n = nr;
    assert_int_equal(xlc_get_featureset(h, UINT32_MAX, &n, sets[0], &err),
                     -EINVAL);
    /* Raw is the dump's own registers, read here from the text. */
    if (text) {
        if (text_reg(text, 1, 0, 'd', &v))
            assert_int_equal(sets[XFS_SYSCTL_cpu_featureset_raw][0], v);
        if (text_reg(text, 1, 0, 'c', &v))
            assert_int_equal(sets[XFS_SYSCTL_cpu_featureset_raw][1], v);
        if (text_reg(text, 7, 0, 'b', &v))
            assert_int_equal(sets[XFS_SYSCTL_cpu_featureset_raw][5], v);
    }
    /* Host within raw; every derived set within what Xen 4.17 knows. */
    assert_true(subset(sets[XFS_SYSCTL_cpu_featureset_host],
                       sets[XFS_SYSCTL_cpu_featureset_raw], nr));
    for (uint32_t i = XFS_SYSCTL_cpu_featureset_host; i < NR_SETS; i++)
        if (!subset(sets[i], known, nr))
            fail_msg("%s: set %u outside libxenguest's known mask",
                     path ? path : "live", i);
    /* Defaults within maxima. */
    assert_true(subset(sets[XFS_SYSCTL_cpu_featureset_pv],
                       sets[XFS_SYSCTL_cpu_featureset_pv_max], nr));
    assert_true(subset(sets[XFS_SYSCTL_cpu_featureset_hvm],
                       sets[XFS_SYSCTL_cpu_featureset_hvm_max], nr));
    free(text);
}

static void sim_over_dump(void *ctx, const char *path, const char *file)
{
    xlc_handle *h;

    (void)ctx;
    (void)file;
    h = open_sim(path, false);
    assert_non_null(strstr(xlc_backend_description(h), path));
    check_sets(path, h);
    xlc_close(h);
    h = open_sim(path, true);
    assert_non_null(strstr(xlc_backend_description(h), "no HAP"));
    check_sets(path, h);
    xlc_close(h);
}

static void sim_over_shared_dumps(void **state)
{
    char path[8192];

    (void)state;
    assert_int_equal(shared_each_dump(sim_over_dump, NULL), 40);
    snprintf(path, sizeof(path), "%s/cpuid/live/this-machine-cpuid-r.txt",
             shared_dir());
    {
        xlc_handle *h = open_sim(path, false);

        check_sets(path, h);
        xlc_close(h);
    }
}

static void sim_over_live_cpu(void **state)
{
    xlc_handle *h = open_sim(NULL, false);
    uint32_t raw[32], n = 32;
    unsigned int a, b, c, d;
    xlc_error err = { 0 };

    (void)state;
    assert_non_null(strstr(xlc_backend_description(h), "live CPU"));
    check_sets(NULL, h);
    assert_int_equal(xlc_get_featureset(h, XFS_SYSCTL_cpu_featureset_raw, &n,
                                        raw, &err), 0);
    __cpuid(1, a, b, c, d);
    assert_int_equal(raw[0], d);
    assert_int_equal(raw[1], c);
    xlc_close(h);
}

/* Run fn with stderr captured; returns what was written there. */
static char *capture_stderr(int (*fn)(void *), void *arg, int *rc)
{
    char tmpl[] = "/tmp/test_handle_stderr.XXXXXX";
    int fd = mkstemp(tmpl), saved = dup(2);
    char *out;

    assert_true(fd >= 0 && saved >= 0);
    fflush(stderr);
    dup2(fd, 2);
    *rc = fn(arg);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    close(fd);
    out = shared_read(tmpl);
    unlink(tmpl);
    return out;
}

static bool xen_present(void)
{
    return !access("/dev/xen/privcmd", F_OK) ||
           !access("/proc/xen/privcmd", F_OK);
}

struct open_call {
    struct xlc_open_opts o;
    xlc_handle *h;
    xlc_error err;
};

static int do_open(void *arg)
{
    struct open_call *c = arg;

    return xlc_open(&c->o, &c->h, &c->err);
}

static void xen_backend_fails_cleanly(void **state)
{
    struct open_call c = { .o = { .backend = XLC_BACKEND_XEN } };
    char *printed;
    int rc;

    (void)state;
    if (xen_present())
        skip();
    printed = capture_stderr(do_open, &c, &rc);
    assert_int_equal(rc, -ENODEV);
    assert_int_equal(c.err.code, ENODEV);
    assert_null(c.h);
    assert_non_null(strstr(c.err.msg, "backend xen: not running on Xen"));
    assert_non_null(strstr(c.err.msg, "/dev/xen/privcmd"));
    assert_non_null(strstr(c.err.msg, "cannot open the Xen control "
                                      "interface"));
    /* libxenctrl's own complaint is in the message, not on stderr. */
    assert_string_equal(printed, "");
    free(printed);
}

static void auto_picks_sim_here(void **state)
{
    struct open_call c = { .o = { .backend = XLC_BACKEND_AUTO } };
    const char *desc;
    char *printed;
    int rc;

    (void)state;
    if (xen_present())
        skip();
    printed = capture_stderr(do_open, &c, &rc);
    if (rc)
        fail_msg("%s", c.err.msg);
    assert_string_equal(printed, "");
    assert_int_equal(xlc_backend_in_use(c.h), XLC_BACKEND_SIM);
    desc = xlc_backend_description(c.h);
    assert_non_null(strstr(desc, "sim: live CPU"));
    assert_non_null(strstr(desc, "auto: no Xen here"));
    assert_non_null(strstr(desc, "/dev/xen/privcmd"));
    xlc_close(c.h);
    free(printed);
}

static void option_errors(void **state)
{
    struct xlc_open_opts o = { .backend = XLC_BACKEND_XEN,
                               .cpuid_file = "x.xml" };
    xlc_error err = { 0 };
    xlc_handle *h = NULL;
    char path[4096];

    (void)state;
    /* Simulation options with the real backend. */
    assert_int_equal(xlc_open(&o, &h, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "only apply to the sim backend"));
    /* A bad boot cpuid token is named, with its offset. */
    snprintf(path, sizeof(path),
             "%s/cpuid/instlatx64/GenuineIntel00306F2_HaswellEP.xml",
             shared_dir());
    o = (struct xlc_open_opts){ .backend = XLC_BACKEND_SIM,
                                .cpuid_file = path,
                                .boot_cpuid = "no-avx2,no-bogus" };
    assert_int_equal(xlc_open(&o, &h, &err), -EINVAL);
    assert_null(h);
    assert_non_null(strstr(err.msg, "'no-bogus'"));
    assert_non_null(strstr(err.msg, "offset 8"));
    /* Missing and broken dumps. */
    o.boot_cpuid = NULL;
    o.cpuid_file = "/nonexistent/dump.xml";
    assert_int_equal(xlc_open(&o, &h, &err), -ENOENT);
    assert_non_null(strstr(err.msg, "/nonexistent/dump.xml"));
    o.backend = XLC_BACKEND_AUTO;   /* --cpuid implies sim */
    snprintf(path, sizeof(path), "%s/cpuid/README.md", shared_dir());
    o.cpuid_file = path;
    assert_int_equal(xlc_open(&o, &h, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "unrecognised format"));
}

/* --boot-cpuid removes the feature from host and every guest set. */
static void boot_cpuid_clears(void **state)
{
    char path[4096];
    struct xlc_open_opts o = { .backend = XLC_BACKEND_AUTO,
                               .cpuid_file = path,
                               .boot_cpuid = "no-avx2" };
    uint32_t fs[32], n;
    xlc_error err = { 0 };
    xlc_handle *h;

    (void)state;
    snprintf(path, sizeof(path),
             "%s/cpuid/instlatx64/GenuineIntel00306F2_HaswellEP.xml",
             shared_dir());
    if (xlc_open(&o, &h, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(xlc_backend_in_use(h), XLC_BACKEND_SIM);
    assert_non_null(strstr(xlc_backend_description(h), "cpuid=no-avx2"));
    n = 32;
    assert_int_equal(xlc_get_featureset(h, XFS_SYSCTL_cpu_featureset_raw, &n,
                                        fs, &err), 0);
    assert_true(fs[XFS_AVX2 / 32] & (1u << (XFS_AVX2 % 32)));
    for (uint32_t i = XFS_SYSCTL_cpu_featureset_host; i < NR_SETS; i++) {
        n = 32;
        assert_int_equal(xlc_get_featureset(h, i, &n, fs, &err), 0);
        assert_false(fs[XFS_AVX2 / 32] & (1u << (XFS_AVX2 % 32)));
    }
    xlc_close(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sim_over_shared_dumps),
        cmocka_unit_test(sim_over_live_cpu),
        cmocka_unit_test(xen_backend_fails_cleanly),
        cmocka_unit_test(auto_picks_sim_here),
        cmocka_unit_test(option_errors),
        cmocka_unit_test(boot_cpuid_clears),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
