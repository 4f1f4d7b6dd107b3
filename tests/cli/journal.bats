#!/usr/bin/env bats
# journal.bats: rexec list, print (and --follow), log, and retention, on
# journals written by a real host and by hand (the original crate's form).

load helpers

setup() {
	setup_dirs
	export REXEC_WHOAMI=tester
}

teardown() {
	[ -n "${follower:-}" ] && kill "$follower" 2>/dev/null
	# A host whose disk is held cannot finish its last sync.
	[ -n "${gate:-}" ] && touch "$gate"
	stop_host
}

session_name() {
	basename "$(journal_file)" .jsonl
}

@test "list: newest first with command counts; --list N; --json" {
	mkdir -m 700 "$REXEC_JOURNAL_DIR"
	printf '{"whoami":"a","dir":"/","exec":["x"],"exit":0,"output":"","error":null,"time":"2026-01-01T00:00:00Z"}\n' \
		>"$REXEC_JOURNAL_DIR/2026-01-01-00:00:00.jsonl"
	start_host
	rx run -- echo one
	rx run -- echo two
	send_line 'not json'
	wait_for grep -q 'bad_request' "$REXEC_JOURNAL_DIR/$(ls "$REXEC_JOURNAL_DIR" | sort | tail -n1)"
	rx list
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(ls "$REXEC_JOURNAL_DIR" | sort | tail -n1 | sed 's/\.jsonl$//') commands=2" ]
	[ "${lines[1]}" = "2026-01-01-00:00:00 commands=1" ]
	rx --list 1
	[ "${#lines[@]}" -eq 1 ]
	rx list --json
	[ "$(jq -r '.[1].name' <<<"$output")" = 2026-01-01-00:00:00 ]
	[ "$(jq -r '.[0].commands' <<<"$output")" = 2 ]
	rx list many
	[ "$status" -eq 2 ]
}

@test "print: a journal in console form" {
	start_host
	rx run -- printf 'hello\nworld\n'
	rx run -- sh -c 'echo partial; exit 3'
	rx run -- no-such-tool
	rx print "$(session_name)"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^\[[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z\]\ tester:.*\ \$\ printf\ \'hello\\nworld\\n\'$ ]]
	[ "${lines[1]}" = hello ]
	[ "${lines[2]}" = world ]
	[[ "$output" == *"$ no-such-tool"$'\n'"[rexec: not_found]"* ]]
	rx -p "$(journal_file)"
	[ "$status" -eq 0 ]
	rx print no-such-session
	[ "$status" -eq 1 ]
	[[ "$stderr_out" == "rexec: "*"no-such-session.jsonl: No such file or directory" ]]
	# Without a name, the newest session (as log takes a bare seq).
	local named
	rx print "$(session_name)"
	named=$output
	rx print
	[ "$status" -eq 0 ]
	[ "$output" = "$named" ]
	rx print "$(session_name)" extra
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == *'unexpected argument "extra"'* ]]
}

@test "print and log read a journal written by the original crate" {
	mkdir -m 700 "$REXEC_JOURNAL_DIR"
	f="$REXEC_JOURNAL_DIR/2025-05-01-10:00:00.jsonl"
	printf '%s\n' \
		'{"whoami":"Claude Code","dir":"/home/u/p","envs":{},"exec":["ls","-la"],"exit":0,"output":"total 0\n","error":null,"time":"2025-05-01T10:00:01Z"}' \
		'{"whoami":"Codex","dir":"/home/u/p","envs":{},"exec":["grep","a b","x"],"exit":1,"output":"","error":null,"time":"2025-05-01T10:00:02Z"}' >"$f"
	rx print 2025-05-01-10:00:00
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "[2025-05-01T10:00:01Z] Claude Code:/home/u/p $ ls -la" ]
	[ "${lines[1]}" = "total 0" ]
	[ "${lines[2]}" = "[2025-05-01T10:00:02Z] Codex:/home/u/p $ grep 'a b' x" ]
	rx list
	[ "$output" = "2025-05-01-10:00:00 commands=2" ]
	# Without "seq", a run's number is its line in the file, as the history
	# and rexec grep number it.
	rx log 2025-05-01-10:00:00:1
	[ "$status" -eq 0 ]
	[ "$output" = "total 0" ]
	rx log 2025-05-01-10:00:00:2
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	rx log 2025-05-01-10:00:00:3
	[ "$status" -eq 1 ]
	[[ "$stderr_out" == *"no run 3"* ]]
}

