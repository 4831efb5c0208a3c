/* SPDX-License-Identifier: MIT */
/*
 * Guests named the way `level ... guest:SOURCE` names them (the rules are
 * in guest-source.h), and the system policies of a source that has them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../policy/applied-policy.h"
#include "../names/featureset-text.h"
#include "guest-source.h"
#include "../level/level-input.h"
#include "../policy/policy-json.h"
#include "../sources/handle.h"

/* A saved guest must be of the type judged (0: the file does not say). */
static int same_type(const char *path, uint32_t saved,
                     enum xlc_guest_type type, xlc_error *err)
{
    if (!saved || saved == xlc_guest_type_stream_domain(type))
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
    rc = xlc_policy_entries_copy(&s->entries, &a->entries, err);
    xlc_applied_policy_free(a);
    return rc;
}

int xlc_gv_host_facts_load(const char *source,
                           struct xlc_system_policies **sys, xlc_error *err)
{
    struct xlc_sim_opts o = { NULL, false, NULL };

    *sys = NULL;
    switch (xlc_input_kind(source)) {
    case XLC_INPUT_LIVE:
        /* The running Xen when there is one, else the simulated one. */
    {
        xlc_handle *h;
        int rc = xlc_open(NULL, &h, err);

        if (!rc)
            rc = xlc_handle_system_policies(h, sys, err);
        xlc_close(h);
        return rc;
    }
    case XLC_INPUT_DUMP:
    case XLC_INPUT_FEATURESET_FILE:
        break;
    default:
        return 0;   /* no CPUID facts */
    }
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
    char *text;
    int rc = xlc_system_policies_load(&o, &sys, &dump_err);

    if (!rc) {
        s->what = "CPUID dump";
        rc = from_system(sys, type, s, err);
        xlc_system_policies_free(sys);
        return rc;
    }
    if (rc == -ENOMEM)
        return xlc_fail(err, ENOMEM, "out of memory");
    rc = xlc_input_text(path, &text, NULL);
    if (rc == -ENOMEM)
        return xlc_fail(err, ENOMEM, "out of memory");
    if (!rc) {
        rc = from_featureset_text(path, text, s, err);
        free(text);
    } else {
        rc = -EINVAL;    /* unreadable or too long for a featureset */
    }
    if (rc == -EINVAL)
        rc = xlc_fail(err, EINVAL, "%s: neither a CPUID dump (%s) nor a "
                      "featureset", path, dump_err.msg);
    return rc;
}

static int load(const char *source, enum xlc_guest_type type,
                const struct xlc_cpu_map *map, struct xlc_gv_source *s,
                xlc_error *err)
{
    struct xlc_system_policies *sys;
    int rc;

    s->guest.form = XLC_GV_POLICY;
    switch (xlc_input_kind(source)) {
    case XLC_INPUT_LIVE:
        rc = xlc_gv_host_facts_load(source, &sys, err);
        s->what = "live CPU";
        if (!rc)
            rc = from_system(sys, type, s, err);
        xlc_system_policies_free(sys);
        return rc;
    case XLC_INPUT_FEATURESET:
        return from_featureset_text("featureset", source, s, err);
    case XLC_INPUT_NONE:
        return xlc_input_none(source, err);
    case XLC_INPUT_STREAM:
        return from_stream(source, type, s, err);
    case XLC_INPUT_POLICY_FILE:
        return from_policy_file(source, type, s, err);
    case XLC_INPUT_LIBVIRT_CPU:
        s->guest.form = XLC_GV_LIBVIRT;
        s->what = "libvirt <cpu>";
        if (!map)
            return xlc_fail(err, EINVAL, "%s: a libvirt <cpu> needs the "
                            "cpu_map", source);
        return xlc_lv_cpu_load(source, &s->cpu, err);
    case XLC_INPUT_DUMP:
    case XLC_INPUT_FEATURESET_FILE:
        break;
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
