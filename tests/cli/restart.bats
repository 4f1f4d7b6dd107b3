#!/usr/bin/env bats
# restart.bats: the host killed under load and replaced at once, again and
# again.  Each cycle: 40 runs in flight and a stream of raw requests, then
# SIGKILL and a new host started without waiting for the old one to go.
# The old clients must exit 127 within 3 s, no run may outlive its host,
# the old journal must hold whole lines only, and the new host must have a
# session file of its own, the newest, and answer `rexec run` and raw
# requests on the first try.  RESTART_CYCLES sets the count (default 20).

load helpers

setup() {
	setup_dirs
	export REXEC_WHOAMI=tester
	printf '[host]\nmax_parallel = 64\n[run]\nkill_grace = 0.3\nlinger = 0.5\n' \
		>"$BATS_TEST_TMPDIR/rexec.ini"
	stream=
}

teardown() {
	[ -z "$stream" ] || kill "$stream" 2>/dev/null || true
	stop_host
}

# Raw pings, a hundred a second, for as long as the test lasts.  Written by
# the shell (a blocking open): while no host reads the FIFO, the writer
# waits for the next one, as a raw client would.
ping_stream() {
	local i=0
	while :; do
		i=$((i + 1))
		printf '{"action":"ping","id":"raw-%d"}\n' "$i" \
			>"$REXEC_RUNTIME_DIR/control" 2>/dev/null || :
		sleep 0.01
	done
}

# The runs that are running, as the host's status tells them.
running_is() {
	[ "$("$REXEC" status --json | jq '.running | length')" -eq "$1" ]
}

all_exited() {
	local p
	for p in "${clients[@]}"; do
		! kill -0 "$p" 2>/dev/null || return 1
	done
}

groups_gone() {
	local p
	for p in $pids; do
		group_gone "$p" || return 1
	done
}

newest_session() {
	"$REXEC" list 1 | sed 's/ commands=.*//'
}

@test "restart under load: SIGKILL with 40 runs in flight, a new host at once, ${RESTART_CYCLES:-20} times" {
	local cycles=${RESTART_CYCLES:-20} n st p old_journal new_journal
	start_host
	ping_stream 3>&- &
	stream=$!
	for ((n = 1; n <= cycles; n++)); do
		old_journal=$("$REXEC" status --json | jq -r .journal)
		clients=()
		for ((p = 0; p < 40; p++)); do
			"$REXEC" run -- sleep 30 \
				>/dev/null 2>"$BATS_TEST_TMPDIR/client.$p" 3>&- &
			clients+=($!)
		done
		wait_for running_is 40
		# Each run leads its own session: its pid names its group.
		pids=$("$REXEC" status --json | jq -r '.running[].pid')

		kill -KILL "$HOST_PID"
		start_host || { cat "$BATS_TEST_TMPDIR/host.err"; false; }

		# The old clients: 127 within 3 s, and each says why.
		WAIT_SECONDS=3 wait_for all_exited
		for p in "${!clients[@]}"; do
			st=0
			wait "${clients[$p]}" || st=$?
			[ "$st" -eq 127 ]
			grep -q "stopped before it answered" "$BATS_TEST_TMPDIR/client.$p"
		done
		# No run outlives its host: the hangup of its terminal ends it.
		wait_for groups_gone
		# The old journal: whole lines only.
		jq -e . "$old_journal" >/dev/null
		# The new host: a session of its own, the newest, and it answers
		# at once, through the client and raw.
		new_journal=$("$REXEC" status --json | jq -r .journal)
		[ "$new_journal" != "$old_journal" ]
		[ -f "$new_journal" ]
		[ "$(newest_session)" = "$(basename "$new_journal" .jsonl)" ]
		rx run -- echo "cycle $n"
		[ "$status" -eq 0 ]
		[ "$output" = "cycle $n" ]
		send_line "{\"action\":\"ping\",\"id\":\"first-$n\"}"
		run await_reply "first-$n"
		[ "$(jq -r .pid <<<"$output")" = "$HOST_PID" ]
		rm -f "$REXEC_RUNTIME_DIR"/replies/*.json
	done
}
