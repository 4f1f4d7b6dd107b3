#!/usr/bin/env bats
# replay.bats: `rexec replay` plays asciicast v2 recordings.

load helpers

setup() {
	setup_dirs
	CAST="$BATS_TEST_TMPDIR/run.cast"
}

teardown() {
	stop_host
}

# A recording with colours, UTF-8, a NUL-free escape mix and 5 s gaps.
write_slow_cast() {
	cat >"$CAST" <<'EOF'
{"version":2,"width":80,"height":24,"timestamp":1795804988,"command":"make","title":"u: make"}
[0.000000, "o", "\u001b[1;32mbuild\u001b[0m "]
[5.000000, "o", "caf\u00e9 \u2588\u2588\r\n"]
[10.000000, "i", "typed"]
[15.000000, "o", "done\r\n"]
EOF
}

@test "replay --speed 0 prints the events' data exactly" {
	write_slow_cast
	rx replay --speed 0 "$CAST"
	[ "$status" -eq 0 ]
	[ -z "$stderr_out" ]
	expected=$(printf '\033[1;32mbuild\033[0m café ██\r\ndone\r')
	[ "$output" = "$expected" ]
	# Byte for byte, the trailing newline included.
	"$REXEC" replay --speed 0 "$CAST" >"$BATS_TEST_TMPDIR/out"
	printf '\033[1;32mbuild\033[0m café ██\r\ndone\r\n' >"$BATS_TEST_TMPDIR/want"
	cmp "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/want"
}

@test "replay --idle-limit caps long gaps" {
	write_slow_cast
	start=$SECONDS
	rx replay --idle-limit 0.1 "$CAST"
	[ "$status" -eq 0 ]
	[ $((SECONDS - start)) -lt 3 ]
	[[ "$output" == *"done"* ]]
}

@test "replay --speed 100 divides the gaps" {
	write_slow_cast
	start=$SECONDS
	rx replay --speed 100 "$CAST"
	[ "$status" -eq 0 ]
	[ $((SECONDS - start)) -lt 3 ]
	[[ "$output" == *"done"* ]]
}

@test "replay keeps the timing without options" {
	cat >"$CAST" <<'EOF'
{"version":2,"width":80,"height":24}
[0.0, "o", "a"]
[1.2, "o", "b"]
EOF
	start=$(date +%s%N)
	rx replay "$CAST"
	elapsed=$((($(date +%s%N) - start) / 1000000))
	[ "$status" -eq 0 ]
	[ "$output" = "ab" ]
	[ "$elapsed" -ge 1100 ]
}

@test "replay honours the header's idle_time_limit" {
	cat >"$CAST" <<'EOF'
{"version":2,"width":80,"height":24,"idle_time_limit":0.1}
[0.0, "o", "a"]
[30.0, "o", "b"]
EOF
	start=$SECONDS
	rx replay "$CAST"
	[ "$status" -eq 0 ]
	[ "$output" = "ab" ]
	[ $((SECONDS - start)) -lt 3 ]
}

