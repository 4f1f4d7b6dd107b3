/*
 * test_request.c: one control line into a request (src/request.c).
 *
 * Lines are written with single quotes for readability; sq() turns them
 * into JSON.  A quote inside a JSON string is written \u0027 or \".
 */
#include "rexec.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "request.h"
#include "utf8.h"
#include "unit.h"

/* The required fields of a run, to build lines around. */
#define RUN	"'whoami':'w','dir':'/','exec':['true']"

/* A copy of s with every ' turned into ". */
static char *
sq(const char *s)
{
	char	*j = strdup(s), *cp;

	ck_assert_ptr_nonnull(j);
	for (cp = j; *cp != '\0'; cp++) {
		if (*cp == '\'')
			*cp = '"';
	}
	return (j);
}

/* A message must be one line of valid UTF-8 without control characters. */
static void
assert_one_line(const char *msg)
{
	const unsigned char	*cp;

	ck_assert_ptr_nonnull(msg);
	ck_assert_uint_gt(strlen(msg), 0);
	ck_assert_int_eq(utf8_valid(msg, strlen(msg)), 1);
	for (cp = (const unsigned char *)msg; *cp != '\0'; cp++)
		ck_assert_msg(*cp >= 0x20 && *cp != 0x7f,
		    "control byte 0x%02x in \"%s\"", *cp, msg);
	ck_assert_ptr_null(strstr(msg, "\xc2\x85"));	/* U+0085 NEL */
	ck_assert_ptr_null(strstr(msg, "\xe2\x80\xa8"));	/* U+2028 */
}

/* Expect len bytes of line to fail with exactly msg and reply to id. */
static void
expect_badn(const char *line, size_t len, const char *id, const char *msg)
{
	struct request	*req;
	char		*gotid = (char *)1, *cause = (char *)1;

	req = request_parse(line, len, &gotid, &cause);
	ck_assert_ptr_null(req);
	ck_assert_ptr_nonnull(cause);
	ck_assert_str_eq(cause, msg);
	assert_one_line(cause);
	if (id == NULL)
		ck_assert_ptr_null(gotid);
	else {
		ck_assert_ptr_nonnull(gotid);
		ck_assert_str_eq(gotid, id);
	}
	free(gotid);
	free(cause);
}

/* The same for a line written with single quotes. */
static void
expect_bad(const char *line, const char *id, const char *msg)
{
	char	*j = sq(line);

	expect_badn(j, strlen(j), id, msg);
	free(j);
}

static struct request *
parse_okn(const char *line, size_t len)
{
	struct request	*req;
	char		*id = (char *)1, *cause = (char *)1;

	req = request_parse(line, len, &id, &cause);
	ck_assert_msg(req != NULL, "rejected: %s", cause);
	ck_assert_ptr_null(id);
	ck_assert_ptr_null(cause);
	return (req);
}

static struct request *
parse_ok(const char *line)
{
	struct request	*req;
	char		*j = sq(line);

	req = parse_okn(j, strlen(j));
	free(j);
	return (req);
}

/* A string of n copies of s. */
static char *
repeat(const char *s, size_t n)
{
	size_t	 len = strlen(s), i;
	char	*out = malloc(len * n + 1);

	ck_assert_ptr_nonnull(out);
	for (i = 0; i < n; i++)
		memcpy(out + i * len, s, len);
	out[len * n] = '\0';
	return (out);
}

/* Build a line from a format, with single quotes. */
static char *
line_printf(const char *fmt, const char *arg)
{
	char	*line, *j;

	ck_assert_int_ne(asprintf(&line, fmt, arg), -1);
	j = sq(line);
	free(line);
	return (j);
}

START_TEST(test_minimal_run)
{
	struct request	*req;

	req = parse_ok("{" RUN "}");
	ck_assert_int_eq(req->action, REQUEST_RUN);
	ck_assert_ptr_null(req->id);
	ck_assert_str_eq(req->whoami, "w");
	ck_assert_str_eq(req->dir, "/");
	ck_assert_uint_eq(req->argc, 1);
	ck_assert_str_eq(req->argv[0], "true");
	ck_assert_ptr_null(req->argv[1]);
	ck_assert_ptr_null(req->envs);
	ck_assert_uint_eq(req->nenvs, 0);
	ck_assert_ptr_null(req->stdin_data);
	ck_assert_uint_eq(req->stdin_len, 0);
	ck_assert_double_eq(req->timeout, -1);
	ck_assert_int_eq(req->max_output, -1);
	ck_assert_uint_eq(req->cols, 0);
	ck_assert_uint_eq(req->rows, 0);
	request_free(req);
}
END_TEST

START_TEST(test_every_field)
{
	struct request	*req;

	req = parse_ok("{'id':'run-1.a_B','whoami':'claude',"
	    "'dir':'/home/u/src','exec':['sh','-c','echo \\'hi\\'',''],"
	    "'envs':{'B':'2','A':'','PATH':'/bin:/usr/bin'},"
	    "'stdin':'line\\n','timeout':2.5,'max_output':1024,"
	    "'cols':132,'rows':43,'unknown':{'x':[1,2]},'extra':null}");
	ck_assert_int_eq(req->action, REQUEST_RUN);
	ck_assert_str_eq(req->id, "run-1.a_B");
	ck_assert_str_eq(req->whoami, "claude");
	ck_assert_str_eq(req->dir, "/home/u/src");
	ck_assert_uint_eq(req->argc, 4);
	ck_assert_str_eq(req->argv[0], "sh");
	ck_assert_str_eq(req->argv[1], "-c");
	ck_assert_str_eq(req->argv[2], "echo \"hi\"");
	ck_assert_str_eq(req->argv[3], "");
	ck_assert_ptr_null(req->argv[4]);
	ck_assert_uint_eq(req->nenvs, 3);
	/* In the order sent. */
	ck_assert_str_eq(req->envs[0].name, "B");
	ck_assert_str_eq(req->envs[0].value, "2");
	ck_assert_str_eq(req->envs[1].name, "A");
	ck_assert_str_eq(req->envs[1].value, "");
	ck_assert_str_eq(req->envs[2].name, "PATH");
	ck_assert_str_eq(req->envs[2].value, "/bin:/usr/bin");
	ck_assert_uint_eq(req->stdin_len, 5);
	ck_assert_str_eq(req->stdin_data, "line\n");
	ck_assert_double_eq(req->timeout, 2.5);
	ck_assert_int_eq(req->max_output, 1024);
	ck_assert_uint_eq(req->cols, 132);
	ck_assert_uint_eq(req->rows, 43);
	request_free(req);
}
END_TEST

