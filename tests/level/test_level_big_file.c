/* SPDX-License-Identifier: MIT */
/*
 * The bench's 100,000-host file: its 1,000 capabilities-like hosts
 * (bench/gen-libvirt-cpus.py writes them), a hundred times over.  Read
 * through the file reader -- parts on every CPU, helper threads, hosts
 * handed over in file order and added to a pool one at a time, counted
 * eight at a time -- every host is the one its element gives read on its
 * own, and the pool's counts and level are those the thousand distinct
 * hosts give: each count a hundred times theirs, the same sets.
 */
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

#include "libxl_cpuid/cpumap/libvirt-cpumap.h"
#include "libxl_cpuid/level/level-input.h"
#include "libxl_cpuid/level/level.h"
#include "libxl_cpuid/libvirt/libvirt-cpu.h"
#include "libxl_cpuid/util/strbuf.h"
#include "tests/helpers/shared-data.h"

#define NW XFS_NR_WORDS
#define DISTINCT 1000
#define TIMES 100

struct host_sets {
    uint32_t fs[NW], def[NW];
};

struct big {
    struct host_sets one[DISTINCT];  /* each element read on its own */
    xlc_pool *pool;                  /* the file's hosts, one at a time */
    size_t seen;
};

/* Each "<cpu>" .. "</cpu>\n" element of text read on its own. */
static void read_each(const struct xlc_cpu_map *map, const char *text,
                      struct host_sets *one)
{
    const char *p = text;

    for (size_t i = 0; i < DISTINCT; i++) {
        const char *end = strstr(p, "</cpu>\n");
        struct xlc_level_host h;
        struct xlc_lv_cpu *cpu;
        xlc_error err;

        assert_non_null(end);
        end += strlen("</cpu>\n");
        if (xlc_lv_cpu_parse("one", p, (size_t)(end - p), &cpu, &err) ||
            xlc_level_host_from_lv_cpu(map, cpu, XLC_GUEST_PV, &h, &err))
            fail_msg("host %zu: %s", i, err.msg);
        memcpy(one[i].fs, h.fs, sizeof(h.fs));
        memcpy(one[i].def, h.def, sizeof(h.def));
        xlc_lv_cpu_free(cpu);
        p = end;
    }
}

static int take(void *ctx, size_t index, const struct xlc_level_host *h,
                xlc_error *err)
{
    struct big *b = ctx;
    const struct host_sets *want = &b->one[index % DISTINCT];

    if (index != b->seen++ || memcmp(h->fs, want->fs, sizeof(h->fs)) ||
        memcmp(h->def, want->def, sizeof(h->def)))
        return xlc_fail(err, EINVAL, "host %zu: not its element's", index);
    return xlc_pool_add_host(b->pool, NULL, h->fs, h->def, NW, &h->props,
                             NULL, err);
}

/* The file: the thousand hosts, a hundred times over. */
static char *write_times(const char *text)
{
    static char path[] = "/tmp/test_lv_big_XXXXXX";
    size_t len = strlen(text);
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

    assert_non_null(f);
    for (int k = 0; k < TIMES; k++)
        assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    return path;
}

static void big_file_levels_as_its_hosts(void **state)
{
    struct big *b = calloc(1, sizeof(*b));
    struct xlc_level big_level, few_level;
    struct xlc_cpu_map *map;
    char *text = shared_bench_hosts("caps", DISTINCT), *path;
    xlc_pool *few;
    xlc_error err;
    size_t n;

    (void)state;
    assert_non_null(b);
    if (!text) {
        free(b);
        skip();
    }
    if (xlc_cpu_map_load(NULL, &map, &err))
        fail_msg("%s", err.msg);
    read_each(map, text, b->one);
    path = write_times(text);
    assert_int_equal(xlc_pool_new(XLC_GUEST_PV, &b->pool, &err), 0);
    if (xlc_level_hosts_each_libvirt(path, map, XLC_GUEST_PV, take, b, &n,
                                     &err))
        fail_msg("%s", err.msg);
    unlink(path);
    assert_int_equal(n, (size_t)DISTINCT * TIMES);
    assert_int_equal(xlc_pool_nr_hosts(b->pool), (size_t)DISTINCT * TIMES);

    /* The thousand, once each. */
    assert_int_equal(xlc_pool_new(XLC_GUEST_PV, &few, &err), 0);
    for (size_t i = 0; i < DISTINCT; i++)
        assert_int_equal(xlc_pool_add_host(few, NULL, b->one[i].fs,
                                           b->one[i].def, NW, NULL, NULL,
                                           &err), 0);
    for (unsigned int bit = 0; bit < NW * 32; bit++)
        assert_int_equal(xlc_pool_count(b->pool, bit),
                         TIMES * xlc_pool_count(few, bit));
    assert_int_equal(xlc_pool_level(b->pool, &big_level, &err), 0);
    assert_int_equal(xlc_pool_level(few, &few_level, &err), 0);
    assert_memory_equal(&big_level.sets, &few_level.sets,
                        sizeof(big_level.sets));
    assert_memory_equal(&big_level.def_sets, &few_level.def_sets,
                        sizeof(big_level.def_sets));
    assert_memory_equal(big_level.every, few_level.every,
                        sizeof(big_level.every));
    assert_memory_equal(big_level.any, few_level.any, sizeof(big_level.any));
    assert_memory_equal(big_level.every_def, few_level.every_def,
                        sizeof(big_level.every_def));
    assert_memory_equal(big_level.lost, few_level.lost,
                        sizeof(big_level.lost));
    xlc_pool_free(few);
    xlc_pool_free(b->pool);
    xlc_cpu_map_free(map);
    free(text);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(big_file_levels_as_its_hosts),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
