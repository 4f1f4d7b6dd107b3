#!/usr/bin/env python3
"""rexec_client.py: a client of the rexec control FIFO in Python 3.

Speaks the protocol of rexec-protocol(7) with the standard library
only, without the rexec binary: a module (RexecClient) and a small
command line that exits as rexec run, wait, input, screen and kill do.

Each request goes to R/control as one line in one os.write() of at most
PIPE_BUF (4096) bytes on a FIFO opened O_WRONLY|O_NONBLOCK (ENXIO or
ENOENT: no host); a longer one is written to R/spool/<id>.json (mode
0600, temporary name + rename) and announced by a spool line.  The
reply, R/replies/<id>.json, is polled for; once a second the client
asks F_GETLK on R/host.lock which process holds the host's record lock
-- without taking it -- and gives up with HostDied when that is no
longer the host it wrote to.

Nothing is written before R has passed the host's own checks (a real
directory, not a symbolic link, owned by the user, no group or other
permission bits): under /tmp another user may have made it first, and
would read every request.  The FIFO and the reply files are opened with
O_NOFOLLOW and fstat'ed: the user's own FIFO, the user's own regular
file.  Anything else raises Untrusted (exit 127, one line).

    client = RexecClient()
    reply = client.run(["make", "-j4"], whoami="bot", dir="/src",
                       yield_=30)
    while reply.get("running"):
        reply = client.wait(reply["seq"], timeout=60,
                            offset=reply["offset"])
"""

import argparse
import errno
import fcntl
import json
import os
import secrets
import signal
import stat
import struct
import sys
import time

__all__ = ["RexecClient", "RexecError", "HostNotFound", "HostDied",
           "NoAnswer", "Untrusted", "default_runtime_dir", "check_dir",
           "open_own", "lock_holder", "exit_status", "print_reply", "main"]

# The kernel keeps a write of at most PIPE_BUF bytes to a pipe whole, so
# lines of concurrent clients never interleave: the host's line limit.
LINE_MAX = 4096
# How long a control request (ping, status, input, ...) is waited for.
ANSWER_WAIT = 10.0
# How long an interrupted run's final reply is waited for.
ABORT_WAIT = 5.0
EX_USAGE = 2
EX_TEMPFAIL = 75
EX_NO_HOST = 127

# struct flock on Linux (x86_64, aarch64): short l_type, short l_whence,
# off_t l_start, off_t l_len, pid_t l_pid, padded to 32 bytes.
_FLOCK = "hhqqi4x"


class RexecError(Exception):
    """The request could not be answered (exit 127)."""


class HostNotFound(RexecError):
    """No host reads the control FIFO."""

    def __init__(self):
        super().__init__("HOST NOT FOUND")


class HostDied(RexecError):
    """The host that took the request stopped before it answered."""


class NoAnswer(RexecError):
    """The host did not answer in time."""


class Untrusted(RexecError):
    """Something in R is not the user's own: nothing was sent."""


def default_runtime_dir():
    """R, found as the rexec client finds it (the INI is not read)."""
    if os.environ.get("REXEC_RUNTIME_DIR"):
        return os.environ["REXEC_RUNTIME_DIR"]
    if os.environ.get("XDG_RUNTIME_DIR"):
        return os.path.join(os.environ["XDG_RUNTIME_DIR"], "rexec")
    return "/tmp/rexec-%d" % os.getuid()


def check_dir(path):
    """Is path a private directory of ours, as the host wants its own?

    lstat: a symbolic link is refused, whoever owns what it points to.
    Raises HostNotFound when path is missing, Untrusted when it must
    not be used.
    """
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        raise HostNotFound() from None
    except OSError as e:
        raise Untrusted("%s: %s" % (path, e.strerror)) from None
    uid = os.geteuid()
    if stat.S_ISLNK(st.st_mode):
        raise Untrusted("%s: is a symbolic link; refusing to use it (point "
                        "the setting at the real directory)" % path)
    if not stat.S_ISDIR(st.st_mode):
        raise Untrusted("%s: exists and is not a directory" % path)
    if st.st_uid != uid:
        raise Untrusted("%s: owned by uid %d, not by us (uid %d); refusing "
                        "to use it" % (path, st.st_uid, uid))
    if st.st_mode & 0o077:
        raise Untrusted("%s: mode %04o lets group or others in; run chmod "
                        "700 %s" % (path, stat.S_IMODE(st.st_mode), path))


