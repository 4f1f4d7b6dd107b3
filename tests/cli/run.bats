#!/usr/bin/env bats
# run.bats: rexec run against a real host: outputs, error tags, exit codes,
# stdin, environment, timers, aborts and concurrency.

load helpers

setup() {
	setup_dirs
	export REXEC_WHOAMI=tester
}

teardown() {
	stop_host
}

@test "run: without a host prints HOST NOT FOUND and exits 127" {
	rx run -- true
	[ "$status" -eq 127 ]
	[ "$stderr_out" = "HOST NOT FOUND" ]
}

@test "check: HOST NOT FOUND, then HOST RUNNING, then NOT FOUND again" {
	rx check
	[ "$status" -eq 127 ]
	[ "$output" = "HOST NOT FOUND" ]
	start_host
	rx --check-host
	[ "$status" -eq 0 ]
	[ "$output" = "HOST RUNNING" ]
	stop_host
	rx -c
	[ "$status" -eq 127 ]
}

@test "run: output exactly, and the exit code" {
	start_host
	rx run -- sh -c 'printf "one\ntwo"; exit 7'
	[ "$status" -eq 7 ]
	[ "$output" = "$(printf 'one\ntwo')" ]
	[ -z "$stderr_out" ]
}

@test "run: the original form --whoami --dir -- CMD" {
	start_host
	rx --whoami orig --dir "$BATS_TEST_TMPDIR" -- pwd
	[ "$status" -eq 0 ]
	[ "$output" = "$BATS_TEST_TMPDIR" ]
}

@test "run: not_found is 127 with '<argv0>: not found'" {
	start_host
	rx run -- no-such-command-here
	[ "$status" -eq 127 ]
	[ "$stderr_out" = "no-such-command-here: not found" ]
}

@test "run: not_executable is 126" {
	start_host
	printf 'data\n' >"$BATS_TEST_TMPDIR/plain"
	chmod 644 "$BATS_TEST_TMPDIR/plain"
	rx run -- "$BATS_TEST_TMPDIR/plain"
	[ "$status" -eq 126 ]
	[ "$stderr_out" = "rexec: not_executable: $BATS_TEST_TMPDIR/plain" ]
}

@test "run: bad_dir is 127 and names the dir and the problem" {
	start_host
	rx run --dir /no/such/dir -- true
	[ "$status" -eq 127 ]
	[ "$stderr_out" = "rexec: bad_dir: /no/such/dir: No such file or directory" ]
	cd "$BATS_TEST_TMPDIR"
	rx --whoami t --dir missing -- true
	[ "$status" -eq 127 ]
	[ "$stderr_out" = "rexec: bad_dir: $BATS_TEST_TMPDIR/missing: No such file or directory" ]
	mkdir sub
	rx run --dir sub -- pwd
	[ "$output" = "$BATS_TEST_TMPDIR/sub" ]
	send_line '{"id":"bd","whoami":"t","dir":"/no/such/dir","exec":["true"]}'
	run await_reply bd
	[ "$(jq -r .error <<<"$output")" = "bad_dir: /no/such/dir: No such file or directory" ]
	[ "$(jq -r .exit <<<"$output")" = 127 ]
}

@test "run: a signal death is 128+N with signal N" {
	start_host
	rx run --json -- sh -c 'kill -KILL $$'
	[ "$status" -eq 137 ]
	[ "$(jq -r .signal <<<"$output")" = 9 ]
	[ "$(jq -r .exit <<<"$output")" = 137 ]
}

@test "run: timeout ends the run with 124" {
	start_host
	rx run --timeout 0.3 -- sh -c 'echo before; sleep 30'
	[ "$status" -eq 124 ]
	[ "$output" = "before" ]
	[ "$stderr_out" = "rexec: timeout" ]
}

@test "run: a run that ignores SIGTERM is killed after kill_grace" {
	start_host
	rx run --json --timeout 0.2 -- sh -c 'trap "" TERM; echo up; sleep 30'
	[ "$status" -eq 124 ]
	[ "$(jq -r .error <<<"$output")" = timeout ]
	[ "$(jq -r .output <<<"$output")" = up ]
}

