/*
 * daemon.h: a host in the background, started by another rexec command.
 */
#ifndef DAEMON_H
#define DAEMON_H

struct config;

int	daemon_start(const struct config *, char **);
int	daemon_ensure(const struct config *, char **);

#endif
