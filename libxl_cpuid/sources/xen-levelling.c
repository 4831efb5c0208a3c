/* SPDX-License-Identifier: MIT */
/* The running Xen's levelling capabilities, on the handle's open backend. */
#include <errno.h>
#include <string.h>

#include <xenctrl.h>
#include <xenguest.h>

#include "xen-backend.h"

int xlc_xen_levelling_caps(struct xlc_xen *x, uint32_t *caps, xlc_error *err)
{
    if (xc_get_cpu_levelling_caps(xlc_xen_xch(x), caps))
        return xlc_fail(err, ENODEV, "Xen: XEN_SYSCTL_get_cpu_levelling_caps: "
                        "%s", strerror(errno));
    return 0;
}
