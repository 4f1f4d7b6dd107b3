/*
 * mcp_tool.c: the MCP server's tools (DESIGN.md section 10).
 *
 * The tools are data: each names its arguments in a table, and that one
 * table gives both the inputSchema that tools/list shows and the checks a
 * tools/call goes through, so the two cannot disagree.  A call whose
 * arguments break the schema is refused with the field named (the server
 * answers -32602); a call that passes becomes one host request of
 * DESIGN.md section 3 or 4.1, whose reply becomes the tool's result.  This
 * file never touches a file descriptor: mcp.c sends and waits.
 */
#include "rexec.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "client.h"
#include "journal.h"
#include "mcp.h"
#include "textfile.h"
#include "utf8.h"

/* read_output's slice when the call gives no limit. */
#define MCP_READ_LIMIT	65536

enum arg_type {
	ARG_STRING,		/* no NUL: a name, a command line */
	ARG_TEXT,		/* any text, NUL too: bytes for the run */
	ARG_DIR,		/* an absolute path */
	ARG_STRINGS,		/* a non-empty array of strings */
	ARG_ENVS,		/* {"K":"V"} or ["K=V", ...] */
	ARG_SECONDS,		/* a number >= 0 */
	ARG_YIELD,		/* a number > 0 */
	ARG_SEQ,		/* an integer >= 1 */
	ARG_BYTES,		/* an integer >= 0 */
	ARG_BOOL		/* true or false */
};

struct mcp_arg {
	const char	*name;
	enum arg_type	 type;
	int		 required;
	const char	*description;
};

struct mcp_tool {
	const char		*name;
	const char		*title;
	const char		*description;
	enum mcp_tool_kind	 kind;
	const char		*action;	/* the control line's action */
	const struct mcp_arg	*args;
	int			 destructive;	/* else read-only, idempotent */
	int			 response;	/* outputSchema: the response */
};

#define RUN_ARGS \
	{ "dir", ARG_DIR, 0, "Absolute working directory (default: the " \
	  "client's first root when it offers roots, else the MCP " \
	  "server's current directory)." }, \
	{ "envs", ARG_ENVS, 0, "Environment variables added to the run's: " \
	  "an object {\"NAME\":\"VALUE\"} or an array of \"NAME=VALUE\"." }, \
	{ "clear_env", ARG_BOOL, 0, "Start from an empty environment: only " \
	  "the host's [env] section, envs, TERM, REXEC and REXEC_SEQ " \
	  "(default false: the host's environment, or this MCP server's " \
	  "when the configuration says [run] env = client)." }, \
	{ "stdin", ARG_TEXT, 0, "Text fed to the command's standard input, " \
	  "then end of file (without it, stdin is the terminal)." }, \
	{ "timeout", ARG_SECONDS, 0, "Seconds before the run is killed " \
	  "(exit 124); 0 = none; default and ceiling set by the host." }, \
	{ "yield", ARG_YIELD, 0, "Answer after at most this many seconds " \
	  "even if the command goes on: the result then has running: true " \
	  "and seq; continue with wait, input, screen or cancel." }

static const struct mcp_arg exec_args[] = {
	{ "argv", ARG_STRINGS, 1, "The command and its arguments, run with " \
	  "execvp (no shell): [\"make\", \"-j4\"]." },
	RUN_ARGS,
	{ NULL, 0, 0, NULL }
};

static const struct mcp_arg shell_args[] = {
	{ "command", ARG_STRING, 1, "A shell command line, run as /bin/sh -c " \
	  "COMMAND (pipelines, &&, redirections)." },
	RUN_ARGS,
	{ NULL, 0, 0, NULL }
};

static const struct mcp_arg wait_args[] = {
	{ "seq", ARG_SEQ, 1, "The run's seq (from a result with running: "
	  "true)." },
	{ "timeout", ARG_SECONDS, 0, "Seconds to wait for the run's end "
	  "(default 0: answer at once)." },
	{ "offset", ARG_BYTES, 0, "Where the new text starts: the offset of "
	  "the previous result (default 0)." },
	{ NULL, 0, 0, NULL }
};

