/* SPDX-License-Identifier: MIT */
/*
 * `xen-cpuid level`: state shared by cmd-level.c (inputs, pool, exit
 * code), level-text.c and level-json.c (the two outputs).
 */
#ifndef XEN_CPUID_LEVEL_TOOL_H
#define XEN_CPUID_LEVEL_TOOL_H

#include <stdbool.h>
#include <stdio.h>

#include "../libxl_cpuid/feature-names.h"
#include "../libxl_cpuid/level-input.h"
#include "../libxl_cpuid/level.h"
#include "../libxl_cpuid/libvirt-translate.h"
#include "../libxl_cpuid/strbuf.h"
#include "tool.h"

/* A host the pool could not take, with the reason. */
struct level_refused {
    char *name;
    char *reason;
};

/* "+SOURCE": what the pool would lose if it joined. */
struct level_candidate {
    char *name;
    struct xlc_level_host host;
    struct xlc_level after;
    struct xlc_level_change chg;
};

struct level_run {
    struct tool *t;
    enum xlc_guest_type type;
    xlc_pool *pool;
    char **sources;                 /* per pool id: where the host came from */
    struct xlc_level level;
    struct level_refused *refused;
    size_t nr_refused;
    struct level_candidate *cand;
    size_t nr_cand;
    /* "guest:SOURCE": a guest judged per host by the guest verdict
     * (level-guest.c); without one, the level's featureset is judged */
    bool have_guest;
    char *guest_name;
    struct level_guest *gsrc;
    struct xlc_verdict *verdicts;   /* per pool id */
    /* the libvirt cpu_map, loaded when first needed */
    struct xlc_cpu_map *map;
    int map_rc;                     /* 1: not tried yet */
    char *map_error;
    /* the level as a libvirt <cpu>, or why there is none */
    char *lv_xml;
    char *lv_why_not;
    uint32_t lv_unnamed[XFS_NR_WORDS]; /* level bits libvirt cannot name */
    /* per pool id: the host's max CPU policy, NULL when its input has none */
    struct xfs_cpu_policy **pols;
    /* the levelled policy, or why there is none */
    struct xfs_cpu_policy *policy;
    char *policy_why_not;
    uint64_t policy_layout_differs;
    char **refusals;                /* "host: reason", hosts refusing it */
    size_t nr_refusals;
    /* the level as an xl cpuid= string, or why there is none */
    char *xl_cpuid;
    char *xl_why_not;
    /* outputs other parts of the project provide, missing from this build */
    const char *missing_outputs[4];
    size_t nr_missing_outputs;
};

/* The cpu_map (--cpu-map DIR or libvirt's), loaded once; NULL + message. */
const struct xlc_cpu_map *level_cpu_map(struct level_run *r, xlc_error *err);
/* Fill lv_xml / lv_why_not / lv_unnamed from the level. */
void level_libvirt_output(struct level_run *r);
/* Fill xl_cpuid / xl_why_not from the level (level-xl.c). */
void level_xl_output(struct level_run *r);
/* Fill policy / policy_why_not / refusals (level-policy-out.c). */
void level_policy_output(struct level_run *r);
void level_policy_text(const struct level_run *r, FILE *out);
void level_policy_json(const struct level_run *r, struct xlc_buf *b);

/* A feature's lower-case name, or "[W*32+B]" for a bit no feature names. */
const char *level_feature_name(unsigned int bit,
                               char buf[XLC_FEATURE_NAME_MAX]);
/* The featureset text form of the level (xxxxxxxx:...), malloc'd. */
char *level_featureset_text(const uint32_t *fs, size_t nr);

/* guest:SOURCE (level-guest.c): load it as a guest (takes `name`), judge
 * it on every host (fills verdicts[]), print each host's reasons and
 * changes, free. */
int level_guest_set(struct level_run *r, char *name, const char *source,
                    xlc_error *err);
int level_guest_judge(struct level_run *r, xlc_error *err);
void level_guest_text_head(FILE *out, const struct level_run *r);
void level_guest_text(FILE *out, const struct level_run *r, size_t id);
void level_guest_json(struct xlc_buf *b, const struct level_run *r,
                      size_t id);
void level_guest_free(struct level_run *r);

int level_print_text(const struct level_run *r, FILE *out);
int level_print_json(const struct level_run *r, FILE *out);

#endif /* XEN_CPUID_LEVEL_TOOL_H */
