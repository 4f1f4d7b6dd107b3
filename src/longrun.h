/*
 * longrun.h: what the host keeps beside a run for the agents that come
 * back to it (DESIGN.md section 4.1).
 */
#ifndef LONGRUN_H
#define LONGRUN_H

#include <stddef.h>

#include <jansson.h>

struct longrun;
struct waiter;

/* What a waiter waits for: the run's end or a deadline, or only its end. */
enum waiter_kind {
	WAITER_WAIT,		/* a wait: the end, a deadline or a prompt */
	WAITER_ABORT		/* an abort by seq: the end after the kill */
};

struct longrun	*longrun_new(unsigned int, unsigned int, double);
void		 longrun_free(struct longrun *);

void		 longrun_output(struct longrun *, const char *, size_t);
void		 longrun_screen(struct longrun *, json_t *);
char		*longrun_keys(struct longrun *, char *const *, size_t, size_t *,
		    char **);

int		 longrun_yield_due(const struct longrun *, double);
int		 longrun_yielding(const struct longrun *);
void		 longrun_detach(struct longrun *);
int		 longrun_detached(const struct longrun *);

void		 longrun_wait(struct longrun *, const char *, enum waiter_kind,
		    double, size_t);
double		 longrun_deadline(const struct longrun *);
struct waiter	*longrun_due(struct longrun *, double, int, int);

const char	*waiter_id(const struct waiter *);
enum waiter_kind waiter_kind(const struct waiter *);
size_t		 waiter_offset(const struct waiter *);
void		 waiter_free(struct waiter *);

#endif
