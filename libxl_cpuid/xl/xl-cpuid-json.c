/* SPDX-License-Identifier: MIT */
/*
 * The parsed list as JSON in the shape libxl_cpuid_policy_list_gen_json()
 * gives it (yajl, default options: compact, no validation), and as text.
 */
#include <stdio.h>

#include "xl-cpuid.h"

static const char *const reg_names[4] = { "eax", "ebx", "ecx", "edx" };

/*
 * A string the way yajl's generator escapes it: quote, backslash and the
 * five C escapes by name, other control bytes as \u00XX (upper-case hex),
 * everything else (bytes >= 0x80 included) as is.
 */
static void yajl_str(struct xlc_buf *b, const char *s, size_t n)
{
    xlc_buf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': xlc_buf_puts(b, "\\\""); break;
        case '\\': xlc_buf_puts(b, "\\\\"); break;
        case '\b': xlc_buf_puts(b, "\\b"); break;
        case '\f': xlc_buf_puts(b, "\\f"); break;
        case '\n': xlc_buf_puts(b, "\\n"); break;
        case '\r': xlc_buf_puts(b, "\\r"); break;
        case '\t': xlc_buf_puts(b, "\\t"); break;
        default:
            if (c < 0x20)
                xlc_buf_printf(b, "\\u00%02X", c);
            else
                xlc_buf_putc(b, (char)c);
        }
    }
    xlc_buf_putc(b, '"');
}

static void entry_json(struct xlc_buf *b, const struct xlc_xl_cpuid_entry *e)
{
    xlc_buf_printf(b, "{\"leaf\":%u", e->leaf);
    if (e->subleaf != XLC_XL_NO_SUBLEAF)
        xlc_buf_printf(b, ",\"subleaf\":%u", e->subleaf);
    for (int r = 0; r < 4; r++) {
        if (!e->policy[r])
            continue;
        xlc_buf_printf(b, ",\"%s\":", reg_names[r]);
        yajl_str(b, e->policy[r], XLC_XL_REG_CHARS);
    }
    xlc_buf_putc(b, '}');
}

void xlc_xl_cpuid_json(struct xlc_buf *b, const struct xlc_xl_cpuid *l)
{
    xlc_buf_puts(b, "{\"cpuid\":[");
    for (size_t i = 0; i < l->nr_cpuid; i++) {
        if (i)
            xlc_buf_putc(b, ',');
        entry_json(b, &l->cpuid[i]);
    }
    xlc_buf_puts(b, "],\"msr\":[");
    for (size_t i = 0; i < l->nr_msr; i++) {
        xlc_buf_printf(b, "%s{\"index\":%u,\"policy\":", i ? "," : "",
                       l->msr[i].index);
        yajl_str(b, l->msr[i].policy, XLC_XL_MSR_CHARS);
        xlc_buf_putc(b, '}');
    }
    xlc_buf_puts(b, "]}");
}

void xlc_xl_cpuid_text(struct xlc_buf *b, const struct xlc_xl_cpuid *l)
{
    for (size_t i = 0; i < l->nr_cpuid; i++) {
        const struct xlc_xl_cpuid_entry *e = &l->cpuid[i];
        char sub[16] = "";
        int any = 0;

        if (e->subleaf != XLC_XL_NO_SUBLEAF)
            snprintf(sub, sizeof(sub), ":%u", e->subleaf);
        for (int r = 0; r < 4; r++)
            if (e->policy[r]) {
                xlc_buf_printf(b, "leaf 0x%08x%-4s %s %s\n", e->leaf, sub,
                               reg_names[r], e->policy[r]);
                any = 1;
            }
        if (!any)
            xlc_buf_printf(b, "leaf 0x%08x%-4s (no register)\n", e->leaf,
                           sub);
    }
    for (size_t i = 0; i < l->nr_msr; i++)
        xlc_buf_printf(b, "msr  0x%08x     %s\n", l->msr[i].index,
                       l->msr[i].policy);
}
