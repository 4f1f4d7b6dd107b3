#!/bin/sh
# bench/viewers.sh: what viewers cost the host (DESIGN.md section 15),
# measured side by side in one run.  Not a test: it prints figures and
# whether the targets of issue 18 hold, and exits 0 either way.
#
# 1. Throughput: a flood of MB megabytes (200) through an agent with 0, 1
#    and 3 curses viewers attached (each `rexec attach` in a window of a
#    private tmux server), and with one viewer SIGSTOPped; against tmux
#    with one client attached running the same cat.  The setups take
#    turns, round after round, each keeping its best; before each timed
#    figure the disk is synced and the viewers are quiet (settle).
#    Target: each >= 0.9x the throughput with no viewer.
# 2. Round trip: `rexec run -- true` from a shell loop, N (200) times, with
#    no viewer and with 3 attached.  Target: <= 1.1x.
# 3. Attach: with RUNS (1000) ended runs in the session and 10 live ones,
#    the time from starting a viewer to the end of its snapshot ("ready"),
#    from a fresh process each time (bench/attachtime.py), against a tmux
#    control-mode client attaching to a session of 10 windows.  Target:
#    < 100 ms.
# 4. A viewer's resident size after a flood of BIG MiB (1024) it watched.
#
# Environment: REXEC, MB, N, RUNS, BIG, REPEAT (rounds, default 5),
# DEADLINE (seconds any wait may take, default 300), COLS, ROWS.
set -eu
. "$(dirname "$0")/common.sh"
MB=${MB:-200}
N=${N:-200}
RUNS=${RUNS:-1000}
BIG=${BIG:-1024}
REPEAT=${REPEAT:-5}
DEADLINE=${DEADLINE:-300}
COLS=${COLS:-120}
ROWS=${ROWS:-40}
need tmux tmux
need python3 python3-minimal

unset TMUX
export TMUX_TMPDIR="$tmp"
t() {
	LANG=C.UTF-8 tmux -u -L rexec-bench -f /dev/null "$@"
}
trap 'set +e; t kill-server 2>/dev/null; cleanup' EXIT
trap 'exit 130' INT TERM

die() {
	echo "viewers.sh: $*" >&2
	exit 1
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
}

yes '2026-11-27T18:43:08.123Z INFO [worker-3] processed request id=1234567 path=/api/v1/items status=200' |
	head -c "$((MB * 1000 * 1000))" >"$tmp/flood.txt"

# A viewer in a window of its own; the environment goes in explicitly (a
# tmux server does not hand the client's to new windows).
env_cmd="env REXEC_RUNTIME_DIR='$REXEC_RUNTIME_DIR' REXEC_JOURNAL_DIR='$REXEC_JOURNAL_DIR'"
env_cmd="$env_cmd REXEC_CONFIG='$REXEC_CONFIG' TERM=screen LANG=C.UTF-8 LC_ALL=C.UTF-8"
t new-session -d -s base -x "$COLS" -y "$ROWS" 'sleep 100000'
nviewers=0
viewer_ids=
add_viewer() {
	id=$(t new-window -d -P -F '#{window_id}' -t base: \
		"exec $env_cmd '$REXEC' attach --no-start 2>'$tmp/viewer.err'")
	viewer_ids="$viewer_ids $id"
	nviewers=$((nviewers + 1))
	wait_until "viewer $nviewers to draw" viewer_drawn "$id" || die "no viewer"
}
viewer_drawn() {
	t capture-pane -p -t "$1" 2>/dev/null | grep -qF '?:help'
}
viewer_pid() {
	t display-message -p -t "$1" '#{pane_pid}'
}
# Each viewer goes, and is gone (its exit is not part of the next figure).
drop_viewers() {
	pids=
	for id in $viewer_ids; do
		pids="$pids $(viewer_pid "$id")"
		t kill-window -t "$id" 2>/dev/null || true
	done
	viewer_ids=
	nviewers=0
	wait_until "the viewers to exit" viewers_gone $pids || die "a viewer stays"
}
viewers_gone() {
	for pid in "$@"; do
		! kill -0 "$pid" 2>/dev/null || return 1
	done
}

start_host
runs=0
# Before a figure is timed: what the last flood wrote reaches the disk,
# and the viewers have done what attaching gave them to do (read the runs
# and the journal the session has), their CPU time still for 0.2 s.
settle() {
	sync
	wait_until "the viewers to settle" viewers_quiet || die "a viewer stays busy"
}
viewer_ticks() {
	for id in $viewer_ids; do
		awk '{ print $14 + $15 }' "/proc/$(viewer_pid "$id")/stat"
	done
}
viewers_quiet() {
	before=$(viewer_ticks)
	sleep 0.2
	[ "$(viewer_ticks)" = "$before" ]
}
flood() {
	"$REXEC" run -- cat "$tmp/flood.txt" >/dev/null
	runs=$((runs + 1))
	await_journal "$runs"
}

tmux_client_in() {
	[ "$(t list-clients -t cat 2>/dev/null | wc -l)" -ge 1 ]
}

