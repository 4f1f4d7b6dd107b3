#!/usr/bin/env bats
# history.bats: the history pane's past runs (from earlier sessions'
# journals) and its filter, through the curses UI in a private tmux
# server (see tui_helpers.bash).

load ../cli/helpers
load tui_helpers

setup() {
	tui_setup
}

teardown() {
	stop_host
	tui_teardown
}

# An earlier session: a headless host that runs each argument as a
# command (split at spaces) in $HOME, then stops.
past_session() {
	local c
	start_host
	for c in "$@"; do
		# shellcheck disable=SC2086
		rx run --dir "$HOME" -- $c
	done
	stop_host
}

# The history's rows.  (A run of this session shows in the console too.)
history_rows() {
	screen | grep -E '^│[▶ ] +[0-9]+[· ] '
}

history_has() {
	history_rows | grep -qF -- "$1"
}

# As a command of its own, unlike "! history_has", it fails the test.
history_lacks() {
	! history_has "$1"
}

# The screen row (from 1) of the history row that has the text.
row_of() {
	screen | grep -nE '^│[▶ ] +[0-9]+[· ] ' | grep -F -- "$1" |
		head -n 1 | cut -d: -f1
}

# A journal written by hand, as an earlier session named $1; the lines
# come on stdin.
past_journal() {
	mkdir -p -m 700 "$REXEC_JOURNAL_DIR"
	cat >"$REXEC_JOURNAL_DIR/$1.jsonl"
}

history_title() {
	screen | grep -E '^├ ' | head -n 1
}

@test "history: runs of an earlier session show as past after a restart" {
	past_session 'echo one' 'false'
	past_session 'echo two'
	start_ui
	wait_for screen_has_re '^│ +1· ✓ 0 +[0-9.]+s +tester +~ +echo one'
	screen_has_re '^│ +2· ✗ 1 +[0-9.]+s +tester +~ +false'
	# The newest past run is selected until this session has one.
	screen_has_re '^│▶ +3· ✓ 0 +[0-9.]+s +tester +~ +echo two'
	# Past rows are dim; they are not this session's runs.
	screen -e | grep -F 'echo one' | grep -qF $'\e[2m'
	screen_has '0 running · 0 queued · 0 done'
	rx run --dir "$HOME" -- echo three
	wait_for screen_has_re '^│▶ +4  ✓ 0 +[0-9.]+s +tester +~ +echo three'
	# Past runs stay above this session's, oldest first.
	[ "$(row_of 'echo one')" -lt "$(row_of false)" ]
	[ "$(row_of false)" -lt "$(row_of 'echo two')" ]
	[ "$(row_of 'echo two')" -lt "$(row_of 'echo three')" ]
	screen_has '1 done'
}

# A session's start as the separator shows it: its name's UTC time, local.
session_start() {
	date -d "$1 UTC" '+%Y-%m-%d %H:%M'
}

