/* SPDX-License-Identifier: MIT */
/*
 * Turning raw CPUID (a dump file, the live CPU) into what a pool levels:
 * the guest max and default featuresets Xen would derive on that host for
 * the pool's guest type, the hardware's own XCF_INVERTED bits, and the
 * properties beyond feature bits; and sources by name.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


#include "../policy/cpu-policy.h"
#include "../sources/cpuid-dump.h"
#include "../names/featureset-text.h"
#include "../sources/handle.h"
#include "level-input.h"
#include "level-internal.h"
#include "../util/read-file.h"
#include "../../xen/arch/featuresets.h"
#include "../../xen/arch/policy-derive.h"
#include "../verdict/levelling-report.h"

/* What leaks through on the host of `sys` with capabilities `caps`; none
 * known for a type the host cannot run (the host is refused anyway). */
static void host_leaks(const struct xlc_system_policies *sys,
                       const struct xlc_levelling *caps,
                       enum xlc_guest_type type, struct xlc_level_host *out)
{
    out->has_leaks = !xlc_leak_report(sys, caps, type, &out->leaks, NULL);
}

int xlc_level_host_from_cpuid(const struct xfs_cpuid_reader *rd,
                              enum xlc_guest_type type,
                              struct xlc_level_host *out)
{
    const uint32_t *inv = xfs_static_masks[XFS_MASK_INVERTED];
    unsigned int idx = xlc_policy_index_max(type);
    unsigned int didx = xlc_policy_index_default(type);
    struct xlc_system_policies *s = calloc(1, sizeof(*s));
    struct xlc_levelling caps;
    const uint32_t *max, *def, *raw;

    if (!s)
        return -ENOMEM;
    memset(out, 0, sizeof(*out));
    xfs_hv_options_default(&s->opts);
    xfs_derive_featuresets(rd, &s->opts, &s->fs);
    xfs_derive_policies(rd, &s->opts, &s->fs, &s->pol);
    out->has_policy = s->pol.present[idx];
    out->policy = s->pol.p[idx];
    max = s->fs.fs[idx];
    def = s->fs.fs[didx];
    raw = s->fs.fs[XFS_SYSCTL_cpu_featureset_raw];
    /*
     * Xen shows none of the inverted bits to guests, but they describe the
     * hardware the guest would run on: keep the raw ones for the level.
     */
    for (unsigned int w = 0; w < XFS_NR_WORDS; w++) {
        out->fs[w] = max[w] | (raw[w] & inv[w]);
        out->def[w] = def[w] | (raw[w] & inv[w]);
    }
    out->usable = type == XLC_GUEST_PV || s->fs.hvm_usable;
    xlc_host_props_from_cpuid(rd, &out->props);
    /* The levelling capabilities Xen 4.17 would find on this CPU. */
    xlc_levelling_from_reader(rd, &caps);
    host_leaks(s, &caps, type, out);
    xlc_system_policies_free(s);
    return 0;
}


/*
 * The featureset at sysctl `index` through the handle, zero-extended: a
 * Xen that knows more words than we do reports -ENOBUFS with our words
 * copied, which is all a level could use anyway (its extra bits are
 * features this build cannot name or level).
 */
static int handle_featureset(xlc_handle *h, uint32_t index,
                             uint32_t fs[XFS_NR_WORDS], xlc_error *err)
{
    uint32_t nr = XFS_NR_WORDS;
    int rc;

    memset(fs, 0, XFS_NR_WORDS * sizeof(*fs));
    rc = xlc_get_featureset(h, index, &nr, fs, err);
    return rc == -ENOBUFS ? 0 : rc;
}

static int xen_max_policy(xlc_handle *h, enum xlc_guest_type type,
                          struct xlc_level_host *out, xlc_error *err)
{
    unsigned int idx = xlc_policy_index_max(type);
    struct xlc_system_policies *s;
    struct xlc_levelling caps;
    int rc = xlc_handle_system_policies(h, &s, err);