static const struct mcp_arg input_args[] = {
	{ "seq", ARG_SEQ, 1, "The run's seq." },
	{ "text", ARG_TEXT, 0, "Text typed into the run's terminal; "
	  "\"\\n\" is Enter, \"\\u0003\" is Ctrl-C." },
	{ "keys", ARG_STRINGS, 0, "Named keys instead of text: Enter Tab "
	  "Escape Backspace Up Down Left Right Home End PageUp PageDown "
	  "Insert Delete F1-F12 C-a..C-z M-<key>." },
	{ NULL, 0, 0, NULL }
};

static const struct mcp_arg seq_args[] = {
	{ "seq", ARG_SEQ, 1, "The run's seq." },
	{ NULL, 0, 0, NULL }
};

static const struct mcp_arg read_args[] = {
	{ "seq", ARG_SEQ, 1, "The run's seq." },
	{ "offset", ARG_BYTES, 0, "First byte of the slice (default 0)." },
	{ "limit", ARG_BYTES, 0, "Most bytes in the slice (default 65536; "
	  "0, or more than the host's [agent] max_output_limit, is that "
	  "limit)." },
	{ "session", ARG_STRING, 0, "The journal session the run belongs to, "
	  "as a result's journal path names it (default: whichever holds "
	  "seq)." },
	{ NULL, 0, 0, NULL }
};

static const struct mcp_arg no_args[] = {
	{ NULL, 0, 0, NULL }
};

static const struct mcp_tool tools[] = {
	{ "exec", "Run a command", "Run a command (argv, no shell) in a fresh "
	  "terminal on the rexec host, where a human watches it, and return "
	  "what the terminal showed, its exit status and error.  Use yield "
	  "for anything that may run long (servers, watchers, big builds).",
	  MCP_TOOL_RUN, NULL, exec_args, 1, 1 },
	{ "shell", "Run a shell command", "As exec, for a shell command line "
	  "run as /bin/sh -c COMMAND: pipelines, &&, redirections.",
	  MCP_TOOL_RUN, NULL, shell_args, 1, 1 },
	{ "wait", "Wait for a run", "The new text of a run started with yield, "
	  "from offset, waiting up to timeout seconds for its end.  While it "
	  "goes on the result has running: true, output (final text), tail "
	  "(lines that can still change) and the offset of the next wait; once "
	  "it has ended, exit and error too.",
	  MCP_TOOL_CONTROL, "wait", wait_args, 0, 1 },
	{ "input", "Type into a run", "Type text or named keys into a running "
	  "command's terminal, as the human would (a prompt, a REPL, a TUI).",
	  MCP_TOOL_CONTROL, "input", input_args, 1, 0 },
	{ "screen", "Show a run's screen", "The current screen of a run as "
	  "text (rows lines, trailing spaces trimmed) with the cursor: what a "
	  "full-screen program (top, a debugger, an editor) shows now.",
	  MCP_TOOL_CONTROL, "screen", seq_args, 0, 0 },
	{ "cancel", "Stop a run", "Stop a run (SIGTERM to its process group, "
	  "then SIGKILL) and return its final response.",
	  MCP_TOOL_CONTROL, "abort", seq_args, 1, 1 },
	{ "read_output", "Read a run's full output", "A slice of a finished "
	  "run's full text as the journal keeps it, for a result whose output "
	  "was truncated.", MCP_TOOL_JOURNAL, NULL, read_args, 0, 0 },
	{ "status", "List runs", "The host's running, detached (yielded) and "
	  "queued runs.", MCP_TOOL_CONTROL, "status", no_args, 0, 0 },
	{ "check_host", "Check the host", "HOST RUNNING if a rexec host is "
	  "up, else HOST NOT FOUND.", MCP_TOOL_CHECK, NULL, no_args, 0, 0 },
};

