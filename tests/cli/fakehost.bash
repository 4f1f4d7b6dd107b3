# fakehost.bash: a runtime directory made by hand, and a process of the
# test in the host's place, for the tests of what a client must refuse
# to talk to (trust_client.bats, clients.bats).  The fake host holds
# R/host.lock as a ready host does (its pid in it, a POSIX record lock
# on it) and keeps R/control open, so a client that did not check would
# find a live "host" and write to it.  Loaded after helpers.bash.

needs_root() {
	[ "$(id -u)" = 0 ] || skip "needs root to chown"
}

# make_runtime R: a runtime directory as a host leaves it.
make_runtime() {
	mkdir -m 0700 "$1" "$1/replies" "$1/spool"
	mkfifo -m 0600 "$1/control"
	: >"$1/host.lock"
	chmod 0600 "$1/host.lock"
}

# fakehost.py R MODE READY: hold R/host.lock and keep R/control open for
# reading and writing, as the host does (nothing written to it is lost,
# nor read by anyone but fifo_bytes).  MODE hold reads nothing; MODE
# symlink and foreign answer each request line: replies/<id>.json is a
# symbolic link to bait.json beside READY, or a reply file owned by
# uid 65534.
write_fake_host() {
	local d=$BATS_TEST_TMPDIR
	cat >"$d/fakehost.py" <<'EOF'
import fcntl, json, os, select, signal, sys
rd, mode, ready = sys.argv[1:4]
bait = os.path.join(os.path.dirname(ready), "bait.json")
lock = os.open(os.path.join(rd, "host.lock"), os.O_RDWR | os.O_CREAT, 0o600)
os.write(lock, b"%d\n" % os.getpid())
fcntl.lockf(lock, fcntl.LOCK_EX)
ctl = os.open(os.path.join(rd, "control"), os.O_RDWR | os.O_NONBLOCK)
with open(ready, "w") as f:
    f.write("ready\n")
buf = b""
while True:
    if mode == "hold":
        signal.pause()
    select.select([ctl], [], [])
    buf += os.read(ctl, 65536)
    while b"\n" in buf:
        line, buf = buf.split(b"\n", 1)
        rid = json.loads(line)["id"]
        path = os.path.join(rd, "replies", rid + ".json")
        if mode == "symlink":
            os.symlink(bait, path)
        else:
            with open(path + ".tmp", "w") as f:
                json.dump({"id": rid, "seq": 1, "exit": 0,
                           "output": "BAIT\n", "pid": 1, "result": "pong"},
                          f)
            os.chown(path + ".tmp", 65534, 65534)
            os.rename(path + ".tmp", path)
EOF
	printf '{"id":"x","seq":1,"exit":0,"output":"BAIT\\n","result":"pong"}\n' \
	    >"$d/bait.json"
}

# start_fake_host R [MODE]
start_fake_host() {
	local d=$BATS_TEST_TMPDIR
	[ -e "$d/fakehost.py" ] || write_fake_host
	rm -f "$d/fake.ready"
	python3 "$d/fakehost.py" "$1" "${2:-hold}" "$d/fake.ready" \
	    >"$d/fake.log" 2>&1 3>&- &
	FAKE_PID=$!
	WAIT_SECONDS=30 wait_for test -s "$d/fake.ready"
}

stop_fake_host() {
	if [ -n "${FAKE_PID:-}" ]; then
		kill "$FAKE_PID" 2>/dev/null || true
		wait "$FAKE_PID" 2>/dev/null || true
	fi
	FAKE_PID=
}

# The bytes waiting in FIFO $1, taken out of it.
fifo_bytes() {
	python3 -c 'import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_NONBLOCK)
n = 0
while True:
    try:
        b = os.read(fd, 65536)
    except BlockingIOError:
        break
    if not b:
        break
    n += len(b)
print(n)' "$1"
}

fifo_has_data() {
	[ "$(fifo_bytes "$1")" -gt 0 ]
}

# Nothing reached the FIFO $1, and no spool or reply file is in R $2.
nothing_written() {
	[ "$(fifo_bytes "$1")" -eq 0 ]
	[ -z "$(ls -A "$2/spool")" ]
	[ -z "$(ls -A "$2/replies")" ]
}
