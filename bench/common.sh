# bench/common.sh: what the benchmark scripts share: a private host in a
# temporary runtime directory, and a clock in milliseconds.

here=$(cd "$(dirname "$0")" && pwd)
REXEC=${REXEC:-$here/../src/rexec}
if [ ! -x "$REXEC" ]; then
	echo "$(basename "$0"): $REXEC: not executable (build first, or set REXEC)" >&2
	exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rexec-bench.XXXXXX")
export REXEC_RUNTIME_DIR="$tmp/run" REXEC_JOURNAL_DIR="$tmp/journal"
export REXEC_CONFIG="$tmp/rexec.ini" REXEC_WHOAMI=bench
: >"$REXEC_CONFIG"
host_pid=

# Under set -e a failing kill, wait or kill-server must not stop the
# cleanup before the temporary directory goes.
cleanup() {
	set +e
	[ -n "$host_pid" ] && kill "$host_pid" 2>/dev/null && wait "$host_pid" 2>/dev/null
	tmux -L rexec-bench kill-server 2>/dev/null
	rm -rf "$tmp"
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

rss_kib() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

hwm_kib() {
	awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"
}
