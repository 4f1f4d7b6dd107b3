/*
 * longrun.c: what the host keeps beside a run for the agents that come
 * back to it (DESIGN.md section 4.1).
 *
 * An agent's tool call ends long before a dev server or a watch mode
 * does, so a run may be answered early (yield) and then waited on, typed
 * into, looked at and killed by seq.  A longrun owns, for one run:
 * - when its first answer is due (yield) and whether it has detached;
 * - the waiters: wait and abort requests that answer when the run ends,
 *   at their deadline, or (a wait) when the run starts waiting for input;
 * - its recent raw output (the newest LONGRUN_RAW_MAX bytes), from which
 *   a libtsm screen is built the first time an agent asks for a screen or
 *   sends keys; from then on the screen follows the output, so cursor
 *   keys are encoded in the run's current modes.  Only runs somebody
 *   looks at pay for a parser: a flood stays as fast as without.
 *
 * It never writes a reply or touches the run: the host asks it what is
 * due and answers through the run.  The screen's own answers to queries
 * (ESC[6n) go nowhere, as in the UI, so a run behaves the same whether
 * an agent looks at it or not; only the bytes of keys come back.
 */
#include "rexec.h"

#include <sys/queue.h>

#include <stdlib.h>
#include <string.h>

#include "keyname.h"
#include "longrun.h"
#include "vt.h"

/* Raw output kept for a screen that is built late. */
#define LONGRUN_RAW_MAX		(256 * 1024)

struct waiter {
	char			*id;
	enum waiter_kind	 kind;
	double			 deadline;	/* < 0: only the end */
	size_t			 offset;
	TAILQ_ENTRY(waiter)	 link;
};
TAILQ_HEAD(waiters, waiter);

struct longrun {
	unsigned int	 cols, rows;
	double		 yield_at;	/* 0: no yield asked */
	int		 detached;
	struct waiters	 waiters;

	char		*raw;		/* a ring of the newest output */
	size_t		 raw_size;
	size_t		 raw_len;
	size_t		 raw_start;

	struct vt	*vt;		/* once somebody looked */
	char		*keys;		/* bytes of keys being encoded */
	size_t		 nkeys;
	int		 capture;	/* vt writes are keys, not replies */
};

struct longrun *
longrun_new(unsigned int cols, unsigned int rows, double yield_at)
{
	struct longrun	*lr = xcalloc(1, sizeof *lr);

	lr->cols = cols;
	lr->rows = rows;
	lr->yield_at = yield_at;
	TAILQ_INIT(&lr->waiters);
	return (lr);
}

void
longrun_free(struct longrun *lr)
{
	struct waiter	*w;

	if (lr == NULL)
		return;
	while ((w = TAILQ_FIRST(&lr->waiters)) != NULL) {
		TAILQ_REMOVE(&lr->waiters, w, link);
		waiter_free(w);
	}
	vt_free(lr->vt);
	free(lr->raw);
	free(lr->keys);
	free(lr);
}

/*
 * Append to the ring, growing it up to LONGRUN_RAW_MAX; once it is full,
 * what is written over the oldest bytes drops them.
 */
static void
longrun_ring(struct longrun *lr, const char *buf, size_t len)
{
	size_t	 want, n, at;
	char	*flat;

	if (len >= LONGRUN_RAW_MAX) {
		buf += len - LONGRUN_RAW_MAX;
		len = LONGRUN_RAW_MAX;
	}
	if (lr->raw_len + len > lr->raw_size && lr->raw_size < LONGRUN_RAW_MAX) {
		want = lr->raw_size == 0 ? 4096 : lr->raw_size;
		while (want < lr->raw_len + len && want < LONGRUN_RAW_MAX)
			want *= 2;
		if (want > LONGRUN_RAW_MAX)
			want = LONGRUN_RAW_MAX;
		/* Lay the ring out flat in the bigger buffer. */
		flat = xmalloc(want);
		n = lr->raw_size - lr->raw_start;
		if (n > lr->raw_len)
			n = lr->raw_len;
		if (lr->raw_len > 0) {
			memcpy(flat, lr->raw + lr->raw_start, n);
			memcpy(flat + n, lr->raw, lr->raw_len - n);
		}
		free(lr->raw);
		lr->raw = flat;
		lr->raw_start = 0;
		lr->raw_size = want;
	}
	while (len > 0) {
		at = (lr->raw_start + lr->raw_len) % lr->raw_size;
		n = lr->raw_size - at;
		if (n > len)
			n = len;
		memcpy(lr->raw + at, buf, n);
		buf += n;
		len -= n;
		lr->raw_len += n;
		if (lr->raw_len > lr->raw_size) {
			lr->raw_start = (lr->raw_start + lr->raw_len -
			    lr->raw_size) % lr->raw_size;
			lr->raw_len = lr->raw_size;
		}
	}
}

void
longrun_output(struct longrun *lr, const char *buf, size_t len)
{
	if (len == 0)
		return;
	longrun_ring(lr, buf, len);
	if (lr->vt != NULL)
		vt_feed(lr->vt, buf, len);
}

