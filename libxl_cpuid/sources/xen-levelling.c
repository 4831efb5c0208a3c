/* SPDX-License-Identifier: MIT */
/* The running Xen's levelling capabilities (levelling-report.h). */
#include <errno.h>
#include <string.h>

#include <xenctrl.h>
#include <xenguest.h>

#include "../verdict/levelling-report.h"
#include "xen-backend.h"

int xlc_xen_levelling_caps(uint32_t *caps, xlc_error *err)
{
    struct xlc_xen *x = NULL;
    int rc = xlc_xen_open(&x, err);

    if (rc)
        return rc;
    if (xc_get_cpu_levelling_caps(xlc_xen_xch(x), caps))
        rc = xlc_fail(err, ENODEV, "Xen: XEN_SYSCTL_get_cpu_levelling_caps: "
                      "%s", strerror(errno));
    xlc_xen_close(x);
    return rc;
}
