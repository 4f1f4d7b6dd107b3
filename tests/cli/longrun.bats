#!/usr/bin/env bats
# longrun.bats: long runs on the host, through the raw protocol (DESIGN.md
# 4.1): yield and the interim reply, wait in pieces, input, screen, abort
# by seq, detached runs on the console, shutdown, and every bad input.

load helpers

setup() {
	setup_dirs
	export REXEC_WHOAMI=tester
}

teardown() {
	stop_host
}

# req ID JSON-FIELDS: send a request line with that id and print its reply.
req() {
	send_line "{\"id\":\"$1\",$2}"
	await_reply "$1"
	rm -f "$(reply_file "$1")"
}

run_line() {
	printf '"whoami":"t","dir":"/","exec":%s' "$1"
}

running_is() {
	[ "$("$REXEC" status --json | jq '.running | length')" -ge "$1" ]
}

# The run's seq from a reply.
seq_of() {
	jq -r .seq <<<"$1"
}

@test "longrun: a run that yields gets an interim reply, goes on, and its end is waited for" {
	start_host
	out=$(req y1 "$(run_line '["sh","-c","echo first; sleep 1; echo second"]'),\"yield\":0.2")
	[ "$(jq -r .running <<<"$out")" = true ]
	[ "$(jq -r 'has("exit")' <<<"$out")" = false ]
	[ "$(jq -r .output <<<"$out")" = $'first' ] || [ "$(jq -r .output <<<"$out")" = '' ]
	seq=$(seq_of "$out")
	off=$(jq -r .offset <<<"$out")
	text=$(jq -j .output <<<"$out")
	# A wait that outlasts the run answers when it ends.
	w=$(req w1 "\"action\":\"wait\",\"seq\":$seq,\"timeout\":10,\"offset\":$off")
	[ "$(jq -r .running <<<"$w")" = false ]
	[ "$(jq -r .exit <<<"$w")" = 0 ]
	text=$text$(jq -j .output <<<"$w")
	[ "$text" = $'first\nsecond' ]
	# The journal says it was detached; no reply under the run's own id.
	wait_for grep -q '"detached":true' "$(journal_file)"
	[ ! -e "$(reply_file y1)" ]
	# Waits on an ended run keep answering, from any offset.
	w=$(req w2 "\"action\":\"wait\",\"seq\":$seq,\"offset\":0")
	[ "$(jq -j .output <<<"$w")" = "$(rx log "$seq"; printf %s "$output")" ]
}

@test "longrun: waited on in pieces, the outputs concatenated are rexec log" {
	start_host
	# The second half waits for the test's first wait, so the run is
	# waited on in pieces however loaded the machine is.
	local gate="$BATS_TEST_TMPDIR/gate"
	out=$(req p1 "$(run_line '["sh","-c","for i in $(seq 1 20); do echo line $i; sleep 0.01; done; while [ ! -e '"$gate"' ]; do sleep 0.02; done; for i in $(seq 21 40); do echo line $i; sleep 0.05; done"]'),\"yield\":0.1")
	seq=$(seq_of "$out")
	text=$(jq -j .output <<<"$out")
	off=$(jq -r .offset <<<"$out")
	running=true
	n=0
	while [ "$running" = true ]; do
		n=$((n + 1))
		[ "$n" -ne 2 ] || touch "$gate"
		w=$(req "p-$n" "\"action\":\"wait\",\"seq\":$seq,\"timeout\":0.3,\"offset\":$off")
		text=$text$(jq -j .output <<<"$w"; printf x)
		text=${text%x}
		off=$(jq -r .offset <<<"$w")
		running=$(jq -r .running <<<"$w")
	done
	[ "$n" -ge 2 ]
	rx log "$seq"
	[ "$text" = "$output"$'\n' ] || [ "$text" = "$output" ]
	[ "$(printf %s "$text" | wc -l)" -eq 40 ]
}

