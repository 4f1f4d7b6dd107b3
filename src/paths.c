/*
 * paths.c: the runtime and journal directories.
 *
 * Both hold what other users must not read or plant (requests, replies,
 * journals with command output), so a directory is accepted only if it is
 * a real directory, owned by us, with no group or other permission bits.
 * Anything else is refused with a message that says what to fix; rexec never
 * chmods or chowns a directory it did not create.  The clients hold the
 * host's directories and files to the same checks, with the same
 * functions, before they write a byte: a runtime directory under /tmp can
 * be made by anyone first, and a client that talked to it would hand its
 * requests (argv, environment, stdin) to whoever did.
 */
#include "rexec.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "paths.h"

char *
paths_join(const char *dir, const char *name)
{
	char	*path;

	xasprintf(&path, "%s/%s", dir, name);
	return (path);
}

/* Create every missing parent of path with the usual 0755 (as mkdir -p). */
static int
make_parents(const char *path, char **cause)
{
	char		*copy, *cp;
	struct stat	 sb;

	copy = xstrdup(path);
	for (cp = copy + 1; (cp = strchr(cp, '/')) != NULL; cp++) {
		*cp = '\0';
		if (stat(copy, &sb) == -1) {
			if (errno != ENOENT ||
			    (mkdir(copy, 0755) == -1 && errno != EEXIST)) {
				xasprintf(cause, "%s: %s", copy,
				    strerror(errno));
				free(copy);
				return (-1);
			}
		} else if (!S_ISDIR(sb.st_mode)) {
			xasprintf(cause, "%s: not a directory", copy);
			free(copy);
			return (-1);
		}
		*cp = '/';
	}
	free(copy);
	return (0);
}

/* The one way to say that path belongs to someone else. */
static void
not_ours(const char *path, uid_t owner, char **cause)
{
	xasprintf(cause, "%s: owned by uid %lu, not by us (uid %lu); refusing "
	    "to use it", path, (unsigned long)owner, (unsigned long)geteuid());
}

/*
 * Is path a private directory of ours?  lstat, never stat: a symbolic
 * link is refused, not followed, whoever owns its target.  Returns 0, 1
 * when nothing is at path, or -1 with *cause naming the problem.  The
 * host calls it on what it creates and the clients on what they are
 * about to talk to, so both sides trust the same directories.
 */
int
paths_trusted_dir(const char *path, char **cause)
{
	struct stat	sb;

	if (*path != '/') {
		xasprintf(cause, "%s: not an absolute path", path);
		return (-1);
	}
	if (lstat(path, &sb) == -1) {
		if (errno == ENOENT)
			return (1);
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return (-1);
	}
	if (S_ISLNK(sb.st_mode)) {
		xasprintf(cause, "%s: is a symbolic link; refusing to use it "
		    "(point the setting at the real directory)", path);
		return (-1);
	}
	if (!S_ISDIR(sb.st_mode)) {
		xasprintf(cause, "%s: exists and is not a directory", path);
		return (-1);
	}
	if (sb.st_uid != geteuid()) {
		not_ours(path, sb.st_uid, cause);
		return (-1);
	}
	if ((sb.st_mode & 077) != 0) {
		xasprintf(cause, "%s: mode %04o lets group or others in; "
		    "run chmod 700 %s", path, (unsigned)(sb.st_mode & 07777),
		    path);
		return (-1);
	}
	return (0);
}

/*
 * Make sure path is a private directory: create it with mode 0700 if it
 * does not exist, then check it as paths_trusted_dir() does.
 */
int
paths_private_dir(const char *path, char **cause)
{
	int	r;

	if ((r = paths_trusted_dir(path, cause)) != 1)
		return (r);
	if (make_parents(path, cause) != 0)
		return (-1);
	if (mkdir(path, 0700) == -1 && errno != EEXIST) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return (-1);
	}
	if ((r = paths_trusted_dir(path, cause)) == 1)
		xasprintf(cause, "%s: %s", path, strerror(ENOENT));
	return (r == 0 ? 0 : -1);
}

