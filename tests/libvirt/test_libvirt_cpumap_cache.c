/* SPDX-License-Identifier: MIT */
/*
 * The cpu_map cache: a map read back from its image is the map read from
 * the XML, field by field; an image is used only while every file it was
 * made from is the same file; a changed map is read again (and its change
 * seen); a damaged, foreign, shared-writable or other directory's image
 * is never used, whatever bytes it holds.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "libxl_cpuid/cpumap/libvirt-cpumap.h"

#define W XFS_NR_WORDS
#define MAP_DIR XLC_CPU_MAP_DEFAULT_DIR

static char tmp[64];

static int setup(void **state)
{
    (void)state;
    snprintf(tmp, sizeof(tmp), "/tmp/test_cpumap_cache_XXXXXX");
    if (!mkdtemp(tmp))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    char cmd[128];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
    return system(cmd) ? -1 : 0;
}

static struct xlc_cpu_map *load(const char *dir, const char *cache,
                                enum xlc_cpu_map_cache_use want)
{
    struct xlc_cpu_map_cache_info how;
    struct xlc_cpu_map *m = NULL;
    xlc_error err = { 0 };

    if (xlc_cpu_map_load_cached(dir, cache, &m, &how, &err))
        fail_msg("%s: %s", dir ? dir : "default", err.msg);
    if (how.use != want)
        fail_msg("cache %s: use %d, expected %d (%s)", how.path, how.use,
                 want, how.why);
    return m;
}

static void same_strs(char *const *a, char *const *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        assert_string_equal(a[i], b[i]);
}

static void same_feature(const struct xlc_lv_feature *a,
                         const struct xlc_lv_feature *b)
{
    assert_string_equal(a->name, b->name);
    assert_int_equal(a->nr_aliases, b->nr_aliases);
    same_strs(a->aliases, b->aliases, a->nr_aliases);
    assert_int_equal(a->nr_coords, b->nr_coords);
    assert_memory_equal(a->coords, b->coords,
                        a->nr_coords * sizeof(*a->coords));
    assert_int_equal(a->migratable, b->migratable);
    assert_int_equal(a->expressible, b->expressible);
    assert_true(!a->why == !b->why);
    if (a->why)
        assert_string_equal(a->why, b->why);
    assert_memory_equal(a->xen, b->xen, sizeof(a->xen));
    assert_string_equal(a->file, b->file);
    assert_int_equal(a->line, b->line);
}

static void same_opt(const char *a, const char *b)
{
    assert_true(!a == !b);
    if (a)
        assert_string_equal(a, b);
}

static void same_model(const struct xlc_lv_model *a,
                       const struct xlc_lv_model *b)
{
    assert_string_equal(a->name, b->name);
    same_opt(a->vendor, b->vendor);
    same_opt(a->parent, b->parent);
    assert_int_equal(a->decode_host, b->decode_host);
    assert_int_equal(a->decode_guest, b->decode_guest);
    assert_int_equal(a->nr_sigs, b->nr_sigs);
    for (size_t i = 0; i < a->nr_sigs; i++) {
        assert_int_equal(a->sigs[i].family, b->sigs[i].family);
        assert_int_equal(a->sigs[i].model, b->sigs[i].model);
        assert_int_equal(a->sigs[i].any_stepping, b->sigs[i].any_stepping);
        assert_int_equal(a->sigs[i].steppings, b->sigs[i].steppings);
    }
    assert_int_equal(a->nr_own, b->nr_own);
    assert_memory_equal(a->own, b->own, a->nr_own * sizeof(size_t));
    assert_int_equal(a->nr_removed, b->nr_removed);
    assert_memory_equal(a->removed, b->removed,
                        a->nr_removed * sizeof(size_t));
    assert_int_equal(a->nr_features, b->nr_features);
    assert_memory_equal(a->features, b->features,
                        a->nr_features * sizeof(size_t));
    assert_memory_equal(a->xen, b->xen, sizeof(a->xen));
    assert_string_equal(a->file, b->file);
    assert_int_equal(a->line, b->line);
}

static void same_map(const struct xlc_cpu_map *a, const struct xlc_cpu_map *b)
{
    assert_string_equal(xlc_cpu_map_dir(a), xlc_cpu_map_dir(b));
    assert_int_equal(xlc_cpu_map_nr_vendors(a), xlc_cpu_map_nr_vendors(b));
    for (size_t i = 0; i < xlc_cpu_map_nr_vendors(a); i++) {
        assert_string_equal(xlc_cpu_map_vendor_at(a, i)->name,
                            xlc_cpu_map_vendor_at(b, i)->name);
        assert_string_equal(xlc_cpu_map_vendor_at(a, i)->string,
                            xlc_cpu_map_vendor_at(b, i)->string);
    }
    assert_int_equal(xlc_cpu_map_nr_features(a), xlc_cpu_map_nr_features(b));
    for (size_t i = 0; i < xlc_cpu_map_nr_features(a); i++)
        same_feature(xlc_cpu_map_feature_at(a, i),
                     xlc_cpu_map_feature_at(b, i));
    assert_int_equal(xlc_cpu_map_nr_models(a), xlc_cpu_map_nr_models(b));
    for (size_t i = 0; i < xlc_cpu_map_nr_models(a); i++)
        same_model(xlc_cpu_map_model_at(a, i), xlc_cpu_map_model_at(b, i));
    assert_memory_equal(xlc_cpu_map_nameable(a), xlc_cpu_map_nameable(b),
                        W * sizeof(uint32_t));
    /* Lookups go through the rebuilt index. */
    assert_ptr_equal(xlc_cpu_map_feature(b, "sse4.1"),
                     xlc_cpu_map_feature(b, "sse4_1"));
}

