#!/usr/bin/env bats
# argorder.bats: every command takes its options after its operands too
# (as its synopsis puts them), except what follows run's "--": that is
# the command's own.

load helpers

setup() {
	setup_dirs
	export REXEC_WHOAMI=tester
}

teardown() {
	stop_host
}

@test "argorder: replay, wait, screen, list, print, grep and input take options after the operand" {
	start_host
	rx run --dir "$HOME" -- printf 'needle\n'
	[ "$status" -eq 0 ]
	rx replay 1 --speed 0
	[ "$status" -eq 0 ]
	[[ "$output" == *needle* ]]
	rx wait 1 --timeout 5 --json
	[ "$status" -eq 0 ]
	[ "$(jq -r .exit <<<"$output")" = 0 ]
	rx run --dir "$HOME" --yield 0.2 -- sh -c 'echo on-screen; sleep 30'
	[ "$status" -eq 75 ]
	rx screen 2 --json
	[ "$status" -eq 0 ]
	[[ "$(jq -r '.screen // .lines | tostring' <<<"$output")" == *on-screen* ]]
	rx input 2 --keys C-c
	[ "$status" -eq 0 ]
	rx list 5 --json
	[ "$status" -eq 0 ]
	jq -e 'length == 1' <<<"$output"
	rx print "$(basename "$(ls "$REXEC_JOURNAL_DIR"/*.jsonl)" .jsonl)" --no-such
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == *'unknown option "--no-such"'* ]]
	rx grep NEEDLE -i --whoami tester
	[ "$status" -eq 0 ]
	[[ "$output" == *":1: needle"* ]]
}

@test "argorder: an operand that does not belong is named, wherever the options are" {
	rx replay a.cast b.cast --speed 4
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == *'unexpected argument: "b.cast"'* ]]
	rx status extra --json
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == *'unexpected argument "extra"'* ]]
	rx attach extra --no-start
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == *'unexpected argument "extra"'* ]]
	rx replay a.cast --speed
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == *'--speed: needs an argument'* ]]
}

@test "argorder: what follows run's command is the command's, options too" {
	start_host
	rx run --dir "$HOME" -- echo --json --timeout 3
	[ "$status" -eq 0 ]
	[ "$output" = "--json --timeout 3" ]
	rx run --dir "$HOME" echo --json
	[ "$status" -eq 0 ]
	[ "$output" = "--json" ]
}
