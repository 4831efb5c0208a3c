/* SPDX-License-Identifier: MIT */
/*
 * Shared by the subcommands that talk to a hypervisor: open the backend
 * the options ask for, fetch the six dynamic featuresets, name words and
 * features the way Xen's own xen-cpuid does.
 */
#ifndef XEN_CPUID_TOOL_HANDLE_H
#define XEN_CPUID_TOOL_HANDLE_H

#include <stddef.h>
#include <stdint.h>

#include "../libxl_cpuid/sources/handle.h"
#include "tool.h"

#define TOOL_NR_SETS XFS_SYSCTL_cpu_featureset_nr

/* Xen's names for the dynamic sets, by sysctl index. */
extern const char *const tool_set_names[TOOL_NR_SETS];

struct tool_featuresets {
    uint32_t nr;                      /* words the backend knows */
    uint32_t *fs[TOOL_NR_SETS];
    uint32_t len[TOOL_NR_SETS];       /* words returned */
    bool unsupported[TOOL_NR_SETS];   /* -EOPNOTSUPP from the backend */
};

/*
 * Open the backend from --backend/--cpuid/--no-hap/--boot-cpuid.  Returns
 * EXIT_OK, or the exit code after reporting the error.
 */
int tool_open_handle(struct tool *t, xlc_handle **h);

/* Fetch every dynamic set.  Returns an exit code, as above. */
int tool_get_featuresets(struct tool *t, xlc_handle *h,
                         struct tool_featuresets *out);
void tool_featuresets_free(struct tool_featuresets *s);

/* "CPUID 0x00000007:0.ebx", "MSR_ARCH_CAPS.lo", or "<UNKNOWN>". */
void tool_word_label(unsigned int word, char *buf, size_t n);

#endif /* XEN_CPUID_TOOL_HANDLE_H */
