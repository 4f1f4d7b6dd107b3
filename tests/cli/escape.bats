#!/usr/bin/env bats
# escape.bats: a request's strings (argv, dir, whoami) never write escapes
# to a human's terminal (DESIGN.md section 11).  Every place that shows
# them (the headless console raw and --text, print, status, grep, list)
# shows a control character, a C1 control or a bidi control in the
# shell's $'...' form; a whoami holding one is refused.

load helpers

# OSC 52 (set the clipboard) and OSC 2 (set the title), as JSON and as a
# shell shows them.
EVIL_JSON='\u001b]52;c;SGVsbG8=\u0007\u001b]2;PWNED\u0007'
EVIL_SHOWN="\$'\\e]52;c;SGVsbG8=\\a\\e]2;PWNED\\a'"

setup() {
	setup_dirs
	export REXEC_WHOAMI=tester
}

teardown() {
	stop_host
}

# No ESC, BEL or C1 control (as UTF-8) in file or text $1.
no_escapes() {
	! LC_ALL=C grep -q $'[\e\a]' "$1" &&
		! LC_ALL=C grep -qP '\xc2[\x80-\x9f]' "$1"
}

# No bidi override (U+202E) or isolate end (U+2069) in file $1.
no_bidi() {
	! grep -qF -e $'\xe2\x80\xae' -e $'\xe2\x81\xa9' "$1"
}

text_no_escapes() {
	printf '%s' "$1" >"$BATS_TEST_TMPDIR/text"
	no_escapes "$BATS_TEST_TMPDIR/text"
}

session_name() {
	basename "$(journal_file)" .jsonl
}

# The hostile runs, sent as raw lines as any client could: one whose
# argv holds OSC 52 and OSC 2 (the argument is sh's $0, so the run
# prints none of it), one whose dir holds an OSC 2 (bad_dir), one with a
# C1 CSI and a bidi override in its argv.
send_hostile() {
	send_line "{\"id\":\"e1\",\"whoami\":\"w\",\"dir\":\"/\",\"exec\":[\"sh\",\"-c\",\"echo found\",\"$EVIL_JSON\"]}"
	await_reply e1 >/dev/null
	send_line '{"id":"e2","whoami":"w","dir":"/x\u001b]2;X\u0007","exec":["true"]}'
	await_reply e2 >/dev/null
	send_line '{"id":"e3","whoami":"w","dir":"/","exec":["true","a\u009b31mb","\u202eevil"]}'
	await_reply e3 >/dev/null
}

# What each of the hostile runs looks like wherever a human reads it.
shows_hostile() {
	[[ "$1" == *"w:/ \$ sh -c 'echo found' $EVIL_SHOWN"* ]]
	[[ "$1" == *"w:\$'/x\\e]2;X\\a' \$ true"* ]]
	[[ "$1" == *"w:/ \$ true \$'a\\xc2\\x9b31mb' \$'\\u202eevil'"* ]]
}

@test "escape: the headless console shows a request's strings escaped" {
	start_host
	send_hostile
	[ "$(jq -r .error "$(reply_file e2)")" = "bad_dir: \$'/x\\e]2;X\\a': No such file or directory" ]
	wait_for grep -qF 'evil' "$BATS_TEST_TMPDIR/console"
	no_escapes "$BATS_TEST_TMPDIR/console"
	shows_hostile "$(cat "$BATS_TEST_TMPDIR/console")"
	no_bidi "$BATS_TEST_TMPDIR/console"
	no_escapes "$BATS_TEST_TMPDIR/host.err"
	# The journal keeps the exact strings.
	[ "$(jq -r 'select(.id == "e1") | .exec[3]' "$(journal_file)")" = $'\e]52;c;SGVsbG8=\a\e]2;PWNED\a' ]
	[ "$(jq -r 'select(.id == "e2") | .dir' "$(journal_file)")" = $'/x\e]2;X\a' ]
}

@test "escape: the --text console (the systemd unit's) shows them escaped too" {
	start_host --text
	send_hostile
	wait_for grep -qF 'evil' "$BATS_TEST_TMPDIR/console"
	no_escapes "$BATS_TEST_TMPDIR/console"
	shows_hostile "$(cat "$BATS_TEST_TMPDIR/console")"
}

