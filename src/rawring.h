/*
 * rawring.h: the newest bytes of a run's raw output, by offset, for the
 * viewers that attach or open the run later (DESIGN.md section 15).
 *
 * A rawring keeps at most its max newest bytes (its buffer grows with
 * the output up to that), and counts every byte ever put, so offsets are
 * those of the run's whole output.  rawring_trim() lets the bytes go and
 * keeps the count.
 */
#ifndef RAWRING_H
#define RAWRING_H

#include <stddef.h>

struct rawring;

struct rawring	*rawring_new(size_t);
void		 rawring_free(struct rawring *);
void		 rawring_put(struct rawring *, const char *, size_t);
void		 rawring_trim(struct rawring *);
size_t		 rawring_total(const struct rawring *);
size_t		 rawring_start(const struct rawring *);
size_t		 rawring_read(const struct rawring *, size_t, char *, size_t);
size_t		 rawring_memory(const struct rawring *);

#endif
