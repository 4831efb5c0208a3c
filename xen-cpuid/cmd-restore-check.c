/* SPDX-License-Identifier: MIT */
/*
 * xen-cpuid restore-check [--cpuid DEST_DUMP] [--no-hap] [--boot-cpuid L]
 *                         [--json] FILE
 *
 * Read a libxc stream, find the CPU policy it recorded, and say whether
 * this host (simulated over DEST_DUMP, or the live CPU) can restore it:
 * exit 0 when it can, 4 when it must refuse, with every blocking reason.
 * A stream without CPUID data is checked with the compatibility policy
 * Xen 4.17's restore would give it, and the output says so.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../libxl_cpuid/cpuid-dump.h"
#include "../libxl_cpuid/restore-check.h"
#include "../libxl_cpuid/strbuf.h"
#include "../libxl_cpuid/stream.h"
#include "tool.h"

/* Derive the destination's featuresets from a dump or the live CPU. */
static int destination(struct tool *t, struct xfs_system_featuresets *sys,
                       const char **what)
{
    struct xlc_cpuid_dump *dump;
    struct xfs_cpuid_reader rd;
    struct xfs_hv_options opts;
    xlc_error err = { 0 };
    unsigned int bad;
    int rc;

    if (t->backend && strcmp(t->backend, "sim") && strcmp(t->backend, "auto")) {
        tool_err(t, "--backend %s: only the simulated hypervisor (sim) is "
                    "available to restore-check in this build", t->backend);
        return EXIT_BACKEND;
    }
    xfs_hv_options_default(&opts);
    opts.hap = !t->no_hap;
    if (t->boot_cpuid && xfs_parse_boot_cpuid(t->boot_cpuid, &opts, &bad)) {
        tool_err(t, "--boot-cpuid: bad item at offset %u of '%s'", bad,
                 t->boot_cpuid);
        return EXIT_USAGE;
    }
    rc = t->cpuid_file ? xlc_dump_load(t->cpuid_file, &dump, &err)
                       : xlc_dump_live(&dump, &err);
    if (rc) {
        tool_err(t, "%s", err.msg);
        return t->cpuid_file ? EXIT_INPUT : EXIT_BACKEND;
    }
    xlc_dump_reader(dump, &rd);
    xfs_derive_featuresets(&rd, &opts, sys);
    xlc_dump_free(dump);
    *what = t->cpuid_file ? t->cpuid_file : "the live CPU";
    return EXIT_OK;
}

static void print_text(const char *file, const char *dest,
                       const struct xlc_stream_info *s,
                       const struct xlc_restore_verdict *v)
{
    char line[256];

    printf("stream: %s: %s guest, saved by Xen %u.%u, stream version %u, "
           "%u records\n",
           file, xlc_stream_domain_name(s->domain_type), s->xen_major,
           s->xen_minor, s->version, s->nr_records);
    if (s->has_cpuid)
        printf("policy: %zu CPUID leaves (record at offset %" PRIu64 ")",
               s->policy.nr_leaves, s->cpuid_offset);
    else
        printf("policy: no CPUID record: checked with Xen 4.17's "
               "compatibility policy for pre-4.14 streams");
    if (s->has_msr)
        printf(", %zu MSRs (record at offset %" PRIu64 ")\n",
               s->policy.nr_msrs, s->msr_offset);
    else
        printf(", no MSR record (destination default MSRs)\n");
    printf("destination: simulated Xen 4.17 over %s\n", dest);
    printf("verdict: %s", v->accept ? "accept" : "refuse");
    if (!v->accept)
        printf(" (%zu blocking reason%s)", v->nr_reasons,
               v->nr_reasons == 1 ? "" : "s");
    putchar('\n');
    for (size_t i = 0; i < v->nr_reasons; i++) {
        xlc_restore_reason_text(v, i, line, sizeof(line));
        printf("  - %s\n", line);
    }
}

static int print_json(const char *file, const char *dest,
                      const struct xlc_stream_info *s,
                      const struct xlc_restore_verdict *v)
{
    struct xlc_buf b = XLC_BUF_INIT;
    char *verdict = xlc_restore_verdict_json(v), *out;

    if (!verdict)
        return -1;
    xlc_buf_puts(&b, "{\"stream\": {\"file\": ");
    xlc_buf_json_str(&b, file);
    xlc_buf_printf(&b,
                   ", \"guest_type\": \"%s\", \"xen\": \"%u.%u\", "
                   "\"version\": %u, \"records\": %u, \"cpuid_leaves\": %zu, "
                   "\"msrs\": %zu}, \"destination\": ",
                   s->domain_type == XFS_STREAM_DOM_X86_PV ? "pv" : "hvm",
                   s->xen_major, s->xen_minor, s->version, s->nr_records,
                   s->policy.nr_leaves, s->policy.nr_msrs);
    xlc_buf_json_str(&b, dest);
    xlc_buf_printf(&b, ", \"result\": %s}\n", verdict);
    free(verdict);
    out = xlc_buf_take(&b);
    if (!out)
        return -1;
    fputs(out, stdout);
    free(out);
    return 0;
}

int cmd_restore_check(struct tool *t)
{
    struct xfs_system_featuresets sys;
    struct xlc_stream_info s;
    struct xlc_restore_dest d;
    struct xlc_restore_verdict v;
    xlc_error err = { 0 };
    const char *dest;
    int rc;

    if (t->argc != 1) {
        tool_err(t, "usage: xen-cpuid restore-check [--cpuid DEST_DUMP] "
                    "[--json] FILE");
        return EXIT_USAGE;
    }
    if (xlc_stream_load(t->argv[0], &s, &err)) {
        tool_err(t, "%s", err.msg);
        return err.code == ENOMEM ? EXIT_INTERNAL : EXIT_INPUT;
    }
    rc = destination(t, &sys, &dest);
    if (rc) {
        xlc_stream_info_free(&s);
        return rc;
    }
    xlc_restore_dest_from_system(&sys, s.domain_type, &d);
    if (xlc_restore_check(&s, &d, &v, &err)) {
        tool_err(t, "%s", err.msg);
        xlc_stream_info_free(&s);
        return EXIT_INTERNAL;
    }
    rc = t->json ? print_json(t->argv[0], dest, &s, &v)
                 : (print_text(t->argv[0], dest, &s, &v), 0);
    if (rc)
        tool_err(t, "out of memory");
    rc = rc ? EXIT_INTERNAL : v.accept ? EXIT_OK : EXIT_REFUSED;
    xlc_restore_verdict_free(&v);
    xlc_stream_info_free(&s);
    return rc;
}
