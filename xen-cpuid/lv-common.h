/* SPDX-License-Identifier: MIT */
/*
 * Shared by the libvirt subcommands (model, host-model): the guest type,
 * the host's featuresets, the cpu_map, and featureset printing.
 */
#ifndef XEN_CPUID_LV_COMMON_H
#define XEN_CPUID_LV_COMMON_H

#include "../libxl_cpuid/libvirt/libvirt-translate.h"
#include "../libxl_cpuid/util/strbuf.h"
#include "tool-handle.h"
#include "tool.h"

/* --type pv|hvm (default hvm).  Returns 0 or an exit code. */
int lv_tool_type(struct tool *t, enum xlc_guest_type *type);

/*
 * The host for guest type `type`: the featuresets from the backend the
 * options choose (real Xen, or the simulated hypervisor over --cpuid DUMP
 * or the live CPU, with --no-hap / --boot-cpuid), the vendor from the same
 * CPUID source.  *source describes the backend (static storage); *usable
 * is false when the hypervisor offers this guest type nothing.  Returns 0
 * or an exit code.
 */
int lv_tool_host(struct tool *t, enum xlc_guest_type type,
                 struct xlc_lv_host *h, const char **source, bool *usable);

/* --cpu-map DIR or the default.  Returns 0 or an exit code. */
int lv_tool_map(struct tool *t, struct xlc_cpu_map **map);

/* Xen's featureset string: words as %08x joined by ':'. */
void lv_buf_featureset(struct xlc_buf *b, const uint32_t *fs);
/* Xen names of the set bits, space separated (JSON: a string array). */
void lv_buf_names(struct xlc_buf *b, const uint32_t *fs, bool json);

/* A libvirt subcommand's work, given the cpu_map and the guest type. */
typedef int lv_cmd_fn(struct tool *t, struct xlc_cpu_map *map,
                      enum xlc_guest_type type);

/*
 * The common start of a libvirt subcommand: exactly `nargs` arguments
 * (else `usage` and EXIT_USAGE), --type, --cpu-map; then fn, and the map
 * freed.  Returns fn's exit code or the first failure's.
 */
int lv_tool_main(struct tool *t, int nargs, const char *usage, lv_cmd_fn *fn);

/* Write b to stdout and free it; EXIT_INTERNAL if it ran out of memory. */
int lv_emit(struct xlc_buf *b);

#endif /* XEN_CPUID_LV_COMMON_H */
