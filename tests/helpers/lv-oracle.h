/* SPDX-License-Identifier: MIT */
/*
 * An independent reading of libvirt's cpu_map for the libvirt tests: the
 * featureset bits of each feature and model computed straight from the XML
 * coordinates with libxml2's XPath (no code shared with libxl_cpuid/).
 */
#ifndef TESTS_HELPERS_LV_ORACLE_H
#define TESTS_HELPERS_LV_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xen/lib/featureset.h"

struct lvo_feature {
    char name[64];
    bool expressible;           /* every bit is a feature Xen knows */
    uint32_t bits[XFS_NR_WORDS];
};

struct lvo_model {
    char name[64];
    char file[80];
    uint32_t bits[XFS_NR_WORDS]; /* expressible features, parents included */
    size_t nr_features;          /* all features, expressible or not */
};

struct lvo_map {
    struct lvo_feature *features;
    size_t nr_features;
    struct lvo_model *models;
    size_t nr_models;
};

/* Read DIR (index.xml, x86 includes); fails the test on any problem. */
void lvo_load(const char *dir, struct lvo_map *m);
void lvo_free(struct lvo_map *m);
const struct lvo_feature *lvo_feature(const struct lvo_map *m,
                                      const char *name);

/* Write `text` to DIR/NAME (fails the test on error). */
void lvo_write(const char *dir, const char *name, const char *text);
/* A fresh temporary directory (free() the result; remove with lvo_rmdir). */
char *lvo_tmpdir(void);
void lvo_rmdir(char *dir);

#endif
