#!/usr/bin/env bats
# grep.bats: rexec grep over journals written by real hosts (two sessions,
# one after the other) and by hand (the original crate's form, a torn last
# line, an old session holding a new run).

load helpers

setup() {
	setup_dirs
	export REXEC_WHOAMI=tester
}

teardown() {
	stop_host
}

# The bytes [start, end) of a --json match's text (jq counts characters).
match_bytes() {
	local start end
	start=$(jq -r .start <<<"$1")
	end=$(jq -r .end <<<"$1")
	jq -j .text <<<"$1" | head -c "$end" | tail -c +"$((start + 1))"
}

sessions() {
	ls "$REXEC_JOURNAL_DIR" | sed -n 's/\.jsonl$//p' | sort -V
}

# Two host sessions: the first ran runs 1 and 2, the second 3 and 4.
two_sessions() {
	start_host
	rx run -- printf 'build ok\nerror: first session\n'
	rx run --whoami alice -- sh -c 'echo "12 passed, 0 failed"; echo Error in alice'
	stop_host
	first=$(sessions | tail -n 1)
	# A new host in the same second gets "<name>-1", which still sorts newer.
	start_host
	rx run -- printf 'error: second session\nmore\nerror again\n'
	rx run --whoami bob -- printf 'nothing to see\n'
	stop_host
	second=$(sessions | tail -n 1)
	[ "$first" != "$second" ]
}

@test "grep: newest session first, runs in order, SESSION:SEQ opens with rexec log" {
	two_sessions
	rx grep error
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[ "${lines[0]}" = "$second:3: error: second session" ]
	[ "${lines[1]}" = "$second:3: error again" ]
	[ "${lines[2]}" = "$first:1: error: first session" ]
	[ -z "$stderr_out" ]
	for l in "${lines[@]}"; do
		ref=${l%%: *}
		text=${l#*: }
		rx log "$ref"
		[ "$status" -eq 0 ]
		[[ "$output" == *"$text"* ]]
	done
}

@test "grep: -i, -l with the command as a banner shows it, --json" {
	two_sessions
	rx grep -i '^error'
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 4 ]
	[ "${lines[3]}" = "$first:2: Error in alice" ]
	rx grep -l -i error
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[ "${lines[0]}" = "$second:3 tester printf 'error: second session\\nmore\\nerror again\\n'" ]
	[ "${lines[2]}" = "$first:2 alice sh -c 'echo \"12 passed, 0 failed\"; echo Error in alice'" ]
	rx grep --json 'again|[0-9]+ passed'
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[ "$(jq -c . <<<"${lines[0]}")" = "{\"session\":\"$second\",\"seq\":3,\"whoami\":\"tester\",\"line\":3,\"text\":\"error again\",\"start\":6,\"end\":11}" ]
	[ "$(jq -r '"\(.seq) \(.whoami) \(.line) \(.start) \(.end)"' <<<"${lines[1]}")" = "2 alice 1 0 9" ]
	[ "$(match_bytes "${lines[1]}")" = "12 passed" ]
	# -l --json: one object per run, with its argv.
	rx grep -l --json -i error
	[ "${#lines[@]}" -eq 3 ]
	[ "$(jq -c '[.session == "'"$first"'", .seq, .whoami, .exec[0]]' <<<"${lines[2]}")" = '[true,2,"alice","sh"]' ]
}

@test "grep: --whoami and --session, a missing session is an error" {
	two_sessions
	rx grep --whoami alice -i error
	[ "$status" -eq 0 ]
	[ "$output" = "$first:2: Error in alice" ]
	rx grep --whoami nobody error
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	rx grep --session "$first" error
	[ "$status" -eq 0 ]
	[ "$output" = "$first:1: error: first session" ]
	# Given oldest first, printed newest first.
	rx grep --session "$first" --session "$second.jsonl" 'error:'
	[ "${#lines[@]}" -eq 2 ]
	[ "${lines[0]}" = "$second:3: error: second session" ]
	rx grep --session no-such-session error
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[[ "$stderr_out" == 'rexec: grep: no session "no-such-session" ('*'no-such-session.jsonl: No such file or directory)' ]]
	rx grep --session
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == "rexec: --session: needs a value"* ]]
}

