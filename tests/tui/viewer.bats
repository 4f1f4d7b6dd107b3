#!/usr/bin/env bats
# viewer.bats: the curses viewer as a process of its own (DESIGN.md
# section 15): a viewer that goes away leaves the host and its runs
# alone, a late viewer sees what an early one sees, read-only viewers,
# two viewers at once, and one run full-window (attach --run).  Driven
# through a private tmux server; panes are named by id; every wait polls
# with a deadline.

load ../cli/helpers
load tui_helpers

# A small curses menu (tests/data/menu.c), built by make check.
MENU="${REXEC%/src/rexec}/tests/data/menu"

setup() {
	tui_setup
}

teardown() {
	tui_teardown
}

journal_runs() {
	[ "$(grep -c '"seq"' "$(journal_file)")" -eq "$1" ]
}

# Rows 2 to 26 of a pane: the box of the console or of the run view.
view_box() {
	screen "$@" | sed -n '2,26p'
}

same_view() {
	[ "$(view_box)" = "$(view_box -t "$PANE2")" ]
}

@test "viewer: its pane killed, three runs (one detached) finish and answer; a new viewer shows them" {
	start_ui
	# The runs go on until the test opens the gate, after the viewer has
	# gone: however slow the machine, all three are still running then.
	local gate="$BATS_TEST_TMPDIR/gate"
	printf 'echo start\nwhile [ ! -e %q ]; do sleep 0.05; done\necho "$1"\n' \
		"$gate" >"$HOME/gated"
	"$REXEC" run --dir "$HOME" -- sh gated one-done \
		>"$BATS_TEST_TMPDIR/o1" 2>&1 &
	local c1=$!
	"$REXEC" run --dir "$HOME" -- sh gated two-done \
		>"$BATS_TEST_TMPDIR/o2" 2>&1 &
	local c2=$!
	# Numbered in the order they reach the host: the third is run 3.
	wait_for screen_has ' 2 running · 0 queued'
	rx run --dir "$HOME" --yield 0.3 -- sh gated three-done
	[ "$status" -eq 75 ]
	wait_for screen_has ' 2 running · 1 detached · 0 queued'
	t kill-pane -t "$PANE"
	touch "$gate"
	wait "$c1"
	wait "$c2"
	[ "$(tail -n 1 "$BATS_TEST_TMPDIR/o1")" = one-done ]
	[ "$(tail -n 1 "$BATS_TEST_TMPDIR/o2")" = two-done ]
	rx wait 3 --timeout 20
	[ "$status" -eq 0 ]
	[[ "$output" == *three-done* ]]
	wait_for journal_runs 3
	[ "$(grep -c '"exit":0' "$(journal_file)")" -eq 3 ]
	host_up
	PANE=$(new_viewer viewer3)
	wait_for screen_has '?:help'
	wait_for screen_has_re '^│[▶ ] +[12]  ✓ 0 .*one-done'
	screen_has_re '^│[▶ ] +[12]  ✓ 0 .*two-done'
	screen_has_re '^│▶ +3  ✓ 0 .*three-done'
	screen_has ' 0 running · 0 queued · 3 done'
}

@test "viewer: one attached in the middle of a full-screen program sees the same screen" {
	[ -x "$MENU" ]
	start_ui
	"$REXEC" run --dir "$HOME" -- "$MENU" >"$BATS_TEST_TMPDIR/out" 2>&1 &
	local client=$!
	wait_for screen_has_re '▶ +1 +⌛ input'
	keys Enter
	wait_for screen_has 'pick a fruit'
	rx input 1 --keys Down Down
	[ "$status" -eq 0 ]
	wait_for screen_has_re '^│> cherry +'
	PANE2=$(new_viewer viewer2)
	wait_for screen_has '?:help' -t "$PANE2"
	t send-keys -t "$PANE2" Enter
	wait_for screen_has_re '^│> cherry +' -t "$PANE2"
	wait_for same_view
	# Both follow what comes next.
	rx input 1 --keys Up
	wait_for screen_has_re '^│> banana +' -t "$PANE2"
	wait_for same_view
	rx input 1 --keys Enter
	wait "$client"
	grep -q 'chose banana' "$BATS_TEST_TMPDIR/out"
}

@test "viewer: a read-only viewer's k, i and Q are refused with the message" {
	start_host
	"$REXEC" run --dir "$HOME" -- sleep 30 >/dev/null 2>&1 &
	start_ui -r
	wait_for screen_has_re '▶ +1 +⟳ running'
	keys k
	wait_for screen_has 'read-only viewer'
	screen_lacks 'abort run 1?'
	keys x
	wait_for eval '! screen_has "read-only viewer"'
	keys i
	wait_for screen_has 'read-only viewer'
	screen_lacks 'INPUT to run'
	keys x
	wait_for eval '! screen_has "read-only viewer"'
	keys Q
	wait_for screen_has 'read-only viewer'
	screen_lacks 'stop the host'
	rx status
	[[ "$output" == *'1 running'* ]]
	host_up
	keys d
	wait_for viewer_exited
	[ "$(viewer_status)" = 0 ]
}

