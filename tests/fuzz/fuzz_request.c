/*
 * fuzz_request.c: libFuzzer target for the control line path
 * (src/control.c, src/request.c).
 *
 * The input goes through the framing twice, once whole and once in
 * chunks whose sizes come from the input itself; both must give the same
 * lines.  Every line, and the whole input as a spool file, goes through
 * request_parse(), whose answer must keep its promises: a failure has a
 * one-line cause of valid UTF-8 and an id that is NULL or valid, a
 * success has what its action needs (an id, but for an abort by seq;
 * the run a wait, input or screen names; data or keys for an input).
 */
#include "rexec.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"
#include "request.h"
#include "utf8.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct seen {
	size_t		n;
	uint64_t	hash;	/* FNV-1a over every line and its flag */
};

#define CHECK(e)	do { if (!(e)) abort(); } while (0)

static void
check_cause(const char *cause)
{
	const unsigned char	*cp;

	CHECK(cause != NULL && *cause != '\0');
	CHECK(utf8_valid(cause, strlen(cause)));
	for (cp = (const unsigned char *)cause; *cp != '\0'; cp++)
		CHECK(*cp >= 0x20 && *cp != 0x7f);
	CHECK(strstr(cause, "\xc2\x85") == NULL);
	CHECK(strstr(cause, "\xe2\x80\xa8") == NULL);
	CHECK(strstr(cause, "\xe2\x80\xa9") == NULL);
}

/* wait, input and screen name a run; an input types data or keys. */
static void
check_target(const struct request *req)
{
	size_t	i;

	if (req->action == REQUEST_WAIT || req->action == REQUEST_INPUT ||
	    req->action == REQUEST_SCREEN)
		CHECK(req->seq >= 1);
	if (req->action != REQUEST_INPUT) {
		CHECK(req->data == NULL && req->keys == NULL);
		return;
	}
	CHECK((req->data != NULL) != (req->keys != NULL));
	if (req->data != NULL)
		CHECK(req->data_len >= 1 && req->data_len <= REQUEST_INPUT_MAX);
	else {
		CHECK(req->nkeys >= 1 && req->nkeys <= REQUEST_KEYS_MAX);
		for (i = 0; i < req->nkeys; i++)
			CHECK(req->keys[i] != NULL && *req->keys[i] != '\0');
		CHECK(req->keys[req->nkeys] == NULL);
	}
}

static void
check_request(const struct request *req)
{
	size_t	i;

	CHECK(req->id == NULL || request_id_valid(req->id));
	if (req->action != REQUEST_RUN) {
		/* Only an abort that names its run by seq may lack an id. */
		CHECK(req->id != NULL ||
		    (req->action == REQUEST_ABORT && req->seq != 0));
		CHECK(req->whoami == NULL && req->argv == NULL);
		check_target(req);
		return;
	}
	CHECK(req->whoami != NULL && *req->whoami != '\0');
	CHECK(req->dir != NULL && *req->dir == '/');
	CHECK(req->argv != NULL && req->argc >= 1);
	CHECK(req->argv[0] != NULL && *req->argv[0] != '\0');
	CHECK(req->argv[req->argc] == NULL);
	for (i = 0; i < req->nenvs; i++) {
		CHECK(*req->envs[i].name != '\0');
		CHECK(strchr(req->envs[i].name, '=') == NULL);
		CHECK(req->envs[i].value != NULL);
	}
	CHECK(req->stdin_data != NULL || req->stdin_len == 0);
	CHECK(req->timeout == -1 || req->timeout >= 0);
	CHECK(req->max_output >= -1);
	CHECK(req->cols == 0 || (req->cols >= 2 && req->cols <= 1000));
	CHECK(req->rows == 0 || (req->rows >= 2 && req->rows <= 1000));
	CHECK(req->yield == -1 || req->yield > 0);
}

static void
parse(const char *buf, size_t len)
{
	struct request	*req;
	char		*id, *cause;

	req = request_parse(buf, len, &id, &cause);
	if (req == NULL) {
		check_cause(cause);
		CHECK(id == NULL || request_id_valid(id));
	} else {
		CHECK(id == NULL && cause == NULL);
		check_request(req);
	}
	request_free(req);
	free(id);
	free(cause);
}

static void
line_cb(const char *line, size_t len, int too_long, void *arg)
{
	struct seen	*s = arg;
	size_t		 i;

	CHECK(len > 0 && len <= REXEC_LINE_MAX);
	CHECK(line[len] == '\0');
	CHECK(too_long || memchr(line, '\n', len) == NULL);
	s->n++;
	for (i = 0; i < len; i++)
		s->hash = (s->hash ^ (uint8_t)line[i]) * 0x100000001b3ULL;
	s->hash = (s->hash ^ (uint64_t)(too_long + 2)) * 0x100000001b3ULL;
	if (!too_long)
		parse(line, len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen	 whole = { 0, 0xcbf29ce484222325ULL };
	struct seen	 chunked = { 0, 0xcbf29ce484222325ULL };
	struct control	*c;
	size_t		 off, n, i = 0;

	c = control_new(line_cb, &whole);
	control_feed(c, (const char *)data, size);
	control_free(c);

	/* Chunk sizes 1..256 taken from the input's bytes in turn. */
	c = control_new(line_cb, &chunked);
	for (off = 0; off < size; off += n) {
		n = (size_t)data[i++ % size] + 1;
		if (n > size - off)
			n = size - off;
		control_feed(c, (const char *)data + off, n);
	}
	control_free(c);
	CHECK(whole.n == chunked.n && whole.hash == chunked.hash);

	/* The whole input as a spool file. */
	parse((const char *)data, size);
	return (0);
}
