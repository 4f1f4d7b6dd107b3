/*
 * mcp.c: the MCP server, "rexec mcp" (DESIGN.md section 10).
 *
 * One process, one thread, one poll() loop, as the host: stdin brings
 * JSON-RPC messages, one a line (mcp_input -> mcp_line -> mcp_request ->
 * mcp_call); a tool call becomes one host request written to the control
 * FIFO (client_post) and a struct hreq that waits for replies/<id>.json;
 * an inotify watch on replies/ says when a reply has landed (mcp_replies
 * -> mcp_answer), so many calls overlap and a slow run never holds back
 * another call's answer.  Once a second (mcp_tick) every waiting request
 * is looked at again: a reply the watch could not see (it was set up
 * after the host started), a host that no longer holds its lock (the
 * call gets an error, never a hang), a deadline, and progress.
 *
 * Progress: a run's seq only comes back in its reply, so a call with a
 * progressToken asks the host for its status once to learn the seq, then
 * peeks at the run once a second with a wait of timeout 0 from the last
 * offset; the run itself is never detached for it.  The notification
 * carries the seconds elapsed and the run's current last line.
 *
 * Every line that is not a notification gets exactly one answer, under
 * its own id whenever one can be read: jansson parses with JSON_ALLOW_NUL
 * (a NUL is refused by name, where it matters, as a bad argument), and a
 * line jansson refuses has its id guessed by jsonfield_guess, as the
 * host does for the control FIFO.  A client never waits for an answer
 * that will not come.
 *
 * The runtime directory is held to the host's checks before anything is
 * sent (client_check_dir, at start and on every call, since hosts come
 * and go while the server lives): a directory that fails them is never
 * written to, and each call says why in its error.
 *
 * Only JSON-RPC goes to stdout, one line per message; diagnostics go to
 * stderr.  Nothing a client sends ends the server but the end of stdin,
 * and then the runs of the calls still in flight are aborted, as a client
 * that goes away aborts its run.
 */
#include "rexec.h"

#include <sys/inotify.h>
#include <sys/queue.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <jansson.h>

#include "client.h"
#include "config.h"
#include "hostlock.h"
#include "jsonfield.h"
#include "mcp.h"
#include "mono.h"
#include "paths.h"
#include "utf8.h"

/* The largest message read from stdin. */
#define MCP_MESSAGE_MAX		(16 * 1024 * 1024)
/* How long an abandoned request's reply is waited for, to delete it. */
#define MCP_ORPHAN_WAIT		60.0
/* The longest last line a progress notification carries. */
#define MCP_PROGRESS_LINE	200
/* How long the client may take to answer roots/list. */
#define MCP_ROOTS_WAIT		10.0

static const char *const mcp_versions[] = {
	"2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"
};

static const char mcp_instructions[] =
    "rexec runs commands on the user's machine in a fresh terminal each, "
    "shown live to the human supervising you, and journals every run.\n"
    "- exec runs argv without a shell; shell runs one command line with "
    "/bin/sh -c.  A result's text is what the terminal showed (progress "
    "bars and other redraws collapsed to their final state), as is, then "
    "one line in brackets: [exit 2 \xc2\xb7 3.1 s \xc2\xb7 run 14].  "
    "structuredContent has every field (seq, exit, output, error, ...).\n"
    "- exit 128+N means the command was killed by signal N; 124 means a "
    "timeout (the line says which: timeout, idle timeout, killed waiting "
    "for input).\n"
    "- A cut output says so in that line (output cut: N bytes omitted, "
    "read_output seq S offset K): read_output with them returns the rest.\n"
    "- For anything that may run long (servers, watchers, long builds, "
    "interactive programs) pass yield: N seconds.  A run still going then "
    "ends with [still running \xc2\xb7 run 14 \xc2\xb7 wait with offset "
    "K]: call wait with seq 14 and that offset (and a timeout) to follow "
    "it, input to type into it, screen to see a full-screen program, "
    "cancel to stop it.\n"
    "- A command waiting for terminal input says [waiting for input ...], "
    "even before yield's seconds are up: answer it with input, or cancel "
    "it.\n"
    "- Run numbers go on across host restarts, so a seq names one run for "
    "ever; read_output finds it in whichever session holds it.\n"
    "- A run's environment is the host's (or yours, if the user's "
    "configuration says so) plus envs; clear_env: true starts from an "
    "empty one.\n"
    "- A call rexec cannot do as asked (an unknown or ended run, a bad key "
    "name, a bad argument) is an error result with one sentence and no "
    "exit: nothing ran.\n"
    "- Without dir, a run starts in the client's first root when the "
    "client offers roots, else in the MCP server's current directory.\n"
    "- HOST NOT FOUND means no rexec host is running: ask the human to "
    "start one (rexec in a terminal); check_host tells.";

/* What the server knows of the client's roots. */
enum roots_state {
	ROOTS_NONE,		/* the client offers none: the server's cwd */
	ROOTS_UNKNOWN,		/* offered, not asked yet */
	ROOTS_ASKING,		/* roots/list is out */
	ROOTS_KNOWN		/* answered (or given up on): root */
};

/* What a host request is for. */
enum hreq_kind {
	HREQ_CALL,		/* the call's own request: its answer */
	HREQ_STATUS,		/* progress: find the run's seq */
	HREQ_PEEK		/* progress: the run's last line */
};

/* A request sent to the host, waiting for replies/<id>.json. */
struct hreq {
	TAILQ_ENTRY(hreq)	 link;
	char			*id;
	enum hreq_kind		 kind;
	struct call		*call;		/* NULL: abandoned */
	pid_t			 host;		/* the host it went to */
	double			 deadline;	/* 0: none */
};

