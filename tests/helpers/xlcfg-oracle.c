/* SPDX-License-Identifier: MIT */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxlutil.h>

#include "xlcfg-oracle.h"

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
    __typeof__(xlu_cfg_get_string) *get_string;
    __typeof__(xlu_cfg_get_list) *get_list;
    __typeof__(xlu_cfg_get_listitem) *get_listitem;
    __typeof__(xlu_cfg_get_long) *get_long;
} xlu;

struct xco_config {
    XLU_Config *cfg;
};

static void *sym(const char *name)
{
    void *p = dlsym(xlu.lib, name);

    if (!p)
        fprintf(stderr, "xlcfg-oracle: %s: %s\n", name, dlerror());
    return p;
}

bool xco_available(void)
{
    if (xlu.lib)
        return true;
    xlu.lib = dlopen("libxlutil.so", RTLD_NOW);
    if (!xlu.lib)
        xlu.lib = dlopen("libxlutil.so.4.17", RTLD_NOW);
    if (!xlu.lib) {
        fprintf(stderr, "xlcfg-oracle: cannot open libxlutil: %s\n",
                dlerror());
        return false;
    }
    xlu.init = (__typeof__(xlu.init))sym("xlu_cfg_init");
    xlu.readdata = (__typeof__(xlu.readdata))sym("xlu_cfg_readdata");
    xlu.destroy = (__typeof__(xlu.destroy))sym("xlu_cfg_destroy");
    xlu.get_string = (__typeof__(xlu.get_string))sym("xlu_cfg_get_string");
    xlu.get_list = (__typeof__(xlu.get_list))sym("xlu_cfg_get_list");
    xlu.get_listitem =
        (__typeof__(xlu.get_listitem))sym("xlu_cfg_get_listitem");
    xlu.get_long = (__typeof__(xlu.get_long))sym("xlu_cfg_get_long");
    return xlu.init && xlu.readdata && xlu.destroy && xlu.get_string &&
           xlu.get_list && xlu.get_listitem && xlu.get_long;
}

/* libxlutil's warnings go to a report file: nowhere. */
static FILE *devnull(void)
{
    static FILE *f;

    if (!f)
        f = fopen("/dev/null", "w");
    return f;
}

struct xco_config *xco_read(const char *text, size_t len)
{
    struct xco_config *c = calloc(1, sizeof(*c));

    if (!c)
        return NULL;
    LSAN_OFF();
    c->cfg = xlu.init(devnull(), "oracle");
    if (!c->cfg || xlu.readdata(c->cfg, text, (int)len)) {
        if (c->cfg)
            xlu.destroy(c->cfg);
        free(c);
        c = NULL;
    }
    LSAN_ON();
    return c;
}

void xco_free(struct xco_config *c)
{
    if (!c)
        return;
    LSAN_OFF();
    xlu.destroy(c->cfg);
    LSAN_ON();
    free(c);
}

int xco_get_string(const struct xco_config *c, const char *name,
                   const char **v)
{
    return xlu.get_string(c->cfg, name, v, 1);
}

int xco_get_list(const struct xco_config *c, const char *name, int *n)
{
    return xlu.get_list(c->cfg, name, NULL, n, 1);
}

const char *xco_list_item(const struct xco_config *c, const char *name,
                          int i)
{
    XLU_ConfigList *list;
    int n;

    if (xlu.get_list(c->cfg, name, &list, &n, 1))
        return NULL;
    return xlu.get_listitem(list, i);
}

int xco_get_long(const struct xco_config *c, const char *name, long *l)
{
    return xlu.get_long(c->cfg, name, l, 1);
}

/* xl's strncmp(buf, word, strlen(buf)). */
static bool prefix(const char *buf, const char *word)
{
    return !strncmp(buf, word, strlen(buf));
}

/* parse_config's type= and builder= block, x86. */
static void xl_type(const struct xco_config *c, struct xco_xl *out)
{
    const char *buf;
    int type = -1, builder;

    if (!xco_get_string(c, "type", &buf)) {
        if (prefix(buf, "hvm"))
            type = 2;
        else if (prefix(buf, "pv"))
            type = 0;
        else if (prefix(buf, "pvh"))
            type = 1;
        else {
            out->refused = true;     /* "Invalid domain type" */
            return;
        }
    }
    if (!xco_get_string(c, "builder", &buf)) {
        if (prefix(buf, "hvm"))
            builder = 2;
        else if (prefix(buf, "generic"))
            builder = 0;
        else {
            out->refused = true;
            return;
        }
        if (type != -1 && type != builder) {
            out->refused = true;     /* "Contradicting ..." */
            return;
        }
        type = builder;
    }
    out->type = type == -1 ? 0 : type;
}

void xco_xl_read(const struct xco_config *c, struct xco_xl *out)
{
    const char *buf;
    long l;
    int n;

    memset(out, 0, sizeof(*out));
    xl_type(c, out);
    if (out->refused)
        return;
    /* xlu_cfg_get_defbool: set only when the number reads; libxl uses
     * it for HVM and PVH guests. */
    if (!xco_get_long(c, "nestedhvm", &l))
        out->nested = out->type != 0 && l != 0;
    switch (xco_get_list(c, "cpuid", &n)) {
    case 0:
        out->cpuid = 2;
        while (out->nr_items < n && xco_list_item(c, "cpuid", out->nr_items))
            out->nr_items++;
        break;
    case EINVAL:
        if (!xco_get_string(c, "cpuid", &buf) &&
            buf[strspn(buf, ",")])
            out->cpuid = 1;
        break;
    }
}