@test "grep: --since absolute and relative; a session older than DATE can hold newer runs" {
	mkdir -m 700 "$REXEC_JOURNAL_DIR"
	printf '%s\n' \
		'{"whoami":"w","dir":"/","exec":["a"],"exit":0,"output":"hit one\n","seq":1,"start":"2025-05-01T10:00:01.250Z","time":"2025-05-01T10:00:03.000Z"}' \
		'{"whoami":"w","dir":"/","exec":["b"],"exit":0,"output":"hit two\n","seq":2,"start":"2025-05-01T10:00:02.000Z"}' \
		'{"whoami":"w","dir":"/","exec":["c"],"exit":0,"output":"hit three\n","seq":3,"start":"2025-05-03T00:00:00.000Z"}' \
		>"$REXEC_JOURNAL_DIR/2025-05-01-10:00:00.jsonl"
	start_host
	rx run -- echo hit now
	new=$(sessions | tail -n 1)
	rx grep hit --since 2025-05-01T10:00:02
	[ "$status" -eq 0 ]
	[ "${lines[*]}" = "$new:4: hit now 2025-05-01-10:00:00:2: hit two 2025-05-01-10:00:00:3: hit three" ]
	rx grep hit --since 2025-05-01T10:00:02Z
	[ "${#lines[@]}" -eq 3 ]
	rx grep hit --since 2025-05-01T10:00
	[ "${#lines[@]}" -eq 4 ]
	rx grep hit --since 2025-05-02
	[ "${lines[*]}" = "$new:4: hit now 2025-05-01-10:00:00:3: hit three" ]
	rx grep hit --since 2h
	[ "$status" -eq 0 ]
	[ "$output" = "$new:4: hit now" ]
	rx grep hit --since 30m
	[ "$output" = "$new:4: hit now" ]
	rx grep hit --since 3d
	[ "$output" = "$new:4: hit now" ]
	rx grep hit --since 2999-01-01
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	for bad in yesterday 2025-13-01 2h30 -2h 2025-05-01T10 ''; do
		rx grep hit --since "$bad"
		[ "$status" -eq 2 ]
		[[ "$stderr_out" == "rexec: --since: not a date "*"\"$bad\""* ]]
	done
}

@test "grep: a bad pattern, no pattern, bad options, no match" {
	start_host
	rx run -- echo something
	rx grep 'a(b'
	[ "$status" -eq 2 ]
	[ "$stderr_out" = 'rexec: grep: Unmatched ( or \(' ]
	rx grep '[z-a]'
	[ "$status" -eq 2 ]
	[ "$stderr_out" = 'rexec: grep: Invalid range end' ]
	rx grep
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == "rexec: which pattern?"* ]]
	rx grep a b
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == 'rexec: unexpected argument "b"'* ]]
	rx grep --bogus x
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == 'rexec: unknown option "--bogus"'* ]]
	rx grep --color=sometimes x
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == 'rexec: --color: not auto, always or never: "sometimes"'* ]]
	rx --help
	[[ "$output" == *"rexec grep PATTERN [--session NAME]... [--whoami NAME] [--since DATE] [-i] [-l] [--json]"* ]]
	rx grep nothing-like-this
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[ -z "$stderr_out" ]
	# -e for a pattern that starts with a dash.
	rx run -- echo -x-
	rx grep -e -x-
	[ "$status" -eq 0 ]
	[[ "$output" == *":2: -x-" ]]
	# No journal directory at all: nothing matches.
	stop_host
	export REXEC_JOURNAL_DIR="$BATS_TEST_TMPDIR/none"
	rx grep x
	[ "$status" -eq 1 ]
}

