#!/usr/bin/env bats
# tui.bats: the curses viewer (rexec attach) of a headless host, driven
# through a private tmux server (-L, -f /dev/null) of a fixed size.  Tests poll capture-pane until a pattern
# shows; they never sleep for a fixed time.

load ../cli/helpers
load tui_helpers

setup() {
	tui_setup
}

teardown() {
	tui_teardown
}

@test "tui: the UI shows its status line, panes and key hints" {
	start_ui
	screen_has 'rexec  0 running · 0 queued · 0 done · journal '
	screen_has 'console'
	screen_has 'history'
	screen_has 'd detach'
}

@test "tui: a run shows its banner and output in the console, and a history line" {
	start_ui
	rx run --dir "$HOME" -- echo hello
	[ "$status" -eq 0 ]
	[ "$output" = hello ]
	wait_for screen_has_re '^│hello +│$'
	screen_has_re '^│\[[0-9T:-]+Z\] tester:'
	screen_has "Z] tester:$HOME \$ echo hello"
	wait_for screen_has_re '^│▶ +1 +✓ 0 +[0-9.]+s +tester +~ +echo hello'
	screen_has '0 running · 0 queued · 1 done'
}

@test "tui: the banner is highlighted and colours reach the screen" {
	start_ui
	rx run --dir "$HOME" -- printf '\033[31mred\033[0m plain\n'
	[ "$status" -eq 0 ]
	wait_for screen_has 'red plain'
	screen -e | grep -qF $'\e[31mred\e[39m plain'
	screen -e | grep -F "tester:$HOME" | grep -qF $'\e[1m'
}

@test "tui: a progress bar shows its final state" {
	start_ui
	rx run -- sh -c 'for i in 1 2 3 4; do printf "\rprogress %d%%" $((i * 25)); done; printf "\rprogress done\n"'
	[ "$status" -eq 0 ]
	wait_for screen_has_re '^│progress done +│$'
	screen_lacks 'progress 25%'
}

@test "tui: the history shows a failing run's exit code" {
	start_ui
	rx run -- sh -c 'exit 3'
	[ "$status" -eq 3 ]
	wait_for screen_has_re '1 +✗ 3 '
}

@test "tui: an empty console says what it waits for, until the first banner" {
	start_ui
	wait_for screen_has_re '^│waiting for agents: rexec run --whoami NAME -- CMD +│$'
	screen -e | grep -F 'waiting for agents' | grep -qF $'\e[2m'
	rx run --dir "$HOME" -- echo first-run
	[ "$status" -eq 0 ]
	wait_for screen_has_re '^│first-run +│$'
	screen_lacks 'waiting for agents'
}

@test "tui: an argument's newline shows as \\n in the banner and the history" {
	start_ui
	# The argument holds a real newline, as agents' scripts do: shown as
	# a shell would quote it, on the banner's one line.
	rx run --dir "$HOME" -- sh -c 'echo one
echo two'
	[ "$status" -eq 0 ]
	wait_for screen_has_re '^│two +│$'
	screen_has_re '^│one +│$'
	screen_has "Z] tester:$HOME \$ sh -c \$'echo one\\necho two'"
	wait_for screen_has_re "^│▶ +1 .* sh -c \\\$'echo one\\\\necho two'"
	screen_lacks '↵'
}

@test "tui: a request's strings are escaped in the banner, history and title" {
	local shown
	start_ui
	# OSC 52 sets the clipboard, OSC 2 the title: the argument is sh's $0,
	# so only the banner, the history and the title show it.
	send_line '{"id":"t1","whoami":"w","dir":"/","exec":["sh","-c","echo found","\u001b]52;c;SGVsbG8=\u0007\u001b]2;PWNED\u0007"]}'
	shown="sh -c 'echo found' \$'\\e]52;c;SGVsbG8=\\a\\e]2;PWNED\\a'"
	wait_for screen_has_re '^│found +│$'
	screen_has "Z] w:/ \$ $shown"
	wait_for screen_has_re "^│▶ +1 .* w +/ +sh -c 'echo found' \\\$'"
	[ "$(screen | grep -cF -- "$shown")" -eq 2 ]
	keys Enter
	wait_for screen_has "run 1: $shown"
	# Nothing reached tmux, the human's terminal here.
	[ "$(t display-message -p -t "$PANE" '#{pane_title}')" != PWNED ]
	[ -z "$(t list-buffers)" ]
}

