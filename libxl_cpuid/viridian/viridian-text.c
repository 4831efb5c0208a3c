/* SPDX-License-Identifier: MIT */
/*
 * The Hyper-V leaves in words: the bits Xen 4.17 can set, by their names
 * in Microsoft's Hypervisor Top Level Functional Specification, and the
 * values the leaves carry.
 */
#include <stdio.h>

#include "viridian.h"

static const struct {
    unsigned int leaf, reg, bit;     /* leaf 0x40000000 + leaf, reg a..d */
    const char *name;
} bit_names[] = {
    { 3, 0, XFS_HV_PRIV_VP_RUNTIME, "AccessVpRunTimeReg" },
    { 3, 0, XFS_HV_PRIV_PARTITION_REF_COUNT,
      "AccessPartitionReferenceCounter" },
    { 3, 0, XFS_HV_PRIV_SYNIC, "AccessSynicRegs" },
    { 3, 0, XFS_HV_PRIV_SYNTHETIC_TIMERS, "AccessSyntheticTimerRegs" },
    { 3, 0, XFS_HV_PRIV_APIC_MSRS, "AccessIntrCtrlRegs" },
    { 3, 0, XFS_HV_PRIV_HYPERCALL_MSRS, "AccessHypercallMsrs" },
    { 3, 0, XFS_HV_PRIV_VP_INDEX, "AccessVpIndex" },
    { 3, 0, XFS_HV_PRIV_RESET, "AccessResetReg" },
    { 3, 0, XFS_HV_PRIV_REFERENCE_TSC, "AccessPartitionReferenceTsc" },
    { 3, 0, XFS_HV_PRIV_FREQUENCY_MSRS, "AccessFrequencyRegs" },
    { 3, 0, XFS_HV_PRIV_REENLIGHTENMENT, "AccessReenlightenmentControls" },
    { 3, 3, XFS_HV_FEAT_CPU_DYNAMIC_PARTITIONING,
      "CpuDynamicPartitioningAvailable" },
    { 3, 3, XFS_HV_FEAT_XMM_HYPERCALL_INPUT,
      "XmmRegistersForFastHypercallAvailable" },
    { 3, 3, XFS_HV_FEAT_CRASH_MSRS, "GuestCrashRegsAvailable" },
    { 3, 3, XFS_HV_FEAT_SINT_POLLING, "SintPollingModeAvailable" },
    { 3, 3, XFS_HV_FEAT_DIRECT_STIMER, "DirectSyntheticTimers" },
    { 4, 0, XFS_HV_REC_REMOTE_TLB_FLUSH, "UseHypercallForRemoteFlush" },
    { 4, 0, XFS_HV_REC_APIC_MSRS, "UseApicMsrs" },
    { 4, 0, XFS_HV_REC_RELAXED_TIMING, "UseRelaxedTiming" },
    { 4, 0, XFS_HV_REC_DEPRECATE_AUTO_EOI, "DeprecateAutoEoi" },
    { 4, 0, XFS_HV_REC_CLUSTER_IPI, "UseSyntheticClusterIpi" },
    { 4, 0, XFS_HV_REC_EX_PROCESSOR_MASKS, "UseExProcessorMasks" },
    { 4, 0, XFS_HV_REC_ENLIGHTENED_VMCS, "UseVmcsEnlightenments" },
    { 6, 0, XFS_HV_HW_APIC_OVERLAY, "ApicOverlayAssistInUse" },
    { 6, 0, XFS_HV_HW_MSR_BITMAPS, "MsrBitmapsInUse" },
    { 6, 0, XFS_HV_HW_SLAT, "SecondLevelAddressTranslationInUse" },
};

const char *xlc_viridian_leaf_bit_name(unsigned int leaf, unsigned int reg,
                                       unsigned int bit)
{
    for (size_t i = 0; i < sizeof(bit_names) / sizeof(bit_names[0]); i++)
        if (bit_names[i].leaf == leaf && bit_names[i].reg == reg &&
            bit_names[i].bit == bit)
            return bit_names[i].name;
    return NULL;
}

static uint32_t reg_of(const struct xfs_cpuid_regs *r, unsigned int i)
{
    return i == 0 ? r->a : i == 1 ? r->b : i == 2 ? r->c : r->d;
}

/* The set bits of one register by name, "*" after host-dependent ones. */
static void bits(struct xlc_buf *b, unsigned int leaf, unsigned int reg,
                 uint32_t v, uint32_t host, bool *first)
{
    for (unsigned int i = 0; i < 32; i++) {
        const char *n;

        if (!(v >> i & 1))
            continue;
        n = xlc_viridian_leaf_bit_name(leaf, reg, i);
        xlc_buf_puts(b, *first ? "" : " ");
        *first = false;
        if (n)
            xlc_buf_puts(b, n);
        else
            xlc_buf_printf(b, "%s.bit%u", reg ? "edx" : "eax", i);
        if (host >> i & 1)
            xlc_buf_putc(b, '*');
    }
}

static void ascii(struct xlc_buf *b, uint32_t v)
{
    for (unsigned int i = 0; i < 4; i++) {
        char c = (char)(v >> (8 * i));

        xlc_buf_putc(b, c >= 0x20 && c < 0x7f ? c : '.');
    }
}

