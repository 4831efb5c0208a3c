/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <strings.h>

#include "guest-type.h"

int xlc_guest_type_parse(const char *s, enum xlc_guest_type *out,
                         xlc_error *err)
{
    if (s && !strcasecmp(s, "pv"))
        *out = XLC_GUEST_PV;
    else if (s && !strcasecmp(s, "hvm"))
        *out = XLC_GUEST_HVM;
    else
        return xlc_fail(err, EINVAL, "guest type '%s': expected pv or hvm",
                        s ? s : "");
    return 0;
}
