#!/usr/bin/env bats
# contain.bats: what a run can reach must stay inside the run: a host
# started with its standard fds closed never reads a run's output as
# requests, and every process a run starts ends with it.

load helpers

setup() {
	setup_dirs
	export REXEC_WHOAMI=tester
}

teardown() {
	stop_host
}

# The journal holds at least N lines.
journal_lines() {
	[ "$(wc -l <"$(journal_file)")" -ge "$1" ]
}

@test "contain: a host started with fds 0-2 closed never takes a run's output as a request" {
	printf '[run]\nkill_grace = 0.3\nlinger = 0.5\n' >"$BATS_TEST_TMPDIR/rexec.ini"
	export REXEC_CONFIG="$BATS_TEST_TMPDIR/rexec.ini"
	# As cron or a careless supervisor starts it: nothing on 0, 1 or 2.
	"$REXEC" host --headless <&- >&- 2>&- 3>&- &
	HOST_PID=$!
	wait_for host_answers
	local pwned="$BATS_TEST_TMPDIR/pwned"
	local req
	req=$(jq -cn --arg f "$pwned" '{whoami:"x",dir:"/tmp",exec:["touch",$f]}')
	rx run -- printf '%s\n' "$req"
	[ "$status" -eq 0 ]
	[ "$output" = "$req" ]
	# A request the run's output smuggled in would come before this one
	# in the FIFO and take its number.
	rx run --json -- true
	[ "$status" -eq 0 ]
	[ "$(jq -r .seq <<<"$output")" = 2 ]
	wait_for journal_lines 2
	[ "$(jq -r .whoami "$(journal_file)" | sort -u)" = tester ]
	[ ! -e "$pwned" ]
	# The host's own fds 0-2 are /dev/null, not its files.
	local fd
	for fd in 0 1 2; do
		[ "$(readlink "/proc/$HOST_PID/fd/$fd")" = /dev/null ]
	done
}