@test "run: idle_timeout ends a silent run with 124" {
	printf '[run]\nidle_timeout = 0.4\nkill_grace = 0.2\n' >"$BATS_TEST_TMPDIR/rexec.ini"
	start_host
	rx run -- sh -c 'for i in 1 2 3; do echo $i; sleep 0.1; done; sleep 30'
	[ "$status" -eq 124 ]
	[ "$stderr_out" = "rexec: idle_timeout" ]
	[ "$output" = "$(printf '1\n2\n3')" ]
}

@test "run: a background child holding the PTY lingers, then the run ends" {
	start_host
	rx run --json -- sh -c 'sleep 60 & echo started'
	[ "$status" -eq 0 ]
	[ "$(jq -r .output <<<"$output")" = started ]
	[ "$(jq -r .error <<<"$output")" = null ]
}

@test "run: stdin is fed through a pipe and then EOF" {
	start_host
	# wc closes its stdout before it exits: the run must not be hung up.
	output=$(printf 'a b\nc\n' | "$REXEC" run --read-stdin -- wc -l)
	[ "$output" = 2 ]
	output=$(printf 'x' | "$REXEC" run --read-stdin -- cat)
	[ "$output" = x ]
	output=$(printf 'one\ntwo\n' | "$REXEC" run --read-stdin -- head -n 1)
	[ "$output" = one ]
}

@test "run: without stdin a reader of the terminal can be answered (stdin = null reads EOF)" {
	printf '[pty]\nstdin = null\n' >"$BATS_TEST_TMPDIR/rexec.ini"
	start_host
	rx run -- sh -c 'read x; echo "rc=$?"'
	[ "$status" -eq 0 ]
	[ "$output" = "rc=1" ]
}

@test "run: environment layering: host, [env], request; REXEC and REXEC_SEQ" {
	printf '[env]\nLAYER = ini\nINI_ONLY = yes\n' >"$BATS_TEST_TMPDIR/rexec.ini"
	LAYER=host HOST_ONLY=yes start_host
	rx run --env LAYER=request -- sh -c 'echo $LAYER $INI_ONLY $HOST_ONLY $REXEC $TERM $PAGER'
	[ "$status" -eq 0 ]
	[ "$output" = "request yes yes 1 xterm-256color cat" ]
	rx run -- sh -c 'echo $LAYER'
	[ "$output" = "ini" ]
	rx run -- sh -c 'echo $REXEC_SEQ'
	[ "$output" -ge 1 ]
}

@test "run: signal dispositions and mask are reset in the child" {
	start_host
	rx run -- sh -c 'grep -E "^Sig(Blk|Ign)" /proc/self/status'
	[ "$status" -eq 0 ]
	[[ "$output" == *"SigBlk:	0000000000000000"* ]]
	[[ "$output" == *"SigIgn:	0000000000000000"* ]]
}

@test "run: no fd above 2 leaks into the child" {
	start_host
	rx run -- sh -c 'ls /proc/self/fd | sort -n | tr "\n" " "'
	[ "$status" -eq 0 ]
	[ "$output" = "0 1 2 3" ]   # 3 is ls's own directory fd
}

@test "run: the agent gets collapsed text; the console gets raw bytes" {
	start_host
	rx run -- printf 'a\033[31mred\033[0m\r\nbar 10%%\rbar 100%%\n'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'ared\nbar 100%%')" ]
	wait_for grep -q 'bar 100%' "$BATS_TEST_TMPDIR/console"
	grep -q $'\033\[31mred' "$BATS_TEST_TMPDIR/console"
}

@test "run: invalid UTF-8 and NUL bytes give valid UTF-8 text" {
	start_host
	rx run --json -- printf 'ok\377\000\300x\n'
	[ "$status" -eq 0 ]
	[ "$(jq -r .output <<<"$output")" = "$(printf 'ok\357\277\275\357\277\275x')" ]
}

