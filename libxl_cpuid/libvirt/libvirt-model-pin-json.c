/* SPDX-License-Identifier: MIT */
/*
 * Model pins in JSON and in words, and reading them back from any JSON
 * document with a "model_pins" array (libvirt-model-pin.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../names/featureset-text.h"
#include "../util/digits.h"
#include "../util/json-tree.h"
#include "../util/read-file.h"
#include "libvirt-model-pin.h"

#define MAX_PINS 256u
#define MAX_FEATURES 4096u
#define MAX_BITS 64u
#define MAX_STRING 4096u
#define MAX_FILE_BYTES (64u << 20)

static const char *const reg_names[] = {
    [XFS_EAX] = "eax", [XFS_EBX] = "ebx", [XFS_ECX] = "ecx",
    [XFS_EDX] = "edx",
};

/* ---- writing ---- */

static void json_opt(struct xlc_buf *b, const char *s)
{
    if (s)
        xlc_buf_json_str(b, s);
    else
        xlc_buf_puts(b, "null");
}

/* One bit's object, put together in place: a report's pins have
 * thousands of them. */
static void json_bit(struct xlc_buf *b, const struct xlc_pin_bit *x)
{
    char out[160], *o = out;

#define LIT(s) (memcpy(o, s, sizeof(s) - 1), o += sizeof(s) - 1)
    if (x->src == XFS_SRC_MSR) {
        LIT("{\"msr\": \"0x");
        o = xlc_put_hex(o, x->leaf, 8);
        if (x->reg == XFS_MSR_LO)
            LIT("\", \"half\": \"low\", \"bit\": ");
        else
            LIT("\", \"half\": \"high\", \"bit\": ");
    } else {
        LIT("{\"cpuid\": \"0x");
        o = xlc_put_hex(o, x->leaf, 8);
        LIT("\", \"subleaf\": ");
        if (x->subleaf == XFS_NO_SUBLEAF) {
            LIT("null");
        } else {
            LIT("\"0x");
            o = xlc_put_hex(o, x->subleaf, 0);
            LIT("\"");
        }
        LIT(", \"reg\": \"");
        memcpy(o, reg_names[x->reg], 3);
        o += 3;
        LIT("\", \"bit\": ");
    }
    o = xlc_put_dec(o, x->bit);
    LIT("}");
#undef LIT
    xlc_buf_put(b, out, (size_t)(o - out));
}

static void json_feature(struct xlc_buf *b, const struct xlc_pin_feature *f)
{
    xlc_buf_puts(b, "{\"name\": ");
    xlc_buf_json_str(b, f->name);
    xlc_buf_puts(b, ", \"xen\": ");
    json_opt(b, xlc_pin_feature_xen_name(f));
    xlc_buf_puts(b, ", \"bits\": [");
    for (size_t i = 0; i < f->nr_bits; i++) {
        xlc_buf_puts(b, i ? ", " : "");
        json_bit(b, &f->bits[i]);
    }
    xlc_buf_puts(b, "]}");
}

void xlc_model_pin_json(struct xlc_buf *b, const struct xlc_model_pin *p,
                        const char *indent)
{
    uint32_t fs[XFS_NR_WORDS];

    xlc_buf_printf(b, "{\n%s\"model\": ", indent);
    xlc_buf_json_str(b, p->model);
    xlc_buf_printf(b, ",\n%s\"cpu_map\": ", indent);
    xlc_buf_json_str(b, p->cpu_map);
    xlc_buf_puts(b, ", \"file\": ");
    xlc_buf_json_str(b, p->file);
    xlc_buf_printf(b, ",\n%s\"parents\": [", indent);
    for (size_t i = 0; i < p->nr_parents; i++) {
        xlc_buf_puts(b, i ? ", " : "");
        xlc_buf_json_str(b, p->parents[i]);
    }
    xlc_buf_puts(b, "], \"vendor\": ");
    json_opt(b, p->vendor);
    xlc_buf_printf(b, ",\n%s\"libvirt_version\": ", indent);
    json_opt(b, p->libvirt_version);
    xlc_buf_puts(b, ", \"libvirt_version_from\": ");
    json_opt(b, p->libvirt_version_from);
    xlc_buf_printf(b, ",\n%s\"sha256\": \"%s\",\n%s\"featureset\": \"",
                   indent, p->sha256, indent);
    xlc_model_pin_xen(p, fs);
    xlc_featureset_put(b, fs, XFS_NR_WORDS);
    xlc_buf_printf(b, "\",\n%s\"features\": [", indent);
    for (size_t i = 0; i < p->nr_features; i++) {
        xlc_buf_puts(b, i ? ",\n" : "\n");
        xlc_buf_puts(b, indent);
        xlc_buf_put(b, "  ", 2);
        json_feature(b, &p->features[i]);
    }
    xlc_buf_printf(b, "%s%s]}", p->nr_features ? "\n" : "",
                   p->nr_features ? indent : "");
}