    if (rc)
        return rc;
    out->has_policy = s->pol.present[idx];
    out->policy = s->pol.p[idx];
    /* What leaks there: the levelling capabilities Xen reports. */
    rc = xlc_levelling_of_handle(h, &caps, err);
    if (!rc)
        host_leaks(s, &caps, type, out);
    xlc_system_policies_free(s);
    return rc;
}

int xlc_level_host_live(enum xlc_guest_type type, struct xlc_level_host *out,
                        xlc_error *err)
{
    const uint32_t *inv = xfs_static_masks[XFS_MASK_INVERTED];
    uint32_t raw[XFS_NR_WORDS];
    struct xlc_cpuid_dump *d;
    struct xfs_cpuid_reader rd;
    xlc_handle *h;
    int rc = xlc_dump_live(&d, err);

    if (rc)
        return rc;
    /* Vendor, limits, MXCSR from this CPU... */
    xlc_dump_reader(d, &rd);
    rc = xlc_level_host_from_cpuid(&rd, type, out);
    xlc_dump_free(d);
    if (rc)
        return xlc_fail(err, -rc, "live CPU: out of memory");
    rc = xlc_host_props_live_mxcsr(&out->props, err);
    /* ...features from the hypervisor: real Xen when there is one. */
    if (!rc)
        rc = xlc_open(NULL, &h, err);
    if (rc)
        return rc;
    rc = handle_featureset(h, xlc_policy_index_max(type), out->fs, err);
    if (!rc)
        rc = handle_featureset(h, xlc_policy_index_default(type), out->def,
                               err);
    if (!rc)
        rc = handle_featureset(h, XFS_SYSCTL_cpu_featureset_raw, raw, err);
    /* On real Xen its own max policy replaces the simulated one. */
    if (!rc && xlc_backend_in_use(h) == XLC_BACKEND_XEN)
        rc = xen_max_policy(h, type, out, err);
    xlc_close(h);
    if (rc)
        return rc;
    for (unsigned int w = 0; w < XFS_NR_WORDS; w++) {
        out->fs[w] |= raw[w] & inv[w];
        /* A default is within max, whatever a hypervisor serves. */
        out->def[w] = (out->def[w] & out->fs[w]) | (raw[w] & inv[w]);
    }
    /* Xen serves an empty max set for a guest type it cannot run. */
    out->usable = !xfs_empty(out->fs, XFS_NR_WORDS) &&
                  (type == XLC_GUEST_PV || out->usable);
    return 0;
}

/* ---- sources by name ---- */

/*
 * A path that can be read twice (to tell its kind, then to load it): a
 * regular file or a device such as /dev/null.  A directory or a pipe is
 * not one (xlc_input_none says why).
 */
static bool is_file(const char *path)
{
    struct stat st;

    return !stat(path, &st) &&
           (S_ISREG(st.st_mode) || S_ISCHR(st.st_mode) ||
            S_ISBLK(st.st_mode));
}

/* The first bytes of a file, NUL-terminated, for telling kinds apart. */
static size_t file_head(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(buf, 1, len - 1, f) : 0;

    buf[n] = '\0';
    if (f)
        fclose(f);
    return n;
}

int xlc_input_none(const char *source, xlc_error *err)
{
    return xlc_input_none_for(source, NULL, err);
}

int xlc_input_none_for(const char *source, const char *expected,
                       xlc_error *err)
{
    struct stat st;

    if (stat(source, &st))
        return expected
                   ? xlc_fail(err, ENOENT, "'%s': no such file", source)
                   : xlc_fail(err, ENOENT, "'%s': no such file, not @live, "
                              "and not a featureset (xxxxxxxx:xxxxxxxx:...)",
                              source);
    if (S_ISDIR(st.st_mode))
        return xlc_fail(err, EISDIR, "%s: is a directory", source);
    if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))
        return xlc_fail(err, EINVAL, "%s: a pipe, not a file: an input is "
                        "read twice (to tell its kind, then to load it); "
                        "save it to a file", source);
    if (st.st_size && expected)
        return xlc_fail(err, EINVAL, "%s: not %s", source, expected);
    return xlc_fail(err, EINVAL, "%s: empty file (expected %s)", source,
                    expected ? expected : "a CPUID dump, a featureset, a "
                    "policy file, a migration stream or libvirt <cpu> "
                    "elements");
}

