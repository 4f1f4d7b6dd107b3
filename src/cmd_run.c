/*
 * cmd_run.c: "rexec run" and the original crate's bare form
 * "rexec --whoami N --dir D [--env K=V]... [--read-stdin] -- CMD...".
 *
 * The run's environment starts from the host's, the caller's (-E, or
 * [run] env = client) or an empty one (--clear-env); [env] and --env go
 * on top (DESIGN.md section 3).
 *
 * Prints the run's output to stdout exactly, "<argv0>: not found" or
 * "rexec: <error>" to stderr, and exits with the run's exit status.  A stop
 * signal aborts the run on the host, waits briefly for the final reply and
 * then exits as the signal would.  With --yield S a run still going after
 * S seconds is left to the host (DESIGN.md section 4.1): its text so far
 * is printed, stderr says how to wait for the rest, and the exit status is
 * 75 (EX_TEMPFAIL).
 */
#include "rexec.h"

#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "client.h"
#include "config.h"
#include "request.h"

/* How long an aborted run's final reply is waited for. */
#define RUN_ABORT_WAIT	5.0

/* The least --max-output, as the least [agent] max_output. */
#define RUN_MAX_OUTPUT_MIN	256

static const struct option run_options[] = {
	{ "whoami", required_argument, NULL, 'w' },
	{ "dir", required_argument, NULL, 'd' },
	{ "env", required_argument, NULL, 'e' },
	{ "read-stdin", no_argument, NULL, 'i' },
	{ "timeout", required_argument, NULL, 't' },
	{ "max-output", required_argument, NULL, 'm' },
	{ "json", no_argument, NULL, 'j' },
	{ "yield", required_argument, NULL, 'y' },
	{ "inherit-env", no_argument, NULL, 'E' },
	{ "host-env", no_argument, NULL, 'H' },
	{ "clear-env", no_argument, NULL, 'C' },
	{ NULL, 0, NULL, 0 }
};

/* Where the run's environment starts. */
enum run_env { ENV_DEFAULT, ENV_HOST, ENV_CLIENT, ENV_CLEAR };

/* Whether stdin holds data the run will not see (a pipe or a file). */
static int
stdin_unread(void)
{
	struct stat	sb;

	if (fstat(STDIN_FILENO, &sb) == -1)
		return (0);
	return (S_ISFIFO(sb.st_mode) || S_ISREG(sb.st_mode) ||
	    S_ISSOCK(sb.st_mode));
}

static int
read_stdin(char **data, size_t *len)
{
	char	buf[65536];
	ssize_t	n;
	size_t	size = 0;

	*data = NULL;
	*len = 0;
	for (;;) {
		n = read(STDIN_FILENO, buf, sizeof buf);
		if (n == -1 && errno == EINTR)
			continue;
		if (n < 0)
			return (-1);
		if (n == 0)
			break;
		if (*len + n > size) {
			size = (*len + n) * 2;
			*data = xrealloc(*data, size);
		}
		memcpy(*data + *len, buf, n);
		*len += n;
	}
	return (0);
}

static int
send_abort(struct client *c, const char *id)
{
	json_t	*abort_req;
	char	*cause = NULL;
	int	 r;

	abort_req = json_pack("{s:s, s:s}", "action", "abort", "id", id);
	r = client_send(c, abort_req, &cause);
	json_decref(abort_req);
	free(cause);
	return (r);
}