@test "grep: a pattern regcomp cannot take safely is refused, exit 2, at once" {
	start_host
	rx run -- echo aaa
	# 30,000 nested groups crashed glibc's regcomp (stack overflow).
	p=$(python3 -c 'print("(" * 30000 + "a" + ")" * 30000)')
	rx grep "$p"
	[ "$status" -eq 2 ]
	[ "$stderr_out" = "rexec: grep: pattern longer than 4096 bytes (60001)" ]
	p=$(python3 -c 'print("(" * 1000 + "a" + ")" * 1000)')
	rx grep "$p"
	[ "$status" -eq 2 ]
	[ "$stderr_out" = "rexec: grep: pattern nests too deeply (1000 levels, at most 256)" ]
	# Repetitions inside repetitions took minutes and gigabytes.
	SECONDS=0
	rx grep '((a{255}){255}){255}'
	[ "$status" -eq 2 ]
	[ "$stderr_out" = "rexec: grep: pattern too large with its repetitions written out (more than 100000 characters)" ]
	rx grep -i 'a+++++++++++++++++++++++++'
	[ "$status" -eq 2 ]
	((SECONDS < 5))
	# What a person writes still works, brackets and escapes included.
	p=$(python3 -c 'print("(" * 256 + "a" + ")" * 256)')
	rx grep "$p"
	[ "$status" -eq 0 ]
	rx grep -l '[(]*\(*a{3}'
	[ "$status" -eq 0 ]
}

@test "grep: highlights matches on a terminal only" {
	start_host
	rx run -- printf 'an error and another error\n'
	stop_host
	# Piped: no escape codes, whatever the default.
	rx grep error
	[ "$output" = "$(sessions | tail -n 1):1: an error and another error" ]
	[[ "$output" != *$'\033'* ]]
	rx grep --color=never error
	[[ "$output" != *$'\033'* ]]
	rx grep --color=always error
	[[ "$output" == *$'\033[01;31m\033[Kerror\033[m\033[K and another \033[01;31m\033[Kerror\033[m\033[K'* ]]
	# On a terminal (script gives it one) the default colours.
	script -qec "'$REXEC' grep error" /dev/null >"$BATS_TEST_TMPDIR/tty.out"
	grep -qF $'\033[01;31m\033[Kerror\033[m\033[K' "$BATS_TEST_TMPDIR/tty.out"
	script -qec "'$REXEC' grep --color=never error" /dev/null >"$BATS_TEST_TMPDIR/tty.out"
	grep -q 'an error and' "$BATS_TEST_TMPDIR/tty.out"
	! grep -q $'\033' "$BATS_TEST_TMPDIR/tty.out"
	# --json never colours.
	script -qec "'$REXEC' grep --json error" /dev/null >"$BATS_TEST_TMPDIR/tty.out"
	grep -q '"text":"an error and another error"' "$BATS_TEST_TMPDIR/tty.out"
	! grep -q $'\033' "$BATS_TEST_TMPDIR/tty.out"
}

@test "grep: the original crate's journal numbers runs by line, as rexec log does" {
	mkdir -m 700 "$REXEC_JOURNAL_DIR"
	f="$REXEC_JOURNAL_DIR/2025-05-01-10:00:00.jsonl"
	printf '%s\n' \
		'{"whoami":"Claude Code","dir":"/home/u/p","envs":{},"exec":["ls","-la"],"exit":0,"output":"total 0\nREADME\n","error":null,"time":"2025-05-01T10:00:01Z"}' \
		'{"whoami":"Codex","dir":"/home/u/p","envs":{},"exec":["grep","a b","x"],"exit":1,"output":"","error":null,"time":"2025-05-01T10:00:02Z"}' \
		'{"whoami":"Codex","dir":"/home/u/p","envs":{},"exec":["cat","README"],"exit":0,"output":"see README\n","error":null,"time":"2025-05-01T10:00:03Z"}' \
		'{"whoami":"Codex","dir":"/","exec":["x"],"\u006futput":"an escaped key: README\n","time":"2025-05-01T10:00:04Z"}' >"$f"
	rx grep README
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[ "${lines[0]}" = "2025-05-01-10:00:00:1: README" ]
	[ "${lines[1]}" = "2025-05-01-10:00:00:3: see README" ]
	[ "${lines[2]}" = "2025-05-01-10:00:00:4: an escaped key: README" ]
	rx log 2025-05-01-10:00:00:3
	[ "$status" -eq 0 ]
	[ "$output" = "see README" ]
	rx grep -l README --whoami Codex
	[ "${lines[*]}" = "2025-05-01-10:00:00:3 Codex cat README 2025-05-01-10:00:00:4 Codex x" ]
	rx grep README --since 2025-05-01T10:00:02
	[ "${lines[0]}" = "2025-05-01-10:00:00:3: see README" ]
}

