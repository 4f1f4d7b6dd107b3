/*
 * test_config.c: rexec.ini parsing (src/config.c).
 */
#include "rexec.h"

#include <sys/stat.h>

#include <stdlib.h>
#include <unistd.h>

#include "config.h"
#include "unit.h"

static struct config	cfg;
static char		*cause;

/* Parse text as the file "rexec.ini" over the defaults. */
static int
load(const char *text)
{
	FILE	*f;
	int	 r;

	config_defaults(&cfg);
	f = fmemopen((void *)text, strlen(text), "r");
	ck_assert_ptr_nonnull(f);
	cause = NULL;
	r = config_load_stream(&cfg, f, "rexec.ini", &cause);
	fclose(f);
	return (r);
}

/* Expect text to fail with exactly msg. */
static void
expect_error(const char *text, const char *msg)
{
	ck_assert_int_eq(load(text), -1);
	ck_assert_str_eq(cause, msg);
	free(cause);
	config_free(&cfg);
}

static void
teardown(void)
{
	config_free(&cfg);
}

START_TEST(test_defaults)
{
	config_defaults(&cfg);
	ck_assert_str_eq(cfg.runtime_dir, "");
	ck_assert_uint_eq(cfg.max_parallel, 16);
	ck_assert_uint_eq(cfg.max_queue, 1024);
	ck_assert_uint_eq(cfg.max_detached, 64);
	ck_assert_int_eq(cfg.allow_root, 1);
	ck_assert_uint_eq(cfg.cols, 80);
	ck_assert_uint_eq(cfg.rows, 24);
	ck_assert_str_eq(cfg.term, "xterm-256color");
	ck_assert_int_eq(cfg.termios, CONFIG_TERMIOS_SANE);
	ck_assert_int_eq(cfg.stdin_mode, CONFIG_STDIN_TTY);
	ck_assert_double_eq(cfg.timeout, 0);
	ck_assert_double_eq(cfg.max_timeout, 0);
	ck_assert_double_eq(cfg.idle_timeout, 0);
	ck_assert_double_eq(cfg.input_timeout, 60);
	ck_assert_double_eq(cfg.kill_grace, 2);
	ck_assert_double_eq(cfg.linger, 2);
	ck_assert_str_eq(config_env_get(&cfg, "PAGER"), "cat");
	ck_assert_str_eq(config_env_get(&cfg, "GIT_PAGER"), "cat");
	ck_assert_str_eq(config_env_get(&cfg, "MANPAGER"), "cat");
	ck_assert_str_eq(config_env_get(&cfg, "SYSTEMD_PAGER"), "cat");
	ck_assert_uint_eq(cfg.nenv, 4);
	ck_assert_uint_eq(cfg.agent_max_output, 65536);
	ck_assert_uint_eq(cfg.agent_max_output_limit, 1048576);
	ck_assert_int_eq(cfg.cr, CONFIG_CR_COLLAPSE);
	ck_assert_uint_eq(cfg.window, 0);
	ck_assert_str_eq(cfg.journal_dir, "");
	ck_assert_int_eq(cfg.fsync, CONFIG_FSYNC_INTERVAL);
	ck_assert_uint_eq(cfg.journal_max_output, 16777216);
	ck_assert_uint_eq(cfg.keep_days, 30);
	ck_assert_uint_eq(cfg.keep_bytes, 1073741824);
	ck_assert_uint_eq(cfg.nredact, 6);
	ck_assert_str_eq(cfg.redact[0], "*TOKEN*");
	ck_assert_str_eq(cfg.redact[5], "*CREDENTIAL*");
	ck_assert_int_eq(cfg.record_enabled, 1);
	ck_assert_uint_eq(cfg.record_max_bytes, 67108864);
	ck_assert_uint_eq(cfg.fps, 30);
	ck_assert_uint_eq(cfg.scrollback, 10000);
	ck_assert_uint_eq(cfg.history, 1000);
	ck_assert_int_eq(cfg.layout, CONFIG_LAYOUT_HORIZONTAL);
	ck_assert_int_eq(cfg.bell, 1);
	ck_assert(cfg.display_time == 4);
	ck_assert_int_eq(cfg.headless_raw, 1);
	ck_assert_ptr_null(cfg.path);
}
END_TEST

