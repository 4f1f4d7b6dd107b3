/*
 * cmd_replay.c: `rexec replay [SESSION:]SEQ|FILE [--speed X] [--idle-limit
 * S] [--raw]` -- play an asciicast v2 recording on stdout with its timing.
 *
 * It reads any asciicast v2 file, rexec's or asciinema's, through cast.c:
 * "o" events are written out, and the malformed lines cast.c skipped are
 * reported at the end.  It never talks to a host and never changes the
 * terminal's modes itself.  A recording is the output of a command an
 * agent chose, so by default it goes through ttyfilter.c, which keeps what
 * draws and drops what would act on the human's terminal (clipboard,
 * title, queries whose answers would be typed into the shell); --raw
 * writes the bytes as recorded.  An interrupted replay on a terminal ends
 * with the attributes reset.
 */
#include "rexec.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cast.h"
#include "cli.h"
#include "journal.h"
#include "mono.h"
#include "ttyfilter.h"

/* Output held before a write(2). */
#define REPLAY_BUFFER		(64 * 1024)
/* Longest single sleep, so that any gap converts to a timespec. */
#define REPLAY_SLEEP_MAX	86400.0
/* What an interrupted replay leaves on a terminal: SGR 0, cursor shown. */
#define REPLAY_RESET		"\033[0m\033[?25h"

struct replay_opts {
	double	speed;		/* 0 = no waiting */
	double	idle_limit;	/* 0 = none */
	int	idle_given;
	int	raw;		/* write the recording unfiltered */
};

struct replay {
	struct cast		*cast;
	const struct replay_opts *opts;
	double			 idle_limit;	/* 0 = none */
	struct ttyfilter	*filter;	/* NULL with --raw */

	char			*out;		/* not yet written */
	size_t			 outlen;
	int			 out_error;	/* errno of a failed write */

	double			 start;		/* monotonic, when play began */
	double			 clock;		/* where play is, scaled */
	double			 last_t;	/* the recording's time */
};

static volatile sig_atomic_t replay_signal;

static int	replay_number(const char *, double *);
static int	replay_resolve(const char *, char **, char **);
static void	replay_catch(int);
static int	replay_write(const char *, size_t);
static int	replay_flush(struct replay *);
static void	replay_out(const char *, size_t, void *);
static int	replay_wait(struct replay *, double);
static int	replay_play(struct replay *);
static int	replay_run(const char *, const struct replay_opts *);

int
cmd_replay_exec(int argc, char **argv)
{
	static const struct option	 longopts[] = {
		{ "speed", required_argument, NULL, 's' },
		{ "idle-limit", required_argument, NULL, 'i' },
		{ "raw", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	struct replay_opts		 opts;
	char				*path, *cause;
	int				 ch, status;

	memset(&opts, 0, sizeof opts);
	opts.speed = 1;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			if (replay_number(optarg, &opts.speed) != 0)
				return (cli_usage("replay",
				    "--speed: not a number: \"%s\"", optarg));
			if (opts.speed < 0)
				return (cli_usage("replay",
				    "--speed: not 0 or more: \"%s\"", optarg));
			break;
		case 'i':
			if (replay_number(optarg, &opts.idle_limit) != 0)
				return (cli_usage("replay",
				    "--idle-limit: not a number: \"%s\"",
				    optarg));
			if (opts.idle_limit <= 0)
				return (cli_usage("replay",
				    "--idle-limit: not more than 0: \"%s\"",
				    optarg));
			opts.idle_given = 1;
			break;
		case 'r':
			opts.raw = 1;
			break;
		case ':':
			return (cli_usage("replay", "%s: needs an argument",
			    argv[optind - 1]));
		default:
			return (cli_usage("replay", "unknown option: %s",
			    argv[optind - 1]));
		}
	}
	if (optind == argc)
		return (cli_usage("replay", "missing recording"));
	if (optind + 1 < argc)
		return (cli_usage("replay", "unexpected argument: \"%s\"",
		    argv[optind + 1]));

	if (replay_resolve(argv[optind], &path, &cause) != 0) {
		status = cli_error("%s", cause);
		free(cause);
		return (status);
	}
	status = replay_run(path, &opts);
	free(path);
	return (status);
}

/* A finite decimal number, nothing after it. */
static int
replay_number(const char *s, double *out)
{
	char	*end;
	double	 v;

	errno = 0;
	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || errno == ERANGE || !isfinite(v))
		return (-1);
	*out = v;
	return (0);
}

/*
 * Turn the argument into the path of a recording.  A path is anything
 * with a '/' or ending in ".cast"; [SESSION:]SEQ through the journal is
 * not known here yet, so it is "no such recording".
 */
static int
replay_resolve(const char *arg, char **path, char **cause)
{
	json_t		*line;
	const char	*rec;
	char		*dir;
	size_t		 len = strlen(arg);
	int		 r;

	if (strchr(arg, '/') != NULL ||
	    (len > 5 && strcmp(arg + len - 5, ".cast") == 0)) {
		*path = xstrdup(arg);
		return (0);
	}
	/* [SESSION:]SEQ: the recording its journal line names. */
	if ((dir = cli_journal_dir()) == NULL) {
		*cause = xstrdup("no journal directory");
		return (-1);
	}
	r = journal_lookup(dir, arg, &line, cause);
	free(dir);
	if (r != 0)
		return (-1);
	rec = json_string_value(json_object_get(line, "record"));
	if (rec == NULL) {
		xasprintf(cause, "%s: that run has no recording", arg);
		json_decref(line);
		return (-1);
	}
	*path = xstrdup(rec);
	json_decref(line);
	return (0);
}

