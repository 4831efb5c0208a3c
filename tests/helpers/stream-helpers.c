/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libxl_cpuid/sources/cpuid-dump.h"
#include "stream-helpers.h"
#include "xen/lib/cpu-policy-limits.h"

int xen_verify_stream(const void *buf, size_t len, char *out, size_t size)
{
    return xen_verify_stream_as(buf, len, "libxc", out, size);
}

int xen_verify_stream_as(const void *buf, size_t len, const char *format,
                         char *out, size_t size)
{
    char path[] = "/tmp/xfs-stream-XXXXXX";
    int fd = mkstemp(path), pipefd[2], status;
    size_t used = 0;
    ssize_t n;
    pid_t pid;

    out[0] = '\0';
    if (fd < 0)
        return -1;
    if (write(fd, buf, len) != (ssize_t)len || close(fd) || pipe(pipefd)) {
        unlink(path);
        return -1;
    }
    pid = fork();
    if (pid == 0) {
        dup2(pipefd[1], 1);
        dup2(pipefd[1], 2);
        close(pipefd[0]);
        setenv("PYTHONPATH", XEN_PYTHONPATH, 1);
        execl("/usr/bin/python3", "python3", XEN_VERIFY_STREAM, "-v", "-f",
              format, "-i", path, (char *)NULL);
        _exit(127);
    }
    close(pipefd[1]);
    while ((n = read(pipefd[0], out + used, size - 1 - used)) > 0)
        used += (size_t)n;
    out[used] = '\0';
    close(pipefd[0]);
    unlink(path);
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status) == 127 ? -1 : WEXITSTATUS(status);
}

const char *shared_dump_dir(void)
{
    static char dir[4096];
    const char *s = getenv("XFS_DATA");

    if (!s) {
        fprintf(stderr, "XFS_DATA is not set\n");
        return NULL;
    }
    snprintf(dir, sizeof(dir), "%s/cpuid/instlatx64", s);
    return dir;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **list_dumps(const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char **names = NULL;

    *n = 0;
    if (!d)
        return NULL;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        char **grown;

        if (l < 5 || strcmp(de->d_name + l - 4, ".xml"))
            continue;
        grown = realloc(names, (*n + 1) * sizeof(*names));
        if (!grown)
            break;
        names = grown;
        names[(*n)++] = strdup(de->d_name);
    }
    closedir(d);
    if (names)
        qsort(names, *n, sizeof(*names), cmp_names);
    return names;
}

void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static int seen(const struct xlc_policy_entries *e, uint32_t l, uint32_t s)
{
    for (size_t i = 0; i < e->nr_leaves; i++)
        if (e->leaves[i].leaf == l && e->leaves[i].subleaf == s)
            return 1;
    return 0;
}

int dump_policy_entries(const char *path, struct xlc_policy_entries *e)
{
    struct xlc_cpuid_dump *d;
    xlc_error err;

    memset(e, 0, sizeof(*e));
    if (xlc_dump_load(path, &d, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    e->leaves = calloc(XFS_CPUID_MAX_SERIALISED_LEAVES, sizeof(*e->leaves));
    for (size_t i = 0; e->leaves && i < d->nr_leaves; i++) {
        struct xfs_cpuid_leaf l = d->leaves[i];

        /* The dump keeps subleaf 0 for leaves that take none. */
        if (!xfs_policy_leaf_in_range(l.leaf, l.subleaf))
            l.subleaf = XFS_CPUID_NO_SUBLEAF;
        if (!xfs_policy_leaf_in_range(l.leaf, l.subleaf) ||
            seen(e, l.leaf, l.subleaf) ||
            e->nr_leaves == XFS_CPUID_MAX_SERIALISED_LEAVES)
            continue;
        e->leaves[e->nr_leaves++] = l;
    }
    xlc_dump_free(d);
    return e->leaves ? 0 : -1;
}

void sb_bytes(struct sbuild *s, const void *p, size_t n)
{
    if (s->len + n > s->cap) {
        size_t cap = (s->len + n) * 2 + 64;
        uint8_t *b = realloc(s->b, cap);

        if (!b)
            abort();
        s->b = b;
        s->cap = cap;
    }
    if (n) /* an empty body may come as NULL */
        memcpy(s->b + s->len, p, n);
    s->len += n;
}

void sb_le32(struct sbuild *s, uint32_t v)
{
    uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
                     (uint8_t)(v >> 24) };

    sb_bytes(s, b, 4);
}

void sb_le64(struct sbuild *s, uint64_t v)
{
    sb_le32(s, (uint32_t)v);
    sb_le32(s, (uint32_t)(v >> 32));
}

static void sb_be32(struct sbuild *s, uint32_t v)
{
    uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
                     (uint8_t)(v >> 8), (uint8_t)v };

    sb_bytes(s, b, 4);
}

