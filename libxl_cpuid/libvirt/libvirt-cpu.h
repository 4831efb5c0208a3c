/* SPDX-License-Identifier: MIT */
/*
 * A libvirt guest CPU definition: the <cpu> element, alone or inside a
 * <domain> document, parsed without reference to any cpu_map (names are
 * checked when translating).  Every item keeps its line for messages.
 */
#ifndef LIBXL_CPUID_LIBVIRT_CPU_H
#define LIBXL_CPUID_LIBVIRT_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/error.h"

enum xlc_lv_mode {
    XLC_LV_MODE_CUSTOM,
    XLC_LV_MODE_HOST_MODEL,
    XLC_LV_MODE_HOST_PASSTHROUGH,
    XLC_LV_MODE_MAXIMUM,
};

enum xlc_lv_match {
    XLC_LV_MATCH_EXACT,     /* libvirt's default */
    XLC_LV_MATCH_MINIMUM,
    XLC_LV_MATCH_STRICT,
};

enum xlc_lv_check {
    XLC_LV_CHECK_DEFAULT,   /* attribute absent */
    XLC_LV_CHECK_NONE,
    XLC_LV_CHECK_PARTIAL,
    XLC_LV_CHECK_FULL,
};

enum xlc_lv_policy {
    XLC_LV_FORCE,
    XLC_LV_REQUIRE,         /* default when policy= is absent */
    XLC_LV_OPTIONAL,
    XLC_LV_DISABLE,
    XLC_LV_FORBID,
};

struct xlc_lv_cpu_feature {
    char *name;
    enum xlc_lv_policy policy;
    bool policy_given;       /* policy= was present */
    long line;
};

struct xlc_lv_topology {
    bool present;
    /* 0 when the attribute was absent. */
    uint32_t sockets, dies, clusters, cores, threads;
    long line;
};

struct xlc_lv_cpu {
    char *source;            /* document name */
    long line;               /* of <cpu> */
    enum xlc_lv_mode mode;
    enum xlc_lv_match match;
    bool match_given;
    enum xlc_lv_check check;
    int migratable;          /* -1 absent, 0 off, 1 on */
    char *model;             /* <model> text, or NULL */
    long model_line;
    int fallback;            /* -1 absent, 0 forbid, 1 allow */
    char *vendor_id;         /* <model vendor_id=>: 12 characters */
    char *vendor;            /* <vendor> text, or NULL */
    long vendor_line;
    struct xlc_lv_cpu_feature *features;
    size_t nr_features;
    struct xlc_lv_topology topology;
    char *arch;              /* <arch> text (a host <cpu>), or NULL */
    long arch_line;
    /*
     * Children we accept but that mean nothing for a featureset: <cache>,
     * <numa>, <maxphysaddr>, and the host details `virsh capabilities`
     * prints (<microcode>, <signature>, <counter>, <pages>).
     */
    char **ignored;          /* e.g. "<cache> (line 7)" */
    size_t nr_ignored;
};

/* Parse a document whose root is <cpu>, or <domain> with a <cpu> child. */
int xlc_lv_cpu_parse(const char *name, const char *text, size_t len,
                     struct xlc_lv_cpu **out, xlc_error *err);
int xlc_lv_cpu_load(const char *path, struct xlc_lv_cpu **out,
                    xlc_error *err);
/*
 * The same from an element of an already parsed document (<cpu>, or
 * <domain> with a <cpu> child): what one parse of a file of many <cpu>
 * elements hands over, one element at a time.  `source` names the cpu in
 * its messages (the node's document name is used for lines).
 */
struct _xmlNode;
int xlc_lv_cpu_from_node(const char *source, const struct _xmlNode *n,
                         struct xlc_lv_cpu **out, xlc_error *err);
/*
 * A child of a <cpu> that a streaming reader read without building its
 * node (libvirt-cpu-batch.c): a <feature> with only name= and policy= on
 * it (their values, or NULL when absent), a host detail or an ignored
 * child (below).  Its line, how many of the <cpu>'s element children in
 * the tree come before it, and the first thing found inside it: an
 * element (inner, at inner_line) or non-blank text.
 */
struct xlc_lv_child_read {
    const char *element;     /* "feature", a detail or an ignored name */
    const char *name, *policy;
    long line;
    size_t after;
    const char *inner;
    long inner_line;
    bool text;
};
/*
 * xlc_lv_cpu_from_node() on a <cpu> element whose tree lacks those
 * children: the cpu, checks and messages are those of the whole element
 * (the children read in their place among the others).
 */
int xlc_lv_cpu_from_node_read(const char *source, const struct _xmlNode *n,
                              const struct xlc_lv_child_read *read,
                              size_t nr_read, struct xlc_lv_cpu **out,
                              xlc_error *err);
/* Children of a host <cpu> that must be empty and mean nothing for a
 * featureset (<microcode>, <signature>, <counter>, <pages>), and those
 * accepted whatever they hold (<cache>, <numa>, <maxphysaddr>). */
bool xlc_lv_cpu_host_detail(const char *name);
bool xlc_lv_cpu_ignored(const char *name);

/*
 * Many <cpu> elements in one text: one after another (the input of `virsh
 * cpu-baseline`), or below other elements (a capabilities document),
 * never inside each other.  The text is parsed streaming, with the
 * limits of the tree reader (libvirt-xml.h: those of xlc_xml_parse_each);
 * each <cpu> is read as xlc_lv_cpu_parse() would and
 * handed to fn in document order, then freed.  Each cpu's source is
 * "NAME (<cpu> at line L)" and every line is a line of the text, counted
 * from first_line (1 for a whole file; more for a part of one).  The first
 * error (the reader's or fn's, fn fills err) stops the parse; a text
 * without any <cpu> is an error too.  *count (may be NULL): cpus handed.
 */
typedef int (*xlc_lv_cpu_each_fn)(void *ctx, const struct xlc_lv_cpu *cpu,
                                  xlc_error *err);
int xlc_lv_cpu_each(const char *name, const char *text, size_t len,
                    unsigned long first_line, xlc_lv_cpu_each_fn fn,
                    void *ctx, size_t *count, xlc_error *err);
/*
 * The same streaming from bytes [start, end) of an open file, read in
 * chunks: memory holds a chunk and the host being read, never the file.
 * Lines count from first_line at start; at offset 0 a byte order mark and
 * an XML declaration are skipped as above.  A NUL byte is refused with
 * its offset in the file.  The caller checks the file's size.  *end_line
 * (may be NULL): the line the range ends on, when it was read to its end.
 */
int xlc_lv_cpu_each_fd(const char *name, int fd, uint64_t start,
                       uint64_t end, unsigned long first_line,
                       xlc_lv_cpu_each_fn fn, void *ctx, size_t *count,
                       unsigned long *end_line, xlc_error *err);
void xlc_lv_cpu_free(struct xlc_lv_cpu *cpu);

const char *xlc_lv_mode_name(enum xlc_lv_mode m);
const char *xlc_lv_match_name(enum xlc_lv_match m);
const char *xlc_lv_check_name(enum xlc_lv_check c);
const char *xlc_lv_policy_name(enum xlc_lv_policy p);

#endif /* LIBXL_CPUID_LIBVIRT_CPU_H */
