#!/usr/bin/env python3
# viewer.py: a scripted viewer of R/attach.sock for the tests (standard
# library only), so they can send what rexec attach never would.
#
#   viewer.py SOCKET ACTION...
#
# Every event it reads is printed on stdout as one JSON line, its data
# part base64 in "data" (as rexec attach --json prints it).  Actions, in
# order:
#   send JSON [TEXT]   a frame: the JSON part and TEXT as the data part
#   hello [JSON]       send the hello (fields of JSON added to a default one)
#   raw HEX            these bytes as they are (broken frames)
#   wait EVENT [K=V]   read until an event EVENT whose field K is V (as JSON)
#   touch FILE         create FILE (to step with another process)
#   waitfile FILE      wait until FILE exists
#   drain              read until the host closes the connection
# A wait or drain gives up after 30 seconds with exit 3.
import base64
import json
import os
import socket
import struct
import sys
import time

DEADLINE = 30


def frame(obj, data=b""):
    j = json.dumps(obj).encode()
    return struct.pack(">II", len(j), len(data)) + j + data


class Viewer:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.connect(path)
        self.buf = b""
        self.eof = False

    def next_event(self, until):
        while True:
            if len(self.buf) >= 8:
                jl, dl = struct.unpack(">II", self.buf[:8])
                if len(self.buf) >= 8 + jl + dl:
                    obj = json.loads(self.buf[8:8 + jl])
                    data = self.buf[8 + jl:8 + jl + dl]
                    self.buf = self.buf[8 + jl + dl:]
                    if dl or obj.get("event") in ("output", "console"):
                        obj["data"] = base64.b64encode(data).decode()
                    print(json.dumps(obj, separators=(",", ":")),
                          flush=True)
                    return obj
            if self.eof:
                return None
            left = until - time.monotonic()
            if left <= 0:
                sys.stderr.write("viewer.py: timed out\n")
                sys.exit(3)
            self.s.settimeout(left)
            try:
                b = self.s.recv(65536)
            except socket.timeout:
                continue
            except ConnectionResetError:
                b = b""
            if not b:
                self.eof = True
            self.buf += b


def send(v, b):
    # A host that closed the connection is seen at the next read.
    try:
        v.s.sendall(b)
    except (BrokenPipeError, ConnectionResetError):
        pass


def matches(ev, name, cond):
    if ev.get("event") != name:
        return False
    for c in cond:
        k, v = c.split("=", 1)
        if ev.get(k) != json.loads(v):
            return False
    return True


def main():
    v = Viewer(sys.argv[1])
    args = sys.argv[2:]
    i = 0
    while i < len(args):
        a = args[i]
        i += 1
        if a == "send":
            obj = json.loads(args[i])
            i += 1
            data = b""
            if i < len(args) and args[i] == "--data":
                data = args[i + 1].encode()
                i += 2
            send(v, frame(obj, data))
        elif a == "hello":
            obj = {"request": "hello", "protocol": 1, "version": "test",
                   "read_only": False, "name": "viewer.py"}
            if i < len(args) and args[i].startswith("{"):
                obj.update(json.loads(args[i]))
                i += 1
            send(v, frame(obj))
        elif a == "raw":
            send(v, bytes.fromhex(args[i]))
            i += 1
        elif a == "wait":
            name = args[i]
            i += 1
            cond = []
            while i < len(args) and "=" in args[i] and \
                    args[i].split("=", 1)[0].isidentifier():
                cond.append(args[i])
                i += 1
            until = time.monotonic() + DEADLINE
            while True:
                ev = v.next_event(until)
                if ev is None:
                    sys.stderr.write("viewer.py: closed before %s\n" % name)
                    sys.exit(4)
                if matches(ev, name, cond):
                    break
        elif a == "touch":
            open(args[i], "w").close()
            i += 1
        elif a == "waitfile":
            until = time.monotonic() + DEADLINE
            while not os.path.exists(args[i]):
                if time.monotonic() > until:
                    sys.exit(3)
                time.sleep(0.02)
            i += 1
        elif a == "drain":
            until = time.monotonic() + DEADLINE
            while v.next_event(until) is not None:
                pass
        else:
            sys.stderr.write("viewer.py: unknown action %s\n" % a)
            sys.exit(2)


main()