START_TEST(test_unicode_whoami)
{
	struct request	*req;
	char		*w, *line;

	req = parse_ok("{'whoami':'Zo\\u00eb \xf0\x9f\xa4\x96 \xe4\xbb\xa3\xe7\x90\x86',"
	    "'dir':'/','exec':['x']}");
	ck_assert_str_eq(req->whoami,
	    "Zo\xc3\xab \xf0\x9f\xa4\x96 \xe4\xbb\xa3\xe7\x90\x86");
	request_free(req);

	/* 64 characters are fine however many bytes they take. */
	w = repeat("\xf0\x9f\xa4\x96", 64);
	line = line_printf("{'whoami':'%s','dir':'/','exec':['x']}", w);
	req = parse_okn(line, strlen(line));
	ck_assert_str_eq(req->whoami, w);
	request_free(req);
	free(line);
	free(w);

	w = repeat("\xc3\xa9", 65);
	line = line_printf("{'whoami':'%s','dir':'/','exec':['x']}", w);
	expect_badn(line, strlen(line), NULL,
	    "whoami: longer than 64 characters");
	free(line);
	free(w);
}
END_TEST

START_TEST(test_stdin_with_nul)
{
	struct request	*req;

	req = parse_ok("{" RUN ",'stdin':'a\\u0000b\\u0000'}");
	ck_assert_uint_eq(req->stdin_len, 4);
	ck_assert_int_eq(memcmp(req->stdin_data, "a\0b\0", 5), 0);
	request_free(req);

	req = parse_ok("{" RUN ",'stdin':''}");
	ck_assert_ptr_nonnull(req->stdin_data);
	ck_assert_uint_eq(req->stdin_len, 0);
	request_free(req);
}
END_TEST

START_TEST(test_stdin_not_a_string)
{
	expect_bad("{'id':'s'," RUN ",'stdin':5}", "s", "stdin: not a string");
	expect_bad("{" RUN ",'stdin':['a']}", NULL, "stdin: not a string");
}
END_TEST

START_TEST(test_actions)
{
	static const struct {
		const char		*line;
		enum request_action	 action;
		const char		*name;
	} t[] = {
		{ "{'action':'ping','id':'p1'}", REQUEST_PING, "ping" },
		{ "{'action':'abort','id':'r-7'}", REQUEST_ABORT, "abort" },
		{ "{'action':'status','id':'s'}", REQUEST_STATUS, "status" },
		{ "{'id':'big.1','action':'spool'}", REQUEST_SPOOL, "spool" },
	};
	struct request	*req;
	size_t		 i;

	for (i = 0; i < nitems(t); i++) {
		req = parse_ok(t[i].line);
		ck_assert_int_eq(req->action, t[i].action);
		ck_assert_ptr_nonnull(req->id);
		ck_assert_ptr_null(req->whoami);
		ck_assert_ptr_null(req->dir);
		ck_assert_ptr_null(req->argv);
		ck_assert_str_eq(request_action_name(req->action), t[i].name);
		request_free(req);
	}
	ck_assert_str_eq(request_action_name(REQUEST_RUN), "run");

	/* A control line does not look at the run's fields. */
	req = parse_ok("{'action':'ping','id':'p','whoami':5,'exec':[]}");
	ck_assert_int_eq(req->action, REQUEST_PING);
	ck_assert_str_eq(req->id, "p");
	request_free(req);
}
END_TEST

START_TEST(test_action_without_id)
{
	expect_bad("{'action':'ping'}", NULL, "id: missing");
	expect_bad("{'action':'abort'}", NULL, "id: missing");
	expect_bad("{'action':'status','id':null}", NULL, "id: missing");
	expect_bad("{'action':'spool'," RUN "}", NULL, "id: missing");
}
END_TEST

START_TEST(test_unknown_action)
{
	char	*a, *line;

	expect_bad("{'action':'x','id':'q'}", "q", "unknown action \"x\"");
	expect_bad("{'action':'x'}", NULL, "unknown action \"x\"");
	expect_bad("{'action':'PING','id':'q'}", "q",
	    "unknown action \"PING\"");
	/* A run is the absence of an action, not an action of its own. */
	expect_bad("{'action':'run'," RUN "}", NULL, "unknown action \"run\"");
	expect_bad("{'action':''}", NULL, "unknown action \"\"");
	expect_bad("{'action':'ping\\u0000'}", NULL,
	    "unknown action \"ping\\u0000\"");
	/* Echoed safely: escaped, on one line. */
	expect_bad("{'action':'a\\nb\\r\\t\\u001b[1m\\u007f\\u0085\\u2028"
	    "\\\"q\\\\'}", NULL,
	    "unknown action \"a\\nb\\u000d\\t\\u001b[1m\\u007f\\u0085\\u2028"
	    "\\\"q\\\\\"");
	/* And cut after 40 characters. */
	a = repeat("\xc3\xa9", 100);
	line = line_printf("{'action':'%s'}", a);
	free(a);
	expect_badn(line, strlen(line), NULL, "unknown action \""
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\"...");
	free(line);
}
END_TEST

START_TEST(test_action_not_a_string)
{
	expect_bad("{'action':1,'id':'a'}", "a", "action: not a string");
	expect_bad("{'action':['ping']}", NULL, "action: not a string");
	expect_bad("{'action':true}", NULL, "action: not a string");
}
END_TEST

