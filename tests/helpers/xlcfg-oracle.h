/* SPDX-License-Identifier: MIT */
/*
 * The installed libxlutil 4.17 as the oracle for whole xl configs: it
 * reads the text (xlu_cfg_readdata) and answers xl's getters
 * (xlu_cfg_get_string, _get_list and _get_listitem, _get_long), and the
 * few lines of xl_parse.c's parse_config that read type=, builder=,
 * nestedhvm= and cpuid= on x86 are restated on top (xl itself needs a
 * running Xen even to check a config).
 *
 * libxlutil is opened with dlopen so that nothing but these tests link it.
 */
#ifndef TESTS_HELPERS_XLCFG_ORACLE_H
#define TESTS_HELPERS_XLCFG_ORACLE_H

#include <stdbool.h>
#include <stddef.h>

/* False (with a message on stderr) when libxlutil cannot be opened. */
bool xco_available(void);

/* A config read by libxlutil: NULL when it refuses the text. */
struct xco_config;
struct xco_config *xco_read(const char *text, size_t len);
void xco_free(struct xco_config *c);

/* xlu_cfg_get_string: 0 with *v, ESRCH (absent) or EINVAL (a list). */
int xco_get_string(const struct xco_config *c, const char *name,
                   const char **v);
/* xlu_cfg_get_list: 0 with the number of items, ESRCH or EINVAL. */
int xco_get_list(const struct xco_config *c, const char *name, int *n);
/* xlu_cfg_get_listitem of that list: NULL for an item that is a list. */
const char *xco_list_item(const struct xco_config *c, const char *name,
                          int i);
/* xlu_cfg_get_long: 0 with *l, ESRCH, or EINVAL/ERANGE (warned). */
int xco_get_long(const struct xco_config *c, const char *name, long *l);

/* What xl 4.17's parse_config makes of the CPUID settings. */
struct xco_xl {
    bool refused;       /* xl exits: invalid or contradicting type */
    int type;           /* 0 pv, 1 pvh, 2 hvm (xlc_xl_domain_type's) */
    bool nested;        /* nested_hvm as libxl uses it (never for PV) */
    int cpuid;          /* 0 none, 1 a string (libxl form), 2 a list */
    int nr_items;       /* list: items xl reads before a non-string */
};
void xco_xl_read(const struct xco_config *c, struct xco_xl *out);

#endif
