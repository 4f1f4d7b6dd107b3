/*
 * config.c: rexec.ini, parsed with inih.
 *
 * One table describes every key: its section, name, type, default and range.
 * Defaults are strings in that table and go through the same parser as the
 * file, so the built-in configuration, the man page and --print-config cannot
 * drift apart.  inih gives its handler no line number, so the file is fed to
 * it through a reader that counts lines; the reader also catches what inih
 * would pass over quietly (over-long lines, unknown section headers, lines
 * that are neither a section nor a key).
 */
#include "rexec.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <ini.h>

#include "config.h"

enum key_type {
	KEY_STRING,	/* non-empty text without control characters */
	KEY_DIR,	/* empty (the default location) or an absolute path */
	KEY_UINT,	/* a whole number */
	KEY_BYTES,	/* a whole number with an optional K, M or G suffix */
	KEY_SECONDS,	/* a non-negative decimal number */
	KEY_BOOL,
	KEY_ENUM,
	KEY_LIST	/* comma-separated words */
};

struct key {
	const char		*section;
	const char		*name;
	enum key_type		 type;
	size_t			 offset;
	const char		*def;
	double			 min;
	double			 max;
	const char *const	*words;		/* KEY_ENUM, in enum order */
};

static const char *const termios_words[] = { "sane", "raw", NULL };
static const char *const stdin_words[] = { "tty", "null", NULL };
static const char *const cr_words[] = { "collapse", "newline", NULL };
static const char *const fsync_words[] = { "always", "interval", "never", NULL };
static const char *const layout_words[] = { "horizontal", "vertical", NULL };
static const char *const run_env_words[] = { "host", "client", NULL };

#define O(f)	offsetof(struct config, f)
#define KiB	1024.0
#define MiB	(1024.0 * 1024)
#define GiB	(1024.0 * 1024 * 1024)
#define YEAR	31536000.0

static const struct key keys[] = {
	{ "host", "runtime_dir", KEY_DIR, O(runtime_dir), "", 0, 0, NULL },
	{ "host", "max_parallel", KEY_UINT, O(max_parallel), "16", 1, 1024, NULL },
	{ "host", "max_queue", KEY_UINT, O(max_queue), "1024", 0, 1000000, NULL },
	{ "host", "max_detached", KEY_UINT, O(max_detached), "64", 1, 100000,
	  NULL },
	{ "host", "allow_root", KEY_BOOL, O(allow_root), "true", 0, 0, NULL },
	{ "host", "console_backlog", KEY_BYTES, O(console_backlog), "1048576",
	  64 * KiB, GiB, NULL },

	{ "pty", "cols", KEY_UINT, O(cols), "80", 2, 1000, NULL },
	{ "pty", "rows", KEY_UINT, O(rows), "24", 2, 1000, NULL },
	{ "pty", "term", KEY_STRING, O(term), "xterm-256color", 0, 0, NULL },
	{ "pty", "termios", KEY_ENUM, O(termios), "sane", 0, 0, termios_words },
	{ "pty", "stdin", KEY_ENUM, O(stdin_mode), "tty", 0, 0, stdin_words },

	{ "run", "timeout", KEY_SECONDS, O(timeout), "0", 0, YEAR, NULL },
	{ "run", "max_timeout", KEY_SECONDS, O(max_timeout), "0", 0, YEAR, NULL },
	{ "run", "idle_timeout", KEY_SECONDS, O(idle_timeout), "0", 0, YEAR, NULL },
	{ "run", "input_timeout", KEY_SECONDS, O(input_timeout), "60", 0, YEAR,
	  NULL },
	{ "run", "kill_grace", KEY_SECONDS, O(kill_grace), "2", 0, 3600, NULL },
	{ "run", "linger", KEY_SECONDS, O(linger), "2", 0, 3600, NULL },
	{ "run", "env", KEY_ENUM, O(run_env), "host", 0, 0, run_env_words },

	{ "agent", "max_output", KEY_BYTES, O(agent_max_output), "65536",
	  256, GiB, NULL },
	{ "agent", "max_output_limit", KEY_BYTES, O(agent_max_output_limit),
	  "1048576", 256, GiB, NULL },
	{ "agent", "cr", KEY_ENUM, O(cr), "collapse", 0, 0, cr_words },
	{ "agent", "window", KEY_UINT, O(window), "0", 0, 100000, NULL },

	{ "journal", "dir", KEY_DIR, O(journal_dir), "", 0, 0, NULL },
	{ "journal", "fsync", KEY_ENUM, O(fsync), "interval", 0, 0,
	  fsync_words },
	{ "journal", "max_output", KEY_BYTES, O(journal_max_output),
	  "16777216", 0, GiB, NULL },
	{ "journal", "keep_days", KEY_UINT, O(keep_days), "30", 0, 36500,
	  NULL },
	{ "journal", "keep_bytes", KEY_BYTES, O(keep_bytes), "1073741824", 0,
	  1024 * GiB, NULL },
	{ "journal", "redact", KEY_LIST, O(redact),
	  "*TOKEN*,*SECRET*,*PASSWORD*,*PASSWD*,*KEY*,*CREDENTIAL*", 0, 0,
	  NULL },

	{ "record", "enabled", KEY_BOOL, O(record_enabled), "true", 0, 0, NULL },
	{ "record", "max_bytes", KEY_BYTES, O(record_max_bytes), "67108864",
	  KiB, 1024 * GiB, NULL },

	{ "ui", "fps", KEY_UINT, O(fps), "30", 1, 240, NULL },
	{ "ui", "scrollback", KEY_UINT, O(scrollback), "10000", 0, 10000000,
	  NULL },
	{ "ui", "history", KEY_UINT, O(history), "1000", 0, 1000000, NULL },
	{ "ui", "layout", KEY_ENUM, O(layout), "horizontal", 0, 0,
	  layout_words },
	{ "ui", "bell", KEY_BOOL, O(bell), "true", 0, 0, NULL },
	{ "ui", "display_time", KEY_SECONDS, O(display_time), "4", 0, 3600,
	  NULL },

	{ "headless", "raw", KEY_BOOL, O(headless_raw), "true", 0, 0, NULL },

	{ "viewer", "max_queue", KEY_BYTES, O(viewer_max_queue), "4194304",
	  64 * KiB, GiB, NULL },
	{ "viewer", "max_lag", KEY_SECONDS, O(viewer_max_lag), "60", 0.1,
	  86400, NULL },
	{ "viewer", "snapshot_bytes", KEY_BYTES, O(viewer_snapshot_bytes),
	  "262144", 4 * KiB, 64 * MiB, NULL },
};

