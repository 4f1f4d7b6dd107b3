#!/bin/sh
# bench/roundtrip.sh: the cost of one command through rexec, measured side
# by side with running it directly and with script(1) (which also gives the
# command a fresh PTY).  Not a test: it prints numbers and whether the
# target of issue 4 holds (overhead under 3 ms per command, and below
# script(1)).
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

start_host
direct=$(per_ms direct /bin/true)
script=$(per_ms script script -qec /bin/true /dev/null)
rexec=$(per_ms rexec "$REXEC" run -- /bin/true)

printf '%-34s %10s\n' "round trip of /bin/true ($N runs)" "ms/run"
printf '%-34s %10s\n' "direct /bin/true" "$direct"
printf '%-34s %10s\n' "script -qec /bin/true /dev/null" "$script"
printf '%-34s %10s\n' "rexec run -- /bin/true" "$rexec"
awk -v d="$direct" -v s="$script" -v r="$rexec" 'BEGIN {
	o = r - d
	printf "rexec overhead over direct: %.3f ms (target < 3 ms): %s\n", o, (o < 3) ? "met" : "NOT met"
	printf "rexec / script(1): %.2fx (target < 1): %s\n", r / s, (r < s) ? "met" : "NOT met"
}'
