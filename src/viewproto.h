/*
 * viewproto.h: the viewer protocol's framing (DESIGN.md section 15,
 * rexec-protocol(7) VIEWERS), shared by the host's viewer server and by
 * every viewer.
 *
 * A frame is an 8-byte header, two unsigned 32-bit big-endian lengths J
 * and D, then J bytes of one JSON object (UTF-8) and D bytes of raw data
 * (PTY output travels unchanged).  The object's "event" (host to viewer)
 * or "request" (viewer to host) names the message.  J is 2 to
 * VIEWPROTO_MAX_JSON, D at most VIEWPROTO_MAX_DATA; anything else, or an
 * object that does not parse, ends the connection.
 */
#ifndef VIEWPROTO_H
#define VIEWPROTO_H

#include <sys/types.h>

#include <stddef.h>

#include <jansson.h>

#define VIEWPROTO_VERSION	1
#define VIEWPROTO_HEADER	8
#define VIEWPROTO_MAX_JSON	(1024 * 1024)
#define VIEWPROTO_MAX_DATA	(1024 * 1024)
/* A reader's fill reads into at least this much room. */
#define VIEWPROTO_READ_ROOM	(64 * 1024)
/* The socket's name in the runtime directory. */
#define VIEWPROTO_SOCKET	"attach.sock"

char	*viewproto_frame(const json_t *, const void *, size_t, size_t *);

struct viewproto_reader;
struct viewproto_reader *viewproto_reader_new(void);
void	 viewproto_reader_free(struct viewproto_reader *);
ssize_t	 viewproto_reader_fill(struct viewproto_reader *, int);
void	 viewproto_reader_put(struct viewproto_reader *, const void *,
	    size_t);
int	 viewproto_reader_next(struct viewproto_reader *, json_t **,
	    const char **, size_t *, char **);

char	*viewproto_mismatch(int, int, int);
char	*viewproto_base64(const void *, size_t);

#endif