@test "history: a separator names each earlier session, its start and how it ended; arrows skip it" {
	past_journal 2026-12-06-03:15:00 <<'EOF2'
{"whoami":"Alice","dir":"/srv/a","exec":["echo","first-of-a"],"exit":0,"error":null,"seq":1,"duration_ms":100}
{"whoami":"Alice","dir":"/srv/a","exec":["sleep","99"],"exit":143,"signal":15,"error":"shutdown","seq":2,"duration_ms":5000}
EOF2
	past_journal 2026-12-06-04:00:00-2 <<'EOF2'
{"whoami":"Bob","dir":"/srv/b","exec":["echo","only-of-b"],"exit":0,"error":null,"seq":1,"duration_ms":100}
EOF2
	local a b
	a=$(session_start '2026-12-06 03:15:00')
	b=$(session_start '2026-12-06 04:00:00')
	start_ui
	wait_for screen_has "│── session $a · ended: shutdown ──"
	screen_has "│── session $b · ended: idle ──"
	# A run the stop ended says so, not its signal.
	screen_has_re '^│ +2· ✗ shutdown +5\.0s +Alice .* sleep 99'
	screen_lacks 'sig 15'
	# Each separator is above its session's rows.
	local sa sb
	sa=$(screen | grep -nF "── session $a" | cut -d: -f1)
	sb=$(screen | grep -nF "── session $b" | cut -d: -f1)
	[ "$sa" -lt "$(row_of first-of-a)" ]
	[ "$(row_of 'sleep 99')" -lt "$sb" ]
	[ "$sb" -lt "$(row_of only-of-b)" ]
	# Up from the newer session's run goes over the separator.
	screen_has_re '^│▶ +1· ✓ 0 .* echo only-of-b'
	keys Up
	wait_for screen_has_re '^│▶ +2· ✗ shutdown'
	keys Up Up Up
	wait_for screen_has_re '^│▶ +1· ✓ 0 .* echo first-of-a'
	# A click on a separator selects nothing.
	click 2 $((sb - 1))
	keys Down
	wait_for screen_has_re '^│▶ +2· ✗ shutdown'
	# An old run's title names its session, open and replayed.
	keys Enter
	wait_for screen_has "run 2 (session $a): sleep 99"
	keys Escape
	# This session's rows get one too, under the earlier ones.
	rx run --dir "$HOME" -- echo of-this-one
	wait_for screen_has_re '^│[▶ ] +[0-9]+  ✓ 0 .* echo of-this-one'
	screen_has_re '^│── this session [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} ─'
	[ "$(screen | grep -nF '── this session' | cut -d: -f1)" -lt \
		"$(row_of of-this-one)" ]
	[ "$(screen | grep -nF '── this session' | cut -d: -f1)" -gt \
		"$(row_of only-of-b)" ]
	# At 80x24 and 60x20 (the history beside or under the console) a
	# separator keeps to its row and the selection stays in view.
	keys Down Down Down Down
	wait_for screen_has_re '^│▶ +[0-9]+  ✓ 0 .* echo of-this-one'
	t resize-window -t "$PANE" -x 80 -y 24
	wait_for screen_has_re '── this session [0-9-]+ [0-9:]+ ─+│$'
	screen_has_re '▶ +[0-9]+  ✓ 0 .* echo of-this-one'
	t resize-window -t "$PANE" -x 60 -y 20
	wait_for screen_has_re '── this session [0-9-]+ [0-9:]+ ─+│$'
	screen_has_re '▶ +[0-9]+  ✓ 0 .* echo of-this-one'
	keys Up
	wait_for screen_has_re '▶ +1· ✓ 0 .* echo only-of-b'
	screen_has "── session $b"
	t resize-window -t "$PANE" -x 120 -y 40
	# Filtered, only the sessions with a match keep their separator.
	keys / o n l y Enter
	wait_for eval 'history_title | grep -qF "history /only (1 of 4)"'
	screen_has "── session $b"
	screen_lacks "── session $a"
	screen_lacks '── this session'
}

@test "history: runs a host stop ended show shutdown under their session's separator" {
	start_host
	rx run --dir "$HOME" -- echo before-stop
	rx run --dir "$HOME" --yield 0.2 -- sleep 60
	[ "$status" -eq 75 ]
	stop_host
	start_ui
	wait_for screen_has_re '^│▶ +2· ✗ shutdown .* sleep 60'
	screen_has_re '^│── session [0-9-]+ [0-9:]+ · ended: shutdown ─'
	screen_lacks 'sig 15'
}

@test "history: a session whose host died with a run going says which run it lost" {
	start_host
	rx run --dir "$HOME" -- echo journaled
	rx run --dir "$HOME" --yield 0.2 -- sleep 2
	[ "$status" -eq 75 ]
	# No stop: the host dies with run 2 going, which gets no line.
	kill -KILL "$HOST_PID"
	wait_for host_gone
	HOST_PID=
	start_ui
	wait_for screen_has_re '^│── session [0-9-]+ [0-9:]+ · ended: run 2 lost ─'
	screen_has_re '^│▶ +1· ✓ 0 .* echo journaled'
}

@test "history: [ui] history limits the past runs, across sessions" {
	past_session 'echo run-a' 'echo run-b'
	past_session 'echo run-c' 'echo run-d'
	printf '[run]\nkill_grace = 0.3\nlinger = 0.5\n[ui]\nhistory = 3\n' \
		>"$REXEC_CONFIG"
	start_ui
	wait_for screen_has_re '^│▶ +4· ✓ 0 .* echo run-d'
	screen_has_re '^│ +3· ✓ 0 .* echo run-c'
	screen_has_re '^│ +2· ✓ 0 .* echo run-b'
	screen_lacks 'run-a'
}

@test "history: [ui] history = 0 shows no past runs" {
	past_session 'echo old-run'
	printf '[ui]\nhistory = 0\n' >"$REXEC_CONFIG"
	start_ui
	rx run --dir "$HOME" -- echo new-run
	wait_for screen_has_re '^│▶ +2  ✓ 0 .* echo new-run'
	screen_lacks 'old-run'
}

