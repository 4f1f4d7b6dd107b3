#!/usr/bin/env bats
# status.bats: what the viewer tells the human without being asked: the
# bell and the status line's waiting count when a run starts waiting for
# input, the status line at every width from 40 columns up, and messages
# on the bottom line that go away by themselves (m lists them).  Driven
# through a private tmux server; every wait polls with a deadline.

load ../cli/helpers
load tui_helpers

setup() {
	tui_setup
}

teardown() {
	tui_teardown
}

# The window of $PANE has rung its bell (tmux's monitor-bell).
bell_flag() {
	[ "$(t display-message -p -t "$PANE" '#{window_bell_flag}')" = 1 ]
}

# The viewer's window watched for bells, another window the current one
# (tmux flags only a window not looked at).
watch_bell() {
	t set-option -g monitor-bell on
	t new-window 'exec sleep 3600'
	[ "$(t display-message -p -t "$PANE" '#{window_active}')" = 0 ]
	! bell_flag
}

# A run that blocks reading its terminal, in the background.
prompt_run() {
	"$REXEC" run --dir "$HOME" -- sh -c 'read x; echo got $x' \
		>/dev/null 2>&1 &
}

@test "status: a run that starts waiting for input rings the bell; the status line counts it waiting" {
	start_ui
	watch_bell
	prompt_run
	wait_for screen_has_re '▶ +1 +⌛ input'
	wait_for screen_has ' rexec  0 running · 1 waiting · 0 queued · 0 done'
	wait_for bell_flag
	# The count stands out of the bar: out of reverse video, bold.
	screen -e | sed -n 1p | grep -qE $'\e\\[0;1m(\e\\[[0-9;]*m)*1 waiting'
}

@test "status: [ui] bell = off rings no bell; the count is there all the same" {
	printf '[ui]\nbell = off\n' >>"$REXEC_CONFIG"
	start_ui
	watch_bell
	prompt_run
	wait_for screen_has ' rexec  0 running · 1 waiting · 0 queued · 0 done'
	# A key drawn after the run's frame: whatever rang has reached tmux.
	keys '?'
	wait_for screen_has 'this help'
	! bell_flag
}

# The top line of $PANE, trailing spaces gone (capture-pane drops them).
top() {
	screen | sed -n 1p
}

# At $1 columns the top line is whole fields from the left, "?:help" at
# the right end, and at least a space between: each field is a count and
# its word, "rexec" or the journal's name, never a piece of one.
top_fits() {
	local line field re
	line=$(top)
	field='([0-9]+ (running|waiting|detached|queued|done|viewers?)|journal [^ ]+)'
	re="^ (rexec  )?$field( · $field)* +\\?:help\$"
	# "?:help " ends a column before the right edge.
	[[ "$line" =~ $re ]] &&
		[ "$(printf '%s' "$line" | LC_ALL=C.UTF-8 wc -m)" -eq $(($1 - 2)) ]
}

# The top line's fields left of "?:help".
top_left() {
	local l
	l=$(top)
	l=${l%'?:help'}
	printf '%s' "${l%"${l##*[! ]}"}"
}

top_left_is() {
	[ "$(top_left)" = "$1" ]
}

# The window of $PANE at $1 columns, its top line drawn again.
width() {
	t resize-window -t "$PANE" -x "$1" -y 24
	wait_for top_fits "$1"
}

@test "status: the top line drops whole fields, least useful first, at 40, 60, 80 and 120 columns" {
	start_ui
	rx run --dir "$HOME" -- true
	[ "$status" -eq 0 ]
	rx run --dir "$HOME" --yield 0.3 -- sh -c 'sleep 300'
	[ "$status" -eq 75 ]
	prompt_run
	start_viewer2
	local journal
	wait_for screen_has ' · 2 viewers'
	journal=$(top | grep -oE 'journal [^ ]+')
	width 120
	wait_for top_left_is " rexec  0 running · 1 waiting · 1 detached · 0 queued · 1 done · $journal · 2 viewers"
	# The journal's name goes first, then the viewers ...
	width 80
	top_left_is " rexec  0 running · 1 waiting · 1 detached · 0 queued · 1 done"
	# ... then the program's name and the done count ...
	width 60
	top_left_is " 0 running · 1 waiting · 1 detached · 0 queued"
	# ... then the queued and detached ones; waiting stays.
	width 40
	top_left_is " 0 running · 1 waiting"
	# Every width between: whole fields, nothing run together.
	local w
	for w in 41 45 50 55 58 63 67 71 75 77 85 90 95 100 105 110 115; do
		width "$w"
	done
}

@test "status: a message shows for [ui] display_time, then the key hints come back by themselves; m lists it" {
	printf '[ui]\ndisplay_time = 1\n' >>"$REXEC_CONFIG"
	start_ui
	rx wait 999
	[ "$status" -ne 0 ]
	wait_for screen_has_re '^└ bad_request: seq: no such run'
	screen_lacks 'Tab pane'
	# No key: the message goes and the hints are back.
	wait_for screen_has_re '^└ Tab pane .*d detach'
	screen_lacks 'no such run'
	# A note of the viewer's own goes to the list too, after it.
	keys o
	wait_for screen_has_re '^└ filter: command, whoami, dir and output'
	keys m
	wait_for screen_has 'any key closes this list'
	screen_has '┌ messages ─'
	screen | grep -E '[0-9]{2}:[0-9]{2}:[0-9]{2}  ' >"$BATS_TEST_TMPDIR/list"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/list")" -eq 2 ]
	sed -n 1p "$BATS_TEST_TMPDIR/list" | grep -qE '│ +[0-9]{2}:[0-9]{2}:[0-9]{2}  bad_request: seq: no such run'
	sed -n 2p "$BATS_TEST_TMPDIR/list" | grep -qE '│ +[0-9]{2}:[0-9]{2}:[0-9]{2}  filter: command, whoami, dir and output'
	# Any key closes it.
	keys x
	wait_for screen_lacks 'any key closes this list'
}

@test "status: m with no message yet says so" {
	start_ui
	keys m
	wait_for screen_has 'no messages yet'
	keys x
	wait_for screen_lacks 'no messages yet'
}

@test "status: the help overlay names m and fits 80x24 without cutting a word" {
	start_ui
	t resize-window -t "$PANE" -x 80 -y 24
	wait_for top_fits 80
	keys '?'
	wait_for screen_has_re '│   \?, m       this help; m: the last messages +│'
	screen_has_re '┌ help ─+┐'
	screen_has 'any key closes this help'
	screen_has '/          filter the history; n, N next, previous │'
}
