/* SPDX-License-Identifier: MIT */
/*
 * The applied policy (applied-policy.h): the guest featureset from the
 * settings, written into the type's default policy, checked against the
 * type's max policy.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "applied-policy.h"
#include "../verdict/guest-verdict.h"
#include "../util/strbuf.h"
#include "../xl/xl-cpuid.h"

const char *xlc_settings_kind_name(enum xlc_settings_kind k)
{
    switch (k) {
    case XLC_SETTINGS_DEFAULT: return "default";
    case XLC_SETTINGS_FEATURESET: return "featureset";
    case XLC_SETTINGS_LIBVIRT: return "libvirt";
    case XLC_SETTINGS_XL_CPUID: return "xl-cpuid";
    }
    return "?";
}

/* Why the host has no policy for this guest type. */
static int type_unavailable(const struct xlc_system_policies *sys,
                            enum xlc_guest_type type, xlc_error *err)
{
    const uint32_t *raw = sys->fs.fs[XFS_SYSCTL_cpu_featureset_raw];

    if (type == XLC_GUEST_PV)
        return xlc_fail(err, EOPNOTSUPP, "%s: the hypervisor offers no PV "
                        "guests (PV support not built in)", sys->source);
    if (!xfs_test(raw, XFS_NR_WORDS, XFS_VMX) &&
        !xfs_test(raw, XFS_NR_WORDS, XFS_SVM))
        return xlc_fail(err, EOPNOTSUPP, "%s: this host cannot run HVM "
                        "guests: the CPU has neither VMX nor SVM",
                        sys->source);
    return xlc_fail(err, EOPNOTSUPP, "%s: the hypervisor offers no HVM "
                    "guests", sys->source);
}

/* The settings as a guest for the verdict; *l holds a parsed xl list. */
static int settings_guest(const struct xlc_system_policies *sys,
                          enum xlc_guest_type type,
                          const struct xlc_guest_settings *g,
                          struct xlc_gv_guest *gg, struct xlc_xl_cpuid *l,
                          xlc_error *err)
{
    memset(gg, 0, sizeof(*gg));
    switch (g->kind) {
    case XLC_SETTINGS_DEFAULT:
        gg->form = XLC_GV_DEFAULT;
        return 0;
    case XLC_SETTINGS_FEATURESET:
        gg->form = XLC_GV_FEATURESET;
        gg->fs = g->fs;
        gg->nr_words = g->nr_words;
        return 0;
    case XLC_SETTINGS_LIBVIRT:
        gg->form = XLC_GV_LIBVIRT;
        gg->map = g->map;
        gg->cpu = g->cpu;
        return 0;
    case XLC_SETTINGS_XL_CPUID:
        if (!g->xl_cpuid)
            return xlc_fail(err, EINVAL, "no xl cpuid= string given");
        gg->form = XLC_GV_XL_CPUID;
        gg->xl = l;
        return xlc_xl_cpuid_parse_any(l, g->xl_cpuid, err);
    }
    (void)sys, (void)type;
    return xlc_fail(err, EINVAL, "unknown kind of guest settings %d",
                    (int)g->kind);
}

/* The verdict's findings as the applied policy states them. */
static int take_verdict(struct xlc_applied_policy *a,
                        struct xlc_guest_verdict *v, xlc_error *err)
{
    memcpy(a->fs, v->fs, sizeof(a->fs));
    a->lv = v->lv;
    v->lv = NULL;
    if (v->has_policy)
        xfs_policy_copy(&a->policy, &v->policy);
    a->refused.reasons = calloc(v->nr_reasons + 1, sizeof(char *));
    if (!a->refused.reasons)
        return xlc_fail(err, ENOMEM, "out of memory for a guest policy");
    for (size_t i = 0; i < v->nr_reasons; i++, a->refused.nr++)
        if (!(a->refused.reasons[i] = strdup(v->reasons[i].text)))
            return xlc_fail(err, ENOMEM, "out of memory listing %zu "
                            "problems", v->nr_reasons);
    return v->has_policy ? xlc_policy_serialise(&a->policy, &a->entries, err)
                         : 0;
}

int xlc_applied_policy(const struct xlc_system_policies *sys,
                       enum xlc_guest_type type,
                       const struct xlc_guest_settings *g,
                       struct xlc_applied_policy **out, xlc_error *err)
{
    unsigned int def = xlc_policy_index_default(type);
    unsigned int max = xlc_policy_index_max(type);
    struct xlc_guest_verdict *v = NULL;
    struct xlc_xl_cpuid l = { 0 };
    struct xlc_applied_policy *a;
    struct xlc_gv_guest gg;
    struct xlc_gv_host h;
    int rc;

    *out = NULL;
    if (!sys->pol.present[max] || !sys->pol.present[def])
        return type_unavailable(sys, type, err);
    a = calloc(1, sizeof(*a));
    if (!a)
        return xlc_fail(err, ENOMEM, "out of memory for a guest policy");
    a->type = type;
    a->from = g->kind;
    xlc_gv_host_from_system(&h, sys, type);
    rc = settings_guest(sys, type, g, &gg, &l, err);
    if (!rc)
        rc = xlc_guest_verdict(&h, &gg, &v, err);
    if (!rc)
        rc = take_verdict(a, v, err);
    xlc_guest_verdict_free(v);
    xlc_xl_cpuid_free(&l);
    if (rc) {
        xlc_applied_policy_free(a);
        return rc;
    }
    *out = a;
    return 0;
}

void xlc_applied_policy_free(struct xlc_applied_policy *a)
{
    if (!a)
        return;
    xlc_lv_translation_free(a->lv);
    xlc_compat_report_free(&a->refused);
    xlc_policy_entries_free(&a->entries);
    free(a);
}

int xlc_applied_policy_check(const struct xlc_applied_policy *a,
                             xlc_error *err)
{
    struct xlc_buf b = XLC_BUF_INIT;
    int rc;

    if (!a->refused.nr)
        return 0;
    xlc_buf_printf(&b, "this host cannot give a%s %s guest that policy "
                       "(%zu reason%s): ",
                   a->type == XLC_GUEST_HVM ? "n" : "",
                   xlc_guest_type_name(a->type), a->refused.nr,
                   a->refused.nr == 1 ? "" : "s");
    for (size_t i = 0; i < a->refused.nr; i++)
        xlc_buf_printf(&b, "%s%s", i ? "; " : "", a->refused.reasons[i]);
    rc = b.oom ? xlc_fail(err, ENOMEM, "out of memory")
               : xlc_fail(err, EINVAL, "%s", b.s);
    xlc_buf_free(&b);
    return rc;
}
