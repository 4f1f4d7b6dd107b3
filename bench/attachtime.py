#!/usr/bin/env python3
"""bench/attachtime.py: how long a fresh viewer takes to attach.

    attachtime.py rexec SOCKET REPEAT   hello on R/attach.sock to "ready"
    attachtime.py tmux SOCKET-NAME REPEAT   tmux -C attach to %session-changed

Prints the best of REPEAT tries in milliseconds.  The rexec side speaks
the viewer protocol (rexec-protocol(7), VIEWERS) itself, with the
standard library only, so the figure is the host's: no curses start-up.
"""
import json
import socket
import struct
import subprocess
import sys
import time


def frame(obj, data=b""):
    j = json.dumps(obj).encode()
    return struct.pack(">II", len(j), len(data)) + j + data


def rexec_once(path):
    t0 = time.monotonic()
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    s.sendall(frame({"request": "hello", "protocol": 1, "version": "bench",
                     "read_only": True, "name": "attachtime"}))
    buf = b""
    while True:
        while len(buf) < 8:
            chunk = s.recv(65536)
            if not chunk:
                raise SystemExit("attachtime: the host closed the socket")
            buf += chunk
        jl, dl = struct.unpack(">II", buf[:8])
        while len(buf) < 8 + jl + dl:
            chunk = s.recv(65536)
            if not chunk:
                raise SystemExit("attachtime: the host closed the socket")
            buf += chunk
        ev = json.loads(buf[8:8 + jl])
        buf = buf[8 + jl + dl:]
        if ev.get("event") == "ready":
            ms = (time.monotonic() - t0) * 1000
            s.close()
            return ms
        if ev.get("event") == "bye":
            raise SystemExit("attachtime: bye: %s" % ev.get("reason"))


def tmux_once(name):
    t0 = time.monotonic()
    p = subprocess.Popen(["tmux", "-L", name, "-C", "attach", "-t", "base"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)
    for line in p.stdout:
        if line.startswith(b"%session-changed"):
            break
    ms = (time.monotonic() - t0) * 1000
    p.stdin.close()
    p.kill()
    p.wait()
    return ms


def main():
    kind, target, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3])
    once = rexec_once if kind == "rexec" else tmux_once
    print("%.1f" % min(once(target) for _ in range(repeat)))


main()
