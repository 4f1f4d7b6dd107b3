/*
 * rexec.h: the few things every module shares.  Anything that belongs to one
 * noun lives in that noun's header instead.
 */
#ifndef REXEC_H
#define REXEC_H

#include "build.h"

#include <stddef.h>

#include "xmalloc.h"

/* Lines on the control FIFO and INI lines share this bound (PIPE_BUF). */
#define REXEC_LINE_MAX	4096

#ifndef nitems
#define nitems(a)	(sizeof (a) / sizeof (a)[0])
#endif

#endif