START_TEST(test_every_key)
{
	ck_assert_int_eq(load(
	    "; every key set to something other than its default\n"
	    "[host]\n"
	    "runtime_dir = /run/x\n"
	    "max_parallel = 3\n"
	    "max_queue = 0\n"
	    "max_detached = 2\n"
	    "allow_root = no\n"
	    "[pty]\n"
	    "cols = 132\n"
	    "rows = 50\n"
	    "term = screen\n"
	    "termios = raw\n"
	    "stdin = null\n"
	    "[run]\n"
	    "timeout = 30\n"
	    "max_timeout = 600.5\n"
	    "idle_timeout = 5\n"
	    "input_timeout = 0\n"
	    "kill_grace = 0.25\n"
	    "linger = 7\n"
	    "[env]\n"
	    "PAGER = less\n"
	    "FOO_1 = bar baz\n"
	    "[agent]\n"
	    "max_output = 4K\n"
	    "max_output_limit = 2M\n"
	    "cr = newline\n"
	    "window = 7\n"
	    "[journal]\n"
	    "dir = /var/j\n"
	    "fsync = always\n"
	    "max_output = 1G\n"
	    "keep_days = 0\n"
	    "keep_bytes = 5M\n"
	    "redact = *A*, B ,, C*\n"
	    "[record]\n"
	    "enabled = off\n"
	    "max_bytes = 1k\n"
	    "[ui]\n"
	    "fps = 240\n"
	    "scrollback = 0\n"
	    "history = 5\n"
	    "layout = vertical\n"
	    "bell = off\n"
	    "display_time = 0.5\n"
	    "[headless]\n"
	    "raw = false\n"), 0);
	ck_assert_str_eq(cfg.runtime_dir, "/run/x");
	ck_assert_uint_eq(cfg.max_parallel, 3);
	ck_assert_uint_eq(cfg.max_queue, 0);
	ck_assert_uint_eq(cfg.max_detached, 2);
	ck_assert_int_eq(cfg.allow_root, 0);
	ck_assert_uint_eq(cfg.cols, 132);
	ck_assert_uint_eq(cfg.rows, 50);
	ck_assert_str_eq(cfg.term, "screen");
	ck_assert_int_eq(cfg.termios, CONFIG_TERMIOS_RAW);
	ck_assert_int_eq(cfg.stdin_mode, CONFIG_STDIN_NULL);
	ck_assert_double_eq(cfg.timeout, 30);
	ck_assert_double_eq(cfg.max_timeout, 600.5);
	ck_assert_double_eq(cfg.idle_timeout, 5);
	ck_assert_double_eq(cfg.input_timeout, 0);
	ck_assert_double_eq(cfg.kill_grace, 0.25);
	ck_assert_double_eq(cfg.linger, 7);
	ck_assert_str_eq(config_env_get(&cfg, "PAGER"), "less");
	ck_assert_str_eq(config_env_get(&cfg, "FOO_1"), "bar baz");
	ck_assert_uint_eq(cfg.nenv, 5);
	ck_assert_uint_eq(cfg.agent_max_output, 4096);
	ck_assert_uint_eq(cfg.agent_max_output_limit, 2097152);
	ck_assert_int_eq(cfg.cr, CONFIG_CR_NEWLINE);
	ck_assert_uint_eq(cfg.window, 7);
	ck_assert_str_eq(cfg.journal_dir, "/var/j");
	ck_assert_int_eq(cfg.fsync, CONFIG_FSYNC_ALWAYS);
	ck_assert_uint_eq(cfg.journal_max_output, 1073741824);
	ck_assert_uint_eq(cfg.keep_days, 0);
	ck_assert_uint_eq(cfg.keep_bytes, 5242880);
	ck_assert_uint_eq(cfg.nredact, 3);
	ck_assert_str_eq(cfg.redact[0], "*A*");
	ck_assert_str_eq(cfg.redact[1], "B");
	ck_assert_str_eq(cfg.redact[2], "C*");
	ck_assert_int_eq(cfg.record_enabled, 0);
	ck_assert_uint_eq(cfg.record_max_bytes, 1024);
	ck_assert_uint_eq(cfg.fps, 240);
	ck_assert_uint_eq(cfg.scrollback, 0);
	ck_assert_uint_eq(cfg.history, 5);
	ck_assert_int_eq(cfg.bell, 0);
	ck_assert(cfg.display_time == 0.5);
	ck_assert_int_eq(cfg.layout, CONFIG_LAYOUT_VERTICAL);
	ck_assert_int_eq(cfg.headless_raw, 0);
	ck_assert_str_eq(cfg.path, "rexec.ini");
}
END_TEST

