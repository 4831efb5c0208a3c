/* SPDX-License-Identifier: MIT */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include <libxl.h>
#include <yajl/yajl_gen.h>

#include "libxl_cpuid/xl/xl-cpuid.h"
#include "xl-oracle.h"

/* Exported by libxenlight; its header (libxl_json.h) wants yajl 1 macros. */
yajl_gen_status libxl_cpuid_policy_list_gen_json(yajl_gen hand,
                                                 libxl_cpuid_policy_list *p);

/*
 * libxl leaks a replaced xend mask and the masks of a leaf-0xffffffff
 * element (quirks X2/X7); under LeakSanitizer, its allocations are not
 * ours to report.
 */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define LSAN_OFF() __lsan_disable()
#define LSAN_ON() __lsan_enable()
#else
#define LSAN_OFF() ((void)0)
#define LSAN_ON() ((void)0)
#endif

/*
 * libxl's xend parser reads one byte past a string ending in "e"; a copy
 * with zero padding makes that byte defined (and 0, as we assume).
 */
static char *padded(const char *s, size_t len)
{
    char *p = calloc(len + 8, 1);
    if (p)
        memcpy(p, s, len);
    return p;
}

static char *list_json(libxl_cpuid_policy_list *l)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    const unsigned char *buf;
    size_t n;
    char *out = NULL;

    if (!g)
        return NULL;
    if (libxl_cpuid_policy_list_gen_json(g, l) == yajl_gen_status_ok &&
        yajl_gen_get_buf(g, &buf, &n) == yajl_gen_status_ok &&
        (out = malloc(n + 1))) {
        memcpy(out, buf, n);
        out[n] = '\0';
    }
    yajl_gen_free(g);
    return out;
}

void xo_libxl_form(const char *str, struct xo_result *out)
{
    char *copy = strdup(str), *save = NULL;
    libxl_cpuid_policy_list l = NULL;
    unsigned int no = 1;
    char *w = copy ? strtok_r(copy, ",", &save) : NULL;

    memset(out, 0, sizeof(*out));
    LSAN_OFF();
    if (!w || strcmp(w, "host") != 0) {
        out->rc = XLC_XL_NOT_HOST;
        out->item_no = 1;
        w = NULL;
    } else {
        w = strtok_r(NULL, ",", &save);
    }
    for (; w; w = strtok_r(NULL, ",", &save)) {
        char *item = padded(w, strlen(w));
        no++;
        out->rc = libxl_cpuid_parse_config(&l, item);
        free(item);
        if (out->rc) {
            out->item_no = no;
            break;
        }
    }
    out->json = list_json(&l);
    libxl_cpuid_dispose(&l);
    LSAN_ON();
    free(copy);
}

void xo_xend_form(const char *const *strs, size_t nr, struct xo_result *out)
{
    libxl_cpuid_policy_list l = NULL;

    memset(out, 0, sizeof(*out));
    LSAN_OFF();
    for (size_t i = 0; i < nr && !out->rc; i++) {
        char *s = padded(strs[i], strlen(strs[i]));
        out->rc = libxl_cpuid_parse_config_xend(&l, s);
        out->item_no = (unsigned int)i + 1;
        free(s);
    }
    if (!out->rc)
        out->item_no = 0;
    out->json = list_json(&l);
    libxl_cpuid_dispose(&l);
    LSAN_ON();
}

static char *our_json(struct xlc_xl_cpuid *l)
{
    struct xlc_buf b = XLC_BUF_INIT;
    xlc_xl_cpuid_json(&b, l);
    xlc_xl_cpuid_free(l);
    return xlc_buf_take(&b);
}

void xo_ours_libxl_form(const char *str, struct xo_result *out)
{
    struct xlc_xl_cpuid l = { 0 };

    memset(out, 0, sizeof(*out));
    xlc_xl_cpuid_parse(&l, str, &out->item_no, &out->rc, NULL);
    out->json = our_json(&l);
}

void xo_ours_xend_form(const char *const *strs, size_t nr,
                       struct xo_result *out)
{
    struct xlc_xl_cpuid l = { 0 };

    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < nr && !out->rc; i++) {
        xlc_xl_cpuid_parse_xend(&l, strs[i], &out->rc, NULL);
        out->item_no = (unsigned int)i + 1;
    }
    if (!out->rc)
        out->item_no = 0;
    out->json = our_json(&l);
}

char *xo_libxenlight_path(void)
{
    Dl_info info;

    if (!dladdr((void *)libxl_cpuid_parse_config, &info) || !info.dli_fname)
        return NULL;
    return realpath(info.dli_fname, NULL);
}