/* The response of DESIGN.md sections 3 and 4.1, for outputSchema. */
static const struct {
	const char	*name;
	const char	*type;
	const char	*description;
} response_fields[] = {
	{ "seq", "integer", "The run's number in this host session." },
	{ "exit", "integer", "Exit status; 128+N: killed by signal N; 124: a "
	  "timeout." },
	{ "output", "string", "What the terminal showed, redraws collapsed." },
	{ "tail", "string", "Lines that can still change (a running "
	  "command's progress bar)." },
	{ "error", "string", "Why the run failed or was stopped (not_found, "
	  "timeout, aborted, ...); for a call refused, why, with no exit." },
	{ "signal", "integer", "The signal that ended the run." },
	{ "duration_ms", "integer", NULL },
	{ "running", "boolean", "The run goes on: use wait with its seq." },
	{ "offset", "integer", "Where the next wait starts." },
	{ "truncated", "boolean", "output was cut: read_output has it all." },
	{ "omitted_bytes", "integer", NULL },
	{ "output_bytes", "integer", NULL },
	{ "waiting_for_input", "boolean", "The command waits for terminal "
	  "input: use input or screen." },
	{ "journal", "string", NULL },
	{ "record", "string", NULL },
};

const struct mcp_tool *
mcp_tool_find(const char *name)
{
	size_t	i;

	for (i = 0; i < nitems(tools); i++) {
		if (strcmp(tools[i].name, name) == 0)
			return (&tools[i]);
	}
	return (NULL);
}

enum mcp_tool_kind
mcp_tool_kind(const struct mcp_tool *t)
{
	return (t->kind);
}

const char *
mcp_tool_name(const struct mcp_tool *t)
{
	return (t->name);
}

/*
 * How long the host may take to answer a call (< 0: as long as the run
 * lasts; its own timeouts and the liveness check bound it).
 */
double
mcp_tool_deadline(const struct mcp_tool *t, json_t *args)
{
	if (t->kind == MCP_TOOL_RUN || strcmp(t->action, "abort") == 0)
		return (-1);
	if (strcmp(t->action, "wait") == 0)
		return (json_number_value(json_object_get(args, "timeout")) +
		    CLIENT_ANSWER_WAIT);
	return (CLIENT_ANSWER_WAIT);
}

static json_t *
arg_schema(const struct mcp_arg *a)
{
	json_t	*s = NULL;

	switch (a->type) {
	case ARG_STRING:
	case ARG_TEXT:
	case ARG_DIR:
		s = json_pack("{s:s}", "type", "string");
		break;
	case ARG_STRINGS:
		s = json_pack("{s:s, s:{s:s}, s:i}", "type", "array", "items",
		    "type", "string", "minItems", 1);
		break;
	case ARG_ENVS:
		s = json_pack("{s:[{s:s, s:{s:s}}, {s:s, s:{s:s}}]}", "anyOf",
		    "type", "object", "additionalProperties", "type", "string",
		    "type", "array", "items", "type", "string");
		break;
	case ARG_SECONDS:
		s = json_pack("{s:s, s:i}", "type", "number", "minimum", 0);
		break;
	case ARG_YIELD:
		s = json_pack("{s:s, s:i}", "type", "number",
		    "exclusiveMinimum", 0);
		break;
	case ARG_SEQ:
		s = json_pack("{s:s, s:i}", "type", "integer", "minimum", 1);
		break;
	case ARG_BYTES:
		s = json_pack("{s:s, s:i}", "type", "integer", "minimum", 0);
		break;
	case ARG_BOOL:
		s = json_pack("{s:s}", "type", "boolean");
		break;
	}
	json_object_set_new(s, "description", json_string(a->description));
	return (s);
}

static json_t *
input_schema(const struct mcp_tool *t)
{
	const struct mcp_arg	*a;
	json_t			*props = json_object(), *req = json_array();

	for (a = t->args; a->name != NULL; a++) {
		json_object_set_new(props, a->name, arg_schema(a));
		if (a->required)
			json_array_append_new(req, json_string(a->name));
	}
	return (json_pack("{s:s, s:o, s:o, s:b}", "type", "object",
	    "properties", props, "required", req, "additionalProperties", 0));
}

