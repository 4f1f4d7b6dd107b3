/*
 * mcp_text.c: the text content of an MCP tool result, what a model reads
 * (DESIGN.md section 10).
 *
 * A run's result is its text as is, then one short bracketed line that
 * says how it stands: "[exit 2 · 3.1 s · run 14]", "[still running · run
 * 14 · wait with offset 4123]", "[timeout after 30 s · run 14 · output
 * cut: 40000 bytes omitted, read_output seq 14 offset 16384]".  A screen,
 * a slice of read_output and an input's acknowledgement get the same kind
 * of line.  The full reply stays in structuredContent: this file only
 * chooses words, and never drops a field from the reply it reads.
 *
 * The status listing stays JSON (it is a table, not a run's text), with
 * DEL, C1 and bidi controls written as \u escapes: it names every run's
 * argv, dir and whoami, which are whatever a client sent.
 */
#include "rexec.h"

#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "mcp.h"
#include "utf8.h"

/* A text being built, and the bracketed line's items. */
struct text {
	char	*s;
	size_t	 len;
	int	 items;		/* in the bracketed line so far */
};

static void	text_add(struct text *, const char *, size_t);
static void	text_item(struct text *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static void
text_add(struct text *t, const char *s, size_t len)
{
	t->s = xrealloc(t->s, t->len + len + 1);
	memcpy(t->s + t->len, s, len);
	t->len += len;
	t->s[t->len] = '\0';
}

/* One item of the bracketed line, after a " · " unless it is the first. */
static void
text_item(struct text *t, const char *fmt, ...)
{
	va_list	 ap;
	char	*item;
	int	 len;

	va_start(ap, fmt);
	len = xvasprintf(&item, fmt, ap);
	va_end(ap);
	if (t->items++ == 0)
		text_add(t, "[", 1);
	else
		text_add(t, " \xc2\xb7 ", 4);
	text_add(t, item, (size_t)len);
	free(item);
}

/* The body: text as is, on lines of its own before the bracketed line. */
static void
text_body(struct text *t, const char *s, size_t len)
{
	text_add(t, s, len);
	if (t->len > 0 && t->s[t->len - 1] != '\n')
		text_add(t, "\n", 1);
}

/* Close the bracketed line and hand the text over. */
static char *
text_end(struct text *t)
{
	if (t->items > 0)
		text_add(t, "]", 1);
	if (t->s == NULL)
		return (xstrdup(""));
	return (t->s);
}

static json_int_t
int_field(json_t *o, const char *key, json_int_t dflt)
{
	json_t	*v = json_object_get(o, key);

	return (json_is_integer(v) ? json_integer_value(v) : dflt);
}

/* A duration: "12 ms", "3.1 s" under ten seconds, "42 s", "3 min 5 s". */
static void
text_duration(struct text *t, const char *what, json_int_t ms)
{
	const char	*sep = *what != '\0' ? " " : "";

	if (ms < 1000)
		text_item(t, "%s%s%lld ms", what, sep, (long long)ms);
	else if (ms < 10000)
		text_item(t, "%s%s%.1f s", what, sep, (double)ms / 1000);
	else if (ms < 600000 && ms % 60000 < 1000)
		text_item(t, "%s%s%lld min", what, sep,
		    (long long)(ms / 60000));
	else if (ms < 600000 && ms >= 60000)
		text_item(t, "%s%s%lld min %lld s", what, sep,
		    (long long)(ms / 60000), (long long)(ms % 60000 / 1000));
	else
		text_item(t, "%s%s%lld s", what, sep, (long long)(ms / 1000));
}

/* The name of a signal a run may end by, or NULL. */
static const char *
signal_name(json_int_t sig)
{
	static const struct {
		int		 sig;
		const char	*name;
	} names[] = {
		{ SIGHUP, "SIGHUP" }, { SIGINT, "SIGINT" },
		{ SIGQUIT, "SIGQUIT" }, { SIGILL, "SIGILL" },
		{ SIGTRAP, "SIGTRAP" }, { SIGABRT, "SIGABRT" },
		{ SIGBUS, "SIGBUS" }, { SIGFPE, "SIGFPE" },
		{ SIGKILL, "SIGKILL" }, { SIGUSR1, "SIGUSR1" },
		{ SIGSEGV, "SIGSEGV" }, { SIGUSR2, "SIGUSR2" },
		{ SIGPIPE, "SIGPIPE" }, { SIGALRM, "SIGALRM" },
		{ SIGTERM, "SIGTERM" }, { SIGXCPU, "SIGXCPU" },
		{ SIGXFSZ, "SIGXFSZ" }, { SIGSYS, "SIGSYS" },
	};
	size_t	i;

	for (i = 0; i < nitems(names); i++) {
		if (names[i].sig == sig)
			return (names[i].name);
	}
	return (NULL);
}

/*
 * Where a cut output's omitted bytes start in the run's full text: the
 * kept tail (after the omitted line) ends at end, and the omitted bytes
 * come just before it.  -1 when the omitted line cannot be found.
 */
static json_int_t
cut_offset(const char *out, size_t len, json_int_t omitted, json_int_t end)
{
	const char	*p, *nl;
	char		*mark;
	size_t		 mlen;
	json_int_t	 off;

	mlen = (size_t)xasprintf(&mark, "[rexec: %lld bytes omitted",
	    (long long)omitted);
	for (p = out; (p = memmem(p, len - (size_t)(p - out), mark, mlen)) !=
	    NULL; p++) {
		if (p == out || p[-1] == '\n')
			break;
	}
	free(mark);
	if (p == NULL || (nl = memchr(p, '\n', len - (size_t)(p - out))) ==
	    NULL)
		return (-1);
	off = end - (json_int_t)(len - (size_t)(nl + 1 - out)) - omitted;
	return (off >= 0 ? off : -1);
}

/* How a run that has ended ended: the first items of its line. */
static void
run_end(struct text *t, json_t *r)
{
	const char	*error = json_string_value(json_object_get(r, "error"));
	const char	*name;
	json_int_t	 code = int_field(r, "exit", 0);
	json_int_t	 ms = int_field(r, "duration_ms", -1);
	json_int_t	 sig = int_field(r, "signal", 0);

	if (error == NULL && sig > 0) {
		name = signal_name(sig);
		if (name != NULL)
			text_item(t, "killed by signal %lld (%s)",
			    (long long)sig, name);
		else
			text_item(t, "killed by signal %lld", (long long)sig);
		text_item(t, "exit %lld", (long long)code);
	} else if (error == NULL)
		text_item(t, "exit %lld", (long long)code);
	else if (strcmp(error, "timeout") == 0 && ms >= 0) {
		text_duration(t, "timeout after", ms);
		return;
	} else if (strcmp(error, "idle_timeout") == 0 && ms >= 0) {
		text_item(t, "idle timeout: no output for too long");
		text_duration(t, "killed after", ms);
		return;
	} else if (strcmp(error, "waiting_for_input") == 0 && ms >= 0) {
		text_item(t, "killed waiting for input");
		text_duration(t, "after", ms);
		return;
	} else if (strcmp(error, "aborted") == 0)
		text_item(t, "cancelled \xc2\xb7 exit %lld", (long long)code);
	else if (strcmp(error, "not_found") == 0)
		text_item(t, "command not found \xc2\xb7 exit %lld",
		    (long long)code);
	else if (strncmp(error, "not_executable", 14) == 0)
		text_item(t, "not executable%s \xc2\xb7 exit %lld", error + 14,
		    (long long)code);
	else if (strcmp(error, "shutdown") == 0)
		text_item(t, "the host shut down during the run \xc2\xb7 "
		    "exit %lld", (long long)code);
	else
		text_item(t, "%s \xc2\xb7 exit %lld", error, (long long)code);
	if (ms >= 0)
		text_duration(t, "", ms);
}

/*
 * A run's reply (exec, shell, cancel, wait): its text (output, then the
 * lines that can still change), then how it stands.
 */
static char *
text_run(json_t *r)
{
	struct text	 t = { NULL, 0, 0 };
	json_t		*out = json_object_get(r, "output");
	json_t		*tail = json_object_get(r, "tail");
	json_int_t	 seq = int_field(r, "seq", 0);
	json_int_t	 offset = int_field(r, "offset", -1);
	json_int_t	 omitted, end, cut;
	int		 running;

	if (json_is_string(out))
		text_body(&t, json_string_value(out), json_string_length(out));
	if (json_is_string(tail))
		text_body(&t, json_string_value(tail),
		    json_string_length(tail));
	running = json_is_true(json_object_get(r, "running"));
	if (running && json_is_true(json_object_get(r, "waiting_for_input")))
		text_item(&t, "waiting for input");
	else if (running)
		text_item(&t, "still running");
	else
		run_end(&t, r);
	if (seq > 0)
		text_item(&t, "run %lld", (long long)seq);
	if (running && seq > 0 && offset >= 0)
		text_item(&t, "%swait with offset %lld",
		    json_is_true(json_object_get(r, "waiting_for_input")) ?
		    "answer with input, then " : "", (long long)offset);
	if (json_is_true(json_object_get(r, "truncated")) && seq > 0) {
		omitted = int_field(r, "omitted_bytes", 0);
		end = offset >= 0 ? offset : int_field(r, "output_bytes", -1);
		cut = -1;
		if (json_is_string(out) && end >= 0)
			cut = cut_offset(json_string_value(out),
			    json_string_length(out), omitted, end);
		if (cut >= 0)
			text_item(&t, "output cut: %lld bytes omitted, "
			    "read_output seq %lld offset %lld",
			    (long long)omitted, (long long)seq, (long long)cut);
		else
			text_item(&t, "output cut: %lld bytes omitted, "
			    "read_output seq %lld", (long long)omitted,
			    (long long)seq);
	}
	return (text_end(&t));
}

/* A screen: its rows as is, then its size, cursor and state. */
static char *
text_screen(json_t *r)
{
	struct text	 t = { NULL, 0, 0 };
	json_t		*s = json_object_get(r, "screen");
	json_t		*cur = json_object_get(r, "cursor");

	text_body(&t, json_string_value(s), json_string_length(s));
	text_item(&t, "screen of run %lld", (long long)int_field(r, "seq", 0));
	text_item(&t, "%lldx%lld", (long long)int_field(r, "cols", 0),
	    (long long)int_field(r, "rows", 0));
	if (json_is_array(cur) && json_array_size(cur) == 2)
		text_item(&t, "cursor at row %lld, column %lld",
		    (long long)json_integer_value(json_array_get(cur, 0)),
		    (long long)json_integer_value(json_array_get(cur, 1)));
	text_item(&t, json_is_true(json_object_get(r, "running")) ?
	    "still running" : "ended");
	return (text_end(&t));
}

/* A slice of read_output: its bytes as is, then where it lies. */
static char *
text_slice(json_t *r)
{
	struct text	 t = { NULL, 0, 0 };
	json_t		*out = json_object_get(r, "output");
	json_int_t	 seq = int_field(r, "seq", 0);
	json_int_t	 next = int_field(r, "next_offset", 0);

	text_body(&t, json_string_value(out), json_string_length(out));
	text_item(&t, "run %lld", (long long)seq);
	text_item(&t, "bytes %lld-%lld of %lld",
	    (long long)int_field(r, "offset", 0), (long long)next,
	    (long long)int_field(r, "total_bytes", 0));
	if (json_is_true(json_object_get(r, "more")))
		text_item(&t, "more: read_output seq %lld offset %lld",
		    (long long)seq, (long long)next);
	else
		text_item(&t, "the end");
	if (int_field(r, "omitted_bytes", 0) > 0)
		text_item(&t, "%lld bytes past the journal's limit were not "
		    "kept", (long long)int_field(r, "omitted_bytes", 0));
	return (text_end(&t));
}

/*
 * JSON, with DEL, C1 and bidi controls written as \u escapes too: jansson
 * escapes only C0.  Escaped, they still decode to the exact strings that
 * structuredContent carries.
 */
static char *
text_json(json_t *reply)
{
	char		*json, *out;
	uint32_t	 cp;
	size_t		 len, i, o, n;

	if ((json = json_dumps(reply, JSON_COMPACT)) == NULL)
		return (xstrdup(""));
	len = strlen(json);
	/* A byte grows at most into six ("\u007f"). */
	if (len > (SIZE_MAX - 1) / 6)
		abort();
	out = xmalloc(len * 6 + 1);
	for (i = o = 0; i < len; i += n) {
		if ((n = utf8_char(json + i, len - i, &cp)) == 0) {
			n = 1;
			cp = UTF8_REPLACEMENT;
		}
		if (utf8_is_control(cp) || utf8_is_bidi(cp))
			o += (size_t)snprintf(out + o, 7, "\\u%04x",
			    (unsigned int)cp);
		else {
			memcpy(out + o, json + i, n);
			o += n;
		}
	}
	out[o] = '\0';
	free(json);
	return (out);
}

/* The text content of a tool's reply, chosen by what the reply holds. */
char *
mcp_text(json_t *reply)
{
	struct text	 t = { NULL, 0, 0 };

	if (json_is_string(json_object_get(reply, "screen")))
		return (text_screen(reply));
	if (json_is_string(json_object_get(reply, "output")) &&
	    json_is_integer(json_object_get(reply, "next_offset")))
		return (text_slice(reply));
	if (json_is_true(json_object_get(reply, "ok"))) {
		text_item(&t, "typed into run %lld",
		    (long long)int_field(reply, "seq", 0));
		return (text_end(&t));
	}
	if (json_is_integer(json_object_get(reply, "exit")) ||
	    json_is_boolean(json_object_get(reply, "running")))
		return (text_run(reply));
	return (text_json(reply));
}
