/* SPDX-License-Identifier: MIT */
/*
 * Every real CPU's dump is read: a CPU that enumerates a leaf with
 * subleaves this project does not model (Intel Panther Lake reports leaf
 * 0x28 with subleaves 0 and 6) is read in both dump formats, the leaf is
 * kept as data, and nothing derived from the dump changes because of it.
 * Exact repeats are accepted; the same leaf and subleaf twice with
 * different values is refused in both formats, naming the file and both
 * lines, by the library and by the tool (exit 2).
 *
 * The inputs are built from a real dump (Lunar Lake, the nearest shared
 * relative) with leaf 0x28 added as a Panther Lake reports it
 * (InstLatx64 GenuineIntel00C06C3_PantherLakeL_01: 0x28:0 ebx=0x40 -- a
 * resource bitmap, as in leaf 0x10 -- and 0x28:6 eax=3), and the max
 * leaf raised to 0x28 as that CPU's is.
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

#include "../helpers/shared-data.h"
#include "../helpers/tool-run.h"
#include "libxl_cpuid/policy/cpu-policy.h"
#include "libxl_cpuid/sources/cpuid-dump.h"

#define BASE "GenuineIntel00B06D1_LunarLake_04"

static const struct xfs_cpuid_leaf leaf28[] = {
    { 0x28, 0, 0x00000000, 0x00000040, 0, 0 },
    { 0x28, 6, 0x00000003, 0, 0, 0 },
};

struct text {
    char *s;
    size_t len, cap;
    unsigned long lines;
};

static void put(struct text *t, const char *fmt, ...)
{
    va_list ap;
    int n;

    for (;;) {
        va_start(ap, fmt);
        n = vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
        va_end(ap);
        assert_true(n >= 0);
        if ((size_t)n < t->cap - t->len)
            break;
        t->cap = t->cap * 2 + (size_t)n + 256;
        t->s = realloc(t->s, t->cap);
        assert_non_null(t->s);
    }
    t->len += (size_t)n;
    for (const char *p = t->s + t->len - n; *p; p++)
        t->lines += *p == '\n';
}

enum fmt { XML, CPUID_R };

/* One entry in the format; returns the line it was written on. */
static unsigned long put_leaf(struct text *t, enum fmt f,
                              const struct xfs_cpuid_leaf *l)
{
    unsigned long line = t->lines + 1;

    if (f == XML)
        put(t, "  <cpuid eax_in='0x%08x' ecx_in='0x%02x' eax='0x%08x' "
               "ebx='0x%08x' ecx='0x%08x' edx='0x%08x'/>\n",
            l->leaf, l->subleaf, l->a, l->b, l->c, l->d);
    else
        put(t, "   0x%08x 0x%02x: eax=0x%08x ebx=0x%08x ecx=0x%08x "
               "edx=0x%08x\n",
            l->leaf, l->subleaf, l->a, l->b, l->c, l->d);
    return line;
}

/*
 * The base dump with leaf 0x28 added, in format f.  With `repeat`, every
 * entry is written twice (the second time after all the others); with
 * `conflict`, the repeat of leaf 0x28:6 differs in edx, and *first /
 * *second get the lines of the two 0x28:6 entries.
 */
static char *build(const struct xlc_cpuid_dump *base, enum fmt f,
                   bool repeat, bool conflict, unsigned long *first,
                   unsigned long *second)
{
    struct text t = { 0 };
    size_t n = base->nr_leaves;

    put(&t, f == XML ? "<cpudata arch='x86'>\n" : "CPU 0:\n");
    for (int pass = 0; pass < (repeat ? 2 : 1); pass++) {
        for (size_t i = 0; i < n + 2; i++) {
            struct xfs_cpuid_leaf l = i < n ? base->leaves[i]
                                            : leaf28[i - n];
            unsigned long at;

            if (l.leaf == 0 && l.subleaf == 0)
                l.a = 0x28;
            if (pass && conflict && l.leaf == 0x28 && l.subleaf == 6)
                l.d ^= 1;
            at = put_leaf(&t, f, &l);
            if (l.leaf == 0x28 && l.subleaf == 6) {
                if (pass && second)
                    *second = at;
                else if (!pass && first)
                    *first = at;
            }
        }
    }
    if (f == XML)
        put(&t, "</cpudata>\n");
    return t.s;
}

