#!/usr/bin/env bats
# detached.bats: runs that answered early (yield) and go on in the
# background, as the curses UI shows them: the console's dim lines about
# them, the history's mark and clock, the status line's count, and Enter,
# k and i on them.  Driven through a private tmux server; every wait
# polls with a deadline.

load ../cli/helpers
load tui_helpers

setup() {
	tui_setup
}

teardown() {
	tui_teardown
}

DETACH_LINE='[run 1 continues in the background · rexec wait 1]'

# A run of sh -c "$1" that yields after 0.3 s and goes on detached.
detach() {
	rx run --dir "$HOME" --yield 0.3 -- sh -c "$1"
	[ "$status" -eq 75 ]
}

# The console line right after the one holding $1.
line_after() {
	screen | grep -A1 -F -- "$1" | sed -n 2p
}

# The duration shown in run $1's history row.
duration_of() {
	screen | grep -E "^│.? +$1 " | awk '{ for (i = 1; i <= NF; i++)
	    if ($i ~ /^[0-9.]+s$/) { print $i; exit } }'
}

# Is the line holding $1 drawn dim (and nothing but $1 in it dim)?
dim_line() {
	screen -e | grep -F -- "$1" | grep -qF $'\e[2m'"$1"
}

@test "detached: the console says so, dim; the history marks it; the status line counts it" {
	start_ui
	detach 'echo bg-started; sleep 30'
	[ "$output" = bg-started ]
	wait_for screen_has_re '^│\[run 1 continues in the background · rexec wait 1\] +│$'
	dim_line "$DETACH_LINE"
	wait_for screen_has_re '^│▶ +1  ⇥ bg +[0-9.]+s +tester +~ +sh -c'
	wait_for screen_has ' rexec  0 running · 1 detached · 0 queued · 0 done · journal '
	# Its clock goes on, as a running run's does.
	local d
	d=$(duration_of 1)
	[ -n "$d" ]
	wait_for eval '[ "$(duration_of 1)" != "$d" ]'
	# The console's turn moved on: the next run's banner follows the
	# marker's empty line, and the detached run's output stays out.
	rx run --dir "$HOME" -- echo after
	[ "$status" -eq 0 ]
	wait_for screen_has_re '^│after +│$'
	[[ "$(line_after "$DETACH_LINE")" =~ ^│\ +│$ ]]
	local blank
	blank=$(screen | grep -n -F -- "$DETACH_LINE" | cut -d: -f1)
	screen | sed -n "$((blank + 2))p" | grep -qE "^│\[[0-9T:-]+Z\] tester:$HOME \\$ echo after +│$"
	wait_for screen_has ' rexec  0 running · 1 detached · 0 queued · 1 done'
	"$REXEC" status >"$BATS_TEST_TMPDIR/st"
	grep -q '^0 running, 0 queued, 1 detached$' "$BATS_TEST_TMPDIR/st"
	grep -qE '^ +1  detached +[0-9.]+s  tester  ' "$BATS_TEST_TMPDIR/st"
	host_up
}

@test "detached: Enter shows its live screen; k aborts it; the console says how it ended" {
	start_ui
	detach 'echo bg-started; sleep 30'
	wait_for screen_has_re '^│▶ +1  ⇥ bg '
	keys Enter
	wait_for screen_has 'run 1: sh -c'
	wait_for screen_has_re '^│bg-started +│'
	screen_has 'live'
	keys k
	wait_for screen_has 'abort run 1? y/n'
	keys y
	wait_for screen_has_re '^│▶ +1  ✗ sig 15 '
	keys Escape
	wait_for screen_has 'follow'
	wait_for screen_has_re '^│\[run 1 ended: exit 143 \(aborted\) after [0-9.]+s\] +│$'
	dim_line '[run 1 ended: exit 143 (aborted) after '
	screen_has ' rexec  0 running · 0 queued · 1 done'
	rx wait 1
	[ "$status" -eq 143 ]
}

