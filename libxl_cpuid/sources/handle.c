/* SPDX-License-Identifier: MIT */
/*
 * The handle: one of two backends, opened here and nowhere else.
 *
 *   xen  libxenctrl and libxenguest (xen-backend.c, xen-policy.c,
 *        xen-levelling.c)
 *   sim  the xen/ boot-time derivation run here over a CPUID dump or the
 *        live CPU, answering featureset queries through the same sysctl
 *        handler Xen would use, and deriving the system policies
 *   auto xen when libxenctrl answers (through a privcmd node, or whatever
 *        stands in for libxencall: xen-sim), otherwise sim over the live
 *        CPU; the description says which and why
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../xen/arch/sysctl.h"
#include "../policy/cpu-policy.h"
#include "cpuid-dump.h"
#include "handle.h"
#include "../util/escape.h"
#include "xen-backend.h"

struct xlc_handle {
    enum xlc_backend backend;      /* XEN or SIM, never AUTO */
    char desc[512];
    struct xlc_xen *xen;
    struct xlc_cpuid_dump *dump;   /* sim: the CPUID the "hardware" has;
                                      xen: this CPU, read on first use */
    struct xfs_hv_options hvo;     /* sim: the hypervisor's boot options */
    struct xfs_hypervisor hv;      /* sim: the booted hypervisor */
};

static const char *const privcmd_nodes[] = {
    "/dev/xen/privcmd", "/proc/xen/privcmd",
};

/*
 * Can we talk to a hypervisor at all?  Fills `why` with the reason when
 * not ("/dev/xen/privcmd: No such file or directory; ...").
 */
static bool privcmd_usable(char *why, size_t n)
{
    size_t used = 0;

    why[0] = '\0';
    for (size_t i = 0; i < sizeof(privcmd_nodes) / sizeof(*privcmd_nodes);
         i++) {
        int fd = open(privcmd_nodes[i], O_RDWR | O_CLOEXEC);
        int w;

        if (fd >= 0) {
            close(fd);
            return true;
        }
        w = snprintf(why + used, n - used, "%s%s: %s", used ? ", " : "",
                     privcmd_nodes[i], strerror(errno));
        if (w > 0 && (size_t)w < n - used)
            used += (size_t)w;
    }
    return false;
}

static bool wants_sim_options(const struct xlc_open_opts *o)
{
    return o->cpuid_file || o->no_hap || o->boot_cpuid;
}

/* The offending token of a --boot-cpuid list, for the error message. */
static int bad_boot_cpuid(const char *arg, unsigned int pos, xlc_error *err)
{
    char all[80 * 6 + 4], bad[48 * 6 + 4];
    size_t len = strlen(arg), tok;

    if (pos > len)
        pos = (unsigned int)len;
    tok = strcspn(arg + pos, ",");
    return xlc_fail(err, EINVAL, "boot cpuid option '%s': bad token '%s' "
                    "at offset %u (expected no-NAME with a feature name Xen "
                    "knows)", xlc_quote(all, sizeof(all), arg, len, 80, "'"),
                    xlc_quote(bad, sizeof(bad), arg + pos, tok, 48, "'"),
                    pos);
}

static int sim_options(const struct xlc_open_opts *o,
                       struct xfs_hv_options *hv, xlc_error *err)
{
    unsigned int pos = 0;

    xfs_hv_options_default(hv);
    hv->hap = !o->no_hap;
    if (o->boot_cpuid &&
        strnlen(o->boot_cpuid, XLC_BOOT_CPUID_MAX_BYTES + 1) >
            XLC_BOOT_CPUID_MAX_BYTES)
        return xlc_fail(err, E2BIG, "boot cpuid option longer than %u "
                        "bytes, the limit", XLC_BOOT_CPUID_MAX_BYTES);
    if (o->boot_cpuid && xfs_parse_boot_cpuid(o->boot_cpuid, hv, &pos))
        return bad_boot_cpuid(o->boot_cpuid, pos, err);
    return 0;
}

static int open_sim(xlc_handle *h, const struct xlc_open_opts *o,
                    const char *why_sim, xlc_error *err)
{
    struct xfs_cpuid_reader rd;
    int rc;

    rc = sim_options(o, &h->hvo, err);
    if (rc)
        return rc;
    rc = o->cpuid_file ? xlc_dump_load(o->cpuid_file, &h->dump, err)
                       : xlc_dump_live(&h->dump, err);
    if (rc)
        return rc;
    xlc_dump_reader(h->dump, &rd);
    xfs_hypervisor_boot(&h->hv, &rd, &h->hvo);
    h->backend = XLC_BACKEND_SIM;
    snprintf(h->desc, sizeof(h->desc), "sim: %s%s%s%s%s%s%s",
             h->dump->source, o->no_hap ? ", no HAP" : "",
             o->boot_cpuid ? ", cpuid=" : "",
             o->boot_cpuid ? o->boot_cpuid : "", why_sim ? " (" : "",
             why_sim ? why_sim : "", why_sim ? ")" : "");
    return 0;
}