def open_own(path, flags, kind):
    """Open path, never through a symbolic link, if fstat says it is of
    kind (stat.S_IFIFO, stat.S_IFREG) and ours: what is checked is what
    is used.  OSError from open(2) itself (ENOENT, ENXIO) goes to the
    caller; anything else wrong raises Untrusted.
    """
    try:
        fd = os.open(path, flags | os.O_NOFOLLOW | os.O_NOCTTY |
                     os.O_CLOEXEC)
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise Untrusted("%s: is a symbolic link; refusing to use it" %
                            path) from None
        raise
    st = os.fstat(fd)
    why = None
    if stat.S_IFMT(st.st_mode) != kind:
        why = "exists and is not %s" % ("a FIFO" if kind == stat.S_IFIFO
                                        else "a regular file")
    elif st.st_uid != os.geteuid():
        why = "owned by uid %d, not by us (uid %d); refusing to use it" % (
            st.st_uid, os.geteuid())
    if why is not None:
        os.close(fd)
        raise Untrusted("%s: %s" % (path, why))
    return fd


def make_id():
    """An id no other client picks: pid, time and random bits."""
    return "py%d-%x-%s" % (os.getpid(), time.time_ns(), secrets.token_hex(4))


def lock_holder(path):
    """The pid of the ready host whose record lock is on path, or 0.

    F_GETLK names the holder of a conflicting lock without acquiring
    anything; a client must never take the lock, not even for a moment
    (a host starting that instant would refuse to start).  The kernel
    drops the lock as the host's files close, so a host killed with
    SIGKILL is seen gone at once, zombie or not.  A lock file that is
    not the user's own regular file names no host.
    """
    try:
        fd = open_own(path, os.O_RDONLY | os.O_NONBLOCK, stat.S_IFREG)
    except (OSError, Untrusted):
        return 0
    try:
        query = struct.pack(_FLOCK, fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0)
        answer = fcntl.fcntl(fd, fcntl.F_GETLK, query)
        l_type, _, _, _, l_pid = struct.unpack(_FLOCK, answer)
    except OSError:
        return 0
    finally:
        os.close(fd)
    return 0 if l_type == fcntl.F_UNLCK else l_pid


