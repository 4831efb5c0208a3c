/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the reader of files of many libvirt <cpu> elements (a pool's host
 * file): the guarded parse in records (xlc_xml_parse_each, the batch
 * limits) and each <cpu> read as xlc_lv_cpu_parse reads one.  Any input
 * must be refused with a message naming the input, or give each <cpu> to
 * the callback once, with the count matching.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libxl_cpuid/libvirt/libvirt-cpu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count(void *ctx, const struct xlc_lv_cpu *cpu, xlc_error *err)
{
    size_t *n = ctx;

    (void)err;
    if (!cpu)
        abort();
    ++*n;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    xlc_error err = { 0 };
    size_t seen = 0, n = 0;
    int rc = xlc_lv_cpu_each("fuzz", (const char *)data, size, 1, count,
                             &seen, &n, &err);

    if (rc) {
        if (rc != -ENOMEM && (!err.code || strncmp(err.msg, "fuzz", 4)))
            abort();
        return 0;
    }
    if (!n || n != seen)
        abort();
    return 0;
}
