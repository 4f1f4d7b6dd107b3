#!/usr/bin/env bats
# attach.bats: the viewer server on R/attach.sock and rexec attach --json
# (DESIGN.md section 15, rexec-protocol(7) VIEWERS).  tests/cli/viewer.py
# is a scripted viewer that sends what rexec attach never would.

load helpers

setup() {
	setup_dirs
	export REXEC_WHOAMI=tester
	VIEWER="$TESTS_SRCDIR/cli/viewer.py"
	# The system's interpreter when there is one: a version manager's
	# shim in front of python3 costs every viewer a shell start.
	PY=python3
	[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
	SOCK="$REXEC_RUNTIME_DIR/attach.sock"
}

teardown() {
	local p
	for p in ${BG_PIDS:-}; do
		kill -CONT "$p" 2>/dev/null || true
		kill "$p" 2>/dev/null || true
	done
	stop_host
}

# Every event that jq filter $1 selects (there is one at least) passes
# $2; events from the file $3, or stdin.
all_ev() {
	jq -s -e "map(select($1)) | length > 0 and all(.[]; $2)" ${3:+"$3"}
}

# No event passes jq filter $1.
no_ev() {
	jq -s -e "map(select($1)) | length == 0" ${2:+"$2"}
}

viewer() {
	"$PY" "$VIEWER" "$SOCK" "$@"
}

# rexec attach --json in the background, its lines in $1.
attach_bg() {
	local out=$1
	shift
	"$REXEC" attach --json "$@" >"$out" 2>"$out.err" &
	ATTACH_PID=$!
	BG_PIDS="${BG_PIDS:-} $ATTACH_PID"
}

has_line() {
	grep -q -- "$2" "$1" 2>/dev/null
}

attach_ready() {
	has_line "$1" '"event":"ready"'
}

attach_done() {
	! kill -0 "$ATTACH_PID" 2>/dev/null
}

# The decoded data of the events of file $1 that jq filter $2 selects.
decoded() {
	jq -r "select($2) | .data" "$1" | while read -r d; do
		printf '%s' "$d" | base64 -d
	done
}

run_ended() {
	[ "$(jq -r ".running | map(select(.seq == $1)) | length" \
	    <<<"$("$REXEC" status --json)")" = 0 ] &&
	[ "$(jq -r ".detached | map(select(.seq == $1)) | length" \
	    <<<"$("$REXEC" status --json)")" = 0 ]
}

screen_has() {
	"$REXEC" screen "$1" 2>/dev/null | grep -q -- "$2"
}

@test "attach --json: no host is running" {
	rx attach --json
	[ "$status" -eq 1 ]
	[ "$stderr_out" = "rexec: no host is running" ]
	[ -z "$output" ]
}

@test "attach without --json and not on a terminal says so (exit 2)" {
	rx attach
	[ "$status" -eq 2 ]
	[ "$stderr_out" = "rexec: attach: not a terminal (--json prints the events)" ]
	rx attach --run x --json
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == *'not a run number: "x"'* ]]
}