class RexecClient:
    """Requests to one host's control FIFO, and their replies."""

    def __init__(self, runtime_dir=None, poll=0.001):
        self.runtime_dir = runtime_dir or default_runtime_dir()
        self.fifo = os.path.join(self.runtime_dir, "control")
        self.lock = os.path.join(self.runtime_dir, "host.lock")
        self.replies = os.path.join(self.runtime_dir, "replies")
        self.spool = os.path.join(self.runtime_dir, "spool")
        self.poll = poll
        self.host = 0           # the pid the last request went to

    # The wire.

    def _open_fifo(self):
        """Our FIFO, opened without blocking (ENXIO or ENOENT: no host)."""
        try:
            return open_own(self.fifo, os.O_WRONLY | os.O_NONBLOCK,
                            stat.S_IFIFO)
        except OSError as e:
            if e.errno in (errno.ENXIO, errno.ENOENT):
                raise HostNotFound() from None
            raise RexecError("%s: %s" % (self.fifo, e.strerror)) from None

    def _write_fd(self, fd, line):
        """One line, one os.write()."""
        give_up = time.monotonic() + 10
        while True:
            try:
                n = os.write(fd, line)
            except BlockingIOError:
                # The FIFO is full: the host drains it soon.
                if time.monotonic() >= give_up:
                    raise RexecError("%s: the host does not read its "
                                     "FIFO" % self.fifo) from None
                time.sleep(0.05)
                continue
            except BrokenPipeError:
                raise HostNotFound() from None
            if n != len(line):
                raise RexecError("%s: short write" % self.fifo)
            return

    def _write_line(self, line):
        """One line on the FIFO, opened for it."""
        fd = self._open_fifo()
        try:
            self._write_fd(fd, line)
        finally:
            os.close(fd)

    def _spool(self, rid, text):
        """R/spool/<id>.json, 0600, complete before its name appears."""
        check_dir(self.spool)
        tmp = os.path.join(self.spool, ".%s.%d.tmp" % (rid, os.getpid()))
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL |
                         os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
            try:
                view = memoryview(text)
                while view:
                    view = view[os.write(fd, view):]
            finally:
                os.close(fd)
            os.rename(tmp, os.path.join(self.spool, rid + ".json"))
        except OSError as e:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            if e.errno == errno.ENOENT and not os.path.isdir(self.spool):
                raise HostNotFound() from None
            raise RexecError("%s: %s" % (self.spool, e.strerror)) from None

    def check(self):
        """Raise HostNotFound or Untrusted unless R and replies/ pass
        the host's own checks; nothing is written before they do."""
        check_dir(self.runtime_dir)
        check_dir(self.replies)

    def send(self, request):
        """Send one request (a dict with an id); returns nothing."""
        self.check()
        self.host = lock_holder(self.lock)
        if self.host == 0:
            raise HostNotFound()
        text = json.dumps(request, ensure_ascii=False,
                          separators=(",", ":")).encode("utf-8")
        # Opened, and so checked, before anything is written.
        fd = self._open_fifo()
        try:
            if len(text) + 1 <= LINE_MAX:
                self._write_fd(fd, text + b"\n")
                return
            self._spool(request["id"], text)
            self._write_fd(fd, json.dumps({"action": "spool",
                                           "id": request["id"]}).encode() +
                           b"\n")
        finally:
            os.close(fd)

    def take_reply(self, rid):
        """Read and delete R/replies/<id>.json if it is there; one that
        is not our own regular file is left alone, unread (Untrusted)."""
        path = os.path.join(self.replies, rid + ".json")
        try:
            fd = open_own(path, os.O_RDONLY | os.O_NONBLOCK, stat.S_IFREG)
        except FileNotFoundError:
            return None
        except OSError as e:
            raise RexecError("%s: %s" % (path, e.strerror)) from None
        with os.fdopen(fd, "rb") as f:
            data = f.read()
        os.unlink(path)
        return json.loads(data.decode("utf-8"))

    def await_reply(self, rid, timeout=None):
        """The reply to rid, polled for; at most timeout seconds."""
        start = time.monotonic()
        next_check = start + 1
        nap = self.poll
        while True:
            reply = self.take_reply(rid)
            if reply is not None:
                return reply
            now = time.monotonic()
            if now >= next_check:
                next_check = now + 1
                if lock_holder(self.lock) != self.host:
                    # One last look: it may have answered first.
                    reply = self.take_reply(rid)
                    if reply is not None:
                        return reply
                    raise HostDied("the host (pid %d) stopped before it "
                                   "answered" % self.host)
            if timeout is not None and now - start >= timeout:
                raise NoAnswer("the host did not answer within %g "
                               "seconds" % timeout)
            time.sleep(nap)
            nap = min(nap * 2, 0.05)

    def request(self, request, timeout=ANSWER_WAIT):
        """Send request (an id is added) and return its reply."""
        request = dict(request)
        request.setdefault("id", make_id())
        self.send(request)
        return self.await_reply(request["id"], timeout)

    # The requests.

    def run(self, argv, whoami=None, dir=None, env=None, stdin=None,
            timeout=None, yield_=None, max_output=None, cols=None,
            rows=None, id=None, wait=None):
        """Run argv; the response, or a long run's interim reply.

        stdin is str or bytes (bytes must be UTF-8: JSON carries text).
        wait bounds how long the reply is waited for (None: as long as
        the host lives).
        """
        whoami = whoami or os.environ.get("REXEC_WHOAMI")
        if not whoami:
            raise ValueError("whoami is required (or set REXEC_WHOAMI)")
        req = {"id": id or make_id(), "whoami": whoami,
               "dir": os.getcwd() if dir is None else dir,
               "exec": list(argv)}
        if env:
            req["envs"] = dict(env)
        if stdin is not None:
            if isinstance(stdin, bytes):
                stdin = stdin.decode("utf-8", "replace")
            req["stdin"] = stdin
        for name, value in (("timeout", timeout), ("yield", yield_),
                            ("max_output", max_output), ("cols", cols),
                            ("rows", rows)):
            if value is not None:
                req[name] = value
        return self.request(req, timeout=wait)

    def ping(self):
        return self.request({"action": "ping"})

    def status(self):
        return self.request({"action": "status"})

    def wait(self, seq, timeout=0, offset=None):
        """Run seq's new text; waits up to timeout seconds for its end."""
        req = {"action": "wait", "seq": seq, "timeout": timeout}
        if offset is not None:
            req["offset"] = offset
        return self.request(req, timeout=timeout + ANSWER_WAIT)

    def input(self, seq, text=None, keys=None):
        """Type text (str) or named keys (list) into run seq's terminal."""
        req = {"action": "input", "seq": seq}
        if text is not None:
            req["data"] = text
        if keys is not None:
            req["keys"] = list(keys)
        return self.request(req)

    def screen(self, seq):
        return self.request({"action": "screen", "seq": seq})

    def abort(self, seq, timeout=None):
        """Abort run seq; the reply comes once it has ended (the kill
        sequence is bounded, and a host that dies is noticed)."""
        return self.request({"action": "abort", "seq": seq},
                            timeout=timeout)


