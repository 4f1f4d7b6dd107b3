#!/usr/bin/env bats
# example.bats: contrib/rexec.ini.example names every key of rexec.ini with
# its default, so it cannot drift from the configuration table; and the
# host's --text option.

load helpers

setup() {
	setup_dirs
	EXAMPLE="$TESTS_SRCDIR/../contrib/rexec.ini.example"
}

# "section.key=value" for each key line of an INI file whose key lines
# match the prefix $2 ("" for live keys, ";" for commented-out ones).
ini_keys() {
	awk -v pfx="$2" '
	/^\[[A-Za-z_]+\][ \t]*$/ { s = $0; gsub(/[][ \t]/, "", s); next }
	substr($0, 1, length(pfx)) == pfx {
		line = substr($0, length(pfx) + 1)
		if (line !~ /^[A-Za-z_][A-Za-z0-9_]* =/)
			next
		k = line; sub(/ =.*/, "", k)
		v = line; sub(/^[^=]*=[ \t]*/, "", v); sub(/[ \t]+$/, "", v)
		print s "." k "=" v
	}' "$1" | LC_ALL=C sort
}

@test "the example names every key of --print-config with its default" {
	rx host --print-config
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/defaults.ini"
	ini_keys "$BATS_TEST_TMPDIR/defaults.ini" "" >"$BATS_TEST_TMPDIR/want"
	ini_keys "$EXAMPLE" ";" >"$BATS_TEST_TMPDIR/got"
	# Not vacuous: both sides hold the table's keys.
	grep -qx 'host.max_parallel=16' "$BATS_TEST_TMPDIR/want"
	grep -qx 'env.PAGER=cat' "$BATS_TEST_TMPDIR/want"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/want")" -ge 30 ]
	diff "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
}

@test "the example with every key uncommented loads as the built-in defaults" {
	sed -E 's/^;([A-Za-z_][A-Za-z0-9_]* =)/\1/' "$EXAMPLE" \
		>"$BATS_TEST_TMPDIR/all.ini"
	# Every key line is live now, none left commented out.
	! grep -Eq '^;[A-Za-z_]+ =' "$BATS_TEST_TMPDIR/all.ini"
	ini_keys "$BATS_TEST_TMPDIR/all.ini" "" >"$BATS_TEST_TMPDIR/live"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/live")" -ge 30 ]
	rx host --config "$BATS_TEST_TMPDIR/all.ini" --print-config
	[ "$status" -eq 0 ]
	[ -z "$stderr_out" ]
	[[ "${lines[0]}" == *"($BATS_TEST_TMPDIR/all.ini)"* ]]
	loaded=$(printf '%s\n' "$output" | sed 1d)
	rx host --print-config
	[ "$status" -eq 0 ]
	[ "$loaded" = "$(printf '%s\n' "$output" | sed 1d)" ]
}

@test "the example as shipped (all commented out) loads without error" {
	rx host --config "$EXAMPLE" --print-config
	[ "$status" -eq 0 ]
	[ -z "$stderr_out" ]
	[[ "${lines[0]}" == *"($EXAMPLE)"* ]]
}

@test "each key of the example has one line of help above it" {
	awk '/^;[A-Za-z_][A-Za-z0-9_]* =/ && prev !~ /^; [^ ]/ && prev !~ /^;[A-Za-z_]/ {
		print "no help above line " NR ": " $0; bad = 1 }
	{ prev = $0 } END { exit bad }' "$EXAMPLE"
}

@test "a key changed in the example is caught by the comparison" {
	# The check above is not blind: one altered default shows in the diff.
	sed 's/^;max_parallel = 16$/;max_parallel = 17/' "$EXAMPLE" \
		>"$BATS_TEST_TMPDIR/drift.ini"
	rx host --print-config
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/defaults.ini"
	run diff <(ini_keys "$BATS_TEST_TMPDIR/defaults.ini" "") \
		<(ini_keys "$BATS_TEST_TMPDIR/drift.ini" ";")
	[ "$status" -eq 1 ]
	[[ "$output" == *"host.max_parallel=17"* ]]
}

@test "host --text prints the agent view: [headless] raw = false" {
	rx host --text --print-config
	[ "$status" -eq 0 ]
	[[ "$output" == *$'[headless]\nraw = false'* ]]
	rx host --print-config
	[[ "$output" == *$'[headless]\nraw = true'* ]]
}

@test "host --text: the headless console carries agent text, no escapes" {
	export REXEC_WHOAMI=tester
	start_host --text
	rx run -- printf '\033[1;31mred\033[0m plain\n'
	[ "$status" -eq 0 ]
	wait_for grep -q 'red plain' "$BATS_TEST_TMPDIR/console"
	stop_host
	! grep -q $'\033' "$BATS_TEST_TMPDIR/console"
}

@test "host without --text keeps the raw escapes on its console" {
	export REXEC_WHOAMI=tester
	start_host
	rx run -- printf '\033[1;31mred\033[0m plain\n'
	[ "$status" -eq 0 ]
	wait_for grep -q 'plain' "$BATS_TEST_TMPDIR/console"
	stop_host
	grep -q $'\033\\[1;31mred' "$BATS_TEST_TMPDIR/console"
}

@test "host --text takes no value" {
	rx host --text=yes
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == *"rexec: "*"--text"* ]]
}