@test "print: a torn last line is held back until it is complete" {
	mkdir -m 700 "$REXEC_JOURNAL_DIR"
	f="$REXEC_JOURNAL_DIR/2025-05-01-10:00:00.jsonl"
	printf '%s\n' '{"whoami":"w","dir":"/","exec":["a"],"exit":0,"output":"first\n","time":"2025-05-01T10:00:01Z"}' >"$f"
	printf '%s' '{"whoami":"w","dir":"/","exec":["b"],"exit":0,"output":"sec' >>"$f"
	rx print "$f"
	[ "$status" -eq 0 ]
	[[ "$output" == *first* ]]
	[[ "$output" != *sec* ]]
	printf '%s\n' 'ond\n","time":"2025-05-01T10:00:02Z"}' >>"$f"
	rx print "$f"
	[[ "$output" == *second* ]]
}

@test "print --follow shows runs as the journal grows" {
	start_host
	rx run -- echo before-follow
	"$REXEC" print --follow "$(session_name)" >"$BATS_TEST_TMPDIR/followed" 2>&1 3>&- &
	follower=$!
	wait_for grep -q '^before-follow' "$BATS_TEST_TMPDIR/followed"
	rx run -- echo during-follow
	wait_for grep -q '^during-follow' "$BATS_TEST_TMPDIR/followed"
	# A torn line appended by hand shows once its end arrives.
	printf '%s' '{"whoami":"hand","dir":"/","exec":["x"],"exit":0,"output":"hand-wr' >>"$(journal_file)"
	sleep 0.2
	! grep -q 'hand-written' "$BATS_TEST_TMPDIR/followed"
	printf '%s\n' 'itten\n","time":"2026-01-01T00:00:00Z"}' >>"$(journal_file)"
	wait_for grep -q '^hand-written' "$BATS_TEST_TMPDIR/followed"
	kill "$follower"
	follower=
}

# How many syncs tests/data/holdsync.c finished.
syncs_at_least() {
	[ "$(cat "$synced" 2>/dev/null | wc -l)" -ge "$1" ]
}

# The host's syncs go through tests/data/holdsync.c, which holds each one
# until $gate exists.  fsync = always: a sync per line.
@test "journal: a sync held up by the disk holds up no run; the line follows" {
	cc=${CC:-cc}
	command -v "$cc" >/dev/null || skip "no C compiler"
	"$cc" -shared -fPIC -o "$BATS_TEST_TMPDIR/holdsync.so" \
		"$TESTS_SRCDIR/data/holdsync.c"
	printf '[run]\nkill_grace = 0.3\nlinger = 0.5\n[journal]\nfsync = always\n' \
		>"$BATS_TEST_TMPDIR/rexec.ini"
	held=$BATS_TEST_TMPDIR/held gate=$BATS_TEST_TMPDIR/gate
	synced=$BATS_TEST_TMPDIR/synced
	# An ASan build links its runtime dynamically; it need not come first.
	LD_PRELOAD=$BATS_TEST_TMPDIR/holdsync.so HOLDSYNC_HELD=$held \
		HOLDSYNC_GATE=$gate HOLDSYNC_LOG=$synced \
		ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
		start_host
	rx run -- echo one
	[ "$status" -eq 0 ]
	[ "$output" = one ]
	wait_for test -e "$held"
	# The first line's sync is held: runs, replies and status go on.
	output=$(timeout 10 "$REXEC" run -- echo two) && status=0 || status=$?
	[ "$status" -eq 0 ]
	[ "$output" = two ]
	output=$(timeout 10 "$REXEC" run -- sh -c 'echo three; exit 3') &&
		status=0 || status=$?
	[ "$status" -eq 3 ]
	[ "$output" = three ]
	timeout 10 "$REXEC" status >/dev/null
	[ ! -e "$synced" ]
	touch "$gate"
	# Every line is there, and synced after the one held.
	wait_for grep -q '"output":"three' "$(journal_file)"
	grep -q '"output":"one' "$(journal_file)"
	grep -q '"output":"two' "$(journal_file)"
	wait_for syncs_at_least 2
}

@test "log: the full text of a run whose response was capped" {
	start_host
	rx run --json --max-output 300 -- seq 1 500
	[ "$(jq -r .truncated <<<"$output")" = true ]
	seq=$(jq -r .seq <<<"$output")
	rx log "$seq"
	[ "$status" -eq 0 ]
	[ "$output" = "$(seq 1 500)" ]
	rx log "$(session_name):$seq"
	[ "$output" = "$(seq 1 500)" ]
	rx log 9999
	[ "$status" -eq 1 ]
	[[ "$stderr_out" == *"no run 9999" ]]
	rx log abc
	[ "$status" -eq 2 ]
}

