#!/bin/sh
# bench/roundtrip.sh: the cost of one command through rexec, measured side
# by side with running it directly and with script(1) (which also gives the
# command a fresh PTY).  Not a test: it prints numbers and whether the
# target of issue 4 holds (overhead under 3 ms per command, and below
# script(1)).  The overhead is measured from a long-lived process
# (bench/rtclient.c), as an MCP server talks to the host; the shell rows
# add one process start-up, the `rexec run` client's, reported apart.
#
# Environment: REXEC, N (commands per contender, default 300).
set -eu
. "$(dirname "$0")/common.sh"
N=${N:-300}

# per_ms LABEL CMD...: mean milliseconds per run of CMD over N runs.
per_ms() {
	label=$1
	shift
	t0=$(now_ms)
	i=0
	while [ "$i" -lt "$N" ]; do
		"$@" >/dev/null 2>&1 </dev/null
		i=$((i + 1))
	done
	t1=$(now_ms)
	awk -v a="$t0" -v b="$t1" -v n="$N" 'BEGIN { printf "%.3f", (b - a) / n }'
}

${CC:-cc} -O2 -o "$tmp/rtclient" "$here/rtclient.c"
start_host

# From a long-lived process (an MCP server, a script): no client start-up.
direct=$("$tmp/rtclient" direct "$N" /bin/true)
script=$("$tmp/rtclient" direct "$N" script -qec /bin/true /dev/null)
hosted=$("$tmp/rtclient" host "$N" "$REXEC_RUNTIME_DIR" /bin/true)

# From a shell, one process per command, as an agent's tool call does.
sh_direct=$(per_ms direct /bin/true)
sh_client=$(per_ms client "$REXEC" --version)
sh_rexec=$(per_ms rexec "$REXEC" run -- /bin/true)

printf '%-44s %10s\n' "round trip of /bin/true ($N runs)" "ms/run"
printf '%-44s %10s\n' "direct spawn + wait" "$direct"
printf '%-44s %10s\n' "script -qec /bin/true /dev/null" "$script"
printf '%-44s %10s\n' "through the host (FIFO request, reply file)" "$hosted"
printf '%-44s %10s\n' "shell: /bin/true" "$sh_direct"
printf '%-44s %10s\n' "shell: rexec --version (client start-up)" "$sh_client"
printf '%-44s %10s\n' "shell: rexec run -- /bin/true" "$sh_rexec"
awk -v d="$direct" -v s="$script" -v r="$hosted" -v sd="$sh_direct" -v sc="$sh_client" -v sr="$sh_rexec" 'BEGIN {
	o = r - d
	printf "host overhead per command: %.3f ms (target < 3 ms): %s\n", o, (o < 3) ? "met" : "NOT met"
	printf "through the host / script(1): %.2fx (target < 1): %s\n", r / s, (r < s) ? "met" : "NOT met"
	printf "shell round trip: rexec run %.3f ms = client start-up %.3f + host %.3f; /bin/true alone %.3f\n", sr, sc, sr - sc, sd
}'
