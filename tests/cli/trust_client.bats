#!/usr/bin/env bats
# trust_client.bats: the clients in the rexec binary talk only to a
# runtime directory they can trust (DESIGN.md sections 2 and 11).  A
# directory another user made first (as anyone can under /tmp), one open
# to others, a symbolic link, a FIFO that is a file or a link, a reply
# file that is a link or someone else's: every client command refuses
# with one line naming the problem and exit 127, having written nothing
# -- no request line in the FIFO, no spool file.
#
# The runtime directories here are made by hand, with a process of the
# test in the host's place (fakehost.bash), so a client that did not
# check would find a "host" and write to it.

load helpers
load fakehost

setup() {
	setup_dirs
	export REXEC_WHOAMI=tester
	cd "$BATS_TEST_TMPDIR"
	T=$BATS_TEST_TMPDIR
}

teardown() {
	stop_fake_host
	stop_host
}

# rx, bounded: a client that wrote to the fake host would wait for ever
# for its answer, and must fail the test (exit 124), not hang it.
rxb() {
	local errf="$T/.rxb-stderr"
	output=$(timeout 30 "$REXEC" "$@" 2>"$errf") && status=0 || status=$?
	stderr_out=$(cat "$errf")
}

# refuses WANT ARGS...: rexec ARGS exits 127, prints nothing on stdout
# and one line on stderr, which contains WANT.
refuses() {
	local want=$1
	shift
	rxb "$@"
	echo "rexec $1...: status $status, stderr: $stderr_out" >&2
	[ "$status" -eq 127 ]
	[ -z "$output" ]
	[ "$(printf '%s\n' "$stderr_out" | wc -l)" -eq 1 ]
	[[ "$stderr_out" == *"$want"* ]]
}

# Every client command of the binary against $REXEC_RUNTIME_DIR refuses
# with WANT; a request too long for one line would have been spooled.
every_client_refuses() {
	local want=$1 big
	big=BIG=$(head -c 5000 /dev/zero | tr '\0' x)
	refuses "$want" run -- true
	refuses "$want" run --env "$big" -- true
	printf 'secret input' | refuses "$want" run --read-stdin -- cat
	refuses "$want" --whoami tester --dir / -- true
	refuses "$want" wait 1
	refuses "$want" input 1 text
	refuses "$want" screen 1
	refuses "$want" kill 1
	refuses "$want" status
	refuses "$want" check
	refuses "$want" mcp </dev/null
}

@test "trust: a runtime directory another user made first (theirs, mode 0777): every client refuses, nothing is written" {
	needs_root
	R=$REXEC_RUNTIME_DIR
	make_runtime "$R"
	start_fake_host "$R"
	chmod 0777 "$R"
	chown -R 65534:65534 "$R"
	every_client_refuses "$R: owned by uid 65534, not by us (uid 0); refusing to use it"
	nothing_written "$R/control" "$R"
	# The same directory made ours: the fake host is a live host to the
	# clients, and what they write reaches the FIFO.
	chown -R 0:0 "$R"
	chmod 0700 "$R"
	rx check
	[ "$status" -eq 0 ]
	[ "$output" = "HOST RUNNING" ]
	"$REXEC" run -- true >/dev/null 2>&1 3>&- &
	local pid=$!
	wait_for fifo_has_data "$R/control"
	kill -KILL "$pid"
	wait "$pid" || true
}

@test "trust: a runtime directory of ours with mode 0777: every client refuses, nothing is written" {
	R=$REXEC_RUNTIME_DIR
	make_runtime "$R"
	start_fake_host "$R"
	chmod 0777 "$R"
	every_client_refuses "$R: mode 0777 lets group or others in; run chmod 700 $R"
	nothing_written "$R/control" "$R"
}