START_TEST(test_bool_words)
{
	static const char *const yes[] = { "true", "YES", "on", "1" };
	static const char *const no[] = { "false", "No", "OFF", "0" };
	char	 text[64];
	size_t	 i;

	for (i = 0; i < 4; i++) {
		snprintf(text, sizeof text, "[headless]\nraw = %s\n", no[i]);
		ck_assert_int_eq(load(text), 0);
		ck_assert_int_eq(cfg.headless_raw, 0);
		config_free(&cfg);
		snprintf(text, sizeof text, "[record]\nenabled=%s\n", yes[i]);
		ck_assert_int_eq(load(text), 0);
		ck_assert_int_eq(cfg.record_enabled, 1);
		config_free(&cfg);
	}
}
END_TEST

START_TEST(test_quotes_comments_crlf_bom)
{
	ck_assert_int_eq(load("\xef\xbb\xbf; comment\r\n# another\r\n"
	    "[pty]\r\nterm = \"  xterm \" \r\n"
	    "[run] ; section comment\r\ntimeout = 5 ; five seconds\r\n"
	    "[env]\nX = \"a ; b\"\n"), 0);
	ck_assert_str_eq(cfg.term, "  xterm ");
	ck_assert_double_eq(cfg.timeout, 5);
	ck_assert_str_eq(config_env_get(&cfg, "X"), "a ; b");
}
END_TEST

START_TEST(test_later_value_wins)
{
	ck_assert_int_eq(load("[pty]\ncols=100\n[pty]\ncols = 120\n"
	    "[env]\nA=1\nA=2\n"), 0);
	ck_assert_uint_eq(cfg.cols, 120);
	ck_assert_str_eq(config_env_get(&cfg, "A"), "2");
	ck_assert_uint_eq(cfg.nenv, 5);
}
END_TEST

START_TEST(test_tilde_dir)
{
	setenv("HOME", "/home/someone", 1);
	ck_assert_int_eq(load("[journal]\ndir = ~/j\n"), 0);
	ck_assert_str_eq(cfg.journal_dir, "/home/someone/j");
}
END_TEST

START_TEST(test_not_a_number)
{
	expect_error("[run]\ntimeout = ten\n",
	    "rexec.ini:2: [run] timeout: not a number: \"ten\"");
	expect_error("[pty]\ncols = 8O\n",
	    "rexec.ini:2: [pty] cols: not a number: \"8O\"");
	expect_error("[pty]\nrows = -1\n",
	    "rexec.ini:2: [pty] rows: not a number: \"-1\"");
	expect_error("[agent]\nmax_output = 64X\n",
	    "rexec.ini:2: [agent] max_output: not a number: \"64X\"");
	expect_error("[agent]\nmax_output = 64KB\n",
	    "rexec.ini:2: [agent] max_output: not a number: \"64KB\"");
	expect_error("[run]\nlinger = 1s\n",
	    "rexec.ini:2: [run] linger: not a number: \"1s\"");
	expect_error("[run]\nlinger = nan\n",
	    "rexec.ini:2: [run] linger: not a number: \"nan\"");
	expect_error("[run]\nlinger =\n",
	    "rexec.ini:2: [run] linger: not a number: \"\"");
}
END_TEST

START_TEST(test_out_of_range)
{
	expect_error("[host]\nmax_parallel = 0\n",
	    "rexec.ini:2: [host] max_parallel: out of range (1 to 1024): \"0\"");
	expect_error("[pty]\ncols = 1001\n",
	    "rexec.ini:2: [pty] cols: out of range (2 to 1000): \"1001\"");
	expect_error("[run]\nkill_grace = -1\n",
	    "rexec.ini:2: [run] kill_grace: out of range (0 to 3600): \"-1\"");
	expect_error("[run]\ntimeout = 1e99\n",
	    "rexec.ini:2: [run] timeout: out of range (0 to 31536000): "
	    "\"1e99\"");
	expect_error("[agent]\nmax_output = 2G\n",
	    "rexec.ini:2: [agent] max_output: out of range (256 to "
	    "1073741824): \"2G\"");
	expect_error("[ui]\nfps = 99999999999999999999999\n",
	    "rexec.ini:2: [ui] fps: out of range (1 to 240): "
	    "\"99999999999999999999999\"");
	expect_error("[agent]\nwindow = 100001\n",
	    "rexec.ini:2: [agent] window: out of range (0 to 100000): "
	    "\"100001\"");
	expect_error("[host]\nmax_detached = 0\n",
	    "rexec.ini:2: [host] max_detached: out of range (1 to 100000): "
	    "\"0\"");
}
END_TEST

