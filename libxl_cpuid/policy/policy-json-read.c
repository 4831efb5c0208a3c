/* SPDX-License-Identifier: MIT */
/*
 * Reading the JSON policy file with yajl's tree parser (the JSON library
 * libxenlight uses).  Syntax errors are located by line:column; every other
 * error names the JSON path of the offending value.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>
#include <yajl/yajl_tree.h>

#include "../../xen/lib/cpu-policy-limits.h"
#include "policy-json.h"
#include "../migration/stream-check.h"
#include "../util/read-file.h"

struct jctx {
    const char *name;
    xlc_error *err;
};

/* ---- the first pass: syntax and depth, before any tree is built ---- */

static void line_col(const char *text, size_t off, unsigned *line,
                     unsigned *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off; i++) {
        if (text[i] == '\n') {
            ++*line;
            *col = 1;
        } else {
            ++*col;
        }
    }
}

/* yajl's tree code recurses once per level: the depth is bounded first. */
static int open_level(void *ctx)
{
    unsigned int *depth = ctx;

    return ++*depth <= XLC_POLICY_JSON_MAX_DEPTH;
}

static int close_level(void *ctx)
{
    unsigned int *depth = ctx;

    --*depth;
    return 1;
}

static const yajl_callbacks depth_only = {
    .yajl_start_map = open_level,
    .yajl_end_map = close_level,
    .yajl_start_array = open_level,
    .yajl_end_array = close_level,
};

/*
 * Parse the text with yajl's streaming parser, building nothing: a syntax
 * error is reported at its line:column, and so is the first value nested
 * past XLC_POLICY_JSON_MAX_DEPTH.
 */
static int check_syntax(const struct jctx *j, const char *text, size_t len)
{
    unsigned int depth = 0;
    yajl_handle h = yajl_alloc(&depth_only, NULL, &depth);
    unsigned char *msg = NULL;
    size_t off = len;
    unsigned line, col;
    char what[256] = "JSON syntax error";
    yajl_status st;

    if (!h)
        return xlc_fail(j->err, ENOMEM, "%s: out of memory", j->name);
    /* As yajl_tree_parse() reads it. */
    yajl_config(h, yajl_allow_comments, 1);
    st = yajl_parse(h, (const unsigned char *)text, len);
    if (st == yajl_status_ok)
        st = yajl_complete_parse(h);
    else
        off = yajl_get_bytes_consumed(h);
    if (st == yajl_status_client_canceled) {
        snprintf(what, sizeof(what), "nested deeper than %u levels, the "
                 "limit for a policy file", XLC_POLICY_JSON_MAX_DEPTH);
        if (off)
            off--;
    } else if (st != yajl_status_ok) {
        msg = yajl_get_error(h, 0, (const unsigned char *)text, len);
    }
    if (msg) {
        snprintf(what, sizeof(what), "%s", (const char *)msg);
        what[strcspn(what, "\n")] = '\0';
        yajl_free_error(h, msg);
    }
    yajl_free(h);
    if (st == yajl_status_ok)
        return 0;
    if (off > len)
        off = len;
    line_col(text, off, &line, &col);
    return xlc_fail(j->err, st == yajl_status_client_canceled ? E2BIG
                                                              : EINVAL,
                    "%s:%u:%u: %s", j->name, line, col, what);
}

/* ---- values ---- */

static int bad(const struct jctx *j, const char *path, const char *what)
{
    return xlc_fail(j->err, EINVAL, "%s: %s: %s", j->name, path, what);
}

static bool parse_hex(const char *s, unsigned max_digits, uint64_t *out)
{
    size_t n;

    if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
        return false;
    s += 2;
    n = strlen(s);
    if (!n || n > max_digits || strspn(s, "0123456789abcdefABCDEF") != n)
        return false;
    *out = strtoull(s, NULL, 16);
    return true;
}

