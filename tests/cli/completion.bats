#!/usr/bin/env bats
# completion.bats: the bash and zsh completions in contrib/completions.
# bash: the file is sourced in a clean "bash --norc" and _rexec is called
# with COMP_LINE/COMP_POINT/COMP_WORDS/COMP_CWORD set, as readline would.
# zsh: compinit in a clean ZDOTDIR, then real completion in a zsh driven
# through a private tmux server, polled with capture-pane.

load helpers

setup() {
	setup_dirs
	export REXEC_WHOAMI=tester
	COMPLETIONS="$TESTS_SRCDIR/../contrib/completions"
	BIN="$BATS_TEST_TMPDIR/bin"
	# "rexec" on PATH, as a user types it.
	mkdir -p "$BIN"
	ln -s "$REXEC" "$BIN/rexec"
	export PATH="$BIN:$PATH"
}

teardown() {
	stop_host
	if [ -n "${ZSOCK:-}" ]; then
		tmux -L "$ZSOCK" kill-server 2>/dev/null || true
	fi
}

# Complete the line $1 (the cursor at its end) with the bash completion;
# prints COMPREPLY one per line.  $2, when set, is run first (e.g. to load
# bash-completion's own helpers).
bash_complete() {
	bash --norc -c '
		'"${2:-:}"'
		source "$1" || exit 1
		COMP_LINE=$2
		COMP_POINT=${#COMP_LINE}
		read -ra COMP_WORDS <<<"$COMP_LINE"
		[[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_rexec
		printf "%s\n" "${COMPREPLY[@]}"
	' bash "$COMPLETIONS/rexec.bash" "$1"
}

# Two journals: $S1 with one run, then $S2 (newest) with two.
two_sessions() {
	start_host
	rx run -- echo one
	[ "$status" -eq 0 ]
	stop_host
	# Journal names are the start time to the second.
	local first
	first=$(ls "$REXEC_JOURNAL_DIR"/*.jsonl)
	wait_for not_now "$(basename "$first" .jsonl)"
	start_host
	rx run -- echo two
	rx run -- echo three
	[ "$status" -eq 0 ]
	stop_host
	rx list
	[ "${#lines[@]}" -eq 2 ]
	S2=${lines[0]% commands=*}
	S1=${lines[1]% commands=*}
	[ "${lines[0]}" = "$S2 commands=2" ]
	[ "${lines[1]}" = "$S1 commands=1" ]
}

# The UTC second is no longer $1.
not_now() {
	[ "$(date -u +%Y-%m-%d-%H:%M:%S)" != "$1" ]
}

# The commands and, per command, the options "rexec --help" shows.
help_commands() {
	"$REXEC" --help | sed -n 's/^  rexec \([a-z][a-z]*\).*/\1/p'
}

help_options() {
	"$REXEC" --help | sed -n "s/^  rexec $1 //p" | grep -o -- '--[a-z][a-z-]*' |
		sort -u
}

@test "bash: complete -p names _rexec for rexec" {
	run bash --norc -c 'source "$1" && complete -p rexec' bash \
		"$COMPLETIONS/rexec.bash"
	[ "$status" -eq 0 ]
	[ "$output" = "complete -F _rexec rexec" ]
}

@test "bash: every command of rexec --help, and grep, completes" {
	run bash_complete "rexec "
	[ "$status" -eq 0 ]
	local n=0 c
	for c in $(help_commands) grep attach; do
		printf '%s\n' "${lines[@]}" | grep -qx -- "$c"
		n=$((n + 1))
	done
	[ "$n" -ge 15 ]
	run bash_complete "rexec lo"
	[ "$output" = "log" ]
	run bash_complete "rexec at"
	[ "$output" = "attach" ]
}

@test "bash: attach's options, and host's --daemon and -d, complete" {
	run bash_complete "rexec attach -"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "${lines[@]}" | sort | tr '\n' ' ')" = \
	    "--json --no-start --read-only --run -r " ]
	run bash_complete "rexec attach --r"
	[ "${lines[*]}" = "--read-only --run" ]
	run bash_complete "rexec attach -r --no"
	[ "$output" = "--no-start" ]
	run bash_complete "rexec host --d"
	[ "$output" = "--daemon" ]
	run bash_complete "rexec host -"
	printf '%s\n' "${lines[@]}" | grep -qx -- -d
	printf '%s\n' "${lines[@]}" | grep -qx -- --headless
	# attach takes no operand: nothing after its options, no file names.
	: >"$BATS_TEST_TMPDIR/afile"
	cd "$BATS_TEST_TMPDIR"
	run bash_complete "rexec attach -r "
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "bash: every option in a command's usage completes after it" {
	local c o n=0
	for c in $(help_commands); do
		run bash_complete "rexec $c -"
		[ "$status" -eq 0 ]
		for o in $(help_options "$c"); do
			# An option with a value may complete as "--opt=".
			printf '%s\n' "${lines[@]}" | grep -Eqx -- "$o=?" ||
				{ echo "rexec $c: $o does not complete"; false; }
			n=$((n + 1))
		done
	done
	[ "$n" -ge 25 ]
	run bash_complete "rexec run --re"
	[ "$output" = "--read-stdin" ]
	run bash_complete "rexec grep --"
	[ "${lines[*]}" = "--session --whoami --since --json --color=" ]
}

@test "bash: top-level options and the original flags complete" {
	run bash_complete "rexec --"
	[[ " ${lines[*]} " == *" --help "* ]]
	[[ " ${lines[*]} " == *" --start-host "* ]]
	[[ " ${lines[*]} " == *" --print "* ]]
	# The original "--whoami ... -- CMD" form is run: its options follow.
	run bash_complete "rexec --whoami me --re"
	[ "$output" = "--read-stdin" ]
}

@test "bash: option values (--cr, --color=, --dir, --config)" {
	run bash_complete "rexec agentview --cr "
	[ "${lines[*]}" = "collapse newline" ]
	run bash_complete "rexec grep --color="
	[ "${lines[*]}" = "auto always never" ]
	run bash_complete "rexec grep --color=ne"
	[ "$output" = "never" ]
	mkdir -p "$BATS_TEST_TMPDIR/somedir"
	: >"$BATS_TEST_TMPDIR/somefile"
	run bash_complete "rexec run --dir $BATS_TEST_TMPDIR/some"
	[ "$output" = "$BATS_TEST_TMPDIR/somedir" ]
	run bash_complete "rexec host --config $BATS_TEST_TMPDIR/somef"
	[ "$output" = "$BATS_TEST_TMPDIR/somefile" ]
}

@test "bash: after run's --, a command name, then files" {
	run bash_complete "rexec run --whoami me -- printen"
	[ "$output" = "printenv" ]
	: >"$BATS_TEST_TMPDIR/argfile"
	run bash_complete "rexec run -- ls $BATS_TEST_TMPDIR/argf"
	[ "$output" = "$BATS_TEST_TMPDIR/argfile" ]
}

@test "bash: log completes session names, newest first, then SESSION:SEQ" {
	two_sessions
	run bash_complete "rexec log "
	[ "$status" -eq 0 ]
	[ "${lines[*]}" = "$S2: $S1:" ]
	# After "SESSION:", that session's seqs (numbers go on from the
	# session before).  Bash replaces only what follows the last ":" (a
	# word break), so that is what comes back.
	run bash_complete "rexec log $S2:"
	[ "${lines[*]}" = "2 3" ]
	run bash_complete "rexec log $S1:"
	[ "${lines[*]}" = "1" ]
	run bash_complete "rexec replay $S2:2"
	[ "$output" = "2" ]
	# A session named in full: its ":" is added, after the last ":".
	run bash_complete "rexec log $S1"
	[ "$output" = "${S1##*:}:" ]
	# Nothing after the one argument log takes.
	run bash_complete "rexec log $S1:1 "
	[ -z "$output" ]
}

@test "bash: SESSION:SEQ works with bash-completion's helpers loaded" {
	bc=/usr/share/bash-completion/bash_completion
	[ -r "$bc" ] || skip "bash-completion is not installed (apt-get install bash-completion)"
	two_sessions
	run bash_complete "rexec log $S2:" "source $bc"
	[ "$status" -eq 0 ]
	[ "${lines[*]}" = "2 3" ]
	run bash_complete "rexec wait --ti" "source $bc"
	[ "$output" = "--timeout" ]
}

@test "bash: print completes journal names and files" {
	two_sessions
	run bash_complete "rexec print "
	printf '%s\n' "${lines[@]}" | grep -qx -- "$S1"
	printf '%s\n' "${lines[@]}" | grep -qx -- "$S2"
	run bash_complete "rexec print $REXEC_JOURNAL_DIR/${S1%%-*}"
	printf '%s\n' "${lines[@]}" | grep -qx -- "$REXEC_JOURNAL_DIR/$S1.jsonl"
	run bash_complete "rexec --print $S2"
	[ "$output" = "${S2##*:}" ]
}

@test "bash: the journal directory comes from rexec, so REXEC_JOURNAL_DIR counts" {
	two_sessions
	export REXEC_JOURNAL_DIR="$BATS_TEST_TMPDIR/empty-journal"
	mkdir -p "$REXEC_JOURNAL_DIR"
	run bash_complete "rexec log "
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "bash: wait, screen, kill and attach --run complete the seqs of live runs" {
	start_host
	rx run --yield 0.1 -- sleep 30
	[ "$status" -eq 75 ]
	seq=$(sed -n 's/.*run \([0-9]*\) is still running.*/\1/p' <<<"$stderr_out")
	[ -n "$seq" ]
	run bash_complete "rexec wait "
	[ "$output" = "$seq" ]
	run bash_complete "rexec screen "
	[ "$output" = "$seq" ]
	run bash_complete "rexec input $seq --keys PageU"
	[ "$output" = "PageUp" ]
	run bash_complete "rexec attach --run "
	[ "$output" = "$seq" ]
	run bash_complete "rexec attach -r --run=$seq"
	[ "$output" = "$seq" ]
	# After the run's seq, attach takes nothing more.
	run bash_complete "rexec attach --run $seq "
	[ -z "$output" ]
	rx kill "$seq"
	run bash_complete "rexec kill "
	[ -z "$output" ]
	run bash_complete "rexec attach --run "
	[ -z "$output" ]
}

@test "bash: wait with no host completes nothing and starts no host" {
	run bash_complete "rexec wait "
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	rx check
	[ "$status" -eq 127 ]
}

# --- zsh ---

need_zsh() {
	command -v zsh >/dev/null || skip "zsh is not installed (apt-get install zsh)"
}

zsh_rc() {
	ZDOT="$BATS_TEST_TMPDIR/zdot"
	mkdir -p "$ZDOT"
	cat >"$ZDOT/.zshrc" <<-EOF
	fpath=($(printf '%q' "$COMPLETIONS") \$fpath)
	autoload -U compinit
	compinit -u -D
	PS1='%% '
	EOF
}

@test "zsh: compinit in a clean ZDOTDIR binds _rexec to rexec" {
	need_zsh
	zsh_rc
	run env ZDOTDIR="$ZDOT" zsh -f -c "source $ZDOT/.zshrc; print -r -- \$_comps[rexec]"
	[ "$status" -eq 0 ]
	[ "$output" = "_rexec" ]
}

@test "zsh: attach and its options, and host --daemon and -d, have specs" {
	local f="$COMPLETIONS/_rexec" o
	grep -Eq "^		'attach:" "$f"
	# The specs of one command: from its case label to its ";;".
	spec() {
		sed -n "/^		$1)\$/,/^			;;\$/p" "$f"
	}
	[ -n "$(spec attach)" ]
	for o in --read-only -r --run --json --no-start; do
		spec attach | grep -Eq -- "['{,]$o(=-?)?[[,}']" ||
			{ echo "attach: no spec for $o"; false; }
	done
	spec attach | grep -q -- "--run=\[.*:_rexec_live_seqs'"
	for o in --daemon -d; do
		spec 'host|--start-host|-s' | grep -Eq -- "['{,]$o[[,}']" ||
			{ echo "host: no spec for $o"; false; }
	done
}

@test "zsh: every command and option of rexec --help has a spec in _rexec" {
	local c o n=0 f="$COMPLETIONS/_rexec"
	for c in $(help_commands) grep; do
		grep -Eq "^		['\"]$c:" "$f" || { echo "no command $c"; false; }
		for o in $(help_options "$c"); do
			# In an _arguments spec: '--opt[', '--opt=[', {--opt,-o}.
			grep -Eq -- "['{,*]$o(=-?)?[[,}']" "$f" ||
				{ echo "rexec $c: no spec for $o"; false; }
			n=$((n + 1))
		done
	done
	[ "$n" -ge 25 ]
}

# A zsh of its own in a tmux pane; z_type sends a fresh line and Tab.
start_zsh() {
	need_zsh
	zsh_rc
	unset TMUX
	export TMUX_TMPDIR="$BATS_TEST_TMPDIR"
	ZSOCK="rexec-zsh-$$"
	local cmd
	cmd=$(printf 'env ZDOTDIR=%q HOME=%q PATH=%q REXEC_RUNTIME_DIR=%q'\
' REXEC_JOURNAL_DIR=%q TERM=screen LANG=C.UTF-8 zsh -d -i' \
		"$ZDOT" "$HOME" "$PATH" "$REXEC_RUNTIME_DIR" "$REXEC_JOURNAL_DIR")
	tmux -L "$ZSOCK" -f /dev/null new-session -d -s z -x 160 -y 40 "$cmd"
	WAIT_SECONDS=30 wait_for zscreen_has_re '^%$'
}

zscreen() {
	tmux -L "$ZSOCK" capture-pane -p -t z
}

zscreen_has() {
	zscreen | grep -qF -- "$1"
}

zscreen_has_re() {
	zscreen | grep -qE -- "$1"
}

# Clear the line and the screen, then type $1 and Tab.
z_type() {
	tmux -L "$ZSOCK" send-keys -t z C-u C-l
	wait_for zscreen_has_re '^%$'
	tmux -L "$ZSOCK" send-keys -t z -l -- "$1"
	tmux -L "$ZSOCK" send-keys -t z Tab
}

@test "zsh: commands and options complete through real completion" {
	start_zsh
	z_type "rexec lo"
	WAIT_SECONDS=20 wait_for zscreen_has_re '^% rexec log$'
	z_type "rexec "
	wait_for zscreen_has "agentview"
	zscreen_has "replay"
	zscreen_has "wait"
	zscreen_has "grep"
	z_type "rexec run --read"
	wait_for zscreen_has_re '^% rexec run --read-stdin$'
	z_type "rexec agentview --cr "
	wait_for zscreen_has_re 'collapse +newline'
	z_type "rexec grep --color="
	wait_for zscreen_has_re 'always +auto +never'
	z_type "rexec att"
	wait_for zscreen_has_re '^% rexec attach$'
	z_type "rexec attach --no"
	wait_for zscreen_has_re '^% rexec attach --no-start$'
	z_type "rexec attach --r"
	wait_for zscreen_has "--read-only"
	zscreen_has "--run"
	z_type "rexec host --da"
	wait_for zscreen_has_re '^% rexec host --daemon$'
}

@test "zsh: log completes SESSION: and then its seqs; print, journal names" {
	two_sessions
	start_zsh
	z_type "rexec log $S1:"
	WAIT_SECONDS=20 wait_for zscreen_has_re "^% rexec log $S1:1\$"
	z_type "rexec log $S2:"
	wait_for zscreen_has_re '^2 +3 *$'
	z_type "rexec print $S2"
	wait_for zscreen_has_re "^% rexec print $S2\$"
	z_type "rexec log $S1"
	wait_for zscreen_has_re "^% rexec log $S1:\$"
}

@test "zsh: wait and attach --run complete the seq of a live run" {
	start_host
	rx run --yield 0.1 -- sleep 30
	[ "$status" -eq 75 ]
	seq=$(sed -n 's/.*run \([0-9]*\) is still running.*/\1/p' <<<"$stderr_out")
	[ -n "$seq" ]
	start_zsh
	z_type "rexec wait "
	WAIT_SECONDS=20 wait_for zscreen_has_re "^% rexec wait $seq\$"
	z_type "rexec attach --run "
	wait_for zscreen_has_re "^% rexec attach --run $seq\$"
}
