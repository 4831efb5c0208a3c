/* SPDX-License-Identifier: MIT */
/*
 * xen-cpuid restore-check [--backend B] [--cpuid DEST_DUMP] [--no-hap]
 *                         [--boot-cpuid L] [--xen-version VER] [--json] FILE
 *
 * Read a libxc stream (bare, or in an `xl save` file), find the CPU
 * policy it recorded, and say whether
 * this host (the running Xen, or the simulated one over DEST_DUMP or the
 * live CPU) can restore it: exit 0 when it can, 4 when it must refuse,
 * with every blocking reason (libxl_cpuid/migration/restore-check.h has the rule).
 * A stream without CPUID data is checked with the compatibility policy
 * Xen 4.17's restore would give it, and the output says so.
 *
 * A stream setting HVM_PARAM_VIRIDIAN (a Windows guest's Hyper-V
 * enlightenments) is also judged on the destination's Xen release
 * (--xen-version, default 4.17): refused when that Xen would refuse the
 * value; the output shows the Hyper-V leaves the guest sees there.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../libxl_cpuid/migration/restore-check.h"
#include "../libxl_cpuid/util/strbuf.h"
#include "../libxl_cpuid/migration/stream.h"
#include "../libxl_cpuid/viridian/viridian.h"
#include "tool-handle.h"

static const char *type_name(uint32_t domain_type)
{
    return domain_type == XFS_STREAM_DOM_X86_PV ? "PV" : "HVM";
}

static void print_guest(const struct xlc_restore_verdict *v)
{
    uint32_t fs[XFS_NR_WORDS];
    const struct xfs_cpu_policy *g = &v->guest;

    xfs_policy_to_featureset(g, fs, XFS_NR_WORDS);
    printf("guest: %s, max leaf 0x%" PRIx32 ", leaf 7 max subleaf %" PRIu32
           ", max extended leaf 0x%08" PRIx32 ", %u feature bits\n",
           xfs_vendor_name(xfs_vendor_from_leaf0(g->basic[0].b, g->basic[0].c,
                                                 g->basic[0].d)),
           xfs_policy_max_leaf(g), xfs_policy_max_feat_subleaf(g),
           xfs_policy_max_extd_leaf(g), xfs_popcount(fs, XFS_NR_WORDS));
}

/*
 * What Xen's restore changes in this stream on this destination: the
 * stream's records applied over the policy they start from there (the
 * same merge the verdict judges), notes kept.
 */
static int normalised(const struct xlc_stream_info *s,
                      const struct xlc_restore_dest *d,
                      struct xlc_stream_notes *notes, xlc_error *err)
{
    struct xfs_cpu_policy *base = malloc(sizeof(*base));
    int rc;

    memset(notes, 0, sizeof(*notes));
    if (!base)
        return xlc_fail(err, ENOMEM, "out of memory");
    if (s->has_cpuid || !d->usable)
        xfs_policy_copy(base, &d->def);
    else
        xlc_compat_policy(d, base);
    rc = xlc_stream_apply_policy(s, base, notes, err);
    free(base);
    if (rc)
        xlc_stream_notes_free(notes);
    return rc;
}

static void print_notes(const struct xlc_stream_notes *n)
{
    if (!n->n)
        return;
    printf("normalised as Xen 4.17's restore does (%zu):\n", n->n);
    for (size_t i = 0; i < n->n; i++)
        printf("  - offset %" PRIu64 ": %s\n", n->v[i].offset, n->v[i].text);
}

/* What the guest's own CPUID (and page tables) see here beyond its
 * policy: the library's words. */
static void print_leaks(const struct xlc_restore_verdict *v)
{
    struct xlc_buf b = XLC_BUF_INIT;

    xlc_guest_leaks_text(&b, v->leaks_known ? &v->leaks : NULL,
                         &v->guest_leaks, "its policy", v->why_unknown);
    printf("leaks through here: %s\n", b.oom ? "(out of memory)" : b.s);
    xlc_buf_free(&b);
}

