/* SPDX-License-Identifier: MIT */
/*
 * Where the time of levelling a file of libvirt host <cpu> elements goes,
 * per host: the library's own calls, each phase on top of the one before.
 *
 *   libvirt-phases FILE REPEATS [CPU_MAP_DIR]
 *
 *   parse   the streaming XML read of every <cpu> (xlc_lv_cpu_each_fd,
 *           one thread, the whole file): libxml2 and the <cpu> reader
 *   map     + names through the cpu_map and Xen's derivation per host
 *           (xlc_level_hosts_each_libvirt, as `level` reads a file: on
 *           every CPU), hosts dropped
 *   level   + the hosts into a level report and the report computed
 *           (what `level` does before it prints)
 * The cpu_map is loaded once, outside the timings.  Prints one line:
 *   hosts parse_ms map_ms level_ms  (medians of REPEATS)
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "libxl_cpuid/level/level-report.h"
#include "libxl_cpuid/libvirt/libvirt-cpu.h"
#include "libxl_cpuid/cpumap/libvirt-cpumap.h"

static double now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static void die(const char *what, const xlc_error *err)
{
    fprintf(stderr, "libvirt-phases: %s: %s\n", what, err->msg);
    exit(2);
}

static int count_cpu(void *ctx, const struct xlc_lv_cpu *cpu, xlc_error *err)
{
    (void)cpu, (void)err;
    (*(size_t *)ctx)++;
    return 0;
}

static int drop_host(void *ctx, size_t index, const struct xlc_level_host *h,
                     xlc_error *err)
{
    (void)ctx, (void)index, (void)h, (void)err;
    return 0;
}

struct into {
    struct xlc_level_report *rep;
};

static int add_host(void *ctx, size_t index, const struct xlc_level_host *h,
                    xlc_error *err)
{
    struct into *in = ctx;
    char name[64];

    snprintf(name, sizeof(name), "h#%zu", index + 1);
    return xlc_level_report_add_host(in->rep, name, "file", h, err);
}

static double parse_once(const char *path, size_t *n)
{
    struct stat st;
    xlc_error err;
    double t0;
    int fd = open(path, O_RDONLY);

    if (fd < 0 || fstat(fd, &st)) {
        perror(path);
        exit(2);
    }
    *n = 0;
    t0 = now_ms();
    if (xlc_lv_cpu_each_fd(path, fd, 0, (uint64_t)st.st_size, 1, count_cpu,
                           n, NULL, NULL, &err))
        die("parse", &err);
    t0 = now_ms() - t0;
    close(fd);
    return t0;
}

static double map_once(const char *path, const struct xlc_cpu_map *map)
{
    xlc_error err;
    double t0 = now_ms();

    if (xlc_level_hosts_each_libvirt(path, map, XLC_GUEST_PV, drop_host,
                                     NULL, NULL, &err))
        die("map", &err);
    return now_ms() - t0;
}

static double level_once(const char *path, const struct xlc_cpu_map *map)
{
    struct xlc_level_options o = { .map = map };
    struct into in;
    xlc_error err;
    double t0 = now_ms();

    if (xlc_level_report_new(XLC_GUEST_PV, &in.rep, &err) ||
        xlc_level_hosts_each_libvirt(path, map, XLC_GUEST_PV, add_host, &in,
                                     NULL, &err) ||
        xlc_level_report_compute(in.rep, &o, &err))
        die("level", &err);
    t0 = now_ms() - t0;
    xlc_level_report_free(in.rep);
    return t0;
}

int main(int argc, char **argv)
{
    struct xlc_cpu_map *map;
    size_t reps, hosts = 0;
    double *t[3];
    xlc_error err;

    if (argc < 3) {
        fprintf(stderr, "usage: libvirt-phases FILE REPEATS [CPU_MAP]\n");
        return 1;
    }
    reps = strtoul(argv[2], NULL, 10);
    if (!reps)
        reps = 1;
    if (xlc_cpu_map_load(argc > 3 ? argv[3] : NULL, &map, &err))
        die("cpu_map", &err);
    for (int k = 0; k < 3; k++)
        t[k] = calloc(reps, sizeof(double));
    /* One of each first: page cache, libxml2's set-up. */
    parse_once(argv[1], &hosts);
    for (size_t r = 0; r < reps; r++) {
        t[0][r] = parse_once(argv[1], &hosts);
        t[1][r] = map_once(argv[1], map);
        t[2][r] = level_once(argv[1], map);
    }
    for (int k = 0; k < 3; k++)
        qsort(t[k], reps, sizeof(double), cmp);
    printf("%zu %.3f %.3f %.3f\n", hosts, t[0][reps / 2], t[1][reps / 2],
           t[2][reps / 2]);
    xlc_cpu_map_free(map);
    return 0;
}
