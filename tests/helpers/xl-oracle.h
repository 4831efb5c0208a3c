/* SPDX-License-Identifier: MIT */
/*
 * The installed libxenlight as the oracle for xl's cpuid= option: run
 * libxl_cpuid_parse_config{,_xend}() on items and return the error number
 * and the list's JSON (libxl_cpuid_policy_list_gen_json).
 */
#ifndef TESTS_HELPERS_XL_ORACLE_H
#define TESTS_HELPERS_XL_ORACLE_H

#include <stddef.h>

struct xo_result {
    int rc;                 /* libxl's number, or XLC_XL_NOT_HOST */
    unsigned int item_no;   /* libxl form: failing word (1 = "host") */
    char *json;             /* malloc'd */
};

/*
 * The libxl form as xl splits it (strtok on ',', first word "host"),
 * each item through libxl_cpuid_parse_config(), stopping at the first
 * error.
 */
void xo_libxl_form(const char *str, struct xo_result *out);
/* nr xend strings into one list, stopping at the first error. */
void xo_xend_form(const char *const *strs, size_t nr, struct xo_result *out);
/* Our parser, same shape. */
void xo_ours_libxl_form(const char *str, struct xo_result *out);
void xo_ours_xend_form(const char *const *strs, size_t nr,
                       struct xo_result *out);

/* Path of the loaded libxenlight (for reading its strings), malloc'd. */
char *xo_libxenlight_path(void);

#endif
