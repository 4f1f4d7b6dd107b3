/*
 * spool.c: requests too large for one FIFO line (DESIGN.md section 3).
 *
 * A client writes such a request to R/spool/<id>.json and announces it with
 * a spool line.  Reading and parsing up to 64 MiB of JSON takes a good part
 * of a second, so it happens on a thread of the spool's own, never on the
 * host's loop: the loop hands over the id (spool_submit) and later takes
 * the result (spool_take) when the eventfd it polls says one is ready.
 * Results come back in the order the lines came.
 *
 * A request's stdin does not stay in memory while its run waits and runs:
 * the thread moves it to an unlinked file in the spool directory, which the
 * run streams into its stdin pipe.  The thread holds one spool's bytes at a
 * time, so the host's memory no longer grows with every queued request.
 * The thread touches nothing of the loop's: a job is the loop's until it is
 * queued, the thread's until it is done, and the loop's again after.
 */
#include "rexec.h"

#include <sys/eventfd.h>
#include <sys/queue.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "paths.h"
#include "request.h"
#include "spool.h"

/* How much of a refused spool file the journal keeps. */
#define SPOOL_HEAD	256

struct spool_job {
	struct spool_result	 result;
	TAILQ_ENTRY(spool_job)	 link;
};
TAILQ_HEAD(spool_jobs, spool_job);

struct spool {
	char			*dir;
	int			 efd;
	pthread_t		 thread;
	int			 thread_up;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	struct spool_jobs	 todo;		/* under mu */
	struct spool_jobs	 done;		/* under mu */
	unsigned int		 outstanding;	/* the loop's count */
	int			 stop;		/* under mu */
};

static void *
spool_thread(void *arg)
{
	struct spool		*sp = arg;
	struct spool_job	*job;
	uint64_t		 one = 1;

	pthread_mutex_lock(&sp->mu);
	for (;;) {
		while (TAILQ_EMPTY(&sp->todo) && !sp->stop)
			pthread_cond_wait(&sp->cv, &sp->mu);
		if ((job = TAILQ_FIRST(&sp->todo)) == NULL)
			break;		/* stopping, and nothing left */
		TAILQ_REMOVE(&sp->todo, job, link);
		pthread_mutex_unlock(&sp->mu);

		spool_read(sp->dir, job->result.id, &job->result);

		pthread_mutex_lock(&sp->mu);
		TAILQ_INSERT_TAIL(&sp->done, job, link);
		(void)write(sp->efd, &one, sizeof one);
	}
	pthread_mutex_unlock(&sp->mu);
	return (NULL);
}

struct spool *
spool_new(const char *dir, char **cause)
{
	struct spool	*sp = xcalloc(1, sizeof *sp);
	sigset_t	 all, old;
	int		 error;

	sp->dir = xstrdup(dir);
	TAILQ_INIT(&sp->todo);
	TAILQ_INIT(&sp->done);
	pthread_mutex_init(&sp->mu, NULL);
	pthread_cond_init(&sp->cv, NULL);
	if ((sp->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1) {
		xasprintf(cause, "eventfd: %s", strerror(errno));
		spool_free(sp);
		return (NULL);
	}
	/*
	 * The thread takes no signal: the host's loop reads them from its
	 * signalfd, and a SIGCHLD the thread took would be lost to it.
	 */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	error = pthread_create(&sp->thread, NULL, spool_thread, sp);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (error != 0) {
		xasprintf(cause, "spool thread: %s", strerror(error));
		spool_free(sp);
		return (NULL);
	}
	sp->thread_up = 1;
	return (sp);
}

/* Stop the thread once it has read what it was given; drop the results. */
void
spool_free(struct spool *sp)
{
	struct spool_result	r;

	if (sp == NULL)
		return;
	if (sp->thread_up) {
		pthread_mutex_lock(&sp->mu);
		sp->stop = 1;
		pthread_cond_signal(&sp->cv);
		pthread_mutex_unlock(&sp->mu);
		pthread_join(sp->thread, NULL);
	}
	while (spool_take(sp, &r))
		spool_result_clear(&r);
	if (sp->efd != -1)
		close(sp->efd);
	pthread_mutex_destroy(&sp->mu);
	pthread_cond_destroy(&sp->cv);
	free(sp->dir);
	free(sp);
}

int
spool_fd(const struct spool *sp)
{
	return (sp->efd);
}

/* Has the thread work the loop has not taken back yet? */
int
spool_busy(struct spool *sp)
{
	return (sp->outstanding != 0);
}

void
spool_submit(struct spool *sp, const char *id)
{
	struct spool_job	*job = xcalloc(1, sizeof *job);

	job->result.id = xstrdup(id);
	pthread_mutex_lock(&sp->mu);
	TAILQ_INSERT_TAIL(&sp->todo, job, link);
	pthread_cond_signal(&sp->cv);
	pthread_mutex_unlock(&sp->mu);
	sp->outstanding++;
}

/* The next finished spool line, in order; 0 when there is none yet. */
int
spool_take(struct spool *sp, struct spool_result *r)
{
	struct spool_job	*job;
	uint64_t		 n;

	(void)read(sp->efd, &n, sizeof n);
	pthread_mutex_lock(&sp->mu);
	if ((job = TAILQ_FIRST(&sp->done)) != NULL)
		TAILQ_REMOVE(&sp->done, job, link);
	pthread_mutex_unlock(&sp->mu);
	if (job == NULL)
		return (0);
	*r = job->result;
	free(job);
	if (sp->outstanding > 0)
		sp->outstanding--;
	return (1);
}

void
spool_result_clear(struct spool_result *r)
{
	free(r->id);
	request_free(r->req);
	free(r->why);
	free(r->head);
	memset(r, 0, sizeof *r);
}

/*
 * Move the request's stdin out of memory into an unlinked file in dir,
 * which its run reads as it feeds the pipe: a queued request then holds a
 * descriptor, not up to a spool file's 64 MiB.
 */
static int
spool_stash_stdin(struct request *req, const char *dir, char **why)
{
	char	*tmp;
	size_t	 off = 0;
	ssize_t	 n;
	int	 fd;

	if (req->stdin_data == NULL || req->stdin_len == 0)
		return (0);
	if ((fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)) == -1) {
		/* No O_TMPFILE here: a named file, unlinked at once. */
		xasprintf(&tmp, "%s/.stdin.XXXXXX", dir);
		if ((fd = mkostemp(tmp, O_CLOEXEC)) != -1)
			unlink(tmp);
		free(tmp);
	}
	if (fd == -1) {
		xasprintf(why, "stdin: %s", strerror(errno));
		return (-1);
	}
	while (off < req->stdin_len) {
		n = write(fd, req->stdin_data + off, req->stdin_len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			xasprintf(why, "stdin: %s", n == -1 ?
			    strerror(errno) : "short write");
			close(fd);
			return (-1);
		}
		off += n;
	}
	request_set_stdin_fd(req, fd);
	return (0);
}

