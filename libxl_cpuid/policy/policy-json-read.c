/* SPDX-License-Identifier: MIT */
/*
 * Reading the JSON policy file through the library's JSON reader
 * (util/json-tree.h): syntax errors are located by line:column; every
 * other error names the JSON path of the offending value.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../xen/lib/cpu-policy-limits.h"
#include "policy-json.h"
#include "../migration/stream-check.h"
#include "../util/json-tree.h"
#include "../util/read-file.h"

/* The array under `key` (absent = empty), at most `max` long: a longer one
 * is refused here, before anything is allocated. */
static int get_array(const struct xlc_json_ctx *j, yajl_val top,
                     const char *key, size_t max, yajl_val *out)
{
    yajl_val a = xlc_json_member(top, key);
    char what[96];

    *out = NULL;
    if (!a)
        return 0;
    if (!YAJL_IS_ARRAY(a))
        return xlc_json_bad(j, key, "expected an array");
    if (a->u.array.len > max) {
        snprintf(what, sizeof(what),
                 "%zu entries; Xen 4.17's policy holds at most %zu",
                 a->u.array.len, max);
        return xlc_fail(j->err, E2BIG, "%s: %s: %s", j->name, key, what);
    }
    *out = a;
    return 0;
}

static int get_leaf(const struct xlc_json_ctx *j, yajl_val v, size_t i,
                    struct xfs_cpuid_leaf *l)
{
    static const char *const keys[] = { "leaf", "subleaf", "eax", "ebx",
                                        "ecx", "edx", NULL };
    uint32_t *dst[] = { &l->leaf, &l->subleaf, &l->a, &l->b, &l->c, &l->d };
    char path[64];
    int rc;

    snprintf(path, sizeof(path), "cpuid[%zu]", i);
    rc = xlc_json_check_keys(j, v, path, keys, 6);
    for (size_t k = 0; !rc && k < 6; k++) {
        uint64_t x;

        snprintf(path, sizeof(path), "cpuid[%zu].%s", i, keys[k]);
        rc = xlc_json_uint(j, xlc_json_member(v, keys[k]), path, 32, &x);
        *dst[k] = (uint32_t)x;
    }
    return rc;
}

static int get_msr(const struct xlc_json_ctx *j, yajl_val v, size_t i,
                   struct xfs_msr_entry *m)
{
    static const char *const keys[] = { "index", "value", NULL };
    char path[64];
    uint64_t x;
    int rc;

    snprintf(path, sizeof(path), "msr[%zu]", i);
    rc = xlc_json_check_keys(j, v, path, keys, 2);
    if (!rc) {
        snprintf(path, sizeof(path), "msr[%zu].index", i);
        rc = xlc_json_uint(j, xlc_json_member(v, "index"), path, 32, &x);
        m->idx = (uint32_t)x;
    }
    if (!rc) {
        snprintf(path, sizeof(path), "msr[%zu].value", i);
        rc = xlc_json_uint(j, xlc_json_member(v, "value"), path, 64,
                           &m->val);
    }
    m->flags = 0;
    return rc;
}

static int get_header(const struct xlc_json_ctx *j, yajl_val top,
                      uint32_t *type)
{
    static const char *const keys[] = { "format", "version", "type", "cpuid",
                                        "msr", NULL };
    yajl_val v;
    uint64_t ver;
    int rc = xlc_json_check_keys(j, top, "top level", keys, 2);

    if (rc)
        return rc;
    v = xlc_json_member(top, "format");
    if (!YAJL_IS_STRING(v) || strcmp(v->u.string, XLC_POLICY_JSON_FORMAT))
        return xlc_json_bad(j, "format",
                            "expected \"" XLC_POLICY_JSON_FORMAT "\"");
    rc = xlc_json_uint(j, xlc_json_member(top, "version"), "version", 32,
                       &ver);
    if (rc)
        return rc;
    if (ver != XLC_POLICY_JSON_VERSION)
        return xlc_json_bad(j, "version", "only version 1 is understood");
    *type = 0;
    v = xlc_json_member(top, "type");
    if (!v)
        return 0;
    if (YAJL_IS_STRING(v) && !strcmp(v->u.string, "pv"))
        *type = XFS_STREAM_DOM_X86_PV;
    else if (YAJL_IS_STRING(v) && !strcmp(v->u.string, "hvm"))
        *type = XFS_STREAM_DOM_X86_HVM;
    else
        return xlc_json_bad(j, "type", "expected \"pv\" or \"hvm\"");
    return 0;
}

static int get_entries(const struct xlc_json_ctx *j, yajl_val top,
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
    struct xlc_json_ctx j = { name, err, XLC_POLICY_JSON_MAX_DEPTH,
                              "a policy file" };
    struct xlc_entries_origin origin = { NULL, false, 0, false };
    char what[256];
    uint32_t type = 0;
    bool cpuid_given;
    yajl_val top;
    int rc;

    memset(out, 0, sizeof(*out));
    if (len > XLC_POLICY_JSON_MAX_BYTES)
        return xlc_fail(err, EFBIG, "%s: larger than %u MiB, the limit for "
                        "a policy file", name,
                        XLC_POLICY_JSON_MAX_BYTES >> 20);
    rc = xlc_check_text(name, text, len, &xlc_policy_json_limits, err);
    if (!rc)
        rc = xlc_json_parse(&j, text, len, &top);
    if (rc)
        return rc;
    rc = get_header(&j, top, &type);
    if (!rc)
        rc = get_entries(&j, top, out);
    cpuid_given = !rc && xlc_json_member(top, "cpuid");
    yajl_tree_free(top);
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