START_TEST(test_id_valid)
{
	char	*s;

	ck_assert_int_eq(request_id_valid("a"), 1);
	ck_assert_int_eq(request_id_valid("_"), 1);
	ck_assert_int_eq(request_id_valid("-"), 1);
	ck_assert_int_eq(request_id_valid("0"), 1);
	ck_assert_int_eq(request_id_valid("a.b-c_D9"), 1);
	ck_assert_int_eq(request_id_valid("a.."), 1);
	ck_assert_int_eq(request_id_valid(NULL), 0);
	ck_assert_int_eq(request_id_valid(""), 0);
	ck_assert_int_eq(request_id_valid("."), 0);
	ck_assert_int_eq(request_id_valid(".."), 0);
	ck_assert_int_eq(request_id_valid(".hidden"), 0);
	ck_assert_int_eq(request_id_valid("a/b"), 0);
	ck_assert_int_eq(request_id_valid("a b"), 0);
	ck_assert_int_eq(request_id_valid("a\n"), 0);
	ck_assert_int_eq(request_id_valid("caf\xc3\xa9"), 0);
	ck_assert_int_eq(request_id_valid("a+b"), 0);
	s = repeat("x", 64);
	ck_assert_int_eq(request_id_valid(s), 1);
	free(s);
	s = repeat("x", 65);
	ck_assert_int_eq(request_id_valid(s), 0);
	free(s);
}
END_TEST

START_TEST(test_bad_id)
{
	char	*id, *line;

	expect_bad("{'id':''," RUN "}", NULL, "id: not a valid id");
	expect_bad("{'id':'.x'," RUN "}", NULL, "id: not a valid id");
	expect_bad("{'id':'../etc'," RUN "}", NULL, "id: not a valid id");
	expect_bad("{'id':'a b'," RUN "}", NULL, "id: not a valid id");
	expect_bad("{'id':'a\\u0000b'," RUN "}", NULL, "id: not a valid id");
	expect_bad("{'id':'a\\nb','action':'ping'}", NULL,
	    "id: not a valid id");
	id = repeat("y", 65);
	line = line_printf("{'id':'%s','action':'ping'}", id);
	expect_badn(line, strlen(line), NULL, "id: not a valid id");
	free(line);
	free(id);

	expect_bad("{'id':5," RUN "}", NULL, "id: not a string");
	expect_bad("{'id':['a']," RUN "}", NULL, "id: not a string");
}
END_TEST

START_TEST(test_id_forms)
{
	struct request	*req;
	char		*id, *line;

	id = repeat("z", 64);
	line = line_printf("{'id':'%s','action':'status'}", id);
	req = parse_okn(line, strlen(line));
	ck_assert_str_eq(req->id, id);
	request_free(req);
	free(line);
	free(id);

	/* null is the same as no id: the run happens without a reply. */
	req = parse_ok("{'id':null," RUN "}");
	ck_assert_ptr_null(req->id);
	request_free(req);
}
END_TEST

START_TEST(test_not_json)
{
	expect_bad("x", NULL,
	    "not JSON: invalid token near 'x' at line 1 column 1");
	expect_bad("", NULL, "not JSON: unexpected token near end of file "
	    "at line 1 column 0");
	expect_bad("{'id':'a','whoami':", "a", "not JSON: unexpected token "
	    "near end of file at line 1 column 19");
	expect_bad("{'id':'a',}", "a",
	    "not JSON: string or '}' expected near '}' at line 1 column 11");
	expect_bad("{'id':'a'} x", "a",
	    "not JSON: end of file expected near 'x' at line 1 column 12");
	expect_bad("{'id':'a'}{}", "a",
	    "not JSON: end of file expected near '{' at line 1 column 11");
	expect_bad("{'a':1e999}", NULL, "not JSON: real number overflow "
	    "near '1e999' at line 1 column 10");
	expect_bad("{'a':'\\ud800'}", NULL, "not JSON: invalid Unicode "
	    "'\\uD800' near '\"\\ud800\"' at line 1 column 13");
	/* An unescaped control character inside a string. */
	expect_bad("{'a':'\x1b'}", NULL, "not JSON: control character 0x1b "
	    "near '\"' at line 1 column 6");
	/* Invalid UTF-8. */
	expect_bad("{'a':'\xff'}", NULL, "not JSON: unable to decode byte "
	    "0xff near '\"' at line 1 column 6");
	expect_bad("\xc3{}", NULL, "not JSON: unable to decode byte 0xc3 "
	    "at line 1 column 0");

	/* jansson echoes raw bytes of the line; they come out escaped. */
	expect_bad("\x01", NULL,
	    "not JSON: invalid token near '\\u0001' at line 1 column 1");
	expect_bad("{'a':\x1b}", NULL,
	    "not JSON: invalid token near '\\u001b' at line 1 column 6");
	expect_bad("{'a':1\x01}", NULL,
	    "not JSON: '}' expected near '\\u0001' at line 1 column 7");
	expect_bad("{'a':'\xe2\x82\xac\xe2\x82\xac", NULL,
	    "not JSON: premature end of input near '\"\xe2\x82\xac\xe2\x82\xac' "
	    "at line 1 column 8");
}
END_TEST

START_TEST(test_nul_byte_in_line)
{
	static const char	line[] = "{\"id\":\"a\0\"}";

	expect_badn(line, sizeof line - 1, NULL,
	    "not JSON: control character 0x0 near '\"a' at line 1 column 8");
	/* Only len bytes count: what follows them is not read. */
	expect_badn("{}garbage", 2, NULL, "whoami: missing");
}
END_TEST

START_TEST(test_duplicate_keys)
{
	expect_bad("{'id':'a','id':'b'," RUN "}", NULL, "not JSON: duplicate "
	    "object key near '\"id\"' at line 1 column 14");
	expect_bad("{" RUN ",'envs':{'A':'1','A':'2'}}", NULL,
	    "not JSON: duplicate object key near '\"A\"' at line 1 "
	    "column 59");
}
END_TEST

/* scan_id(line, want): request_scan_id() on the sq()-quoted line. */
static void
scan_id(const char *line, const char *want)
{
	char	*j = sq(line), *got;

	got = request_scan_id(j, strlen(j));
	if (want == NULL)
		ck_assert_msg(got == NULL, "%s: found \"%s\"", line, got);
	else {
		ck_assert_msg(got != NULL, "%s: no id", line);
		ck_assert_str_eq(got, want);
	}
	free(got);
	free(j);
}