@test "retention: old sessions and their recordings go when the host starts" {
	mkdir -m 700 "$REXEC_JOURNAL_DIR"
	for name in 2020-01-01-00:00:00 2020-01-02-00:00:00; do
		printf '{"exec":["x"]}\n' >"$REXEC_JOURNAL_DIR/$name.jsonl"
		mkdir -m 700 "$REXEC_JOURNAL_DIR/$name"
		printf 'cast\n' >"$REXEC_JOURNAL_DIR/$name/1.cast"
		touch -d '40 days ago' "$REXEC_JOURNAL_DIR/$name.jsonl"
	done
	printf '{"exec":["x"]}\n' >"$REXEC_JOURNAL_DIR/2026-01-01-00:00:00.jsonl"
	start_host
	[ ! -e "$REXEC_JOURNAL_DIR/2020-01-01-00:00:00.jsonl" ]
	[ ! -e "$REXEC_JOURNAL_DIR/2020-01-02-00:00:00" ]
	[ -e "$REXEC_JOURNAL_DIR/2026-01-01-00:00:00.jsonl" ]
	grep -q "removed 2 old sessions" "$BATS_TEST_TMPDIR/host.err"
}

@test "retention: keep_bytes removes the oldest sessions first" {
	mkdir -m 700 "$REXEC_JOURNAL_DIR"
	printf '[journal]\nkeep_days = 0\nkeep_bytes = 3000\n' >"$BATS_TEST_TMPDIR/rexec.ini"
	for name in 2026-01-01-00:00:00 2026-01-02-00:00:00 2026-01-03-00:00:00; do
		head -c 1400 /dev/zero | tr '\0' x | sed 's/.*/{"exec":["&"]}/' >"$REXEC_JOURNAL_DIR/$name.jsonl"
	done
	start_host
	[ ! -e "$REXEC_JOURNAL_DIR/2026-01-01-00:00:00.jsonl" ]
	[ -e "$REXEC_JOURNAL_DIR/2026-01-02-00:00:00.jsonl" ]
	[ -e "$REXEC_JOURNAL_DIR/2026-01-03-00:00:00.jsonl" ]
}

# The journal line of run SEQ, once it is written (after the run's file).
run_line() {
	WAIT_SECONDS=60 wait_for grep -q "\"seq\":$1," "$(journal_file)"
	jq -c "select(.seq == $1)" "$(journal_file)"
}

@test "text file: a big run's text streams to SESSION/SEQ.txt; the line keeps its head and tail and names it" {
	start_host
	rx run --json -- sh -c 'seq 1 350000; echo needle-in-the-middle; seq 350001 700000'
	[ "$status" -eq 0 ]
	seq=$(jq -r .seq <<<"$output")
	line=$(run_line "$seq")
	f="$REXEC_JOURNAL_DIR/$(session_name)/$seq.txt"
	# The whole text, byte for byte, private, beside the recording.
	{ seq 1 350000; echo needle-in-the-middle; seq 350001 700000; } >"$BATS_TEST_TMPDIR/want"
	cmp "$BATS_TEST_TMPDIR/want" "$f"
	[ "$(stat -c %a "$f")" = 600 ]
	[ -e "$REXEC_JOURNAL_DIR/$(session_name)/$seq.cast" ]
	# The line is small: head, the omitted line, tail; it names the file.
	[ "${#line}" -lt 100000 ]
	[ "$(jq -r .output_file <<<"$line")" = "$(session_name)/$seq.txt" ]
	[ "$(jq -r .output_bytes <<<"$line")" = "$(stat -c %s "$f")" ]
	[ "$(jq -r .truncated <<<"$line")" = false ]
	[ "$(jq -r .omitted_bytes <<<"$line")" = 0 ]
	jq -j .output <<<"$line" >"$BATS_TEST_TMPDIR/inline"
	[ "$(head -n 2 "$BATS_TEST_TMPDIR/inline")" = $'1\n2' ]
	[ "$(tail -n 1 "$BATS_TEST_TMPDIR/inline")" = 700000 ]
	grep -q "^\[rexec: [0-9]* bytes omitted; full output: rexec log $seq\]$" "$BATS_TEST_TMPDIR/inline"
	! grep -q needle "$BATS_TEST_TMPDIR/inline"
	# rexec log prints the file; grep finds what only the file holds.
	"$REXEC" log "$seq" | cmp - "$f"
	rx grep needle-in-the
	[ "$status" -eq 0 ]
	[ "$output" = "$(session_name):$seq: needle-in-the-middle" ]
	# A small run keeps its text in its line, with no file.
	rx run --json -- echo small
	seq=$(jq -r .seq <<<"$output")
	line=$(run_line "$seq")
	[ "$(jq -r .output <<<"$line")" = small ]
	[ "$(jq -r 'has("output_file")' <<<"$line")" = false ]
	[ "$(jq -r .output_bytes <<<"$line")" = 6 ]
	[ ! -e "$REXEC_JOURNAL_DIR/$(session_name)/$seq.txt" ]
}

