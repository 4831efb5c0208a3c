/* SPDX-License-Identifier: MIT */
/*
 * Where a pool's hosts come from.  Each source yields one xlc_level_host,
 * ready for xlc_pool_add_host(): the guest type's MAX set (what Xen can
 * give a guest of that type there) and its DEFAULT set (what such a guest
 * gets when its config asks for nothing), both carrying the hardware's own
 * XCF_INVERTED bits.
 *
 *   raw CPUID (dump file of either format): the derivation in
 *     xen/arch is run with default hypervisor options: max and default
 *     are its pv/hvm max and default sets; vendor, family/model and limits
 *     come from the same leaves.
 *   @live: the same sets asked of the hypervisor through the handle (real
 *     Xen when there is one), properties from this CPU, MXCSR mask too.
 *   libvirt host <cpu>: model + features through the cpu_map are the
 *     host's raw features; the vendor from <vendor> or the model.  They go
 *     through the same xen/arch derivation as a dump (vendor rules such as
 *     SEP on AMD included), with every leaf taken as enumerated.  A <cpu>
 *     with <arch> is a host CPU as `virsh capabilities` prints it: like
 *     libvirt, a policy= on its features is ignored (the host has every
 *     feature it lists) and counted in policies_ignored for a note.  A
 *     <cpu> without <arch> (a guest-form CPU: host-model from `virsh
 *     domcapabilities`, or a level's own output) is read with its policies:
 *     require/force/optional = has it, disable/forbid = lacks it.
 *   featureset text (a string or a file) and saved policies (policy file,
 *     migration stream): one featureset.  It is taken as the host's max
 *     set (a raw or host set levels alike: the level goes through the
 *     type's static max mask), and its default is that set through the
 *     type's static default mask (xc_get_static_cpu_featuremask's
 *     default), dependencies re-applied: Xen's own default rule, without
 *     the host facts (vendor, raw CPUID) a featureset does not carry.
 *     Featureset text has no vendor or limits: the pool reports them as
 *     unchecked; a saved policy has them in its leaves.
 *
 * Batches load in parallel: parsing and deriving are independent per host.
 */
#ifndef LIBXL_CPUID_LEVEL_INPUT_H
#define LIBXL_CPUID_LEVEL_INPUT_H

#include <stdbool.h>
#include <stdint.h>

#include "../../xen/lib/cpu-policy.h"
#include "level.h"
#include "../verdict/levelling-report.h"

struct xlc_stream_info;

struct xlc_lv_model;

struct xlc_level_host {
    uint32_t fs[XFS_NR_WORDS];  /* the type's max set (+ inverted bits) */
    uint32_t def[XFS_NR_WORDS]; /* its default set, within fs */
    struct xlc_host_props props;
    /* Guests of the type can run there at all (HVM needs VMX or SVM). */
    bool usable;
    /* The type's max CPU policy, when the input has the leaves for one
     * (raw CPUID, @live, saved policy): what policy levelling uses.
     * Without has_policy, policy holds nothing meaningful (a host handed
     * over from a file of <cpu> elements does not even clear it). */
    bool has_policy;
    struct xfs_cpu_policy policy;
    /* libvirt host <cpu>: feature policy= attributes ignored, the first's
     * line (0: none). */
    unsigned int policies_ignored;
    long policy_ignored_line;
    /* What leaks through there (levelling-report.h), when the input holds
     * the host's own CPUID (raw CPUID, @live): the levelling capabilities
     * Xen reports, or derives from the CPUID data (an MSR the data lacks
     * leaves what it decides unknown).  A libvirt <cpu>, a featureset or a
     * saved policy says nothing of either: has_leaks false. */
    bool has_leaks;
    struct xlc_leak_report leaks;
    /* libvirt host <cpu>: its model (one of the map's), or NULL. */
    const struct xlc_lv_model *lv_model;
};

/*
 * The default of an input that states one featureset (h->fs): fs through
 * the type's static default mask, dependencies re-applied, fs's inverted
 * bits kept.  Also what xlc_pool_add() assumes for a host given no
 * default.
 */
void xlc_level_host_default_from_max(struct xlc_level_host *h,
                                     enum xlc_guest_type type);

/* From a CPUID reader.  0 or -ENOMEM. */
int xlc_level_host_from_cpuid(const struct xfs_cpuid_reader *rd,
                              enum xlc_guest_type type,
                              struct xlc_level_host *out);
/* From a dump file (libvirt <cpudata> XML or `cpuid -r` text). */
int xlc_level_host_from_dump(const char *path, enum xlc_guest_type type,
                             struct xlc_level_host *out, xlc_error *err);
/*
 * From the machine this runs on: the guest max set from the hypervisor
 * (real Xen when usable, else the simulated one over this CPU: the
 * handle's auto backend), vendor/limits/MXCSR mask from this CPU.
 */
int xlc_level_host_live(enum xlc_guest_type type, struct xlc_level_host *out,
                        xlc_error *err);

/*
 * From a source named the way `xen-cpuid level` takes them: "@live", a
 * featureset string (xxxxxxxx:xxxxxxxx:..., taken as the host's featureset,
 * no properties known), or a file whose content says what it is: CPUID
 * dump, featureset text, policy file (JSON) or migration stream.  A file
 * of libvirt <cpu> elements fails with -ENOTSUP: it may hold many hosts
 * and needs the cpu_map, see xlc_level_hosts_from_libvirt().
 */
int xlc_level_host_load(const char *source, enum xlc_guest_type type,
                        struct xlc_level_host *out, xlc_error *err);

/* Saved policies (level-input-saved.c): a policy file, a stream. */
int xlc_level_host_from_policy_file(const char *path,
                                    enum xlc_guest_type type,
                                    struct xlc_level_host *out,
                                    xlc_error *err);