/* [env] takes any name; these are its defaults. */
static const struct config_env env_defaults[] = {
	{ (char *)"PAGER", (char *)"cat" },
	{ (char *)"GIT_PAGER", (char *)"cat" },
	{ (char *)"MANPAGER", (char *)"cat" },
	{ (char *)"SYSTEMD_PAGER", (char *)"cat" },
};

static const char *const sections[] = {
	"host", "pty", "run", "env", "agent", "journal", "record", "ui",
	"headless", "viewer"
};

/* What the reader and the handler share while one file is parsed. */
struct parse {
	struct config	*cfg;
	FILE		*f;
	const char	*path;
	unsigned int	 line;
	unsigned int	 last_error_line;
	int		 bad_section;	/* keys below it were reported */
	char		*buf;
	size_t		 bufsize;
	char		*errors;
	size_t		 nerrors;
	unsigned int	 lines[nitems(keys)];	/* where each key was set */
	const char *const *only;	/* "section.name" checked, NULL all */
};

static void	 parse_error(struct parse *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static char	*parse_value(const struct key *, const char *, struct config *);
static int	 key_set(const struct key *, const char *, struct config *,
		    char **);
static void	 env_set(struct config *, const char *, const char *);
static int	 section_known(const char *, size_t);
static void	 config_check(struct parse *);
static int	 load_stream(struct config *, FILE *, const char *,
		    const char *const *, char **);
static int	 used(const struct parse *, const char *, const char *);
static char	*key_hint(const char *, const char *);

static void *
field(struct config *cfg, const struct key *k)
{
	return ((char *)cfg + k->offset);
}

static const void *
cfield(const struct config *cfg, const struct key *k)
{
	return ((const char *)cfg + k->offset);
}

/*
 * A message quotes what the file holds.  A control character in it (a
 * CR, a vertical tab, an ESC) would break the one-line report or drive
 * the terminal it is shown on, so it is shown as \xNN; a tab is kept.
 */
static char *
visible(const char *s)
{
	char	*out, *o;

	o = out = xmalloc(strlen(s) * 4 + 1);
	for (; *s != '\0'; s++) {
		if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
			o += sprintf(o, "\\x%02x", (unsigned char)*s);
		else
			*o++ = *s;
	}
	*o = '\0';
	return (out);
}

static void
parse_error(struct parse *p, const char *fmt, ...)
{
	va_list	 ap;
	char	*raw, *msg, *next;

	va_start(ap, fmt);
	xvasprintf(&raw, fmt, ap);
	va_end(ap);
	msg = visible(raw);
	free(raw);
	xasprintf(&next, "%s%s%s:%u: %s", p->errors != NULL ? p->errors : "",
	    p->errors != NULL ? "\n" : "", p->path, p->line, msg);
	free(p->errors);
	free(msg);
	p->errors = next;
	p->nerrors++;
	p->last_error_line = p->line;
}

static int
section_known(const char *name, size_t len)
{
	size_t	i;

	for (i = 0; i < nitems(sections); i++) {
		if (strlen(sections[i]) == len &&
		    strncmp(sections[i], name, len) == 0)
			return (1);
	}
	return (0);
}

static int
env_name_valid(const char *name)
{
	const char	*cp;

	if (*name == '\0' || isdigit((unsigned char)*name))
		return (0);
	for (cp = name; *cp != '\0'; cp++) {
		if (!isalnum((unsigned char)*cp) && *cp != '_')
			return (0);
	}
	return (1);
}

/*
 * Parse one value for a key into the configuration.  Returns NULL or an
 * allocated message that the caller prefixes with file, line and key.
 */
static char *
parse_value(const struct key *k, const char *value, struct config *cfg)
{
	char			*end, *msg, **list, *copy, *item, *save;
	const char		*home;
	unsigned long long	 ull;
	double			 d;
	size_t			 n, i;
	const char *const	*w;

	switch (k->type) {
	case KEY_STRING:
		if (*value == '\0')
			return (xstrdup("empty value"));
		for (i = 0; value[i] != '\0'; i++) {
			if (iscntrl((unsigned char)value[i])) {
				xasprintf(&msg, "control character in \"%s\"",
				    value);
				return (msg);
			}
		}
		free(*(char **)field(cfg, k));
		*(char **)field(cfg, k) = xstrdup(value);
		return (NULL);
	case KEY_DIR:
		if (*value == '\0') {
			free(*(char **)field(cfg, k));
			*(char **)field(cfg, k) = xstrdup("");
			return (NULL);
		}
		if (value[0] == '~' && (value[1] == '/' || value[1] == '\0')) {
			if ((home = getenv("HOME")) == NULL || *home != '/') {
				xasprintf(&msg, "\"%s\": HOME is not set",
				    value);
				return (msg);
			}
			free(*(char **)field(cfg, k));
			xasprintf((char **)field(cfg, k), "%s%s", home,
			    value + 1);
			return (NULL);
		}
		if (*value != '/') {
			xasprintf(&msg, "not an absolute path: \"%s\"", value);
			return (msg);
		}
		free(*(char **)field(cfg, k));
		*(char **)field(cfg, k) = xstrdup(value);
		return (NULL);
	case KEY_UINT:
	case KEY_BYTES:
		if (!isdigit((unsigned char)*value)) {
			xasprintf(&msg, "not a number: \"%s\"", value);
			return (msg);
		}
		errno = 0;
		ull = strtoull(value, &end, 10);
		if (k->type == KEY_BYTES && *end != '\0' && end[1] == '\0') {
			switch (*end) {
			case 'k': case 'K':
				d = (double)ull * KiB;
				end++;
				break;
			case 'm': case 'M':
				d = (double)ull * MiB;
				end++;
				break;
			case 'g': case 'G':
				d = (double)ull * GiB;
				end++;
				break;
			default:
				d = (double)ull;
				break;
			}
		} else
			d = (double)ull;
		if (*end != '\0') {
			xasprintf(&msg, "not a number: \"%s\"", value);
			return (msg);
		}
		if (errno == ERANGE || d < k->min || d > k->max) {
			xasprintf(&msg, "out of range (%.0f to %.0f): \"%s\"",
			    k->min, k->max, value);
			return (msg);
		}
		*(unsigned long *)field(cfg, k) = (unsigned long)d;
		return (NULL);
	case KEY_SECONDS:
		errno = 0;
		d = strtod(value, &end);
		if (end == value || *end != '\0' || isspace((unsigned char)*value) ||
		    !isfinite(d) || *value == '+') {
			xasprintf(&msg, "not a number: \"%s\"", value);
			return (msg);
		}
		if (errno == ERANGE || d < k->min || d > k->max) {
			xasprintf(&msg, "out of range (%.0f to %.0f): \"%s\"",
			    k->min, k->max, value);
			return (msg);
		}
		*(double *)field(cfg, k) = d;
		return (NULL);
	case KEY_BOOL:
		if (strcasecmp(value, "true") == 0 ||
		    strcasecmp(value, "yes") == 0 ||
		    strcasecmp(value, "on") == 0 || strcmp(value, "1") == 0)
			*(int *)field(cfg, k) = 1;
		else if (strcasecmp(value, "false") == 0 ||
		    strcasecmp(value, "no") == 0 ||
		    strcasecmp(value, "off") == 0 || strcmp(value, "0") == 0)
			*(int *)field(cfg, k) = 0;
		else {
			xasprintf(&msg, "not a boolean: \"%s\" (true or false)",
			    value);
			return (msg);
		}
		return (NULL);
	case KEY_ENUM:
		for (w = k->words; *w != NULL; w++) {
			if (strcmp(*w, value) == 0) {
				*(int *)field(cfg, k) = (int)(w - k->words);
				return (NULL);
			}
		}
		if (k->words[2] == NULL) {
			xasprintf(&msg, "unknown value \"%s\" (%s or %s)",
			    value, k->words[0], k->words[1]);
		} else {
			xasprintf(&msg, "unknown value \"%s\" (%s, %s or %s)",
			    value, k->words[0], k->words[1], k->words[2]);
		}
		return (msg);
	case KEY_LIST:
		list = NULL;
		n = 0;
		copy = xstrdup(value);
		for (item = strtok_r(copy, ",", &save); item != NULL;
		    item = strtok_r(NULL, ",", &save)) {
			while (isspace((unsigned char)*item))
				item++;
			end = item + strlen(item);
			while (end > item && isspace((unsigned char)end[-1]))
				*--end = '\0';
			if (*item == '\0')
				continue;
			list = xreallocarray(list, n + 1, sizeof *list);
			list[n++] = xstrdup(item);
		}
		free(copy);
		for (i = 0; i < cfg->nredact; i++)
			free(cfg->redact[i]);
		free(cfg->redact);
		cfg->redact = list;
		cfg->nredact = n;
		return (NULL);
	}
	return (xstrdup("internal error: unknown key type"));
}

static int
key_set(const struct key *k, const char *value, struct config *cfg,
    char **cause)
{
	return ((*cause = parse_value(k, value, cfg)) == NULL ? 0 : -1);
}

static void
env_set(struct config *cfg, const char *name, const char *value)
{
	size_t	i;

	for (i = 0; i < cfg->nenv; i++) {
		if (strcmp(cfg->env[i].name, name) == 0) {
			free(cfg->env[i].value);
			cfg->env[i].value = xstrdup(value);
			return;
		}
	}
	cfg->env = xreallocarray(cfg->env, cfg->nenv + 1, sizeof *cfg->env);
	cfg->env[cfg->nenv].name = xstrdup(name);
	cfg->env[cfg->nenv].value = xstrdup(value);
	cfg->nenv++;
}

const char *
config_env_get(const struct config *cfg, const char *name)
{
	size_t	i;

	for (i = 0; i < cfg->nenv; i++) {
		if (strcmp(cfg->env[i].name, name) == 0)
			return (cfg->env[i].value);
	}
	return (NULL);
}

void
config_defaults(struct config *cfg)
{
	size_t	 i;
	char	*cause;

	memset(cfg, 0, sizeof *cfg);
	for (i = 0; i < nitems(keys); i++) {
		if (key_set(&keys[i], keys[i].def, cfg, &cause) != 0) {
			fprintf(stderr, "rexec: default of [%s] %s: %s\n",
			    keys[i].section, keys[i].name, cause);
			abort();
		}
	}
	for (i = 0; i < nitems(env_defaults); i++)
		env_set(cfg, env_defaults[i].name, env_defaults[i].value);
}

void
config_free(struct config *cfg)
{
	size_t	i;

	for (i = 0; i < nitems(keys); i++) {
		switch (keys[i].type) {
		case KEY_STRING:
		case KEY_DIR:
			free(*(char **)field(cfg, &keys[i]));
			break;
		default:
			break;
		}
	}
	for (i = 0; i < cfg->nredact; i++)
		free(cfg->redact[i]);
	free(cfg->redact);
	for (i = 0; i < cfg->nenv; i++) {
		free(cfg->env[i].name);
		free(cfg->env[i].value);
	}
	free(cfg->env);
	free(cfg->path);
	memset(cfg, 0, sizeof *cfg);
}

/*
 * inih's fgets-style reader.  It hands inih one line at a time so that
 * p->line is the line any handler call is about, and it reports what inih
 * cannot: lines over REXEC_LINE_MAX, unknown sections, and lines that are
 * neither a section, a key nor a comment.
 */
static char *
config_reader(char *str, int num, void *stream)
{
	struct parse	*p = stream;
	ssize_t		 n;
	char		*s, *e;

	if ((n = getline(&p->buf, &p->bufsize, p->f)) == -1)
		return (NULL);
	p->line++;
	if (n > 0 && p->buf[n - 1] == '\n')
		p->buf[--n] = '\0';
	if (n > 0 && p->buf[n - 1] == '\r')
		p->buf[--n] = '\0';
	if (n > REXEC_LINE_MAX || n + 2 > num) {
		parse_error(p, "line longer than %d bytes", REXEC_LINE_MAX);
		strcpy(str, "\n");
		return (str);
	}
	if (memchr(p->buf, '\0', n) != NULL) {
		parse_error(p, "NUL byte in line");
		strcpy(str, "\n");
		return (str);
	}

	s = p->buf;
	if (p->line == 1 && strncmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '[') {
		p->bad_section = 1;
		if ((e = strchr(s, ']')) == NULL)
			parse_error(p, "syntax error: no ] after section name");
		else if (!section_known(s + 1, e - s - 1)) {
			if (p->only == NULL)
				parse_error(p, "unknown section [%.*s]",
				    (int)(e - s - 1), s + 1);
		}
		else
			p->bad_section = 0;
	} else if (*s != '\0' && *s != ';' && *s != '#' &&
	    strpbrk(s, "=:") == NULL)
		parse_error(p, "syntax error: expected [section] or name = value");

	memcpy(str, p->buf, n);
	str[n] = '\n';
	str[n + 1] = '\0';
	return (str);
}

/*
 * A value as the user meant it: a double-quoted value is taken as it is
 * between the quotes (spaces and ";" included); otherwise an inline comment
 * (";" after white space) and the white space before it go.  Returns NULL
 * for text after a closing quote.
 */
static char *
value_clean(const char *raw)
{
	const char	*q, *cp;
	size_t		 len;

	if (raw[0] == '"' && (q = strchr(raw + 1, '"')) != NULL) {
		for (cp = q + 1; isspace((unsigned char)*cp); cp++)
			;
		if (*cp != '\0' && *cp != ';')
			return (NULL);
		return (xstrndup(raw + 1, q - raw - 1));
	}
	for (cp = raw; *cp != '\0'; cp++) {
		if (*cp == ';' && cp > raw && isspace((unsigned char)cp[-1]))
			break;
	}
	len = cp - raw;
	while (len > 0 && isspace((unsigned char)raw[len - 1]))
		len--;
	return (xstrndup(raw, len));
}

static int
config_handler(void *user, const char *section, const char *name,
    const char *raw)
{
	struct parse	*p = user;
	char		*value, *cause, *hint;
	size_t		 i;

	if (p->bad_section)
		return (1);	/* reported once, on the section line */
	if (*section == '\0') {
		parse_error(p, "%s: key outside a section", name);
		return (1);
	}
	if ((value = value_clean(raw)) == NULL) {
		parse_error(p, "[%s] %s: text after the closing quote",
		    section, name);
		return (1);
	}
	if (!used(p, section, name)) {
		free(value);
		return (1);
	}
	if (strcmp(section, "env") == 0) {
		if (!env_name_valid(name))
			parse_error(p, "[env] %s: not a valid variable name",
			    name);
		else
			env_set(p->cfg, name, value);
		free(value);
		return (1);
	}
	for (i = 0; i < nitems(keys); i++) {
		if (strcmp(keys[i].section, section) == 0 &&
		    strcmp(keys[i].name, name) == 0)
			break;
	}
	if (i == nitems(keys)) {
		hint = key_hint(section, name);
		parse_error(p, "[%s] unknown key \"%s\"%s", section, name, hint);
		free(hint);
	}
	else if (key_set(&keys[i], value, p->cfg, &cause) != 0) {
		parse_error(p, "[%s] %s: %s", section, name, cause);
		free(cause);
	} else
		p->lines[i] = p->line;
	free(value);
	return (1);
}

/*
 * Whether a key is one this load checks: all of them, or those in p->only
 * ("section.name", or "env" for the whole [env] section).  A key nobody
 * reading this load uses is passed over, whatever its value or name.
 */
static int
used(const struct parse *p, const char *section, const char *name)
{
	const char *const	*u;
	size_t			 len = strlen(section);

	if (p->only == NULL)
		return (1);
	for (u = p->only; *u != NULL; u++) {
		if (strncmp(*u, section, len) != 0)
			continue;
		if ((*u)[len] == '\0' ||
		    ((*u)[len] == '.' && strcmp(*u + len + 1, name) == 0))
			return (1);
	}
	return (0);
}

/* The edit distance between two short names (insert, delete, replace). */
static size_t
distance(const char *a, const char *b)
{
	size_t	la = strlen(a), lb = strlen(b), i, j, d[64], prev, tmp;

	if (la >= nitems(d) || lb >= nitems(d))
		return (SIZE_MAX);
	for (j = 0; j <= lb; j++)
		d[j] = j;
	for (i = 1; i <= la; i++) {
		prev = d[0];
		d[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = d[j];
			if (tolower((unsigned char)a[i - 1]) ==
			    tolower((unsigned char)b[j - 1]))
				d[j] = prev;
			else {
				d[j] = prev;
				if (d[j - 1] < d[j])
					d[j] = d[j - 1];
				if (tmp < d[j])
					d[j] = tmp;
				d[j]++;
			}
			prev = tmp;
		}
	}
	return (d[lb]);
}

/*
 * A hint for an unknown key: the closest key of its section, or the same
 * name in another section, as ": did you mean ...?", or "".
 */
static char *
key_hint(const char *section, const char *name)
{
	const struct key	*best = NULL;
	size_t			 i, d, best_d = SIZE_MAX, limit;
	char			*hint;

	limit = strlen(name) < 6 ? 1 : 2 + strlen(name) / 8;
	for (i = 0; i < nitems(keys); i++) {
		if (strcmp(keys[i].section, section) != 0)
			continue;
		if ((d = distance(name, keys[i].name)) < best_d) {
			best_d = d;
			best = &keys[i];
		}
	}
	if (best != NULL && best_d <= limit) {
		xasprintf(&hint, ": did you mean \"%s\"?", best->name);
		return (hint);
	}
	for (i = 0; i < nitems(keys); i++) {
		if (strcasecmp(keys[i].name, name) == 0) {
			xasprintf(&hint, ": did you mean \"%s\" in [%s]?",
			    keys[i].name, keys[i].section);
			return (hint);
		}
	}
	return (xstrdup(""));
}

static size_t
key_index(const char *section, const char *name)
{
	size_t	i;

	for (i = 0; i < nitems(keys); i++) {
		if (strcmp(keys[i].section, section) == 0 &&
		    strcmp(keys[i].name, name) == 0)
			return (i);
	}
	abort();
}

/* Checks between keys, reported on the line that set the later one. */
static void
config_check(struct parse *p)
{
	struct config	*cfg = p->cfg;
	size_t		 a, b;
	unsigned int	 saved = p->line;

	if (p->only != NULL)
		return;		/* no load that checks a few keys needs these */
	a = key_index("agent", "max_output");
	b = key_index("agent", "max_output_limit");
	if (cfg->agent_max_output > cfg->agent_max_output_limit) {
		p->line = p->lines[a] > p->lines[b] ? p->lines[a] : p->lines[b];
		parse_error(p, "[agent] max_output: %lu is above "
		    "max_output_limit %lu", cfg->agent_max_output,
		    cfg->agent_max_output_limit);
	}
	a = key_index("run", "timeout");
	b = key_index("run", "max_timeout");
	if (cfg->max_timeout > 0 &&
	    (cfg->timeout == 0 || cfg->timeout > cfg->max_timeout)) {
		p->line = p->lines[a] > p->lines[b] ? p->lines[a] : p->lines[b];
		parse_error(p, "[run] timeout: %g is above max_timeout %g "
		    "(0 means none)", cfg->timeout, cfg->max_timeout);
	}
	p->line = saved;
}

/*
 * Parse an open file over the defaults already in cfg.  On error every
 * problem is in *cause, one "file:line: message" per line.
 */
int
config_load_stream(struct config *cfg, FILE *f, const char *path,
    char **cause)
{
	return (load_stream(cfg, f, path, NULL, cause));
}

static int
load_stream(struct config *cfg, FILE *f, const char *path,
    const char *const *only, char **cause)
{
	struct parse	p;
	int		r;

	memset(&p, 0, sizeof p);
	p.only = only;
	p.cfg = cfg;
	p.f = f;
	p.path = path;

	ini_use_stack = false;
	ini_allow_realloc = false;
	ini_max_line = REXEC_LINE_MAX + 3;
	ini_initial_alloc = REXEC_LINE_MAX + 3;
	ini_allow_multiline = false;
	ini_allow_inline_comments = false;	/* value_clean() does them */
	ini_allow_no_value = false;
	ini_stop_on_first_error = false;

	r = ini_parse_stream(config_reader, &p, config_handler, &p);
	if (r == -2) {
		fprintf(stderr, "rexec: %s: out of memory\n", path);
		abort();
	}
	if (r > 0 && p.nerrors == 0) {
		p.line = (unsigned int)r;
		parse_error(&p, "syntax error");
	}
	if (ferror(f)) {
		p.line++;
		parse_error(&p, "read error: %s", strerror(errno));
	}
	config_check(&p);
	free(p.buf);
	if (p.nerrors != 0) {
		*cause = p.errors;
		return (-1);
	}
	free(cfg->path);
	cfg->path = xstrdup(path);
	return (0);
}

/*
 * Open the file at path for reading if it is a regular file.  Anything
 * else is refused at once: opening a FIFO for reading waits for a writer
 * for ever, and a device can block or never end (/dev/null too, for one
 * rule: an empty file gives the defaults).  O_NONBLOCK keeps the open
 * itself from waiting and is cleared once fstat has said "regular".  A
 * symbolic link to a regular file is fine.  Returns NULL with errno set
 * (the open failed) or with *cause set.
 */
static FILE *
config_open(const char *path, char **cause)
{
	struct stat	 sb;
	FILE		*f;
	int		 fd, flags, saved;

	*cause = NULL;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd == -1)
		return (NULL);
	if (fstat(fd, &sb) == -1)
		goto fail;
	if (!S_ISREG(sb.st_mode)) {
		xasprintf(cause, "%s: not a regular file", path);
		close(fd);
		return (NULL);
	}
	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == -1)
		goto fail;
	if ((f = fdopen(fd, "r")) == NULL)
		goto fail;
	return (f);
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return (NULL);
}

