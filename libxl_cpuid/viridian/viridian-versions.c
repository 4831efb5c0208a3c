/* SPDX-License-Identifier: MIT */
/*
 * Viridian support by Xen release, and the checks a migration or a pool
 * of hosts running different releases needs (see viridian.h).
 *
 * Facts from each release's xen/include/public/hvm/params.h (HVMPV_*
 * bits, i.e. what the hypervisor accepts), libxl_types.idl (the group
 * names) and libxl's hvm_set_viridian_features (the defaults).  Stable
 * updates within a series never changed them (4.4.0 .. 4.20.x checked).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../public/migration-stream.h"
#include "viridian.h"

#define G(x) XLC_VIRIDIAN_BIT(XLC_VIRIDIAN_##x)

/* Groups and HVMPV bits as they were added, release by release. */
#define GROUPS_4_5  (G(BASE) | G(FREQ) | G(TIME_REF_COUNT))
#define GROUPS_4_6  (GROUPS_4_5 | G(REFERENCE_TSC))
#define GROUPS_4_7  (GROUPS_4_6 | G(HCALL_REMOTE_TLB_FLUSH) | G(APIC_ASSIST))
#define GROUPS_4_9  (GROUPS_4_7 | G(CRASH_CTL))
#define GROUPS_4_13 (GROUPS_4_9 | G(SYNIC) | G(STIMER) | G(HCALL_IPI))
#define GROUPS_4_15 (GROUPS_4_13 | G(EX_PROCESSOR_MASKS) | G(NO_VP_LIMIT) | \
                     G(CPU_HOTPLUG))

#define BITS_4_4  XFS_HVMPV_BASE_FREQ
#define BITS_4_5  (BITS_4_4 | XFS_HVMPV_NO_FREQ | XFS_HVMPV_TIME_REF_COUNT)
#define BITS_4_6  (BITS_4_5 | XFS_HVMPV_REFERENCE_TSC)
#define BITS_4_7  (BITS_4_6 | XFS_HVMPV_HCALL_REMOTE_TLB_FLUSH | \
                   XFS_HVMPV_APIC_ASSIST)
#define BITS_4_9  (BITS_4_7 | XFS_HVMPV_CRASH_CTL)
#define BITS_4_13 (BITS_4_9 | XFS_HVMPV_SYNIC | XFS_HVMPV_STIMER | \
                   XFS_HVMPV_HCALL_IPI)
#define BITS_4_15 (BITS_4_13 | XFS_HVMPV_EX_PROCESSOR_MASKS | \
                   XFS_HVMPV_NO_VP_LIMIT | XFS_HVMPV_CPU_HOTPLUG)

#define DEF_4_4  (G(BASE) | G(FREQ))        /* viridian=1: parameter 1 */
#define DEF_4_5  GROUPS_4_5
#define DEF_4_7  (DEF_4_5 | G(APIC_ASSIST))
#define DEF_4_9  (DEF_4_7 | G(CRASH_CTL))
#define DEF_4_15 (DEF_4_9 | G(NO_VP_LIMIT) | G(CPU_HOTPLUG))

const struct xlc_viridian_release xlc_viridian_releases[] = {
    /* 4.4's libxl took viridian= as a boolean only: no group names. */
    { 4, 4, BITS_4_4, 0, DEF_4_4 },
    { 4, 5, BITS_4_5, GROUPS_4_5, DEF_4_5 },
    { 4, 6, BITS_4_6, GROUPS_4_6, DEF_4_5 },
    { 4, 7, BITS_4_7, GROUPS_4_7, DEF_4_7 },
    { 4, 8, BITS_4_7, GROUPS_4_7, DEF_4_7 },
    { 4, 9, BITS_4_9, GROUPS_4_9, DEF_4_9 },
    { 4, 10, BITS_4_9, GROUPS_4_9, DEF_4_9 },
    { 4, 11, BITS_4_9, GROUPS_4_9, DEF_4_9 },
    { 4, 12, BITS_4_9, GROUPS_4_9, DEF_4_9 },
    { 4, 13, BITS_4_13, GROUPS_4_13, DEF_4_9 },
    { 4, 14, BITS_4_13, GROUPS_4_13, DEF_4_9 },
    { 4, 15, BITS_4_15, GROUPS_4_15, DEF_4_15 },
    { 4, 16, BITS_4_15, GROUPS_4_15, DEF_4_15 },
    { 4, 17, BITS_4_15, GROUPS_4_15, DEF_4_15 },
    { 4, 18, BITS_4_15, GROUPS_4_15, DEF_4_15 },
    { 4, 19, BITS_4_15, GROUPS_4_15, DEF_4_15 },
    { 4, 20, BITS_4_15, GROUPS_4_15, DEF_4_15 },
};

