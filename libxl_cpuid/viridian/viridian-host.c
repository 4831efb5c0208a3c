/* SPDX-License-Identifier: MIT */
/*
 * A host as the Hyper-V leaves see it, and a guest's enlightenments
 * judged on a destination (see viridian.h for what is judged and why).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../policy/cpu-policy.h"
#include "viridian.h"

void xlc_viridian_host_from_system(const struct xlc_system_policies *sys,
                                   struct xlc_viridian_host_info *out)
{
    enum xfs_vendor v = sys->pol.p[XFS_SYSCTL_cpu_featureset_host].vendor;

    memset(out, 0, sizeof(*out));
    xfs_viridian_host_default(&out->facts);
    out->facts.hap = sys->opts.hap;
    out->hvm = sys->pol.present[XFS_SYSCTL_cpu_featureset_hvm_max];
    out->invariant_tsc = xfs_test(sys->fs.fs[XFS_SYSCTL_cpu_featureset_host],
                                  XFS_NR_WORDS, XFS_ITSC);
    if (v == XFS_VENDOR_AMD || v == XFS_VENDOR_HYGON) {
        out->facts.vmx = false;
        out->facts.apic_reg_virt = false;
        out->facts.virtualize_apic_accesses = false;
        out->cpu = "AMD SVM";
    } else {
        out->cpu = "VT-x, assumed with APIC-register virtualisation, "
                   "virtualised APIC accesses and MSR bitmaps";
    }
}

static int oom(xlc_error *err)
{
    return xlc_fail(err, ENOMEM, "out of memory");
}

/* A release before 4.15 sets the parameter from the configuration first. */
static int config_note(struct xlc_viridian_dest *d, xlc_error *err)
{
    const struct xlc_viridian_release *r = d->rel;
    char *list = xlc_viridian_xl_setting(d->groups);
    int rc;

    if (!list)
        return oom(err);
    rc = xlc_strv_addf(&d->notes, &d->nr_notes,
                       "Xen %u.%u's libxl (before 4.15) sets "
                       "HVM_PARAM_VIRIDIAN from the guest's configuration "
                       "before it reads the stream, and Xen refuses the "
                       "stream's 0x%" PRIx64 " unless that gave the same "
                       "(-EEXIST): restore with viridian=%s%s", r->major,
                       r->minor, d->param, list,
                       d->groups == r->defaults
                           ? " (viridian=1 gives the same there)"
                           : d->exact ? "" : " (no setting of libxl's gives "
                                             "this value)");
    free(list);
    return rc ? oom(err) : 0;
}

static int tsc_note(struct xlc_viridian_dest *d, xlc_error *err)
{
    bool trc = d->param & XFS_HVMPV_TIME_REF_COUNT;

    if (xlc_strv_addf(&d->notes, &d->nr_notes,
                      "reference_tsc: this host has no invariant TSC, so Xen "
                      "keeps the enlightenment but marks the reference TSC "
                      "page invalid (sequence 0); the guest falls back to "
                      "%s", trc ? "the reference counter MSR (time_ref_count)"
                                : "its other clocks (time_ref_count is off)"))
        return oom(err);
    return 0;
}

/* Values no release holds, and bits this one lacks. */
static int refusals(struct xlc_viridian_dest *d, xlc_error *err)
{
    xlc_error why = { 0 };

    if (!(d->param & XFS_HVMPV_BASE_FREQ))
        return xlc_strv_addf(&d->reasons, &d->nr_reasons,
                             "HVM_PARAM_VIRIDIAN 0x%" PRIx64 ": no base_freq, "
                             "which every enlightenment needs: Xen refuses "
                             "the value (-EINVAL) and the restore fails",
                             d->param) ? oom(err) : 0;
    d->missing = xlc_viridian_param_missing(d->param, d->rel);
    if (!d->missing)
        return 0;
    xlc_viridian_check_destination(d->param, d->rel, &why);
    return xlc_strv_addf(&d->reasons, &d->nr_reasons, "%s", why.msg)
               ? oom(err) : 0;
}

int xlc_viridian_judge_dest(uint64_t param,
                            const struct xlc_viridian_release *rel,
                            const struct xlc_viridian_host_info *h,
                            struct xlc_viridian_dest *out, xlc_error *err)
{
    struct xfs_viridian_host facts = h->facts;
    int rc;

    memset(out, 0, sizeof(*out));
    out->param = param;
    out->rel = rel;
    rc = refusals(out, err);
    if (!rc && xlc_viridian_param_to_set(param, &out->groups, &out->exact,
                                         NULL))
        out->groups = 0;
    if (!rc && !out->nr_reasons && xlc_viridian_release_sets_on_restore(rel))
        rc = config_note(out, err);
    if (!rc && (param & XFS_HVMPV_REFERENCE_TSC) && !h->invariant_tsc)
        rc = tsc_note(out, err);
    if (rc) {
        xlc_viridian_dest_free(out);
        return rc;
    }
    out->ok = !out->nr_reasons;
    facts.xen_major = (uint16_t)rel->major;
    facts.xen_minor = (uint16_t)rel->minor;
    if (out->ok && h->hvm)
        xfs_viridian_leaves(param, &facts, XFS_VIRIDIAN_OS_ID_WINDOWS,
                            &out->leaves);
    return 0;
}

void xlc_viridian_dest_free(struct xlc_viridian_dest *d)
{
    if (!d)
        return;
    xlc_strv_free(d->reasons, d->nr_reasons);
    xlc_strv_free(d->notes, d->nr_notes);
    d->reasons = d->notes = NULL;
    d->nr_reasons = d->nr_notes = 0;
}

void xlc_viridian_dest_json(struct xlc_buf *b,
                            const struct xlc_viridian_dest *d)
{
    xlc_buf_printf(b, "{\"hvm_param_viridian\": %" PRIu64 ", \"bits\": ",
                   d->param);
    xlc_viridian_param_names(b, d->param, true);
    xlc_buf_puts(b, ", \"groups\": ");
    xlc_viridian_set_names(b, d->groups, true);
    xlc_buf_printf(b, ", \"exact\": %s, \"xen\": \"%u.%u\", \"verdict\": "
                   "\"%s\", \"missing\": ", d->exact ? "true" : "false",
                   d->rel->major, d->rel->minor, d->ok ? "accept" : "refuse");
    xlc_viridian_param_names(b, d->missing, true);
    xlc_buf_puts(b, ", \"reasons\": ");
    xlc_buf_json_strv(b, d->reasons, d->nr_reasons, ", ");
    xlc_buf_puts(b, ", \"notes\": ");
    xlc_buf_json_strv(b, d->notes, d->nr_notes, ", ");
    xlc_buf_puts(b, ", \"leaves\": ");
    if (d->leaves.enabled)
        xlc_viridian_leaves_json(b, &d->leaves, "");
    else
        xlc_buf_puts(b, "null");
    xlc_buf_putc(b, '}');
}
