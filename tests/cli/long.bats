#!/usr/bin/env bats
# long.bats: the client side of long runs (DESIGN.md section 4.1) against a
# real host: run --yield, wait, input (text and named keys), screen, kill,
# and their usage errors.

load helpers

# A small curses menu (tests/data/menu.c), built by make check.
MENU="${REXEC%/src/rexec}/tests/data/menu"

HINT_RE='^rexec: run ([0-9]+) is still running \(rexec wait ([0-9]+) --offset ([0-9]+)\)'

setup() {
	setup_dirs
	export REXEC_WHOAMI=tester
}

teardown() {
	stop_host
}

# The run number and offset that stderr's hint names: sets seq and offset.
parse_hint() {
	if ! [[ "$stderr_out" =~ $HINT_RE ]]; then
		echo "no hint in: $stderr_out" >&2
		return 1
	fi
	seq=${BASH_REMATCH[1]}
	offset=${BASH_REMATCH[3]}
	[ "${BASH_REMATCH[2]}" = "$seq" ]
}

# A run that started, printed "up <pid>" and went on past its yield:
# sets seq, offset and pid.
start_detached() {
	rx run --yield 0.5 -- sh -c "echo up \$\$; $1"
	[ "$status" -eq 75 ]
	parse_hint
	pid=$(sed -n 's/^up \([0-9]*\)$/\1/p' <<<"$output")
	[ -n "$pid" ]
}

screen_has() {
	"$REXEC" screen "$1" 2>/dev/null | grep -qF -- "$2"
}

log_ready() {
	"$REXEC" log "$1" >/dev/null 2>&1
}

# A host whose agent text is final one line above the cursor, so offsets
# move on as soon as a line is ended.
start_host_window() {
	printf '[run]\nkill_grace = 0.3\nlinger = 0.5\n[agent]\nwindow = %s\n' \
		"$1" >"$BATS_TEST_TMPDIR/rexec.ini"
	start_host
}

