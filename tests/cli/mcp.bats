#!/usr/bin/env bats
# mcp.bats: "rexec mcp" (DESIGN.md section 10) through a scripted JSON-RPC
# conversation on a FIFO pair: every method, every tool, every bad input,
# calls that overlap, progress, cancellation, and a host that comes and goes.

load helpers

setup() {
	setup_dirs
	MCP_PID=
	: >"$BATS_TEST_TMPDIR/mcp.other"
}

teardown() {
	mcp_stop
	stop_host
}

# Start "rexec mcp ARGS" in this directory; fd 7 writes its stdin, fd 8
# reads its stdout.
mcp_start() {
	local d=$BATS_TEST_TMPDIR
	rm -f "$d/mcp.in" "$d/mcp.out"
	mkfifo "$d/mcp.in" "$d/mcp.out"
	"$REXEC" mcp "$@" <"$d/mcp.in" >"$d/mcp.out" 2>"$d/mcp.err" 3>&- &
	MCP_PID=$!
	exec 7>"$d/mcp.in" 8<"$d/mcp.out"
}

mcp_gone() {
	! kill -0 "$MCP_PID" 2>/dev/null
}

mcp_stop() {
	if [ -n "${MCP_PID:-}" ]; then
		exec 7>&- 8<&-
		wait_for mcp_gone
		MCP_PID=
	fi
}

mcp_send() {
	printf '%s\n' "$1" >&7
}

# The next message with id $1 (a JSON value: 3, "a"), within a deadline;
# messages without that id go to mcp.other.  One that came while another
# was awaited (calls in flight answer in any order) is taken from there.
mcp_reply() {
	local line part= deadline=$((SECONDS + ${WAIT_SECONDS:-15}))
	local other="$BATS_TEST_TMPDIR/mcp.other"
	line=$(jq -c "select(.id == $1)" "$other" 2>/dev/null | head -n 1)
	if [ -n "$line" ]; then
		jq -c "select(.id != $1)" "$other" >"$other.rest"
		mv "$other.rest" "$other"
		printf '%s\n' "$line"
		return 0
	fi
	while ((SECONDS < deadline)); do
		# A read that times out mid-line keeps what it got: the rest of
		# the line comes with the next read.
		if IFS= read -r -t 1 line <&8; then
			line=$part$line
			part=
			if [ "$(jq -c .id <<<"$line")" = "$1" ]; then
				printf '%s\n' "$line"
				return 0
			fi
			printf '%s\n' "$line" >>"$BATS_TEST_TMPDIR/mcp.other"
		else
			part=$part$line
		fi
	done
	echo "no message with id $1" >&2
	return 1
}

# Read messages into mcp.other until one passes the jq test $1, within a
# deadline.
mcp_until() {
	local line part= deadline=$((SECONDS + ${WAIT_SECONDS:-15}))
	while ((SECONDS < deadline)); do
		if IFS= read -r -t 1 line <&8; then
			line=$part$line
			part=
			printf '%s\n' "$line" >>"$BATS_TEST_TMPDIR/mcp.other"
			jq -e "$1" <<<"$line" >/dev/null 2>&1 && return 0
		else
			part=$part$line
		fi
	done
	echo "no message passing: $1" >&2
	return 1
}

# rpc ID METHOD [PARAMS]: send a request, print its answer.
rpc() {
	mcp_send "{\"jsonrpc\":\"2.0\",\"id\":$1,\"method\":\"$2\",\"params\":${3:-{\}}}"
	mcp_reply "$1"
}

mcp_init() {
	local v=${1:-2025-06-18}
	rpc 0 initialize "{\"protocolVersion\":\"$v\",\"capabilities\":{},\"clientInfo\":{\"name\":\"bats-agent\",\"version\":\"1\"}}" >/dev/null
	mcp_send '{"jsonrpc":"2.0","method":"notifications/initialized"}'
}

# call ID TOOL ARGS: a tools/call; prints its answer.
call() {
	rpc "$1" tools/call "{\"name\":\"$2\",\"arguments\":${3:-{\}}}"
}

# The structured result of an answer.
sc() {
	jq -c .result.structuredContent <<<"$1"
}

is_error() {
	jq -r .result.isError <<<"$1"
}

err_code() {
	jq -r .error.code <<<"$1"
}

@test "mcp: initialize negotiates the version, names the server, instructs" {
	mcp_start
	for v in 2024-11-05 2025-03-26 2025-06-18 2025-11-25; do
		out=$(rpc 1 initialize "{\"protocolVersion\":\"$v\",\"capabilities\":{},\"clientInfo\":{\"name\":\"x\",\"version\":\"1\"}}")
		[ "$(jq -r .result.protocolVersion <<<"$out")" = "$v" ]
	done
	out=$(rpc 2 initialize '{"protocolVersion":"1999-01-01","capabilities":{}}')
	[ "$(jq -r .result.protocolVersion <<<"$out")" = 2025-11-25 ]
	[ "$(jq -r .result.serverInfo.name <<<"$out")" = rexec ]
	[ -n "$(jq -r .result.serverInfo.version <<<"$out")" ]
	[ -n "$(jq -r .result.serverInfo.title <<<"$out")" ]
	[ "$(jq -c .result.capabilities.tools <<<"$out")" != null ]
	jq -r .result.instructions <<<"$out" | grep -q 'yield'
	jq -r .result.instructions <<<"$out" | grep -q '128+N'
	jq -r .result.instructions <<<"$out" | grep -q '124'
	jq -r .result.instructions <<<"$out" | grep -q 'read_output'
	jq -r .result.instructions <<<"$out" | grep -q 'wait with offset'
	jq -r .result.instructions <<<"$out" | grep -q 'no exit'
	jq -r .result.instructions <<<"$out" | grep -q 'first root'
	jq -r .result.instructions <<<"$out" | grep -q 'across host restarts'
	jq -r .result.instructions <<<"$out" | grep -q 'clear_env'
	out=$(rpc 3 initialize '{"capabilities":{}}')
	[ "$(err_code "$out")" = -32602 ]
	jq -r .error.message <<<"$out" | grep -q protocolVersion
}