@test "longrun: a progress bar's tail is its current state; the final text holds it once" {
	start_host
	out=$(req b1 "$(run_line '["sh","-c","printf start\\\\n; for i in 1 2 3 4 5 6 7 8 9; do printf \"\\\\r%d0%%\" $i; sleep 0.1; done; sleep 0.5; printf \"\\\\rdone\\\\n\""]'),\"yield\":0.45")
	seq=$(seq_of "$out")
	# The window holds "start" too; the bar's line is its current frame.
	[[ "$(jq -r .tail <<<"$out")" =~ ^start$'\n'[0-9]0%$ ]]
	w=$(req b2 "\"action\":\"wait\",\"seq\":$seq,\"timeout\":10")
	[ "$(jq -r .output <<<"$w")" = $'start\ndone' ]
	[ "$(jq -r .tail <<<"$w")" = '' ]
}

@test "longrun: a dev server detaches, is waited on, killed by seq, and its processes are gone" {
	start_host
	out=$(req d1 "$(run_line '["sh","-c","echo listening on $$; sh -c \"sleep 300\" & sleep 300"]'),\"yield\":0.3,\"timeout\":0")
	seq=$(seq_of "$out")
	[ "$(jq -r .running <<<"$out")" = true ]
	pid=$(jq -r '.output + .tail' <<<"$out" | sed -n 's/^listening on //p')
	[ -n "$pid" ]
	kill -0 -- "-$pid"
	w=$(req d2 "\"action\":\"wait\",\"seq\":$seq,\"timeout\":0.2")
	[ "$(jq -r .running <<<"$w")" = true ]
	st=$("$REXEC" status --json)
	[ "$(jq '.detached | length' <<<"$st")" = 1 ]
	[ "$(jq '.running | length' <<<"$st")" = 0 ]
	k=$(req d3 "\"action\":\"abort\",\"seq\":$seq")
	[ "$(jq -r .error <<<"$k")" = aborted ]
	[ "$(jq -r .running <<<"$k")" = false ]
	wait_for group_gone "$pid"
	wait_for grep -q "\\[run $seq ended: exit" "$BATS_TEST_TMPDIR/console"
	grep -q "\\[run $seq continues in the background · rexec wait $seq\\]" "$BATS_TEST_TMPDIR/console"
}

@test "longrun: input answers a read prompt, and a waiting run says so" {
	start_host
	out=$(req i1 "$(run_line '["sh","-c","printf \"name? \"; read n; echo hello $n"]'),\"yield\":0.2")
	seq=$(seq_of "$out")
	# The prompt: a wait answers as soon as the run waits for input.
	w=$(req i2 "\"action\":\"wait\",\"seq\":$seq,\"timeout\":10")
	[ "$(jq -r .waiting_for_input <<<"$w")" = true ]
	[ "$(jq -r .tail <<<"$w")" = 'name?' ]
	ok=$(req i3 "\"action\":\"input\",\"seq\":$seq,\"data\":\"world\\n\"")
	[ "$(jq -r .ok <<<"$ok")" = true ]
	w=$(req i4 "\"action\":\"wait\",\"seq\":$seq,\"timeout\":10")
	[ "$(jq -r .exit <<<"$w")" = 0 ]
	jq -r .output <<<"$w" | grep -qx 'hello world'
}

@test "longrun: named keys follow the run's cursor-key mode; screen shows what a terminal shows" {
	start_host
	# DECCKM on, then echo what arrives as hex.
	out=$(req k1 "$(run_line '["sh","-c","printf \"\\\\033[?1hready\\\\n\"; stty -icanon -echo min 3; od -An -c -N 3; sleep 0.3"]'),\"yield\":0.3")
	seq=$(seq_of "$out")
	ok=$(req k2 "\"action\":\"input\",\"seq\":$seq,\"keys\":[\"Up\"]")
	[ "$(jq -r .ok <<<"$ok")" = true ]
	w=$(req k3 "\"action\":\"wait\",\"seq\":$seq,\"timeout\":10")
	jq -r .output <<<"$w" | grep -q '033   O   A'
	# A screen: rows of text, the cursor, the size.
	out=$(req s1 "$(run_line '["sh","-c","printf \"\\\\033[2J\\\\033[3;5Hmarker\"; sleep 30"]'),\"yield\":0.3,\"cols\":40,\"rows\":10")
	seq=$(seq_of "$out")
	sc=$(req s2 "\"action\":\"screen\",\"seq\":$seq")
	[ "$(jq -r .cols <<<"$sc")" = 40 ]
	[ "$(jq -r .rows <<<"$sc")" = 10 ]
	[ "$(jq -r '.screen | split("\n")[2]' <<<"$sc")" = '    marker' ]
	[ "$(jq -c .cursor <<<"$sc")" = '[2,10]' ]
	req s3 "\"action\":\"abort\",\"seq\":$seq" >/dev/null
}

