#!/bin/sh
# bench/longrun.sh: what long runs (DESIGN.md 4.1) cost the host.  Not a
# test: it prints figures and whether the targets of issue 11 hold.
#
# 1. A wait peek (timeout 0) on a run that has printed MB megabytes (100)
#    and goes on: timed from one long-lived process (bench/waitpeek.c, so
#    a client's start-up is left out) at the current offset (nothing new:
#    the tail and the bookkeeping) and at an offset half the text back (a
#    read across dropped text: the capped reply), with the same peeks
#    from a shell, one `rexec wait` per peek, for reference; the reply's
#    size and the host's RSS around them.  Target: under 5 ms a peek, and
#    no copy of the whole text (a reply of the cap's size, not MB).
# 2. The host's RSS while RUNS runs (50), detached by `--yield`, each
#    print RATE bytes a second (1 MB/s) of text lines, sampled every EVERY
#    seconds for DURATION seconds (60).  Each run holds bounded buffers
#    that fill at its start (the text ring's newest MiB fills in about a
#    second at 1 MB/s; the journal's text streams to a file), so the ratio
#    that counts is the last sample over the one at WARMUP seconds (20).
#    Target: flat, that ratio under 1.2.  What the runs printed (from
#    their wait offsets) is set against what they meant to print, so a
#    host that falls behind shows; beside it the host's CPU, its time
#    waiting for a CPU, the machine's CPUs and how long peeks took during
#    the flood.  The printers are bench/waitpeek.c too (its print mode).
#
# Environment: REXEC, MB, PEEKS (per offset from the long-lived process,
# default 300), SHELL_PEEKS (default 30), RUNS, RATE, DURATION, EVERY,
# WARMUP, WINDOW ([agent] window, default 200), CC.
set -eu
. "$(dirname "$0")/common.sh"
MB=${MB:-100}
PEEKS=${PEEKS:-300}
SHELL_PEEKS=${SHELL_PEEKS:-30}
RUNS=${RUNS:-50}
RATE=${RATE:-1000000}
DURATION=${DURATION:-60}
EVERY=${EVERY:-5}
WARMUP=${WARMUP:-20}
WINDOW=${WINDOW:-200}
need jq jq

${CC:-cc} -O2 -o "$tmp/waitpeek" "$here/waitpeek.c"
printf '[agent]\nwindow = %s\n' "$WINDOW" >"$REXEC_CONFIG"

die() {
	echo "longrun.sh: $*" >&2
	exit 1
}

load() {
	cut -d' ' -f1-3 /proc/loadavg
}

# peek_json SEQ [OFFSET]: a wait reply, at once.  rexec wait exits 75
# while the run goes on.
peek_json() {
	"$REXEC" wait "$1" --timeout 0 ${2:+--offset "$2"} --json 2>/dev/null ||
		[ $? -eq 75 ]
}

# printed SEQ: the bytes of text run SEQ has printed, final and tail.
printed() {
	peek_json "$1" | jq '.offset + (.tail | utf8bytelength)'
}

# detached_seq ERRFILE: the seq a detached run's client named on stderr.
detached_seq() {
	sed -n 's/^rexec: run \([0-9][0-9]*\) is still running.*/\1/p' "$1"
}

host_cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}

stop_host() {
	kill "$host_pid"
	wait "$host_pid" || :
	host_pid=
}

echo "load average at start: $(load) ($(nproc) cores)"

