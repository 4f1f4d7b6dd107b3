/*
 * request.c: one line of the control protocol, parsed with jansson and
 * checked field by field (DESIGN.md sections 3 and 11).
 *
 * Owns the request schema: which fields exist, their types and ranges,
 * the order they are checked in and the wording of every complaint.
 * Whatever of the input is echoed in a complaint is quoted, escaped and
 * cut short, so a message is always one line of valid UTF-8 that can go
 * into a reply and the journal as it is.  Must never act on a request
 * (look at the file system, the runs, the configured limits): it only
 * says whether the line is well-formed.
 *
 * Characters are Unicode code points: whoami may be 64 of them, however
 * many bytes they take.  jansson hands back only valid UTF-8, so counting
 * them cannot fail.
 */
#include "rexec.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "jsonfield.h"
#include "request.h"
#include "utf8.h"

/* REQUEST_WHOAMI_MAX as text, for a message that is a constant. */
#define WHOAMI_MAX_STR_(n)	#n
#define WHOAMI_MAX_STR(n)	WHOAMI_MAX_STR_(n)

/* How many characters of a value a message quotes. */
#define QUOTE_MAX	40

struct parse {
	json_t		*root;
	struct request	*req;
	char		*cause;
};

static const char *const action_names[] = {
	[REQUEST_RUN] = "run",
	[REQUEST_PING] = "ping",
	[REQUEST_ABORT] = "abort",
	[REQUEST_STATUS] = "status",
	[REQUEST_SPOOL] = "spool",
	[REQUEST_WAIT] = "wait",
	[REQUEST_INPUT] = "input",
	[REQUEST_SCREEN] = "screen",
};

