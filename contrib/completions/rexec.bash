# rexec.bash: bash completion for rexec(1).
#
# Installed as "rexec" in bash-completion's completions directory, where it
# is loaded the first time "rexec <Tab>" is typed; it can also be sourced
# on its own (it needs none of bash-completion's helpers).  Commands and
# options are those of src/cli.c and each src/cmd_*.c.  What only the
# journal or the host knows is asked of rexec itself, so the configuration
# and $REXEC_JOURNAL_DIR are honoured and no host is ever started:
#   - session names: "rexec list 50" (newest first);
#   - the seqs of SESSION: its journal (found with "rexec list --json");
#   - the seqs of live runs (wait, input, screen, kill, attach --run):
#     "rexec status --json".

_rexec_commands="host attach run wait input screen kill mcp check status list
print log replay render agentview grep"

# The rexec to ask: the one being completed if it can be run, else $PATH's.
_rexec_bin() {
	local rx=${_rexec_words[0]}

	rx=${rx/#\~/$HOME}
	if [[ -n $rx ]] && type -P -- "$rx" >/dev/null 2>&1; then
		printf '%s\n' "$rx"
	else
		printf 'rexec\n'
	fi
}

# Session names, newest first.
_rexec_sessions() {
	"$(_rexec_bin)" list 50 2>/dev/null | sed -n 's/ commands=[0-9]*$//p'
}

# The seqs journaled in session $1.  A "seq" key comes right after "{" or
# ",": inside a JSON string a quote is always escaped.
_rexec_session_seqs() {
	local path

	path=$("$(_rexec_bin)" list 1000 --json 2>/dev/null |
	    grep -o '"name":"[^"]*","path":"[^"]*"' |
	    while IFS= read -r l; do
		if [[ $l == "\"name\":\"$1\","* ]]; then
			l=${l#*\"path\":\"}
			printf '%s\n' "${l%\"}"
			break
		fi
	    done)
	[[ -n $path && -r $path ]] || return 0
	grep -o '[{,]"seq":[0-9]*' -- "$path" 2>/dev/null | sed 's/.*://'
}

# The seqs of the host's running, queued and detached runs.
_rexec_live_seqs() {
	"$(_rexec_bin)" status --json 2>/dev/null |
	    grep -o '[{,]"seq":[0-9]*' | sed 's/.*://'
}

# COMPREPLY from words $1 that start with the word being completed.  Bash
# replaces only the text after the last word-break character (":" and "="
# by default), so that much of the word is taken off each candidate.
_rexec_reply() {
	local w cut=
	local IFS=$' \t\n'

	if [[ $_rexec_cur == *[:=]* ]]; then
		local tail=$_rexec_cur
		while [[ -n $tail ]]; do
			local c=${tail: -1}
			if [[ ($c == : || $c == =) && $COMP_WORDBREAKS == *"$c"* ]]; then
				cut=$tail
				break
			fi
			tail=${tail%?}
		done
	fi
	for w in $1; do
		[[ -n $w && $w == "$_rexec_cur"* ]] || continue
		COMPREPLY+=("${w#"$cut"}")
	done
}

# SESSION:SEQ for log and replay: session names with a ":" first, then the
# seqs of the session before the last ":" that names one.
_rexec_session_seq() {
	local s sessions words=
	local IFS=$'\n'

	sessions=$(_rexec_sessions)
	for s in $sessions; do
		if [[ $_rexec_cur == "$s:"* ]]; then
			words=$(_rexec_session_seqs "$s" | sed "s/^/$s:/")
			_rexec_reply "$words"
			return
		fi
	done
	[[ -n $sessions ]] && _rexec_reply "$(printf '%s:\n' $sessions)"
	[[ ${#COMPREPLY[@]} -gt 0 ]] && compopt -o nospace 2>/dev/null
}

_rexec_files() {
	local IFS=$'\n'

	compopt -o filenames 2>/dev/null
	COMPREPLY+=($(compgen -f -- "$_rexec_cur"))
}

# The options of command $1 and, after them, those that take a value.
_rexec_options() {
	case $1 in
	host)	echo "--headless --daemon -d --config --print-config --text" \
		    "|--config" ;;
	attach)	echo "--read-only -r --run --json --no-start|--run" ;;
	run)	echo "--whoami --dir --env -E --inherit-env --host-env" \
		    "--clear-env --read-stdin --timeout --max-output" \
		    "--yield --json --|--whoami --dir --env --timeout" \
		    "--max-output --yield" ;;
	wait)	echo "--timeout --offset --json|--timeout --offset" ;;
	input)	echo "--keys|" ;;
	screen)	echo "--json|" ;;
	mcp)	echo "--whoami|--whoami" ;;
	status|list) echo "--json|" ;;
	print)	echo "--follow -f|" ;;
	replay)	echo "--speed --idle-limit --raw|--speed --idle-limit" ;;
	render)	echo "--cols --rows|--cols --rows" ;;
	agentview) echo "--cr --window --max-output|--cr --window --max-output" ;;
	grep)	echo "--session --whoami --since -i -l --json --color=|--session" \
		    "--whoami --since" ;;
	*)	echo "|" ;;
	esac
}