static void
replay_catch(int sig)
{
	replay_signal = sig;
}

/* Write all of buf to stdout; 0, or -1 with errno set. */
static int
replay_write(const char *buf, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		n = write(STDOUT_FILENO, buf, len);
		if (n == -1) {
			if (errno == EINTR && !replay_signal)
				continue;
			return (-1);
		}
		buf += n;
		len -= (size_t)n;
	}
	return (0);
}

static int
replay_flush(struct replay *rp)
{
	int	r = 0;

	if (rp->outlen != 0 && rp->out_error == 0) {
		if ((r = replay_write(rp->out, rp->outlen)) == -1 &&
		    !replay_signal)
			rp->out_error = errno;
	}
	rp->outlen = 0;
	return (r);
}

/* Queue output for stdout; also the filter's emit callback. */
static void
replay_out(const char *data, size_t len, void *arg)
{
	struct replay	*rp = arg;

	if (rp->outlen + len > REPLAY_BUFFER)
		replay_flush(rp);
	if (len > REPLAY_BUFFER) {
		if (rp->out_error == 0 && replay_write(data, len) == -1 &&
		    !replay_signal)
			rp->out_error = errno;
	} else {
		memcpy(rp->out + rp->outlen, data, len);
		rp->outlen += len;
	}
}

/*
 * Sleep until the event at recording time t is due.  Gaps are capped at
 * the idle limit, then divided by the speed.  Returns -1 if a signal came.
 */
static int
replay_wait(struct replay *rp, double t)
{
	struct timespec	ts;
	double		gap, left;

	gap = t > rp->last_t ? t - rp->last_t : 0;
	if (t > rp->last_t)
		rp->last_t = t;
	if (rp->idle_limit > 0 && gap > rp->idle_limit)
		gap = rp->idle_limit;
	if (rp->opts->speed == 0)
		return (replay_signal ? -1 : 0);
	rp->clock += gap / rp->opts->speed;
	if (rp->start + rp->clock <= mono_now())
		return (replay_signal ? -1 : 0);
	if (replay_flush(rp) == -1)
		return (replay_signal ? -1 : 0);
	while (!replay_signal) {
		left = rp->start + rp->clock - mono_now();
		if (left <= 0)
			break;
		if (left > REPLAY_SLEEP_MAX)
			left = REPLAY_SLEEP_MAX;
		ts.tv_sec = (time_t)left;
		ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
		nanosleep(&ts, NULL);
	}
	return (replay_signal ? -1 : 0);
}

/* Play every event; -1 if a signal stopped it. */
static int
replay_play(struct replay *rp)
{
	const char	*data;
	size_t		 len;
	double		 t;

	rp->start = mono_now();
	while (rp->out_error == 0 &&
	    cast_next(rp->cast, &t, &data, &len) == 1) {
		if (replay_wait(rp, t) == -1)
			break;
		if (rp->filter != NULL)
			ttyfilter_feed(rp->filter, data, len);
		else
			replay_out(data, len, rp);
	}
	if (replay_signal)
		return (-1);
	if (rp->filter != NULL)
		ttyfilter_finish(rp->filter);
	replay_flush(rp);
	return (replay_signal ? -1 : 0);
}

static int
replay_run(const char *path, const struct replay_opts *opts)
{
	struct sigaction	 sa, old[3];
	static const int	 sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct replay		 rp;
	const struct cast_header *hdr;
	char			*cause;
	size_t			 i, skipped, first;
	int			 status = 0, stopped, sig;

	memset(&rp, 0, sizeof rp);
	rp.opts = opts;
	rp.idle_limit = opts->idle_limit;
	if ((rp.cast = cast_open(path, &cause)) == NULL) {
		status = cli_error("%s", cause);
		free(cause);
		return (status);
	}
	/* asciinema honours the recording's own limit; so do we. */
	hdr = cast_header(rp.cast);
	if (!opts->idle_given && hdr->idle_time_limit > 0)
		rp.idle_limit = hdr->idle_time_limit;

	/* No SA_RESTART: a signal must cut a sleep or a blocked write. */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = replay_catch;
	sigemptyset(&sa.sa_mask);
	replay_signal = 0;
	for (i = 0; i < nitems(sigs); i++)
		sigaction(sigs[i], &sa, &old[i]);
	rp.out = xmalloc(REPLAY_BUFFER);
	if (!opts->raw)
		rp.filter = ttyfilter_new(replay_out, &rp);
	stopped = replay_play(&rp) == -1;
	sig = replay_signal;
	if (stopped && isatty(STDOUT_FILENO)) {
		replay_signal = 0;
		replay_write(REPLAY_RESET, strlen(REPLAY_RESET));
	}
	for (i = 0; i < nitems(sigs); i++)
		sigaction(sigs[i], &old[i], NULL);

	if (stopped)
		status = 128 + sig;
	else if (rp.out_error != 0)
		status = cli_error("replay: stdout: %s",
		    strerror(rp.out_error));
	else if (cast_errno(rp.cast) != 0)
		status = cli_error("%s: %s", path,
		    strerror(cast_errno(rp.cast)));
	if ((skipped = cast_skipped(rp.cast, &first)) != 0)
		cli_error("%s: %zu malformed event%s skipped (first at line "
		    "%zu)", path, skipped, skipped == 1 ? "" : "s", first);
	if (rp.filter != NULL)
		ttyfilter_free(rp.filter);
	free(rp.out);
	cast_close(rp.cast);
	return (status);
}
