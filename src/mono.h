/*
 * mono.h: the one clock the house measures intervals with: CLOCK_MONOTONIC
 * as seconds in a double (deadlines, frame budgets, replay pacing).
 */
#ifndef MONO_H
#define MONO_H

#include <time.h>

static inline double
mono_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

#endif
