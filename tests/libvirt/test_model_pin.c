/* SPDX-License-Identifier: MIT */
/*
 * Model pins (libvirt-model-pin.h) on real cpu_maps: every model of the
 * installed map pinned, its expansion against an independent reading of
 * the XML and its fingerprint against coreutils' sha256sum of the
 * documented canonical text rebuilt here; the JSON form read back, and
 * altered or malformed pins refused; the installed map against an edited
 * copy (one model edited, one model's parent edited, one model removed, a
 * feature moved), each change reported by name, in both directions;
 * parents, renames and features Xen cannot express on small maps; the
 * libvirt version of the installed map and of a copy, and of each map's
 * pins in one set; the canonical text, bits in words and a pin's lines
 * against printf and strcmp (the writers use neither).
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
#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "../helpers/cpumap-edit.h"
#include "../helpers/lv-oracle.h"
#include "../helpers/tool-run.h"
#include "libxl_cpuid/libvirt/libvirt-model-pin.h"

#define W XFS_NR_WORDS

static struct xlc_cpu_map *load(const char *dir)
{
    struct xlc_cpu_map *m = NULL;
    xlc_error err = { 0 };

    if (xlc_cpu_map_load(dir, &m, &err))
        fail_msg("%s: %s", dir, err.msg);
    return m;
}

static struct xlc_model_pin *pin(const struct xlc_cpu_map *map,
                                 const char *model)
{
    const struct xlc_lv_model *m = xlc_cpu_map_model(map, model);
    struct xlc_model_pin *p = NULL;
    xlc_error err = { 0 };

    assert_non_null(m);
    if (xlc_model_pin_make(map, m, &p, &err))
        fail_msg("%s", err.msg);
    return p;
}

/* ---- an independent canonical text: XPath over the files ---- */

struct oracle {
    xmlDocPtr docs[128];
    int n;
    char lines[4096][64];
    size_t nr_lines;
};

static void oracle_load(struct oracle *o, const char *dir)
{
    char path[4096];
    xmlDocPtr idx;
    xmlXPathContextPtr ctx;
    xmlXPathObjectPtr inc;

    snprintf(path, sizeof(path), "%s/index.xml", dir);
    idx = xmlReadFile(path, NULL, XML_PARSE_NONET);
    ctx = xmlXPathNewContext(idx);
    inc = xmlXPathEvalExpression(
        (const xmlChar *)"/cpus/arch[@name='x86']/include/@filename", ctx);
    o->n = 0;
    for (int i = 0; inc->nodesetval && i < inc->nodesetval->nodeNr; i++) {
        xmlChar *f = xmlNodeGetContent(inc->nodesetval->nodeTab[i]);

        snprintf(path, sizeof(path), "%s/%s", dir, (const char *)f);
        o->docs[o->n++] = xmlReadFile(path, NULL, XML_PARSE_NONET);
        xmlFree(f);
    }
    xmlXPathFreeObject(inc);
    xmlXPathFreeContext(ctx);
    xmlFreeDoc(idx);
}

static void oracle_free(struct oracle *o)
{
    for (int i = 0; i < o->n; i++)
        xmlFreeDoc(o->docs[i]);
}

static xmlNodePtr find(const struct oracle *o, const char *fmt,
                       const char *name)
{
    char expr[512];
    xmlNodePtr hit = NULL;

    snprintf(expr, sizeof(expr), fmt, name, name);
    for (int i = 0; !hit && i < o->n; i++) {
        xmlXPathContextPtr ctx = xmlXPathNewContext(o->docs[i]);
        xmlXPathObjectPtr r = xmlXPathEvalExpression((const xmlChar *)expr,
                                                     ctx);

        if (r->nodesetval && r->nodesetval->nodeNr)
            hit = r->nodesetval->nodeTab[0];
        xmlXPathFreeObject(r);
        xmlXPathFreeContext(ctx);
    }
    return hit;
}

static unsigned long num(xmlNodePtr n, const char *attr)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)attr);
    unsigned long r = v ? strtoul((const char *)v, NULL, 0) : 0;

    xmlFree(v);
    return r;
}

static void add_mask(struct oracle *o, const char *head, unsigned long mask,
                     const char *reg)
{
    for (unsigned b = 0; b < 32; b++)
        if (mask >> b & 1)
            snprintf(o->lines[o->nr_lines++], 64, "%.40s %s %02u\n", head,
                     reg, b);
}