static bool parse_dec(const char *s, uint64_t max, uint64_t *out)
{
    size_t n = strlen(s);
    uint64_t v = 0;

    if (!n || strspn(s, "0123456789") != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned d = (unsigned)(s[i] - '0');

        if (v > (max - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

/* A "0x..." string of at most `bits` bits, or a plain integer. */
static int get_uint(const struct jctx *j, yajl_val v, const char *path,
                    unsigned bits, uint64_t *out)
{
    uint64_t max = bits == 64 ? UINT64_MAX : (1ull << bits) - 1;
    char what[96];

    if (YAJL_IS_STRING(v) && parse_hex(v->u.string, bits / 4, out))
        return 0;
    if (YAJL_IS_NUMBER(v) && parse_dec(v->u.number.r, max, out))
        return 0;
    snprintf(what, sizeof(what),
             "expected a %u-bit value: a \"0x\" string of 1 to %u hex digits "
             "or a non-negative integer",
             bits, bits / 4);
    return bad(j, path, what);
}

/*
 * Check an object's keys: each in `allowed` (NULL-terminated), none twice,
 * the first `nr_required` present.  `path` names the object.
 */
static int check_keys(const struct jctx *j, yajl_val obj, const char *path,
                      const char *const *allowed, size_t nr_required)
{
    char at[128];

    if (!YAJL_IS_OBJECT(obj))
        return bad(j, path, "expected an object");
    for (size_t i = 0; i < obj->u.object.len; i++) {
        const char *k = obj->u.object.keys[i];
        size_t a = 0;

        while (allowed[a] && strcmp(allowed[a], k))
            a++;
        snprintf(at, sizeof(at), "%s.%s", path, k);
        if (!allowed[a])
            return bad(j, at, "unknown key");
        for (size_t p = 0; p < i; p++)
            if (!strcmp(obj->u.object.keys[p], k))
                return bad(j, at, "key given twice");
    }
    for (size_t r = 0; r < nr_required; r++) {
        bool found = false;

        for (size_t i = 0; i < obj->u.object.len; i++)
            found |= !strcmp(obj->u.object.keys[i], allowed[r]);
        if (!found) {
            snprintf(at, sizeof(at), "%s.%s", path, allowed[r]);
            return bad(j, at, "missing");
        }
    }
    return 0;
}

static yajl_val member(yajl_val obj, const char *key)
{
    for (size_t i = 0; i < obj->u.object.len; i++)
        if (!strcmp(obj->u.object.keys[i], key))
            return obj->u.object.values[i];
    return NULL;
}

/* The array under `key` (absent = empty), at most `max` long: a longer one
 * is refused here, before anything is allocated. */
static int get_array(const struct jctx *j, yajl_val top, const char *key,
                     size_t max, yajl_val *out)
{
    yajl_val a = member(top, key);
    char what[96];

    *out = NULL;
    if (!a)
        return 0;
    if (!YAJL_IS_ARRAY(a))
        return bad(j, key, "expected an array");
    if (a->u.array.len > max) {
        snprintf(what, sizeof(what),
                 "%zu entries; Xen 4.17's policy holds at most %zu",
                 a->u.array.len, max);
        return xlc_fail(j->err, E2BIG, "%s: %s: %s", j->name, key, what);
    }
    *out = a;
    return 0;
}

static int get_leaf(const struct jctx *j, yajl_val v, size_t i,
                    struct xfs_cpuid_leaf *l)
{
    static const char *const keys[] = { "leaf", "subleaf", "eax", "ebx",
                                        "ecx", "edx", NULL };
    uint32_t *dst[] = { &l->leaf, &l->subleaf, &l->a, &l->b, &l->c, &l->d };
    char path[64];
    int rc;

    snprintf(path, sizeof(path), "cpuid[%zu]", i);
    rc = check_keys(j, v, path, keys, 6);
    for (size_t k = 0; !rc && k < 6; k++) {
        uint64_t x;

        snprintf(path, sizeof(path), "cpuid[%zu].%s", i, keys[k]);
        rc = get_uint(j, member(v, keys[k]), path, 32, &x);
        *dst[k] = (uint32_t)x;
    }
    return rc;
}

static int get_msr(const struct jctx *j, yajl_val v, size_t i,
                   struct xfs_msr_entry *m)
{
    static const char *const keys[] = { "index", "value", NULL };
    char path[64];
    uint64_t x;
    int rc;

    snprintf(path, sizeof(path), "msr[%zu]", i);
    rc = check_keys(j, v, path, keys, 2);
    if (!rc) {
        snprintf(path, sizeof(path), "msr[%zu].index", i);
        rc = get_uint(j, member(v, "index"), path, 32, &x);
        m->idx = (uint32_t)x;
    }
    if (!rc) {
        snprintf(path, sizeof(path), "msr[%zu].value", i);
        rc = get_uint(j, member(v, "value"), path, 64, &m->val);
    }
    m->flags = 0;
    return rc;
}

static int get_header(const struct jctx *j, yajl_val top, uint32_t *type)
{
    static const char *const keys[] = { "format", "version", "type", "cpuid",
                                        "msr", NULL };
    yajl_val v;
    uint64_t ver;
    int rc = check_keys(j, top, "top level", keys, 2);

    if (rc)
        return rc;
    v = member(top, "format");
    if (!YAJL_IS_STRING(v) || strcmp(v->u.string, XLC_POLICY_JSON_FORMAT))
        return bad(j, "format", "expected \"" XLC_POLICY_JSON_FORMAT "\"");
    rc = get_uint(j, member(top, "version"), "version", 32, &ver);
    if (rc)
        return rc;
    if (ver != XLC_POLICY_JSON_VERSION)
        return bad(j, "version", "only version 1 is understood");
    *type = 0;
    v = member(top, "type");
    if (!v)
        return 0;
    if (YAJL_IS_STRING(v) && !strcmp(v->u.string, "pv"))
        *type = XFS_STREAM_DOM_X86_PV;
    else if (YAJL_IS_STRING(v) && !strcmp(v->u.string, "hvm"))
        *type = XFS_STREAM_DOM_X86_HVM;
    else
        return bad(j, "type", "expected \"pv\" or \"hvm\"");
    return 0;
}

static int get_entries(const struct jctx *j, yajl_val top,
                       struct xlc_policy_entries *e)
{
    yajl_val leaves, msrs;
    int rc = get_array(j, top, "cpuid", XFS_CPUID_MAX_SERIALISED_LEAVES,
                       &leaves);

    if (!rc)
        rc = get_array(j, top, "msr", XFS_MSR_MAX_SERIALISED_ENTRIES, &msrs);
    if (rc)
        return rc;
    if (leaves && leaves->u.array.len &&
        !(e->leaves = calloc(leaves->u.array.len, sizeof(*e->leaves))))
        return xlc_fail(j->err, ENOMEM, "%s: out of memory", j->name);
    if (msrs && msrs->u.array.len &&
        !(e->msrs = calloc(msrs->u.array.len, sizeof(*e->msrs))))
        return xlc_fail(j->err, ENOMEM, "%s: out of memory", j->name);
    for (size_t i = 0; !rc && leaves && i < leaves->u.array.len; i++, e->nr_leaves++)
        rc = get_leaf(j, leaves->u.array.values[i], i, &e->leaves[i]);
    for (size_t i = 0; !rc && msrs && i < msrs->u.array.len; i++, e->nr_msrs++)
        rc = get_msr(j, msrs->u.array.values[i], i, &e->msrs[i]);
    return rc;
}

int xlc_policy_json_parse(const char *name, const char *text, size_t len,
                          struct xlc_policy_entries *out,
                          uint32_t *domain_type, xlc_error *err)
{
    struct jctx j = { name, err };
    struct xlc_entries_origin origin = { NULL, false, 0, false };
    char what[256];
    uint32_t type = 0;
    bool cpuid_given;
    yajl_val top;
    char *copy;
    int rc;

    memset(out, 0, sizeof(*out));
    if (len > XLC_POLICY_JSON_MAX_BYTES)
        return xlc_fail(err, EFBIG, "%s: larger than %u MiB, the limit for "
                        "a policy file", name,
                        XLC_POLICY_JSON_MAX_BYTES >> 20);
    rc = xlc_check_text(name, text, len, &xlc_policy_json_limits, err);
    if (!rc)
        rc = check_syntax(&j, text, len);
    if (rc)
        return rc;
    copy = malloc(len + 1);
    if (!copy)
        return xlc_fail(err, ENOMEM, "%s: out of memory", name);
    memcpy(copy, text, len);
    copy[len] = '\0';
    top = yajl_tree_parse(copy, NULL, 0);
    if (!top) {
        free(copy);
        return xlc_fail(err, ENOMEM, "%s: out of memory", name);
    }
    rc = get_header(&j, top, &type);
    if (!rc)
        rc = get_entries(&j, top, out);
    cpuid_given = !rc && member(top, "cpuid");
    yajl_tree_free(top);
    free(copy);
    snprintf(what, sizeof(what), "%s:", name);
    origin.what = what;
    if (!rc)
        rc = xlc_check_cpuid_entries(out->leaves, out->nr_leaves, &origin,
                                     err);
    if (!rc)
        rc = xlc_check_msr_entries(out->msrs, out->nr_msrs, &origin, err);
    /*
     * A policy without leaves would be recorded as a stream without CPUID
     * records, which a restore takes for a guest of a Xen before 4.14, and
     * levelled as a host without features: never what the file meant.
     */
    if (!rc && !out->nr_leaves)
        rc = xlc_fail(err, EINVAL, "%s: no CPUID leaves (\"cpuid\" is %s): "
                      "a policy file states the guest's CPUID policy", name,
                      cpuid_given ? "empty" : "missing");
    if (rc) {
        xlc_policy_entries_free(out);
        return rc;
    }
    if (domain_type)
        *domain_type = type;
    return 0;
}

const struct xlc_input_limits xlc_policy_json_limits = {
    "a policy file", XLC_POLICY_JSON_MAX_BYTES, XLC_POLICY_JSON_MAX_LINE,
};

int xlc_policy_json_load(const char *path, struct xlc_policy_entries *out,
                         uint32_t *domain_type, xlc_error *err)
{
    char *text;
    size_t len;
    int rc;

    memset(out, 0, sizeof(*out));
    rc = xlc_read_input(path, &xlc_policy_json_limits, &text, &len, err);
    if (rc)
        return rc;
    rc = xlc_policy_json_parse(path, text, len, out, domain_type, err);
    free(text);
    return rc;
}