/* A tools/call in flight. */
struct call {
	TAILQ_ENTRY(call)	 link;
	json_t			*rpc_id;
	const struct mcp_tool	*tool;
	struct hreq		*hreq;
	json_t			*token;		/* progressToken, or NULL */
	double			 start;
	double			 next_progress;
	json_int_t		 progress;	/* the last one sent */
	json_int_t		 seq;		/* the run's, once known */
	json_int_t		 offset;	/* where the next peek starts */
	char			*line;		/* the run's last line */
	int			 asking;	/* a status or peek is out */
	json_t			*params;	/* waits for the roots */
};

struct mcp {
	const struct config	*cfg;
	const char		*whoami_opt;
	char			*whoami;
	char			*rundir;
	char			*replies;
	char			*lock;
	char			*journal_dir;
	char			*cwd;
	json_t			*base_env;	/* [run] env = client: ours */
	const char		*version;	/* NULL: not initialized */

	enum roots_state	 roots;
	char			*roots_id;	/* of the roots/list out */
	unsigned int		 roots_asked;
	double			 roots_deadline;
	char			*root;		/* the first root, or NULL */

	int			 in_fd;
	int			 out_fd;
	int			 ino_fd;
	int			 wd;		/* on replies/, or -1 */
	char			*in;
	size_t			 in_len;
	int			 discarding;	/* a message over the limit */
	int			 done;

	TAILQ_HEAD(, call)	 calls;
	TAILQ_HEAD(, hreq)	 hreqs;
};

static void	mcp_send(struct mcp *, json_t *);
static void	mcp_call_free(struct mcp *, struct call *);
static int	mcp_is(json_t *, const char *);
static json_t	*mcp_guess_id(const char *, size_t);
static void	mcp_unparsed(struct mcp *, const char *, size_t,
		    const json_error_t *);
static void	mcp_fail(struct mcp *, struct hreq *, const char *);
static void	mcp_call(struct mcp *, json_t *, json_t *);
static void	mcp_roots_park(struct mcp *, json_t *, const struct mcp_tool *,
		    json_t *);
static void	mcp_roots_resume(struct mcp *);
static void	mcp_roots_ask(struct mcp *);

/* Write one message (which it takes) as one line on stdout. */
static void
mcp_send(struct mcp *m, json_t *msg)
{
	char	*text;
	size_t	 len, off = 0;
	ssize_t	 n;

	text = json_dumps(msg, JSON_COMPACT);
	json_decref(msg);
	if (text == NULL)
		return;
	len = strlen(text);
	text = xrealloc(text, len + 2);
	text[len++] = '\n';
	while (off < len && !m->done) {
		n = write(m->out_fd, text + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "rexec mcp: stdout: %s\n",
			    n == -1 ? strerror(errno) : "short write");
			m->done = 1;	/* nobody reads us any more */
			break;
		}
		off += n;
	}
	free(text);
}

static void
mcp_result(struct mcp *m, json_t *id, json_t *result)
{
	mcp_send(m, json_pack("{s:s, s:O, s:o}", "jsonrpc", "2.0", "id", id,
	    "result", result));
}

