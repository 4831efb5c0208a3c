/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the model pin reader: refuse with a message naming the input, or
 * read pins whose fingerprints fit their features; those written back as
 * JSON must read back to the same pins.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libxl_cpuid/libvirt/libvirt-model-pin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xlc_model_pins s, back;
    struct xlc_buf b = XLC_BUF_INIT;
    xlc_error err = { 0 };
    char *json;

    if (xlc_model_pins_parse("fuzz", (const char *)data, size, &s, &err)) {
        if (!err.code || strncmp(err.msg, "fuzz", 4) || s.n)
            abort();
        return 0;
    }
    xlc_buf_puts(&b, "{\"model_pins\": ");
    xlc_model_pins_json(&b, &s, "  ");
    xlc_buf_putc(&b, '}');
    json = xlc_buf_take(&b);
    if (!json || xlc_model_pins_parse("again", json, strlen(json), &back,
                                      &err) || back.n != s.n)
        abort();
    for (size_t i = 0; i < s.n; i++)
        if (strcmp(s.v[i]->sha256, back.v[i]->sha256) ||
            s.v[i]->nr_features != back.v[i]->nr_features)
            abort();
    free(json);
    xlc_model_pins_free(&back);
    xlc_model_pins_free(&s);
    return 0;
}