START_TEST(test_bad_words)
{
	expect_error("[pty]\ntermios = cooked\n",
	    "rexec.ini:2: [pty] termios: unknown value \"cooked\" "
	    "(sane or raw)");
	expect_error("[journal]\nfsync = sometimes\n",
	    "rexec.ini:2: [journal] fsync: unknown value \"sometimes\" "
	    "(always, interval or never)");
	expect_error("[pty]\nstdin = file\n",
	    "rexec.ini:2: [pty] stdin: unknown value \"file\" (tty or null)");
	expect_error("[agent]\ncr = CRLF\n",
	    "rexec.ini:2: [agent] cr: unknown value \"CRLF\" "
	    "(collapse or newline)");
	expect_error("[ui]\nlayout = diagonal\n",
	    "rexec.ini:2: [ui] layout: unknown value \"diagonal\" "
	    "(horizontal or vertical)");
	expect_error("[ui]\nbell = loud\n",
	    "rexec.ini:2: [ui] bell: not a boolean: \"loud\" "
	    "(true or false)");
	expect_error("[ui]\ndisplay_time = 3601\n",
	    "rexec.ini:2: [ui] display_time: out of range (0 to 3600): "
	    "\"3601\"");
	expect_error("[headless]\nraw = maybe\n",
	    "rexec.ini:2: [headless] raw: not a boolean: \"maybe\" "
	    "(true or false)");
	expect_error("[pty]\nterm =\n", "rexec.ini:2: [pty] term: empty value");
	expect_error("[pty]\nterm = \"a\" b\n",
	    "rexec.ini:2: [pty] term: text after the closing quote");
	expect_error("[pty]\nterm = \"a\tb\"\n",
	    "rexec.ini:2: [pty] term: control character in \"a\tb\"");
	expect_error("[host]\nruntime_dir = run/x\n",
	    "rexec.ini:2: [host] runtime_dir: not an absolute path: \"run/x\"");
}
END_TEST

START_TEST(test_unknown_section_and_key)
{
	expect_error("[bogus]\nx = 1\ny = 2\n",
	    "rexec.ini:1: unknown section [bogus]");
	expect_error("[run]\ntimeout = 1\ntimeuot = 2\n",
	    "rexec.ini:3: [run] unknown key \"timeuot\": did you mean "
	    "\"timeout\"?");
	expect_error("[run]\nidle_timout = 2\n",
	    "rexec.ini:2: [run] unknown key \"idle_timout\": did you mean "
	    "\"idle_timeout\"?");
	expect_error("[pty]\nmax_queue = 2\n",
	    "rexec.ini:2: [pty] unknown key \"max_queue\": did you mean "
	    "\"max_queue\" in [host]?");
	expect_error("[pty]\nzz = 2\n", "rexec.ini:2: [pty] unknown key \"zz\"");
	expect_error("top = 1\n[run]\n",
	    "rexec.ini:1: top: key outside a section");
	expect_error("[env]\nA=B=C\nBAD-NAME = 1\n",
	    "rexec.ini:3: [env] BAD-NAME: not a valid variable name");
	expect_error("[env]\n9LIVES = 1\n",
	    "rexec.ini:2: [env] 9LIVES: not a valid variable name");
}
END_TEST

START_TEST(test_syntax)
{
	expect_error("[run\ntimeout = 1\n",
	    "rexec.ini:1: syntax error: no ] after section name");
	expect_error("[run]\n\njust words\n",
	    "rexec.ini:3: syntax error: expected [section] or name = value");
}
END_TEST