@test "trust: a runtime directory that is a symbolic link to a good one: every client refuses" {
	make_runtime "$T/real"
	start_fake_host "$T/real"
	ln -s "$T/real" "$REXEC_RUNTIME_DIR"
	every_client_refuses "$REXEC_RUNTIME_DIR: is a symbolic link; refusing to use it"
	nothing_written "$T/real/control" "$T/real"
}

@test "trust: replies/ that is a symbolic link, or not ours: every client refuses" {
	R=$REXEC_RUNTIME_DIR
	make_runtime "$R"
	start_fake_host "$R"
	mv "$R/replies" "$T/elsewhere"
	ln -s "$T/elsewhere" "$R/replies"
	every_client_refuses "$R/replies: is a symbolic link; refusing to use it"
	nothing_written "$R/control" "$R"
	if [ "$(id -u)" = 0 ]; then
		rm "$R/replies"
		mv "$T/elsewhere" "$R/replies"
		chown 65534 "$R/replies"
		every_client_refuses "$R/replies: owned by uid 65534, not by us (uid 0)"
		nothing_written "$R/control" "$R"
	fi
}

# The commands that write to the FIFO (check only looks at it, and says
# the same) refuse a FIFO that is not our own.
every_writer_refuses() {
	local want=$1 big
	big=BIG=$(head -c 5000 /dev/zero | tr '\0' x)
	refuses "$want" run -- true
	refuses "$want" run --env "$big" -- true
	printf 'secret input' | refuses "$want" run --read-stdin -- cat
	refuses "$want" --whoami tester --dir / -- true
	refuses "$want" wait 1
	refuses "$want" input 1 text
	refuses "$want" screen 1
	refuses "$want" kill 1
	refuses "$want" status
	refuses "$want" check
}

@test "trust: control that is a regular file: every client refuses and the file stays empty" {
	R=$REXEC_RUNTIME_DIR
	make_runtime "$R"
	rm "$R/control"
	: >"$R/control"
	chmod 0600 "$R/control"
	start_fake_host "$R"
	every_writer_refuses "$R/control: exists and is not a FIFO"
	[ ! -s "$R/control" ]
	[ -z "$(ls -A "$R/spool")" ]
}

@test "trust: control that is a symbolic link to a FIFO someone reads: every client refuses, the FIFO gets nothing" {
	R=$REXEC_RUNTIME_DIR
	make_runtime "$T/other"
	start_fake_host "$T/other"
	make_runtime "$R"
	rm "$R/control"
	ln -s "$T/other/control" "$R/control"
	# Our lock file names the same live process as the other's.
	rm "$R/host.lock"
	ln "$T/other/host.lock" "$R/host.lock"
	every_writer_refuses "$R/control: is a symbolic link; refusing to use it"
	nothing_written "$T/other/control" "$R"
}

@test "trust: a FIFO owned by another user in our directory: every client refuses" {
	needs_root
	R=$REXEC_RUNTIME_DIR
	make_runtime "$R"
	start_fake_host "$R"
	chown 65534 "$R/control"
	every_writer_refuses "$R/control: owned by uid 65534, not by us (uid 0)"
	nothing_written "$R/control" "$R"
}

@test "trust: host.lock that is a symbolic link names no host: HOST NOT FOUND, nothing written" {
	R=$REXEC_RUNTIME_DIR
	make_runtime "$T/other"
	start_fake_host "$T/other"
	make_runtime "$R"
	rm "$R/host.lock"
	ln -s "$T/other/host.lock" "$R/host.lock"
	rx check
	[ "$status" -eq 127 ]
	[ "$output" = "HOST NOT FOUND" ]
	rx run -- true
	[ "$status" -eq 127 ]
	[ "$stderr_out" = "HOST NOT FOUND" ]
	[ "$(fifo_bytes "$R/control")" -eq 0 ]
}

