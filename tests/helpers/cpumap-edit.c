/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cpumap-edit.h"
#include "lv-oracle.h"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (!f)
        fail_msg("cannot read %s", path);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    buf = calloc(1, (size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
        fail_msg("cannot read %s", path);
    fclose(f);
    return buf;
}

/* Replace the one occurrence of `from` in text (fails when absent). */
static char *replace(char *text, const char *from, const char *to)
{
    char *at = strstr(text, from), *out;
    size_t n;

    if (!at)
        fail_msg("cpumap-edit: '%s' not found", from);
    n = strlen(text) - strlen(from) + strlen(to) + 1;
    out = malloc(n);
    snprintf(out, n, "%.*s%s%s", (int)(at - text), text, to,
             at + strlen(from));
    free(text);
    return out;
}

char *cm_plain_copy(void)
{
    char *dir = lvo_tmpdir(), path[4096];
    DIR *d = opendir(CM_INSTALLED);
    struct dirent *e;

    if (!d)
        fail_msg("cannot open " CM_INSTALLED);
    while ((e = readdir(d))) {
        char *text;

        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", CM_INSTALLED, e->d_name);
        text = slurp(path);
        lvo_write(dir, e->d_name, text);
        free(text);
    }
    closedir(d);
    return dir;
}

static void edit(const char *dir, const char *file, const char *from,
                 const char *to)
{
    char path[4096], *text;

    snprintf(path, sizeof(path), "%s/%s", dir, file);
    text = replace(slurp(path), from, to);
    lvo_write(dir, file, text);
    free(text);
}

char *cm_edited_copy(void)
{
    char *dir = cm_plain_copy(), path[4096];

    edit(dir, "x86_Skylake-Server.xml", "    <feature name='clwb'/>\n", "");
    edit(dir, "x86_Skylake-Server.xml", "    <feature name='avx512vl'/>\n",
         "    <feature name='avx512vl'/>\n"
         "    <feature name='avx512vnni'/>\n");
    lvo_write(dir, "x86_Westmere-IBRS.xml",
              "<cpus>\n"
              "  <model name='Westmere-IBRS'>\n"
              "    <decode host='on' guest='on'/>\n"
              "    <signature family='6' model='44'/>\n"
              "    <model name='Nehalem'/>\n"
              "    <feature name='aes'/>\n"
              "  </model>\n"
              "</cpus>\n");
    edit(dir, "index.xml", "    <include filename='x86_Opteron_G3.xml'/>\n",
         "");
    snprintf(path, sizeof(path), "%s/x86_Opteron_G3.xml", dir);
    unlink(path);
    edit(dir, "x86_features.xml",
         "<feature name='erms'>\n"
         "    <cpuid eax_in='0x07' ecx_in='0x00' ebx='0x00000200'/>",
         "<feature name='erms'>\n"
         "    <cpuid eax_in='0x07' ecx_in='0x00' ebx='0x00000040'/>");
    return dir;
}

void cm_remove(char *dir)
{
    lvo_rmdir(dir);
}
