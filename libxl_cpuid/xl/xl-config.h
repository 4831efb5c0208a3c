/* SPDX-License-Identifier: MIT */
/*
 * What an xl domain config says about a guest's CPUID, read as xl 4.17
 * reads it (xl_parse.c's parse_config; the file through xl-cfg-value.h):
 *
 *   type=       "hvm", "pv" or "pvh", each also as any prefix of it,
 *               case-sensitive, tried in that order ("" and "h" are hvm,
 *               "p" is pv); anything else is refused.  Without it the
 *               deprecated builder= ("hvm" or "generic", prefixes too) is
 *               read, and must not contradict type=; without either an x86
 *               guest is PV.  A PVH guest is an HVM container: Xen gives
 *               it the HVM policies (its domain is HVM for
 *               xc_cpuid_apply_policy), so it is judged as an HVM guest.
 *   nestedhvm=  a number (strtol, base 0, the whole string), non-zero
 *               for nested virtualisation; for HVM and PVH guests only
 *               (libxl ignores it for PV).  What xl only warns about and
 *               ignores (a list, "+=", not a number) is a note here, and
 *               nested virtualisation stays off, as with xl.
 *   cpuid=      a string is the libxl form ("host,NAME=VALUE,..."), a
 *               list holds xend-form entries (xl-cpuid.h).  An empty
 *               string is no cpuid= at all (a note).  Where xl prints an
 *               error and starts the guest without the rest (a bad item,
 *               a first word that is not "host", a list inside the list),
 *               here it is an error: the guest would not get what the
 *               config says.
 *
 * Settings that also change what libxc gives the guest but are not judged
 * here (hap=, pae=, tsc_mode=, nomigrate=, viridian=) are named in a note.
 */
#ifndef LIBXL_CPUID_XL_CONFIG_H
#define LIBXL_CPUID_XL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "../names/guest-type.h"
#include "../util/error.h"
#include "xl-cfg-value.h"
#include "xl-cpuid-notes.h"
#include "xl-cpuid.h"

enum xlc_xl_domain_type {
    XLC_XL_DOMAIN_PV,
    XLC_XL_DOMAIN_PVH,
    XLC_XL_DOMAIN_HVM,
};

struct xlc_xl_config {
    enum xlc_xl_domain_type domain_type;
    enum xlc_guest_type guest_type;  /* PV for pv, HVM for hvm and pvh */
    const char *type_setting;        /* "type", "builder", or NULL: xl's
                                        default */
    unsigned int type_line;
    bool nested;                     /* nestedhvm= in effect */
    unsigned int nested_line;        /* 0: not given */
    bool has_cpuid;
    unsigned int cpuid_line;
    bool cpuid_xend;                 /* a list of xend entries */
    const char **strings;            /* the cpuid= strings (into the file) */
    size_t nr_strings;
    struct xlc_xl_cpuid cpuid;       /* them, parsed as xl does */
    struct xlc_xl_notes notes;       /* what xl warns about, what is not
                                        judged */
};

/*
 * Read f into *out (zeroed first).  -EINVAL naming FILE:LINE and the
 * setting for what xl refuses or would not use as written; -ENOMEM.  The
 * config keeps pointers into f, which must outlive it.
 */
int xlc_xl_config_read(const struct xlc_cfg_file *f,
                       struct xlc_xl_config *out, xlc_error *err);
void xlc_xl_config_free(struct xlc_xl_config *c);

/* "pv", "pvh", "hvm". */
const char *xlc_xl_domain_type_name(enum xlc_xl_domain_type t);

#endif /* LIBXL_CPUID_XL_CONFIG_H */
