#!/usr/bin/env bats
# daemon.bats: the host outlives its terminal: rexec host --daemon, SIGHUP,
# and a headless stdout that never stalls the host.

load helpers

setup() {
	setup_dirs
	export REXEC_WHOAMI=tester
	printf '[run]\nkill_grace = 0.3\nlinger = 0.5\n' >"$BATS_TEST_TMPDIR/rexec.ini"
	export REXEC_CONFIG="$BATS_TEST_TMPDIR/rexec.ini"
	TMUX_SOCK="rexec-daemon-$$-$BATS_TEST_NUMBER"
	READER_PID=
}

teardown() {
	[ -z "$READER_PID" ] || kill -CONT "$READER_PID" 2>/dev/null || true
	[ -z "$READER_PID" ] || kill "$READER_PID" 2>/dev/null || true
	tmux -L "$TMUX_SOCK" kill-server 2>/dev/null || true
	stop_host
}

# The pid of the host serving our runtime directory.
serving_pid() {
	"$REXEC" status --json 2>/dev/null | jq -r .pid
}

# Start a daemon from here; HOST_PID is its pid.
start_daemon() {
	rx host --daemon
	[ "$status" -eq 0 ]
	HOST_PID=$(serving_pid)
	[ -n "$HOST_PID" ] && [ "$HOST_PID" != null ]
}

# A run starts with no signal ignored, whatever its host ignores.
run_ignores_nothing() {
	rx run -- grep '^SigIgn:' /proc/self/status
	[ "$status" -eq 0 ]
	[ "$output" = "SigIgn:	0000000000000000" ]
}

running_runs() {
	"$REXEC" status | grep -q "$1 running"
}

@test "daemon: --daemon returns once the host serves, says nothing, and runs work" {
	rx host --daemon
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ -z "$stderr_out" ]
	# No waiting: it serves when --daemon returns.
	rx check
	[ "$status" -eq 0 ]
	HOST_PID=$(serving_pid)
	rx run -- sh -c 'echo from the daemon; exit 3'
	[ "$status" -eq 3 ]
	[ "$output" = "from the daemon" ]
	run_ignores_nothing
	rx host -d
	[ "$status" -eq 1 ]
	[ "$stderr_out" = "rexec: another rexec host is running, pid $HOST_PID" ]
}

attach_ready() {
	grep -q '"event":"ready"' "$BATS_TEST_TMPDIR/attach"
}

@test "daemon: its messages reach a viewer" {
	start_daemon
	"$REXEC" attach --json >"$BATS_TEST_TMPDIR/attach" 2>&1 3>&- &
	local viewer=$!
	wait_for attach_ready
	kill "$viewer"
	wait "$viewer" || true
	jq -r 'select(.event == "message") | .text' "$BATS_TEST_TMPDIR/attach" |
		grep -qE "^host [0-9.]+ started: pid $HOST_PID, runtime $REXEC_RUNTIME_DIR"
}

@test "daemon: fds 0-2 on /dev/null, cwd /, its own session, none of the caller's fds, no zombie under the caller" {
	local d=$BATS_TEST_TMPDIR caller fd
	# The caller lives on (as rexec attach would) and holds an fd of its own.
	bash -c '"$REXEC" host --daemon 9>"$1/marker"; echo $? >"$1/rc"; exec sleep 60' \
		_ "$d" 3>&- &
	caller=$!
	wait_for test -s "$d/rc"
	[ "$(cat "$d/rc")" = 0 ]
	HOST_PID=$(serving_pid)
	for fd in 0 1 2; do
		[ "$(readlink "/proc/$HOST_PID/fd/$fd")" = /dev/null ]
	done
	[ "$(readlink "/proc/$HOST_PID/cwd")" = / ]
	# Field 6 of stat is the session id (the command name has no spaces).
	[ "$(cut -d' ' -f6 "/proc/$HOST_PID/stat")" = "$HOST_PID" ]
	for fd in /proc/"$HOST_PID"/fd/*; do
		[ "$(readlink "$fd")" != "$d/marker" ]
	done
	# Neither the host nor the process between is the caller's child.
	[ "$(cut -d' ' -f4 "/proc/$HOST_PID/stat")" != "$caller" ]
	[ -z "$(cat /proc/"$caller"/task/*/children)" ]
	kill "$caller"
	wait "$caller" || true
}

