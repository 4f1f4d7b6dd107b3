/*
 * host.h: the host, its event loop and its scheduler.
 */
#ifndef HOST_H
#define HOST_H

#include <stddef.h>

struct config;
struct frontend;
struct host;
struct rawring;
struct run;

int	host_main(const struct config *, const struct frontend *);
void	host_shutdown(struct host *);
int	host_abort_seq(struct host *, unsigned int);
int	host_type(struct host *, unsigned int, const char *, size_t, char **);
int	host_active(const struct host *);
const char *host_session(const struct host *);
const char *host_journal_path(const struct host *);
const char *host_journal_dir(const struct host *);
struct run *host_run(struct host *, unsigned int);
const struct rawring *host_run_raw(struct host *, unsigned int);
void	host_runs(struct host *, void (*)(struct run *, void *), void *);
void	host_message(struct host *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