START_TEST(test_scan_id)
{
	static const char	nul_key[] =
	    "{\"envs\":{\"A\\u0000B\":\"1\"},\"id\":\"k\"}";
	static const char	nul_id[] = "{\"id\":\"a\0b\"}";
	static const char	stray[] = "\xff\xfe{\"id\":\"s1\",\"action\":"
	    "\"ping\"}";
	char			*got;

	/* The line that jansson refuses: NUL in an object key. */
	got = request_scan_id(nul_key, sizeof nul_key - 1);
	ck_assert_str_eq(got, "k");
	free(got);
	expect_badn(nul_key, sizeof nul_key - 1, "k", "not JSON: NUL byte "
	    "in object key not supported near '\"A\\u0000B\"' at line 1 "
	    "column 19");
	got = request_scan_id(nul_id, sizeof nul_id - 1);
	ck_assert_ptr_null(got);
	got = request_scan_id(stray, sizeof stray - 1);
	ck_assert_str_eq(got, "s1");
	free(got);
	expect_badn(stray, sizeof stray - 1, "s1", "not JSON: unable to "
	    "decode byte 0xff at line 1 column 0");

	scan_id("{'id':'a1'", "a1");
	scan_id(" {\t'id' : 'a-2.x' , 'x':", "a-2.x");
	scan_id("{'a':1,'b':[1,{'id':'inner'}],'id':'outer','c':", "outer");
	scan_id("{'a':'}','id':'q'}}", "q");
	scan_id("{'a':'\\\\','id':'q'", "q");
	scan_id("{'a':'x\\',\\'id\\':\\'no'", NULL);	/* "id" inside a string */
	scan_id("{'x':{'id':'inner'}", NULL);
	scan_id("['id','v']", NULL);
	scan_id("{'id':'a','id':'b'", NULL);	/* two: ambiguous */
	scan_id("{'id':'a','id':'a'", NULL);
	scan_id("{'id':'.hidden'", NULL);
	scan_id("{'id':'a/b'", NULL);
	scan_id("{'id':'a\\u0041'", NULL);	/* escaped: not a plain id */
	scan_id("{'id':''", NULL);
	scan_id("{'id':42}", NULL);
	scan_id("{'id':'open", NULL);
	scan_id("{'name':'id','v':'x'", NULL);	/* "id" as a value */
	scan_id("", NULL);
	scan_id("{'id':1,'id':'a'", NULL);	/* twice, whatever the types */
	scan_id("{'\\u0069d':'a','id':'b'", NULL);	/* an escaped "id" */
	scan_id("{'id' 'a'", NULL);		/* no colon: not a member */
	scan_id("{'a':1 'id':'b'", NULL);	/* no comma: not a member */
	scan_id("{'a':{},'id':'b','c':[", "b");
	/* Stray bytes before the object: the object is still read. */
	scan_id("x{'id':'a'}", "a");
	scan_id("\x01junk \t{'id':'a','b':", "a");
	scan_id("[{'id':'a'}", "a");		/* whatever the junk is */
	scan_id("{{'id':'a'}", NULL);
	got = repeat("z", 65);
	{
		char	*line = line_printf("{'id':'%s'", got);
		scan_id(line, NULL);
		free(line);
	}
	free(got);
}
END_TEST

START_TEST(test_not_an_object)
{
	expect_bad("['ping']", NULL, "not an object");
	expect_bad("'ping'", NULL, "not an object");
	expect_bad("42", NULL, "not an object");
	expect_bad("null", NULL, "not an object");
	expect_bad("true", NULL, "not an object");
}
END_TEST

START_TEST(test_whitespace_and_spool_file)
{
	struct request	*req;

	req = parse_ok(" \t{" RUN "} \r");
	ck_assert_str_eq(req->argv[0], "true");
	request_free(req);

	/* A spool file may be pretty-printed over several lines. */
	req = parse_ok("{\n  'id': 'sp',\n  'whoami': 'w',\n  'dir': '/',\n"
	    "  'exec': ['cat']\n}\n");
	ck_assert_str_eq(req->id, "sp");
	request_free(req);
	expect_bad("{\n  'id': 'sp',\n  'whoami': 'w'\n  'dir': '/'\n}\n",
	    "sp", "not JSON: '}' expected near '\"dir\"' at line 4 "
	    "column 7");
}
END_TEST

START_TEST(test_whoami)
{
	char	*w, *line;

	expect_bad("{'id':'i','dir':'/','exec':['x']}", "i", "whoami: missing");
	expect_bad("{'whoami':null,'dir':'/','exec':['x']}", NULL,
	    "whoami: missing");
	expect_bad("{'whoami':5,'dir':'/','exec':['x']}", NULL,
	    "whoami: not a string");
	expect_bad("{'whoami':['a'],'dir':'/','exec':['x']}", NULL,
	    "whoami: not a string");
	expect_bad("{'whoami':'','dir':'/','exec':['x']}", NULL,
	    "whoami: empty");

	w = repeat("a", 64);
	line = line_printf("{'whoami':'%s','dir':'/','exec':['x']}", w);
	request_free(parse_okn(line, strlen(line)));
	free(line);
	free(w);
	w = repeat("a", 65);
	line = line_printf("{'id':'l','whoami':'%s','dir':'/','exec':['x']}",
	    w);
	expect_badn(line, strlen(line), "l",
	    "whoami: longer than 64 characters");
	free(line);
	free(w);
}
END_TEST

