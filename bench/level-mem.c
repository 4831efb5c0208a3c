/* SPDX-License-Identifier: MIT */
/*
 * Levelling N hosts held in memory as featuresets.
 *
 *   level-mem SHARED_DIR N REPEATS attach|copy|single
 *
 * The featuresets are the shared dumps' derived PV guest sets (the input a
 * pool levels), round robin, each with firmware/microcode-style bits
 * cleared at random (fixed seed).  Each repeat times building a pool from
 * them and asking for its level:
 *   attach  xlc_pool_attach_many (the pool points into the array)
 *   copy    xlc_pool_add_many (the pool copies them)
 *   single  one xlc_pool_add per host, unnamed
 * Prints: N mode median_ms min_ms ns_per_host peak_rss_kb input_kb
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "libxl_cpuid/level/level-input.h"
#include "libxl_cpuid/level/level.h"

#define NW XFS_NR_WORDS

static const unsigned int toggled[] = {
    XFS_VMX, XFS_X2APIC, XFS_AESNI, XFS_RDRAND, XFS_HLE, XFS_RTM, XFS_MPX,
    XFS_MD_CLEAR, XFS_IBRSB, XFS_STIBP, XFS_SSBD, XFS_SVM,
};

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static double now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static size_t load_bases(const char *shared, uint32_t (**bases)[NW])
{
    char dir[4096], path[8192];
    struct dirent *e;
    size_t n = 0;
    DIR *d;

    snprintf(dir, sizeof(dir), "%s/cpuid/instlatx64", shared);
    d = opendir(dir);
    if (!d) {
        perror(dir);
        exit(2);
    }
    *bases = NULL;
    while ((e = readdir(d))) {
        struct xlc_level_host h;
        xlc_error err;

        if (!strstr(e->d_name, ".xml"))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        if (xlc_level_host_from_dump(path, XLC_GUEST_PV, &h, &err)) {
            fprintf(stderr, "%s\n", err.msg);
            exit(2);
        }
        *bases = realloc(*bases, (n + 1) * sizeof(**bases));
        memcpy((*bases)[n++], h.fs, sizeof(h.fs));
    }
    closedir(d);
    return n;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* One pool built and levelled; returns the milliseconds it took. */
static double one_run(const uint32_t *fs, size_t n, const char *mode)
{
    struct xlc_level l;
    xlc_pool *p;
    xlc_error err;
    double t0 = now_ms(), t;
    int rc;

    rc = xlc_pool_new(XLC_GUEST_PV, &p, &err);
    if (!rc && !strcmp(mode, "attach"))
        rc = xlc_pool_attach_many(p, fs, NW, n, NULL, &err);
    else if (!rc && !strcmp(mode, "copy"))
        rc = xlc_pool_add_many(p, fs, NW, NW, n, NULL, &err);
    else
        for (size_t i = 0; !rc && i < n; i++)
            rc = xlc_pool_add(p, NULL, fs + i * NW, NW, NULL, NULL, &err);
    if (!rc)
        rc = xlc_pool_level(p, &l, &err);
    t = now_ms() - t0;
    if (rc) {
        fprintf(stderr, "level-mem: %s\n", err.msg);
        exit(5);
    }
    xlc_pool_free(p);
    return t;
}

int main(int argc, char **argv)
{
    uint32_t (*bases)[NW], *fs;
    size_t nb, n, reps;
    uint64_t seed = 20261121;
    double *ms;
    struct rusage ru;

    if (argc != 5) {
        fprintf(stderr, "usage: level-mem SHARED N REPEATS attach|copy|"
                        "single\n");
        return 1;
    }
    n = strtoull(argv[2], NULL, 10);
    reps = strtoull(argv[3], NULL, 10);
    nb = load_bases(argv[1], &bases);
    fs = malloc(n * NW * sizeof(*fs));
    ms = calloc(reps, sizeof(*ms));
    if (!fs || !ms || !nb)
        return 5;
    for (size_t i = 0; i < n; i++) {
        uint32_t *h = fs + i * NW;

        memcpy(h, bases[i % nb], NW * sizeof(*h));
        for (size_t k = 0; k < sizeof(toggled) / sizeof(toggled[0]); k++)
            if (rnd(&seed) % 8 == 0)
                xfs_clear(h, NW, toggled[k]);
    }
    for (size_t r = 0; r < reps; r++)
        ms[r] = one_run(fs, n, argv[4]);
    qsort(ms, reps, sizeof(*ms), cmp);
    getrusage(RUSAGE_SELF, &ru);
    printf("%zu %s %.3f %.3f %.1f %ld %zu\n", n, argv[4], ms[reps / 2], ms[0],
           ms[reps / 2] * 1e6 / (double)n, ru.ru_maxrss,
           n * NW * sizeof(*fs) / 1024);
    free(fs);
    free(ms);
    free(bases);
    return 0;
}