@test "mcp: ping at any time, requests before initialize refused, notifications unanswered" {
	mcp_start
	out=$(rpc '"p"' ping)
	[ "$(jq -c .result <<<"$out")" = '{}' ]
	out=$(rpc 1 tools/list)
	[ "$(err_code "$out")" = -32002 ]
	mcp_send '{"jsonrpc":"2.0","method":"notifications/initialized"}'
	mcp_send '{"jsonrpc":"2.0","method":"notifications/whatever"}'
	mcp_init
	out=$(rpc 2 ping)
	[ "$(jq -c .result <<<"$out")" = '{}' ]
	# Nothing answered the notifications.
	[ ! -s "$BATS_TEST_TMPDIR/mcp.other" ]
}

@test "mcp: tools/list gives every tool with schemas and annotations" {
	mcp_start
	mcp_init
	out=$(rpc 1 tools/list)
	[ "$(jq -r '[.result.tools[].name] | sort | join(" ")' <<<"$out")" = \
		"cancel check_host exec input read_output screen shell status wait" ]
	[ "$(jq -r '[.result.tools[] | select(.inputSchema.type == "object")] | length' <<<"$out")" = 9 ]
	[ "$(jq -c '.result.tools[] | select(.name == "exec") | .inputSchema.required' <<<"$out")" = '["argv"]' ]
	[ "$(jq -c '.result.tools[] | select(.name == "shell") | .inputSchema.required' <<<"$out")" = '["command"]' ]
	[ "$(jq -c '.result.tools[] | select(.name == "wait") | .inputSchema.required' <<<"$out")" = '["seq"]' ]
	[ "$(jq -r '[.result.tools[] | select(.outputSchema) | .name] | sort | join(" ")' <<<"$out")" = "cancel exec shell wait" ]
	[ "$(jq -r '[.result.tools[] | select(.annotations.destructiveHint) | .name] | sort | join(" ")' <<<"$out")" = "cancel exec input shell" ]
	[ "$(jq -r '[.result.tools[] | select(.annotations.openWorldHint) | .name] | sort | join(" ")' <<<"$out")" = "cancel exec input shell" ]
	[ "$(jq -r '[.result.tools[] | select(.annotations.readOnlyHint and .annotations.idempotentHint) | .name] | sort | join(" ")' <<<"$out")" = "check_host read_output screen status wait" ]
	jq -e '.result.tools[] | select(.name == "exec") | .outputSchema.properties.exit.type == "integer"' <<<"$out"
}

@test "mcp: an old protocol version gets no annotations, titles or output schemas" {
	mcp_start
	mcp_init 2024-11-05
	out=$(rpc 1 tools/list)
	[ "$(jq '[.result.tools[] | select(.annotations or .outputSchema or .title)] | length' <<<"$out")" = 0 ]
	out=$(call 2 check_host)
	[ "$(jq -r .result.content[0].text <<<"$out")" = "HOST NOT FOUND" ]
	[ "$(jq -c .result.structuredContent <<<"$out")" = null ]
}

@test "mcp: bad messages each get their JSON-RPC error, and the server goes on" {
	mcp_start
	mcp_send 'not json'
	[ "$(err_code "$(mcp_reply null)")" = -32700 ]
	# A line that cannot be parsed is still answered under its id when
	# the id can be read: the client never waits for ever.
	printf '{"jsonrpc":"2.0","id":1,"method":"ping","x":"\xff"}\n' >&7
	out=$(mcp_reply 1)
	[ "$(err_code "$out")" = -32700 ]
	jq -r .error.message <<<"$out" | grep -q UTF-8
	printf '\xff\xfe{"jsonrpc":"2.0","id":"s1","method":"ping"}\n' >&7
	[ "$(err_code "$(mcp_reply '"s1"')")" = -32700 ]
	mcp_send '{"jsonrpc":"2.0","id":"t\"1","method":"ping",'
	[ "$(err_code "$(mcp_reply '"t\"1"')")" = -32700 ]
	mcp_send '{"jsonrpc":"2.0","id":-7,"method":"ping"'
	[ "$(err_code "$(mcp_reply -7)")" = -32700 ]
	# Two ids, or one that is not a string or an integer: no guess.
	mcp_send '{"jsonrpc":"2.0","id":8,"id":9,"method":'
	[ "$(err_code "$(mcp_reply null)")" = -32700 ]
	mcp_send '{"jsonrpc":"2.0","id":1.5,"method":'
	[ "$(err_code "$(mcp_reply null)")" = -32700 ]
	mcp_send '[{"jsonrpc":"2.0","id":1,"method":"ping"}]'
	out=$(mcp_reply null)
	[ "$(err_code "$out")" = -32600 ]
	jq -r .error.message <<<"$out" | grep -q batch
	mcp_send '42'
	[ "$(err_code "$(mcp_reply null)")" = -32600 ]
	mcp_send '{"jsonrpc":"2.0","id":2}'
	[ "$(err_code "$(mcp_reply 2)")" = -32600 ]
	mcp_send '{"id":3,"method":"ping"}'
	[ "$(err_code "$(mcp_reply 3)")" = -32600 ]
	mcp_send '{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}'
	[ "$(err_code "$(mcp_reply null)")" = -32600 ]
	# A message over 16 MiB is refused and skipped to its end.
	head -c $((17 * 1024 * 1024)) /dev/zero | tr '\0' 'a' >&7
	printf '\n' >&7
	out=$(mcp_reply null)
	[ "$(err_code "$out")" = -32600 ]
	jq -r .error.message <<<"$out" | grep -q 'over'
	mcp_init
	out=$(rpc 4 no/such/method)
	[ "$(err_code "$out")" = -32601 ]
	out=$(rpc 5 tools/call '"params"')
	[ "$(err_code "$out")" = -32602 ]
	out=$(rpc 6 ping)
	[ "$(jq -c .result <<<"$out")" = '{}' ]
	mcp_gone && false
	true
}