START_TEST(test_whoami_control)
{
	static const char *const bad[] = {
		"a\\u0000b", "\\u0001", "tab\\there", "new\\nline", "\\u001f",
		"del\\u007f", "c1\\u0080", "nel\\u0085", "csi\\u009b",
		"\\u009f", "\\u001b[31mred",
	};
	static const char *const bidi[] = {
		"\\u202a", "a\\u202bb", "\\u202c", "\\u202d", "rtl\\u202eevil",
		"\\u2066", "\\u2067", "\\u2068", "x\\u2069",
	};
	struct request	*req;
	char		*line;
	size_t		 i;

	for (i = 0; i < nitems(bad); i++) {
		line = line_printf("{'id':'c','whoami':'%s','dir':'/',"
		    "'exec':['x']}", bad[i]);
		expect_badn(line, strlen(line), "c",
		    "whoami: contains a control character");
		free(line);
	}
	for (i = 0; i < nitems(bidi); i++) {
		line = line_printf("{'id':'b','whoami':'%s','dir':'/',"
		    "'exec':['x']}", bidi[i]);
		expect_badn(line, strlen(line), "b",
		    "whoami: contains a bidi control");
		free(line);
	}
	/* The client checks with the same rule, on its own bytes. */
	ck_assert_str_eq(request_whoami_check("a\tb", 3),
	    "contains a control character");
	ck_assert_str_eq(request_whoami_check("a\xc2\x9b", 3),
	    "contains a control character");
	ck_assert_str_eq(request_whoami_check("\xe2\x80\xae", 3),
	    "contains a bidi control");
	ck_assert_str_eq(request_whoami_check("", 0), "empty");
	ck_assert_ptr_null(request_whoami_check("Claude Code", 11));
	/* Bidi marks only affect their neighbours: they stay. */
	ck_assert_ptr_null(request_whoami_check("a\xe2\x80\x8f", 4));
	/* U+00A0 is the first character past C1. */
	req = parse_ok("{'whoami':'\\u00a0','dir':'/','exec':['x']}");
	ck_assert_str_eq(req->whoami, "\xc2\xa0");
	request_free(req);
}
END_TEST

START_TEST(test_dir)
{
	char	*d, *line;

	expect_bad("{'id':'d','whoami':'w','exec':['x']}", "d", "dir: missing");
	expect_bad("{'whoami':'w','dir':1,'exec':['x']}", NULL,
	    "dir: not a string");
	expect_bad("{'whoami':'w','dir':'src','exec':['x']}", NULL,
	    "dir: not an absolute path: \"src\"");
	expect_bad("{'whoami':'w','dir':'./src','exec':['x']}", NULL,
	    "dir: not an absolute path: \"./src\"");
	expect_bad("{'whoami':'w','dir':'~/src','exec':['x']}", NULL,
	    "dir: not an absolute path: \"~/src\"");
	expect_bad("{'whoami':'w','dir':'','exec':['x']}", NULL,
	    "dir: not an absolute path: \"\"");
	expect_bad("{'whoami':'w','dir':'a\\n\\u001b]0;x\\u0007\\\"',"
	    "'exec':['x']}", NULL,
	    "dir: not an absolute path: \"a\\n\\u001b]0;x\\u0007\\\"\"");
	/* A bidi override would reorder the message around it. */
	expect_bad("{'whoami':'w','dir':'a\\u202eb\\u2066','exec':['x']}",
	    NULL, "dir: not an absolute path: \"a\\u202eb\\u2066\"");
	expect_bad("{'id':'d','whoami':'w','dir':'/tmp/a\\u0000b','exec':['x']}",
	    "d", "dir: contains NUL");
	expect_bad("{'whoami':'w','dir':'rel\\u0000','exec':['x']}", NULL,
	    "dir: contains NUL");

	d = repeat("0123456789", 10);
	line = line_printf("{'whoami':'w','dir':'%s','exec':['x']}", d);
	expect_badn(line, strlen(line), NULL, "dir: not an absolute path: "
	    "\"0123456789012345678901234567890123456789\"...");
	free(line);
	free(d);
}
END_TEST

START_TEST(test_exec)
{
	struct request	*req;

	expect_bad("{'id':'e','whoami':'w','dir':'/'}", "e", "exec: missing");
	expect_bad("{'whoami':'w','dir':'/','exec':null}", NULL,
	    "exec: missing");
	expect_bad("{'whoami':'w','dir':'/','exec':'ls -l'}", NULL,
	    "exec: not an array");
	expect_bad("{'whoami':'w','dir':'/','exec':{'0':'ls'}}", NULL,
	    "exec: not an array");
	expect_bad("{'id':'e','whoami':'w','dir':'/','exec':[]}", "e",
	    "exec: empty");
	expect_bad("{'whoami':'w','dir':'/','exec':[1]}", NULL,
	    "exec[0]: not a string");
	expect_bad("{'whoami':'w','dir':'/','exec':['ls','-l',3]}", NULL,
	    "exec[2]: not a string");
	expect_bad("{'whoami':'w','dir':'/','exec':['ls',null]}", NULL,
	    "exec[1]: not a string");
	expect_bad("{'id':'e','whoami':'w','dir':'/','exec':['ls','a\\u0000']}",
	    "e", "exec[1]: contains NUL");
	expect_bad("{'whoami':'w','dir':'/','exec':['\\u0000ls']}", NULL,
	    "exec[0]: contains NUL");
	expect_bad("{'whoami':'w','dir':'/','exec':['']}", NULL,
	    "exec[0]: empty");
	expect_bad("{'whoami':'w','dir':'/','exec':['','x']}", NULL,
	    "exec[0]: empty");

	/* Later arguments may be empty. */
	req = parse_ok("{'whoami':'w','dir':'/','exec':['printf','','%s']}");
	ck_assert_uint_eq(req->argc, 3);
	ck_assert_str_eq(req->argv[1], "");
	ck_assert_str_eq(req->argv[2], "%s");
	ck_assert_ptr_null(req->argv[3]);
	request_free(req);
}
END_TEST