START_TEST(test_every_error_reported)
{
	expect_error("[run]\ntimeout = ten\n[pty]\n\ncols = 1\nbogus = 2\n",
	    "rexec.ini:2: [run] timeout: not a number: \"ten\"\n"
	    "rexec.ini:5: [pty] cols: out of range (2 to 1000): \"1\"\n"
	    "rexec.ini:6: [pty] unknown key \"bogus\"");
}
END_TEST

START_TEST(test_between_keys)
{
	expect_error("[agent]\nmax_output_limit = 1024\n\nmax_output = 2048\n",
	    "rexec.ini:4: [agent] max_output: 2048 is above "
	    "max_output_limit 1024");
	expect_error("[run]\nmax_timeout = 10\ntimeout = 20\n",
	    "rexec.ini:3: [run] timeout: 20 is above max_timeout 10 "
	    "(0 means none)");
	expect_error("[run]\nmax_timeout = 10\n",
	    "rexec.ini:2: [run] timeout: 0 is above max_timeout 10 "
	    "(0 means none)");
}
END_TEST

START_TEST(test_long_lines)
{
	char	*text;
	size_t	 prefix = strlen("[env]\nA = ");

	/* A line of exactly 4096 bytes (without its newline) works. */
	text = malloc(prefix + 4200);
	memcpy(text, "[env]\nA = ", prefix);
	memset(text + prefix, 'x', 4096 - 4);
	strcpy(text + prefix + 4096 - 4, "\n[pty]\ncols = 90\n");
	ck_assert_int_eq(load(text), 0);
	ck_assert_uint_eq(strlen(config_env_get(&cfg, "A")), 4092);
	ck_assert_uint_eq(cfg.cols, 90);
	config_free(&cfg);

	/* One byte more is an error on that line, and parsing goes on. */
	memset(text + prefix, 'x', 4096 - 3);
	strcpy(text + prefix + 4096 - 3, "\n[pty]\ncols = 1\n");
	expect_error(text, "rexec.ini:2: line longer than 4096 bytes\n"
	    "rexec.ini:4: [pty] cols: out of range (2 to 1000): \"1\"");
	free(text);
}
END_TEST

START_TEST(test_nul_byte)
{
	FILE	*f;
	int	 r;

	config_defaults(&cfg);
	f = fmemopen((void *)"[run]\ntime\0out = 1\n", 19, "r");
	r = config_load_stream(&cfg, f, "rexec.ini", &cause);
	fclose(f);
	ck_assert_int_eq(r, -1);
	ck_assert_str_eq(cause, "rexec.ini:2: NUL byte in line");
	free(cause);
}
END_TEST

START_TEST(test_print_round_trip)
{
	char	*text1, *text2;
	size_t	 len1, len2;
	FILE	*f;

	ck_assert_int_eq(load("[pty]\nterm = \" odd ; term\"\n[env]\nE =\n"
	    "[run]\nkill_grace = 0.125\n[journal]\nredact = A,B\n"), 0);
	f = open_memstream(&text1, &len1);
	config_print(&cfg, f);
	fclose(f);
	config_free(&cfg);
	ck_assert_int_eq(load(text1), 0);
	ck_assert_str_eq(cfg.term, " odd ; term");
	ck_assert_str_eq(config_env_get(&cfg, "E"), "");
	ck_assert_double_eq(cfg.kill_grace, 0.125);
	f = open_memstream(&text2, &len2);
	config_print(&cfg, f);
	fclose(f);
	ck_assert_str_eq(text1, text2);
	free(text1);
	free(text2);
}
END_TEST

/* What the fuzz target found: each prints, and reads back the same. */
static void
round_trip(const char *text)
{
	char	*text1, *text2;
	size_t	 len1, len2;
	FILE	*f;

	ck_assert_msg(load(text) == 0, "%s: %s", text, cause);
	f = open_memstream(&text1, &len1);
	config_print(&cfg, f);
	fclose(f);
	config_free(&cfg);
	ck_assert_msg(load(text1) == 0, "%s read back: %s", text, cause);
	f = open_memstream(&text2, &len2);
	config_print(&cfg, f);
	fclose(f);
	ck_assert_str_eq(text1, text2);
	free(text1);
	free(text2);
	config_free(&cfg);
}

