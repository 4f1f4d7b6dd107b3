/*
 * fdio.h: whole writes and patient reads on file descriptors that may be
 * non-blocking.
 */
#ifndef FDIO_H
#define FDIO_H

#include <sys/types.h>

#include <stddef.h>

int	fdio_wait(int, short);
int	fdio_write_all(int, const char *, size_t);
ssize_t	fdio_read(int, void *, size_t);
void	fdio_sanitise_std(void);

#endif
