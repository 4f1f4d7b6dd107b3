/*
 * cmd_input.c: "rexec input SEQ TEXT", "rexec input SEQ -" (TEXT from
 * stdin) and "rexec input SEQ --keys KEY...": type into run SEQ's
 * terminal as if the human did (DESIGN.md section 4.1).
 *
 * TEXT goes as it is, with no newline added: "rexec input 3 $'yes\n'"
 * or a following "--keys Enter" presses Enter.  Text that starts with a
 * dash goes after "--".  Key names are checked here with keyname.c, the
 * table the host uses, so a typo is a usage error before anything is
 * sent; the host turns them into bytes in the run's current modes.
 */
#include "rexec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "client.h"
#include "config.h"
#include "keyname.h"
#include "request.h"

/* stdin, up to one byte more than an input may hold. */
static int
input_stdin(char *buf, size_t size, size_t *len)
{
	ssize_t	n;

	*len = 0;
	while (*len < size) {
		n = read(STDIN_FILENO, buf + *len, size - *len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return (-1);
		if (n == 0)
			break;
		*len += n;
	}
	return (0);
}

/* The "data" of an input request: TEXT, or stdin for "-". */
static int
input_data(const char *arg, json_t **data)
{
	char	buf[REQUEST_INPUT_MAX + 1];
	size_t	len;

	if (strcmp(arg, "-") != 0) {
		len = strlen(arg);
	} else {
		if (input_stdin(buf, sizeof buf, &len) != 0)
			return (cli_error("stdin: %s", strerror(errno)));
		arg = buf;
	}
	if (len == 0)
		return (cli_usage("input", "nothing to type"));
	if (len > REQUEST_INPUT_MAX)
		return (cli_usage("input", "%s: longer than %d bytes",
		    arg == buf ? "stdin" : "TEXT", REQUEST_INPUT_MAX));
	if ((*data = json_stringn(arg, len)) == NULL)
		return (cli_usage("input", "%s: not valid UTF-8 text",
		    arg == buf ? "stdin" : "TEXT"));
	return (0);
}

/* The "keys" of an input request, each name checked. */
static int
input_keys(int argc, char **argv, json_t **keys)
{
	struct keyname	k;
	int		i;

	if (argc == 0)
		return (cli_usage("input", "--keys: no key names"));
	if (argc > REQUEST_KEYS_MAX)
		return (cli_usage("input", "--keys: more than %d keys",
		    REQUEST_KEYS_MAX));
	for (i = 0; i < argc; i++) {
		if (keyname_parse(argv[i], &k) != 0)
			return (cli_usage("input", "--keys: unknown key \"%s\"",
			    argv[i]));
	}
	*keys = json_array();
	for (i = 0; i < argc; i++)
		json_array_append_new(*keys, json_string(argv[i]));
	return (0);
}

int
cmd_input_exec(int argc, char **argv)
{
	struct config	 cfg;
	json_t		*req, *what = NULL, *reply;
	const char	*field = "data";
	char		*id;
	long long	 seq;
	int		 r;

	if (argc < 2)
		return (cli_usage("input", "which run?"));
	if ((r = cli_seq("input", argv[1], &seq)) != 0)
		return (r);
	if (argc < 3)
		return (cli_usage("input", "nothing to type (TEXT, - or "
		    "--keys KEY...)"));
	if (strcmp(argv[2], "--keys") == 0) {
		field = "keys";
		r = input_keys(argc - 3, argv + 3, &what);
	} else if (strcmp(argv[2], "--") == 0) {
		if (argc != 4)
			return (cli_usage("input", argc < 4 ? "nothing to "
			    "type after --" : "unexpected argument \"%s\"",
			    argv[4]));
		r = input_data(argv[3], &what);
	} else if (argv[2][0] == '-' && argv[2][1] != '\0') {
		return (cli_usage("input", "unknown option \"%s\" (text that "
		    "starts with - goes after --)", argv[2]));
	} else {
		if (argc != 3)
			return (cli_usage("input", "unexpected argument "
			    "\"%s\"", argv[3]));
		r = input_data(argv[2], &what);
	}
	if (r != 0)
		return (r);
	cli_client_config(&cfg);

	id = client_make_id();
	req = json_pack("{s:s, s:s, s:I, s:o}", "action", "input", "id", id,
	    "seq", (json_int_t)seq, field, what);
	r = client_ask(&cfg, req, CLIENT_ANSWER_WAIT, &reply);
	json_decref(req);
	free(id);
	config_free(&cfg);
	if (r != 0)
		return (r);
	if ((r = client_answer(reply, "ok", 0)) == 0 &&
	    !json_is_true(json_object_get(reply, "ok")))
		r = cli_error("the host did not take the input");
	json_decref(reply);
	return (r);
}
