/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the restore check: any stream is either refused as input (a parse
 * error with an offset, or policy records a policy cannot hold, named), or
 * judged; a verdict accepts exactly when the destination runs the type and
 * the core compatibility check finds nothing between what the stream asks
 * for and what the domain may hold after Xen's per-domain recalculation,
 * an accepted guest's policy fits the destination's max policy, lists every reason with its
 * text, and always has a JSON form.  The destination is this machine's CPU
 * through the simulated Xen, PV and HVM (when it has VMX or SVM).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libxl_cpuid/policy/applied-policy.h"
#include "libxl_cpuid/migration/restore-check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct xlc_restore_dest *dest[2];

static void init(void)
{
    struct xlc_sim_opts o = { NULL, false, NULL };
    struct xlc_system_policies *s;
    xlc_error err = { 0 };

    if (xlc_system_policies_load(&o, &s, &err))
        abort();
    for (int i = 0; i < 2; i++) {
        dest[i] = malloc(sizeof(*dest[i]));
        if (!dest[i])
            abort();
        xlc_restore_dest_from_system(s, i ? XFS_STREAM_DOM_X86_HVM
                                          : XFS_STREAM_DOM_X86_PV, dest[i]);
    }
    xlc_system_policies_free(s);
}

/*
 * The rule restated from its parts: what the stream asks for (merged over
 * the destination default) against what the domain may hold once Xen has
 * recalculated it.  Returns the number of reasons.
 */
static unsigned int judged_reasons(const struct xlc_stream_info *s,
                                   const struct xlc_restore_dest *d)
{
    struct xfs_cpu_policy *p = malloc(4 * sizeof(*p));
    bool hvm = d->domain_type == XFS_STREAM_DOM_X86_HVM;
    unsigned int n;

    if (!p || xlc_restore_merged_policy(s, d, &p[0], NULL))
        abort();
    xlc_domain_policy(&p[0], &d->max, &d->host, hvm, &p[1]);
    xlc_domain_judged(&p[0], &p[1], &d->max, hvm, &p[2], &p[3]);
    n = xfs_policy_check_compat(&p[3], &p[2], NULL, 0);
    free(p);
    return n;
}

static void judge(const struct xlc_stream_info *s,
                  const struct xlc_restore_dest *d)
{
    struct xlc_restore_verdict v;
    xlc_error err = { 0 };
    char *json;

    if (xlc_restore_check(s, d, &v, &err)) {
        if (!err.code || !strstr(err.msg, "the stream's policy records: "))
            abort();
        return;
    }
    if (v.accept != (d->usable && !judged_reasons(s, d)) ||
        v.accept != !v.nr_reasons)
        abort();
    /* Safety: what an accepted guest runs with fits the destination. */
    if (v.accept && xfs_policy_check_compat(&d->max, &v.guest, NULL, 0))
        abort();
    for (size_t i = 0; i < v.nr_reasons; i++)
        if (!v.reasons[i].text || !*v.reasons[i].text)
            abort();
    json = xlc_restore_verdict_json(&v);
    if (!json)
        abort();
    free(json);
    xlc_restore_verdict_free(&v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xlc_stream_info s;
    xlc_error err = { 0 };

    if (!dest[0])
        init();
    if (xlc_stream_parse(data, size, &s, &err))
        return 0;
    if (s.domain_type == XFS_STREAM_DOM_X86_PV ||
        s.domain_type == XFS_STREAM_DOM_X86_HVM)
        judge(&s, dest[s.domain_type == XFS_STREAM_DOM_X86_HVM]);
    xlc_stream_info_free(&s);
    return 0;
}
