#!/bin/sh
# bench/tui.sh: throughput of a flood through the host with its curses
# viewer attached (`rexec host` on a terminal: the host in the background,
# the viewer in a detached pane of a private tmux server), side by side in one run
# with the headless host, with tmux running the same cat in a pane of the
# same size, and with a minimal forkpty drain loop (bench/ptydrain.c, for
# scale); the four take turns, round after round, each after the last
# one's journal line is written.  The UI's flood runs twice a round: with
# the plain console, and with the tiled view open (t) on 10 live runs
# (detached, quiet) and the flood's own tile.  Then, for
# the UI: the host's peak RSS, how long the UI takes to show the flood's
# last line after the client returned ("UI catch-up"), and how long `?`
# takes to draw the help overlay while a flood runs (key latency, through
# tmux and capture-pane).  Not a test: it prints numbers and whether the
# targets hold (UI at least 0.9x headless and 2x tmux; the tiled view at
# least 0.9x the plain console; key latency under 100 ms), and exits 0
# either way.
#
# Environment: REXEC, MB (flood size, default 200), REPEAT (rounds, the
# best of each kept, default 5), DEADLINE (seconds any wait may take,
# default 120), COLS and ROWS (pane size, default 120x40), TMPDIR, CC.
set -eu
. "$(dirname "$0")/common.sh"
MB=${MB:-200}
REPEAT=${REPEAT:-5}
DEADLINE=${DEADLINE:-120}
COLS=${COLS:-120}
ROWS=${ROWS:-40}

need tmux tmux

# The tmux server is private: its socket lives (and dies) in $tmp, and
# common.sh's cleanup (tmux -L rexec-bench kill-server) finds it there.
unset TMUX
export TMUX_TMPDIR="$tmp"
ui_pid=
t() {
	LANG=C.UTF-8 tmux -u -L rexec-bench -f /dev/null "$@"
}

# Under set -e a failing command in the trap (common.sh's kill-server
# when no server is left) would end it early, with status 1 and $tmp left.
tui_cleanup() {
	set +e
	t kill-server 2>/dev/null || true
	if [ -n "$ui_pid" ] && kill -0 "$ui_pid" 2>/dev/null; then
		kill "$ui_pid" 2>/dev/null || true
	fi
	cleanup
}
trap tui_cleanup EXIT
trap 'exit 130' INT TERM

die() {
	echo "tui.sh: $*" >&2
	exit 1
}

# The same log-like file as flood.sh; each run cats it and then a file of
# one line naming the run, so the UI's last line is known and new.
yes '2026-11-27T18:43:08.123Z INFO [worker-3] processed request id=1234567 path=/api/v1/items status=200' |
	head -c "$((MB * 1000 * 1000))" >"$tmp/flood.txt"
nmark=0
next_marker() {
	nmark=$((nmark + 1))
	marker="rexec-bench-end-of-flood-$nmark"
	echo "$marker" >"$tmp/marker"
}

ms_since() {
	awk -v a="$1" -v b="$(now_ms)" 'BEGIN { printf "%.0f", b - a }'
}

host_up() {
	"$REXEC" check >/dev/null 2>&1
}

screen_has() {
	t capture-pane -p -t ui 2>/dev/null | grep -qF -- "$1"
}

screen_lacks() {
	! screen_has "$1"
}

# The tiled view shows the tenth live run's screen (its command, in the
# history, has the word after "echo ", never after a border).
tiles_shown() {
	t capture-pane -p -t ui 2>/dev/null | grep -qF '│live-10 '
}

pane_dead() {
	[ "$(t display-message -p -t ui '#{pane_dead}' 2>/dev/null)" = 1 ]
}

# Every setup runs in each round, one after another, so a machine whose
# speed drifts (a shared 2-core VM does) drifts for all of them alike; each
# keeps its best round.
${CC:-cc} -O2 -o "$tmp/ptydrain" "$here/ptydrain.c" -lutil

# tmux running cat in a detached pane, until cat finishes.
tmux_cat() {
	t new-session -d -s cat -x "$COLS" -y "$ROWS" \
		"cat '$tmp/flood.txt' '$tmp/marker'; tmux -L rexec-bench wait-for -S flood-done"
	t wait-for flood-done
	t kill-session -t cat 2>/dev/null || true
}