START_TEST(test_envs)
{
	struct request	*req;

	expect_bad("{'id':'v'," RUN ",'envs':['A=1']}", "v",
	    "envs: not an object");
	expect_bad("{" RUN ",'envs':'A=1'}", NULL, "envs: not an object");
	expect_bad("{'id':'v'," RUN ",'envs':{'':'x'}}", "v",
	    "envs: empty name");
	expect_bad("{'id':'v'," RUN ",'envs':{'A':'1','A=B':'x'}}", "v",
	    "envs[\"A=B\"]: name contains \"=\"");
	expect_bad("{" RUN ",'envs':{'=':'x'}}", NULL,
	    "envs[\"=\"]: name contains \"=\"");
	expect_bad("{" RUN ",'envs':{'A':1}}", NULL,
	    "envs[\"A\"]: not a string");
	expect_bad("{" RUN ",'envs':{'A':null}}", NULL,
	    "envs[\"A\"]: not a string");
	expect_bad("{" RUN ",'envs':{'A':'x','B\\n\\\"':true}}", NULL,
	    "envs[\"B\\n\\\"\"]: not a string");
	expect_bad("{'id':'v'," RUN ",'envs':{'A':'a\\u0000b'}}", "v",
	    "envs[\"A\"]: contains NUL");
	/* jansson refuses a NUL in a key before we see it. */
	expect_bad("{" RUN ",'envs':{'A\\u0000':'x'}}", NULL,
	    "not JSON: NUL byte in object key not supported near "
	    "'\"A\\u0000\"' at line 1 column 57");

	req = parse_ok("{" RUN ",'envs':{}}");
	ck_assert_uint_eq(req->nenvs, 0);
	request_free(req);
	req = parse_ok("{" RUN ",'envs':null}");
	ck_assert_uint_eq(req->nenvs, 0);
	ck_assert_ptr_null(req->envs);
	request_free(req);
	req = parse_ok("{" RUN ",'envs':{'LANG':'C.UTF-8','\\u00e9':'\\u00e9',"
	    "'EMPTY':''}}");
	ck_assert_uint_eq(req->nenvs, 3);
	ck_assert_str_eq(req->envs[0].name, "LANG");
	ck_assert_str_eq(req->envs[0].value, "C.UTF-8");
	ck_assert_str_eq(req->envs[1].name, "\xc3\xa9");
	ck_assert_str_eq(req->envs[2].value, "");
	ck_assert_ptr_null(req->base_env);
	ck_assert_int_eq(req->clear_env, 0);
	request_free(req);

	/* base_env is checked as envs; clear_env is a boolean, not with it. */
	expect_bad("{" RUN ",'base_env':[]}", NULL, "base_env: not an object");
	expect_bad("{" RUN ",'base_env':{'A=B':'x'}}", NULL,
	    "base_env[\"A=B\"]: name contains \"=\"");
	expect_bad("{" RUN ",'clear_env':'yes'}", NULL,
	    "clear_env: not true or false");
	expect_bad("{" RUN ",'base_env':{},'clear_env':true}", NULL,
	    "clear_env: not with base_env");
	req = parse_ok("{" RUN ",'base_env':{'PATH':'/venv/bin'},"
	    "'clear_env':false}");
	ck_assert_uint_eq(req->nbase_env, 1);
	ck_assert_str_eq(req->base_env[0].name, "PATH");
	ck_assert_str_eq(req->base_env[0].value, "/venv/bin");
	request_free(req);
	req = parse_ok("{" RUN ",'base_env':{}}");
	ck_assert_ptr_nonnull(req->base_env);
	ck_assert_uint_eq(req->nbase_env, 0);
	request_free(req);
	req = parse_ok("{" RUN ",'clear_env':true}");
	ck_assert_int_eq(req->clear_env, 1);
	request_free(req);
}
END_TEST

START_TEST(test_timeout)
{
	struct request	*req;

	expect_bad("{'id':'t'," RUN ",'timeout':'5'}", "t",
	    "timeout: not a number");
	expect_bad("{" RUN ",'timeout':true}", NULL, "timeout: not a number");
	expect_bad("{" RUN ",'timeout':[1]}", NULL, "timeout: not a number");
	expect_bad("{'id':'t'," RUN ",'timeout':-1}", "t", "timeout: negative");
	expect_bad("{" RUN ",'timeout':-0.001}", NULL, "timeout: negative");

	req = parse_ok("{" RUN ",'timeout':0}");
	ck_assert_double_eq(req->timeout, 0);
	request_free(req);
	req = parse_ok("{" RUN ",'timeout':-0.0}");
	ck_assert_double_eq(req->timeout, 0);
	ck_assert_int_eq(signbit(req->timeout), 0);
	request_free(req);
	req = parse_ok("{" RUN ",'timeout':30}");
	ck_assert_double_eq(req->timeout, 30);
	request_free(req);
	req = parse_ok("{" RUN ",'timeout':0.25}");
	ck_assert_double_eq(req->timeout, 0.25);
	request_free(req);
	/* Beyond a year is a year: no deadline can overflow. */
	req = parse_ok("{" RUN ",'timeout':1e308}");
	ck_assert_double_eq(req->timeout, REQUEST_SECONDS_MAX);
	request_free(req);
	req = parse_ok("{" RUN ",'timeout':31536000.5}");
	ck_assert_double_eq(req->timeout, REQUEST_SECONDS_MAX);
	request_free(req);
	req = parse_ok("{" RUN ",'timeout':31535999.5}");
	ck_assert_double_eq(req->timeout, 31535999.5);
	request_free(req);
	req = parse_ok("{" RUN ",'timeout':1e-300}");
	ck_assert_double_eq(req->timeout, 1e-300);
	request_free(req);
	req = parse_ok("{" RUN ",'timeout':9223372036854775807}");
	ck_assert_double_eq(req->timeout, REQUEST_SECONDS_MAX);
	request_free(req);
	/* Past 64 bits jansson refuses the line, and says which number. */
	expect_bad("{'id':'t'," RUN ",'timeout':-9223372036854775809}", "t",
	    "not JSON: too big negative integer near "
	    "'-9223372036854775809' at line 1 column 79");
	expect_bad("{'id':'t'," RUN ",'timeout':1e400}", "t",
	    "not JSON: real number overflow near '1e400' at line 1 "
	    "column 64");
	req = parse_ok("{" RUN ",'timeout':null}");
	ck_assert_double_eq(req->timeout, -1);
	request_free(req);
}
END_TEST

START_TEST(test_max_output)
{
	struct request	*req;

	expect_bad("{'id':'m'," RUN ",'max_output':1.5}", "m",
	    "max_output: not an integer");
	expect_bad("{" RUN ",'max_output':1.0}", NULL,
	    "max_output: not an integer");
	expect_bad("{" RUN ",'max_output':'100'}", NULL,
	    "max_output: not an integer");
	expect_bad("{'id':'m'," RUN ",'max_output':-1}", "m",
	    "max_output: negative");

	expect_bad("{" RUN ",'max_output':1e308}", NULL,
	    "max_output: not an integer");
	expect_bad("{" RUN ",'max_output':-9223372036854775808}", NULL,
	    "max_output: negative");
	expect_bad("{'id':'m'," RUN ",'max_output':18446744073709551616}", "m",
	    "not JSON: too big integer near '18446744073709551616' at line 1 "
	    "column 82");

	/* 0 is "the limit" (run.c), never "no cap": it parses as 0. */
	req = parse_ok("{" RUN ",'max_output':0}");
	ck_assert_int_eq(req->max_output, 0);
	request_free(req);
	req = parse_ok("{" RUN ",'max_output':1}");
	ck_assert_int_eq(req->max_output, 1);
	request_free(req);
	req = parse_ok("{" RUN ",'max_output':9223372036854775807}");
	ck_assert_int_eq(req->max_output, 9223372036854775807LL);
	request_free(req);
}
END_TEST