@test "replay skips malformed events and says how many" {
	cat >"$CAST" <<'EOF'
{"version":2,"width":80,"height":24}
[0.1, "o", "one "]
not json
[0.2, "o"]
[-1, "o", "negative"]
["0.3", "o", "string time"]
[0.4, "o", 7]

[0.5, "m", "a marker"]
[0.6, "r", "100x40"]
[0.7, "o", "two"]
[0.8, "o", "torn
EOF
	rx replay --speed 0 "$CAST"
	[ "$status" -eq 0 ]
	[ "$output" = "one two" ]
	[ "$stderr_out" = "rexec: $CAST: 6 malformed events skipped (first at line 3)" ]
}

@test "replay drops NUL, BEL and DEL; --raw plays them as recorded" {
	cat >"$CAST" <<'EOF'
{"version":2,"width":80,"height":24}
[0.1, "o", "a\u0000b\u0007\b\u007f\u0005"]
EOF
	"$REXEC" replay --speed 0 "$CAST" >"$BATS_TEST_TMPDIR/out"
	printf 'ab\b' >"$BATS_TEST_TMPDIR/want"
	cmp "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/want"
	"$REXEC" replay --raw --speed 0 "$CAST" >"$BATS_TEST_TMPDIR/out"
	printf 'a\0b\a\b\177\005' >"$BATS_TEST_TMPDIR/want"
	cmp "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/want"
}

# What a hostile run prints: the clipboard, the title, two queries whose
# answers a terminal would type into the shell, a DECRQSS, then text.
HOSTILE='\033]52;c;SGVsbG8=\a\033]2;PWNED\a\033[6n\033[c\033P$qm\033\\\033[1;31mred\033[0m text\n'

@test "replay writes a run's text and colours but not its OSC, queries or DCS" {
	start_host
	rx run --whoami tester --json -- printf "$HOSTILE"
	[ "$status" -eq 0 ]
	rec=$(jq -r .record <<<"$output")
	[ -f "$rec" ]

	# Exactly what draws, and nothing else.
	"$REXEC" replay --speed 0 "$rec" >"$BATS_TEST_TMPDIR/out"
	printf '\033[1;31mred\033[0m text\r\n' >"$BATS_TEST_TMPDIR/want"
	cmp "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/want"

	# The same on a terminal: script(1) gives replay one.
	script -qec "'$REXEC' replay --speed 0 '$rec'" /dev/null \
	    >"$BATS_TEST_TMPDIR/tty"
	tty=$(cat "$BATS_TEST_TMPDIR/tty")
	[[ "$tty" == *$'\e[1;31mred\e[0m text'* ]]
	[[ "$tty" != *$'\e]'* ]]
	[[ "$tty" != *$'\eP'* ]]
	[[ "$tty" != *$'\e[6n'* ]]
	[[ "$tty" != *$'\e[c'* ]]
	[[ "$tty" != *PWNED* ]]
	[[ "$tty" != *SGVsbG8* ]]

	# --raw writes the recording as it is.
	"$REXEC" replay --raw --speed 0 "$rec" >"$BATS_TEST_TMPDIR/raw"
	printf "$HOSTILE" | sed 's/$/\r/' >"$BATS_TEST_TMPDIR/want"
	cmp "$BATS_TEST_TMPDIR/raw" "$BATS_TEST_TMPDIR/want"
	script -qec "'$REXEC' replay --raw --speed 0 '$rec'" /dev/null \
	    >"$BATS_TEST_TMPDIR/tty"
	tty=$(cat "$BATS_TEST_TMPDIR/tty")
	[[ "$tty" == *$'\e]52;c;SGVsbG8=\a'* ]]
	[[ "$tty" == *$'\e]2;PWNED\a'* ]]
	[[ "$tty" == *$'\e[6n\e[c\eP$qm\e\\'* ]]
}

@test "replay drops C1 controls, and a sequence split across events as if whole" {
	cat >"$CAST" <<'EOF'
{"version":2,"width":80,"height":24}
[0.1, "o", "\u009d52;c;SGVsbG8=\u0007\u009b6n\u00901$r\u009c\u009b1mbold"]
[0.2, "o", " \u001b]2;PWN"]
[0.3, "o", "ED\u001b"]
[0.4, "o", "\\ok \u001b[3"]
[0.5, "o", "2mgreen\u001b[0"]
[0.6, "o", "m\u001b["]
EOF
	"$REXEC" replay --speed 0 "$CAST" >"$BATS_TEST_TMPDIR/out"
	printf '\033[1mbold ok \033[32mgreen\033[0m' >"$BATS_TEST_TMPDIR/want"
	cmp "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/want"
}

@test "replay: usage errors exit 2 with the usage line" {
	write_slow_cast
	rx replay
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == *"rexec: missing recording"* ]]
	[[ "$stderr_out" == *"usage: rexec replay "* ]]
	rx replay --speed fast "$CAST"
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == *'rexec: --speed: not a number: "fast"'* ]]
	rx replay --speed -1 "$CAST"
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == *'rexec: --speed: not 0 or more: "-1"'* ]]
	rx replay --speed nan "$CAST"
	[ "$status" -eq 2 ]
	rx replay --idle-limit 0 "$CAST"
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == *'rexec: --idle-limit: not more than 0: "0"'* ]]
	rx replay --idle-limit 1s "$CAST"
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == *'rexec: --idle-limit: not a number: "1s"'* ]]
	rx replay --speed
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == *'rexec: --speed: needs an argument'* ]]
	rx replay --bogus "$CAST"
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == *'rexec: unknown option: --bogus'* ]]
	rx replay "$CAST" extra
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == *'rexec: unexpected argument: "extra"'* ]]
	rx replay --raw=yes "$CAST"
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == *'usage: rexec replay '*' [--raw]'* ]]
	[ -z "$output" ]
}

@test "replay: a missing file exits 1" {
	rx replay --speed 0 "$BATS_TEST_TMPDIR/nope.cast"
	[ "$status" -eq 1 ]
	[ "$stderr_out" = "rexec: $BATS_TEST_TMPDIR/nope.cast: No such file or directory" ]
	[ -z "$output" ]
}

