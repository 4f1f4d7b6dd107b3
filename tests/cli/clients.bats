#!/usr/bin/env bats
# clients.bats: the two clients of contrib/clients, which speak the control
# protocol (rexec-protocol(7)) without the rexec binary, against a real
# host: the POSIX sh one under dash, the Python one with the standard
# library only.  Exact output and exit codes, the spool, no host, a host
# killed while they wait, long runs, bad requests and usage errors, and
# the runtime directories, FIFOs and reply files they must refuse.

load helpers
load fakehost

SH_CLIENT="$TESTS_SRCDIR/../contrib/clients/rexec-client.sh"
PY_CLIENT="$TESTS_SRCDIR/../contrib/clients/rexec_client.py"

setup() {
	setup_dirs
	export REXEC_WHOAMI=tester
	# Importing the module must not leave __pycache__ in the source tree
	# (contrib/ is distributed whole).
	export PYTHONDONTWRITEBYTECODE=1
	cd "$BATS_TEST_TMPDIR"
}

teardown() {
	# A zombie host goes with the parent that kept it, and then the
	# clients still waiting on it see that it is gone.
	local p
	for p in ${PARENT_PID:-} ${LOCKER_PID:-}; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	stop_fake_host
	stop_host
}

# cl sh|py ARGS...: run a client with stdout in $out_file (compared byte
# for byte), stderr in $stderr_out and the exit status in $status (files
# of their own when $CL_TAG names a client running beside others).  The
# sh client always runs under dash, Debian's /bin/sh.
cl() {
	local which=$1
	shift
	local err="$BATS_TEST_TMPDIR/.cl-err${CL_TAG:-}"
	out_file="$BATS_TEST_TMPDIR/.cl-out${CL_TAG:-}"
	status=0
	if [ "$which" = sh ]; then
		dash "$SH_CLIENT" "$@" >"$out_file" 2>"$err" || status=$?
	else
		python3 "$PY_CLIENT" "$@" >"$out_file" 2>"$err" || status=$?
	fi
	stderr_out=$(cat "$err")
}

# cl_run sh|py ARGS... -- CMD...: a run, with the client's own syntax.
cl_run() {
	local which=$1
	shift
	if [ "$which" = sh ]; then
		cl sh "$@"
	else
		cl py run "$@"
	fi
}

# The client's stdout is exactly $1 (printf escapes allowed).
out_is() {
	printf "$1" | cmp - "$out_file"
}

spool_empty() {
	[ -z "$(ls -A "$REXEC_RUNTIME_DIR/spool")" ]
}

replies_empty() {
	[ -z "$(ls -A "$REXEC_RUNTIME_DIR/replies")" ]
}

for_both() {
	local c
	for c in sh py; do
		"$@" "$c" || { echo "failed with the $c client" >&2; return 1; }
	done
}

check_exact_output() {
	cl_run "$1" -- printf 'one\n\ttwo  \nthree'
	[ "$status" -eq 0 ]
	out_is 'one\n\ttwo  \nthree'
	[ -z "$stderr_out" ]
	replies_empty
}

@test "clients: both run a command and print its output exactly, exit 0" {
	start_host
	for_both check_exact_output
}

check_exits() {
	cl_run "$1" -- sh -c 'echo failing; exit 3'
	[ "$status" -eq 3 ]
	out_is 'failing\n'
	cl_run "$1" -- no-such-command-here
	[ "$status" -eq 127 ]
	[ "$stderr_out" = "no-such-command-here: not found" ]
	cl_run "$1" -- sh -c 'kill -TERM $$'
	[ "$status" -eq 143 ]
	cl_run "$1" -- sh -c 'kill -INT $$'
	[ "$status" -eq 130 ]
	printf '#!/bin/sh\n' >notexec
	chmod 0644 notexec
	cl_run "$1" -- ./notexec
	[ "$status" -eq 126 ]
	[ "$stderr_out" = "rexec: not_executable: ./notexec" ]
	cl_run "$1" -t 0.3 -- sleep 10
	[ "$status" -eq 124 ]
	[ "$stderr_out" = "rexec: timeout" ]
}

@test "clients: both give a failing exit, not_found, 128+N for a signal, 126 and 124" {
	start_host
	for_both check_exits
}