/* An error answer; id NULL when the request's id could not be read. */
static void
mcp_error(struct mcp *m, json_t *id, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * The message is made valid UTF-8 first: jansson's error text may end in
 * the middle of a character, and a message jansson cannot hold would
 * leave the request with no answer at all.
 */
static void
mcp_error(struct mcp *m, json_t *id, int code, const char *fmt, ...)
{
	va_list	 ap;
	char	*text, *clean;
	size_t	 len;

	va_start(ap, fmt);
	xvasprintf(&text, fmt, ap);
	va_end(ap);
	clean = utf8_sanitize(text, strlen(text), &len);
	mcp_send(m, json_pack("{s:s, s:O, s:{s:i, s:s#}}", "jsonrpc", "2.0",
	    "id", id != NULL ? id : json_null(), "error", "code", code,
	    "message", clean, len));
	free(clean);
	free(text);
}

static int
mcp_structured(const struct mcp *m)
{
	return (strcmp(m->version, "2025-06-18") >= 0);
}

/* Watch replies/ if it is there and not watched yet. */
static void
mcp_watch(struct mcp *m)
{
	if (m->wd != -1)
		return;
	m->wd = inotify_add_watch(m->ino_fd, m->replies, IN_MOVED_TO |
	    IN_CLOSE_WRITE | IN_ONLYDIR | IN_DONT_FOLLOW);
}

/*
 * Send one host request for call (NULL: none waits for it).  Returns the
 * waiting hreq, or NULL with *why (HOST NOT FOUND or the cause).
 */
static struct hreq *
mcp_post(struct mcp *m, struct call *call, enum hreq_kind kind, json_t *req,
    double wait, char **why)
{
	struct hreq	*h;
	pid_t		 host;
	char		*cause = NULL;
	int		 r;

	mcp_watch(m);		/* before the request: no reply slips by */
	r = client_post(m->rundir, req, &host, &cause);
	if (r != 0) {
		if (r == CLIENT_NO_HOST) {
			free(cause);
			cause = xstrdup("HOST NOT FOUND");
		}
		*why = cause;
		return (NULL);
	}
	h = xcalloc(1, sizeof *h);
	h->id = xstrdup(json_string_value(json_object_get(req, "id")));
	h->kind = kind;
	h->call = call;
	h->host = host;
	h->deadline = wait >= 0 ? mono_now() + wait : 0;
	TAILQ_INSERT_TAIL(&m->hreqs, h, link);
	return (h);
}

static void
mcp_hreq_free(struct mcp *m, struct hreq *h)
{
	TAILQ_REMOVE(&m->hreqs, h, link);
	free(h->id);
	free(h);
}

/* Leave h's reply to be deleted when it comes, for nobody. */
static void
mcp_hreq_abandon(struct hreq *h)
{
	h->call = NULL;
	h->deadline = mono_now() + MCP_ORPHAN_WAIT;
}

static struct call *
mcp_call_find(struct mcp *m, json_t *rpc_id)
{
	struct call	*c;

	TAILQ_FOREACH(c, &m->calls, link) {
		if (json_equal(c->rpc_id, rpc_id))
			return (c);
	}
	return (NULL);
}

static void
mcp_call_free(struct mcp *m, struct call *c)
{
	struct hreq	*h;

	TAILQ_FOREACH(h, &m->hreqs, link) {
		if (h->call == c)
			mcp_hreq_abandon(h);
	}
	TAILQ_REMOVE(&m->calls, c, link);
	json_decref(c->rpc_id);
	json_decref(c->token);
	json_decref(c->params);
	free(c->line);
	free(c);
}

/* Answer call with result (which it takes) and forget it. */
static void
mcp_call_done(struct mcp *m, struct call *c, json_t *result)
{
	mcp_result(m, c->rpc_id, result);
	mcp_call_free(m, c);
}

/* Abort the run of call c on the host (by its request's id). */
static void
mcp_call_abort(struct mcp *m, struct call *c)
{
	json_t	*req;
	pid_t	 host;
	char	*cause = NULL;

	if (c->hreq == NULL || mcp_tool_kind(c->tool) != MCP_TOOL_RUN)
		return;
	req = json_pack("{s:s, s:s}", "action", "abort", "id", c->hreq->id);
	if (client_post(m->rundir, req, &host, &cause) != 0 && cause != NULL)
		fprintf(stderr, "rexec mcp: abort: %s\n", cause);
	free(cause);
	json_decref(req);
}

/* The whoami of the runs: --whoami, else the client's name, else "mcp". */
static void
mcp_set_whoami(struct mcp *m, json_t *params)
{
	const char	*name;
	uint32_t	 cp;
	size_t		 len, i, o, n;

	free(m->whoami);
	name = m->whoami_opt;
	if (name == NULL)
		name = json_string_value(json_object_get(json_object_get(params,
		    "clientInfo"), "name"));
	if (name == NULL || *name == '\0') {
		m->whoami = xstrdup("mcp");
		return;
	}
	/*
	 * A client's name is whatever it says: what the host would refuse
	 * in a whoami (a control or bidi character) becomes '_'.  The name
	 * is valid UTF-8 (jansson), so only those are replaced.
	 */
	len = utf8_truncate(name, strnlen(name, 64));
	m->whoami = xmalloc(len + 1);
	for (i = o = 0; i < len; i += n) {
		if ((n = utf8_char(name + i, len - i, &cp)) == 0) {
			n = 1;
			cp = UTF8_REPLACEMENT;
		}
		if (utf8_is_control(cp) || utf8_is_bidi(cp))
			m->whoami[o++] = '_';
		else {
			memcpy(m->whoami + o, name + i, n);
			o += n;
		}
	}
	m->whoami[o] = '\0';
}

/*
 * A client that initializes again while calls wait for its roots: they
 * wait for the new roots, or go on in the server's cwd if it offers none.
 */
static void
mcp_roots_renew(struct mcp *m)
{
	struct call	*c;

	TAILQ_FOREACH(c, &m->calls, link) {
		if (c->params != NULL)
			break;
	}
	if (c == NULL)
		return;
	if (m->roots == ROOTS_NONE)
		mcp_roots_resume(m);
	else
		mcp_roots_ask(m);
}

static void
mcp_initialize(struct mcp *m, json_t *id, json_t *params)
{
	json_t		*info, *v;
	size_t		 i;

	v = json_object_get(params, "protocolVersion");
	if (!json_is_string(v)) {
		mcp_error(m, id, MCP_INVALID_PARAMS, "protocolVersion: missing");
		return;
	}
	m->version = mcp_versions[nitems(mcp_versions) - 1];
	for (i = 0; i < nitems(mcp_versions); i++) {
		if (mcp_is(v, mcp_versions[i]))
			m->version = mcp_versions[i];
	}
	mcp_set_whoami(m, params);
	free(m->roots_id);
	m->roots_id = NULL;
	free(m->root);
	m->root = NULL;
	m->roots = json_is_object(json_object_get(json_object_get(params,
	    "capabilities"), "roots")) ? ROOTS_UNKNOWN : ROOTS_NONE;
	mcp_roots_renew(m);
	info = json_pack("{s:s, s:s, s:s}", "name", "rexec", "version",
	    PACKAGE_VERSION, "title", "rexec: commands in terminals a human "
	    "watches");
	mcp_result(m, id, json_pack("{s:s, s:{s:{s:b}}, s:o, s:s}",
	    "protocolVersion", m->version, "capabilities", "tools",
	    "listChanged", 0, "serverInfo", info, "instructions",
	    mcp_instructions));
}

/*
 * Is a host of ours there (client_host_ready)?  0, or -1 with *why:
 * HOST NOT FOUND, or what in the runtime directory is not to be trusted.
 */
static int
mcp_host(struct mcp *m, char **why)
{
	pid_t	pid;

	if ((pid = client_host_ready(m->rundir, why)) == -1)
		return (-1);
	if (pid == 0) {
		*why = xstrdup("HOST NOT FOUND");
		return (-1);
	}
	return (0);
}

/* check_host: the runtime directory and the lock say it all. */
static json_t *
mcp_check_host(struct mcp *m)
{
	json_t	*res;
	char	*why;

	if (mcp_host(m, &why) != 0) {
		res = mcp_tool_error(why, 0);
		free(why);
		return (res);
	}
	res = json_pack("{s:[{s:s, s:s}], s:b}", "content", "type", "text",
	    "text", "HOST RUNNING", "isError", 0);
	return (res);
}

/*
 * tools/call: check the arguments, then answer at once (check_host,
 * read_output, no host) or send the host request and wait for it.
 */
static void
mcp_call(struct mcp *m, json_t *id, json_t *params)
{
	const struct mcp_tool	*t;
	const char		*name;
	struct mcp_ctx		 ctx;
	struct call		*c;
	json_t			*args, *req, *token;
	char			*why, *hid;

	name = json_string_value(json_object_get(params, "name"));
	if (name == NULL) {
		mcp_error(m, id, MCP_INVALID_PARAMS, "name: missing");
		return;
	}
	if (strlen(name) != json_string_length(json_object_get(params,
	    "name"))) {
		mcp_error(m, id, MCP_INVALID_PARAMS, "name: contains NUL");
		return;
	}
	if ((t = mcp_tool_find(name)) == NULL) {
		mcp_error(m, id, MCP_INVALID_PARAMS, "unknown tool \"%s\"",
		    name);
		return;
	}
	args = json_object_get(params, "arguments");
	if (args != NULL && !json_is_object(args)) {
		mcp_error(m, id, MCP_INVALID_PARAMS, "arguments: not an object");
		return;
	}
	args = args != NULL ? json_incref(args) : json_object();
	hid = client_make_id();
	ctx.whoami = m->whoami;
	ctx.cwd = m->root != NULL ? m->root : m->cwd;
	ctx.id = hid;
	ctx.base_env = m->base_env;
	if (mcp_tool_request(t, args, &ctx, &req, &why) != 0) {
		mcp_result(m, id, mcp_tool_refused(name, why,
		    mcp_structured(m)));
		free(why);
		goto out;
	}
	if (mcp_tool_kind(t) == MCP_TOOL_CHECK) {
		mcp_result(m, id, mcp_check_host(m));
		goto out;
	}
	if (mcp_host(m, &why) != 0) {
		mcp_result(m, id, mcp_tool_error(why, mcp_structured(m)));
		free(why);
		goto out;
	}
	if (mcp_tool_kind(t) == MCP_TOOL_RUN && json_object_get(args,
	    "dir") == NULL && m->roots != ROOTS_NONE &&
	    m->roots != ROOTS_KNOWN) {
		mcp_roots_park(m, id, t, params);
		goto out;
	}
	if (mcp_tool_kind(t) == MCP_TOOL_JOURNAL) {
		mcp_result(m, id, mcp_tool_read_output(args, m->journal_dir,
		    m->cfg->agent_max_output_limit, mcp_structured(m)));
		goto out;
	}

	c = xcalloc(1, sizeof *c);
	c->rpc_id = json_incref(id);
	c->tool = t;
	c->start = mono_now();
	c->next_progress = c->start + 1;
	token = json_object_get(json_object_get(params, "_meta"),
	    "progressToken");
	if (json_is_string(token) || json_is_integer(token))
		c->token = json_incref(token);
	TAILQ_INSERT_TAIL(&m->calls, c, link);
	c->hreq = mcp_post(m, c, HREQ_CALL, req, mcp_tool_deadline(t, args),
	    &why);
	if (c->hreq == NULL) {
		mcp_call_done(m, c, mcp_tool_error(why, mcp_structured(m)));
		free(why);
	}
out:
	json_decref(req);
	json_decref(args);
	free(hid);
}

/*
 * Ask the client for its roots (again: a list_changed makes the answer
 * to an earlier question stale, and it is dropped by its id).
 */
static void
mcp_roots_ask(struct mcp *m)
{
	free(m->roots_id);
	xasprintf(&m->roots_id, "rexec-roots-%u", ++m->roots_asked);
	m->roots = ROOTS_ASKING;
	m->roots_deadline = mono_now() + MCP_ROOTS_WAIT;
	mcp_send(m, json_pack("{s:s, s:s, s:s}", "jsonrpc", "2.0", "id",
	    m->roots_id, "method", "roots/list"));
}

/*
 * A run without dir while the roots are not known yet: the call waits
 * for them (as a call in flight: a duplicate id is refused, a cancel
 * forgets it) and is made again once they are known.
 */
static void
mcp_roots_park(struct mcp *m, json_t *id, const struct mcp_tool *t,
    json_t *params)
{
	struct call	*c;

	if (m->roots == ROOTS_UNKNOWN)
		mcp_roots_ask(m);
	c = xcalloc(1, sizeof *c);
	c->rpc_id = json_incref(id);
	c->tool = t;
	c->params = json_incref(params);
	c->start = mono_now();
	TAILQ_INSERT_TAIL(&m->calls, c, link);
}

/* The roots are known: make each call that waited for them. */
static void
mcp_roots_resume(struct mcp *m)
{
	struct call	*c, *next;
	json_t		*id, *params;

	for (c = TAILQ_FIRST(&m->calls); c != NULL; c = next) {
		next = TAILQ_NEXT(c, link);
		if (c->params == NULL)
			continue;
		id = json_incref(c->rpc_id);
		params = json_incref(c->params);
		mcp_call_free(m, c);
		mcp_call(m, id, params);
		json_decref(params);
		json_decref(id);
	}
}

/* A hex digit's value, or -1. */
static int
mcp_hex(char c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

/*
 * The path of a file:// URI ("file:///home/me/x", "file://localhost/x",
 * percent-escapes decoded), or NULL when the URI names no local absolute
 * path: another scheme or host, a bad escape, a NUL.
 */
static char *
mcp_root_path(const char *uri)
{
	const char	*p;
	char		*path, *o;
	int		 hi, lo;

	if (strncasecmp(uri, "file://", 7) != 0)
		return (NULL);
	p = uri + 7;
	if (strncasecmp(p, "localhost/", 10) == 0)
		p += 9;
	if (*p != '/')
		return (NULL);
	path = o = xmalloc(strlen(p) + 1);
	for (; *p != '\0' && *p != '?' && *p != '#'; p++) {
		if (*p != '%') {
			*o++ = *p;
			continue;
		}
		if ((hi = mcp_hex(p[1])) == -1 || (lo = mcp_hex(p[2])) == -1 ||
		    (hi == 0 && lo == 0)) {
			free(path);
			return (NULL);
		}
		*o++ = (char)(hi << 4 | lo);
		p += 2;
	}
	*o = '\0';
	return (path);
}

/*
 * The client's answer to roots/list (result NULL: an error): the first
 * root with a local path is the default dir; none, the server's cwd.
 */
static void
mcp_roots_answer(struct mcp *m, json_t *result)
{
	json_t		*root;
	const char	*uri;
	size_t		 i;

	free(m->roots_id);
	m->roots_id = NULL;
	free(m->root);
	m->root = NULL;
	m->roots = ROOTS_KNOWN;
	json_array_foreach(json_object_get(result, "roots"), i, root) {
		uri = json_string_value(json_object_get(root, "uri"));
		if (uri != NULL && strlen(uri) == json_string_length(
		    json_object_get(root, "uri")) &&
		    (m->root = mcp_root_path(uri)) != NULL)
			break;
	}
	mcp_roots_resume(m);
}

/* A response from the client: only the answer to roots/list is awaited. */
static void
mcp_response(struct mcp *m, json_t *id, json_t *msg)
{
	json_t	*result;

	if (m->roots_id == NULL || !mcp_is(id, m->roots_id))
		return;
	result = json_object_get(msg, "result");
	if (result == NULL)
		fprintf(stderr, "rexec mcp: roots/list: %s\n",
		    json_string_value(json_object_get(json_object_get(msg,
		    "error"), "message")) != NULL ?
		    json_string_value(json_object_get(json_object_get(msg,
		    "error"), "message")) : "an error");
	mcp_roots_answer(m, result);
}

/* notifications/cancelled: stop waiting, and abort the call's run. */
static void
mcp_cancelled(struct mcp *m, json_t *params)
{
	struct call	*c;

	c = mcp_call_find(m, json_object_get(params, "requestId"));
	if (c == NULL)
		return;		/* answered already, or never asked */
	mcp_call_abort(m, c);
	mcp_call_free(m, c);
}

static void
mcp_notification(struct mcp *m, const char *method, json_t *params)
{
	if (strcmp(method, "notifications/cancelled") == 0)
		mcp_cancelled(m, params);
	else if ((strcmp(method, "notifications/initialized") == 0 &&
	    m->roots == ROOTS_UNKNOWN) || (strcmp(method,
	    "notifications/roots/list_changed") == 0 && m->roots != ROOTS_NONE))
		mcp_roots_ask(m);
	/* The rest need nothing. */
}

/* One request (it has an id): the methods of the server. */
static void
mcp_request(struct mcp *m, json_t *id, const char *method, json_t *params)
{
	if (strcmp(method, "ping") == 0) {
		mcp_result(m, id, json_object());
		return;
	}
	if (strcmp(method, "initialize") == 0) {
		mcp_initialize(m, id, params);
		return;
	}
	if (m->version == NULL) {
		mcp_error(m, id, MCP_NOT_INITIALIZED, "not initialized: send "
		    "initialize first");
		return;
	}
	if (strcmp(method, "tools/list") == 0)
		mcp_result(m, id, mcp_tool_list(m->version));
	else if (strcmp(method, "tools/call") == 0)
		mcp_call(m, id, params);
	else
		mcp_error(m, id, MCP_METHOD_NOT_FOUND, "method not found: %s",
		    method);
}

/* Whether v is the string s, a NUL inside it and all. */
static int
mcp_is(json_t *v, const char *s)
{
	return (json_is_string(v) && json_string_length(v) == strlen(s) &&
	    memcmp(json_string_value(v), s, strlen(s)) == 0);
}

/*
 * The id of a line jansson refused, as jsonfield_guess finds it: a string
 * (decoded as jansson would decode it) or an integer (as jansson reads
 * the value's text alone), else NULL.
 */
static json_t *
mcp_guess_id(const char *line, size_t len)
{
	const char	*t;
	char		*buf = NULL;
	size_t		 start, stop, size = 0, dlen;
	json_t		*id = NULL;

	switch (jsonfield_guess(line, len, "id", &start, &stop)) {
	case JSONFIELD_STRING:
		t = line + start;
		if (jsonfield_decode(t, stop - start, &buf, &size, &dlen) == 0 &&
		    jsonfield_valid(t, stop - start, buf, dlen))
			id = json_stringn(buf, dlen);
		free(buf);
		break;
	case JSONFIELD_OTHER:
		id = json_loadb(line + start, stop - start, JSON_DECODE_ANY,
		    NULL);
		if (!json_is_integer(id)) {
			json_decref(id);
			id = NULL;
		}
		break;
	case JSONFIELD_NONE:
		break;
	}
	return (id);
}

/*
 * A line that is not JSON jansson takes (err NULL: not UTF-8), answered
 * under its id when one can be read.  JSON allows a NUL in an object key
 * and jansson does not: such a line is a bad argument when the key is
 * inside params (-32602), else a bad request, never a parse error.
 */
static void
mcp_unparsed(struct mcp *m, const char *line, size_t len,
    const json_error_t *err)
{
	json_t	*id;
	size_t	 start, end;
	int	 in_params;

	id = mcp_guess_id(line, len);
	if (err == NULL)
		mcp_error(m, id, MCP_PARSE_ERROR, "parse error: invalid UTF-8");
	else if (json_error_code(err) == json_error_null_byte_in_key) {
		in_params = jsonfield_guess(line, len, "params", &start,
		    &end) == JSONFIELD_OTHER && (size_t)err->position > start &&
		    (size_t)err->position <= end;
		if (in_params)
			mcp_error(m, id, MCP_INVALID_PARAMS, "params: an object "
			    "key contains NUL (column %d)", err->column);
		else
			mcp_error(m, id, MCP_INVALID_REQUEST, "invalid request: "
			    "an object key contains NUL (column %d)",
			    err->column);
	} else
		mcp_error(m, id, MCP_PARSE_ERROR, "parse error: %s (column %d)",
		    err->text, err->column);
	json_decref(id);
}

/*
 * One message (without its newline): parse, sort out what it is, answer
 * what is wrong.  Strings may hold NUL (JSON_ALLOW_NUL), so every string
 * the server acts on is compared whole or refused.
 */
void
mcp_line(struct mcp *m, const char *line, size_t len)
{
	json_error_t	 err;
	json_t		*msg, *id, *params, *v;
	const char	*method;

	if (!utf8_valid(line, len)) {
		mcp_unparsed(m, line, len, NULL);
		return;
	}
	if ((msg = json_loadb(line, len, JSON_DECODE_ANY | JSON_ALLOW_NUL,
	    &err)) == NULL) {
		mcp_unparsed(m, line, len, &err);
		return;
	}
	if (json_is_array(msg)) {
		mcp_error(m, NULL, MCP_INVALID_REQUEST, "invalid request: "
		    "batches are not supported");
		goto out;
	}
	if (!json_is_object(msg)) {
		mcp_error(m, NULL, MCP_INVALID_REQUEST, "invalid request: not "
		    "an object");
		goto out;
	}
	id = json_object_get(msg, "id");
	if (id != NULL && !json_is_string(id) && !json_is_integer(id)) {
		mcp_error(m, NULL, MCP_INVALID_REQUEST, "invalid request: id: "
		    "not a string or an integer");
		goto out;
	}
	if (!mcp_is(json_object_get(msg, "jsonrpc"), "2.0")) {
		mcp_error(m, id, MCP_INVALID_REQUEST, "invalid request: "
		    "jsonrpc: not \"2.0\"");
		goto out;
	}
	v = json_object_get(msg, "method");
	method = json_string_value(v);
	if (method != NULL && strlen(method) != json_string_length(v)) {
		if (id != NULL)
			mcp_error(m, id, MCP_INVALID_REQUEST, "invalid request: "
			    "method: contains NUL");
		goto out;
	}
	if (method == NULL) {
		/* A response to us: roots/list's, or dropped. */
		if (id == NULL || (json_object_get(msg, "result") == NULL &&
		    json_object_get(msg, "error") == NULL))
			mcp_error(m, id, MCP_INVALID_REQUEST, "invalid "
			    "request: method: missing");
		else
			mcp_response(m, id, msg);
		goto out;
	}
	params = json_object_get(msg, "params");
	if (params != NULL && !json_is_object(params)) {
		if (id != NULL)
			mcp_error(m, id, MCP_INVALID_PARAMS, "params: not an "
			    "object");
		goto out;
	}
	if (id == NULL)
		mcp_notification(m, method, params);
	else if (mcp_call_find(m, id) != NULL)
		mcp_error(m, id, MCP_INVALID_REQUEST, "invalid request: id: a "
		    "request with this id is still in flight");
	else
		mcp_request(m, id, method, params);
out:
	json_decref(msg);
}

/*
 * Read what stdin has and handle each whole line.  A message over the
 * limit is answered once and skipped up to its newline.
 */
static void
mcp_input(struct mcp *m)
{
	char	 buf[65536], *nl;
	ssize_t	 n;
	size_t	 len, used;

	n = read(m->in_fd, buf, sizeof buf);
	if (n == -1 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		if (n == -1)
			fprintf(stderr, "rexec mcp: stdin: %s\n",
			    strerror(errno));
		m->done = 1;
		return;
	}
	m->in = xrealloc(m->in, m->in_len + n);
	memcpy(m->in + m->in_len, buf, n);
	m->in_len += n;
	used = 0;
	while ((nl = memchr(m->in + used, '\n', m->in_len - used)) != NULL &&
	    !m->done) {
		len = nl - (m->in + used);
		if (m->discarding)
			m->discarding = 0;
		else if (len > 0 && m->in[used + len - 1] == '\r')
			mcp_line(m, m->in + used, len - 1);
		else if (len > 0)
			mcp_line(m, m->in + used, len);
		used += len + 1;
	}
	memmove(m->in, m->in + used, m->in_len - used);
	m->in_len -= used;
	if (m->in_len > MCP_MESSAGE_MAX) {
		if (!m->discarding)
			mcp_error(m, NULL, MCP_INVALID_REQUEST, "invalid "
			    "request: message over %d bytes", MCP_MESSAGE_MAX);
		m->discarding = 1;
		m->in_len = 0;
	}
}

/* The last line of a peek: the tail's if it has one, else the output's. */
static void
mcp_peeked(struct call *c, json_t *reply)
{
	const char	*field[] = { "tail", "output" }, *s, *p;
	size_t		 i, len;

	if (json_is_integer(json_object_get(reply, "offset")))
		c->offset = json_integer_value(json_object_get(reply, "offset"));
	for (i = 0; i < nitems(field); i++) {
		if ((s = json_string_value(json_object_get(reply,
		    field[i]))) == NULL)
			continue;
		len = strlen(s);
		while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == ' '))
			len--;
		if (len == 0)
			continue;
		for (p = s + len; p > s && p[-1] != '\n'; p--)
			;
		len = s + len - p;
		len = utf8_truncate(p, len > MCP_PROGRESS_LINE ?
		    MCP_PROGRESS_LINE : len);
		free(c->line);
		c->line = xstrndup(p, len);
		return;
	}
}

