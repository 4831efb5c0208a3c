/* SPDX-License-Identifier: MIT */
/*
 * A cpu_map as a libvirt upgrade might leave it: a copy of the installed
 * one (/usr/share/libvirt/cpu_map) made in the test, with
 *   - one model edited: Skylake-Server loses clwb and gains avx512vnni;
 *   - one model's parent edited: Westmere-IBRS inherits from Nehalem
 *     (plus aes) instead of listing its features, so it loses spec-ctrl;
 *   - one model removed: Opteron_G3 (its file and its <include>);
 *   - one feature's coordinates changed: erms moves from CPUID 7.0 EBX
 *     bit 9 to bit 6 (every model with erms changes meaning).
 * Failures fail the current cmocka test.
 */
#ifndef TESTS_HELPERS_CPUMAP_EDIT_H
#define TESTS_HELPERS_CPUMAP_EDIT_H

#define CM_INSTALLED "/usr/share/libvirt/cpu_map"

/* The edited copy in a fresh temporary directory (free with cm_remove). */
char *cm_edited_copy(void);
/* An unedited copy (for a directory that says no libvirt version). */
char *cm_plain_copy(void);
void cm_remove(char *dir);

#endif
