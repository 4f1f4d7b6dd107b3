/*
 * reaper.h: every process a run starts ends with the run, even one that
 * left the run's process group.
 */
#ifndef REAPER_H
#define REAPER_H

#include <sys/types.h>

struct reaper;

/* What the host knows of one of its children: a run's leader or not. */
enum reaper_child {
	REAPER_OTHER,		/* not a live run's leader: reap it */
	REAPER_LEADER,		/* a live run's leader: keep its zombie */
	REAPER_HELD		/* a leader whose exit is known: skip */
};
typedef enum reaper_child (*reaper_child_cb)(pid_t, void *);
typedef void (*reaper_exit_cb)(pid_t, int, void *);

struct reaper	*reaper_new(double, reaper_child_cb, void *, char **);
void		 reaper_free(struct reaper *);
const char	*reaper_cgroup(const struct reaper *);

int		 reaper_run_begin(struct reaper *, unsigned int);
void		 reaper_run_spawned(struct reaper *, unsigned int);
void		 reaper_signal(struct reaper *, unsigned int, int);
void		 reaper_run_end(struct reaper *, unsigned int, double);

void		 reaper_reap(struct reaper *, reaper_exit_cb);
void		 reaper_release(pid_t);
double		 reaper_deadline(const struct reaper *);
void		 reaper_timers(struct reaper *, double);

#endif
