/* SPDX-License-Identifier: MIT */
/*
 * The toolstack's featureset API: a handle on a hypervisor, real or
 * simulated.
 *
 *   xen   the running Xen, through libxenctrl (xc_interface_open,
 *         xc_get_cpu_featureset, xc_get_cpu_featureset_size)
 *   sim   xen/ derivation code run in-process over a CPUID source
 *   auto  xen when /dev/xen is usable, else sim over the live CPU
 */
#ifndef LIBXL_CPUID_HANDLE_H
#define LIBXL_CPUID_HANDLE_H

#include <stdbool.h>
#include <stdint.h>

#include "../../xen/arch/featuresets.h"
#include "../util/error.h"

enum xlc_backend { XLC_BACKEND_AUTO, XLC_BACKEND_XEN, XLC_BACKEND_SIM };

struct xlc_open_opts {
    enum xlc_backend backend;
    const char *cpuid_file;      /* sim source: dump file; NULL = live CPU */
    bool no_hap;                 /* sim: hypervisor without HAP */
    const char *boot_cpuid;      /* sim: "no-NAME,..." or NULL */
};

typedef struct xlc_handle xlc_handle;

int xlc_open(const struct xlc_open_opts *opts, xlc_handle **out,
             xlc_error *err);
void xlc_close(xlc_handle *h);

/* Which backend is in use, and a description ("sim: live CPU", ...). */
enum xlc_backend xlc_backend_in_use(const xlc_handle *h);
const char *xlc_backend_description(const xlc_handle *h);

/* Number of words the hypervisor knows. */
int xlc_get_featureset_size(xlc_handle *h, uint32_t *nr, xlc_error *err);

/*
 * Same contract as xc_get_cpu_featureset(): *nr in = words in `features`,
 * out = words written; -ENOBUFS (with the copy done) when the caller's
 * buffer is shorter than the hypervisor's; -EINVAL for a bad index.
 */
int xlc_get_featureset(xlc_handle *h, uint32_t index, uint32_t *nr,
                       uint32_t *features, xlc_error *err);

#endif /* LIBXL_CPUID_HANDLE_H */
