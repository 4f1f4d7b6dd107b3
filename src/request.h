/*
 * request.h: one line of the control protocol, checked (DESIGN.md
 * section 3).
 *
 * request_parse() turns one JSON object into a struct request or into a
 * one-line reason, without the "bad_request: " prefix, that names the
 * field ("whoami: missing", "exec[1]: contains NUL").  Fields are checked
 * in a fixed order (id, action, then for a run whoami, dir, exec, envs,
 * base_env, clear_env, stdin, timeout, max_output, cols, rows, yield; for
 * wait, input, screen and abort seq, then timeout and offset, or data and
 * keys) and the first problem wins.  Unknown fields are ignored; a top-level field set to null counts as absent.
 *
 * No field can ask for something unbounded: seconds above
 * REQUEST_SECONDS_MAX are cut to it, and max_output 0 means "the
 * configured limit" (run.c applies it), never "no cap".
 *
 * struct request is a plain value: others read its fields, only
 * request.c fills them in and frees them.
 */
#ifndef REQUEST_H
#define REQUEST_H

#include <stddef.h>

/* Longest id and whoami, in bytes and characters respectively. */
#define REQUEST_ID_MAX		64
#define REQUEST_WHOAMI_MAX	64

/*
 * The most seconds a timeout or a yield may ask for: a year, as the INI's
 * own ceiling.  More is taken as a year, which is "for ever" to a run and
 * keeps every deadline far from overflowing.
 */
#define REQUEST_SECONDS_MAX	31536000.0

/* The PTY size a request may ask for. */
#define REQUEST_SIZE_MIN	2
#define REQUEST_SIZE_MAX	1000

enum request_action {
	REQUEST_RUN,
	REQUEST_PING,
	REQUEST_ABORT,
	REQUEST_STATUS,
	REQUEST_SPOOL,
	REQUEST_WAIT,
	REQUEST_INPUT,
	REQUEST_SCREEN
};

/* Most bytes one input line may type, and most keys it may name. */
#define REQUEST_INPUT_MAX	4096
#define REQUEST_KEYS_MAX	256

struct request_env {
	char	*name;
	char	*value;
};

/*
 * For a run, whoami, dir and argv are set; for the other actions only id
 * is, and the run fields keep their "absent" values.
 */
struct request {
	enum request_action	 action;
	char			*id;		/* NULL: run without a reply */
	char			*whoami;
	char			*dir;
	char			**argv;		/* NULL-terminated */
	size_t			 argc;
	struct request_env	*envs;		/* in the order sent */
	size_t			 nenvs;
	struct request_env	*base_env;	/* NULL: the host's environment */
	size_t			 nbase_env;
	int			 clear_env;	/* start from an empty one */
	char			*stdin_data;	/* NULL when absent; may hold NULs */
	size_t			 stdin_len;
	int			 stdin_fd;	/* or in this file; -1 when not */
	double			 timeout;	/* -1 when absent, 0 none */
	long long		 max_output;	/* -1 when absent, 0 the limit */
	unsigned int		 cols, rows;	/* 0 when absent */
	double			 yield;		/* -1 when absent */

	/* wait, input, screen and abort by seq (DESIGN.md 4.1). */
	unsigned int		 seq;		/* 0 when absent */
	long long		 offset;	/* -1 when absent */
	char			*data;		/* input: NULL when absent */
	size_t			 data_len;
	char			**keys;		/* input: NULL-terminated */
	size_t			 nkeys;
};

struct request	*request_parse(const char *, size_t, char **, char **);
void		 request_free(struct request *);
int		 request_has_stdin(const struct request *);
void		 request_set_stdin_fd(struct request *, int);
int		 request_id_valid(const char *);
const char	*request_whoami_check(const char *, size_t);
char		*request_scan_id(const char *, size_t);
const char	*request_action_name(enum request_action);

#endif
