#!/bin/sh
# contrib/screenshot/capture.sh: draw the README's picture of the TUI.
# Starts the real host in the background (`rexec host --daemon`) and two
# curses viewers (`rexec attach`) side by side in a 161x30 window of a
# private tmux server (its own socket, HOME, runtime and journal
# directories, all in one temporary directory): the left one shows the
# console and the history, the right one the tiled view of the live runs
# (`t`).  It plays a short scripted session of three agents through
# `rexec run`, waits until the panes show what the script did (polling
# capture-pane against a deadline), then captures both panes with their
# colours (`capture-pane -p -e -N`), joins them with the window's border
# between, and writes that as SVG on stdout through ansi2svg.py.
#
#   contrib/screenshot/capture.sh > doc/tui.svg
#
# Environment: REXEC (default: _build/src/rexec beside this script's
# checkout), DEADLINE (seconds any wait may take, default 60), PYTHON
# (default python3), TMPDIR.  CAPTURE_RAW=FILE also keeps the raw capture.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
REXEC=${REXEC:-$top/_build/src/rexec}
DEADLINE=${DEADLINE:-60}
PYTHON=${PYTHON:-python3}
# Two 80-column panes and the border between them.
PANE_COLS=80
COLS=$((PANE_COLS * 2 + 1))
ROWS=30

# die MESSAGE: say why and stop; what the host said, if anything, too.
die() {
	echo "capture.sh: $*" >&2
	if [ -s "${tmp:-/nonexistent}/host.err" ]; then
		sed 's/^/capture.sh: host: /' "$tmp/host.err" >&2
	fi
	exit 1
}

tmp=
[ -x "$REXEC" ] || die "$REXEC: not an executable (build first or set REXEC)"
command -v tmux >/dev/null 2>&1 || die "tmux: not installed"
command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON: not installed"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rexec-shot.XXXXXX")
sock="rexec-shot-$$"
clients=
host_pid=
unset TMUX
export TMUX_TMPDIR="$tmp"
export HOME="$tmp/home"
export REXEC_RUNTIME_DIR="$tmp/run"
export REXEC_JOURNAL_DIR="$tmp/journal"
export REXEC_CONFIG="$tmp/rexec.ini"
export XDG_CONFIG_HOME="$HOME/.config" XDG_STATE_HOME="$HOME/.local/state"
unset REXEC_WHOAMI

t() {
	LANG=C.UTF-8 tmux -u -L "$sock" -f /dev/null "$@"
}