# Words $2... each with $1 in front.
_rexec_prefix() {
	local p=$1 w

	shift
	for w; do
		printf '%s%s\n' "$p" "$w"
	done
}

# The value of option $1; $2 is "$1=" when the word being completed holds
# both, as in --color=al.
_rexec_value() {
	local p=$2 v=${_rexec_cur#"$2"}
	local IFS=$'\n'

	case $1 in
	--config)
		compopt -o filenames 2>/dev/null
		COMPREPLY+=($(compgen -f -- "$v")) ;;
	--dir)
		compopt -o filenames 2>/dev/null
		COMPREPLY+=($(compgen -d -- "$v")) ;;
	--cr)	_rexec_reply "$(_rexec_prefix "$p" collapse newline)" ;;
	--color) _rexec_reply "$(_rexec_prefix "$p" auto always never)" ;;
	--session) _rexec_reply "$(_rexec_sessions | sed "s/^/$p/")" ;;
	--run)	_rexec_reply "$(_rexec_live_seqs | sed "s/^/$p/")" ;;
	--env)
		_rexec_reply "$(compgen -e | sed "s/^/$p/; s/\$/=/")"
		compopt -o nospace 2>/dev/null ;;
	esac
}

_rexec() {
	local line=${COMP_LINE:0:COMP_POINT} cmd= i w opts valued
	local -a _rexec_words
	local _rexec_cur

	COMPREPLY=()
	read -ra _rexec_words <<<"$line"
	if [[ -z $line || $line == *[[:space:]] ]]; then
		_rexec_words+=("")
	fi
	_rexec_cur=${_rexec_words[${#_rexec_words[@]} - 1]}
	local cword=$((${#_rexec_words[@]} - 1))

	if ((cword == 1)); then
		if [[ $_rexec_cur == -* ]]; then
			_rexec_reply "--help --version --start-host --check-host
--list --print --mcp-stdio --whoami --dir --env --read-stdin --clear-env
--headless --config --print-config --text"
		else
			_rexec_reply "$_rexec_commands"
		fi
		return 0
	fi

	# The command, as cli.c maps the original flags onto it.
	case ${_rexec_words[1]} in
	--start-host|-s|--headless|--config|--config=*|--print-config|--text)
		cmd=host ;;
	--check-host|-c) cmd=check ;;
	--list) cmd=list ;;
	--print|-p) cmd=print ;;
	--mcp-stdio|-m) cmd=mcp ;;
	--whoami|--whoami=*|--dir|--dir=*|--env|--env=*|--read-stdin|--clear-env)
		cmd=run ;;
	*) cmd=${_rexec_words[1]} ;;
	esac
	opts=$(_rexec_options "$cmd")
	valued=" ${opts#*|} "
	opts=${opts%%|*}

	# Walk the words before this one: option values, "--", positionals.
	local npos=0 dashdash=-1 prev=
	i=1
	[[ ${_rexec_words[1]} == -* ]] && i=0
	for ((i = i + 1; i < cword; i++)); do
		w=${_rexec_words[i]}
		if ((dashdash >= 0)); then
			continue
		elif [[ $w == -- && $cmd == run ]]; then
			dashdash=$i
		elif [[ $valued == *" $w "* ]]; then
			((i++))
		elif [[ $w != -* || $w == - ]]; then
			((npos++))
		fi
	done
	((cword > 1)) && prev=${_rexec_words[cword - 1]}

	# After run's "--": the command, then its arguments.
	if ((dashdash >= 0)); then
		if ((cword == dashdash + 1)); then
			local IFS=$'\n'
			COMPREPLY=($(compgen -c -- "$_rexec_cur" | sort -u))
		else
			_rexec_files
		fi
		return 0
	fi
	if [[ $valued == *" $prev "* && $prev == -* ]]; then
		_rexec_value "$prev"
		return 0
	fi
	if [[ $_rexec_cur == --*=* ]]; then
		_rexec_value "${_rexec_cur%%=*}" "${_rexec_cur%%=*}="
		return 0
	fi
	if [[ $_rexec_cur == -* ]]; then
		_rexec_reply "$opts"
		[[ ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null
		return 0
	fi

	case $cmd in
	log)	((npos == 0)) && _rexec_session_seq ;;
	replay)	if ((npos == 0)); then
			_rexec_session_seq
			[[ $_rexec_cur == */* || $_rexec_cur == .* ]] && _rexec_files
		fi ;;
	print)	if ((npos == 0)); then
			_rexec_reply "$(_rexec_sessions)"
			_rexec_files
		fi ;;
	wait|screen|kill)
		((npos == 0)) && _rexec_reply "$(_rexec_live_seqs)" ;;
	input)
		if ((npos == 0)); then
			_rexec_reply "$(_rexec_live_seqs)"
		elif [[ " ${_rexec_words[*]:2:cword-2} " == *" --keys "* ]]; then
			_rexec_reply "Enter Tab Escape Backspace Up Down Left Right
Home End PageUp PageDown Insert Delete Space BTab F1 F2 F3 F4 F5 F6 F7 F8 F9
F10 F11 F12"
		fi ;;
	esac
	return 0
}

complete -F _rexec rexec