@test "mcp: arguments that break the schema are isError results with the field named; an unknown tool is -32602" {
	mcp_start
	mcp_init
	# A tool error: a sentence naming the field, no exit, no run.
	check() {
		local out
		out=$(call 9 "$1" "$2")
		[ "$(is_error "$out")" = true ] || { echo "$out"; return 1; }
		[ "$(jq -r '.result.content[0].text' <<<"$out")" = "$1 refused: $3" ] ||
			{ echo "$out"; return 1; }
		[ "$(sc "$out" | jq -r 'has("exit")')" = false ] ||
			{ echo "$out"; return 1; }
	}
	out=$(call 8 nosuch '{}')
	[ "$(err_code "$out")" = -32602 ]
	jq -r .error.message <<<"$out" | grep -qF 'unknown tool "nosuch"'
	check exec '{}' 'argv: missing'
	check exec '{"argv":[]}' 'argv: empty'
	check exec '{"argv":["a",1]}' 'argv[1]: not a string'
	check exec '{"argv":"ls"}' 'argv: expected an array of strings'
	check exec '{"argv":["ls"],"dir":"tmp"}' 'dir: not an absolute path'
	check exec '{"argv":["ls"],"envs":["NOEQ"]}' 'envs[0]: not "NAME=VALUE"'
	check exec '{"argv":["ls"],"envs":{"A":1}}' 'envs.A: not a string'
	check exec '{"argv":["ls"],"timeout":-1}' 'timeout: must be >= 0'
	check exec '{"argv":["ls"],"yield":0}' 'yield: must be > 0'
	check exec '{"argv":["ls"],"bogus":1}' 'bogus: unknown argument of exec'
	check exec '{"argv":["ls"],"clear_env":1}' 'clear_env: expected true or false'
	check shell '{"command":"ls","clear_env":"yes"}' 'clear_env: expected true or false'
	check shell '{"command":["ls"]}' 'command: expected a string'
	check wait '{"seq":0}' 'seq: not an integer >= 1'
	check wait '{"seq":1,"offset":-3}' 'offset: not an integer >= 0'
	check input '{"seq":1}' 'text, keys: give exactly one'
	check input '{"seq":1,"text":"a","keys":["Enter"]}' 'text, keys: give exactly one'
	check screen '{}' 'seq: missing'
	check cancel '{"seq":"x"}' 'seq: not an integer >= 1'
	check read_output '{"seq":1,"limit":1.5}' 'limit: not an integer >= 0'
	out=$(rpc 10 tools/call '{"arguments":{}}')
	[ "$(err_code "$out")" = -32602 ]
	out=$(rpc 11 tools/call '{"name":"exec","arguments":[1]}')
	[ "$(err_code "$out")" = -32602 ]
}

@test "mcp: a NUL inside a call is refused naming the argument, under the call's own id" {
	mcp_start
	mcp_init
	nul() {
		local out
		mcp_send "$2"
		out=$(mcp_reply "$1") || return 1
		[ "$(err_code "$out")" = "$3" ] || { echo "$out"; return 1; }
		[ "$(jq -r .error.message <<<"$out")" = "$4" ] ||
			{ echo "$out"; return 1; }
	}
	# In an argument: a tool error (isError) the model can correct.
	argnul() {
		local out
		mcp_send "$2"
		out=$(mcp_reply "$1") || return 1
		[ "$(is_error "$out")" = true ] || { echo "$out"; return 1; }
		[ "$(jq -r '.result.content[0].text' <<<"$out")" = "$3" ] ||
			{ echo "$out"; return 1; }
	}
	argnul '"nul1"' '{"jsonrpc":"2.0","id":"nul1","method":"tools/call","params":{"name":"exec","arguments":{"argv":["printf","a\u0000b"]}}}' \
		'exec refused: argv[1]: contains NUL'
	argnul 2 '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"exec","arguments":{"argv":["env"],"envs":{"A":"1\u0000"}}}}' \
		'exec refused: envs.A: contains NUL'
	argnul 3 '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"exec","arguments":{"argv":["env"],"envs":["A=\u0000"]}}}' \
		'exec refused: envs[0]: contains NUL'
	argnul 4 '{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"shell","arguments":{"command":"echo a\u0000; touch x"}}}' \
		'shell refused: command: contains NUL'
	argnul 5 '{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"exec","arguments":{"argv":["ls"],"dir":"/tmp\u0000/x"}}}' \
		'exec refused: dir: contains NUL'
	nul 6 '{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"exec\u0000","arguments":{"argv":["ls"]}}}' \
		-32602 'name: contains NUL'
	# jansson cannot take a NUL in an object key: the line is refused
	# whole, and still answered under its id.
	nul 7 '{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"exec","arguments":{"argv":["env"],"envs":{"A\u0000B":"1"}}}}' \
		-32602 'params: an object key contains NUL (column 116)'
	nul '"k8"' '{"jsonrpc":"2.0","id":"k8","me\u0000thod":"ping"}' \
		-32600 'invalid request: an object key contains NUL (column 41)'
	nul 9 '{"jsonrpc":"2.0","id":9,"method":"ping\u0000"}' \
		-32600 'invalid request: method: contains NUL'
	# A NUL is text where the run takes bytes (stdin, input's text): no
	# host here, so the call gets as far as HOST NOT FOUND.
	out=$(call 10 exec '{"argv":["cat"],"stdin":"a\u0000b"}')
	[ "$(jq -r .result.content[0].text <<<"$out")" = "HOST NOT FOUND" ]
	mcp_gone && false
	true
}

@test "mcp: read_output's limit: 0 or more than max_output_limit is that limit" {
	printf '[agent]\nmax_output = 1K\nmax_output_limit = 2K\n' >"$BATS_TEST_TMPDIR/rexec.ini"
	start_host
	mcp_start
	mcp_init
	out=$(call 1 shell '{"command":"seq 1 3000"}')
	seq=$(sc "$out" | jq -r .seq)
	[ "$(sc "$out" | jq -r .truncated)" = true ]
	wait_for grep -q "\"seq\":$seq," "$(journal_file)"
	for limit in 0 1000000 9007199254740991; do
		out=$(call 2 read_output "{\"seq\":$seq,\"limit\":$limit}")
		[ "$(sc "$out" | jq -r .next_offset)" = 2048 ] || { echo "$out"; false; }
		[ "$(sc "$out" | jq -r .more)" = true ]
	done
	out=$(call 3 read_output "{\"seq\":$seq,\"limit\":10,\"offset\":9007199254740991}")
	[ "$(sc "$out" | jq -r .output)" = "" ]
	[ "$(sc "$out" | jq -r .more)" = false ]
}