START_TEST(test_cols_rows)
{
	struct request	*req;

	expect_bad("{'id':'c'," RUN ",'cols':80.0}", "c",
	    "cols: not an integer");
	expect_bad("{" RUN ",'cols':'80'}", NULL, "cols: not an integer");
	expect_bad("{" RUN ",'rows':[24]}", NULL, "rows: not an integer");
	expect_bad("{'id':'c'," RUN ",'cols':1}", "c",
	    "cols: out of range (2 to 1000)");
	expect_bad("{" RUN ",'cols':1001}", NULL,
	    "cols: out of range (2 to 1000)");
	expect_bad("{" RUN ",'cols':0}", NULL,
	    "cols: out of range (2 to 1000)");
	expect_bad("{" RUN ",'rows':-24}", NULL,
	    "rows: out of range (2 to 1000)");
	expect_bad("{" RUN ",'rows':4294967320}", NULL,
	    "rows: out of range (2 to 1000)");

	expect_bad("{" RUN ",'cols':1e308}", NULL, "cols: not an integer");
	expect_bad("{" RUN ",'cols':80.5}", NULL, "cols: not an integer");
	expect_bad("{" RUN ",'cols':9223372036854775807}", NULL,
	    "cols: out of range (2 to 1000)");
	expect_bad("{" RUN ",'rows':-9223372036854775808}", NULL,
	    "rows: out of range (2 to 1000)");
	expect_bad("{" RUN ",'cols':100000,'rows':100000}", NULL,
	    "cols: out of range (2 to 1000)");

	req = parse_ok("{" RUN ",'cols':2,'rows':1000}");
	ck_assert_uint_eq(req->cols, 2);
	ck_assert_uint_eq(req->rows, 1000);
	request_free(req);
	req = parse_ok("{" RUN ",'rows':50}");
	ck_assert_uint_eq(req->cols, 0);
	ck_assert_uint_eq(req->rows, 50);
	request_free(req);
}
END_TEST

START_TEST(test_yield)
{
	struct request	*req;

	expect_bad("{'id':'y'," RUN ",'yield':0}", "y",
	    "yield: not a positive number");
	expect_bad("{" RUN ",'yield':-0.0}", NULL,
	    "yield: not a positive number");
	expect_bad("{" RUN ",'yield':-1e308}", NULL,
	    "yield: not a positive number");
	expect_bad("{" RUN ",'yield':'5'}", NULL, "yield: not a number");
	expect_bad("{" RUN ",'yield':true}", NULL, "yield: not a number");

	req = parse_ok("{" RUN ",'yield':2.5}");
	ck_assert_double_eq(req->yield, 2.5);
	request_free(req);
	req = parse_ok("{" RUN ",'yield':1e-300}");
	ck_assert_double_gt(req->yield, 0);
	request_free(req);
	req = parse_ok("{" RUN ",'yield':1e308}");
	ck_assert_double_eq(req->yield, REQUEST_SECONDS_MAX);
	request_free(req);
	req = parse_ok("{" RUN ",'yield':9223372036854775807}");
	ck_assert_double_eq(req->yield, REQUEST_SECONDS_MAX);
	request_free(req);
	req = parse_ok("{" RUN "}");
	ck_assert_double_eq(req->yield, -1);
	request_free(req);
}
END_TEST

/* wait's seq, timeout and offset: every edge. */
START_TEST(test_wait_fields)
{
	struct request	*req;

	expect_bad("{'action':'wait','id':'w'}", "w", "seq: missing");
	expect_bad("{'action':'wait','id':'w','seq':0}", "w",
	    "seq: no such run");
	expect_bad("{'action':'wait','id':'w','seq':-1}", "w",
	    "seq: no such run");
	expect_bad("{'action':'wait','id':'w','seq':4294967296}", "w",
	    "seq: no such run");
	expect_bad("{'action':'wait','id':'w','seq':9223372036854775807}",
	    "w", "seq: no such run");
	expect_bad("{'action':'wait','id':'w','seq':1.5}", "w",
	    "seq: not an integer");
	expect_bad("{'action':'wait','id':'w','seq':1e308}", "w",
	    "seq: not an integer");
	expect_bad("{'action':'wait','id':'w','seq':1,'timeout':-1}", "w",
	    "timeout: negative");
	expect_bad("{'action':'wait','id':'w','seq':1,'offset':-1}", "w",
	    "offset: negative");
	expect_bad("{'action':'wait','id':'w','seq':1,'offset':0.5}", "w",
	    "offset: not an integer");
	expect_bad("{'action':'wait','id':'w','seq':1,'offset':1e308}", "w",
	    "offset: not an integer");
	expect_bad("{'action':'wait','id':'w','seq':1,"
	    "'offset':-9223372036854775808}", "w", "offset: negative");

	req = parse_ok("{'action':'wait','id':'w','seq':4294967295}");
	ck_assert_uint_eq(req->seq, 4294967295U);
	ck_assert_double_eq(req->timeout, -1);
	ck_assert_int_eq(req->offset, -1);
	request_free(req);
	req = parse_ok("{'action':'wait','id':'w','seq':1,'timeout':0,"
	    "'offset':0}");
	ck_assert_double_eq(req->timeout, 0);
	ck_assert_int_eq(req->offset, 0);
	request_free(req);
	/* A huge offset is the host's "past the end", not an overflow. */
	req = parse_ok("{'action':'wait','id':'w','seq':1,'timeout':1e308,"
	    "'offset':9223372036854775807}");
	ck_assert_double_eq(req->timeout, REQUEST_SECONDS_MAX);
	ck_assert_int_eq(req->offset, 9223372036854775807LL);
	request_free(req);
}
END_TEST

