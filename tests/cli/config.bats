#!/usr/bin/env bats
# config.bats: rexec host --print-config and configuration errors.

load helpers

setup() {
	setup_dirs
}

@test "print-config shows the defaults and where files go" {
	rx host --print-config
	[ "$status" -eq 0 ]
	[[ "$output" == *"(built-in defaults)"* ]]
	[[ "$output" == *"max_parallel = 16"* ]]
	[[ "$output" == *"PAGER = cat"* ]]
	[[ "$output" == *"; runtime directory: $REXEC_RUNTIME_DIR"* ]]
	[[ "$output" == *"; journal directory: $REXEC_JOURNAL_DIR"* ]]
}

@test "print-config output reads back as the same configuration" {
	cat >"$BATS_TEST_TMPDIR/in.ini" <<-'INI'
	[run]
	timeout = 12.5
	[env]
	EDITOR = "true ; no-op"
	INI
	rx host --config "$BATS_TEST_TMPDIR/in.ini" --print-config
	[ "$status" -eq 0 ]
	[[ "$output" == *"timeout = 12.5"* ]]
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/out.ini"
	rx host --config "$BATS_TEST_TMPDIR/out.ini" --print-config
	[ "$status" -eq 0 ]
	diff <(sed 1d "$BATS_TEST_TMPDIR/out.ini") <(printf '%s\n' "$output" | sed 1d)
}

@test "a bad config prints file:line errors and exits 1" {
	f="$BATS_TEST_TMPDIR/rexec.ini"
	printf '[run]\ntimeout = ten\n[bogus]\n' >"$f"
	rx host --config "$f" --print-config
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ "$stderr_out" == *"$f:2: [run] timeout: not a number: \"ten\""* ]]
	[[ "$stderr_out" == *"$f:3: unknown section [bogus]"* ]]
}

@test "a bad config stops the host before it starts" {
	f="$BATS_TEST_TMPDIR/rexec.ini"
	printf '[pty]\ntermios = cooked\n' >"$f"
	rx host --headless --config "$f"
	[ "$status" -eq 1 ]
	[[ "$stderr_out" == *"$f:2: [pty] termios: unknown value \"cooked\" (sane or raw)"* ]]
	[ ! -e "$REXEC_RUNTIME_DIR" ]
}

@test "a missing --config file is an error" {
	rx host --config "$BATS_TEST_TMPDIR/nope.ini" --print-config
	[ "$status" -eq 1 ]
	[[ "$stderr_out" == *"nope.ini: No such file or directory"* ]]
}

@test "REXEC_CONFIG is used, and must exist" {
	printf '[pty]\ncols = 99\n' >"$BATS_TEST_TMPDIR/env.ini"
	REXEC_CONFIG="$BATS_TEST_TMPDIR/env.ini" rx host --print-config
	[ "$status" -eq 0 ]
	[[ "$output" == *"cols = 99"* ]]
	REXEC_CONFIG="$BATS_TEST_TMPDIR/missing.ini" rx host --print-config
	[ "$status" -eq 1 ]
}

@test "the XDG config file is read, and its absence means defaults" {
	rx host --print-config
	[ "$status" -eq 0 ]
	[[ "$output" == *"cols = 80"* ]]
	mkdir -p "$XDG_CONFIG_HOME/rexec"
	printf '[pty]\ncols = 101\n' >"$XDG_CONFIG_HOME/rexec/rexec.ini"
	rx host --print-config
	[ "$status" -eq 0 ]
	[[ "$output" == *"cols = 101"* ]]
	[[ "$output" == *"($XDG_CONFIG_HOME/rexec/rexec.ini)"* ]]
}

@test "--config wins over REXEC_CONFIG" {
	printf '[pty]\ncols = 91\n' >"$BATS_TEST_TMPDIR/a.ini"
	printf '[pty]\ncols = 92\n' >"$BATS_TEST_TMPDIR/b.ini"
	REXEC_CONFIG="$BATS_TEST_TMPDIR/b.ini" rx host --config "$BATS_TEST_TMPDIR/a.ini" --print-config
	[ "$status" -eq 0 ]
	[[ "$output" == *"cols = 91"* ]]
}

# rexec with a deadline: a command that hangs fails with 124 instead of
# holding up the suite.
rx_deadline() {
	local errf="$BATS_TEST_TMPDIR/.rx-stderr"
	output=$(timeout 5 "$REXEC" "$@" 2>"$errf") && status=0 || status=$?
	stderr_out=$(cat "$errf")
}