/* Only hex digits, ':' and white space, with a ':': the featureset form. */
static bool looks_like_featureset(const char *s)
{
    bool colon = false;

    for (; *s; s++) {
        if (*s == ':')
            colon = true;
        else if (!strchr("0123456789abcdefABCDEF \t\r\n", *s))
            return false;
    }
    return colon;
}

/* The kind of a file from its first n (< FILE_HEAD) bytes, NUL-ended. */
#define FILE_HEAD 512
static enum xlc_input_kind kind_of_head(const char *head, size_t n)
{
    if (!n)
        return XLC_INPUT_NONE;    /* empty (xlc_input_none) */
    if (xlc_level_is_stream(head, n))
        return XLC_INPUT_STREAM;
    if (head[strspn(head, " \t\r\n")] == '{')
        return XLC_INPUT_POLICY_FILE;
    if (xlc_level_is_libvirt_cpu(head))
        return XLC_INPUT_LIBVIRT_CPU;
    if (looks_like_featureset(head))
        return XLC_INPUT_FEATURESET_FILE;
    return XLC_INPUT_DUMP;
}

enum xlc_input_kind xlc_input_kind(const char *source)
{
    char head[FILE_HEAD];

    if (!strcmp(source, "@live"))
        return XLC_INPUT_LIVE;
    if (!is_file(source))
        /* Anything with a ':' is meant as a featureset: its parser says
         * what is wrong with it. */
        return strchr(source, ':') ? XLC_INPUT_FEATURESET : XLC_INPUT_NONE;
    return kind_of_head(head, file_head(source, head, sizeof(head)));
}

int xlc_input_text(const char *path, char **text, xlc_error *err)
{
    size_t len;
    int rc = xlc_read_input(path, &xlc_featureset_limits, text, &len, err);

    /* Text: a NUL byte would end it early, and what follows be lost. */
    if (!rc && (rc = xlc_check_text(path, *text, len, &xlc_featureset_limits,
                                    err))) {
        free(*text);
        *text = NULL;
    }
    return rc;
}

bool xlc_level_source_is_libvirt(const char *source)
{
    return xlc_input_kind(source) == XLC_INPUT_LIBVIRT_CPU;
}

static int from_featureset_text(const char *what, const char *text,
                                struct xlc_level_host *out, xlc_error *err)
{
    uint32_t *words;
    size_t nr;
    int rc = xlc_featureset_parse(text, &words, &nr, err);

    if (rc) {
        xlc_error_prefix(err, "%s", what);
        return rc;
    }
    rc = xlc_level_check_words(what, words, nr, err);
    if (!rc) {
        memset(out, 0, sizeof(*out));
        xfs_copy(out->fs, XFS_NR_WORDS, words, nr);
        out->usable = true;
    }
    free(words);
    return rc;
}

void xlc_level_host_default_from_max(struct xlc_level_host *h,
                                     enum xlc_guest_type type)
{
    xlc_default_from_max(type, h->fs, h->def);
}

/* The saved-policy and featureset loaders state one set: its default. */
static int with_default(int rc, enum xlc_guest_type type,
                        struct xlc_level_host *out)
{
    if (!rc)
        xlc_level_host_default_from_max(out, type);
    return rc;
}