@test "run: --max-output caps head and tail with the omitted line" {
	start_host
	rx run --json --max-output 1000 -- seq 1 2000
	[ "$status" -eq 0 ]
	out=$(jq -r .output <<<"$output")
	[ "$(jq -r .truncated <<<"$output")" = true ]
	[[ "$out" == "1"$'\n'"2"$'\n'* ]]
	[[ "$out" == *"2000" ]]
	seq=$(jq -r .seq <<<"$output")
	[[ "$out" =~ \[rexec:\ [0-9]+\ bytes\ omitted\;\ full\ output:\ rexec\ log\ $seq\] ]]
	[ "$(jq -r .output_bytes <<<"$output")" = 8893 ]
}

@test "run: --max-output 0 means max_output_limit, never no cap" {
	start_host
	# 3,000,001 bytes of text against the default limit of 1 MiB.
	rx run --json --max-output 0 -- sh -c \
		'yes 0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghi | head -c 3000000; echo'
	[ "$status" -eq 0 ]
	[ "$(jq -r .truncated <<<"$output")" = true ]
	[ "$(jq -r .output_bytes <<<"$output")" = 3000001 ]
	seq=$(jq -r .seq <<<"$output")
	omitted="[rexec: $(jq -r .omitted_bytes <<<"$output") bytes omitted; full output: rexec log $seq]"
	jq -j .output <<<"$output" >"$BATS_TEST_TMPDIR/out"
	grep -qF "$omitted" "$BATS_TEST_TMPDIR/out"
	len=$(wc -c <"$BATS_TEST_TMPDIR/out")
	((len <= 1048576 + ${#omitted} + 2))
	((len >= 1048576 - 256))
	# 0 is the limit, not nothing: a short text comes back whole.
	rx run --max-output 0 -- echo whole
	[ "$output" = whole ]
	# The same through the FIFO, where a client could send anything.
	send_line '{"id":"m0","whoami":"t","dir":"/","exec":["sh","-c","yes | head -c 3000000"],"max_output":0}'
	run await_reply m0
	[ "$(jq -r .output_bytes <<<"$output")" = 3000000 ]
	(($(jq -j .output <<<"$output" | wc -c) <= 1048576 + 100))
}

@test "run: timeout 0 is none only while [run] max_timeout is 0; huge numbers are clamped" {
	printf '[run]\nkill_grace = 0.3\nlinger = 0.5\ntimeout = 0.5\nmax_timeout = 0.5\n' >"$BATS_TEST_TMPDIR/rexec.ini"
	start_host
	rx run --timeout 0 -- sh -c 'echo before; sleep 30'
	[ "$status" -eq 124 ]
	[ "$stderr_out" = "rexec: timeout" ]
	rx run --timeout 1e308 -- sleep 30
	[ "$status" -eq 124 ]
	# A yield of 1e308 is a year: the run ends first and is answered.
	rx run --yield 1e308 -- echo done
	[ "$status" -eq 0 ]
	[ "$output" = done ]
	send_line '{"id":"h1","whoami":"t","dir":"/","exec":["echo","ok"],"timeout":1e308,"yield":1e308,"max_output":9223372036854775807}'
	run await_reply h1
	[ "$(jq -r .output <<<"$output")" = ok ]
	[ "$(jq -r .exit <<<"$output")" = 0 ]
}

@test "run: --json prints the whole response" {
	start_host
	rx run --json -- echo hi
	[ "$status" -eq 0 ]
	for f in id seq exit output duration_ms truncated omitted_bytes output_bytes waiting_for_input journal; do
		jq -e "has(\"$f\")" <<<"$output" >/dev/null
	done
	[ "$(jq -r .output <<<"$output")" = hi ]
}

@test "run: a request over PIPE_BUF goes through the spool" {
	start_host
	big=$(head -c 6000 /dev/zero | tr '\0' x)
	rx run -- echo "$big"
	[ "$status" -eq 0 ]
	[ "${#output}" -eq 6000 ]
	[ -z "$(ls -A "$REXEC_RUNTIME_DIR/spool")" ]
}

@test "run: SIGINT to the client aborts the run on the host" {
	start_host
	"$REXEC" run -- sh -c 'echo started $$; exec sleep 60' >"$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
	client=$!
	wait_for grep -q "^started [0-9]" "$BATS_TEST_TMPDIR/console"
	pid=$(sed -n 's/^started \([0-9]*\).*/\1/p' "$BATS_TEST_TMPDIR/console")
	kill -0 -- "-$pid"
	kill -INT "$client"
	wait "$client" || st=$?
	[ "$st" -eq 130 ]
	grep -q started "$BATS_TEST_TMPDIR/out"
	wait_for grep -q '"error":"aborted"' "$(journal_file)"
	wait_for group_gone "$pid"
}

@test "run: a fast command after a slow one is answered first; the console keeps arrival order" {
	start_host
	# The slow run goes on until the test opens its gate, however slow
	# the machine.
	local gate="$BATS_TEST_TMPDIR/gate"
	"$REXEC" run -- sh -c "while [ ! -e '$gate' ]; do sleep 0.05; done; echo slow-done" \
		>"$BATS_TEST_TMPDIR/slow" 3>&- &
	slow=$!
	wait_for grep -q "echo slow-done" "$BATS_TEST_TMPDIR/console"
	rx run -- echo fast-done
	[ "$output" = fast-done ]
	# The slow run is still running when the fast one has its answer.
	kill -0 "$slow"
	touch "$gate"
	wait "$slow"
	grep -q slow-done "$BATS_TEST_TMPDIR/slow"
	wait_for grep -q fast-done "$BATS_TEST_TMPDIR/console"
	slow_line=$(grep -n '^slow-done' "$BATS_TEST_TMPDIR/console" | cut -d: -f1)
	fast_line=$(grep -n '^fast-done' "$BATS_TEST_TMPDIR/console" | cut -d: -f1)
	[ "$slow_line" -lt "$fast_line" ]
}

@test "run: 64 concurrent clients all get their own answer" {
	start_host
	for i in $(seq 1 64); do
		"$REXEC" run -- sh -c "echo reply-$i; exit $((i % 7))" >"$BATS_TEST_TMPDIR/c$i" 2>&1 3>&- &
		pids[$i]=$!
	done
	for i in $(seq 1 64); do
		st=0
		wait "${pids[$i]}" || st=$?
		[ "$st" -eq $((i % 7)) ]
		[ "$(cat "$BATS_TEST_TMPDIR/c$i")" = "reply-$i" ]
	done
	[ "$(grep -c '"whoami":"tester"' "$(journal_file)")" -eq 64 ]
}

@test "run: max_parallel queues runs beyond it; status lists them" {
	printf '[host]\nmax_parallel = 1\n' >"$BATS_TEST_TMPDIR/rexec.ini"
	start_host
	"$REXEC" run -- sleep 60 3>&- &
	a=$!
	wait_for sh -c '"$REXEC" status | grep -q "1 running, 0 queued"'
	"$REXEC" run -- echo queued-one >"$BATS_TEST_TMPDIR/q" 3>&- &
	b=$!
	wait_for sh -c '"$REXEC" status | grep -q "1 running, 1 queued"'
	rx status --json
	[ "$(jq -r '.running[0].exec[0]' <<<"$output")" = sleep ]
	[ "$(jq -r '.queued[0].exec[1]' <<<"$output")" = queued-one ]
	kill -TERM "$a"
	wait "$b"
	[ "$(cat "$BATS_TEST_TMPDIR/q")" = queued-one ]
	wait "$a" || true
}

@test "run: status quotes a run's argv as the banner does" {
	start_host
	rx run --yield 0.2 -- sh -c 'printf "Continue? "; read x'
	[ "$status" -eq 75 ]
	rx status
	[[ "$output" == *"  tester  "*"  sh -c 'printf \"Continue? \"; read x'"* ]]
	rx kill 1
}

@test "run: usage errors exit 2" {
	rx run
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == *"no command given"* ]]
	REXEC_WHOAMI= rx run -- true
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == *"--whoami is required"* ]]
	rx run --env NOEQUALS -- true
	[ "$status" -eq 2 ]
	rx run --timeout soon -- true
	[ "$status" -eq 2 ]
	rx run --max-output -5 -- true
	[ "$status" -eq 2 ]
	rx run --bogus -- true
	[ "$status" -eq 2 ]
	rx status extra
	[ "$status" -eq 2 ]
	rx check extra
	[ "$status" -eq 2 ]
}

