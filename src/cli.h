/*
 * cli.h: the command table.  Each subcommand is one struct cmd_entry, in the
 * spirit of tmux's cmd_entry: its name, the original crate's flag that also
 * reaches it, its usage line and the function that runs it.
 */
#ifndef CLI_H
#define CLI_H

struct cmd_entry {
	const char	*name;
	const char	*alias;		/* original flag (--check-host), or NULL */
	const char	*short_alias;	/* original short flag (-c), or NULL */
	const char	*usage;		/* arguments after "rexec <name>" */
	const char	*summary;	/* one line for --help */
	int		(*exec)(int, char **);	/* argv[0] is the name */
};

struct config;

int	cli_main(int, char **);
int	cli_config(struct config *, const char *);
void	cli_client_config(struct config *);
char	*cli_journal_dir(void);
int	cli_usage(const char *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	cli_error(const char *, ...) __attribute__((format(printf, 1, 2)));
int	cli_seconds(const char *, double *);
int	cli_seq(const char *, const char *, long long *);
const struct cmd_entry *cli_find(const char *);

int	cmd_agentview_exec(int, char **);
int	cmd_attach_exec(int, char **);
int	cmd_check_exec(int, char **);
int	cmd_grep_exec(int, char **);
int	cmd_host_exec(int, char **);
int	cmd_input_exec(int, char **);
int	cmd_kill_exec(int, char **);
int	cmd_list_exec(int, char **);
int	cmd_log_exec(int, char **);
int	cmd_mcp_exec(int, char **);
int	cmd_print_exec(int, char **);
int	cmd_render_exec(int, char **);
int	cmd_replay_exec(int, char **);
int	cmd_run_exec(int, char **);
int	cmd_screen_exec(int, char **);
int	cmd_status_exec(int, char **);
int	cmd_wait_exec(int, char **);

#endif