static struct xlc_cpuid_dump *load_base(void)
{
    struct xlc_cpuid_dump *d;
    xlc_error err = { 0 };

    if (xlc_dump_load(shared_dump(BASE), &d, &err))
        fail_msg("%s", err.msg);
    return d;
}

static struct xlc_cpuid_dump *parse_ok(const char *name, const char *text)
{
    struct xlc_cpuid_dump *d;
    xlc_error err = { 0 };

    if (xlc_dump_parse(name, text, strlen(text), &d, &err))
        fail_msg("%s: %s", name, err.msg);
    return d;
}

static void assert_same_leaves(const struct xlc_cpuid_dump *a,
                               const struct xlc_cpuid_dump *b)
{
    assert_int_equal(a->nr_leaves, b->nr_leaves);
    assert_memory_equal(a->leaves, b->leaves,
                        a->nr_leaves * sizeof(*a->leaves));
}

/* Both formats read, leaf 0x28 kept as data and served by the reader. */
static void new_leaf_read_in_both_formats(void **state)
{
    struct xlc_cpuid_dump *base = load_base(), *dx, *dt;
    struct xfs_cpuid_reader rd;
    struct xfs_cpuid_regs r;
    char *xml = build(base, XML, false, false, NULL, NULL);
    char *txt = build(base, CPUID_R, false, false, NULL, NULL);

    (void)state;
    dx = parse_ok("ptl.xml", xml);
    dt = parse_ok("ptl.txt", txt);
    assert_int_equal(dx->nr_leaves, base->nr_leaves + 2);
    assert_same_leaves(dx, dt);
    xlc_dump_reader(dt, &rd);
    rd.cpuid(rd.ctx, 0x28, 0, &r);
    assert_int_equal(r.b, 0x40);
    rd.cpuid(rd.ctx, 0x28, 6, &r);
    assert_int_equal(r.a, 3);
    /* Subleaves the CPU did not report are not made up. */
    rd.cpuid(rd.ctx, 0x28, 1, &r);
    assert_true(!r.a && !r.b && !r.c && !r.d);
    rd.cpuid(rd.ctx, 0, 0, &r);
    assert_int_equal(r.a, 0x28);
    free(xml);
    free(txt);
    xlc_dump_free(dx);
    xlc_dump_free(dt);
    xlc_dump_free(base);
}

/*
 * The leaf changes nothing Xen derives: the six featuresets are those of
 * the base dump (the raised max leaf only lists leaves Xen does not keep).
 */
static void new_leaf_changes_no_featureset(void **state)
{
    struct xlc_cpuid_dump *base = load_base(), *d;
    struct xlc_system_policies *a, *b;
    struct xfs_hv_options o;
    xlc_error err = { 0 };
    char *xml = build(base, XML, false, false, NULL, NULL);

    (void)state;
    d = parse_ok("ptl.xml", xml);
    xfs_hv_options_default(&o);
    assert_int_equal(xlc_system_policies_from_dump(base, &o, &a, &err), 0);
    assert_int_equal(xlc_system_policies_from_dump(d, &o, &b, &err), 0);
    assert_memory_equal(a->fs.fs, b->fs.fs, sizeof(a->fs.fs));
    assert_int_equal(a->fs.hvm_usable, b->fs.hvm_usable);
    assert_int_equal(b->fs.info.max_basic, 0x28);
    assert_memory_equal(a->pol.present, b->pol.present,
                        sizeof(a->pol.present));
    xlc_system_policies_free(a);
    xlc_system_policies_free(b);
    free(xml);
    xlc_dump_free(d);
    xlc_dump_free(base);
}

