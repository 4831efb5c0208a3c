/* SPDX-License-Identifier: MIT */
/*
 * The simulated machine's domains: domain 0, the ones declared with
 * --domain, and those a toolstack creates (sim-state.h).
 *
 * A declared domain runs with the policy Xen 4.17 would hold for it:
 *   (none)       the type's default policy, recalculated for the domain;
 *   cpuid=S      an xl cpuid= string (either form) applied to the default
 *                policy as libxl applies it and `xen-cpuid record`
 *                records it (xlc_applied_policy, libxl's topology
 *                included);
 *   policy=F     a policy file (policy-json.h) applied to the default
 *                policy as XEN_DOMCTL_set_cpu_policy would, as a restore
 *                would apply it (xlc_restore_check).
 * Both are recalculated as Xen does.  An HVM declaration may first say
 *   viridian=SETTING  xl's viridian= (without ':'), its HVM_PARAM_VIRIDIAN
 *                set as libxl 4.17 sets it (viridian.h), for a Windows
 *                guest's Hyper-V enlightenments.
 * Where Xen would silently give the
 * guest something else (a feature the host lacks, a limit too high), the
 * declaration is refused with every reason: a simulated domain never
 * differs from what was asked without saying so.
 */
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xen/xen.h>
#include <xen/domctl.h>

#include "../libxl_cpuid/policy/applied-policy.h"
#include "../libxl_cpuid/policy/policy-json.h"
#include "../libxl_cpuid/viridian/viridian.h"
#include "../libxl_cpuid/migration/restore-check.h"
#include "sim-state.h"

static unsigned int type_index(bool hvm, bool max)
{
    enum xlc_guest_type t = hvm ? XLC_GUEST_HVM : XLC_GUEST_PV;

    return max ? xlc_policy_index_max(t) : xlc_policy_index_default(t);
}

const struct xfs_cpu_policy *sim_max_policy(const struct sim_machine *m,
                                            bool hvm)
{
    return &m->sys->pol.p[type_index(hvm, true)];
}

const struct xfs_cpu_policy *sim_host_policy(const struct sim_machine *m)
{
    return &m->sys->pol.p[XFS_SYSCTL_cpu_featureset_host];
}

void sim_domain_opts(const struct sim_domain *d, struct xfs_domain_opts *o)
{
    uint32_t fs[XFS_NR_WORDS];

    xfs_policy_to_featureset(&d->policy, fs, XFS_NR_WORDS);
    o->hvm = d->hvm;
    o->hap = d->hap;
    /* A declared domain shown VMX or SVM was configured with nested
     * virtualisation. */
    o->nested_virt = d->hvm && ((d->createflags & XEN_DOMCTL_CDF_nested_virt) ||
                                xfs_test(fs, XFS_NR_WORDS, XFS_VMX) ||
                                xfs_test(fs, XFS_NR_WORDS, XFS_SVM));
}

struct sim_domain *sim_domain_find(struct sim_machine *m, uint32_t domid)
{
    for (unsigned int i = 0; i < m->nr_doms; i++)
        if (m->doms[i].domid == domid)
            return &m->doms[i];
    return NULL;
}

struct sim_domain *sim_domain_at_or_after(struct sim_machine *m,
                                          uint32_t domid)
{
    struct sim_domain *best = NULL;

    for (unsigned int i = 0; i < m->nr_doms; i++)
        if (m->doms[i].domid >= domid &&
            (!best || m->doms[i].domid < best->domid))
            best = &m->doms[i];
    return best;
}

void sim_domain_remove(struct sim_machine *m, uint32_t domid)
{
    struct sim_domain *d = sim_domain_find(m, domid);

    if (d)
        *d = m->doms[--m->nr_doms];
}

