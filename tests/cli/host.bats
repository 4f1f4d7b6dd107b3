#!/usr/bin/env bats
# host.bats: the host itself: its files, the control protocol's bad inputs,
# a second host, crashes and graceful shutdown.

load helpers

setup() {
	setup_dirs
	export REXEC_WHOAMI=tester
}

teardown() {
	stop_host
}

# The last journal line, as JSON.
last_journal_line() {
	tail -n 1 "$(journal_file)"
}

journal_has_error() {
	jq -r .error "$(journal_file)" | grep -qxF "$1"
}

# Send a line with an id and expect a bad_request reply naming the problem.
expect_bad() {
	local id=$1 line=$2 want=$3
	send_line "$line"
	run await_reply "$id"
	[ "$status" -eq 0 ]
	[ "$(jq -r .error <<<"$output")" = "bad_request: $want" ]
	[ "$(jq -r .exit <<<"$output")" = 127 ]
	wait_for journal_has_error "bad_request: $want"
}

@test "host: private runtime files; the FIFO is 0600; the lock holds our pid" {
	start_host
	[ "$(stat -c %a "$REXEC_RUNTIME_DIR")" = 700 ]
	[ "$(stat -c %a "$REXEC_RUNTIME_DIR/control")" = 600 ]
	[ -p "$REXEC_RUNTIME_DIR/control" ]
	[ "$(stat -c %a "$REXEC_RUNTIME_DIR/replies")" = 700 ]
	[ "$(stat -c %a "$REXEC_RUNTIME_DIR/spool")" = 700 ]
	[ "$(cat "$REXEC_RUNTIME_DIR/host.lock")" = "$HOST_PID" ]
	# The start line says "rexec" once.
	grep -qxE "rexec: host [0-9.]+ started: pid $HOST_PID, runtime $REXEC_RUNTIME_DIR, journal $REXEC_JOURNAL_DIR/.*\.jsonl" \
		"$BATS_TEST_TMPDIR/host.err"
	[ "$(stat -c %a "$REXEC_JOURNAL_DIR")" = 700 ]
	[ "$(stat -c %a "$(journal_file)")" = 600 ]
	[[ "$(basename "$(journal_file)")" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{2}:[0-9]{2}:[0-9]{2}(-[0-9]+)?\.jsonl$ ]]
}

@test "host: a second host is refused and told the first one's pid" {
	start_host
	rx host --headless
	[ "$status" -eq 1 ]
	[ "$stderr_out" = "rexec: another rexec host is running, pid $HOST_PID" ]
}

@test "host: a runtime directory that is a symlink, open, or a file is refused" {
	mkdir -m 700 "$BATS_TEST_TMPDIR/real"
	ln -s "$BATS_TEST_TMPDIR/real" "$REXEC_RUNTIME_DIR"
	rx host --headless
	[ "$status" -eq 1 ]
	[[ "$stderr_out" == *"is a symbolic link"* ]]
	rm "$REXEC_RUNTIME_DIR"
	mkdir -m 755 "$REXEC_RUNTIME_DIR"
	rx host --headless
	[ "$status" -eq 1 ]
	[[ "$stderr_out" == *"mode 0755 lets group or others in"* ]]
	rmdir "$REXEC_RUNTIME_DIR"
	touch "$REXEC_RUNTIME_DIR"
	rx host --headless
	[ "$status" -eq 1 ]
	[[ "$stderr_out" == *"exists and is not a directory"* ]]
	rm "$REXEC_RUNTIME_DIR"
	mkdir -m 777 "$REXEC_JOURNAL_DIR"
	rx host --headless
	[ "$status" -eq 1 ]
	[[ "$stderr_out" == *"$REXEC_JOURNAL_DIR: mode 0777"* ]]
}

@test "host: a file where the FIFO should be is refused" {
	mkdir -m 700 "$REXEC_RUNTIME_DIR"
	touch "$REXEC_RUNTIME_DIR/control"
	rx host --headless
	[ "$status" -eq 1 ]
	[[ "$stderr_out" == *"control: exists and is not a FIFO"* ]]
}