@test "tui: ? shows the help overlay, any key closes it" {
	start_ui
	keys '?'
	wait_for screen_has 'abort the selected run'
	screen_has 'switch pane'
	keys x
	wait_for eval '! screen_has "abort the selected run"'
}

@test "tui: the help overlay fits its longest line in 80 columns" {
	start_ui
	t resize-window -t "$PANE" -x 80 -y 30
	wait_for screen_has_re '^└ Tab pane.*┘$'
	keys '?'
	wait_for screen_has 'abort the selected run'
	screen_has '/          filter the history; n, N next, previous │'
}

@test "tui: on a terminal narrower than the help, its lines are cut at its border" {
	start_ui
	t resize-window -t "$PANE" -x 40 -y 30
	wait_for screen_has_re '^└ Tab pane.*┘$'
	keys '?'
	wait_for screen_has 'abort the selected'
	screen | grep -F 'filter the history' | LC_ALL=C.UTF-8 grep -qE '^│ .{36} │$'
	screen_has_re '^┌ help ─+┐$'
	screen_has_re '^└─+┘$'
}

@test "tui: d detaches at once; the host goes on" {
	start_ui
	keys d
	wait_for viewer_exited
	[ "$(viewer_status)" = 0 ]
	wait_for screen_has '[detached]'
	host_up
}

@test "tui: q detaches, saying how many runs keep running; they go on" {
	start_ui
	"$REXEC" run -- sh -c 'sleep 1; echo slept' >"$BATS_TEST_TMPDIR/out" 2>&1 &
	local client=$!
	wait_for screen_has '1 running'
	keys q
	wait_for viewer_exited
	[ "$(viewer_status)" = 0 ]
	wait_for screen_has '[detached]'
	screen_has 'rexec: 1 run keeps running in the host'
	wait "$client"
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = slept ]
	host_up
}

@test "tui: Q asks, naming the runs it ends; n keeps going, y stops the host" {
	start_ui
	"$REXEC" run -- sleep 30 >"$BATS_TEST_TMPDIR/out" 2>&1 &
	local client=$!
	wait_for screen_has '1 running'
	keys Q
	wait_for screen_has 'stop the host, ending 1 run? y/n'
	keys n
	wait_for eval '! screen_has "stop the host"'
	host_up
	keys Q
	wait_for screen_has 'stop the host, ending 1 run? y/n'
	keys y
	wait_for viewer_exited
	[ "$(viewer_status)" = 0 ]
	wait_for screen_has '[detached: host stopped]'
	local rc=0
	wait "$client" || rc=$?
	[ "$rc" -ne 0 ]
	wait_for host_gone
	! host_up
}

@test "tui: k aborts the selected run after a confirm" {
	start_ui
	"$REXEC" run -- sleep 30 >"$BATS_TEST_TMPDIR/out" 2>&1 &
	local client=$!
	wait_for screen_has_re '▶ +1 +⟳ running'
	keys k
	wait_for screen_has 'abort run 1? y/n'
	keys y
	local rc=0
	wait "$client" || rc=$?
	[ "$rc" -ne 0 ]
	wait_for screen_has_re '1 +✗ sig [0-9]+'
	host_up
}

@test "tui: Enter opens the selected run's own screen, Esc goes back" {
	start_ui
	"$REXEC" run -- sh -c 'printf "\033[2J\033[3;5Hmarker-here"; sleep 30' \
		>/dev/null 2>&1 &
	wait_for screen_has_re '▶ +1 +⟳ running'
	keys Enter
	wait_for screen_has 'run 1: sh -c'
	screen_has_re '^│    marker-here'
	keys Escape
	wait_for screen_has 'follow'
	screen_lacks 'run 1: sh -c'
	"$REXEC" status >/dev/null 2>&1 || true
}

@test "tui: a terminal resize re-lays out every pane" {
	start_ui
	rx run --dir "$HOME" -- echo before-resize
	wait_for screen_has_re '^│before-resize +│$'
	t resize-window -t "$PANE" -x 80 -y 30
	wait_for screen_has_re '^└ Tab pane.*┘$'
	[ "$(screen | head -n 1 | wc -L)" -le 80 ]
	screen | grep -E '^┌ ' | grep -qE '^.{79}┐$'
	screen_has_re '^│before-resize +│$'
	rx run --dir "$HOME" -- echo after-resize
	wait_for screen_has_re '^│after-resize +│$'
}