void sb_ihdr(struct sbuild *s, uint32_t version, uint16_t options)
{
    uint8_t opt[2] = { (uint8_t)(options >> 8), (uint8_t)options };

    sb_be32(s, 0xffffffffu);
    sb_be32(s, 0xffffffffu);
    sb_be32(s, 0x58454e46u);
    sb_be32(s, version);
    sb_bytes(s, opt, 2);
    sb_bytes(s, "\0\0\0\0\0\0", 6);
}

void sb_dhdr(struct sbuild *s, uint32_t type, uint16_t page_shift)
{
    uint8_t b[4] = { (uint8_t)page_shift, (uint8_t)(page_shift >> 8), 0, 0 };

    sb_le32(s, type);
    sb_bytes(s, b, 4);
    sb_le32(s, 4);
    sb_le32(s, 17);
}

void sb_rec(struct sbuild *s, uint32_t type, const void *body, uint32_t len)
{
    static const uint8_t zero[8];

    sb_le32(s, type);
    sb_le32(s, len);
    if (len)
        sb_bytes(s, body, len);
    sb_bytes(s, zero, (8 - len % 8) % 8);
}

void sb_cpuid_rec(struct sbuild *s, const struct xfs_cpuid_leaf *l, size_t n)
{
    struct sbuild body = { 0 };

    for (size_t i = 0; i < n; i++) {
        sb_le32(&body, l[i].leaf);
        sb_le32(&body, l[i].subleaf);
        sb_le32(&body, l[i].a);
        sb_le32(&body, l[i].b);
        sb_le32(&body, l[i].c);
        sb_le32(&body, l[i].d);
    }
    sb_rec(s, XFS_STREAM_REC_X86_CPUID_POLICY, body.b, (uint32_t)body.len);
    sb_free(&body);
}

void sb_msr_rec(struct sbuild *s, const struct xfs_msr_entry *m, size_t n)
{
    struct sbuild body = { 0 };

    for (size_t i = 0; i < n; i++) {
        sb_le32(&body, m[i].idx);
        sb_le32(&body, m[i].flags);
        sb_le64(&body, m[i].val);
    }
    sb_rec(s, XFS_STREAM_REC_X86_MSR_POLICY, body.b, (uint32_t)body.len);
    sb_free(&body);
}

void sb_free(struct sbuild *s)
{
    free(s->b);
    memset(s, 0, sizeof(*s));
}

void sample_policy(struct xlc_policy_entries *e)
{
    static const struct xfs_cpuid_leaf leaves[] = {
        { 0x0, XFS_CPUID_NO_SUBLEAF, 0xd, 0x756e6547, 0x6c65746e, 0x49656e69 },
        { 0x1, XFS_CPUID_NO_SUBLEAF, 0x000906ea, 0x00100800, 0x77fafbff,
          0x0fabfbff },
        { 0x7, 0, 0, 0x009c6fbb, 0x40000000, 0xbc000400 },
        { 0xd, 0, 0x1f, 0x440, 0x440, 0 },
        { 0x80000000, XFS_CPUID_NO_SUBLEAF, 0x80000008, 0, 0, 0 },
        { 0x80000001, XFS_CPUID_NO_SUBLEAF, 0, 0, 0x121, 0x2c100800 },
    };
    static const struct xfs_msr_entry msrs[] = {
        { XFS_MSR_INTEL_PLATFORM_INFO, 0, 0x80000000ull },
        { XFS_MSR_ARCH_CAPABILITIES_IDX, 0, 0x8000000000000001ull },
    };

    e->nr_leaves = sizeof(leaves) / sizeof(leaves[0]);
    e->nr_msrs = sizeof(msrs) / sizeof(msrs[0]);
    e->leaves = malloc(sizeof(leaves));
    e->msrs = malloc(sizeof(msrs));
    if (!e->leaves || !e->msrs)
        abort();
    memcpy(e->leaves, leaves, sizeof(leaves));
    memcpy(e->msrs, msrs, sizeof(msrs));
}

void sb_head(struct sbuild *s)
{
    sb_ihdr(s, 3, 0);
    sb_dhdr(s, XFS_STREAM_DOM_X86_HVM, 12);
}

void sb_sample_records(struct sbuild *s)
{
    struct xlc_policy_entries e;

    sample_policy(&e);
    sb_cpuid_rec(s, e.leaves, e.nr_leaves);
    sb_msr_rec(s, e.msrs, e.nr_msrs);
    xlc_policy_entries_free(&e);
}

void sb_tail(struct sbuild *s)
{
    sb_rec(s, XFS_STREAM_REC_STATIC_DATA_END, NULL, 0);
    sb_rec(s, XFS_STREAM_REC_END, NULL, 0);
}