static json_t *
output_schema(void)
{
	json_t	*props = json_object(), *p;
	size_t	 i;

	for (i = 0; i < nitems(response_fields); i++) {
		p = json_pack("{s:s}", "type", response_fields[i].type);
		if (response_fields[i].description != NULL)
			json_object_set_new(p, "description",
			    json_string(response_fields[i].description));
		json_object_set_new(props, response_fields[i].name, p);
	}
	return (json_pack("{s:s, s:o}", "type", "object", "properties", props));
}

/*
 * The tools/list result for a protocol version: annotations came with
 * 2025-03-26, titles and outputSchema with 2025-06-18.
 */
json_t *
mcp_tool_list(const char *version)
{
	const struct mcp_tool	*t;
	json_t			*list = json_array(), *o, *ann;
	size_t			 i;
	int			 ro;

	for (i = 0; i < nitems(tools); i++) {
		t = &tools[i];
		o = json_pack("{s:s, s:s, s:o}", "name", t->name,
		    "description", t->description, "inputSchema",
		    input_schema(t));
		if (strcmp(version, "2025-06-18") >= 0) {
			json_object_set_new(o, "title", json_string(t->title));
			if (t->response)
				json_object_set_new(o, "outputSchema",
				    output_schema());
		}
		if (strcmp(version, "2025-03-26") >= 0) {
			ro = !t->destructive;
			ann = json_pack("{s:s, s:b, s:b, s:b, s:b}", "title",
			    t->title, "readOnlyHint", ro, "destructiveHint",
			    !ro, "idempotentHint", ro, "openWorldHint", !ro);
			json_object_set_new(o, "annotations", ann);
		}
		json_array_append_new(list, o);
	}
	return (json_pack("{s:o}", "tools", list));
}

/* A whole number, also as a real such as 5.0 that some clients send. */
static int
arg_integer(json_t *v, json_int_t min, json_int_t *out)
{
	double	d;

	if (json_is_integer(v))
		*out = json_integer_value(v);
	else if (json_is_real(v)) {
		d = json_real_value(v);
		if (d != floor(d) || fabs(d) >= 9e15)
			return (-1);
		*out = (json_int_t)d;
	} else
		return (-1);
	return (*out < min ? -1 : 0);
}

/*
 * Whether a string holds a NUL: the line was parsed with JSON_ALLOW_NUL
 * so that such an argument is refused by name, under the call's id.
 */
static int
has_nul(json_t *v)
{
	return (json_is_string(v) &&
	    strlen(json_string_value(v)) != json_string_length(v));
}