/* A host from a dump (which this frees). */
static int host_from_parsed(const char *path, struct xlc_cpuid_dump *d,
                            enum xlc_guest_type type,
                            struct xlc_level_host *out, xlc_error *err)
{
    struct xfs_cpuid_reader rd;
    int rc;

    xlc_dump_reader(d, &rd);
    rc = xlc_level_host_from_cpuid(&rd, type, out);
    xlc_dump_free(d);
    if (rc)
        return xlc_fail(err, -rc, "%s: out of memory", path);
    return 0;
}

int xlc_level_host_from_dump(const char *path, enum xlc_guest_type type,
                             struct xlc_level_host *out, xlc_error *err)
{
    struct xlc_cpuid_dump *d;
    int rc = xlc_dump_load(path, &d, err);

    return rc ? rc : host_from_parsed(path, d, type, out, err);
}

/*
 * A regular file is opened once: its kind told from its first bytes and,
 * when it is a dump, its text read from the same stream.  1 (*rc set)
 * when it was a dump; 0 when the caller should load the source as it is
 * named (any other kind, or a file that could not be opened or read: the
 * ordinary path then says why, as it always has).  Opening and reading
 * each file twice was a fifth of the time to level 1,000 dump files.
 */
static int dump_file_once(const char *source, enum xlc_guest_type type,
                          struct xlc_level_host *out, xlc_error *err,
                          int *rc)
{
    char head[FILE_HEAD], *text;
    struct xlc_cpuid_dump *d;
    struct stat st;
    size_t len, n;
    xlc_error ignored;
    FILE *f;

    /* Never a pipe: reading it to tell its kind would consume it. */
    if (stat(source, &st) || !S_ISREG(st.st_mode) ||
        (uintmax_t)st.st_size > xlc_dump_limits.max_bytes ||
        xlc_open_input(source, &f, &ignored))
        return 0;
    /* The bytes xlc_input_kind reads to tell. */
    n = fread(head, 1, sizeof(head) - 1, f);
    head[n] = '\0';
    if (kind_of_head(head, n) != XLC_INPUT_DUMP || fseek(f, 0, SEEK_SET) ||
        xlc_read_stream(f, source, &xlc_dump_limits, &text, &len,
                        &ignored)) {
        fclose(f);
        return 0;
    }
    fclose(f);
    *rc = xlc_dump_parse(source, text, len, &d, err);
    free(text);
    if (!*rc)
        *rc = host_from_parsed(source, d, type, out, err);
    return 1;
}

int xlc_level_host_load(const char *source, enum xlc_guest_type type,
                        struct xlc_level_host *out, xlc_error *err)
{
    char *text = NULL;
    int rc;

    if (strcmp(source, "@live") &&
        dump_file_once(source, type, out, err, &rc))
        return rc;
    switch (xlc_input_kind(source)) {
    case XLC_INPUT_LIVE:
        return xlc_level_host_live(type, out, err);
    case XLC_INPUT_FEATURESET:
        return with_default(from_featureset_text("featureset", source, out,
                                                 err),
                            type, out);
    case XLC_INPUT_NONE:
        return xlc_input_none(source, err);
    case XLC_INPUT_STREAM:
        return with_default(
            xlc_level_host_from_stream(source, type, out, err), type, out);
    case XLC_INPUT_POLICY_FILE:
        return with_default(
            xlc_level_host_from_policy_file(source, type, out, err), type,
            out);
    case XLC_INPUT_LIBVIRT_CPU:
        return xlc_fail(err, ENOTSUP, "%s: libvirt <cpu> elements are read "
                        "with the cpu_map (xlc_level_hosts_from_libvirt)",
                        source);
    case XLC_INPUT_DUMP:
        return xlc_level_host_from_dump(source, type, out, err);
    case XLC_INPUT_FEATURESET_FILE:
        break;
    }
    rc = xlc_input_text(source, &text, err);
    if (!rc) {
        rc = from_featureset_text(source, text, out, err);
        free(text);
    }
    return with_default(rc, type, out);
}