@test "run: a prompt nobody answers ends with waiting_for_input (124)" {
	printf '[run]\ninput_timeout = 0.5\nkill_grace = 0.2\n' >"$BATS_TEST_TMPDIR/rexec.ini"
	start_host
	rx run --json -- sh -c 'printf "Password: "; read x; echo "got $x"'
	[ "$status" -eq 124 ]
	[ "$(jq -r .error <<<"$output")" = waiting_for_input ]
	[ "$(jq -r .waiting_for_input <<<"$output")" = true ]
	[ "$(jq -r .output <<<"$output")" = "Password:" ]
}

@test "run: a prompt in a child of the run's first process is seen" {
	printf '[run]\ninput_timeout = 0.5\nkill_grace = 0.2\n' >"$BATS_TEST_TMPDIR/rexec.ini"
	start_host
	rx run --json -- sh -c 'sh -c "printf \"name? \"; read x"; echo after'
	[ "$status" -eq 124 ]
	[ "$(jq -r .error <<<"$output")" = waiting_for_input ]
	[ "$(jq -r .output <<<"$output")" = "name?" ]
}

# With job control the prompt is in a group of its own, led by a process
# that has already ended: only the walk down the run's tree finds it.
@test "run: a prompt in a foreground job whose leader is gone is seen" {
	command -v bash >/dev/null || skip "no bash"
	printf '[run]\ninput_timeout = 0.5\nkill_grace = 0.2\n' >"$BATS_TEST_TMPDIR/rexec.ini"
	start_host
	# The reader's stdin is the pipe; fd 3 is the terminal.
	rx run --json -- bash --norc -ic \
		'exec 3<&0; true | sh -c "printf \"job? \"; read x <&3"; echo after'
	[ "$status" -eq 124 ]
	[ "$(jq -r .error <<<"$output")" = waiting_for_input ]
	[[ "$(jq -r .output <<<"$output")" == "job?"* ]]
}

