#!/usr/bin/env bats
# usage.bats: the command line's own answers and usage errors.

load helpers

setup() {
	setup_dirs
}

@test "--version prints the version" {
	rx --version
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^rexec\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
	rx -V
	[ "$status" -eq 0 ]
}

@test "--help lists every command with its usage" {
	rx --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"rexec host [--headless | --daemon] [--config FILE] [--print-config]"* ]]
	[[ "$output" == *"--start-host, -s"* ]]
	rx -h
	[ "$status" -eq 0 ]
}

@test "run: the usage line shows --whoami as required unless REXEC_WHOAMI is set" {
	rx run -- true
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == *"usage: rexec run --whoami NAME [--dir DIR]"* ]]
	rx --help
	[[ "$output" == *"rexec run --whoami NAME [--dir DIR]"* ]]
	REXEC_WHOAMI=me rx run
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == *"usage: rexec run [--whoami NAME] [--dir DIR]"* ]]
	# mcp's is optional either way.
	rx mcp stray
	[[ "$stderr_out" == *"usage: rexec mcp [--whoami NAME]"* ]]
}

@test "run: --max-output below 256 is refused, naming the value" {
	rx run --whoami me --max-output 10 -- true
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == *"rexec: --max-output: 10 is below the least, 256 bytes (0 asks for the host's limit)"* ]]
	rx run --whoami me --inherit-env --clear-env -- true
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == *"rexec: --clear-env: not with --inherit-env"* ]]
}

@test "an unknown command exits 2 with a message" {
	rx frobnicate
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == 'rexec: unknown command "frobnicate"'* ]]
	[ -z "$output" ]
}

@test "an unknown option exits 2 with a message" {
	rx --frobnicate
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == 'rexec: unknown option "--frobnicate"'* ]]
}

@test "host: an unknown option exits 2 with the usage line" {
	rx host --bogus
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == *'rexec: unknown option "--bogus"'* ]]
	[[ "$stderr_out" == *"usage: rexec host "* ]]
}

@test "host: a missing option value exits 2" {
	rx host --config
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == *'rexec: --config: needs a value'* ]]
}

@test "host: a stray argument exits 2" {
	rx host --print-config extra
	[ "$status" -eq 2 ]
	[[ "$stderr_out" == *'rexec: unexpected argument "extra"'* ]]
}

@test "the original flags reach the host command" {
	rx --start-host --print-config
	[ "$status" -eq 0 ]
	[[ "$output" == *"[host]"* ]]
	rx -s --print-config
	[ "$status" -eq 0 ]
	rx --print-config
	[ "$status" -eq 0 ]
	[[ "$output" == *"[pty]"* ]]
}
