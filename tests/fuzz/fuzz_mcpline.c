/*
 * fuzz_mcpline.c: libFuzzer target for the MCP server's line handler,
 * mcp_line() in src/mcp.c, fed one line as stdin would bring it.
 *
 * The server is made once and initialized, with a runtime directory that
 * holds no host, so every request is answered at once (a refusal, HOST
 * NOT FOUND, or the server's own answer) and nothing waits.  Its stdout
 * is a file, read back after each line.  The invariants: the handler
 * never crashes (the sanitizers watch); everything it writes is whole
 * lines, each a JSON-RPC 2.0 object with an id and one of result and
 * error, or the server's own request roots/list (after an initialize
 * that offers roots), which answers nothing; a line is answered exactly
 * once, unless jansson reads it as a notification or a response, which
 * are never answered; and where jansson reads a string or integer id,
 * the answer carries that id.
 */
#include "rexec.h"

#include <sys/mman.h>
#include <sys/stat.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "config.h"
#include "mcp.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(e)	do { if (!(e)) abort(); } while (0)

static struct config	 cfg;
static struct mcp	*server;
static int		 out_fd = -1;
static char		 tmp[] = "/tmp/fuzz_mcpline.XXXXXX";

static char *
path_in_tmp(const char *name)
{
	char	*p;

	CHECK(asprintf(&p, "%s/%s", tmp, name) != -1);
	return (p);
}

static void
cleanup(void)
{
	char	*p;

	if (server != NULL)
		mcp_free(server);
	config_free(&cfg);
	p = path_in_tmp("run");
	rmdir(p);
	free(p);
	rmdir(tmp);
}

/*
 * What the server wrote since the last call, cut into lines; the file is
 * emptied for the next one.  Returns the number of answers (the lines
 * but the server's own requests).
 */
static size_t
answers(json_t **last)
{
	char	*buf, *line, *nl;
	off_t	 size;
	size_t	 n = 0;
	json_t	*o;

	*last = NULL;
	size = lseek(out_fd, 0, SEEK_CUR);
	CHECK(size >= 0);
	buf = malloc((size_t)size + 1);
	CHECK(buf != NULL);
	CHECK(pread(out_fd, buf, (size_t)size, 0) == size);
	buf[size] = '\0';
	for (line = buf; line < buf + size; line = nl + 1) {
		/* Whole lines only, each one message. */
		CHECK((nl = memchr(line, '\n', buf + size - line)) != NULL);
		o = json_loadb(line, (size_t)(nl - line), JSON_ALLOW_NUL, NULL);
		CHECK(o != NULL && json_is_object(o));
		CHECK(json_is_string(json_object_get(o, "jsonrpc")));
		CHECK(strcmp(json_string_value(json_object_get(o, "jsonrpc")),
		    "2.0") == 0);
		CHECK(json_object_get(o, "id") != NULL);
		if (json_object_get(o, "method") != NULL) {
			/* The server asks: roots/list, nothing else. */
			CHECK(json_is_string(json_object_get(o, "id")));
			CHECK(strcmp(json_string_value(json_object_get(o,
			    "method")), "roots/list") == 0);
			CHECK(json_object_get(o, "result") == NULL &&
			    json_object_get(o, "error") == NULL);
			json_decref(o);
			continue;
		}
		CHECK((json_object_get(o, "result") != NULL) !=
		    (json_object_get(o, "error") != NULL));
		json_decref(*last);
		*last = o;
		n++;
	}
	free(buf);
	CHECK(ftruncate(out_fd, 0) == 0);
	CHECK(lseek(out_fd, 0, SEEK_SET) == 0);
	return (n);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char	init[] = "{\"jsonrpc\":\"2.0\",\"id\":0,"
	    "\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
	    "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":"
	    "\"fuzz\",\"version\":\"1\"}}}";
	char			*run, *journal, *cause = NULL;
	json_t			*o;

	(void)argc;
	(void)argv;
	CHECK(mkdtemp(tmp) != NULL);
	run = path_in_tmp("run");
	journal = path_in_tmp("journal");
	CHECK(mkdir(run, 0700) == 0);
	setenv("REXEC_RUNTIME_DIR", run, 1);
	setenv("REXEC_JOURNAL_DIR", journal, 1);
	free(run);
	free(journal);
	CHECK(config_load(&cfg, NULL, 0, &cause) == 0);
	CHECK((out_fd = memfd_create("mcp-out", MFD_CLOEXEC)) != -1);
	server = mcp_new(&cfg, NULL, -1, out_fd, &cause);
	if (server == NULL) {
		fprintf(stderr, "fuzz_mcpline: %s\n", cause);
		abort();
	}
	atexit(cleanup);
	mcp_line(server, init, sizeof init - 1);
	CHECK(answers(&o) == 1);
	CHECK(json_object_get(o, "result") != NULL);
	json_decref(o);
	return (0);
}

/* How many answers a line should get, as jansson reads it: 0 or 1. */
static int
expected(json_t *msg)
{
	json_t	*id, *jsonrpc, *method;

	if (msg == NULL || !json_is_object(msg))
		return (1);
	id = json_object_get(msg, "id");
	jsonrpc = json_object_get(msg, "jsonrpc");
	method = json_object_get(msg, "method");
	if (!json_is_string(jsonrpc) || json_string_length(jsonrpc) != 3 ||
	    memcmp(json_string_value(jsonrpc), "2.0", 3) != 0)
		return (1);
	if (id == NULL)
		return (!json_is_string(method));	/* a notification */
	if (!json_is_string(id) && !json_is_integer(id))
		return (1);
	if (!json_is_string(method) && (json_object_get(msg, "result") !=
	    NULL || json_object_get(msg, "error") != NULL))
		return (0);				/* a response */
	return (1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*line = (const char *)data;
	json_t		*msg, *got, *id;
	size_t		 n;

	/* One line, as mcp_input hands it over: no newline inside. */
	if (memchr(data, '\n', size) != NULL)
		return (0);
	mcp_line(server, line, size);
	n = answers(&got);
	msg = json_loadb(line, size, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	CHECK(n == (size_t)expected(msg));
	id = msg != NULL && json_is_object(msg) ? json_object_get(msg, "id") :
	    NULL;
	if (got != NULL && (json_is_string(id) || json_is_integer(id)))
		CHECK(json_equal(json_object_get(got, "id"), id));
	json_decref(got);
	json_decref(msg);
	return (0);
}