@test "longrun: a detached run times out under its own timeout" {
	start_host
	out=$(req t1 "$(run_line '["sleep","30"]'),\"yield\":0.1,\"timeout\":0.5")
	seq=$(seq_of "$out")
	w=$(req t2 "\"action\":\"wait\",\"seq\":$seq,\"timeout\":10")
	[ "$(jq -r .error <<<"$w")" = timeout ]
	[ "$(jq -r .exit <<<"$w")" = 124 ]
}

@test "longrun: twenty detached runs, and normal runs keep their console order" {
	printf '[host]\nmax_parallel = 4\n[run]\nkill_grace = 0.3\nlinger = 0.5\n' >"$BATS_TEST_TMPDIR/rexec.ini"
	start_host
	for i in $(seq 1 20); do
		send_line "{\"id\":\"bg$i\",$(run_line '["sleep","30"]'),\"yield\":0.05}"
	done
	for i in $(seq 1 20); do
		await_reply "bg$i" >/dev/null
	done
	st=$("$REXEC" status --json)
	[ "$(jq '.detached | length' <<<"$st")" = 20 ]
	# Detached runs hold no slot: normal runs still start, in order.
	# Three normal runs, each sent once the one before runs, released
	# last to first: the console still shows them in the order they came.
	clients=()
	for i in 1 2 3; do
		"$REXEC" run -- sh -c "until [ -e '$BATS_TEST_TMPDIR/go$i' ]; do sleep 0.02; done; echo normal-$i" \
			>"$BATS_TEST_TMPDIR/n$i" 3>&- &
		clients+=($!)
		wait_for running_is "$i"
	done
	for i in 3 2 1; do
		touch "$BATS_TEST_TMPDIR/go$i"
		wait_for grep -q "normal-$i" "$(journal_file)"
	done
	wait "${clients[@]}"
	wait_for grep -q '^normal-3' "$BATS_TEST_TMPDIR/console"
	[ "$(cat "$BATS_TEST_TMPDIR/n1")" = normal-1 ]
	[ "$(tr -d '\r' <"$BATS_TEST_TMPDIR/console" | grep '^normal-' | tr '\n' ' ')" = 'normal-1 normal-2 normal-3 ' ]
}

@test "longrun: shutdown ends detached runs; each gets its final reply with error shutdown and a journal line" {
	start_host
	out=$(req h1 "$(run_line '["sleep","30"]'),\"yield\":0.1")
	seq=$(seq_of "$out")
	send_line "{\"id\":\"h2\",\"action\":\"wait\",\"seq\":$seq,\"timeout\":30}"
	kill -TERM "$HOST_PID"
	w=$(await_reply h2)
	[ "$(jq -r .error <<<"$w")" = shutdown ]
	wait_for host_gone
	grep '"detached":true' "$(journal_file)" | grep -q '"error":"shutdown"'
}