/* input's data and keys: their lengths. */
START_TEST(test_input_fields)
{
	struct request	*req;
	char		*data, *line;

	expect_bad("{'action':'input','id':'i','seq':1,'data':''}", "i",
	    "data: empty");
	data = repeat("a", REQUEST_INPUT_MAX + 1);
	line = line_printf("{'action':'input','id':'i','seq':1,'data':'%s'}",
	    data);
	expect_bad(line, "i", "data: longer than 4096 bytes");
	free(line);
	data[REQUEST_INPUT_MAX] = '\0';
	line = line_printf("{'action':'input','id':'i','seq':1,'data':'%s'}",
	    data);
	req = parse_ok(line);
	ck_assert_uint_eq(req->data_len, REQUEST_INPUT_MAX);
	request_free(req);
	free(line);
	free(data);
	/* Counted in bytes, not characters: a NUL is one. */
	req = parse_ok("{'action':'input','id':'i','seq':1,'data':'\\u0000'}");
	ck_assert_uint_eq(req->data_len, 1);
	request_free(req);

	data = repeat("'Up',", REQUEST_KEYS_MAX);
	data[strlen(data) - 1] = '\0';
	line = line_printf("{'action':'input','id':'i','seq':1,'keys':[%s]}",
	    data);
	req = parse_ok(line);
	ck_assert_uint_eq(req->nkeys, REQUEST_KEYS_MAX);
	request_free(req);
	free(line);
	free(data);
	data = repeat("'Up',", REQUEST_KEYS_MAX + 1);
	data[strlen(data) - 1] = '\0';
	line = line_printf("{'action':'input','id':'i','seq':1,'keys':[%s]}",
	    data);
	expect_bad(line, "i", "keys: more than 256");
	free(line);
	free(data);
}
END_TEST

START_TEST(test_first_problem_wins)
{
	/* id comes first so that the others can still be answered. */
	expect_bad("{'id':'.bad','action':'nope'}", NULL, "id: not a valid id");
	expect_bad("{'action':'nope','id':'ok'}", "ok",
	    "unknown action \"nope\"");
	expect_bad("{}", NULL, "whoami: missing");
	expect_bad("{'id':'o','rows':0,'cols':0,'max_output':-1,'timeout':-1,"
	    "'stdin':1,'envs':1,'exec':1,'dir':1,'whoami':1}", "o",
	    "whoami: not a string");
	expect_bad("{'id':'o','rows':0,'cols':0,'max_output':-1,'timeout':-1,"
	    "'stdin':1,'envs':1,'exec':1,'dir':1,'whoami':'w'}", "o",
	    "dir: not a string");
	expect_bad("{'id':'o','rows':0,'cols':0,'max_output':-1,'timeout':-1,"
	    "'stdin':1,'envs':1,'exec':1,'dir':'/'," "'whoami':'w'}", "o",
	    "exec: not an array");
	expect_bad("{'rows':0,'cols':0,'max_output':-1,'timeout':-1,"
	    "'stdin':1,'envs':1," RUN "}", NULL, "envs: not an object");
	expect_bad("{'rows':0,'cols':0,'max_output':-1,'timeout':-1,"
	    "'stdin':1," RUN "}", NULL, "stdin: not a string");
	expect_bad("{'rows':0,'cols':0,'max_output':-1,'timeout':-1," RUN "}",
	    NULL, "timeout: negative");
	expect_bad("{'rows':0,'cols':0,'max_output':-1," RUN "}", NULL,
	    "max_output: negative");
	expect_bad("{'rows':0,'cols':0," RUN "}", NULL,
	    "cols: out of range (2 to 1000)");
	expect_bad("{'rows':0," RUN "}", NULL,
	    "rows: out of range (2 to 1000)");
}
END_TEST

START_TEST(test_optional_out_params)
{
	struct request	*req;
	char		*j = sq("{'id':'n'}");

	ck_assert_ptr_null(request_parse(j, strlen(j), NULL, NULL));
	free(j);
	j = sq("{" RUN "}");
	req = request_parse(j, strlen(j), NULL, NULL);
	ck_assert_ptr_nonnull(req);
	request_free(req);
	request_free(NULL);
	free(j);
}
END_TEST

static Suite *
request_suite(void)
{
	Suite	*s = suite_create("request");
	TCase	*tc = tcase_create("request");

	tcase_add_test(tc, test_minimal_run);
	tcase_add_test(tc, test_every_field);
	tcase_add_test(tc, test_unicode_whoami);
	tcase_add_test(tc, test_stdin_with_nul);
	tcase_add_test(tc, test_stdin_not_a_string);
	tcase_add_test(tc, test_actions);
	tcase_add_test(tc, test_action_without_id);
	tcase_add_test(tc, test_unknown_action);
	tcase_add_test(tc, test_action_not_a_string);
	tcase_add_test(tc, test_id_valid);
	tcase_add_test(tc, test_bad_id);
	tcase_add_test(tc, test_id_forms);
	tcase_add_test(tc, test_not_json);
	tcase_add_test(tc, test_nul_byte_in_line);
	tcase_add_test(tc, test_duplicate_keys);
	tcase_add_test(tc, test_not_an_object);
	tcase_add_test(tc, test_scan_id);
	tcase_add_test(tc, test_whitespace_and_spool_file);
	tcase_add_test(tc, test_whoami);
	tcase_add_test(tc, test_whoami_control);
	tcase_add_test(tc, test_dir);
	tcase_add_test(tc, test_exec);
	tcase_add_test(tc, test_envs);
	tcase_add_test(tc, test_timeout);
	tcase_add_test(tc, test_max_output);
	tcase_add_test(tc, test_cols_rows);
	tcase_add_test(tc, test_yield);
	tcase_add_test(tc, test_wait_fields);
	tcase_add_test(tc, test_input_fields);
	tcase_add_test(tc, test_first_problem_wins);
	tcase_add_test(tc, test_optional_out_params);
	suite_add_tcase(s, tc);
	return (s);
}

UNIT_MAIN(request_suite)
