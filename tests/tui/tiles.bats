#!/usr/bin/env bats
# tiles.bats: "t" tiles every live run's screen in the console pane's
# place: each tile shows its run's own screen with its seq, whoami and
# state on its border; tiles come and go with the runs; the arrows and
# Tab select, Enter opens the selected run, t and Esc go back.  Driven
# through a private tmux server at 120x35 and 80x24; every wait polls
# with a deadline.

load ../cli/helpers
load tui_helpers

setup() {
	tui_setup
	GATE="$BATS_TEST_TMPDIR/gate"
	CLIENTS=()
}

teardown() {
	# The runs held by the gates end, and their clients with them.
	touch "$GATE.one" "$GATE.two"
	tui_teardown
	local c
	for c in "${CLIENTS[@]}"; do
		wait "$c" 2>/dev/null || true
	done
}

# A script that prints its two arguments as one word (only its output
# holds the word whole, never its command), then waits for the gate
# named after its first one.
gated() {
	printf 'printf "%%s%%s\\n" "$1" "$2"\nwhile [ ! -e %q.$1 ]; do sleep 0.05; done\n' \
		"$GATE" >"$HOME/gated"
}

# Three live runs, each printing its own word: run 1 runs until its gate
# opens, run 2 is detached (--yield) until its gate opens, run 3 waits
# for input.
three_runs() {
	gated
	"$REXEC" run --dir "$HOME" -- sh gated one word \
		>"$BATS_TEST_TMPDIR/o1" 2>&1 &
	CLIENTS+=($!)
	wait_for screen_has ' 1 running · 0 queued'
	rx run --dir "$HOME" --yield 0.3 -- sh gated two word
	[ "$status" -eq 75 ]
	wait_for screen_has ' 1 running · 1 detached · 0 queued'
	"$REXEC" run --dir "$HOME" -- sh -c 'printf "%s%s? " three word; read x' \
		>"$BATS_TEST_TMPDIR/o3" 2>&1 </dev/null &
	CLIENTS+=($!)
	wait_for screen_has_re '▶ +3  ⌛ input'
}

# The row of the screen holding every tile's border for run $1.
border_of() {
	screen | grep -E -- "$1"
}

# Run $1's tile border, with $2 for its state (then its command, as
# much as fits), somewhere on the screen.
has_tile() {
	screen_has_re "─ $1 tester $2( · s|┬|│)"
}

resize() {
	t resize-window -t "$PANE" -x "$1" -y "$2"
	wait_for screen_has_re "^└.{$(($1 - 2))}┘\$"
}

@test "tiles: three live runs at 120x35, each with its word and its seq, whoami and state on its border" {
	start_ui
	resize 120 35
	three_runs
	keys t
	wait_for screen_has '[tiles]'
	wait_for has_tile 1 running
	has_tile 2 detached
	has_tile 3 '⌛ waiting'
	wait_for screen_has oneword
	wait_for screen_has twoword
	wait_for screen_has 'threeword?'
	screen_has ' 3 live '
	# Three side by side: one border row holds all three.
	[ "$(border_of '─ 1 tester running .*┬.*─ 2 tester detached .*┬.*─ 3 tester ⌛ waiting' | wc -l)" -eq 1 ]
	# Each word sits under its own tile's border, left to right.
	local words
	words=$(screen | grep -F oneword)
	[[ "$words" =~ ^│oneword\ +│twoword\ +│threeword\?\ +│$ ]]
}

@test "tiles: a run that ends loses its tile, one that starts gets one; Enter opens the selected run, Esc and t go back" {
	start_ui
	resize 120 35
	three_runs
	keys t
	wait_for screen_has oneword
	wait_for screen_has 'threeword?'
	# The selection moves right, then wraps round with Tab.
	keys Right
	keys Tab
	keys Tab
	keys Tab
	# Run 1 ends: its tile goes, the other two share the pane.
	touch "$GATE.one"
	wait_for screen_lacks oneword
	screen_lacks_re '─ 1 tester '
	wait_for screen_has ' 2 live '
	screen_has_re '─ 3 tester ⌛ waiting · sh '
	[ "$(border_of '─ 2 tester .*┬.*─ 3 tester ⌛ waiting' | wc -l)" -eq 1 ]
	# A run that starts gets a tile of its own.
	rx run --dir "$HOME" --yield 0.3 -- sh -c 'printf "%s%s\n" four word; sleep 30'
	[ "$status" -eq 75 ]
	wait_for screen_has fourword
	wait_for has_tile 4 detached
	screen_has ' 3 live '
	keys Escape
	wait_for screen_has '[console]'
	screen_lacks_re '─ 4 tester '
	keys t
	wait_for has_tile 4 detached
	keys t
	wait_for screen_has '[console]'
	# Enter opens the selected tile's run in the run view, live.
	keys t
	wait_for has_tile 3 '⌛ waiting'
	keys Tab
	keys Enter
	wait_for screen_has "run 3: sh -c"
	screen_has 'threeword?'
	screen_has live
	screen_lacks '[tiles]'
	# Its screen goes on there: typed input reaches the run.
	keys i
	wait_for screen_has 'INPUT to run 3'
	keys -l yes
	keys Enter
	wait_for screen_has_re '^│▶? *3  ✓ 0 |  3  ✓ 0 '
	keys C-]
	keys Escape
	wait_for screen_has '[console]'
}