@test "daemon: a bad configuration or runtime directory fails with the reason, exit 1" {
	printf '[run]\ntimeout = ten\n' >"$BATS_TEST_TMPDIR/rexec.ini"
	rx host --daemon
	[ "$status" -eq 1 ]
	[[ "$stderr_out" == *"rexec.ini:2: [run] timeout: not a number: \"ten\""* ]]
	printf '[run]\nkill_grace = 0.3\n' >"$BATS_TEST_TMPDIR/rexec.ini"
	# The host's own refusal, from the background process.
	mkdir -m 755 "$REXEC_RUNTIME_DIR"
	rx host --daemon
	[ "$status" -eq 1 ]
	[[ "$stderr_out" == "rexec: "*"mode 0755 lets group or others in"* ]]
	[ "$(grep -c . <<<"$stderr_out")" -eq 1 ]
	rx check
	[ "$status" -eq 127 ]
}

@test "daemon: --daemon with --headless is a usage error" {
	rx host --daemon --headless
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == "rexec: "*"--daemon and --headless"* ]]
	rx host -d --headless
	[ "$status" -eq 2 ]
	rx check
	[ "$status" -eq 127 ]
}

@test "daemon: SIGHUP leaves the daemon serving and its runs going" {
	start_daemon
	"$REXEC" run -- sh -c 'sleep 1; echo survived' >"$BATS_TEST_TMPDIR/out" 3>&- &
	local client=$!
	wait_for running_runs 1
	kill -HUP "$HOST_PID"
	wait "$client"
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = survived ]
	rx check
	[ "$status" -eq 0 ]
	[ "$(serving_pid)" = "$HOST_PID" ]
}

pane_gone() {
	! kill -0 "$PANE_PID" 2>/dev/null
}

@test "daemon: a nohup'd headless host outlives its tmux pane; a run begun before finishes" {
	command -v tmux >/dev/null || skip "tmux is not installed (apt-get install tmux)"
	local d=$BATS_TEST_TMPDIR pane client
	pane=$(tmux -L "$TMUX_SOCK" -f /dev/null new-session -d -P -F '#{pane_id}' \
		-x 80 -y 24 "env REXEC='$REXEC' sh -c 'nohup \"\$REXEC\" host --headless >\"$d/console\" 2>\"$d/host.err\" & echo \$! >\"$d/pid\"; exec sleep 600'")
	PANE_PID=$(tmux -L "$TMUX_SOCK" display-message -p -t "$pane" '#{pane_pid}')
	wait_for test -s "$d/pid"
	HOST_PID=$(cat "$d/pid")
	wait_for host_answers
	"$REXEC" run -- sh -c 'sleep 1.5; echo finished' >"$d/out" 3>&- &
	client=$!
	wait_for running_runs 1
	tmux -L "$TMUX_SOCK" kill-pane -t "$pane"
	wait_for pane_gone
	wait "$client"
	[ "$(cat "$d/out")" = finished ]
	rx check
	[ "$status" -eq 0 ]
	[ "$(serving_pid)" = "$HOST_PID" ]
	run_ignores_nothing
}

@test "daemon: a foreground headless host still stops on SIGHUP, its runs ended as shutdown" {
	# Whatever started the tests, this host starts with SIGHUP at its default.
	env --default-signal=HUP "$REXEC" host --headless >"$BATS_TEST_TMPDIR/console" \
		2>"$BATS_TEST_TMPDIR/host.err" 3>&- &
	HOST_PID=$!
	wait_for host_answers
	"$REXEC" run --json -- sleep 30 >"$BATS_TEST_TMPDIR/r1" 3>&- &
	local client=$!
	wait_for running_runs 1
	kill -HUP "$HOST_PID"
	wait "$client" || true
	wait_for host_gone
	[ "$(jq -r .error "$BATS_TEST_TMPDIR/r1")" = shutdown ]
	[ "$(grep -c '"error":"shutdown"' "$(journal_file)")" -eq 1 ]
}