const size_t xlc_viridian_nr_releases =
    sizeof(xlc_viridian_releases) / sizeof(xlc_viridian_releases[0]);

/* "MAJOR.MINOR" then nothing, or '.', '-' or '+' and anything. */
static bool parse_version(const char *s, unsigned int *major,
                          unsigned int *minor)
{
    char *end;
    unsigned long a, b;

    if (*s < '0' || *s > '9')
        return false;
    a = strtoul(s, &end, 10);
    if (*end != '.' || end[1] < '0' || end[1] > '9')
        return false;
    b = strtoul(end + 1, &end, 10);
    if (*end && *end != '.' && *end != '-' && *end != '+')
        return false;
    if (a > 1000 || b > 1000)
        return false;
    *major = (unsigned int)a;
    *minor = (unsigned int)b;
    return true;
}

int xlc_viridian_release_lookup(const char *version,
                                const struct xlc_viridian_release **out,
                                xlc_error *err)
{
    unsigned int major, minor;

    *out = NULL;
    if (!parse_version(version, &major, &minor))
        return xlc_fail(err, EINVAL, "Xen version '%s': expected "
                        "MAJOR.MINOR[.PATCH] (e.g. 4.17 or 4.17.3)", version);
    for (size_t i = 0; i < xlc_viridian_nr_releases; i++)
        if (xlc_viridian_releases[i].major == major &&
            xlc_viridian_releases[i].minor == minor) {
            *out = &xlc_viridian_releases[i];
            return 0;
        }
    return xlc_fail(err, ENOENT, "Xen %u.%u: viridian support is known for "
                    "Xen 4.4 to 4.20 only", major, minor);
}

uint64_t xlc_viridian_param_missing(uint64_t param,
                                    const struct xlc_viridian_release *dst)
{
    return param & ~dst->hvmpv_mask;
}

int xlc_viridian_check_destination(uint64_t param,
                                   const struct xlc_viridian_release *dst,
                                   xlc_error *err)
{
    uint64_t missing = xlc_viridian_param_missing(param, dst);
    struct xlc_buf b = XLC_BUF_INIT;
    int rc;

    if (!missing)
        return 0;
    xlc_viridian_param_names(&b, missing, false);
    rc = xlc_fail(err, EOPNOTSUPP, "Xen %u.%u cannot hold HVM_PARAM_VIRIDIAN "
                  "0x%llx: it lacks %s (the restore would fail)", dst->major,
                  dst->minor, (unsigned long long)param, b.s ? b.s : "?");
    xlc_buf_free(&b);
    return rc;
}

void xlc_viridian_level(const struct xlc_viridian_release *const *rel,
                        size_t nr, struct xlc_viridian_level *out)
{
    out->hvmpv_mask = XFS_HVMPV_FEATURE_MASK;
    out->groups = XLC_VIRIDIAN_KNOWN;
    out->common_defaults = XLC_VIRIDIAN_KNOWN;
    for (size_t i = 0; i < nr; i++) {
        out->hvmpv_mask &= rel[i]->hvmpv_mask;
        out->groups &= rel[i]->groups;
        out->common_defaults &= rel[i]->defaults;
    }
}

const struct xlc_viridian_release *xlc_viridian_release_modelled(void)
{
    for (size_t i = 0; i < xlc_viridian_nr_releases; i++)
        if (xlc_viridian_releases[i].major == XFS_STREAM_XEN_MAJOR &&
            xlc_viridian_releases[i].minor == XFS_STREAM_XEN_MINOR)
            return &xlc_viridian_releases[i];
    return &xlc_viridian_releases[xlc_viridian_nr_releases - 1];
}

bool xlc_viridian_release_sets_on_restore(
    const struct xlc_viridian_release *r)
{
    return r->major < 4 || (r->major == 4 && r->minor < 15);
}