@test "tui: PgUp scrolls the console back, End follows again" {
	start_ui
	rx run --dir "$HOME" -- seq 1 200
	wait_for screen_has_re '^│200 +│$'
	keys PPage
	wait_for screen_has 'scrolled'
	screen_lacks_re '^│200 +│$'
	keys End
	wait_for screen_has 'follow'
	screen_has_re '^│200 +│$'
}

@test "tui: the host's own lines start at column 0" {
	printf '[run]\nkill_grace = 0.3\nlinger = 0.5\ntimeout = 0.3\n' \
		>"$REXEC_CONFIG"
	start_ui
	rx run --dir "$HOME" -- sh -c 'printf partial; sleep 10'
	[ "$status" -eq 124 ]
	wait_for screen_has_re '^│\[rexec: timeout\] +│$'
	screen_has_re '^│partial +│$'
	wait_for screen_has_re '1 +✗ timeout'
}

@test "tui: Tab moves the focus between the panes" {
	start_ui
	screen_has '[console]'
	keys Tab
	wait_for screen_has '[history]'
	screen_lacks '[console]'
}

@test "tui: wide characters take two columns" {
	start_ui
	rx run --dir "$HOME" -- printf '日本語|end\n'
	wait_for screen_has_re '^│日本語\|end +│$'
	screen | grep -E '^│日本語\|end' | grep -qE '^│日本語\|end {108}│$'
}

@test "tui: a title or clipboard sequence never reaches the terminal" {
	start_ui
	rx run --dir "$HOME" -- printf '\033]0;evil-title\007\033]52;c;aGVsbG8=\007safe-text\n'
	[ "$status" -eq 0 ]
	wait_for screen_has_re '^│safe-text +│$'
	[[ "$(t display-message -p -t "$PANE" '#{pane_title}')" != *evil* ]]
	! t show-buffer 2>/dev/null | grep -q hello
}

@test "tui: a run blocked reading its terminal shows as waiting for input" {
	start_ui
	"$REXEC" run --dir "$HOME" -- sh -c 'read x; echo got $x' \
		>/dev/null 2>&1 &
	wait_for screen_has_re '▶ +1 +⌛ input'
	keys k
	wait_for screen_has 'abort run 1? y/n'
	keys y
	wait_for screen_has_re '1 +✗ '
}

@test "tui: the mouse wheel scrolls the console" {
	start_ui
	rx run --dir "$HOME" -- seq 1 200
	wait_for screen_has_re '^│200 +│$'
	# An X10 mouse report (TERM=screen in tmux): wheel up at 10,10.
	t send-keys -t "$PANE" -l $'\e[M`**'
	wait_for screen_has 'scrolled'
}

@test "tui: i sends keys to the selected run until it ends" {
	start_ui
	"$REXEC" run --dir "$HOME" -- sh -c 'read x; echo got $x' \
		>"$BATS_TEST_TMPDIR/out" 2>&1 &
	local client=$!
	wait_for screen_has_re '▶ +1 +⌛ input'
	keys i
	wait_for screen_has 'INPUT to run 1'
	screen_has 'run 1: sh -c'
	keys -l 'typed words'
	keys Enter
	wait "$client"
	# The terminal echoes what was typed, as it would for a human.
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = "typed words
got typed words" ]
	wait_for screen_has 'run 1 ended: input back to rexec'
	screen_has_re '^│got typed words +│'
	wait_for screen_has_re '1 +✓ 0'
}

@test "tui: a ^C typed into a run reaches it as SIGINT; ^] gives the keys back" {
	start_ui
	"$REXEC" run --dir "$HOME" -- sh -c 'trap "echo caught; exit 7" INT; while :; do read x && echo "line $x"; done' \
		>"$BATS_TEST_TMPDIR/out" 2>&1 &
	local client=$!
	wait_for screen_has_re '▶ +1 +⌛ input'
	keys i
	wait_for screen_has 'INPUT to run 1'
	keys -l 'one'
	keys Enter
	wait_for screen_has_re '^│line one +│'
	# ^] leaves input mode: Q is rexec's again (and asks).
	keys C-]
	wait_for eval '! screen_has "INPUT to run 1"'
	keys Q
	wait_for screen_has 'stop the host, ending 1 run? y/n'
	keys n
	keys i
	wait_for screen_has 'INPUT to run 1'
	keys C-c
	local rc=0
	wait "$client" || rc=$?
	[ "$rc" -eq 7 ]
	grep -q caught "$BATS_TEST_TMPDIR/out"
	wait_for screen_has_re '1 +✗ 7'
}

