/* SPDX-License-Identifier: MIT */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxl.h>
#include <libxl_utils.h>
#include <libxlutil.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "viridian-oracle.h"

/* Exported by libxenlight; its header (libxl_json.h) wants yajl 1 macros. */
yajl_gen_status libxl_domain_build_info_gen_json(yajl_gen hand,
                                                 libxl_domain_build_info *p);

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define LSAN_OFF() __lsan_disable()
#define LSAN_ON() __lsan_enable()
#else
#define LSAN_OFF() ((void)0)
#define LSAN_ON() ((void)0)
#endif

static struct {
    void *lib;
    __typeof__(xlu_cfg_init) *init;
    __typeof__(xlu_cfg_readdata) *readdata;
    __typeof__(xlu_cfg_destroy) *destroy;
    __typeof__(xlu_cfg_get_list) *get_list;
    __typeof__(xlu_cfg_get_listitem) *get_listitem;
    __typeof__(xlu_cfg_get_defbool) *get_defbool;
} xlu;

static void *sym(const char *name)
{
    void *p = dlsym(xlu.lib, name);

    if (!p)
        fprintf(stderr, "viridian-oracle: %s: %s\n", name, dlerror());
    return p;
}

bool vo_available(void)
{
    if (xlu.lib)
        return true;
    xlu.lib = dlopen("libxlutil.so", RTLD_NOW);
    if (!xlu.lib)
        xlu.lib = dlopen("libxlutil.so.4.17", RTLD_NOW);
    if (!xlu.lib) {
        fprintf(stderr, "viridian-oracle: cannot open libxlutil: %s\n",
                dlerror());
        return false;
    }
    xlu.init = (__typeof__(xlu.init))sym("xlu_cfg_init");
    xlu.readdata = (__typeof__(xlu.readdata))sym("xlu_cfg_readdata");
    xlu.destroy = (__typeof__(xlu.destroy))sym("xlu_cfg_destroy");
    xlu.get_list = (__typeof__(xlu.get_list))sym("xlu_cfg_get_list");
    xlu.get_listitem =
        (__typeof__(xlu.get_listitem))sym("xlu_cfg_get_listitem");
    xlu.get_defbool = (__typeof__(xlu.get_defbool))sym("xlu_cfg_get_defbool");
    return xlu.init && xlu.readdata && xlu.destroy && xlu.get_list &&
           xlu.get_listitem && xlu.get_defbool;
}

int vo_from_string(const char *s, int *e)
{
    libxl_viridian_enlightenment v;
    int rc = libxl_viridian_enlightenment_from_string(s, &v);

    *e = (int)v;
    return rc;
}

const char *vo_to_string(int e)
{
    return libxl_viridian_enlightenment_to_string(
        (libxl_viridian_enlightenment)e);
}

static void bitmaps_alloc(libxl_domain_build_info *b)
{
    /* libxl_bitmap_alloc(ctx, .., 64): 8 zeroed bytes. */
    b->u.hvm.viridian_enable.map = calloc(8, 1);
    b->u.hvm.viridian_enable.size = 8;
    b->u.hvm.viridian_disable.map = calloc(8, 1);
    b->u.hvm.viridian_disable.size = 8;
}

/* xl_parse.c's loop over the list items. */
static void list_items(XLU_ConfigList *list, int num,
                       libxl_domain_build_info *b, struct vo_result *out)
{
    if (num)
        bitmaps_alloc(b);
    for (int i = 0; i < num; i++) {
        const char *buf = xlu.get_listitem(list, i);
        libxl_bitmap *s = &b->u.hvm.viridian_enable;
        libxl_bitmap *r = &b->u.hvm.viridian_disable;
        int v;

        if (!buf) {                  /* xl would strcmp(NULL, ...) */
            out->verdict = VO_NESTED_ITEM;
            out->item = (size_t)i + 1;
            return;
        }
        if (!strcmp(buf, "all")) {
            libxl_bitmap_set_any(&b->u.hvm.viridian_enable);
            continue;
        }
        if (!strcmp(buf, "defaults")) {
            libxl_defbool_set(&b->u.hvm.viridian, true);
            continue;
        }
        if (*buf == '!') {
            s = &b->u.hvm.viridian_disable;
            r = &b->u.hvm.viridian_enable;
            buf++;
        }
        if (vo_from_string(buf, &v)) {
            out->verdict = VO_UNKNOWN_ITEM;
            out->item = (size_t)i + 1;
            return;
        }
        libxl_bitmap_set(s, v);
        libxl_bitmap_reset(r, v);
    }
}