static void print_viridian(const struct xlc_stream_info *s,
                           const struct xlc_restore_verdict *v,
                           bool xen_given)
{
    const struct xlc_viridian_dest *d = &v->viridian;
    struct xlc_buf b = XLC_BUF_INIT;

    if (!v->has_viridian) {
        if (s->nr_hvm_params_records)
            printf("viridian: the HVM_PARAMS record sets no "
                   "HVM_PARAM_VIRIDIAN: no Hyper-V enlightenments\n");
        return;
    }
    xlc_buf_printf(&b, "viridian: HVM_PARAM_VIRIDIAN 0x%llx (",
                   (unsigned long long)d->param);
    xlc_viridian_param_names(&b, d->param, false);
    xlc_buf_printf(&b, "), entry at offset %llu\n",
                   (unsigned long long)s->viridian_offset);
    if (d->groups) {
        xlc_buf_puts(&b, "  groups: ");
        xlc_viridian_set_names(&b, d->groups, false);
        xlc_buf_puts(&b, d->exact ? "\n" : " (no libxl setting gives "
                                           "exactly this value)\n");
    }
    xlc_buf_printf(&b, "  destination Xen %u.%u%s: %s\n", d->rel->major,
                   d->rel->minor, xen_given ? " (--xen-version)" : "",
                   d->ok ? "holds it" : "refuses it");
    for (size_t i = 0; i < d->nr_notes; i++)
        xlc_buf_printf(&b, "  note: %s\n", d->notes[i]);
    if (d->leaves.enabled) {
        xlc_buf_puts(&b, "  Hyper-V leaves the guest sees there (Xen "
                         "computes them from the parameter):\n");
        xlc_viridian_leaves_table(&b, &d->leaves, "    ");
    }
    if (b.s)
        fputs(b.s, stdout);
    xlc_buf_free(&b);
}

static void print_text(const char *file, const char *dest,
                       const struct xlc_stream_info *s,
                       const struct xlc_stream_notes *notes,
                       const struct xlc_restore_verdict *v, bool xen_given)
{
    if (s->xl_save)
        printf("xl save file: %s: domain config %u bytes%s, libxl stream "
               "at offset %" PRIu64 "%s (%u records, %u from the emulator), "
               "libxc stream at offset %" PRIu64 "\n",
               file, s->xl.config_len, s->xl.config_json ? " (JSON)" : "",
               s->xl.libxl_offset,
               s->xl.libxl_legacy ? " (converted from a legacy image)" : "",
               s->xl.libxl_records, s->xl.emulator_records, s->libxc_offset);
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
    print_notes(notes);
    printf("destination: %s, %s max policy\n", dest,
           type_name(s->domain_type));
    print_guest(v);
    print_viridian(s, v, xen_given);
    printf("verdict: %s", v->accept ? "accept" : "refuse");
    if (!v->accept)
        printf(" (%zu blocking reason%s)", v->nr_reasons,
               v->nr_reasons == 1 ? "" : "s");
    putchar('\n');
    for (size_t i = 0; i < v->nr_reasons; i++)
        printf("  - %s\n", v->reasons[i].text);
    for (size_t i = 0; i < v->nr_notes; i++)
        printf("%s%s\n", i ? "       " : "notes: ", v->notes[i]);
    print_leaks(v);
}

