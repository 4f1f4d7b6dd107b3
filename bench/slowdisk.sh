#!/bin/sh
# bench/slowdisk.sh: a slow disk must not slow the runs down.  Not a test:
# it prints a table and whether the target holds.
#
# The journal syncs its lines ([journal] fsync); on a slow disk (a busy
# laptop drive, a network home directory) one fdatasync can take half a
# second.  Here a host's fdatasync and fsync sleep DELAY_MS (500) first:
# bench/slowsync.c, an LD_PRELOAD shim built into the temporary directory.
# AGENTS (4) shells at once each run N (50) round trips of
# `rexec run -- /bin/true`, as agents' tool calls do, against four hosts
# started side by side: fsync = always and fsync = interval, each on a
# normal disk and on the slow one.  The contenders run in ROUNDS (3)
# rounds, one after the other in each; each row reports the median of its
# rounds, in milliseconds per round trip as an agent sees it.
# Target (issue 17): on the slow disk within 1.2x of the normal disk, for
# both settings.
#
# Environment: REXEC, N, AGENTS, ROUNDS, DELAY_MS, CC.
set -eu
. "$(dirname "$0")/common.sh"
N=${N:-50}
AGENTS=${AGENTS:-4}
ROUNDS=${ROUNDS:-3}
DELAY_MS=${DELAY_MS:-500}

${CC:-cc} -O2 -shared -fPIC -o "$tmp/slowsync.so" "$here/slowsync.c"

# host_for NAME: the runtime directory of contender NAME's host.
host_for() {
	printf '%s/%s' "$rundir_base" "$1"
}

# start_one NAME FSYNC normal|slow: a host of its own for one contender,
# with its own configuration and journal directory (on disk, under TMPDIR).
start_one() {
	d=$tmp/$1
	mkdir -p "$d"
	printf '[journal]\nfsync = %s\n' "$2" >"$d/rexec.ini"
	preload=
	[ "$3" = slow ] && preload=$tmp/slowsync.so
	env ${preload:+LD_PRELOAD=$preload SLOWSYNC_MS=$DELAY_MS} \
	    REXEC_CONFIG="$d/rexec.ini" REXEC_RUNTIME_DIR="$(host_for "$1")" \
	    REXEC_JOURNAL_DIR="$d/journal" \
	    "$REXEC" host --headless >/dev/null 2>"$d/host.err" &
	other_pids="$other_pids $!"
	i=0
	until REXEC_RUNTIME_DIR=$(host_for "$1") "$REXEC" check >/dev/null 2>&1; do
		i=$((i + 1))
		[ "$i" -lt 500 ] || { echo "host $1 did not start" >&2; cat "$d/host.err" >&2; exit 1; }
		sleep 0.01
	done
}

# agent NAME: one agent's N round trips, one `rexec run` process each.
agent() {
	j=0
	while [ "$j" -lt "$N" ]; do
		REXEC_RUNTIME_DIR=$(host_for "$1") "$REXEC" run -- /bin/true \
		    >/dev/null 2>&1 </dev/null || return 1
		j=$((j + 1))
	done
}

# agents NAME: AGENTS agents at once; milliseconds per round trip.
agents() {
	pids=
	t0=$(now_ms)
	a=0
	while [ "$a" -lt "$AGENTS" ]; do
		agent "$1" &
		pids="$pids $!"
		a=$((a + 1))
	done
	for p in $pids; do
		wait "$p" || { echo "an agent of $1 failed" >&2; exit 1; }
	done
	t1=$(now_ms)
	awk -v a="$t0" -v b="$t1" -v n="$N" 'BEGIN { printf "%.3f", (b - a) / n }'
}

start_one always_normal always normal
start_one always_slow always slow
start_one interval_normal interval normal
start_one interval_slow interval slow

names="always_normal always_slow interval_normal interval_slow"
r=0
while [ "$r" -lt "$ROUNDS" ]; do
	for c in $names; do
		printf '%s %s\n' "$c" "$(agents "$c")" >>"$tmp/samples"
	done
	r=$((r + 1))
done

printf '%d agents x %d round trips of rexec run -- /bin/true, %d rounds; fdatasync on the slow disk: +%d ms\n' \
    "$AGENTS" "$N" "$ROUNDS" "$DELAY_MS"
printf 'journal on %s, runtime directory on %s; median ms per round trip\n' \
    "$(fs_type "$tmp")" "$(fs_type "$rundir_base")"
printf '%-18s %12s %12s %10s\n' "[journal] fsync" "normal disk" "slow disk" "slow/normal"
for f in always interval; do
	n=$(median "${f}_normal")
	s=$(median "${f}_slow")
	awk -v f="$f" -v n="$n" -v s="$s" 'BEGIN {
		printf "%-18s %12.2f %12.2f %9.2fx (target <= 1.2x): %s\n", f, n, s, s / n, (s / n <= 1.2) ? "met" : "NOT met"
	}'
done