# A full-screen program waits for a key in poll or select: that counts
# once the terminal is out of canonical mode, and not before (a silent
# download polls its sockets too).
@test "run: a program polling its terminal waits for input only when not canonical" {
	command -v python3 >/dev/null || skip "no python3"
	printf '[run]\ninput_timeout = 0.5\nkill_grace = 0.2\n' >"$BATS_TEST_TMPDIR/rexec.ini"
	start_host
	rx run --json -- python3 -c 'import select, tty
tty.setcbreak(0)
print("key?", flush=True)
select.select([0], [], [])'
	[ "$status" -eq 124 ]
	[ "$(jq -r .error <<<"$output")" = waiting_for_input ]
	rx run --json --timeout 2 -- python3 -c 'import select
select.select([0], [], [])'
	[ "$status" -eq 124 ]
	[ "$(jq -r .error <<<"$output")" = timeout ]
	[ "$(jq -r .waiting_for_input <<<"$output")" = false ]
}

@test "run: a silent command that is not reading its terminal is not waiting for input" {
	printf '[run]\ninput_timeout = 0.3\n' >"$BATS_TEST_TMPDIR/rexec.ini"
	start_host
	rx run --json -- sh -c 'sleep 1.2; echo done'
	[ "$status" -eq 0 ]
	[ "$(jq -r .waiting_for_input <<<"$output")" = false ]
	printf 'input\n' >"$BATS_TEST_TMPDIR/in"
	rx run --json -- sh -c "sleep 1; read x < '$BATS_TEST_TMPDIR/in'; echo \$x"
	[ "$status" -eq 0 ]
}

@test "run: input_timeout = 0 waits for ever (the run's own timeout still applies)" {
	printf '[run]\ninput_timeout = 0\nkill_grace = 0.2\n' >"$BATS_TEST_TMPDIR/rexec.ini"
	start_host
	rx run --json --timeout 1.5 -- sh -c 'read x'
	[ "$status" -eq 124 ]
	[ "$(jq -r .error <<<"$output")" = timeout ]
	[ "$(jq -r .waiting_for_input <<<"$output")" = true ]
}
