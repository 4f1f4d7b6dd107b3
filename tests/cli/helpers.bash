# helpers.bash: what every bats file loads.  Each test gets its own HOME,
# runtime and journal directories under BATS_TEST_TMPDIR, so no test touches
# the real ones.

: "${REXEC:?REXEC must name the rexec binary (make check sets it)}"

setup_dirs() {
	export HOME="$BATS_TEST_TMPDIR/home"
	export XDG_CONFIG_HOME="$HOME/.config"
	export XDG_STATE_HOME="$HOME/.local/state"
	export XDG_RUNTIME_DIR="$BATS_TEST_TMPDIR/xdg-run"
	export REXEC_RUNTIME_DIR="$BATS_TEST_TMPDIR/run"
	export REXEC_JOURNAL_DIR="$BATS_TEST_TMPDIR/journal"
	unset REXEC_CONFIG REXEC_WHOAMI
	mkdir -p "$HOME"
}

# Run rexec with separate stdout ($output) and stderr ($stderr_out).
rx() {
	local errf="$BATS_TEST_TMPDIR/.rx-stderr"
	output=$("$REXEC" "$@" 2>"$errf") && status=0 || status=$?
	stderr_out=$(cat "$errf")
	# As bats's run: the non-empty lines of the output.
	lines=()
	local l
	while IFS= read -r l; do
		[ -n "$l" ] && lines+=("$l")
	done <<<"$output"
	return 0
}

# Poll until a command succeeds, up to a deadline in seconds (default 10).
wait_for() {
	local deadline=$((SECONDS + ${WAIT_SECONDS:-10}))
	until "$@"; do
		if ((SECONDS >= deadline)); then
			echo "timed out waiting for: $*" >&2
			return 1
		fi
		sleep 0.02
	done
}

# A host of our own, headless, with short timers unless the test overrides
# them in $BATS_TEST_TMPDIR/rexec.ini before calling start_host.
start_host() {
	local ini="$BATS_TEST_TMPDIR/rexec.ini"
	if [ ! -e "$ini" ]; then
		printf '[run]\nkill_grace = 0.3\nlinger = 0.5\n' >"$ini"
	fi
	export REXEC_CONFIG="$ini"
	"$REXEC" host --headless "$@" >"$BATS_TEST_TMPDIR/console" \
		2>"$BATS_TEST_TMPDIR/host.err" 3>&- &
	HOST_PID=$!
	wait_for host_answers
}

host_up() {
	"$REXEC" check >/dev/null 2>&1
}

# Our host answers: a host killed a moment ago can still look alive to
# "rexec check" for a few milliseconds, so ask for the pid.
host_answers() {
	[ "$("$REXEC" status --json 2>/dev/null | jq -r .pid)" = "$HOST_PID" ]
}

# A run is a session leader on its own PTY, so its pid names its process
# group: "nothing survived" is a question about that group alone, never
# about every process on the machine (other tests run the same commands).
group_gone() {
	! kill -0 -- "-$1" 2>/dev/null
}

host_gone() {
	! kill -0 "$HOST_PID" 2>/dev/null
}

stop_host() {
	if [ -n "${HOST_PID:-}" ] && kill -0 "$HOST_PID" 2>/dev/null; then
		kill -TERM "$HOST_PID"
		wait_for host_gone
	fi
	HOST_PID=
}

# Send one raw line to the control FIFO.
send_line() {
	printf '%s\n' "$1" >"$REXEC_RUNTIME_DIR/control"
}

reply_file() {
	printf '%s/replies/%s.json' "$REXEC_RUNTIME_DIR" "$1"
}

# Wait for a reply written by the host and print it.
await_reply() {
	wait_for test -e "$(reply_file "$1")"
	cat "$(reply_file "$1")"
}

journal_file() {
	ls "$REXEC_JOURNAL_DIR"/*.jsonl | head -n 1
}