struct sim_domain *sim_domain_add(struct sim_machine *m, uint32_t domid,
                                  bool hvm, bool hap)
{
    struct sim_domain *d;
    struct xfs_domain_opts o;

    if (m->nr_doms == SIM_MAX_DOMAINS || sim_domain_find(m, domid))
        return NULL;
    d = &m->doms[m->nr_doms++];
    memset(d, 0, sizeof(*d));
    d->domid = domid;
    d->hvm = hvm;
    d->hap = hvm && hap;
    d->max_vcpus = 1;
    d->max_pages = d->tot_pages = 256 * 256;   /* 256 MiB */
    xfs_policy_copy(&d->policy, &m->sys->pol.p[type_index(hvm, false)]);
    sim_domain_opts(d, &o);
    xfs_policy_recalc_domain(&d->policy, sim_max_policy(m, hvm),
                             sim_host_policy(m), &o);
    return d;
}

/* cpuid=S: what libxl makes of the string, refused when Xen would not
 * give it unchanged. */
static int xl_policy(struct sim_machine *m, bool hvm, const char *s,
                     struct xfs_cpu_policy *out, xlc_error *err)
{
    struct xlc_guest_settings g = { .kind = XLC_SETTINGS_XL_CPUID,
                                    .xl_cpuid = s };
    struct xlc_applied_policy *a;
    int rc = xlc_applied_policy(m->sys, hvm ? XLC_GUEST_HVM : XLC_GUEST_PV,
                                &g, &a, err);

    if (rc)
        return rc;
    rc = xlc_applied_policy_check(a, err);
    if (rc) {
        err->code = EPERM;
        rc = -EPERM;
    } else
        xfs_policy_copy(out, &a->policy);
    xlc_applied_policy_free(a);
    return rc;
}

static int join_reasons(const struct xlc_restore_verdict *v, xlc_error *err)
{
    size_t used = 0;

    err->msg[0] = '\0';
    for (size_t i = 0; i < v->nr_reasons; i++) {
        const char *t = v->reasons[i].guest_type
                            ? "the host cannot run guests of this type"
                            : v->reasons[i].text;
        int n = snprintf(err->msg + used, sizeof(err->msg) - used, "%s%s",
                         i ? "; " : "", t ? t : "?");

        if (n < 0 || (size_t)n >= sizeof(err->msg) - used)
            break;
        used += (size_t)n;
    }
    err->code = EPERM;
    return -EPERM;
}

/* policy=F: the file's entries as the domctl would apply them. */
static int file_policy(struct sim_machine *m, bool hvm, const char *path,
                       struct xfs_cpu_policy *out, xlc_error *err)
{
    uint32_t want = hvm ? XFS_STREAM_DOM_X86_HVM : XFS_STREAM_DOM_X86_PV;
    struct xlc_stream_info s = { .version = 3, .domain_type = want };
    struct xlc_restore_verdict v = { 0 };
    struct xlc_restore_dest dest;
    uint32_t type = 0;
    int rc = xlc_policy_json_load(path, &s.policy, &type, err);

    if (rc)
        return rc;
    if (type && type != want) {
        xlc_stream_info_free(&s);
        return xlc_fail(err, EINVAL, "%s is a policy for %s guests", path,
                        type == XFS_STREAM_DOM_X86_HVM ? "HVM" : "PV");
    }
    s.has_cpuid = s.policy.nr_leaves > 0;
    s.has_msr = s.policy.nr_msrs > 0;
    xlc_restore_dest_from_system(m->sys, want, &dest);
    rc = xlc_restore_check(&s, &dest, &v, err);
    if (!rc && !v.accept)
        rc = join_reasons(&v, err);
    if (!rc)
        xfs_policy_copy(out, &v.guest);
    xlc_restore_verdict_free(&v);
    xlc_stream_info_free(&s);
    return rc;
}

/* "viridian=SETTING" up to the next ':', then the rest. */
static int viridian_part(const char *spec, bool hvm, const char **rest,
                         char **viridian, xlc_error *err)
{
    size_t n;

    if (!*rest || strncmp(*rest, "viridian=", 9))
        return 0;
    if (!hvm)
        return xlc_fail(err, EINVAL, "--domain '%s': viridian= is for HVM "
                        "guests", spec);
    n = strcspn(*rest + 9, ":");
    *viridian = strndup(*rest + 9, n);
    if (!*viridian)
        return xlc_fail(err, ENOMEM, "out of memory");
    *rest += 9 + n;
    *rest = **rest ? *rest + 1 : NULL;
    return 0;
}

