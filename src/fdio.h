/*
 * fdio.h: whole writes on file descriptors that may be non-blocking.
 */
#ifndef FDIO_H
#define FDIO_H

#include <stddef.h>

int	fdio_wait(int, short);
int	fdio_write_all(int, const char *, size_t);

#endif
