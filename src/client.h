/*
 * client.h: talking to a running host over the control FIFO.
 */
#ifndef CLIENT_H
#define CLIENT_H

#include <sys/types.h>

#include <sysexits.h>

#include <jansson.h>

struct config;
struct client;

/* client_send() and client_wait() results besides 0. */
#define CLIENT_NO_HOST		-2	/* nobody reads the FIFO */
#define CLIENT_HOST_DIED	-3	/* the host went away while we waited */
#define CLIENT_SIGNAL		-4	/* a stop signal arrived */
#define CLIENT_TIMEOUT		-5

/* How long a request that the host answers at once may take. */
#define CLIENT_ANSWER_WAIT	10.0

/* The exit status while a run goes on (EX_TEMPFAIL): "wait again". */
#define CLIENT_EX_RUNNING	EX_TEMPFAIL

int		 client_check_dir(const char *, char **);
pid_t		 client_host_ready(const char *, char **);
struct client	*client_open(const struct config *, char **);
void		 client_close(struct client *);
char		*client_make_id(void);
json_t		*client_environ(void);
pid_t		 client_host_pid(struct client *);
int		 client_send(struct client *, json_t *, char **);
int		 client_wait(struct client *, const char *, double, json_t **,
		    char **);
int		 client_signal(const struct client *);
int		 client_post(const char *, json_t *, pid_t *, char **);
json_t		*client_take_reply(const char *, const char *, char **);
int		 client_call(const struct config *, json_t *, double,
		    json_t **, int *, char **);
int		 client_request(const struct config *, json_t *, json_t **,
		    char **);

int		 client_ask(const struct config *, json_t *, double, json_t **);
int		 client_answer(json_t *, const char *, int);
int		 client_print_reply(json_t *, const char *, int);
void		 client_exit_signal(int) __attribute__((noreturn));

#endif
