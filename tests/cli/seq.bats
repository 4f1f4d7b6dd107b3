#!/usr/bin/env bats
# seq.bats: run numbers are unique per journal directory (DESIGN.md 4): a
# new host session goes on from the highest number journaled before it;
# wait, input and kill on a run of an earlier session say which session
# it ended with and how; log, replay and MCP read_output find a bare seq
# in whichever session holds it.

load helpers

setup() {
	setup_dirs
	export REXEC_WHOAMI=tester
}

teardown() {
	stop_host
}

sessions() {
	ls "$REXEC_JOURNAL_DIR" | sed -n 's/\.jsonl$//p'
}

# A journal of an earlier session, written by hand: NAME then lines.
fake_session() {
	local name=$1
	shift
	mkdir -p "$REXEC_JOURNAL_DIR"
	chmod 700 "$REXEC_JOURNAL_DIR"
	printf '%s\n' "$@" >"$REXEC_JOURNAL_DIR/$name.jsonl"
}

# A journal line of run SEQ that printed TEXT and ended as EXTRA says.
fake_line() {
	printf '{"seq":%s,"whoami":"t","dir":"/","exec":["echo","%s"],"exit":0,"output":"%s\\n"%s}' \
	    "$1" "$2" "$2" "${3:-}"
}

@test "seq: a new host session goes on from the last number of the one before" {
	start_host
	rx run -- echo one
	rx run -- echo two
	rx run --json -- echo three
	[ "$(jq -r .seq <<<"$output")" = 3 ]
	stop_host
	start_host
	rx run --json -- echo four
	[ "$(jq -r .seq <<<"$output")" = 4 ]
	[ "$(sessions | wc -l)" -eq 2 ]
	# A session with no run in between changes nothing.
	stop_host
	start_host
	stop_host
	start_host
	rx run --json -- echo five
	[ "$(jq -r .seq <<<"$output")" = 5 ]
}

@test "seq: wait, input and kill on a run of an earlier session name the session and the reason" {
	start_host
	rx run --yield 0.2 -- sh -c 'printf "Continue? "; read x'
	[ "$status" -eq 75 ]
	rx run -- sh -c 'exit 3'
	old=$(sessions)
	stop_host
	start_host
	rx run -- echo new
	rx wait 1
	[ "$status" -ne 0 ]
	[[ "$stderr_out" == *"run 1 ended with the host session $old (shutdown): rexec log 1" ]]
	rx input 1 $'yes\n'
	[ "$status" -ne 0 ]
	[[ "$stderr_out" == *"run 1 ended with the host session $old (shutdown): rexec log 1" ]]
	rx kill 2
	[ "$status" -ne 0 ]
	[[ "$stderr_out" == *"run 2 ended with the host session $old (exit 3): rexec log 2" ]]
	# This session's run is still found as before.
	rx wait 3
	[ "$status" -eq 0 ]
	[ "$output" = new ]
	rx wait 4
	[ "$status" -ne 0 ]
	[[ "$stderr_out" == *"seq: no such run" ]]
}

@test "seq: log, replay and MCP read_output find a bare seq in whichever session holds it" {
	start_host
	rx run -- echo first
	old=$(sessions)
	stop_host
	start_host
	rx run -- echo second
	rx log 1
	[ "$status" -eq 0 ]
	[ "$output" = first ]
	rx log 2
	[ "$output" = second ]
	rx log "$old:1"
	[ "$output" = first ]
	rx replay --speed 0 1
	[ "$status" -eq 0 ]
	[[ "$output" == *first* ]]
	out=$(printf '%s\n' \
	    '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}' \
	    '{"jsonrpc":"2.0","method":"notifications/initialized"}' \
	    '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"read_output","arguments":{"seq":1}}}' |
	    timeout 20 "$REXEC" mcp | jq -c 'select(.id == 1)')
	[ "$(jq -r .result.isError <<<"$out")" != true ]
	jq -r '.result.content[0].text' <<<"$out" | grep -q first
	rx log 3
	[ "$status" -eq 1 ]
	[[ "$stderr_out" == *"no run 3" ]]
}

@test "seq: the number is read from a journal's end, past a huge last line" {
	local big
	big=$(head -c 600000 /dev/zero | tr '\0' x)
	fake_session 2026-01-01-00:00:00 "$(fake_line 40 a)" "$(fake_line 41 b)" \
	    "$(fake_line 39 "$big")"
	start_host
	rx run --json -- echo next
	[ "$(jq -r .seq <<<"$output")" = 42 ]
	rx log 41
	[ "$output" = b ]
}

@test "seq: journals numbered from 1 in each session: a bare seq is the newest session's" {
	fake_session 2026-01-01-00:00:00 "$(fake_line 1 older)" "$(fake_line 2 older2)"
	fake_session 2026-01-02-00:00:00 "$(fake_line 1 newer)"
	rx log 1
	[ "$output" = newer ]
	rx log 2
	[ "$output" = older2 ]
	rx log 2026-01-01-00:00:00:1
	[ "$output" = older ]
}

@test "seq: a run of an earlier session that no journal holds any more says so" {
	# Run 7 was numbered (its recording is there) but its line is gone.
	fake_session 2026-01-01-00:00:00 "$(fake_line 5 a)"
	mkdir -p "$REXEC_JOURNAL_DIR/2026-01-01-00:00:00"
	: >"$REXEC_JOURNAL_DIR/2026-01-01-00:00:00/7.cast"
	start_host
	rx run --json -- true
	[ "$(jq -r .seq <<<"$output")" = 8 ]
	rx wait 7
	[ "$status" -ne 0 ]
	[[ "$stderr_out" == *"run 7 is of an earlier host session and no journal in $REXEC_JOURNAL_DIR holds it any more" ]]
	rx wait 5
	[[ "$stderr_out" == *"run 5 ended with the host session 2026-01-01-00:00:00 (exit 0): rexec log 5" ]]
}

@test "seq: the host reads only an earlier journal's end, and log reads it whole" {
	# Run 1's line is 2 MB before the journal's end: the host names the
	# session without reading that far, and log finds the run.
	local pad lines=() i
	pad=$(head -c 2000 /dev/zero | tr '\0' x)
	lines+=("$(fake_line 1 first)")
	for i in $(seq 2 1001); do
		lines+=("$(fake_line "$i" "$pad")")
	done
	fake_session 2026-01-01-00:00:00 "${lines[@]}"
	start_host
	rx run --json -- true
	[ "$(jq -r .seq <<<"$output")" = 1002 ]
	rx wait 1
	[ "$status" -ne 0 ]
	[[ "$stderr_out" == *"run 1 ended with the host session 2026-01-01-00:00:00: rexec log 1" ]]
	rx wait 1000
	[[ "$stderr_out" == *"run 1000 ended with the host session 2026-01-01-00:00:00 (exit 0): rexec log 1000" ]]
	rx log 1
	[ "$status" -eq 0 ]
	[ "$output" = first ]
}