/*
 * Load the configuration: defaults, then the file at path if there is one.
 * A missing file is an error only when it was asked for by name; a file
 * that is there but not a regular file always is.
 */
int
config_load(struct config *cfg, const char *path, int explicit, char **cause)
{
	return (config_load_keys(cfg, path, explicit, NULL, cause));
}

/*
 * Load the configuration checking only the keys in only ("section.name",
 * "env" for [env]); others, unknown keys and unknown sections are passed
 * over and keep their defaults.  Client commands use it, so that a typo in
 * a key of the host or the TUI does not stop them.  A line that is no INI
 * at all is still an error.
 */
int
config_load_keys(struct config *cfg, const char *path, int explicit,
    const char *const *only, char **cause)
{
	FILE	*f;
	int	 r;

	config_defaults(cfg);
	if (path == NULL)
		return (0);
	if ((f = config_open(path, cause)) == NULL) {
		if (*cause != NULL)
			return (-1);
		if (errno == ENOENT && !explicit)
			return (0);
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return (-1);
	}
	r = load_stream(cfg, f, path, only, cause);
	fclose(f);
	return (r);
}

/*
 * Where the file is: --config, then $REXEC_CONFIG (both explicit: a missing
 * file is an error), then $XDG_CONFIG_HOME/rexec/rexec.ini, then
 * ~/.config/rexec/rexec.ini.  Returns NULL when there is nowhere to look.
 */