@test "protocol: ping answers pong with version and pid" {
	start_host
	send_line '{"action":"ping","id":"p1"}'
	run await_reply p1
	[ "$(jq -r .result <<<"$output")" = pong ]
	[ "$(jq -r .pid <<<"$output")" = "$HOST_PID" ]
	[ "$(jq -r .version <<<"$output")" = "$("$REXEC" --version | cut -d' ' -f2)" ]
}

@test "protocol: a response file is 0600 and appears whole" {
	start_host
	send_line '{"id":"m1","whoami":"t","dir":"/","exec":["echo","hi"]}'
	run await_reply m1
	[ "$(stat -c %a "$(reply_file m1)")" = 600 ]
	[ "$(jq -r .output <<<"$output")" = hi ]
	[ -z "$(ls -A "$REXEC_RUNTIME_DIR/replies" | grep -v '^m1.json$')" ]
}

@test "bad input: not JSON, wrong types, missing fields" {
	start_host
	send_line 'this is not json'
	wait_for grep -q '"error":"bad_request: not JSON' "$(journal_file)"
	expect_bad b1 '{"id":"b1","dir":"/","exec":["true"]}' "whoami: missing"
	expect_bad b2 '{"id":"b2","whoami":5,"dir":"/","exec":["true"]}' "whoami: not a string"
	expect_bad b3 '{"id":"b3","whoami":"t","exec":["true"]}' "dir: missing"
	expect_bad b4 '{"id":"b4","whoami":"t","dir":"/"}' "exec: missing"
	expect_bad b5 '{"id":"b5","whoami":"t","dir":"/","exec":"true"}' "exec: not an array"
	expect_bad b6 '{"id":"b6","whoami":"t","dir":"/","exec":["true"],"timeout":"soon"}' "timeout: not a number"
	expect_bad b7 '{"id":"b7","whoami":"t","dir":"/","exec":["true"],"envs":[]}' "envs: not an object"
	# The host carries on.
	rx run -- echo alive
	[ "$output" = alive ]
}

@test "bad input: relative dir, empty exec, NUL, env name with =, bad id" {
	start_host
	expect_bad c1 '{"id":"c1","whoami":"t","dir":"tmp","exec":["true"]}' 'dir: not an absolute path: "tmp"'
	expect_bad c2 '{"id":"c2","whoami":"t","dir":"/","exec":[]}' "exec: empty"
	expect_bad c3 '{"id":"c3","whoami":"t","dir":"/","exec":["echo","a\u0000b"]}' "exec[1]: contains NUL"
	expect_bad c4 '{"id":"c4","whoami":"t","dir":"/","exec":["true"],"envs":{"A=B":"x"}}' 'envs["A=B"]: name contains "="'
	send_line '{"id":"../evil","whoami":"t","dir":"/","exec":["true"]}'
	wait_for grep -q '"error":"bad_request: id: not a valid id"' "$(journal_file)"
	[ ! -e "$REXEC_RUNTIME_DIR/evil.json" ]
}

