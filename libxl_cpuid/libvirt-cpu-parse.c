/* SPDX-License-Identifier: MIT */
/*
 * Reading a libvirt <cpu> element (or the one inside a <domain>).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libvirt-cpu.h"
#include "libvirt-util.h"
#include "libvirt-xml.h"

/* Names in libvirt are short; anything longer is a mistake or an attack. */
#define NAME_MAX_LEN 128

static const char *const modes[] = { "custom", "host-model",
                                     "host-passthrough", "maximum", NULL };
static const char *const matches[] = { "exact", "minimum", "strict", NULL };
static const char *const checks[] = { "default", "none", "partial", "full",
                                      NULL };
static const char *const policies[] = { "force", "require", "optional",
                                        "disable", "forbid", NULL };

const char *xlc_lv_mode_name(enum xlc_lv_mode m) { return modes[m]; }
const char *xlc_lv_match_name(enum xlc_lv_match m) { return matches[m]; }
const char *xlc_lv_check_name(enum xlc_lv_check c) { return checks[c]; }
const char *xlc_lv_policy_name(enum xlc_lv_policy p) { return policies[p]; }

struct parse {
    struct xlc_lv_cpu *cpu;
    size_t cap_features, cap_ignored;
    bool have_topology;
};

static int oom(xlc_error *err, const xmlNode *n)
{
    return xlc_xml_fail(err, ENOMEM, n, "out of memory");
}

static int once(const xmlNode *n, bool seen, xlc_error *err)
{
    if (seen)
        return xlc_xml_fail(err, EINVAL, n, "<cpu> has a second <%s>",
                            (const char *)n->name);
    return 0;
}

static int check_vendor_id(const xmlNode *n, const char *id, xlc_error *err)
{
    bool printable = true;

    for (const char *p = id; *p; p++)
        printable = printable && isprint((unsigned char)*p);
    if (strlen(id) != 12 || !printable)
        return xlc_xml_fail(err, EINVAL, n,
                            "<model vendor_id='%s'>: must be 12 printable "
                            "characters",
                            id);
    return 0;
}

static int parse_model(struct parse *p, const xmlNode *n, xlc_error *err)
{
    static const char *const attrs[] = { "fallback", "vendor_id", NULL };
    static const char *const fallbacks[] = { "forbid", "allow", NULL };
    struct xlc_lv_cpu *cpu = p->cpu;
    const char *vid = xlc_xml_attr(n, "vendor_id");
    char name[NAME_MAX_LEN + 1];
    int rc = once(n, cpu->model_line != 0, err);

    if (!rc)
        rc = xlc_xml_only_attrs(n, attrs, err);
    if (!rc)
        rc = xlc_xml_enum(n, "fallback", fallbacks, -1, &cpu->fallback, err);
    if (!rc && vid)
        rc = check_vendor_id(n, vid, err);
    if (!rc)
        rc = xlc_xml_text(n, name, sizeof(name), err);
    if (rc)
        return rc;
    cpu->model_line = xlc_xml_line(n);
    if (vid && !(cpu->vendor_id = strdup(vid)))
        return oom(err, n);
    if (*name && !(cpu->model = strdup(name)))
        return oom(err, n);
    return 0;
}

static int parse_vendor(struct parse *p, const xmlNode *n, xlc_error *err)
{
    static const char *const none[] = { NULL };
    char name[NAME_MAX_LEN + 1];
    int rc = once(n, p->cpu->vendor_line != 0, err);

    if (!rc)
        rc = xlc_xml_only_attrs(n, none, err);
    if (!rc)
        rc = xlc_xml_text(n, name, sizeof(name), err);
    if (rc)
        return rc;
    if (!*name)
        return xlc_xml_fail(err, EINVAL, n, "<vendor> is empty");
    p->cpu->vendor_line = xlc_xml_line(n);
    p->cpu->vendor = strdup(name);
    return p->cpu->vendor ? 0 : oom(err, n);
}

static int parse_topology(struct parse *p, const xmlNode *n, xlc_error *err)
{
    static const char *const attrs[] = { "sockets", "dies",    "clusters",
                                         "cores",   "threads", NULL };
    struct xlc_lv_topology *t = &p->cpu->topology;
    uint32_t *vals[] = { &t->sockets, &t->dies, &t->clusters, &t->cores,
                         &t->threads };
    int rc = once(n, t->present, err);

    if (!rc)
        rc = xlc_xml_only_attrs(n, attrs, err);
    for (unsigned int i = 0; !rc && i < 5; i++) {
        rc = xlc_xml_u32(n, attrs[i], false, vals[i], NULL, err);
        if (!rc && xlc_xml_attr(n, attrs[i]) && !*vals[i])
            rc = xlc_xml_fail(err, EINVAL, n, "<topology %s='0'>: must be "
                              "at least 1", attrs[i]);
    }
    if (!rc)
        rc = xlc_xml_no_content(n, err);
    t->present = true;
    t->line = xlc_xml_line(n);
    return rc;
}