def refused(reply):
    """Is reply a refusal of the request itself (not a run's answer)?"""
    error = reply.get("error") or ""
    return error.startswith("bad_request") or "seq" not in reply


def exit_status(reply):
    """The exit status rexec run gives for reply."""
    if reply.get("running"):
        return EX_TEMPFAIL
    code = reply.get("exit")
    if not isinstance(code, int) or isinstance(code, bool) or \
            not 0 <= code <= 255:
        return EX_NO_HOST
    return code


def _write(text):
    sys.stdout.buffer.write(text.encode("utf-8"))


def print_reply(reply, argv0=None, as_json=False):
    """Print reply as rexec does; returns the exit status."""
    if as_json:
        print(json.dumps(reply, ensure_ascii=False, separators=(",", ":")))
        sys.stdout.flush()
        return exit_status(reply)
    _write(reply.get("output") or "")
    if reply.get("running"):
        _write(reply.get("tail") or "")
    sys.stdout.flush()
    seq = reply.get("seq")
    if reply.get("running"):
        print("rexec: run %s is still running (rexec_client.py wait %s "
              "--offset %s)" % (seq, seq, reply.get("offset")),
              file=sys.stderr)
        if reply.get("waiting_for_input"):
            print("rexec: run %s is waiting for input (rexec_client.py "
                  "input %s TEXT)" % (seq, seq), file=sys.stderr)
    elif reply.get("error"):
        if reply["error"] == "not_found" and argv0 is not None:
            print("%s: not found" % argv0, file=sys.stderr)
        else:
            print("rexec: %s" % reply["error"], file=sys.stderr)
    return exit_status(reply)


def _answer(reply, need):
    """A run-specific reply with field need, or 1 after saying why not."""
    if not refused(reply) and need in reply:
        return 0
    print("rexec: %s" % (reply.get("error") or
                         'the host\'s reply has no "%s"' % need),
          file=sys.stderr)
    return 1


class _Stop(Exception):
    def __init__(self, signo):
        super().__init__(signo)
        self.signo = signo


def _on_signal(signo, frame):
    raise _Stop(signo)


def _exit_signal(signo):
    """Exit as the signal would."""
    sys.stdout.flush()
    signal.signal(signo, signal.SIG_DFL)
    os.kill(os.getpid(), signo)
    os._exit(128 + signo)


def _cmd_run(client, args):
    if not args.command:
        return _usage("run: a command is required (after --)")
    env = {}
    for kv in args.env:
        name, eq, value = kv.partition("=")
        if not eq or not name:
            return _usage("--env: not NAME=VALUE: %s" % kv)
        env[name] = value
    whoami = args.whoami or os.environ.get("REXEC_WHOAMI")
    if not whoami:
        return _usage("run: --whoami is required (or set REXEC_WHOAMI)")
    stdin = sys.stdin.buffer.read() if args.read_stdin else None
    rid = make_id()
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, _on_signal)
    try:
        reply = client.run(args.command, whoami=whoami, dir=args.dir,
                           env=env, stdin=stdin, timeout=args.timeout,
                           yield_=args.yield_, max_output=args.max_output,
                           id=rid, wait=args.max_wait)
    except NoAnswer:
        # Given up on: the run must not go on with nobody waiting.
        client._write_line(json.dumps({"action": "abort",
                                       "id": rid}).encode() + b"\n")
        raise
    except _Stop as stop:
        # Abort the run and print what it had said before going.
        for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(s, signal.SIG_IGN)
        try:
            client._write_line(json.dumps({"action": "abort",
                                           "id": rid}).encode() + b"\n")
            print_reply(client.await_reply(rid, ABORT_WAIT),
                        args.command[0], args.json)
        except RexecError:
            pass
        _exit_signal(stop.signo)
    return print_reply(reply, args.command[0], args.json)


