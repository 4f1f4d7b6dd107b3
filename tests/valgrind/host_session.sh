#!/bin/sh
# host_session.sh: one headless host session under valgrind memcheck, for
# `make check-valgrind`.  The host and every client run under memcheck
# (vg.sh --exec); the commands the host runs do not.  The session covers
# the host's main paths: plain, failing, unknown and timed-out commands,
# stdin through a pipe, a request large enough for the spool, a client
# stopped by SIGINT (abort), a flood, raw control lines (ping, bad JSON, a
# bad directory, a run without an id), status, the journal readers and a
# clean shutdown by SIGTERM.  Prints TAP: one case per step, then one per
# memcheck verdict (host, clients).
#
# Everything lives in a private temporary directory (HOME, runtime and
# journal); the only processes it signals are the ones it started.
set -u

: "${REXEC:?REXEC must name the rexec binary (make check-valgrind sets it)}"
: "${TESTS_SRCDIR:?TESTS_SRCDIR must name the tests directory}"
vg="$TESTS_SRCDIR/valgrind/vg.sh"
VG_LOG_DIR="${VG_LOG_DIR:-$PWD/valgrind-logs}/host_session"
export VG_LOG_DIR
rm -rf "$VG_LOG_DIR"
mkdir -p "$VG_LOG_DIR" || exit 1

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rexec-memcheck.XXXXXX") || exit 1
export HOME="$tmp/home"
export XDG_CONFIG_HOME="$HOME/.config" XDG_STATE_HOME="$HOME/.local/state"
export XDG_RUNTIME_DIR="$tmp/xdg-run"
export REXEC_RUNTIME_DIR="$tmp/run" REXEC_JOURNAL_DIR="$tmp/journal"
export REXEC_CONFIG="$tmp/rexec.ini" REXEC_WHOAMI=memcheck
mkdir -p "$HOME"
printf '[run]\nkill_grace = 0.3\nlinger = 0.5\n' >"$REXEC_CONFIG"
cd "$tmp" || exit 1

n=0
failed=
host=
client=

ok() {
	n=$((n + 1))
	echo "ok $n - $*"
}

not_ok() {
	n=$((n + 1))
	echo "not ok $n - $*"
	failed=1
	for f in out err; do
		[ -s "$tmp/$f" ] && sed "s/^/# $f: /" "$tmp/$f" | head -n 20
	done
	return 0
}

