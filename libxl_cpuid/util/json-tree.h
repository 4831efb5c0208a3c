/* SPDX-License-Identifier: MIT */
/*
 * Reading a JSON document with yajl's tree parser (the JSON library
 * libxenlight uses), for every JSON reader of the library (policy files,
 * model pins): syntax errors located by line:column, nesting bounded
 * before yajl builds (and later frees, recursively) the tree, and the
 * checks each reader makes on objects and numbers.  Every message starts
 * with the document's name; after a syntax error, it names the JSON path
 * of the offending value.
 */
#ifndef LIBXL_CPUID_JSON_TREE_H
#define LIBXL_CPUID_JSON_TREE_H

#include <stddef.h>
#include <stdint.h>

#include <yajl/yajl_tree.h>

#include "error.h"

/* Internal: not exported from libxl_cpuid.so. */
#pragma GCC visibility push(hidden)

/* Arrays and objects nested deeper than this are refused. */
#define XLC_JSON_MAX_DEPTH 64u

struct xlc_json_ctx {
    const char *name;            /* the document, for messages */
    xlc_error *err;
    /* Nesting allowed (0: XLC_JSON_MAX_DEPTH), and what the document is,
     * for the message naming the limit (NULL: "a JSON document"). */
    unsigned int max_depth;
    const char *what;
};

/*
 * Parse len bytes of text (comments allowed, NUL bytes refused, nesting
 * at most j->max_depth) into *out (yajl_tree_free() it).
 */
int xlc_json_parse(const struct xlc_json_ctx *j, const char *text, size_t len,
                   yajl_val *out);

/* "NAME: PATH: WHAT" as -EINVAL. */
int xlc_json_bad(const struct xlc_json_ctx *j, const char *path,
                 const char *what);

/* The member `key` of an object, or NULL. */
yajl_val xlc_json_member(yajl_val obj, const char *key);

/*
 * Check an object's keys: each in `allowed` (NULL-terminated), none twice,
 * the first `nr_required` present.  `path` names the object.
 */
int xlc_json_check_keys(const struct xlc_json_ctx *j, yajl_val obj,
                        const char *path, const char *const *allowed,
                        size_t nr_required);

/* A "0x..." string of at most `bits` bits, or a plain integer. */
int xlc_json_uint(const struct xlc_json_ctx *j, yajl_val v, const char *path,
                  unsigned int bits, uint64_t *out);

#pragma GCC visibility pop

#endif /* LIBXL_CPUID_JSON_TREE_H */
