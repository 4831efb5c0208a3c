/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the xl.cfg reader: a whole config as libxlutil reads it (values,
 * lists, comments, limits), then what xl makes of it (type=, nestedhvm=,
 * cpuid= in either form).  Any input must be refused with a message
 * naming "fuzz:LINE:COLUMN" (or the limit it passed), or read into
 * settings whose lines lie within the text and whose cpuid= strings
 * point into it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libxl_cpuid/xl/xl-cfg-value.h"
#include "libxl_cpuid/xl/xl-config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned int lines_in(const uint8_t *data, size_t size)
{
    unsigned int n = 1;

    for (size_t i = 0; i < size; i++)
        n += data[i] == '\n';
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xlc_cfg_file f;
    struct xlc_xl_config c;
    xlc_error err = { 0 };
    unsigned int lines = lines_in(data, size);
    int rc = xlc_cfg_file_parse("fuzz", (const char *)data, size, &f, &err);

    if (rc) {
        if (rc == -ENOMEM)
            return 0;
        if (!err.code || strncmp(err.msg, "fuzz", 4) || f.settings)
            abort();
        return 0;
    }
    for (size_t i = 0; i < f.nr; i++)
        if (!f.settings[i].name || f.settings[i].line < 1 ||
            f.settings[i].line > lines)
            abort();
    rc = xlc_xl_config_read(&f, &c, &err);
    if (rc) {
        if (rc != -ENOMEM && (!err.code || !strstr(err.msg, "fuzz")))
            abort();
    } else {
        if (c.has_cpuid && (c.cpuid_line < 1 || c.cpuid_line > lines))
            abort();
        xlc_xl_config_free(&c);
    }
    xlc_cfg_file_free(&f);
    return 0;
}