# The headless host, in a runtime directory of its own, beside the UI's.
REXEC_RUNTIME_DIR="$tmp/run-headless"
start_host /dev/null
REXEC_RUNTIME_DIR="$tmp/run"
headless_run() {
	REXEC_RUNTIME_DIR="$tmp/run-headless" "$REXEC" run -- cat "$tmp/flood.txt" "$tmp/marker"
}

# The host with its UI in a pane.  The environment goes in explicitly:
# a tmux server does not hand the client's environment to new sessions.
cmd="env REXEC_RUNTIME_DIR='$REXEC_RUNTIME_DIR' REXEC_JOURNAL_DIR='$REXEC_JOURNAL_DIR'"
cmd="$cmd REXEC_CONFIG='$REXEC_CONFIG' REXEC_WHOAMI=bench TERM=screen LANG=C.UTF-8 LC_ALL=C.UTF-8"
cmd="$cmd '$REXEC' host 2>'$tmp/ui.err'; echo \$? >'$tmp/ui.status'"
t new-session -d -s ui -x "$COLS" -y "$ROWS" "$cmd" \; set-option -t ui remain-on-exit on
ui_started() {
	pane_dead && return 0
	host_up && screen_has '?:help'
}
if ! wait_until "the UI host to start" ui_started || pane_dead; then
	echo "tui.sh: the UI host did not start; its stderr:" >&2
	cat "$tmp/ui.err" >&2 2>/dev/null || true
	echo "tui.sh: its pane:" >&2
	t capture-pane -p -t ui 2>/dev/null | sed '/^$/d' >&2 || true
	exit 1
fi
# The host's pid: `rexec status` says it ("host pid N, journal ..."); else
# the rexec under the pane's shell.
ui_pid=$("$REXEC" status 2>/dev/null | sed -n 's/^host pid \([0-9]*\),.*/\1/p') || true
if [ -z "$ui_pid" ]; then
	pane_pid=$(t display-message -p -t ui '#{pane_pid}')
	ui_pid=$(pgrep -P "$pane_pid" -x rexec | head -n 1) || true
fi
if [ -z "$ui_pid" ] || [ ! -r "/proc/$ui_pid/status" ]; then
	die "cannot find the UI host's pid"
fi

# Ten live runs for the tiled view: detached, quiet, until the host
# stops.  They are live in the plain console's rounds too, where they
# cost nothing but a history row each.
for i in 1 2 3 4 5 6 7 8 9 10; do
	"$REXEC" run --yield 0.1 -- sh -c "echo live-$i; exec sleep 3600" \
		>/dev/null 2>&1 </dev/null || true
done
wait_until "the UI to count 10 detached runs" screen_has ' 10 detached' || exit 1

# A host writes a flood's journal line (16 MiB of text) after the reply,
# on a thread: wait for it, so that it never runs beside the next setup.
runs=$(journal_lines)

drain=
tmuxs=
headless=
ui=
tiled=
catchup=
for _ in $(seq "$REPEAT"); do
	drain=$(min "$(secs "$tmp/ptydrain" cat "$tmp/flood.txt")" "$drain")
	next_marker
	tmuxs=$(min "$(secs tmux_cat)" "$tmuxs")
	next_marker
	headless=$(min "$(secs headless_run)" "$headless")
	runs=$((runs + 1))
	await_journal "$runs" || exit 1
	next_marker
	ui=$(min "$(secs "$REXEC" run -- cat "$tmp/flood.txt" "$tmp/marker")" "$ui")
	t0=$(now_ms)
	wait_until "the UI to show the flood's last line ($marker)" screen_has "$marker" || exit 1
	catchup=$(max "$(ms_since "$t0")" "$catchup")
	runs=$((runs + 1))
	await_journal "$runs" || exit 1
	# The tiled view: the 10 live runs' tiles, and the flood's own
	# while it runs; then back to the console.
	next_marker
	t send-keys -t ui t
	wait_until "the tiled view" tiles_shown || exit 1
	tiled=$(min "$(secs "$REXEC" run -- cat "$tmp/flood.txt" "$tmp/marker")" "$tiled")
	runs=$((runs + 1))
	await_journal "$runs" || exit 1
	t send-keys -t ui t
	wait_until "the console again" screen_has '[console]' || exit 1
