# tui_helpers.bash: what the TUI tests share.  Each test starts a
# headless host in the background and drives "rexec attach", the curses
# viewer, through a private tmux server (-L, -f /dev/null) of a fixed
# size; it polls capture-pane until a pattern shows and never sleeps for
# a fixed time.  Panes are named by their id (#{pane_id}), never by a
# name.  Load it after ../cli/helpers; call tui_setup and tui_teardown
# from the file's setup and teardown.

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
	PANE=
	NVIEWERS=0
	printf '[run]\nkill_grace = 0.3\nlinger = 0.5\n' \
		>"$BATS_TEST_TMPDIR/rexec.ini"
	export REXEC_CONFIG="$BATS_TEST_TMPDIR/rexec.ini"
}

tui_teardown() {
	tmux -L "$SOCK" kill-server 2>/dev/null || true
	# The viewers this test started end with their terminal; one that
	# has not within the deadline is ended here, never left behind.
	local f
	for f in "$BATS_TEST_TMPDIR"/viewer*.pid; do
		[ -s "$f" ] || continue
		VIEWER_PID=$(cat "$f")
		wait_for viewer_pid_gone || kill -KILL "$VIEWER_PID" 2>/dev/null || true
	done
	stop_host
	# The host's and the viewers' stderr: no sanitizer report.
	! cat "$BATS_TEST_TMPDIR"/host.err "$BATS_TEST_TMPDIR"/viewer*.err \
		2>/dev/null | grep -E 'runtime error|Sanitizer'
}

t() {
	tmux -L "$SOCK" "$@"
}

viewer_pid_gone() {
	! kill -0 "$VIEWER_PID" 2>/dev/null
}

# The command line of a viewer: "rexec attach" and its arguments, its
# pid, stderr and exit status in files named after $1 (viewer, viewer2
# ...).  The environment goes in explicitly: a tmux server does not hand
# the client's environment to new panes.
viewer_cmd() {
	local name=$1
	shift
	printf 'sh -c %q %q env HOME=%q REXEC_RUNTIME_DIR=%q'\
' REXEC_JOURNAL_DIR=%q REXEC_CONFIG=%q TERM=screen LANG=C.UTF-8'\
' LC_ALL=C.UTF-8 %q attach' 'echo $$ >"$0"; exec "$@"' \
		"$BATS_TEST_TMPDIR/$name.pid" "$HOME" "$REXEC_RUNTIME_DIR" \
		"$REXEC_JOURNAL_DIR" "$REXEC_CONFIG" "$REXEC"
	[ "$#" -eq 0 ] || printf ' %q' "$@"
	printf ' 2>%q; echo $? >%q; exec sleep 3600' \
		"$BATS_TEST_TMPDIR/$name.err" "$BATS_TEST_TMPDIR/$name.status"
}

# A viewer in a new 120x40 window of its own (a new session the first
# time); prints its pane's id.  The pane's shell outlives the viewer
# (tmux may not read what a process printed just before the pane died),
# so the test can read what the viewer printed as it ended.
new_viewer() {
	local name=$1 cmd
	shift
	cmd=$(viewer_cmd "$name" "$@")
	if t has-session 2>/dev/null; then
		LANG=C.UTF-8 t new-window -d -P -F '#{pane_id}' "$cmd"
	else
		LANG=C.UTF-8 t -u -f /dev/null new-session -d -P \
			-F '#{pane_id}' -x 120 -y 40 "$cmd" \; \
			set-option -g remain-on-exit on
	fi
}

# A headless host in the background, then the viewer in pane $PANE.
# Arguments go to "rexec attach".
start_ui() {
	[ -n "${HOST_PID:-}" ] || start_host
	PANE=$(new_viewer viewer "$@")
	wait_for screen_has '?:help'
}

# Another viewer, after start_ui, in a window of its own: sets PANE2.
start_viewer2() {
	PANE2=$(new_viewer viewer2 "$@")
	wait_for screen_has '?:help' -t "$PANE2"
}

# The screen of $PANE, or of the pane named by -t ID first.
screen() {
	local pane=$PANE
	if [ "${1:-}" = -t ]; then
		pane=$2
		shift 2
	fi
	t capture-pane -p -t "$pane" "$@"
}

screen_has() {
	screen "${@:2}" | grep -qF -- "$1"
}

screen_has_re() {
	screen "${@:2}" | grep -qE -- "$1"
}

# As commands of their own these fail a test; "! screen_has" would not.
screen_lacks() {
	! screen_has "$@"
}

screen_lacks_re() {
	! screen_has_re "$@"
}

# The viewer named $1 (default: viewer, in $PANE) has exited; its exit
# status is in $1.status.
viewer_exited() {
	[ -s "$BATS_TEST_TMPDIR/${1:-viewer}.status" ]
}

# The pid of the viewer named $1 (default: viewer).
viewer_pid() {
	cat "$BATS_TEST_TMPDIR/${1:-viewer}.pid"
}

viewer_status() {
	cat "$BATS_TEST_TMPDIR/${1:-viewer}.status"
}

keys() {
	t send-keys -t "$PANE" "$@"
}

# X10 mouse reports (TERM=screen in tmux): button 1 pressed and
# released at the 0-based column and row.
click() {
	local x y
	printf -v x '\\%03o' $(($1 + 33))
	printf -v y '\\%03o' $(($2 + 33))
	t send-keys -t "$PANE" -l "$(printf "\e[M $x$y\e[M#$x$y")"
}
