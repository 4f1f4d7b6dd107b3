#!/bin/sh
# bench/memory.sh: what a run that prints without end costs the host's
# memory, side by side with tmux's server doing the same in a window.  Not
# a test: it prints figures and whether the target of issue 17 holds.
#
# 1. One run printing GB_FLOOD MiB (1024) of text lines: the host's peak
#    resident size (VmHWM) over its life, from a fresh host, against the
#    peak of a fresh tmux server whose one window runs the same command.
#    Target: the host's peak at most 2x tmux's.
# 2. RUNS runs (20), each detached by --yield and printing EACH MiB (100):
#    the host's peak, against a tmux server with RUNS windows printing the
#    same, and the text files they left beside the journal.
# Each host starts fresh so that its VmHWM is this flood's alone.
#
# Environment: REXEC, GB_FLOOD, RUNS, EACH.
set -eu
. "$(dirname "$0")/common.sh"
GB_FLOOD=${GB_FLOOD:-1024}
RUNS=${RUNS:-20}
EACH=${EACH:-100}
need tmux tmux

LINE='2026-11-27T18:43:08.123Z INFO [worker-3] processed request id=1234567 path=/api/v1/items status=200'
flood_cmd() {
	echo "yes '$LINE' | head -c $(($1 * 1024 * 1024))"
}

die() {
	echo "memory.sh: $*" >&2
	exit 1
}

# await_lines N: wait until the journals hold N lines, however long the
# floods take on this machine (up to an hour).
await_lines() {
	w=0
	until [ "$(journal_lines)" -ge "$1" ]; do
		w=$((w + 1))
		[ "$w" -lt 36000 ] || die "no journal line $1 after an hour"
		sleep 0.1
	done
}

stop_host() {
	kill "$host_pid" 2>/dev/null && wait "$host_pid" 2>/dev/null || true
	host_pid=
}

# A socket of its own: another benchmark's cleanup must not end our server.
t=rexec-memory-$$
trap 'tmux -L "$t" kill-server 2>/dev/null || :; cleanup' EXIT INT TERM

# tmux_peak N MIB: a fresh tmux server with N windows each printing MIB
# MiB; prints the server's peak resident size in KiB once all are done.
tmux_peak() {
	n=$1
	tmux -L $t -f /dev/null new-session -d -x 80 -y 24 \
		"$(flood_cmd "$2"); tmux -L $t wait-for -S w1; sleep 1000"
	i=2
	while [ "$i" -le "$n" ]; do
		tmux -L $t new-window -d \
			"$(flood_cmd "$2"); tmux -L $t wait-for -S w$i; sleep 1000"
		i=$((i + 1))
	done
	pid=$(tmux -L $t display-message -p '#{pid}')
	i=1
	while [ "$i" -le "$n" ]; do
		tmux -L $t wait-for "w$i"
		i=$((i + 1))
	done
	hwm_kib "$pid"
	tmux -L $t kill-server 2>/dev/null || true
}

# 1. One flood.
start_host
base=$(rss_kib "$host_pid")
lines=$(journal_lines)
t0=$(now_ms)
"$REXEC" run -- sh -c "$(flood_cmd "$GB_FLOOD")" >/dev/null
t1=$(now_ms)
# The reply comes before the journal line (after the text file): wait.
await_lines "$((lines + 1))"
host_hwm=$(hwm_kib "$host_pid")
kept=$(cat "$REXEC_JOURNAL_DIR"/*/*.txt 2>/dev/null | wc -c)
stop_host
tmux_hwm=$(tmux_peak 1 "$GB_FLOOD")
awk -v b="$base" -v h="$host_hwm" -v t="$tmux_hwm" -v g="$GB_FLOOD" \
    -v s0="$t0" -v s1="$t1" -v k="$kept" 'BEGIN {
	printf "one run printing %d MiB (%.1f s through rexec; text file %.1f MiB, [journal] max_output)\n", g, (s1 - s0) / 1000, k / 1048576
	printf "  %-34s %10s\n", "", "peak RSS"
	printf "  %-34s %7.1f MiB (at start %.1f MiB)\n", "rexec host", h / 1024, b / 1024
	printf "  %-34s %7.1f MiB\n", "tmux server, one window", t / 1024
	printf "  rexec / tmux: %.2fx (target <= 2): %s\n", h / t, (h / t <= 2) ? "met" : "NOT met"
}'

# 2. Many detached floods.
start_host
lines=$(journal_lines)
i=1
while [ "$i" -le "$RUNS" ]; do
	"$REXEC" run --yield 0.1 -- sh -c "$(flood_cmd "$EACH")" \
		>/dev/null 2>&1 </dev/null || [ $? -eq 75 ] || die "run $i failed"
	i=$((i + 1))
done
await_lines "$((lines + RUNS))"
host_hwm=$(hwm_kib "$host_pid")
stop_host
tmux_hwm=$(tmux_peak "$RUNS" "$EACH")
awk -v h="$host_hwm" -v t="$tmux_hwm" -v n="$RUNS" -v e="$EACH" 'BEGIN {
	printf "%d detached runs printing %d MiB each\n", n, e
	printf "  %-34s %7.1f MiB\n", "rexec host", h / 1024
	printf "  %-34s %7.1f MiB\n", "tmux server, " n " windows", t / 1024
	printf "  rexec / tmux: %.2fx; per run %.2f MiB\n", h / t, h / 1024 / n
}'
