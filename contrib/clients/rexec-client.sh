#!/bin/sh
# rexec-client.sh: a client of the rexec control FIFO in POSIX sh and jq,
# without the rexec binary (rexec-protocol(7) is the protocol it speaks).
#
# It runs one command on a running host as "rexec run" does, or waits on a
# long run (wait SEQ), or pings the host.  It builds each request with
# jq, writes it to R/control as one line in one write(2) -- or, for a
# request too long for one line, through R/spool/ -- then polls for
# R/replies/<id>.json, checking once a second that the host it wrote to
# is still there, so it never hangs on a host that died.  Needs only a
# POSIX sh (it is tested under dash), jq and coreutils (dd, od, sleep,
# date, mv, rm, wc, stat).
#
# Before it writes anything it holds R to the host's own checks: a real
# directory (not a symbolic link), owned by the user, no group or other
# permission bits -- under /tmp another user may have made R first, and
# would read every request.  It refuses anything else with one line and
# exit 127.
#
#   rexec-client.sh [-w WHOAMI] [-d DIR] [-e NAME=VALUE]... [-i]
#                   [-t TIMEOUT] [-y YIELD] [-m MAX_OUTPUT] [-W MAX_WAIT]
#                   -- CMD [ARG...]
#   rexec-client.sh wait SEQ [-t TIMEOUT] [-o OFFSET]
#   rexec-client.sh ping
#
# Exits as rexec run does: the run's exit status, 75 while a run goes on,
# 127 for HOST NOT FOUND, a host that died, and a refused request, 2 for
# a usage error.

set -u

prog=rexec
# The line limit of the FIFO: PIPE_BUF on Linux, newline included.
line_max=4096

usage() {
	printf '%s: %s\n' "$prog" "$1" >&2
	cat >&2 <<-'EOF'
	usage: rexec-client.sh [-w WHOAMI] [-d DIR] [-e NAME=VALUE]... [-i]
	                       [-t TIMEOUT] [-y YIELD] [-m MAX_OUTPUT] [-W MAX_WAIT]
	                       -- CMD [ARG...]
	       rexec-client.sh wait SEQ [-t TIMEOUT] [-o OFFSET]
	       rexec-client.sh ping
	EOF
	exit 2
}

die() {
	printf '%s: %s\n' "$prog" "$1" >&2
	cleanup
	exit "${2:-127}"
}

no_host() {
	printf 'HOST NOT FOUND\n' >&2
	cleanup
	exit 127
}

cleanup() {
	[ -n "${tmp:-}" ] && rm -f "$tmp"
	[ -n "${linetmp:-}" ] && rm -f "$linetmp"
	tmp='' linetmp=''
}

# A number of seconds: digits with at most one dot.
is_number() {
	case $1 in
	'' | . | *[!0-9.]* | *.*.*) return 1 ;;
	esac
	return 0
}

is_integer() {
	case $1 in
	'' | *[!0-9]*) return 1 ;;
	esac
	return 0
}

# The runtime directory, found as the rexec client finds it (the INI's
# runtime_dir is not read: set REXEC_RUNTIME_DIR instead).
runtime_dir() {
	if [ -n "${REXEC_RUNTIME_DIR:-}" ]; then
		printf '%s' "$REXEC_RUNTIME_DIR"
	elif [ -n "${XDG_RUNTIME_DIR:-}" ]; then
		printf '%s/rexec' "$XDG_RUNTIME_DIR"
	else
		printf '/tmp/rexec-%s' "$(id -u)"
	fi
}

# check_dir DIR: is DIR a private directory of ours, as the host wants
# its own?  stat without -L looks at a symbolic link itself, as lstat.
# Missing: no host.  Anything else wrong: refuse, having written nothing.
check_dir() {
	[ -e "$1" ] || [ -L "$1" ] || no_host
	st_info=$(LC_ALL=C stat -c '%F:%u:%a' "$1" 2>/dev/null) ||
	    die "$1: cannot stat"
	case $st_info in
	'symbolic link:'*)
		die "$1: is a symbolic link; refusing to use it (point the setting at the real directory)" ;;
	directory:*) ;;
	*) die "$1: exists and is not a directory" ;;
	esac
	st_owner=${st_info#*:}
	st_owner=${st_owner%%:*}
	st_perm=${st_info##*:}
	[ "$st_owner" = "$uid" ] ||
	    die "$1: owned by uid $st_owner, not by us (uid $uid); refusing to use it"
	[ $((0$st_perm & 077)) -eq 0 ] ||
	    die "$1: mode $(printf %04o $((0$st_perm))) lets group or others in; run chmod 700 $1"
}

# check_file FILE TYPE: is FILE, in a directory that passed check_dir, our
# own file of TYPE (fifo, regular)?  Returns 1 if it is missing.  A shell
# cannot open with O_NOFOLLOW and fstat what it opened, as rexec does;
# but nobody else can add or swap a name in a directory of ours with no
# group or other bits, so a look just before the use is as good.
check_file() {
	[ -e "$1" ] || [ -L "$1" ] || return 1
	st_info=$(LC_ALL=C stat -c '%F:%u' "$1" 2>/dev/null) ||
	    die "$1: cannot stat"
	case $st_info in
	'symbolic link:'*) die "$1: is a symbolic link; refusing to use it" ;;
	"$2"*) ;;
	*) if [ "$2" = fifo ]; then
		die "$1: exists and is not a FIFO"
	   fi
	   die "$1: exists and is not a regular file" ;;
	esac
	[ "${st_info##*:}" = "$uid" ] ||
	    die "$1: owned by uid ${st_info##*:}, not by us (uid $uid); refusing to use it"
	return 0
}