done
kill "$host_pid"
wait "$host_pid" 2>/dev/null || true
host_pid=

# Key latency: while a flood runs, `?` until the help overlay shows, a key
# to close it, REPEAT times.
next_marker
"$REXEC" run -- cat "$tmp/flood.txt" "$tmp/marker" >/dev/null 2>&1 </dev/null &
client=$!
wait_until "the UI to show the flood running" screen_has '1 running' || exit 1
keylat=
keylats=
late=0
for _ in $(seq "$REPEAT"); do
	kill -0 "$client" 2>/dev/null || late=1
	t0=$(now_ms)
	t send-keys -t ui '?'
	wait_until "the help overlay" screen_has 'any key closes this help' || exit 1
	ms=$(ms_since "$t0")
	kill -0 "$client" 2>/dev/null || late=1
	keylat=$(max "$ms" "$keylat")
	keylats="$keylats $ms"
	t send-keys -t ui x
	wait_until "the help overlay to close" screen_lacks 'any key closes this help' || exit 1
	sleep 0.2
done
wait "$client" || true
wait_until "the UI to show the flood's last line ($marker)" screen_has "$marker" || exit 1
peak=$(hwm_kib "$ui_pid")

# The viewer's own peak, then q: it detaches, and the host, which
# outlives it, is stopped.
viewer_pid=$(pgrep -P "$(t display-message -p -t ui '#{pane_pid}')" -x rexec | head -n 1) || true
vpeak=
[ -n "$viewer_pid" ] && vpeak=$(hwm_kib "$viewer_pid")
t send-keys -t ui q
if wait_until "the viewer to detach after q" pane_dead; then
	status=$(cat "$tmp/ui.status" 2>/dev/null || echo '?')
	[ "$status" = 0 ] || echo "tui.sh: the viewer exited with status $status" >&2
else
	echo "tui.sh: the viewer did not detach on q; killing the tmux server" >&2
fi
kill "$ui_pid" 2>/dev/null || true
t kill-server 2>/dev/null || true

rate_table "flood of $MB MB (best of $REPEAT)" "$MB" \
	"rexec host (UI in a ${COLS}x$ROWS pane):$ui" \
	"the same, tiled view (10 live runs):$tiled" \
	"rexec host --headless:$headless" "tmux pane running cat:$tmuxs" \
	"raw forkpty drain loop:$drain"
awk -v u="$ui" -v h="$headless" -v t="$tmuxs" 'BEGIN {
	printf "UI / headless throughput: %.2fx (target >= 0.9): %s\n", h / u, (h / u >= 0.9) ? "ok" : "below target"
	printf "UI / tmux throughput: %.2fx (target >= 2): %s\n", t / u, (t / u >= 2) ? "ok" : "below target"
}'
awk -v u="$ui" -v v="$tiled" 'BEGIN {
	printf "flood with the tiled view open (10 live runs) / flood with the plain console: %.2fx (target >= 0.9): %s\n", u / v, (u / v >= 0.9) ? "ok" : "below target"
}'
awk -v d="$drain" -v t="$tmuxs" 'BEGIN {
	printf "raw drain / tmux: %.2fx (bench/ptydrain.c, for scale)\n", t / d
}'
awk -v p="$peak" 'BEGIN { printf "host peak RSS (a viewer attached): %.1f MiB\n", p / 1024 }'
[ -z "$vpeak" ] || awk -v p="$vpeak" 'BEGIN { printf "viewer peak RSS: %.1f MiB\n", p / 1024 }'
echo "UI catch-up (last line on screen after the client returned, worst of $REPEAT): $catchup ms"
note=
[ "$late" = 0 ] || note=" (the flood ended before a sample finished: not all under load)"
awk -v k="$keylat" -v all="$keylats" -v n="$note" 'BEGIN {
	printf "key latency during a flood (? to help overlay, worst of:%s): %d ms (target < 100): %s%s\n", all, k, (k < 100) ? "ok" : "below target", n
}'