void xlc_model_pins_json(struct xlc_buf *b, const struct xlc_model_pins *s,
                         const char *indent)
{
    xlc_buf_putc(b, '[');
    for (size_t i = 0; i < s->n; i++) {
        xlc_buf_puts(b, i ? ", " : "");
        xlc_model_pin_json(b, s->v[i], indent);
    }
    xlc_buf_putc(b, ']');
}

/* A feature's bits in words, "CPUID 0x7.0 EBX bit 9[, ...]", at most
 * BITS_MAX - 1 bytes of it (longer lists are cut there); its length. */
#define BITS_MAX 512

static size_t bits_put(const struct xlc_pin_feature *f, char out[BITS_MAX])
{
    size_t n = 0;

    for (size_t k = 0; k < f->nr_bits && n < BITS_MAX - 1; k++) {
        char one[XLC_LV_COORD_MAX + 2];
        size_t len;

        one[0] = ',';
        one[1] = ' ';
        len = xlc_pin_bit_put(&f->bits[k], one + 2) + 2 - (k ? 0 : 2);
        len = len < BITS_MAX - 1 - n ? len : BITS_MAX - 1 - n;
        memcpy(out + n, one + (k ? 0 : 2), len);
        n += len;
    }
    out[n] = '\0';
    return n;
}

/* What a feature's line says, found in the pass that measures widths. */
struct text_row {
    const char *xen;     /* its Xen name, NULL: Xen cannot express it */
    size_t at, len;      /* its bits in words, in the pass's buffer */
};

#define NO_XEN "(Xen cannot express it)"

static char *put_pad(char *o, const char *s, size_t len, size_t width)
{
    memcpy(o, s, len);
    if (len < width)
        memset(o + len, ' ', width - len);
    return o + (len > width ? len : width);
}

/* "LEAD    NAME  BITS  Xen NAME": one put when it fits a line buffer. */
static void feature_line(struct xlc_buf *b, const char *lead, size_t lead_len,
                         const char *name, size_t width, const char *bits,
                         size_t bits_len, size_t cwidth, const char *xen)
{
    size_t name_len = strlen(name), xen_len = xen ? strlen(xen) : 0;
    char line[1024], *o = line;

    if (lead_len + width + cwidth + xen_len + 40 > sizeof(line)) {
        xlc_buf_printf(b, "%s    %-*s %-*.*s  %s%s\n", lead, (int)width,
                       name, (int)cwidth, (int)bits_len, bits,
                       xen ? "Xen " : NO_XEN, xen ? xen : "");
        return;
    }
    o = put_pad(o, lead, lead_len, lead_len);
    o = put_pad(o, "    ", 4, 4);
    o = put_pad(o, name, name_len, width);
    *o++ = ' ';
    o = put_pad(o, bits, bits_len, cwidth);
    if (xen) {
        o = put_pad(o, "  Xen ", 6, 6);
        o = put_pad(o, xen, xen_len, xen_len);
    } else {
        o = put_pad(o, "  " NO_XEN, sizeof(NO_XEN) + 1, sizeof(NO_XEN) + 1);
    }
    *o++ = '\n';
    xlc_buf_put(b, line, (size_t)(o - line));
}