static void cache_path(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "%s/%s", tmp, name);
}

/* The installed map: written once, then read back identical. */
static void image_equals_xml(void **state)
{
    struct xlc_cpu_map *xml, *first, *again;
    char cache[128];
    xlc_error err;

    (void)state;
    cache_path(cache, sizeof(cache), "sub/dir/map.bin");
    if (xlc_cpu_map_load(MAP_DIR, &xml, &err))
        fail_msg("%s", err.msg);
    first = load(MAP_DIR, cache, XLC_CPU_MAP_CACHE_WRITTEN);
    again = load(MAP_DIR, cache, XLC_CPU_MAP_CACHE_HIT);
    same_map(xml, first);
    same_map(xml, again);
    xlc_cpu_map_free(again);
    /* "none" reads the XML and leaves the image alone. */
    again = load(MAP_DIR, "none", XLC_CPU_MAP_CACHE_OFF);
    same_map(xml, again);
    xlc_cpu_map_free(again);
    xlc_cpu_map_free(first);
    xlc_cpu_map_free(xml);
}

static void copy_file(const char *from, const char *to)
{
    char buf[65536];
    int in = open(from, O_RDONLY), out;
    ssize_t n;

    assert_true(in >= 0);
    out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(out >= 0);
    while ((n = read(in, buf, sizeof(buf))) > 0)
        assert_int_equal(write(out, buf, (size_t)n), n);
    close(in);
    close(out);
}

/* A copy of the installed map in tmp/name. */
static void copy_map(const char *name, char *dir, size_t n)
{
    struct dirent *e;
    DIR *d = opendir(MAP_DIR);

    snprintf(dir, n, "%s/%s", tmp, name);
    assert_int_equal(mkdir(dir, 0755), 0);
    assert_non_null(d);
    while ((e = readdir(d))) {
        char from[512], to[512];

        if (e->d_name[0] == '.')
            continue;
        snprintf(from, sizeof(from), "%s/%s", MAP_DIR, e->d_name);
        snprintf(to, sizeof(to), "%s/%s", dir, e->d_name);
        copy_file(from, to);
    }
    closedir(d);
}

/* Replace the first `old` in dir/file with `new` (atomically, a new
 * inode, as a package upgrade does; or in place). */
