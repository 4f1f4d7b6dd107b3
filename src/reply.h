/*
 * reply.h: response files, R/replies/<id>.json (DESIGN.md section 3).
 */
#ifndef REPLY_H
#define REPLY_H

#include <time.h>

#include <jansson.h>

int	reply_write(const char *, const char *, json_t *, char **);
int	reply_prune(const char *, time_t, time_t, char **);

#endif