START_TEST(test_fuzz_findings)
{
	/* A control character in a message is shown, not written raw. */
	expect_error("[r\vun]\n", "rexec.ini:1: unknown section [r\\x0bun]");
	round_trip("[env]\nQ = \"open\n");
	round_trip("[journal]\nredact = \"A ;B, C\"\n");
	round_trip("[journal]\nredact = ,\"a\"\n");
	round_trip("[journal]\nredact=,\"\"\n");
}
END_TEST

START_TEST(test_lookup_order)
{
	char	*path;
	int	 explicit;

	setenv("REXEC_CONFIG", "/env/rexec.ini", 1);
	setenv("XDG_CONFIG_HOME", "/xdg", 1);
	setenv("HOME", "/home/u", 1);
	path = config_find("/opt/x.ini", &explicit);
	ck_assert_str_eq(path, "/opt/x.ini");
	ck_assert_int_eq(explicit, 1);
	free(path);
	path = config_find(NULL, &explicit);
	ck_assert_str_eq(path, "/env/rexec.ini");
	ck_assert_int_eq(explicit, 1);
	free(path);
	unsetenv("REXEC_CONFIG");
	path = config_find(NULL, &explicit);
	ck_assert_str_eq(path, "/xdg/rexec/rexec.ini");
	ck_assert_int_eq(explicit, 0);
	free(path);
	setenv("XDG_CONFIG_HOME", "relative", 1);
	path = config_find(NULL, &explicit);
	ck_assert_str_eq(path, "/home/u/.config/rexec/rexec.ini");
	ck_assert_int_eq(explicit, 0);
	free(path);
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("HOME");
	ck_assert_ptr_null(config_find(NULL, &explicit));
}
END_TEST

START_TEST(test_load_keys)
{
	static const char *const only[] = { "host.runtime_dir", "run.env",
	    NULL };
	char	*dir = unit_tmpdir(), *file;
	FILE	*f;

	if (asprintf(&file, "%s/rexec.ini", dir) == -1)
		abort();
	/* Keys, sections and values nobody of these reads are passed over. */
	if ((f = fopen(file, "w")) == NULL)
		abort();
	fputs("[ui]\nfps = 0\n[bogus]\nx = 1\n[run]\nidle_timout = 1\n"
	    "timeout = 9\nmax_timeout = 1\nenv = client\n[env]\nA-B = 1\n", f);
	fclose(f);
	ck_assert_int_eq(config_load_keys(&cfg, file, 1, only, &cause), 0);
	ck_assert_int_eq(cfg.run_env, CONFIG_RUN_ENV_CLIENT);
	ck_assert_uint_eq(cfg.fps, 30);
	ck_assert(cfg.timeout == 0);
	config_free(&cfg);
	ck_assert_int_eq(config_load(&cfg, file, 1, &cause), -1);
	free(cause);
	config_free(&cfg);
	/* A bad one of its keys, or a line that is no INI, is still an error. */
	if ((f = fopen(file, "w")) == NULL)
		abort();
	fputs("[host]\nruntime_dir = rel\nnonsense\n", f);
	fclose(f);
	ck_assert_int_eq(config_load_keys(&cfg, file, 1, only, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "rexec.ini:2: [host] runtime_dir: "
	    "not an absolute path: \"rel\""));
	ck_assert_ptr_nonnull(strstr(cause, "rexec.ini:3: syntax error"));
	free(cause);
	config_free(&cfg);
	unit_rmtree(dir);
	free(file);
	free(dir);
}
END_TEST