/*
 * A progress request of a call's own (status, then peeks): one at a time,
 * and a host that is gone only means no progress this second.
 */
static void
mcp_ask(struct mcp *m, struct call *c, enum hreq_kind kind, json_t *req)
{
	char	*why;

	if (mcp_post(m, c, kind, req, CLIENT_ANSWER_WAIT, &why) != NULL)
		c->asking = 1;
	else
		free(why);
	json_decref(req);
}

/* Progress, step 2: a wait peek at the run, from the last offset. */
static void
mcp_peek(struct mcp *m, struct call *c)
{
	json_t	*req;
	char	*id;

	id = client_make_id();
	req = json_pack("{s:s, s:s, s:I, s:i, s:I}", "action", "wait", "id",
	    id, "seq", c->seq, "timeout", 0, "offset", c->offset);
	mcp_ask(m, c, HREQ_PEEK, req);
	free(id);
}

/* Progress, step 1: the run's seq, from the host's status. */
static void
mcp_status_seq(struct call *c, json_t *reply)
{
	const char	*lists[] = { "running", "detached" }, *id;
	json_t		*e;
	size_t		 i, j;

	for (i = 0; i < nitems(lists); i++) {
		json_array_foreach(json_object_get(reply, lists[i]), j, e) {
			id = json_string_value(json_object_get(e, "id"));
			if (id != NULL && strcmp(id, c->hreq->id) == 0)
				c->seq = json_integer_value(json_object_get(e,
				    "seq"));
		}
	}
}