static int	 fail(struct parse *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static char	*escape(const char *, size_t, size_t, int, int *);
static char	*quote(const char *, size_t);
static json_t	*field(struct parse *, const char *);
static int	 has_nul(const json_t *);
static int	 parse_id(struct parse *);
static int	 parse_action(struct parse *);
static int	 parse_whoami(struct parse *);
static int	 parse_dir(struct parse *);
static int	 parse_exec(struct parse *);
static int	 parse_envs(struct parse *, const char *, struct request_env **,
		    size_t *);
static int	 parse_clear_env(struct parse *);
static int	 parse_stdin(struct parse *);
static int	 parse_timeout(struct parse *);
static int	 parse_max_output(struct parse *);
static int	 parse_size(struct parse *, const char *, unsigned int *);
static int	 parse_yield(struct parse *);
static int	 parse_seq(struct parse *, int);
static int	 parse_offset(struct parse *);
static int	 parse_input(struct parse *);
static int	 parse_target(struct parse *);

static int
fail(struct parse *p, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	xvasprintf(&p->cause, fmt, ap);
	va_end(ap);
	return (-1);
}

/*
 * Make len bytes of s safe to put in a one-line message: control
 * characters (C0, DEL, C1), bidi controls and the Unicode line and
 * paragraph separators become JSON-style escapes, invalid UTF-8 becomes
 * U+FFFD, and for a value going between double quotes, so do '"' and '\'.
 * At most max characters are kept; *cut tells whether there were more.
 */
static char *
escape(const char *s, size_t len, size_t max, int quoted, int *cut)
{
	struct utf8_decoder	 d;
	uint32_t		 cp[2];
	char			*out;
	size_t			 i, o = 0, nchars = 0;
	int			 j, n;

	/* A character becomes at most six bytes ("\u0085"). */
	out = xmalloc((max < len ? max : len) * 6 + 1);
	*cut = 0;
	utf8_decoder_init(&d);
	for (i = 0; i <= len && !*cut; i++) {
		if (i < len)
			n = utf8_decode_byte(&d, (uint8_t)s[i], cp);
		else
			n = utf8_decode_finish(&d, cp);
		for (j = 0; j < n; j++) {
			if (nchars++ == max) {
				*cut = 1;
				break;
			}
			if (quoted && (cp[j] == '"' || cp[j] == '\\')) {
				out[o++] = '\\';
				out[o++] = (char)cp[j];
			} else if (cp[j] == '\n') {
				memcpy(out + o, "\\n", 2);
				o += 2;
			} else if (cp[j] == '\t') {
				memcpy(out + o, "\\t", 2);
				o += 2;
			} else if (utf8_is_control(cp[j]) ||
			    utf8_is_bidi(cp[j]) ||
			    cp[j] == 0x2028 || cp[j] == 0x2029)
				o += (size_t)snprintf(out + o, 7, "\\u%04x",
				    (unsigned int)cp[j]);
			else
				o += utf8_encode_cp(cp[j], out + o);
		}
	}
	out[o] = '\0';
	return (out);
}

/*
 * A value as a message shows it: in double quotes, escaped, and cut
 * short with "..." after the closing quote.
 */
static char *
quote(const char *s, size_t len)
{
	char	*e, *q;
	int	 cut;

	e = escape(s, len, QUOTE_MAX, 1, &cut);
	xasprintf(&q, "\"%s\"%s", e, cut ? "..." : "");
	free(e);
	return (q);
}

/* A top-level field, or NULL when it is absent or null. */
static json_t *
field(struct parse *p, const char *name)
{
	json_t	*v;

	v = json_object_get(p->root, name);
	if (v == NULL || json_is_null(v))
		return (NULL);
	return (v);
}

static int
has_nul(const json_t *s)
{
	return (memchr(json_string_value(s), '\0', json_string_length(s)) !=
	    NULL);
}

/*
 * An id names the reply file, so it is a plain file name: letters,
 * digits, '_', '-' and '.', not starting with a dot, at most
 * REQUEST_ID_MAX bytes.
 */
int
request_id_valid(const char *id)
{
	size_t	i;

	if (id == NULL || *id == '\0' || *id == '.')
		return (0);
	for (i = 0; id[i] != '\0'; i++) {
		if (i == REQUEST_ID_MAX)
			return (0);
		if (strchr("abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", id[i]) == NULL)
			return (0);
	}
	return (1);
}

/*
 * The id of a line that jansson could not parse, so that its sender still
 * gets an answer: the member "id" that jsonfield_guess() finds in the
 * object the line holds (after whatever stray bytes come before it),
 * when its value is a plain string (no escapes) that passes
 * request_id_valid().  Anything less certain gives NULL: a guess could
 * answer another client.
 */
char *
request_scan_id(const char *line, size_t len)
{
	size_t	 start, end, n;
	char	*id;

	if (jsonfield_guess(line, len, "id", &start, &end) != JSONFIELD_STRING)
		return (NULL);
	n = end - start;
	if (n == 0 || n > REQUEST_ID_MAX ||
	    memchr(line + start, '\\', n) != NULL ||
	    memchr(line + start, '\0', n) != NULL)
		return (NULL);
	id = xstrndup(line + start, n);
	if (!request_id_valid(id)) {
		free(id);
		return (NULL);
	}
	return (id);
}

const char *
request_action_name(enum request_action action)
{
	if ((size_t)action >= nitems(action_names))
		return ("unknown");
	return (action_names[action]);
}

static int
parse_id(struct parse *p)
{
	json_t	*v;

	if ((v = field(p, "id")) == NULL)
		return (0);
	if (!json_is_string(v))
		return (fail(p, "id: not a string"));
	if (has_nul(v) || !request_id_valid(json_string_value(v)))
		return (fail(p, "id: not a valid id"));
	p->req->id = xstrdup(json_string_value(v));
	return (0);
}

/* Every action but a run names its target by id. */
static int
parse_action(struct parse *p)
{
	json_t	*v;
	char	*q;
	size_t	 i;

	if ((v = field(p, "action")) == NULL) {
		p->req->action = REQUEST_RUN;
		return (0);
	}
	if (!json_is_string(v))
		return (fail(p, "action: not a string"));
	for (i = 1; i < nitems(action_names); i++) {
		if (strlen(action_names[i]) == json_string_length(v) &&
		    strcmp(action_names[i], json_string_value(v)) == 0)
			break;
	}
	if (i == nitems(action_names)) {
		q = quote(json_string_value(v), json_string_length(v));
		fail(p, "unknown action %s", q);
		free(q);
		return (-1);
	}
	p->req->action = (enum request_action)i;
	/* An abort may name its run by seq alone: nobody waits for a reply. */
	if (p->req->id == NULL && (p->req->action != REQUEST_ABORT ||
	    field(p, "seq") == NULL))
		return (fail(p, "id: missing"));
	return (0);
}

/*
 * What is wrong with whoami s[0, len), or NULL when nothing is.  A whoami
 * names an agent to the human on every banner, so it may not carry what
 * a terminal acts on or what reorders the line; the client checks with
 * the same rule before it sends.
 */
const char *
request_whoami_check(const char *s, size_t len)
{
	struct utf8_decoder	 d;
	uint32_t		 cp[2];
	size_t			 i, nchars = 0;
	int			 j, n, control = 0, bidi = 0;

	if (len == 0)
		return ("empty");
	utf8_decoder_init(&d);
	for (i = 0; i < len; i++) {
		n = utf8_decode_byte(&d, (uint8_t)s[i], cp);
		for (j = 0; j < n; j++) {
			nchars++;
			control |= utf8_is_control(cp[j]);
			bidi |= utf8_is_bidi(cp[j]);
		}
	}
	nchars += (size_t)utf8_decode_finish(&d, cp);
	if (nchars > REQUEST_WHOAMI_MAX)
		return ("longer than " WHOAMI_MAX_STR(REQUEST_WHOAMI_MAX)
		    " characters");
	if (control)
		return ("contains a control character");
	if (bidi)
		return ("contains a bidi control");
	return (NULL);
}

static int
parse_whoami(struct parse *p)
{
	json_t		*v;
	const char	*why;

	if ((v = field(p, "whoami")) == NULL)
		return (fail(p, "whoami: missing"));
	if (!json_is_string(v))
		return (fail(p, "whoami: not a string"));
	why = request_whoami_check(json_string_value(v), json_string_length(v));
	if (why != NULL)
		return (fail(p, "whoami: %s", why));
	p->req->whoami = xstrdup(json_string_value(v));
	return (0);
}

static int
parse_dir(struct parse *p)
{
	json_t	*v;
	char	*q;

	if ((v = field(p, "dir")) == NULL)
		return (fail(p, "dir: missing"));
	if (!json_is_string(v))
		return (fail(p, "dir: not a string"));
	if (has_nul(v))
		return (fail(p, "dir: contains NUL"));
	if (json_string_value(v)[0] != '/') {
		q = quote(json_string_value(v), json_string_length(v));
		fail(p, "dir: not an absolute path: %s", q);
		free(q);
		return (-1);
	}
	p->req->dir = xstrdup(json_string_value(v));
	return (0);
}

static int
parse_exec(struct parse *p)
{
	struct request	*req = p->req;
	json_t		*v, *arg;
	size_t		 i, n;

	if ((v = field(p, "exec")) == NULL)
		return (fail(p, "exec: missing"));
	if (!json_is_array(v))
		return (fail(p, "exec: not an array"));
	if ((n = json_array_size(v)) == 0)
		return (fail(p, "exec: empty"));
	for (i = 0; i < n; i++) {
		arg = json_array_get(v, i);
		if (!json_is_string(arg))
			return (fail(p, "exec[%zu]: not a string", i));
		if (has_nul(arg))
			return (fail(p, "exec[%zu]: contains NUL", i));
		if (i == 0 && json_string_length(arg) == 0)
			return (fail(p, "exec[0]: empty"));
	}
	req->argv = xcalloc(n + 1, sizeof *req->argv);
	for (i = 0; i < n; i++)
		req->argv[i] = xstrdup(json_string_value(json_array_get(v, i)));
	req->argc = n;
	return (0);
}

/*
 * An environment object (envs, base_env) is checked whole before any of
 * it is kept.
 */
static int
parse_envs(struct parse *p, const char *key, struct request_env **out,
    size_t *nout)
{
	json_t		*v, *value;
	struct request_env *envs;
	const char	*name, *why;
	char		*q;
	size_t		 len, i;

	if ((v = field(p, key)) == NULL)
		return (0);
	if (!json_is_object(v))
		return (fail(p, "%s: not an object", key));
	json_object_keylen_foreach(v, name, len, value) {
		if (len == 0)
			return (fail(p, "%s: empty name", key));
		if (memchr(name, '=', len) != NULL)
			why = "name contains \"=\"";
		else if (memchr(name, '\0', len) != NULL)
			why = "name contains NUL";
		else if (!json_is_string(value))
			why = "not a string";
		else if (has_nul(value))
			why = "contains NUL";
		else
			continue;
		q = quote(name, len);
		fail(p, "%s[%s]: %s", key, q, why);
		free(q);
		return (-1);
	}
	envs = xcalloc(json_object_size(v) + 1, sizeof *envs);
	i = 0;
	json_object_foreach(v, name, value) {
		envs[i].name = xstrdup(name);
		envs[i].value = xstrdup(json_string_value(value));
		i++;
	}
	*out = envs;
	*nout = i;
	return (0);
}

/*
 * clear_env: true starts the run from an empty environment; base_env, the
 * caller's environment, starts it from that.  The two do not go together.
 */
static int
parse_clear_env(struct parse *p)
{
	json_t	*v;

	if ((v = field(p, "clear_env")) == NULL)
		return (0);
	if (!json_is_boolean(v))
		return (fail(p, "clear_env: not true or false"));
	p->req->clear_env = json_is_true(v);
	if (p->req->clear_env && p->req->base_env != NULL)
		return (fail(p, "clear_env: not with base_env"));
	return (0);
}

static int
parse_stdin(struct parse *p)
{
	struct request	*req = p->req;
	json_t		*v;

	if ((v = field(p, "stdin")) == NULL)
		return (0);
	if (!json_is_string(v))
		return (fail(p, "stdin: not a string"));
	req->stdin_len = json_string_length(v);
	req->stdin_data = xmalloc(req->stdin_len + 1);
	memcpy(req->stdin_data, json_string_value(v), req->stdin_len + 1);
	return (0);
}

static int
parse_timeout(struct parse *p)
{
	json_t	*v;
	double	 d;

	if ((v = field(p, "timeout")) == NULL)
		return (0);
	if (!json_is_number(v) || !isfinite(d = json_number_value(v)))
		return (fail(p, "timeout: not a number"));
	if (d < 0)
		return (fail(p, "timeout: negative"));
	p->req->timeout = fmin(d, REQUEST_SECONDS_MAX) + 0.0; /* -0 is 0 */
	return (0);
}

static int
parse_max_output(struct parse *p)
{
	json_t	*v;

	if ((v = field(p, "max_output")) == NULL)
		return (0);
	if (!json_is_integer(v))
		return (fail(p, "max_output: not an integer"));
	if (json_integer_value(v) < 0)
		return (fail(p, "max_output: negative"));
	p->req->max_output = json_integer_value(v);
	return (0);
}

static int
parse_size(struct parse *p, const char *name, unsigned int *out)
{
	json_t		*v;
	json_int_t	 n;

	if ((v = field(p, name)) == NULL)
		return (0);
	if (!json_is_integer(v))
		return (fail(p, "%s: not an integer", name));
	n = json_integer_value(v);
	if (n < REQUEST_SIZE_MIN || n > REQUEST_SIZE_MAX)
		return (fail(p, "%s: out of range (%d to %d)", name,
		    REQUEST_SIZE_MIN, REQUEST_SIZE_MAX));
	*out = (unsigned int)n;
	return (0);
}

static int
parse_yield(struct parse *p)
{
	json_t	*v;
	double	 d;

	if ((v = field(p, "yield")) == NULL)
		return (0);
	if (!json_is_number(v) || !isfinite(d = json_number_value(v)))
		return (fail(p, "yield: not a number"));
	if (d <= 0)
		return (fail(p, "yield: not a positive number"));
	p->req->yield = fmin(d, REQUEST_SECONDS_MAX);
	return (0);
}

/* The run a wait, input, screen or abort names. */
static int
parse_seq(struct parse *p, int required)
{
	json_t		*v;
	json_int_t	 n;

	if ((v = field(p, "seq")) == NULL)
		return (required ? fail(p, "seq: missing") : 0);
	if (!json_is_integer(v))
		return (fail(p, "seq: not an integer"));
	if ((n = json_integer_value(v)) < 1 || n > UINT_MAX)
		return (fail(p, "seq: no such run"));
	p->req->seq = (unsigned int)n;
	return (0);
}

static int
parse_offset(struct parse *p)
{
	json_t		*v;
	json_int_t	 n;

	if ((v = field(p, "offset")) == NULL)
		return (0);
	if (!json_is_integer(v))
		return (fail(p, "offset: not an integer"));
	if ((n = json_integer_value(v)) < 0)
		return (fail(p, "offset: negative"));
	p->req->offset = n;
	return (0);
}

/* input: data (bytes to type) or keys (names), exactly one. */
static int
parse_input(struct parse *p)
{
	json_t	*d, *k, *v;
	size_t	 i;

	d = field(p, "data");
	k = field(p, "keys");
	if (d == NULL && k == NULL)
		return (fail(p, "data: missing (or keys)"));
	if (d != NULL && k != NULL)
		return (fail(p, "data: and keys: both given"));
	if (d != NULL) {
		if (!json_is_string(d))
			return (fail(p, "data: not a string"));
		if (json_string_length(d) == 0)
			return (fail(p, "data: empty"));
		if (json_string_length(d) > REQUEST_INPUT_MAX)
			return (fail(p, "data: longer than %d bytes",
			    REQUEST_INPUT_MAX));
		p->req->data_len = json_string_length(d);
		p->req->data = xmalloc(p->req->data_len + 1);
		memcpy(p->req->data, json_string_value(d), p->req->data_len + 1);
		return (0);
	}
	if (!json_is_array(k))
		return (fail(p, "keys: not an array"));
	if (json_array_size(k) == 0)
		return (fail(p, "keys: empty"));
	if (json_array_size(k) > REQUEST_KEYS_MAX)
		return (fail(p, "keys: more than %d", REQUEST_KEYS_MAX));
	p->req->keys = xcalloc(json_array_size(k) + 1, sizeof *p->req->keys);
	json_array_foreach(k, i, v) {
		if (!json_is_string(v) || json_string_length(v) == 0 ||
		    has_nul(v))
			return (fail(p, "keys[%zu]: not a key name", i));
		p->req->keys[i] = xstrdup(json_string_value(v));
		p->req->nkeys++;
	}
	return (0);
}

/* The fields of the actions that name a run. */
static int
parse_target(struct parse *p)
{
	struct request	*req = p->req;
	int		 r;

	switch (req->action) {
	case REQUEST_ABORT:
		return (parse_seq(p, 0));
	case REQUEST_WAIT:
		if ((r = parse_seq(p, 1)) == 0 && (r = parse_timeout(p)) == 0)
			r = parse_offset(p);
		return (r);
	case REQUEST_INPUT:
		if ((r = parse_seq(p, 1)) == 0)
			r = parse_input(p);
		return (r);
	case REQUEST_SCREEN:
		return (parse_seq(p, 1));
	default:
		return (0);
	}
}

/*
 * Parse one line (or a spool file) of len bytes.  The whole input must be
 * one JSON object: trailing bytes other than white space are an error.
 * On success returns the request and sets *id and *cause to NULL.  On
 * failure returns NULL, sets *cause to why and *id to the request's id
 * when a valid one was read (else NULL), so the host can still reply;
 * for input that is not JSON, request_scan_id() looks for it.
 * id and cause may be NULL when the caller does not want them.
 */
struct request *
request_parse(const char *line, size_t len, char **id, char **cause)
{
	struct parse	 p;
	struct request	*req;
	json_error_t	 err;
	char		*text;
	int		 r, cut;

	memset(&p, 0, sizeof p);
	req = p.req = xcalloc(1, sizeof *req);
	req->stdin_fd = -1;
	req->timeout = -1;
	req->max_output = -1;
	req->yield = -1;
	req->offset = -1;

	p.root = json_loadb(line, len, JSON_DECODE_ANY |
	    JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &err);
	if (p.root == NULL) {
		text = escape(err.text, strnlen(err.text, sizeof err.text - 1),
		    sizeof err.text, 0, &cut);
		r = fail(&p, "not JSON: %s at line %d column %d", text,
		    err.line, err.column);
		free(text);
		req->id = request_scan_id(line, len);
	} else if (!json_is_object(p.root))
		r = fail(&p, "not an object");
	else if ((r = parse_id(&p)) == 0 && (r = parse_action(&p)) == 0 &&
	    req->action == REQUEST_RUN) {
		if ((r = parse_whoami(&p)) == 0 && (r = parse_dir(&p)) == 0 &&
		    (r = parse_exec(&p)) == 0 &&
		    (r = parse_envs(&p, "envs", &req->envs, &req->nenvs)) == 0 &&
		    (r = parse_envs(&p, "base_env", &req->base_env,
		    &req->nbase_env)) == 0 &&
		    (r = parse_clear_env(&p)) == 0 &&
		    (r = parse_stdin(&p)) == 0 &&
		    (r = parse_timeout(&p)) == 0 &&
		    (r = parse_max_output(&p)) == 0 &&
		    (r = parse_size(&p, "cols", &req->cols)) == 0 &&
		    (r = parse_size(&p, "rows", &req->rows)) == 0)
			r = parse_yield(&p);
	} else if (r == 0)
		r = parse_target(&p);
	json_decref(p.root);

	if (id != NULL)
		*id = (r != 0 && req->id != NULL) ? xstrdup(req->id) : NULL;
	if (r == 0) {
		if (cause != NULL)
			*cause = NULL;
		return (req);
	}
	if (cause != NULL)
		*cause = p.cause;
	else
		free(p.cause);
	request_free(req);
	return (NULL);
}

void
request_free(struct request *req)
{
	size_t	i;

	if (req == NULL)
		return;
	free(req->id);
	free(req->whoami);
	free(req->dir);
	if (req->argv != NULL) {
		for (i = 0; req->argv[i] != NULL; i++)
			free(req->argv[i]);
		free(req->argv);
	}
	for (i = 0; i < req->nenvs; i++) {
		free(req->envs[i].name);
		free(req->envs[i].value);
	}
	free(req->envs);
	for (i = 0; i < req->nbase_env; i++) {
		free(req->base_env[i].name);
		free(req->base_env[i].value);
	}
	free(req->base_env);
	free(req->stdin_data);
	if (req->stdin_fd != -1)
		close(req->stdin_fd);
	free(req->data);
	if (req->keys != NULL) {
		for (i = 0; req->keys[i] != NULL; i++)
			free(req->keys[i]);
		free(req->keys);
	}
	free(req);
}

int
request_has_stdin(const struct request *req)
{
	return (req->stdin_data != NULL || req->stdin_fd != -1);
}

/*
 * The request's stdin now lives in the file fd (from its start), not in
 * memory: see spool.c.  The request owns fd.
 */
void
request_set_stdin_fd(struct request *req, int fd)
{
	free(req->stdin_data);
	req->stdin_data = NULL;
	if (req->stdin_fd != -1)
		close(req->stdin_fd);
	req->stdin_fd = fd;
}
