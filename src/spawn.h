/*
 * spawn.h: start one command in a fresh pseudo-terminal.
 */
#ifndef SPAWN_H
#define SPAWN_H

#include <sys/types.h>

enum spawn_stdin {
	SPAWN_STDIN_TTY,	/* fd 0 is the terminal */
	SPAWN_STDIN_NULL,	/* fd 0 is /dev/null */
	SPAWN_STDIN_PIPE	/* fd 0 is a pipe the host writes, then closes */
};

/* Why a spawn failed; each maps to an error tag of the response. */
enum spawn_error {
	SPAWN_OK,
	SPAWN_BAD_DIR,		/* chdir failed: "bad_dir: <errno text>" */
	SPAWN_NOT_FOUND,	/* exec ENOENT: "not_found" */
	SPAWN_NOT_EXECUTABLE,	/* exec EACCES/ENOEXEC/...: "not_executable" */
	SPAWN_FAILED		/* anything before exec: "spawn_failed: ..." */
};

struct spawn {
	char *const		*argv;
	const char		*dir;
	char *const		*envp;
	unsigned int		 cols;
	unsigned int		 rows;
	int			 raw;		/* original crate's termios */
	enum spawn_stdin	 stdin_mode;
	int			 cgroup_fd;	/* cgroup.procs to join, or -1 */
};

struct spawn_child {
	pid_t	pid;		/* also the process group and session id */
	int	master;		/* PTY master, non-blocking, CLOEXEC */
	int	stdin_fd;	/* write end of the stdin pipe, or -1 */
};

enum spawn_error spawn_start(const struct spawn *, struct spawn_child *,
	    char **);

/* Environment building: an array of "NAME=value" with replace-by-name. */
struct spawn_env;
struct spawn_env *spawn_env_new(char *const *);
void	 spawn_env_set(struct spawn_env *, const char *, const char *);
char	**spawn_env_array(struct spawn_env *);
void	 spawn_env_free(struct spawn_env *);

#endif
