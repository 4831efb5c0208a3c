/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the JSON policy file reader: refuse with a message naming the
 * input, or parse; a parsed policy written back as JSON must read back to
 * the same entries.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libxl_cpuid/policy/policy-json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xlc_policy_entries e, back;
    xlc_error err = { 0 };
    uint32_t type;
    char *json;

    if (xlc_policy_json_parse("fuzz", (const char *)data, size, &e, &type,
                              &err)) {
        if (!err.code || strncmp(err.msg, "fuzz", 4) || e.leaves || e.msrs)
            abort();
        return 0;
    }
    json = xlc_policy_json(&e, type);
    if (!json || xlc_policy_json_parse("again", json, strlen(json), &back,
                                       NULL, &err))
        abort();
    if (back.nr_leaves != e.nr_leaves || back.nr_msrs != e.nr_msrs ||
        (e.nr_leaves &&
         memcmp(back.leaves, e.leaves, e.nr_leaves * sizeof(*e.leaves))) ||
        (e.nr_msrs && memcmp(back.msrs, e.msrs, e.nr_msrs * sizeof(*e.msrs))))
        abort();
    free(json);
    xlc_policy_entries_free(&back);
    xlc_policy_entries_free(&e);
    return 0;
}
