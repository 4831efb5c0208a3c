/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 (util/sha256.h): the FIPS 180-4 / NIST test vectors, the same
 * digest however the message is split into updates (every split of a
 * message crossing block boundaries), and agreement with coreutils'
 * sha256sum on the installed cpu_map's files.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../helpers/tool-run.h"
#include "libxl_cpuid/util/read-file.h"
#include "libxl_cpuid/util/sha256.h"
#include "libxl_cpuid/util/sha256-int.h"

static void vectors(void **state)
{
    static const struct { const char *msg, *want; } v[] = {
        { "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
        { "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
        { "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
        { "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
          "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
          "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
    };
    char hex[XLC_SHA256_HEX], *million = malloc(1000000);

    (void)state;
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        xlc_sha256_hex(v[i].msg, strlen(v[i].msg), hex);
        assert_string_equal(hex, v[i].want);
    }
    memset(million, 'a', 1000000);
    xlc_sha256_hex(million, 1000000, hex);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497"
                             "200e046d39ccc7112cd0");
    free(million);
}

static void any_split(void **state)
{
    uint8_t msg[300], one[XLC_SHA256_BYTES], parts[XLC_SHA256_BYTES];

    (void)state;
    for (size_t i = 0; i < sizeof(msg); i++)
        msg[i] = (uint8_t)(i * 7 + 3);
    for (size_t len = 0; len <= sizeof(msg); len += 13) {
        xlc_sha256(msg, len, one);
        for (size_t cut = 0; cut <= len; cut++) {
            struct xlc_sha256 c;

            xlc_sha256_init(&c);
            xlc_sha256_update(&c, msg, cut);
            xlc_sha256_update(&c, msg + cut, len - cut);
            xlc_sha256_final(&c, parts);
            assert_memory_equal(one, parts, sizeof(one));
        }
    }
}

/*
 * The CPU's SHA instructions, when it has them, and the portable rounds
 * give the same state for any state and block (where it lacks them, both
 * calls take the portable path and this proves nothing more).
 */
static void both_compressions(void **state)
{
    uint32_t x = 180;

    (void)state;
    for (int n = 0; n < 2000; n++) {
        uint32_t a[8], b[8];
        uint8_t blk[64];

        for (int i = 0; i < 8; i++)
            a[i] = b[i] = x = x * 1664525u + 1013904223u;
        for (int i = 0; i < 64; i++)
            blk[i] = (uint8_t)((x = x * 1664525u + 1013904223u) >> 24);
        xlc_sha256_block(a, blk, false);
        xlc_sha256_block(b, blk, true);
        assert_memory_equal(a, b, sizeof(a));
    }
}

static void as_sha256sum(void **state)
{
    DIR *d = opendir("/usr/share/libvirt/cpu_map");
    struct dirent *e;
    size_t n = 0;

    (void)state;
    assert_non_null(d);
    while ((e = readdir(d)) && n < 20) {
        char path[4096], cmd[4200], hex[XLC_SHA256_HEX], *text, *out, *err;
        xlc_error xe = { 0 };
        size_t len;

        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "/usr/share/libvirt/cpu_map/%s",
                 e->d_name);
        assert_int_equal(xlc_read_file(path, 1 << 24, &text, &len, &xe), 0);
        xlc_sha256_hex(text, len, hex);
        snprintf(cmd, sizeof(cmd), "sha256sum '%s'", path);
        assert_int_equal(tool_run_shell(cmd, &out, &err), 0);
        assert_memory_equal(out, hex, XLC_SHA256_HEX - 1);
        free(text);
        free(out);
        free(err);
        n++;
    }
    closedir(d);
    assert_int_equal(n, 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vectors),
        cmocka_unit_test(any_split),
        cmocka_unit_test(as_sha256sum),
        cmocka_unit_test(both_compressions),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