static void feature_lines(struct oracle *o, const char *name)
{
    static const char *const regs[] = { "eax", "ebx", "ecx", "edx" };
    xmlNodePtr f = find(o, "/cpus/feature[@name='%s' or alias/@name='%s']",
                        name);
    char head[40];

    assert_non_null(f);
    for (xmlNodePtr c = f->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (!strcmp((const char *)c->name, "cpuid")) {
            snprintf(head, sizeof(head), "cpuid %08lx %08lx",
                     num(c, "eax_in"), num(c, "ecx_in"));
            for (int r = 0; r < 4; r++)
                add_mask(o, head, num(c, regs[r]), regs[r]);
        } else if (!strcmp((const char *)c->name, "msr")) {
            snprintf(head, sizeof(head), "msr %08lx", num(c, "index"));
            add_mask(o, head, num(c, "eax"), "eax");
            add_mask(o, head, num(c, "edx"), "edx");
        }
    }
}

/* The model's features, parents first; removed='yes' taken away. */
static void model_features(struct oracle *o, const char *model, char **names,
                           size_t *n)
{
    xmlNodePtr m = find(o, "/cpus/model[@name='%s'%.0s]", model);

    assert_non_null(m);
    for (xmlNodePtr c = m->children; c; c = c->next) {
        xmlChar *name, *rm;

        if (c->type != XML_ELEMENT_NODE)
            continue;
        name = xmlGetProp(c, (const xmlChar *)"name");
        rm = xmlGetProp(c, (const xmlChar *)"removed");
        if (!strcmp((const char *)c->name, "model")) {
            model_features(o, (const char *)name, names, n);
        } else if (!strcmp((const char *)c->name, "feature")) {
            size_t k = 0;

            while (k < *n && strcmp(names[k], (const char *)name))
                k++;
            if (rm && !strcmp((const char *)rm, "yes")) {
                if (k < *n)
                    names[k] = names[--*n];
            } else if (k == *n) {
                names[(*n)++] = strdup((const char *)name);
            }
        }
        xmlFree(name);
        xmlFree(rm);
    }
}