# The host outlives its viewer's tmux server: it is stopped here and
# takes its runs with it; the clients that still wait for a reply are
# ours to end.  The directory goes once the host has gone (it writes its
# journal as it stops).
cleanup() {
	set +e
	t kill-server 2>/dev/null
	[ -n "$host_pid" ] && kill "$host_pid" 2>/dev/null
	for p in $clients; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	if [ -n "$host_pid" ]; then
		end=$(($(date +%s) + DEADLINE))
		while kill -0 "$host_pid" 2>/dev/null &&
		    [ "$(date +%s)" -lt "$end" ]; do
			sleep 0.05
		done
		kill -0 "$host_pid" 2>/dev/null && kill -KILL "$host_pid"
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# wait_until WHAT CMD...: poll CMD until it succeeds, for DEADLINE seconds.
wait_until() {
	what=$1
	shift
	end=$(($(date +%s) + DEADLINE))
	until "$@"; do
		[ "$(t display-message -p -t "${left:-shot}" '#{pane_dead}')" != 1 ] ||
		    die "the viewer ended while waiting for $what"
		[ "$(date +%s)" -lt "$end" ] ||
		    die "timed out after ${DEADLINE}s waiting for $what"
		sleep 0.05
	done
}

# screen_has TEXT [PANE]: the console's pane (or PANE) shows TEXT.
screen_has() {
	t capture-pane -p -t "${2:-$left}" 2>/dev/null | grep -qF -- "$1"
}

screen_has_re() {
	t capture-pane -p -t "${2:-$left}" 2>/dev/null | grep -qE -- "$1"
}

host_up() {
	"$REXEC" check >/dev/null 2>&1
}

# The agents' projects: a C project with a test suite (a progress bar
# redrawn in place, coloured results, one failure) and a watch target, and
# a web site whose set-up asks a question.
mkdir -p "$HOME/proj/src" "$HOME/proj/tests" "$HOME/site"
# A run waits for input until a human types; the picture must not end it.
printf '[run]\ninput_timeout = 3600\ntimeout = 3600\n' >"$REXEC_CONFIG"
cat >"$HOME/proj/Makefile" <<'MK'
test:
	@sh tests/run.sh
watch:
	@echo "watching src/ for changes"; sleep 3600
MK
cat >"$HOME/proj/tests/run.sh" <<'SH'
n=0
for t in config paths control request journal reply console record; do
	n=$((n + 1))
	bar=$(printf "%${n}s" | tr ' ' '#')
	printf '\r\033[1mtests\033[0m %d/8 [\033[36m%-8s\033[0m] test_%-7s' \
	    "$n" "$bar" "$t"
	sleep 0.05
done
printf '\n\033[32mPASS\033[0m 45 checks in 7 suites \033[2m(0.41s)\033[0m\n'
printf '\033[1;31mFAIL\033[0m test_parse.c:31: \033[3mparse_line(" a ")\033[0m'
printf ' == 1, expected \033[1m0\033[0m\n'
printf '\033[32m7 passed\033[0m, \033[1;31m1 failed\033[0m\n'
exit 2
SH
cat >"$HOME/proj/src/parse.c" <<'C'
#include <string.h>

int
parse_line(const char *s)
{
	return strlen(s) > 0;	/* TODO: trim the line first */
}
C
cat >"$HOME/proj/src/parse.h" <<'C'
int	parse_line(const char *);	/* TODO: document */
C
cat >"$HOME/site/setup.sh" <<'SH'
printf 'package name: (site) '
read -r name
SH

# The host, in the background as it runs all day, then a viewer in the
# pane; the environment goes in explicitly, as a tmux server does not hand
# its client's environment to new sessions.
"$REXEC" host --daemon 2>"$tmp/host.err" || die "the host did not start"
host_pid=$("$REXEC" status 2>/dev/null | sed -n 's/^host pid \([0-9]*\),.*/\1/p')
[ -n "$host_pid" ] || die "the host's pid is unknown"
term=tmux-256color
infocmp "$term" >/dev/null 2>&1 || term=screen
cmd=$(printf "exec env HOME='%s' REXEC_RUNTIME_DIR='%s' REXEC_JOURNAL_DIR='%s'"\
" REXEC_CONFIG='%s' XDG_CONFIG_HOME='%s' XDG_STATE_HOME='%s'"\
" TERM=%s LANG=C.UTF-8 LC_ALL=C.UTF-8 '%s' attach --no-start 2>'%s'" \
    "$HOME" "$REXEC_RUNTIME_DIR" "$REXEC_JOURNAL_DIR" "$REXEC_CONFIG" \
    "$XDG_CONFIG_HOME" "$XDG_STATE_HOME" "$term" "$REXEC" "$tmp/viewer.err")
# The pane stays when the viewer ends, so the server does too and the
# waits below can tell a viewer that ended from one that is slow.
t set-option -g remain-on-exit on \; \
    new-session -d -s shot -x "$COLS" -y "$ROWS" "$cmd"
left=$(t display-message -p -t shot '#{pane_id}')
right=$(t split-window -h -l "$PANE_COLS" -t "$left" -P -F '#{pane_id}' "$cmd")
wait_until "the host" host_up
wait_until "the viewer" screen_has '?:help'
wait_until "the second viewer" screen_has '?:help' "$right"
t send-keys -t "$right" t

# agent NAME DIR CMD...: one run, in the foreground until it ends.
agent() {
	name=$1 dir=$2
	shift 2
	"$REXEC" run --whoami "$name" --dir "$HOME/$dir" -- "$@" \
	    >/dev/null 2>&1 || true
}

# agent_bg NAME DIR CMD...: a run that does not end while we look.
agent_bg() {
	name=$1 dir=$2
	shift 2
	"$REXEC" run --whoami "$name" --dir "$HOME/$dir" -- "$@" \
	    >/dev/null 2>&1 </dev/null &
	clients="$clients $!"
}

if command -v git >/dev/null 2>&1; then
	agent Codex proj git --version
else
	agent Codex proj uname -sr
fi
agent "Claude Code" proj make test
agent Codex proj grep -rn --color=always TODO src
agent_bg "Gemini CLI" site sh setup.sh
wait_until "run 4 to wait for input" screen_has "$(printf '\342\214\233') input"
agent_bg "Claude Code" proj make watch
wait_until "run 5 to run" screen_has "$(printf '\342\237\263') running"
wait_until "the prompt" screen_has 'package name: (site)'
wait_until "the status line" screen_has '1 running · 1 waiting'
wait_until "the tiles" screen_has 'package name: (site)' "$right"
wait_until "run 5's tile" screen_has 'watching src/' "$right"
# A clock that has started to tick: the picture of a run that goes on.
wait_until "run 5's clock" screen_has_re "$(printf '\342\237\263') running +[1-9]"

# The two panes, each row padded to its width, joined by the border.
t capture-pane -p -e -N -t "$left" >"$tmp/left"
t capture-pane -p -e -N -t "$right" >"$tmp/right"
"$PYTHON" - "$tmp/left" "$tmp/right" >"$tmp/capture" <<'PY'
import sys
left = open(sys.argv[1], encoding="utf-8").read().split("\n")[:-1]
right = open(sys.argv[2], encoding="utf-8").read().split("\n")[:-1]
for i in range(max(len(left), len(right))):
    a = left[i] if i < len(left) else ""
    b = right[i] if i < len(right) else ""
    sys.stdout.write(a + "\033[0m\033[90m\u2502\033[0m" + b + "\033[0m\n")
PY
if [ -n "${CAPTURE_RAW:-}" ]; then
	cp "$tmp/capture" "$CAPTURE_RAW"
fi
"$PYTHON" "$here/ansi2svg.py" --cols "$COLS" --rows "$ROWS" \
    --title "rexec attach with three agents: the console and the tiles" \
    "$tmp/capture"
