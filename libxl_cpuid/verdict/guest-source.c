/* SPDX-License-Identifier: MIT */
/*
 * Guests named the way `level ... guest:SOURCE` names them (the rules are
 * in guest-source.h), and the system policies of a source that has them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../policy/applied-policy.h"
#include "../names/featureset-text.h"
#include "guest-source.h"
#include "../level/level-input.h"
#include "../policy/policy-json.h"
#include "../sources/handle.h"

static bool is_file(const char *path)
{
    struct stat st;

    return !stat(path, &st) && S_ISREG(st.st_mode);
}

/* The first bytes of a file, NUL-terminated, for telling kinds apart. */
static size_t head_of(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(buf, 1, len - 1, f) : 0;

    buf[n] = '\0';
    if (f)
        fclose(f);
    return n;
}

bool xlc_gv_source_is_libvirt(const char *source)
{
    char head[512];

    if (!is_file(source))
        return false;
    head_of(source, head, sizeof(head));
    return xlc_level_is_libvirt_cpu(head);
}

static uint32_t domain_of(enum xlc_guest_type type)
{
    return type == XLC_GUEST_PV ? XFS_STREAM_DOM_X86_PV
                                : XFS_STREAM_DOM_X86_HVM;
}

/* A saved guest must be of the type judged (0: the file does not say). */
static int same_type(const char *path, uint32_t saved,
                     enum xlc_guest_type type, xlc_error *err)
{
    if (!saved || saved == domain_of(type))
        return 0;
    return xlc_fail(err, EINVAL, "%s: saved for a%s %s guest, but the guests "
                    "judged here are %s", path,
                    saved == XFS_STREAM_DOM_X86_HVM ? "n" : "",
                    xlc_stream_domain_name(saved),
                    xlc_guest_type_name(type));
}

static int from_stream(const char *path, enum xlc_guest_type type,
                       struct xlc_gv_source *s, xlc_error *err)
{
    struct xlc_stream_info info;
    int rc = xlc_stream_load(path, &info, err);

    if (rc)
        return rc;
    rc = same_type(path, info.domain_type, type, err);
    if (!rc)
        rc = xlc_policy_entries_copy(&s->entries, &info.policy, err);
    s->guest.no_cpuid = !info.has_cpuid;
    s->what = "migration stream";
    xlc_stream_info_free(&info);
    return rc;
}

static int from_policy_file(const char *path, enum xlc_guest_type type,
                            struct xlc_gv_source *s, xlc_error *err)
{
    uint32_t dom = 0;
    int rc = xlc_policy_json_load(path, &s->entries, &dom, err);

    s->what = "policy file";
    return rc ? rc : same_type(path, dom, type, err);
}

/* The default guest of the type there, recorded as `record` writes it
 * (the default policy as Xen holds it for a new domain). */
static int from_system(const struct xlc_system_policies *sys,
                       enum xlc_guest_type type, struct xlc_gv_source *s,
                       xlc_error *err)
{
    const struct xlc_guest_settings dflt = { .kind = XLC_SETTINGS_DEFAULT };
    struct xlc_applied_policy *a;
    int rc = xlc_applied_policy(sys, type, &dflt, &a, err);

    if (rc == -EOPNOTSUPP)
        rc = xlc_fail(err, EINVAL, "%s: this host runs no %s guests, so "
                      "there is no default %s guest to judge", sys->source,
                      xlc_guest_type_name(type), xlc_guest_type_name(type));
    if (rc)
        return rc;
    rc = xlc_applied_policy_entries(a, &s->entries, err);
    xlc_applied_policy_free(a);
    return rc;
}

int xlc_gv_host_facts_load(const char *source,
                           struct xlc_system_policies **sys, xlc_error *err)
{
    struct xlc_sim_opts o = { NULL, false, NULL };
    char head[512];
    size_t n;

    *sys = NULL;
    if (!strcmp(source, "@live")) {
        /* The running Xen when there is one, else the simulated one. */
        xlc_handle *h;
        int rc = xlc_open(NULL, &h, err);

        if (!rc)
            rc = xlc_handle_system_policies(h, sys, err);
        xlc_close(h);
        return rc;
    }
    if (!is_file(source))
        return 0;
    n = head_of(source, head, sizeof(head));
    if (xlc_level_is_stream(head, n) || head[strspn(head, " \t\r\n")] == '{' ||
        xlc_level_is_libvirt_cpu(head))
        return 0;
    o.cpuid_file = source;
    if (xlc_system_policies_load(&o, sys, err) == -ENOMEM)
        return -ENOMEM;
    return 0;   /* not a dump (a featureset file): no CPUID facts */
}

