/*
 * viewclient.c: a viewer's end of R/attach.sock (see viewclient.h).
 *
 * The runtime directory passes the same check as for every other client
 * (client_check_dir) before anything is sent, and the socket must be a
 * socket of ours: a directory of someone else's, or a socket planted in
 * ours by another user, is refused with the reason.
 */
#include "rexec.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "config.h"
#include "fdio.h"
#include "paths.h"
#include "viewclient.h"
#include "viewproto.h"

struct viewclient {
	int			 fd;
	int			 hello;		/* the host's hello arrived */
	struct viewproto_reader	*rd;
};

/* Who this viewer is, for the host's "who has it": "user on /dev/pts/3". */
char *
viewclient_name(void)
{
	struct passwd	*pw = getpwuid(getuid());
	const char	*tty = NULL;
	char		*s;
	int		 fd;

	for (fd = 0; fd <= 2 && tty == NULL; fd++)
		tty = ttyname(fd);
	if (tty != NULL)
		xasprintf(&s, "%s on %s", pw != NULL ? pw->pw_name : "?", tty);
	else
		xasprintf(&s, "%s, pid %ld", pw != NULL ? pw->pw_name : "?",
		    (long)getpid());
	return (s);
}

/*
 * Connect to the host of cfg's runtime directory and say hello.  Returns
 * the client; NULL with *status VIEWCLIENT_NO_HOST when no host serves,
 * or -1 with *cause when the directory or socket must not be used.
 */
struct viewclient *
viewclient_connect(const struct config *cfg, int read_only, unsigned int run,
    int *status, char **cause)
{
	struct viewclient	*vc;
	struct sockaddr_un	 sun;
	struct stat		 st;
	json_t			*hello;
	char			*rundir, *path, *name;
	int			 fd, r;

	*status = -1;
	*cause = NULL;
	if ((rundir = paths_runtime_dir(cfg, cause)) == NULL)
		return (NULL);
	if ((r = client_check_dir(rundir, cause)) != 0) {
		free(rundir);
		if (r == CLIENT_NO_HOST)
			*status = VIEWCLIENT_NO_HOST;
		return (NULL);
	}
	path = paths_join(rundir, VIEWPROTO_SOCKET);
	free(rundir);
	if (lstat(path, &st) == -1) {
		if (errno == ENOENT)
			*status = VIEWCLIENT_NO_HOST;
		else
			xasprintf(cause, "%s: %s", path, strerror(errno));
		free(path);
		return (NULL);
	}
	if (!S_ISSOCK(st.st_mode) || st.st_uid != geteuid()) {
		xasprintf(cause, "%s: not a socket of ours; refusing to use it",
		    path);
		free(path);
		return (NULL);
	}
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path) {
		xasprintf(cause, "%s: path too long for a socket", path);
		free(path);
		return (NULL);
	}
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1 || connect(fd, (struct sockaddr *)&sun, sizeof sun) ==
	    -1) {
		if (fd != -1 && (errno == ECONNREFUSED || errno == ENOENT))
			*status = VIEWCLIENT_NO_HOST;
		else
			xasprintf(cause, "%s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		free(path);
		return (NULL);
	}
	free(path);
	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	vc = xcalloc(1, sizeof *vc);
	vc->fd = fd;
	vc->rd = viewproto_reader_new();
	name = viewclient_name();
	hello = json_pack("{s:s,s:i,s:s,s:b,s:s}", "request", "hello",
	    "protocol", VIEWPROTO_VERSION, "version", PACKAGE_VERSION,
	    "read_only", read_only, "name", name);
	free(name);
	if (run != 0)
		json_object_set_new(hello, "run", json_integer(run));
	r = viewclient_send(vc, hello, NULL, 0, cause);
	json_decref(hello);
	if (r != 0) {
		viewclient_free(vc);
		return (NULL);
	}
	*status = 0;
	return (vc);
}

void
viewclient_free(struct viewclient *vc)
{
	if (vc == NULL)
		return;
	close(vc->fd);
	viewproto_reader_free(vc->rd);
	free(vc);
}

int
viewclient_fd(const struct viewclient *vc)
{
	return (vc->fd);
}

/* Send one request whole (a host that stops reading is gone). */
int
viewclient_send(struct viewclient *vc, json_t *req, const void *data,
    size_t len, char **cause)
{
	char	*frame;
	size_t	 size;
	int	 r;

	if ((frame = viewproto_frame(req, data, len, &size)) == NULL) {
		xasprintf(cause, "a request too big to send");
		return (-1);
	}
	r = fdio_write_all(vc->fd, frame, size);
	free(frame);
	if (r != 0) {
		xasprintf(cause, "the host went away (%s)", strerror(errno));
		return (-1);
	}
	return (0);
}

/*
 * Take what the socket has.  Returns 0, or -1 with *cause NULL when the
 * host closed the connection, or with *cause on an error.
 */
int
viewclient_read(struct viewclient *vc, char **cause)
{
	ssize_t	n;

	*cause = NULL;
	for (;;) {
		/*
		 * A read that did not fill the room it had took all there
		 * was: poll says when there is more, or the end.
		 */
		n = viewproto_reader_fill(vc->rd, vc->fd);
		if (n > 0 && n < VIEWPROTO_READ_ROOM)
			return (0);
		if (n > 0)
			continue;
		if (n == 0)
			return (-1);
		if (errno == EAGAIN)
			return (0);
		xasprintf(cause, "the host's socket: %s", strerror(errno));
		return (-1);
	}
}

/*
 * The next event: 1 with it (borrowed until the next call), 0 when none
 * is whole yet, -1 with *cause when the host broke the protocol or
 * speaks another version of it.
 */
int
viewclient_next(struct viewclient *vc, json_t **ev, const char **data,
    size_t *len, char **cause)
{
	const char	*name;
	json_int_t	 proto;
	int		 r;

	*cause = NULL;
	if ((r = viewproto_reader_next(vc->rd, ev, data, len, cause)) != 1)
		return (r);
	if (!vc->hello) {
		name = json_string_value(json_object_get(*ev, "event"));
		proto = json_integer_value(json_object_get(*ev, "protocol"));
		if (name == NULL || strcmp(name, "hello") != 0) {
			/* A host that refused ours says why in a bye. */
			if (name != NULL && strcmp(name, "bye") == 0)
				return (1);
			xasprintf(cause, "the host did not say hello");
			return (-1);
		}
		if (proto != VIEWPROTO_VERSION) {
			*cause = viewproto_mismatch((int)proto,
			    VIEWPROTO_VERSION, 0);
			return (-1);
		}
		vc->hello = 1;
	}
	return (1);
}
