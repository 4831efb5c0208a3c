/* SPDX-License-Identifier: MIT */
#include <inttypes.h>

#include "policy-json.h"
#include "../util/strbuf.h"

static void put_leaf(struct xlc_buf *b, const struct xfs_cpuid_leaf *l)
{
    xlc_buf_printf(b,
                   "    { \"leaf\": \"0x%08x\", \"subleaf\": \"0x%08x\", "
                   "\"eax\": \"0x%08x\", \"ebx\": \"0x%08x\", "
                   "\"ecx\": \"0x%08x\", \"edx\": \"0x%08x\" }",
                   l->leaf, l->subleaf, l->a, l->b, l->c, l->d);
}

static void put_msr(struct xlc_buf *b, const struct xfs_msr_entry *m)
{
    xlc_buf_printf(b,
                   "    { \"index\": \"0x%08x\", \"value\": \"0x%016" PRIx64
                   "\" }",
                   m->idx, m->val);
}

char *xlc_policy_json(const struct xlc_policy_entries *e,
                      uint32_t domain_type)
{
    struct xlc_buf b = XLC_BUF_INIT;

    xlc_buf_printf(&b, "{\n  \"format\": \"%s\",\n  \"version\": %d,\n",
                   XLC_POLICY_JSON_FORMAT, XLC_POLICY_JSON_VERSION);
    if (domain_type == XFS_STREAM_DOM_X86_PV)
        xlc_buf_puts(&b, "  \"type\": \"pv\",\n");
    else if (domain_type == XFS_STREAM_DOM_X86_HVM)
        xlc_buf_puts(&b, "  \"type\": \"hvm\",\n");
    xlc_buf_puts(&b, "  \"cpuid\": [");
    for (size_t i = 0; i < e->nr_leaves; i++) {
        xlc_buf_puts(&b, i ? ",\n" : "\n");
        put_leaf(&b, &e->leaves[i]);
    }
    xlc_buf_puts(&b, e->nr_leaves ? "\n  ],\n  \"msr\": [" : "],\n  \"msr\": [");
    for (size_t i = 0; i < e->nr_msrs; i++) {
        xlc_buf_puts(&b, i ? ",\n" : "\n");
        put_msr(&b, &e->msrs[i]);
    }
    xlc_buf_puts(&b, e->nr_msrs ? "\n  ]\n}\n" : "]\n}\n");
    return xlc_buf_take(&b);
}