static int parse_spec(const char *spec, uint32_t *domid, bool *hvm,
                      char **viridian, const char **rest, xlc_error *err)
{
    int rc;

    char *end;
    unsigned long id;

    errno = 0;
    id = strtoul(spec, &end, 10);
    if (errno || end == spec || *end != ':' || id >= SIM_DOMID_FIRST_RESERVED)
        return xlc_fail(err, EINVAL, "--domain '%s': expected ID:pv|hvm"
                        "[:viridian=SETTING][:cpuid=STRING|:policy=FILE] "
                        "with ID below %u",
                        spec, SIM_DOMID_FIRST_RESERVED);
    *domid = (uint32_t)id;
    end++;
    if (!strncmp(end, "pv", 2) && (end[2] == ':' || !end[2]))
        *hvm = false;
    else if (!strncmp(end, "hvm", 3) && (end[3] == ':' || !end[3]))
        *hvm = true;
    else
        return xlc_fail(err, EINVAL, "--domain '%s': type '%.*s': expected "
                        "pv or hvm", spec, (int)strcspn(end, ":"), end);
    end += *hvm ? 3 : 2;
    *rest = *end ? end + 1 : NULL;
    rc = viridian_part(spec, *hvm, rest, viridian, err);
    if (rc)
        return rc;
    if (*rest && strncmp(*rest, "cpuid=", 6) && strncmp(*rest, "policy=", 7))
        return xlc_fail(err, EINVAL, "--domain '%s': '%s': expected "
                        "cpuid=STRING or policy=FILE", spec, *rest);
    return 0;
}

/* What libxl sets for viridian=SETTING (0: nothing). */
static int viridian_param(const char *setting, uint64_t *param,
                          xlc_error *err)
{
    struct xlc_viridian_effective eff = { 0 };
    struct xlc_viridian_xl x;
    int rc = xlc_viridian_xl_parse(setting, &x, NULL, err);

    if (!rc)
        rc = xlc_viridian_libxl_expand(&x, &eff, NULL, err);
    xlc_viridian_xl_free(&x);
    *param = eff.param;
    return rc;
}

int sim_declare_domain(struct sim_machine *m, const char *spec,
                       xlc_error *err)
{
    struct xfs_cpu_policy p;
    struct sim_domain *d;
    const char *rest = NULL;
    char *viridian = NULL;
    uint64_t vparam = 0;
    uint32_t domid = 0;
    bool hvm = false;
    int rc = parse_spec(spec, &domid, &hvm, &viridian, &rest, err);

    if (!rc && viridian) {
        rc = viridian_param(viridian, &vparam, err);
        if (rc)
            xlc_error_prefix(err, "--domain '%s': viridian", spec);
    }
    free(viridian);
    if (rc)
        return rc;
    if (hvm && !m->hvm_usable)
        return xlc_fail(err, EPERM, "--domain '%s': this host cannot run "
                        "HVM guests (no VMX or SVM)", spec);
    if (rest && !strncmp(rest, "cpuid=", 6))
        rc = xl_policy(m, hvm, rest + 6, &p, err);
    else if (rest)
        rc = file_policy(m, hvm, rest + 7, &p, err);
    if (rc) {
        xlc_error_prefix(err, "--domain '%s'", spec);
        return rc;
    }
    if (domid && sim_domain_find(m, domid))
        return xlc_fail(err, EEXIST, "--domain '%s': domain %u declared "
                        "twice", spec, domid);
    sim_domain_remove(m, domid);    /* a declaration may replace dom0 */
    d = sim_domain_add(m, domid, hvm, m->hap);
    if (!d)
        return xlc_fail(err, ENOSPC, "--domain '%s': too many domains",
                        spec);
    if (rest)
        xfs_policy_copy(&d->policy, &p);
    d->hvm_params[XFS_HVM_PARAM_VIRIDIAN] = vparam;
    d->finished = true;
    return 0;
}
