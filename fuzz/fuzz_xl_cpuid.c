/* SPDX-License-Identifier: MIT */
/*
 * Fuzz both cpuid= parsers against the installed libxenlight, and what
 * follows a parse.  The first input byte picks the form:
 *   even  the rest is one libxl-form string (xl's splitting on ',')
 *   odd   the rest is xend items, one per line
 * Checked on every input:
 *   - libxl's verdict for every item, and its list's JSON, equal ours;
 *   - a refusal always carries a message;
 *   - applying the list to a synthetic HVM host either works or fails
 *     with EINVAL/ENOTSUP and a message; when it works, the shortest
 *     libxl-form string for the result parses, applies to the same
 *     featureset, and the xend form does too.
 * libxl.h needs GNU C, so the few libxenlight calls are declared here.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>

#include "libxl_cpuid/xl-cpuid-apply.h"
#include "libxl_cpuid/xl-cpuid.h"

struct libxl__cpu_policy;
int libxl_cpuid_parse_config(struct libxl__cpu_policy **cpuid,
                             const char *str);
int libxl_cpuid_parse_config_xend(struct libxl__cpu_policy **cpuid,
                                  const char *str);
void libxl_cpuid_dispose(struct libxl__cpu_policy **cpuid);
yajl_gen_status libxl_cpuid_policy_list_gen_json(yajl_gen hand,
                                                 struct libxl__cpu_policy **p);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__lsan_default_suppressions(void);

/* libxl leaks the masks it overwrites: not ours to report. */
const char *__lsan_default_suppressions(void)
{
    return "leak:libxenlight.so\n";
}

#define N XFS_NR_WORDS

static int theirs(struct libxl__cpu_policy **l, const char *item, bool xend)
{
    size_t n = strlen(item);
    char *copy = calloc(n + 4, 1); /* libxl may read str[2] of "e" */
    int rc;

    if (!copy)
        abort();
    memcpy(copy, item, n);
    rc = xend ? libxl_cpuid_parse_config_xend(l, copy)
              : libxl_cpuid_parse_config(l, copy);
    free(copy);
    return rc;
}

static void same_json(struct libxl__cpu_policy **l,
                      const struct xlc_xl_list *ours)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    const unsigned char *buf;
    size_t len;
    char *j = xlc_xl_list_json(ours);

    if (!g || !j || libxl_cpuid_policy_list_gen_json(g, l))
        abort();
    yajl_gen_get_buf(g, &buf, &len);
    if (strlen(j) != len || memcmp(j, buf, len))
        abort();
    yajl_gen_free(g);
    free(j);
}

/* Every item through both parsers, one by one. */
static int items(char *s, bool xend, struct xlc_xl_list *l)
{
    struct libxl__cpu_policy *lx = NULL;
    char *save = NULL, *p;
    int bad = 0;

    p = strtok_r(s, xend ? "\n" : ",", &save);
    if (!xend && p && strcmp(p, "host"))
        return -1;
    if (!xend && p)
        p = strtok_r(NULL, ",", &save);
    for (; p; p = strtok_r(NULL, xend ? "\n" : ",", &save)) {
        xlc_error err = { 0 };
        int rc, r = xend ? xlc_xl_parse_config_xend(l, p, &rc, &err)
                         : xlc_xl_parse_config(l, p, &rc, &err);

        if (rc != theirs(&lx, p, xend) || (r != 0) != (rc != 0) ||
            (r && !err.msg[0]))
            abort();
        bad += r != 0;
    }
    same_json(&lx, l);
    libxl_cpuid_dispose(&lx);
    return bad;
}

static void synthetic_host(uint32_t def[N], uint32_t max[N], uint32_t host[N])
{
    memcpy(max, xfs_static_masks[XFS_MASK_HVM_HAP_MAX], N * sizeof(*max));
    memcpy(def, xfs_static_masks[XFS_MASK_HVM_HAP_DEF], N * sizeof(*def));
    xfs_apply_deep_deps(max, N);
    xfs_and(def, N, def, N, max, N);
    xfs_apply_deep_deps(def, N);
    memcpy(host, max, N * sizeof(*host));
}

static void reapply(const struct xlc_xl_list *l, const struct xlc_xl_host *h,
                    const uint32_t want[N])
{
    struct xlc_xl_applied a;
    xlc_error err = { 0 };

    if (xlc_xl_apply(l, h, &a, &err) || memcmp(a.fs, want, N * 4))
        abort();
    xlc_xl_applied_free(&a);
}

static void round_trip(const uint32_t want[N], const struct xlc_xl_host *h)
{
    struct xlc_xl_list l = XLC_XL_LIST_INIT, x = XLC_XL_LIST_INIT;
    xlc_error err = { 0 };
    char *s, **v;
    size_t nr;

    if (xlc_xl_reverse(want, h, &s, &err) ||
        xlc_xl_parse_string(&l, s, &err))
        abort();
    reapply(&l, h, want);
    if (!xlc_xl_reverse_xend(want, h, &v, &nr, &err)) {
        if (xlc_xl_parse_xend_list(&x, (const char *const *)v, nr, &err))
            abort();
        reapply(&x, h, want);
        xlc_xl_free_items(v, nr);
    } else if (err.code != EINVAL) {
        abort();
    }
    free(s);
    xlc_xl_list_free(&l);
    xlc_xl_list_free(&x);
}

static void apply(const struct xlc_xl_list *l)
{
    uint32_t def[N], max[N], host[N];
    struct xlc_xl_host h = { XLC_GUEST_HVM, def, max, host };
    struct xlc_xl_applied a;
    xlc_error err = { 0 };
    int r;

    synthetic_host(def, max, host);
    r = xlc_xl_apply(l, &h, &a, &err);
    if (r) {
        if ((r != -EINVAL && r != -ENOTSUP) || !err.msg[0])
            abort();
        return;
    }
    if (!xfs_subset(a.fs, N, max, N) || !xfs_deps_closed(a.fs, N))
        abort();
    round_trip(a.fs, &h);
    xlc_xl_applied_free(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xlc_xl_list l = XLC_XL_LIST_INIT;
    bool xend;
    char *s;

    if (size < 1 || size > 4096)
        return 0;
    xend = data[0] & 1;
    s = malloc(size);
    if (!s)
        return 0;
    memcpy(s, data + 1, size - 1);
    s[size - 1] = '\0';
    if (items(s, xend, &l) == 0)
        apply(&l);
    xlc_xl_list_free(&l);
    free(s);
    return 0;
}
