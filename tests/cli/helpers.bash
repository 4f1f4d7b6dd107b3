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
bats_require_minimum_version 1.5.0
rx() {
	run --separate-stderr "$REXEC" "$@"
	stderr_out=$stderr
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
