/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "shared-data.h"

const char *shared_dir(void)
{
    const char *s = getenv("XFS_DATA");

    return s && *s ? s : "tests/data";
}

const char *shared_dump(const char *name)
{
    static char path[PATH_MAX];

    snprintf(path, sizeof(path), "%s/cpuid/instlatx64/%s.xml", shared_dir(),
             name);
    return path;
}

char *shared_read(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (!f)
        fail_msg("cannot open %s: %s", path, strerror(errno));
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

char *shared_bench_hosts(const char *shape, size_t n)
{
    char cmd[8192], out[] = "/tmp/test_bench_hosts_XXXXXX";
    int fd = mkstemp(out);
    char *text;

    assert_true(fd >= 0);
    close(fd);
    snprintf(cmd, sizeof(cmd),
             "python3 bench/gen-libvirt-cpus.py '%s' "
             "/usr/share/libvirt/cpu_map '%s' %zu %s 2>/dev/null",
             shared_dir(), out, n, shape);
    if (access("bench/gen-libvirt-cpus.py", R_OK) || system(cmd)) {
        unlink(out);
        return NULL;
    }
    text = shared_read(out);
    unlink(out);
    return text;
}

#define MSR_FILES 4

static char msr_paths[MSR_FILES][64];

static void remove_msr_files(void)
{
    for (unsigned int i = 0; i < MSR_FILES; i++)
        if (msr_paths[i][0])
            unlink(msr_paths[i]);
}

const char *shared_dump_with_msrs(const char *name, const char *msrs)
{
    static unsigned int next;
    char *xml = shared_read(shared_dump(name)), *end = strstr(xml,
                                                              "</cpudata>");
    char *path = msr_paths[next % MSR_FILES];
    FILE *f;

    if (!next)
        atexit(remove_msr_files);
    assert_non_null(end);
    snprintf(path, sizeof(msr_paths[0]), "/tmp/xfs-msrs-%ld-%u.xml",
             (long)getpid(), next % MSR_FILES);
    next++;
    f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "%.*s%s\n%s", (int)(end - xml), xml, msrs, end);
    assert_int_equal(fclose(f), 0);
    free(xml);
    return path;
}

unsigned int shared_each_dump(void (*fn)(void *ctx, const char *path,
                                         const char *file),
                              void *ctx)
{
    char dir[4096], path[8192];
    unsigned int files = 0;
    struct dirent *e;
    DIR *dh;

    snprintf(dir, sizeof(dir), "%s/cpuid/instlatx64", shared_dir());
    dh = opendir(dir);
    if (!dh)
        fail_msg("cannot open %s (set XFS_DATA): %s", dir, strerror(errno));
    while ((e = readdir(dh))) {
        if (!strstr(e->d_name, ".xml"))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        fn(ctx, path, e->d_name);
        files++;
    }
    closedir(dh);
    return files;
}
