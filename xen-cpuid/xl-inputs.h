/* SPDX-License-Identifier: MIT */
/*
 * What `xl-cpuid` judges, read from the command line or from an xl
 * config: the cpuid= strings (each with its form), the list they make as
 * xl builds it, the notes on what libxl accepts silently, and with
 * --config the guest's type= and nestedhvm= (libxl_cpuid/xl/xl-config.h).
 */
#ifndef XEN_CPUID_XL_INPUTS_H
#define XEN_CPUID_XL_INPUTS_H

#include <stdbool.h>
#include <stddef.h>

#include "../libxl_cpuid/verdict/guest-verdict.h"
#include "../libxl_cpuid/xl/xl-config.h"
#include "tool.h"

struct xl_inputs {
    const char **strings;            /* the cpuid= strings, in order */
    bool *xend;                      /* each one's form */
    size_t nr;
    struct xlc_xl_cpuid list;        /* STRING arguments, parsed */
    const struct xlc_xl_cpuid *cpuid;/* what is judged (list or config's) */
    struct xlc_xl_notes notes;       /* the config's, then libxl's */
    /* --config only */
    bool from_config;
    struct xlc_cfg_file file;
    struct xlc_xl_config cfg;
    enum xlc_gv_nested nested;       /* for the verdict */
};

/*
 * Read STRING... or --config FILE ("-": standard input; an argument that
 * is no file but holds a '=' is taken as the config text itself, e.g. a
 * pasted cpuid="..." line).  Exit code, after saying why not.
 */
int xl_inputs_read(struct tool *t, struct xl_inputs *in);
void xl_inputs_free(struct xl_inputs *in);

#endif /* XEN_CPUID_XL_INPUTS_H */