@test "bad input: a line jansson refuses still gets its reply when its id can be read" {
	start_host
	# jansson refuses NUL in an object key; the id is read from the raw line.
	expect_bad k1 '{"id":"k1","whoami":"t","dir":"/","exec":["true"],"envs":{"A\u0000B":"1"}}' \
		"not JSON: NUL byte in object key not supported near '\"A\\u0000B\"' at line 1 column 68"
	expect_bad k2 '{"id":"k2","whoami":"t","dir":"/","exec":["true"],}' \
		"not JSON: string or '}' expected near '}' at line 1 column 51"
	expect_bad k3 '{"id":"k3","whoami":"t","dir":"/","exec":["tr' \
		"not JSON: premature end of input near '\"tr' at line 1 column 45"
	# Stray bytes before the object (invalid UTF-8, junk): the id is
	# still read from the object that follows them.
	expect_bad k7 "$(printf '\377\376{"id":"k7","action":"ping"}')" \
		"not JSON: unable to decode byte 0xff at line 1 column 0"
	expect_bad k8 'junk{"id":"k8","whoami":"t","dir":"/","exec":["true"]}' \
		"not JSON: invalid token near 'junk' at line 1 column 4"
	# Two ids, or one that is escaped: no guess, no reply, but a journal line.
	send_line '{"id":"k4","id":"k5","whoami":'
	send_line '{"id":"k\u0036","whoami":'
	wait_for grep -q 'k\\\\u0036' "$(journal_file)"
	[ ! -e "$(reply_file k4)" ] && [ ! -e "$(reply_file k5)" ] && [ ! -e "$(reply_file k6)" ]
}

# Announce a spool file and expect "bad_request: spool: <why>" in the reply
# and the journal.
expect_bad_spool() {
	local id=$1 want=$2
	send_line "{\"action\":\"spool\",\"id\":\"$id\"}"
	run await_reply "$id"
	[ "$status" -eq 0 ]
	[ "$(jq -r .error <<<"$output")" = "bad_request: spool: $want" ]
	[ "$(jq -r .exit <<<"$output")" = 127 ]
	wait_for journal_has_error "bad_request: spool: $want"
	[ "$(jq -c "select(.error == \"bad_request: spool: $want\") | .id" "$(journal_file)")" = "\"$id\"" ]
}

@test "bad input: every spool failure is answered in the reply and the journal" {
	start_host
	sp=$REXEC_RUNTIME_DIR/spool
	expect_bad_spool s1 "No such file or directory"
	printf 'not json\n' >"$sp/s2.json"
	expect_bad_spool s2 "not JSON: invalid token near 'not' at line 1 column 3"
	python3 -c 'print("[" * 10000 + "]" * 10000)' >"$sp/s3.json"
	expect_bad_spool s3 "not JSON: maximum parsing depth reached near '[' at line 1 column 2049"
	truncate -s 65M "$sp/s4.json"
	expect_bad_spool s4 "larger than 64 MiB"
	printf '{"id":"s5","whoami":"t","dir":"/","exec":["true"]}' >"$BATS_TEST_TMPDIR/elsewhere.json"
	ln -s "$BATS_TEST_TMPDIR/elsewhere.json" "$sp/s5.json"
	expect_bad_spool s5 "a symbolic link, not a file"
	mkfifo "$sp/s6.json"
	expect_bad_spool s6 "not a regular file"
	printf '{"id":"other","whoami":"t","dir":"/","exec":["true"]}' >"$sp/s7.json"
	expect_bad_spool s7 "not a request with the same id"
	printf '{"id":"s8","dir":"/","exec":["true"]}' >"$sp/s8.json"
	expect_bad_spool s8 "whoami: missing"
	# Nothing is left behind, and the host carries on.
	[ -z "$(ls -A "$sp")" ]
	rx run -- echo alive
	[ "$output" = alive ]
}

@test "bad input: a line over 4096 bytes is discarded and the host resyncs" {
	start_host
	long=$(head -c 5000 /dev/zero | tr '\0' x)
	printf '{"id":"L1","whoami":"t","dir":"/","exec":["echo","%s"]}\n{"id":"L2","whoami":"t","dir":"/","exec":["echo","next"]}\n' "$long" \
		>"$REXEC_RUNTIME_DIR/control"
	run await_reply L2
	[ "$(jq -r .output <<<"$output")" = next ]
	grep -q '"error":"bad_request: line too long"' "$(journal_file)"
	[ ! -e "$(reply_file L1)" ]
}