START_TEST(test_load_files)
{
	char	*dir = unit_tmpdir(), *file, *missing;

	if (asprintf(&file, "%s/rexec.ini", dir) == -1 ||
	    asprintf(&missing, "%s/missing.ini", dir) == -1)
		abort();

	/* A missing default file means the defaults. */
	ck_assert_int_eq(config_load(&cfg, missing, 0, &cause), 0);
	ck_assert_ptr_null(cfg.path);
	ck_assert_uint_eq(cfg.cols, 80);
	config_free(&cfg);

	/* A missing file asked for by name is an error. */
	ck_assert_int_eq(config_load(&cfg, missing, 1, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "missing.ini: No such file"));
	free(cause);
	config_free(&cfg);

	/* A directory is an error, even where a missing file is not. */
	ck_assert_int_eq(config_load(&cfg, dir, 1, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, ": not a regular file"));
	free(cause);
	config_free(&cfg);
	ck_assert_int_eq(config_load(&cfg, dir, 0, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, ": not a regular file"));
	free(cause);
	config_free(&cfg);

	/* A real file is read, and errors name it with its path. */
	unit_write(file, "[pty]\ncols = 100\n");
	ck_assert_int_eq(config_load(&cfg, file, 0, &cause), 0);
	ck_assert_uint_eq(cfg.cols, 100);
	ck_assert_str_eq(cfg.path, file);
	config_free(&cfg);
	unit_write(file, "[pty]\n\ncols = wide\n");
	ck_assert_int_eq(config_load(&cfg, file, 0, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "rexec.ini:3: [pty] cols: "
	    "not a number: \"wide\""));
	ck_assert_int_eq(strncmp(cause, dir, strlen(dir)), 0);
	free(cause);
	config_free(&cfg);

	unit_rmtree(dir);
	free(file);
	free(missing);
	free(dir);
}
END_TEST

/*
 * A config that is not a regular file is refused at once: a FIFO with no
 * writer would block open(2) or read(2) for ever (Check's timeout would
 * catch a hang).  A link to a regular file still works.
 */
START_TEST(test_not_regular)
{
	char	*dir = unit_tmpdir(), *fifo, *file, *link, *flink;

	if (asprintf(&fifo, "%s/x.ini", dir) == -1 ||
	    asprintf(&file, "%s/real.ini", dir) == -1 ||
	    asprintf(&link, "%s/link.ini", dir) == -1 ||
	    asprintf(&flink, "%s/fifo-link.ini", dir) == -1)
		abort();
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	ck_assert_int_eq(config_load(&cfg, fifo, 1, &cause), -1);
	ck_assert_str_eq(cause + strlen(dir), "/x.ini: not a regular file");
	free(cause);
	config_free(&cfg);
	/* Found by the usual lookup, not named: refused all the same. */
	ck_assert_int_eq(config_load(&cfg, fifo, 0, &cause), -1);
	ck_assert_str_eq(cause + strlen(dir), "/x.ini: not a regular file");
	free(cause);
	config_free(&cfg);

	/* A character device, even the empty one. */
	ck_assert_int_eq(config_load(&cfg, "/dev/null", 1, &cause), -1);
	ck_assert_str_eq(cause, "/dev/null: not a regular file");
	free(cause);
	config_free(&cfg);

	unit_write(file, "[pty]\nrows = 30\n");
	ck_assert_int_eq(symlink(file, link), 0);
	ck_assert_int_eq(config_load(&cfg, link, 1, &cause), 0);
	ck_assert_uint_eq(cfg.rows, 30);
	config_free(&cfg);
	ck_assert_int_eq(symlink(fifo, flink), 0);
	ck_assert_int_eq(config_load(&cfg, flink, 1, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "fifo-link.ini: not a regular "
	    "file"));
	free(cause);
	config_free(&cfg);

	unit_rmtree(dir);
	free(fifo);
	free(file);
	free(link);
	free(flink);
	free(dir);
}
END_TEST

static Suite *
config_suite(void)
{
	Suite	*s = suite_create("config");
	TCase	*tc = tcase_create("config");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_every_key);
	tcase_add_test(tc, test_bool_words);
	tcase_add_test(tc, test_quotes_comments_crlf_bom);
	tcase_add_test(tc, test_later_value_wins);
	tcase_add_test(tc, test_tilde_dir);
	tcase_add_test(tc, test_not_a_number);
	tcase_add_test(tc, test_out_of_range);
	tcase_add_test(tc, test_bad_words);
	tcase_add_test(tc, test_unknown_section_and_key);
	tcase_add_test(tc, test_syntax);
	tcase_add_test(tc, test_every_error_reported);
	tcase_add_test(tc, test_between_keys);
	tcase_add_test(tc, test_long_lines);
	tcase_add_test(tc, test_nul_byte);
	tcase_add_test(tc, test_print_round_trip);
	tcase_add_test(tc, test_fuzz_findings);
	tcase_add_test(tc, test_lookup_order);
	tcase_add_test(tc, test_load_files);
	tcase_add_test(tc, test_load_keys);
	tcase_add_test(tc, test_not_regular);
	suite_add_tcase(s, tc);
	return (s);
}

UNIT_MAIN(config_suite)