# rexec ARGS waits for a reply the fake host makes untrustworthy: exit
# 127, one line naming the reply file's problem, nothing of it printed.
reply_refused() {
	local want=$1
	shift
	rxb "$@"
	echo "rexec $1...: status $status, stderr: $stderr_out" >&2
	[ "$status" -eq 127 ]
	[ -z "$output" ]
	[ "$(printf '%s\n' "$stderr_out" | wc -l)" -eq 1 ]
	[[ "$stderr_out" == "rexec: $R/replies/"*".json: $want" ]]
}

@test "trust: a reply file that is a symbolic link is never read: exit 127, one line" {
	R=$REXEC_RUNTIME_DIR
	make_runtime "$R"
	start_fake_host "$R" symlink
	reply_refused "is a symbolic link; refusing to use it" run -- true
	reply_refused "is a symbolic link; refusing to use it" --whoami tester --dir / -- true
	reply_refused "is a symbolic link; refusing to use it" status
	reply_refused "is a symbolic link; refusing to use it" wait 1
	# The bait is where it was, unread and undeleted.
	[ -s "$T/bait.json" ]
}

@test "trust: a reply file owned by another user is never read: exit 127, one line" {
	needs_root
	R=$REXEC_RUNTIME_DIR
	make_runtime "$R"
	start_fake_host "$R" foreign
	reply_refused "owned by uid 65534, not by us (uid 0); refusing to use it" run -- true
	reply_refused "owned by uid 65534, not by us (uid 0); refusing to use it" screen 1
}

# One MCP conversation on a pipe: initialize, then each tools/call of
# the arguments given, one id each from 2; stdout in $T/mcp.out.
mcp_talk() {
	local i=2 call
	{
		printf '%s\n' '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}'
		for call in "$@"; do
			printf '{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":%s}\n' "$i" "$call"
			i=$((i + 1))
		done
	} | timeout 20 "$REXEC" mcp >"$T/mcp.out" 2>"$T/mcp.err" 3>&-
}

mcp_text() {
	jq -r "select(.id == $1) | .result.content[0].text" "$T/mcp.out"
}

mcp_is_error() {
	[ "$(jq -r "select(.id == $1) | .result.isError" "$T/mcp.out")" = true ]
}

@test "trust: rexec mcp: a runtime directory that goes bad after it started is never written to; each call says why" {
	R=$REXEC_RUNTIME_DIR
	# No directory at all when the server starts: it serves, HOST NOT
	# FOUND.
	mcp_talk '{"name":"check_host","arguments":{}}'
	[ "$(mcp_text 2)" = "HOST NOT FOUND" ]
	make_runtime "$R"
	start_fake_host "$R"
	chmod 0777 "$R"
	# A directory to refuse when it starts: one line, exit 127.
	rxb mcp </dev/null
	[ "$status" -eq 127 ]
	[ "$stderr_out" = "rexec mcp: $R: mode 0777 lets group or others in; run chmod 700 $R" ]
	# The directory goes bad while it serves (made bad between calls).
	chmod 0700 "$R"
	{
		printf '%s\n' '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}'
		printf '%s\n' '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"check_host","arguments":{}}}'
		wait_for grep -q '"id":2,' "$T/mcp.out2" >/dev/null 2>&1
		chmod 0777 "$R"
		printf '%s\n' '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"check_host","arguments":{}}}'
		printf '%s\n' '{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"exec","arguments":{"argv":["true"]}}}'
		printf '%s\n' '{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"shell","arguments":{"command":"true"}}}'
		printf '%s\n' '{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"status","arguments":{}}}'
	} | timeout 20 "$REXEC" mcp 2>"$T/mcp.err" 3>&- | tee "$T/mcp.out2" >"$T/mcp.out"
	[ "$(mcp_text 2)" = "HOST RUNNING" ]
	local id
	for id in 3 4 5 6; do
		mcp_is_error "$id"
		[ "$(mcp_text "$id")" = "$R: mode 0777 lets group or others in; run chmod 700 $R" ]
	done
	nothing_written "$R/control" "$R"
}