/* A reply has come for h (which it frees). */
static void
mcp_answer(struct mcp *m, struct hreq *h, json_t *reply)
{
	struct call	*c = h->call;
	enum hreq_kind	 kind = h->kind;

	mcp_hreq_free(m, h);
	if (c == NULL) {
		json_decref(reply);
		return;
	}
	switch (kind) {
	case HREQ_CALL:
		c->hreq = NULL;
		mcp_call_done(m, c, mcp_tool_result(reply,
		    mcp_tool_name(c->tool), mcp_structured(m)));
		return;
	case HREQ_STATUS:
		c->asking = 0;
		mcp_status_seq(c, reply);
		if (c->seq > 0)
			mcp_peek(m, c);
		break;
	case HREQ_PEEK:
		c->asking = 0;
		mcp_peeked(c, reply);
		break;
	}
	json_decref(reply);
}

/*
 * Take h's reply if it has landed; returns 1 if it had, or if what is
 * there is not to be read, which fails h (h is gone).
 */
static int
mcp_take(struct mcp *m, struct hreq *h)
{
	json_t	*reply;
	char	*cause;

	if ((reply = client_take_reply(m->replies, h->id, &cause)) == NULL) {
		if (cause == NULL)
			return (0);
		if (h->call != NULL)
			mcp_fail(m, h, cause);
		else
			mcp_hreq_free(m, h);
		free(cause);
		return (1);
	}
	mcp_answer(m, h, reply);
	return (1);
}

