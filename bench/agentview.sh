#!/bin/sh
# bench/agentview.sh: `rexec agentview` against ansi2txt (colorized-logs)
# and ansifilter, side by side in one run on this machine.  Not a test: it
# prints numbers and says whether the targets of issue 3 hold (throughput
# at least 2x the faster peer on every input; on the progress-bar redraw
# stream an output at least 10x smaller than theirs), then the peak RSS of
# rexec on 1 GiB of input.
#
# Inputs, generated in a temporary directory: a 200 MB plain-text log, a
# 100 MB SGR-dense coloured log and a 100 MB progress-bar redraw stream
# (tqdm single bars, tqdm nested bars and docker-pull layer lines).
#
# Environment: REXEC (default: src/rexec of this tree), RUNS (best of N,
# default 3), SCALE (multiplies the input sizes, default 1), TMPDIR.
#
# The run_* functions are called by name (through best_ms):
# shellcheck disable=SC2317
set -eu

. "$(dirname "$0")/common.sh"
RUNS=${RUNS:-3}
SCALE=${SCALE:-1}
need ansi2txt colorized-logs
need ansifilter ansifilter
need /usr/bin/time time

# gen KIND MB: write MB megabytes (10^6 bytes) of one kind of output.
gen() {
	perl -e '
use strict; use warnings;
my ($kind, $mb) = @ARGV;
my $target = int($mb * 1000 * 1000);
my @lvl = ("INFO ", "DEBUG", "WARN ", "ERROR");
my @paths = ("/api/v1/items", "/api/v1/users/42", "/healthz",
    "/static/app.js", "/login");
my $block = "";
if ($kind eq "plain") {
	for my $i (0..19999) {
		$block .= sprintf("2026-11-27T18:%02d:%02d.%03dZ %s [worker-%d] " .
		    "processed request id=%d path=%s status=%d duration=%dms\n",
		    $i / 60 % 60, $i % 60, $i % 1000, $lvl[$i % 4], $i % 8,
		    100000 + $i * 7, $paths[$i % 5], (200, 201, 404, 500)[$i % 4],
		    $i % 977);
	}
} elsif ($kind eq "sgr") {
	my @c = ("\e[32m", "\e[36m", "\e[33m", "\e[31m");
	for my $i (0..19999) {
		$block .= sprintf("\e[2m2026-11-27T18:%02d:%02dZ\e[0m %s\e[1m%s" .
		    "\e[0m \e[1;34m[worker-%d]\e[0m \e[38;5;%dm%s\e[0m \e[4m%s" .
		    "\e[24m \e[38;2;%d;%d;%dm%d\e[0m \e[35m%dms\e[0m\e[K\n",
		    $i / 60 % 60, $i % 60, $c[$i % 4], $lvl[$i % 4], $i % 8,
		    16 + $i % 200, ("GET", "POST", "PUT")[$i % 3], $paths[$i % 5],
		    $i % 256, (3 * $i) % 256, (7 * $i) % 256,
		    (200, 201, 404, 500)[$i % 4], $i % 977);
	}
} else {
	# Three kinds of redraw, a third each: tqdm single bars (CR, bar,
	# ESC[K), tqdm nested bars (position=1: LF, CR, bar, ESC[A) and
	# docker-pull layers (up N, CR, ESC[2K, line, CR, down N).
	my @part = ("", map { chr(0x2590 - $_) } 1..7);
	my $bar = sub {
		my ($k, $n, $w) = @_;
		my $frac = $k / $n * $w;
		my $full = int($frac);
		my $s = chr(0x2588) x $full;
		$s .= $part[int(($frac - $full) * 8)] if $full < $w;
		return $s . (" " x ($w - length($s)));
	};
	for my $b (0..9) {
		for my $k (0..200) {
			$block .= sprintf("\r%3d%%|%s| %d/200 [00:%02d<00:%02d, " .
			    "%.2fit/s]\e[K", $k / 2, $bar->($k, 200, 20), $k,
			    $k / 60, (200 - $k) / 60, 49.5 + $k % 7);
		}
		$block .= "\n";
	}
	for my $e (0..4) {
		$block .= sprintf("\repoch %d/5: |%s|\e[K", $e, $bar->($e, 5, 10));
		for my $k (0..200) {
			$block .= sprintf("\n\rbatch: %3d%%|%s| %d/200 [loss=%.4f]" .
			    "\e[K\e[A", $k / 2, $bar->($k, 200, 20), $k,
			    1 / ($k + 1));
		}
	}
	$block .= "\n\n";
	my @layers = ("a1b2c3d4e5f6", "0f9e8d7c6b5a", "123456789abc",
	    "cafebabe0123");
	$block .= "$_: Pulling fs layer\n" for @layers;
	for my $k (0..150) {
		for my $i (0..3) {
			my $up = 4 - $i;
			$block .= sprintf("\e[%dA\r\e[2K%s: Downloading [%s>] " .
			    "%5.1fMB/48.2MB\r\e[%dB", $up, $layers[$i],
			    "=" x int($k / 3), $k * 0.32, $up);
		}
	}
	for my $i (0..3) {
		$block .= sprintf("\e[%dA\r\e[2K%s: Pull complete\r\e[%dB",
		    4 - $i, $layers[$i], 4 - $i);
	}
	utf8::encode($block);
}
binmode(STDOUT);
for (my $out = 0; $out < $target; $out += length($block)) {
	print($target - $out < length($block) ?
	    substr($block, 0, $target - $out) : $block);
}' "$1" "$2"
}