static int by_line(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* sha256sum of the canonical text the oracle builds for the model. */
static void oracle_sha(struct oracle *o, const char *model, char *out)
{
    char *names[1024], path[] = "/tmp/test_model_pin.XXXXXX", cmd[256];
    char *sum, *err;
    size_t n = 0;
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");

    o->nr_lines = 0;
    model_features(o, model, names, &n);
    for (size_t i = 0; i < n; i++) {
        feature_lines(o, names[i]);
        free(names[i]);
    }
    qsort(o->lines, o->nr_lines, sizeof(o->lines[0]), by_line);
    fputs("xen-cpuid model pin 1\n", f);
    for (size_t i = 0; i < o->nr_lines; i++)
        if (!i || strcmp(o->lines[i], o->lines[i - 1]))
            fputs(o->lines[i], f);
    fclose(f);
    snprintf(cmd, sizeof(cmd), "sha256sum %s", path);
    assert_int_equal(tool_run_shell(cmd, &sum, &err), 0);
    snprintf(out, 65, "%s", sum);
    free(sum);
    free(err);
    unlink(path);
}

/* ---- tests ---- */

static void every_installed_model(void **state)
{
    struct xlc_cpu_map *map = load(NULL);
    struct lvo_map lvo;
    struct oracle o;

    (void)state;
    lvo_load(CM_INSTALLED, &lvo);
    oracle_load(&o, CM_INSTALLED);
    assert_int_equal(xlc_cpu_map_nr_models(map), lvo.nr_models);
    for (size_t i = 0; i < lvo.nr_models; i++) {
        struct xlc_model_pin *p = pin(map, lvo.models[i].name);
        uint32_t xen[W];
        char want[65];

        xlc_model_pin_xen(p, xen);
        assert_int_equal(p->nr_features, lvo.models[i].nr_features);
        if (!xfs_equal(xen, W, lvo.models[i].bits, W))
            fail_msg("%s: the expansion's Xen features differ", p->model);
        assert_string_equal(p->file, lvo.models[i].file);
        assert_string_equal(p->cpu_map, CM_INSTALLED);
        assert_int_equal(p->nr_parents, 0);
        oracle_sha(&o, p->model, want);
        if (strcmp(want, p->sha256))
            fail_msg("%s: sha256 %s, sha256sum of the canonical text %s",
                     p->model, p->sha256, want);
        for (size_t k = 1; k < p->nr_features; k++)
            assert_true(strcmp(p->features[k - 1].name,
                               p->features[k].name) < 0);
        xlc_model_pin_free(p);
    }
    oracle_free(&o);
    lvo_free(&lvo);
    xlc_cpu_map_free(map);
}

/* A known value: the canonical text of a small model, byte for byte. */
static void canonical_text(void **state)
{
    static const char doc[] =
        "<cpus>"
        "<feature name='fpu'><cpuid eax_in='0x01' edx='0x00000001'/>"
        "</feature>"
        "<feature name='erms'><cpuid eax_in='0x07' ecx_in='0x00' "
        "ebx='0x00000200'/></feature>"
        "<feature name='two'><cpuid eax_in='0x80000008' ebx='0x00000003'/>"
        "</feature>"
        "<feature name='arch-caps-x'><msr index='0x10a' eax='0x00000001' "
        "edx='0x00000100'/></feature>"
        "<model name='A'><feature name='two'/><feature name='fpu'/>"
        "<feature name='erms'/><feature name='arch-caps-x'/></model>"
        "</cpus>";
    static const char want[] =
        "xen-cpuid model pin 1\n"
        "cpuid 00000001 00000000 edx 00\n"
        "cpuid 00000007 00000000 ebx 09\n"
        "cpuid 80000008 00000000 ebx 00\n"
        "cpuid 80000008 00000000 ebx 01\n"
        "msr 0000010a eax 00\n"
        "msr 0000010a edx 08\n";
    struct xlc_cpu_map *map;
    struct xlc_model_pin *p;
    xlc_error err = { 0 };
    char hex[65], *text;

    (void)state;
    assert_int_equal(xlc_cpu_map_parse("m.xml", doc, sizeof(doc) - 1, &map,
                                       &err), 0);
    p = pin(map, "A");
    text = xlc_pin_canonical(p->features, p->nr_features);
    assert_string_equal(text, want);
    xlc_sha256_hex(want, strlen(want), hex);
    assert_string_equal(p->sha256, hex);
    assert_null(p->libvirt_version);
    free(text);
    xlc_model_pin_free(p);
    xlc_cpu_map_free(map);
}

/* ---- the writers against printf and strcmp (they use neither) ---- */

/* A spread of bits: leaves with and without subleaves, both MSR halves,
 * bits either side of 10, and the same line reached twice (a given
 * subleaf 0 and an absent one; the same bit in two features). */
static void some_bits(struct xlc_pin_bit *b, size_t n)
{
    static const uint32_t leaves[] = { 0x1, 0x7, 0xa, 0xd, 0x10a,
                                       0x80000001, 0x80000008, 0xffffffff };
    uint32_t x = 2026;

    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        b[i].leaf = leaves[(x >> 8) % 8];
        b[i].bit = (x >> 16) % 32;
        if ((x >> 24) % 5 == 0) {
            b[i].src = XFS_SRC_MSR;
            b[i].subleaf = 0;
            b[i].reg = (x >> 28) & 1 ? XFS_MSR_HI : XFS_MSR_LO;
        } else {
            b[i].src = XFS_SRC_CPUID;
            b[i].subleaf = (x >> 27) % 3 == 0 ? XFS_NO_SUBLEAF
                           : (x >> 27) % 3 == 1 ? 0 : (x >> 29) * 1000000u;
            b[i].reg = (enum xfs_reg)((x >> 4) % 4);
        }
    }
}