/* What the screen writes: the bytes of keys, while they are encoded. */
static void
longrun_vt_write(const char *buf, size_t len, void *arg)
{
	struct longrun	*lr = arg;

	if (!lr->capture)
		return;
	lr->keys = xrealloc(lr->keys, lr->nkeys + len);
	memcpy(lr->keys + lr->nkeys, buf, len);
	lr->nkeys += len;
}

/* The screen, built from the kept output the first time it is needed. */
static struct vt *
longrun_vt(struct longrun *lr)
{
	size_t	n;

	if (lr->vt != NULL)
		return (lr->vt);
	lr->vt = vt_new(lr->cols, lr->rows, 0, longrun_vt_write, lr);
	if (lr->raw_len > 0) {
		n = lr->raw_size - lr->raw_start;
		if (n > lr->raw_len)
			n = lr->raw_len;
		vt_feed(lr->vt, lr->raw + lr->raw_start, n);
		vt_feed(lr->vt, lr->raw, lr->raw_len - n);
	}
	return (lr->vt);
}

/* The screen fields of a screen reply: cols, rows, cursor, screen. */
void
longrun_screen(struct longrun *lr, json_t *o)
{
	struct vt	*vt = longrun_vt(lr);
	unsigned int	 cols, rows, x, y;
	char		*text;
	size_t		 len;

	vt_size(vt, &cols, &rows);
	(void)vt_cursor(vt, &x, &y);
	text = vt_text(vt, &len);
	json_object_set_new(o, "cols", json_integer(cols));
	json_object_set_new(o, "rows", json_integer(rows));
	json_object_set_new(o, "cursor", json_pack("[I,I]", (json_int_t)y,
	    (json_int_t)x));
	json_object_set_new(o, "screen", json_stringn(text, len));
	free(text);
}

/*
 * The bytes that named keys type in the run's current modes (as the
 * human's i sends them), or NULL with *why naming the first unknown key.
 */
char *
longrun_keys(struct longrun *lr, char *const *keys, size_t n, size_t *len,
    char **why)
{
	struct vt	*vt = longrun_vt(lr);
	struct keyname	 k;
	char		*out;
	size_t		 i;

	*why = NULL;
	for (i = 0; i < n; i++) {
		if (keyname_parse(keys[i], &k) != 0) {
			xasprintf(why, "keys[%zu]: unknown key \"%s\"", i,
			    keys[i]);
			return (NULL);
		}
	}
	lr->capture = 1;
	for (i = 0; i < n; i++) {
		(void)keyname_parse(keys[i], &k);
		(void)vt_key(vt, k.keysym, k.ascii, k.mods, k.unicode);
	}
	lr->capture = 0;
	out = lr->keys;
	*len = lr->nkeys;
	lr->keys = NULL;
	lr->nkeys = 0;
	if (out == NULL)
		out = xstrdup("");
	return (out);
}

/* Is the first answer due now, for a run still going? */
int
longrun_yield_due(const struct longrun *lr, double now)
{
	return (lr->yield_at > 0 && !lr->detached && now >= lr->yield_at);
}

/* Is a yield asked and not yet answered? */
int
longrun_yielding(const struct longrun *lr)
{
	return (lr->yield_at > 0 && !lr->detached);
}

void
longrun_detach(struct longrun *lr)
{
	lr->detached = 1;
}

int
longrun_detached(const struct longrun *lr)
{
	return (lr->detached);
}

/* A wait or an abort that answers later; deadline < 0 for none. */
void
longrun_wait(struct longrun *lr, const char *id, enum waiter_kind kind,
    double deadline, size_t offset)
{
	struct waiter	*w = xcalloc(1, sizeof *w);

	w->id = xstrdup(id);
	w->kind = kind;
	w->deadline = deadline;
	w->offset = offset;
	TAILQ_INSERT_TAIL(&lr->waiters, w, link);
}

/* The next time something is due, or -1. */
double
longrun_deadline(const struct longrun *lr)
{
	struct waiter	*w;
	double		 d = -1;

	if (lr->yield_at > 0 && !lr->detached)
		d = lr->yield_at;
	TAILQ_FOREACH(w, &lr->waiters, link) {
		if (w->deadline >= 0 && (d < 0 || w->deadline < d))
			d = w->deadline;
	}
	return (d);
}

/*
 * The next waiter to answer now, taken off the list (the caller frees
 * it): every waiter once the run has ended, a wait whose deadline passed,
 * and a wait while the run waits for input (an agent can answer a prompt).
 */
struct waiter *
longrun_due(struct longrun *lr, double now, int ended, int prompting)
{
	struct waiter	*w;

	TAILQ_FOREACH(w, &lr->waiters, link) {
		if (ended || (w->kind == WAITER_WAIT && (prompting ||
		    (w->deadline >= 0 && now >= w->deadline)))) {
			TAILQ_REMOVE(&lr->waiters, w, link);
			return (w);
		}
	}
	return (NULL);
}

const char *
waiter_id(const struct waiter *w)
{
	return (w->id);
}

enum waiter_kind
waiter_kind(const struct waiter *w)
{
	return (w->kind);
}

size_t
waiter_offset(const struct waiter *w)
{
	return (w->offset);
}

void
waiter_free(struct waiter *w)
{
	if (w == NULL)
		return;
	free(w->id);
	free(w);
}
