#!/usr/bin/env bats
# runview.bats: a run's own screen higher or wider than its pane is never
# cut silently: it follows the run's cursor, PgUp and PgDn move over its
# rows, the frame's corner says which rows (and columns) show, and z
# zooms it to the whole window.  At 120x35, 80x24 and 60x20, with a run
# of 24 rows.  Driven through a private tmux server; every wait polls.

load ../cli/helpers
load tui_helpers

setup() {
	tui_setup
}

teardown() {
	tui_teardown
}

# 24 rows, ROW1 to ROW24, the cursor on the last.
ROWS='i=1; while [ $i -lt 24 ]; do echo ROW$i; i=$((i + 1)); done; printf ROW24; sleep 30'

resized() {
	[ "$(screen | wc -l)" -eq "$2" ] &&
		[ "$(screen | tail -n 1 | wc -L)" -eq "$1" ]
}

# Press $1 until the screen has $2 (one page may not be enough).
page_to() {
	screen_has "$2" || {
		keys "$1"
		false
	}
}

# At $1 x $2, where the console pane has $3 rows and a zoomed view $4.
run_view_at() {
	local w=$1 h=$2 ch=$3 zh=$4
	start_ui
	t resize-window -t "$PANE" -x "$w" -y "$h"
	wait_for resized "$w" "$h"
	rx run --dir "$HOME" --yield 1 -- sh -c "$ROWS"
	[ "$status" -eq 75 ]
	wait_for screen_has_re '▶ +1 '
	keys Enter
	wait_for screen_has 'run 1:'
	# Live, it follows the cursor: the last row shows.
	wait_for screen_has "rows $((25 - ch))–24 of 24"
	screen_has_re '^│ROW24 '
	screen_lacks_re '^│ROW1 '
	keys PPage
	wait_for screen_lacks "rows $((25 - ch))–24 of 24"
	wait_for page_to PPage "rows 1–$ch of 24"
	screen_has_re '^│ROW1 '
	screen_lacks_re '^│ROW24 '
	wait_for page_to NPage "rows $((25 - ch))–24 of 24"
	screen_has_re '^│ROW24 '
	# z: the whole window, the history hidden.
	keys z
	wait_for screen_has 'z unzoom'
	screen_lacks history
	screen_has_re '^│ROW24 '
	if [ "$zh" -ge 24 ]; then
		screen_has_re '^│ROW1 '
		screen_lacks 'rows '
	else
		screen_has "rows $((25 - zh))–24 of 24"
	fi
	keys Escape
	wait_for screen_has 'z zoom'
	screen_has history
	keys Escape
	wait_for screen_has 'follow'
}

@test "runview: at 120x35 a 24-row run scrolls, says its rows, and z shows all 24" {
	run_view_at 120 35 21 33
}

@test "runview: at 80x24 the last row is reached with PgDn, and z shows more" {
	run_view_at 80 24 14 22
}

@test "runview: at 60x20 rows scroll and the cropped columns are said" {
	run_view_at 60 20 11 18
	keys Enter
	wait_for screen_has 'cols 1–58 of 80'
	# The corner's words end at the corner; the title stops before them.
	screen_has_re '^┌ run 1: .* live · rows 14–24 of 24 · cols 1–58 of 80 ┐$'
}

@test "runview: End follows the cursor again, the wheel scrolls rows" {
	start_ui
	t resize-window -t "$PANE" -x 80 -y 24
	wait_for resized 80 24
	rx run --dir "$HOME" --yield 1 -- sh -c "$ROWS"
	[ "$status" -eq 75 ]
	wait_for screen_has_re '▶ +1 '
	keys z
	wait_for screen_has 'rows 3–24 of 24'
	# X10 wheel up (button 4) over the view: three rows up.
	t send-keys -t "$PANE" -l "$(printf '\e[M`++')"
	wait_for screen_has 'rows 1–22 of 24'
	keys End
	wait_for screen_has 'rows 3–24 of 24'
}
