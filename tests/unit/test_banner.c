/*
 * test_banner.c: how a request's strings are shown to a human, and the
 * banner (src/banner.c).
 */
#include "rexec.h"

#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "banner.h"
#include "unit.h"

/* Quote the literal s (NULs included) and compare with want. */
#define QUOTE(s, how, want) do {					\
	char	*q_ = banner_quote(s, sizeof(s) - 1, how);		\
									\
	ck_assert_str_eq(q_, want);					\
	free(q_);							\
} while (0)

START_TEST(test_word)
{
	QUOTE("ls", BANNER_WORD, "ls");
	QUOTE("/usr/bin/a-b_c.d@e%f+g=h:i,j", BANNER_WORD,
	    "/usr/bin/a-b_c.d@e%f+g=h:i,j");
	QUOTE("", BANNER_WORD, "''");
	QUOTE("a b", BANNER_WORD, "'a b'");
	QUOTE("it's", BANNER_WORD, "'it'\\''s'");
	QUOTE("$HOME;*", BANNER_WORD, "'$HOME;*'");
	QUOTE("back\\slash", BANNER_WORD, "'back\\slash'");
	/* Printable UTF-8 is a shell's special character: quoted, as is. */
	QUOTE("h\xc3\xa9llo", BANNER_WORD, "'h\xc3\xa9llo'");
}
END_TEST

START_TEST(test_escapes)
{
	/* The hostile argument of DESIGN.md section 11. */
	QUOTE("\x1b]52;c;SGVsbG8=\x07\x1b]2;PWNED\x07", BANNER_WORD,
	    "$'\\e]52;c;SGVsbG8=\\a\\e]2;PWNED\\a'");
	QUOTE("\a\b\t\n\v\f\r\x1b", BANNER_WORD,
	    "$'\\a\\b\\t\\n\\v\\f\\r\\e'");
	QUOTE("\x01\x1f\x7f", BANNER_WORD, "$'\\x01\\x1f\\x7f'");
	QUOTE("a\0b", BANNER_WORD, "$'a\\x00b'");
	/* C1 controls as their UTF-8 bytes. */
	QUOTE("\xc2\x80" "csi\xc2\x9b" "31m\xc2\x9f", BANNER_WORD,
	    "$'\\xc2\\x80csi\\xc2\\x9b31m\\xc2\\x9f'");
	/* Invalid UTF-8: each byte that is not part of a character. */
	QUOTE("\xff", BANNER_WORD, "$'\\xff'");
	QUOTE("a\xc3(\x80\xc0\xaf\xed\xa0\x80z", BANNER_WORD,
	    "$'a\\xc3(\\x80\\xc0\\xaf\\xed\\xa0\\x80z'");
	QUOTE("cut\xe2\x80", BANNER_WORD, "$'cut\\xe2\\x80'");
	/* Bidi controls reorder what is read. */
	QUOTE("\xe2\x80\xaa\xe2\x80\xae" "evil\xe2\x81\xa6\xe2\x81\xa9",
	    BANNER_WORD, "$'\\u202a\\u202eevil\\u2066\\u2069'");
	/* Inside $'...', a quote and a backslash are escaped. */
	QUOTE("it's a\\b\n", BANNER_WORD, "$'it\\'s a\\\\b\\n'");
	/* Printable UTF-8 beside an escape stays as it is. */
	QUOTE("\xc3\xa9\t\xe6\x97\xa5", BANNER_WORD,
	    "$'\xc3\xa9\\t\xe6\x97\xa5'");
	/* A hex digit after an escape is not part of it. */
	QUOTE("\x01" "f\xe2\x80\xae" "abcd", BANNER_WORD,
	    "$'\\x01f\\u202eabcd'");
}
END_TEST

START_TEST(test_text)
{
	QUOTE("Claude Code", BANNER_TEXT, "Claude Code");
	QUOTE("/home/u/my proj's", BANNER_TEXT, "/home/u/my proj's");
	QUOTE("", BANNER_TEXT, "");
	QUOTE("\xe6\x97\xa5\xe6\x9c\xac", BANNER_TEXT,
	    "\xe6\x97\xa5\xe6\x9c\xac");
	QUOTE("/x\x1b]2;X\x07", BANNER_TEXT, "$'/x\\e]2;X\\a'");
	QUOTE("a\tb", BANNER_TEXT, "$'a\\tb'");
	QUOTE("a\xe2\x80\xae" "b", BANNER_TEXT, "$'a\\u202eb'");
	QUOTE("a\xc2\x9b" "b", BANNER_TEXT, "$'a\\xc2\\x9bb'");
}
END_TEST