@test "mcp: without a host every tool says HOST NOT FOUND; a host started later is used" {
	mcp_start
	mcp_init
	n=1
	for t in 'exec {"argv":["true"]}' 'shell {"command":"true"}' \
	    'wait {"seq":1}' 'input {"seq":1,"text":"x"}' 'screen {"seq":1}' \
	    'cancel {"seq":1}' 'read_output {"seq":1}' 'status {}' \
	    'check_host {}'; do
		out=$(call $n ${t%% *} "${t#* }")
		[ "$(is_error "$out")" = true ]
		[ "$(jq -r .result.content[0].text <<<"$out")" = "HOST NOT FOUND" ]
		n=$((n + 1))
	done
	start_host
	out=$(call 20 check_host)
	[ "$(is_error "$out")" = false ]
	[ "$(jq -r .result.content[0].text <<<"$out")" = "HOST RUNNING" ]
	out=$(call 21 exec '{"argv":["echo","now"]}')
	[ "$(jq -r .output <<<"$(sc "$out")")" = now ]
}

@test "mcp: exec returns the response: output, exit, errors, stdin, envs, dir, whoami" {
	start_host
	mkdir -p "$BATS_TEST_TMPDIR/work"
	cd "$BATS_TEST_TMPDIR/work"
	mcp_start
	mcp_init
	out=$(call 1 exec '{"argv":["echo","hello"]}')
	[ "$(is_error "$out")" = false ]
	[ "$(jq -r .exit <<<"$(sc "$out")")" = 0 ]
	[ "$(jq -r .output <<<"$(sc "$out")")" = hello ]
	seq=$(sc "$out" | jq -r .seq)
	[[ "$(jq -r .result.content[0].text <<<"$out")" =~ ^hello$'\n'"[exit 0 · "[0-9]+" ms · run $seq]"$ ]]
	[ "$(jq -r 'has("id")' <<<"$(sc "$out")")" = false ]
	out=$(call 2 exec '{"argv":["sh","-c","echo bad; exit 3"]}')
	[ "$(is_error "$out")" = true ]
	[ "$(jq -r .exit <<<"$(sc "$out")")" = 3 ]
	out=$(call 3 exec '{"argv":["no-such-program-here"]}')
	[ "$(is_error "$out")" = true ]
	[ "$(jq -r .error <<<"$(sc "$out")")" = not_found ]
	[ "$(jq -r .exit <<<"$(sc "$out")")" = 127 ]
	out=$(call 4 exec '{"argv":["cat"],"stdin":"from stdin\n"}')
	[ "$(jq -r .output <<<"$(sc "$out")")" = "from stdin" ]
	out=$(call 5 exec '{"argv":["sh","-c","echo $A-$B"],"envs":{"A":"1","B":"2"}}')
	[ "$(jq -r .output <<<"$(sc "$out")")" = 1-2 ]
	out=$(call 6 exec '{"argv":["sh","-c","echo $A-$B"],"envs":["A=x","B=y=z"]}')
	[ "$(jq -r .output <<<"$(sc "$out")")" = x-y=z ]
	out=$(call 7 exec '{"argv":["pwd"]}')
	[ "$(jq -r .output <<<"$(sc "$out")")" = "$BATS_TEST_TMPDIR/work" ]
	out=$(call 8 exec '{"argv":["pwd"],"dir":"/"}')
	[ "$(jq -r .output <<<"$(sc "$out")")" = / ]
	out=$(call 9 exec '{"argv":["pwd"],"dir":"/no/such/dir"}')
	[ "$(is_error "$out")" = true ]
	jq -r .error <<<"$(sc "$out")" | grep -q '^bad_dir'
	out=$(call 10 exec '{"argv":["sleep","5"],"timeout":0.3}')
	[ "$(jq -r .exit <<<"$(sc "$out")")" = 124 ]
	[ "$(jq -r .error <<<"$(sc "$out")")" = timeout ]
	out=$(call 11 shell '{"command":"echo a b | wc -w && echo ok"}')
	[ "$(jq -j .output <<<"$(sc "$out")")" = $'2\nok' ]
	# The client's name is the runs' whoami.
	wait_for grep -q '"whoami":"bats-agent"' "$(journal_file)"
}

# No DEL, C1 control (as UTF-8) or bidi override in file $1.
no_raw_controls() {
	! LC_ALL=C grep -qP '\x7f|\xc2[\x80-\x9f]|\xe2\x80\xae' "$1"
}

@test "mcp: clear_env starts from nothing; [run] env = client gives runs the server's environment" {
	printf '[run]\nkill_grace = 0.3\nlinger = 0.5\n[env]\nFROM_INI = ini\n' >"$BATS_TEST_TMPDIR/rexec.ini"
	start_host
	export ONLY_AGENT=from-agent
	mcp_start
	mcp_init
	# The host's environment by default: the agent's variable is not there.
	out=$(call 1 shell '{"command":"echo ${ONLY_AGENT-unset} $FROM_INI"}')
	[ "$(jq -r .output <<<"$(sc "$out")")" = "unset ini" ]
	out=$(call 2 exec '{"argv":["/usr/bin/env"],"clear_env":true,"envs":{"A":"1"}}')
	names=$(jq -j .output <<<"$(sc "$out")" | cut -d= -f1 | sort | tr '\n' ' ')
	[ "$names" = "A FROM_INI GIT_PAGER MANPAGER PAGER REXEC REXEC_SEQ SYSTEMD_PAGER TERM " ] ||
		{ echo "$out"; return 1; }
	mcp_stop
	# The agent starts the server, so with env = client its environment
	# is the agent's, and clear_env still wins.
	printf '[run]\nenv = client\n' >"$BATS_TEST_TMPDIR/rexec.ini"
	mcp_start
	mcp_init
	out=$(call 3 shell '{"command":"echo ${ONLY_AGENT-unset}"}')
	[ "$(jq -r .output <<<"$(sc "$out")")" = from-agent ]
	out=$(call 4 shell '{"command":"echo ${ONLY_AGENT-unset}","clear_env":true}')
	[ "$(jq -r .output <<<"$(sc "$out")")" = unset ]
}