static int by_strcmp(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* The documented canonical text, built as the header describes it. */
static char *canonical_oracle(const struct xlc_pin_bit *b, size_t n)
{
    static const char *const reg[] = { "eax", "ebx", "ecx", "edx", "eax",
                                       "edx" };
    char (*lines)[64] = calloc(n + 1, sizeof(*lines));
    struct xlc_buf out = XLC_BUF_INIT;

    for (size_t i = 0; i < n; i++)
        if (b[i].src == XFS_SRC_MSR)
            snprintf(lines[i], 64, "msr %08x %s %02u\n", b[i].leaf,
                     reg[b[i].reg], b[i].bit);
        else
            snprintf(lines[i], 64, "cpuid %08x %08x %s %02u\n", b[i].leaf,
                     b[i].subleaf == XFS_NO_SUBLEAF ? 0 : b[i].subleaf,
                     reg[b[i].reg], b[i].bit);
    qsort(lines, n, sizeof(*lines), by_strcmp);
    xlc_buf_puts(&out, "xen-cpuid model pin 1\n");
    for (size_t i = 0; i < n; i++)
        if (!i || strcmp(lines[i], lines[i - 1]))
            xlc_buf_puts(&out, lines[i]);
    free(lines);
    return xlc_buf_take(&out);
}

/* The canonical text of random features, by sorting text, as the header
 * says; and their bits spelled as xlc_lv_coord_str always did. */
static void writers_as_printf(void **state)
{
    static const char *const reg[] = { "EAX", "EBX", "ECX", "EDX", "EAX",
                                       "EDX" };
    struct xlc_pin_bit bits[600];
    struct xlc_pin_feature f[60];
    char *text, *want;

    (void)state;
    some_bits(bits, 600);
    for (size_t i = 0; i < 60; i++)
        f[i] = (struct xlc_pin_feature){ "f", bits + 10 * i, 10 };
    text = xlc_pin_canonical(f, 60);
    want = canonical_oracle(bits, 600);
    assert_string_equal(text, want);
    free(text);
    free(want);
    for (size_t i = 0; i < 600; i++) {
        const struct xlc_pin_bit *b = &bits[i];
        char got[64], put[XLC_LV_COORD_MAX], exp[64];

        if (b->src == XFS_SRC_MSR)
            snprintf(exp, 64, "MSR 0x%x %s bit %u", b->leaf, reg[b->reg],
                     b->bit);
        else if (b->subleaf == XFS_NO_SUBLEAF)
            snprintf(exp, 64, "CPUID 0x%x %s bit %u", b->leaf, reg[b->reg],
                     b->bit);
        else
            snprintf(exp, 64, "CPUID 0x%x.%u %s bit %u", b->leaf, b->subleaf,
                     reg[b->reg], b->bit);
        assert_string_equal(xlc_pin_bit_str(b, got, sizeof(got)), exp);
        assert_int_equal(xlc_pin_bit_put(b, put), strlen(exp));
        assert_string_equal(put, exp);
        /* Cut as snprintf cuts. */
        exp[6] = '\0';
        assert_string_equal(xlc_pin_bit_str(b, got, 7), exp);
    }
}

/*
 * A pin's lines in words, against printf's padding: a feature whose bits
 * in words run past 511 bytes is cut there, and the other lines are
 * padded to it.
 */
static void text_as_printf(void **state)
{
    struct xlc_pin_bit wide[64], one = { XFS_SRC_CPUID, 0x1, XFS_NO_SUBLEAF,
                                         XFS_EDX, 0 };
    struct xlc_pin_feature f[2] = { { "a-long-feature-name", wide, 64 },
                                    { "fpu", &one, 1 } };
    struct xlc_model_pin p = { .model = "M", .cpu_map = "/nowhere",
                               .file = "x86_M.xml", .features = f,
                               .nr_features = 2 };
    struct xlc_buf b = XLC_BUF_INIT;
    char cut[512], line[2048], where[64];
    size_t n = 0;

    (void)state;
    for (unsigned int i = 0; i < 64; i++)
        wide[i] = (struct xlc_pin_bit){ XFS_SRC_CPUID, 0x80000008,
                                        4294967294u, XFS_EBX, i % 32 };
    cut[0] = '\0';
    for (size_t k = 0; k < 64 && n < sizeof(cut); k++)
        n += (size_t)snprintf(cut + n, sizeof(cut) - n, "%s%s",
                              k ? ", " : "",
                              xlc_pin_bit_str(&wide[k], where,
                                              sizeof(where)));
    assert_int_equal(strlen(cut), 511);
    assert_int_equal(xlc_pin_hash(f, 2, p.sha256), 0);
    xlc_model_pin_text(&b, &p, "> ");
    snprintf(line, sizeof(line), "\n>     %-19s %-511s  (Xen cannot express "
             "it)\n", f[0].name, cut);
    assert_non_null(strstr(b.s, line));
    snprintf(line, sizeof(line), "\n>     %-19s %-511s  Xen %s\n", "fpu",
             "CPUID 0x1 EDX bit 0", xlc_pin_feature_xen_name(&f[1]));
    assert_non_null(strstr(b.s, line));
    assert_non_null(strstr(b.s, "\n>   libvirt:  not stated by the data\n"
                                ">   parents:  none\n"));
    assert_non_null(strstr(b.s, ">   features: 2 (1 Xen can express):\n"));
    xlc_buf_free(&b);
}

/* One set, two maps: each pin says where its own map lives (what a set
 * finds once about a map must not stick to the next map). */
static void pins_of_two_maps(void **state)
{
    char *copy = cm_plain_copy(), real[4096];
    struct xlc_cpu_map *installed = load(NULL), *copied = load(copy);
    struct xlc_model_pins s = { 0 };
    const struct xlc_model_pin *a, *b, *c;
    xlc_error err = { 0 };

    (void)state;
    assert_non_null(realpath(copy, real));
    assert_int_equal(xlc_model_pins_add(&s, installed,
                     xlc_cpu_map_model(installed, "Broadwell"), &err), 0);
    assert_int_equal(xlc_model_pins_add(&s, copied,
                     xlc_cpu_map_model(copied, "Haswell"), &err), 0);
    assert_int_equal(xlc_model_pins_add(&s, installed,
                     xlc_cpu_map_model(installed, "Nehalem"), &err), 0);
    a = xlc_model_pins_find(&s, "Broadwell");
    b = xlc_model_pins_find(&s, "Haswell");
    c = xlc_model_pins_find(&s, "Nehalem");
    assert_string_equal(a->cpu_map, CM_INSTALLED);
    assert_non_null(a->libvirt_version);
    assert_string_equal(b->cpu_map, real);
    assert_null(b->libvirt_version);
    assert_null(b->libvirt_version_from);
    assert_string_equal(c->cpu_map, CM_INSTALLED);
    assert_string_equal(c->libvirt_version, a->libvirt_version);
    assert_string_equal(c->libvirt_version_from, a->libvirt_version_from);
    xlc_model_pins_free(&s);
    xlc_cpu_map_free(installed);
    xlc_cpu_map_free(copied);
    cm_remove(copy);
}

static char *pins_doc(const struct xlc_model_pins *s)
{
    struct xlc_buf b = XLC_BUF_INIT;

    xlc_buf_puts(&b, "{\"other\": [1, {\"x\": null}],\n \"model_pins\": ");
    xlc_model_pins_json(&b, s, "  ");
    xlc_buf_puts(&b, "}\n");
    return xlc_buf_take(&b);
}

static void json_round_trip(void **state)
{
    struct xlc_cpu_map *map = load(NULL);
    struct xlc_model_pins s = { 0 }, back;
    xlc_error err = { 0 };
    char *doc;

    (void)state;
    for (size_t i = 0; i < xlc_cpu_map_nr_models(map); i++)
        assert_int_equal(xlc_model_pins_add(&s, map, xlc_cpu_map_model_at(map, i), &err),
                         0);
    /* A model once, however often it is added. */
    assert_int_equal(xlc_model_pins_add(&s, map, xlc_cpu_map_model_at(map, 0), &err), 0);
    assert_int_equal(s.n, xlc_cpu_map_nr_models(map));
    doc = pins_doc(&s);
    if (xlc_model_pins_parse("d.json", doc, strlen(doc), &back, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(back.n, s.n);
    for (size_t i = 0; i < s.n; i++) {
        const struct xlc_model_pin *a = s.v[i], *b = back.v[i];

        assert_string_equal(a->model, b->model);
        assert_string_equal(a->file, b->file);
        assert_string_equal(a->sha256, b->sha256);
        assert_string_equal(a->libvirt_version, b->libvirt_version);
        assert_int_equal(a->nr_features, b->nr_features);
        for (size_t k = 0; k < a->nr_features; k++) {
            assert_string_equal(a->features[k].name, b->features[k].name);
            assert_true(xlc_pin_feature_same_bits(&a->features[k],
                                                  &b->features[k]));
        }
    }
    xlc_model_pins_free(&back);
    xlc_model_pins_free(&s);
    free(doc);
    xlc_cpu_map_free(map);
}

static void bad_pins_refused(void **state)
{
    static const struct { const char *from, *to, *want; } cases[] = {
        /* the same features, another bit: the hash no longer fits */
        { "\"reg\": \"edx\", \"bit\": 0}", "\"reg\": \"edx\", \"bit\": 1}",
          "the pin was altered" },
        { "\"model\": \"486\"", "\"model\": \"486\", \"colour\": 1",
          "model_pins[0].colour: unknown key" },
        { "\"reg\": \"edx\", \"bit\": 0}", "\"reg\": \"edx\", \"bit\": 32}",
          "bit: a register has bits 0 to 31" },
        { "\"reg\": \"edx\", \"bit\": 0}", "\"reg\": \"rdx\", \"bit\": 0}",
          ".reg: expected eax, ebx, ecx or edx" },
        { "\"model_pins\"", "\"modelpins\"", "model_pins: missing" },
        { "\"features\": [", "\"features\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
          "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
          "nested deeper than 64" },
        { "\"model_pins\": ", "\"model_pins\": ,", "d.json:2:" },
    };
    struct xlc_cpu_map *map = load(NULL);
    struct xlc_model_pins s = { 0 };
    xlc_error err = { 0 };
    char *doc;

    (void)state;
    assert_int_equal(xlc_model_pins_add(&s, map,
                                        xlc_cpu_map_model(map, "486"), &err),
                     0);
    doc = pins_doc(&s);
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        char *at = strstr(doc, cases[k].from), bad[65536];
        struct xlc_model_pins back;

        assert_non_null(at);
        snprintf(bad, sizeof(bad), "%.*s%s%s", (int)(at - doc), doc,
                 cases[k].to, at + strlen(cases[k].from));
        assert_int_equal(xlc_model_pins_parse("d.json", bad, strlen(bad),
                                              &back, &err), -EINVAL);
        assert_int_equal(back.n, 0);
        if (!strstr(err.msg, cases[k].want))
            fail_msg("'%s' lacks '%s'", err.msg, cases[k].want);
    }
    xlc_model_pins_free(&s);
    free(doc);
    xlc_cpu_map_free(map);
}

/* One model's comparison: the verdict and the change texts expected. */
static struct xlc_pin_diff *diff(const struct xlc_cpu_map *then_map,
                                 const struct xlc_cpu_map *today,
                                 const char *model, struct xlc_model_pin **p)
{
    struct xlc_pin_diff *d = NULL;
    xlc_error err = { 0 };

    *p = pin(then_map, model);
    if (xlc_model_pin_compare(*p, today, &d, &err))
        fail_msg("%s", err.msg);
    return d;
}

static void has_change(const struct xlc_pin_diff *d,
                       enum xlc_pin_change_kind k, const char *feature,
                       bool xen, const char *text)
{
    for (size_t i = 0; i < d->nr_changes; i++) {
        const struct xlc_pin_change *c = &d->changes[i];

        if (c->kind == k && (!feature || (c->feature &&
                                          !strcmp(c->feature, feature))) &&
            c->xen == xen && strstr(c->text, text))
            return;
    }
    for (size_t i = 0; i < d->nr_changes; i++)
        fprintf(stderr, "  %s\n", d->changes[i].text);
    fail_msg("%s: no %s change of %s with '%s'", d->then->model,
             xlc_pin_change_kind_name(k), feature ? feature : "-", text);
}

static void upgrade_reported_by_name(void **state)
{
    char *dir = cm_edited_copy();
    struct xlc_cpu_map *old = load(NULL), *now = load(dir);
    struct xlc_model_pin *p;
    struct xlc_pin_diff *d;
    size_t identical = 0;

    (void)state;
    d = diff(old, now, "Skylake-Server", &p);
    assert_int_equal(d->verdict, XLC_PIN_CHANGED);
    has_change(d, XLC_PIN_REMOVED, "clwb", true,
               "removed: clwb (CPUID 0x7.0 EBX bit 24, Xen CLWB): a guest "
               "started today lacks it");
    has_change(d, XLC_PIN_ADDED, "avx512vnni", true,
               "added: avx512vnni (CPUID 0x7.0 ECX bit 11, Xen AVX512_VNNI)");
    has_change(d, XLC_PIN_MOVED, "erms", true,
               "erms: CPUID 0x7.0 EBX bit 9, Xen ERMS (pinned) -> CPUID 0x7.0 "
               "EBX bit 6, Xen FDP_EXCP_ONLY (today)");
    assert_int_equal(d->nr_changes, 3);
    assert_true(xfs_test(d->lost, W, XFS_CLWB));
    assert_true(xfs_test(d->lost, W, XFS_ERMS));
    assert_true(xfs_test(d->gained, W, XFS_AVX512_VNNI));
    assert_int_equal(xfs_popcount(d->lost, W) + xfs_popcount(d->gained, W),
                     4);
    assert_string_not_equal(d->now->sha256, p->sha256);
    xlc_pin_diff_free(d);
    xlc_model_pin_free(p);

    d = diff(old, now, "Westmere-IBRS", &p);
    assert_int_equal(d->verdict, XLC_PIN_CHANGED);
    has_change(d, XLC_PIN_PARENT, NULL, false,
               "parent changed: none (pinned) -> Nehalem (today)");
    has_change(d, XLC_PIN_REMOVED, "spec-ctrl", true, "Xen IBRSB");
    assert_int_equal(d->nr_changes, 2);
    assert_string_equal(d->now->parents[0], "Nehalem");
    xlc_pin_diff_free(d);
    xlc_model_pin_free(p);

    d = diff(old, now, "Opteron_G3", &p);
    assert_int_equal(d->verdict, XLC_PIN_GONE);
    assert_null(d->now);
    has_change(d, XLC_PIN_MODEL_GONE, NULL, true,
               "model removed: Opteron_G3 is not in ");
    assert_non_null(d->nearest);
    xlc_pin_diff_free(d);
    xlc_model_pin_free(p);

    /* Every other model: changed exactly when it uses erms. */
    for (size_t i = 0; i < xlc_cpu_map_nr_models(old); i++) {
        const struct xlc_lv_model *m = xlc_cpu_map_model_at(old, i);
        const char *name = m->name;
        bool erms = xfs_test(m->xen, W, XFS_ERMS);

        if (!strcmp(name, "Skylake-Server") || !strcmp(name, "Opteron_G3") ||
            !strcmp(name, "Westmere-IBRS"))
            continue;
        d = diff(old, now, name, &p);
        assert_int_equal(d->verdict, erms ? XLC_PIN_CHANGED
                                          : XLC_PIN_IDENTICAL);
        assert_int_equal(d->nr_changes, erms);
        if (erms)
            has_change(d, XLC_PIN_MOVED, "erms", true, "coordinates "
                                                       "changed: erms");
        identical += !erms;
        xlc_pin_diff_free(d);
        xlc_model_pin_free(p);
    }
    assert_true(identical > 20);
    xlc_cpu_map_free(old);
    xlc_cpu_map_free(now);
    cm_remove(dir);
}

/* Pinned with the upgraded map, checked against the installed one. */
static void downgrade_reported_by_name(void **state)
{
    char *dir = cm_edited_copy();
    struct xlc_cpu_map *old = load(dir), *now = load(NULL);
    struct xlc_model_pin *p;
    struct xlc_pin_diff *d;

    (void)state;
    d = diff(old, now, "Westmere-IBRS", &p);
    assert_int_equal(p->nr_parents, 1);
    assert_int_equal(d->verdict, XLC_PIN_CHANGED);
    has_change(d, XLC_PIN_PARENT, NULL, false,
               "parent changed: Nehalem (pinned) -> none (today)");
    has_change(d, XLC_PIN_ADDED, "spec-ctrl", true,
               "a guest started today gains it");
    xlc_pin_diff_free(d);
    xlc_model_pin_free(p);
    d = diff(old, now, "Skylake-Server", &p);
    has_change(d, XLC_PIN_ADDED, "clwb", true, "gains it");
    has_change(d, XLC_PIN_REMOVED, "avx512vnni", true, "lacks it");
    has_change(d, XLC_PIN_MOVED, "erms", true, "EBX bit 6, Xen "
               "FDP_EXCP_ONLY (pinned) -> CPUID 0x7.0 EBX bit 9, Xen ERMS");
    xlc_pin_diff_free(d);
    xlc_model_pin_free(p);
    xlc_cpu_map_free(old);
    xlc_cpu_map_free(now);
    cm_remove(dir);
}

static struct xlc_cpu_map *parse(const char *doc)
{
    struct xlc_cpu_map *map;
    xlc_error err = { 0 };

    if (xlc_cpu_map_parse("m.xml", doc, strlen(doc), &map, &err))
        fail_msg("%s", err.msg);
    return map;
}

#define FEATURES                                                            \
    "<feature name='fpu'><cpuid eax_in='0x01' edx='0x00000001'/></feature>" \
    "<feature name='vme'><cpuid eax_in='0x01' edx='0x00000002'/></feature>" \
    "<feature name='arat'><cpuid eax_in='0x06' eax='0x00000004'/></feature>"

/* Inheritance resolves: a parent that gives the same features is the
 * same meaning; a rename is not a change; a change Xen cannot express
 * does not change what a Xen guest gets. */
static void parents_renames_inexpressible(void **state)
{
    struct xlc_cpu_map *flat = parse("<cpus>" FEATURES
        "<model name='B'><feature name='fpu'/></model>"
        "<model name='M'><feature name='fpu'/><feature name='vme'/>"
        "<feature name='arat'/></model></cpus>");
    struct xlc_cpu_map *child = parse("<cpus>" FEATURES
        "<model name='B'><feature name='fpu'/><feature name='arat'/>"
        "</model>"
        "<model name='M'><model name='B'/><feature name='vme'/></model>"
        "</cpus>");
    struct xlc_cpu_map *renamed = parse("<cpus>"
        "<feature name='x87'><cpuid eax_in='0x01' edx='0x00000001'/>"
        "</feature>"
        "<feature name='vme'><cpuid eax_in='0x01' edx='0x00000002'/>"
        "</feature>"
        "<model name='M'><feature name='x87'/><feature name='vme'/>"
        "</model></cpus>");
    struct xlc_model_pin *p;
    struct xlc_pin_diff *d;

    (void)state;
    d = diff(flat, child, "M", &p);
    assert_int_equal(d->verdict, XLC_PIN_IDENTICAL);
    assert_string_equal(p->sha256, d->now->sha256);
    has_change(d, XLC_PIN_PARENT, NULL, false,
               "parent changed: none (pinned) -> B (today)");
    assert_int_equal(d->nr_changes, 1);
    xlc_pin_diff_free(d);
    xlc_model_pin_free(p);

    d = diff(flat, renamed, "M", &p);
    assert_int_equal(d->verdict, XLC_PIN_SAME_FOR_XEN);
    has_change(d, XLC_PIN_RENAMED, "fpu", false,
               "renamed: fpu -> x87 (CPUID 0x1 EDX bit 0, Xen FPU)");
    has_change(d, XLC_PIN_REMOVED, "arat", false,
               "arat (CPUID 0x6 EAX bit 2, Xen cannot express it): no "
               "effect on a Xen guest");
    assert_int_equal(d->nr_changes, 2);
    assert_true(xfs_empty(d->lost, W) && xfs_empty(d->gained, W));
    xlc_pin_diff_free(d);
    xlc_model_pin_free(p);
    xlc_cpu_map_free(flat);
    xlc_cpu_map_free(child);
    xlc_cpu_map_free(renamed);
}

static void libvirt_version(void **state)
{
    char *copy = cm_plain_copy(), *v = NULL, *from = NULL, want[64];
    unsigned long mm, micro;

    (void)state;
    assert_int_equal(xlc_cpu_map_libvirt_version(CM_INSTALLED, &v, &from),
                     0);
    assert_non_null(v);
    assert_non_null(from);
    assert_int_equal(access(from, R_OK), 0);
    assert_int_equal(sscanf(strrchr(from, '/'), "/libvirt.so.0.%lu.%lu",
                            &mm, &micro), 2);
    snprintf(want, sizeof(want), "%lu.%lu.%lu", mm / 1000, mm % 1000,
             micro);
    assert_string_equal(v, want);
    free(v);
    free(from);
    assert_int_equal(xlc_cpu_map_libvirt_version(copy, &v, &from), 0);
    assert_null(v);
    assert_null(from);
    cm_remove(copy);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_installed_model),
        cmocka_unit_test(canonical_text),
        cmocka_unit_test(json_round_trip),
        cmocka_unit_test(bad_pins_refused),
        cmocka_unit_test(upgrade_reported_by_name),
        cmocka_unit_test(downgrade_reported_by_name),
        cmocka_unit_test(parents_renames_inexpressible),
        cmocka_unit_test(libvirt_version),
        cmocka_unit_test(writers_as_printf),
        cmocka_unit_test(text_as_printf),
        cmocka_unit_test(pins_of_two_maps),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