@test "attach --json: hello, run states, typed console, bye host stopped (exit 0)" {
	start_host
	[ -S "$SOCK" ]
	[ "$(stat -c %a "$SOCK")" = 600 ]
	attach_bg "$BATS_TEST_TMPDIR/a"
	wait_for attach_ready "$BATS_TEST_TMPDIR/a"
	rx run --whoami me -- sh -c 'echo out; exit 3'
	[ "$status" -eq 3 ]
	rx run --whoami me --timeout 0.3 -- sh -c 'printf partial; sleep 5'
	[ "$status" -eq 124 ]
	wait_for has_line "$BATS_TEST_TMPDIR/a" '"seq":2,"state":"ended"'
	stop_host
	wait_for attach_done
	wait "$ATTACH_PID" && st=0 || st=$?
	[ "$st" -eq 0 ]
	a="$BATS_TEST_TMPDIR/a"
	head -n 1 "$a" | jq -e '.event == "hello" and .protocol == 1 and
	    .read_only == true and (.host_pid | type) == "number" and
	    (.journal | endswith(".jsonl"))'
	# Run 1 went through its states, in order.
	[ "$(jq -r 'select(.event == "run" and .seq == 1) | .state' "$a" |
	    tr '\n' ' ')" = "queued running ended " ]
	all_ev '.event == "run" and .seq == 1 and .state == "ended"' '.exit == 3 and .whoami == "me" and .argv[0] == "sh"' "$a"
	all_ev '.event == "run" and .seq == 2 and .state == "ended"' '.error == "timeout" and .exit == 124' "$a"
	# The console, typed: banner, output, notes, each with its run.
	[[ "$(decoded "$a" '.event == "console" and .kind == "banner" and
	    .seq == 1')" == *"me:"*"sh -c"* ]]
	[ "$(decoded "$a" '.event == "console" and .kind == "output" and
	    .seq == 1')" = $'out\r' ]
	[ "$(decoded "$a" '.event == "console" and .kind == "output" and
	    .seq == 2')" = partial ]
	[[ "$(decoded "$a" '.event == "console" and .kind == "note" and
	    .seq == 2')" == *"[rexec: timeout]"* ]]
	# No note text ever came as output.
	! decoded "$a" '.event == "console" and .kind != "note"' |
	    grep -q 'rexec: timeout'
	all_ev '.event == "message"' '.text' "$a" >/dev/null
	tail -n 1 "$a" | jq -e '.event == "bye" and .reason == "host stopped"'
}

@test "attach --json -r: read-only; type, input, abort and stop are refused by the host" {
	start_host
	rx run --yield 0.2 -- sh -c 'echo started; sleep 30'
	[ "$status" -eq 75 ]
	run viewer hello '{"read_only":true}' wait ready \
		send '{"request":"type","seq":1}' \
		send '{"request":"input","seq":1}' --data 'x' \
		send '{"request":"abort","seq":1}' \
		send '{"request":"stop"}' \
		wait refused 'request="stop"'
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | jq -r 'select(.event == "refused") |
	    .request + ":" + .reason' | tr '\n' ' ')" = \
	    "type:read-only viewer input:read-only viewer abort:read-only viewer stop:read-only viewer " ]
	printf '%s\n' "$output" | head -n 1 | jq -e '.read_only == true'
	# The run goes on and the host serves.
	rx status --json
	[ "$(jq -r '.detached[0].seq' <<<"$output")" = 1 ]
	rx run -- echo still
	[ "$output" = still ]
	rx kill 1
}

@test "attach --json --run SEQ: its run events, output at contiguous offsets, bye run ended (exit 0)" {
	start_host
	rx run --yield 0.3 -- sh -c 'for i in $(seq 1 300); do echo line $i; sleep 0.003; done'
	[ "$status" -eq 75 ]
	attach_bg "$BATS_TEST_TMPDIR/a" --run 1
	wait_for attach_done
	wait "$ATTACH_PID" && st=0 || st=$?
	[ "$st" -eq 0 ]
	a="$BATS_TEST_TMPDIR/a"
	tail -n 1 "$a" | jq -e '.event == "bye" and .reason == "run ended"'
	# Only run 1's events: no console, no other runs.
	no_ev '.event == "console" or .event == "message"' "$a"
	all_ev '.event == "run"' '.seq == 1' "$a" >/dev/null
	all_ev '.event == "run" and .state == "ended"' '.exit == 0' "$a"
	no_ev '.event == "gap"' "$a"
	# Offsets are contiguous from 0 and the bytes are the run's output.
	off=0
	while read -r o d; do
		[ "$o" = "$off" ]
		off=$((off + $(printf '%s' "$d" | base64 -d | wc -c)))
	done < <(jq -r 'select(.event == "output") | "\(.offset) \(.data)"' "$a")
	decoded "$a" '.event == "output"' | tr -d '\r' >"$BATS_TEST_TMPDIR/got"
	seq 1 300 | sed 's/^/line /' >"$BATS_TEST_TMPDIR/want"
	diff "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	[ "$off" -eq "$(decoded "$a" '.event == "output"' | wc -c)" ]
	# An unknown run: bye "no run N", exit 1.
	rx attach --json --run 99
	[ "$status" -eq 1 ]
	[ "$(printf '%s\n' "$output" | tail -n 1 | jq -r .reason)" = "no run 99" ]
}

@test "attach --json --run SEQ: a run bigger than snapshot_bytes starts with a gap" {
	printf '[viewer]\nsnapshot_bytes = 4096\n' >"$BATS_TEST_TMPDIR/rexec.ini"
	start_host
	rx run -- sh -c 'seq 1 20000'
	[ "$status" -eq 0 ]
	rx attach --json --run 1
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/a"
	a="$BATS_TEST_TMPDIR/a"
	total=$(seq 1 20000 | sed 's/$/\r/' | wc -c)
	all_ev '.event == "gap"' '.offset == 0 and .seq == 1' "$a"
	gap=$(jq -r 'select(.event == "gap") | .bytes' "$a")
	[ "$(jq -r 'select(.event == "output") | .offset' "$a" | head -n 1)" = "$gap" ]
	got=$(decoded "$a" '.event == "output"' | wc -c)
	[ "$got" -eq 4096 ]
	[ $((gap + got)) -eq "$total" ]
	tail -n 1 "$a" | jq -e '.reason == "run ended"'
}

@test "attach: a viewer attached mid-run gets the run's newest bytes; they render as its screen" {
	start_host
	rx run --yield 0.2 -- sh -c 'printf "\033[2J\033[Htop line\n"; for i in $(seq 1 40); do printf "\033[5;3Hcount %d\033[K" $i; done; printf "\033[10;1Hbottom"; sleep 30'
	[ "$status" -eq 75 ]
	wait_for screen_has 1 bottom
	run viewer hello '{"run":1}' wait ready
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/v"
	decoded "$BATS_TEST_TMPDIR/v" '.event == "output"' >"$BATS_TEST_TMPDIR/raw"
	"$REXEC" render --cols 80 --rows 24 <"$BATS_TEST_TMPDIR/raw" >"$BATS_TEST_TMPDIR/rendered"
	"$REXEC" screen 1 >"$BATS_TEST_TMPDIR/screen"
	grep -q 'count 40' "$BATS_TEST_TMPDIR/rendered"
	diff "$BATS_TEST_TMPDIR/screen" "$BATS_TEST_TMPDIR/rendered"
	# open on a normal viewer gives the same bytes.
	run viewer hello wait ready send '{"request":"open","seq":1}' \
		wait output
	[ "$status" -eq 0 ]
	rx kill 1
}

@test "attach: a hello with protocol 2 gets hello and bye with the line; the host says it too" {
	start_host
	run viewer hello '{"protocol":2}' drain
	[ "$status" -eq 0 ]
	line="viewer speaks viewer protocol 2, this host 1: attach with the host's rexec or restart the host"
	[ "$(printf '%s\n' "$output" | sed -n 1p | jq -r .event)" = hello ]
	printf '%s\n' "$output" | sed -n 2p | jq -e --arg l "$line" \
	    '.event == "bye" and .reason == "protocol mismatch" and .text == $l'
	wait_for has_line "$BATS_TEST_TMPDIR/host.err" "$line"
	rx run -- echo fine
	[ "$output" = fine ]
}

@test "attach --json: a host speaking protocol 2 is refused with one line (exit 1)" {
	mkdir -m 700 "$REXEC_RUNTIME_DIR" "$REXEC_RUNTIME_DIR/replies"
	"$PY" - "$SOCK" <<'EOF' &
import json, socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(1)
c, _ = s.accept()
j = json.dumps({"event": "hello", "protocol": 2, "version": "9"}).encode()
c.sendall(struct.pack(">II", len(j), 0) + j)
c.recv(65536)
c.settimeout(10)
try:
    c.recv(65536)
except Exception:
    pass
EOF
	BG_PIDS="$!"
	wait_for test -S "$SOCK"
	rx attach --json
	[ "$status" -eq 1 ]
	[ "$stderr_out" = "rexec: host speaks viewer protocol 2, this rexec 1: restart the host or use its rexec" ]
}

@test "attach: another user's connection is closed and the host names the uid" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to connect as another user"
	command -v setpriv >/dev/null || skip "needs setpriv"
	# A python the other user may run (not one under root's home).
	py=
	for p in /usr/bin/python3 /usr/local/bin/python3 "$(command -v python3)"; do
		if setpriv --reuid=65534 --regid=65534 --clear-groups "$p" -c '' \
		    2>/dev/null; then
			py=$p
			break
		fi
	done
	[ -n "$py" ] || skip "no python3 that uid 65534 may run"
	# A runtime directory the other user can reach once it is opened
	# up: the host's own check is the peer's uid.
	OPEN_DIR=$(mktemp -d /tmp/rexec-attach-uid.XXXXXX)
	export REXEC_RUNTIME_DIR="$OPEN_DIR/run"
	SOCK="$REXEC_RUNTIME_DIR/attach.sock"
	start_host
	chmod 711 "$OPEN_DIR" "$REXEC_RUNTIME_DIR"
	chmod 666 "$SOCK"
	cp "$VIEWER" "$OPEN_DIR/viewer.py"
	chmod 755 "$OPEN_DIR/viewer.py"
	run setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$py" "$OPEN_DIR/viewer.py" "$SOCK" hello drain
	stop_host
	rm -rf "$OPEN_DIR"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	grep -q "refused a connection from uid 65534" "$BATS_TEST_TMPDIR/host.err"
}

@test "attach: bad frames get a named bye and the host goes on serving" {
	start_host
	run viewer raw 7fffffff00000000 drain
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | jq -e '.event == "bye" and .reason == "bad frame" and (.text | contains("JSON part of"))'
	run viewer raw 0000000500000000776f726c64 drain
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | jq -e '.event == "bye" and .reason == "bad frame"'
	run viewer send '{"request":"open","seq":1}' drain
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | jq -e '.event == "bye" and .reason == "bad hello"'
	run viewer hello '{"read_only":"yes"}' drain
	printf '%s\n' "$output" | jq -e '.event == "bye" and .reason == "bad hello" and (.text | contains("read_only"))'
	# After the hello: an unknown request and a missing seq are refused.
	run viewer hello wait ready send '{"request":"dance"}' \
		send '{"request":"open"}' wait refused 'reason="seq: missing"'
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | all_ev '.event == "refused" and .request == "dance"' '.reason == "unknown request"'
	rx run -- echo alive
	[ "$output" = alive ]
	run viewer hello wait ready
	[ "$status" -eq 0 ]
}

@test "attach: one typist per run; the second is told who has it and gets it when the first lets go" {
	start_host
	rx run --yield 0.2 -- sh -c 'while read l; do echo "got $l"; done'
	[ "$status" -eq 75 ]
	t=$BATS_TEST_TMPDIR
	viewer hello '{"name":"alice"}' wait ready send '{"request":"type","seq":1}' \
		wait typist 'you=true' touch "$t/a-has" waitfile "$t/b-told" \
		send '{"request":"input","seq":1}' --data $'from alice\n' \
		send '{"request":"untype","seq":1}' wait typist 'you=false' \
		>"$t/a" 2>"$t/a.err" &
	a_pid=$!
	BG_PIDS="$a_pid"
	run viewer hello '{"name":"bob"}' wait ready waitfile "$t/a-has" \
		send '{"request":"input","seq":1}' --data 'x' wait refused \
		send '{"request":"type","seq":1}' wait typist 'you=false' \
		touch "$t/b-told" wait typist 'you=true' \
		send '{"request":"input","seq":1}' --data $'from bob\n' \
		send '{"request":"untype","seq":1}' wait typist
	[ "$status" -eq 0 ]
	wait "$a_pid"
	[ "$(printf '%s\n' "$output" | jq -r 'select(.event == "typist") | .holder' | head -n 1)" = alice ]
	printf '%s\n' "$output" | all_ev '.event == "refused"' '.reason == "alice is typing into run 1"'
	printf '%s\n' "$output" | all_ev '.event == "typist" and .you == true' '.holder == "bob"'
	wait_for screen_has 1 "got from bob"
	screen_has 1 "got from alice"
	rx kill 1
}

@test "attach: a stopped viewer never slows a flood; when it reads again it gets a gap and the end" {
	start_host
	attach_bg "$BATS_TEST_TMPDIR/a"
	wait_for attach_ready "$BATS_TEST_TMPDIR/a"
	kill -STOP "$ATTACH_PID"
	SECONDS=0
	rx run --timeout 60 -- sh -c 'head -c 30000000 /dev/zero | tr "\0" x; echo; echo done'
	[ "$status" -eq 0 ]
	[ "$SECONDS" -lt 30 ]
	[[ "$output" == *done* ]]
	all_ev '.seq == 1' '.output_bytes == 30000006' "$(journal_file)"
	kill -CONT "$ATTACH_PID"
	wait_for has_line "$BATS_TEST_TMPDIR/a" '"seq":1,"state":"ended"'
	stop_host
	wait_for attach_done
	wait "$ATTACH_PID" && st=0 || st=$?
	[ "$st" -eq 0 ]
	a="$BATS_TEST_TMPDIR/a"
	tail -n 1 "$a" | jq -e '.reason == "host stopped"'
	# The console alone never fills its queue: no resync, a gap instead,
	# then the newest part, which ends with the flood's end.
	no_ev '.event == "resync"' "$a"
	all_ev '.event == "console" and .kind == "gap"' '.why == "behind"' "$a"
	jq -s -e 'map(select(.event == "console" and .kind == "gap") | .bytes) | add > 20000000' "$a"
	jq -s -r 'map(select(.event == "console" and .kind == "output" and .seq == 1)) | last | .data' "$a" | base64 -d >"$BATS_TEST_TMPDIR/last"
	[ "$(tail -n 1 "$BATS_TEST_TMPDIR/last")" = $'done\r' ]
}

@test "attach: a flood goes to a viewer that reads along in turns: gaps, far fewer bytes than the flood, every line whole, the end" {
	# 16 KiB kept: a turn leaves bytes out at any flood over 0.5 MB/s,
	# however slow a loaded machine makes it.
	printf '[viewer]\nsnapshot_bytes = 16K\n' >"$BATS_TEST_TMPDIR/rexec.ini"
	start_host
	attach_bg "$BATS_TEST_TMPDIR/a"
	wait_for attach_ready "$BATS_TEST_TMPDIR/a"
	rx run --timeout 120 -- sh -c 'yes 0123456789abcdef | head -n 3000000; echo flood-end'
	[ "$status" -eq 0 ]
	wait_for has_line "$BATS_TEST_TMPDIR/a" '"seq":1,"state":"ended"'
	stop_host
	wait_for attach_done
	a="$BATS_TEST_TMPDIR/a"
	no_ev '.event == "resync"' "$a"
	all_ev '.event == "console" and .kind == "gap"' '.why == "behind"' "$a"
	decoded "$a" '.event == "console" and .kind == "output" and .seq == 1' >"$BATS_TEST_TMPDIR/out"
	got=$(wc -c <"$BATS_TEST_TMPDIR/out")
	# 51 MB printed; what reached the viewer is its turns' bursts.
	[ "$got" -lt 25000000 ]
	# Each burst after a gap starts at a line start: a line is cut only
	# where a gap is (the burst before it ended inside the line).
	gaps=$(jq -s 'map(select(.event == "console" and .kind == "gap")) | length' "$a")
	cut=$(grep -v -c -x -e $'0123456789abcdef\r' -e $'flood-end\r' "$BATS_TEST_TMPDIR/out" || true)
	echo "gaps $gaps, cut lines $cut, bytes $got"
	[ "$cut" -le "$gaps" ]
	[ "$(tail -n 1 "$BATS_TEST_TMPDIR/out")" = $'flood-end\r' ]
	# The run's banner and its end note came, in order around its output.
	[ "$(jq -r 'select(.event == "console" and .seq == 1) | .kind' "$a" | uniq | tr '\n' ' ')" = "banner output note " ]
}

@test "attach: a stopped viewer with a flooding run open loses frames, then gets resync and a fresh snapshot" {
	printf '[viewer]\nmax_queue = 64K\n' >"$BATS_TEST_TMPDIR/rexec.ini"
	start_host
	t=$BATS_TEST_TMPDIR
	gated_flood 200000
	viewer hello wait ready send '{"request":"open","seq":1}' \
		send '{"request":"open","seq":4000}' wait refused \
		touch "$t/opened" waitfile "$t/cont" drain >"$t/a" 2>"$t/a.err" &
	v_pid=$!
	BG_PIDS="$v_pid"
	wait_for test -e "$t/opened"
	kill -STOP "$v_pid"
	touch "$t/go"
	wait_for run_ended 1
	touch "$t/cont"
	kill -CONT "$v_pid"
	wait_for has_line "$t/a" '"event":"resync"'
	wait_for eval "sed -n '/\"event\":\"resync\"/,\$p' '$t/a' | grep -q '\"event\":\"ready\"'"
	sed -n '/"event":"resync"/,$p' "$t/a" | grep -q '"seq":1,"state":"ended"'
	stop_host
	wait "$v_pid"
	tail -n 1 "$t/a" | jq -e '.reason == "host stopped"'
}

@test "attach: a viewer behind for max_lag gets bye too far behind (exit 1)" {
	printf '[viewer]\nmax_lag = 1\nmax_queue = 65536\n' >"$BATS_TEST_TMPDIR/rexec.ini"
	start_host
	attach_bg "$BATS_TEST_TMPDIR/a"
	wait_for attach_ready "$BATS_TEST_TMPDIR/a"
	kill -STOP "$ATTACH_PID"
	# Output for longer than max_lag (3 MB over 3 s): a flood that ends
	# sooner may all fit in the socket's buffer, and a viewer with
	# nothing left to read is not behind.  The viewer goes on as soon as
	# the host lets it go, well within the grace it has to read its bye.
	"$REXEC" run -- sh -c 'for i in $(seq 30); do head -c 100000 /dev/zero | tr "\0" y; sleep 0.1; done' \
		>"$BATS_TEST_TMPDIR/run.out" 2>&1 &
	run_pid=$!
	BG_PIDS="${BG_PIDS:-} $run_pid"
	wait_for has_line "$BATS_TEST_TMPDIR/host.err" "too far behind" || { cat "$BATS_TEST_TMPDIR/host.err"; tail -c 600 "$BATS_TEST_TMPDIR/a"; false; }
	kill -CONT "$ATTACH_PID"
	wait_for attach_done
	wait "$ATTACH_PID" && st=0 || st=$?
	[ "$st" -eq 1 ]
	tail -n 1 "$BATS_TEST_TMPDIR/a" | jq -e '.event == "bye" and .reason == "too far behind"' || { tail -n 3 "$BATS_TEST_TMPDIR/a" | cut -c 1-300; false; }
	wait "$run_pid"
	rx run -- echo ok
	[ "$output" = ok ]
}

@test "attach: past 64 connections a viewer gets bye too many viewers" {
	start_host
	run "$PY" - "$SOCK" <<'EOF'
import json, socket, struct, sys
conns = []
for i in range(64):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sys.argv[1])
    conns.append(s)
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.settimeout(20)
b = b""
while len(b) < 8 or len(b) < 8 + struct.unpack(">II", b[:8])[0]:
    got = s.recv(65536)
    if not got:
        break
    b += got
print(b[8:8 + struct.unpack(">II", b[:8])[0]].decode())
EOF
	[ "$status" -eq 0 ]
	[ "$output" = '{"event":"bye","reason":"too many viewers"}' ]
	run viewer hello wait ready
	[ "$status" -eq 0 ]
}

@test "attach: the number of viewers goes to every viewer" {
	start_host
	t=$BATS_TEST_TMPDIR
	viewer hello wait ready wait viewers 'count=2' >"$t/first" &
	BG_PIDS="$!"
	wait_for has_line "$t/first" '"event":"ready"'
	run viewer hello wait ready
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | all_ev '.event == "viewers"' '.count == 2'
	wait_for has_line "$t/first" '"count":2'
}

fd_count() {
	ls "/proc/$HOST_PID/fd" | wc -l
}

rss_kb() {
	awk '/^VmRSS/ { print $2 }' "/proc/$HOST_PID/status"
}

viewers_round() {
	local i pids=
	# A small run: the host keeps what ended runs printed (their text,
	# their newest raw bytes for the last 32), which is not a leak.
	"$REXEC" run -- sh -c 'seq 1 3000' >/dev/null &
	pids="$!"
	for i in 1 2 3 4 5 6 7 8 9 10; do
		viewer hello wait ready send '{"request":"open","seq":1}' \
			>/dev/null 2>&1 &
		pids="$pids $!"
	done
	for i in $pids; do
		wait "$i" || true
	done
}

host_sockets_are() {
	[ "$(ls -l "/proc/$HOST_PID/fd" | grep -c 'socket:')" -eq "$1" ]
}

@test "attach: ten viewers attaching and leaving during runs leak no fd and no memory" {
	start_host
	viewers_round
	viewers_round
	# Only the listening socket is left once the viewers are gone.
	wait_for host_sockets_are 1
	before=$(fd_count)
	rss0=$(rss_kb)
	for r in $(seq 1 10); do
		viewers_round
	done
	WAIT_SECONDS=20 wait_for host_sockets_are 1
	[ "$(fd_count)" -eq "$before" ]
	if ! ldd "$REXEC" 2>/dev/null | grep -q libasan; then
		rss1=$(rss_kb)
		echo "rss $rss0 -> $rss1 kB" >&2
		[ $((rss1 - rss0)) -lt 4096 ]
	fi
}

# The host's peak resident size, in KiB, once run SEQ's journal line is
# written (a flood's line is written on a thread after the reply).
flood_peak() {
	wait_for has_line "$(journal_file)" "\"seq\":$1,"
	awk '/^VmHWM:/ { print $2 }' "/proc/$HOST_PID/status"
}

@test "attach: a viewer stopped through a 200 MB flood costs the host at most max_queue" {
	if ldd "$REXEC" 2>/dev/null | grep -q libasan; then
		skip "resident sizes mean nothing under ASan"
	fi
	local flood='head -c 200000000 /dev/zero | tr "\0" x; echo; echo flood-end'
	printf '[run]\nkill_grace = 0.3\nlinger = 0.5\n[viewer]\nmax_queue = 4M\n' \
		>"$BATS_TEST_TMPDIR/rexec.ini"
	# A fresh host with nobody watching, for the baseline.
	start_host
	rx run --timeout 300 -- sh -c "$flood"
	[ "$status" -eq 0 ]
	local alone
	alone=$(flood_peak 1)
	stop_host
	rm -rf "$REXEC_JOURNAL_DIR"
	# A fresh host again, with a viewer that stops reading at once.
	start_host
	attach_bg "$BATS_TEST_TMPDIR/a"
	wait_for attach_ready "$BATS_TEST_TMPDIR/a"
	kill -STOP "$ATTACH_PID"
	rx run --timeout 300 -- sh -c "$flood"
	[ "$status" -eq 0 ]
	[ "$(tail -n 1 <<<"$output")" = flood-end ]
	local watched
	watched=$(flood_peak 1)
	all_ev '.seq == 1' '.output_bytes == 200000011' "$(journal_file)"
	echo "peak without a viewer ${alone} KiB, with a stopped one ${watched} KiB"
	# Its queue (4 MiB), the frame it was in and a snapshot, at most.
	[ "$watched" -le $((alone + 4096 + 1024)) ]
	kill -CONT "$ATTACH_PID"
	# When it reads again: a gap, then the console's newest part, which
	# ends with the flood's end.
	wait_for has_line "$BATS_TEST_TMPDIR/a" '"kind":"gap"'
	wait_for eval 'decoded "$BATS_TEST_TMPDIR/a" ".event == \"console\"" | grep -q flood-end'
}

# Run 1, detached: once $BATS_TEST_TMPDIR/go exists, $1 lines of 16
# characters, then flood-end.
gated_flood() {
	rx run --yield 0.2 -- sh -c "while [ ! -e '$BATS_TEST_TMPDIR/go' ]; do sleep 0.05; done; yes 0123456789abcdef | head -n $1; echo flood-end"
	[ "$status" -eq 75 ]
}

# A scripted viewer stops following the console, the command "$@" runs
# (and must exit 0), then the viewer follows again; its events in
# $BATS_TEST_TMPDIR/a, where the refusal of "open" 4001 marks the moment
# just before it asks to follow again.
console_paused_while() {
	local t=$BATS_TEST_TMPDIR v_pid
	viewer hello wait ready send '{"request":"console","follow":false}' \
		send '{"request":"open","seq":4000}' wait refused \
		touch "$t/paused" waitfile "$t/ran" \
		send '{"request":"open","seq":4001}' wait refused seq=4001 \
		send '{"request":"console","follow":true}' \
		send '{"request":"open","seq":4002}' wait refused seq=4002 \
		>"$t/a" 2>"$t/a.err" &
	v_pid=$!
	BG_PIDS="$v_pid"
	wait_for test -e "$t/paused"
	rx run -- "$@"
	[ "$status" -eq 0 ]
	touch "$t/ran"
	wait "$v_pid"
}

@test "attach: a viewer that stops following the console gets no console events, then what it missed" {
	start_host
	t=$BATS_TEST_TMPDIR
	console_paused_while sh -c 'echo while-paused'
	a="$t/a"
	# Up to the refusal of 4001 (which follows the run's end), no
	# console event at all; the run's own events came.
	sed -n '/"seq":4001/q;p' "$a" >"$t/before"
	grep -q '"event":"run","seq":1' "$t/before"
	no_ev '.event == "console"' "$t/before"
	# Following again: the run's banner, output and note, no gap.
	sed -n '/"seq":4001/,$p' "$a" >"$t/after"
	[[ "$(decoded "$t/after" '.event == "console" and .kind == "banner" and .seq == 1')" == *"echo while-paused"* ]]
	[ "$(decoded "$t/after" '.event == "console" and .kind == "output" and .seq == 1')" = $'while-paused\r' ]
	no_ev '.event == "console" and .kind == "gap"' "$t/after"
}

@test "attach: following the console again after more than snapshot_bytes: a gap, then the newest part from a line start" {
	printf '[viewer]\nsnapshot_bytes = 4096\n' >"$BATS_TEST_TMPDIR/rexec.ini"
	start_host
	t=$BATS_TEST_TMPDIR
	console_paused_while seq 1 20000
	a="$t/a"
	no_ev '.event == "console"' <(sed -n '/"seq":4001/q;p' "$a")
	gap=$(jq -r 'select(.event == "console" and .kind == "gap") | .bytes' "$a")
	[ "$gap" -gt 100000 ]
	[ "$(jq -s 'map(select(.event == "console" and .kind == "gap")) | length' "$a")" = 1 ]
	# The gap comes before any console bytes, and they start a line.
	[ "$(jq -r 'select(.event == "console") | .kind' "$a" | head -n 1)" = gap ]
	decoded "$a" '.event == "console" and .kind == "output"' >"$t/out"
	head -c 6 "$t/out" | grep -q $'^[0-9]*\r'
	tail -c 8 "$t/out" | grep -q '^20000'
	got=$(decoded "$a" '.event == "console" and .kind != "gap"' | wc -c)
	[ "$got" -le 4096 ]
}

@test "attach: a console request without follow, with a bad one, or from a viewer of one run is refused, named" {
	start_host
	rx run --yield 0.2 -- sh -c 'echo up; exec sleep 30'
	[ "$status" -eq 75 ]
	run viewer hello wait ready send '{"request":"console"}' wait refused \
		send '{"request":"console","follow":"yes"}' wait refused
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | jq -s -e 'map(select(.event == "refused") | .reason) ==
	    ["follow: missing", "follow: not true or false"]'
	run viewer hello '{"run":1}' wait ready \
		send '{"request":"console","follow":false}' wait refused
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | all_ev '.event == "refused"' '.request == "console" and .reason == "this viewer follows run 1" and .seq == 1'
	rx kill 1
}

@test "attach --json --run SEQ: a flood comes in turns: gaps and output at contiguous offsets, far fewer bytes, the end before bye" {
	# 16 KiB kept of the run: a gap at any flood over 0.5 MB/s.
	printf '[viewer]\nsnapshot_bytes = 16K\n' >"$BATS_TEST_TMPDIR/rexec.ini"
	start_host
	t=$BATS_TEST_TMPDIR
	gated_flood 3000000
	attach_bg "$t/a" --run 1
	wait_for attach_ready "$t/a"
	touch "$t/go"
	wait_for attach_done
	wait "$ATTACH_PID"
	a=$t/a
	tail -n 1 "$a" | jq -e '.event == "bye" and .reason == "run ended"'
	# Every output or gap starts where the one before ended, up to the
	# run's last byte: 3,000,000 lines of 18 bytes and flood-end.
	jq -s -e 'map(select(.event == "output" or .event == "gap")) |
	    reduce .[] as $e ({pos: 0, ok: true};
	        .ok = (.ok and $e.offset == .pos) |
	        .pos = $e.offset + (if $e.event == "gap" then $e.bytes
	            else ($e.data | @base64d | length) end)) |
	    .ok and .pos == 54000011' "$a"
	jq -s -e 'map(select(.event == "gap")) | length > 0' "$a"
	[ "$(decoded "$a" '.event == "output"' | wc -c)" -lt 27000000 ]
	jq -s -r 'map(select(.event == "output")) | last | .data' "$a" | base64 -d >"$t/last"
	[ "$(tail -n 1 "$t/last")" = $'flood-end\r' ]
}