/* Check one argument against its type; says why not in *why. */
static int
arg_check(const struct mcp_arg *a, json_t *v, char **why)
{
	const char	*s;
	json_t		*e;
	json_int_t	 n;
	size_t		 i;

	switch (a->type) {
	case ARG_TEXT:
		if (!json_is_string(v))
			goto type;
		return (0);
	case ARG_STRING:
		if (!json_is_string(v))
			goto type;
		if (has_nul(v))
			goto nul;
		return (0);
	case ARG_DIR:
		if (!json_is_string(v))
			goto type;
		if (has_nul(v))
			goto nul;
		if (*json_string_value(v) != '/') {
			xasprintf(why, "%s: not an absolute path", a->name);
			return (-1);
		}
		return (0);
	case ARG_STRINGS:
		if (!json_is_array(v))
			goto type;
		if (json_array_size(v) == 0) {
			xasprintf(why, "%s: empty", a->name);
			return (-1);
		}
		json_array_foreach(v, i, e) {
			if (!json_is_string(e)) {
				xasprintf(why, "%s[%zu]: not a string",
				    a->name, i);
				return (-1);
			}
			if (has_nul(e)) {
				xasprintf(why, "%s[%zu]: contains NUL",
				    a->name, i);
				return (-1);
			}
		}
		return (0);
	case ARG_ENVS:
		if (json_is_object(v)) {
			json_object_foreach(v, s, e) {
				if (!json_is_string(e) || has_nul(e)) {
					xasprintf(why, "%s.%s: %s", a->name, s,
					    has_nul(e) ? "contains NUL" :
					    "not a string");
					return (-1);
				}
			}
			return (0);
		}
		if (!json_is_array(v))
			goto type;
		json_array_foreach(v, i, e) {
			s = json_string_value(e);
			if (has_nul(e)) {
				xasprintf(why, "%s[%zu]: contains NUL",
				    a->name, i);
				return (-1);
			}
			if (s == NULL || strchr(s, '=') == NULL || *s == '=') {
				xasprintf(why, "%s[%zu]: not \"NAME=VALUE\"",
				    a->name, i);
				return (-1);
			}
		}
		return (0);
	case ARG_SECONDS:
	case ARG_YIELD:
		if (!json_is_number(v) || !isfinite(json_number_value(v)))
			goto type;
		if (json_number_value(v) < 0 || (a->type == ARG_YIELD &&
		    json_number_value(v) == 0)) {
			xasprintf(why, "%s: must be %s 0", a->name,
			    a->type == ARG_YIELD ? ">" : ">=");
			return (-1);
		}
		return (0);
	case ARG_SEQ:
	case ARG_BYTES:
		if (arg_integer(v, a->type == ARG_SEQ ? 1 : 0, &n) != 0) {
			xasprintf(why, "%s: not an integer >= %d", a->name,
			    a->type == ARG_SEQ ? 1 : 0);
			return (-1);
		}
		return (0);
	case ARG_BOOL:
		if (!json_is_boolean(v))
			goto type;
		return (0);
	}
nul:
	xasprintf(why, "%s: contains NUL", a->name);
	return (-1);
type:
	xasprintf(why, "%s: expected %s", a->name, a->type == ARG_STRING ||
	    a->type == ARG_TEXT || a->type == ARG_DIR ? "a string" :
	    a->type == ARG_STRINGS ? "an array of strings" :
	    a->type == ARG_ENVS ? "an object or an array of \"NAME=VALUE\"" :
	    a->type == ARG_BOOL ? "true or false" : "a number");
	return (-1);
}

/* Every argument against the tool's table: unknown, missing, wrong. */
static int
args_check(const struct mcp_tool *t, json_t *args, char **why)
{
	const struct mcp_arg	*a;
	const char		*key;
	json_t			*v;

	json_object_foreach(args, key, v) {
		for (a = t->args; a->name != NULL; a++) {
			if (strcmp(a->name, key) == 0)
				break;
		}
		if (a->name == NULL) {
			xasprintf(why, "%s: unknown argument of %s", key,
			    t->name);
			return (-1);
		}
		if (arg_check(a, v, why) != 0)
			return (-1);
	}
	for (a = t->args; a->name != NULL; a++) {
		if (a->required && json_object_get(args, a->name) == NULL) {
			xasprintf(why, "%s: missing", a->name);
			return (-1);
		}
	}
	return (0);
}

/* envs as the host wants it: an object, from either form. */
static json_t *
envs_object(json_t *v)
{
	json_t		*o, *e;
	const char	*s, *eq;
	char		*name;
	size_t		 i;

	if (json_is_object(v))
		return (json_incref(v));
	o = json_object();
	json_array_foreach(v, i, e) {
		s = json_string_value(e);
		eq = strchr(s, '=');
		name = xstrndup(s, eq - s);
		json_object_set_new(o, name, json_string(eq + 1));
		free(name);
	}
	return (o);
}