@test "grep: a torn last line is skipped, rejected requests have no text" {
	start_host
	rx run -- echo whole line
	send_line 'not json whole'
	wait_for grep -q 'bad_request' "$(journal_file)"
	stop_host
	printf '%s' '{"whoami":"w","dir":"/","exec":["b"],"exit":0,"output":"whole but torn' >>"$(journal_file)"
	rx grep whole
	[ "$status" -eq 0 ]
	[ "$output" = "$(sessions | tail -n 1):1: whole line" ]
	rx grep bad_request
	[ "$status" -eq 1 ]
	rx grep torn
	[ "$status" -eq 1 ]
}

@test "grep: NUL bytes and invalid UTF-8 in a run's text" {
	start_host
	rx run -- printf 'a\000b needle\n\377\376 needle2\nplain\n'
	stop_host
	rx grep --json needle
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[ "$(jq -r '.line' <<<"${lines[0]}")" = 1 ]
	[ "$(match_bytes "${lines[0]}")" = needle ]
	# Invalid bytes came through as U+FFFD, 3 bytes each: offsets count bytes.
	[ "$(jq -r '"\(.line) \(.start) \(.end)"' <<<"${lines[1]}")" = "2 7 13" ]
	[ "$(match_bytes "${lines[1]}")" = needle ]
	rx grep 'plain$'
	[ "$output" = "$(sessions | tail -n 1):1: plain" ]
	# A NUL kept in a journal's text is a byte like another.
	printf '%s\n' '{"whoami":"w","dir":"/","exec":["x"],"exit":0,"output":"x\u0000y needle\nz\u0000\n","seq":1}' \
		>"$REXEC_JOURNAL_DIR/hand.jsonl"
	"$REXEC" grep --session hand 'y needle$' >"$BATS_TEST_TMPDIR/nul.out"
	printf 'hand:1: x\000y needle\n' | cmp - "$BATS_TEST_TMPDIR/nul.out"
	rx grep --session hand --json 'needle'
	[ "$(jq -r '"\(.start) \(.end) \(.text | length)"' <<<"$output")" = "4 10 10" ]
}

@test "grep: in a UTF-8 locale . is a character and -i folds beyond ASCII" {
	mkdir -m 700 "$REXEC_JOURNAL_DIR"
	printf '%s\n' '{"whoami":"w","dir":"/","exec":["x"],"exit":0,"output":"ünïcode\n日本語\nab\n","seq":1}' \
		>"$REXEC_JOURNAL_DIR/utf.jsonl"
	LC_ALL=C.UTF-8 rx grep -i 'ÜNÏ'
	[ "$status" -eq 0 ]
	[ "$output" = "utf:1: ünïcode" ]
	LC_ALL=C.UTF-8 rx grep '^.{3}$'
	[ "$status" -eq 0 ]
	[ "$output" = "utf:1: 日本語" ]
	# In the C locale a byte is a character.
	LC_ALL=C rx grep '^.{3}$'
	[ "$status" -eq 1 ]
}