static int open_xen(xlc_handle *h, const struct xlc_open_opts *o,
                    xlc_error *err)
{
    int rc = xlc_xen_open(&h->xen, o->xen_log_stderr, err);

    if (rc)
        return rc;
    h->backend = XLC_BACKEND_XEN;
    snprintf(h->desc, sizeof(h->desc),
             "xen: the running hypervisor, through libxenctrl (Xen knows %u "
             "featureset words, libxenguest %u)",
             xlc_xen_featureset_size(h->xen), xlc_xen_toolstack_words());
    return 0;
}

/* auto: real Xen when we can reach it, the simulator otherwise. */
static int open_auto(xlc_handle *h, const struct xlc_open_opts *o,
                     xlc_error *err)
{
    char why[XLC_ERROR_MSG_MAX / 2], because[XLC_ERROR_MSG_MAX];
    xlc_error xerr = { 0 };

    if (wants_sim_options(o))
        return open_sim(h, o, "auto: a CPUID dump or simulation options "
                        "given", err);
    /* libxenctrl first: it reaches a hypervisor through libxencall, which
     * need not be the device nodes (xen-sim stands in for it). */
    if (!open_xen(h, o, &xerr))
        return 0;
    if (!privcmd_usable(why, sizeof(why)))
        snprintf(because, sizeof(because), "auto: no Xen here: %s", why);
    else
        snprintf(because, sizeof(because), "auto: Xen unusable: %.*s",
                 (int)(sizeof(because) / 2), xerr.msg);
    return open_sim(h, o, because, err);
}

int xlc_backend_parse(const char *s, enum xlc_backend *out, xlc_error *err)
{
    static const char *const names[] = {
        [XLC_BACKEND_AUTO] = "auto", [XLC_BACKEND_XEN] = "xen",
        [XLC_BACKEND_SIM] = "sim",
    };

    for (unsigned int i = 0; i < sizeof(names) / sizeof(*names); i++)
        if (s && !strcmp(s, names[i])) {
            *out = (enum xlc_backend)i;
            return 0;
        }
    return xlc_fail(err, EINVAL, "backend '%s': expected auto, xen or sim",
                    s ? s : "");
}

int xlc_open(const struct xlc_open_opts *opts, xlc_handle **out,
             xlc_error *err)
{
    static const struct xlc_open_opts defaults = { .backend = XLC_BACKEND_AUTO };
    const struct xlc_open_opts *o = opts ? opts : &defaults;
    xlc_handle *h;
    char why[512];
    int rc;

    *out = NULL;
    if (o->backend == XLC_BACKEND_XEN && wants_sim_options(o))
        return xlc_fail(err, EINVAL, "backend xen: a CPUID dump file, "
                        "no HAP and boot cpuid options only apply to the sim "
                        "backend");
    h = calloc(1, sizeof(*h));
    if (!h)
        return xlc_fail(err, ENOMEM, "out of memory");
    switch (o->backend) {
    case XLC_BACKEND_XEN:
        rc = open_xen(h, o, err);
        if (rc && !privcmd_usable(why, sizeof(why)))
            xlc_error_prefix(err, "backend xen: not running on Xen (%s)",
                             why);
        else if (rc)
            xlc_error_prefix(err, "backend xen");
        break;
    case XLC_BACKEND_SIM:
        rc = open_sim(h, o, NULL, err);
        break;
    case XLC_BACKEND_AUTO:
        rc = open_auto(h, o, err);
        break;
    default:
        rc = xlc_fail(err, EINVAL, "unknown backend %d", (int)o->backend);
        break;
    }
    if (rc) {
        xlc_close(h);
        return rc;
    }
    *out = h;
    return 0;
}

void xlc_close(xlc_handle *h)
{
    if (!h)
        return;
    xlc_xen_close(h->xen);
    xlc_dump_free(h->dump);
    free(h);
}

enum xlc_backend xlc_backend_in_use(const xlc_handle *h)
{
    return h->backend;
}

const char *xlc_backend_description(const xlc_handle *h)
{
    return h->desc;
}

int xlc_get_featureset_size(xlc_handle *h, uint32_t *nr, xlc_error *err)
{
    struct xfs_sysctl_cpu_featureset op = { 0 };
    int rc;

    if (h->backend == XLC_BACKEND_XEN) {
        *nr = xlc_xen_featureset_size(h->xen);
        return 0;
    }
    /* A NULL buffer asks the hypervisor how many words it knows. */
    op.features.p = NULL;
    rc = xfs_sysctl_get_cpu_featureset(&h->hv, &op);
    if (rc)
        return xlc_fail(err, -rc, "sim: featureset size query failed (%d)",
                        rc);
    *nr = op.nr_features;
    return 0;
}

