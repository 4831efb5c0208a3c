/* SPDX-License-Identifier: MIT */
/*
 * Shared by the libvirt subcommands (model, host-model): the guest type,
 * the host's featuresets, the cpu_map, and featureset printing.
 */
#ifndef XEN_CPUID_LV_COMMON_H
#define XEN_CPUID_LV_COMMON_H

#include "../libxl_cpuid/libvirt-translate.h"
#include "../libxl_cpuid/strbuf.h"
#include "tool.h"

/* --type pv|hvm (default hvm).  Returns 0 or an exit code. */
int lv_tool_type(struct tool *t, enum xlc_guest_type *type);

/*
 * The host for guest type `type`: derived by the simulated hypervisor
 * from --cpuid DUMP, or from the live CPU, honouring --no-hap and
 * --boot-cpuid.  *source names where it came from (static or the dump's
 * own name; valid until lv_tool_host_done).  Returns 0 or an exit code.
 */
int lv_tool_host(struct tool *t, enum xlc_guest_type type,
                 struct xlc_lv_host *h, const char **source, bool *usable);
void lv_tool_host_done(void);

/* --cpu-map DIR or the default.  Returns 0 or an exit code. */
int lv_tool_map(struct tool *t, struct xlc_cpu_map **map);

/* Xen's featureset string: words as %08x joined by ':'. */
void lv_buf_featureset(struct xlc_buf *b, const uint32_t *fs);
/* Xen names of the set bits, space separated (JSON: a string array). */
void lv_buf_names(struct xlc_buf *b, const uint32_t *fs, bool json);

/* Write b to stdout and free it; EXIT_INTERNAL if it ran out of memory. */
int lv_emit(struct xlc_buf *b);

#endif /* XEN_CPUID_LV_COMMON_H */
