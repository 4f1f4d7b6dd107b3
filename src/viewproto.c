/*
 * viewproto.c: the viewer protocol's framing (see viewproto.h).
 *
 * The reader is incremental: bytes go in as they arrive (a non-blocking
 * socket hands out what it has), whole frames come out.  It holds at
 * most one frame beyond what was taken, so a peer that sends a huge
 * length is refused at the header, before anything is allocated for it.
 */
#include "rexec.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "viewproto.h"

struct viewproto_reader {
	char	*buf;
	size_t	 len;		/* bytes held */
	size_t	 off;		/* start of the next frame */
	size_t	 size;
	json_t	*last;		/* the frame handed out last */
};

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static uint32_t
get32(const unsigned char *p)
{
	return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3]);
}

/*
 * One frame of obj and len bytes of data, in a buffer of *size bytes the
 * caller frees.  NULL if obj does not encode (a string that is not
 * UTF-8) or either part is too big: the caller's bug, not the peer's.
 */
char *
viewproto_frame(const json_t *obj, const void *data, size_t len,
    size_t *size)
{
	char	*json, *frame;
	size_t	 jlen;

	json = json_dumps(obj, JSON_COMPACT | JSON_ENSURE_ASCII);
	if (json == NULL)
		return (NULL);
	jlen = strlen(json);
	if (jlen > VIEWPROTO_MAX_JSON || len > VIEWPROTO_MAX_DATA) {
		free(json);
		return (NULL);
	}
	frame = xmalloc(VIEWPROTO_HEADER + jlen + len);
	put32((unsigned char *)frame, (uint32_t)jlen);
	put32((unsigned char *)frame + 4, (uint32_t)len);
	memcpy(frame + VIEWPROTO_HEADER, json, jlen);
	if (len > 0)
		memcpy(frame + VIEWPROTO_HEADER + jlen, data, len);
	free(json);
	*size = VIEWPROTO_HEADER + jlen + len;
	return (frame);
}

struct viewproto_reader *
viewproto_reader_new(void)
{
	return (xcalloc(1, sizeof (struct viewproto_reader)));
}

void
viewproto_reader_free(struct viewproto_reader *rd)
{
	if (rd == NULL)
		return;
	json_decref(rd->last);
	free(rd->buf);
	free(rd);
}

/* Room for n more bytes, after moving what is left to the front. */
static void
reader_room(struct viewproto_reader *rd, size_t n)
{
	if (rd->off > 0) {
		memmove(rd->buf, rd->buf + rd->off, rd->len - rd->off);
		rd->len -= rd->off;
		rd->off = 0;
	}
	if (rd->size - rd->len < n) {
		rd->size = rd->len + n;
		rd->buf = xrealloc(rd->buf, rd->size);
	}
}

void
viewproto_reader_put(struct viewproto_reader *rd, const void *buf, size_t n)
{
	reader_room(rd, n);
	memcpy(rd->buf + rd->len, buf, n);
	rd->len += n;
}

/*
 * Read what fd has (one read).  Returns the bytes read, 0 at EOF, -1
 * with errno (EAGAIN when there was nothing).
 */
ssize_t
viewproto_reader_fill(struct viewproto_reader *rd, int fd)
{
	ssize_t	n;

	reader_room(rd, VIEWPROTO_READ_ROOM);
	do
		n = read(fd, rd->buf + rd->len, rd->size - rd->len);
	while (n == -1 && errno == EINTR);
	if (n > 0)
		rd->len += (size_t)n;
	return (n);
}

/*
 * The next whole frame: 1 with *obj (borrowed: valid until the next
 * call, as are *data and *len), 0 when more bytes are needed, -1 with
 * *cause when the peer broke the framing.
 */
int
viewproto_reader_next(struct viewproto_reader *rd, json_t **obj,
    const char **data, size_t *len, char **cause)
{
	const unsigned char	*p;
	uint32_t		 jlen, dlen;
	json_error_t		 err;
	json_t			*o;

	json_decref(rd->last);
	rd->last = NULL;
	if (rd->len - rd->off < VIEWPROTO_HEADER)
		return (0);
	p = (const unsigned char *)rd->buf + rd->off;
	jlen = get32(p);
	dlen = get32(p + 4);
	if (jlen < 2 || jlen > VIEWPROTO_MAX_JSON) {
		xasprintf(cause, "bad frame: a JSON part of %lu bytes",
		    (unsigned long)jlen);
		return (-1);
	}
	if (dlen > VIEWPROTO_MAX_DATA) {
		xasprintf(cause, "bad frame: a data part of %lu bytes",
		    (unsigned long)dlen);
		return (-1);
	}
	if (rd->len - rd->off < VIEWPROTO_HEADER + (size_t)jlen + dlen)
		return (0);
	o = json_loadb((const char *)p + VIEWPROTO_HEADER, jlen,
	    JSON_REJECT_DUPLICATES, &err);
	if (o == NULL || !json_is_object(o)) {
		xasprintf(cause, "bad frame: %s", o == NULL ? err.text :
		    "not a JSON object");
		json_decref(o);
		return (-1);
	}
	*obj = rd->last = o;
	*data = (const char *)p + VIEWPROTO_HEADER + jlen;
	*len = dlen;
	rd->off += VIEWPROTO_HEADER + (size_t)jlen + dlen;
	return (1);
}

/*
 * The one line both sides print when their numbers differ, from the
 * side that speaks ours: "host speaks viewer protocol 2, this rexec 1:
 * restart the host or use its rexec".
 */
char *
viewproto_mismatch(int peer, int ours, int host_side)
{
	char	*s;

	if (host_side)
		xasprintf(&s, "viewer speaks viewer protocol %d, this host %d: "
		    "attach with the host's rexec or restart the host", peer,
		    ours);
	else
		xasprintf(&s, "host speaks viewer protocol %d, this rexec %d: "
		    "restart the host or use its rexec", peer, ours);
	return (s);
}

/* RFC 4648 base64 of buf, NUL-terminated, for --json's "data". */
char *
viewproto_base64(const void *buf, size_t len)
{
	static const char	 tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char	*p = buf;
	char			*out, *o;
	uint32_t		 v;
	size_t			 i;

	out = o = xmalloc((len + 2) / 3 * 4 + 1);
	for (i = 0; i + 2 < len; i += 3) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		*o++ = tab[v >> 18];
		*o++ = tab[(v >> 12) & 63];
		*o++ = tab[(v >> 6) & 63];
		*o++ = tab[v & 63];
	}
	if (i < len) {
		v = (uint32_t)p[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)p[i + 1] << 8;
		*o++ = tab[v >> 18];
		*o++ = tab[(v >> 12) & 63];
		*o++ = i + 1 < len ? tab[(v >> 6) & 63] : '=';
		*o++ = '=';
	}
	*o = '\0';
	return (out);
}
