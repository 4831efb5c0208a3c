/* SPDX-License-Identifier: MIT */
/*
 * libvirt 9 itself as an oracle for domain XML: the installed libvirt.so.0
 * (Debian's libvirt0, which make deps installs), its in-process test
 * driver (test:///default) and its schema validation.  A definition is
 * defined (VIR_DOMAIN_DEFINE_VALIDATE), read back as libvirt formats it,
 * and undefined again.  libvirt is opened with dlopen (the project has no
 * libvirt development headers); the few entry points used are declared
 * in the .c file.
 */
#ifndef TESTS_HELPERS_LIBVIRT_ORACLE_H
#define TESTS_HELPERS_LIBVIRT_ORACLE_H

#include <stdbool.h>

/* False (with a message on stderr) when libvirt cannot be used. */
bool lvt_available(void);

/*
 * Define `xml` (a <domain type='test'>) with schema validation.  Returns
 * true and *out = libvirt's own rendering (malloc'd), or false and
 * *error = libvirt's message (malloc'd).
 */
bool lvt_define(const char *xml, char **out, char **error);

#endif
