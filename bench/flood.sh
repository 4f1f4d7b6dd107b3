#!/bin/sh
# bench/flood.sh: throughput of a flood through rexec, side by side with a
# minimal forkpty drain loop (bench/ptydrain.c, the fastest a PTY can be
# read) and with tmux running the same cat in a detached pane; then the
# host's memory across a 1 GiB flood.  Not a test: it prints numbers and
# whether the targets of issue 4 hold (throughput at least 0.9x the raw
# drain; host memory flat within a few MiB).
#
# Environment: REXEC, MB (flood size, default 200), GB_FLOOD (MiB for the
# memory run, default 1024), CC.
set -eu
. "$(dirname "$0")/common.sh"
MB=${MB:-200}
GB_FLOOD=${GB_FLOOD:-1024}

${CC:-cc} -O2 -o "$tmp/ptydrain" "$here/ptydrain.c" -lutil

# A log-like file: lines of text, MB megabytes.
yes '2026-11-27T18:43:08.123Z INFO [worker-3] processed request id=1234567 path=/api/v1/items status=200' |
	head -c "$((MB * 1000 * 1000))" >"$tmp/flood.txt"

tmux_cat() {
	tmux -L rexec-bench -f /dev/null new-session -d -x 80 -y 24 \
		"cat '$tmp/flood.txt'; tmux -L rexec-bench wait-for -S flood-done"
	tmux -L rexec-bench wait-for flood-done
	tmux -L rexec-bench kill-server 2>/dev/null || true
}

start_host
best() {
	b=
	for _ in 1 2 3; do
		s=$(secs "$@")
		b=$(awk -v a="$s" -v b="$b" 'BEGIN { print (b == "" || a < b) ? a : b }')
	done
	echo "$b"
}
drain=$(best "$tmp/ptydrain" cat "$tmp/flood.txt")
# Runs through the host, each after the last one's journal line (written
# on a thread after the reply), so that they never overlap.
rexec=
for _ in 1 2 3; do
	lines=$(journal_lines)
	s=$(secs "$REXEC" run -- cat "$tmp/flood.txt")
	await_journal "$((lines + 1))"
	rexec=$(awk -v a="$s" -v b="$rexec" 'BEGIN { print (b == "" || a < b) ? a : b }')
done
tmuxs=$(best tmux_cat)

rate_table "flood of $MB MB through a PTY" "$MB" \
	"ptydrain (raw forkpty read loop):$drain" "rexec run -- cat:$rexec" \
	"tmux pane running cat:$tmuxs"
awk -v d="$drain" -v r="$rexec" -v t="$tmuxs" 'BEGIN {
	printf "rexec / raw drain throughput: %.2fx (target >= 0.9): %s\n", d / r, (d / r >= 0.9) ? "met" : "NOT met"
	printf "rexec / tmux throughput: %.2fx\n", t / r
}'

# Memory: the host's resident size before and after a 1 GiB flood.
before=$(rss_kib "$host_pid")
lines=$(journal_lines)
"$REXEC" run -- sh -c "yes 'a line of flood output for the memory test' | head -c $((GB_FLOOD * 1024 * 1024))" >/dev/null
# The reply comes before the journal line is written: let the host finish.
await_journal "$((lines + 1))"
after=$(rss_kib "$host_pid")
peak=$(hwm_kib "$host_pid")
awk -v b="$before" -v a="$after" -v p="$peak" -v g="$GB_FLOOD" 'BEGIN {
	printf "host RSS before %.1f MiB, after a %d MiB flood %.1f MiB (peak %.1f MiB): growth %.1f MiB\n", b / 1024, g, a / 1024, p / 1024, (a - b) / 1024
}'
