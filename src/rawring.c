/*
 * rawring.c: the newest bytes of a run's raw output (see rawring.h).
 */
#include "rexec.h"

#include <stdlib.h>
#include <string.h>

#include "rawring.h"

/* A ring's first size; it doubles up to its max. */
#define RAWRING_MIN	4096

struct rawring {
	char	*buf;
	size_t	 size;		/* capacity */
	size_t	 max;
	size_t	 first;		/* where the oldest byte is */
	size_t	 len;		/* bytes held */
	size_t	 total;		/* bytes ever put */
};

struct rawring *
rawring_new(size_t max)
{
	struct rawring	*rr = xcalloc(1, sizeof *rr);

	rr->max = max;
	return (rr);
}

void
rawring_free(struct rawring *rr)
{
	if (rr == NULL)
		return;
	free(rr->buf);
	free(rr);
}

/* Copy n bytes out from off bytes after the oldest. */
static void
ring_copy_out(const struct rawring *rr, size_t off, char *out, size_t n)
{
	size_t	pos = (rr->first + off) % rr->size, part;

	while (n > 0) {
		part = rr->size - pos < n ? rr->size - pos : n;
		memcpy(out, rr->buf + pos, part);
		out += part;
		n -= part;
		pos = (pos + part) % rr->size;
	}
}

/* A bigger buffer, the bytes in order from its start. */
static void
ring_grow(struct rawring *rr, size_t want)
{
	size_t	 size = rr->size == 0 ? RAWRING_MIN : rr->size;
	char	*buf;

	while (size < want && size < rr->max)
		size *= 2;
	if (size > rr->max)
		size = rr->max;
	if (size <= rr->size)
		return;
	buf = xmalloc(size);
	if (rr->len > 0)
		ring_copy_out(rr, 0, buf, rr->len);
	free(rr->buf);
	rr->buf = buf;
	rr->size = size;
	rr->first = 0;
}

/* The run printed these: the oldest go when the ring is full. */
void
rawring_put(struct rawring *rr, const char *buf, size_t len)
{
	size_t	pos, part, drop;

	rr->total += len;
	if (rr->max == 0 || len == 0)
		return;
	if (rr->len + len > rr->size && rr->size < rr->max)
		ring_grow(rr, rr->len + len);
	if (len >= rr->size) {
		buf += len - rr->size;
		len = rr->size;
		rr->first = rr->len = 0;
	} else if (rr->len + len > rr->size) {
		drop = rr->len + len - rr->size;
		rr->first = (rr->first + drop) % rr->size;
		rr->len -= drop;
	}
	pos = (rr->first + rr->len) % rr->size;
	rr->len += len;
	while (len > 0) {
		part = rr->size - pos < len ? rr->size - pos : len;
		memcpy(rr->buf + pos, buf, part);
		buf += part;
		len -= part;
		pos = (pos + part) % rr->size;
	}
}

/* The bytes go; the count stays, so later offsets stay right. */
void
rawring_trim(struct rawring *rr)
{
	free(rr->buf);
	rr->buf = NULL;
	rr->size = rr->first = rr->len = 0;
	rr->max = 0;
}

size_t
rawring_total(const struct rawring *rr)
{
	return (rr->total);
}

/* The offset of the oldest byte held (rawring_total() when none is). */
size_t
rawring_start(const struct rawring *rr)
{
	return (rr->total - rr->len);
}

/*
 * Copy up to n bytes from offset off (at least rawring_start()) into
 * out; returns how many.
 */
size_t
rawring_read(const struct rawring *rr, size_t off, char *out, size_t n)
{
	size_t	start = rawring_start(rr);

	if (off < start || off >= rr->total)
		return (0);
	if (n > rr->total - off)
		n = rr->total - off;
	ring_copy_out(rr, off - start, out, n);
	return (n);
}

size_t
rawring_memory(const struct rawring *rr)
{
	return (rr->size);
}