@test "history: / filters by text, n and N step through matches, Esc clears" {
	past_session 'echo apple' 'echo banana'
	start_ui
	rx run --dir "$HOME" -- echo apricot
	rx run --dir "$HOME" -- echo cherry
	wait_for screen_has_re '^│▶ +4  ✓ 0 .* echo cherry'
	keys /
	wait_for screen_has_re '^└ / ─'
	keys A P x BSpace
	wait_for screen_has_re '^└ /AP ─'
	# The cursor waits after the text in the bottom line.
	[ "$(t display-message -p -t "$PANE" \
		'#{cursor_flag} #{cursor_x} #{cursor_y}')" = '1 5 39' ]
	# The history narrows as the filter is typed, before Enter.
	wait_for eval 'history_title | grep -qF "history /AP (2 of 4)"'
	history_lacks 'banana'
	keys Enter
	wait_for screen_has 'Tab pane'
	history_title | grep -qF "history /AP (2 of 4)"
	screen_lacks 'banana'
	history_lacks 'cherry'
	screen_has_re '^│ +1· ✓ 0 .* echo apple'
	screen_has_re '^│▶ +3  ✓ 0 .* echo apricot'
	keys n
	wait_for screen_has_re '^│▶ +1· ✓ 0 .* echo apple'
	keys n
	wait_for screen_has_re '^│▶ +3  ✓ 0 .* echo apricot'
	keys N
	wait_for screen_has_re '^│▶ +1· ✓ 0 .* echo apple'
	keys N
	wait_for screen_has_re '^│▶ +3  ✓ 0 .* echo apricot'
	# A new run that matches shows; one that does not stays out.
	rx run --dir "$HOME" -- echo grape
	rx run --dir "$HOME" -- echo date
	wait_for eval 'history_title | grep -qF "history /AP (3 of 6)"'
	history_lacks 'echo date'
	# The selection was on the newest match, so it follows.
	screen_has_re '^│▶ +5  ✓ 0 .* echo grape'
	keys Escape
	wait_for eval 'history_title | grep -qE "^├ history ─"'
	history_has 'echo banana'
	history_has 'echo cherry'
	history_has 'echo date'
}

@test "history: a click selects a filtered row, past or not" {
	past_session 'echo apple' 'echo banana'
	start_ui
	rx run --dir "$HOME" -- echo apricot
	wait_for screen_has_re '^│▶ +3  ✓ 0 .* echo apricot'
	keys / a p Enter
	wait_for eval 'history_title | grep -qF "history /ap (2 of 3)"'
	# The history's first row is screen row 27 in a 40-row terminal:
	# the earlier session's separator; this session's is above apricot.
	local row
	row=$(($(row_of 'echo apple') - 1))
	[ "$row" -eq 28 ]
	click 10 "$row"
	wait_for screen_has_re '^│▶ +1· ✓ 0 .* echo apple'
	wait_for screen_has '[history /ap (2 of 3)]'
	row=$(($(row_of 'echo apricot') - 1))
	[ "$row" -eq 30 ]
	click 10 "$row"
	wait_for screen_has_re '^│▶ +3  ✓ 0 .* echo apricot'
	# A click below the last match selects nothing else.
	click 10 $((row + 1))
	keys n
	wait_for screen_has_re '^│▶ +1· ✓ 0 .* echo apple'
}

# A program whose command line does not say what it prints.
emitter() {
	printf '#!/bin/sh\nprintf "alpha\\nfound the NEE""DLE-42 line\\nomega\\n"\n' \
		>"$HOME/emit"
	chmod +x "$HOME/emit"
}

@test "history: o makes the filter look at what runs printed, past and present" {
	mkdir -p "$HOME"
	emitter
	past_session "$HOME/emit" 'echo plain'
	start_ui
	wait_for screen_has_re '^│▶ +2· ✓ 0 .* echo plain'
	keys / n e e d l e Enter
	wait_for screen_has 'no run matches /needle'
	history_title | grep -qF 'history /needle (0 of 2)'
	# o: output too; the earlier session's journal is searched.
	keys o
	wait_for eval 'history_title | grep -qF "history /needle +output (1 of 2)"'
	screen_has 'filter: command, whoami, dir and output'
	screen_has_re '^│▶ +1· ✓ 0 .*/emit'
	history_lacks 'echo plain'
	# Matched only by its text: its first matching line, in the bottom line.
	keys Down
	wait_for screen_has_re '^└ printed: found the NEEDLE-42 line '
	# A run of this session is found once it has ended.
	rx run --dir "$HOME" -- "$HOME/emit"
	rx run --dir "$HOME" -- echo other
	wait_for eval 'history_title | grep -qF "history /needle +output (2 of 4)"'
	screen_has_re '^│▶ +3  ✓ 0 .*/emit'
	history_lacks 'echo other'
	# A run whose command line matches shows no printed line.
	rx run --dir "$HOME" -- echo needle
	wait_for screen_has_re '^│▶ +5  ✓ 0 .* echo needle'
	screen_lacks 'printed:'
	history_title | grep -qF 'history /needle +output (3 of 5)'
	# o again: command, whoami and dir only.
	keys o
	wait_for eval 'history_title | grep -qF "history /needle (1 of 5)"'
	screen_has 'filter: command, whoami and dir'
	history_lacks 'emit'
}