@test "bad input: duplicate id of a live run" {
	start_host
	send_line '{"id":"d1","whoami":"t","dir":"/","exec":["sleep","30"]}'
	wait_for sh -c '"$REXEC" status | grep -q "1 running"'
	send_line '{"id":"d1","whoami":"t","dir":"/","exec":["true"]}'
	wait_for grep -q '"error":"bad_request: duplicate id"' "$(journal_file)"
	# The refusal goes to d1 too: take it before the run's own answer.
	run await_reply d1
	[ "$(jq -r .error <<<"$output")" = "bad_request: duplicate id" ]
	rm "$(reply_file d1)"
	send_line '{"action":"abort","id":"d1"}'
	run await_reply d1
	[ "$(jq -r .error <<<"$output")" = aborted ]
	[ "$(jq -r .signal <<<"$output")" = 15 ]
}

@test "bad input: unknown action, control line without its id" {
	start_host
	expect_bad u1 '{"action":"explode","id":"u1"}' 'unknown action "explode"'
	# The host says it on stderr too, naming the id in whole parentheses.
	wait_for grep -qF 'bad_request: unknown action "explode" (id u1)' \
		"$BATS_TEST_TMPDIR/host.err"
	send_line '{"action":"ping"}'
	wait_for grep -q '"error":"bad_request: id: missing"' "$(journal_file)"
}

@test "bad input: abort of an unknown id is ignored and logged" {
	start_host
	send_line '{"action":"abort","id":"nobody"}'
	wait_for grep -q "abort: no live run with id nobody" "$BATS_TEST_TMPDIR/host.err"
	rx run -- echo still-here
	[ "$output" = still-here ]
}

@test "bad input: a run without an id runs and is journaled, with no reply" {
	start_host
	send_line '{"whoami":"anon","dir":"/","exec":["echo","no-reply"]}'
	wait_for grep -q '"whoami":"anon"' "$(journal_file)"
	grep -q '"output":"no-reply' "$(journal_file)"
	[ -z "$(ls -A "$REXEC_RUNTIME_DIR/replies")" ]
}

@test "queue full is refused with bad_request" {
	printf '[host]\nmax_parallel = 1\nmax_queue = 1\n' >"$BATS_TEST_TMPDIR/rexec.ini"
	start_host
	send_line '{"id":"q1","whoami":"t","dir":"/","exec":["sleep","30"]}'
	send_line '{"id":"q2","whoami":"t","dir":"/","exec":["true"]}'
	expect_bad q3 '{"id":"q3","whoami":"t","dir":"/","exec":["true"]}' "queue full"
	send_line '{"action":"abort","id":"q1"}'
	run await_reply q2
	[ "$(jq -r .exit <<<"$output")" = 0 ]
}

@test "journal: one whole line per run with the documented fields; secrets redacted" {
	start_host
	rx run --env GITHUB_TOKEN=hunter2 --env PLAIN=visible -- echo journaled
	line=$(grep journaled "$(journal_file)" | tail -n1)
	for f in whoami dir envs exec exit output error time id seq start end duration_ms cols rows host_pid; do
		jq -e "has(\"$f\")" <<<"$line" >/dev/null
	done
	[ "$(jq -r .envs.GITHUB_TOKEN <<<"$line")" = '***' ]
	[ "$(jq -r .envs.PLAIN <<<"$line")" = visible ]
	[ "$(jq -r .host_pid <<<"$line")" = "$HOST_PID" ]
}

@test "crash: host SIGKILL mid-run: the client exits 127, the journal has whole lines, a new host starts at once" {
	start_host
	rx run -- echo before
	"$REXEC" run -- sh -c 'echo pid $$; exec sleep 30' >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" 3>&- &
	client=$!
	wait_for grep -q "^pid [0-9]" "$BATS_TEST_TMPDIR/console"
	pid=$(sed -n 's/^pid \([0-9]*\).*/\1/p' "$BATS_TEST_TMPDIR/console")
	kill -0 -- "-$pid"
	kill -KILL "$HOST_PID"
	st=0
	wait "$client" || st=$?
	[ "$st" -eq 127 ]
	grep -q "stopped before it answered" "$BATS_TEST_TMPDIR/err"
	while read -r line; do
		jq -e . <<<"$line" >/dev/null
	done <"$(journal_file)"
	# The run lost its terminal with its host: the hangup ends it.
	wait_for group_gone "$pid"
	start_host
	rx run -- echo after
	[ "$output" = after ]
}