# An id no other client picks: pid, time and 32 random bits.
make_id() {
	printf 'sh%s-%s-%s' "$$" "$(date +%s%N)" \
	    "$(od -An -N4 -tx4 /dev/urandom | tr -d ' \n')"
}

# The pid written in host.lock, or nothing: a lock file that is not our
# own regular file (a symbolic link, someone else's) names no host.
lock_pid() {
	p=
	[ -f "$R/host.lock" ] && [ ! -L "$R/host.lock" ] &&
	    [ -O "$R/host.lock" ] && read -r p <"$R/host.lock" 2>/dev/null
	is_integer "$p" && printf '%s' "$p"
}

# Is host $1 alive and serving?  The host takes a POSIX record lock on
# host.lock once it serves its FIFO, and the kernel drops it the moment
# the host's files close, so /proc/locks naming that lock for pid $1 is
# what F_GETLK tells the rexec client, read without taking any lock (a
# client must never take one: a host starting that instant would refuse
# to start).  kill -0 alone is not enough: a killed host that its parent
# has not reaped yet is a zombie, and kill -0 still succeeds on it.
# Without /proc/locks, kill -0 and the pid in host.lock are all there is.
host_alive() {
	[ "$(lock_pid)" = "$1" ] || return 1
	kill -0 "$1" 2>/dev/null || return 1
	[ -r /proc/locks ] || return 0
	ino=$(stat -c %i "$R/host.lock" 2>/dev/null) || return 1
	while read -r _n kind _adv _mode lpid dev _rest; do
		[ "$kind" = POSIX ] && [ "$lpid" = "$1" ] &&
		    [ "${dev##*:}" = "$ino" ] && return 0
	done </proc/locks
	return 1
}

# Write file $1, one line of at most PIPE_BUF bytes, to the FIFO.
#
# Lines of concurrent clients must never interleave, and the kernel only
# promises that for a single write(2) of at most PIPE_BUF bytes to a pipe.
# A shell's printf gives no such promise (it may flush its buffer in
# pieces), and a shell's ">" on a FIFO opens it blocking, so with no host
# reading it would hang for ever.  dd does both right: it reads the file
# (a regular file, so one read gets all of it) and writes it with one
# write(2), on a FIFO it opens O_WRONLY|O_NONBLOCK (oflag=nonblock), which
# fails at once with ENXIO when nobody reads it; conv=nocreat makes a
# FIFO that is gone an ENOENT, never a regular file in its place, and
# oflag=nofollow refuses a symbolic link.  A full FIFO (EAGAIN) is
# retried for up to ten seconds, as rexec does.
fifo_write() {
	tries=0
	check_file "$R/control" fifo || no_host
	while :; do
		err=$(LC_ALL=C dd if="$1" of="$R/control" bs=$line_max count=1 \
		    oflag=nonblock,nofollow conv=nocreat,notrunc status=none \
		    2>&1) && return 0
		case $err in
		*'No such device or address'* | *'No such file or directory'* | \
		*'Broken pipe'*)
			no_host ;;
		*'Resource temporarily unavailable'*)
			tries=$((tries + 1))
			[ "$tries" -lt 100 ] || die "$R/control: the host does not read its FIFO"
			sleep 0.1 ;;
		*)
			die "$R/control: ${err#dd: }" ;;
		esac
	done
}