# now_ns: a monotonic-enough clock in nanoseconds (GNU date).
now_ns() {
	date +%s%N
}

# best_ms FILE CMD...: the best wall time of RUNS runs of CMD < FILE.
best_ms() {
	file=$1
	shift
	best=
	i=0
	while [ "$i" -lt "$RUNS" ]; do
		t0=$(now_ns)
		"$@" < "$file" > /dev/null
		t1=$(now_ns)
		ms=$(( (t1 - t0) / 1000000 ))
		[ "$ms" -lt 1 ] && ms=1
		if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then
			best=$ms
		fi
		i=$((i + 1))
	done
	echo "$best"
}

run_rexec() {
	"$REXEC" agentview --max-output 0
}

run_ansi2txt() {
	ansi2txt
}

run_ansifilter() {
	ansifilter
}

# gib: the three inputs over and over, 1 GiB in all, on stdout.
gib() {
	set -- "$tmp/plain.log" "$tmp/sgr.log" "$tmp/redraw.log"
	n=$(( 1073741824 / $(cat "$@" | wc -c) + 1 ))
	while [ "$n" -gt 0 ]; do
		cat "$@"
		n=$((n - 1))
	done | head -c 1073741824
}

# Peak RSS in KiB of rexec agentview ARGS reading 1 GiB from a pipe.
peak_rss() {
	if [ -x /usr/bin/time ]; then
		gib | /usr/bin/time -v -o "$tmp/rss" "$REXEC" agentview "$@" \
		    > /dev/null
		awk -F': ' '/Maximum resident set size/ { print $2 }' "$tmp/rss"
	else
		# Without GNU time: poll the kernel's high-water mark.
		rm -f "$tmp/fifo"
		mkfifo "$tmp/fifo"
		"$REXEC" agentview "$@" < "$tmp/fifo" > /dev/null &
		pid=$!
		gib > "$tmp/fifo" &
		hwm=0
		while kill -0 "$pid" 2>/dev/null; do
			v=$(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
			[ -n "$v" ] && hwm=$v
			sleep 0.05
		done
		wait "$pid" || true
		echo "$hwm (polled VmHWM: /usr/bin/time is missing)"
	fi
}

plain_mb=$(awk -v s="$SCALE" 'BEGIN { print 200 * s }')
other_mb=$(awk -v s="$SCALE" 'BEGIN { print 100 * s }')
echo "generating inputs in $tmp ..."
gen plain "$plain_mb" > "$tmp/plain.log"
gen sgr "$other_mb" > "$tmp/sgr.log"
gen redraw "$other_mb" > "$tmp/redraw.log"

tools="rexec"
for tool in ansi2txt ansifilter; do
	command -v "$tool" >/dev/null 2>&1 && tools="$tools $tool"
done

echo
echo "rexec: $REXEC"
echo "throughput in MB/s (10^6 bytes), best of $RUNS runs, output to /dev/null"
printf '%-8s %9s' input MB
for tool in $tools; do
	printf ' %11s' "$tool"
done
printf ' %14s %s\n' "rexec/faster" "(target >= 2)"

fail=0
for input in plain sgr redraw; do
	file=$tmp/$input.log
	bytes=$(wc -c < "$file")
	printf '%-8s %9.1f' "$input" "$(awk -v b="$bytes" 'BEGIN { print b / 1e6 }')"
	rate_rexec=0
	faster=0
	for tool in $tools; do
		ms=$(best_ms "$file" "run_$tool")
		rate=$(awk -v b="$bytes" -v ms="$ms" 'BEGIN { printf "%.1f", b / 1e6 / (ms / 1000) }')
		printf ' %11s' "$rate"
		if [ "$tool" = rexec ]; then
			rate_rexec=$rate
		elif awk -v a="$rate" -v b="$faster" 'BEGIN { exit !(a > b) }'; then
			faster=$rate
		fi
	done
	if awk -v f="$faster" 'BEGIN { exit !(f > 0) }'; then
		ratio=$(awk -v r="$rate_rexec" -v f="$faster" 'BEGIN { printf "%.2f", r / f }')
		if awk -v x="$ratio" 'BEGIN { exit !(x >= 2) }'; then
			verdict=met
		else
			verdict="NOT met"
			fail=1
		fi
		printf ' %14s %s\n' "${ratio}x" "$verdict"
	else
		printf ' %14s %s\n' - "no peer"
	fi
done

echo
echo "output bytes on the redraw stream (target: rexec >= 10x smaller)"
rexec_out=$(run_rexec < "$tmp/redraw.log" | wc -c)
for tool in $tools; do
	out=$("run_$tool" < "$tmp/redraw.log" | wc -c)
	if [ "$tool" = rexec ]; then
		printf '%-12s %12d\n' "$tool" "$out"
	else
		ratio=$(awk -v o="$out" -v r="$rexec_out" 'BEGIN { printf "%.1f", o / (r > 0 ? r : 1) }')
		if awk -v x="$ratio" 'BEGIN { exit !(x >= 10) }'; then
			verdict=met
		else
			verdict="NOT met"
			fail=1
		fi
		printf '%-12s %12d  %sx rexec  %s\n' "$tool" "$out" "$ratio" "$verdict"
	fi
done

echo
echo "peak RSS of rexec agentview on 1 GiB from a pipe (KiB)"
printf '%-28s %s\n' "--max-output 65536 (cap)" "$(peak_rss --max-output 65536)"
printf '%-28s %s\n' "--max-output 0 (no cap)" "$(peak_rss --max-output 0)"

if [ "$fail" -ne 0 ]; then
	echo
	echo "some targets are not met"
fi
exit 0
