/* SPDX-License-Identifier: MIT */
/*
 * util/parts.h: work split over the CPUs.  A helper started on another
 * CPU runs its function once, with its argument, and then may run on
 * every CPU the process may (the placement only chooses where it starts);
 * with one CPU allowed it still runs; nudging it, before or after it
 * starts, changes none of that; every part of a split runs once.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "libxl_cpuid/util/parts.h"

struct seen {
    int arg;
    int runs;
    int have_mask;
    cpu_set_t mask;   /* the thread's own, read from inside it */
};

static void *note(void *p)
{
    struct seen *s = p;

    s->runs++;
    s->have_mask = !pthread_getaffinity_np(pthread_self(), sizeof(s->mask),
                                           &s->mask);
    return &s->arg;
}

/* Start, join, and check what the helper saw against `allowed`. */
static void start_and_check(size_t k, const cpu_set_t *allowed)
{
    struct seen s = { .arg = (int)k };
    struct xlc_helper h;
    void *ret = NULL;

    assert_int_equal(xlc_helper_start(&h, note, &s, k), 0);
    assert_int_equal(pthread_join(h.tid, &ret), 0);
    assert_ptr_equal(ret, &s.arg);
    assert_int_equal(s.runs, 1);
    assert_true(atomic_load(&h.running));
    assert_true(s.have_mask);
    assert_true(CPU_EQUAL(&s.mask, allowed));
}

/* Nudged at once (maybe before it runs) and again after: it runs once,
 * with its argument, and was started somewhere else than it is told. */
static void test_nudge(void **state)
{
    (void)state;
    for (size_t k = 0; k < 8; k++) {
        struct seen s = { .arg = (int)k };
        struct xlc_helper h;
        void *ret = NULL;

        assert_int_equal(xlc_helper_start(&h, note, &s, k), 0);
        xlc_helper_nudge(&h);
        xlc_helper_nudge(&h);
        assert_int_equal(pthread_join(h.tid, &ret), 0);
        xlc_helper_nudge(&h);
        assert_ptr_equal(ret, &s.arg);
        assert_int_equal(s.runs, 1);
        assert_true(k || h.cpu == -1);
    }
}

static void test_thread_start(void **state)
{
    cpu_set_t allowed;

    (void)state;
    assert_int_equal(sched_getaffinity(0, sizeof(allowed), &allowed), 0);
    /* k past the number of CPUs goes round; 0 asks for no placement. */
    for (size_t k = 0; k < 2 * (size_t)CPU_COUNT(&allowed) + 3; k++)
        start_and_check(k, &allowed);
}

/* Only this thread's CPU allowed: no other CPU to start on. */
static void test_thread_start_one_cpu(void **state)
{
    cpu_set_t all, one;
    int here = sched_getcpu();

    (void)state;
    assert_true(here >= 0);
    assert_int_equal(sched_getaffinity(0, sizeof(all), &all), 0);
    CPU_ZERO(&one);
    CPU_SET(here, &one);
    assert_int_equal(sched_setaffinity(0, sizeof(one), &one), 0);
    start_and_check(1, &one);
    start_and_check(5, &one);
    assert_int_equal(sched_setaffinity(0, sizeof(all), &all), 0);
}

static void *count_part(void *p)
{
    ((struct seen *)p)->runs++;
    return NULL;
}

static void test_run_parts(void **state)
{
    struct seen parts[XLC_PARTS_MAX + 2];

    (void)state;
    for (size_t n = 0; n <= XLC_PARTS_MAX + 2; n++) {
        memset(parts, 0, sizeof(parts));
        xlc_run_parts(count_part, parts, sizeof(parts[0]), n);
        /* At most XLC_PARTS_MAX of them, each once. */
        for (size_t k = 0; k < XLC_PARTS_MAX + 2; k++)
            assert_int_equal(parts[k].runs,
                             k < n && k < XLC_PARTS_MAX ? 1 : 0);
    }
}

static void test_parts_count(void **state)
{
    long online = sysconf(_SC_NPROCESSORS_ONLN);

    (void)state;
    /* Asked once, then remembered: the same answer each time. */
    assert_int_equal(xlc_cpus(), online > 1 ? (size_t)online : 1);
    assert_int_equal(xlc_cpus(), online > 1 ? (size_t)online : 1);
    assert_int_equal(xlc_parts(0, 100), 1);
    assert_int_equal(xlc_parts(99, 100), 1);
    assert_int_equal(xlc_parts(1000000, 0) <= XLC_PARTS_MAX, 1);
    for (size_t count = 0; count < 5000; count += 37) {
        size_t p = xlc_parts(count, 256);

        assert_true(p >= 1 && p <= XLC_PARTS_MAX);
        assert_true(p == 1 || count / p >= 256);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_thread_start),
        cmocka_unit_test(test_thread_start_one_cpu),
        cmocka_unit_test(test_nudge),
        cmocka_unit_test(test_run_parts),
        cmocka_unit_test(test_parts_count),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