@test "a config that is not a regular file is refused at once: FIFO, directory, device" {
	mkfifo "$BATS_TEST_TMPDIR/x.ini"
	mkdir "$BATS_TEST_TMPDIR/d.ini"
	for f in "$BATS_TEST_TMPDIR/x.ini" "$BATS_TEST_TMPDIR/d.ini" /dev/null; do
		REXEC_CONFIG=$f rx_deadline check
		[ "$status" -eq 2 ] || { echo "$f: status $status"; false; }
		[ "$stderr_out" = "$f: not a regular file" ]
		rx_deadline host --headless --config "$f"
		[ "$status" -eq 1 ]
		[ "$stderr_out" = "$f: not a regular file" ]
		REXEC_CONFIG=$f rx_deadline run --whoami t -- true
		[ "$status" -eq 2 ]
		[ "$stderr_out" = "$f: not a regular file" ]
	done
	[ ! -e "$REXEC_RUNTIME_DIR" ]
	# The file found by the usual lookup is held to the same rule.
	mkdir -p "$XDG_CONFIG_HOME/rexec"
	mkfifo "$XDG_CONFIG_HOME/rexec/rexec.ini"
	rx_deadline host --print-config
	[ "$status" -eq 1 ]
	[ "$stderr_out" = "$XDG_CONFIG_HOME/rexec/rexec.ini: not a regular file" ]
	# A symbolic link to a regular file is followed.
	rm "$XDG_CONFIG_HOME/rexec/rexec.ini"
	printf '[pty]\ncols = 77\n' >"$BATS_TEST_TMPDIR/real.ini"
	ln -s "$BATS_TEST_TMPDIR/real.ini" "$XDG_CONFIG_HOME/rexec/rexec.ini"
	rx_deadline host --print-config
	[ "$status" -eq 0 ]
	[[ "$output" == *"cols = 77"* ]]
}

@test "client commands check only the keys they use; a bad one exits 2" {
	f="$BATS_TEST_TMPDIR/rexec.ini"
	printf '[ui]\nfps = 0\n[run]\nidle_timout = 3\n[bogus]\nx = 1\n[run]\nkill_grace = 0.3\nlinger = 0.5\n' >"$f"
	# The host refuses the file, every problem named.
	rx host --config "$f" --print-config
	[ "$status" -eq 1 ]
	[[ "$stderr_out" == *"$f:2: [ui] fps: out of range (1 to 240): \"0\""* ]]
	[[ "$stderr_out" == *"$f:4: [run] unknown key \"idle_timout\": did you mean \"idle_timeout\"?"* ]]
	# An agent's commands do not care: no key of theirs is wrong.
	export REXEC_CONFIG=$f
	rx run --whoami t -- true </dev/null
	[ "$status" -eq 127 ]
	[ "$stderr_out" = "HOST NOT FOUND" ]
	rx check
	[ "$status" -eq 127 ]
	rx list
	[ "$status" -eq 0 ]
	# A key they read, wrong, is a usage error naming file and line.
	printf '[host]\nruntime_dir = rel\n' >"$f"
	for cmd in "run --whoami t -- true" "status" "wait 1" "kill 1" "list" "log 1"; do
		rx $cmd </dev/null
		[ "$status" -eq 2 ] || { echo "$cmd: status $status"; false; }
		[ "$stderr_out" = "$f:2: [host] runtime_dir: not an absolute path: \"rel\"" ]
	done
	printf '[run]\nenv = agent\n' >"$f"
	rx run --whoami t -- true </dev/null
	[ "$status" -eq 2 ]
	[ "$stderr_out" = "$f:2: [run] env: unknown value \"agent\" (host or client)" ]
}

@test "an unknown key names the key it is closest to" {
	f="$BATS_TEST_TMPDIR/rexec.ini"
	printf '[ui]\nmax_parallel = 3\n[pty]\nrow = 30\n[agent]\nzzz = 1\n' >"$f"
	rx host --config "$f" --print-config
	[ "$status" -eq 1 ]
	[[ "$stderr_out" == *"$f:2: [ui] unknown key \"max_parallel\": did you mean \"max_parallel\" in [host]?"* ]]
	[[ "$stderr_out" == *"$f:4: [pty] unknown key \"row\": did you mean \"rows\"?"* ]]
	[[ "$stderr_out" == *"$f:6: [agent] unknown key \"zzz\""* ]]
	[[ "$stderr_out" != *"zzz\": did"* ]]
}