char *
config_find(const char *option, int *explicit)
{
	const char	*env;
	char		*path;

	*explicit = 1;
	if (option != NULL)
		return (xstrdup(option));
	if ((env = getenv("REXEC_CONFIG")) != NULL && *env != '\0')
		return (xstrdup(env));
	*explicit = 0;
	if ((env = getenv("XDG_CONFIG_HOME")) != NULL && *env == '/') {
		xasprintf(&path, "%s/rexec/rexec.ini", env);
		return (path);
	}
	if ((env = getenv("HOME")) != NULL && *env == '/') {
		xasprintf(&path, "%s/.config/rexec/rexec.ini", env);
		return (path);
	}
	return (NULL);
}

/*
 * Whether a value needs quotes to read back the same: inih trims white
 * space at both ends and value_clean() takes a ';' after white space
 * for a comment.  A value that starts with '"' has no other one (a
 * closing quote would have been taken off when it was read), so it
 * reads back the same unquoted.
 */
static int
needs_quotes(const char *s)
{
	size_t	len = strlen(s), i;

	if (len == 0)
		return (0);
	if (isspace((unsigned char)s[0]) || isspace((unsigned char)s[len - 1]))
		return (1);
	for (i = 1; i < len; i++) {
		if (s[i] == ';' && isspace((unsigned char)s[i - 1]))
			return (1);
	}
	return (0);
}