/* The watch on replies/ has news: take each reply someone waits for. */
static void
mcp_replies(struct mcp *m)
{
	char				 buf[8192]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event	*ev;
	struct hreq			*h;
	ssize_t				 n;
	size_t				 off, len;

	while ((n = read(m->ino_fd, buf, sizeof buf)) > 0) {
		for (off = 0; off < (size_t)n; off += sizeof *ev + ev->len) {
			ev = (const struct inotify_event *)(buf + off);
			if (ev->mask & (IN_IGNORED | IN_Q_OVERFLOW)) {
				if (ev->mask & IN_IGNORED)
					m->wd = -1;
				continue;	/* the tick looks at all */
			}
			len = ev->len > 0 ? strlen(ev->name) : 0;
			if (len < 6 || strcmp(ev->name + len - 5, ".json") != 0)
				continue;
			TAILQ_FOREACH(h, &m->hreqs, link) {
				if (strlen(h->id) == len - 5 &&
				    strncmp(h->id, ev->name, len - 5) == 0)
					break;
			}
			if (h != NULL)
				(void)mcp_take(m, h);
		}
	}
}

/* A progress notification for c, and the next peek at its run. */
static void
mcp_progress(struct mcp *m, struct call *c, double now)
{
	json_t		*params;
	json_int_t	 elapsed = (json_int_t)(now - c->start);
	char		*id;
	json_t		*req;

	c->next_progress = now + 1;
	if (elapsed <= c->progress)
		return;
	c->progress = elapsed;
	params = json_pack("{s:O, s:I}", "progressToken", c->token, "progress",
	    elapsed);
	if (c->line != NULL)
		json_object_set_new(params, "message", json_string(c->line));
	mcp_send(m, json_pack("{s:s, s:s, s:o}", "jsonrpc", "2.0", "method",
	    "notifications/progress", "params", params));
	if (mcp_tool_kind(c->tool) != MCP_TOOL_RUN || c->asking)
		return;
	if (c->seq > 0) {
		mcp_peek(m, c);
		return;
	}
	id = client_make_id();
	req = json_pack("{s:s, s:s}", "action", "status", "id", id);
	mcp_ask(m, c, HREQ_STATUS, req);
	free(id);
}