# A headless host whose stdout is the FIFO $BATS_TEST_TMPDIR/fifo, read by
# cat into $BATS_TEST_TMPDIR/seen (READER_PID).
start_host_on_fifo() {
	local d=$BATS_TEST_TMPDIR
	mkfifo "$d/fifo"
	cat <"$d/fifo" >"$d/seen" 3>&- &
	READER_PID=$!
	"$REXEC" host --headless "$@" >"$d/fifo" 2>"$d/host.err" 3>&- &
	HOST_PID=$!
	wait_for host_answers
}

# The reader of the FIFO has gone (polled: bash's wait on it was seen
# to spin for ever on a loaded machine).
reader_gone() {
	! kill -0 "$READER_PID" 2>/dev/null
}

seen_has() {
	grep -qF -- "$1" "$BATS_TEST_TMPDIR/seen"
}

journal_has_seq() {
	[ "$(jq -r "select(.seq == $1) | .exit" "$(journal_file)" 2>/dev/null)" = "$2" ]
}

@test "daemon: a stopped reader of the headless stdout never stalls a flood; what it missed is one dim line" {
	local d=$BATS_TEST_TMPDIR
	start_host_on_fifo
	rx run -- echo before
	wait_for seen_has before
	kill -STOP "$READER_PID"
	# 50 MB against a reader that reads nothing: the run ends, its agent
	# gets the reply and the journal the line (the old blocking stdout
	# hung here for ever, hence the timeout).
	timeout 120 "$REXEC" run -- sh -c 'head -c 50000000 /dev/zero | tr "\0" x; echo; echo flood-end' \
		>"$d/flood" 3>&-
	[ "$(tail -n 1 "$d/flood")" = flood-end ]
	wait_for journal_has_seq 2 0
	rx run -- echo after
	[ "$output" = after ]
	kill -CONT "$READER_PID"
	wait_for seen_has "rexec log 2]"
	# Dim, on a line of its own, and the stream goes on after it.
	grep -qE $'^\e\\[2m\\[rexec: [0-9]+ bytes not shown; rexec log 2\\]\e\\[22m$' "$d/seen"
	rx run -- echo later
	wait_for seen_has later
}

@test "daemon: with [headless] raw = false the line about missed bytes is plain text" {
	local d=$BATS_TEST_TMPDIR
	printf '[headless]\nraw = false\n' >>"$d/rexec.ini"
	start_host_on_fifo
	kill -STOP "$READER_PID"
	timeout 120 "$REXEC" run -- seq 2000000 >/dev/null 3>&-
	wait_for journal_has_seq 1 0
	kill -CONT "$READER_PID"
	wait_for seen_has "rexec log 1]"
	grep -qE '^\[rexec: [0-9]+ bytes not shown; rexec log 1\]$' "$d/seen"
	! grep -q $'\e' "$d/seen"
}

@test "daemon: a headless stdout whose reader is gone: one line on stderr, the host serves on" {
	local d=$BATS_TEST_TMPDIR
	start_host_on_fifo
	rx run -- echo first
	wait_for seen_has first
	kill "$READER_PID"
	wait_for reader_gone
	READER_PID=
	rx run -- seq 100000
	[ "$status" -eq 0 ]
	rx run -- seq 100000
	[ "$status" -eq 0 ]
	wait_for grep -q "console on standard output: Broken pipe; it is no longer written" "$d/host.err"
	[ "$(grep -c "console on standard output" "$d/host.err")" -eq 1 ]
	rx check
	[ "$status" -eq 0 ]
	[ "$(serving_pid)" = "$HOST_PID" ]
}