void xlc_viridian_leaf_text(struct xlc_buf *b,
                            const struct xfs_viridian_leaves *l,
                            unsigned int i)
{
    const struct xfs_cpuid_regs *r = &l->ms[i];
    bool first = true;

    switch (i) {
    case 0:
        xlc_buf_putc(b, '"');
        ascii(b, r->b), ascii(b, r->c), ascii(b, r->d);
        xlc_buf_printf(b, "\", leaves up to 0x%08x", r->a);
        return;
    case 1:
        xlc_buf_puts(b, "interface \"");
        ascii(b, r->a);
        xlc_buf_putc(b, '"');
        return;
    case 2:
        if (!r->a && !r->b)
            xlc_buf_puts(b, "(zero until the guest writes its OS ID)");
        else
            xlc_buf_printf(b, "version %u.%u build %u*", r->b >> 16,
                           r->b & 0xffff, r->a);
        return;
    case 4:
        if (!r->a && !r->b) {
            xlc_buf_puts(b, "(zero until a Windows NT+ guest identifies)");
            return;
        }
        bits(b, 4, 0, r->a, l->host_mask[4][0], &first);
        xlc_buf_printf(b, "; spinlock retries %u*", r->b);
        return;
    case 5:
        if (r->a == 0xffffffffu)
            xlc_buf_puts(b, "no limit on virtual processors");
        else
            xlc_buf_puts(b, "no limits reported");
        return;
    default:
        bits(b, i, 0, r->a, l->host_mask[i][0], &first);
        if (i == 3)
            bits(b, 3, 3, r->d, l->host_mask[3][3], &first);
        if (first)
            xlc_buf_puts(b, "(none)");
    }
}

void xlc_viridian_xen_leaf_text(struct xlc_buf *b,
                                const struct xfs_viridian_leaves *l,
                                unsigned int i)
{
    const struct xfs_cpuid_regs *r = &l->xen[i];

    if (i == 0) {
        xlc_buf_puts(b, "Xen's leaves: \"");
        ascii(b, r->b), ascii(b, r->c), ascii(b, r->d);
        xlc_buf_printf(b, "\", up to 0x%08x", r->a);
    } else if (i == 1) {
        xlc_buf_printf(b, "Xen %u.%u", r->a >> 16, r->a & 0xffff);
    } else {
        xlc_buf_printf(b, "%u hypercall page(s), MSR 0x%08x", r->a, r->b);
    }
}

static void regs_json(struct xlc_buf *b, uint32_t leaf,
                      const struct xfs_cpuid_regs *r, const uint32_t *host)
{
    static const char *const names[4] = { "eax", "ebx", "ecx", "edx" };

    xlc_buf_printf(b, "{\"leaf\": \"0x%08x\"", leaf);
    for (unsigned int i = 0; i < 4; i++)
        xlc_buf_printf(b, ", \"%s\": \"0x%08x\"", names[i], reg_of(r, i));
    if (host) {
        const char *sep = "";

        xlc_buf_puts(b, ", \"host_dependent\": {");
        for (unsigned int i = 0; i < 4; i++)
            if (host[i]) {
                xlc_buf_printf(b, "%s\"%s\": \"0x%08x\"", sep, names[i],
                               host[i]);
                sep = ", ";
            }
        xlc_buf_putc(b, '}');
    }
    xlc_buf_putc(b, '}');
}

void xlc_viridian_leaves_json(struct xlc_buf *b,
                              const struct xfs_viridian_leaves *l,
                              const char *indent)
{
    const char *sep = "";

    xlc_buf_puts(b, "[");
    for (unsigned int i = 0; l->enabled && i < XFS_VIRIDIAN_NR_LEAVES; i++) {
        xlc_buf_printf(b, "%s\n%s  ", sep, indent);
        regs_json(b, XFS_VIRIDIAN_LEAF_BASE + i, &l->ms[i], l->host_mask[i]);
        sep = ",";
    }
    for (unsigned int i = 0; i < XFS_XEN_NR_STATIC_LEAVES; i++) {
        xlc_buf_printf(b, "%s\n%s  ", sep, indent);
        regs_json(b, l->xen_base + i, &l->xen[i], NULL);
        sep = ",";
    }
    xlc_buf_printf(b, "\n%s]", indent);
}

void xlc_viridian_leaves_table(struct xlc_buf *b,
                               const struct xfs_viridian_leaves *l,
                               const char *indent)
{
    for (unsigned int i = 0; l->enabled && i < XFS_VIRIDIAN_NR_LEAVES; i++) {
        const struct xfs_cpuid_regs *x = &l->ms[i];

        xlc_buf_printf(b, "%s0x%08x  %08x %08x %08x %08x  ", indent,
                       XFS_VIRIDIAN_LEAF_BASE + i, x->a, x->b, x->c, x->d);
        xlc_viridian_leaf_text(b, l, i);
        xlc_buf_putc(b, '\n');
    }
    for (unsigned int i = 0; i < XFS_XEN_NR_STATIC_LEAVES; i++) {
        const struct xfs_cpuid_regs *x = &l->xen[i];

        xlc_buf_printf(b, "%s0x%08x  %08x %08x %08x %08x  ", indent,
                       l->xen_base + i, x->a, x->b, x->c, x->d);
        xlc_viridian_xen_leaf_text(b, l, i);
        xlc_buf_putc(b, '\n');
    }
    if (l->enabled)
        xlc_buf_printf(b, "%s(* from the host or Xen's boot options, not the "
                       "setting: may differ on another host)\n", indent);
    else
        xlc_buf_printf(b, "%s(viridian off: no Hyper-V leaves; Xen's own "
                       "stay at 0x40000000)\n", indent);
}
