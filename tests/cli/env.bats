#!/usr/bin/env bats
# env.bats: the run's environment (the host's, the caller's with -E or
# [run] env = client, or an empty one with --clear-env), what the journal
# keeps of it, and what rexec run says about stdin it does not read.

load helpers

setup() {
	setup_dirs
	export REXEC_WHOAMI=tester
}

teardown() {
	stop_host
}

journaled() {
	grep -q "\"id\":\"$1\"" "$(journal_file)" 2>/dev/null
}

@test "env: -E sends the caller's environment, the host's is the default" {
	start_host
	export ONLY_CALLER=from-agent
	rx run -- sh -c 'printf "%s\n" "${ONLY_CALLER-unset}"' </dev/null
	[ "$output" = "unset" ]
	rx run -E -- sh -c 'printf "%s\n" "${ONLY_CALLER-unset}"' </dev/null
	[ "$output" = "from-agent" ]
	rx run --inherit-env --env ONLY_CALLER=over -- printenv ONLY_CALLER </dev/null
	[ "$output" = "over" ]
	# A name the caller unset is gone from the run too.
	rx run -E -- sh -c 'printf "%s\n" "${REXEC_RUNTIME_DIR+set}"' </dev/null
	[ "$output" = "set" ]
	output=$(env -u HOME "$REXEC" run -E -- sh -c 'printf "%s\n" "${HOME-unset}"' </dev/null)
	[ "$output" = "unset" ]
	# The run's terminal is still the host's to name.
	output=$(TERM=dumb "$REXEC" run -E -- sh -c 'printf "%s %s\n" "$TERM" "$REXEC"' </dev/null)
	[ "$output" = "xterm-256color 1" ]
}

@test "env: [run] env = client makes -E the default, --host-env undoes it" {
	printf '[run]\nkill_grace = 0.3\nlinger = 0.5\nenv = client\n' >"$BATS_TEST_TMPDIR/rexec.ini"
	start_host
	export ONLY_CALLER=from-agent
	rx run -- printenv ONLY_CALLER </dev/null
	[ "$output" = "from-agent" ]
	rx run --host-env -- sh -c 'printf "%s\n" "${ONLY_CALLER-unset}"' </dev/null
	[ "$output" = "unset" ]
	rx run --host-env --clear-env -- true </dev/null
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == *"--clear-env: not with --host-env"* ]]
}

@test "env: --clear-env starts from nothing but [env], --env and the terminal's" {
	printf '[run]\nkill_grace = 0.3\nlinger = 0.5\n[env]\nFROM_INI = ini\n' >"$BATS_TEST_TMPDIR/rexec.ini"
	start_host
	rx run --clear-env --env A=1 -- /usr/bin/env </dev/null
	[ "$status" -eq 0 ]
	names=$(printf '%s\n' "$output" | tr -d '\r' | cut -d= -f1 | sort | tr '\n' ' ')
	[ "$names" = "A FROM_INI GIT_PAGER MANPAGER PAGER REXEC REXEC_SEQ SYSTEMD_PAGER TERM " ]
	# The original crate's bare form knows the flag too.
	rx --whoami t --clear-env -- sh -c 'printf "%s\n" "${HOME-unset}"' </dev/null
	[ "$output" = "unset" ]
	send_line '{"id":"ce","whoami":"t","dir":"/","exec":["true"],"clear_env":1}'
	[ "$(jq -r .error <<<"$(await_reply ce)")" = "bad_request: clear_env: not true or false" ]
	send_line '{"id":"cb","whoami":"t","dir":"/","exec":["true"],"clear_env":true,"base_env":{}}'
	[ "$(jq -r .error <<<"$(await_reply cb)")" = "bad_request: clear_env: not with base_env" ]
	send_line '{"id":"be","whoami":"t","dir":"/","exec":["true"],"base_env":{"A":1}}'
	[ "$(jq -r .error <<<"$(await_reply be)")" = "bad_request: base_env[\"A\"]: not a string" ]
}

@test "env: the journal keeps the names that differ from the host's, redacted" {
	start_host
	export ONLY_CALLER=from-agent MY_TOKEN=hunter2
	"$REXEC" run -E --json -- true </dev/null >"$BATS_TEST_TMPDIR/reply"
	id=$(jq -r .id "$BATS_TEST_TMPDIR/reply")
	wait_for journaled "$id"
	envs=$(grep "\"id\":\"$id\"" "$(journal_file)" | jq -c .envs)
	# PATH and HOME are the host's too: not journaled.
	[ "$(jq -c '[.ONLY_CALLER, .MY_TOKEN, has("PATH"), has("HOME")]' <<<"$envs")" = '["from-agent","***",false,false]' ]
	! grep -q hunter2 "$(journal_file)"
	"$REXEC" run --clear-env --json -- true </dev/null >"$BATS_TEST_TMPDIR/reply"
	id=$(jq -r .id "$BATS_TEST_TMPDIR/reply")
	wait_for journaled "$id"
	[ "$(grep "\"id\":\"$id\"" "$(journal_file)" | jq -c '[.envs, .clear_env]')" = '[{},true]' ]
}

@test "env: a big environment goes through the spool" {
	start_host
	local i v
	v=$(head -c 10000 /dev/zero | tr '\0' x)
	for i in $(seq 1 30); do
		export "BIG_$i=$v"
	done
	rx run -E -- sh -c 'printf "%s %s\n" "${#BIG_1}" "${#BIG_30}"' </dev/null
	[ "$status" -eq 0 ]
	[ "$output" = "10000 10000" ]
}

@test "env: stdin that is a pipe or a file and not read is said" {
	start_host
	output=$(echo hi | "$REXEC" run -- true 2>&1)
	[ "$output" = "rexec: stdin is not read; pass --read-stdin to send it" ]
	echo hi >"$BATS_TEST_TMPDIR/in"
	output=$("$REXEC" run -- true 2>&1 <"$BATS_TEST_TMPDIR/in")
	[ "$output" = "rexec: stdin is not read; pass --read-stdin to send it" ]
	output=$(echo hi | "$REXEC" run --read-stdin -- cat 2>&1)
	[ "$output" = "hi" ]
	output=$("$REXEC" run -- true 2>&1 </dev/null)
	[ "$output" = "" ]
}
