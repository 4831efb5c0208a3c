/* SPDX-License-Identifier: MIT */
/*
 * The list in the JSON libxl writes for it (libxl_cpuid_policy_list_gen_json
 * through a yajl generator with the default, compact configuration):
 *
 *   {"cpuid":[{"leaf":L[,"subleaf":S][,"eax":"..."]...},...],
 *    "msr":[{"index":I,"policy":"..."},...]}
 *
 * on one line, no spaces.  "subleaf" is left out for "no subleaf", a
 * register whose mask libxl never set is left out, numbers are decimal.
 * Strings are escaped as yajl does: \" \\ \b \f \n \r \t, other bytes
 * below 0x20 as \u00XX with upper-case hex, '/' and bytes from 0x7f up as
 * they are (xend masks are not checked, so any of these can occur).
 */
#include <stdio.h>

#include "strbuf.h"
#include "xl-cpuid-priv.h"

static void json_str(struct xlc_buf *b, const char *s)
{
    xlc_buf_putc(b, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

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
                xlc_buf_printf(b, "\\u%04X", c);
            else
                xlc_buf_putc(b, (char)c);
        }
    }
    xlc_buf_putc(b, '"');
}

static void json_leaf(struct xlc_buf *b, const struct xlc_xl_leaf *e)
{
    xlc_buf_printf(b, "{\"leaf\":%u", e->leaf);
    if (e->subleaf != XLC_XL_NO_SUBLEAF)
        xlc_buf_printf(b, ",\"subleaf\":%u", e->subleaf);
    for (int r = XFS_EAX; r <= XFS_EDX; r++) {
        if (!e->reg[r][0])
            continue;
        xlc_buf_printf(b, ",\"%s\":", xlc_xl_reg_name((enum xfs_reg)r));
        json_str(b, e->reg[r]);
    }
    xlc_buf_putc(b, '}');
}

char *xlc_xl_list_json(const struct xlc_xl_list *l)
{
    struct xlc_buf b = XLC_BUF_INIT;

    xlc_buf_puts(&b, "{\"cpuid\":[");
    for (size_t i = 0; i < l->nr_leaves; i++) {
        if (i)
            xlc_buf_putc(&b, ',');
        json_leaf(&b, &l->leaves[i]);
    }
    xlc_buf_puts(&b, "],\"msr\":[");
    for (size_t i = 0; i < l->nr_msrs; i++) {
        xlc_buf_printf(&b, "%s{\"index\":%u,\"policy\":", i ? "," : "",
                       l->msrs[i].index);
        json_str(&b, l->msrs[i].policy);
        xlc_buf_putc(&b, '}');
    }
    xlc_buf_puts(&b, "]}");
    return xlc_buf_take(&b);
}