static int parse_feature(struct parse *p, const xmlNode *n, xlc_error *err)
{
    static const char *const attrs[] = { "policy", "name", NULL };
    struct xlc_lv_cpu *cpu = p->cpu;
    const char *name = xlc_xml_attr(n, "name");
    struct xlc_lv_cpu_feature *f;
    int policy, rc = xlc_xml_only_attrs(n, attrs, err);

    if (!rc)
        rc = xlc_xml_enum(n, "policy", policies, XLC_LV_REQUIRE, &policy, err);
    if (!rc)
        rc = xlc_xml_no_content(n, err);
    if (rc)
        return rc;
    if (!name || !*name)
        return xlc_xml_fail(err, EINVAL, n, "<feature> without a name");
    if (strlen(name) > NAME_MAX_LEN)
        return xlc_xml_fail(err, EINVAL, n, "<feature name=...>: longer "
                            "than %d characters", NAME_MAX_LEN);
    for (size_t i = 0; i < cpu->nr_features; i++)
        if (!strcmp(cpu->features[i].name, name))
            return xlc_xml_fail(err, EINVAL, n,
                                "feature '%s' listed twice (first at line "
                                "%ld)",
                                name, cpu->features[i].line);
    if (xlc_grow(&cpu->features, &p->cap_features, cpu->nr_features,
                 sizeof(*f)))
        return oom(err, n);
    f = &cpu->features[cpu->nr_features];
    f->name = strdup(name);
    f->policy = (enum xlc_lv_policy)policy;
    f->line = xlc_xml_line(n);
    if (!f->name)
        return oom(err, n);
    cpu->nr_features++;
    return 0;
}

/* Accepted libvirt children that say nothing about CPU features. */
static int note_ignored(struct parse *p, const xmlNode *n, xlc_error *err)
{
    struct xlc_lv_cpu *cpu = p->cpu;
    char *s;

    if (xlc_grow(&cpu->ignored, &p->cap_ignored, cpu->nr_ignored,
                 sizeof(char *)) ||
        asprintf(&s, "<%s> (line %ld)", (const char *)n->name,
                 xlc_xml_line(n)) < 0)
        return oom(err, n);
    cpu->ignored[cpu->nr_ignored++] = s;
    return 0;
}

static int parse_child(struct parse *p, const xmlNode *c, xlc_error *err)
{
    if (xlc_xml_is(c, "model"))
        return parse_model(p, c, err);
    if (xlc_xml_is(c, "vendor"))
        return parse_vendor(p, c, err);
    if (xlc_xml_is(c, "topology"))
        return parse_topology(p, c, err);
    if (xlc_xml_is(c, "feature"))
        return parse_feature(p, c, err);
    if (xlc_xml_is(c, "cache") || xlc_xml_is(c, "numa") ||
        xlc_xml_is(c, "maxphysaddr"))
        return note_ignored(p, c, err);
    return xlc_xml_fail(err, EINVAL, c, "<cpu>: unknown element <%s>",
                        (const char *)c->name);
}

static int parse_cpu_attrs(struct xlc_lv_cpu *cpu, const xmlNode *n,
                           xlc_error *err)
{
    static const char *const attrs[] = { "mode", "match", "check",
                                         "migratable", NULL };
    static const char *const onoff[] = { "off", "on", NULL };
    int mode, match, check, rc = xlc_xml_only_attrs(n, attrs, err);

    if (!rc)
        rc = xlc_xml_enum(n, "mode", modes, XLC_LV_MODE_CUSTOM, &mode, err);
    if (!rc)
        rc = xlc_xml_enum(n, "match", matches, XLC_LV_MATCH_EXACT, &match,
                          err);
    if (!rc)
        rc = xlc_xml_enum(n, "check", checks + 1, -1, &check, err);
    if (!rc)
        rc = xlc_xml_enum(n, "migratable", onoff, -1, &cpu->migratable, err);
    if (rc)
        return rc;
    cpu->mode = (enum xlc_lv_mode)mode;
    cpu->match = (enum xlc_lv_match)match;
    cpu->match_given = xlc_xml_attr(n, "match") != NULL;
    cpu->check = (enum xlc_lv_check)(check + 1);
    return 0;
}