# --- 1. peeks on a run that printed MB megabytes --------------------------
start_host
hpid=$("$REXEC" status --json | jq .pid)
rss_idle=$(rss_kib "$hpid")
text='some text of a build log line'
len=$((${#text} + 1))
lines=$(((MB * 1000000 + len - 1) / len))
total=$((lines * len))
rc=0
t0=$(now_ms)
"$REXEC" run --yield 0.5 -- sh -c "yes '$text' | head -n $lines; exec sleep 600" \
	>/dev/null 2>"$tmp/big.err" || rc=$?
[ "$rc" -eq 75 ] || die "the big run did not detach (exit $rc): $(cat "$tmp/big.err")"
big=$(detached_seq "$tmp/big.err")
[ -n "$big" ] || die "no seq in: $(cat "$tmp/big.err")"
deadline=$(($(date +%s) + 600))
while :; do
	got=$(printed "$big")
	[ -n "$got" ] || die "no wait reply for run $big"
	[ "$got" -lt "$total" ] || break
	[ "$(date +%s)" -lt "$deadline" ] ||
		die "run $big printed $got of $total bytes in 600 s"
	sleep 0.2
done
t1=$(now_ms)
cur=$(peek_json "$big" | jq .offset)
back=$((cur - MB * 1000000 / 2))
[ "$back" -ge 0 ] || back=0
rss_before=$(rss_kib "$hpid")

# The contenders alternate in ROUNDS batches; each row is the mean of the
# batch means and the largest single peek.
ROUNDS=3
batch=$(((PEEKS + ROUNDS - 1) / ROUNDS))
sbatch=$(((SHELL_PEEKS + ROUNDS - 1) / ROUNDS))
shell_ms() {
	s0=$(now_ms)
	i=0
	while [ "$i" -lt "$sbatch" ]; do
		"$@" >/dev/null 2>&1 </dev/null || :
		i=$((i + 1))
	done
	s1=$(now_ms)
	awk -v a="$s0" -v b="$s1" -v n="$sbatch" 'BEGIN { printf "%.3f", (b - a) / n }'
}
r=0
while [ "$r" -lt "$ROUNDS" ]; do
	{
		echo "lived_cur $("$tmp/waitpeek" peek "$REXEC_RUNTIME_DIR" "$big" "$cur" "$batch")"
		echo "lived_back $("$tmp/waitpeek" peek "$REXEC_RUNTIME_DIR" "$big" "$back" "$batch")"
		echo "shell_true $(shell_ms /bin/true)"
		echo "shell_cur $(shell_ms "$REXEC" wait "$big" --timeout 0 --offset "$cur")"
		echo "shell_back $(shell_ms "$REXEC" wait "$big" --timeout 0 --offset "$back")"
	} >>"$tmp/peeks"
	r=$((r + 1))
done
rss_after=$(rss_kib "$hpid")
hwm=$(hwm_kib "$hpid")
# What the reply across the gap holds.
peek_json "$big" "$back" >"$tmp/back.json"
peek_json "$big" "$cur" >"$tmp/cur.json"

mean() { awk -v c="$1" '$1 == c { s += $2; n++ } END { printf "%.3f", s / n }' "$tmp/peeks"; }
maxof() { awk -v c="$1" '$1 == c && $3 > m { m = $3 } END { printf "%.3f", m }' "$tmp/peeks"; }
size() { awk -v c="$1" '$1 == c { v = $4 } END { print v }' "$tmp/peeks"; }

printf 'run %s printed %d MB of text lines in %.1f s ([agent] window = %s); peeks at offset %s (the end) and %s (%d MB back)\n' \
	"$big" "$MB" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print (b - a) / 1000 }')" "$WINDOW" "$cur" "$back" "$((MB / 2))"
printf '%-52s %9s %9s %11s\n' "wait peek (timeout 0)" "mean ms" "max ms" "reply bytes"
printf '%-52s %9s %9s %11s\n' "one long-lived process, at the end" "$(mean lived_cur)" "$(maxof lived_cur)" "$(size lived_cur)"
printf '%-52s %9s %9s %11s\n' "one long-lived process, $((MB / 2)) MB back" "$(mean lived_back)" "$(maxof lived_back)" "$(size lived_back)"
printf '%-52s %9s\n' "from a shell, /bin/true (a process start)" "$(mean shell_true)"
printf '%-52s %9s\n' "from a shell, rexec wait --offset (the end)" "$(mean shell_cur)"
printf '%-52s %9s\n' "from a shell, rexec wait --offset ($((MB / 2)) MB back)" "$(mean shell_back)"
jq -r '"reply at the end: output \(.output | utf8bytelength) bytes, tail \(.tail | utf8bytelength) bytes"' "$tmp/cur.json"
jq -r '"reply \(.offset - '"$back"') bytes back: output \(.output | utf8bytelength) bytes, truncated \(.truncated), omitted_bytes \(.omitted_bytes)"' "$tmp/back.json"
printf 'host RSS: idle %.1f MiB, after the %d MB run %.1f MiB, after the %d peeks %.1f MiB (peak %.1f MiB)\n' \
	"$(awk -v k="$rss_idle" 'BEGIN { print k / 1024 }')" "$MB" \
	"$(awk -v k="$rss_before" 'BEGIN { print k / 1024 }')" \
	"$((batch * ROUNDS * 2 + sbatch * ROUNDS * 2))" \
	"$(awk -v k="$rss_after" 'BEGIN { print k / 1024 }')" \
	"$(awk -v k="$hwm" 'BEGIN { print k / 1024 }')"
awk -v a="$(mean lived_cur)" -v b="$(mean lived_back)" -v s="$(size lived_back)" -v mb="$MB" 'BEGIN {
	m = a > b ? a : b
	printf "peek < 5 ms (worse of the two means %.3f ms): %s; largest reply %d bytes = %.5f%% of the %d MB printed\n",
	    m, (m < 5) ? "met" : "NOT met", s, s * 100 / (mb * 1000000), mb
}'
"$REXEC" kill "$big" >/dev/null 2>&1 || :
await_journal 1
stop_host
echo "load average after part 1: $(load)"

# --- 2. memory with RUNS detached runs printing RATE bytes a second -------
start_host
hpid=$("$REXEC" status --json | jq .pid)
rss_idle=$(rss_kib "$hpid")
i=0
while [ "$i" -lt "$RUNS" ]; do
	# Batches of 10 keep the runs not yet detached under max_parallel.
	# (a bare wait would wait for the host too).
	j=0
	pids=
	while [ "$j" -lt 10 ] && [ "$i" -lt "$RUNS" ]; do
		( rc=0
		"$REXEC" run --yield 0.2 -- "$tmp/waitpeek" print "$RATE" \
			>/dev/null 2>"$tmp/p.$i.err" || rc=$?
		echo "$rc" >"$tmp/p.$i.rc" ) &
		pids="$pids $!"
		i=$((i + 1))
		j=$((j + 1))
	done
	# shellcheck disable=SC2086
	wait $pids
done
seqs=
i=0
while [ "$i" -lt "$RUNS" ]; do
	[ "$(cat "$tmp/p.$i.rc")" -eq 75 ] ||
		die "printer $i did not detach (exit $(cat "$tmp/p.$i.rc")): $(cat "$tmp/p.$i.err")"
	seqs="$seqs $(detached_seq "$tmp/p.$i.err")"
	i=$((i + 1))
done

# sum_printed: the bytes of final text all the runs have printed so far
# (one process, one peek a run).  Their tails, a window of lines each, are
# left out: the same size at every sample, they cancel in a difference.
sum_printed() {
	# shellcheck disable=SC2086
	"$tmp/waitpeek" offsets "$REXEC_RUNTIME_DIR" $seqs
}

# sample: "ms rss cpu-ticks wait-ns printed printed-ms peek-ms" of the
# host: the first four read together at ms, then what the runs printed,
# one peek a run, as of printed-ms (the middle of those peeks), and the
# peeks' mean.
sample() {
	s0=$(now_ms)
	rs=$(rss_kib "$hpid")
	tk=$(host_cpu_ticks "$hpid")
	wt=$(cat /proc/"$hpid"/task/*/schedstat | awk '{ s += $2 } END { printf "%.0f", s }')
	p0=$(now_ms)
	sp=$(sum_printed)
	p1=$(now_ms)
	echo "$s0 $rs $tk $wt $sp" | awk -v a="$p0" -v b="$p1" -v n="$RUNS" \
		'{ printf "%s %.3f %.2f\n", $0, (a + b) / 2, (b - a) / n }'
}

tck=$(getconf CLK_TCK)
printf '%d runs detached (each prints %s bytes/s); host RSS idle %.1f MiB\n' \
	"$RUNS" "$RATE" "$(awk -v k="$rss_idle" 'BEGIN { print k / 1024 }')"
printf '%6s %10s %9s %9s %10s %12s %8s\n' "t (s)" "RSS KiB" "detached" "MB/s" "host CPU %" "host wait %" "peek ms"
# Each row: the time since the first sample as measured, and over the
# interval since the row before, what the runs printed, the host's CPU
# (of one core) and its threads' time spent runnable but waiting for a
# CPU (machine load, not the host's own work); last, the mean of the RUNS
# peeks the sample took, each from offset 0 (a capped reply), the host's
# answer time during the flood.
cpu0=$(head -1 /proc/stat)
first=$(sample)
start=${first%% *}
prev=$first
printf '%6.1f %10d %9d %9s %10s %12s %8s\n' 0 "$(echo "$first" | cut -d' ' -f2)" \
	"$("$REXEC" status --json | jq '.detached | length')" - - - "$(echo "$first" | cut -d' ' -f7)"
echo "0 $(echo "$first" | cut -d' ' -f2)" >"$tmp/rss"
t=$EVERY
while [ "$t" -le "$DURATION" ]; do
	sleep "$(awk -v s="$start" -v t="$t" -v n="$(now_ms)" 'BEGIN { d = (s + t * 1000 - n) / 1000; print (d > 0) ? d : 0 }')"
	cur_s=$(sample)
	det=$("$REXEC" status --json | jq '.detached | length')
	echo "$prev $cur_s" | awk -v s="$start" -v k="$tck" -v d="$det" '{
		dt = ($8 - $1) / 1000
		printf "%6.1f %10d %9d %9.1f %10.0f %12.0f %8s\n", ($8 - s) / 1000, $9, d,
		    ($12 - $5) / 1e6 / (($13 - $6) / 1000), ($10 - $3) / k * 100 / dt,
		    ($11 - $4) / 1e9 * 100 / dt, $14
	}'
	echo "$cur_s" | awk -v s="$start" '{ printf "%.1f %d\n", ($1 - s) / 1000, $2 }' >>"$tmp/rss"
	prev=$cur_s
	t=$((t + EVERY))
done
cpu1=$(head -1 /proc/stat)
hwm=$(hwm_kib "$hpid")
awk -v w="$WARMUP" '
	{ t[NR] = $1; r[NR] = $2 }
	END {
		# the warm-up sample: the latest at or before WARMUP, before the end
		wi = 1
		for (i = 1; i < NR; i++)
			if (t[i] <= w + 1)
				wi = i
		ti = 1
		for (i = 1; i < NR; i++)
			if (t[i] <= 10 + 1)
				ti = i
		x = r[NR] / r[wi]
		printf "RSS at %.0f s / RSS at %.0f s: %.3f (target < 1.2): %s\n", t[NR], t[wi], x, (x < 1.2) ? "met" : "NOT met"
		printf "RSS at %.0f s / RSS at %.0f s (buffers still filling): %.3f\n", t[NR], t[ti], r[NR] / r[ti]
	}' "$tmp/rss"
echo "$first $prev" | awk -v n="$RUNS" -v rate="$RATE" -v h="$hwm" -v k="$tck" '{
	s = ($8 - $1) / 1000
	ps = ($13 - $6) / 1000
	got = ($12 - $5) / 1e6 / ps
	want = n * rate / 1e6
	printf "the runs printed %.1f MB in %.1f s: %.2f MB/s of the %.2f MB/s meant (%.1f%%)\n",
	    ($12 - $5) / 1e6, ps, got, want, got * 100 / want
	printf "host over %.1f s: CPU %.0f%% of one core, runnable but waiting for a CPU %.0f%%; RSS peak %.1f MiB\n",
	    s, ($10 - $3) / k * 100 / s, ($11 - $4) / 1e9 * 100 / s, h / 1024
}'
# The machine's CPUs over the same time (the host, the runs, the kernel's
# terminal work and whatever else runs there): user, nice, system, idle,
# iowait, irq, softirq, steal.
echo "$cpu0 $cpu1" | awk -v load="$(load)" '{
	n = NF / 2
	for (i = 1; i <= 8; i++) { d[i] = $(i + 1 + n) - $(i + 1); all += d[i] }
	busy = all - d[4] - d[5]
	printf "machine CPUs over the samples: %.0f%% busy (%.0f%% in the kernel), %.0f%% idle, %.0f%% waiting for I/O; load average %s\n",
	    busy * 100 / all, (d[3] + d[6] + d[7]) * 100 / all, d[4] * 100 / all, d[5] * 100 / all, load
}'
for s in $seqs; do
	"$REXEC" kill "$s" >/dev/null 2>&1 || :
done
deadline=$(($(date +%s) + 60))
until [ "$("$REXEC" status --json | jq '.detached | length')" -eq 0 ]; do
	[ "$(date +%s)" -lt "$deadline" ] || die "runs still detached 60 s after kill"
	sleep 0.2
done
await_journal "$((1 + RUNS))"
printf 'after the kills and their journal lines: host RSS %.1f MiB (peak %.1f MiB); journals and recordings %s\n' \
	"$(awk -v k="$(rss_kib "$hpid")" 'BEGIN { print k / 1024 }')" \
	"$(awk -v k="$(hwm_kib "$hpid")" 'BEGIN { print k / 1024 }')" \
	"$(du -sh "$REXEC_JOURNAL_DIR" | cut -f1)"
echo "load average at the end: $(load)"
