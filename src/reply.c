/*
 * reply.c: response files, R/replies/<id>.json (DESIGN.md section 3).
 *
 * It owns how a response reaches the disk: written in full to a private
 * temporary name in the replies directory, then renamed to <id>.json, so a
 * client woken by IN_MOVED_TO always reads a whole file.  It also owns the
 * pruning of replies nobody collected.  It must never leave a partial
 * <id>.json or a temporary file behind on an error, and never touches a
 * name outside the replies directory.
 */
#include "rexec.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "reply.h"

static int	 write_all(int, const char *, size_t);
static int	 reply_stale(const char *);

/* Makes temporary names unique within this process. */
static unsigned long	reply_counter;

/* Write all of buf, looping over short writes. */
static int
write_all(int fd, const char *buf, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = write(fd, buf, len)) == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		if (n == 0) {
			errno = ENOSPC;	/* write(2) made no progress */
			return (-1);
		}
		buf += n;
		len -= n;
	}
	return (0);
}

/*
 * Write obj as one line to <dir>/<id>.json, replacing any earlier reply of
 * that id.  The caller has validated id; one that could escape the
 * directory or hide as a temporary name is refused all the same.
 */
int
reply_write(const char *dir, const char *id, json_t *obj, char **cause)
{
	char	*path, *tmp, *text;
	int	 fd, saved;

	if (*id == '\0' || *id == '.' || strchr(id, '/') != NULL) {
		xasprintf(cause, "%s/%s.json: invalid reply id", dir, id);
		return (-1);
	}
	if ((text = json_dumps(obj, JSON_COMPACT)) == NULL) {
		xasprintf(cause, "%s/%s.json: cannot encode reply", dir, id);
		return (-1);
	}
	xasprintf(&path, "%s/%s.json", dir, id);
	xasprintf(&tmp, "%s/.%s.%ld.%lu.tmp", dir, id, (long)getpid(),
	    reply_counter++);

	fd = open(tmp, O_WRONLY|O_CREAT|O_EXCL|O_CLOEXEC|O_NOFOLLOW, 0600);
	if (fd == -1)
		goto fail;
	if (fchmod(fd, 0600) == -1 ||
	    write_all(fd, text, strlen(text)) == -1 ||
	    write_all(fd, "\n", 1) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		goto fail_unlink;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1)
		goto fail_unlink;

	free(text);
	free(tmp);
	free(path);
	return (0);

fail_unlink:
	saved = errno;
	unlink(tmp);
	errno = saved;
fail:
	xasprintf(cause, "%s: %s", path, strerror(errno));
	free(text);
	free(tmp);
	free(path);
	return (-1);
}

/*
 * A reply (<id>.json) or a temporary file of an atomic write.  Ids never
 * start with '.', and both reply_write and the client's spool writer give
 * their temporary files names that do, so any dot-file here is one.
 */
static int
reply_stale(const char *name)
{
	size_t	len = strlen(name);

	if (name[0] == '.')
		return (strcmp(name, ".") != 0 && strcmp(name, "..") != 0);
	return (len > 5 && strcmp(name + len - 5, ".json") == 0);
}

/*
 * Delete replies and temporary files last modified more than max_age
 * seconds before now; anything else in the directory is left alone.  The
 * host runs it on R/replies and R/spool (whose requests are <id>.json too).  A
 * file that goes away meanwhile (its client read it) is not an error.
 * Returns how many files were deleted, or -1 with the first error after
 * trying them all.
 */
int
reply_prune(const char *dir, time_t now, time_t max_age, char **cause)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 sb;
	int		 dfd, count = 0, failed = 0;

	if ((d = opendir(dir)) == NULL) {
		xasprintf(cause, "%s: %s", dir, strerror(errno));
		return (-1);
	}
	dfd = dirfd(d);
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL)
			break;
		if (!reply_stale(de->d_name))
			continue;
		if (fstatat(dfd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) == -1 ||
		    !S_ISREG(sb.st_mode) || now - sb.st_mtime <= max_age)
			continue;
		if (unlinkat(dfd, de->d_name, 0) == 0)
			count++;
		else if (errno != ENOENT && !failed) {
			xasprintf(cause, "%s/%s: %s", dir, de->d_name,
			    strerror(errno));
			failed = 1;
		}
	}
	if (errno != 0 && !failed) {
		xasprintf(cause, "%s: %s", dir, strerror(errno));
		failed = 1;
	}
	closedir(d);
	return (failed ? -1 : count);
}
