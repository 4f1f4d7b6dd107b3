/*
 * run.h: one command an agent asked for, from queue to response.
 */
#ifndef RUN_H
#define RUN_H

#include <poll.h>
#include <stddef.h>
#include <sys/types.h>

#include <jansson.h>

struct config;
struct request;
struct reaper;
struct run;
struct textfile;

enum run_state {
	RUN_QUEUED,
	RUN_RUNNING,
	RUN_DONE
};

/* How a run tells its owner what happened; all are optional. */
struct run_hooks {
	void	(*started)(struct run *, void *);
	void	(*output)(struct run *, const char *, size_t, void *);
	void	(*text)(struct run *, const char *, size_t, void *);
	void	(*waiting)(struct run *, void *);	/* run_waiting changed */
	void	(*done)(struct run *, void *);
	void	*arg;
};

struct run	*run_new(struct request *, unsigned int, const struct config *,
		    const struct run_hooks *);
void		 run_free(struct run *);
void		 run_text_file(struct run *, struct textfile *);

void		 run_start(struct run *, char *const *, struct reaper *,
		     double);
size_t		 run_pollfds(struct run *, struct pollfd *);
void		 run_poll(struct run *, const struct pollfd *, double);
void		 run_reaped(struct run *, int, double);
double		 run_deadline(const struct run *);
void		 run_timers(struct run *, double);
void		 run_stop(struct run *, const char *, double);
int		 run_input(struct run *, const char *, size_t, double);

enum run_state	 run_state(const struct run *);
unsigned int	 run_seq(const struct run *);
const char	*run_id(const struct run *);
const char	*run_whoami(const struct run *);
const char	*run_dir(const struct run *);
char *const	*run_argv(const struct run *);
pid_t		 run_pid(const struct run *);
pid_t		 run_leader(const struct run *);
void		 run_size(const struct run *, unsigned int *, unsigned int *);
const char	*run_error(const struct run *);
int		 run_waiting(const struct run *);
double		 run_started(const struct run *);
char		*run_banner(const struct run *);
char		*run_command_line(const struct run *);

void		 run_detach(struct run *);
int		 run_detached(const struct run *);
size_t		 run_text_total(const struct run *);
json_t		*run_wait_reply(const struct run *, size_t, double);
const char	*run_input_refusal(const struct run *);
char		*run_detached_line(const struct run *);
char		*run_ended_line(const struct run *);
void		 run_trim(struct run *);

json_t		*run_response(const struct run *);
json_t		*run_journal_line(const struct run *);
json_t		*run_status(const struct run *, double);
json_t		*run_event(const struct run *);

#endif