@test "replay: an unknown run or session exits 1" {
	rx replay 42
	[ "$status" -eq 1 ]
	[[ "$stderr_out" == "rexec: no journals in "* ]]
	start_host
	rx run --whoami t -- echo recorded
	rx replay 42
	[ "$status" -eq 1 ]
	[[ "$stderr_out" == "rexec: "*": no run 42" ]]
	rx replay --speed 0 1
	[ "$status" -eq 0 ]
	[ "$output" = "recorded"$'\r' ]
	rx replay nosuch:1
	[ "$status" -eq 1 ]
	[[ "$stderr_out" == *"nosuch.jsonl: No such file or directory" ]]
}

@test "replay: a file that is not asciicast v2 exits 1" {
	: >"$CAST"
	rx replay --speed 0 "$CAST"
	[ "$status" -eq 1 ]
	[ "$stderr_out" = "rexec: $CAST: empty file" ]
	printf 'hello\n' >"$CAST"
	rx replay --speed 0 "$CAST"
	[ "$status" -eq 1 ]
	[ "$stderr_out" = "rexec: $CAST: not an asciicast v2 recording" ]
	printf '{"version":1,"width":80,"height":24,"stdout":[]}\n' >"$CAST"
	rx replay --speed 0 "$CAST"
	[ "$status" -eq 1 ]
	[ "$stderr_out" = "rexec: $CAST: not an asciicast v2 recording" ]
	rx replay --speed 0 "$BATS_TEST_TMPDIR"/
	[ "$status" -eq 1 ]
	[[ "$stderr_out" == "rexec: $BATS_TEST_TMPDIR/: "* ]]
}

@test "replay: a signal stops it with 128+N" {
	write_slow_cast
	"$REXEC" replay "$CAST" >"$BATS_TEST_TMPDIR/out" 2>&1 &
	pid=$!
	sleep 0.3
	kill -INT "$pid"
	status=0
	wait "$pid" || status=$?
	[ "$status" -eq 130 ]
	[[ "$(cat "$BATS_TEST_TMPDIR/out")" != *"done"* ]]
}

@test "a run's recording replays to its raw output" {
	start_host
	rx run --whoami tester --json -- sh -c \
	    'printf "\033[1;31mred\033[0m caf\303"; sleep 0.1; printf "\251 \377\n"'
	[ "$status" -eq 0 ]
	rec=$(jq -r '.record // empty' <<<"$output")
	[ -n "$rec" ]
	[ "$(jq -r .record "$(journal_file)")" = "$rec" ]
	[ "$(stat -c %a "$rec")" = 600 ]
	[ "$(stat -c %a "$(dirname "$rec")")" = 700 ]
	[ "$(head -n 1 "$rec" | jq -r .title)" = "tester: sh -c 'printf \"\\033[1;31mred\\033[0m caf\\303\"; sleep 0.1; printf \"\\251 \\377\\n\"'" ]
	"$REXEC" replay --speed 0 "$rec" >"$BATS_TEST_TMPDIR/out"
	printf '\033[1;31mred\033[0m caf\303\251 \357\277\275\r\n' >"$BATS_TEST_TMPDIR/want"
	cmp "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/want"
}

@test "a recorded coloured progress bar renders to the same screen as the live bytes" {
	start_host
	live='\033[1;32mbuild\033[0m \033[33m[          ]\033[0m  0%%\r\033[K\033[1;32mbuild\033[0m \033[33m[#####     ]\033[0m 50%%\r\033[K\033[1;32mbuild\033[0m \033[33m[##########]\033[0m 100%%\r\ndone\r\n'
	rx run --whoami tester --json -- printf "$live"
	[ "$status" -eq 0 ]
	rec=$(jq -r .record <<<"$output")
	"$REXEC" replay --speed 0 "$rec" | "$REXEC" render --cols 40 --rows 5 >"$BATS_TEST_TMPDIR/replayed"
	printf "$live" | "$REXEC" render --cols 40 --rows 5 >"$BATS_TEST_TMPDIR/live"
	cmp "$BATS_TEST_TMPDIR/replayed" "$BATS_TEST_TMPDIR/live"
	grep -q '^build \[##########\] 100%$' "$BATS_TEST_TMPDIR/live"
}

@test "a recording made by rexec plays with asciinema play" {
	command -v asciinema >/dev/null || skip "asciinema is not installed"
	start_host
	rx run --whoami tester --json -- printf 'asciinema-sees-this\r\n'
	rec=$(jq -r .record <<<"$output")
	# asciinema wants a terminal: script(1) gives it one.
	HOME="$BATS_TEST_TMPDIR" script -qec "asciinema play -s 100 '$rec'" /dev/null >"$BATS_TEST_TMPDIR/played"
	grep -q asciinema-sees-this "$BATS_TEST_TMPDIR/played"
}