# check DESCRIPTION COMMAND...: one TAP case, passed when COMMAND succeeds.
check() {
	desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# poll SECONDS COMMAND...: until COMMAND succeeds; 1 past the deadline.
poll() {
	limit=$(($(date +%s) + $1))
	shift
	until "$@"; do
		[ "$(date +%s)" -lt "$limit" ] || return 1
		sleep 0.05
	done
}

# A child of ours has ended (a zombie counts: wait reaps it at once).
gone() {
	[ ! -e "/proc/$1/stat" ] ||
		[ "$(sed 's/.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null)" = Z ]
}

host_up() {
	"$REXEC" check >/dev/null 2>&1
}

up_or_dead() {
	host_up || gone "$host"
}

running() {
	"$REXEC" status 2>/dev/null | grep -q "^$1 running"
}

# stop PID: SIGTERM, then SIGKILL if it outlives the deadline.
stop() {
	gone "$1" && return 0
	kill -TERM "$1" 2>/dev/null
	poll 60 gone "$1" || kill -KILL "$1" 2>/dev/null
}

cleanup() {
	[ -n "$client" ] && stop "$client"
	[ -n "$host" ] && stop "$host"
	[ -n "$failed" ] && sed 's/^/# host stderr: /' "$tmp/host.err"
	cd / && rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# rx NAME ARG...: rexec ARG... under memcheck; $st, $tmp/out, $tmp/err.
rx() {
	name=$1
	shift
	sh "$vg" --exec "client-$name" "$REXEC" "$@" >"$tmp/out" 2>"$tmp/err"
	st=$?
}

status_out() {
	[ "$st" -eq "$1" ] && [ "$(cat "$tmp/out")" = "$2" ]
}

status_line() {
	[ "$st" -eq "$1" ] && grep -qx -- "$2" "$tmp/out"
}

status_err() {
	[ "$st" -eq "$1" ] && grep -q -- "$2" "$tmp/err"
}

# send LINE: one raw line on the control FIFO (never blocks for ever).
send() {
	printf '%s\n' "$1" >"$tmp/line"
	timeout 10 sh -c 'cat "$1" >"$2"' sh "$tmp/line" \
	    "$REXEC_RUNTIME_DIR/control"
}

reply_has() {
	f="$REXEC_RUNTIME_DIR/replies/$1.json"
	poll 60 test -s "$f" && grep -q -- "$2" "$f"
}

# The host, memcheck's pid its own so that SIGTERM reaches it.
sh "$vg" --exec host "$REXEC" host --headless >"$tmp/console" \
    2>"$tmp/host.err" </dev/null &
host=$!
if ! poll 120 up_or_dead || ! host_up; then
	echo "Bail out! the host did not start under valgrind"
	sed 's/^/# /' "$tmp/host.err"
	exit 1
fi
ok "the host starts under memcheck"

rx hi run -- echo hi
check "run echo hi: prints hi, exit 0" status_out 0 hi

rx fail run -- sh -c 'echo oops; exit 3'
check "a failing command: its output and exit 3" status_out 3 oops

rx notfound run -- rexec-no-such-program
check "an unknown program: not found, exit 127" \
    status_err 127 'rexec-no-such-program: not found'

printf 'line one\nline two\n' >"$tmp/in"
rx stdin run --read-stdin -- cat <"$tmp/in"
check "--read-stdin: cat gives the input back" \
    status_out 0 "$(cat "$tmp/in")"

big=$(head -c 6000 /dev/zero | tr '\0' x)
rx spool run -- printf %s "$big"
check "a 6000-byte request goes through the spool" status_out 0 "$big"

rx escapes run -- printf '\033[1;31mred\033[0m\r\nstep 1\rstep 2\r\n'
check "colours and carriage returns become plain text" \
    status_out 0 "$(printf 'red\nstep 2')"

rx timeout run --timeout 1 -- sleep 60
check "--timeout 1: timeout, exit 124" status_err 124 timeout

# A client stopped by SIGINT sends abort and exits as SIGINT would.
sh "$vg" --exec client-abort "$REXEC" run -- sleep 60 >"$tmp/out" \
    2>"$tmp/err" </dev/null &
client=$!
if poll 60 running 1; then
	kill -INT "$client"
	poll 60 gone "$client"
fi
stop "$client"
wait "$client"
st=$?
client=
check "SIGINT to a client aborts its run, exit 130" status_err 130 aborted
check "the aborted run is gone from the host" poll 30 running 0

rx flood run -- sh -c 'head -c 20000000 /dev/urandom | base64'
check "a 27 MB flood: exit 0, output capped" \
    sh -c '[ "$1" -eq 0 ] && [ -s "$2" ] && [ "$(wc -c <"$2")" -lt 1000000 ]' \
    sh "$st" "$tmp/out"

send '{"action":"ping","id":"p1"}'
check "ping: pong" reply_has p1 '"result":"pong"'

send 'this is not json'
send '{"id":"bd","whoami":"t","dir":"/no/such/dir","exec":["true"]}'
check "a bad directory: bad_dir" reply_has bd '"error":"bad_dir'

send '{"whoami":"anon","dir":"/","exec":["echo","no-reply"]}'
send '{"action":"ping","id":"p2"}'
check "after bad JSON and a run without an id, ping still answers" \
    reply_has p2 '"result":"pong"'

rx status status
check "status: 0 running, 0 queued" status_line 0 "0 running, 0 queued"

rx status-json status --json
check "status --json" sh -c '[ "$1" -eq 0 ] && grep -q "\"running\":\[\]" "$2"' \
    sh "$st" "$tmp/out"

rx list list
check "list: the session with its commands" \
    sh -c '[ "$1" -eq 0 ] && grep -q "commands=" "$2"' sh "$st" "$tmp/out"
session=$(sed -n '1s/ .*//p' "$tmp/out")

rx log log 1
check "log 1: the first run's text" status_out 0 hi

rx print print "$session"
check "print: the journal in console form" \
    sh -c '[ "$1" -eq 0 ] && grep -q "echo hi" "$2"' sh "$st" "$tmp/out"

rx replay replay --speed 1000 1
check "replay 1: the recording" \
    sh -c '[ "$1" -eq 0 ] && grep -q "hi" "$2"' sh "$st" "$tmp/out"

kill -TERM "$host"
poll 120 gone "$host" || kill -KILL "$host"
wait "$host"
st=$?
host=
check "SIGTERM: the host stops cleanly, exit 0" [ "$st" -eq 0 ]

# memcheck's verdicts; the full logs of anything it flagged follow as TAP
# comments, which the harness keeps in order in the test's .log.
for who in host 'client-*'; do
	if verdict=$(sh "$vg" --report "$who" 2>"$tmp/vg"); then
		ok "$verdict"
	else
		: >"$tmp/out"
		: >"$tmp/err"
		not_ok "$verdict"
		sed 's/^/# /' "$tmp/vg"
	fi
done
echo "1..$n"