@test "escape: print, grep, grep -l show a request's strings escaped" {
	start_host
	send_hostile
	rx print "$(session_name)"
	[ "$status" -eq 0 ]
	text_no_escapes "$output"
	shows_hostile "$output"
	rx grep found
	[ "$status" -eq 0 ]
	[ "$output" = "$(session_name):1: found" ]
	rx grep -l found
	[ "$status" -eq 0 ]
	[ "$output" = "$(session_name):1 w sh -c 'echo found' $EVIL_SHOWN" ]
	rx grep -l --color=always found
	[[ "$output" == *" w sh -c 'echo found' $EVIL_SHOWN"* ]]
	# --json is for programs: the exact strings, JSON-escaped.
	rx grep -l --json found
	[ "$(jq -r '.exec[3]' <<<"$output")" = $'\e]52;c;SGVsbG8=\a\e]2;PWNED\a' ]
}

@test "escape: status shows a running run's strings escaped" {
	start_host
	send_line "{\"id\":\"s1\",\"whoami\":\"w\",\"dir\":\"/\",\"exec\":[\"sh\",\"-c\",\"sleep 30\",\"$EVIL_JSON\"],\"yield\":0.1}"
	await_reply s1 >/dev/null
	rx status
	[ "$status" -eq 0 ]
	text_no_escapes "$output"
	[[ "$output" == *"  w  /  sh -c 'sleep 30' $EVIL_SHOWN"* ]]
	rx kill "$(jq -r .seq "$(reply_file s1)")"
}

@test "escape: list and grep show a journal named with escapes escaped" {
	mkdir -m 700 "$REXEC_JOURNAL_DIR"
	printf '{"whoami":"a\\u0007","dir":"/\\u009b","exec":["x"],"output":"hit\\n","seq":1}\n' \
		>"$REXEC_JOURNAL_DIR/"$'j\e]2;X\a'".jsonl"
	rx list
	[ "$status" -eq 0 ]
	[ "$output" = "\$'j\\e]2;X\\a' commands=1" ]
	rx grep -l hit
	[ "$output" = "\$'j\\e]2;X\\a':1 \$'a\\a' x" ]
	rx grep hit
	[ "$output" = "\$'j\\e]2;X\\a':1: hit" ]
	rx print $'j\e]2;X\a'
	[[ "$output" == *"] \$'a\\a':\$'/\\xc2\\x9b' \$ x"* ]]
}

@test "escape: a whoami with a control or bidi character is refused" {
	# By the client, as a usage error, before anything is sent.
	rx run --whoami $'a\tb' -- true
	[ "$status" -eq 2 ]
	[ "${stderr_out%%$'\n'*}" = "rexec: whoami: contains a control character" ]
	rx run --whoami $'a\xe2\x80\xaeb' -- true
	[ "$status" -eq 2 ]
	[ "${stderr_out%%$'\n'*}" = "rexec: whoami: contains a bidi control" ]
	rx run --whoami $'a\xc2\x9bb' -- true
	[ "$status" -eq 2 ]
	[ "${stderr_out%%$'\n'*}" = "rexec: whoami: contains a control character" ]
	REXEC_WHOAMI=$'a\x1b' rx run -- true
	[ "$status" -eq 2 ]
	rx mcp --whoami $'a\xe2\x81\xa6b'
	[ "$status" -eq 2 ]
	[ "${stderr_out%%$'\n'*}" = "rexec: whoami: contains a bidi control" ]
	# By the host, for every other client.
	start_host
	local id w
	for w in 'a\tb:control character' 'a\u202eb:bidi control' \
	    'a\u009bb:control character' 'a\u2069:bidi control' \
	    'a\u007f:control character'; do
		id=w$((++n))
		send_line "{\"id\":\"$id\",\"whoami\":\"${w%%:*}\",\"dir\":\"/\",\"exec\":[\"true\"]}"
		run await_reply "$id"
		[ "$(jq -r .error <<<"$output")" = "bad_request: whoami: contains a ${w#*:}" ]
		[ "$(jq -r .exit <<<"$output")" = 127 ]
	done
	no_escapes "$BATS_TEST_TMPDIR/console"
	no_bidi "$BATS_TEST_TMPDIR/host.err"
}