/* Every entry given twice with the same values: the same dump. */
static void exact_repeats_accepted(void **state)
{
    struct xlc_cpuid_dump *base = load_base(), *once, *twice;
    enum fmt fmts[] = { XML, CPUID_R };

    (void)state;
    for (size_t i = 0; i < 2; i++) {
        char *a = build(base, fmts[i], false, false, NULL, NULL);
        char *b = build(base, fmts[i], true, false, NULL, NULL);

        once = parse_ok("once", a);
        twice = parse_ok("twice", b);
        assert_same_leaves(once, twice);
        xlc_dump_free(once);
        xlc_dump_free(twice);
        free(a);
        free(b);
    }
    xlc_dump_free(base);
}

/* A conflicting repeat: refused, with the file and both lines. */
static void conflicts_refused_with_lines(void **state)
{
    struct xlc_cpuid_dump *base = load_base();
    const char *names[] = { "ptl.xml", "ptl.txt" };
    enum fmt fmts[] = { XML, CPUID_R };

    (void)state;
    for (size_t i = 0; i < 2; i++) {
        struct xlc_cpuid_dump *d = (void *)1;
        unsigned long first = 0, second = 0;
        char *text = build(base, fmts[i], true, true, &first, &second);
        char want[160];
        xlc_error err = { 0 };

        assert_int_equal(xlc_dump_parse(names[i], text, strlen(text), &d,
                                        &err),
                         -EINVAL);
        assert_null(d);
        snprintf(want, sizeof(want),
                 "%s:%lu: leaf 0x00000028 subleaf 0x6 given twice with "
                 "different values (first at line %lu:",
                 names[i], second, first);
        if (!strstr(err.msg, want))
            fail_msg("'%s' lacks '%s'", err.msg, want);
        assert_non_null(strstr(err.msg, "00000003:00000000:00000000:00000000"
                                        ", here 00000003:00000000:00000000:"
                                        "00000001"));
        free(text);
    }
    xlc_dump_free(base);
}

static char *write_temp(const char *text, const char *suffix)
{
    char *path = malloc(64);
    FILE *f;
    int fd;

    snprintf(path, 64, "/tmp/xfs-ptl-XXXXXX%s", suffix);
    fd = mkstemps(path, (int)strlen(suffix));
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
    return path;
}

/* The tool: both formats load and level; a conflict is exit 2. */
static void tool_reads_and_refuses(void **state)
{
    struct xlc_cpuid_dump *base = load_base();
    char *xml = build(base, XML, false, false, NULL, NULL);
    char *txt = build(base, CPUID_R, true, false, NULL, NULL);
    char *bad = build(base, CPUID_R, true, true, NULL, NULL);
    char *px = write_temp(xml, ".xml"), *pt = write_temp(txt, ".txt");
    char *pb = write_temp(bad, ".txt");
    char *out, *err, args[512];

    (void)state;
    snprintf(args, sizeof(args), "level --type hvm a=%s b=%s", px, pt);
    assert_int_equal(tool_run(args, &out, &err), 0);
    assert_non_null(strstr(out, "pool: 2 hosts"));
    free(out);
    free(err);
    snprintf(args, sizeof(args), "-p --cpuid %s", pb);
    assert_int_equal(tool_run(args, &out, &err), 2);
    assert_non_null(strstr(err, pb));
    assert_non_null(strstr(err, "leaf 0x00000028 subleaf 0x6 given twice"));
    free(out);
    free(err);
    unlink(px);
    unlink(pt);
    unlink(pb);
    free(px);
    free(pt);
    free(pb);
    free(xml);
    free(txt);
    free(bad);
    xlc_dump_free(base);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(new_leaf_read_in_both_formats),
        cmocka_unit_test(new_leaf_changes_no_featureset),
        cmocka_unit_test(exact_repeats_accepted),
        cmocka_unit_test(conflicts_refused_with_lines),
        cmocka_unit_test(tool_reads_and_refuses),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