static json_t *
run_request(const struct mcp_tool *t, json_t *args, const struct mcp_ctx *ctx)
{
	static const char *const copied[] = { "stdin", "timeout", "yield" };
	json_t		*req, *exec, *v;
	const char	*dir;
	size_t		 i;

	if (strcmp(t->name, "shell") == 0)
		exec = json_pack("[s, s, O]", "/bin/sh", "-c",
		    json_object_get(args, "command"));
	else
		exec = json_deep_copy(json_object_get(args, "argv"));
	dir = json_string_value(json_object_get(args, "dir"));
	req = json_pack("{s:s, s:s, s:s, s:o}", "id", ctx->id, "whoami",
	    ctx->whoami, "dir", dir != NULL ? dir : ctx->cwd, "exec", exec);
	if ((v = json_object_get(args, "envs")) != NULL)
		json_object_set_new(req, "envs", envs_object(v));
	for (i = 0; i < nitems(copied); i++) {
		if ((v = json_object_get(args, copied[i])) != NULL)
			json_object_set(req, copied[i], v);
	}
	if (json_is_true(json_object_get(args, "clear_env")))
		json_object_set_new(req, "clear_env", json_true());
	else if (ctx->base_env != NULL)
		json_object_set(req, "base_env", ctx->base_env);
	return (req);
}

static json_t *
control_request(const struct mcp_tool *t, json_t *args,
    const struct mcp_ctx *ctx)
{
	json_t		*req, *v;
	json_int_t	 n;

	req = json_pack("{s:s, s:s}", "action", t->action, "id", ctx->id);
	if ((v = json_object_get(args, "seq")) != NULL &&
	    arg_integer(v, 1, &n) == 0)
		json_object_set_new(req, "seq", json_integer(n));
	if ((v = json_object_get(args, "offset")) != NULL &&
	    arg_integer(v, 0, &n) == 0)
		json_object_set_new(req, "offset", json_integer(n));
	if ((v = json_object_get(args, "timeout")) != NULL)
		json_object_set(req, "timeout", v);
	if ((v = json_object_get(args, "text")) != NULL)
		json_object_set(req, "data", v);
	if ((v = json_object_get(args, "keys")) != NULL)
		json_object_set(req, "keys", v);
	return (req);
}

/*
 * Check a call's arguments and build its host request (NULL for the
 * tools that need none).  Returns 0, or -1 with *why naming the field.
 */
int
mcp_tool_request(const struct mcp_tool *t, json_t *args,
    const struct mcp_ctx *ctx, json_t **req, char **why)
{
	int	text, keys;

	*req = NULL;
	if (args_check(t, args, why) != 0)
		return (-1);
	if (strcmp(t->name, "input") == 0) {
		text = json_object_get(args, "text") != NULL;
		keys = json_object_get(args, "keys") != NULL;
		if (text == keys) {
			*why = xstrdup("text, keys: give exactly one");
			return (-1);
		}
	}
	if (t->kind == MCP_TOOL_RUN)
		*req = run_request(t, args, ctx);
	else if (t->kind == MCP_TOOL_CONTROL)
		*req = control_request(t, args, ctx);
	return (0);
}

static json_t *
text_content(const char *text)
{
	return (json_pack("[{s:s, s:s}]", "type", "text", "text", text));
}

/*
 * A tool's result from the host's reply (which it takes): the text a
 * model reads (mcp_text), and the whole reply as structuredContent when
 * the protocol has it.  An error, or an exit status other than 0 of a run
 * that has ended, is isError.  A request the host refused (bad_request:
 * an unknown or ended seq, a bad key name) is a tool error: nothing ran,
 * so its result says why in a sentence and carries no exit.
 */
json_t *
mcp_tool_result(json_t *reply, const char *tool, int structured)
{
	json_t		*exit_code, *res;
	const char	*error;
	char		*text;
	int		 failed;

	json_object_del(reply, "id");	/* ours, not the model's */
	error = json_string_value(json_object_get(reply, "error"));
	if (error != NULL && strncmp(error, "bad_request", 11) == 0) {
		res = mcp_tool_refused(tool, error, structured);
		json_decref(reply);
		return (res);
	}
	exit_code = json_object_get(reply, "exit");
	failed = error != NULL ||
	    (json_is_integer(exit_code) && json_integer_value(exit_code) != 0);
	if (json_is_true(json_object_get(reply, "running")))
		failed = 0;
	text = mcp_text(reply);
	res = json_pack("{s:o, s:b}", "content", text_content(text), "isError",
	    failed);
	free(text);
	if (structured)
		json_object_set_new(res, "structuredContent", reply);
	else
		json_decref(reply);
	return (res);
}

