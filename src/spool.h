/*
 * spool.h: requests too large for one FIFO line, read off the host's loop.
 */
#ifndef SPOOL_H
#define SPOOL_H

#include <stddef.h>

struct request;
struct spool;

/*
 * What came of one spool line: a request (its stdin, if any, moved to a
 * file), or why not, with the file's first bytes for the journal.  A plain
 * value: the taker owns and frees what it holds (spool_result_clear).
 */
struct spool_result {
	char		*id;
	struct request	*req;		/* NULL: refused */
	char		*why;		/* "spool: ..." when refused */
	char		*head;		/* the file's start, for the journal */
	size_t		 head_len;
};

/* Largest spooled request the host reads. */
#define SPOOL_MAX	(64 * 1024 * 1024)

struct spool	*spool_new(const char *, char **);
void		 spool_free(struct spool *);
int		 spool_fd(const struct spool *);
void		 spool_submit(struct spool *, const char *);
int		 spool_take(struct spool *, struct spool_result *);
void		 spool_result_clear(struct spool_result *);
int		 spool_busy(struct spool *);

/* The reading itself, for the thread and for tests. */
void		 spool_read(const char *, const char *, struct spool_result *);

#endif