int xlc_level_host_from_stream(const char *path, enum xlc_guest_type type,
                               struct xlc_level_host *out, xlc_error *err);
/* The same from a stream already parsed (xlc_stream_load). */
int xlc_level_host_from_stream_info(const char *path,
                                    const struct xlc_stream_info *s,
                                    enum xlc_guest_type type,
                                    struct xlc_level_host *out,
                                    xlc_error *err);
/* True when the first n bytes of a file open a migration stream or an
 * xl save file (which holds one). */
bool xlc_level_is_stream(const char *head, size_t n);

/* ---- what a source name is (level-input.c) ---- */

/*
 * The kinds of input a user names, as every loader tells them apart (the
 * pool's hosts, the guests judged): "@live", an inline featureset (not a
 * file, with a ':'), nothing (neither), or a file that is a migration
 * stream or xl save file, a policy file (JSON), libvirt <cpu> elements, a
 * featureset (hex digits, ':' and white space) or else a CPUID dump.  A
 * directory, a pipe or an empty file is nothing (XLC_INPUT_NONE).
 */
enum xlc_input_kind {
    XLC_INPUT_LIVE,
    XLC_INPUT_FEATURESET,
    XLC_INPUT_NONE,
    XLC_INPUT_STREAM,
    XLC_INPUT_POLICY_FILE,
    XLC_INPUT_LIBVIRT_CPU,
    XLC_INPUT_FEATURESET_FILE,
    XLC_INPUT_DUMP,
};
enum xlc_input_kind xlc_input_kind(const char *source);
/*
 * Why a source of kind XLC_INPUT_NONE is none: it does not exist (and is
 * not @live or a featureset), or it is a directory ("is a directory"), a
 * pipe, or an empty file ("empty file").  Always fails.
 */
int xlc_input_none(const char *source, xlc_error *err);
/* The same for an input that should be `expected` ("JSON with model pins
 * or a migration stream"): a file that is none says so. */
int xlc_input_none_for(const char *source, const char *expected,
                       xlc_error *err);

/* A featureset file's text, NUL-terminated (free() it), within
 * xlc_featureset_limits (NUL bytes refused). */
int xlc_input_text(const char *path, char **text, xlc_error *err);

/* One source's outcome in a batch load (level-input-batch.c). */
struct xlc_level_load {
    int rc;                  /* 0 or negative errno */
    char *msg;               /* malloc'd error text when rc != 0 */
    /* The source holds libvirt <cpu> elements, which the batch does not
     * load (rc -ENOTSUP): the caller reads them with the cpu_map
     * (xlc_level_hosts_from_libvirt).  Told here so that no caller reads
     * the head of every source once more, on one CPU, to find them. */
    bool libvirt;
    struct xlc_level_host host;
};

/*
 * Load n sources with up to `threads` workers (0: one per online CPU):
 * results[i] is sources[i]'s outcome, whatever the completion order.
 * Returns 0, or -ENOMEM when workers could not be set up (results then
 * untouched).  Free the messages with xlc_level_loads_free().  It first
 * sets up the state the loaders share (libxml2's parser); callers
 * running the single-source functions on their own threads should make
 * one call with n == 0 before starting them.
 */
int xlc_level_load_many(const char *const *sources, size_t n,
                        enum xlc_guest_type type, unsigned int threads,
                        struct xlc_level_load *results);
void xlc_level_loads_free(struct xlc_level_load *results, size_t n);

/* ---- libvirt host <cpu> elements (level-input-libvirt.c) ---- */

struct xlc_cpu_map;
struct xlc_lv_cpu;

/* True when the start of a file reads like libvirt <cpu> (not <cpudata>). */
bool xlc_level_is_libvirt_cpu(const char *head);
/* True when `source` is a file of libvirt <cpu> elements. */
bool xlc_level_source_is_libvirt(const char *source);

/*
 * A host described as libvirt does it (see the top of this file for how
 * policies are read), resolved through the cpu_map and derived for guest
 * type `type`.  Unknown names are refused with the nearest known one.
 */
int xlc_level_host_from_lv_cpu(const struct xlc_cpu_map *map,
                               const struct xlc_lv_cpu *cpu,
                               enum xlc_guest_type type,
                               struct xlc_level_host *out, xlc_error *err);
/*
 * Every <cpu> element of a file, one after another (as `virsh
 * cpu-baseline` takes them) or below other elements (a capabilities
 * document), as a pool host, handed to fn in file order (index from 0),
 * on the calling thread.  The file is read streaming, in parts on every
 * CPU from 64 KiB on (level-input-libvirt-file.c; helper threads are
 * started on other CPUs than the caller's, util/parts.h): memory holds the
 * hosts of a few parts, never the whole file or every host.  A non-zero
 * return of fn (which fills err) stops the load.  When the file is
 * refused, fn has been given the hosts before the error, no others.
 * *n (may be NULL): hosts handed over.
 */
typedef int (*xlc_level_host_fn)(void *ctx, size_t index,
                                 const struct xlc_level_host *h,
                                 xlc_error *err);
int xlc_level_hosts_each_libvirt(const char *path,
                                 const struct xlc_cpu_map *map,
                                 enum xlc_guest_type type,
                                 xlc_level_host_fn fn, void *ctx, size_t *n,
                                 xlc_error *err);
/* The same, every host in one malloc'd array *hosts (all or none). */
int xlc_level_hosts_from_libvirt(const char *path,
                                 const struct xlc_cpu_map *map,
                                 enum xlc_guest_type type,
                                 struct xlc_level_host **hosts, size_t *n,
                                 xlc_error *err);

#endif /* LIBXL_CPUID_LEVEL_INPUT_H */
