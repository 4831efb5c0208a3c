/* SPDX-License-Identifier: MIT */
/*
 * The simulated xenstore: an in-memory tree of the process, enough for
 * libxl to keep its bookkeeping while it creates a domain.  Nodes have a
 * value and permissions; writing a node creates its missing parents (as
 * xenstored does); removing one removes its subtree.  Transactions are
 * accepted and always commit (one process, nothing races it).  Watches
 * are recorded and never fire: nothing else changes the store.
 */
#ifndef XEN_SIM_XS_TREE_H
#define XEN_SIM_XS_TREE_H

#include <stdbool.h>
#include <stddef.h>

struct xs_permissions;

/* All return 0 or -errno (ENOENT, EINVAL, ENOMEM). */
int xst_read(const char *path, char **value, unsigned int *len);
int xst_write(const char *path, const void *data, unsigned int len);
int xst_mkdir(const char *path);
int xst_rm(const char *path);
int xst_directory(const char *path, char ***names, unsigned int *num);
int xst_get_perms(const char *path, struct xs_permissions **perms,
                  unsigned int *num);
int xst_set_perms(const char *path, const struct xs_permissions *perms,
                  unsigned int num);
bool xst_exists(const char *path);

#endif /* XEN_SIM_XS_TREE_H */