check_spool() {
	head -c 10000 /dev/zero | tr '\0' a >big
	cl_run "$1" -i -- wc -c <big
	[ "$status" -eq 0 ]
	out_is '10000\n'
	long=$(head -c 5000 /dev/zero | tr '\0' y)
	cl_run "$1" -e "LONG=$long" -e SHORT=s -- sh -c 'printf "%s %s" "${#LONG}" "$SHORT"'
	[ "$status" -eq 0 ]
	out_is '5000 s'
	# Nothing left behind: the host took the spool file, we the reply.
	spool_empty
	replies_empty
}

@test "clients: both send a request over 4 KiB through the spool (stdin, env)" {
	start_host
	for_both check_spool
	# The host got each request whole: the journal has the long value.
	[ "$(jq -rs '[.[] | select(.envs.LONG != null)] | length' "$(journal_file)")" -eq 2 ]
	[ "$(jq -rs '[.[] | select(.envs.LONG != null) | .envs.LONG | length] | unique | .[0]' "$(journal_file)")" -eq 5000 ]
}

check_no_host() {
	cl_run "$1" -- true
	[ "$status" -eq 127 ]
	[ "$stderr_out" = "HOST NOT FOUND" ]
	if [ "$1" = sh ]; then cl sh ping; else cl py ping; fi
	[ "$status" -eq 127 ]
	[ "$stderr_out" = "HOST NOT FOUND" ]
}

@test "clients: HOST NOT FOUND, exit 127, with no runtime directory" {
	[ ! -e "$REXEC_RUNTIME_DIR" ]
	for_both check_no_host
}

@test "clients: HOST NOT FOUND, exit 127, after the host stopped" {
	start_host
	stop_host
	for_both check_no_host
}