/*
 * Open a file of ours in a private directory: never through a symbolic
 * link (O_NOFOLLOW), never becoming our terminal (O_NOCTTY), and only if
 * fstat says it is of type (S_IFIFO, S_IFREG) and owned by us -- checked
 * on what was opened, so nothing can be swapped in between.  Returns
 * the fd, or -1: with *cause, or with *cause NULL when open(2) said
 * ENOENT or ENXIO (nothing there, a FIFO nobody reads), errno kept.
 */
int
paths_open_own(const char *path, int flags, mode_t type, char **cause)
{
	struct stat	 sb;
	const char	*what = type == S_IFIFO ? "a FIFO" : "a regular file";
	int		 fd, saved;

	*cause = NULL;
	fd = open(path, flags | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
	if (fd == -1) {
		if (errno == ENOENT || errno == ENXIO)
			return (-1);
		saved = errno;
		if (errno == ELOOP)
			xasprintf(cause, "%s: is a symbolic link; refusing to "
			    "use it", path);
		else
			xasprintf(cause, "%s: %s", path, strerror(errno));
		errno = saved;
		return (-1);
	}
	if (fstat(fd, &sb) == -1)
		xasprintf(cause, "%s: %s", path, strerror(errno));
	else if ((sb.st_mode & S_IFMT) != type)
		xasprintf(cause, "%s: exists and is not %s", path, what);
	else if (sb.st_uid != geteuid())
		not_ours(path, sb.st_uid, cause);
	if (*cause != NULL) {
		close(fd);
		errno = EPERM;
		return (-1);
	}
	return (fd);
}

/* An environment override must be an absolute path to be used. */
static const char *
env_path(const char *name, char **cause)
{
	const char	*v;

	if ((v = getenv(name)) == NULL || *v == '\0')
		return (NULL);
	if (*v != '/') {
		xasprintf(cause, "%s: not an absolute path: \"%s\"", name, v);
		return ("");
	}
	return (v);
}

/*
 * The runtime directory: $REXEC_RUNTIME_DIR, else [host] runtime_dir, else
 * $XDG_RUNTIME_DIR/rexec, else /tmp/rexec-<uid>.  Only computes the path;
 * paths_private_dir() creates and checks it.
 */
char *
paths_runtime_dir(const struct config *cfg, char **cause)
{
	const char	*v;
	char		*path;

	*cause = NULL;
	if ((v = env_path("REXEC_RUNTIME_DIR", cause)) != NULL)
		return (*cause != NULL ? NULL : xstrdup(v));
	if (cfg->runtime_dir != NULL && *cfg->runtime_dir != '\0')
		return (xstrdup(cfg->runtime_dir));
	if ((v = getenv("XDG_RUNTIME_DIR")) != NULL && *v == '/')
		return (paths_join(v, "rexec"));
	xasprintf(&path, "/tmp/rexec-%lu", (unsigned long)geteuid());
	return (path);
}

/*
 * The journal directory: $REXEC_JOURNAL_DIR, else [journal] dir, else
 * $XDG_STATE_HOME/rexec, else ~/.local/state/rexec.
 */
char *
paths_journal_dir(const struct config *cfg, char **cause)
{
	const char	*v;
	char		*path;

	*cause = NULL;
	if ((v = env_path("REXEC_JOURNAL_DIR", cause)) != NULL)
		return (*cause != NULL ? NULL : xstrdup(v));
	if (cfg->journal_dir != NULL && *cfg->journal_dir != '\0')
		return (xstrdup(cfg->journal_dir));
	if ((v = getenv("XDG_STATE_HOME")) != NULL && *v == '/')
		return (paths_join(v, "rexec"));
	if ((v = getenv("HOME")) != NULL && *v == '/') {
		xasprintf(&path, "%s/.local/state/rexec", v);
		return (path);
	}
	xasprintf(cause, "no journal directory: set HOME, XDG_STATE_HOME, "
	    "REXEC_JOURNAL_DIR or [journal] dir");
	return (NULL);
}