def _cmd_wait(client, args):
    reply = client.wait(args.seq, args.timeout, args.offset)
    if _answer(reply, "running"):
        return 1
    return print_reply(reply, None, args.json)


def _cmd_input(client, args):
    if (args.text is None) == (not args.keys):
        return _usage("input: TEXT or --keys, exactly one")
    text = args.text
    if text == "-":
        text = sys.stdin.buffer.read().decode("utf-8", "replace")
    reply = client.input(args.seq, text, args.keys or None)
    return _answer(reply, "ok")


def _cmd_screen(client, args):
    reply = client.screen(args.seq)
    if _answer(reply, "screen"):
        return 1
    if args.json:
        print(json.dumps(reply, ensure_ascii=False, separators=(",", ":")))
    else:
        _write(reply["screen"])
    return 0


def _cmd_kill(client, args):
    return _answer(client.abort(args.seq), "exit")


def _cmd_json(method):
    def cmd(client, args):
        print(json.dumps(method(client), separators=(",", ":")))
        return 0
    return cmd


def _usage(message):
    print("rexec: %s" % message, file=sys.stderr)
    return EX_USAGE


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        sys.exit(_usage(message))


def _seconds(text):
    value = float(text)
    if not value >= 0 or value == float("inf"):
        raise ValueError(text)
    return value


def _seq(text):
    value = int(text)
    if value < 1:
        raise ValueError(text)
    return value


def _count(text):
    value = int(text)
    if value < 0:
        raise ValueError(text)
    return value


_seconds.__name__ = "seconds"
_seq.__name__ = "run number"
_count.__name__ = "count"


def _parser():
    p = _Parser(prog="rexec_client.py",
                description="A client of the rexec control FIFO.")
    p.add_argument("--runtime-dir", help="R (default: as rexec finds it)")
    sub = p.add_subparsers(dest="cmd", parser_class=_Parser)
    sub.required = True
    r = sub.add_parser("run", help="run one command")
    r.add_argument("-w", "--whoami")
    r.add_argument("-d", "--dir")
    r.add_argument("-e", "--env", action="append", default=[])
    r.add_argument("-i", "--read-stdin", action="store_true")
    r.add_argument("-t", "--timeout", type=_seconds)
    r.add_argument("-y", "--yield", dest="yield_", type=_seconds)
    r.add_argument("-m", "--max-output", type=_count)
    r.add_argument("-W", "--max-wait", type=_seconds,
                   help="give up (and abort the run) after this long")
    r.add_argument("--json", action="store_true")
    r.add_argument("command", nargs=argparse.REMAINDER)
    r.set_defaults(func=_cmd_run)
    w = sub.add_parser("wait", help="the new text of a run")
    w.add_argument("seq", type=_seq)
    w.add_argument("-t", "--timeout", type=_seconds, default=0)
    w.add_argument("-o", "--offset", type=_count)
    w.add_argument("--json", action="store_true")
    w.set_defaults(func=_cmd_wait)
    i = sub.add_parser("input", help="type into a run")
    i.add_argument("seq", type=_seq)
    i.add_argument("text", nargs="?")
    i.add_argument("--keys", nargs="+")
    i.set_defaults(func=_cmd_input)
    s = sub.add_parser("screen", help="the screen of a run")
    s.add_argument("seq", type=_seq)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=_cmd_screen)
    k = sub.add_parser("kill", help="abort a run")
    k.add_argument("seq", type=_seq)
    k.set_defaults(func=_cmd_kill)
    sub.add_parser("ping").set_defaults(func=_cmd_json(RexecClient.ping))
    sub.add_parser("status").set_defaults(
        func=_cmd_json(RexecClient.status))
    return p


def main(argv=None):
    args = _parser().parse_args(argv)
    if getattr(args, "command", None) and args.command[0] == "--":
        args.command = args.command[1:]
    client = RexecClient(args.runtime_dir)
    try:
        return args.func(client, args)
    except HostNotFound:
        print("HOST NOT FOUND", file=sys.stderr)
    except RexecError as e:
        print("rexec: %s" % e, file=sys.stderr)
    except ValueError as e:
        return _usage(str(e))
    return EX_NO_HOST


if __name__ == "__main__":
    sys.exit(main())