@test "clients: HOST NOT FOUND, never a hang, on a FIFO nobody reads (a live process holds the lock, as a host would)" {
	mkdir -m 0700 "$REXEC_RUNTIME_DIR" "$REXEC_RUNTIME_DIR/replies" \
	    "$REXEC_RUNTIME_DIR/spool"
	mkfifo -m 0600 "$REXEC_RUNTIME_DIR/control"
	# A process of ours that looks like a ready host to both liveness
	# checks (its pid in host.lock, a POSIX record lock on it) but never
	# reads the FIFO: the clients get as far as opening it, and that
	# open must fail at once (ENXIO), not block.
	python3 -c 'import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
os.write(fd, b"%d\n" % os.getpid())
fcntl.lockf(fd, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(60)' "$REXEC_RUNTIME_DIR/host.lock" >locked 3>&- &
	LOCKER_PID=$!
	wait_for grep -qx locked locked
	# Bounded: a client that blocked opening the FIFO would be killed
	# by timeout (exit 124), and fail the test.
	st=0
	timeout 10 dash "$SH_CLIENT" -- true 2>err.sh || st=$?
	[ "$st" -eq 127 ]
	[ "$(cat err.sh)" = "HOST NOT FOUND" ]
	st=0
	timeout 10 python3 "$PY_CLIENT" run -- true 2>err.py || st=$?
	[ "$st" -eq 127 ]
	[ "$(cat err.py)" = "HOST NOT FOUND" ]
	# Nothing was created in place of the FIFO.
	[ -p "$REXEC_RUNTIME_DIR/control" ]
}

running_count_is() {
	[ "$("$REXEC" status --json | jq '.running | length')" -eq "$1" ]
}

rc_written() {
	test -s "$BATS_TEST_TMPDIR/rc.$1"
}

# A host whose parent does not reap it: killed, it stays a zombie, which
# kill -0 still finds, as a host started by a busy supervisor would.
start_host_unreaped() {
	printf '[run]\nkill_grace = 0.3\nlinger = 0.5\n' >"$BATS_TEST_TMPDIR/rexec.ini"
	export REXEC_CONFIG="$BATS_TEST_TMPDIR/rexec.ini"
	python3 -c 'import subprocess, sys, time
subprocess.Popen(sys.argv[1:])
time.sleep(600)' "$REXEC" host --headless >"$BATS_TEST_TMPDIR/console" \
	    2>"$BATS_TEST_TMPDIR/host.err" 3>&- &
	PARENT_PID=$!
	wait_for host_up
	HOST_PID=$("$REXEC" status --json | jq -r .pid)
}

is_zombie() {
	[ "$(sed 's/.*) \(.\).*/\1/' "/proc/$1/stat")" = Z ]
}

@test "clients: a host killed while they wait (a zombie, unreaped) gives exit 127 and a message within a few seconds" {
	start_host_unreaped
	local c dead=$HOST_PID
	for c in sh py; do
		(CL_TAG=$c; cl_run "$c" -- sleep 60
		    echo "$status" >"$BATS_TEST_TMPDIR/rc.$c"
		    printf '%s' "$stderr_out" >"$BATS_TEST_TMPDIR/err.$c") \
		    >/dev/null 2>&1 3>&- &
	done
	wait_for running_count_is 2
	kill -KILL "$HOST_PID"
	HOST_PID=
	wait_for is_zombie "$dead"
	SECONDS=0
	for c in sh py; do
		WAIT_SECONDS=5 wait_for rc_written "$c"
		[ "$(cat "$BATS_TEST_TMPDIR/rc.$c")" -eq 127 ]
		grep -q "^rexec: the host (pid $dead) stopped before it answered\$" \
		    "$BATS_TEST_TMPDIR/err.$c"
	done
	[ "$SECONDS" -le 5 ]
	is_zombie "$dead"
}

@test "clients: a host killed and replaced is still a host that died" {
	start_host
	local old=$HOST_PID c
	for c in sh py; do
		(CL_TAG=$c; cl_run "$c" -- sleep 60
		    echo "$status" >"$BATS_TEST_TMPDIR/rc.$c"
		    printf '%s' "$stderr_out" >"$BATS_TEST_TMPDIR/err.$c") \
		    >/dev/null 2>&1 3>&- &
	done
	wait_for running_count_is 2
	kill -KILL "$HOST_PID"
	wait "$HOST_PID" || true
	start_host
	[ "$HOST_PID" != "$old" ]
	for c in sh py; do
		WAIT_SECONDS=5 wait_for rc_written "$c"
		[ "$(cat "$BATS_TEST_TMPDIR/rc.$c")" -eq 127 ]
		grep -q "^rexec: the host (pid $old) stopped before it answered\$" \
		    "$BATS_TEST_TMPDIR/err.$c"
	done
}

journal_has_aborted() {
	[ "$(jq -s '[.[] | select(.error == "aborted")] | length' "$(journal_file)")" -eq "$1" ]
}

runs_say_started() {
	local seq
	for seq in $("$REXEC" status --json | jq '.running[].seq'); do
		"$REXEC" screen "$seq" | grep -qx started || return 1
	done
}

@test "clients: SIGTERM while a run goes on aborts it on the host; the client prints its text and exits 143" {
	start_host
	local st
	dash "$SH_CLIENT" -- sh -c 'echo started; exec sleep 60' \
	    >out.sh 2>err.sh 3>&- &
	local sh_pid=$!
	python3 "$PY_CLIENT" run -- sh -c 'echo started; exec sleep 60' \
	    >out.py 2>err.py 3>&- &
	local py_pid=$!
	wait_for running_count_is 2
	wait_for runs_say_started
	kill -TERM "$sh_pid" "$py_pid"
	for c in sh py; do
		st=0
		if [ "$c" = sh ]; then wait "$sh_pid" || st=$?; else wait "$py_pid" || st=$?; fi
		[ "$st" -eq 143 ]
		[ "$(cat "out.$c")" = started ]
		[ "$(cat "err.$c")" = "rexec: aborted" ]
	done
	wait_for journal_has_aborted 2
	running_count_is 0
	replies_empty
}

check_max_wait() {
	SECONDS=0
	cl_run "$1" -W 1 -- sleep 30
	[ "$status" -eq 127 ]
	[ "$stderr_out" = "rexec: the host did not answer within 1 seconds" ]
	[ "$SECONDS" -le 4 ]
	# Nobody waits for it any more: it was aborted, not left running.
	wait_for running_count_is 0
}

@test "clients: -W bounds the wait for a run, which is then aborted" {
	start_host
	for_both check_max_wait
	wait_for journal_has_aborted 2
}

check_bad_request() {
	cl_run "$1" -d relative/dir -- true
	[ "$status" -eq 127 ]
	[ "$stderr_out" = 'rexec: bad_request: dir: not an absolute path: "relative/dir"' ]
	cl_run "$1" -w "$(printf 'bad\001name')" -- true
	[ "$status" -eq 127 ]
	[ "$stderr_out" = 'rexec: bad_request: whoami: contains a control character' ]
	replies_empty
}

@test "clients: a bad request is rexec: bad_request: ..., exit 127" {
	start_host
	for_both check_bad_request
}

check_usage() {
	cl_run "$1" -t ten -- true
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == "rexec: "* ]]
	cl_run "$1" -e NOEQUALS -- true
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == "rexec: "*"NOEQUALS"* ]]
	cl_run "$1"
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == "rexec: "* ]]
	REXEC_WHOAMI= cl_run "$1" -- true
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == "rexec: "*"REXEC_WHOAMI"* ]]
	cl "$1" wait 0
	[ "$status" -eq 2 ]
}

