# bench/common.sh: what the benchmark scripts share: a private host in a
# temporary runtime directory, and a clock in milliseconds.

here=$(cd "$(dirname "$0")" && pwd)

# need COMMAND PACKAGE: a peer the benchmark measures against (or runs
# with), installed from Debian when it is missing (as root, or with sudo).
need() {
	command -v "$1" >/dev/null 2>&1 && return 0
	sudo=
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null 2>&1 || {
			echo "$(basename "$0"): needs $1: install the Debian package $2" >&2
			exit 1
		}
		sudo=sudo
	fi
	echo "$(basename "$0"): installing $2 (for $1)" >&2
	{ $sudo apt-get update -q && $sudo env DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -q --no-install-recommends "$2"; } >&2 || {
		echo "$(basename "$0"): could not install $2 (for $1)" >&2
		exit 1
	}
}
REXEC=${REXEC:-$here/../src/rexec}
if [ ! -x "$REXEC" ]; then
	echo "$(basename "$0"): $REXEC: not executable (build first, or set REXEC)" >&2
	exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rexec-bench.XXXXXX")
# The runtime directory lives where a login session's does: under
# $XDG_RUNTIME_DIR (/run/user/UID, a tmpfs), else on /dev/shm (tmpfs too)
# when neither is there, as on a CI machine's root shell; the journal stays
# under TMPDIR, on disk like ~/.local/state.  Each reply is a new file, and
# creating one costs far more on some disk filesystems than on tmpfs.
rundir_base=$tmp
for d in "${XDG_RUNTIME_DIR:-}" /dev/shm; do
	if [ -n "$d" ] && [ -d "$d" ] && [ -w "$d" ]; then
		rundir_base=$(mktemp -d "$d/rexec-bench.XXXXXX") && break
		rundir_base=$tmp
	fi
done
export REXEC_RUNTIME_DIR="$rundir_base/run" REXEC_JOURNAL_DIR="$tmp/journal"
export REXEC_CONFIG="$tmp/rexec.ini" REXEC_WHOAMI=bench
: >"$REXEC_CONFIG"
host_pid=
other_pids=	# more hosts a benchmark started itself

# Under set -e a failing kill, wait or kill-server must not stop the
# cleanup before the temporary directory goes.
cleanup() {
	set +e
	for p in $host_pid $other_pids; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	tmux -L rexec-bench kill-server 2>/dev/null
	rm -rf "$tmp"
	[ "$rundir_base" = "$tmp" ] || rm -rf "$rundir_base"
}
trap cleanup EXIT INT TERM

now_ms() {
	date +%s%N | awk '{ printf "%.3f", $1 / 1000000 }'
}

# secs CMD...: wall seconds of one run, its output thrown away.
secs() {
	t0=$(now_ms)
	"$@" >/dev/null 2>&1 </dev/null
	t1=$(now_ms)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1000 }'
}

# journal_lines: lines in every journal of the benchmark's journal
# directory.  A host writes a big journal line on a thread after the reply:
# a benchmark that wants the host idle waits for the line.
journal_lines() {
	cat "$REXEC_JOURNAL_DIR"/*.jsonl 2>/dev/null | wc -l
}

# await_journal N: wait (up to 60 s) until the journals hold N lines.
await_journal() {
	i=0
	until [ "$(journal_lines)" -ge "$1" ]; do
		i=$((i + 1))
		[ "$i" -lt 1200 ] || { echo "$(basename "$0"): no journal line after 60 s" >&2; return 1; }
		sleep 0.05
	done
}

# rate_table TITLE MB LABEL:SECONDS...: a table of seconds and MB/s.
rate_table() {
	title=$1
	mb=$2
	shift 2
	printf '%-36s %8s %10s\n' "$title" "seconds" "MB/s"
	for row in "$@"; do
		label=${row%:*}
		s=${row##*:}
		printf '%-36s %8s %10.1f\n' "$label" "$s" "$(awk -v m="$mb" -v s="$s" 'BEGIN { print m / s }')"
	done
}

# start_host [CONSOLE-FILE]: a headless host whose console goes to a file.
start_host() {
	"$REXEC" host --headless >"${1:-/dev/null}" 2>"$tmp/host.err" &
	host_pid=$!
	i=0
	until "$REXEC" check >/dev/null 2>&1; do
		i=$((i + 1))
		[ "$i" -lt 500 ] || { echo "host did not start" >&2; cat "$tmp/host.err" >&2; exit 1; }
		sleep 0.01
	done
}

# median NAME: the median of the samples named NAME in $tmp/samples (lines
# "NAME VALUE"), for benchmarks that run their contenders in rounds.
median() {
	awk -v c="$1" '$1 == c { print $2 }' "$tmp/samples" | sort -n |
		awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# fs_type DIR: the filesystem DIR is on (tmpfs, ext4, ...).
fs_type() {
	stat -f -c %T "$1" 2>/dev/null || echo unknown
}

rss_kib() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

hwm_kib() {
	awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"
}

# wait_until WHAT CMD...: poll CMD until it succeeds; give up after
# DEADLINE seconds (default 120), saying WHAT did not happen.
wait_until() {
	what=$1
	shift
	end=$(($(date +%s) + ${DEADLINE:-120}))
	until "$@"; do
		[ "$(date +%s)" -lt "$end" ] || { echo "$(basename "$0"): timed out after ${DEADLINE:-120}s waiting for $what" >&2; return 1; }
		sleep 0.01
	done
}

# min A B, max A B: the smaller or larger of two figures, B possibly
# empty (a best-of-rounds figure not set yet).
min() {
	awk -v a="$1" -v b="$2" 'BEGIN { print (b == "" || a < b) ? a : b }'
}

max() {
	awk -v a="$1" -v b="$2" 'BEGIN { print (b == "" || a > b) ? a : b }'
}