# A background job starts with SIGINT ignored; once the client has blocked
# it (to read it from its signalfd) a SIGINT reaches it all the same.
sigint_blocked() {
	local mask
	mask=$(sed -n 's/^SigBlk:[[:space:]]*//p' "/proc/$1/status")
	[ -n "$mask" ] && (((16#$mask & 2) != 0))
}

@test "run --yield: a run still going exits 75 with its text so far and a hint" {
	start_host
	rx run --yield 0.5 -- sh -c 'echo one; printf two; exec sleep 60'
	[ "$status" -eq 75 ]
	[ "$output" = "$(printf 'one\ntwo')" ]
	parse_hint
	[ "$(grep -c . <<<"$stderr_out")" -eq 1 ]
	[ "$offset" -le 7 ]
	# It goes on, detached: a peek says so.
	rx wait "$seq"
	[ "$status" -eq 75 ]
	[[ "$output" == *two* ]]
}

@test "run --yield: a run that ends in time is answered as any run" {
	start_host
	rx run --yield 30 -- sh -c 'echo quick; exit 3'
	[ "$status" -eq 3 ]
	[ "$output" = quick ]
	[ -z "$stderr_out" ]
}

@test "run --yield --json: the interim reply as one line, exit 75" {
	start_host
	rx run --yield 0.5 --json -- sh -c 'echo up; exec sleep 60'
	[ "$status" -eq 75 ]
	[ -z "$stderr_out" ]
	jq -e '.running == true and (has("exit") | not) and (.seq | type) == "number" and (.offset | type) == "number"' <<<"$output"
	[ "$(jq -j '.output + .tail' <<<"$output")" = "$(printf 'up\n')" ]
}

@test "wait: the pieces from offset to offset make up rexec log SEQ" {
	start_host_window 2
	script='for i in $(seq 1 30); do echo "line $i"; sleep 0.05; done
for p in 10 50 100; do printf "\rprogress %s%%" $p; sleep 0.1; done; echo; echo end'
	rx run --yield 0.5 --json -- sh -c "$script"
	[ "$status" -eq 75 ]
	seq=$(jq -r .seq <<<"$output")
	off=$(jq -r .offset <<<"$output")
	pieces="$BATS_TEST_TMPDIR/pieces"
	jq -j .output <<<"$output" >"$pieces"
	[ "$(wc -c <"$pieces")" -eq "$off" ]
	n=0
	while :; do
		rx wait "$seq" --timeout 0.5 --offset "$off" --json
		[ "$status" -eq 75 ] || [ "$status" -eq 0 ]
		jq -j .output <<<"$output" >>"$pieces"
		off=$(jq -r .offset <<<"$output")
		[ "$status" -eq 0 ] && break
		n=$((n + 1))
		[ "$n" -lt 50 ]
	done
	jq -e '.running == false and .exit == 0' <<<"$output"
	jq -j '.tail // ""' <<<"$output" >>"$pieces"
	wait_for log_ready "$seq"
	"$REXEC" log "$seq" >"$BATS_TEST_TMPDIR/log"
	cmp "$pieces" "$BATS_TEST_TMPDIR/log"
	grep -qx 'progress 100%' "$pieces"
	[ "$(grep -c 'progress 10%' "$pieces" || true)" -eq 0 ]
}

@test "wait: exits 75 while the run goes on, then with the run's exit" {
	start_host_window 1
	start_detached 'sleep 1.5; echo finished; exit 4'
	rx wait "$seq"
	[ "$status" -eq 75 ]
	[[ "$output" == "up $pid"* ]]
	parse_hint
	[ "$offset" -eq $((${#pid} + 4)) ]
	rx wait "$seq" --timeout 30 --offset "$offset"
	[ "$status" -eq 4 ]
	[ "$output" = finished ]
	[ -z "$stderr_out" ]
	# Finished runs can be waited on again, from the start.
	rx wait "$seq"
	[ "$status" -eq 4 ]
	[ "$output" = "$(printf 'up %s\nfinished' "$pid")" ]
}

@test "wait: until rexec wait SEQ --timeout S; do ...; done waits for the end" {
	start_host
	start_detached 'sleep 1.5'
	n=0
	until "$REXEC" wait "$seq" --timeout 0.3 >/dev/null 2>&1; do
		n=$((n + 1))
		[ "$n" -lt 60 ]
	done
	[ "$n" -ge 1 ]
	wait_for group_gone "$pid"
}

@test "wait: an ended run's error tag is printed and its exit kept" {
	start_host
	rx run --yield 0.3 --timeout 1 -- sleep 60
	[ "$status" -eq 75 ]
	parse_hint
	rx wait "$seq" --timeout 30
	[ "$status" -eq 124 ]
	[ "$stderr_out" = "rexec: timeout" ]
	rx wait "$seq" --json
	[ "$status" -eq 124 ]
	jq -e '.running == false and .error == "timeout" and .exit == 124' <<<"$output"
}

@test "wait: --json prints the reply as one line and still exits 75" {
	start_host
	start_detached 'exec sleep 60'
	rx wait "$seq" --json
	[ "$status" -eq 75 ]
	[ -z "$stderr_out" ]
	[ "${#lines[@]}" -eq 1 ]
	jq -e --argjson s "$seq" '.seq == $s and .running == true and (.offset | type) == "number"' <<<"$output"
}

@test "wait: SIGINT only stops the client waiting; the run goes on" {
	start_host
	start_detached 'exec sleep 60'
	"$REXEC" wait "$seq" --timeout 60 >"$BATS_TEST_TMPDIR/w" 2>&1 3>&- &
	client=$!
	wait_for sigint_blocked "$client"
	kill -INT "$client"
	st=0
	wait "$client" || st=$?
	[ "$st" -eq 130 ]
	kill -0 -- "-$pid"
	rx wait "$seq"
	[ "$status" -eq 75 ]
}

@test "input: answers a read prompt; TEXT is sent as given" {
	start_host
	rx run --yield 0.5 -- sh -c 'printf "name? "; read a; printf "again? "; read b; echo "got $a and $b"'
	[ "$status" -eq 75 ]
	[ "$output" = "name?" ]
	parse_hint
	rx input "$seq" $'world\n'
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ -z "$stderr_out" ]
	wait_for sh -c '"$REXEC" wait '"$seq"' 2>/dev/null | grep -q "again?"'
	# No newline is added: the text waits on the line until Enter.
	rx input "$seq" moon
	[ "$status" -eq 0 ]
	rx input "$seq" --keys Enter
	[ "$status" -eq 0 ]
	rx wait "$seq" --timeout 10
	[ "$status" -eq 0 ]
	[[ "$output" == *"got world and moon"* ]]
}

@test "input: - reads the text from stdin" {
	start_host
	rx run --yield 0.5 -- sh -c 'printf "ok? "; read a; echo "answer=$a"'
	[ "$status" -eq 75 ]
	parse_hint
	printf 'yes\n' | "$REXEC" input "$seq" -
	rx wait "$seq" --timeout 10
	[ "$status" -eq 0 ]
	[[ "$output" == *"answer=yes"* ]]
}

@test "input --keys: moves through a curses menu; screen shows the selection" {
	[ -x "$MENU" ]
	start_host
	rx run --yield 0.5 -- "$MENU"
	[ "$status" -eq 75 ]
	parse_hint
	wait_for screen_has "$seq" "> apple"
	rx input "$seq" --keys Down Down
	[ "$status" -eq 0 ]
	wait_for screen_has "$seq" "> cherry"
	rx screen "$seq"
	[ "$status" -eq 0 ]
	[[ "$output" == *"pick a fruit"* ]]
	[[ "$output" == *"  apple"* ]]
	[[ "$output" != *"> apple"* ]]
	rx screen "$seq" --json
	[ "$status" -eq 0 ]
	jq -e '.running == true and .cols == 80 and .rows == 24 and (.cursor | length) == 2' <<<"$output"
	[ "$(jq -r .screen <<<"$output" | grep -c .)" -eq 5 ]
	rx input "$seq" --keys Up
	wait_for screen_has "$seq" "> banana"
	rx input "$seq" --keys Enter
	rx wait "$seq" --timeout 10
	[ "$status" -eq 0 ]
	[[ "$output" == *"chose banana"* ]]
}

@test "kill: ends a sleeping run and its process group" {
	start_host
	start_detached 'exec sleep 60'
	kill -0 -- "-$pid"
	rx kill "$seq"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ -z "$stderr_out" ]
	wait_for group_gone "$pid"
	rx wait "$seq"
	[ "$status" -eq 143 ]
	[ "$stderr_out" = "rexec: aborted" ]
	# An ended run cannot be killed again.
	rx kill "$seq"
	[ "$status" -eq 1 ]
	[ "$stderr_out" = "rexec: bad_request: run $seq has ended" ]
}

@test "refusals: unknown runs, ended runs, a pipe for stdin, an offset past the end" {
	start_host
	rx wait 999
	[ "$status" -eq 1 ]
	[ "$stderr_out" = "rexec: bad_request: seq: no such run" ]
	rx input 999 hello
	[ "$status" -eq 1 ]
	[ "$stderr_out" = "rexec: bad_request: seq: no such run" ]
	rx screen 999
	[ "$status" -eq 1 ]
	[ "$stderr_out" = "rexec: bad_request: seq: no such run" ]
	rx kill 999
	[ "$status" -eq 1 ]
	[ "$stderr_out" = "rexec: bad_request: seq: no such run" ]

	rx run --json -- echo done
	[ "$status" -eq 0 ]
	ended=$(jq -r .seq <<<"$output")
	rx input "$ended" hello
	[ "$status" -eq 1 ]
	[ "$stderr_out" = "rexec: bad_request: run $ended has ended" ]
	rx wait "$ended" --offset 9999
	[ "$status" -eq 1 ]
	[[ "$stderr_out" == "rexec: bad_request: offset: past the end"* ]]

	"$REXEC" run --yield 0.5 --read-stdin -- sh -c 'exec sleep 60' \
		<<<"data" >/dev/null 2>"$BATS_TEST_TMPDIR/err" && st=0 || st=$?
	[ "$st" -eq 75 ]
	stderr_out=$(cat "$BATS_TEST_TMPDIR/err")
	parse_hint
	rx input "$seq" hello
	[ "$status" -eq 1 ]
	[[ "$stderr_out" == "rexec: bad_request: run $seq has no terminal for input"* ]]
}

@test "usage errors exit 2 before anything is sent" {
	# No host is needed: each one is caught by the client.
	for cmd in wait input screen kill; do
		rx "$cmd"
		[ "$status" -eq 2 ]
		[[ "$stderr_out" == *"rexec: which run?"* ]]
		[[ "$stderr_out" == *"usage: rexec $cmd SEQ"* ]]
		for bad in 0 x 3x 1.5 ''; do
			rx "$cmd" "$bad" hello
			[ "$status" -eq 2 ]
		done
		rx "$cmd" x
		[[ "$stderr_out" == *'rexec: not a run number: "x"'* ]]
	done
	rx run --yield x -- true
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == *'rexec: --yield: not a positive number: "x"'* ]]
	rx run --yield 0 -- true
	[ "$status" -eq 2 ]
	rx run --yield -1 -- true
	[ "$status" -eq 2 ]
	rx wait 3 --timeout soon
	[ "$status" -eq 2 ]
	rx wait 3 --offset -1
	[ "$status" -eq 2 ]
	rx wait 3 4
	[ "$status" -eq 2 ]
	rx input 3 --keys Up Foo Enter
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == *'rexec: --keys: unknown key "Foo"'* ]]
	rx input 3 --keys
	[ "$status" -eq 2 ]
	rx input 3
	[ "$status" -eq 2 ]
	rx input 3 ''
	[ "$status" -eq 2 ]
	rx input 3 -n
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == *'goes after --'* ]]
	rx screen 3 --bogus
	[ "$status" -eq 2 ]
	rx kill 3 4
	[ "$status" -eq 2 ]
	head -c 4097 /dev/zero | tr '\0' a >"$BATS_TEST_TMPDIR/big"
	"$REXEC" input 3 - <"$BATS_TEST_TMPDIR/big" 2>"$BATS_TEST_TMPDIR/err" && st=0 || st=$?
	[ "$st" -eq 2 ]
	grep -q 'rexec: stdin: longer than 4096 bytes' "$BATS_TEST_TMPDIR/err"
	printf '\377\n' | "$REXEC" input 3 - 2>/dev/null && st=0 || st=$?
	[ "$st" -eq 2 ]
}

@test "without a host: HOST NOT FOUND and 127" {
	for args in "wait 3" "input 3 hello" "input 3 --keys Enter" "screen 3" "kill 3"; do
		# shellcheck disable=SC2086
		rx $args
		[ "$status" -eq 127 ]
		[ "$stderr_out" = "HOST NOT FOUND" ]
	done
	rx run --yield 5 -- true
	[ "$status" -eq 127 ]
	[ "$stderr_out" = "HOST NOT FOUND" ]
}

@test "--help lists the long-run commands" {
	rx --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"rexec run "*"[--yield SECONDS]"* ]]
	[[ "$output" == *"rexec wait SEQ [--timeout SECONDS] [--offset K] [--json]"* ]]
	[[ "$output" == *"rexec input SEQ TEXT | SEQ - | SEQ --keys KEY..."* ]]
	[[ "$output" == *"rexec screen SEQ [--json]"* ]]
	[[ "$output" == *"rexec kill SEQ"* ]]
}
