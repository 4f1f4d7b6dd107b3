/*
 * fuzz_config.c: libFuzzer target for the rexec.ini loader (src/config.c),
 * through config_load_stream(), the function config_load() reads every
 * file with.
 *
 * The input is the file.  The invariants: a loaded configuration holds
 * only values the key table allows (the ranges of rexec.ini(5)); a
 * refusal has at least one message, and every message is one non-empty
 * line "fuzz.ini:N: text" with N a line of the input and no control
 * character but tab; what
 * config_print() writes parses back to a configuration that prints the
 * same.  Everything is freed, so the leak checker sees any loss.
 */
#include "rexec.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(e)	do { if (!(e)) abort(); } while (0)

#define NAME	"fuzz.ini"
#define KIB	1024UL
#define GIB	(1024UL * 1024 * 1024)
#define YEAR	31536000.0

static void
check_dir(const char *dir)
{
	CHECK(dir != NULL);
	CHECK(*dir == '\0' || *dir == '/');
}

static void
check_seconds(double d, double max)
{
	CHECK(isfinite(d) && d >= 0 && d <= max);
}

static void
check_env(const struct config *cfg)
{
	const char	*cp;
	size_t		 i, j;

	for (i = 0; i < cfg->nenv; i++) {
		cp = cfg->env[i].name;
		CHECK(*cp != '\0' && !isdigit((unsigned char)*cp));
		for (; *cp != '\0'; cp++)
			CHECK(isalnum((unsigned char)*cp) || *cp == '_');
		CHECK(cfg->env[i].value != NULL);
		for (j = 0; j < i; j++)
			CHECK(strcmp(cfg->env[i].name, cfg->env[j].name) != 0);
	}
}

/* The key table of src/config.c, as rexec.ini(5) documents it. */
static void
check_ranges(const struct config *cfg)
{
	const char	*cp;
	size_t		 i;

	CHECK(cfg->path != NULL && strcmp(cfg->path, NAME) == 0);

	check_dir(cfg->runtime_dir);
	CHECK(cfg->max_parallel >= 1 && cfg->max_parallel <= 1024);
	CHECK(cfg->max_queue <= 1000000);
	CHECK(cfg->max_detached >= 1 && cfg->max_detached <= 100000);
	CHECK(cfg->allow_root == 0 || cfg->allow_root == 1);

	CHECK(cfg->cols >= 2 && cfg->cols <= 1000);
	CHECK(cfg->rows >= 2 && cfg->rows <= 1000);
	CHECK(cfg->term != NULL && *cfg->term != '\0');
	for (cp = cfg->term; *cp != '\0'; cp++)
		CHECK(!iscntrl((unsigned char)*cp));
	CHECK(cfg->termios == CONFIG_TERMIOS_SANE ||
	    cfg->termios == CONFIG_TERMIOS_RAW);
	CHECK(cfg->stdin_mode == CONFIG_STDIN_TTY ||
	    cfg->stdin_mode == CONFIG_STDIN_NULL);

	check_seconds(cfg->timeout, YEAR);
	check_seconds(cfg->max_timeout, YEAR);
	check_seconds(cfg->idle_timeout, YEAR);
	check_seconds(cfg->input_timeout, YEAR);
	check_seconds(cfg->kill_grace, 3600);
	check_seconds(cfg->linger, 3600);
	if (cfg->max_timeout > 0)
		CHECK(cfg->timeout > 0 && cfg->timeout <= cfg->max_timeout);

	check_env(cfg);

	CHECK(cfg->agent_max_output >= 256 && cfg->agent_max_output <= GIB);
	CHECK(cfg->agent_max_output_limit >= 256 &&
	    cfg->agent_max_output_limit <= GIB);
	CHECK(cfg->agent_max_output <= cfg->agent_max_output_limit);
	CHECK(cfg->cr == CONFIG_CR_COLLAPSE || cfg->cr == CONFIG_CR_NEWLINE);
	CHECK(cfg->window <= 100000);

	check_dir(cfg->journal_dir);
	CHECK(cfg->fsync == CONFIG_FSYNC_ALWAYS ||
	    cfg->fsync == CONFIG_FSYNC_INTERVAL ||
	    cfg->fsync == CONFIG_FSYNC_NEVER);
	CHECK(cfg->journal_max_output <= GIB);
	CHECK(cfg->keep_days <= 36500);
	CHECK(cfg->keep_bytes <= 1024 * GIB);
	CHECK(cfg->nredact == 0 || cfg->redact != NULL);
	for (i = 0; i < cfg->nredact; i++) {
		cp = cfg->redact[i];
		CHECK(*cp != '\0' && strchr(cp, ',') == NULL);
		CHECK(!isspace((unsigned char)cp[0]) &&
		    !isspace((unsigned char)cp[strlen(cp) - 1]));
	}

	CHECK(cfg->record_enabled == 0 || cfg->record_enabled == 1);
	CHECK(cfg->record_max_bytes >= KIB &&
	    cfg->record_max_bytes <= 1024 * GIB);

	CHECK(cfg->fps >= 1 && cfg->fps <= 240);
	CHECK(cfg->scrollback <= 10000000);
	CHECK(cfg->history <= 1000000);
	CHECK(cfg->layout == CONFIG_LAYOUT_HORIZONTAL ||
	    cfg->layout == CONFIG_LAYOUT_VERTICAL);

	CHECK(cfg->bell == 0 || cfg->bell == 1);
	check_seconds(cfg->display_time, 3600);

	CHECK(cfg->headless_raw == 0 || cfg->headless_raw == 1);

	CHECK(cfg->viewer_max_queue >= 64 * KIB &&
	    cfg->viewer_max_queue <= GIB);
	CHECK(isfinite(cfg->viewer_max_lag) && cfg->viewer_max_lag >= 0.1 &&
	    cfg->viewer_max_lag <= 86400);
	CHECK(cfg->viewer_snapshot_bytes >= 4 * KIB &&
	    cfg->viewer_snapshot_bytes <= 64 * 1024 * KIB);
}

