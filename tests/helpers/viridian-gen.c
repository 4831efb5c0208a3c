/* SPDX-License-Identifier: MIT */
/* Generated viridian= settings (viridian-gen.h). */
#include <stdio.h>
#include <string.h>

#include "libxl_cpuid/viridian/viridian.h"
#include "viridian-gen.h"

unsigned int vg_rnd(struct vg_rng *r, unsigned int n)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return (unsigned int)((r->s * 0x2545f4914f6cdd1dull) >> 33) % n;
}

void vg_put(char *buf, size_t n, const char *s)
{
    size_t l = strlen(buf);

    snprintf(buf + l, n - l, "%s", s);
}

void vg_flip_case(char *s, unsigned int pattern)
{
    for (unsigned int i = 0; s[i]; i++)
        if (pattern >> (i % 16) & 1 && s[i] >= 'a' && s[i] <= 'z')
            s[i] = (char)(s[i] - 'a' + 'A');
}

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static const char *const atoms[] = {
    "0", "1", "2", "0x10", "010", "08", "0x", "1e3", "99999999999999999999",
    "\" 1\"", "\"1 \"", "\"-1\"", "'0'", "\"true\"", "\"\"",
};
static const char *const words[] = {
    "all", "defaults", "!all", "!defaults", "bogus", "", "!", "ALL",
    "base_freq", "viridian", "!!base",
};
static const char *const escapes[] = {
    "\\n", "\\t", "\\\"", "\\'", "\\\\", "\\a", "\\012", "\\01", "\\0 1",
    "\\x41", "\\q", "\\7", "\\1234",
};
static const char *const seps[] = {
    ",", ", ", " ,", ",\n", "\n,", ",\t", ", # c\n", ",,",
};

/* One list item: a group name in some spelling, a word, an escape. */
static void gen_item(struct vg_rng *r, char *buf, size_t n,
                     unsigned int depth, bool nested)
{
    char name[64];
    char q = vg_rnd(r, 5) ? '"' : '\'';
    unsigned int k = vg_rnd(r, 20);

    if (k == 0 && depth < 2 && nested) {
        vg_put(buf, n, "[");
        gen_item(r, buf, n, depth + 1, nested);
        vg_put(buf, n, "]");
        return;
    }
    if (k == 1) {
        vg_put(buf, n, atoms[vg_rnd(r, 3)]);
        return;
    }
    if (k < 5)
        snprintf(name, sizeof(name), "%s", words[vg_rnd(r, N_OF(words))]);
    else
        snprintf(name, sizeof(name), "%s%s", vg_rnd(r, 3) ? "" : "!",
                 xlc_viridian_group_name(vg_rnd(r, XLC_VIRIDIAN_NR_GROUPS)));
    if (!vg_rnd(r, 4))
        vg_flip_case(name, vg_rnd(r, 0x10000));
    snprintf(buf + strlen(buf), n - strlen(buf), "%c", q);
    if (!vg_rnd(r, 8)) {
        size_t cut = vg_rnd(r, (unsigned int)strlen(name) + 1);
        char tail[64];

        snprintf(tail, sizeof(tail), "%s", name + cut);
        name[cut] = '\0';
        vg_put(buf, n, name);
        vg_put(buf, n, escapes[vg_rnd(r, N_OF(escapes))]);
        vg_put(buf, n, tail);
    } else {
        vg_put(buf, n, name);
    }
    snprintf(buf + strlen(buf), n - strlen(buf), "%c", q);
}

static void gen_list(struct vg_rng *r, char *buf, size_t n, bool nested)
{
    unsigned int items = vg_rnd(r, 7);

    vg_put(buf, n, vg_rnd(r, 4) ? "[" : "[\n");
    for (unsigned int i = 0; i < items; i++) {
        if (i)
            vg_put(buf, n, vg_rnd(r, 6) ? seps[vg_rnd(r, 3)]
                                        : seps[vg_rnd(r, N_OF(seps))]);
        gen_item(r, buf, n, 0, nested);
    }
    if (items && !vg_rnd(r, 6))
        vg_put(buf, n, ",");
    vg_put(buf, n, vg_rnd(r, 8) ? "]" : " ]");
    if (!vg_rnd(r, 8))
        vg_put(buf, n, vg_rnd(r, 2) ? ";" : " # end");
}

/* Break it a little: delete, insert or swap one byte ('=' never: a second
 * setting is our one deliberate difference). */
static void mutate(struct vg_rng *r, char *buf)
{
    static const char alphabet[] =
        "[],\"'\\ \t\n#;!abcdefxyzABC0123456789_.-+:()\r\x80\xc3";
    size_t l = strlen(buf), at = vg_rnd(r, (unsigned int)l + 1);

    switch (vg_rnd(r, 3)) {
    case 0:
        if (l)
            memmove(buf + at, buf + at + 1, l - at);
        break;
    case 1:
        memmove(buf + at + 1, buf + at, l - at + 1);
        buf[at] = alphabet[vg_rnd(r, sizeof(alphabet) - 1)];
        break;
    default:
        if (at + 1 < l) {
            char c = buf[at];
            buf[at] = buf[at + 1];
            buf[at + 1] = c;
        }
    }
}

void vg_setting(struct vg_rng *r, char *buf, size_t n, bool nested)
{
    buf[0] = '\0';
    if (vg_rnd(r, 4))
        gen_list(r, buf, n - 8, nested);
    else
        vg_put(buf, n - 8, atoms[vg_rnd(r, N_OF(atoms))]);
    for (unsigned int m = vg_rnd(r, 6) == 0 ? 1 + vg_rnd(r, 2) : 0; m; m--)
        mutate(r, buf);
}
