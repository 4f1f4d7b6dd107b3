#!/usr/bin/env bats
# mcp_sdk.bats: "rexec mcp" through the official TypeScript SDK client
# (tests/mcp/sdk.test.mjs).  The SDK is installed from npm into the build
# directory the first time; without node, npm or the registry the test is
# skipped and says why.

load helpers

setup() {
	setup_dirs
}

node_dir() {
	printf '%s/node' "${MCP_NODE_DIR:-$(dirname "$(dirname "$REXEC")")}"
}

@test "mcp: the TypeScript SDK client lists, calls, cancels, follows progress" {
	command -v node >/dev/null || skip "SKIP: node is not installed"
	command -v npm >/dev/null || skip "SKIP: npm is not installed"
	local dir
	dir=$(node_dir)
	if [ ! -e "$dir/node_modules/@modelcontextprotocol/sdk/package.json" ]; then
		mkdir -p "$dir"
		timeout 300 npm install --prefix "$dir" --no-audit --no-fund \
			--loglevel=error @modelcontextprotocol/sdk >"$BATS_TEST_TMPDIR/npm.log" 2>&1 ||
			skip "SKIP: npm install @modelcontextprotocol/sdk failed (registry unreachable?): $(tail -n 1 "$BATS_TEST_TMPDIR/npm.log")"
	fi
	printf '[run]\nkill_grace = 0.3\nlinger = 0.5\n' >"$BATS_TEST_TMPDIR/rexec.ini"
	export REXEC_CONFIG="$BATS_TEST_TMPDIR/rexec.ini" TMPDIR="$BATS_TEST_TMPDIR"
	# Node resolves the SDK from the test file's directory upward, so the
	# test runs from a copy inside the install.
	cp "$TESTS_SRCDIR/mcp/sdk.test.mjs" "$dir/sdk.test.mjs"
	run timeout 300 node --test --test-reporter=tap "$dir/sdk.test.mjs"
	echo "$output"
	[ "$status" -eq 0 ]
}