# The border row of the selected tile, drawn reversed, holds $1.
selected_is() {
	screen -e | grep -F -- "$1" | grep -qE $'\e\\[[0-9;]*7[0-9;]*m '"$1"
}

@test "tiles: at 80x24 three tiles side by side, each with its word; the selected one's border is reversed" {
	start_ui
	resize 80 24
	three_runs
	keys t
	wait_for has_tile 1 running
	has_tile 2 detached
	has_tile 3 '⌛ waiting'
	wait_for screen_has oneword
	wait_for screen_has twoword
	wait_for screen_has 'threeword?'
	[ "$(border_of '─ 1 tester running .*┬.*─ 2 tester detached .*┬.*─ 3 tester ⌛ waiting' | wc -l)" -eq 1 ]
	[[ "$(screen | grep -F oneword)" =~ ^│oneword\ +│twoword\ +│threeword\?\ +│$ ]]
	selected_is '1 tester running'
	! selected_is '2 tester detached'
	keys Right
	wait_for selected_is '2 tester detached'
	! selected_is '1 tester running'
	keys BTab
	wait_for selected_is '1 tester running'
	keys Left
	wait_for selected_is '3 tester ⌛ waiting'
}

@test "tiles: a tile shows the cursor's region of a screen taller than the tile" {
	start_ui
	resize 80 24
	rx run --dir "$HOME" --yield 0.3 -- sh -c \
		'printf "%s\n" top""row; seq 2 40 | sed "s/^/row /"; printf "%s%s " last prompt; sleep 30'
	[ "$status" -eq 75 ]
	keys t
	wait_for has_tile 1 detached
	wait_for screen_has 'lastprompt'
	screen_has_re '^│row 40 +│$'
	screen_lacks toprow
	screen_lacks_re '^│row 2 +│$'
}

@test "tiles: more runs than fit say +N more; moving past the last tile scrolls to the others" {
	start_ui
	resize 40 12
	local i
	for i in 1 2 3 4 5; do
		rx run --dir "$HOME" --yield 0.2 -- sh -c "printf '%s%s\n' word $i; sleep 30"
		[ "$status" -eq 75 ]
	done
	keys t
	wait_for screen_has '+1 more'
	wait_for screen_has word1
	screen_has word4
	screen_lacks word5
	keys Right Right Right Right
	wait_for screen_has word5
	wait_for screen_lacks word1
	screen_has '+1 more'
	# From the last, Tab goes round to the first.
	keys Tab
	wait_for screen_has word1
	wait_for screen_lacks word5
}

@test "tiles: the help overlay names t and still fits at 80x24" {
	start_ui
	resize 80 24
	keys '?'
	wait_for screen_has_re "│   t          tile every live run's screen \\(t again\\) +│"
	# Its first and last lines are there, inside its border.
	screen_has '│ rexec keys '
	screen_has_re '│   any key closes this help +│'
}

@test "tiles: what the console got while the tiles showed is there on the way back" {
	start_ui
	keys t
	wait_for screen_has 'no live runs'
	rx run --dir "$HOME" -- sh -c 'printf "%s%s\n" tiled word'
	[ "$status" -eq 0 ]
	wait_for screen_has ' 1 done'
	screen_lacks tiledword
	keys t
	wait_for screen_has '[console]'
	wait_for screen_has_re '^│tiledword +│$'
}

@test "tiles: console output past snapshot_bytes while tiled: a dim line says how much, then the newest lines" {
	printf '[viewer]\nsnapshot_bytes = 4096\n' >>"$REXEC_CONFIG"
	start_ui
	keys t
	wait_for screen_has 'no live runs'
	# One long line, then a short one: the host keeps the newest 4 KiB,
	# from the line start after the long line.
	rx run --dir "$HOME" -- sh -c 'head -c 200000 /dev/zero | tr "\0" x; echo; echo "last""line"'
	[ "$status" -eq 0 ]
	wait_for screen_has ' 1 done'
	keys t
	wait_for screen_has '[console]'
	wait_for screen_has_re '^│lastline +│$'
	screen_has_re '^│\[rexec: 20[0-9]{4} bytes not shown while tiled\] +│$'
	[ "$(screen | grep -n 'not shown while tiled' | cut -d: -f1)" -lt "$(screen | grep -n '│lastline' | cut -d: -f1)" ]
	screen_lacks xxxxxxxxxx
}

# Click on the screen of the tile whose border holds $1, a row below it.
click_tile() {
	local LC_ALL=C.UTF-8 line row=0 pre
	while IFS= read -r line; do
		if [[ "$line" == *"$1"* ]]; then
			pre=${line%%"$1"*}
			click "${#pre}" $((row + 1))
			return 0
		fi
		row=$((row + 1))
	done < <(screen)
	return 1
}

@test "tiles: a click on a tile selects it; Enter opens it; the wheel over tiles moves nothing" {
	start_ui
	resize 120 35
	three_runs
	keys t
	wait_for has_tile 3 '⌛ waiting'
	wait_for screen_has 'threeword?'
	selected_is '1 tester running'
	click_tile '3 tester ⌛ waiting'
	wait_for selected_is '3 tester ⌛ waiting'
	! selected_is '1 tester running'
	click_tile '2 tester detached'
	wait_for selected_is '2 tester detached'
	# Wheel up over the tiles: still tiled, the same one selected.
	t send-keys -t "$PANE" -l "$(printf '\e[M`++')"
	keys Enter
	wait_for screen_has "run 2: sh gated two word"
	screen_has twoword
}
