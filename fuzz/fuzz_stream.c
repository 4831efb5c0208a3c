/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the migration stream reader (bare libxc streams and xl save files).
 * Any input is either refused with a message giving a byte offset, or
 * parsed; a parsed policy without repeated entries must survive being
 * written into a fresh stream and read back unchanged.  The same
 * bytes are also read as a bare run of records (the splice case).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libxl_cpuid/migration/stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same_entries(const struct xlc_policy_entries *a,
                         const struct xlc_policy_entries *b)
{
    if (a->nr_leaves != b->nr_leaves || a->nr_msrs != b->nr_msrs ||
        (a->nr_leaves &&
         memcmp(a->leaves, b->leaves, a->nr_leaves * sizeof(*a->leaves))) ||
        (a->nr_msrs && memcmp(a->msrs, b->msrs, a->nr_msrs * sizeof(*a->msrs))))
        abort();
}

/* Xen's restore takes repeated entries (the last wins); we never write
 * them. */
static bool repeats(const struct xlc_policy_entries *e)
{
    for (size_t i = 0; i < e->nr_leaves; i++)
        for (size_t j = 0; j < i; j++)
            if (e->leaves[i].leaf == e->leaves[j].leaf &&
                e->leaves[i].subleaf == e->leaves[j].subleaf)
                return true;
    for (size_t i = 0; i < e->nr_msrs; i++)
        for (size_t j = 0; j < i; j++)
            if (e->msrs[i].idx == e->msrs[j].idx)
                return true;
    return false;
}

static void rewrite(const struct xlc_stream_info *s)
{
    struct xlc_stream_info again;
    xlc_error err = { 0 };
    uint8_t *buf;
    size_t len;

    if (repeats(&s->policy))
        return;
    if (xlc_stream_write_standalone(s->domain_type, &s->policy, &buf, &len,
                                    &err))
        abort(); /* everything else the reader accepts, the writer takes */
    if (xlc_stream_parse(buf, len, &again, &err))
        abort();
    same_entries(&again.policy, &s->policy);
    xlc_stream_info_free(&again);
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xlc_stream_info s;
    xlc_error err = { 0 };

    if (xlc_stream_parse(data, size, &s, &err)) {
        if (!err.code || !strstr(err.msg, "offset ") || s.policy.leaves ||
            s.policy.msrs)
            abort();
    } else {
        if (s.has_cpuid != (s.policy.nr_leaves != 0) ||
            s.has_msr != (s.policy.nr_msrs != 0))
            abort();
        rewrite(&s);
        xlc_stream_info_free(&s);
    }
    if (!xlc_stream_parse_records(data, size, 3, 40, &s, &err))
        xlc_stream_info_free(&s);
    else if (!strstr(err.msg, "offset "))
        abort();
    return 0;
}