/* A call's request can no longer be answered: say why. */
static void
mcp_fail(struct mcp *m, struct hreq *h, const char *why)
{
	struct call	*c = h->call;

	if (h->kind == HREQ_CALL) {
		c->hreq = NULL;
		mcp_hreq_free(m, h);
		mcp_call_done(m, c, mcp_tool_error(why, mcp_structured(m)));
		return;
	}
	c->asking = 0;
	mcp_hreq_free(m, h);
}

/*
 * Once a second: every waiting request again (a reply the watch missed,
 * a host gone, a deadline passed), then progress.
 */
static void
mcp_tick(struct mcp *m, double now)
{
	struct hreq	*h, *next;
	struct call	*c, *cnext;
	pid_t		 holder = hostlock_holder(m->lock);
	char		*why;

	mcp_watch(m);
	for (h = TAILQ_FIRST(&m->hreqs); h != NULL; h = next) {
		next = TAILQ_NEXT(h, link);
		if (mcp_take(m, h))
			continue;	/* only h is gone */
		if (h->call == NULL) {
			if (holder != h->host || now >= h->deadline)
				mcp_hreq_free(m, h);
			continue;
		}
		if (holder != h->host) {
			xasprintf(&why, "the host (pid %ld) stopped before it "
			    "answered", (long)h->host);
		} else if (h->deadline > 0 && now >= h->deadline) {
			why = xstrdup("the host did not answer in time");
		} else
			continue;
		mcp_fail(m, h, why);
		free(why);
	}
	if (m->roots == ROOTS_ASKING && now >= m->roots_deadline) {
		fprintf(stderr, "rexec mcp: roots/list: no answer in %.0f s; "
		    "runs without dir start in %s\n", MCP_ROOTS_WAIT,
		    m->root != NULL ? m->root : m->cwd);
		free(m->roots_id);
		m->roots_id = NULL;
		m->roots = ROOTS_KNOWN;
		mcp_roots_resume(m);
	}
	for (c = TAILQ_FIRST(&m->calls); c != NULL; c = cnext) {
		cnext = TAILQ_NEXT(c, link);
		if (c->token != NULL && now >= c->next_progress)
			mcp_progress(m, c, now);
	}
}

