#!/bin/sh
# bench/roundtrip.sh: the cost of one command through rexec, measured side
# by side with its peers in one run.  Not a test: it prints a table and
# whether the targets hold.
#
# Agents start a new `rexec run` process per command, so the main rows are
# timed from a shell loop, one process per command, exactly as a tool call
# does it:
#   /bin/true                 the process start-up every row pays
#   forkpty floor             a small program that runs the command on a
#                             fresh PTY and drains it (bench/ptydrain.c):
#                             the least a PTY round trip can cost
#   rexec run                 the client, the FIFO, the host, the reply file
#   script -qec               util-linux's script(1), also a fresh PTY
#   tmux new-window+wait-for  a window on a running tmux server, waited for
# and two rows from one long-lived process (bench/rtclient.c), as an MCP
# server talks to the host: a direct spawn, and a request through the host.
#
# The contenders run in alternating batches (ROUNDS of N/ROUNDS commands
# each), and each row reports the median of its batch means, so a machine
# whose speed drifts during the run slows every row alike.
# Targets (issue 10): rexec run from a shell at most the floor + 1.5 ms,
# and at most 0.4x tmux.
#
# Environment: REXEC, N (commands per contender, default 300), ROUNDS
# (default 5).
set -eu
. "$(dirname "$0")/common.sh"
N=${N:-300}
ROUNDS=${ROUNDS:-5}
batch=$((N / ROUNDS))
[ "$batch" -ge 1 ] || batch=1
need tmux tmux
need script bsdutils

${CC:-cc} -O2 -o "$tmp/rtclient" "$here/rtclient.c"
${CC:-cc} -O2 -o "$tmp/ptydrain" "$here/ptydrain.c" -lutil
start_host
# The same client against a second host whose runtime directory is on the
# journal's filesystem (as with no $XDG_RUNTIME_DIR): shown, not a target.
disk_run="$tmp/run-disk"
REXEC_RUNTIME_DIR=$disk_run "$REXEC" host --headless >/dev/null 2>"$tmp/host-disk.err" &
other_pids=$!
i=0
until REXEC_RUNTIME_DIR=$disk_run "$REXEC" check >/dev/null 2>&1; do
	i=$((i + 1))
	[ "$i" -lt 500 ] || { echo "the second host did not start" >&2; cat "$tmp/host-disk.err" >&2; exit 1; }
	sleep 0.01
done
tmux -L rexec-bench -f /dev/null new-session -d -s rt -x 80 -y 24

# loop_ms CMD...: mean milliseconds per run of CMD over one batch.
loop_ms() {
	t0=$(now_ms)
	i=0
	while [ "$i" -lt "$batch" ]; do
		"$@" >/dev/null 2>&1 </dev/null
		i=$((i + 1))
	done
	t1=$(now_ms)
	awk -v a="$t0" -v b="$t1" -v n="$batch" 'BEGIN { printf "%.3f", (b - a) / n }'
}

tmux_once() {
	tmux -L rexec-bench new-window -d -t rt "true; tmux -L rexec-bench wait-for -S rt-done"
	tmux -L rexec-bench wait-for rt-done
}

# The contenders, by name.
run_one() {
	case $1 in
	true) loop_ms /bin/true ;;
	floor) loop_ms "$tmp/ptydrain" /bin/true ;;
	rexec) loop_ms "$REXEC" run -- /bin/true ;;
	rexec_disk) REXEC_RUNTIME_DIR=$disk_run loop_ms "$REXEC" run -- /bin/true ;;
	script) loop_ms script -qec /bin/true /dev/null ;;
	tmux) loop_ms tmux_once ;;
	lived_direct) "$tmp/rtclient" direct "$batch" /bin/true ;;
	lived_host) "$tmp/rtclient" host "$batch" "$REXEC_RUNTIME_DIR" /bin/true ;;
	esac
}

names="true floor rexec rexec_disk script tmux lived_direct lived_host"
r=0
while [ "$r" -lt "$ROUNDS" ]; do
	for c in $names; do
		printf '%s %s\n' "$c" "$(run_one "$c")" >>"$tmp/samples"
	done
	r=$((r + 1))
done

true_ms=$(median true)
floor=$(median floor)
rexec=$(median rexec)
rexec_disk=$(median rexec_disk)
script=$(median script)
tmuxr=$(median tmux)
ldirect=$(median lived_direct)
lhost=$(median lived_host)

printf 'round trip of /bin/true: %d rounds of %d commands each, median ms per command\n' "$ROUNDS" "$batch"
printf 'runtime directory on %s, journal on %s; the second rexec row: runtime directory on %s\n' \
    "$(fs_type "$REXEC_RUNTIME_DIR")" "$(fs_type "$REXEC_JOURNAL_DIR")" "$(fs_type "$disk_run")"
printf '%-46s %10s %10s\n' "from a shell, a new process per command" "ms" "x floor"
for row in "/bin/true:$true_ms" "forkpty + exec + drain (the floor):$floor" \
    "rexec run -- /bin/true:$rexec" \
    "rexec run, runtime directory on disk:$rexec_disk" "script -qec /bin/true /dev/null:$script" \
    "tmux new-window + wait-for:$tmuxr"; do
	printf '%-46s %10s %10.2f\n' "${row%:*}" "${row##*:}" \
	    "$(awk -v a="${row##*:}" -v f="$floor" 'BEGIN { print a / f }')"
done
printf '%-46s %10s\n' "from one long-lived process" "ms"
printf '%-46s %10s\n' "direct spawn + wait" "$ldirect"
printf '%-46s %10s\n' "through the host (FIFO request, reply file)" "$lhost"
awk -v r="$rexec" -v f="$floor" -v t="$tmuxr" -v s="$script" -v d="$ldirect" -v h="$lhost" 'BEGIN {
	printf "rexec run - floor: %+.3f ms (target <= +1.5 ms): %s\n", r - f, (r - f <= 1.5) ? "met" : "NOT met"
	printf "rexec run / tmux: %.2fx (target <= 0.4x): %s\n", r / t, (r / t <= 0.4) ? "met" : "NOT met"
	printf "rexec run / script(1): %.2fx\n", r / s
	printf "host overhead from a long-lived client: %.3f ms per command\n", h - d
}'
