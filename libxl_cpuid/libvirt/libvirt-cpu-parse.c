/* SPDX-License-Identifier: MIT */
/*
 * Reading a libvirt <cpu> element (or the one inside a <domain>).
 */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libvirt-cpu.h"
#include "libvirt-cpu-batch.h"
#include "../util/digits.h"
#include "../util/strbuf.h"
#include "libvirt-xml.h"

/* A feature's index in the duplicate set fits its 32 bits. */
_Static_assert(XLC_XML_MAX_ELEMENTS < UINT32_MAX, "features fit uint32_t");

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

/*
 * What a cpu carries beyond its public fields: its strings (source,
 * model, vendor, arch, the features' names) live in its own room and then
 * in a few blocks, not in a malloc each (a host lists a hundred features
 * or more, and a file of hosts reads thousands of cpus).  Every
 * xlc_lv_cpu is the first member of one of these.
 */
struct xlc_lv_name_block;
struct cpu_priv {
    struct xlc_lv_cpu cpu;
    struct xlc_lv_name_block *name_blocks;
    size_t *hashes;          /* xlc_str_hash() of each feature's name */
    size_t first_used;
    char first[1024];        /* a host's strings, most of the time */
};

static struct cpu_priv *priv_of(struct xlc_lv_cpu *cpu)
{
    return (struct cpu_priv *)(void *)cpu;
}

struct xlc_lv_name_block {
    struct xlc_lv_name_block *next;
    size_t used, cap;
    char s[];
};

#define NAME_BLOCK 2048

/* Room for n bytes in the cpu's own room, else in its blocks (a string
 * longer than a block gets one of its own), or NULL. */
static char *name_room(struct xlc_lv_cpu *cpu, size_t n)
{
    struct cpu_priv *pc = priv_of(cpu);
    struct xlc_lv_name_block *b = pc->name_blocks;
    char *d;

    if (sizeof(pc->first) - pc->first_used >= n) {
        d = pc->first + pc->first_used;    /* the usual case */
        pc->first_used += n;
        return d;
    }
    if (!b || b->cap - b->used < n) {
        size_t cap = n > NAME_BLOCK ? n : NAME_BLOCK;

        b = malloc(sizeof(*b) + cap);
        if (!b)
            return NULL;
        b->next = pc->name_blocks;
        b->used = 0;
        b->cap = cap;
        pc->name_blocks = b;
    }
    d = b->s + b->used;
    b->used += n;
    return d;
}

/* A copy of name (at most NAME_MAX_LEN bytes) in the cpu's blocks. */
static char *keep_name(struct xlc_lv_cpu *cpu, const char *name, size_t len)
{
    char *d = name_room(cpu, len + 1);

    if (d)
        memcpy(d, name, len + 1);
    return d;
}

struct parse {
    struct xlc_lv_cpu *cpu;
    size_t cap_features, cap_ignored, cap_hashes;
    bool have_topology;
    /*
     * Feature names seen, for the duplicate check: open addressing over
     * cpu->features (index + 1, 0 = free), at most half full.  A host
     * lists a hundred features or more; comparing each with all before
     * it was a fifth of the time spent reading a file of hosts.
     */
    uint32_t *seen;          /* (elements are far fewer than 2^32) */
    size_t seen_cap;         /* a power of two */
    size_t hint;             /* features expected (children read), or 0 */
    uint32_t seen_here[64];  /* the first set, when it fits: no malloc */
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
    if (vid && !(cpu->vendor_id = keep_name(cpu, vid, strlen(vid))))
        return oom(err, n);
    if (*name && !(cpu->model = keep_name(cpu, name, strlen(name))))
        return oom(err, n);
    return 0;
}

/*
 * A child that appears at most once, has no attributes and holds a
 * non-empty name (<vendor>, <arch>): its text into *out, its line into
 * *line.
 */
