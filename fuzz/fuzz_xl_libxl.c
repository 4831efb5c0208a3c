/* SPDX-License-Identifier: MIT */
/*
 * Fuzz both cpuid= parsers against the installed libxenlight, and what
 * follows a parse (fuzz_xl_cpuid checks our parsers on their own; this
 * one is the differential).  The first input byte picks the form:
 *   even  the rest is one libxl-form string (xl's splitting on ',')
 *   odd   the rest is xend items, one per line
 * Checked on every input:
 *   - libxl's verdict and error number for every item, and the JSON of
 *     the list it builds, equal ours (item by item, as xl feeds it);
 *   - our whole-string parse accepts exactly when every item does, and
 *     then builds the same list; a refusal always carries a message;
 *   - applied to this machine's simulated HVM (or PV) policies, the list
 *     is applied or refused with a message; when applied, the shortest
 *     libxl-form string for the result parses and applies to the same
 *     featureset.
 * libxl.h needs GNU C, so the few libxenlight calls are declared here.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>

#include "libxl_cpuid/policy/cpu-policy.h"
#include "libxl_cpuid/xl/xl-cpuid.h"

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

static char *our_json(const struct xlc_xl_cpuid *l)
{
    struct xlc_buf b = XLC_BUF_INIT;

    xlc_xl_cpuid_json(&b, l);
    return xlc_buf_take(&b);
}

static void same_json(struct libxl__cpu_policy **l,
                      const struct xlc_xl_cpuid *ours)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    const unsigned char *buf;
    size_t len;
    char *j = our_json(ours);

    if (!g || !j || libxl_cpuid_policy_list_gen_json(g, l))
        abort();
    yajl_gen_get_buf(g, &buf, &len);
    if (strlen(j) != len || memcmp(j, buf, len))
        abort();
    yajl_gen_free(g);
    free(j);
}

/* Every item through both parsers, one by one; returns the bad count. */
static int items(char *s, bool xend, struct xlc_xl_cpuid *l, bool *host)
{
    struct libxl__cpu_policy *lx = NULL;
    char *save = NULL, *p;
    int bad = 0;

    p = strtok_r(s, xend ? "\n" : ",", &save);
    *host = xend || (p && !strcmp(p, "host"));
    if (!*host)
        return 0;
    if (!xend)
        p = strtok_r(NULL, ",", &save);
    for (; p; p = strtok_r(NULL, xend ? "\n" : ",", &save)) {
        xlc_error err = { 0 };
        int rc, r = xend ? xlc_xl_cpuid_parse_xend(l, p, &rc, &err)
                         : xlc_xl_cpuid_parse_item(l, p, &rc, &err);

        if (rc != theirs(&lx, p, xend) || (r != 0) != (rc != 0) ||
            (r && !err.msg[0]))
            abort();
        bad += r != 0;
    }
    same_json(&lx, l);
    libxl_cpuid_dispose(&lx);
    return bad;
}

static struct xlc_system_policies *sys;

static void round_trip(const struct xlc_xl_applied *a, enum xlc_guest_type t)
{
    struct xlc_xl_cpuid l = { 0 };
    struct xlc_xl_applied *b = calloc(1, sizeof(*b));
    xlc_error err = { 0 };
    char *s;

    if (!b || xlc_xl_cpuid_reverse(a->fs, a->def, &s, &err))
        abort();
    if (xlc_xl_cpuid_parse(&l, s, NULL, NULL, &err) ||
        xlc_xl_cpuid_apply(sys, t, &l, b, &err) ||
        memcmp(a->fs, b->fs, sizeof(a->fs)))
        abort();
    free(s);
    free(b);
    xlc_xl_cpuid_free(&l);
}

static void apply(const struct xlc_xl_cpuid *l, enum xlc_guest_type t)
{
    struct xlc_xl_applied *a = calloc(1, sizeof(*a));
    xlc_error err = { 0 };
    int r;

    if (!a)
        abort();
    r = xlc_xl_cpuid_apply(sys, t, l, a, &err);
    if (r && ((r != -EINVAL && r != -ENODEV) || !err.msg[0]))
        abort();
    if (!r)
        round_trip(a, t);
    free(a);
}

/* The whole string through our own splitting agrees with item by item. */
static void whole(const uint8_t *data, size_t size, bool xend, int bad,
                  bool host, const struct xlc_xl_cpuid *items_list)
{
    struct xlc_xl_cpuid l = { 0 };
    xlc_error err = { 0 };
    char *s = malloc(size);
    int r;

    if (!s)
        abort();
    memcpy(s, data + 1, size - 1);
    s[size - 1] = '\0';
    if (xend || !s[strspn(s, ",")]) {
        free(s);
        return;
    }
    r = xlc_xl_cpuid_parse(&l, s, NULL, NULL, &err);
    if ((r == 0) != (host && !bad) || (r && !err.msg[0]))
        abort();
    if (!r) {
        char *a = our_json(&l), *b = our_json(items_list);

        if (!a || !b || strcmp(a, b))
            abort();
        free(a);
        free(b);
    }
    xlc_xl_cpuid_free(&l);
    free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xlc_xl_cpuid l = { 0 };
    bool xend, host;
    char *s;
    int bad;

    if (size < 1 || size > 4096)
        return 0;
    if (!sys) {
        struct xlc_sim_opts o = { NULL, false, NULL };

        if (xlc_system_policies_load(&o, &sys, NULL))
            abort();
    }
    xend = data[0] & 1;
    s = malloc(size);
    if (!s)
        return 0;
    memcpy(s, data + 1, size - 1);
    s[size - 1] = '\0';
    bad = items(s, xend, &l, &host);
    whole(data, size, xend, bad, host, &l);
    if (host && !bad)
        apply(&l, data[0] & 2 ? XLC_GUEST_PV : XLC_GUEST_HVM);
    xlc_xl_cpuid_free(&l);
    free(s);
    return 0;
}