int
cmd_run_exec(int argc, char **argv)
{
	struct config	 cfg;
	struct client	*c;
	json_t		*req, *envs, *exec, *reply = NULL;
	const char	*whoami = getenv("REXEC_WHOAMI"), *dir = NULL, *why;
	char		*cwd = NULL, *id, *cause = NULL, *end, *stdin_data;
	double		 timeout = -1, yield = -1;
	long long	 max_output = -1;
	size_t		 stdin_len;
	enum run_env	 env_mode = ENV_DEFAULT, mode;
	int		 ch, want_stdin = 0, as_json = 0, r, i, sig;
	static const char *const env_flags[] = {
		NULL, "--host-env", "--inherit-env", "--clear-env"
	};

	envs = json_object();
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:E", run_options, NULL)) != -1) {
		mode = ENV_DEFAULT;
		switch (ch) {
		case 'E':
			mode = ENV_CLIENT;
			break;
		case 'H':
			mode = ENV_HOST;
			break;
		case 'C':
			mode = ENV_CLEAR;
			break;
		case 'w':
			whoami = optarg;
			break;
		case 'd':
			dir = optarg;
			break;
		case 'e':
			end = strchr(optarg, '=');
			if (end == NULL || end == optarg) {
				json_decref(envs);
				return (cli_usage("run", "--env: expected "
				    "NAME=VALUE: \"%s\"", optarg));
			}
			*end = '\0';
			json_object_set_new(envs, optarg, json_string(end + 1));
			*end = '=';
			break;
		case 'i':
			want_stdin = 1;
			break;
		case 't':
			if (cli_seconds(optarg, &timeout) != 0) {
				json_decref(envs);
				return (cli_usage("run", "--timeout: not a "
				    "number of seconds: \"%s\"", optarg));
			}
			break;
		case 'm':
			errno = 0;
			max_output = strtoll(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || errno != 0 ||
			    max_output < 0) {
				json_decref(envs);
				return (cli_usage("run", "--max-output: not a "
				    "number of bytes: \"%s\"", optarg));
			}
			/* As [agent] max_output: less is refused, not raised. */
			if (max_output > 0 && max_output < RUN_MAX_OUTPUT_MIN) {
				json_decref(envs);
				return (cli_usage("run", "--max-output: %lld is "
				    "below the least, %d bytes (0 asks for the "
				    "host's limit)", max_output,
				    RUN_MAX_OUTPUT_MIN));
			}
			break;
		case 'j':
			as_json = 1;
			break;
		case 'y':
			if (cli_seconds(optarg, &yield) != 0 || yield <= 0) {
				json_decref(envs);
				return (cli_usage("run", "--yield: not a "
				    "positive number: \"%s\"", optarg));
			}
			break;
		case ':':
			json_decref(envs);
			return (cli_usage("run", "%s: needs a value",
			    argv[optind - 1]));
		default:
			json_decref(envs);
			return (cli_usage("run", "unknown option \"%s\"",
			    argv[optind - 1]));
		}
		if (mode != ENV_DEFAULT && env_mode != ENV_DEFAULT &&
		    mode != env_mode) {
			json_decref(envs);
			return (cli_usage("run", "%s: not with %s",
			    env_flags[mode], env_flags[env_mode]));
		}
		if (mode != ENV_DEFAULT)
			env_mode = mode;
	}
	if (optind >= argc) {
		json_decref(envs);
		return (cli_usage("run", "no command given (put it after --)"));
	}
	if (whoami == NULL || *whoami == '\0') {
		json_decref(envs);
		return (cli_usage("run", "--whoami is required (or set "
		    "REXEC_WHOAMI)"));
	}
	/* The host's rule, told as a usage error before anything is sent. */
	if ((why = request_whoami_check(whoami, strlen(whoami))) != NULL) {
		json_decref(envs);
		return (cli_usage("run", "whoami: %s", why));
	}
	cli_client_config(&cfg);
	if (env_mode == ENV_DEFAULT)
		env_mode = cfg.run_env == CONFIG_RUN_ENV_CLIENT ? ENV_CLIENT :
		    ENV_HOST;
	if (dir == NULL) {
		if ((cwd = getcwd(NULL, 0)) == NULL) {
			json_decref(envs);
			config_free(&cfg);
			return (cli_error("getcwd: %s", strerror(errno)));
		}
		dir = cwd;
	} else if (*dir != '/') {
		/* Relative to here, unresolved: the host reports a bad one. */
		if ((end = getcwd(NULL, 0)) == NULL) {
			json_decref(envs);
			config_free(&cfg);
			return (cli_error("getcwd: %s", strerror(errno)));
		}
		xasprintf(&cwd, "%s/%s", end, dir);
		free(end);
		dir = cwd;
	}

	id = client_make_id();
	exec = json_array();
	for (i = optind; i < argc; i++)
		json_array_append_new(exec, json_string(argv[i]));
	req = json_pack("{s:s, s:s, s:s, s:o, s:o}", "id", id, "whoami", whoami,
	    "dir", dir, "exec", exec, "envs", envs);
	if (req == NULL) {
		free(id);
		free(cwd);
		config_free(&cfg);
		return (cli_usage("run", "arguments must be valid UTF-8"));
	}
	if (env_mode == ENV_CLIENT)
		json_object_set_new(req, "base_env", client_environ());
	else if (env_mode == ENV_CLEAR)
		json_object_set_new(req, "clear_env", json_true());
	if (timeout >= 0)
		json_object_set_new(req, "timeout", json_real(timeout));
	if (max_output >= 0)
		json_object_set_new(req, "max_output", json_integer(max_output));
	if (yield > 0)
		json_object_set_new(req, "yield", json_real(yield));
	if (want_stdin) {
		if (read_stdin(&stdin_data, &stdin_len) != 0) {
			r = cli_error("stdin: %s", strerror(errno));
			goto out_req;
		}
		if (json_object_set_new(req, "stdin", json_stringn(stdin_data,
		    stdin_len)) != 0) {
			free(stdin_data);
			r = cli_usage("run", "--read-stdin: input is not valid "
			    "UTF-8 text");
			goto out_req;
		}
		free(stdin_data);
	} else if (stdin_unread())
		fprintf(stderr, "rexec: stdin is not read; pass --read-stdin "
		    "to send it\n");

	if ((c = client_open(&cfg, &cause)) == NULL) {
		config_free(&cfg);
		if (cause != NULL) {
			r = cli_error("%s", cause);
			free(cause);
			r = 127;
		} else {
			fprintf(stderr, "HOST NOT FOUND\n");
			r = 127;
		}
		goto out_req;
	}
	config_free(&cfg);
	r = client_send(c, req, &cause);
	if (r == CLIENT_NO_HOST) {
		fprintf(stderr, "HOST NOT FOUND\n");
		r = 127;
		goto out;
	}
	if (r != 0) {
		cli_error("%s", cause);
		r = 127;
		goto out;
	}
	r = client_wait(c, id, -1, &reply, &cause);
	if (r == CLIENT_SIGNAL) {
		sig = client_signal(c);
		if (send_abort(c, id) == 0)
			(void)client_wait(c, id, RUN_ABORT_WAIT, &reply, &cause);
		if (reply != NULL)
			(void)client_print_reply(reply, argv[optind], as_json);
		json_decref(reply);
		client_close(c);
		free(cause);
		json_decref(req);
		free(id);
		free(cwd);
		client_exit_signal(sig);
	}
	if (r != 0) {
		cli_error("%s", cause != NULL ? cause : "no reply");
		r = 127;
		goto out;
	}
	r = client_print_reply(reply, argv[optind], as_json);
out:
	json_decref(reply);
	client_close(c);
	free(cause);
out_req:
	config_free(&cfg);	/* again after client_open: it is zeroed */
	json_decref(req);
	free(id);
	free(cwd);
	return (r);
}
