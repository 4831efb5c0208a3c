/* SPDX-License-Identifier: MIT */
/*
 * The libvirt <cpu> definitions the guest verdict tests judge everywhere:
 * cpu_map models of both vendors and the other modes, with every feature
 * policy (optional, require, disable, forbid, force), and the dumps'
 * system policies loaded once.
 */
#ifndef TESTS_HELPERS_GUEST_MODELS_H
#define TESTS_HELPERS_GUEST_MODELS_H

#include <stddef.h>

#include "libxl_cpuid/verdict/guest-verdict.h"

struct gm_feature {
    const char *policy, *name;
};

struct gm_model {
    const char *label;
    const char *mode;            /* "custom", "host-model", ... */
    const char *model;           /* cpu_map model, or NULL */
    struct gm_feature f[6];      /* up to 6, ending at a NULL policy */
};

extern const struct gm_model gm_models[];
extern const size_t gm_nr_models;

/* The model with that label; fails the test when there is none. */
const struct gm_model *gm_model(const char *label);

/*
 * The model as <cpu> XML (malloc'd).  With exact_on != NULL, the same
 * guest as resolved on a host: optional features become require when
 * their bits are in exact_on and disable otherwise, forbid becomes
 * disable (what a guest started there carries to another host).
 */
char *gm_xml(const struct gm_model *m, const struct xlc_cpu_map *map,
             const uint32_t *exact_on);

/* Parse XML into a <cpu>; fails the test on error. */
struct xlc_lv_cpu *gm_cpu(const char *xml);

/* Every instlatx64 dump's system policies, their paths and the map. */
struct gm_pool {
    size_t n;
    char **paths;
    struct xlc_system_policies **sys;
    struct xlc_cpu_map *map;
};
void gm_pool_load(struct gm_pool *p);
void gm_pool_free(struct gm_pool *p);

/* Judge g on host i of the pool; fails the test on error. */
struct xlc_guest_verdict *gm_judge(const struct gm_pool *p, size_t i,
                                   enum xlc_guest_type t,
                                   const struct xlc_gv_guest *g);

/* The features a verdict's FEATURE reasons name (XFS_NR_WORDS words). */
void gm_missing(const struct xlc_guest_verdict *v, uint32_t *fs);
/* How many reasons of a kind. */
size_t gm_count(const struct xlc_guest_verdict *v,
                enum xlc_gv_reason_kind k);

#endif