@test "clients: usage errors exit 2 with rexec: <message>" {
	start_host
	for_both check_usage
}

@test "clients: sh: yield, then wait in pieces from the offset, exit 75 while it runs" {
	start_host
	cl sh -y 0.3 -- sh -c 'echo one; sleep 1; echo two'
	[ "$status" -eq 75 ]
	[[ "$stderr_out" == "rexec: run "[0-9]*" is still running (rexec-client.sh wait "*" -o "[0-9]*")" ]]
	seq=$(sed -n 's/^rexec: run \([0-9]*\) is.*/\1/p' <<<"$stderr_out")
	off=$(sed -n 's/.* -o \([0-9]*\))$/\1/p' <<<"$stderr_out")
	first=$(cat "$out_file")
	cl sh wait "$seq" -t 10 -o "$off"
	[ "$status" -eq 0 ]
	# The interim text is final text and the tail; the wait's output
	# starts where the final text stopped.
	[ "$(head -c "$off" <<<"$first")$(cat "$out_file")" = $'one\ntwo' ]
	cl sh wait "$seq" -o 4
	[ "$status" -eq 0 ]
	out_is 'two\n'
	cl sh wait "$seq" -o 9999
	[ "$status" -eq 1 ]
	[ "$stderr_out" = "rexec: bad_request: offset: past the end (8 bytes)" ]
	cl sh wait 4242
	[ "$status" -eq 1 ]
	[ "$stderr_out" = "rexec: bad_request: seq: no such run" ]
}

screen_has() {
	python3 "$PY_CLIENT" screen "$1" | grep -qx "$2"
}

@test "clients: py: yield, input, screen, wait with offset, abort" {
	start_host
	cl py run --json -y 0.3 -- sh -c 'printf "name? "; read n; echo "hi $n"; sleep 60'
	[ "$status" -eq 75 ]
	[ "$(jq -r .running "$out_file")" = true ]
	[ "$(jq -r 'has("exit")' "$out_file")" = false ]
	seq=$(jq -r .seq "$out_file")
	wait_for screen_has "$seq" 'name?'
	cl py input "$seq" Bob
	[ "$status" -eq 0 ]
	cl py input "$seq" --keys Enter
	[ "$status" -eq 0 ]
	wait_for screen_has "$seq" 'hi Bob'
	cl py screen "$seq" --json
	[ "$status" -eq 0 ]
	[ "$(jq -r .screen "$out_file" | head -n 2)" = $'name? Bob\nhi Bob' ]
	[ "$(jq -c .cursor "$out_file")" = '[2,0]' ]
	[ "$(jq -r '"\(.cols)x\(.rows)"' "$out_file")" = 80x24 ]
	cl py input "$seq" --keys Up Nope
	[ "$status" -eq 1 ]
	[ "$stderr_out" = 'rexec: bad_request: keys[1]: unknown key "Nope"' ]
	cl py wait "$seq" -t 0.2
	[ "$status" -eq 75 ]
	cl py kill "$seq"
	[ "$status" -eq 0 ]
	cl py wait "$seq" --json
	[ "$status" -eq 143 ]
	[ "$(jq -r .error "$out_file")" = aborted ]
	[ "$(jq -r .signal "$out_file")" = 15 ]
	[ "$(jq -r .output "$out_file")" = $'name? Bob\nhi Bob' ]
	cl py wait "$seq" -o 10
	[ "$status" -eq 143 ]
	out_is 'hi Bob\n'
	cl py input "$seq" x
	[ "$status" -eq 1 ]
	[ "$stderr_out" = "rexec: bad_request: run $seq has ended" ]
	cl py kill "$seq"
	[ "$status" -eq 1 ]
	[ "$stderr_out" = "rexec: bad_request: run $seq has ended" ]
}

