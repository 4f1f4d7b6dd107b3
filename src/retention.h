/*
 * retention.h: pruning old sessions ([journal] keep_days, keep_bytes).
 */
#ifndef RETENTION_H
#define RETENTION_H

#include <time.h>

int	retention_prune(const char *, unsigned long, unsigned long, time_t,
	    char **);

#endif