/* What bash prints for "printf %s WORD": the bytes WORD stands for. */
static char *
bash_word(const char *word, size_t *len)
{
	char	*env[] = { "LC_ALL=C.UTF-8", NULL };
	char	*cmd, *out = NULL;
	size_t	 size = 0;
	ssize_t	 n;
	pid_t	 pid;
	int	 fd[2], status;

	if (asprintf(&cmd, "printf %%s %s", word) == -1 || pipe(fd) == -1)
		abort();
	if ((pid = fork()) == 0) {
		dup2(fd[1], STDOUT_FILENO);
		close(fd[0]);
		close(fd[1]);
		execle("/bin/bash", "bash", "-c", cmd, (char *)NULL, env);
		_exit(127);
	}
	ck_assert_int_ne(pid, -1);
	close(fd[1]);
	*len = 0;
	do {
		if (*len == size)
			out = xrealloc(out, size = size * 2 + 64);
		n = read(fd[0], out + *len, size - *len);
		if (n > 0)
			*len += (size_t)n;
	} while (n > 0);
	close(fd[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	free(cmd);
	return (out);
}

/* What is shown can be pasted into a shell and means the exact bytes. */
START_TEST(test_paste)
{
	static const char *const t[] = {
		"\x1b]52;c;SGVsbG8=\x07\x1b]2;PWNED\x07",
		"\a\b\t\n\v\f\r\x1b\x01\x7f",
		"\xc2\x9b" "1m \xff\xfe it's \\ $x `y` \"z\"",
		"\xe2\x80\xae" "abc\xe2\x81\xa6" "0\xe2\x81\xa9",
		"\x01" "f\x1b" "e",
		"a b 'c' $x `y`",
		"h\xc3\xa9llo",
	};
	char	*q, *out;
	size_t	 i, len;

	if (access("/bin/bash", X_OK) != 0)
		return;
	for (i = 0; i < nitems(t); i++) {
		q = banner_quote(t[i], strlen(t[i]), BANNER_WORD);
		out = bash_word(q, &len);
		ck_assert_uint_eq(len, strlen(t[i]));
		ck_assert(memcmp(out, t[i], len) == 0);
		free(out);
		free(q);
	}
}
END_TEST

START_TEST(test_command)
{
	char	*argv[] = { "grep", "-v", "a b", "\x1b[2J", "x.txt", NULL };
	char	*s;
	json_t	*exec;

	s = banner_command(argv);
	ck_assert_str_eq(s, "grep -v 'a b' $'\\e[2J' x.txt");
	free(s);
	exec = json_pack("[s, i, s, s%]", "echo", 5, "a'b", "x\0y", (size_t)3);
	s = banner_command_json(exec);
	ck_assert_str_eq(s, "echo 'a'\\''b' $'x\\x00y'");
	free(s);
	json_decref(exec);
}
END_TEST

START_TEST(test_make)
{
	char	*s;

	s = banner_make(0, "Claude Code", "/home/u/proj", "ls");
	ck_assert_str_eq(s,
	    "[1970-01-01T00:00:00Z] Claude Code:/home/u/proj $ ls");
	free(s);
	/* A journal's whoami and dir, as an older host wrote them. */
	s = banner_make(0, "w\a", "/x\x1b]2;X\a", "true");
	ck_assert_str_eq(s,
	    "[1970-01-01T00:00:00Z] $'w\\a':$'/x\\e]2;X\\a' $ true");
	free(s);
}
END_TEST

static Suite *
banner_suite(void)
{
	Suite	*s = suite_create("banner");
	TCase	*tc = tcase_create("banner");

	tcase_add_test(tc, test_word);
	tcase_add_test(tc, test_escapes);
	tcase_add_test(tc, test_text);
	tcase_add_test(tc, test_paste);
	tcase_add_test(tc, test_command);
	tcase_add_test(tc, test_make);
	suite_add_tcase(s, tc);
	return (s);
}

UNIT_MAIN(banner_suite)
