#!/bin/sh
# bench/procs.sh: what silent runs cost the host on a busy machine.  Not a
# test: it prints figures and whether the target holds.
#
# The host asks of every run that has printed nothing for a while, twice
# a second, whether it waits for terminal input.  RUNS (50) silent runs
# (`sleep 600`, detached by --yield) sit in the host while the machine
# holds FEW (50) idle processes of this script's, then MANY (2000), for
# DURATION seconds (10) each, in ROUNDS rounds (2), the order swapped from
# one round to the next.  Each row is the host's CPU time per second of
# wall time, from /proc/PID/stat (utime + stime, the whole process, in
# clock ticks) and from /proc/PID/schedstat (the loop's thread, in
# nanoseconds) where the kernel has it; the median over the rounds.
# Target (issue 17): the cost does not grow with the machine, MANY/FEW
# about 1.  A host that needs more CPU than the machine gives it shows
# less than its true growth: compare the figures, not only the ratio.
#
# Environment: REXEC, RUNS, FEW, MANY, DURATION, ROUNDS.
set -eu
. "$(dirname "$0")/common.sh"
RUNS=${RUNS:-50}
FEW=${FEW:-50}
MANY=${MANY:-2000}
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-2}
tick=$(getconf CLK_TCK)
need jq jq

printf '[host]\nmax_parallel = %d\n' "$((RUNS + 8))" >"$REXEC_CONFIG"
start_host

# The idle processes are this script's own sleeps; the cleanup ends them.
idle=
idle_n=0
# idle_to N: make this script's idle processes N.
idle_to() {
	while [ "$idle_n" -lt "$1" ]; do
		sleep 3600 </dev/null >/dev/null 2>&1 &
		idle="$idle $!"
		idle_n=$((idle_n + 1))
	done
	if [ "$idle_n" -gt "$1" ]; then
		keep=
		drop=
		n=0
		for p in $idle; do
			if [ "$n" -lt "$1" ]; then
				keep="$keep $p"
			else
				drop="$drop $p"
			fi
			n=$((n + 1))
		done
		kill $drop 2>/dev/null || true
		for p in $drop; do
			wait "$p" 2>/dev/null || true
		done
		idle=$keep
		idle_n=$1
	fi
	other_pids="$idle"
}

# cpu_ticks: the host's utime + stime so far; loop_ns: its loop thread's
# time on a CPU (0 without schedstats).
cpu_ticks() {
	sed 's/.*) //' "/proc/$host_pid/stat" | awk '{ print $12 + $13 }'
}
loop_ns() {
	if [ -r "/proc/$host_pid/schedstat" ]; then
		awk '{ print $1 }' "/proc/$host_pid/schedstat"
	else
		echo 0
	fi
}

# measure NAME: the host's CPU over DURATION seconds, as ms per second.
measure() {
	t0=$(now_ms)
	c0=$(cpu_ticks)
	l0=$(loop_ns)
	sleep "$DURATION"
	t1=$(now_ms)
	c1=$(cpu_ticks)
	l1=$(loop_ns)
	awk -v n="$1" -v t0="$t0" -v t1="$t1" -v c0="$c0" -v c1="$c1" \
	    -v l0="$l0" -v l1="$l1" -v hz="$tick" 'BEGIN {
		s = (t1 - t0) / 1000
		printf "%s %.3f\n", n, (c1 - c0) / hz * 1000 / s
		printf "%s_loop %.3f\n", n, (l1 - l0) / 1e6 / s
	}' >>"$tmp/samples"
}

# The silent runs: each answers at its yield and goes on, detached.
clients=
i=0
while [ "$i" -lt "$RUNS" ]; do
	"$REXEC" run --yield 0.1 -- sleep 600 >/dev/null 2>&1 </dev/null &
	clients="$clients $!"
	i=$((i + 1))
done
for p in $clients; do
	wait "$p" || true
done
detached=$("$REXEC" status --json | jq '.detached | length')
# Past the runs' start and the quiet time before their first check.
sleep 2

# phase NAME COUNT: measure with COUNT idle processes of ours.
phase() {
	idle_to "$2"
	eval "procs_$1=\$(ls /proc | grep -c '^[0-9]')"
	measure "$1"
}

# Odd rounds go from few to many, even ones back, so neither comes first
# every time.
r=0
while [ "$r" -lt "$ROUNDS" ]; do
	if [ $((r % 2)) -eq 0 ]; then
		phase few "$FEW"
		phase many "$MANY"
	else
		phase many "$MANY"
		phase few "$FEW"
	fi
	r=$((r + 1))
done

few=$(median few)
many=$(median many)
few_loop=$(median few_loop)
many_loop=$(median many_loop)
printf '%d silent runs (sleep 600, detached) in the host; %d rounds of %d s each\n' \
    "$RUNS" "$ROUNDS" "$DURATION"
printf '(rexec status lists %d of them detached)\n' "$detached"
printf '%-40s %14s %16s\n' "processes on the machine" "host CPU ms/s" "loop thread ms/s"
printf '%-40s %14.2f %16.2f\n' "$procs_few ($FEW of this script's)" "$few" "$few_loop"
printf '%-40s %14.2f %16.2f\n' "$procs_many ($MANY of this script's)" "$many" "$many_loop"
awk -v f="$few" -v m="$many" -v fl="$few_loop" -v ml="$many_loop" 'BEGIN {
	if (f > 0)
		printf "many/few, host CPU: %.2fx", m / f
	else
		printf "many/few, host CPU: (below one clock tick)"
	if (fl > 0)
		printf "; loop thread: %.2fx", ml / fl
	printf " (target: about 1)\n"
}'
