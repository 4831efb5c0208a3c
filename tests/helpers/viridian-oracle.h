/* SPDX-License-Identifier: MIT */
/*
 * The installed Xen 4.17 libraries as the oracle for xl's viridian=:
 * libxlutil reads the config line "viridian=SETTING" (xlu_cfg_readdata,
 * xlu_cfg_get_list / _listitem / _get_defbool), libxenlight names the
 * groups (libxl_viridian_enlightenment_from_string) and prints the three
 * fields (libxl_domain_build_info_gen_json).  The few lines joining them
 * are xl_parse.c's viridian block, restated here (xl itself needs a
 * running Xen even for a dry run).
 *
 * libxlutil is opened with dlopen so that nothing but this test links it.
 */
#ifndef TESTS_HELPERS_VIRIDIAN_ORACLE_H
#define TESTS_HELPERS_VIRIDIAN_ORACLE_H

#include <stdbool.h>
#include <stddef.h>

enum vo_verdict {
    VO_OK,
    VO_SYNTAX,           /* libxlutil refuses the config line */
    VO_UNKNOWN_ITEM,     /* xl: unknown viridian enlightenment */
    VO_NESTED_ITEM,      /* xl would crash: a list item that is a list */
};

struct vo_result {
    enum vo_verdict verdict;
    size_t item;         /* 1-based item for UNKNOWN/NESTED */
    char *json;          /* OK: {"viridian":..,"viridian_enable":..,..} */
};

/* False (with a message on stderr) when libxlutil cannot be opened. */
bool vo_available(void);
void vo_run(const char *setting, struct vo_result *out);
void vo_result_free(struct vo_result *r);

/* libxl_viridian_enlightenment_from_string / _to_string. */
int vo_from_string(const char *s, int *e);
const char *vo_to_string(int e);

#endif