@test "clients: py: the module's calls, as a program uses them" {
	start_host
	run python3 - "$PY_CLIENT" <<'EOF'
import os, sys
sys.path.insert(0, os.path.dirname(sys.argv[1]))
from rexec_client import RexecClient, HostNotFound, exit_status
c = RexecClient()
assert c.ping()["result"] == "pong"
r = c.run(["sh", "-c", 'echo "$A:$(cat)"; exit 4'], whoami="mod",
          dir="/", env={"A": "x"}, stdin="in\n")
print(r["exit"], repr(r["output"]), exit_status(r))
r = c.run(["sh", "-c", "echo start; exec cat"], whoami="mod", dir="/",
          yield_=0.3)
seq = r["seq"]
print(r["running"], exit_status(r), c.status()["detached"][0]["seq"] == seq)
print(c.input(seq, text="typed\n")["ok"], c.input(seq, keys=["C-d"])["ok"])
while True:
    w = c.wait(seq, timeout=10, offset=r["offset"])
    if not w["running"]:
        break
print(w["exit"], repr(r["output"] + w["output"]))
r = c.run(["sleep", "60"], whoami="mod", dir="/", yield_=0.2)
a = c.abort(r["seq"])
print(a["running"], a["exit"], a["error"])
try:
    RexecClient("/nonexistent/dir").ping()
except HostNotFound as e:
    print(e)
EOF
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "4 'x:in\\n' 4" ]
	[ "${lines[1]}" = "True 75 True" ]
	[ "${lines[2]}" = "True True" ]
	[ "${lines[3]}" = "0 'start\\ntyped\\ntyped\\n'" ]
	[ "${lines[4]}" = "False 143 aborted" ]
	[ "${lines[5]}" = "HOST NOT FOUND" ]
}

@test "clients: sh: ping answers with the host's pid" {
	start_host
	cl sh ping
	[ "$status" -eq 0 ]
	[ "$(jq -r .result "$out_file")" = pong ]
	[ "$(jq -r .pid "$out_file")" = "$HOST_PID" ]
	replies_empty
	spool_empty
}

# clb sh|py ARGS...: cl, bounded: a client that wrote to the fake host
# would wait for ever for its answer, and must fail the test, not hang.
clb() {
	local which=$1
	shift
	local err="$BATS_TEST_TMPDIR/.cl-err"
	out_file="$BATS_TEST_TMPDIR/.cl-out"
	status=0
	if [ "$which" = sh ]; then
		timeout 30 dash "$SH_CLIENT" "$@" >"$out_file" 2>"$err" || status=$?
	else
		timeout 30 python3 "$PY_CLIENT" "$@" >"$out_file" 2>"$err" || status=$?
	fi
	stderr_out=$(cat "$err")
}

# cl_refuses sh|py WANT ARGS...: exit 127, nothing on stdout, one line
# on stderr that contains WANT.
cl_refuses() {
	local which=$1 want=$2
	shift 2
	clb "$which" "$@"
	echo "$which $1...: status $status, stderr: $stderr_out" >&2
	[ "$status" -eq 127 ]
	[ ! -s "$out_file" ]
	[ "$(printf '%s\n' "$stderr_out" | wc -l)" -eq 1 ]
	[[ "$stderr_out" == "rexec: "*"$want"* ]]
}

# Every request of client $1 refuses with $2 ($3: the FIFO is the
# problem, so the runtime directory's checks pass).
check_all_refuse() {
	local big
	big=BIG=$(head -c 5000 /dev/zero | tr '\0' x)
	if [ "$1" = sh ]; then
		cl_refuses sh "$2" -- true
		cl_refuses sh "$2" -e "$big" -- true
		printf 'secret' | cl_refuses sh "$2" -i -- cat
		cl_refuses sh "$2" ping
		cl_refuses sh "$2" wait 1
	else
		cl_refuses py "$2" run -- true
		cl_refuses py "$2" run -e "$big" -- true
		printf 'secret' | cl_refuses py "$2" run -i -- cat
		cl_refuses py "$2" ping
		cl_refuses py "$2" status
		cl_refuses py "$2" wait 1
		cl_refuses py "$2" input 1 text
		cl_refuses py "$2" screen 1
		cl_refuses py "$2" kill 1
	fi
}

