/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor a subcommand asks: the library's handle
 * (libxl_cpuid/sources/handle.h) opened once from --backend, --cpuid,
 * --no-hap and --boot-cpuid, and what the tool asks it: the six dynamic
 * featuresets, the system policies and how to describe them; naming words
 * the way Xen's own xen-cpuid does.
 */
#ifndef XEN_CPUID_TOOL_HANDLE_H
#define XEN_CPUID_TOOL_HANDLE_H

#include <stddef.h>
#include <stdint.h>

#include "../libxl_cpuid/policy/cpu-policy.h"
#include "../libxl_cpuid/sources/handle.h"
#include "../libxl_cpuid/util/strbuf.h"
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
 * Open the backend from --backend/--cpuid/--no-hap/--boot-cpuid: the one
 * place the tool does.  Returns EXIT_OK, or the exit code after reporting
 * the error (simulation options with --backend xen are a usage error).
 */
int tool_open_handle(struct tool *t, xlc_handle **h);

/* The handle's system policies.  Exit code, as above. */
int tool_system_policies(struct tool *t, xlc_handle *h,
                         struct xlc_system_policies **s);

/*
 * Both at once, for the subcommands that need only the policies: the
 * handle is opened, asked and closed; *host describes it (static storage,
 * tool_policies_description).
 */
int tool_host_policies(struct tool *t, struct xlc_system_policies **s,
                       const char **host);

/*
 * "the running Xen" or "simulated Xen 4.17 over SOURCE" (static storage),
 * followed by the XSAVE note below when there is one.
 */
const char *tool_policies_description(const struct xlc_system_policies *s,
                                      const xlc_handle *h);

/*
 * When the CPUID source lacked leaf 0xd subleaves and the vendor's
 * documented XSAVE layout stood in (the raw policy's xstate_assumed):
 * "XSAVE layout of components 2 (AVX) 9 (PKRU) as the vendor documents
 * it, not read (...)".  Nothing otherwise.
 */
void tool_xstate_note(struct xlc_buf *b, const struct xlc_system_policies *s);
/* The same components as a JSON array of numbers ("[]" for none). */
void tool_xstate_note_json(struct xlc_buf *b,
                           const struct xlc_system_policies *s);

/* Fetch every dynamic set.  Returns an exit code, as above. */
int tool_get_featuresets(struct tool *t, xlc_handle *h,
                         struct tool_featuresets *out);
void tool_featuresets_free(struct tool_featuresets *s);

/* "CPUID 0x00000007:0.ebx", "MSR_ARCH_CAPS.lo", or "<UNKNOWN>". */
void tool_word_label(unsigned int word, char *buf, size_t n);

#endif /* XEN_CPUID_TOOL_HANDLE_H */