# Send the request in $tmp (written by the caller in R/spool/) and
# remember the host it went to.  A request longer than one line is
# renamed to R/spool/<id>.json, complete, before the spool line
# announces it.
send() {
	host=$(lock_pid)
	if [ -z "$host" ] || ! host_alive "$host"; then
		no_host
	fi
	size=$(wc -c <"$tmp")
	if [ "$size" -le "$line_max" ]; then
		fifo_write "$tmp"
		rm -f "$tmp"
		tmp=
		return
	fi
	mv -f "$tmp" "$R/spool/$id.json" || die "$R/spool: cannot write"
	tmp=
	linetmp="$R/spool/.$id.line"
	jq -nc --arg id "$id" '{action: "spool", id: $id}' >"$linetmp" ||
	    die "jq failed"
	fifo_write "$linetmp"
	rm -f "$linetmp"
	linetmp=
}

# Poll for the reply to $id, at most $1 seconds (empty: no bound), and
# check once a second (every 10 polls of up to 0.1 s) that the host is
# alive.  A stop signal sends abort and waits five seconds more; a run
# that is given up on (-W) is aborted too, so nothing is left behind.
await() {
	reply="$R/replies/$id.json"
	limit=${1:-}
	start=$(date +%s)
	polls=0
	naps=0.01
	while [ ! -e "$reply" ] && [ ! -L "$reply" ]; do
		# Only a run is aborted; a control request is just left.
		[ -n "$caught" ] && [ "$mode" != run ] && exit $((128 + caught))
		if [ -n "$caught" ] && [ -z "$aborted" ]; then
			aborted=1
			abort_sent
			start=$(date +%s)
			limit=5
		fi
		polls=$((polls + 1))
		if [ $((polls % 10)) -eq 0 ]; then
			naps=0.1
			if ! host_alive "$host"; then
				{ [ -e "$reply" ] || [ -L "$reply" ]; } && break
				die "the host (pid $host) stopped before it answered"
			fi
			if [ -n "$limit" ] &&
			    [ $(($(date +%s) - start)) -ge "$limit" ]; then
				[ -n "$aborted" ] && exit $((128 + caught))
				[ "$mode" = run ] && abort_sent
				die "the host did not answer within $limit seconds"
			fi
		fi
		sleep "$naps"
	done
	# Read only a reply file of ours; a link is left where it is.
	check_file "$reply" regular ||
	    die "the host (pid $host) stopped before it answered"
}

# The interrupted run is aborted on the host; its reply comes as usual.
abort_sent() {
	tmp="$R/spool/.$id.abort"
	jq -nc --arg id "$id" '{action: "abort", id: $id}' >"$tmp" &&
	    fifo_write "$tmp"
	rm -f "$tmp"
	tmp=
}

# Print the reply as rexec run prints it and exit with its status.  Two
# jq runs: the text, exactly, then the other fields as sh assignments
# (@sh quotes them), so a reply costs two jq start-ups, not six.
finish() {
	jq -j '(.output // ""), (if .running == true then .tail // "" else empty end)' \
	    "$reply"
	running='' error='' seq='' offset='' waiting='' code=''
	eval "$(jq -r '@sh "running=\(.running == true) error=\(.error // "")
	    seq=\(.seq // "") offset=\(.offset // "")
	    waiting=\(.waiting_for_input == true)
	    code=\(if (.exit | type) == "number" then .exit else 127 end)"' \
	    "$reply")" || die "$reply: not a reply"
	rm -f "$reply"
	if [ -n "$caught" ]; then
		[ -n "$error" ] && printf '%s: %s\n' "$prog" "$error" >&2
		exit $((128 + caught))
	fi
	if [ "$running" = true ]; then
		printf '%s: run %s is still running (rexec-client.sh wait %s -o %s)\n' \
		    "$prog" "$seq" "$seq" "$offset" >&2
		[ "$waiting" = true ] &&
		    printf '%s: run %s is waiting for input\n' "$prog" "$seq" >&2
		exit 75
	fi
	if [ -n "$error" ]; then
		case $error in
		not_found) printf '%s: not found\n' "$argv0" >&2 ;;
		*) printf '%s: %s\n' "$prog" "$error" >&2 ;;
		esac
		# A wait that was refused is not a run's status (as rexec wait).
		case $error in
		bad_request*) [ "$mode" = wait ] && exit 1 ;;
		esac
	fi
	[ "$code" -ge 0 ] 2>/dev/null && [ "$code" -le 255 ] || code=127
	exit "$code"
}

caught='' aborted='' tmp='' linetmp=''
trap 'caught=2' INT
trap 'caught=15' TERM
trap 'caught=1' HUP
trap cleanup EXIT

command -v jq >/dev/null 2>&1 || die "jq is needed (apt-get install jq)"
R=$(runtime_dir)
uid=$(id -u)
id=$(make_id)
mode=run
case ${1:-} in
ping | wait) mode=$1; shift ;;
esac

