/*
 * hostlock.h: R/host.lock, the one proof that a host is alive.
 */
#ifndef HOSTLOCK_H
#define HOSTLOCK_H

#include <sys/types.h>

int	hostlock_acquire(const char *, char **);
int	hostlock_ready(int, char **);
void	hostlock_unready(int);
pid_t	hostlock_holder(const char *);

#endif