/* Milliseconds until the next tick, -1 with nothing to wait for. */
static int
mcp_timeout(struct mcp *m, double now, double next_tick)
{
	if (TAILQ_EMPTY(&m->hreqs) && TAILQ_EMPTY(&m->calls))
		return (-1);
	if (next_tick <= now)
		return (0);
	return ((int)((next_tick - now) * 1000) + 1);
}

void
mcp_free(struct mcp *m)
{
	struct call	*c;

	while ((c = TAILQ_FIRST(&m->calls)) != NULL) {
		mcp_call_abort(m, c);
		mcp_call_free(m, c);
	}
	while (!TAILQ_EMPTY(&m->hreqs))
		mcp_hreq_free(m, TAILQ_FIRST(&m->hreqs));
	if (m->ino_fd != -1)
		close(m->ino_fd);
	free(m->whoami);
	free(m->rundir);
	free(m->replies);
	free(m->lock);
	free(m->journal_dir);
	free(m->cwd);
	json_decref(m->base_env);
	free(m->roots_id);
	free(m->root);
	free(m->in);
	free(m);
}

static int
mcp_setup(struct mcp *m, const struct config *cfg, char **cause)
{
	TAILQ_INIT(&m->calls);
	TAILQ_INIT(&m->hreqs);
	m->cfg = cfg;
	m->wd = -1;
	if ((m->rundir = paths_runtime_dir(cfg, cause)) == NULL)
		return (-1);
	if ((m->journal_dir = paths_journal_dir(cfg, cause)) == NULL)
		return (-1);
	m->replies = paths_join(m->rundir, "replies");
	m->lock = paths_join(m->rundir, "host.lock");
	if ((m->cwd = getcwd(NULL, 0)) == NULL) {
		xasprintf(cause, "getcwd: %s", strerror(errno));
		return (-1);
	}
	/* The agent started us: its environment is ours. */
	if (cfg->run_env == CONFIG_RUN_ENV_CLIENT)
		m->base_env = client_environ();
	m->ino_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (m->ino_fd == -1) {
		xasprintf(cause, "inotify: %s", strerror(errno));
		return (-1);
	}
	mcp_set_whoami(m, NULL);
	return (0);
}

/*
 * A server reading in_fd and writing out_fd, or NULL with *cause.
 * mcp_serve runs its loop; a test or a fuzzer may instead hand it lines
 * with mcp_line, and read the answers from out_fd.
 */
struct mcp *
mcp_new(const struct config *cfg, const char *whoami, int in_fd, int out_fd,
    char **cause)
{
	struct mcp	*m;

	m = xcalloc(1, sizeof *m);
	m->ino_fd = -1;
	m->in_fd = in_fd;
	m->out_fd = out_fd;
	m->whoami_opt = whoami;
	if (mcp_setup(m, cfg, cause) != 0) {
		mcp_free(m);
		return (NULL);
	}
	return (m);
}

/*
 * Serve MCP on in_fd/out_fd until in_fd ends.  Returns the exit status:
 * 0, or 1 after printing why the server could not start.
 */
int
mcp_serve(const struct config *cfg, const char *whoami, int in_fd, int out_fd)
{
	struct mcp	*m;
	struct pollfd	 pfd[2];
	char		*cause = NULL;
	double		 now, next_tick;
	int		 r = 0;

	signal(SIGPIPE, SIG_IGN);
	if ((m = mcp_new(cfg, whoami, in_fd, out_fd, &cause)) == NULL) {
		fprintf(stderr, "rexec mcp: %s\n", cause);
		free(cause);
		return (1);
	}
	/* No host yet is fine (one may start); a directory to refuse is not. */
	if (client_check_dir(m->rundir, &cause) == -1) {
		fprintf(stderr, "rexec mcp: %s\n", cause);
		free(cause);
		mcp_free(m);
		return (127);
	}
	next_tick = mono_now() + 1;
	while (!m->done) {
		pfd[0].fd = m->in_fd;
		pfd[0].events = POLLIN;
		pfd[1].fd = m->ino_fd;
		pfd[1].events = POLLIN;
		if (poll(pfd, 2, mcp_timeout(m, mono_now(), next_tick)) == -1 &&
		    errno != EINTR) {
			fprintf(stderr, "rexec mcp: poll: %s\n",
			    strerror(errno));
			r = 1;
			break;
		}
		if (pfd[1].revents & POLLIN)
			mcp_replies(m);
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR))
			mcp_input(m);
		now = mono_now();
		if (now >= next_tick) {
			next_tick = now + 1;
			mcp_tick(m, now);
		} else if (TAILQ_EMPTY(&m->hreqs) && TAILQ_EMPTY(&m->calls))
			next_tick = now + 1;
	}
	mcp_free(m);
	return (r);
}
