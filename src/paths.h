/*
 * paths.h: where rexec keeps its files (DESIGN.md section 2) and the checks
 * that keep them private.
 */
#ifndef PATHS_H
#define PATHS_H

#include <sys/types.h>

struct config;

char	*paths_runtime_dir(const struct config *, char **);
char	*paths_journal_dir(const struct config *, char **);
int	 paths_trusted_dir(const char *, char **);
int	 paths_private_dir(const char *, char **);
int	 paths_open_own(const char *, int, mode_t, char **);
char	*paths_join(const char *, const char *);

#endif