/*
 * A tool error for a call that could not be done as asked (the host's
 * bad_request, or arguments that break the tool's schema): "wait refused:
 * seq: no such run".
 */
json_t *
mcp_tool_refused(const char *tool, const char *why, int structured)
{
	json_t	*res;
	char	*text;

	if (strncmp(why, "bad_request: ", 13) == 0)
		why += 13;
	else if (strcmp(why, "bad_request") == 0)
		why = "bad request";
	xasprintf(&text, "%s refused: %s", tool, why);
	res = mcp_tool_error(text, structured);
	free(text);
	return (res);
}

/*
 * A tool's answer that is only an error, a sentence: HOST NOT FOUND, a
 * dead host, a refusal.  Never an exit: nothing ran.
 */
json_t *
mcp_tool_error(const char *why, int structured)
{
	json_t	*res;

	res = json_pack("{s:o, s:b}", "content", text_content(why), "isError",
	    1);
	if (structured)
		json_object_set_new(res, "structuredContent",
		    json_pack("{s:s}", "error", why));
	return (res);
}

/*
 * read_output: a slice of run seq's full text from the journal, as
 * "rexec log" reads it (its text file, else its line's own text), cut at
 * character boundaries.  No call can ask for more than max bytes (the
 * host's [agent] max_output_limit): a limit of 0, or above max, is max.
 * total_bytes is what the journal keeps; text past [journal] max_output
 * is counted in omitted_bytes.
 */
json_t *
mcp_tool_read_output(json_t *args, const char *journal_dir, size_t max,
    int structured)
{
	const char	*session, *text;
	json_t		*line, *o;
	json_int_t	 seq, off = 0, limit = MCP_READ_LIMIT, all;
	char		*ref, *cause, *journal, *path, *slice = NULL;
	size_t		 total, start, end;
	int		 r;

	(void)arg_integer(json_object_get(args, "seq"), 1, &seq);
	(void)arg_integer(json_object_get(args, "offset"), 0, &off);
	(void)arg_integer(json_object_get(args, "limit"), 0, &limit);
	if (limit == 0 || (unsigned long long)limit > max)
		limit = (json_int_t)max;
	session = json_string_value(json_object_get(args, "session"));
	if (session != NULL)
		xasprintf(&ref, "%s:%lld", session, (long long)seq);
	else
		xasprintf(&ref, "%lld", (long long)seq);
	r = journal_lookup_path(journal_dir, ref, &line, &journal, &cause);
	free(ref);
	if (r != 0) {
		o = mcp_tool_error(cause, structured);
		free(cause);
		return (o);
	}
	if ((path = textfile_of_line(journal, line)) != NULL) {
		slice = textfile_slice(path, (size_t)off, (size_t)limit,
		    &start, &end, &total, &cause);
		free(path);
		if (slice == NULL) {
			o = mcp_tool_error(cause, structured);
			free(cause);
			free(journal);
			json_decref(line);
			return (o);
		}
		text = slice;
	} else {
		text = json_string_value(json_object_get(line, "output"));
		total = text != NULL ? json_string_length(json_object_get(line,
		    "output")) : 0;
		if (text == NULL)
			text = "";
		start = (size_t)off > total ? total : (size_t)off;
		start = utf8_boundary_after(text, total, start);
		end = total - start > (size_t)limit ? start + (size_t)limit :
		    total;
		end = start + utf8_truncate(text + start, end - start);
		text += start;
	}
	free(journal);
	o = json_pack("{s:I, s:I, s:I, s:I, s:b, s:s%}", "seq", seq, "offset",
	    (json_int_t)start, "next_offset", (json_int_t)end, "total_bytes",
	    (json_int_t)total, "more", end < total, "output", text,
	    end - start);
	all = json_integer_value(json_object_get(line, "output_bytes"));
	if (slice != NULL && all > (json_int_t)total)
		json_object_set_new(o, "omitted_bytes",
		    json_integer(all - (json_int_t)total));
	free(slice);
	json_decref(line);
	return (mcp_tool_result(o, "read_output", structured));
}
