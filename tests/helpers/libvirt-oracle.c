/* SPDX-License-Identifier: MIT */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libvirt-oracle.h"

/* libvirt's public API (libvirt-domain.h, virterror.h), as much as used. */
#define VIR_DOMAIN_DEFINE_VALIDATE 1u
typedef void (*vir_error_func)(void *data, void *error);

static struct {
    void *lib, *conn;
    void *(*open)(const char *name);
    void *(*define)(void *conn, const char *xml, unsigned int flags);
    char *(*desc)(void *dom, unsigned int flags);
    int (*undefine)(void *dom);
    int (*free_dom)(void *dom);
    const char *(*last_error)(void);
    void (*set_error_func)(void *data, vir_error_func f);
} lv;

static void quiet(void *data, void *error)
{
    (void)data;
    (void)error;
}

static void *sym(const char *name)
{
    void *p = dlsym(lv.lib, name);

    if (!p)
        fprintf(stderr, "libvirt-oracle: %s: %s\n", name, dlerror());
    return p;
}

bool lvt_available(void)
{
    if (lv.conn)
        return true;
    lv.lib = dlopen("libvirt.so.0", RTLD_NOW);
    if (!lv.lib) {
        fprintf(stderr, "libvirt-oracle: %s\n", dlerror());
        return false;
    }
    *(void **)&lv.open = sym("virConnectOpen");
    *(void **)&lv.define = sym("virDomainDefineXMLFlags");
    *(void **)&lv.desc = sym("virDomainGetXMLDesc");
    *(void **)&lv.undefine = sym("virDomainUndefine");
    *(void **)&lv.free_dom = sym("virDomainFree");
    *(void **)&lv.last_error = sym("virGetLastErrorMessage");
    *(void **)&lv.set_error_func = sym("virSetErrorFunc");
    if (!lv.open || !lv.define || !lv.desc || !lv.undefine ||
        !lv.free_dom || !lv.last_error || !lv.set_error_func)
        return false;
    lv.set_error_func(NULL, quiet);
    lv.conn = lv.open("test:///default");
    if (!lv.conn)
        fprintf(stderr, "libvirt-oracle: test:///default: %s\n",
                lv.last_error());
    return lv.conn != NULL;
}

bool lvt_define(const char *xml, char **out, char **error)
{
    void *dom = lv.define(lv.conn, xml, VIR_DOMAIN_DEFINE_VALIDATE);

    *out = *error = NULL;
    if (!dom) {
        *error = strdup(lv.last_error());
        return false;
    }
    *out = lv.desc(dom, 0);
    lv.undefine(dom);
    lv.free_dom(dom);
    return *out != NULL;
}
