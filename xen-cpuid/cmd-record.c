/* SPDX-License-Identifier: MIT */
/*
 * xen-cpuid record --type pv|hvm -o FILE [POLICY.json]
 *
 * Write a standalone libxc v3 stream carrying a guest's applied CPU policy
 * (the X86_CPUID_POLICY and X86_MSR_POLICY records, STATIC_DATA_END, END).
 * The policy comes from a policy file (libxl_cpuid/policy-json.h).  With
 * --json the recorded policy is also printed as a policy file.
 *
 * Deriving the policy from --cpuid/--xl-cpuid/--libvirt needs the guest
 * policy derivation, which is not in the library yet: those options are
 * refused with a message saying so.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../libxl_cpuid/policy-json.h"
#include "../libxl_cpuid/stream.h"
#include "tool.h"

/* "pv"/"hvm" -> domain type; 0 when unset, -1 when not understood. */
static int parse_type(const char *s)
{
    if (!s)
        return 0;
    if (!strcmp(s, "pv"))
        return XFS_STREAM_DOM_X86_PV;
    if (!strcmp(s, "hvm"))
        return XFS_STREAM_DOM_X86_HVM;
    return -1;
}

static int load_policy(struct tool *t, struct xlc_policy_entries *e,
                       int *type)
{
    xlc_error err = { 0 };
    uint32_t file_type;

    if (xlc_policy_json_load(t->argv[0], e, &file_type, &err)) {
        tool_err(t, "%s", err.msg);
        return err.code == ENOMEM ? EXIT_INTERNAL : EXIT_INPUT;
    }
    if (*type && file_type && (uint32_t)*type != file_type) {
        tool_err(t, "--type %s, but %s says \"type\": \"%s\"", t->type,
                 t->argv[0], file_type == XFS_STREAM_DOM_X86_PV ? "pv" : "hvm");
        xlc_policy_entries_free(e);
        return EXIT_USAGE;
    }
    if (!*type)
        *type = (int)file_type;
    return EXIT_OK;
}

int cmd_record(struct tool *t)
{
    struct xlc_policy_entries e = { 0 };
    xlc_error err = { 0 };
    int type = parse_type(t->type), rc;

    if (type < 0) {
        tool_err(t, "--type %s: expected pv or hvm", t->type);
        return EXIT_USAGE;
    }
    if (t->cpuid_file || t->xl_cpuid || t->libvirt) {
        tool_err(t, "deriving the guest policy from --cpuid, --xl-cpuid or "
                    "--libvirt needs the policy derivation, which this build "
                    "does not have yet; give the policy as a policy file");
        return EXIT_USAGE;
    }
    if (!t->output || t->argc != 1) {
        tool_err(t, "usage: xen-cpuid record --type pv|hvm -o FILE "
                    "POLICY.json");
        return EXIT_USAGE;
    }
    rc = load_policy(t, &e, &type);
    if (rc)
        return rc;
    if (!type) {
        tool_err(t, "the guest type is neither given with --type nor in %s",
                 t->argv[0]);
        xlc_policy_entries_free(&e);
        return EXIT_USAGE;
    }
    if (xlc_stream_write_file(t->output, (uint32_t)type, &e, &err)) {
        tool_err(t, "%s", err.msg);
        xlc_policy_entries_free(&e);
        return err.code == EINVAL || err.code == ERANGE || err.code == E2BIG
                   ? EXIT_INPUT : EXIT_INTERNAL;
    }
    if (t->json) {
        char *json = xlc_policy_json(&e, (uint32_t)type);

        if (!json) {
            tool_err(t, "out of memory");
            xlc_policy_entries_free(&e);
            return EXIT_INTERNAL;
        }
        fputs(json, stdout);
        free(json);
    } else {
        printf("%s: %s stream, %zu CPUID leaves, %zu MSRs\n", t->output,
               xlc_stream_domain_name((uint32_t)type), e.nr_leaves, e.nr_msrs);
    }
    xlc_policy_entries_free(&e);
    return EXIT_OK;
}
