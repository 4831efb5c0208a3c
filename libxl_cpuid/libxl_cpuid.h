/* SPDX-License-Identifier: MIT */
/*
 * libxl_cpuid.h -- the whole public API in one include.
 *
 *     #include <libxl_cpuid/libxl_cpuid.h>
 *     cc prog.c $(pkg-config --cflags --libs libxl_cpuid)
 *
 * Strict C11; it includes no header from outside the C library.  The
 * calls that build libxl's own libxl_cpuid_policy_list are in
 * <libxl_cpuid/libxl-list.h>, which includes this one and Xen's <libxl.h>.
 * Installed, every header is under $(includedir)/libxl_cpuid/ (this
 * folder's headers on top, xen/ and public/ below it) and they include
 * each other by relative paths: -I$(includedir) is the only flag needed.
 *
 * Two namespaces, both exported by libxl_cpuid.so (version node
 * LIBXL_CPUID_0.1).  The exported symbols are exactly the functions and
 * objects the installed headers declare (tests/tool/test_install_files.c):
 * internal headers put theirs out of sight with
 * #pragma GCC visibility push(hidden).
 *
 *   xfs_*  the freestanding featureset core (xen/lib, xen/arch): feature
 *          and word tables, static masks, deep dependencies, featureset
 *          operations, derivation of the system featuresets and policies,
 *          the get_cpu_featureset sysctl.  Never allocates, never fails
 *          with a message: results come back in caller-owned arrays, and
 *          every featureset argument comes with its length in words (a
 *          shorter set reads as zero-extended, a longer one is truncated
 *          as the call documents).
 *   xlc_*  the toolstack library (libxl_cpuid): dumps, the xen/sim
 *          backends, names, libvirt CPU definitions, migration streams,
 *          policy files, pool levelling, xl cpuid= strings, the
 *          policy applied to a guest, Hyper-V (viridian) enlightenments.
 *
 * Conventions of every xlc_* call:
 *
 *   Errors  A fallible call returns 0 on success or a negative errno value
 *           (-EINVAL bad input, -ENOMEM, -ENOENT, -ENODEV unusable
 *           backend, ...).  When given an xlc_error (error.h) it also fills
 *           it with that code and a message saying what was wrong and where
 *           (file:line, the offending token).  Unless a call's comment
 *           says otherwise, a failed call leaves nothing to free.
 *   Output  The library never prints, never exits and never aborts on bad
 *           input; everything is returned to the caller.
 *   Memory  An object the library allocates is released by the matching
 *           xlc_*_free() or xlc_close(); those taking a pointer to such an
 *           object accept NULL (xlc_dump_free, xlc_cpu_map_free, ...),
 *           those taking a caller-owned structure (xlc_buf_free,
 *           xlc_policy_entries_free, ...) release what it points to and
 *           leave it empty.  Strings and arrays documented as malloc'd are
 *           the caller's to free().
 *   Sets    Featuresets are arrays of uint32_t, word 0 first, as the
 *           get_cpu_featureset sysctl returns them; XFS_NR_WORDS is the
 *           number of words this build knows.
 *
 * Each module header below documents its own calls.  When a module adds a
 * public header, list it here; tests/tool/test_install_headers.c fails
 * until every header is either installed (included below, or by
 * libxl-list.h) or named internal.
 *
 * Internal headers, not installed and not part of the API (each declares
 * its functions between #pragma GCC visibility push(hidden) and pop):
 *   libxl_cpuid/sources/cpuid-dump-priv.h
 *   libxl_cpuid/util/atomic-file.h
 *   libxl_cpuid/sources/xen-backend.h
 *   libxl_cpuid/verdict/guest-verdict-int.h
 *   libxl_cpuid/level/level-internal.h
 *   libxl_cpuid/level/level-input-libvirt-int.h
 *   libxl_cpuid/level/level-report-int.h
 *   libxl_cpuid/cpumap/libvirt-cpumap-int.h
 *   libxl_cpuid/libvirt/libvirt-translate-int.h
 *   libxl_cpuid/libvirt/libvirt-xml.h
 *   libxl_cpuid/libvirt/libvirt-cpu-batch.h (the two readers of host files)
 *   libxl_cpuid/migration/stream-bytes.h
 *   libxl_cpuid/migration/stream-check.h
 *   libxl_cpuid/migration/stream-src.h
 *   libxl_cpuid/util/read-file.h
 *   libxl_cpuid/util/json-tree.h (yajl's tree, for the JSON readers)
 *   libxl_cpuid/util/escape.h (input quoted in messages and JSON)
 *   libxl_cpuid/util/digits.h (numbers put without printf)
 *   libxl_cpuid/util/parts.h (work split over the CPUs)
 *   libxl_cpuid/util/sha256-int.h (each way of one compression, for tests)
 *   libxl_cpuid/xl/xl-cpuid-int.h
 *   xen/lib/static-mask-bits.h xen/lib/deep-deps-table.h (the direct
 *   dependencies, read by the build-time generator only)
 *   xen/arch/policy-guest.h (the hypervisor's side of the policy calls,
 *                            for the simulated hypervisor, xen-sim/)
 */
#ifndef LIBXL_CPUID_LIBXL_CPUID_H
#define LIBXL_CPUID_LIBXL_CPUID_H

/* The ABI: feature list, word table, sysctl, policy entries, stream. */
#include "../public/arch-x86/cpufeatureset.h"
#include "../public/arch-x86/featureset-words.h"
#include "../public/arch-x86/cpu-policy-abi.h"
#include "../public/sysctl-featureset.h"
#include "../public/migration-stream.h"
#include "../public/arch-x86/hvm-viridian.h"

/* The freestanding core (xfs_*). */
#include "../xen/lib/featureset.h"
#include "../xen/lib/cpuid-leaves.h"
#include "../xen/lib/cpu-policy-limits.h"
#include "../xen/lib/cpu-policy.h"
#include "../xen/lib/level.h"
#include "../xen/arch/featuresets.h"
#include "../xen/arch/policy-derive.h"
#include "../xen/arch/sysctl.h"
#include "../xen/arch/viridian-leaves.h"
#include "../xen/arch/levelling.h"

/* The toolstack library (xlc_*). */
#include "util/error.h"
#include "util/strbuf.h"
#include "names/feature-names.h"
#include "names/featureset-text.h"
#include "sources/cpuid-dump.h"
#include "sources/handle.h"
#include "names/guest-type.h"
#include "policy/cpu-policy.h"
#include "libvirt/libvirt-cpu.h"
#include "cpumap/libvirt-cpumap.h"
#include "libvirt/libvirt-translate.h"
#include "util/sha256.h"
#include "libvirt/libvirt-model-pin.h"
#include "libvirt/libvirt-explicit-cpu.h"
#include "migration/stream.h"
#include "migration/stream-pins.h"
#include "policy/policy-json.h"
#include "migration/restore-check.h"
#include "level/level.h"
#include "level/level-input.h"
#include "level/level-policy.h"
#include "level/level-report.h"
#include "xl/xl-cpuid.h"
#include "xl/xl-cpuid-notes.h"
#include "policy/applied-policy.h"
#include "verdict/guest-verdict.h"
#include "verdict/guest-source.h"
#include "xl/xl-cfg-value.h"
#include "xl/xl-config.h"
#include "viridian/viridian.h"
#include "viridian/libvirt-hyperv.h"
#include "verdict/levelling-report.h"

#endif /* LIBXL_CPUID_LIBXL_CPUID_H */