/* How many lines a reader of the input sees. */
static unsigned long
count_lines(const uint8_t *data, size_t size)
{
	unsigned long	n = 0;
	size_t		i;

	for (i = 0; i < size; i++) {
		if (data[i] == '\n')
			n++;
	}
	if (size > 0 && data[size - 1] != '\n')
		n++;
	return (n);
}

/* Every message: "fuzz.ini:N: text", N a line of the file, one line. */
static void
check_errors(const char *cause, unsigned long nlines)
{
	const char	*line, *end, *cp;
	char		*num_end;
	unsigned long	 n;
	size_t		 prefix = strlen(NAME ":");

	CHECK(cause != NULL && *cause != '\0');
	for (line = cause; ; line = end + 1) {
		if ((end = strchr(line, '\n')) == NULL)
			end = line + strlen(line);
		CHECK(strncmp(line, NAME ":", prefix) == 0);
		cp = line + prefix;
		CHECK(isdigit((unsigned char)*cp));
		n = strtoul(cp, &num_end, 10);
		CHECK(n >= 1 && n <= nlines);
		CHECK(num_end[0] == ':' && num_end[1] == ' ');
		CHECK(num_end + 2 < end);
		for (cp = line; cp < end; cp++) {
			CHECK((unsigned char)*cp >= 0x20 || *cp == '\t');
			CHECK(*cp != 0x7f);
		}
		if (*end == '\0')
			break;
	}
}

static char *
print(const struct config *cfg)
{
	FILE	*f;
	char	*text = NULL;
	size_t	 len = 0;

	CHECK((f = open_memstream(&text, &len)) != NULL);
	config_print(cfg, f);
	CHECK(fclose(f) == 0);
	return (text);
}

static int
load(struct config *cfg, const char *text, size_t len, char **cause)
{
	static char	 empty[1];
	FILE		*f;
	int		 r;

	config_defaults(cfg);
	f = fmemopen(len == 0 ? empty : (void *)text, len, "r");
	CHECK(f != NULL);
	r = config_load_stream(cfg, f, NAME, cause);
	fclose(f);
	return (r);
}

/* Whether any line of text is longer than a file line may be. */
static int
too_long(const char *text)
{
	const char	*end;

	for (; *text != '\0'; text = end + 1) {
		if ((end = strchr(text, '\n')) == NULL)
			end = text + strlen(text);
		if (end - text > REXEC_LINE_MAX)
			return (1);
		if (*end == '\0')
			break;
	}
	return (0);
}

/*
 * --print-config promises a file that parses back to itself.  A value
 * near the line limit may not fit once printed with its key; those are
 * left out.
 */
static void
check_print(const struct config *cfg)
{
	struct config	 again;
	char		*first, *second, *cause = NULL;

	first = print(cfg);
	if (!too_long(first)) {
		CHECK(load(&again, first, strlen(first), &cause) == 0);
		second = print(&again);
		CHECK(strcmp(first, second) == 0);
		free(second);
		config_free(&again);
	}
	free(first);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config	 cfg;
	char		*cause = NULL;

	if (load(&cfg, (const char *)data, size, &cause) == 0) {
		CHECK(cause == NULL);
		check_ranges(&cfg);
		check_print(&cfg);
	} else {
		check_errors(cause, count_lines(data, size));
		free(cause);
	}
	config_free(&cfg);
	return (0);
}
