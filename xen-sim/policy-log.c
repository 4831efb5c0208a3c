/* SPDX-License-Identifier: MIT */
/*
 * --policy-dir DIR: every policy a toolstack sets for a domain
 * (XEN_DOMCTL_set_cpu_policy that succeeds) is written, as the domain
 * then holds it (after Xen's recalculation), to DIR/domain-ID.json in the
 * policy file format (policy-json.h), replaced atomically.  This is how a
 * test sees what libxl computed for a guest: the domain itself cannot
 * outlive the toolstack's process.  A write that fails is skipped
 * silently (the preload prints nothing); the launcher checked that DIR
 * is a writable directory.
 *
 * The HVM_PARAM_VIRIDIAN value a toolstack sets (a Windows guest's Hyper-V
 * enlightenments; libxl sets it before the CPU policy) goes to
 * DIR/domain-ID.viridian the same way, as "0x...\n".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../libxl_cpuid/policy/applied-policy.h"
#include "../libxl_cpuid/policy/policy-json.h"
#include "../public/arch-x86/hvm-viridian.h"
#include "hc.h"

static void write_atomically(const char *path, const char *text)
{
    char *tmp;
    FILE *f;
    int ok;

    if (asprintf(&tmp, "%s.tmp.%ld", path, (long)getpid()) < 0)
        return;
    f = fopen(tmp, "w");
    if (f) {
        ok = fputs(text, f) >= 0;
        ok = !fclose(f) && ok;
        if (!ok || rename(tmp, path))
            unlink(tmp);
    }
    free(tmp);
}

void sim_log_policy(const struct sim_machine *m, const struct sim_domain *d)
{
    struct xlc_policy_entries e = { 0 };
    char *path = NULL, *json = NULL;

    if (!m->policy_dir)
        return;
    if (!xlc_policy_serialise(&d->policy, &e, NULL) &&
        (json = xlc_policy_json(&e, d->hvm ? XFS_STREAM_DOM_X86_HVM
                                           : XFS_STREAM_DOM_X86_PV)) &&
        asprintf(&path, "%s/domain-%u.json", m->policy_dir, d->domid) >= 0)
        write_atomically(path, json);
    free(path);
    free(json);
    xlc_policy_entries_free(&e);
}

void sim_log_viridian(const struct sim_machine *m, const struct sim_domain *d)
{
    char *path = NULL, *text = NULL;

    if (!m->policy_dir)
        return;
    if (asprintf(&path, "%s/domain-%u.viridian", m->policy_dir,
                 d->domid) >= 0 &&
        asprintf(&text, "0x%llx\n",
                 (unsigned long long)d->hvm_params[XFS_HVM_PARAM_VIRIDIAN]) >= 0)
        write_atomically(path, text);
    free(path);
    free(text);
}