static void edit(const char *dir, const char *file, const char *old,
                 const char *new, bool in_place)
{
    char path[512], tmpf[520], *text, *at;
    FILE *f;
    long len;

    snprintf(path, sizeof(path), "%s/%s", dir, file);
    f = fopen(path, "r");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    rewind(f);
    text = calloc(1, (size_t)len + 1);
    assert_int_equal(fread(text, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    at = strstr(text, old);
    assert_non_null(at);
    snprintf(tmpf, sizeof(tmpf), "%s.new", path);
    f = fopen(in_place ? path : tmpf, "w");
    assert_non_null(f);
    fprintf(f, "%.*s%s%s", (int)(at - text), text, new, at + strlen(old));
    fclose(f);
    if (!in_place)
        assert_int_equal(rename(tmpf, path), 0);
    free(text);
}

static bool model_has(const struct xlc_cpu_map *m, const char *model,
                      const char *feature)
{
    const struct xlc_lv_model *mo = xlc_cpu_map_model(m, model);
    const struct xlc_lv_feature *f = xlc_cpu_map_feature(m, feature);

    assert_non_null(mo);
    assert_non_null(f);
    for (size_t i = 0; i < mo->nr_features; i++)
        if (xlc_cpu_map_feature_at(m, mo->features[i]) == f)
            return true;
    return false;
}

/*
 * An edited map is read again, in place or replaced, even when the edit
 * keeps the file's size: the change time gives it away.
 */
static void changed_map_is_reread(void **state)
{
    struct xlc_cpu_map *m;
    char dir[128], cache[128];

    (void)state;
    copy_map("edited", dir, sizeof(dir));
    cache_path(cache, sizeof(cache), "edited.bin");
    m = load(dir, cache, XLC_CPU_MAP_CACHE_WRITTEN);
    assert_true(model_has(m, "Haswell", "avx2"));
    xlc_cpu_map_free(m);
    xlc_cpu_map_free(load(dir, cache, XLC_CPU_MAP_CACHE_HIT));

    /* Same length: 'avx2' becomes 'avx ' (still valid XML). */
    edit(dir, "x86_Haswell.xml", "<feature name='avx2'/>",
         "<feature name='avx' />", true);
    m = load(dir, cache, XLC_CPU_MAP_CACHE_WRITTEN);
    assert_false(model_has(m, "Haswell", "avx2"));
    xlc_cpu_map_free(m);
    xlc_cpu_map_free(load(dir, cache, XLC_CPU_MAP_CACHE_HIT));

    /* A replaced file (new inode), and a change to the index. */
    edit(dir, "x86_features.xml", "<feature name='avx2'>",
         "<feature name='avx2' migratable='no'>", false);
    m = load(dir, cache, XLC_CPU_MAP_CACHE_WRITTEN);
    assert_false(xlc_cpu_map_feature(m, "avx2")->migratable);
    xlc_cpu_map_free(m);
    edit(dir, "index.xml", "<include filename='x86_Haswell.xml'/>", "",
         false);
    m = load(dir, cache, XLC_CPU_MAP_CACHE_WRITTEN);
    assert_null(xlc_cpu_map_model(m, "Haswell"));
    xlc_cpu_map_free(m);
    /* Another directory's image is not used for this one. */
    m = load(MAP_DIR, cache, XLC_CPU_MAP_CACHE_WRITTEN);
    assert_non_null(xlc_cpu_map_model(m, "Haswell"));
    xlc_cpu_map_free(m);
}

static unsigned char *slurp(const char *path, size_t *len)
{
    unsigned char *buf;
    struct stat st;
    int fd = open(path, O_RDONLY);

    assert_true(fd >= 0);
    assert_int_equal(fstat(fd, &st), 0);
    buf = malloc((size_t)st.st_size);
    assert_int_equal(read(fd, buf, (size_t)st.st_size), st.st_size);
    close(fd);
    *len = (size_t)st.st_size;
    return buf;
}

static void spit(const char *path, const unsigned char *buf, size_t len,
                 mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

    assert_true(fd >= 0);
    assert_int_equal(fchmod(fd, mode), 0);
    assert_int_equal(write(fd, buf, len), (ssize_t)len);
    close(fd);
}

/* The header's checksum over the body (layout: libvirt-cpumap-cache.c):
 * FNV-1a's step over native 8-byte words, each product folded, then the
 * last bytes one at a time. */
static void reseal(unsigned char *buf, size_t len)
{
    uint64_t h = 1469598103934665603u;
    size_t i = 32;

    for (; len - i >= 8; i += 8) {
        uint64_t w;

        memcpy(&w, buf + i, 8);
        h = (h ^ w) * 1099511628211u;
        h ^= h >> 32;
    }
    for (; i < len; i++)
        h = (h ^ buf[i]) * 1099511628211u;
    memcpy(buf + 24, &h, 8);
}

/*
 * Damaged images: a flipped byte (checksum), the same resealed so that
 * only the structure checks stand between it and the map, a truncated
 * file, and a sound image anybody may write.  Each is ignored, the map
 * comes from the XML, and a fresh image replaces it.
 */
static void damaged_images_are_ignored(void **state)
{
    struct xlc_cpu_map *xml, *m;
    unsigned char *good, *bad;
    char cache[128];
    size_t len;
    xlc_error err;
    unsigned int seed = 18;

    (void)state;
    cache_path(cache, sizeof(cache), "damaged.bin");
    if (xlc_cpu_map_load(MAP_DIR, &xml, &err))
        fail_msg("%s", err.msg);
    xlc_cpu_map_free(load(MAP_DIR, cache, XLC_CPU_MAP_CACHE_WRITTEN));
    good = slurp(cache, &len);
    bad = malloc(len);

    /* The writer's checksum is the documented one. */
    memcpy(bad, good, len);
    memset(bad + 24, 0, 8);
    reseal(bad, len);
    assert_memory_equal(bad, good, len);

    memcpy(bad, good, len);
    bad[len / 2] ^= 0x20;
    spit(cache, bad, len, 0644);
    m = load(MAP_DIR, cache, XLC_CPU_MAP_CACHE_WRITTEN);
    same_map(xml, m);
    xlc_cpu_map_free(m);

    spit(cache, good, len / 3, 0644);
    xlc_cpu_map_free(load(MAP_DIR, cache, XLC_CPU_MAP_CACHE_WRITTEN));

    spit(cache, good, len, 0666);
    xlc_cpu_map_free(load(MAP_DIR, cache, XLC_CPU_MAP_CACHE_WRITTEN));
    xlc_cpu_map_free(load(MAP_DIR, cache, XLC_CPU_MAP_CACHE_HIT));

    /* Resealed damage: refused by the structure checks, or harmless --
     * never a crash or a read out of bounds (ASan runs this too). */
    for (int i = 0; i < 400; i++) {
        size_t at = 32 + (size_t)rand_r(&seed) % (len - 32);
        struct xlc_cpu_map_cache_info how;

        memcpy(bad, good, len);
        bad[at] ^= (unsigned char)(1u << (rand_r(&seed) % 8));
        if (i % 4 == 0)
            memset(bad + at, 0xff, len - at > 4 ? 4 : len - at);
        reseal(bad, len);
        spit(cache, bad, len, 0644);
        m = NULL;
        if (xlc_cpu_map_load_cached(MAP_DIR, cache, &m, &how, &err))
            fail_msg("%s", err.msg);
        assert_non_null(m);
        if (how.use != XLC_CPU_MAP_CACHE_HIT)
            same_map(xml, m);
        xlc_cpu_map_free(m);
    }
    free(bad);
    free(good);
    xlc_cpu_map_free(xml);
}

/* The last length-prefixed string `from` in buf becomes `to` (as long). */
static void replace_last_str(unsigned char *buf, size_t len,
                             const char *from, const char *to)
{
    uint32_t n = (uint32_t)strlen(from);
    unsigned char pat[64];
    size_t at = len;

    assert_int_equal(strlen(to), n);
    memcpy(pat, &n, 4);
    memcpy(pat + 4, from, n);
    for (size_t i = 0; i + 4 + n <= len; i++)
        if (!memcmp(buf + i, pat, 4 + n))
            at = i;
    assert_true(at < len);
    memcpy(buf + at + 4, to, n);
}

/*
 * A sound, resealed image whose models' parents loop (loopb -> loopa ->
 * loopb): the XML loader refuses such a map, so the image is refused too
 * and the map read from the XML.  The map gets loopc, then loopb (parent
 * loopc), then loopa (parent loopb); the image's last "loopc" is loopb's
 * parent, turned into "loopa".
 */
static void parent_loop_image_is_ignored(void **state)
{
    struct xlc_cpu_map_cache_info how;
    struct xlc_cpu_map *xml, *m = NULL;
    char dir[256], cache[128];
    unsigned char *img;
    xlc_error err;
    size_t len;

    (void)state;
    copy_map("loop", dir, sizeof(dir));
    edit(dir, "x86_486.xml", "</cpus>",
         "  <model name='loopc'><feature name='fpu'/></model>\n"
         "  <model name='loopb'><model name='loopc'/></model>\n"
         "  <model name='loopa'><model name='loopb'/></model>\n</cpus>",
         false);
    cache_path(cache, sizeof(cache), "loop.bin");
    if (xlc_cpu_map_load(dir, &xml, &err))
        fail_msg("%s", err.msg);
    xlc_cpu_map_free(load(dir, cache, XLC_CPU_MAP_CACHE_WRITTEN));
    img = slurp(cache, &len);
    replace_last_str(img, len, "loopc", "loopa");
    reseal(img, len);
    spit(cache, img, len, 0644);
    if (xlc_cpu_map_load_cached(dir, cache, &m, &how, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(how.use, XLC_CPU_MAP_CACHE_WRITTEN);
    assert_string_equal(how.why, "a model's parent chain that loops");
    same_map(xml, m);
    assert_string_equal(xlc_cpu_map_model(m, "loopb")->parent, "loopc");
    xlc_cpu_map_free(m);
    xlc_cpu_map_free(xml);
    free(img);
}

/* The default place: $XDG_CACHE_HOME, else $HOME/.cache. */
static void default_location(void **state)
{
    char buf[4096], want[256];
    struct xlc_cpu_map *m;

    (void)state;
    setenv("XDG_CACHE_HOME", tmp, 1);
    assert_true(xlc_cpu_map_cache_default(NULL, buf, sizeof(buf)));
    snprintf(want, sizeof(want), "%s/xen-cpuid/cpu_map-", tmp);
    assert_memory_equal(buf, want, strlen(want));
    m = load(NULL, NULL, XLC_CPU_MAP_CACHE_WRITTEN);
    xlc_cpu_map_free(m);
    m = load(NULL, NULL, XLC_CPU_MAP_CACHE_HIT);
    xlc_cpu_map_free(m);
    assert_int_equal(access(buf, R_OK), 0);
    unsetenv("XDG_CACHE_HOME");
    setenv("HOME", tmp, 1);
    assert_true(xlc_cpu_map_cache_default(NULL, buf, sizeof(buf)));
    snprintf(want, sizeof(want), "%s/.cache/xen-cpuid/cpu_map-", tmp);
    assert_memory_equal(buf, want, strlen(want));
    setenv("HOME", "relative", 1);
    assert_false(xlc_cpu_map_cache_default(NULL, buf, sizeof(buf)));
    m = load(NULL, NULL, XLC_CPU_MAP_CACHE_OFF);
    xlc_cpu_map_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(image_equals_xml),
        cmocka_unit_test(changed_map_is_reread),
        cmocka_unit_test(damaged_images_are_ignored),
        cmocka_unit_test(parent_loop_image_is_ignored),
        cmocka_unit_test(default_location),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
