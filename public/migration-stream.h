/* SPDX-License-Identifier: MIT */
/*
 * public/migration-stream.h -- the libxc domain image ("migration stream")
 * format, version 3, as far as this project reads and writes it.
 *
 * Facts of the format (Xen's docs/specs/libxc-migration-stream.pandoc,
 * revision 3, and the checker shipped in xen-utils-4.17):
 *
 *   stream  = image header, domain header, record..., END record
 *   image header (24 bytes, BIG-endian whatever the options say):
 *       u64 marker   all ones
 *       u32 id       "XENF"
 *       u32 version  2 or 3 (3 adds STATIC_DATA_END and the policy records)
 *       u16 options  bit 0: 1 = records are big-endian; bits 1-15 reserved
 *       u16, u32     reserved, zero
 *   domain header (16 bytes, stream endianness):
 *       u32 type, u16 page_shift (12 on x86), u16 reserved,
 *       u32 xen_major, u32 xen_minor (major 0 = converted legacy stream)
 *   record: u32 type, u32 body_length, body, then zero padding so the
 *       next record starts on an 8-byte boundary.  Types with bit 31 set
 *       are optional (a reader may skip them); an unknown mandatory type
 *       must make a restore fail.
 *
 * Only little-endian streams (what every x86 host writes) are produced or
 * accepted here.  The layouts below are documentation of byte offsets: the
 * code reads and writes fields byte by byte, never by casting buffers.
 */
#ifndef PUBLIC_MIGRATION_STREAM_H
#define PUBLIC_MIGRATION_STREAM_H

#include <stdint.h>

#include "arch-x86/cpu-policy-abi.h"

/* ---- image header ---- */
#define XFS_STREAM_MARKER        0xffffffffffffffffull
#define XFS_STREAM_ID            0x58454e46u /* "XENF" */
#define XFS_STREAM_VERSION       3u          /* what we write */
#define XFS_STREAM_VERSION_MIN   2u          /* oldest Xen 4.17 restores */
#define XFS_STREAM_OPT_BIG_ENDIAN 0x0001u
#define XFS_STREAM_OPT_RESERVED  0xfffeu
#define XFS_STREAM_IHDR_SIZE     24u

/* ---- domain header ---- */
#define XFS_STREAM_DHDR_SIZE     16u
#define XFS_STREAM_PAGE_SHIFT    12u

/* Domain types.  Xen 4.17 writes PVH guests as HVM; its checker accepts
 * only the first two. */
enum xfs_stream_domain_type {
    XFS_STREAM_DOM_X86_PV = 1,
    XFS_STREAM_DOM_X86_HVM = 2,
    XFS_STREAM_DOM_X86_PVH = 3,
    XFS_STREAM_DOM_ARM = 4,
};

/* The Xen release whose stream we model (written into the domain header). */
#define XFS_STREAM_XEN_MAJOR     4u
#define XFS_STREAM_XEN_MINOR     17u

/* ---- records ---- */
#define XFS_STREAM_RHDR_SIZE     8u
#define XFS_STREAM_ALIGN         8u
#define XFS_STREAM_REC_OPTIONAL  0x80000000u

/*
 * Record types: X(NAME, VALUE, MIN_VERSION, "what it carries").
 * MIN_VERSION is the first stream version in which the type may appear.
 */
#define XFS_STREAM_RECORD_TYPES(X)                                          \
    X(END,                       0x00u, 2, "end of the libxc stream")        \
    X(PAGE_DATA,                 0x01u, 2, "guest memory pages")             \
    X(X86_PV_INFO,               0x02u, 2, "PV guest width and paging levels") \
    X(X86_PV_P2M_FRAMES,         0x03u, 2, "PV p2m table frames")            \
    X(X86_PV_VCPU_BASIC,         0x04u, 2, "PV vCPU basic context")          \
    X(X86_PV_VCPU_EXTENDED,      0x05u, 2, "PV vCPU extended context")       \
    X(X86_PV_VCPU_XSAVE,         0x06u, 2, "PV vCPU xsave state")            \
    X(SHARED_INFO,               0x07u, 2, "shared info page")               \
    X(X86_TSC_INFO,              0x08u, 2, "TSC mode and frequency")         \
    X(HVM_CONTEXT,               0x09u, 2, "HVM context blob")               \
    X(HVM_PARAMS,                0x0au, 2, "HVM parameters")                 \
    X(TOOLSTACK,                 0x0bu, 2, "toolstack blob (deprecated)")    \
    X(X86_PV_VCPU_MSRS,          0x0cu, 2, "PV vCPU MSRs")                   \
    X(VERIFY,                    0x0du, 2, "start of verification pages")    \
    X(CHECKPOINT,                0x0eu, 2, "consistent checkpoint")          \
    X(CHECKPOINT_DIRTY_PFN_LIST, 0x0fu, 2, "secondary's dirty pages (COLO)") \
    X(STATIC_DATA_END,           0x10u, 3, "end of the static configuration") \
    X(X86_CPUID_POLICY,          0x11u, 3, "the guest's CPUID policy")       \
    X(X86_MSR_POLICY,            0x12u, 3, "the guest's MSR policy")

#define XFS_STREAM_REC_ENUM_(name, value, ver, desc) XFS_STREAM_REC_##name = value,
enum xfs_stream_record_type { XFS_STREAM_RECORD_TYPES(XFS_STREAM_REC_ENUM_) };
#undef XFS_STREAM_REC_ENUM_

/*
 * Bodies used by this project:
 *   X86_CPUID_POLICY  struct xfs_cpuid_leaf[n], n >= 1 (24 bytes each)
 *   X86_MSR_POLICY    struct xfs_msr_entry[n], n >= 1 (16 bytes each)
 *   HVM_PARAMS        below
 *   STATIC_DATA_END, END, VERIFY, CHECKPOINT: empty
 * Xen writes the policy records (PV: after X86_PV_INFO) and then
 * STATIC_DATA_END before any memory; its restore applies the policy when it
 * meets STATIC_DATA_END, and an empty policy record is never written.
 */
#define XFS_STREAM_CPUID_ENTRY_SIZE 24u
#define XFS_STREAM_MSR_ENTRY_SIZE   16u

/*
 * HVM_PARAMS (the spec's layout; x86 HVM streams only):
 *   u32 count, u32 reserved (zero), then count entries of
 *   u64 index, u64 value   (HVMOP_set_param's index and value)
 * so the body is exactly 8 + 16 * count bytes.  Xen's writer puts in the
 * parameters of a fixed list (HVM_PARAM_VIRIDIAN among them) whose value
 * is not zero, and leaves the record out when none is; it writes it after
 * the memory, once per checkpoint.  Its restore sets each entry as it
 * reads it (HVMOP_set_param), so a value Xen refuses fails the restore.
 */
#define XFS_STREAM_HVM_PARAMS_HDR_SIZE   8u
#define XFS_STREAM_HVM_PARAM_ENTRY_SIZE 16u

#endif /* PUBLIC_MIGRATION_STREAM_H */