static int parse_name_once(struct xlc_lv_cpu *cpu, const xmlNode *n,
                           const char *tag, long *line, char **out,
                           xlc_error *err)
{
    static const char *const none[] = { NULL };
    char name[NAME_MAX_LEN + 1];
    int rc = once(n, *line != 0, err);

    if (!rc)
        rc = xlc_xml_only_attrs(n, none, err);
    if (!rc)
        rc = xlc_xml_text(n, name, sizeof(name), err);
    if (rc)
        return rc;
    if (!*name)
        return xlc_xml_fail(err, EINVAL, n, "<%s> is empty", tag);
    *line = xlc_xml_line(n);
    *out = keep_name(cpu, name, strlen(name));
    return *out ? 0 : oom(err, n);
}

static int parse_vendor(struct parse *p, const xmlNode *n, xlc_error *err)
{
    return parse_name_once(p->cpu, n, "vendor", &p->cpu->vendor_line,
                           &p->cpu->vendor, err);
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

/* The slot of `name` (of hash h) in the seen set: where it is, or where
 * it would go. */
static uint32_t *seen_slot(const struct parse *p, const char *name,
                           size_t h)
{
    const size_t *hashes = priv_of(p->cpu)->hashes;
    size_t mask = p->seen_cap - 1, i = h & mask;

    /* The hashes first: most slots probed hold another name. */
    while (p->seen[i] && (hashes[p->seen[i] - 1] != h ||
                          strcmp(p->cpu->features[p->seen[i] - 1].name, name)))
        i = (i + 1) & mask;
    return &p->seen[i];
}

/* Keep the set at most half full: room for one more name. 0 or -1. */
static int seen_reserve(struct parse *p)
{
    uint32_t *old = p->seen;
    size_t old_cap = p->seen_cap;

    if (2 * (p->cpu->nr_features + 1) <= p->seen_cap)
        return 0;
    for (p->seen_cap = old_cap ? 2 * old_cap : 16;
         p->seen_cap < 2 * (p->hint + 1); p->seen_cap *= 2)
        ;
    if (!old && p->seen_cap <= sizeof(p->seen_here) / sizeof(*p->seen)) {
        p->seen = p->seen_here;
        memset(p->seen, 0, p->seen_cap * sizeof(*p->seen));
    } else
        p->seen = calloc(p->seen_cap, sizeof(*p->seen));
    if (!p->seen) {
        p->seen = old;
        p->seen_cap = old_cap;
        return -1;
    }
    for (size_t i = 0; i < old_cap; i++)
        if (old[i])
            *seen_slot(p, p->cpu->features[old[i] - 1].name,
                       priv_of(p->cpu)->hashes[old[i] - 1]) = old[i];
    if (old != p->seen_here)
        free(old);
    return 0;
}


/*
 * <feature>'s attributes in one pass (most of a host's elements are
 * features): refused as xlc_xml_only_attrs() would, in attribute order;
 * values as xlc_xml_attr() reads them.
 */
static int feature_attrs(const xmlNode *n, const char **name,
                         const char **policy, xlc_error *err)
{
    *name = *policy = NULL;
    for (const xmlAttr *a = n->properties; a; a = a->next) {
        const char *an = (const char *)a->name;

        if (a->ns)
            return xlc_xml_fail(err, EINVAL, n, "<%s>: namespaced attribute "
                                "%s not accepted", (const char *)n->name, an);
        if (!strcmp(an, "name"))
            *name = xlc_xml_attr_value(a);
        else if (!strcmp(an, "policy"))
            *policy = xlc_xml_attr_value(a);
        else
            return xlc_xml_fail(err, EINVAL, n, "<%s>: unknown attribute %s",
                                (const char *)n->name, an);
    }
    return 0;
}

/* policy= of a <feature> (NULL: absent), as xlc_xml_enum() reads one. */
static int bad_policy(const char *src, long line, const char *pol,
                      xlc_error *err)
{
    char allowed[256] = "";

    for (int i = 0; policies[i]; i++)
        snprintf(allowed + strlen(allowed), sizeof(allowed) - strlen(allowed),
                 "%s%s", i ? ", " : "", policies[i]);
    return xlc_fail(err, EINVAL, "%s:%ld: <feature>: policy='%s' is not one "
                    "of: %s", src, line, pol, allowed);
}

static int feature_policy(const char *src, long line, const char *pol,
                          int *policy, xlc_error *err)
{
    *policy = XLC_LV_REQUIRE;
    if (!pol)
        return 0;
    for (int i = 0; policies[i]; i++) {
        if (!strcmp(pol, policies[i])) {
            *policy = i;
            return 0;
        }
    }
    return bad_policy(src, line, pol, err);
}

/* A checked <feature>'s name and policy, into the cpu's list. */
static int add_feature(struct parse *p, const char *src, long line,
                       const char *name, bool policy_given, int policy,
                       xlc_error *err)
{
    struct xlc_lv_cpu *cpu = p->cpu;
    struct xlc_lv_cpu_feature *f;
    uint32_t *slot;
    size_t len, h;

    if (!name || !*name)
        return xlc_fail(err, EINVAL, "%s:%ld: <feature> without a name", src,
                        line);
    h = xlc_str_hash_len(name, NAME_MAX_LEN, &len);
    if (len > NAME_MAX_LEN)
        return xlc_fail(err, EINVAL, "%s:%ld: <feature name=...>: longer "
                        "than %d characters", src, line, NAME_MAX_LEN);
    if (seen_reserve(p) ||
        (cpu->nr_features == p->cap_hashes &&
         xlc_grow(&priv_of(cpu)->hashes, &p->cap_hashes, cpu->nr_features,
                  sizeof(h))))
        return xlc_fail(err, ENOMEM, "%s:%ld: out of memory", src, line);
    slot = seen_slot(p, name, h);
    if (*slot)
        return xlc_fail(err, EINVAL, "%s:%ld: feature '%s' listed twice "
                        "(first at line %ld)", src, line, name,
                        cpu->features[*slot - 1].line);
    if (cpu->nr_features == p->cap_features &&
        xlc_grow(&cpu->features, &p->cap_features, cpu->nr_features,
                 sizeof(*f)))
        return xlc_fail(err, ENOMEM, "%s:%ld: out of memory", src, line);
    f = &cpu->features[cpu->nr_features];
    f->name = keep_name(cpu, name, len);
    f->policy = (enum xlc_lv_policy)policy;
    f->policy_given = policy_given;
    f->line = line;
    if (!f->name)
        return xlc_fail(err, ENOMEM, "%s:%ld: out of memory", src, line);
    priv_of(cpu)->hashes[cpu->nr_features] = h;
    *slot = (uint32_t)++cpu->nr_features;
    return 0;
}

static int parse_feature(struct parse *p, const xmlNode *n, xlc_error *err)
{
    const char *name, *pol, *src = xlc_xml_name(n);
    long line = xlc_xml_line(n);
    int policy, rc = feature_attrs(n, &name, &pol, err);

    if (!rc)
        rc = feature_policy(src, line, pol, &policy, err);
    if (!rc && n->children)
        rc = xlc_xml_no_content(n, err);
    if (!rc)
        rc = add_feature(p, src, line, name, pol != NULL, policy, err);
    return rc;
}

/* Accepted libvirt children that say nothing about CPU features (their
 * notes, short, in the cpu's blocks as the features' names). */
static int note_ignored(struct parse *p, const char *src, const char *name,
                        long line, xlc_error *err)
{
    struct xlc_lv_cpu *cpu = p->cpu;
    size_t len = strlen(name);
    char *s;

    /* "<NAME> (line N)", put together by hand: a host has several.  (A
     * line is never below 1; 0 stands for one that is.) */
    if (xlc_grow(&cpu->ignored, &p->cap_ignored, cpu->nr_ignored,
                 sizeof(char *)) ||
        !(s = name_room(cpu, len + 20 + sizeof("<> (line )"))))
        return xlc_fail(err, ENOMEM, "%s:%ld: out of memory", src, line);
    cpu->ignored[cpu->nr_ignored++] = s;
    *s++ = '<';
    memcpy(s, name, len);
    s += len;
    memcpy(s, "> (line ", 8);
    s = xlc_put_dec(s + 8, line > 0 ? (uint64_t)line : 0);
    *s++ = ')';
    *s = '\0';
    return 0;
}

/* <arch>: a host <cpu> says which architecture it is; kept, checked by
 * whoever needs x86. */
static int parse_arch(struct parse *p, const xmlNode *n, xlc_error *err)
{
    return parse_name_once(p->cpu, n, "arch", &p->cpu->arch_line,
                           &p->cpu->arch, err);
}

/*
 * Host details `virsh capabilities` prints in its <cpu>: the microcode
 * revision, the family/model/stepping signature, the TSC counter, the
 * page sizes.  None names a feature; all are empty elements.
 */
bool xlc_lv_cpu_host_detail(const char *name)
{
    return !strcmp(name, "microcode") || !strcmp(name, "signature") ||
           !strcmp(name, "counter") || !strcmp(name, "pages");
}

/* Children accepted whatever they hold, and not read further. */
bool xlc_lv_cpu_ignored(const char *name)
{
    return !strcmp(name, "cache") || !strcmp(name, "numa") ||
           !strcmp(name, "maxphysaddr");
}

static int parse_child(struct parse *p, const xmlNode *c, xlc_error *err)
{
    const char *name = (const char *)c->name;

    /* Most children are features: ask that first. */
    if (xlc_xml_is(c, "feature"))
        return parse_feature(p, c, err);
    if (xlc_xml_is(c, "model"))
        return parse_model(p, c, err);
    if (xlc_xml_is(c, "vendor"))
        return parse_vendor(p, c, err);
    if (xlc_xml_is(c, "topology"))
        return parse_topology(p, c, err);
    if (xlc_xml_is(c, "arch"))
        return parse_arch(p, c, err);
    if (xlc_xml_is(c, NULL) && xlc_lv_cpu_ignored(name))
        return note_ignored(p, xlc_xml_name(c), name, xlc_xml_line(c), err);
    if (xlc_xml_is(c, NULL) && xlc_lv_cpu_host_detail(name)) {
        int rc = xlc_xml_no_content(c, err);

        return rc ? rc : note_ignored(p, xlc_xml_name(c), name,
                                      xlc_xml_line(c), err);
    }
    return xlc_xml_fail(err, EINVAL, c, "<cpu>: unknown element <%s>",
                        name);
}

/*
 * The same for a child read without a tree: a <feature> with only name=
 * and policy=, a host detail or an ignored child.  What was inside it is
 * said as xlc_xml_no_content() says it.
 */
static int read_child(struct parse *p, const char *src,
                      const struct xlc_lv_child_read *r, xlc_error *err)
{
    const char *e = r->element;
    /* strcmp(e, "feature"), spelt out: it is asked of every child read. */
    bool feature = e[0] == 'f' && e[1] == 'e' && e[2] == 'a' && e[3] == 't' &&
                   e[4] == 'u' && e[5] == 'r' && e[6] == 'e' && !e[7];
    bool empty = (r->inner || r->text) &&
                 (feature || !xlc_lv_cpu_ignored(r->element));
    int policy = 0, rc = 0;

    if (feature && r->policy)
        rc = feature_policy(src, r->line, r->policy, &policy, err);
    else if (feature)
        policy = XLC_LV_REQUIRE;
    if (!rc && empty && r->inner)
        rc = xlc_fail(err, EINVAL, "%s:%ld: <%s> is not expected in <%s>",
                      src, r->inner_line, r->inner, r->element);
    else if (!rc && empty && r->text)
        rc = xlc_fail(err, EINVAL, "%s:%ld: <%s> must be empty", src,
                      r->line, r->element);
    if (rc)
        return rc;
    if (feature)
        return add_feature(p, src, r->line, r->name, r->policy != NULL,
                           policy, err);
    return note_ignored(p, src, r->element, r->line, err);
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

/*
 * The <cpu>'s children in document order: the tree's, with the features
 * read without a tree slotted in where they came (read[i].after of the
 * tree's children before each).
 */
static int parse_cpu(struct xlc_lv_cpu *cpu, const xmlNode *n,
                     const struct xlc_lv_child_read *read, size_t nr_read,
                     xlc_error *err)
{
    struct parse p = { .cpu = cpu, .hint = nr_read };
    int rc = parse_cpu_attrs(cpu, n, err);
    const char *src = xlc_xml_name(n);
    size_t k = 0, r = 0;

    cpu->line = xlc_xml_line(n);
    /* Room for every child read being a feature: one allocation. */
    if (!rc && nr_read &&
        !(cpu->features = malloc(nr_read * sizeof(*cpu->features))))
        rc = xlc_fail(err, ENOMEM, "%s: out of memory", src);
    p.cap_features = cpu->features ? nr_read : 0;
    if (!rc && nr_read &&
        !(priv_of(cpu)->hashes = malloc(nr_read * sizeof(size_t))))
        rc = xlc_fail(err, ENOMEM, "%s: out of memory", src);
    p.cap_hashes = priv_of(cpu)->hashes ? nr_read : 0;
    for (const xmlNode *c = xlc_xml_first(n); !rc && c;
         c = xlc_xml_next(c), k++) {
        while (!rc && r < nr_read && read[r].after <= k)
            rc = read_child(&p, src, &read[r++], err);
        if (!rc)
            rc = parse_child(&p, c, err);
    }
    while (!rc && r < nr_read)
        rc = read_child(&p, src, &read[r++], err);
    if (!rc)
        rc = check_combination(cpu, n, err);
    if (p.seen != p.seen_here)
        free(p.seen);
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

static int from_node(const char *name, const xmlNode *root,
                     const struct xlc_lv_child_read *read, size_t nr_read,
                     struct xlc_lv_cpu **out, xlc_error *err)
{
    /* Zeroed but for its own room, which is only read as it is filled
     * (a kilobyte cleared per host otherwise). */
    struct cpu_priv *pc = malloc(sizeof(*pc));
    struct xlc_lv_cpu *cpu = pc ? &pc->cpu : NULL;
    const xmlNode *n = NULL;
    int rc;

    if (pc)
        memset(pc, 0, offsetof(struct cpu_priv, first));
    if (!cpu || !(cpu->source = keep_name(cpu, name, strlen(name)))) {
        xlc_lv_cpu_free(cpu);
        return xlc_fail(err, ENOMEM, "%s: out of memory", name);
    }
    cpu->fallback = cpu->migratable = -1;
    *out = NULL;
    rc = find_cpu(root, &n, err);
    if (!rc)
        rc = parse_cpu(cpu, n, read, nr_read, err);
    if (rc) {
        xlc_lv_cpu_free(cpu);
        return rc;
    }
    *out = cpu;
    return 0;
}

int xlc_lv_cpu_from_node(const char *name, const xmlNode *root,
                         struct xlc_lv_cpu **out, xlc_error *err)
{
    return from_node(name, root, NULL, 0, out, err);
}

int xlc_lv_cpu_from_node_read(const char *name, const xmlNode *cpu_node,
                              const struct xlc_lv_child_read *read,
                              size_t nr_read, struct xlc_lv_cpu **out,
                              xlc_error *err)
{
    if (!xlc_xml_is(cpu_node, "cpu"))
        return xlc_xml_fail(err, EINVAL, cpu_node, "expected <cpu>");
    return from_node(name, cpu_node, read, nr_read, out, err);
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
    rc = xlc_lv_cpu_from_node(name, xmlDocGetRootElement(doc), out, err);
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
    rc = xlc_lv_cpu_from_node(path, xmlDocGetRootElement(doc), out, err);
    xlc_xml_free(doc);
    return rc;
}

size_t xlc_lv_cpu_name_hash(const struct xlc_lv_cpu *cpu, size_t i)
{
    return priv_of((struct xlc_lv_cpu *)(uintptr_t)cpu)->hashes[i];
}

void xlc_lv_cpu_free(struct xlc_lv_cpu *cpu)
{
    if (!cpu)
        return;
    while (priv_of(cpu)->name_blocks) {
        struct xlc_lv_name_block *next = priv_of(cpu)->name_blocks->next;

        free(priv_of(cpu)->name_blocks);
        priv_of(cpu)->name_blocks = next;
    }
    free(priv_of(cpu)->hashes);
    free(cpu->features);
    free(cpu->ignored);
    /* The strings are in the blocks and the cpu's own room. */
    free(priv_of(cpu));
}