@test "text file: [journal] max_output bounds the file; what is past it is counted, not written" {
	printf '[journal]\nmax_output = 100000\n' >"$BATS_TEST_TMPDIR/rexec.ini"
	start_host
	rx run --json -- seq 1 100000
	[ "$status" -eq 0 ] || { echo "$output $stderr_out"; false; }
	seq=$(jq -r .seq <<<"$output")
	line=$(run_line "$seq")
	echo "the journal line: ${line:0:2000}"
	f="$REXEC_JOURNAL_DIR/$(session_name)/$seq.txt"
	[ "$(stat -c %s "$f")" = 100000 ]
	cmp "$f" <(seq 1 100000 | head -c 100000)
	[ "$(jq -r .output_bytes <<<"$line")" = 588895 ]
	[ "$(jq -r .truncated <<<"$line")" = true ]
	[ "$(jq -r .omitted_bytes <<<"$line")" = 488895 ]
	# The end is still in the line's tail.
	[ "$(jq -j .output <<<"$line" | tail -n 1)" = 100000 ]
	rx log "$seq"
	[ "$status" -eq 0 ]
	[ "$(tail -n 1 <<<"$output")" = "[rexec: 488895 bytes omitted past [journal] max_output]" ]
	[ "$(head -c 100000 <<<"$output")" = "$(head -c 100000 "$f")" ]
}

@test "text file: an old journal's big inline text, and a line whose file is gone, still read" {
	mkdir -m 700 "$REXEC_JOURNAL_DIR"
	f="$REXEC_JOURNAL_DIR/2025-05-01-10:00:00.jsonl"
	{ seq 1 20000; echo old-needle; seq 20001 40000; } >"$BATS_TEST_TMPDIR/old"
	jq -nc --rawfile o "$BATS_TEST_TMPDIR/old" \
		'{whoami:"w",dir:"/",envs:{},exec:["seq"],exit:0,output:$o,error:null,time:"2025-05-01T10:00:01Z",seq:1}' >"$f"
	# A line naming a file that is gone, or one outside its session.
	jq -nc '{whoami:"w",dir:"/",exec:["x"],exit:0,output:"head\n[rexec: 9 bytes omitted; full output: rexec log 2]\ntail\n",output_file:"2025-05-01-10:00:00/2.txt",output_bytes:19,time:"2025-05-01T10:00:02Z",seq:2}' >>"$f"
	jq -nc '{whoami:"w",dir:"/",exec:["x"],exit:0,output:"inline-only\n",output_file:"../../etc/passwd",time:"2025-05-01T10:00:03Z",seq:3}' >>"$f"
	rx log 2025-05-01-10:00:00:1
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat "$BATS_TEST_TMPDIR/old")" ]
	rx grep old-needle
	[ "$status" -eq 0 ]
	[ "$output" = "2025-05-01-10:00:00:1: old-needle" ]
	rx log 2025-05-01-10:00:00:2
	[ "$status" -eq 1 ]
	[[ "$stderr_out" == *"2.txt: No such file or directory (the journal line's head and tail follow)" ]]
	[ "${lines[0]}" = head ]
	rx grep '^tail$'
	[ "$output" = "2025-05-01-10:00:00:2: tail" ]
	rx log 2025-05-01-10:00:00:3
	[ "$status" -eq 0 ]
	[ "$output" = inline-only ]
}

@test "text file: [journal] max_output under 64 KiB holds the line's text to it" {
	printf '[journal]\nmax_output = 1000\n' >"$BATS_TEST_TMPDIR/rexec.ini"
	start_host
	rx run --json -- seq 1 2000
	seq=$(jq -r .seq <<<"$output")
	line=$(run_line "$seq")
	[ "$(jq -r .truncated <<<"$line")" = true ]
	[ "$(jq -r .output_bytes <<<"$line")" = 8893 ]
	[ "$(jq -r .omitted_bytes <<<"$line")" -gt 7800 ]
	[ "$(jq -j .output <<<"$line" | tail -n 1)" = 2000 ]
	[ "$(jq -j .output <<<"$line" | wc -c)" -lt 1100 ]
	[ "$(jq -r 'has("output_file")' <<<"$line")" = false ]
}

@test "text file: [journal] max_output = 0 journals no text" {
	printf '[journal]\nmax_output = 0\n' >"$BATS_TEST_TMPDIR/rexec.ini"
	start_host
	rx run --json -- seq 1 100000
	[ "$status" -eq 0 ] || { echo "$output $stderr_out"; false; }
	seq=$(jq -r .seq <<<"$output")
	line=$(run_line "$seq")
	echo "the journal line: ${line:0:2000}"
	[ "$(jq -r .output <<<"$line")" = "" ]
	[ "$(jq -r .output_bytes <<<"$line")" = 588895 ]
	[ "$(jq -r 'has("output_file")' <<<"$line")" = false ]
	[ ! -e "$REXEC_JOURNAL_DIR/$(session_name)/$seq.txt" ]
}