@test "detached: i types into a detached run waiting for input; its wait gets the answer" {
	start_ui
	detach 'printf "answer? "; read x; echo "answer was $x"'
	[ "$output" = 'answer?' ]
	wait_for screen_has_re '^│▶ +1  ⌛ bg input '
	# It asks for something: counted as waiting, not among the detached.
	wait_for screen_has ' rexec  0 running · 1 waiting · 0 queued · 0 done'
	keys i
	wait_for screen_has 'INPUT to run 1'
	wait_for screen_has_re '^│answer\? +│'
	keys -l yes
	keys Enter
	wait_for screen_has_re '^│answer was yes +│'
	keys C-]
	rx wait 1 --timeout 5
	[ "$status" -eq 0 ]
	[[ "$output" == *'answer was yes'* ]]
	wait_for screen_has_re '^│▶ +1  ✓ 0 '
	keys Escape
	wait_for screen_has_re '^│\[run 1 ended: exit 0 after [0-9.]+s\] +│$'
}

# Run sh -c "$1" with the terminal's NL left as it is (stty -onlcr), so
# its lines end in a bare "\n" as the host's own do.
bare_nl() {
	rx run --dir "$HOME" -- sh -c "stty -onlcr; $1"
	[ "$status" -eq 0 ]
}

@test "detached: a run's own text in the shape of those lines is not drawn dim" {
	start_ui
	# Run 1 has not detached: its claims about itself are plain output.
	bare_nl "echo '$DETACH_LINE'"
	bare_nl "echo '[run 1 ended: exit 0 after 0.0s]'"
	wait_for screen_has_re '^│\[run 1 ended: exit 0 after 0.0s\] +│$'
	screen_has_re '^│\[run 1 continues in the background · rexec wait 1\] +│$'
	! dim_line "$DETACH_LINE"
	! dim_line '[run 1 ended: '
	# Run 3 detaches; run 4 repeats its line after the host's own passed.
	detach 'sleep 30'
	local line3='[run 3 continues in the background · rexec wait 3]'
	wait_for screen_has "$line3"
	dim_line "$line3"
	bare_nl "echo '$line3'"
	wait_for screen_has_re '4 +✓ 0 '
	# Two such lines at a line start; only the first, the host's, is dim.
	[ "$(screen | grep -c '^│\[run 3 continues ')" -eq 2 ]
	[ "$(screen -e | grep -c $'^│\e\\[2m\\[run 3 continues ')" -eq 1 ]
	# So with its ended line: run 5 repeats it, word for word.
	rx kill 3
	wait_for screen_has_re '^│\[run 3 ended: exit 143 \(aborted\) after [0-9.]+s\] +│$'
	local ended
	ended=$(screen | grep -o '^│\[run 3 ended: [^]]*\]' | cut -c4-)
	bare_nl "echo '$ended'"
	wait_for screen_has_re '5 +✓ 0 '
	[ "$(screen | grep -cF "│$ended")" -eq 2 ]
	[ "$(screen -e | grep -cF $'│\e[2m'"$ended")" -eq 1 ]
}

@test "detached: a run that detached and ended while another had the console gets its lines at its turn" {
	start_ui
	"$REXEC" run --dir "$HOME" -- sh -c \
		"echo first; while [ ! -e '$BATS_TEST_TMPDIR/go' ]; do sleep 0.05; done" \
		>/dev/null 2>&1 &
	local client=$!
	wait_for screen_has_re '^│first +│$'
	detach 'echo second-out; sleep 30'
	wait_for screen_has_re '^│▶ +2  ⇥ bg '
	rx kill 2
	rx wait 2 --timeout 10
	[ "$status" -eq 143 ]
	wait_for screen_has_re '^│▶ +2  ✗ sig 15 '
	# Run 1 still has the console: run 2's text waits for its turn.
	screen_lacks_re '^│second-out'
	touch "$BATS_TEST_TMPDIR/go"
	wait "$client"
	wait_for screen_has_re '^│\[run 2 ended: exit 143 \(aborted\) after [0-9.]+s\] +│$'
	dim_line '[run 2 continues in the background · rexec wait 2]'
	dim_line '[run 2 ended: exit 143 (aborted) after '
	screen | grep -A3 '^│second-out' | tr -s ' ' |
		sed 's/after [0-9.]*s/after Ts/' >"$BATS_TEST_TMPDIR/c"
	diff - "$BATS_TEST_TMPDIR/c" <<-'END'
	│second-out │
	│[run 2 continues in the background · rexec wait 2] │
	│ │
	│[run 2 ended: exit 143 (aborted) after Ts] │
	END
	screen_has ' rexec  0 running · 0 queued · 2 done'
}
