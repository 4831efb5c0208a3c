/* SPDX-License-Identifier: MIT */
#include "policy-oracle.h"

#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <xenctrl.h>
#include <xenguest.h>

_Static_assert(sizeof(struct xfs_cpuid_leaf) == sizeof(xen_cpuid_leaf_t),
               "leaf layout");
_Static_assert(sizeof(struct xfs_msr_entry) == sizeof(xen_msr_entry_t),
               "MSR layout");

static void write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len) {
        ssize_t n = write(fd, p, len);

        if (n <= 0)
            _exit(3);
        p += n;
        len -= (size_t)n;
    }
}

static bool read_all(int fd, void *buf, size_t len)
{
    char *p = buf;

    while (len) {
        ssize_t n = read(fd, p, len);

        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

/*
 * In the child: a crash must end the child, not reach cmocka's signal
 * handlers (which would carry on running the test suite in the child),
 * and nothing it prints belongs in the test output.
 */
static void quiet_child(void)
{
    static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
    int fd;

    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        signal(sigs[i], SIG_DFL);
    fd = open("/dev/null", O_WRONLY);

    if (fd >= 0) {
        dup2(fd, STDERR_FILENO);
        dup2(fd, STDOUT_FILENO);
        close(fd);
    }
}

/*
 * libxenguest reports failures through the xc handle.  A dummy one (no
 * hypervisor needed) lets it report them instead of dereferencing NULL, so
 * a refusal is an answer, not a crash (which memcheck would flag, with the
 * child's memory lost).  Its messages go to stderr, /dev/null here.
 */
#define NO_XCH 6

static xc_interface *child_xch(void)
{
    xc_interface *xch = xc_interface_open(NULL, NULL, XC_OPENFLAG_DUMMY);

    if (!xch)
        _exit(NO_XCH);
    return xch;
}

/*
 * Leave the child with everything freed: under valgrind a leak would turn
 * the exit status into --error-exitcode and change the answer.
 */
static void child_exit(int code, xc_interface *xch, xc_cpu_policy_t *a,
                       xc_cpu_policy_t *b)
{
    xc_cpu_policy_destroy(a);
    xc_cpu_policy_destroy(b);
    xc_interface_close(xch);
    _exit(code);
}

/* What a child sends back: libxenguest's serialisation, in fixed room. */
struct xen_records {
    struct xfs_cpuid_leaf leaves[XFS_POLICY_MAX_LEAVES];
    uint32_t nr_leaves;
    struct xfs_msr_entry msrs[XFS_POLICY_MAX_MSRS];
    uint32_t nr_msrs;
};

static void roundtrip_child(int fd, const struct xfs_cpuid_leaf *leaves,
                            uint32_t nr, const struct xfs_msr_entry *msrs,
                            uint32_t nr_msrs)
{
    static struct xen_records out;
    xc_cpu_policy_t *p = xc_cpu_policy_init();
    xc_interface *xch;

    quiet_child();
    xch = child_xch();
    if (!p)
        child_exit(4, xch, p, NULL);
    if (xc_cpu_policy_update_cpuid(xch, p, (const xen_cpuid_leaf_t *)leaves,
                                   nr) ||
        xc_cpu_policy_update_msrs(xch, p, (const xen_msr_entry_t *)msrs,
                                  nr_msrs))
        child_exit(1, xch, p, NULL);
    out.nr_leaves = XFS_POLICY_MAX_LEAVES;
    out.nr_msrs = XFS_POLICY_MAX_MSRS;
    if (xc_cpu_policy_serialise(xch, p, (xen_cpuid_leaf_t *)out.leaves,
                                &out.nr_leaves, (xen_msr_entry_t *)out.msrs,
                                &out.nr_msrs))
        child_exit(2, xch, p, NULL);
    write_all(fd, &out, sizeof(out));
    child_exit(0, xch, p, NULL);
}

/* Run fn in a child; returns its exit status, or -1 if it crashed. */
static int run_child(void (*fn)(int fd, void *ctx), void *ctx, void *reply,
                     size_t reply_len, bool *got_reply)
{
    int fds[2], status;
    pid_t pid;

    assert_int_equal(pipe(fds), 0);
    fflush(NULL);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        fn(fds[1], ctx);
        _exit(5);
    }
    close(fds[1]);
    *got_reply = reply_len && read_all(fds[0], reply, reply_len);
    close(fds[0]);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

struct rt_ctx {
    const struct xfs_cpuid_leaf *leaves;
    uint32_t nr;
    const struct xfs_msr_entry *msrs;
    uint32_t nr_msrs;
};

static void rt_fn(int fd, void *ctx)
{
    struct rt_ctx *c = ctx;

    roundtrip_child(fd, c->leaves, c->nr, c->msrs, c->nr_msrs);
}

void xt_xen_roundtrip(const struct xfs_cpuid_leaf *leaves, uint32_t nr,
                      const struct xfs_msr_entry *msrs, uint32_t nr_msrs,
                      struct xt_xen_result *res)
{
    struct rt_ctx c = { leaves, nr, msrs, nr_msrs };
    struct xen_records *out = malloc(sizeof(*out));
    bool got;
    int st;

    assert_non_null(out);
    st = run_child(rt_fn, &c, out, sizeof(*out), &got);
    memset(&res->out, 0, sizeof(res->out));
    res->accepted = st == 0 && got;
    if (st == NO_XCH)
        fail_msg("cannot open a dummy libxenctrl handle");
    if (st == 2)
        fail_msg("libxenguest accepted the leaves but could not serialise");
    if (res->accepted) {
        assert_int_equal(xlc_policy_entries_alloc(&res->out, out->nr_leaves,
                                                  out->nr_msrs, NULL), 0);
        memcpy(res->out.leaves, out->leaves,
               out->nr_leaves * sizeof(*out->leaves));
        memcpy(res->out.msrs, out->msrs, out->nr_msrs * sizeof(*out->msrs));
    }
    free(out);
}

struct compat_ctx {
    const struct xlc_policy_entries *host, *guest;
};

static void compat_fn(int fd, void *ctx)
{
    struct compat_ctx *c = ctx;
    xc_cpu_policy_t *h = xc_cpu_policy_init(), *g = xc_cpu_policy_init();
    xc_interface *xch;
    char answer;

    (void)fd;
    quiet_child();
    xch = child_xch();
    if (!h || !g ||
        xc_cpu_policy_update_cpuid(xch, h,
                                   (const xen_cpuid_leaf_t *)c->host->leaves,
                                   c->host->nr_leaves) ||
        xc_cpu_policy_update_msrs(xch, h,
                                  (const xen_msr_entry_t *)c->host->msrs,
                                  c->host->nr_msrs) ||
        xc_cpu_policy_update_cpuid(xch, g,
                                   (const xen_cpuid_leaf_t *)c->guest->leaves,
                                   c->guest->nr_leaves) ||
        xc_cpu_policy_update_msrs(xch, g,
                                  (const xen_msr_entry_t *)c->guest->msrs,
                                  c->guest->nr_msrs))
        child_exit(4, xch, h, g);
    answer = xc_cpu_policy_is_compatible(xch, h, g) ? 'y' : 'n';
    write_all(fd, &answer, 1);
    child_exit(0, xch, h, g);
}

bool xt_xen_compatible(const struct xlc_policy_entries *host,
                       const struct xlc_policy_entries *guest)
{
    struct compat_ctx c = { host, guest };
    char answer = 0;
    bool got;
    int st = run_child(compat_fn, &c, &answer, 1, &got);

    if (st == NO_XCH)
        fail_msg("cannot open a dummy libxenctrl handle");
    if (st == 4)
        fail_msg("libxenguest refused one of the policies outright");
    return st == 0 && got && answer == 'y';
}

void xt_serialise(const struct xfs_cpu_policy *p,
                  struct xlc_policy_entries *out)
{
    xlc_error err = { 0 };

    xlc_policy_entries_free(out);
    if (xlc_policy_serialise(p, out, &err))
        fail_msg("serialising a policy: %s", err.msg);
}

static const char *shared(void)
{
    const char *s = getenv("XFS_DATA");

    return s && *s ? s : "tests/data";
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **xt_dump_paths(size_t *nr)
{
    char dir[4096];
    char **paths = NULL;
    struct dirent *e;
    DIR *d;

    snprintf(dir, sizeof(dir), "%s/cpuid/instlatx64", shared());
    d = opendir(dir);
    if (!d)
        fail_msg("cannot open %s (set XFS_DATA)", dir);
    *nr = 0;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);

        if (len < 5 || strcmp(e->d_name + len - 4, ".xml"))
            continue;
        paths = realloc(paths, (*nr + 1) * sizeof(*paths));
        assert_non_null(paths);
        paths[*nr] = malloc(strlen(dir) + len + 2);
        assert_non_null(paths[*nr]);
        sprintf(paths[*nr], "%s/%s", dir, e->d_name);
        (*nr)++;
    }
    closedir(d);
    qsort(paths, *nr, sizeof(*paths), cmp_str);
    return paths;
}

void xt_free_paths(char **paths, size_t nr)
{
    for (size_t i = 0; i < nr; i++)
        free(paths[i]);
    free(paths);
}

const char *xt_live_dump_path(void)
{
    static char path[4096];

    snprintf(path, sizeof(path), "%s/cpuid/live/this-machine-cpuid-r.txt",
             shared());
    return path;
}

struct xlc_system_policies *xt_system_from_file(const char *path)
{
    struct xlc_sim_opts o = { path, false, NULL };
    struct xlc_system_policies *s = NULL;
    xlc_error err = { 0 };

    if (xlc_system_policies_load(&o, &s, &err))
        fail_msg("%s: %s", path, err.msg);
    return s;
}

const char *xt_basename(const char *path)
{
    static char name[256];
    const char *slash = strrchr(path, '/');
    char *dot;

    snprintf(name, sizeof(name), "%s", slash ? slash + 1 : path);
    dot = strrchr(name, '.');
    if (dot)
        *dot = '\0';
    return name;
}

int xt_pool_load(struct xt_pool *p)
{
    p->paths = xt_dump_paths(&p->n);
    p->sys = calloc(p->n ? p->n : 1, sizeof(*p->sys));
    for (size_t i = 0; p->sys && i < p->n; i++)
        p->sys[i] = xt_system_from_file(p->paths[i]);
    return p->sys && p->n >= 40 ? 0 : -1;
}

void xt_pool_free(struct xt_pool *p)
{
    for (size_t i = 0; p->sys && i < p->n; i++)
        xlc_system_policies_free(p->sys[i]);
    free(p->sys);
    xt_free_paths(p->paths, p->n);
    memset(p, 0, sizeof(*p));
}

size_t xt_pool_index(const struct xt_pool *p, const char *name)
{
    for (size_t i = 0; i < p->n; i++)
        if (!strcmp(xt_basename(p->paths[i]), name))
            return i;
    fail_msg("no shared dump %s", name);
    return 0;
}

void xt_stream_of(uint32_t type, const struct xfs_cpu_policy *p,
                  struct xlc_stream_info *info)
{
    struct xlc_policy_entries e = { 0 };
    xlc_error err = { 0 };
    uint8_t *buf;
    size_t len;

    if ((p && xlc_policy_serialise(p, &e, &err)) ||
        xlc_stream_write_standalone(type, &e, &buf, &len, &err) ||
        xlc_stream_parse(buf, len, info, &err))
        fail_msg("%s", err.msg);
    free(buf);
    xlc_policy_entries_free(&e);
}