@test "mcp: status text escapes DEL, C1 and bidi controls; a client name's become _" {
	local evil=$'a\xc2\x9b31m\x7f\xe2\x80\xaeb' text seq
	start_host
	send_line '{"id":"m1","whoami":"w","dir":"/","exec":["sh","-c","sleep 30","a\u009b31m\u007f\u202eb"],"yield":0.1}'
	seq=$(await_reply m1 | jq -r .seq)
	mcp_start
	rpc 0 initialize '{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"evil\u001b]2;x\u0007\u202eagent","version":"1"}}' >/dev/null
	mcp_send '{"jsonrpc":"2.0","method":"notifications/initialized"}'
	out=$(call 1 status)
	text=$(jq -r '.result.content[0].text' <<<"$out")
	# The text a client may show holds none of them raw ...
	printf '%s' "$text" >"$BATS_TEST_TMPDIR/text"
	no_raw_controls "$BATS_TEST_TMPDIR/text"
	[[ "$text" == *'"a\u009b31m\u007f\u202eb"'* ]]
	# ... and still decodes to the exact strings, as structuredContent has.
	[ "$(jq -r '.detached[0].exec[3]' <<<"$text")" = "$evil" ]
	[ "$(jq -r '.detached[0].exec[3]' <<<"$(sc "$out")")" = "$evil" ]
	# The host would refuse such a whoami: the server names runs without.
	out=$(call 2 exec '{"argv":["true"]}')
	[ "$(is_error "$out")" = false ]
	wait_for grep -qF '"whoami":"evil_]2;x__agent"' "$(journal_file)"
	"$REXEC" kill "$seq"
}

@test "mcp: --whoami names the runs; --mcp-stdio and -m are the same server" {
	start_host
	mcp_start --whoami me-myself
	mcp_init
	call 1 exec '{"argv":["true"]}' >/dev/null
	wait_for grep -q '"whoami":"me-myself"' "$(journal_file)"
	! grep -q '"whoami":"bats-agent"' "$(journal_file)"
	mcp_stop
	for alias in --mcp-stdio -m; do
		out=$(printf '%s\n' '{"jsonrpc":"2.0","id":1,"method":"ping"}' |
			timeout 10 "$REXEC" $alias)
		[ "$(jq -c .result <<<"$out")" = '{}' ]
	done
	rx mcp --bogus
	[ "$status" -eq 2 ]
}

@test "mcp: calls overlap: a quick call is answered while a slow run goes on" {
	start_host
	mcp_start
	mcp_init
	mcp_send '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"exec","arguments":{"argv":["sleep","2"]}}}'
	# A duplicate id of a call in flight is refused; the call goes on.
	out=$(call 1 exec '{"argv":["true"]}')
	[ "$(err_code "$out")" = -32600 ]
	for i in 2 3 4 5 6; do
		mcp_send "{\"jsonrpc\":\"2.0\",\"id\":$i,\"method\":\"tools/call\",\"params\":{\"name\":\"shell\",\"arguments\":{\"command\":\"echo $i\"}}}"
	done
	start=$SECONDS
	for i in 2 3 4 5 6; do
		out=$(mcp_reply $i)
		[ "$(jq -r .output <<<"$(sc "$out")")" = $i ]
	done
	out=$(mcp_reply 1)
	[ "$(jq -r .exit <<<"$(sc "$out")")" = 0 ]
	# The quick ones came before the slow one.
	! grep -q '"id":1,' "$BATS_TEST_TMPDIR/mcp.other"
}

@test "mcp: a progressToken gets progress with the run's last line" {
	start_host
	mcp_start
	mcp_init
	# The run goes on until the test has seen its last line in a progress
	# notification (one a second): no race with a loaded machine's clock.
	go=$BATS_TEST_TMPDIR/go
	mcp_send '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"shell","arguments":{"command":"echo step 1; until [ -e '"$go"' ]; do sleep 0.05; done; echo step 2"},"_meta":{"progressToken":"tok"}}}'
	WAIT_SECONDS=30 mcp_until \
		'.method == "notifications/progress" and .params.message == "step 1"'
	: >"$go"
	out=$(mcp_reply 1)
	[ "$(jq -r .exit <<<"$(sc "$out")")" = 0 ]
	[ "$(jq -r .output <<<"$(sc "$out")")" = $'step 1\nstep 2' ]
	p=$BATS_TEST_TMPDIR/mcp.other
	[ "$(jq -r 'select(.method == "notifications/progress") | .params.progressToken' "$p" | sort -u)" = tok ]
	# Strictly increasing.
	[ "$(jq -s '[.[] | .params.progress] | . == (sort | unique)' "$p")" = true ]
}

@test "mcp: notifications/cancelled aborts the run and the call is not answered" {
	start_host
	mcp_start
	mcp_init
	mcp_send '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"exec","arguments":{"argv":["sleep","30"]}}}'
	wait_for running_one
	mcp_send '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1,"reason":"test"}}'
	wait_for grep -q '"error":"aborted"' "$(journal_file)"
	out=$(rpc 2 ping)
	[ "$(jq -c .result <<<"$out")" = '{}' ]
	! grep -q '"id":1' "$BATS_TEST_TMPDIR/mcp.other"
}

running_one() {
	[ "$("$REXEC" status --json | jq '.running | length')" -ge 1 ]
}