@test "history: the output filter ignores case, finds a torn line once whole, and keeps o across filters" {
	mkdir -p "$HOME"
	# An earlier journal by hand: a run that printed the needle, and a
	# last line still being written.
	past_journal 2026-01-01-00:00:00 <<-'EOF'
	{"seq":1,"whoami":"w","dir":"/","exec":["true"],"exit":0,"output":"x\nSome Mixed CASE text\n","start":"2026-01-01T00:00:00Z"}
	{"seq":2,"whoami":"w","dir":"/","exec":["true"],"exit":0,"output":"mixed case
	EOF
	start_ui
	wait_for screen_has_re '^│▶ +1· ✓ 0 .* true'
	keys o
	wait_for eval 'history_title | grep -qF "history +output"'
	keys / m i x e d Space c a s e Enter
	wait_for eval 'history_title | grep -qF "history /mixed case +output (1 of 1)"'
	wait_for screen_has_re '^└ printed: Some Mixed CASE text '
	# The torn line is not a run; a new filter keeps "output too".
	keys / Right BSpace BSpace BSpace BSpace BSpace Enter
	wait_for eval 'history_title | grep -qF "history /mixed +output (1 of 1)"'
}

@test "history: a filter that matches nothing shows nothing and says so" {
	start_ui
	rx run --dir "$HOME" -- echo hello
	wait_for screen_has_re '^│▶ +1  ✓ 0 .* echo hello'
	keys / z z z Enter
	wait_for screen_has 'no run matches /zzz'
	history_title | grep -qF 'history /zzz (0 of 1)'
	history_lacks 'echo hello'
	# n, N and Enter have nothing to act on.
	keys n N Enter
	keys /
	wait_for screen_has_re '^└ /zzz '
	keys BSpace BSpace BSpace Enter
	wait_for screen_has_re '^│▶ +1  ✓ 0 .* echo hello'
	history_title | grep -qE '^├ history ─'
}

@test "history: Esc closes the run view first, then clears the filter" {
	start_ui
	rx run --dir "$HOME" -- echo viewed
	wait_for screen_has_re '^│▶ +1  ✓ 0 .* echo viewed'
	keys / v i e w Enter
	wait_for eval 'history_title | grep -qF "history /view (1 of 1)"'
	keys Enter
	wait_for screen_has 'run 1: echo viewed'
	keys Escape
	wait_for eval '! screen_has "run 1: echo viewed"'
	history_title | grep -qF 'history /view (1 of 1)'
	keys Escape
	wait_for eval 'history_title | grep -qE "^├ history ─"'
}

@test "history: Esc while typing goes back to the filter there was before /" {
	start_ui
	rx run --dir "$HOME" -- echo kept
	wait_for screen_has_re '^│▶ +1  ✓ 0 .* echo kept'
	keys / k e p Enter
	wait_for eval 'history_title | grep -qF "history /kep (1 of 1)"'
	keys / n o
	wait_for screen_has 'no run matches /no'
	keys Escape
	wait_for eval 'history_title | grep -qF "history /kep (1 of 1)"'
	screen_has_re '^│▶ +1  ✓ 0 .* echo kept'
	screen_has 'Tab pane'
	# Without a filter before, Esc goes back to none.
	keys Escape
	wait_for eval 'history_title | grep -qE "^├ history ─"'
	keys / z z
	wait_for screen_has 'no run matches /zz'
	keys Escape
	wait_for eval 'history_title | grep -qE "^├ history ─"'
	screen_has_re '^│▶ +1  ✓ 0 .* echo kept'
}

# The bottom line, with its attributes.
bottom_line() {
	screen -e | grep -F '└' | tail -n 1
}

@test "history: / starts with the old filter selected: typing replaces it, a cursor key keeps it" {
	start_ui
	rx run --dir "$HOME" -- echo tickle
	rx run --dir "$HOME" -- echo annex
	wait_for screen_has_re '^│▶ +2  ✓ 0 .* echo annex'
	keys / t i c k Enter
	wait_for eval 'history_title | grep -qF "history /tick (1 of 2)"'
	# Reopened, the old text is there, reversed.
	keys /
	wait_for screen_has_re '^└ /tick ─'
	bottom_line | grep -qF $'\e[7mtick'
	# The first character typed replaces it, and the history follows.
	keys a
	wait_for eval 'history_title | grep -qF "history /a (1 of 2)"'
	screen_has_re '^└ /a ─'
	screen_lacks 'tickA'
	screen_lacks_re '^└ /ticka'
	bottom_line | grep -vqF $'\e[7m'
	keys n n Enter
	wait_for eval 'history_title | grep -qF "history /ann (1 of 2)"'
	history_has 'echo annex'
	history_lacks 'echo tickle'
	# A cursor key keeps the text and ends the selection: typing adds.
	keys / Right
	wait_for eval '! bottom_line | grep -qF $'"'"'\e[7m'"'"
	keys e x
	wait_for eval 'history_title | grep -qF "history /annex (1 of 2)"'
	# BackSpace on the selection clears it: every run again.
	keys Enter /
	wait_for screen_has_re '^└ /annex ─'
	keys BSpace
	wait_for eval 'history_title | grep -qE "^├ history ─"'
	screen_has_re '^└ / ─'
	keys Enter
	history_has 'echo tickle'
}

@test "history: the filter takes UTF-8 text" {
	start_ui
	rx run --dir "$HOME" -- echo 日本語
	rx run --dir "$HOME" -- echo ascii
	wait_for screen_has_re '^│▶ +2  ✓ 0 .* echo ascii'
	keys / 日本 Enter
	wait_for eval 'history_title | grep -qF "history /日本 (1 of 2)"'
	screen_has_re "^│▶ +1  ✓ 0 .* echo '日本語'"
	history_lacks 'echo ascii'
}

@test "history: corrupt and partial lines of an earlier journal are skipped" {
	past_journal 2020-01-02-03:04:05 <<'EOF2'
{"whoami":"Alice","dir":"/srv/a","exec":["echo","good-one"],"exit":0,"error":null,"seq":1,"duration_ms":1500}
{"whoami":"Alice","dir":"/srv/a","exec":["echo",
this is not json
[1,2,3]
{"exit":127,"output":"","error":"bad_request: no exec","time":"2020-01-02T03:04:06.000Z"}
{"whoami":"Bob","dir":"/srv/b","exec":["false"],"exit":124,"error":"timeout","seq":3,"duration_ms":61000}
{"whoami":"Old","exec":["echo","from the crate"],"exit":0,"output":"x","error":null,"time":"2020-01-02T03:04:07Z"}
{"whoami":"Carol","dir":"/srv/c","exec":["sleep","9"],"exit":137,"signal":9,"error":null,"seq":5,"duration_ms":10}
{"torn":
EOF2
	start_ui
	wait_for screen_has_re '^│ +1· ✓ 0 +1\.5s +Alice +/srv/a +echo good-one'
	screen_has_re '^│ +3· ✗ timeout +1m01s +Bob +/srv/b +false'
	# No seq, no dir, no duration: its line in the file, blank, "-".
	screen_has_re "^│ +7· ✓ 0 +- +Old +echo 'from the crate'"
	screen_has_re '^│▶ +5· ✗ sig 9 +0\.0s +Carol +/srv/c +sleep 9'
	[ "$(screen | grep -cE '^│[▶ ] +[0-9]+· ')" -eq 4 ]
	screen_lacks 'not json'
	screen_lacks 'bad_request'
	rx run --dir "$HOME" -- echo still-works
	wait_for screen_has_re '^│▶ +6  ✓ 0 .* echo still-works'
}

@test "history: an empty journal directory and empty journals are fine" {
	past_journal 2020-01-01-00:00:00 </dev/null
	start_ui
	rx run --dir "$HOME" -- echo first
	wait_for screen_has_re '^│▶ +1  ✓ 0 .* echo first'
	screen_lacks_re '^│[▶ ] +[0-9]+· '
}

@test "history: a past run opens from its recording, and replays" {
	past_session 'printf past-screen-text\n' 'echo newer'
	start_ui
	wait_for screen_has_re '^│▶ +2· ✓ 0 .* echo newer'
	keys Up
	wait_for screen_has_re '^│▶ +1· ✓ 0 .* printf'
	keys Enter
	wait_for screen_has_re '^│past-screen-text +│'
	screen_has_re 'run 1 \(session [0-9-]+ [0-9:]+\): printf'
	screen_has 'ended'
	keys r
	wait_for screen_has 'replay end'
	screen_has_re '^│past-screen-text +│'
	keys Escape
	wait_for screen_has 'follow'
	screen_lacks_re '^│past-screen-text'
}
