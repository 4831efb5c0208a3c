/* SPDX-License-Identifier: MIT */
/* Names of hypercalls, sysctls and domctls, from the installed headers,
 * and the one-line note for what the simulation does not do. */
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include <xen/xen.h>
#include <xen/sysctl.h>
#include <xen/domctl.h>

#include "hc.h"
#include "preload.h"

#define NAMED(prefix, x) [prefix##x] = #x

static const char *const hypercalls[] = {
#define H(x) NAMED(__HYPERVISOR_, x)
    H(set_trap_table), H(mmu_update), H(set_gdt), H(stack_switch),
    H(set_callbacks), H(fpu_taskswitch), H(sched_op_compat),
    H(platform_op), H(set_debugreg), H(get_debugreg),
    H(update_descriptor), H(memory_op), H(multicall),
    H(update_va_mapping), H(set_timer_op), H(event_channel_op_compat),
    H(xen_version), H(console_io), H(physdev_op_compat),
    H(grant_table_op), H(vm_assist), H(update_va_mapping_otherdomain),
    H(iret), H(vcpu_op), H(set_segment_base), H(mmuext_op), H(xsm_op),
    H(nmi_op), H(sched_op), H(callback_op), H(xenoprof_op),
    H(event_channel_op), H(physdev_op), H(hvm_op), H(sysctl), H(domctl),
    H(kexec_op), H(tmem_op), H(argo_op), H(xenpmu_op), H(dm_op),
    H(hypfs_op),
#undef H
};

static const char *const sysctls[] = {
#define S(x) NAMED(XEN_SYSCTL_, x)
    S(readconsole), S(tbuf_op), S(physinfo), S(sched_id), S(perfc_op),
    S(getdomaininfolist), S(debug_keys), S(getcpuinfo), S(availheap),
    S(get_pmstat), S(cpu_hotplug), S(pm_op), S(page_offline_op),
    S(lockprof_op), S(cputopoinfo), S(numainfo), S(cpupool_op),
    S(scheduler_op), S(coverage_op), S(psr_cmt_op), S(pcitopoinfo),
    S(psr_alloc), S(get_cpu_levelling_caps), S(get_cpu_featureset),
    S(livepatch_op), S(get_cpu_policy),
#undef S
};

static const char *const domctls[] = {
#define D(x) NAMED(XEN_DOMCTL_, x)
    D(createdomain), D(destroydomain), D(pausedomain), D(unpausedomain),
    D(getdomaininfo), D(setvcpuaffinity), D(shadow_op), D(max_mem),
    D(setvcpucontext), D(getvcpucontext), D(getvcpuinfo), D(max_vcpus),
    D(scheduler_op), D(setdomainhandle), D(setdebugging),
    D(irq_permission), D(iomem_permission), D(ioport_permission),
    D(hypercall_init), D(settimeoffset),
    D(getvcpuaffinity), D(resumedomain), D(sendtrigger), D(subscribe),
    D(gethvmcontext), D(sethvmcontext), D(set_address_size),
    D(get_address_size), D(assign_device), D(bind_pt_irq),
    D(memory_mapping), D(ioport_mapping), D(set_ext_vcpucontext),
    D(get_ext_vcpucontext), D(test_assign_device), D(set_target),
    D(deassign_device), D(unbind_pt_irq), D(get_device_group),
    D(debug_op), D(gethvmcontext_partial), D(vm_event_op),
    D(mem_sharing_op), D(gettscinfo), D(settscinfo),
    D(getpageframeinfo3), D(setvcpuextstate), D(getvcpuextstate),
    D(set_access_required), D(audit_p2m), D(set_virq_handler),
    D(set_broken_page_p2m), D(setnodeaffinity), D(getnodeaffinity),
    D(cacheflush), D(get_vcpu_msrs), D(set_vcpu_msrs), D(setvnumainfo),
    D(psr_cmt_op), D(monitor_op), D(psr_alloc), D(soft_reset),
    D(vuart_op), D(get_cpu_policy), D(set_cpu_policy), D(vmtrace_op),
    D(get_paging_mempool_size), D(set_paging_mempool_size),
#undef D
};

#define LOOKUP(table, i) \
    ((i) < sizeof(table) / sizeof(table[0]) ? table[i] : NULL)

const char *sim_hypercall_name(unsigned int op)
{
    return LOOKUP(hypercalls, op);
}

const char *sim_sysctl_name(unsigned int cmd)
{
    return LOOKUP(sysctls, cmd);
}

const char *sim_domctl_name(unsigned int cmd)
{
    return LOOKUP(domctls, cmd);
}

long sim_not_simulated(const char *kind, const char *name, unsigned long nr)
{
    char line[160];
    int n = snprintf(line, sizeof(line),
                     "xen-sim: %s %s (%lu) is not simulated: -ENOSYS\n",
                     kind, name ? name : "unknown", nr);

    if (n > 0) {
        ssize_t w = write(STDERR_FILENO, line,
                          (size_t)n < sizeof(line) ? (size_t)n
                                                   : sizeof(line) - 1);
        (void)w;
    }
    return -ENOSYS;
}

void sim_note_function(const char *function)
{
    char line[160];
    int n = snprintf(line, sizeof(line),
                     "xen-sim: %s is not simulated: -ENOSYS\n", function);

    if (n > 0) {
        ssize_t w = write(STDERR_FILENO, line,
                          (size_t)n < sizeof(line) ? (size_t)n
                                                   : sizeof(line) - 1);
        (void)w;
    }
    errno = ENOSYS;
}