@test "longrun: bad input gets a named bad_request" {
	start_host
	bad() {
		local id=$1 fields=$2 want=$3 r
		r=$(req "$id" "$fields")
		[ "$(jq -r .error <<<"$r")" = "bad_request: $want" ] ||
			{ echo "$id: $(jq -r .error <<<"$r") != $want" >&2; return 1; }
	}
	done_seq=$(seq_of "$(req e0 "$(run_line '["true"]')")")
	out=$(req e00 "$(run_line '["sleep","30"]'),\"yield\":0.1,\"stdin\":\"x\"")
	piped=$(seq_of "$out")
	out=$(req e10 "$(run_line '["sleep","30"]'),\"yield\":0.1")
	tty=$(seq_of "$out")
	bad e1 '"action":"wait","seq":999' "seq: no such run"
	bad e2 '"action":"wait"' "seq: missing"
	bad e3 '"action":"wait","seq":"x"' "seq: not an integer"
	bad e4 "\"action\":\"wait\",\"seq\":$done_seq,\"offset\":99999" "offset: past the end (0 bytes)"
	bad e5 "\"action\":\"wait\",\"seq\":$done_seq,\"offset\":-1" "offset: negative"
	bad e6 "\"action\":\"input\",\"seq\":$done_seq,\"data\":\"x\"" "run $done_seq has ended"
	bad e7 "\"action\":\"input\",\"seq\":$piped,\"data\":\"x\"" "run $piped has no terminal for input (its stdin is a pipe)"
	# Input near 4096 bytes is more than a line can carry: the spool.
	long=$(head -c 4097 /dev/zero | tr '\0' x)
	printf '{"id":"e8","action":"input","seq":%s,"data":"%s"}' "$tty" "$long" \
		>"$REXEC_RUNTIME_DIR/spool/e8.json"
	send_line '{"action":"spool","id":"e8"}'
	[ "$(await_reply e8 | jq -r .error)" = "bad_request: spool: data: longer than 4096 bytes" ]
	long=${long%x}
	printf '{"id":"e8b","action":"input","seq":%s,"data":"%s"}' "$tty" "$long" \
		>"$REXEC_RUNTIME_DIR/spool/e8b.json"
	send_line '{"action":"spool","id":"e8b"}'
	[ "$(await_reply e8b | jq -r .ok)" = true ]
	bad e9 "\"action\":\"input\",\"seq\":$piped" "data: missing (or keys)"
	bad e11 "\"action\":\"input\",\"seq\":$tty,\"keys\":[\"Up\",\"Sideways\"]" 'keys[1]: unknown key "Sideways"'
	bad e12 "$(run_line '["true"]'),\"yield\":0" "yield: not a positive number"
	bad e13 "$(run_line '["true"]'),\"yield\":\"soon\"" "yield: not a number"
	bad e14 "\"action\":\"screen\",\"seq\":0" "seq: no such run"
	bad e15 "\"action\":\"abort\",\"seq\":$done_seq" "run $done_seq has ended"
	# Nothing broke: the host carries on.
	rx run -- echo alive
	[ "$output" = alive ]
}

@test "longrun: max_detached = 2 refuses a third request that may detach, and takes one once a run has ended" {
	printf '[host]\nmax_detached = 2\n[run]\nkill_grace = 0.3\nlinger = 0.5\n' >"$BATS_TEST_TMPDIR/rexec.ini"
	start_host
	a=$(seq_of "$(req md1 "$(run_line '["sleep","30"]'),\"yield\":0.05")")
	b=$(seq_of "$(req md2 "$(run_line '["sleep","30"]'),\"yield\":0.05")")
	[ "$("$REXEC" status --json | jq '.detached | length')" = 2 ]
	out=$(req md3 "$(run_line '["echo","three"]'),\"yield\":5")
	[ "$(jq -r .error <<<"$out")" = "bad_request: too many detached runs" ]
	[ "$(jq -r .exit <<<"$out")" = 127 ]
	wait_for grep -q '"id":"md3".*"error":"bad_request: too many detached runs"' "$(journal_file)"
	# A run that cannot detach is not refused; the CLI says why.
	rx run -- echo no-yield
	[ "$output" = no-yield ]
	rx run --yield 5 -- echo yielding
	[ "$status" -eq 127 ]
	[ "$stderr_out" = "rexec: bad_request: too many detached runs" ]
	# Once one has ended there is room again.
	rx kill "$a"
	out=$(req md4 "\"action\":\"wait\",\"seq\":$a,\"timeout\":10")
	[ "$(jq -r .running <<<"$out")" = false ]
	out=$(req md5 "$(run_line '["echo","five"]'),\"yield\":5")
	[ "$(jq -r .output <<<"$out")" = five ]
	rx kill "$b"
}

