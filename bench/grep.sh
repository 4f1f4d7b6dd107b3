#!/bin/sh
# bench/grep.sh: rexec grep over a gigabyte of journals, measured side by
# side with its peer in one run.  Not a test: it prints a table and whether
# the targets hold.
#
# The journals come from real runs (bench/mkjournals.sh: a build, test
# suites, progress bars, listings) replicated to GREP_BENCH_MB megabytes
# (1024), and a SMALL_MB (64) subset of the same sessions.  For each pattern
#   Segmentation fault          a rare literal (what sh says of a SIGSEGV)
#   error                       a common word
#   [0-9]+ passed               a regular expression (no line has it here)
#   ^ok [0-9]+ |Checks: [0-9]+  a regular expression (TAP and Check lines)
# the contenders run in alternating rounds (ROUNDS, 3), median seconds:
#   rexec grep PATTERN | wc -l
#   for f in J/*.jsonl; do jq -r .output "$f"; done | grep -En PATTERN | wc -l
# and both must count the same lines.  Then the peak RSS of each (GNU
# time's %M; the pipeline's is its largest process) on the small set and
# on the big one: memory must stay flat (one journal line at a time).
# Targets: jq/rexec >= 3x for every pattern; rexec's peak RSS on the big
# set at most 1.5x the small set's.  A pattern that starts with a frequent
# class ("[0-9]+ passed" in listings full of digits) is bound by glibc's
# regexec itself, which tries a match at every digit: on this data regexec
# alone takes about 6 s a GiB for it, against about 15 s for jq.
#
# Environment: REXEC, GREP_BENCH_MB, SMALL_MB, ROUNDS, GREP_BENCH_DIR (keep
# the generated journals there between runs; default: a temporary
# directory, removed at the end).
set -eu
. "$(dirname "$0")/common.sh"
MB=${GREP_BENCH_MB:-1024}
SMALL_MB=${SMALL_MB:-64}
ROUNDS=${ROUNDS:-3}
need jq jq
gnutime=/usr/bin/time
[ -x "$gnutime" ] || need /usr/bin/time time

data=${GREP_BENCH_DIR:-$tmp/data}
big=$data/big-$MB
small=$data/small-$SMALL_MB
if [ ! -e "$big/.complete" ]; then
	rm -rf "$big"
	GREP_BENCH_MB=$MB "$here/mkjournals.sh" "$big"
	: >"$big/.complete"
fi
# The small set: the newest sessions of the big one, hard links.
rm -rf "$small"
mkdir -p "$small"
bytes=0
for f in $(ls "$big"/*.jsonl | sort -r); do
	[ "$bytes" -lt $((SMALL_MB * 1048576)) ] || break
	ln "$f" "$small/"
	bytes=$((bytes + $(wc -c <"$f")))
done
big_mb=$(du -m -c "$big"/*.jsonl | tail -n 1 | cut -f1)
small_mb=$(du -m -c "$small"/*.jsonl | tail -n 1 | cut -f1)

jq_grep() {
	for f in "$1"/*.jsonl; do
		jq -r .output "$f"
	done | grep -En -- "$2" | wc -l
}

rexec_grep() {
	REXEC_JOURNAL_DIR=$1 "$REXEC" grep -- "$2" | wc -l
}

# timed NAME CMD...: seconds of one run into the samples; its count beside.
timed() {
	name=$1
	shift
	t0=$(now_ms)
	n=$("$@")
	t1=$(now_ms)
	printf '%s %s\n' "$name" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1000 }')" >>"$tmp/samples"
	printf '%s %s\n' "$name" "$n" >>"$tmp/counts"
}

# peak KIND DIR PATTERN: the peak RSS in KiB of one run.
peak() {
	if [ "$1" = rexec ]; then
		REXEC_JOURNAL_DIR=$2 "$gnutime" -f %M -o "$tmp/rss" "$REXEC" grep -- "$3" >/dev/null
	else
		"$gnutime" -f %M -o "$tmp/rss" sh -c 'for f in "$1"/*.jsonl; do jq -r .output "$f"; done | grep -En -- "$2" >/dev/null' sh "$2" "$3"
	fi
	tail -n 1 "$tmp/rss"
}

set -- "Segmentation fault" "error" "[0-9]+ passed" "^ok [0-9]+ |Checks: [0-9]+"
: >"$tmp/samples"
: >"$tmp/counts"
r=0
while [ "$r" -lt "$ROUNDS" ]; do
	i=0
	for p in "$@"; do
		i=$((i + 1))
		timed "rexec$i" rexec_grep "$big" "$p"
		timed "jq$i" jq_grep "$big" "$p"
	done
	r=$((r + 1))
done

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores); LC_CTYPE=$(locale 2>/dev/null | sed -n 's/^LC_CTYPE=//p')"
printf 'rexec grep over %s MiB of journals (%s sessions), %d rounds, median seconds\n' \
    "$big_mb" "$(ls "$big"/*.jsonl | wc -l)" "$ROUNDS"
printf '%-30s %8s %10s %10s %8s %8s\n' "pattern" "lines" "rexec s" "jq+grep s" "jq/rexec" "MB/s"
ok=met
i=0
for p in "$@"; do
	i=$((i + 1))
	rs=$(median "rexec$i")
	js=$(median "jq$i")
	rc=$(awk -v c="rexec$i" '$1 == c { print $2 }' "$tmp/counts" | sort -u)
	jc=$(awk -v c="jq$i" '$1 == c { print $2 }' "$tmp/counts" | sort -u)
	[ "$rc" = "$jc" ] || { echo "grep.sh: \"$p\": rexec grep found $rc lines, jq+grep $jc" >&2; ok="NOT met (counts differ)"; }
	ratio=$(awk -v a="$js" -v b="$rs" 'BEGIN { printf "%.2f", a / b }')
	awk -v r="$ratio" 'BEGIN { exit !(r < 3) }' && ok="NOT met"
	printf '%-30s %8s %10s %10s %7sx %8.0f\n' "$p" "$rc" "$rs" "$js" "$ratio" \
	    "$(awk -v m="$big_mb" -v s="$rs" 'BEGIN { print m / s }')"
done
echo "jq/rexec >= 3x for every pattern: $ok"

p=error
rs_small=$(peak rexec "$small" "$p")
rs_big=$(peak rexec "$big" "$p")
js_small=$(peak jq "$small" "$p")
js_big=$(peak jq "$big" "$p")
printf 'peak RSS (KiB) of a search for "%s"\n' "$p"
printf '%-30s %12s %12s %8s\n' "" "$small_mb MiB" "$big_mb MiB" "ratio"
printf '%-30s %12s %12s %7.2fx\n' "rexec grep" "$rs_small" "$rs_big" \
    "$(awk -v a="$rs_big" -v b="$rs_small" 'BEGIN { print a / b }')"
printf '%-30s %12s %12s %7.2fx\n' "jq + grep (largest process)" "$js_small" "$js_big" \
    "$(awk -v a="$js_big" -v b="$js_small" 'BEGIN { print a / b }')"
awk -v a="$rs_big" -v b="$rs_small" 'BEGIN {
	printf "rexec grep memory flat (big/small <= 1.5x): %s\n", (a / b <= 1.5) ? "met" : "NOT met"
}'