both_refuse() {
	local c
	for c in sh py; do
		check_all_refuse "$c" "$1"
	done
}

@test "clients: a runtime directory another user made first (theirs, mode 0777): both refuse, nothing is written" {
	needs_root
	R=$REXEC_RUNTIME_DIR
	make_runtime "$R"
	start_fake_host "$R"
	chmod 0777 "$R"
	chown -R 65534:65534 "$R"
	both_refuse "$R: owned by uid 65534, not by us (uid 0); refusing to use it"
	nothing_written "$R/control" "$R"
	# Made ours, the same directory and fake host get the request.
	chown -R 0:0 "$R"
	chmod 0700 "$R"
	dash "$SH_CLIENT" -- true >/dev/null 2>&1 3>&- &
	local pid=$!
	wait_for fifo_has_data "$R/control"
	kill -KILL "$pid"
	wait "$pid" || true
}

@test "clients: a runtime directory of ours with mode 0777, or a symbolic link: both refuse, nothing is written" {
	R=$REXEC_RUNTIME_DIR
	make_runtime "$R"
	start_fake_host "$R"
	chmod 0777 "$R"
	both_refuse "$R: mode 0777 lets group or others in; run chmod 700 $R"
	nothing_written "$R/control" "$R"
	chmod 0700 "$R"
	mv "$R" "$BATS_TEST_TMPDIR/real"
	ln -s "$BATS_TEST_TMPDIR/real" "$R"
	both_refuse "$R: is a symbolic link; refusing to use it"
	nothing_written "$BATS_TEST_TMPDIR/real/control" "$BATS_TEST_TMPDIR/real"
}

@test "clients: control that is a regular file, or a symbolic link to a FIFO someone reads: both refuse, nothing is written" {
	R=$REXEC_RUNTIME_DIR
	make_runtime "$R"
	rm "$R/control"
	: >"$R/control"
	start_fake_host "$R"
	both_refuse "$R/control: exists and is not a FIFO"
	[ ! -s "$R/control" ]
	[ -z "$(ls -A "$R/spool")" ]
	stop_fake_host
	make_runtime "$BATS_TEST_TMPDIR/other"
	start_fake_host "$BATS_TEST_TMPDIR/other"
	rm "$R/control" "$R/host.lock"
	ln -s "$BATS_TEST_TMPDIR/other/control" "$R/control"
	ln "$BATS_TEST_TMPDIR/other/host.lock" "$R/host.lock"
	both_refuse "$R/control: is a symbolic link; refusing to use it"
	nothing_written "$BATS_TEST_TMPDIR/other/control" "$R"
}

@test "clients: a FIFO owned by another user: both refuse" {
	needs_root
	R=$REXEC_RUNTIME_DIR
	make_runtime "$R"
	start_fake_host "$R"
	chown 65534 "$R/control"
	both_refuse "$R/control: owned by uid 65534, not by us (uid 0)"
	nothing_written "$R/control" "$R"
}

check_reply_refused() {
	clb "$1" "${@:3}"
	echo "$1 $3...: status $status, stderr: $stderr_out" >&2
	[ "$status" -eq 127 ]
	[ ! -s "$out_file" ]
	[ "$(printf '%s\n' "$stderr_out" | wc -l)" -eq 1 ]
	[[ "$stderr_out" == "rexec: $R/replies/"*".json: $2" ]]
}

@test "clients: a reply file that is a symbolic link, or not ours, is never read: exit 127, one line" {
	R=$REXEC_RUNTIME_DIR
	make_runtime "$R"
	start_fake_host "$R" symlink
	local want="is a symbolic link; refusing to use it"
	check_reply_refused sh "$want" -- true
	check_reply_refused sh "$want" ping
	check_reply_refused py "$want" run -- true
	check_reply_refused py "$want" status
	[ -s "$BATS_TEST_TMPDIR/bait.json" ]
	[ "$(id -u)" = 0 ] || return 0
	stop_fake_host
	rm -f "$R"/replies/*
	start_fake_host "$R" foreign
	want="owned by uid 65534, not by us (uid 0); refusing to use it"
	check_reply_refused sh "$want" -- true
	check_reply_refused py "$want" run -- true
}