static int print_json(const char *file, const char *dest,
                      const struct xlc_stream_info *s,
                      const struct xlc_stream_notes *notes,
                      const struct xlc_restore_verdict *v)
{
    struct xlc_buf b = XLC_BUF_INIT;
    char *verdict = xlc_restore_verdict_json(v), *out;

    if (!verdict)
        return -1;
    xlc_buf_puts(&b, "{\"stream\": {\"file\": ");
    xlc_buf_json_str(&b, file);
    xlc_buf_printf(&b, ", \"container\": \"%s\", \"libxc_offset\": %" PRIu64,
                   s->xl_save ? "xl-save" : "libxc", s->libxc_offset);
    if (s->xl_save)
        xlc_buf_printf(&b, ", \"xl\": {\"config_bytes\": %u, "
                           "\"config_json\": %s, \"libxl_offset\": %" PRIu64
                           ", \"libxl_legacy\": %s, \"libxl_records\": %u, "
                           "\"emulator_records\": %u}",
                       s->xl.config_len, s->xl.config_json ? "true" : "false",
                       s->xl.libxl_offset,
                       s->xl.libxl_legacy ? "true" : "false",
                       s->xl.libxl_records, s->xl.emulator_records);
    xlc_buf_printf(&b,
                   ", \"guest_type\": \"%s\", \"xen\": \"%u.%u\", "
                   "\"version\": %u, \"records\": %u, \"cpuid_leaves\": %zu, "
                   "\"msrs\": %zu, \"hvm_params_records\": %u, "
                   "\"hvm_params\": %" PRIu64 ", \"normalised\": [",
                   s->domain_type == XFS_STREAM_DOM_X86_PV ? "pv" : "hvm",
                   s->xen_major, s->xen_minor, s->version, s->nr_records,
                   s->policy.nr_leaves, s->policy.nr_msrs,
                   s->nr_hvm_params_records, s->nr_hvm_params);
    for (size_t i = 0; i < notes->n; i++) {
        xlc_buf_printf(&b, "%s{\"offset\": %" PRIu64 ", \"note\": ",
                       i ? ", " : "", notes->v[i].offset);
        xlc_buf_json_str(&b, notes->v[i].text);
        xlc_buf_putc(&b, '}');
    }
    xlc_buf_puts(&b, "]}, \"destination\": ");
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

/*
 * The destination for the stream's guest type, from the chosen backend,
 * with its levelling capabilities for what leaks through there (left
 * unknown, and the verdict says so, when the hypervisor refuses them).
 */
static int destination(struct tool *t, uint32_t domain_type,
                       struct xlc_restore_dest *d, char **dest)
{
    struct xlc_system_policies *sys = NULL;
    struct xlc_levelling caps;
    xlc_error err = { 0 };
    xlc_handle *h;
    int rc = tool_open_handle(t, &h);

    if (!rc)
        rc = tool_system_policies(t, h, &sys);
    if (!rc) {
        xlc_restore_dest_from_system(sys, domain_type, d);
        d->xen = t->xen;
        if (!xlc_levelling_of_handle(h, &caps, &err))
            xlc_restore_dest_levelling(d, sys, &caps);
        *dest = strdup(tool_policies_description(sys, h));
        if (!*dest) {
            tool_err(t, "out of memory");
            rc = EXIT_INTERNAL;
        }
    }
    xlc_system_policies_free(sys);
    xlc_close(h);
    return rc;
}

static int check(struct tool *t, const struct xlc_stream_info *s,
                 const struct xlc_restore_dest *d, const char *dest)
{
    struct xlc_restore_verdict v;
    struct xlc_stream_notes notes;
    xlc_error err = { 0 };
    int rc;

    rc = xlc_restore_check(s, d, &v, &err);
    if (rc) {
        xlc_error_prefix(&err, "%s", t->argv[0]);
        return tool_fail(t, rc, &err);
    }
    rc = normalised(s, d, &notes, &err);
    if (rc) {
        xlc_error_prefix(&err, "%s", t->argv[0]);
        xlc_restore_verdict_free(&v);
        return tool_fail(t, rc, &err);
    }
    rc = t->json ? print_json(t->argv[0], dest, s, &notes, &v)
                 : (print_text(t->argv[0], dest, s, &notes, &v,
                               t->xen != NULL), 0);
    if (rc)
        tool_err(t, "out of memory");
    rc = rc ? EXIT_INTERNAL : v.accept ? EXIT_OK : EXIT_REFUSED;
    xlc_stream_notes_free(&notes);
    xlc_restore_verdict_free(&v);
    return rc;
}

int cmd_restore_check(struct tool *t)
{
    struct xlc_restore_dest *d;
    struct xlc_stream_info s;
    xlc_error err = { 0 };
    char *dest = NULL;
    int rc;

    if (t->argc != 1)
        return tool_usage(t, "expected one FILE (a libxc stream or an xl "
                          "save file)");
    rc = xlc_stream_load(t->argv[0], &s, &err);
    if (rc)
        return tool_fail(t, rc, &err);
    d = malloc(sizeof(*d));
    rc = d ? destination(t, s.domain_type, d, &dest) : EXIT_INTERNAL;
    if (!d)
        tool_err(t, "out of memory");
    if (!rc)
        rc = check(t, &s, d, dest);
    free(dest);
    free(d);
    xlc_stream_info_free(&s);
    return rc;
}