# tmux with one client attached (the client on a terminal of script(1)'s)
# running the same cat in its window.
tmux_cat() {
	t new-session -d -s cat -x "$COLS" -y "$ROWS" "sleep 100000"
	script -qfc "TMUX= tmux -L rexec-bench attach -t cat" /dev/null \
		>/dev/null 2>&1 </dev/null &
	client=$!
	wait_until "the tmux client" tmux_client_in || die "no tmux client"
	t0=$(now_ms)
	t respawn-pane -k -t cat: "cat '$tmp/flood.txt'; tmux -L rexec-bench wait-for -S cat-done"
	t wait-for cat-done
	t1=$(now_ms)
	t kill-session -t cat 2>/dev/null || true
	kill "$client" 2>/dev/null || true
	wait "$client" 2>/dev/null || true
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1000 }'
}

none= one= three= stopped= tmuxs=
for _ in $(seq "$REPEAT"); do
	drop_viewers
	none=$(min "$(settle; secs flood)" "$none")
	add_viewer
	one=$(min "$(settle; secs flood)" "$one")
	add_viewer
	add_viewer
	three=$(min "$(settle; secs flood)" "$three")
	drop_viewers
	add_viewer
	pid=$(viewer_pid "$(echo $viewer_ids)")
	kill -STOP "$pid"
	stopped=$(min "$(settle; secs flood)" "$stopped")
	kill -CONT "$pid"
	drop_viewers
	tmuxs=$(min "$(settle; tmux_cat)" "$tmuxs")
done
echo "1. A flood of $MB MB through an agent (best of $REPEAT)"
rate_table "" "$MB" "no viewer:$none" "1 viewer:$one" "3 viewers:$three" \
	"1 viewer, stopped:$stopped" "tmux, 1 client:$tmuxs"
r1=$(ratio "$none" "$one")
r3=$(ratio "$none" "$three")
rs=$(ratio "$none" "$stopped")
rt=$(ratio "$tmuxs" "$one")
echo "throughput against no viewer: 1 viewer ${r1}x, 3 viewers ${r3}x, a stopped viewer ${rs}x (target >= 0.9x each)"
echo "1 viewer against tmux with 1 client: ${rt}x"
echo

# 2. Round trips from a shell loop, a new rexec process each, as agents call it.
loop() {
	i=0
	while [ "$i" -lt "$N" ]; do
		"$REXEC" run -- true >/dev/null
		i=$((i + 1))
	done
}
bare= watched=
for _ in $(seq "$REPEAT"); do
	drop_viewers
	bare=$(min "$(settle; secs loop)" "$bare")
	add_viewer
	add_viewer
	add_viewer
	watched=$(min "$(settle; secs loop)" "$watched")
done
drop_viewers
echo "2. $N round trips of rexec run -- true from a shell loop (best of $REPEAT)"
printf '%-36s %8s %10s\n' "" seconds "ms each"
printf '%-36s %8s %10.2f\n' "no viewer" "$bare" "$(awk -v s="$bare" -v n="$N" 'BEGIN { print s * 1000 / n }')"
printf '%-36s %8s %10.2f\n' "3 viewers" "$watched" "$(awk -v s="$watched" -v n="$N" 'BEGIN { print s * 1000 / n }')"
echo "3 viewers against none: $(ratio "$watched" "$bare")x (target <= 1.1x)"
echo

# 3. Attach with RUNS ended runs and 10 live ones.
i=0
while [ "$i" -lt "$RUNS" ]; do
	"$REXEC" run -- true >/dev/null
	i=$((i + 1))
done
for i in 1 2 3 4 5 6 7 8 9 10; do
	"$REXEC" run --yield 0.1 -- sh -c "while :; do echo live $i; sleep 0.5; done" \
		>/dev/null 2>&1 || true
done
for i in 1 2 3 4 5 6 7 8 9 10; do
	t new-window -d -t base: "sleep 100000"
done
ours=$(python3 "$here/attachtime.py" rexec "$REXEC_RUNTIME_DIR/attach.sock" "$REPEAT")
theirs=$(python3 "$here/attachtime.py" tmux "rexec-bench" "$REPEAT")
echo "3. Attach to the end of the first screen's data (best of $REPEAT, a fresh client each)"
echo "rexec attach, $RUNS ended runs + 10 live: ${ours} ms (target < 100 ms)"
echo "tmux -C attach, a session of 11 windows: ${theirs} ms"
echo

# 4. A viewer's size after a long flood it watched.
add_viewer
vpid=$(viewer_pid "$(echo $viewer_ids)")
before=$(rss_kib "$vpid")
"$REXEC" run -- sh -c "yes '2026-11-27T18:43:08.123Z INFO [worker-3] processed request id=1234567 path=/api/v1/items status=200' | head -c $((BIG * 1024 * 1024))" >/dev/null
wait_until "the viewer to catch up" viewer_drawn "$(echo $viewer_ids)" || die "the viewer is gone"
after=$(rss_kib "$vpid")
peak=$(hwm_kib "$vpid")
echo "4. A viewer watching a $BIG MiB flood: RSS $before KiB before, $after KiB after, peak $peak KiB"
echo "   (bounded by its feed queues, ${COLS}x${ROWS} screens and [ui] scrollback; not by the flood)"
