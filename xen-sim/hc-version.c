/* SPDX-License-Identifier: MIT */
/*
 * __HYPERVISOR_xen_version, as Xen 4.17's do_xen_version answers dom0.
 * The simulated Xen calls itself 4.17 with extraversion ".7-sim": the
 * interfaces are those of 4.17.7, and the "-sim" says what it is.
 */
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <xen/xen.h>
#include <xen/version.h>
#include <xen/features.h>

#include "guest-mem.h"
#include "hc.h"

#define SIM_XEN_MAJOR 4
#define SIM_XEN_MINOR 17
#define SIM_EXTRAVERSION ".7-sim"

static long copy_string(uint64_t arg, const char *s, size_t size)
{
    char buf[1024];

    memset(buf, 0, sizeof(buf));
    snprintf(buf, size, "%s", s);
    return gm_copy_to(arg, buf, size) ? -EFAULT : 0;
}

static void capabilities(const struct sim_machine *m, char *out, size_t n)
{
    /* 64-bit PV, 32-bit PV, then the HVM flavours when HVM can run. */
    snprintf(out, n, "xen-3.0-x86_64 xen-3.0-x86_32p %s",
             m->hvm_usable ? "hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64 "
                           : "");
}

static long get_features(uint64_t arg)
{
    xen_feature_info_t fi;

    if (gm_copy_from(&fi, arg, sizeof(fi)))
        return -EFAULT;
    if (fi.submap_idx != 0)
        return -EINVAL;
    /* What a PV dom0 is told. */
    fi.submap = (1u << XENFEAT_memory_op_vnode_supported) |
                (1u << XENFEAT_dom0) |
                (1u << XENFEAT_mmu_pt_update_preserve_ad) |
                (1u << XENFEAT_highmem_assist) |
                (1u << XENFEAT_gnttab_map_avail_bits) |
                (1u << XENFEAT_direct_mapped);
    return gm_copy_to(arg, &fi, sizeof(fi)) ? -EFAULT : 0;
}

long sim_xen_version(struct sim_machine *m, uint64_t cmd, uint64_t arg)
{
    char caps[sizeof(xen_capabilities_info_t)] = "";
    xen_compile_info_t info;
    xen_platform_parameters_t params = { .virt_start = 0xffff800000000000ull };
    uint8_t handle[16] = { 0 };

    switch (cmd) {
    case XENVER_version:
        return (SIM_XEN_MAJOR << 16) | SIM_XEN_MINOR;
    case XENVER_extraversion:
        return copy_string(arg, SIM_EXTRAVERSION, XEN_EXTRAVERSION_LEN);
    case XENVER_compile_info:
        memset(&info, 0, sizeof(info));
        strcpy(info.compiler, "xen-sim");
        strcpy(info.compile_by, "xen-sim");
        strcpy(info.compile_domain, "simulated");
        strcpy(info.compile_date, "simulated");
        return gm_copy_to(arg, &info, sizeof(info)) ? -EFAULT : 0;
    case XENVER_capabilities:
        capabilities(m, caps, sizeof(caps));
        return copy_string(arg, caps, sizeof(caps));
    case XENVER_changeset:
        return copy_string(arg, "xen-sim", XEN_CHANGESET_INFO_LEN);
    case XENVER_platform_parameters:
        return gm_copy_to(arg, &params, sizeof(params)) ? -EFAULT : 0;
    case XENVER_get_features:
        return get_features(arg);
    case XENVER_pagesize:
        return arg ? -EINVAL : (long)SIM_PAGE_SIZE;
    case XENVER_guest_handle:
        return gm_copy_to(arg, handle, sizeof(handle)) ? -EFAULT : 0;
    case XENVER_commandline:
        return copy_string(arg, m->commandline, sizeof(xen_commandline_t));
    case XENVER_build_id:
        return -ENODATA;    /* a Xen built without a build id */
    default:
        return sim_not_simulated("xen_version op", NULL, cmd);
    }
}