@test "shutdown: SIGTERM with runs in flight: each gets error shutdown and a journal line" {
	printf '[host]\nmax_parallel = 1\n[run]\nkill_grace = 0.3\n' >"$BATS_TEST_TMPDIR/rexec.ini"
	start_host
	"$REXEC" run --json -- sleep 30 >"$BATS_TEST_TMPDIR/r1" 3>&- &
	c1=$!
	wait_for sh -c '"$REXEC" status | grep -q "1 running"'
	"$REXEC" run --json -- echo never >"$BATS_TEST_TMPDIR/r2" 3>&- &
	c2=$!
	wait_for sh -c '"$REXEC" status | grep -q "1 queued"'
	kill -TERM "$HOST_PID"
	wait "$c1" || true
	wait "$c2" || true
	wait_for host_gone
	[ "$(jq -r .error "$BATS_TEST_TMPDIR/r1")" = shutdown ]
	[ "$(jq -r .error "$BATS_TEST_TMPDIR/r2")" = shutdown ]
	[ "$(jq -r .output "$BATS_TEST_TMPDIR/r2")" = "" ]
	[ "$(grep -c '"error":"shutdown"' "$(journal_file)")" -eq 2 ]
	[ ! -e "$REXEC_RUNTIME_DIR/control" ]
	rx check
	[ "$status" -eq 127 ]
}