@test "longrun: wait from an offset deep in a long detached run reads it back from the run's text file" {
	start_host
	out=$(req deep1 "$(run_line '["sh","-c","seq 1 700000; sleep 30"]'),\"yield\":0.2")
	seq=$(seq_of "$out")
	# Wait until the text is far past what the host keeps in memory.
	long_enough() {
		local o
		o=$(req "deep-peek" "\"action\":\"wait\",\"seq\":$seq,\"offset\":0")
		[ "$(jq -r .offset <<<"$o")" -ge 4000000 ]
	}
	WAIT_SECONDS=30 wait_for long_enough
	seq 1 700000 | tail -c +2000001 | head -c 16000 >"$BATS_TEST_TMPDIR/want"
	rx wait "$seq" --offset 2000000 --json
	[ "$status" -eq 75 ]
	jq -j .output <<<"$output" | head -c 16000 >"$BATS_TEST_TMPDIR/got"
	cmp "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	jq -j .output <<<"$output" | grep -q "^\[rexec: [0-9]* bytes omitted; full output: rexec log $seq\]$"
	[ "$(jq -r .truncated <<<"$output")" = true ]
	# The file holds it while the run goes on.
	cmp <(seq 1 700000 | head -c 4000000) <(head -c 4000000 "$REXEC_JOURNAL_DIR"/*/"$seq.txt")
	# And after the run has ended, when memory keeps even less.
	rx kill "$seq"
	out=$(req deep2 "\"action\":\"wait\",\"seq\":$seq,\"timeout\":10,\"offset\":3000000")
	[ "$(jq -r .running <<<"$out")" = false ]
	[ "$(jq -j .output <<<"$out" | head -c 1000)" = "$(seq 1 700000 | tail -c +3000001 | head -c 1000)" ]
}

@test "longrun: run --yield answers as soon as the run waits for input, as wait does" {
	start_host
	local t0 t1
	t0=$(date +%s%N)
	rx run --yield 30 --json -- sh -c 'printf "Continue? "; read x; echo got $x'
	t1=$(date +%s%N)
	[ "$status" -eq 75 ]
	[ "$(jq -r .waiting_for_input <<<"$output")" = true ]
	[ "$(jq -r .tail <<<"$output")" = 'Continue?' ]
	# Well before the yield of 30 s.
	[ $(((t1 - t0) / 1000000)) -lt 15000 ]
	seq=$(jq -r .seq <<<"$output")
	# Once told, a wait takes its time again until the prompt is answered.
	rx input "$seq" $'yes\n'
	[ "$status" -eq 0 ]
	rx wait "$seq" --timeout 10 --json
	[ "$(jq -r .exit <<<"$output")" = 0 ]
	jq -r .output <<<"$output" | grep -qx 'got yes'
}

@test "longrun: plain lines stream through wait once they leave a screen of the run's rows" {
	printf '[run]\nkill_grace = 0.3\nlinger = 0.5\n[pty]\nrows = 2\n' \
	    >"$BATS_TEST_TMPDIR/rexec.ini"
	start_host
	rx run --yield 2 --json -- sh -c 'i=0; while [ $i -lt 30 ]; do i=$((i+1)); echo tick $i; sleep 1; done'
	[ "$status" -eq 75 ]
	seq=$(jq -r .seq <<<"$output")
	off=$(jq -r .offset <<<"$output")
	# "tick 1" has scrolled above a screen of 2 rows: it is final.
	[ "$off" -gt 0 ]
	[ "$(jq -r .output <<<"$output" | head -n 1)" = 'tick 1' ]
	[ "$(jq -j .tail <<<"$output" | wc -l)" -le 2 ]
	rx wait "$seq" --offset "$off" --timeout 2 --json
	[ "$status" -eq 75 ]
	off2=$(jq -r .offset <<<"$output")
	[ "$off2" -gt "$off" ]
	jq -r .output <<<"$output" | head -n 1 | grep -qx 'tick [0-9]*'
	[ "$(jq -r .output <<<"$output" | head -n 1)" != 'tick 1' ]
	rx wait "$seq" --offset "$off2" --json
	[ "$status" -eq 75 ]
	rx kill "$seq"
}

@test "longrun: [agent] window defaults to the run's rows" {
	start_host
	# 30 lines on a screen of 24 rows: the first 7 can no longer change.
	rx run --yield 1 --json -- sh -c 'i=0; while [ $i -lt 30 ]; do i=$((i+1)); echo l$i; done; sleep 30'
	[ "$status" -eq 75 ]
	[ "$(jq -j .output <<<"$output" | wc -l)" -eq 7 ]
	[ "$(jq -j .output <<<"$output" | tail -n 1)" = l7 ]
	seq=$(jq -r .seq <<<"$output")
	rx kill "$seq"
}