/* Strings in a row (NULL ends them): the head is pieces, not formats. */
static void put_all(struct xlc_buf *b, ...)
{
    va_list ap;

    va_start(ap, b);
    for (const char *s; (s = va_arg(ap, const char *));)
        xlc_buf_puts(b, s);
    va_end(ap);
}

/* The head: model, file, libvirt, parents, sha256, the count. */
static void pin_head(struct xlc_buf *b, const struct xlc_model_pin *p,
                     const char *lead, size_t xen)
{
    char count[64];

    put_all(b, lead, "model pin: ", p->model, "\n", lead, "  file:     ",
            p->file, " in ", p->cpu_map, "\n", lead, "  libvirt:  ", NULL);
    if (p->libvirt_version)
        put_all(b, p->libvirt_version, " (from ", p->libvirt_version_from,
                ")\n", NULL);
    else
        xlc_buf_puts(b, "not stated by the data\n");
    put_all(b, lead, "  parents:  ", NULL);
    for (size_t i = 0; i < p->nr_parents; i++)
        put_all(b, i ? " <- " : "", p->parents[i], NULL);
    snprintf(count, sizeof(count), "%zu (%zu Xen can express):\n",
             p->nr_features, xen);
    put_all(b, p->nr_parents ? "" : "none", "\n", lead, "  sha256:   ",
            p->sha256, "\n", lead, "  features: ", count, NULL);
}

void xlc_model_pin_text(struct xlc_buf *b, const struct xlc_model_pin *p,
                        const char *lead)
{
    struct text_row *row = calloc(p->nr_features + 1, sizeof(*row));
    struct xlc_buf bits = XLC_BUF_INIT;
    size_t nr_xen = 0, width = 4, cwidth = 4, lead_len = strlen(lead);
    char where[BITS_MAX];

    if (!row) {
        b->oom = true;
        return;
    }
    /* Each feature's words and Xen name once: neither is free to find. */
    for (size_t i = 0; i < p->nr_features; i++) {
        size_t n = strlen(p->features[i].name);

        row[i].len = bits_put(&p->features[i], where);
        row[i].at = bits.len;
        xlc_buf_put(&bits, where, row[i].len);
        width = n > width ? n : width;
        cwidth = row[i].len > cwidth ? row[i].len : cwidth;
        row[i].xen = xlc_pin_feature_xen_name(&p->features[i]);
        nr_xen += row[i].xen != NULL;
    }
    pin_head(b, p, lead, nr_xen);
    for (size_t i = 0; i < p->nr_features && !bits.oom; i++)
        feature_line(b, lead, lead_len, p->features[i].name, width,
                     bits.s + row[i].at, row[i].len, cwidth, row[i].xen);
    b->oom |= bits.oom;
    xlc_buf_free(&bits);
    free(row);
}

/* ---- reading ---- */

struct rd {
    struct xlc_json_ctx j;
};

#define AT 200    /* a JSON path: model_pins[255].features[4095].bits[63]... */

