/* SPDX-License-Identifier: MIT */
/*
 * The installed libxenlight (Xen 4.17) as the oracle for cpuid= parsing:
 * its verdict on an item and the JSON of the list it builds, written by
 * its own libxl_cpuid_policy_list_gen_json through a default yajl
 * generator.  Only the tests link this.
 */
#ifndef TESTS_HELPERS_XL_ORACLE_H
#define TESTS_HELPERS_XL_ORACLE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct xo_list xo_list;

xo_list *xo_new(void);
void xo_free(xo_list *l);
/* libxl_cpuid_parse_config (xend: _xend) on a copy of item. */
int xo_add(xo_list *l, const char *item, bool xend);
/* The list's JSON, malloc'd. */
char *xo_json(xo_list *l);
/* The same for any libxl_cpuid_policy_list (pass its address). */
char *xo_json_of(void *libxl_cpuid_policy_list_ptr);

/*
 * xl's handling of cpuid="...": strtok_r on ',', first item must be
 * "host" (else nothing is parsed: returns -1), every other item parsed.
 * Returns the number of items libxl refused; rcs[] (may be NULL) gets
 * each item's number, *nr_items their count.
 */
int xo_xl_string(xo_list *l, const char *s, int *rcs, size_t max_rcs,
                 size_t *nr_items);

/* Where the loaded libxenlight lives (for reading its name strings). */
const char *xo_library_path(void);

#endif
