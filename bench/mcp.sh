#!/bin/sh
# bench/mcp.sh: rexec as an MCP tool, measured side by side with the same
# commands through the FIFO in one run.  Not a test: it prints figures and
# whether the targets hold (issue 12):
# - exec of /bin/true through one long-lived MCP session (bench/mcpclient.c),
#   per call, against a request through the host from a long-lived client
#   (bench/rtclient.c): within 1 ms of it;
# - 16 calls of `sleep 0.1` sent at once through one session finish in
#   about the time of one (the server serves them from one loop);
# - what a model reads (issue 19): the bytes of a result's text content for
#   `git status`, `ls -la /usr/bin` and a failing `make`, as it was (the
#   reply as a JSON string, what structuredContent still carries) beside
#   as it is (the run's text and one line).
#
# Environment: REXEC, N (calls, default 300), ROUNDS (default 5).
set -eu
. "$(dirname "$0")/common.sh"
N=${N:-300}
ROUNDS=${ROUNDS:-5}
batch=$((N / ROUNDS))
[ "$batch" -ge 1 ] || batch=1

${CC:-cc} -O2 -o "$tmp/rtclient" "$here/rtclient.c"
${CC:-cc} -O2 -o "$tmp/mcpclient" "$here/mcpclient.c"
printf '[host]\nmax_parallel = 32\n' >"$REXEC_CONFIG"
start_host

r=0
while [ "$r" -lt "$ROUNDS" ]; do
	printf 'fifo %s\n' "$("$tmp/rtclient" host "$batch" "$REXEC_RUNTIME_DIR" /bin/true)" >>"$tmp/samples"
	printf 'mcp %s\n' "$("$tmp/mcpclient" "$REXEC" serial "$batch")" >>"$tmp/samples"
	printf 'one %s\n' "$("$tmp/mcpclient" "$REXEC" parallel 1 0.1)" >>"$tmp/samples"
	printf 'sixteen %s\n' "$("$tmp/mcpclient" "$REXEC" parallel 16 0.1)" >>"$tmp/samples"
	r=$((r + 1))
done

# The text content's bytes: now, and as the reply's JSON it used to be.
mkdir "$tmp/broken"
printf 'all: broken.o\n' >"$tmp/broken/Makefile"
printf 'int main(void) { return missing(1) }\n' >"$tmp/broken/broken.c"
sizes() {
	"$tmp/mcpclient" "$REXEC" one "$2" "$3" >"$tmp/answer" || true
	printf '%-30s %10s %10s %8s\n' "$1" \
	    "$(jq -c .result.structuredContent "$tmp/answer" | tr -d '\n' | wc -c)" \
	    "$(jq -j '.result.content[0].text' "$tmp/answer" | wc -c)" \
	    "$(jq -r .result.structuredContent.exit "$tmp/answer")" >>"$tmp/sizes"
}
command -v git >/dev/null && sizes "git status" '["git","status"]' "$(cd "$here/.." && pwd)"
sizes "ls -la /usr/bin" '["ls","-la","/usr/bin"]' /
sizes "make (a compile error)" '["make"]' "$tmp/broken"

fifo=$(median fifo)
mcp=$(median mcp)
one=$(median one)
sixteen=$(median sixteen)

printf '%d rounds, medians\n' "$ROUNDS"
printf '%-52s %10s\n' "exec /bin/true, per call" "ms"
printf '%-52s %10s\n' "long-lived client through the FIFO" "$fifo"
printf '%-52s %10s\n' "one MCP session (tools/call exec)" "$mcp"
printf '%-52s %10s\n' "sleep 0.1 through one session" "ms"
printf '%-52s %10s\n' "1 call" "$one"
printf '%-52s %10s\n' "16 calls sent at once, until the last answer" "$sixteen"
printf '\n%-30s %10s %10s %8s\n' "text content, bytes" "JSON" "text" "exit"
cat "$tmp/sizes"
awk -v f="$fifo" -v m="$mcp" -v o="$one" -v s="$sixteen" 'BEGIN {
	printf "MCP - FIFO per call: %+.3f ms (target <= +1 ms): %s\n", m - f, (m - f <= 1) ? "met" : "NOT met"
	printf "16 at once / 1: %.2fx (target: about 1): %s\n", s / o, (s / o <= 1.5) ? "met" : "NOT met"
}'