@test "mcp: a long run: yield, wait, input, screen, status, cancel, read_output" {
	start_host
	mcp_start
	mcp_init
	out=$(call 1 shell '{"command":"echo ready; read x; echo got $x; sleep 30","yield":0.5}')
	s=$(sc "$out")
	[ "$(jq -r .running <<<"$s")" = true ]
	[ "$(is_error "$out")" = false ]
	seq=$(jq -r .seq <<<"$s")
	out=$(call 2 status)
	[ "$(jq -r ".detached[0].seq" <<<"$(sc "$out")")" = "$seq" ]
	out=$(call 3 input "{\"seq\":$seq,\"text\":\"hello\\n\"}")
	[ "$(jq -r .ok <<<"$(sc "$out")")" = true ]
	out=$(call 4 wait "{\"seq\":$seq,\"timeout\":0}")
	waited() {
		local o
		o=$(call 5 wait "{\"seq\":$seq,\"timeout\":0.5}")
		jq -r '.output + .tail' <<<"$(sc "$o")" | grep -q 'got hello'
	}
	wait_for waited
	out=$(call 6 screen "{\"seq\":$seq}")
	jq -r .screen <<<"$(sc "$out")" | grep -q 'got hello'
	out=$(call 7 input "{\"seq\":$seq,\"keys\":[\"NoSuchKey\"]}")
	[ "$(is_error "$out")" = true ]
	out=$(call 8 cancel "{\"seq\":$seq}")
	[ "$(is_error "$out")" = true ]
	[ "$(jq -r .error <<<"$(sc "$out")")" = aborted ]
	[ "$(jq -r .running <<<"$(sc "$out")")" = false ]
	out=$(call 9 wait "{\"seq\":$seq}")
	[ "$(jq -r .running <<<"$(sc "$out")")" = false ]
	out=$(call 10 read_output "{\"seq\":$seq}")
	[ "$(jq -j .output <<<"$(sc "$out")")" = "$("$REXEC" log "$seq")" ] ||
		[ "$(jq -j .output <<<"$(sc "$out")")" = "$("$REXEC" log "$seq")"$'\n' ]
	out=$(call 11 read_output "{\"seq\":$seq,\"offset\":2,\"limit\":3}")
	[ "$(jq -r .output <<<"$(sc "$out")")" = ady ]
	[ "$(jq -r .next_offset <<<"$(sc "$out")")" = 5 ]
	[ "$(jq -r .more <<<"$(sc "$out")")" = true ]
	out=$(call 12 read_output '{"seq":999}')
	[ "$(is_error "$out")" = true ]
	out=$(call 13 wait '{"seq":999}')
	[ "$(is_error "$out")" = true ]
	[ "$(sc "$out" | jq -r 'has("exit")')" = false ]
}

@test "mcp: a host that dies during a call gives that call an error, and the server goes on" {
	start_host
	mcp_start
	mcp_init
	mcp_send '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"exec","arguments":{"argv":["sleep","30"]}}}'
	wait_for running_one
	kill -KILL "$HOST_PID"
	wait_for host_gone
	start=$SECONDS
	out=$(mcp_reply 1)
	((SECONDS - start <= 5))
	[ "$(is_error "$out")" = true ]
	jq -r .result.content[0].text <<<"$out" | grep -q 'stopped before it answered'
	out=$(call 2 exec '{"argv":["true"]}')
	[ "$(jq -r .result.content[0].text <<<"$out")" = "HOST NOT FOUND" ]
	start_host
	out=$(call 3 exec '{"argv":["echo","back"]}')
	[ "$(jq -r .output <<<"$(sc "$out")")" = back ]
}

@test "mcp: the end of stdin aborts the runs still in flight and ends the server" {
	start_host
	mcp_start
	mcp_init
	mcp_send '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"exec","arguments":{"argv":["sleep","30"]}}}'
	wait_for running_one
	exec 7>&-
	wait_for mcp_gone
	wait "$MCP_PID"
	MCP_PID=
	exec 8<&-
	wait_for grep -q '"error":"aborted"' "$(journal_file)"
}

@test "mcp: read_output at offsets deep in a big run's text file returns that slice" {
	start_host
	mcp_start
	mcp_init
	out=$(call 1 exec '{"argv":["seq","1","700000"]}')
	s=$(sc "$out")
	[ "$(jq -r .truncated <<<"$s")" = true ]
	seq=$(jq -r .seq <<<"$s")
	# The journal line comes once the text file is whole.
	wait_for grep -q "\"seq\":$seq," "$(journal_file)"
	out=$(call 2 read_output "{\"seq\":$seq,\"offset\":3000000,\"limit\":100}")
	s=$(sc "$out")
	[ "$(jq -j .output <<<"$s")" = "$(seq 1 700000 | tail -c +3000001 | head -c 100)" ]
	[ "$(jq -r .offset <<<"$s")" = 3000000 ]
	[ "$(jq -r .next_offset <<<"$s")" = 3000100 ]
	[ "$(jq -r .total_bytes <<<"$s")" = 4788895 ]
	[ "$(jq -r .more <<<"$s")" = true ]
	# The last bytes, and a limit past the end.
	out=$(call 3 read_output "{\"seq\":$seq,\"offset\":4788881,\"limit\":1000}")
	s=$(sc "$out")
	[ "$(jq -c .output <<<"$s")" = '"699999\n700000\n"' ]
	[ "$(jq -r .next_offset <<<"$s")" = 4788895 ]
	[ "$(jq -r .more <<<"$s")" = false ]
	# A bigger slice is rexec log's bytes (bash reads its 450 KB answer
	# a byte at a time: slow on a busy machine).
	out=$(WAIT_SECONDS=90 call 4 read_output "{\"seq\":$seq,\"offset\":2000000,\"limit\":200000}")
	[ "$(jq -j .output <<<"$(sc "$out")" | md5sum)" = "$("$REXEC" log "$seq" | tail -c +2000001 | head -c 200000 | md5sum)" ]
}

# The text content of answer $1: what a model reads.
text_of() {
	jq -r '.result.content[0].text' <<<"$1"
}

