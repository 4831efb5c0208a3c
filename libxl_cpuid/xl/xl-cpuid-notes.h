/* SPDX-License-Identifier: MIT */
/*
 * What libxl accepts without a word but probably is not what the user
 * meant: notes on a cpuid= value that parses (xl-cpuid.h).  Nothing here
 * changes a verdict; the tool prints the notes beside its report.
 *
 *   libxl form                           xend form
 *   "avx2=2": 2 is 0 (the low bit)       "010:": octal, leaf 8
 *   "avx2=1abc": the rest is ignored     "0x100000001:", "-2:": cut to 32 bits
 *   "avx2=xyz": only the 'x' counts      "-1:" / "0xffffffff:": entry lost
 *   "proccount=300": low 8 bits (44)     "7,-1:": subleaf -1 means none
 *   "family=130": reads back as 258      "eaxjunk=": text before '=' ignored
 *   "family=x": extended family zeroed   a register given twice: last wins
 *   "clflush=1": the line size field,
 *      not the CLFLUSH flag ('clfsh')
 *   a later item on the same bits wins
 */
#ifndef LIBXL_CPUID_XL_CPUID_NOTES_H
#define LIBXL_CPUID_XL_CPUID_NOTES_H

#include <stdbool.h>
#include <stddef.h>

#include "../util/error.h"

struct xlc_xl_notes {
    char **v;
    size_t nr;
};

/*
 * Notes on a libxl-form string, or on nr xend items.  Items libxl refuses
 * get none (the parser's error says what is wrong).  Returns 0 or
 * -ENOMEM; free with xlc_xl_notes_free().
 */
int xlc_xl_notes_libxl(const char *str, struct xlc_xl_notes *out,
                       xlc_error *err);
int xlc_xl_notes_xend(const char *const *items, size_t nr,
                      struct xlc_xl_notes *out, xlc_error *err);
void xlc_xl_notes_free(struct xlc_xl_notes *n);

#endif /* LIBXL_CPUID_XL_CPUID_NOTES_H */
