/*
 * retention.c: old sessions go when the host starts.
 *
 * A session is its journal J/NAME.jsonl and its recordings, the .cast
 * files in J/NAME/.
 * Sessions whose journal was last written more than keep_days ago go; then,
 * oldest first, sessions go until what is left takes at most keep_bytes.
 * The host prunes before it opens its own journal, so the session being
 * written is never touched.  Only the files rexec writes there are removed
 * (.jsonl, and .cast inside a session's directory); anything else a user
 * put in a session directory keeps it from being removed.
 */
#include "rexec.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "journal.h"
#include "paths.h"
#include "retention.h"

struct session {
	char		*name;
	time_t		 mtime;
	unsigned long	 bytes;
};

/* Bytes of the recordings in J/NAME/. */
static unsigned long
recordings_bytes(const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 sb;
	unsigned long	 total = 0;
	char		*path;

	if ((d = opendir(dir)) == NULL)
		return (0);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		path = paths_join(dir, de->d_name);
		if (lstat(path, &sb) == 0 && S_ISREG(sb.st_mode))
			total += sb.st_size;
		free(path);
	}
	closedir(d);
	return (total);
}

static int
remove_session(const char *jdir, const char *name)
{
	DIR		*d;
	struct dirent	*de;
	char		*file, *dir, *path;
	size_t		 len;
	int		 r = 0;

	dir = paths_join(jdir, name);
	if ((d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			len = strlen(de->d_name);
			if (len < 5 || strcmp(de->d_name + len - 5, ".cast") != 0)
				continue;
			path = paths_join(dir, de->d_name);
			if (unlink(path) == -1)
				r = -1;
			free(path);
		}
		closedir(d);
		if (rmdir(dir) == -1)
			r = -1;
	}
	free(dir);
	xasprintf(&file, "%s/%s.jsonl", jdir, name);
	if (unlink(file) == -1 && errno != ENOENT)
		r = -1;
	free(file);
	return (r);
}

/*
 * Prune the journal directory.  Returns how many sessions were removed, or
 * -1 with *cause (what could not be removed stays).
 */
int
retention_prune(const char *jdir, unsigned long keep_days,
    unsigned long keep_bytes, time_t now, char **cause)
{
	struct session	*s;
	struct stat	 sb;
	char		**names, *path, *rec;
	size_t		 n, i, gone = 0;
	unsigned long	 total = 0;
	int		 failed = 0;

	*cause = NULL;
	if ((names = journal_sessions(jdir, &n, cause)) == NULL)
		return (-1);
	s = xcalloc(n + 1, sizeof *s);
	for (i = 0; i < n; i++) {
		xasprintf(&path, "%s/%s.jsonl", jdir, names[i]);
		rec = paths_join(jdir, names[i]);
		s[i].name = names[i];
		if (stat(path, &sb) == 0) {
			s[i].mtime = sb.st_mtime;
			s[i].bytes = sb.st_size;
		}
		s[i].bytes += recordings_bytes(rec);
		total += s[i].bytes;
		free(path);
		free(rec);
	}
	/* names are newest first: walk from the oldest. */
	for (i = n; i-- > 0;) {
		if (!((keep_days > 0 && now - s[i].mtime >
		    (time_t)keep_days * 86400) ||
		    (keep_bytes > 0 && total > keep_bytes)))
			continue;
		if (remove_session(jdir, s[i].name) != 0) {
			failed = 1;
			continue;
		}
		total -= s[i].bytes;
		gone++;
	}
	free(s);
	journal_sessions_free(names, n);
	if (failed) {
		xasprintf(cause, "%s: some old sessions could not be removed",
		    jdir);
		return (-1);
	}
	return ((int)gone);
}