# Bytes of the host's console spill files (unlinked, so seen through its
# fds): the host is ours, and only its own fds are looked at.
spill_bytes() {
	local fd sum=0
	for fd in /proc/"$HOST_PID"/fd/*; do
		case $(readlink "$fd" 2>/dev/null) in
		*console-spill*'(deleted)')
			sum=$((sum + $(stat -L -c %s "$fd"))) ;;
		esac
	done
	echo "$sum"
}

# What seq 1 $1 puts on the console: each line ends "\r\n" on a
# terminal, and the host closes the run's turn with a newline.
seq_console_bytes() {
	echo $(($(seq "$1" "$2" | wc -c) + $2 - $1 + 1 + 1))
}

# The console from the line "[rexec: N bytes not shown; rexec replay 2]":
# N plus what follows it is all run 2 printed, and what follows is whole
# lines, the newest.
expect_console_cut() {
	local console=$BATS_TEST_TMPDIR/console line n first
	line=$(grep -a -n '^\[rexec: [0-9]* bytes not shown; rexec replay 2\]$' "$console")
	n=${line#*rexec: }
	n=${n%% *}
	line=${line%%:*}
	# The run's banner just before it.
	sed -n "$((line - 1))p" "$console" | grep -aq '\$ seq 1 3000000'
	first=$(sed -n "$((line + 1))p" "$console" | tr -d '\r')
	[[ "$first" =~ ^[0-9]+$ ]]
	[ "$(tail -n +"$((line + 1))" "$console" | tr -d '\r' | sed '/^$/,$d' | sha1sum)" = \
		"$(seq "$first" 3000000 | sha1sum)" ]
	[ "$((n + $(seq_console_bytes "$first" 3000000)))" -eq "$(seq_console_bytes 1 3000000)" ]
}

@test "console: a run waiting its turn keeps a bounded backlog; its turn says what it left out; the journal has it all" {
	printf '[host]\nconsole_backlog = 10M\n[journal]\nmax_output = 64M\n[run]\nkill_grace = 0.3\nlinger = 0.5\n' \
		>"$BATS_TEST_TMPDIR/rexec.ini"
	start_host
	"$REXEC" run -- sh -c "while [ ! -e '$BATS_TEST_TMPDIR/go' ]; do sleep 0.05; done; echo first-done" \
		>"$BATS_TEST_TMPDIR/first" 3>&- &
	first=$!
	wait_for grep -q 'sleep 0.05' "$BATS_TEST_TMPDIR/console"
	# About 26 MB on the console while run 1 holds it; 8 MiB fit in
	# memory, and the spill keeps at most the bound.
	WAIT_SECONDS=120 rx run -- seq 1 3000000
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = 3000000 ]
	spilled=$(spill_bytes)
	[ "$spilled" -gt 0 ]
	[ "$spilled" -le $((10 * 1024 * 1024)) ]
	! grep -aq '^1'$'\r''$' "$BATS_TEST_TMPDIR/console"
	touch "$BATS_TEST_TMPDIR/go"
	wait "$first"
	WAIT_SECONDS=60 wait_for grep -aq '^3000000'$'\r''$' "$BATS_TEST_TMPDIR/console"
	expect_console_cut
	# The spill went with the backlog; the journal keeps every line.
	[ "$(spill_bytes)" -eq 0 ]
	[ "$("$REXEC" log 2 | sha1sum)" = "$(seq 1 3000000 | sha1sum)" ]
	! grep -q 'console spill' "$BATS_TEST_TMPDIR/host.err"
}

@test "console: a full runtime directory (ENOSPC) costs the console its spill, never the host" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to mount a tmpfs"
	unshare -m true 2>/dev/null || skip "no mount namespaces"
	printf '[host]\nconsole_backlog = 16M\n[run]\nkill_grace = 0.3\nlinger = 0.5\n' \
		>"$BATS_TEST_TMPDIR/rexec.ini"
	export REXEC_CONFIG="$BATS_TEST_TMPDIR/rexec.ini"
	mkdir -p "$REXEC_RUNTIME_DIR"
	# A 1 MiB tmpfs as the runtime directory, seen by this host alone (a
	# private mount namespace) and by the clients that enter it.
	unshare -m sh -c 'mount -t tmpfs -o size=1m,mode=0700 rexec-test "$1" &&
		exec "$2" host --headless' sh "$REXEC_RUNTIME_DIR" "$REXEC" \
		>"$BATS_TEST_TMPDIR/console" 2>"$BATS_TEST_TMPDIR/host.err" 3>&- &
	HOST_PID=$!
	printf '#!/bin/sh\nexec nsenter -t %s -m -- "%s" "$@"\n' "$HOST_PID" "$REXEC" \
		>"$BATS_TEST_TMPDIR/rexec-ns"
	chmod +x "$BATS_TEST_TMPDIR/rexec-ns"
	REXEC=$BATS_TEST_TMPDIR/rexec-ns
	wait_for host_answers
	[ "$(nsenter -t "$HOST_PID" -m -- df --output=size -k "$REXEC_RUNTIME_DIR" | tail -n 1)" -eq 1024 ]
	"$REXEC" run -- sh -c "while [ ! -e '$BATS_TEST_TMPDIR/go' ]; do sleep 0.05; done" 3>&- &
	first=$!
	wait_for grep -q 'sleep 0.05' "$BATS_TEST_TMPDIR/console"
	# 8 MiB fit in memory; the spill for the rest cannot be made.
	WAIT_SECONDS=120 rx run -- seq 1 3000000
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = 3000000 ]
	wait_for grep -q "console spill in $REXEC_RUNTIME_DIR: reserve: No space left on device" \
		"$BATS_TEST_TMPDIR/host.err"
	[ "$(spill_bytes)" -eq 0 ]
	host_answers
	touch "$BATS_TEST_TMPDIR/go"
	wait "$first"
	WAIT_SECONDS=60 wait_for grep -aq '^3000000'$'\r''$' "$BATS_TEST_TMPDIR/console"
	expect_console_cut
	[ "$(grep -c 'console spill' "$BATS_TEST_TMPDIR/host.err")" -eq 1 ]
	rx run -- echo still-here
	[ "$output" = still-here ]
}
