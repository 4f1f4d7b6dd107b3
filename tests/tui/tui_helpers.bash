# tui_helpers.bash: what the TUI tests share.  Each test drives the host's
# curses UI through a private tmux server (-L, -f /dev/null) of a fixed
# size, polls capture-pane until a pattern shows and never sleeps for a
# fixed time.  Load it after ../cli/helpers; call tui_setup and
# tui_teardown from the file's setup and teardown.

tui_setup() {
	setup_dirs
	export REXEC_WHOAMI=tester
	# Drawing through tmux on a loaded 2-core machine (the ASan build runs
	# beside other tests) can take longer than the default deadline.
	export WAIT_SECONDS=30
	unset TMUX
	# The server's socket lives (and dies) in the test's directory.
	export TMUX_TMPDIR="$BATS_TEST_TMPDIR"
	SOCK="rexec-test-$$"
	printf '[run]\nkill_grace = 0.3\nlinger = 0.5\n' \
		>"$BATS_TEST_TMPDIR/rexec.ini"
	export REXEC_CONFIG="$BATS_TEST_TMPDIR/rexec.ini"
}

tui_teardown() {
	tmux -L "$SOCK" kill-server 2>/dev/null || true
	# The host's stderr (curses owns the terminal): no sanitizer report.
	! grep -E 'runtime error|Sanitizer' "$BATS_TEST_TMPDIR/host.err" \
		2>/dev/null
}

t() {
	tmux -L "$SOCK" "$@"
}

# The host with its UI in a 120x40 pane; the pane stays after it exits so
# the test can read its exit status.  The environment goes in explicitly:
# a tmux server does not hand the client's environment to new sessions.
start_ui() {
	local cmd
	cmd=$(printf 'env HOME=%q REXEC_RUNTIME_DIR=%q REXEC_JOURNAL_DIR=%q'\
' REXEC_CONFIG=%q TERM=screen LANG=C.UTF-8 LC_ALL=C.UTF-8 %q host 2>%q; echo $? >%q' \
		"$HOME" "$REXEC_RUNTIME_DIR" "$REXEC_JOURNAL_DIR" \
		"$REXEC_CONFIG" "$REXEC" "$BATS_TEST_TMPDIR/host.err" \
		"$BATS_TEST_TMPDIR/host.status")
	LANG=C.UTF-8 t -u -f /dev/null new-session -d -s rx -x 120 -y 40 \
		"$cmd" \; set-option -t rx remain-on-exit on
	wait_for screen_has '?:help'
	wait_for host_up
}

screen() {
	t capture-pane -p -t rx "$@"
}

screen_has() {
	screen | grep -qF -- "$1"
}

screen_has_re() {
	screen | grep -qE -- "$1"
}

# As commands of their own these fail a test; "! screen_has" would not.
screen_lacks() {
	! screen_has "$1"
}

screen_lacks_re() {
	! screen_has_re "$1"
}

# The pane's process ended.  Its exit status is in host.status: tmux
# 3.3a does not always fill in #{pane_dead_status}.
pane_dead() {
	[ "$(t display-message -p -t rx '#{pane_dead}')" = 1 ] &&
		[ -s "$BATS_TEST_TMPDIR/host.status" ]
}

keys() {
	t send-keys -t rx "$@"
}

# X10 mouse reports (TERM=screen in tmux): button 1 pressed and
# released at the 0-based column and row.
click() {
	local x y
	printf -v x '\\%03o' $(($1 + 33))
	printf -v y '\\%03o' $(($2 + 33))
	t send-keys -t rx -l "$(printf "\e[M $x$y\e[M#$x$y")"
}