/* A JSON path into out (AT bytes). */
static void at_path(char *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void at_path(char *out, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(out, AT, fmt, ap);
    va_end(ap);
}

static int get_str(struct rd *r, yajl_val v, const char *path, bool nullable,
                   char **out)
{
    *out = NULL;
    if (nullable && (!v || YAJL_IS_NULL(v)))
        return 0;
    if (!YAJL_IS_STRING(v))
        return xlc_json_bad(&r->j, path, nullable ? "expected a string or "
                                                    "null"
                                                  : "expected a string");
    if (strlen(v->u.string) > MAX_STRING || !v->u.string[0])
        return xlc_json_bad(&r->j, path, "empty, or longer than 4096 bytes");
    *out = strdup(v->u.string);
    return *out ? 0 : xlc_fail(r->j.err, ENOMEM, "out of memory");
}

static yajl_val get_array(struct rd *r, yajl_val obj, const char *key,
                          const char *path, size_t max, int *rc)
{
    yajl_val a = xlc_json_member(obj, key);
    char what[96];

    *rc = 0;
    if (!YAJL_IS_ARRAY(a)) {
        *rc = xlc_json_bad(&r->j, path, "expected an array");
        return NULL;
    }
    if (a->u.array.len > max) {
        snprintf(what, sizeof(what), "%zu entries, at most %zu are read",
                 a->u.array.len, max);
        *rc = xlc_fail(r->j.err, E2BIG, "%s: %s: %s", r->j.name, path, what);
        return NULL;
    }
    return a;
}

static int cpuid_bit(struct rd *r, yajl_val v, const char *path,
                     struct xlc_pin_bit *b)
{
    static const char *const keys[] = { "cpuid", "subleaf", "reg", "bit",
                                        NULL };
    yajl_val reg = xlc_json_member(v, "reg"), sub;
    char at[AT];
    uint64_t x = 0;
    int rc = xlc_json_check_keys(&r->j, v, path, keys, 4);

    at_path(at, "%s.cpuid", path);
    if (!rc)
        rc = xlc_json_uint(&r->j, xlc_json_member(v, "cpuid"), at, 32, &x);
    b->src = XFS_SRC_CPUID;
    b->leaf = (uint32_t)x;
    b->subleaf = XFS_NO_SUBLEAF;
    sub = xlc_json_member(v, "subleaf");
    at_path(at, "%s.subleaf", path);
    if (!rc && !YAJL_IS_NULL(sub)) {
        rc = xlc_json_uint(&r->j, sub, at, 32, &x);
        if (!rc && x == XFS_NO_SUBLEAF)
            rc = xlc_json_bad(&r->j, at, "0xffffffff: give null for none");
        b->subleaf = (uint32_t)x;
    }
    for (unsigned int k = XFS_EAX; !rc && k <= XFS_EDX; k++)
        if (YAJL_IS_STRING(reg) && !strcmp(reg->u.string, reg_names[k])) {
            b->reg = (enum xfs_reg)k;
            return 0;
        }
    at_path(at, "%s.reg", path);
    return rc ? rc : xlc_json_bad(&r->j, at, "expected eax, ebx, ecx or edx");
}

static int msr_bit(struct rd *r, yajl_val v, const char *path,
                   struct xlc_pin_bit *b)
{
    static const char *const keys[] = { "msr", "half", "bit", NULL };
    yajl_val half = xlc_json_member(v, "half");
    char at[AT];
    uint64_t x = 0;
    int rc = xlc_json_check_keys(&r->j, v, path, keys, 3);

    at_path(at, "%s.msr", path);
    if (!rc)
        rc = xlc_json_uint(&r->j, xlc_json_member(v, "msr"), at, 32, &x);
    b->src = XFS_SRC_MSR;
    b->leaf = (uint32_t)x;
    b->subleaf = 0;
    at_path(at, "%s.half", path);
    if (!rc && YAJL_IS_STRING(half) && !strcmp(half->u.string, "low"))
        b->reg = XFS_MSR_LO;
    else if (!rc && YAJL_IS_STRING(half) && !strcmp(half->u.string, "high"))
        b->reg = XFS_MSR_HI;
    else if (!rc)
        rc = xlc_json_bad(&r->j, at, "expected \"low\" or \"high\"");
    return rc;
}

static int get_bit(struct rd *r, yajl_val v, const char *path,
                   struct xlc_pin_bit *b)
{
    char at[AT];
    uint64_t x = 0;
    int rc;

    if (xlc_json_member(v, "msr"))
        rc = msr_bit(r, v, path, b);
    else
        rc = cpuid_bit(r, v, path, b);
    at_path(at, "%s.bit", path);
    if (!rc)
        rc = xlc_json_uint(&r->j, xlc_json_member(v, "bit"), at, 8, &x);
    if (!rc && x > 31)
        rc = xlc_json_bad(&r->j, at, "a register has bits 0 to 31");
    b->bit = (unsigned int)x;
    return rc;
}

static int get_feature(struct rd *r, yajl_val v, const char *path,
                       struct xlc_pin_feature *f)
{
    static const char *const keys[] = { "name", "bits", "xen", NULL };
    char at[AT];
    yajl_val a;
    int rc = xlc_json_check_keys(&r->j, v, path, keys, 2);

    at_path(at, "%s.name", path);
    if (!rc)
        rc = get_str(r, xlc_json_member(v, "name"), at, false, &f->name);
    at_path(at, "%s.bits", path);
    a = rc ? NULL : get_array(r, v, "bits", at, MAX_BITS, &rc);
    if (!rc && !a->u.array.len)
        rc = xlc_json_bad(&r->j, at, "a feature sets at least one bit");
    if (!rc && !(f->bits = calloc(a->u.array.len, sizeof(*f->bits))))
        rc = xlc_fail(r->j.err, ENOMEM, "out of memory");
    for (size_t i = 0; !rc && i < a->u.array.len; i++) {
        at_path(at, "%s.bits[%zu]", path, i);
        rc = get_bit(r, a->u.array.values[i], at, &f->bits[f->nr_bits++]);
    }
    return rc;
}

static int get_parents(struct rd *r, yajl_val v, const char *path,
                       struct xlc_model_pin *p)
{
    char at[AT];
    int rc;
    yajl_val a = get_array(r, v, "parents", path, MAX_PINS, &rc);

    if (!rc && a->u.array.len &&
        !(p->parents = calloc(a->u.array.len, sizeof(char *))))
        rc = xlc_fail(r->j.err, ENOMEM, "out of memory");
    for (size_t i = 0; !rc && i < a->u.array.len; i++) {
        at_path(at, "%s[%zu]", path, i);
        rc = get_str(r, a->u.array.values[i], at, false,
                     &p->parents[p->nr_parents++]);
    }
    return rc;
}

static int get_features(struct rd *r, yajl_val v, const char *path,
                        struct xlc_model_pin *p)
{
    char at[AT];
    int rc;
    yajl_val a = get_array(r, v, "features", path, MAX_FEATURES, &rc);

    if (!rc && !(p->features = calloc(a->u.array.len + 1,
                                      sizeof(*p->features))))
        rc = xlc_fail(r->j.err, ENOMEM, "out of memory");
    for (size_t i = 0; !rc && i < a->u.array.len; i++) {
        at_path(at, "%s[%zu]", path, i);
        rc = get_feature(r, a->u.array.values[i], at,
                         &p->features[p->nr_features++]);
        for (size_t k = 0; !rc && k + 1 < p->nr_features; k++)
            if (!strcmp(p->features[k].name, p->features[i].name))
                rc = xlc_json_bad(&r->j, at, "feature listed twice");
    }
    return rc;
}

/* The recorded hash must be what the recorded features give. */
static int check_hash(struct rd *r, yajl_val v, const char *path,
                      struct xlc_model_pin *p)
{
    yajl_val h = xlc_json_member(v, "sha256");
    char at[AT], want[XLC_SHA256_HEX], what[256];

    at_path(at, "%s.sha256", path);
    if (!YAJL_IS_STRING(h) || strlen(h->u.string) != XLC_SHA256_HEX - 1 ||
        strspn(h->u.string, "0123456789abcdef") != XLC_SHA256_HEX - 1)
        return xlc_json_bad(&r->j, at, "expected 64 lower-case hex digits");
    memcpy(p->sha256, h->u.string, XLC_SHA256_HEX);
    if (xlc_pin_hash(p->features, p->nr_features, want))
        return xlc_fail(r->j.err, ENOMEM, "out of memory");
    if (strcmp(want, p->sha256)) {
        snprintf(what, sizeof(what), "%s is not what the pin's features "
                 "give (%s): the pin was altered", p->sha256, want);
        return xlc_json_bad(&r->j, at, what);
    }
    return 0;
}

static int get_pin(struct rd *r, yajl_val v, const char *path,
                   struct xlc_model_pin *p)
{
    static const char *const keys[] = {
        "model", "cpu_map", "file", "parents", "sha256", "features",
        "vendor", "libvirt_version", "libvirt_version_from", "featureset",
        NULL };
    static const char *const strs[] = { "model", "cpu_map", "file" };
    char **dst[] = { &p->model, &p->cpu_map, &p->file };
    char at[AT];
    int rc = xlc_json_check_keys(&r->j, v, path, keys, 6);

    for (size_t i = 0; !rc && i < 3; i++) {
        at_path(at, "%s.%s", path, strs[i]);
        rc = get_str(r, xlc_json_member(v, strs[i]), at, false, dst[i]);
    }
    at_path(at, "%s.vendor", path);
    if (!rc)
        rc = get_str(r, xlc_json_member(v, "vendor"), at, true, &p->vendor);
    at_path(at, "%s.libvirt_version", path);
    if (!rc)
        rc = get_str(r, xlc_json_member(v, "libvirt_version"), at, true,
                     &p->libvirt_version);
    at_path(at, "%s.libvirt_version_from", path);
    if (!rc)
        rc = get_str(r, xlc_json_member(v, "libvirt_version_from"), at, true,
                     &p->libvirt_version_from);
    at_path(at, "%s.featureset", path);
    if (!rc && xlc_json_member(v, "featureset") &&
        !YAJL_IS_STRING(xlc_json_member(v, "featureset")))
        rc = xlc_json_bad(&r->j, at, "expected a string (it is not read: "
                          "what Xen makes of the features is recomputed)");
    at_path(at, "%s.parents", path);
    if (!rc)
        rc = get_parents(r, v, at, p);
    at_path(at, "%s.features", path);
    if (!rc)
        rc = get_features(r, v, at, p);
    return rc ? rc : check_hash(r, v, path, p);
}

static int get_pins(struct rd *r, yajl_val top, struct xlc_model_pins *out)
{
    yajl_val sha = xlc_json_member(top, "stream_sha256");
    char at[AT];
    int rc;
    yajl_val a;

    if (!YAJL_IS_OBJECT(top))
        return xlc_json_bad(&r->j, "top level", "expected an object");
    if (!xlc_json_member(top, "model_pins"))
        return xlc_json_bad(&r->j, "model_pins", "missing: no model pins "
                            "here (a named model's output, --json, or a "
                            "stream's pin file has them)");
    a = get_array(r, top, "model_pins", "model_pins", MAX_PINS, &rc);
    for (size_t i = 0; !rc && i < a->u.array.len; i++) {
        struct xlc_model_pin *p = calloc(1, sizeof(*p));

        at_path(at, "model_pins[%zu]", i);
        if (!p)
            return xlc_fail(r->j.err, ENOMEM, "out of memory");
        rc = get_pin(r, a->u.array.values[i], at, p);
        if (!rc && xlc_model_pins_find(out, p->model))
            rc = xlc_json_bad(&r->j, at, "a second pin of the same model");
        if (rc)
            xlc_model_pin_free(p);
        else
            rc = xlc_model_pins_take(out, p, r->j.err);
    }
    if (!rc && sha)
        rc = get_str(r, sha, "stream_sha256", false, &out->stream_sha256);
    return rc;
}

int xlc_model_pins_parse(const char *name, const char *text, size_t len,
                         struct xlc_model_pins *out, xlc_error *err)
{
    struct rd r = { .j = { name, err, 0, "a model pin file" } };
    yajl_val top;
    int rc;

    memset(out, 0, sizeof(*out));
    rc = xlc_json_parse(&r.j, text, len, &top);
    if (rc)
        return rc;
    rc = get_pins(&r, top, out);
    yajl_tree_free(top);
    if (rc)
        xlc_model_pins_free(out);
    return rc;
}

/*
 * A pin file is JSON our own commands write: `level --json` puts a pool's
 * hosts on one line, so a line is as long as the file may be.
 */
static const struct xlc_input_limits pin_file_limits = {
    "a file of model pins", MAX_FILE_BYTES, 0,
};

int xlc_model_pins_load(const char *path, struct xlc_model_pins *out,
                        xlc_error *err)
{
    char *text;
    size_t len;
    int rc;

    memset(out, 0, sizeof(*out));
    rc = xlc_read_input(path, &pin_file_limits, &text, &len, err);
    if (rc)
        return rc;
    rc = xlc_model_pins_parse(path, text, len, out, err);
    free(text);
    return rc;
}