@test "mcp: a result's text is the run's text as is, then one line that says how it stands" {
	printf '[agent]\nmax_output = 1K\n[run]\nkill_grace = 0.3\nlinger = 0.5\n' >"$BATS_TEST_TMPDIR/rexec.ini"
	start_host
	mcp_start
	mcp_init
	line() {
		# The last line of the text, with the run's seq put in.
		local text seq
		text=$(text_of "$1")
		seq=$(sc "$1" | jq -r .seq)
		[[ "${text##*$'\n'}" =~ ^${2//SEQ/$seq}$ ]] ||
			{ echo "text: $text"; echo "want: $2"; return 1; }
	}
	out=$(call 1 shell '{"command":"printf \"a \\\"b\\\"\\n\\tc\\n\"; exit 2"}')
	[ "$(text_of "$out" | head -n 2)" = $'a "b"\n\tc' ]
	line "$out" '\[exit 2 · [0-9]+ ms · run SEQ\]'
	# No JSON, no journal paths in what the model reads.
	! text_of "$out" | grep -q -e '"seq"' -e journal -e '\\n'
	out=$(call 2 shell '{"command":"kill -KILL $$"}')
	line "$out" '\[killed by signal 9 \(SIGKILL\) · exit 137 · [0-9]+ ms · run SEQ\]'
	out=$(call 3 exec '{"argv":["sleep","5"],"timeout":0.3}')
	line "$out" '\[timeout after [0-9]+ ms · run SEQ\]'
	out=$(call 4 exec '{"argv":["no-such-program-here"]}')
	line "$out" '\[command not found · exit 127 · [0-9]+ ms · run SEQ\]'
	out=$(call 5 exec '{"argv":["true"],"dir":"/no/such/dir"}')
	line "$out" '\[bad_dir: (/no/such/dir: )?No such file or directory · exit 127 · [0-9]+ ms · run SEQ\]'
	printf 'echo hi\n' >"$BATS_TEST_TMPDIR/noexec"
	out=$(call 13 exec "{\"argv\":[\"$BATS_TEST_TMPDIR/noexec\"]}")
	line "$out" '\[not executable(: [^ ]+)? · exit 126 · [0-9]+ ms · run SEQ\]'
	# Waiting for input, then still running, then cancelled.
	out=$(call 6 shell '{"command":"printf \"Continue? \"; read x; echo go; sleep 30","yield":5}')
	[ "$(text_of "$out" | head -n 1)" = "Continue?" ]
	line "$out" '\[waiting for input · run SEQ · answer with input, then wait with offset [0-9]+\]'
	seq=$(sc "$out" | jq -r .seq)
	out=$(call 7 input "{\"seq\":$seq,\"text\":\"y\\n\"}")
	[ "$(text_of "$out")" = "[typed into run $seq]" ]
	said_go() {
		out=$(call 8 wait "{\"seq\":$seq,\"timeout\":0.5}")
		text_of "$out" | grep -q '^go$'
	}
	wait_for said_go
	line "$out" '\[still running · run SEQ · wait with offset [0-9]+\]'
	out=$(call 9 screen "{\"seq\":$seq}")
	[ "$(text_of "$out" | head -n 1)" = "Continue? y" ]
	line "$out" '\[screen of run SEQ · 80x24 · cursor at row 2, column 0 · still running\]'
	out=$(call 10 cancel "{\"seq\":$seq}")
	line "$out" '\[cancelled · exit 143 · [0-9.]+ m?s · run SEQ\]'
	# A cut output names where the omitted bytes start, and read_output
	# there gives them.
	out=$(call 11 exec '{"argv":["seq","1","3000"]}')
	seq=$(sc "$out" | jq -r .seq)
	line "$out" '\[exit 0 · [0-9]+ ms · run SEQ · output cut: [0-9]+ bytes omitted, read_output seq SEQ offset [0-9]+\]'
	off=$(text_of "$out" | tail -n 1 | sed 's/.*offset \([0-9]*\)]$/\1/')
	omitted=$(sc "$out" | jq -r .omitted_bytes)
	# The text before the omitted line is the first $off bytes.
	[ "$(text_of "$out" | head -c "$off")" = "$(seq 1 3000 | head -c "$off")" ]
	[[ "$(text_of "$out" | tail -c +$((off + 1)) | head -n 1)" == "[rexec: $omitted bytes omitted; "* ]]
	wait_for grep -q "\"seq\":$seq," "$(journal_file)"
	out=$(call 12 read_output "{\"seq\":$seq,\"offset\":$off,\"limit\":$omitted}")
	[ "$(sc "$out" | jq -j .output)" = "$(seq 1 3000 | tail -c +$((off + 1)) | head -c "$omitted")" ]
	[ "$(text_of "$out" | head -n 1)" = "$(seq 1 3000 | tail -c +$((off + 1)) | head -n 1)" ]
	line "$out" "\\[run SEQ · bytes $off-$((off + omitted)) of $(seq 1 3000 | wc -c) · more: read_output seq SEQ offset $((off + omitted))\\]"
}

@test "mcp: tool errors (unknown or ended seq, a bad key name) are isError sentences with no exit" {
	start_host
	mcp_start
	mcp_init
	refused() {
		local out
		out=$(call "$1" "$2" "$3")
		[ "$(jq -r '.result.isError' <<<"$out")" = true ] || { echo "$out"; return 1; }
		[ "$(text_of "$out")" = "$4" ] || { echo "$out"; return 1; }
		[ "$(sc "$out" | jq -c 'keys')" = '["error"]' ] || { echo "$out"; return 1; }
	}
	refused 1 wait '{"seq":999}' 'wait refused: seq: no such run'
	refused 2 screen '{"seq":999}' 'screen refused: seq: no such run'
	refused 3 cancel '{"seq":999}' 'cancel refused: seq: no such run'
	out=$(call 4 exec '{"argv":["true"]}')
	seq=$(sc "$out" | jq -r .seq)
	refused 5 input "{\"seq\":$seq,\"text\":\"x\"}" "input refused: run $seq has ended"
	out=$(call 6 shell '{"command":"sleep 30","yield":0.1}')
	seq=$(sc "$out" | jq -r .seq)
	refused 7 input "{\"seq\":$seq,\"keys\":[\"NoSuchKey\"]}" 'input refused: keys[0]: unknown key "NoSuchKey"'
	call 8 cancel "{\"seq\":$seq}" >/dev/null
	# Protocol errors stay JSON-RPC errors.
	out=$(rpc 9 tools/call '{"name":"exec","arguments":"x"}')
	[ "$(err_code "$out")" = -32602 ]
	out=$(rpc 10 tools/nosuch)
	[ "$(err_code "$out")" = -32601 ]
}

# Initialize as a client that offers roots; the roots/list the server
# then sends is left in mcp.other.
mcp_init_roots() {
	rpc 0 initialize '{"protocolVersion":"2025-06-18","capabilities":{"roots":{"listChanged":true}},"clientInfo":{"name":"bats-agent","version":"1"}}' >/dev/null
	mcp_send '{"jsonrpc":"2.0","method":"notifications/initialized"}'
	mcp_until '.method == "roots/list"'
}

# The id of the last roots/list the server sent.
roots_id() {
	jq -c 'select(.method == "roots/list") | .id' "$BATS_TEST_TMPDIR/mcp.other" | tail -n 1
}

# Answer roots/list $1 with roots $2 (a JSON array).
roots_answer() {
	mcp_send "{\"jsonrpc\":\"2.0\",\"id\":$1,\"result\":{\"roots\":$2}}"
}

@test "mcp: exec without dir runs in the client's first root, re-read on roots/list_changed" {
	start_host
	mkdir -p "$BATS_TEST_TMPDIR/work" "$BATS_TEST_TMPDIR/proj a" "$BATS_TEST_TMPDIR/other"
	cd "$BATS_TEST_TMPDIR/work"
	mcp_start
	mcp_init_roots
	id=$(roots_id)
	# A call made before the answer waits for it.
	mcp_send '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"exec","arguments":{"argv":["pwd"]}}}'
	# The first root with a local path counts, escapes decoded.
	roots_answer "$id" "[{\"uri\":\"https://example.com/x\"},{\"uri\":\"file://$BATS_TEST_TMPDIR/proj%20a\",\"name\":\"p\"},{\"uri\":\"file://$BATS_TEST_TMPDIR/other\"}]"
	out=$(mcp_reply 1)
	[ "$(sc "$out" | jq -r .output)" = "$BATS_TEST_TMPDIR/proj a" ]
	out=$(call 2 shell '{"command":"pwd"}')
	[ "$(sc "$out" | jq -r .output)" = "$BATS_TEST_TMPDIR/proj a" ]
	out=$(call 3 exec '{"argv":["pwd"],"dir":"/"}')
	[ "$(sc "$out" | jq -r .output)" = / ]
	mcp_send '{"jsonrpc":"2.0","method":"notifications/roots/list_changed"}'
	mcp_until '.method == "roots/list"'
	id2=$(roots_id)
	[ "$id2" != "$id" ]
	# A stale answer (the old id) changes nothing.
	roots_answer "$id" '[{"uri":"file:///"}]'
	roots_answer "$id2" "[{\"uri\":\"file://localhost$BATS_TEST_TMPDIR/other\"}]"
	out=$(call 4 exec '{"argv":["pwd"]}')
	[ "$(sc "$out" | jq -r .output)" = "$BATS_TEST_TMPDIR/other" ]
	# No usable root, or an error: the server's cwd.
	mcp_send '{"jsonrpc":"2.0","method":"notifications/roots/list_changed"}'
	mcp_until '.method == "roots/list"'
	roots_answer "$(roots_id)" '[{"uri":"file://elsewhere/x"},{"uri":"file:///bad%zz"}]'
	out=$(call 5 exec '{"argv":["pwd"]}')
	[ "$(sc "$out" | jq -r .output)" = "$BATS_TEST_TMPDIR/work" ]
	mcp_send '{"jsonrpc":"2.0","method":"notifications/roots/list_changed"}'
	mcp_until '.method == "roots/list"'
	mcp_send "{\"jsonrpc\":\"2.0\",\"id\":$(roots_id),\"error\":{\"code\":-32601,\"message\":\"no roots here\"}}"
	out=$(call 6 exec '{"argv":["pwd"]}')
	[ "$(sc "$out" | jq -r .output)" = "$BATS_TEST_TMPDIR/work" ]
	grep -q 'roots/list: no roots here' "$BATS_TEST_TMPDIR/mcp.err"
}

@test "mcp: a client without roots is never asked; a waiting call can be cancelled" {
	start_host
	mkdir -p "$BATS_TEST_TMPDIR/work"
	cd "$BATS_TEST_TMPDIR/work"
	mcp_start
	mcp_init
	out=$(call 1 exec '{"argv":["pwd"]}')
	[ "$(sc "$out" | jq -r .output)" = "$BATS_TEST_TMPDIR/work" ]
	! grep -q roots/list "$BATS_TEST_TMPDIR/mcp.other"
	mcp_stop
	: >"$BATS_TEST_TMPDIR/mcp.other"
	mcp_start
	mcp_init_roots
	mcp_send '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"exec","arguments":{"argv":["pwd"]}}}'
	# Waiting for the roots, the call is in flight: its id is taken.
	out=$(call 2 exec '{"argv":["true"]}')
	[ "$(err_code "$out")" = -32600 ]
	mcp_send '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":2}}'
	roots_answer "$(roots_id)" '[]'
	out=$(call 3 exec '{"argv":["pwd"]}')
	[ "$(sc "$out" | jq -r .output)" = "$BATS_TEST_TMPDIR/work" ]
	! grep -q '"id":2,"result"' "$BATS_TEST_TMPDIR/mcp.other"
	# A call waiting for the roots when the client initializes again,
	# offering none: it goes on in the server's cwd.
	mcp_send '{"jsonrpc":"2.0","method":"notifications/roots/list_changed"}'
	mcp_until '.method == "roots/list"'
	mcp_send '{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"exec","arguments":{"argv":["pwd"]}}}'
	mcp_init
	out=$(mcp_reply 4)
	[ "$(sc "$out" | jq -r .output)" = "$BATS_TEST_TMPDIR/work" ]
}

@test "mcp: a client that never answers roots/list: the call runs in the server's cwd after 10 s" {
	start_host
	mkdir -p "$BATS_TEST_TMPDIR/work"
	cd "$BATS_TEST_TMPDIR/work"
	mcp_start
	mcp_init_roots
	start=$SECONDS
	mcp_send '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"exec","arguments":{"argv":["pwd"]}}}'
	out=$(WAIT_SECONDS=30 mcp_reply 1)
	[ "$(sc "$out" | jq -r .output)" = "$BATS_TEST_TMPDIR/work" ]
	((SECONDS - start >= 9))
	grep -q "roots/list: no answer in 10 s; runs without dir start in $BATS_TEST_TMPDIR/work" "$BATS_TEST_TMPDIR/mcp.err"
}