@test "viewer: two viewers: the status line counts them; i on a run the other types into names it" {
	start_ui
	"$REXEC" run --dir "$HOME" -- sh -c 'read x; echo "got $x"' \
		>"$BATS_TEST_TMPDIR/out" 2>&1 &
	local client=$!
	wait_for screen_has_re '▶ +1 +⌛ input'
	start_viewer2
	wait_for screen_has ' · 2 viewers'
	wait_for screen_has ' · 2 viewers' -t "$PANE2"
	keys i
	wait_for screen_has 'INPUT to run 1'
	local first
	first="$(id -un) on $(t display-message -p -t "$PANE" '#{pane_tty}')"
	t send-keys -t "$PANE2" i
	wait_for screen_has "run 1: $first is typing into it" -t "$PANE2"
	screen_lacks 'INPUT to run 1' -t "$PANE2"
	# Its keys go nowhere until the first lets go; then they are its.
	t send-keys -t "$PANE2" -l early
	keys C-]
	wait_for screen_has 'INPUT to run 1' -t "$PANE2"
	t send-keys -t "$PANE2" -l late
	t send-keys -t "$PANE2" Enter
	wait "$client"
	[ "$(tail -n 1 "$BATS_TEST_TMPDIR/out")" = 'got late' ]
	# One viewer gone: the other counts one.
	keys d
	wait_for viewer_exited
	wait_for screen_has ' · 1 viewer ' -t "$PANE2"
}

@test "viewer: attach --run SEQ shows the run full-window and keeps its last screen with its exit" {
	start_host
	"$REXEC" run --dir "$HOME" -- sh -c 'printf "\033[2J\033[3;5Hsolo-marker"; read x; echo; echo "got $x"; exit 3' \
		>"$BATS_TEST_TMPDIR/out" 2>&1 &
	local client=$!
	wait_for eval '"$REXEC" status | grep -q "1 running"'
	PANE=$(new_viewer viewer --run 1)
	wait_for screen_has_re '^┌ run 1: sh -c .* live ┐$'
	wait_for screen_has_re '^│    solo-marker'
	# No console, no history: the run's own screen only.
	screen_lacks 'history'
	screen_lacks 'journal'
	keys i
	wait_for screen_has 'INPUT to run 1'
	keys -l yes
	keys Enter
	local rc=0
	wait "$client" || rc=$?
	[ "$rc" -eq 3 ]
	wait_for screen_has_re '^│got yes +│$'
	wait_for screen_has_re '^┌ run 1: sh -c .* exit 3 ┐$'
	wait_for screen_has 'any key closes'
	! viewer_exited
	screen_has_re '^│    solo-marker'
	keys x
	wait_for viewer_exited
	[ "$(viewer_status)" = 0 ]
}

@test "viewer: one that stopped reading is resynced: the console and the history are rebuilt" {
	printf '[run]\nkill_grace = 0.3\nlinger = 0.5\n[viewer]\nmax_queue = 64K\nsnapshot_bytes = 1M\n' \
		>"$REXEC_CONFIG"
	local gate=$BATS_TEST_TMPDIR/gate
	start_ui
	rx run --dir "$HOME" -- echo before-stop
	wait_for screen_has_re '^│▶ +1  ✓ 0 .*echo before-stop'
	# Run 2 floods once its gate opens; it goes on detached, open here.
	# Its 5 MB are more than the socket holds for a stopped viewer, so
	# what the host sends it at the run's end goes past max_queue.
	rx run --dir "$HOME" --yield 0.2 -- sh -c "while [ ! -e '$gate' ]; do sleep 0.05; done; yes 0123456789abcdef | head -n 300000; echo flood-end"
	[ "$status" -eq 75 ]
	wait_for screen_has_re '^│▶ +2 '
	keys Enter
	wait_for screen_has 'run 2: sh -c'
	local pid
	pid=$(viewer_pid)
	kill -STOP "$pid"
	# While it reads nothing, run 2 floods and ends, run 3 begins and
	# ends, and another waits.
	touch "$gate"
	rx wait 2 --timeout 30
	[ "$status" -eq 0 ]
	rx run --dir "$HOME" -- echo unseen-run
	"$REXEC" run --dir "$HOME" -- sh -c 'read x; echo "got $x"' \
		>"$BATS_TEST_TMPDIR/out" 2>&1 &
	local client=$!
	wait_for eval '"$REXEC" status | grep -q "1 running"'
	kill -CONT "$pid"
	# Run 2's screen is rebuilt from the newest output the host has.
	wait_for screen_has flood-end
	keys Escape
	wait_for screen_has '[console]'
	# The console starts again from the host's newest part, under a
	# line that says why: scrolled back all the way, it is the first.
	t send-keys -t "$PANE" -N 80 PPage
	wait_for eval 'screen | sed -n 3p | grep -q "^│\[rexec: this viewer fell behind; the console goes on from the host.s newest output\]"' || { screen; false; }
	keys End
	wait_for screen_has_re '^│unseen-run +│$'
	# Run 3 began and ended unseen: its journal line tells the history.
	wait_for screen_has_re '^│ +3  ✓ 0 .*unseen-run'
	wait_for screen_has_re '^│▶ +4 +⌛ input'
	screen_has_re '^│ +2  ✓ 0 .*sh -c .while'
	screen_has_re '^│ +1  ✓ 0 .*echo before-stop'
	screen_has ' 0 running · 1 waiting · 0 queued · 3 done'
	# And it goes on as before.
	keys i
	wait_for screen_has 'INPUT to run 4'
	keys -l ok
	keys Enter
	wait "$client"
	[ "$(tail -n 1 "$BATS_TEST_TMPDIR/out")" = 'got ok' ]
}