# Nothing is written -- not even a file in spool/ -- before R, what the
# request goes through and what the reply comes through pass.
check_dir "$R"
check_dir "$R/replies"
check_dir "$R/spool"
check_file "$R/control" fifo || no_host
umask 077
tmp="$R/spool/.$id.tmp"

case $mode in
ping)
	[ $# -eq 0 ] || usage "ping: too many arguments"
	jq -nc --arg id "$id" '{action: "ping", id: $id}' >"$tmp" ||
	    die "jq failed"
	send
	await 10
	jq -c . "$reply"
	rm -f "$reply"
	exit 0
	;;
wait)
	[ $# -ge 1 ] || usage "wait: SEQ missing"
	if ! is_integer "$1" || [ "$1" -lt 1 ]; then
		usage "wait: not a run number: $1"
	fi
	seq=$1
	shift
	timeout=0 offset=
	while getopts t:o: opt; do
		case $opt in
		t) is_number "$OPTARG" || usage "-t: not a number: $OPTARG"
		   timeout=$OPTARG ;;
		o) is_integer "$OPTARG" || usage "-o: not an offset: $OPTARG"
		   offset=$OPTARG ;;
		*) usage "wait: unknown option" ;;
		esac
	done
	shift $((OPTIND - 1))
	[ $# -eq 0 ] || usage "wait: too many arguments"
	argv0=
	jq -nc --arg id "$id" --argjson seq "$seq" --argjson t "$timeout" \
	    --arg off "$offset" '{action: "wait", id: $id, seq: $seq,
	    timeout: $t} + (if $off == "" then {} else
	    {offset: ($off | tonumber)} end)' >"$tmp" || die "jq failed"
	send
	await $(( ${timeout%.*}0 / 10 + 10 ))
	finish
	;;
esac

whoami=${REXEC_WHOAMI:-}
dir=$(pwd)
envs='{}'
read_stdin='' timeout='' yield='' max_output='' max_wait=''
while getopts w:d:e:it:y:m:W: opt; do
	case $opt in
	w) whoami=$OPTARG ;;
	d) dir=$OPTARG ;;
	e) case $OPTARG in
	   =* | [!=]*=*) ;;
	   *) usage "-e: not NAME=VALUE: $OPTARG" ;;
	   esac
	   [ -n "${OPTARG%%=*}" ] || usage "-e: empty name: $OPTARG"
	   envs=$(jq -nc --argjson e "$envs" --arg k "${OPTARG%%=*}" \
	       --arg v "${OPTARG#*=}" '$e + {($k): $v}') || die "jq failed" ;;
	i) read_stdin=1 ;;
	t) is_number "$OPTARG" || usage "-t: not a number: $OPTARG"
	   timeout=$OPTARG ;;
	y) is_number "$OPTARG" || usage "-y: not a number: $OPTARG"
	   yield=$OPTARG ;;
	m) is_integer "$OPTARG" || usage "-m: not a byte count: $OPTARG"
	   max_output=$OPTARG ;;
	W) if ! is_integer "$OPTARG" || [ "$OPTARG" -lt 1 ]; then
		usage "-W: not a whole number of seconds: $OPTARG"
	   fi
	   max_wait=$OPTARG ;;
	*) usage "unknown option" ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || usage "a command is required (after --)"
[ -n "$whoami" ] || usage "-w is required (or set REXEC_WHOAMI)"
argv0=$1

# The request, straight into the spool directory: it stays there if it
# is too long for one line.  stdin is read by jq itself (--rawfile), so
# its bytes, trailing newlines included, reach the run unchanged.
stdin_file=/dev/null
[ -n "$read_stdin" ] && stdin_file=/dev/stdin
jq -nc --arg id "$id" --arg whoami "$whoami" --arg dir "$dir" \
    --argjson envs "$envs" --arg read_stdin "$read_stdin" \
    --rawfile stdin "$stdin_file" --arg timeout "$timeout" \
    --arg yield "$yield" --arg max_output "$max_output" '
	{id: $id, whoami: $whoami, dir: $dir, exec: $ARGS.positional}
	+ (if $envs == {} then {} else {envs: $envs} end)
	+ (if $read_stdin == "" then {} else {stdin: $stdin} end)
	+ (if $timeout == "" then {} else {timeout: ($timeout | tonumber)} end)
	+ (if $yield == "" then {} else {yield: ($yield | tonumber)} end)
	+ (if $max_output == "" then {} else
	    {max_output: ($max_output | tonumber)} end)
    ' --args -- "$@" >"$tmp" || die "cannot build the request (jq failed)"
send
await "$max_wait"
finish