static void
refuse(struct spool_result *r, const char *buf, size_t len, const char *why)
{
	xasprintf(&r->why, "spool: %s", why);
	if (buf != NULL && len > 0) {
		r->head_len = len > SPOOL_HEAD ? SPOOL_HEAD : len;
		r->head = xmalloc(r->head_len);
		memcpy(r->head, buf, r->head_len);
	}
}

/* Open dir/<id>.json: a regular file of ours, no link; read it whole. */
static char *
spool_load(const char *dir, const char *id, size_t *len, char **why)
{
	struct stat	 sb;
	char		*name, *path, *buf = NULL;
	ssize_t		 n;
	size_t		 got = 0;
	int		 fd;

	*why = NULL;
	xasprintf(&name, "%s.json", id);
	path = paths_join(dir, name);
	free(name);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1) {
		if (errno == ELOOP)
			*why = xstrdup("a symbolic link, not a file");
		else
			*why = xstrdup(strerror(errno));
		unlink(path);
		goto out;
	}
	unlink(path);
	if (fstat(fd, &sb) == -1)
		*why = xstrdup(strerror(errno));
	else if (!S_ISREG(sb.st_mode))
		*why = xstrdup("not a regular file");
	else if (sb.st_uid != geteuid())
		*why = xstrdup("not owned by this user");
	else if (sb.st_size > SPOOL_MAX)
		xasprintf(why, "larger than %d MiB", SPOOL_MAX / (1024 * 1024));
	if (*why != NULL)
		goto out;
	buf = xmalloc(sb.st_size + 1);
	while (got < (size_t)sb.st_size) {
		n = read(fd, buf + got, sb.st_size - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			*why = xstrdup(strerror(errno));
			free(buf);
			buf = NULL;
			goto out;
		}
		if (n == 0)
			break;
		got += n;
	}
	*len = got;
out:
	if (fd != -1)
		close(fd);
	free(path);
	return (buf);
}

/*
 * Read, check and parse dir/<id>.json into r (whose id is set).  Every way
 * that can fail is a "spool: <why>" for the announced id.
 */
void
spool_read(const char *dir, const char *id, struct spool_result *r)
{
	struct request	*req;
	char		*buf, *why;
	size_t		 len = 0;

	if ((buf = spool_load(dir, id, &len, &why)) == NULL) {
		refuse(r, NULL, 0, why);
		free(why);
		return;
	}
	if ((req = request_parse(buf, len, NULL, &why)) == NULL) {
		refuse(r, buf, len, why);
		free(why);
	} else if (req->action == REQUEST_SPOOL || req->id == NULL ||
	    strcmp(req->id, id) != 0) {
		request_free(req);
		refuse(r, buf, len, "not a request with the same id");
	} else if (spool_stash_stdin(req, dir, &why) != 0) {
		request_free(req);
		refuse(r, NULL, 0, why);
		free(why);
	} else
		r->req = req;
	free(buf);
}