static int from_featureset_text(const char *what, const char *text,
                                struct xlc_gv_source *s, xlc_error *err)
{
    uint32_t *words;
    size_t nr;
    int rc = xlc_featureset_parse(text, &words, &nr, err);

    if (rc) {
        xlc_error_prefix(err, "%s", what);
        return rc;
    }
    rc = xlc_featureset_check_applicable(words, nr, err);
    if (rc)
        xlc_error_prefix(err, "%s", what);
    else
        xfs_copy(s->fs, XFS_NR_WORDS, words, nr);
    free(words);
    s->guest.form = XLC_GV_FEATURESET;
    s->what = "featureset";
    return rc;
}

/* A file: a CPUID dump, else a featureset text (one short line). */
static int from_plain_file(const char *path, enum xlc_guest_type type,
                           struct xlc_gv_source *s, xlc_error *err)
{
    struct xlc_sim_opts o = { path, false, NULL };
    struct xlc_system_policies *sys;
    xlc_error dump_err = { 0 };
    char text[4096];
    FILE *f;
    size_t n;
    int rc = xlc_system_policies_load(&o, &sys, &dump_err);

    if (!rc) {
        s->what = "CPUID dump";
        rc = from_system(sys, type, s, err);
        xlc_system_policies_free(sys);
        return rc;
    }
    if (rc == -ENOMEM)
        return xlc_fail(err, ENOMEM, "out of memory");
    f = fopen(path, "r");
    n = f ? fread(text, 1, sizeof(text) - 1, f) : 0;
    if (f)
        fclose(f);
    text[n] = '\0';
    rc = from_featureset_text(path, text, s, err);
    if (rc == -EINVAL)
        rc = xlc_fail(err, EINVAL, "%s: neither a CPUID dump (%s) nor a "
                      "featureset", path, dump_err.msg);
    return rc;
}

static int load(const char *source, enum xlc_guest_type type,
                const struct xlc_cpu_map *map, struct xlc_gv_source *s,
                xlc_error *err)
{
    char head[512];
    size_t n;

    s->guest.form = XLC_GV_POLICY;
    if (!strcmp(source, "@live")) {
        struct xlc_system_policies *sys;
        int rc = xlc_gv_host_facts_load(source, &sys, err);

        s->what = "live CPU";
        if (!rc)
            rc = from_system(sys, type, s, err);
        xlc_system_policies_free(sys);
        return rc;
    }
    if (!is_file(source)) {
        if (strchr(source, ':'))
            return from_featureset_text("featureset", source, s, err);
        return xlc_fail(err, ENOENT, "'%s': no such file, not @live, and "
                        "not a featureset (xxxxxxxx:xxxxxxxx:...)", source);
    }
    n = head_of(source, head, sizeof(head));
    if (xlc_level_is_stream(head, n))
        return from_stream(source, type, s, err);
    if (head[strspn(head, " \t\r\n")] == '{')
        return from_policy_file(source, type, s, err);
    if (xlc_level_is_libvirt_cpu(head)) {
        s->guest.form = XLC_GV_LIBVIRT;
        s->what = "libvirt <cpu>";
        if (!map)
            return xlc_fail(err, EINVAL, "%s: a libvirt <cpu> needs the "
                            "cpu_map", source);
        return xlc_lv_cpu_load(source, &s->cpu, err);
    }
    return from_plain_file(source, type, s, err);
}

int xlc_gv_source_load(const char *source, enum xlc_guest_type type,
                       const struct xlc_cpu_map *map,
                       struct xlc_gv_source **out, xlc_error *err)
{
    struct xlc_gv_source *s = calloc(1, sizeof(*s));
    int rc;

    *out = NULL;
    if (!s)
        return xlc_fail(err, ENOMEM, "out of memory");
    rc = load(source, type, map, s, err);
    if (rc) {
        xlc_gv_source_free(s);
        return rc;
    }
    s->guest.fs = s->fs;
    s->guest.nr_words = XFS_NR_WORDS;
    s->guest.entries = &s->entries;
    s->guest.map = map;
    s->guest.cpu = s->cpu;
    *out = s;
    return 0;
}

void xlc_gv_source_free(struct xlc_gv_source *s)
{
    if (!s)
        return;
    xlc_policy_entries_free(&s->entries);
    xlc_lv_cpu_free(s->cpu);
    free(s);
}