@test "tui: i on a run that has ended says so" {
	start_ui
	rx run --dir "$HOME" -- echo done-already
	wait_for screen_has_re '1 +✓ 0'
	keys i
	wait_for screen_has 'input: select a running run'
}

@test "tui: k on a run that has ended says so, and asks nothing" {
	start_ui
	rx run --dir "$HOME" -- echo over-already
	wait_for screen_has_re '1 +✓ 0'
	keys k
	wait_for screen_has 'run 1 has ended'
	screen_lacks 'y/n'
	# Opened, the same.
	keys Enter
	wait_for screen_has 'run 1: echo over-already'
	keys k
	wait_for screen_has 'run 1 has ended'
	screen_lacks 'y/n'
}

@test "tui: Enter on a finished run shows its final screen from the recording" {
	start_ui
	rx run --dir "$HOME" -- sh -c 'printf "\033[2J\033[4;3H\033[32mgreen-final\033[0m\n"'
	[ "$status" -eq 0 ]
	wait_for screen_has_re '1 +✓ 0'
	keys Enter
	wait_for screen_has_re '^│  green-final +│'
	screen_has 'run 1: sh -c'
	screen_has 'ended'
	screen -e | grep -qF $'\e[32mgreen-final'
	keys Escape
	wait_for screen_has 'follow'
}

@test "tui: a finished run without a recording says why" {
	printf '[run]\nkill_grace = 0.3\nlinger = 0.5\n[record]\nenabled = false\n' \
		>"$REXEC_CONFIG"
	start_ui
	rx run --dir "$HOME" -- echo unrecorded
	wait_for screen_has_re '1 +✓ 0'
	keys Enter
	wait_for screen_has_re '1\.cast: No such file or directory'
	screen_has 'no screen'
}

@test "tui: r replays a finished run; space pauses, . skips to the end" {
	start_ui
	rx run --dir "$HOME" -- sh -c 'echo first-part; sleep 1; echo second-part'
	[ "$status" -eq 0 ]
	wait_for screen_has_re '1 +✓ 0'
	keys r
	wait_for screen_has 'replay '
	wait_for screen_has_re '^│first-part +│'
	keys Space
	wait_for screen_has 'replay paused'
	screen_lacks_re '^│second-part'
	# Elapsed and the whole, as m:ss.
	screen_has_re 'replay paused x1 0:0[01] / 0:01'
	keys +
	wait_for screen_has 'paused x2'
	keys .
	wait_for screen_has_re '^│second-part +│'
	wait_for screen_has 'replay end x2 0:01 / 0:01'
	keys r
	wait_for eval '! screen_has "replay end"'
	keys Escape
	wait_for screen_has 'follow'
}

@test "tui: a flood reaches its last line; what was skipped is said" {
	start_ui
	rx run --dir "$HOME" -- sh -c 'yes 0123456789abcde | head -c 30000000; echo last-line-of-flood'
	[ "$status" -eq 0 ]
	wait_for screen_has_re '^│last-line-of-flood +│'
	keys PPage PPage PPage
	wait_for screen_has 'scrolled'
	keys End
	wait_for screen_has 'follow'
	host_up
}

@test "tui: typed cursor keys follow the run's modes; BackSpace sends DEL" {
	start_ui
	"$REXEC" run --dir "$HOME" -- sh -c 'printf "\033[?1h"; stty raw -echo; head -c 4 | od -An -tx1' \
		>"$BATS_TEST_TMPDIR/out" 2>&1 &
	local client=$!
	wait_for screen_has_re '▶ +1 +⌛ input'
	keys i
	wait_for screen_has 'INPUT to run 1'
	keys Up BSpace x
	wait "$client"
	# Application cursor mode (DECCKM): ESC O A, not ESC [ A.
	grep -q '1b 4f 41 7f' "$BATS_TEST_TMPDIR/out"
}

@test "tui: [ui] layout = vertical puts the history beside the console" {
	printf '[ui]\nlayout = vertical\n' >"$REXEC_CONFIG"
	start_ui
	rx run --dir "$HOME" -- echo side-by-side
	# One row holds both boxes' tops; the banner and the history's first
	# row share the next one.
	wait_for screen_has_re '^┌ \[console\] ─+ follow ┬ history ─+┐$'
	wait_for screen_has_re '^│\[[0-9T:-]+Z\] tester:.*│▶ +1 +✓ 0 '
	screen_has_re '^│side-by-side +│ +│$'
	screen_has_re '^└ Tab pane.*┘$'
	keys Tab
	wait_for screen_has '[history]'
}
