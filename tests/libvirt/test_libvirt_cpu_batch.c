/* SPDX-License-Identifier: MIT */
/*
 * Host <cpu> elements as `virsh capabilities` prints them (with <arch>,
 * <microcode>, <signature>, <counter>, <pages>, <maxphysaddr>), and files
 * of many <cpu> elements read with one parse: the batch reader must give
 * exactly what parsing each element on its own gives, on 1,000 elements
 * built from the shared dumps' host-model output, on the bench's
 * generated file, and when its cut into parts lands somewhere wrong.
 */
#include <dirent.h>
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

#include "libxl_cpuid/level/level-input.h"
#include "libxl_cpuid/libvirt/libvirt-cpu.h"
#include "libxl_cpuid/libvirt/libvirt-translate.h"
#include "libxl_cpuid/util/strbuf.h"
#include "../helpers/shared-data.h"

#define W XFS_NR_WORDS

static struct xlc_cpu_map *map;

static int setup(void **state)
{
    xlc_error err;

    (void)state;
    if (xlc_cpu_map_load(NULL, &map, &err))
        fail_msg("%s", err.msg);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    xlc_cpu_map_free(map);
    return 0;
}

static char *write_temp(const char *text)
{
    static char path[64];
    int fd;
    FILE *f;

    snprintf(path, sizeof(path), "/tmp/test_lv_batch_XXXXXX");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

/* A host <cpu> the way `virsh capabilities` prints one. */
static const char host_cpu[] =
    "<cpu>\n"
    "  <arch>x86_64</arch>\n"
    "  <model>Haswell-noTSX</model>\n"
    "  <vendor>Intel</vendor>\n"
    "  <microcode version='240'/>\n"
    "  <signature family='6' model='60' stepping='3'/>\n"
    "  <counter name='tsc' frequency='3392144000' scaling='no'/>\n"
    "  <topology sockets='1' dies='1' cores='4' threads='2'/>\n"
    "  <maxphysaddr mode='emulate' bits='39'/>\n"
    "  <feature name='vme'/>\n"
    "  <feature name='ss'/>\n"
    "  <feature name='pdcm'/>\n"
    "  <pages unit='KiB' size='4'/>\n"
    "  <pages unit='KiB' size='2048'/>\n"
    "  <pages unit='KiB' size='1048576'/>\n"
    "</cpu>\n";

/* The same host without anything a guest <cpu> lacks. */
static const char guest_cpu[] =
    "<cpu>\n"
    "  <model>Haswell-noTSX</model>\n"
    "  <vendor>Intel</vendor>\n"
    "  <feature name='vme'/>\n"
    "  <feature name='ss'/>\n"
    "  <feature name='pdcm'/>\n"
    "</cpu>\n";

static struct xlc_lv_cpu *parse_ok(const char *xml)
{
    struct xlc_lv_cpu *cpu = NULL;
    xlc_error err = { 0 };

    if (xlc_lv_cpu_parse("t.xml", xml, strlen(xml), &cpu, &err))
        fail_msg("parse failed: %s\n%s", err.msg, xml);
    return cpu;
}

static void host_elements_recorded(void **state)
{
    static const char *const notes[] = {
        "<microcode> (line 5)", "<signature> (line 6)",
        "<counter> (line 7)",   "<maxphysaddr> (line 9)",
        "<pages> (line 13)",    "<pages> (line 14)",
        "<pages> (line 15)",
    };
    struct xlc_lv_cpu *cpu = parse_ok(host_cpu), *plain = parse_ok(guest_cpu);
    struct xlc_level_host h, hp;
    xlc_error err;

    (void)state;
    assert_string_equal(cpu->arch, "x86_64");
    assert_int_equal(cpu->arch_line, 2);
    assert_int_equal(cpu->nr_features, 3);
    assert_int_equal(cpu->features[2].line, 12);
    assert_true(cpu->topology.present);
    assert_int_equal(cpu->nr_ignored, 7);
    for (size_t i = 0; i < 7; i++)
        assert_string_equal(cpu->ignored[i], notes[i]);
    /* The host details change nothing: same featureset and vendor. */
    if (xlc_level_host_from_lv_cpu(map, cpu, XLC_GUEST_PV, &h, &err) ||
        xlc_level_host_from_lv_cpu(map, plain, XLC_GUEST_PV, &hp, &err))
        fail_msg("%s", err.msg);
    assert_memory_equal(h.fs, hp.fs, sizeof(h.fs));
    assert_memory_equal(h.props.vendor, hp.props.vendor,
                        sizeof(h.props.vendor));
    /* The host's features go through Xen's derivation: a listed feature
     * a PV guest may have (ss) is in the max set, one no guest sees
     * (pdcm) is not. */
    assert_true(xfs_test(h.fs, W, XFS_SS));
    assert_false(xfs_test(h.fs, W, XFS_PDCM));
    xlc_lv_cpu_free(cpu);
    xlc_lv_cpu_free(plain);
}

static void bad(const char *xml, const char *want)
{
    struct xlc_lv_cpu *cpu = NULL;
    xlc_error err = { 0 };

    assert_int_equal(xlc_lv_cpu_parse("t.xml", xml, strlen(xml), &cpu, &err),
                     -EINVAL);
    if (!strstr(err.msg, want))
        fail_msg("error '%s' lacks '%s'", err.msg, want);
}

static void host_elements_checked(void **state)
{
    struct xlc_lv_cpu *cpu;
    struct xlc_level_host h;
    xlc_error err;

    (void)state;
    bad("<cpu><arch>x86_64</arch>\n<arch>i686</arch></cpu>",
        "t.xml:2: <cpu> has a second <arch>");
    bad("<cpu><arch/></cpu>", "<arch> is empty");
    bad("<cpu><arch a='1'>x86_64</arch></cpu>", "unknown attribute a");
    bad("<cpu>\n<microcode version='1'>2</microcode></cpu>",
        "t.xml:2: <microcode> must be empty");
    bad("<cpu><pages unit='KiB' size='4'><x/></pages></cpu>",
        "<x> is not expected in <pages>");
    /* Another architecture's host has no x86 featureset: refused. */
    cpu = parse_ok("<cpu>\n<arch>aarch64</arch><model>Haswell</model></cpu>");
    assert_int_equal(
        xlc_level_host_from_lv_cpu(map, cpu, XLC_GUEST_HVM, &h, &err),
        -EINVAL);
    assert_non_null(strstr(err.msg, "t.xml:2: <arch>aarch64</arch>"));
    xlc_lv_cpu_free(cpu);
}

/* ---- batch against per element ---- */

struct elements {
    char **xml;             /* each element's own text */
    long *line;             /* its first line in the joined file */
    size_t n;
    struct xlc_buf all;     /* the file */
};

static void add_element(struct elements *e, const char *xml, long *line)
{
    e->xml = realloc(e->xml, (e->n + 1) * sizeof(*e->xml));
    e->line = realloc(e->line, (e->n + 1) * sizeof(*e->line));
    assert_non_null(e->xml);
    assert_non_null(e->line);
    e->xml[e->n] = strdup(xml);
    e->line[e->n++] = *line;
    xlc_buf_puts(&e->all, xml);
    for (const char *p = xml; *p; p++)
        *line += *p == '\n';
}

static void free_elements(struct elements *e)
{
    for (size_t i = 0; i < e->n; i++)
        free(e->xml[i]);
    free(e->xml);
    free(e->line);
    xlc_buf_free(&e->all);
}

struct check {
    const struct elements *e;
    size_t next;
};

static void same_cpu(const struct xlc_lv_cpu *a, const struct xlc_lv_cpu *b,
                     long shift)
{
    assert_int_equal(a->mode, b->mode);
    assert_int_equal(a->match, b->match);
    assert_int_equal(a->line, b->line + shift);
    assert_true(!a->model == !b->model);
    if (a->model)
        assert_string_equal(a->model, b->model);
    assert_true(!a->vendor == !b->vendor);
    if (a->vendor)
        assert_string_equal(a->vendor, b->vendor);
    assert_true(!a->arch == !b->arch);
    if (a->arch)
        assert_string_equal(a->arch, b->arch);
    assert_int_equal(a->nr_features, b->nr_features);
    for (size_t i = 0; i < a->nr_features; i++) {
        assert_string_equal(a->features[i].name, b->features[i].name);
        assert_int_equal(a->features[i].policy, b->features[i].policy);
        assert_int_equal(a->features[i].line, b->features[i].line + shift);
    }
    assert_int_equal(a->nr_ignored, b->nr_ignored);
}

static int check_one(void *ctx, const struct xlc_lv_cpu *cpu, xlc_error *err)
{
    struct check *c = ctx;
    const struct elements *e = c->e;
    struct xlc_lv_cpu *alone = parse_ok(e->xml[c->next]);
    char want[128];

    (void)err;
    assert_true(c->next < e->n);
    snprintf(want, sizeof(want), "f.xml (<cpu> at line %ld)",
             e->line[c->next]);
    assert_string_equal(cpu->source, want);
    same_cpu(cpu, alone, e->line[c->next] - 1);
    xlc_lv_cpu_free(alone);
    c->next++;
    return 0;
}

/* One parse of the file against a parse of each element. */
static void reader_agrees(const struct elements *e)
{
    struct check c = { e, 0 };
    xlc_error err;
    size_t count;

    if (xlc_lv_cpu_each("f.xml", e->all.s, e->all.len, 1, check_one, &c,
                        &count, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(count, e->n);
    assert_int_equal(c.next, e->n);
}

/* The pool hosts of the file against each element's own. */
static void hosts_agree(const struct elements *e, const char *text)
{
    char *path = write_temp(text);
    struct xlc_level_host *hosts, one;
    xlc_error err;
    size_t n;

    if (xlc_level_hosts_from_libvirt(path, map, XLC_GUEST_HVM, &hosts, &n,
                                     &err))
        fail_msg("%s", err.msg);
    assert_int_equal(n, e->n);
    for (size_t i = 0; i < n; i++) {
        struct xlc_lv_cpu *cpu = parse_ok(e->xml[i]);

        if (xlc_level_host_from_lv_cpu(map, cpu, XLC_GUEST_HVM, &one, &err))
            fail_msg("%s", err.msg);
        assert_memory_equal(hosts[i].fs, one.fs, sizeof(one.fs));
        assert_memory_equal(hosts[i].def, one.def, sizeof(one.def));
        assert_memory_equal(&hosts[i].props, &one.props, sizeof(one.props));
        assert_int_equal(hosts[i].usable, one.usable);
        assert_ptr_equal(hosts[i].lv_model, one.lv_model);
        assert_int_equal(hosts[i].policies_ignored, one.policies_ignored);
        assert_false(hosts[i].has_policy || hosts[i].has_leaks);
        xlc_lv_cpu_free(cpu);
    }
    free(hosts);
    unlink(path);
}

/* The pv host-model <cpu> of every shared dump, sorted by file name. */
static size_t host_models(char ***out)
{
    char dir[4096], path[8192];
    struct dirent **ents;
    size_t n = 0;
    int nr;

    snprintf(dir, sizeof(dir), "%s/cpuid/instlatx64", shared_dir());
    nr = scandir(dir, &ents, NULL, alphasort);
    assert_true(nr > 0);
    *out = calloc((size_t)nr, sizeof(**out));
    for (int i = 0; i < nr; i++) {
        struct xlc_cpuid_dump *dump;
        struct xlc_lv_decoded *d;
        struct xlc_lv_host h;
        xlc_error err;

        if (!strstr(ents[i]->d_name, ".xml")) {
            free(ents[i]);
            continue;
        }
        snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
        free(ents[i]);
        if (xlc_dump_load(path, &dump, &err))
            fail_msg("%s", err.msg);
        assert_true(xlc_lv_host_from_dump(&h, XLC_GUEST_PV, dump, NULL));
        if (xlc_lv_decode(map, &h, h.def, &d, &err))
            fail_msg("%s: %s", path, err.msg);
        (*out)[n++] = xlc_lv_decoded_xml(d);
        xlc_lv_decoded_free(d);
        xlc_dump_free(dump);
    }
    free(ents);
    assert_true(n >= 40);
    return n;
}

/*
 * Element i: dump i's host-model <cpu> (round robin), as a host would
 * carry it, with <arch> and host details added after its first line.
 */
static void build_hosts(struct elements *e, size_t count)
{
    char **models;
    size_t nm = host_models(&models);
    long line = 1;

    for (size_t i = 0; i < count; i++) {
        const char *m = models[i % nm], *nl = strchr(m, '\n');
        struct xlc_buf b = { 0 };

        assert_non_null(nl);
        xlc_buf_printf(&b, "%.*s\n  <arch>x86_64</arch>\n"
                           "  <microcode version='%zu'/>\n"
                           "  <pages unit='KiB' size='4'/>\n%s",
                       (int)(nl - m), m, i, nl + 1);
        if (m[strlen(m) - 1] != '\n')
            xlc_buf_putc(&b, '\n');
        add_element(e, b.s, &line);
        xlc_buf_free(&b);
    }
    for (size_t i = 0; i < nm; i++)
        free(models[i]);
    free(models);
}

static void batch_host_models(void **state)
{
    struct elements e = { 0 };

    (void)state;
    build_hosts(&e, 1000);
    reader_agrees(&e);
    hosts_agree(&e, e.all.s);
    free_elements(&e);
}

/*
 * A processing instruction holding "<cpu" after every element: the text
 * scan that cuts the file for the threads stops there, the parts are
 * malformed, and the whole file must come out as from one parse.
 */
static void batch_bad_cuts(void **state)
{
    struct elements e = { 0 };
    struct xlc_buf b = { 0 };

    (void)state;
    build_hosts(&e, 300);
    for (size_t i = 0; i < e.n; i++) {
        const char *x = e.xml[i];
        size_t len = strlen(x);

        /* Same lines: the instruction goes on the element's last line. */
        xlc_buf_printf(&b, "%.*s<?pi <cpu ?>\n", (int)(len - 1), x);
    }
    hosts_agree(&e, b.s);
    xlc_buf_free(&b);
    free_elements(&e);
}

/*
 * The bench's own generated file of one shape (python3 writes it), when
 * possible: every host read from the file as from its own element.
 */
static void bench_shape(const char *shape)
{
    char *text = shared_bench_hosts(shape, 1000), *p, *nl;
    struct elements e = { 0 };
    struct xlc_buf cur = { 0 };
    long line = 1;

    if (!text)
        skip();
    /* The generator writes each element from "<cpu>" to "</cpu>" lines. */
    for (p = text; *p; p = nl + 1) {
        nl = strchr(p, '\n');
        assert_non_null(nl);
        xlc_buf_put(&cur, p, (size_t)(nl + 1 - p));
        if (!strncmp(p, "</cpu>\n", strlen("</cpu>\n"))) {
            add_element(&e, cur.s, &line);
            xlc_buf_free(&cur);
            cur = (struct xlc_buf){ 0 };
        }
    }
    xlc_buf_free(&cur);
    free(text);
    assert_int_equal(e.n, 1000);
    reader_agrees(&e);
    hosts_agree(&e, e.all.s);
    free_elements(&e);
}

/* The bench's three shapes: 486 plus everything, capabilities-like (host
 * details, extra features) and sparse (a model, at most three features). */
static void batch_bench_486(void **state)
{
    (void)state;
    bench_shape("486");
}

static void batch_bench_caps(void **state)
{
    (void)state;
    bench_shape("caps");
}

static void batch_bench_sparse(void **state)
{
    (void)state;
    bench_shape("sparse");
}

static int count_only(void *ctx, const struct xlc_lv_cpu *cpu, xlc_error *err)
{
    (void)err;
    *(size_t *)ctx += cpu->nr_features;
    return 0;
}

static int each_rc(const char *text, size_t *features, xlc_error *err)
{
    size_t count;

    *features = 0;
    return xlc_lv_cpu_each("f.xml", text, strlen(text), 1, count_only,
                           features, &count, err);
}

/*
 * The element limit applies per <cpu>: a file of hosts may hold more
 * elements than one document may, one host may not.  Hostile documents
 * stay refused.
 */
static void batch_limits(void **state)
{
    struct xlc_buf b = { 0 };
    size_t features;
    xlc_error err;

    (void)state;
    for (int i = 0; i < 2000; i++) {
        xlc_buf_puts(&b, "<cpu><model>m</model>");
        for (int k = 0; k < 60; k++)
            xlc_buf_printf(&b, "<feature name='f%d'/>", k);
        xlc_buf_puts(&b, "</cpu>\n");
    }
    if (each_rc(b.s, &features, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(features, 2000 * 60);
    xlc_buf_free(&b);

    b = (struct xlc_buf){ 0 };
    xlc_buf_puts(&b, "<cpu><model>m</model>");
    for (int k = 0; k < 100000; k++)
        xlc_buf_printf(&b, "<feature name='f%d'/>\n", k);
    xlc_buf_puts(&b, "</cpu>\n");
    assert_int_equal(each_rc(b.s, &features, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "more than 100000 elements in one "
                                    "record"));
    /* All on one line, the line limit (1 MiB) comes first. */
    for (char *nl = b.s; (nl = strchr(nl, '\n'));)
        *nl = ' ';
    assert_int_equal(each_rc(b.s, &features, &err), -E2BIG);
    assert_non_null(strstr(err.msg, ":1: line longer than 1048576 bytes"));
    xlc_buf_free(&b);

    assert_int_equal(each_rc("<!DOCTYPE cpu [<!ENTITY a 'b'>]><cpu/>",
                             &features, &err), -EINVAL);
    assert_int_equal(each_rc("<cpu><model>&a;</model></cpu>", &features,
                             &err), -EINVAL);
    assert_int_equal(each_rc("<?xml version='1.0'?>\n<!-- none -->\n",
                             &features, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "f.xml: no <cpu> element"));
    /* An XML declaration opens the file; lines stay the file's. */
    assert_int_equal(each_rc("<?xml version='1.0'?>\n<cpu>\n"
                             "<feature name='x'/>\n<feature name='x'/>"
                             "</cpu>", &features, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "f.xml (<cpu> at line 2):4: feature "
                                    "'x' listed twice (first at line 3)"));
}

/* An error deep in a large file names the right element and line. */
static void batch_error_line(void **state)
{
    struct elements e = { 0 };
    struct xlc_buf b = { 0 };
    xlc_error err;
    struct xlc_level_host *hosts;
    size_t n;
    char *path, want[128];

    (void)state;
    build_hosts(&e, 1000);
    for (size_t i = 0; i < e.n; i++) {
        const char *x = e.xml[i], *nl = strchr(x, '\n');

        if (i != 700) {
            xlc_buf_puts(&b, x);
            continue;
        }
        /* Replace the <arch> line: line e.line[700] + 1. */
        xlc_buf_printf(&b, "%.*s\n  <feature name='avx5l2f'/>\n%s",
                       (int)(nl - x), x, strchr(nl + 1, '\n') + 1);
    }
    path = write_temp(b.s);
    assert_int_equal(xlc_level_hosts_from_libvirt(path, map, XLC_GUEST_HVM,
                                                  &hosts, &n, &err),
                     -EINVAL);
    snprintf(want, sizeof(want), "(<cpu> at line %ld):%ld: unknown feature "
             "'avx5l2f'", e.line[700], e.line[700] + 1);
    if (!strstr(err.msg, want))
        fail_msg("'%s' lacks '%s'", err.msg, want);
    unlink(path);
    xlc_buf_free(&b);
    free_elements(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(host_elements_recorded),
        cmocka_unit_test(host_elements_checked),
        cmocka_unit_test(batch_host_models),
        cmocka_unit_test(batch_bad_cuts),
        cmocka_unit_test(batch_bench_486),
        cmocka_unit_test(batch_bench_caps),
        cmocka_unit_test(batch_bench_sparse),
        cmocka_unit_test(batch_limits),
        cmocka_unit_test(batch_error_line),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
