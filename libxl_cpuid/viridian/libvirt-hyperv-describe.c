/* SPDX-License-Identifier: MIT */
/*
 * From a Xen guest's HVM_PARAM_VIRIDIAN to the libvirt elements that ask
 * for the same enlightenments (the inverse of libvirt-hyperv.c's table),
 * and what libvirt has no words for.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libvirt-hyperv.h"

#define G(x) XLC_VIRIDIAN_BIT(XLC_VIRIDIAN_##x)

static int note(struct xlc_hyperv_description *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int note(struct xlc_hyperv_description *d, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = xlc_strv_vaddf(&d->notes, &d->nr_notes, fmt, ap);
    va_end(ap);
    return rc;
}

/* One "<NAME state='on'/>" when the condition holds; the groups it gives
 * back are added to *given. */
static void element(struct xlc_buf *b, bool cond, const char *name,
                    xlc_viridian_set groups, xlc_viridian_set *given)
{
    if (!cond)
        return;
    xlc_buf_printf(b, "    <%s state='on'/>\n", name);
    *given |= groups;
}

/* A tlbflush or ipi element: libvirt's (QEMU's) meaning includes
 * ex_processor_masks, so it describes the group only together with it. */
static int paired(struct xlc_hyperv_description *d, struct xlc_buf *b,
                  xlc_viridian_set s, unsigned int g, const char *name,
                  xlc_viridian_set *given)
{
    xlc_viridian_set both = XLC_VIRIDIAN_BIT(g) | G(EX_PROCESSOR_MASKS);

    if (!(s & XLC_VIRIDIAN_BIT(g)))
        return 0;
    if ((s & both) == both) {
        element(b, true, name, both, given);
        return 0;
    }
    return note(d, "%s without ex_processor_masks: libvirt's <%s> asks for "
                "both", xlc_viridian_group_name(g), name);
}

static int hyperv_children(struct xlc_hyperv_description *d,
                           struct xlc_buf *b, xlc_viridian_set s,
                           uint32_t retries, xlc_viridian_set *given)
{
    int rc;

    element(b, true, "relaxed", G(BASE), given);
    element(b, s & G(APIC_ASSIST), "vapic", G(APIC_ASSIST), given);
    if (retries >= 4095)
        xlc_buf_printf(b, "    <spinlocks state='on' retries='%u'/>\n",
                       retries);
    element(b, true, "vpindex", G(BASE), given);
    element(b, s & G(SYNIC), "synic", G(SYNIC), given);
    element(b, s & G(STIMER), "stimer",
            G(STIMER) | G(SYNIC) | G(TIME_REF_COUNT), given);
    element(b, s & G(FREQ), "frequencies", G(FREQ), given);
    rc = paired(d, b, s, XLC_VIRIDIAN_HCALL_REMOTE_TLB_FLUSH, "tlbflush",
                given);
    if (!rc)
        rc = paired(d, b, s, XLC_VIRIDIAN_HCALL_IPI, "ipi", given);
    if (!rc && retries < 4095)
        rc = note(d, "spinlocks: Xen reports %u retries (its "
                  "viridian-spinlock-retry-count); libvirt cannot say a "
                  "count below 4095, so <spinlocks> is left out", retries);
    return rc;
}

/* The groups outside <hyperv>: hypervclock and the Hyper-V panic device. */
static int outside(struct xlc_hyperv_description *d, xlc_viridian_set s,
                   xlc_viridian_set *given)
{
    xlc_viridian_set time = G(TIME_REF_COUNT) | G(REFERENCE_TSC);

    if ((s & time) == time) {
        d->clock_timer = strdup("<timer name='hypervclock' present='yes'/>");
        if (!d->clock_timer)
            return -ENOMEM;
        *given |= time;
    }
    if (s & G(CRASH_CTL)) {
        d->panic = strdup("<panic model='hyperv'/>");
        if (!d->panic)
            return -ENOMEM;
        *given |= G(CRASH_CTL);
    }
    return 0;
}

/* Every group of s that nothing above gave back. */
static int leftovers(struct xlc_hyperv_description *d, xlc_viridian_set s,
                     xlc_viridian_set given)
{
    for (unsigned int g = 0; g < XLC_VIRIDIAN_NR_GROUPS; g++) {
        int rc = 0;

        if (!(s & ~given & XLC_VIRIDIAN_BIT(g)))
            continue;
        if (g == XLC_VIRIDIAN_TIME_REF_COUNT || g == XLC_VIRIDIAN_REFERENCE_TSC)
            rc = note(d, "%s alone: libvirt's hypervclock timer asks for "
                      "time_ref_count and reference_tsc together",
                      xlc_viridian_group_name(g));
        else if (g != XLC_VIRIDIAN_HCALL_REMOTE_TLB_FLUSH &&
                 g != XLC_VIRIDIAN_HCALL_IPI)
            rc = note(d, "no element in libvirt for %s: %s",
                      xlc_viridian_group_name(g),
                      xlc_viridian_group_help(g));
        if (rc)
            return rc;
    }
    return 0;
}

int xlc_hyperv_describe(uint64_t param, uint32_t spinlock_retries,
                        struct xlc_hyperv_description *out, xlc_error *err)
{
    struct xlc_buf b = XLC_BUF_INIT;
    xlc_viridian_set s, given = 0;
    int rc;

    memset(out, 0, sizeof(*out));
    rc = xlc_viridian_param_to_set(param, &s, NULL, err);
    if (rc)
        return rc;
    if (!s) {
        xlc_buf_puts(&b, "<features/>");
        rc = note(out, "no enlightenments: no <hyperv> element");
    } else {
        xlc_buf_puts(&b, "<features>\n  <hyperv mode='custom'>\n");
        rc = hyperv_children(out, &b, s, spinlock_retries, &given);
        xlc_buf_puts(&b, "  </hyperv>\n</features>");
        if (!rc)
            rc = outside(out, s, &given);
        if (!rc)
            rc = leftovers(out, s, given);
    }
    out->features = xlc_buf_take(&b);
    out->param_expressible = xlc_viridian_set_to_param(s & given);
    if (rc || !out->features) {
        xlc_hyperv_description_free(out);
        return xlc_fail(err, ENOMEM, "out of memory");
    }
    return 0;
}

void xlc_hyperv_description_free(struct xlc_hyperv_description *d)
{
    if (!d)
        return;
    free(d->features);
    free(d->clock_timer);
    free(d->panic);
    xlc_strv_free(d->notes, d->nr_notes);
    memset(d, 0, sizeof(*d));
}