static void emit_value(yajl_gen g, yajl_val v)
{
    if (YAJL_IS_STRING(v)) {
        const char *s = YAJL_GET_STRING(v);
        yajl_gen_string(g, (const unsigned char *)s, strlen(s));
        return;
    }
    yajl_gen_array_open(g);
    for (size_t i = 0; YAJL_IS_ARRAY(v) && i < v->u.array.len; i++)
        yajl_gen_integer(g, YAJL_GET_INTEGER(v->u.array.values[i]));
    yajl_gen_array_close(g);
}

/* The viridian fields of "type.hvm" in libxl's JSON, in its order. */
static char *viridian_fields(const char *json)
{
    const char *path[] = { "type.hvm", NULL };
    yajl_val root = yajl_tree_parse(json, NULL, 0), hvm;
    yajl_gen g = yajl_gen_alloc(NULL);
    const unsigned char *buf;
    char *out = NULL;
    size_t n;

    hvm = root ? yajl_tree_get(root, path, yajl_t_object) : NULL;
    yajl_gen_map_open(g);
    for (size_t i = 0; hvm && i < hvm->u.object.len; i++) {
        const char *k = hvm->u.object.keys[i];

        if (strcmp(k, "viridian") && strcmp(k, "viridian_enable") &&
            strcmp(k, "viridian_disable"))
            continue;
        yajl_gen_string(g, (const unsigned char *)k, strlen(k));
        emit_value(g, hvm->u.object.values[i]);
    }
    yajl_gen_map_close(g);
    if (hvm && yajl_gen_get_buf(g, &buf, &n) == yajl_gen_status_ok &&
        (out = malloc(n + 1))) {
        memcpy(out, buf, n);
        out[n] = '\0';
    }
    yajl_gen_free(g);
    yajl_tree_free(root);
    return out;
}

static char *build_info_json(libxl_domain_build_info *b)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    const unsigned char *buf;
    char *all = NULL, *out = NULL;
    size_t n;

    if (libxl_domain_build_info_gen_json(g, b) == yajl_gen_status_ok &&
        yajl_gen_get_buf(g, &buf, &n) == yajl_gen_status_ok &&
        (all = malloc(n + 1))) {
        memcpy(all, buf, n);
        all[n] = '\0';
        out = viridian_fields(all);
    }
    free(all);
    yajl_gen_free(g);
    return out;
}

void vo_run(const char *setting, struct vo_result *out)
{
    size_t len = strlen(setting) + 11;
    char *data = malloc(len);
    FILE *devnull = fopen("/dev/null", "w");
    XLU_Config *cfg;
    XLU_ConfigList *list;
    libxl_domain_build_info b;
    int num = 0, e;

    memset(out, 0, sizeof(*out));
    snprintf(data, len, "viridian=%s\n", setting);
    LSAN_OFF();
    cfg = xlu.init(devnull, "oracle");
    libxl_domain_build_info_init(&b);
    libxl_domain_build_info_init_type(&b, LIBXL_DOMAIN_TYPE_HVM);
    if (xlu.readdata(cfg, data, (int)strlen(data))) {
        out->verdict = VO_SYNTAX;
    } else {
        e = xlu.get_list(cfg, "viridian", &list, &num, 1);
        if (e == 0)
            list_items(list, num, &b, out);
        else if (e == EINVAL)
            xlu.get_defbool(cfg, "viridian", &b.u.hvm.viridian, 1);
        else
            out->verdict = VO_SYNTAX;
    }
    if (out->verdict == VO_OK)
        out->json = build_info_json(&b);
    libxl_domain_build_info_dispose(&b);
    xlu.destroy(cfg);
    LSAN_ON();
    fclose(devnull);
    free(data);
}

void vo_result_free(struct vo_result *r)
{
    free(r->json);
    r->json = NULL;
}
