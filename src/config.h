/*
 * config.h: the effective configuration (rexec.ini, DESIGN.md section 12).
 *
 * struct config is a plain value: every module reads its fields, only
 * config.c writes them.  The schema (sections, keys, defaults, ranges) is one
 * table in config.c; parsing, defaults and --print-config all walk it.
 */
#ifndef CONFIG_H
#define CONFIG_H

#include <stddef.h>
#include <stdio.h>

enum config_termios { CONFIG_TERMIOS_SANE, CONFIG_TERMIOS_RAW };
enum config_stdin { CONFIG_STDIN_TTY, CONFIG_STDIN_NULL };
enum config_cr { CONFIG_CR_COLLAPSE, CONFIG_CR_NEWLINE };
enum config_fsync { CONFIG_FSYNC_ALWAYS, CONFIG_FSYNC_INTERVAL, CONFIG_FSYNC_NEVER };
enum config_layout { CONFIG_LAYOUT_HORIZONTAL, CONFIG_LAYOUT_VERTICAL };
enum config_run_env { CONFIG_RUN_ENV_HOST, CONFIG_RUN_ENV_CLIENT };

struct config_env {
	char	*name;
	char	*value;
};

struct config {
	char			*path;		/* file read, NULL for defaults */

	/* [host] */
	char			*runtime_dir;	/* "" = default location */
	unsigned long		 max_parallel;
	unsigned long		 max_queue;
	unsigned long		 max_detached;
	int			 allow_root;
	unsigned long		 console_backlog; /* a waiting run's, at most */

	/* [pty] */
	unsigned long		 cols;
	unsigned long		 rows;
	char			*term;
	enum config_termios	 termios;
	enum config_stdin	 stdin_mode;

	/* [run], in seconds; 0 means none */
	double			 timeout;
	double			 max_timeout;
	double			 idle_timeout;
	double			 input_timeout;
	double			 kill_grace;
	double			 linger;
	enum config_run_env	 run_env;	/* rexec run's default base */

	/* [env], in file order; a later name replaces an earlier one */
	struct config_env	*env;
	size_t			 nenv;

	/* [agent] */
	unsigned long		 agent_max_output;
	unsigned long		 agent_max_output_limit;
	enum config_cr		 cr;
	unsigned long		 window;	/* 0: the run's rows */

	/* [journal] */
	char			*journal_dir;	/* "" = default location */
	enum config_fsync	 fsync;
	unsigned long		 journal_max_output;
	unsigned long		 keep_days;	/* 0 = for ever */
	unsigned long		 keep_bytes;	/* 0 = no limit */
	char			**redact;	/* glob patterns on env names */
	size_t			 nredact;

	/* [record] */
	int			 record_enabled;
	unsigned long		 record_max_bytes;

	/* [ui] */
	unsigned long		 fps;
	unsigned long		 scrollback;
	unsigned long		 history;
	enum config_layout	 layout;
	int			 bell;		/* a run starts waiting */
	double			 display_time;	/* a message shows; 0: until a key */

	/* [headless] */
	int			 headless_raw;

	/* [viewer] */
	unsigned long		 viewer_max_queue;	/* bytes per viewer */
	double			 viewer_max_lag;	/* seconds behind */
	unsigned long		 viewer_snapshot_bytes;	/* a run's, the console's */
};

/* Where the configuration file is looked up (DESIGN.md section 2). */
char	*config_find(const char *, int *);

void	 config_defaults(struct config *);
int	 config_load(struct config *, const char *, int, char **);
int	 config_load_keys(struct config *, const char *, int,
	    const char *const *, char **);
int	 config_load_stream(struct config *, FILE *, const char *, char **);
void	 config_print(const struct config *, FILE *);
void	 config_free(struct config *);
const char *config_env_get(const struct config *, const char *);

#endif