static int sim_get(xlc_handle *h, uint32_t index, uint32_t *nr,
                   uint32_t *features, xlc_error *err)
{
    struct xfs_sysctl_cpu_featureset op = {
        .index = index, .nr_features = *nr,
    };
    uint32_t asked = *nr;
    int rc;

    op.features.q = 0;
    op.features.p = features;
    rc = xfs_sysctl_get_cpu_featureset(&h->hv, &op);
    if (rc == 0 || rc == -XFS_ENOBUFS)
        *nr = op.nr_features;
    switch (rc) {
    case 0:
        return 0;
    case -XFS_ENOBUFS:
        return xlc_fail(err, ENOBUFS, "featureset %u: a buffer of %u words "
                        "is shorter than the %u the hypervisor knows", index,
                        asked, h->hv.nr_words);
    case -XFS_EINVAL:
        return xlc_fail(err, EINVAL, "featureset index %u out of range "
                        "(0-%u)", index, XFS_SYSCTL_cpu_featureset_nr - 1);
    case -XFS_EFAULT:
        return xlc_fail(err, EFAULT, "featureset %u: fault copying out",
                        index);
    default:
        return xlc_fail(err, rc < 0 ? -rc : EIO, "featureset %u: sysctl "
                        "failed (%d)", index, rc);
    }
}

int xlc_get_featureset(xlc_handle *h, uint32_t index, uint32_t *nr,
                       uint32_t *features, xlc_error *err)
{
    if (h->backend == XLC_BACKEND_XEN)
        return xlc_xen_get_featureset(h->xen, index, nr, features, err);
    return sim_get(h, index, nr, features, err);
}

/* ---- beyond featuresets: policies, domains, levelling, CPUID ---- */

int xlc_handle_system_policies(xlc_handle *h,
                               struct xlc_system_policies **out,
                               xlc_error *err)
{
    if (h->backend == XLC_BACKEND_XEN)
        return xlc_xen_policies(h->xen, out, err);
    return xlc_system_policies_from_dump(h->dump, &h->hvo, out, err);
}

int xlc_handle_domain_entries(xlc_handle *h, uint32_t domid,
                              struct xlc_policy_entries *out,
                              xlc_error *err)
{
    if (h->backend != XLC_BACKEND_XEN)
        return xlc_fail(err, ENODEV, "domain %u: only a running Xen has "
                        "domains; the simulated hypervisor has none", domid);
    return xlc_xen_domain_entries(h->xen, domid, out, err);
}

int xlc_handle_domain_hvm_param(xlc_handle *h, uint32_t domid,
                                uint32_t index, uint64_t *value,
                                xlc_error *err)
{
    *value = 0;
    if (h->backend != XLC_BACKEND_XEN)
        return xlc_fail(err, ENODEV, "domain %u: only a running Xen has "
                        "domains; the simulated hypervisor has none", domid);
    return xlc_xen_hvm_param(h->xen, domid, index, value, err);
}

int xlc_handle_levelling_caps(xlc_handle *h, uint32_t *caps, xlc_error *err)
{
    if (h->backend != XLC_BACKEND_XEN)
        return xlc_fail(err, EOPNOTSUPP, "the simulated hypervisor reports "
                        "no levelling capabilities: derive them from its "
                        "CPUID data");
    return xlc_xen_levelling_caps(h->xen, caps, err);
}

int xlc_handle_cpuid(xlc_handle *h, const struct xlc_cpuid_dump **out,
                     xlc_error *err)
{
    int rc = h->dump ? 0 : xlc_dump_live(&h->dump, err);

    *out = rc ? NULL : h->dump;
    return rc;
}

/* ---- shorthands: a handle opened for its system policies only ---- */

static int policies_of(const struct xlc_open_opts *o,
                       struct xlc_system_policies **out, xlc_error *err)
{
    xlc_handle *h;
    int rc = xlc_open(o, &h, err);

    *out = NULL;
    if (rc)
        return rc;
    rc = xlc_handle_system_policies(h, out, err);
    xlc_close(h);
    return rc;
}

int xlc_system_policies_load(const struct xlc_sim_opts *so,
                             struct xlc_system_policies **out,
                             xlc_error *err)
{
    const struct xlc_open_opts o = {
        .backend = XLC_BACKEND_SIM, .cpuid_file = so->cpuid_file,
        .no_hap = so->no_hap, .boot_cpuid = so->boot_cpuid,
    };

    return policies_of(&o, out, err);
}

int xlc_xen_system_policies(struct xlc_system_policies **out,
                            xlc_error *err)
{
    const struct xlc_open_opts o = { .backend = XLC_BACKEND_XEN };

    return policies_of(&o, out, err);
}