/* A string value, quoted when inih would otherwise change it. */
static void
print_string(FILE *f, const char *s)
{
	if (*s == '\0') {
		fputc('\n', f);
		return;
	}
	fputc(' ', f);
	if (needs_quotes(s))
		fprintf(f, "\"%s\"\n", s);
	else
		fprintf(f, "%s\n", s);
}

/* The effective configuration as an INI file that parses back to itself. */
void
config_print(const struct config *cfg, FILE *f)
{
	const struct key	*k;
	const char		*section = NULL;
	size_t			 i, j;
	int			 quoted;

	fprintf(f, "; rexec effective configuration (%s)\n",
	    cfg->path != NULL ? cfg->path : "built-in defaults");
	for (i = 0; i < nitems(keys); i++) {
		k = &keys[i];
		if (section == NULL || strcmp(section, k->section) != 0) {
			if (section != NULL && strcmp(section, "run") == 0) {
				fprintf(f, "\n[env]\n");
				for (j = 0; j < cfg->nenv; j++) {
					fprintf(f, "%s =", cfg->env[j].name);
					print_string(f, cfg->env[j].value);
				}
			}
			section = k->section;
			fprintf(f, "\n[%s]\n", section);
		}
		fprintf(f, "%s =", k->name);
		if (k->type != KEY_STRING && k->type != KEY_DIR)
			fputc(' ', f);
		switch (k->type) {
		case KEY_STRING:
		case KEY_DIR:
			print_string(f, *(char *const *)cfield(cfg, k));
			break;
		case KEY_UINT:
		case KEY_BYTES:
			fprintf(f, "%lu\n",
			    *(const unsigned long *)cfield(cfg, k));
			break;
		case KEY_SECONDS:
			fprintf(f, "%g\n", *(const double *)cfield(cfg, k));
			break;
		case KEY_BOOL:
			fprintf(f, "%s\n", *(const int *)cfield(cfg, k) ?
			    "true" : "false");
			break;
		case KEY_ENUM:
			fprintf(f, "%s\n",
			    k->words[*(const int *)cfield(cfg, k)]);
			break;
		case KEY_LIST:
			/*
			 * Items are trimmed: a comment-like ";" lies within
			 * one.  A first item starting with '"' gets an empty
			 * item before it, or the value would read as quoted.
			 */
			quoted = 0;
			for (j = 0; j < cfg->nredact; j++)
				quoted |= needs_quotes(cfg->redact[j]);
			if (quoted)
				fputc('"', f);
			else if (cfg->nredact > 0 && cfg->redact[0][0] == '"')
				fputc(',', f);
			for (j = 0; j < cfg->nredact; j++) {
				fprintf(f, "%s%s", j == 0 ? "" : ",",
				    cfg->redact[j]);
			}
			fprintf(f, "%s\n", quoted ? "\"" : "");
			break;
		}
	}
}