/* Mode-specific sanity, as libvirt itself insists. */
static int check_combination(const struct xlc_lv_cpu *cpu, const xmlNode *n,
                             xlc_error *err)
{
    if (cpu->mode == XLC_LV_MODE_CUSTOM && !cpu->model && cpu->nr_features)
        return xlc_xml_fail(err, EINVAL, n,
                            "<cpu mode='custom'> lists features but names "
                            "no <model>");
    if (cpu->mode == XLC_LV_MODE_CUSTOM && cpu->model_line && !cpu->model)
        return xlc_xml_fail(err, EINVAL, n,
                            "<cpu mode='custom'>: <model> is empty");
    if (cpu->migratable >= 0 && cpu->mode != XLC_LV_MODE_HOST_PASSTHROUGH &&
        cpu->mode != XLC_LV_MODE_MAXIMUM)
        return xlc_xml_fail(err, EINVAL, n,
                            "migratable= is only meaningful with "
                            "host-passthrough or maximum");
    return 0;
}

static int parse_cpu(struct xlc_lv_cpu *cpu, const xmlNode *n,
                     xlc_error *err)
{
    struct parse p = { .cpu = cpu };
    int rc = parse_cpu_attrs(cpu, n, err);

    cpu->line = xlc_xml_line(n);
    for (const xmlNode *c = xlc_xml_first(n); !rc && c; c = xlc_xml_next(c))
        rc = parse_child(&p, c, err);
    if (!rc)
        rc = check_combination(cpu, n, err);
    return rc;
}

static int find_cpu(const xmlNode *root, const xmlNode **out, xlc_error *err)
{
    const xmlNode *cpu = NULL;

    if (xlc_xml_is(root, "cpu")) {
        *out = root;
        return 0;
    }
    if (!xlc_xml_is(root, "domain"))
        return xlc_xml_fail(err, EINVAL, root,
                            "root element is <%s>: expected <cpu> or "
                            "<domain>",
                            (const char *)root->name);
    for (const xmlNode *c = xlc_xml_first(root); c; c = xlc_xml_next(c)) {
        if (!xlc_xml_is(c, "cpu"))
            continue;
        if (cpu)
            return xlc_xml_fail(err, EINVAL, c, "<domain> has a second <cpu>");
        cpu = c;
    }
    if (!cpu)
        return xlc_xml_fail(err, EINVAL, root, "<domain> has no <cpu>");
    *out = cpu;
    return 0;
}

static int from_doc(const char *name, xmlDocPtr doc, struct xlc_lv_cpu **out,
                    xlc_error *err)
{
    struct xlc_lv_cpu *cpu = calloc(1, sizeof(*cpu));
    const xmlNode *n = NULL;
    int rc;

    if (!cpu || !(cpu->source = strdup(name))) {
        free(cpu);
        return xlc_fail(err, ENOMEM, "%s: out of memory", name);
    }
    cpu->fallback = cpu->migratable = -1;
    rc = find_cpu(xmlDocGetRootElement(doc), &n, err);
    if (!rc)
        rc = parse_cpu(cpu, n, err);
    if (rc) {
        xlc_lv_cpu_free(cpu);
        return rc;
    }
    *out = cpu;
    return 0;
}

int xlc_lv_cpu_parse(const char *name, const char *text, size_t len,
                     struct xlc_lv_cpu **out, xlc_error *err)
{
    xmlDocPtr doc;
    int rc;

    *out = NULL;
    rc = xlc_xml_parse(name, text, len, &doc, err);
    if (rc)
        return rc;
    rc = from_doc(name, doc, out, err);
    xlc_xml_free(doc);
    return rc;
}

int xlc_lv_cpu_load(const char *path, struct xlc_lv_cpu **out,
                    xlc_error *err)
{
    xmlDocPtr doc;
    int rc;

    *out = NULL;
    rc = xlc_xml_load(path, &doc, err);
    if (rc)
        return rc;
    rc = from_doc(path, doc, out, err);
    xlc_xml_free(doc);
    return rc;
}

void xlc_lv_cpu_free(struct xlc_lv_cpu *cpu)
{
    if (!cpu)
        return;
    for (size_t i = 0; i < cpu->nr_features; i++)
        free(cpu->features[i].name);
    for (size_t i = 0; i < cpu->nr_ignored; i++)
        free(cpu->ignored[i]);
    free(cpu->features);
    free(cpu->ignored);
    free(cpu->model);
    free(cpu->vendor_id);
    free(cpu->vendor);
    free(cpu->source);
    free(cpu);
}
